import { describe, expect, it } from 'vitest';
import { erfc, logNormalMass, logSumExp, sampleUnitTruncatedNormal } from '../../../../src/engine/samplers/tpe/mixtures';
import { binCentre, fitParzenEstimator } from '../../../../src/engine/samplers/tpe/parzenEstimator';
import type { ParzenDim } from '../../../../src/engine/samplers/tpe/parzenEstimator';
import { discreteBins } from '../../../../src/engine/samplers/tpe/paramModel';
import { createRng } from '../../../../src/engine/util/rng';

describe('mixtures', () => {
  it('erfc matches reference values (Python math.erfc) to 1e-12 relative, tails included', () => {
    const reference: Array<readonly [number, number]> = [
      [0, 1],
      [0.1, 0.8875370839817152],
      [0.5, 0.4795001221869535],
      [1, 0.15729920705028513],
      [2, 0.004677734981047265],
      [2.4999, 0.0004071699003334514],
      [2.5, 0.0004069520174449589],
      [3, 2.2090496998585438e-5],
      [5, 1.5374597944280351e-12],
      [8, 1.1224297172982928e-29],
      [12, 1.3562611692059042e-64],
      [20, 5.3958656116079005e-176],
      [26, 5.663192408856143e-296],
    ];
    for (const [x, want] of reference) {
      expect(Math.abs(erfc(x) - want) / want).toBeLessThan(1e-12);
      expect(Math.abs(erfc(-x) - (2 - want))).toBeLessThan(1e-15);
    }
  });

  it('logNormalMass keeps relative accuracy far in the tails', () => {
    expect(logNormalMass(-9, -8)).toBeCloseTo(-35.013618593437144, 9); // references: Python math.erfc
    expect(logNormalMass(10, 11)).toBeCloseTo(-53.231310225583115, 9);
    expect(logNormalMass(-40, 40)).toBe(0);
    expect(logNormalMass(1, 1)).toBe(-Infinity);
  });

  it('logSumExp is stable and handles -Infinity', () => {
    expect(logSumExp(Float64Array.of(1000, 1000), 0, 2)).toBeCloseTo(1000 + Math.log(2), 12);
    expect(logSumExp(Float64Array.of(-Infinity, -Infinity), 0, 2)).toBe(-Infinity);
    expect(logSumExp(Float64Array.of(9, 0, -Infinity), 1, 2)).toBe(0);
  });

  it('truncated normal draws stay in [0, 1]', () => {
    const rng = createRng(3);
    for (let i = 0; i < 2000; i++) {
      const x = sampleUnitTruncatedNormal(rng, i % 2 === 0 ? 0 : 1, 1);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(1);
    }
  });
});

const continuous: ParzenDim = { kind: 'continuous' };

describe('fitParzenEstimator', () => {
  it('a continuous mixture integrates to 1 over [0, 1] (both bandwidth rules)', () => {
    for (const bandwidth of ['neighbour', 'scott'] as const) {
      const est = fitParzenEstimator([continuous], Float64Array.of(0, 0.2, 0.21, 0.9), Float64Array.of(1, 1, 1, 0.5), { priorWeight: 1, bandwidth });
      const n = 20000;
      const xs = Float64Array.from({ length: n }, (_, i) => (i + 0.5) / n);
      const pdf = est.logPdf(xs, n);
      let integral = 0;
      for (const lp of pdf) integral += Math.exp(lp) / n;
      expect(integral).toBeCloseTo(1, 3);
    }
  });

  it('a discrete dimension gives probabilities that sum to 1 (linear and log bins)', () => {
    for (const spec of [
      { kind: 'int', low: 1, high: 6 },
      { kind: 'int', low: 1, high: 1000, log: true },
      { kind: 'float', low: 0, high: 0.5, step: 0.1 },
    ] as const) {
      const dim = discreteBins(spec);
      if (dim === undefined) throw new Error('expected a discrete dim');
      const obs = Float64Array.of(binCentre(dim, 0), binCentre(dim, 2), binCentre(dim, dim.levels - 1));
      const est = fitParzenEstimator([dim], obs, Float64Array.of(1, 1, 1), { priorWeight: 1, bandwidth: 'neighbour' });
      const centres = Float64Array.from({ length: dim.levels }, (_, k) => binCentre(dim, k));
      const total = est.logPdf(centres, dim.levels).reduce((a, lp) => a + Math.exp(lp), 0);
      expect(total).toBeCloseTo(1, 6);
    }
  });

  it("categorical probabilities sum to 1: counts or Optuna's smoothed counts + prior (neighbour), Aitchison–Aitken (scott)", () => {
    const dim: ParzenDim = { kind: 'categorical', choices: 3 };
    const counts = fitParzenEstimator([dim], Float64Array.of(0, 0, 1), Float64Array.of(1, 1, 1), { priorWeight: 1, bandwidth: 'neighbour' });
    const c = Array.from(counts.logPdf(Float64Array.of(0, 1, 2), 3), Math.exp);
    // Plain counts: (2 + 1/3) / 4, (1 + 1/3) / 4, (1/3) / 4.
    expect(c[0]).toBeCloseTo(7 / 12, 12);
    expect(c[1]).toBeCloseTo(4 / 12, 12);
    expect(c[2]).toBeCloseTo(1 / 12, 12);
    const uni = fitParzenEstimator([dim], Float64Array.of(0, 0, 1), Float64Array.of(1, 1, 1), { priorWeight: 1, bandwidth: 'neighbour', smoothCategorical: true });
    const p = Array.from(uni.logPdf(Float64Array.of(0, 1, 2), 3), Math.exp);
    // Each kernel adds prior_weight / (m + 1) = 1/4 to every choice before normalising: own 5/7, other 1/7;
    // with the uniform prior kernel, each of the 4 kernels weighing 1/4.
    expect(p[0]).toBeCloseTo((5 / 7 + 5 / 7 + 1 / 7 + 1 / 3) / 4, 12);
    expect(p[1]).toBeCloseTo((1 / 7 + 1 / 7 + 5 / 7 + 1 / 3) / 4, 12);
    expect(p[2]).toBeCloseTo((1 / 7 + 1 / 7 + 1 / 7 + 1 / 3) / 4, 12);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const mv = fitParzenEstimator([dim], Float64Array.of(0, 0, 1), Float64Array.of(1, 1, 1), { priorWeight: 1, bandwidth: 'scott' });
    const q = Array.from(mv.logPdf(Float64Array.of(0, 1, 2), 3), Math.exp);
    expect(q.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(q[0]).toBeGreaterThan(q[1] ?? 1);
    expect(q[1]).toBeGreaterThan(q[2] ?? 1);
  });

  it('floors bandwidths at max(min_bandwidth, 1 / min(100, m + 1)^exponent)', () => {
    // Three nearly equal observations: the neighbour gaps (~0.001) are far below every floor.
    const obs = Float64Array.of(0.5, 0.501, 0.502);
    const w = Float64Array.of(1, 1, 1);
    const widthAt = (options: { minBandwidth?: number; magicClipExponent?: number }): number => {
      // Density at the centre of a single dominant kernel ~ 1 / (sigma √(2π)) (the prior weight is negligible).
      const est = fitParzenEstimator([continuous], obs, w, { priorWeight: 1e-12, bandwidth: 'neighbour', ...options });
      const d = Math.exp(est.logPdf(Float64Array.of(0.501), 1)[0] ?? NaN);
      return 1 / (d * Math.sqrt(2 * Math.PI));
    };
    expect(widthAt({})).toBeCloseTo(1 / 4, 1); // Optuna's clip: 1 / (m + 1)
    expect(widthAt({ magicClipExponent: 2 })).toBeCloseTo(1 / 16, 2);
    expect(widthAt({ magicClipExponent: 2, minBandwidth: 0.1 })).toBeCloseTo(0.1, 2);
  });

  it('samples concentrate around the observations and stay inside the domain', () => {
    const est = fitParzenEstimator([continuous, { kind: 'categorical', choices: 4 }], Float64Array.of(0.3, 2, 0.32, 2, 0.31, 2), Float64Array.of(1, 1, 1), { priorWeight: 1, bandwidth: 'scott' });
    const pts = est.sample(createRng(5), 400);
    let near = 0;
    let choice2 = 0;
    for (let c = 0; c < 400; c++) {
      const x = pts[2 * c] ?? -1;
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(1);
      if (Math.abs(x - 0.31) < 0.2) near++;
      if (pts[2 * c + 1] === 2) choice2++;
    }
    expect(near / 400).toBeGreaterThan(0.45);
    expect(choice2 / 400).toBeGreaterThan(0.6);
  });

  it('the neighbour rule gives each kernel the larger gap to its neighbours, the prior centre included, magic-clipped', () => {
    // Observations 0.1 and 0.9 with the prior centre 0.5 between them: both get sigma 0.4.
    const est = fitParzenEstimator([continuous], Float64Array.of(0.1, 0.9), Float64Array.of(1, 1), { priorWeight: 1e-9, bandwidth: 'neighbour' });
    const at = (x: number): number => Math.exp(est.logPdf(Float64Array.of(x), 1)[0] ?? NaN);
    // Two equal kernels N(0.1, 0.4) and N(0.9, 0.4) truncated to [0, 1]: symmetric about 0.5.
    expect(at(0.2)).toBeCloseTo(at(0.8), 6);
    const phi = (z: number): number => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
    const mass = 0.5 * (erfc(-0.9 / 0.4 / Math.SQRT2) - erfc(0.1 / 0.4 / Math.SQRT2));
    expect(at(0.5)).toBeCloseTo((0.5 * phi(1) / 0.4 + 0.5 * phi(1) / 0.4) / mass, 4);
  });
});
