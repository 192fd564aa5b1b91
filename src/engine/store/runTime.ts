/**
 * How long each trial's command ran, summed over its launches, from the event log.
 *
 * `endedAt - startedAt` is the wrong answer for `rung show`'s time and the export's duration as soon as a
 * trial is launched more than once: a trial paused at a rung and pruned at the study's end ("never
 * promoted") would count all the time it waited, and a trial re-run by `rung resume` the time the study
 * was stopped. A trial whose run ended without a `trial.ended` of its own (the study process killed; the
 * `lost` end is written by the next resume) counts up to its last event.
 */
import type { TrialId } from '../../shared/ids';
import type { SequencedEvent } from './events';

export function trialRunTimes(events: readonly SequencedEvent[], now: number, running: boolean): Map<TrialId, number> {
  const total = new Map<TrialId, number>();
  const openedAt = new Map<TrialId, number>();
  const lastSeen = new Map<TrialId, number>();
  const add = (id: TrialId, ms: number): void => {
    total.set(id, (total.get(id) ?? 0) + Math.max(0, ms));
  };
  for (const { event } of events) {
    switch (event.type) {
      case 'trial.launched': {
        const open = openedAt.get(event.trialId);
        if (open !== undefined) add(event.trialId, (lastSeen.get(event.trialId) ?? open) - open);
        openedAt.set(event.trialId, event.at);
        lastSeen.set(event.trialId, event.at);
        if (!total.has(event.trialId)) total.set(event.trialId, 0);
        break;
      }
      case 'trial.reported':
      case 'trial.decided':
      case 'trial.stopRequested':
        lastSeen.set(event.trialId, event.at);
        break;
      case 'trial.ended': {
        const open = openedAt.get(event.trialId);
        if (open === undefined) break; // ended while paused (pruned at the end), or never launched
        // A `lost` end is written when the next run finds the trial gone: its run ended at its last sign of life.
        add(event.trialId, (event.status === 'lost' ? (lastSeen.get(event.trialId) ?? open) : event.at) - open);
        openedAt.delete(event.trialId);
        break;
      }
      default:
        break;
    }
  }
  for (const [id, open] of openedAt) add(id, (running ? now : (lastSeen.get(id) ?? open)) - open);
  return total;
}
