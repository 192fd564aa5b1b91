import { describe, expect, it } from 'vitest';
import { kendallTauB, rungReliability, suggestFirstRung } from '../../../src/engine/schedulers/rungReliability';
import type { TrialSnapshot } from '../../../src/engine/store/project';

/** A trial that ran to `steps` with the objective `curve` (one value per step, from step 1). */
function trial(id: number, curve: readonly number[], status: TrialSnapshot['status'] = 'completed'): TrialSnapshot {
  const last = curve.length;
  return {
    id: String(id),
    number: id,
    status,
    launches: 1,
    curve: curve.map((v, i) => [i + 1, v] as [number, number]),
    lastValue: curve[last - 1] ?? null,
    lastStep: last,
    value: status === 'completed' ? (curve[last - 1] ?? null) : null,
    valueStep: status === 'completed' ? last : null,
    decisions: [],
  };
}

describe('kendallTauB', () => {
  it('is 1 for the same order, -1 for the reverse, corrected for ties, NaN when one side is all ties', () => {
    expect(kendallTauB([1, 2, 3, 4], [10, 20, 30, 40])).toBe(1);
    expect(kendallTauB([1, 2, 3, 4], [40, 30, 20, 10])).toBe(-1);
    // One tie in x: 5 concordant of the 6 pairs, τ-b = 5 / √(6·5).
    expect(kendallTauB([1, 1, 3, 4], [1, 2, 3, 4])).toBeCloseTo(5 / Math.sqrt(30), 12);
    expect(kendallTauB([2, 2, 2], [1, 2, 3])).toBeNaN();
    expect(kendallTauB([1], [1])).toBeNaN();
  });
});

describe('rungReliability', () => {
  it('ranks each rung against the final values of the trials that ran to the full budget only', () => {
    const trials = [
      // Early leaders finish last (crossing curves): epoch 1 reverses the final order, epoch 2 keeps it.
      trial(0, [0.9, 0.5, 0.1]),
      trial(1, [0.8, 0.6, 0.2]),
      trial(2, [0.7, 0.7, 0.3]),
      trial(3, [0.6, 0.8, 0.4]),
      // Stopped early or failed: not counted.
      trial(4, [0.1], 'pruned'),
      trial(5, [0.05, 0.04], 'failed'),
    ];
    expect(rungReliability(trials, [1, 2, 3], 3)).toEqual([
      { budget: 1, tau: -1, n: 4 },
      { budget: 2, tau: 1, n: 4 },
    ]);
  });

  it('takes the first report at or past a rung (a trial may skip the exact step)', () => {
    const sparse = (id: number, points: Array<[number, number]>): TrialSnapshot => ({
      ...trial(id, [0]),
      curve: points,
      value: points.at(-1)?.[1] ?? null,
      valueStep: points.at(-1)?.[0] ?? null,
    });
    const r = rungReliability([sparse(0, [[2, 0.5], [4, 0.45], [9, 0.3]]), sparse(1, [[3, 0.4], [9, 0.2]])], [1, 3, 9], 9);
    expect(r).toEqual([
      { budget: 1, tau: 1, n: 2 },
      { budget: 3, tau: 1, n: 2 },
    ]);
  });

  it("takes a step's last report when a trial printed it several times (per batch), as the scheduler judged it", () => {
    const batches = (id: number, points: Array<[number, number]>): TrialSnapshot => ({
      ...trial(id, [0]),
      curve: points,
      value: points.at(-1)?.[1] ?? null,
      valueStep: points.at(-1)?.[0] ?? null,
    });
    // Epoch 1 of trial 0 starts worse (0.9) and ends better (0.3) than trial 1's 0.5: the rung ranks them as they end.
    const r = rungReliability([batches(0, [[1, 0.9], [1, 0.6], [1, 0.3], [2, 0.1]]), batches(1, [[1, 0.5], [2, 0.2]])], [1, 2], 2);
    expect(r).toEqual([{ budget: 1, tau: 1, n: 2 }]);
  });
});

describe('suggestFirstRung', () => {
  it('says nothing while no rung is weak, else names the lowest well-ranking rung above every weak one', () => {
    expect(suggestFirstRung([{ budget: 1, tau: 0.6, n: 8 }, { budget: 3, tau: 0.9, n: 8 }])).toEqual({ weak: false });
    // Too few trials to call a rung weak.
    expect(suggestFirstRung([{ budget: 1, tau: -0.5, n: 5 }])).toEqual({ weak: false });
    expect(suggestFirstRung([{ budget: 1, tau: 0.05, n: 8 }, { budget: 3, tau: 0.1, n: 8 }, { budget: 9, tau: 0.7, n: 8 }, { budget: 27, tau: 0.9, n: 8 }])).toEqual({
      weak: true,
      minBudget: 9,
    });
    // A good rung below a weak one is no remedy; nothing above the weak one ranks well.
    expect(suggestFirstRung([{ budget: 1, tau: 0.8, n: 8 }, { budget: 3, tau: -0.2, n: 8 }])).toEqual({ weak: true });
  });
});
