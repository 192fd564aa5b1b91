import { describe, expect, it } from 'vitest';
import {
  compareEntries,
  continueQuota,
  defaultInitialTrials,
  hyperbandBrackets,
  ladderProblem,
  median,
  promotionQuota,
  rankEntries,
  rungLevels,
  trialsPerRung,
} from '../../../src/engine/schedulers/rungs';

describe('rungLevels: min·eta^k below max, then max itself', () => {
  const cases: ReadonlyArray<readonly [number, number, number, number[]]> = [
    [1, 81, 3, [1, 3, 9, 27, 81]],
    [1, 20, 3, [1, 3, 9, 20]],
    [1, 3, 3, [1, 3]],
    [1, 16, 2, [1, 2, 4, 8, 16]],
    [1, 10, 2, [1, 2, 4, 8, 10]],
    [1, 64, 4, [1, 4, 16, 64]],
    [1, 100, 4, [1, 4, 16, 64, 100]],
    [2, 20, 4, [2, 8, 20]],
    [0.1, 0.9, 3, [0.1, 0.3, 0.9]],
    [5, 5, 3, [5]],
  ];
  it.each(cases)('min %d max %d eta %d', (min, max, eta, expected) => {
    expect(rungLevels(min, max, eta)).toEqual(expected);
  });
});

describe('hyperbandBrackets', () => {
  it('R=81, eta=3: the paper\'s table (n = 81, 34, 15, 8, 5 at r = 1, 3, 9, 27, 81)', () => {
    const brackets = hyperbandBrackets(1, 81, 3);
    expect(brackets.map((b) => [b.s, b.initialTrials, b.rungs[0]])).toEqual([
      [4, 81, 1],
      [3, 34, 3],
      [2, 15, 9],
      [1, 8, 27],
      [0, 5, 81],
    ]);
    expect(brackets.map((b) => b.trialsPerRung)).toEqual([[81, 27, 9, 3, 1], [34, 11, 3, 1], [15, 5, 1], [8, 2], [5]]);
    expect(brackets.map((b) => b.rungs)).toEqual([[1, 3, 9, 27, 81], [3, 9, 27, 81], [9, 27, 81], [27, 81], [81]]);
    expect(brackets.map((b) => b.firstRung)).toEqual([0, 1, 2, 3, 4]);
  });

  it('R=16, eta=2', () => {
    const brackets = hyperbandBrackets(1, 16, 2);
    expect(brackets.map((b) => b.initialTrials)).toEqual([16, 10, 7, 5, 5]);
    expect(brackets.map((b) => b.trialsPerRung)).toEqual([[16, 8, 4, 2, 1], [10, 5, 2, 1], [7, 3, 1], [5, 2], [5]]);
  });

  it('R=64, eta=4', () => {
    const brackets = hyperbandBrackets(1, 64, 4);
    expect(brackets.map((b) => b.initialTrials)).toEqual([64, 22, 8, 4]);
    expect(brackets.map((b) => b.trialsPerRung)).toEqual([[64, 16, 4, 1], [22, 5, 1], [8, 2], [4]]);
  });

  it('max not a power of eta: brackets sit on the ladder 1, 3, 9, 20', () => {
    const brackets = hyperbandBrackets(1, 20, 3);
    expect(brackets.map((b) => [b.s, b.initialTrials, b.rungs])).toEqual([
      [3, 27, [1, 3, 9, 20]],
      [2, 12, [3, 9, 20]],
      [1, 6, [9, 20]],
      [0, 4, [20]],
    ]);
  });
});

describe('quotas', () => {
  it('promotion keeps floor(n/eta); stopping lets ceil(n/eta) (at least 1) go on', () => {
    const n = [1, 2, 3, 4, 5, 6, 7, 9, 10];
    expect(n.map((c) => promotionQuota(c, 3))).toEqual([0, 0, 1, 1, 1, 2, 2, 3, 3]);
    expect(n.map((c) => continueQuota(c, 3))).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 4]);
    expect(n.map((c) => continueQuota(c, 2))).toEqual([1, 1, 2, 2, 3, 3, 4, 5, 5]);
    expect(promotionQuota(3, 1.5)).toBe(2);
  });

  it('initial trials and trials per rung', () => {
    expect(defaultInitialTrials(5, 3)).toBe(81);
    expect(defaultInitialTrials(4, 3)).toBe(27);
    expect(defaultInitialTrials(1, 3)).toBe(1);
    expect(trialsPerRung(10, 4, 3)).toEqual([10, 3, 1, 1]);
  });
});

describe('ranking', () => {
  it('lower first, non-finite last, equal losses by recording order', () => {
    const sorted = rankEntries([
      { trialId: 'a', loss: Number.NaN, order: 0 },
      { trialId: 'b', loss: 0.5, order: 1 },
      { trialId: 'c', loss: Number.NEGATIVE_INFINITY, order: 2 },
      { trialId: 'd', loss: 0.2, order: 3 },
      { trialId: 'e', loss: 0.5, order: 4 },
    ]);
    expect(sorted.map((e) => e.trialId)).toEqual(['d', 'b', 'e', 'a', 'c']);
    expect(compareEntries({ trialId: 'x', loss: 1, order: 9 }, { trialId: 'y', loss: 1, order: 2 })).toBeGreaterThan(0);
  });

  it('median', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('ladderProblem', () => {
  it.each([
    [1, 1, 3, /needs min_budget < max_budget \(got min_budget 1, max_budget 1\)/],
    [1, 9, 1, /eta must be a number greater than 1 \(got 1\)/],
    [0, 9, 3, /min_budget must be greater than 0/],
    [1, 1000, 1.01, /more than 40 rungs/],
  ])('min %d max %d eta %d', (min, max, eta, message) => {
    expect(ladderProblem('asha', min, max, eta)).toMatch(message);
  });
  it('accepts a good ladder', () => {
    expect(ladderProblem('asha', 1, 81, 3)).toBeUndefined();
  });
});
