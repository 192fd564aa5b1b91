/**
 * Figures computed from a study's event log alone (pure functions), shared by tests and benchmarks.
 */
import type { TrialId } from '../../shared/ids';
import type { SequencedEvent, StudyEvent } from './events';

/** How busy the slots were; see {@link slotUtilisation}. */
export interface SlotUtilisation {
  readonly slots: number;
  /** Launches counted (a promoted or re-run trial counts once per launch). */
  readonly launches: number;
  /** Sum over launches of `trial.ended.at − trial.launched.at` (ms). */
  readonly busyMs: number;
  /** From the first `trial.launched` to the last `trial.ended` (ms). */
  readonly makespanMs: number;
  /** `busyMs / (slots × makespanMs)`; 1 means no slot was ever idle. 0 when nothing ran. */
  readonly utilisation: number;
}

/**
 * Busy slot-time of a study: each launch occupies a slot from its `trial.launched` to the next
 * `trial.ended` of the same trial; a launch with no end yet (a log still being written) counts up to the
 * log's last timestamp. `trial.ended` events with no open launch (a paused trial pruned when the study
 * ends, a trial marked lost on resume) occupy nothing. Events may be given with or without their seq.
 */
export function slotUtilisation(
  events: readonly (SequencedEvent | StudyEvent)[],
  slots: number,
  options: { readonly until?: 'lastEnd' | 'lastLaunch' } = {},
): SlotUtilisation {
  // First pass: each launch's busy interval.
  const open = new Map<TrialId, number>();
  const intervals: Array<[number, number]> = [];
  let launches = 0;
  let lastLaunch: number | undefined;
  let lastAt = Number.NEGATIVE_INFINITY;
  for (const item of events) {
    const e = 'event' in item ? item.event : item;
    lastAt = Math.max(lastAt, e.at);
    if (e.type === 'trial.launched') {
      open.set(e.trialId, e.at);
      launches++;
      lastLaunch = lastLaunch === undefined ? e.at : Math.max(lastLaunch, e.at);
    } else if (e.type === 'trial.ended') {
      const started = open.get(e.trialId);
      if (started === undefined) continue;
      open.delete(e.trialId);
      intervals.push([started, e.at]);
    }
  }
  for (const started of open.values()) intervals.push([started, lastAt]);
  if (intervals.length === 0) return { slots, launches, busyMs: 0, makespanMs: 0, utilisation: 0 };
  const first = Math.min(...intervals.map(([a]) => a));
  // `lastLaunch`: only the time while work was still waiting to start (the tail after the last launch,
  // when fewer trials than slots remain, is idle for every scheduler and says nothing about it).
  const end = options.until === 'lastLaunch' && lastLaunch !== undefined ? lastLaunch : Math.max(...intervals.map(([, b]) => b));
  let busyMs = 0;
  for (const [a, b] of intervals) busyMs += Math.max(0, Math.min(b, end) - a);
  const makespanMs = end - first;
  const capacity = slots * makespanMs;
  return { slots, launches, busyMs, makespanMs, utilisation: capacity > 0 ? busyMs / capacity : 0 };
}
