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
export function slotUtilisation(events: readonly (SequencedEvent | StudyEvent)[], slots: number): SlotUtilisation {
  const open = new Map<TrialId, number>();
  let busyMs = 0;
  let launches = 0;
  let first: number | undefined;
  let last: number | undefined;
  let lastAt = Number.NEGATIVE_INFINITY;
  for (const item of events) {
    const e = 'event' in item ? item.event : item;
    lastAt = Math.max(lastAt, e.at);
    if (e.type === 'trial.launched') {
      open.set(e.trialId, e.at);
      launches++;
      first = first === undefined ? e.at : Math.min(first, e.at);
    } else if (e.type === 'trial.ended') {
      const started = open.get(e.trialId);
      if (started === undefined) continue;
      open.delete(e.trialId);
      busyMs += e.at - started;
      last = last === undefined ? e.at : Math.max(last, e.at);
    }
  }
  for (const started of open.values()) {
    busyMs += lastAt - started;
    last = last === undefined ? lastAt : Math.max(last, lastAt);
  }
  const makespanMs = first === undefined || last === undefined ? 0 : last - first;
  const capacity = slots * makespanMs;
  return { slots, launches, busyMs, makespanMs, utilisation: capacity > 0 ? busyMs / capacity : 0 };
}
