import { describe, expect, it } from 'vitest';
import { erfc, erfcx, logExpectedImprovement, logExpectedImprovementWithGradient, logH, normalCdf, normalQuantile } from '../../../../src/engine/samplers/gp/acquisition';

/* eslint-disable no-loss-of-precision -- reference values are quoted with more digits than a double holds */
// Reference values from mpmath at 40 digits.
const ERFCX: ReadonlyArray<readonly [number, number]> = [
  [-3, 16205.988853999587],
  [-0.5, 1.9523604891825571],
  [0, 1],
  [0.3, 0.73459933456765515],
  [1, 0.427583576155807],
  [1.49, 0.32322929380082385],
  [1.51, 0.31995676958333284],
  [2, 0.25539567631050574],
  [2.6, 0.20361324735670925],
  [5, 0.11070463773306863],
  [30, 0.018795888861416751],
  [1e4, 5.6418958072680841e-5],
];
const LOG_H: ReadonlyArray<readonly [number, number]> = [
  [3, 1.0987396653277078],
  [0, -0.91893853320467274],
  [-0.5, -1.6205162643873199],
  [-1, -2.4851210257126413],
  [-2, -4.7687835239171142],
  [-10, -55.553122036122356],
  [-40, -808.29856835661996],
  [-999, -499015.2324510965],
  [-1001, -501015.23645108583],
  [-1e5, -5000000023.9447895],
];

const relErr = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('erfcx / erfc / Φ', () => {
  it('matches high-precision values across both branches', () => {
    for (const [x, want] of ERFCX) expect(relErr(erfcx(x), want)).toBeLessThan(5e-14);
  });

  it('gives tails without cancellation and a consistent probit', () => {
    expect(relErr(erfc(6), 2.1519736712498913e-17)).toBeLessThan(1e-13);
    expect(erfc(-6)).toBe(2);
    expect(normalCdf(0)).toBe(0.5);
    expect(relErr(normalCdf(-10), 7.6198530241604696e-24)).toBeLessThan(1e-12);
    for (const p of [1e-10, 0.025, 0.3, 0.5, 0.9, 0.999]) expect(relErr(normalCdf(normalQuantile(p)), p)).toBeLessThan(1e-12);
  });
});

describe('log expected improvement', () => {
  it('computes log h(z) accurately in every regime, including where EI underflows', () => {
    for (const [z, want] of LOG_H) expect(relErr(logH(z).value, want)).toBeLessThan(1e-12);
  });

  it('has the slope Φ(z)/h(z), checked by finite differences on each branch', () => {
    for (const z of [2, 0.3, -0.99, -1.01, -5, -30, -900, -1100, -5e4]) {
      const e = 1e-6 * Math.max(1, Math.abs(z));
      const fd = (logH(z + e).value - logH(z - e).value) / (2 * e);
      expect(relErr(logH(z).slope, fd)).toBeLessThan(1e-5);
    }
  });

  it('is increasing in the improvement and finite far from it', () => {
    let last = -Infinity;
    for (let mean = 50; mean >= -5; mean -= 0.5) {
      const v = logExpectedImprovement({ mean, variance: 0.04 }, 0);
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThan(last);
      last = v;
    }
  });

  it('chains the mean and variance gradients correctly', () => {
    // A 1-D toy: mean = q², variance = 0.1 + q⁴.
    const at = (q: number): number => logExpectedImprovement({ mean: q * q, variance: 0.1 + q ** 4 }, -0.2);
    for (const q of [-1.5, -0.3, 0.7, 3]) {
      const out = new Float64Array(1);
      const v = logExpectedImprovementWithGradient({ mean: q * q, variance: 0.1 + q ** 4 }, Float64Array.of(2 * q), Float64Array.of(4 * q ** 3), -0.2, out);
      expect(v).toBeCloseTo(at(q), 12);
      const fd = (at(q + 1e-6) - at(q - 1e-6)) / 2e-6;
      expect(relErr(out[0] ?? 0, fd)).toBeLessThan(1e-5);
    }
  });
});
