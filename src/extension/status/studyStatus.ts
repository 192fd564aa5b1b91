/**
 * What the status bar item and the notifications say, as plain data. statusBar.ts and extension.ts only
 * show it; the decisions (which study, when to notify, when to hold back a flood of failures) live here.
 */
import type { SequencedEvent } from '../../engine/index';
import { countTrials, formatNumber } from '../../engine/index';
import { studyProgress, type StudyViewInput } from '../tree/studyTreeModel';

/** The status bar item's content. */
export interface StatusModel {
  /** With codicons, e.g. `$(loading~spin) quadratic 12/20 · 2 running · best 0.0703`. */
  readonly text: string;
  readonly tooltip: string;
  /** The study the item stands for (its click focuses it). */
  readonly key: string;
}

/**
 * The status item for the running studies (most recently started first), or undefined to hide it.
 * One study is shown in full; others are counted.
 */
export function statusModel(running: readonly StudyViewInput[]): StatusModel | undefined {
  const first = running[0];
  if (!first) return undefined;
  const progress = studyProgress(first.snapshot, first.plannedTrials);
  const best = first.snapshot.best;
  const parts = [`${progress.done}/${progress.planned}`];
  if (progress.running > 0) parts.push(`${progress.running} running`);
  if (best) parts.push(`best ${formatNumber(best.value)}`);
  const more = running.length > 1 ? ` (+${running.length - 1})` : '';
  const text = `$(loading~spin) ${first.snapshot.study} ${parts.join(' · ')}${more}`;
  const tooltipLines = running.map((s) => {
    const p = studyProgress(s.snapshot, s.plannedTrials);
    const b = s.snapshot.best;
    return `${s.snapshot.study}: ${p.done} of ${p.planned} trials done, ${p.running} running${b ? `, best ${s.metric.name} ${formatNumber(b.value)} (trial #${b.trialId})` : ''}`;
  });
  return { text, tooltip: `Rung\n${tooltipLines.join('\n')}\nClick to show the studies.`, key: first.key };
}

/** A notification to show. */
export type StudyNotification =
  | { readonly kind: 'studyEnded'; readonly key: string; readonly message: string; readonly isError: boolean }
  | { readonly kind: 'newBest'; readonly key: string; readonly trialId: string; readonly message: string }
  | { readonly kind: 'trialFailed'; readonly key: string; readonly trialId: string; readonly message: string };

/** Options of {@link createStudyNotifier}. */
export interface StudyNotifierOptions {
  readonly notifyNewBest: () => boolean;
  readonly notifyTrialFailures: () => boolean;
  readonly show: (notification: StudyNotification) => void;
  /** Milliseconds (injected for tests). */
  readonly now: () => number;
  /** At most this many failure notifications per study within {@link failureWindowMs}; the rest are summed up. Default 3. */
  readonly maxFailuresPerWindow?: number;
  /** Default 60 s. */
  readonly failureWindowMs?: number;
}

/** Turns live events of a study into notifications. */
export interface StudyNotifier {
  /** Call after the event was applied to `study.snapshot`. */
  observe(study: StudyViewInput, event: SequencedEvent): void;
}

const endReasons: Readonly<Record<string, string>> = {
  budgetExhausted: 'finished',
  samplerExhausted: 'finished (search space exhausted)',
  userStopped: 'stopped',
  timeout: 'stopped at its timeout',
  error: 'crashed',
};

export function createStudyNotifier(options: StudyNotifierOptions): StudyNotifier {
  const maxPerWindow = options.maxFailuresPerWindow ?? 3;
  const windowMs = options.failureWindowMs ?? 60_000;
  const failureTimes = new Map<string, number[]>();
  const suppressed = new Map<string, number>();

  return {
    observe(study, { event }) {
      const snapshot = study.snapshot;
      if (event.type === 'trial.ended') {
        if (event.status === 'completed' && snapshot.best?.trialId === event.trialId && options.notifyNewBest()) {
          options.show({
            kind: 'newBest',
            key: study.key,
            trialId: event.trialId,
            message: `${snapshot.study}: new best ${study.metric.name} ${formatNumber(snapshot.best.value)} from trial #${event.trialId}`,
          });
        }
        if (event.status === 'failed' && options.notifyTrialFailures()) {
          const now = options.now();
          const recent = (failureTimes.get(study.key) ?? []).filter((t) => now - t < windowMs);
          if (recent.length < maxPerWindow) {
            recent.push(now);
            options.show({
              kind: 'trialFailed',
              key: study.key,
              trialId: event.trialId,
              message: `${snapshot.study}: trial #${event.trialId} failed: ${event.reason ?? 'unknown reason'}`,
            });
          } else {
            // A broken script fails every trial: one notification each would bury the window.
            suppressed.set(study.key, (suppressed.get(study.key) ?? 0) + 1);
          }
          failureTimes.set(study.key, recent);
        }
        return;
      }
      if (event.type === 'study.ended') {
        const c = countTrials(snapshot);
        const how = endReasons[event.reason] ?? event.reason;
        const best = snapshot.best ? ` Best ${study.metric.name} ${formatNumber(snapshot.best.value)} (trial #${snapshot.best.trialId}).` : ' No trial completed with a value.';
        const hidden = suppressed.get(study.key) ?? 0;
        suppressed.delete(study.key);
        failureTimes.delete(study.key);
        const counts = `${c.completed} completed, ${c.pruned} pruned, ${c.failed} failed${c.stopped > 0 ? `, ${c.stopped} stopped` : ''}`;
        options.show({
          kind: 'studyEnded',
          key: study.key,
          isError: event.reason === 'error',
          message:
            `Study ${snapshot.study} ${how}: ${counts}.${best}` +
            (event.detail && event.reason === 'error' ? ` ${event.detail}` : '') +
            (hidden > 0 ? ` (${hidden} more trial failure${hidden === 1 ? '' : 's'} were not notified.)` : ''),
        });
      }
    },
  };
}
