/**
 * The projection of a study's event log into its snapshot: the bookkeeping behind a trial's run time and its
 * curve across launches (pure: events in, snapshot out).
 */
import { describe, expect, it } from 'vitest';
import type { SequencedEvent, StudyEvent } from '../../../src/engine/store/events';
import { StudyProjection, trialRunMs } from '../../../src/engine/store/project';

describe('StudyProjection', () => {
  const planned = (trialId: string): StudyEvent => ({ type: 'trial.planned', at: 0, trialId, number: Number(trialId), plan: { budget: 1 } }) as StudyEvent;
  const launched = (trialId: string, at: number): StudyEvent => ({
    type: 'trial.launched',
    at,
    trialId,
    argv: ['x'],
    cwd: '.',
    trialDir: 'trials/0',
    budget: 1,
    resume: false,
    external: { kind: 'pid', pid: 1 },
  });
  const reported = (trialId: string, at: number): StudyEvent => ({ type: 'trial.reported', at, trialId, step: 1, values: { loss: 1 } });
  const ended = (trialId: string, at: number, status: 'completed' | 'lost' | 'stopped'): StudyEvent => ({
    type: 'trial.ended',
    at,
    trialId,
    status,
    exit: { code: 0, signal: null, cause: 'exited' },
    value: null,
    step: null,
  });
  /** Trial 0 of the study these events project to. */
  const project = (events: StudyEvent[]) => {
    const projection = new StudyProjection('s', 'loss', 'minimize');
    events.forEach((event, i) => projection.apply({ seq: i + 1, event } as SequencedEvent));
    const trial = projection.trial('0');
    if (!trial) throw new Error('no trial 0');
    return trial;
  };

  describe('trialRunMs', () => {
    it('counts a run the study process lost up to its last event, not to the resume that found it gone', () => {
      // Launched at 0, last report at 4 s, study killed; resumed at 100 s: lost, re-run 100–103 s.
      const t = project([planned('0'), launched('0', 0), reported('0', 4000), ended('0', 100_000, 'lost'), launched('0', 100_000), ended('0', 103_000, 'completed')]);
      expect(trialRunMs(t, 200_000, false)).toBe(7000);
    });

    it('counts a launch with no end logged at all (relaunched on resume) up to its last event', () => {
      const t = project([planned('0'), launched('0', 0), reported('0', 4000), launched('0', 100_000), ended('0', 103_000, 'completed')]);
      expect(trialRunMs(t, 200_000, false)).toBe(7000);
    });

    it('counts a run still open up to now while the study runs, else up to its last event; nothing before a launch', () => {
      const t = project([planned('0'), launched('0', 0), reported('0', 2000)]);
      expect(trialRunMs(t, 5000, true)).toBe(5000);
      expect(trialRunMs(t, 5000, false)).toBe(2000);
      expect(trialRunMs(project([planned('0')]), 5000, true)).toBeUndefined();
    });
  });

  describe("a relaunched trial's curve", () => {
    const reportAt = (trialId: string, at: number, step: number, loss: number): StudyEvent => ({ type: 'trial.reported', at, trialId, step, values: { loss } });
    it('is the new run from its first report on when the script started over', () => {
      const t = project([planned('0'), launched('0', 0), reportAt('0', 1, 1, 5), reportAt('0', 2, 2, 4), reportAt('0', 3, 3, 3), launched('0', 10), reportAt('0', 11, 1, 6), reportAt('0', 12, 2, 5)]);
      expect(t.curve).toEqual([[1, 6], [2, 5]]);
      expect(t.lastStep).toBe(2);
    });
    it('continues the old points when the script resumed from a checkpoint, or from an earlier one', () => {
      const resumed = project([planned('0'), launched('0', 0), reportAt('0', 1, 1, 5), reportAt('0', 2, 2, 4), launched('0', 10), reportAt('0', 11, 3, 3)]);
      expect(resumed.curve).toEqual([[1, 5], [2, 4], [3, 3]]);
      const earlier = project([planned('0'), launched('0', 0), reportAt('0', 1, 1, 5), reportAt('0', 2, 2, 4), reportAt('0', 3, 3, 3), launched('0', 10), reportAt('0', 11, 2, 3.5)]);
      expect(earlier.curve).toEqual([[1, 5], [2, 3.5]]);
    });
    it('keeps a step that goes back within one launch (LightGBM reprints its best round)', () => {
      const t = project([planned('0'), launched('0', 0), reportAt('0', 1, 1, 5), reportAt('0', 2, 2, 4), reportAt('0', 3, 1, 5)]);
      expect(t.curve).toEqual([[1, 5], [2, 4], [1, 5]]);
    });
  });
});
