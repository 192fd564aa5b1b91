import { describe, expect, it } from 'vitest';
import { boltzmannStarts } from '../../../../src/engine/samplers/gp/optimizeAcquisition';
import { createRng } from '../../../../src/engine/util/rng';

describe('boltzmannStarts (refinement starts as BoTorch initialize_q_batch picks them)', () => {
  it('puts the best candidate first, never draws a non-finite one and returns distinct indices', () => {
    const values = [0.5, -Infinity, 3, 3, NaN, 1, 2];
    const rng = createRng(7);
    for (let k = 0; k < 50; k++) {
      const picks = boltzmannStarts(values, 4, rng);
      expect(picks[0]).toBe(2); // the first of the two best
      expect(picks).toHaveLength(4);
      expect(new Set(picks).size).toBe(4);
      expect(picks).not.toContain(1);
      expect(picks).not.toContain(4);
    }
    // Fewer finite candidates than starts: all of them, nothing else.
    expect(boltzmannStarts([1, -Infinity, 2], 5, rng).sort()).toEqual([0, 2]);
    expect(boltzmannStarts([-Infinity], 3, rng)).toEqual([]);
  });

  it('draws the others with probability ∝ exp(z-score), not simply the next best', () => {
    // With the n best, the second start would always be index 1. Boltzmann: z-scores of [4, 1, 0.5, 0, 0]
    // (mean 1.1, population sd) weight each of indices 1..4 by exp(z).
    const values = [4, 1, 0.5, 0, 0];
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    const weights = values.slice(1).map((v) => Math.exp((v - mean) / sd));
    const total = weights.reduce((a, b) => a + b, 0);
    const counts = [0, 0, 0, 0];
    const rng = createRng(1);
    const trials = 20000;
    for (let k = 0; k < trials; k++) {
      const picks = boltzmannStarts(values, 2, rng);
      const second = (picks[1] ?? 1) - 1;
      counts[second] = (counts[second] ?? 0) + 1;
    }
    counts.forEach((c, i) => expect(c / trials).toBeCloseTo((weights[i] ?? 0) / total, 1));
    expect(trials - (counts[0] ?? 0)).toBeGreaterThan(trials / 2);
  });

  it('skips draws the caller rejects (duplicates) and keeps drawing', () => {
    const rng = createRng(3);
    const picks = boltzmannStarts([5, 4, 3, 2, 1], 3, rng, (i) => i !== 1 && i !== 2);
    expect(picks).toEqual([0, 3, 4]);
  });
});
