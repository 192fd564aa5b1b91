import { describe, expect, it } from 'vitest';
import { createMedianScheduler, type MedianOptions } from '../../../src/engine/schedulers/median';
import type { Scheduler } from '../../../src/engine/schedulers/scheduler';
import { createRng } from '../../../src/engine/util/rng';

const median = (options: Partial<MedianOptions> = {}): Scheduler => createMedianScheduler({ maxBudget: 10, minTrials: 2, warmupSteps: 0, ...options });

/** A: 1, .75, .5 (running averages 1, .875, .75); B: .75, .5, .25 (averages .75, .625, .5). */
function seed(s: Scheduler): void {
  const curves: Record<string, number[]> = { A: [1, 0.75, 0.5], B: [0.75, 0.5, 0.25] };
  for (const [id, losses] of Object.entries(curves)) {
    losses.forEach((loss, i) => expect(s.onReport({ trialId: id, resource: i + 1, loss })).toEqual({ kind: 'continue' }));
  }
}

describe('median stopping rule', () => {
  it('plans max_budget and describes a single rung', () => {
    const s = median();
    expect(s.plan('0', createRng(0))).toEqual({ bracket: 0, budget: 10 });
    expect(s.describe()).toEqual({ brackets: [{ bracket: 0, rungs: [10] }] });
    expect(s.mode).toBe('stopping');
  });

  it('stops when the best value so far is strictly worse than the median of the others\' running averages', () => {
    const s = median();
    seed(s);
    // Step 1: median of 1 and .75 = .875; equal is not worse.
    expect(s.onReport({ trialId: 'C', resource: 1, loss: 0.875 })).toEqual({ kind: 'continue' });
    // Step 2: best .8 > median(.875, .625) = .75.
    expect(s.onReport({ trialId: 'C', resource: 2, loss: 0.8 })).toEqual({
      kind: 'stop',
      evidence: { rule: 'median', resource: 2, loss: 0.8, median: 0.75, cohort: 2, peers: ['B', 'A'] },
    });
    // Step 3 uses averages (.75, .5 → .625), not the others' best values (.5, .25).
    expect(s.onReport({ trialId: 'D', resource: 3, loss: 0.625 })).toEqual({ kind: 'continue' });
    expect(s.onReport({ trialId: 'E', resource: 3, loss: 0.6875 })).toMatchObject({ kind: 'stop', evidence: { median: 0.625, cohort: 3 } });
  });

  it('uses the trial\'s best value, not its last one', () => {
    const s = median();
    seed(s);
    expect(s.onReport({ trialId: 'C', resource: 1, loss: 0.5 })).toEqual({ kind: 'continue' });
    expect(s.onReport({ trialId: 'C', resource: 2, loss: 0.9 })).toEqual({ kind: 'continue' }); // best .5 < .75
  });

  it('needs min_trials others that reached the step', () => {
    const s = median({ minTrials: 3 });
    seed(s);
    expect(s.onReport({ trialId: 'C', resource: 2, loss: 5 })).toEqual({ kind: 'continue' });
    const t = median();
    seed(t);
    expect(t.onReport({ trialId: 'C', resource: 5, loss: 5 })).toEqual({ kind: 'continue' }); // nobody reached 5
  });

  it('makes no decision before warmup_steps', () => {
    const s = median({ warmupSteps: 3 });
    seed(s);
    expect(s.onReport({ trialId: 'C', resource: 2, loss: 5 })).toEqual({ kind: 'continue' });
    expect(s.onReport({ trialId: 'C', resource: 3, loss: 5 })).toMatchObject({ kind: 'stop', evidence: { rule: 'median', resource: 3 } });
  });

  it('stops non-finite reports; ignores reports after its own stop', () => {
    const s = median();
    seed(s);
    expect(s.onReport({ trialId: 'C', resource: 1, loss: Number.NaN })).toEqual({ kind: 'stop', evidence: { rule: 'nonFinite', resource: 1, loss: Number.NaN } });
    expect(s.onReport({ trialId: 'C', resource: 2, loss: 0 })).toEqual({ kind: 'continue' });
    // C contributed nothing: the median at step 2 is still that of A and B.
    expect(s.onReport({ trialId: 'D', resource: 2, loss: 0.8 })).toMatchObject({ evidence: { median: 0.75, cohort: 2 } });
  });

  it('maximize via negation: lower accuracy than the median stops', () => {
    const s = median();
    for (const [id, acc] of [['A', 0.9], ['B', 0.8]] as const) s.onReport({ trialId: id, resource: 1, loss: -acc });
    expect(s.onReport({ trialId: 'C', resource: 1, loss: -0.86 })).toEqual({ kind: 'continue' });
    expect(s.onReport({ trialId: 'D', resource: 1, loss: -0.84 })).toMatchObject({ kind: 'stop' });
  });
});
