/**
 * Live progress for `rung run`: one line per finished trial, and on a terminal a progress bar
 * (done/running/failed, best so far, ETA) redrawn in place at most ten times a second.
 */
import type { StudySpec } from '../spec/studySpec';
import type { SequencedEvent } from '../store/events';
import { countTrials, type StudySnapshot } from '../store/project';
import type { CliIo } from './main';
import { formatDuration, formatNumber, formatParam } from './format';

export interface ProgressRenderer {
  onEvent(event: SequencedEvent, snapshot: StudySnapshot): void;
  finish(snapshot: StudySnapshot): void;
}

export function createProgressRenderer(spec: StudySpec, io: CliIo, now: () => number = Date.now): ProgressRenderer {
  const startedAt = now();
  let barShown = false;
  let lastDraw = 0;
  let bestId: string | undefined;

  const clearBar = (): void => {
    if (barShown) io.stderr('\r\x1b[2K');
    barShown = false;
  };

  const bar = (snapshot: StudySnapshot): string => {
    const c = countTrials(snapshot);
    const finished = c.completed + c.pruned + c.failed + c.stopped + c.lost;
    const total = spec.trials;
    const width = 20;
    const filled = total ? Math.min(width, Math.round((finished / total) * width)) : 0;
    const parts = [
      total ? `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${finished}/${total}` : `${finished} done`,
      `${c.running} running`,
    ];
    if (c.failed > 0) parts.push(`${c.failed} failed`);
    if (c.pruned > 0) parts.push(`${c.pruned} pruned`);
    if (snapshot.best) parts.push(`best ${spec.metric.name} ${formatNumber(snapshot.best.value)} (#${snapshot.best.trialId})`);
    if (total && finished > 0 && finished < total) {
      const elapsed = now() - startedAt;
      parts.push(`ETA ${formatDuration((elapsed / finished) * (total - finished))}`);
    }
    return parts.join(' · ');
  };

  const draw = (snapshot: StudySnapshot, force = false): void => {
    if (!io.isTty) return;
    const t = now();
    if (!force && t - lastDraw < 100) return;
    lastDraw = t;
    io.stderr(`\r\x1b[2K${bar(snapshot)}`);
    barShown = true;
  };

  return {
    onEvent(e, snapshot) {
      if (e.event.type === 'trial.ended') {
        const trial = snapshot.trials.find((t) => t.id === (e.event.type === 'trial.ended' ? e.event.trialId : ''));
        if (!trial) return;
        const isNewBest = snapshot.best?.trialId === trial.id && bestId !== trial.id;
        if (isNewBest) bestId = trial.id;
        const config = Object.entries(trial.config ?? {})
          .map(([k, v]) => `${k}=${formatParam(v)}`)
          .join(' ');
        const value = trial.value !== null ? ` ${spec.metric.name}=${formatNumber(trial.value)}` : '';
        const lastLine = trial.status === 'failed' ? trial.tail?.findLast((l) => l.trim() !== '') : undefined;
        const shownLine = lastLine && lastLine.length > 100 ? `${lastLine.slice(0, 100)}…` : lastLine;
        const why =
          trial.status !== 'completed' && trial.reason ? ` (${trial.reason}${shownLine ? `; last line: ${shownLine}` : ''})` : '';
        clearBar();
        io.stderr(`#${trial.id} ${trial.status}${value}${isNewBest ? ' ★ best' : ''}${why}  ${config}\n`);
        draw(snapshot, true);
        return;
      }
      draw(snapshot);
    },
    finish(snapshot) {
      clearBar();
      if (!io.isTty) return;
      io.stderr(`${bar(snapshot)}\n`);
    },
  };
}
