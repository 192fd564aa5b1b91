import { describe, expect, it } from 'vitest';
import {
  cholesky,
  createPosterior,
  defaultPriors,
  fitHyperparameters,
  hyperparametersFromTheta,
  inverseFromCholesky,
  negativeLogPosterior,
  solveLower,
  solveUpperTransposed,
} from '../../../../src/engine/samplers/gp/gaussianProcess';
import type { GpData } from '../../../../src/engine/samplers/gp/gaussianProcess';
import {
  EXP_RATIO_LIMIT,
  additiveCorrelation,
  additiveCrossTerms,
  additivePairTerms,
  covarianceMatrix,
  expRatioTable,
  matern52,
  matern52Slope,
  scaleInputs,
} from '../../../../src/engine/samplers/gp/kernel';
import { createRng } from '../../../../src/engine/util/rng';

/** n points in [0, 1]^dims from a seeded rng, with y = f(x). */
function dataset(n: number, dims: number, f: (x: Float64Array) => number, seed = 1): GpData {
  const rng = createRng(seed);
  const x = new Float64Array(n * dims);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dims; d++) x[i * dims + d] = rng.next();
    y[i] = f(x.subarray(i * dims, (i + 1) * dims));
  }
  return { x, y, n, dims };
}


/** The analytic gradient of the negative log posterior at `theta` matches central finite differences. */
function expectLikelihoodGradientMatchesFiniteDifferences(data: GpData, priors: ReturnType<typeof defaultPriors>, theta: Float64Array): void {
  const grad = new Float64Array(theta.length);
  negativeLogPosterior(data, priors, theta, grad);
  for (let k = 0; k < theta.length; k++) {
    const plus = Float64Array.from(theta);
    const minus = Float64Array.from(theta);
    plus[k] = (plus[k] ?? 0) + 1e-5;
    minus[k] = (minus[k] ?? 0) - 1e-5;
    const fd = (negativeLogPosterior(data, priors, plus) - negativeLogPosterior(data, priors, minus)) / 2e-5;
    expect(Math.abs((grad[k] ?? 0) - fd)).toBeLessThan(1e-4 * Math.max(1, Math.abs(fd)));
  }
}

/** The posterior's mean and variance gradients at `q` match central finite differences, and come with the same prediction. */
function expectGradientsMatchFiniteDifferences(posterior: NonNullable<ReturnType<typeof createPosterior>>, q: Float64Array): void {
  const gm = new Float64Array(q.length);
  const gv = new Float64Array(q.length);
  expect(posterior.predictWithGradient(q, gm, gv)).toEqual(posterior.predict(q));
  for (let d = 0; d < q.length; d++) {
    const hi = Float64Array.from(q);
    const lo = Float64Array.from(q);
    hi[d] = (hi[d] ?? 0) + 1e-6;
    lo[d] = (lo[d] ?? 0) - 1e-6;
    const fdm = (posterior.predict(hi).mean - posterior.predict(lo).mean) / 2e-6;
    const fdv = (posterior.predict(hi).variance - posterior.predict(lo).variance) / 2e-6;
    expect(Math.abs((gm[d] ?? 0) - fdm)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fdm)));
    expect(Math.abs((gv[d] ?? 0) - fdv)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fdv)));
  }
}

describe('Matérn-5/2 kernel', () => {
  it('is 1 at r = 0, decreasing, and its slope helper is −(1/r)·dk/dr', () => {
    expect(matern52(0)).toBe(1);
    expect(matern52(0.5)).toBeLessThan(matern52(0.2));
    for (const r of [0.1, 0.7, 2.5]) {
      const fd = (matern52(r + 1e-7) - matern52(r - 1e-7)) / 2e-7;
      expect(matern52Slope(r)).toBeCloseTo(-fd / r, 6);
    }
  });

  it('builds a symmetric covariance with the noise on the diagonal', () => {
    const pts = Float64Array.of(0, 0, 1, 0, 0, 2);
    const k = covarianceMatrix(scaleInputs(pts, 3, 2, Float64Array.of(1, 2)), 3, 2, 2, 0.1);
    expect(k[0]).toBeCloseTo(2.1, 12);
    expect(k[1]).toBeCloseTo(2 * matern52(1), 12);
    expect(k[2]).toBeCloseTo(2 * matern52(1), 12); // (0, 2) scaled by ℓ = 2 is distance 1
    expect(k[3]).toBe(k[1]);
  });

  it('adds the first-order additive part: a² on the diagonal, the mean of the per-dimension Matérns off it', () => {
    const scaled = scaleInputs(Float64Array.of(0, 0, 1, 0, 0.5, 2), 3, 2, Float64Array.of(1, 2));
    const k = covarianceMatrix(scaled, 3, 2, 2, 0.1, 0.5);
    expect(k[0]).toBeCloseTo(2.6, 12);
    expect(k[1]).toBeCloseTo(2 * matern52(1) + 0.5 * ((matern52(1) + matern52(0)) / 2), 12);
    expect(additiveCorrelation(scaled, 2, scaled, 0, 2)).toBeCloseTo((matern52(0.5) + matern52(1)) / 2, 12);
    // The cached pair terms of the likelihood fit agree with the direct ones.
    const corr = new Float64Array(3);
    const slopes = new Float64Array(6);
    additivePairTerms(scaled, 3, 2, corr, slopes);
    expect(corr[1]).toBeCloseTo(additiveCorrelation(scaled, 2, scaled, 0, 2), 12); // pair (2, 0)
    expect(slopes[2 * 2]).toBeCloseTo(matern52Slope(0.5) * 0.25, 12); // pair (2, 1): Δ = (−0.5, 1)
    expect(slopes[2 * 2 + 1]).toBeCloseTo(matern52Slope(1), 12);
  });
});

/** |a − b| ≤ tol·|b| (tol·tiny when b = 0). */
function expectRelativelyClose(a: number, b: number, tol = 1e-12): void {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(Math.abs(b), 1e-300));
}

describe('additive part by exp-ratio factors', () => {
  // Scaled rows: dimension 0 continuous, 1 shared by every point (an inactive parameter), 2 a one-hot-like 0/1 column
  // with coincident values, 3 large coordinates (ℓ at the floor, √5·s ≈ 89), 4 beyond EXP_RATIO_LIMIT (the guard).
  const n = 9;
  const dims = 5;
  const beyond = (EXP_RATIO_LIMIT / Math.sqrt(5)) * 1.5;
  const scaled = new Float64Array(n * dims);
  const rng = createRng(7);
  for (let i = 0; i < n; i++) {
    scaled[i * dims] = rng.next() * 3;
    scaled[i * dims + 1] = 0.5 / 0.3;
    scaled[i * dims + 2] = i % 3 === 0 ? 1 / 0.2 : 0;
    scaled[i * dims + 3] = rng.next() * 40;
    scaled[i * dims + 4] = beyond * rng.next() + (i === 0 ? beyond : 0);
  }
  scaled[2 * dims + 3] = scaled[5 * dims + 3] ?? 0; // two points coincide in dimension 3 as well

  const directSlope = (diff: number): number => matern52Slope(Math.abs(diff)) * diff * diff;

  it('marks only the dimension past the limit for the direct exp, and holds exp(±√5·s) elsewhere', () => {
    const table = expRatioTable(scaled, n, dims);
    expect(Array.from(table.direct)).toEqual([0, 0, 0, 0, 1]);
    for (let i = 0; i < n; i++) {
      for (let d = 0; d < 4; d++) {
        const s = scaled[i * dims + d] ?? 0;
        expectRelativelyClose(table.factors[2 * (i * dims + d)] ?? 0, Math.exp(Math.sqrt(5) * s));
        expectRelativelyClose(table.factors[2 * (i * dims + d) + 1] ?? 0, Math.exp(-Math.sqrt(5) * s));
      }
    }
  });

  it('gives the pair correlations and slopes of the direct formula to 1e-12 (relative), also where points coincide', () => {
    const pairs = (n * (n - 1)) / 2;
    const corr = new Float64Array(pairs);
    const slopes = new Float64Array(pairs * dims);
    additivePairTerms(scaled, n, dims, corr, slopes);
    const corrOnly = new Float64Array(pairs);
    additivePairTerms(scaled, n, dims, corrOnly);
    expect(corrOnly).toEqual(corr);
    let p = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++, p++) {
        expectRelativelyClose(corr[p] ?? 0, additiveCorrelation(scaled, i, scaled, j, dims));
        for (let d = 0; d < dims; d++) {
          const diff = (scaled[i * dims + d] ?? 0) - (scaled[j * dims + d] ?? 0);
          expectRelativelyClose(slopes[p * dims + d] ?? 0, directSlope(diff));
          if (diff === 0) expect(slopes[p * dims + d]).toBe(0);
        }
      }
    }
    // A pair that coincides in every dimension has correlation 1 (to rounding) and zero slopes.
    const same = Float64Array.of(0.3, 4, 0.3, 4);
    const one = new Float64Array(1);
    const flat = new Float64Array(2);
    additivePairTerms(same, 2, 2, one, flat);
    expectRelativelyClose(one[0] ?? 0, 1);
    expect(Array.from(flat)).toEqual([0, 0]);
  });

  it('gives the cross correlations and per-dimension exps of the direct formula, with the guard on the query too', () => {
    const table = expRatioTable(scaled, n, dims);
    const corr = new Float64Array(n);
    const exps = new Float64Array(n * dims);
    const queries = [
      Float64Array.of(1.1, 0.5 / 0.3, 0, 20, 3), // coincides with the shared and the one-hot dimensions
      Float64Array.from(scaled.subarray(4 * dims, 5 * dims)), // a training point itself
      Float64Array.of(-0.7, 2, 5, (EXP_RATIO_LIMIT / Math.sqrt(5)) * 1.2, 0), // query past the limit in dimension 3
    ];
    for (const q of queries) {
      additiveCrossTerms(q, scaled, n, dims, table, corr, exps);
      for (let i = 0; i < n; i++) {
        expectRelativelyClose(corr[i] ?? 0, additiveCorrelation(q, 0, scaled, i, dims));
        for (let d = 0; d < dims; d++) {
          const diff = (q[d] ?? 0) - (scaled[i * dims + d] ?? 0);
          expectRelativelyClose(exps[i * dims + d] ?? 0, Math.exp(-Math.sqrt(5) * Math.abs(diff)));
        }
      }
    }
    // A query equal to a training point has additive correlation 1 with it (to rounding).
    additiveCrossTerms(queries[1] ?? new Float64Array(dims), scaled, n, dims, table, corr);
    expectRelativelyClose(corr[4] ?? 0, 1);
  });

  it('builds the covariance matrix from the same pair terms', () => {
    const k = covarianceMatrix(scaled, n, dims, 1.3, 0.01, 0.4);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        const direct = 1.3 * matern52(Math.sqrt(Array.from({ length: dims }, (_, d) => ((scaled[i * dims + d] ?? 0) - (scaled[j * dims + d] ?? 0)) ** 2).reduce((a, b) => a + b, 0))) + 0.4 * additiveCorrelation(scaled, i, scaled, j, dims);
        expectRelativelyClose(k[i * n + j] ?? 0, direct);
        expect(k[j * n + i]).toBe(k[i * n + j]);
      }
    }
  });
});

describe('Cholesky and solves', () => {
  it('factorises, solves and inverts a random SPD matrix', () => {
    const { x, n, dims } = dataset(12, 3, () => 0);
    const k = covarianceMatrix(x, n, dims, 1.3, 1e-3);
    const l = Float64Array.from(k);
    expect(cholesky(l, n)).toBe(true);
    const b = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
    const sol = solveUpperTransposed(l, n, solveLower(l, n, b, new Float64Array(n)), new Float64Array(n));
    const inv = inverseFromCholesky(l, n);
    for (let i = 0; i < n; i++) {
      let kx = 0;
      let invb = 0;
      for (let j = 0; j < n; j++) {
        kx += (k[i * n + j] ?? 0) * (sol[j] ?? 0);
        invb += (inv[i * n + j] ?? 0) * (b[j] ?? 0);
      }
      expect(kx).toBeCloseTo(b[i] ?? 0, 8);
      expect(invb).toBeCloseTo(sol[i] ?? 0, 6);
    }
  });

  it('factorises and inverts two rows at a time bit-for-bit as one row at a time (odd and even n)', () => {
    // The textbook loops, one entry and one summation chain at a time.
    const referenceCholesky = (a: Float64Array, n: number): boolean => {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) {
          let s = a[i * n + j] ?? 0;
          for (let k = 0; k < j; k++) s -= (a[i * n + k] ?? 0) * (a[j * n + k] ?? 0);
          if (i === j) {
            if (!(s > 0)) return false;
            a[i * n + i] = Math.sqrt(s);
          } else a[i * n + j] = s / (a[j * n + j] ?? 1);
        }
        for (let j = i + 1; j < n; j++) a[i * n + j] = 0;
      }
      return true;
    };
    const referenceInverse = (l: Float64Array, n: number): Float64Array => {
      const u = new Float64Array(n * n);
      for (let j = 0; j < n; j++) {
        u[j * n + j] = 1 / (l[j * n + j] ?? 1);
        for (let k = j + 1; k < n; k++) {
          let s = 0;
          for (let m = j; m < k; m++) s += (l[k * n + m] ?? 0) * (u[j * n + m] ?? 0);
          u[j * n + k] = -s / (l[k * n + k] ?? 1);
        }
      }
      const inv = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let k = i; k < n; k++) s += (u[i * n + k] ?? 0) * (u[j * n + k] ?? 0);
          inv[i * n + j] = s;
          inv[j * n + i] = s;
        }
      }
      return inv;
    };
    for (const n of [1, 2, 3, 8, 13]) {
      const { x, dims } = dataset(n, 3, () => 0, n);
      const k = covarianceMatrix(scaleInputs(x, n, dims, Float64Array.of(0.3, 0.5, 0.2)), n, dims, 1.3, 1e-4, 0.3);
      const fast = Float64Array.from(k);
      const slow = Float64Array.from(k);
      expect(cholesky(fast, n)).toBe(true);
      expect(referenceCholesky(slow, n)).toBe(true);
      expect(fast).toEqual(slow);
      expect(inverseFromCholesky(fast, n)).toEqual(referenceInverse(slow, n));
    }
  });

  it('reports a matrix that is not positive definite', () => {
    expect(cholesky(Float64Array.of(1, 2, 2, 1), 2)).toBe(false);
  });
});

describe('marginal likelihood and posterior', () => {
  const data = dataset(25, 3, (p) => Math.sin(6 * (p[0] ?? 0)) + 0.3 * (p[1] ?? 0));
  const priors = defaultPriors(3);

  it('has the analytic gradient of R&W eq. 5.9 (checked by central differences)', () => {
    const theta = Float64Array.of(Math.log(0.3), Math.log(0.8), Math.log(2), Math.log(1.5), Math.log(1e-3));
    expect(negativeLogPosterior(data, priors, theta, new Float64Array(theta.length))).toBeCloseTo(negativeLogPosterior(data, priors, theta), 10);
    expectLikelihoodGradientMatchesFiniteDifferences(data, priors, theta);
  });

  it('has the analytic gradient with an additive part too, and so has the posterior', () => {
    const additivePriors = defaultPriors(3, true);
    expect(additivePriors.logAdditiveVariance).toBeDefined();
    expect(defaultPriors(1, true).logAdditiveVariance).toBeUndefined(); // one input: the additive part is the kernel
    const theta = Float64Array.of(Math.log(0.3), Math.log(0.8), Math.log(2), Math.log(1.5), Math.log(1e-3), Math.log(0.4));
    expectLikelihoodGradientMatchesFiniteDifferences(data, additivePriors, theta);
    const posterior = createPosterior(data, hyperparametersFromTheta(theta, 3));
    expect(posterior?.hyperparameters.additiveVariance).toBeCloseTo(0.4, 12);
    if (!posterior) return;
    expectGradientsMatchFiniteDifferences(posterior, Float64Array.of(0.41, 0.27, 0.66));
    // Far from the data the prior variance is s² + a².
    expect(posterior.predict(Float64Array.of(40, 40, 40)).variance).toBeCloseTo(1.5 + 0.4, 6);
  });

  it('fits a large additive variance to a sum of one-dimensional terms and a small one to an interaction', () => {
    const options = { restarts: 2, screening: 8, maxIterations: 60, maxEvaluations: 80, rng: createRng(3), priors: defaultPriors(3, true) };
    const ratio = (f: (p: Float64Array) => number): number => {
      const h = fitHyperparameters(dataset(40, 3, f, 5), options).hyperparameters;
      return (h.additiveVariance ?? 0) / h.signalVariance;
    };
    const sum = ratio((p) => Math.sin(9 * (p[0] ?? 0)) + Math.sin(9 * (p[1] ?? 0)) + Math.sin(9 * (p[2] ?? 0)));
    const product = ratio((p) => Math.sin(9 * (p[0] ?? 0)) * Math.sin(9 * (p[1] ?? 0)) * Math.sin(9 * (p[2] ?? 0)));
    expect(sum).toBeGreaterThan(10 * product);
  });

  it('fits length scales that tell relevant from irrelevant inputs, deterministically', () => {
    const fit = (seed: number) => fitHyperparameters(data, { restarts: 3, screening: 12, maxIterations: 60, maxEvaluations: 80, rng: createRng(seed) });
    const a = fit(4);
    const [l0, l1, l2] = Array.from(a.hyperparameters.lengthScales);
    expect(l0).toBeLessThan(l1 ?? 0);
    expect(l1).toBeLessThan(l2 ?? 0); // x2 does not matter at all
    expect(a.hyperparameters.noiseVariance).toBeLessThan(1e-2);
    expect(fit(4)).toEqual(a);
  });

  it('interpolates the data and has mean/variance gradients matching finite differences', () => {
    const { hyperparameters } = fitHyperparameters(data, { restarts: 2, screening: 8, maxIterations: 40, maxEvaluations: 60, rng: createRng(2) });
    const posterior = createPosterior(data, hyperparameters);
    expect(posterior).toBeDefined();
    if (!posterior) return;
    for (let i = 0; i < 5; i++) {
      const p = posterior.predict(data.x.subarray(i * 3, i * 3 + 3));
      expect(p.mean).toBeCloseTo(data.y[i] ?? 0, 1);
      expect(p.variance).toBeLessThan(0.05 * hyperparameters.signalVariance);
    }
    expectGradientsMatchFiniteDifferences(posterior, Float64Array.of(0.41, 0.27, 0.66));
  });

  it('copes with duplicated points (jitter) and a constant target', () => {
    const x = Float64Array.of(0.5, 0.5, 0.5, 0.5, 0.2, 0.9);
    const flat: GpData = { x, y: new Float64Array(3), n: 3, dims: 2 };
    const { hyperparameters } = fitHyperparameters(flat, { restarts: 1, screening: 0, maxIterations: 20, maxEvaluations: 30, rng: createRng(1) });
    const posterior = createPosterior(flat, hyperparameters);
    expect(posterior?.predict(Float64Array.of(0.1, 0.1)).mean).toBeCloseTo(0, 12);
  });
});
