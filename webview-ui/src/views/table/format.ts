/**
 * Display formats shared by the table, the header and the best-trial card: numbers short enough for a
 * narrow column but exact enough to tell trials apart, durations in words, statuses as codicon + colour.
 */
import type { CellValue } from '../../../../src/shared/dashboardProtocol';
import type { TrialStatus } from '../../../../src/shared/ids';

/**
 * Numbers as text everywhere (table cells, header, chart ticks and labels, captions): four significant
 * digits, exponent notation for very small or large magnitudes (learning rates, losses); "—" when missing.
 */
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e7) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

/** A cell: "—" for a missing value (an inactive conditional parameter, a trial that reported nothing). */
export function formatCell(v: CellValue | null | undefined): string {
  return v === undefined || v === null || typeof v === 'number' ? formatNumber(v) : String(v);
}

export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${String(m % 60).padStart(2, '0')}m`;
}

/** Statuses in lifecycle order: the order of the status chips and of a sort by status. */
export const statusOrder: readonly TrialStatus[] = [
  'running',
  'launching',
  'queued',
  'stopping',
  'paused',
  'completed',
  'pruned',
  'stopped',
  'failed',
  'lost',
];

/** Codicon and colour class (status-<tone>, see table.css) per status. */
export const statusLook: Readonly<Record<TrialStatus, { icon: string; tone: string }>> = {
  queued: { icon: 'clock', tone: 'muted' },
  launching: { icon: 'rocket', tone: 'live' },
  running: { icon: 'play-circle', tone: 'live' },
  stopping: { icon: 'debug-stop', tone: 'warn' },
  paused: { icon: 'debug-pause', tone: 'muted' },
  completed: { icon: 'pass', tone: 'good' },
  pruned: { icon: 'circle-slash', tone: 'warn' },
  failed: { icon: 'error', tone: 'bad' },
  stopped: { icon: 'stop-circle', tone: 'muted' },
  lost: { icon: 'question', tone: 'bad' },
};

/** `<i class="codicon codicon-x status-icon status-tone">` + the status text, built without innerHTML. */
export function statusIcon(status: TrialStatus): HTMLElement {
  const look = statusLook[status];
  const i = document.createElement('i');
  i.className = `codicon codicon-${look.icon} status-icon status-${look.tone}`;
  i.setAttribute('aria-hidden', 'true');
  return i;
}
