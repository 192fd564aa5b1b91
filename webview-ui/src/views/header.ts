/**
 * The study header: name and state (live or not), the objective and its direction, trial counts by
 * status, trials run against the budget and the steps spent. Rewritten only when the header changes
 * (snapshots, and patches that carry a header).
 */
import type { StudyHeader } from '../../../src/shared/dashboardProtocol';
import type { DashboardStore } from '../state/store';
import { formatNumber, statusIcon, statusOrder } from './table/format';

const stateLook: Record<StudyHeader['state'], { icon: string; tone: string; label: string }> = {
  new: { icon: 'circle-large-outline', tone: 'muted', label: 'new' },
  running: { icon: 'pulse', tone: 'live', label: 'running' },
  finished: { icon: 'pass', tone: 'good', label: 'finished' },
  stopped: { icon: 'stop-circle', tone: 'muted', label: 'stopped' },
  crashed: { icon: 'error', tone: 'bad', label: 'crashed' },
};

export function mountHeader(root: HTMLElement, store: DashboardStore): void {
  root.textContent = '';
  root.classList.add('study-header');
  const render = (): void => {
    const h = store.header;
    if (!h) {
      const wait = document.createElement('div');
      wait.className = 'study-waiting';
      wait.textContent = 'Waiting for the study…';
      root.replaceChildren(wait);
      return;
    }
    root.replaceChildren(titleLine(h), metaLine(h), countsLine(h));
  };
  store.subscribe((change) => {
    if (change.kind === 'snapshot' || (change.kind === 'patch' && change.headerChanged)) render();
  });
  render();
}

function span(className: string, text: string, title?: string): HTMLSpanElement {
  const s = document.createElement('span');
  s.className = className;
  s.textContent = text;
  if (title) s.title = title;
  return s;
}

function icon(name: string, className = ''): HTMLElement {
  const i = document.createElement('i');
  i.className = `codicon codicon-${name} ${className}`.trim();
  i.setAttribute('aria-hidden', 'true');
  return i;
}

function titleLine(h: StudyHeader): HTMLElement {
  const line = document.createElement('div');
  line.className = 'study-title';
  const name = span('study-name', h.study, h.file);
  const look = stateLook[h.state];
  const state = document.createElement('span');
  state.className = `study-state status-${look.tone}`;
  state.dataset.state = h.state;
  state.append(icon(look.icon), span('', h.live ? `live · ${look.label}` : look.label));
  state.title = h.live
    ? 'A Rung process is writing this study now: the dashboard follows it live.'
    : h.endReason
      ? `Ended: ${h.endReason}`
      : `The study is ${look.label}.`;
  line.append(icon('beaker', 'study-icon'), name, state);
  return line;
}

function metaLine(h: StudyHeader): HTMLElement {
  const line = document.createElement('div');
  line.className = 'study-meta';
  const metric = document.createElement('span');
  metric.className = 'study-metric';
  metric.append(icon(h.goal === 'minimize' ? 'arrow-down' : 'arrow-up'), span('', `${h.metric} (${h.goal})`));
  metric.title = `Objective: ${h.goal} ${h.metric}`;
  const trials = span(
    'study-trials',
    h.maxTrials !== undefined ? `${h.trialCount} / ${h.maxTrials} trials` : `${h.trialCount} trials`,
    'Trials created / the study file\'s trials: budget',
  );
  const steps = span('study-steps', `${h.totalSteps.toLocaleString('en-US')} ${h.stepUnit}s`, `Steps reported by all trials (the study's spend, in ${h.stepUnit}s)`);
  const scheduler = span('study-scheduler', h.plan.scheduler, `Scheduler: ${h.plan.scheduler} (${h.plan.mode})`);
  const best = h.best ? span('study-best', `best ${formatNumber(h.best.value)}`, `Best value so far (trial ${h.best.trialId})`) : null;
  line.append(metric, sep(), trials, sep(), steps, sep(), scheduler, ...(best ? [sep(), best] : []));
  return line;
}

function sep(): HTMLElement {
  const s = span('study-sep', '·');
  s.setAttribute('aria-hidden', 'true');
  return s;
}

function countsLine(h: StudyHeader): HTMLElement {
  const line = document.createElement('div');
  line.className = 'study-counts';
  line.setAttribute('aria-label', 'Trials by status');
  for (const status of statusOrder) {
    const n = h.counts[status] ?? 0;
    if (n === 0) continue;
    const item = document.createElement('span');
    item.className = 'study-count';
    item.dataset.status = status;
    item.title = `${n} ${status}`;
    item.append(statusIcon(status), span('study-count-n', String(n)), span('study-count-label', status));
    line.append(item);
  }
  return line;
}
