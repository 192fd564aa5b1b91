/**
 * Gaussian-process regression with a Matérn-5/2 ARD kernel (Rasmussen & Williams 2006, "Gaussian Processes
 * for Machine Learning", Algorithm 2.1 for the posterior; §5.4.1 eq. 5.9 for the gradient of the log marginal
 * likelihood). Hyperparameters θ = (log ℓ_1..log ℓ_D, log s², log σ²_n[, log a²]) are fitted by maximising the log
 * marginal likelihood plus log-normal priors (a MAP estimate in log space, as in Snoek et al. 2012 / BoTorch),
 * with a few restarts of a projected L-BFGS inside bounds. All work is bounded by counts, never by time.
 *
 * The linear algebra (Cholesky, triangular solves, the inverse needed by eq. 5.9) is written out on
 * row-major Float64Arrays: at the sizes a sampler sees (≤ a few hundred points) it is fast enough, and
 * the engine stays free of numeric dependencies.
 */
import type { Rng } from '../../util/rng';
import { additiveCrossTerms, additivePairTerms, covarianceMatrix, crossCovariance, expRatioTable, matern52Slope } from './kernel';
import { minimizeInBox } from './lbfgsb';

const LOG_2PI = Math.log(2 * Math.PI);
const SQRT5 = Math.sqrt(5);

/** Fitted (or given) GP hyperparameters in natural units; outputs are assumed standardised. */
export interface GpHyperparameters {
  /** ℓ_d, one per input dimension. */
  readonly lengthScales: Float64Array;
  /** s², the latent function's prior variance. */
  readonly signalVariance: number;
  /** σ²_n, the observation noise variance (at least the noise floor). */
  readonly noiseVariance: number;
  /** a², the variance of the first-order additive part of the kernel (absent or 0: none; see kernel.ts). */
  readonly additiveVariance?: number;
}

/** Log-normal priors and bounds of the hyperparameters (all in natural-log space). */
export interface GpPriors {
  /** Prior mean and standard deviation of log ℓ_d. */
  readonly logLengthScale: { readonly mean: number; readonly sd: number; readonly lower: number; readonly upper: number };
  /** Prior mean and standard deviation of log s². */
  readonly logSignalVariance: { readonly mean: number; readonly sd: number; readonly lower: number; readonly upper: number };
  /** Prior mean and standard deviation of log σ²_n; `lower` is the noise floor. */
  readonly logNoiseVariance: { readonly mean: number; readonly sd: number; readonly lower: number; readonly upper: number };
  /** Prior of log a², the additive part's variance; absent: the kernel has no additive part. */
  readonly logAdditiveVariance?: { readonly mean: number; readonly sd: number; readonly lower: number; readonly upper: number };
}

/**
 * Default priors for inputs in the unit cube and standardised outputs.
 *
 * Length scales: the dimension-scaled prior of Hvarfner, Hellsten & Nardi 2024 ("Vanilla Bayesian optimization
 * performs great in high dimensions", ICML; BoTorch's default since v0.12): ℓ_d ~ LogNormal(μ, σ) with
 * μ = √2 + ln(D)/2 and σ = √3, D the number of encoded dimensions, bounded below by 0.025 (BoTorch's length-scale
 * constraint) and above by 1e3. The MAP fit maximises the log marginal likelihood plus the log *density of ℓ*
 * (as a GPyTorch prior does), and −log p(ℓ) = (ln ℓ − μ)²/(2σ²) + ln ℓ + const = (ln ℓ − (μ − σ²))²/(2σ²) + const,
 * so in θ = ln ℓ it is exactly a normal with mean μ − σ² (ℓ's mode: 0.29 at D = 2, 0.46 at D = 5, 0.92 at D = 20)
 * and sd √3.
 *
 * Signal variance log-normal around 1 in [0.05, 20]; noise variance log-normal around 1e-4 with a floor of 1e-6
 * (most objectives are nearly deterministic; a noisy one pushes it up). With `additive` (and ≥ 2 dimensions) the
 * kernel gets a first-order additive part (kernel.ts) whose variance a² is log-normal around 0.1 with sd 2 in
 * [1e-4, 20]: small a priori, so the data have to ask for it.
 */
export function defaultPriors(dims: number, additive = false): GpPriors {
  const sd = Math.sqrt(3);
  const mu = Math.SQRT2 + 0.5 * Math.log(Math.max(1, dims));
  const priors: GpPriors = {
    logLengthScale: { mean: mu - sd * sd, sd, lower: Math.log(0.025), upper: Math.log(1e3) },
    logSignalVariance: { mean: 0, sd: 1, lower: Math.log(0.05), upper: Math.log(20) },
    logNoiseVariance: { mean: Math.log(1e-4), sd: 2, lower: Math.log(1e-6), upper: Math.log(0.5) },
  };
  if (!additive || dims < 2) return priors;
  return { ...priors, logAdditiveVariance: { mean: Math.log(0.1), sd: 2, lower: Math.log(1e-4), upper: Math.log(20) } };
}

/**
 * In-place Cholesky factorisation of the symmetric positive definite n × n matrix `a` (row-major): on success
 * its lower triangle holds L with A = L·Lᵀ and the strict upper triangle is zeroed. Returns false (leaving `a`
 * partly overwritten) when A is not numerically positive definite. Rows are done two at a time (each entry of
 * row i+1 shares the loads of row i's and keeps its own summation chain, so the result is bit-for-bit that of one
 * row at a time): two independent sums hide the latency of the additions, about a third faster at n = 200.
 */
export function cholesky(a: Float64Array, n: number): boolean {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const ri = i * n;
    const rn = ri + n;
    for (let j = 0; j < i; j++) {
      const rj = j * n;
      let s0 = a[ri + j] ?? 0;
      let s1 = a[rn + j] ?? 0;
      for (let k = 0; k < j; k++) {
        const l = a[rj + k] ?? 0;
        s0 -= (a[ri + k] ?? 0) * l;
        s1 -= (a[rn + k] ?? 0) * l;
      }
      const djj = a[rj + j] ?? 1;
      a[ri + j] = s0 / djj;
      a[rn + j] = s1 / djj;
    }
    // Column i: row i's diagonal, then row i+1's entry below it.
    let s0 = a[ri + i] ?? 0;
    let s1 = a[rn + i] ?? 0;
    for (let k = 0; k < i; k++) {
      const l = a[ri + k] ?? 0;
      s0 -= l * l;
      s1 -= (a[rn + k] ?? 0) * l;
    }
    if (!(s0 > 0) || !Number.isFinite(s0)) return false;
    const dii = Math.sqrt(s0);
    a[ri + i] = dii;
    a[rn + i] = s1 / dii;
    for (let j = i + 1; j < n; j++) a[ri + j] = 0;
    let s = a[rn + i + 1] ?? 0;
    for (let k = 0; k <= i; k++) s -= (a[rn + k] ?? 0) * (a[rn + k] ?? 0);
    if (!(s > 0) || !Number.isFinite(s)) return false;
    a[rn + i + 1] = Math.sqrt(s);
    for (let j = i + 2; j < n; j++) a[rn + j] = 0;
  }
  for (; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = a[ri + j] ?? 0;
      for (let k = 0; k < j; k++) s -= (a[ri + k] ?? 0) * (a[rj + k] ?? 0);
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) return false;
        a[ri + i] = Math.sqrt(s);
      } else {
        a[ri + j] = s / (a[rj + j] ?? 1);
      }
    }
    for (let j = i + 1; j < n; j++) a[ri + j] = 0;
  }
  return true;
}

/** Solves L·x = b for lower-triangular L (row-major n × n); `out` may alias `b`. */
export function solveLower(l: Float64Array, n: number, b: ArrayLike<number>, out: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = b[i] ?? 0;
    for (let k = 0; k < i; k++) s -= (l[ri + k] ?? 0) * (out[k] ?? 0);
    out[i] = s / (l[ri + i] ?? 1);
  }
  return out;
}

/** Solves Lᵀ·x = b for lower-triangular L (row-major n × n); `out` may alias `b`. */
export function solveUpperTransposed(l: Float64Array, n: number, b: ArrayLike<number>, out: Float64Array): Float64Array {
  if (out !== b) for (let i = 0; i < n; i++) out[i] = b[i] ?? 0;
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * n;
    const xi = (out[i] ?? 0) / (l[ri + i] ?? 1);
    out[i] = xi;
    for (let k = 0; k < i; k++) out[k] = (out[k] ?? 0) - (l[ri + k] ?? 0) * xi;
  }
  return out;
}

/**
 * (L·Lᵀ)⁻¹ from the Cholesky factor L (row-major n × n, symmetric result). Like `cholesky`, two rows (of L⁻¹,
 * then of the result) at a time, each sum in its own order, so the result is the same as one at a time.
 */
export function inverseFromCholesky(l: Float64Array, n: number): Float64Array {
  // Row j of u is column j of L⁻¹ (zero before j), so K⁻¹_ij = Σ_{k ≥ max(i,j)} u_ik·u_jk reads rows contiguously.
  const u = new Float64Array(n * n);
  let j = 0;
  for (; j + 1 < n; j += 2) {
    const rj = j * n;
    const rn = rj + n;
    u[rj + j] = 1 / (l[j * n + j] ?? 1);
    u[rn + j + 1] = 1 / (l[rn + j + 1] ?? 1);
    u[rj + j + 1] = -((l[rn + j] ?? 0) * (u[rj + j] ?? 0)) / (l[rn + j + 1] ?? 1);
    for (let k = j + 2; k < n; k++) {
      const rk = k * n;
      let s0 = 0;
      let s1 = 0;
      s0 += (l[rk + j] ?? 0) * (u[rj + j] ?? 0);
      for (let m = j + 1; m < k; m++) {
        const lk = l[rk + m] ?? 0;
        s0 += lk * (u[rj + m] ?? 0);
        s1 += lk * (u[rn + m] ?? 0);
      }
      const dkk = l[rk + k] ?? 1;
      u[rj + k] = -s0 / dkk;
      u[rn + k] = -s1 / dkk;
    }
  }
  for (; j < n; j++) {
    const rj = j * n;
    u[rj + j] = 1 / (l[j * n + j] ?? 1);
    for (let k = j + 1; k < n; k++) {
      const rk = k * n;
      let s = 0;
      for (let m = j; m < k; m++) s += (l[rk + m] ?? 0) * (u[rj + m] ?? 0);
      u[rj + k] = -s / (l[rk + k] ?? 1);
    }
  }
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let jj = 0;
    for (; jj + 1 <= i; jj += 2) {
      const rj = jj * n;
      const rn = rj + n;
      let s0 = 0;
      let s1 = 0;
      for (let k = i; k < n; k++) {
        const uik = u[ri + k] ?? 0;
        s0 += uik * (u[rj + k] ?? 0);
        s1 += uik * (u[rn + k] ?? 0);
      }
      inv[ri + jj] = s0;
      inv[rj + i] = s0;
      inv[ri + jj + 1] = s1;
      inv[rn + i] = s1;
    }
    for (; jj <= i; jj++) {
      const rj = jj * n;
      let s = 0;
      for (let k = i; k < n; k++) s += (u[ri + k] ?? 0) * (u[rj + k] ?? 0);
      inv[ri + jj] = s;
      inv[rj + i] = s;
    }
  }
  return inv;
}

/** Training data: n points (row-major n × dims, in the unit cube) and their standardised targets. */
export interface GpData {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly n: number;
  readonly dims: number;
}

/** θ → natural-unit hyperparameters. */
export function hyperparametersFromTheta(theta: Float64Array, dims: number): GpHyperparameters {
  const lengthScales = new Float64Array(dims);
  for (let d = 0; d < dims; d++) lengthScales[d] = Math.exp(theta[d] ?? 0);
  const h = { lengthScales, signalVariance: Math.exp(theta[dims] ?? 0), noiseVariance: Math.exp(theta[dims + 1] ?? 0) };
  return theta.length > dims + 2 ? { ...h, additiveVariance: Math.exp(theta[dims + 2] ?? 0) } : h;
}

/**
 * The negative log posterior −log p(y | X, θ) − log p(θ) (up to the priors' constants) and, when `grad`
 * is given, its gradient with respect to θ = (log ℓ, log s², log σ²_n) by R&W eq. 5.9:
 * ∂/∂θ_j = ½·tr((K⁻¹ − ααᵀ)·∂K/∂θ_j) plus the prior terms. Returns Infinity when K is not positive definite.
 */
export function negativeLogPosterior(data: GpData, priors: GpPriors, theta: Float64Array, grad?: Float64Array): number {
  const { x, y, n, dims } = data;
  const h = hyperparametersFromTheta(theta, dims);
  const scaled = new Float64Array(n * dims);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dims; d++) scaled[i * dims + d] = (x[i * dims + d] ?? 0) / (h.lengthScales[d] ?? 1);
  }
  const a2 = h.additiveVariance ?? 0;
  const l = covarianceMatrix(scaled, n, dims, h.signalVariance, h.noiseVariance);
  let addCorr: Float64Array | undefined;
  let addSlopes: Float64Array | undefined;
  if (a2 > 0) {
    addCorr = new Float64Array((n * (n - 1)) / 2);
    addSlopes = grad ? new Float64Array(addCorr.length * dims) : undefined;
    additivePairTerms(scaled, n, dims, addCorr, addSlopes);
    for (let i = 0, p = 0; i < n; i++) {
      l[i * n + i] = (l[i * n + i] ?? 0) + a2;
      for (let j = 0; j < i; j++, p++) {
        const v = (l[i * n + j] ?? 0) + a2 * (addCorr[p] ?? 0);
        l[i * n + j] = v;
        l[j * n + i] = v;
      }
    }
  }
  if (!cholesky(l, n)) {
    if (grad) grad.fill(0);
    return Infinity;
  }
  const alpha = solveUpperTransposed(l, n, solveLower(l, n, y, new Float64Array(n)), new Float64Array(n));
  let value = 0.5 * n * LOG_2PI;
  for (let i = 0; i < n; i++) value += 0.5 * (y[i] ?? 0) * (alpha[i] ?? 0) + Math.log(l[i * n + i] ?? 1);

  // Priors: independent normals on θ.
  const lp = priors.logLengthScale;
  const sp = priors.logSignalVariance;
  const np = priors.logNoiseVariance;
  const priorTerm = (t: number, mean: number, sd: number): number => ((t - mean) * (t - mean)) / (2 * sd * sd);
  for (let d = 0; d < dims; d++) value += priorTerm(theta[d] ?? 0, lp.mean, lp.sd);
  value += priorTerm(theta[dims] ?? 0, sp.mean, sp.sd);
  value += priorTerm(theta[dims + 1] ?? 0, np.mean, np.sd);
  const ap = priors.logAdditiveVariance;
  if (ap) value += priorTerm(theta[dims + 2] ?? 0, ap.mean, ap.sd);
  if (!grad) return value;

  const inv = inverseFromCholesky(l, n);
  grad.fill(0);
  const diff2 = new Float64Array(dims);
  const s2 = h.signalVariance;
  let gradSignal = 0;
  let gradAdditive = 0;
  const aPerDim = a2 / Math.max(1, dims);
  let traceW = 0;
  for (let i = 0; i < n; i++) {
    const ai = alpha[i] ?? 0;
    traceW += (inv[i * n + i] ?? 0) - ai * ai;
    for (let j = 0; j < i; j++) {
      const w = (inv[i * n + j] ?? 0) - ai * (alpha[j] ?? 0);
      let r2 = 0;
      for (let d = 0; d < dims; d++) {
        const diff = (scaled[i * dims + d] ?? 0) - (scaled[j * dims + d] ?? 0);
        const dd = diff * diff;
        diff2[d] = dd;
        r2 += dd;
      }
      // matern52(r) and matern52Slope(r) from one exp (bit-identical to calling both).
      const ar = SQRT5 * Math.sqrt(r2);
      const er = Math.exp(-ar);
      // Off-diagonal pairs appear twice in the trace; the ½ cancels.
      gradSignal += w * s2 * ((1 + ar + (ar * ar) / 3) * er);
      const c = w * s2 * ((5 / 3) * (1 + ar) * er);
      for (let d = 0; d < dims; d++) grad[d] = (grad[d] ?? 0) + c * (diff2[d] ?? 0);
      if (addCorr && addSlopes) {
        // Additive part: ∂/∂log ℓ_d of (a²/D)·matern52(|Δ_d|/ℓ_d) is (a²/D)·slope·Δ_d²/ℓ_d².
        const p = (i * (i - 1)) / 2 + j;
        gradAdditive += w * a2 * (addCorr[p] ?? 0);
        const wa = w * aPerDim;
        for (let d = 0; d < dims; d++) grad[d] = (grad[d] ?? 0) + wa * (addSlopes[p * dims + d] ?? 0);
      }
    }
  }
  gradSignal += 0.5 * traceW * s2;
  grad[dims] = gradSignal;
  grad[dims + 1] = 0.5 * traceW * h.noiseVariance;
  if (ap) grad[dims + 2] = gradAdditive + 0.5 * traceW * a2 + ((theta[dims + 2] ?? 0) - ap.mean) / (ap.sd * ap.sd);
  for (let d = 0; d < dims; d++) grad[d] = (grad[d] ?? 0) + ((theta[d] ?? 0) - lp.mean) / (lp.sd * lp.sd);
  grad[dims] = (grad[dims] ?? 0) + ((theta[dims] ?? 0) - sp.mean) / (sp.sd * sp.sd);
  grad[dims + 1] = (grad[dims + 1] ?? 0) + ((theta[dims + 1] ?? 0) - np.mean) / (np.sd * np.sd);
  return value;
}

/** How much work a hyperparameter fit may do (all counts, for determinism). */
export interface GpFitOptions {
  /** L-BFGS runs: one from the prior's centre, the others from the best of `screening` prior draws. */
  readonly restarts: number;
  /** Random θ draws from the prior scored (value only) to choose the random restarts. */
  readonly screening: number;
  /** Iterations per L-BFGS run. */
  readonly maxIterations: number;
  /** Objective evaluations per L-BFGS run. */
  readonly maxEvaluations: number;
  /** Randomness for the restarts. */
  readonly rng: Rng;
  /** Priors and bounds (default `defaultPriors(dims)`). */
  readonly priors?: GpPriors;
}

/** A fit's outcome. */
export interface GpFit {
  readonly hyperparameters: GpHyperparameters;
  /** The minimised negative log posterior. */
  readonly negativeLogPosterior: number;
  /** Objective evaluations spent. */
  readonly evaluations: number;
}

/** The prior of θ_k; θ has dims + 2 entries, one more (log a²) with an additive part. */
function priorOf(priors: GpPriors, dims: number, k: number): GpPriors['logLengthScale'] {
  if (k < dims) return priors.logLengthScale;
  if (k === dims) return priors.logSignalVariance;
  if (k === dims + 1 || !priors.logAdditiveVariance) return priors.logNoiseVariance;
  return priors.logAdditiveVariance;
}

/** Fits the hyperparameters by MAP with restarts (see the file comment). */
export function fitHyperparameters(data: GpData, options: GpFitOptions): GpFit {
  const { dims } = data;
  const priors = options.priors ?? defaultPriors(dims);
  const size = dims + (priors.logAdditiveVariance ? 3 : 2);
  const lower = new Float64Array(size);
  const upper = new Float64Array(size);
  const centre = new Float64Array(size);
  const spec = (k: number): GpPriors['logLengthScale'] => priorOf(priors, dims, k);
  for (let k = 0; k < size; k++) {
    const p = spec(k);
    lower[k] = p.lower;
    upper[k] = p.upper;
    centre[k] = Math.min(p.upper, Math.max(p.lower, p.mean));
  }
  let evaluations = 0;
  const starts: Float64Array[] = [centre];
  const randomStarts = Math.max(0, options.restarts - 1);
  if (randomStarts > 0) {
    const scored: Array<{ theta: Float64Array; value: number }> = [];
    const draws = Math.max(randomStarts, options.screening);
    for (let s = 0; s < draws; s++) {
      const theta = new Float64Array(size);
      for (let k = 0; k < size; k++) {
        const p = spec(k);
        theta[k] = Math.min(p.upper, Math.max(p.lower, p.mean + p.sd * options.rng.normal()));
      }
      const value = draws > randomStarts ? negativeLogPosterior(data, priors, theta) : 0;
      evaluations++;
      scored.push({ theta, value: Number.isFinite(value) ? value : Infinity });
    }
    // Stable sort: ties keep draw order, so the choice is deterministic.
    scored.sort((a, b) => a.value - b.value);
    for (let s = 0; s < randomStarts; s++) {
      const start = scored[s];
      if (start) starts.push(start.theta);
    }
  }
  let best: { theta: Float64Array; value: number } = { theta: centre, value: Infinity };
  const objective = (theta: Float64Array, grad: Float64Array): number => negativeLogPosterior(data, priors, theta, grad);
  for (const start of starts) {
    const result = minimizeInBox(objective, start, lower, upper, {
      maxIterations: options.maxIterations,
      maxEvaluations: options.maxEvaluations,
      relativeTolerance: 1e-7,
      gradientTolerance: 1e-5,
    });
    evaluations += result.evaluations;
    if (result.value < best.value) best = { theta: result.x, value: result.value };
  }
  return { hyperparameters: hyperparametersFromTheta(best.theta, dims), negativeLogPosterior: best.value, evaluations };
}

/** Posterior mean and latent-function variance at one point. */
export interface GpPrediction {
  readonly mean: number;
  readonly variance: number;
}

/** The GP posterior given data and fixed hyperparameters (R&W Algorithm 2.1). */
export interface GpPosterior {
  readonly dims: number;
  readonly hyperparameters: GpHyperparameters;
  /** Mean and variance of the latent function at `q` (length dims, unit cube). */
  predict(q: ArrayLike<number>): GpPrediction;
  /** Like `predict`, and writes ∂mean/∂q into `gradMean` and ∂variance/∂q into `gradVariance`. */
  predictWithGradient(q: ArrayLike<number>, gradMean: Float64Array, gradVariance: Float64Array): GpPrediction;
}

/**
 * Builds the posterior; the noise variance plus growing jitter is retried until K is positive definite
 * (duplicated points with a tiny noise can make it singular). Returns undefined only if even a large jitter fails.
 */
export function createPosterior(data: GpData, hyperparameters: GpHyperparameters): GpPosterior | undefined {
  const { x, y, n, dims } = data;
  const ls = hyperparameters.lengthScales;
  const s2 = hyperparameters.signalVariance;
  const a2 = hyperparameters.additiveVariance ?? 0;
  const aPerDim = a2 / Math.max(1, dims);
  const scaled = new Float64Array(n * dims);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dims; d++) scaled[i * dims + d] = (x[i * dims + d] ?? 0) / (ls[d] ?? 1);
  }
  let l: Float64Array | undefined;
  for (let jitter = 0; jitter <= 1e-2; jitter = jitter === 0 ? 1e-9 : jitter * 10) {
    const k = covarianceMatrix(scaled, n, dims, s2, hyperparameters.noiseVariance + jitter, a2);
    if (cholesky(k, n)) {
      l = k;
      break;
    }
  }
  if (!l) return undefined;
  const factor = l;
  const alpha = solveUpperTransposed(factor, n, solveLower(factor, n, y, new Float64Array(n)), new Float64Array(n));
  const qs = new Float64Array(dims);
  const kq = new Float64Array(n);
  const radii = new Float64Array(n);
  const v = new Float64Array(n);
  // The additive part's exp-ratio factors of the training points (kernel.ts), once per posterior; per query,
  // additiveCorr holds its correlations and additiveExps exp(−√5|Δ_d|) for the gradient.
  const table = a2 > 0 ? expRatioTable(scaled, n, dims) : undefined;
  const additiveCorr = new Float64Array(table ? n : 0);
  const additiveExps = new Float64Array(table ? n * dims : 0);
  const scratch = new Float64Array(2 * dims);

  const core = (q: ArrayLike<number>): GpPrediction => {
    for (let d = 0; d < dims; d++) qs[d] = (q[d] ?? 0) / (ls[d] ?? 1);
    crossCovariance(qs, scaled, n, dims, s2, kq, radii);
    if (table) {
      additiveCrossTerms(qs, scaled, n, dims, table, additiveCorr, additiveExps, scratch);
      for (let i = 0; i < n; i++) kq[i] = (kq[i] ?? 0) + a2 * (additiveCorr[i] ?? 0);
    }
    let mean = 0;
    for (let i = 0; i < n; i++) mean += (kq[i] ?? 0) * (alpha[i] ?? 0);
    solveLower(factor, n, kq, v);
    let explained = 0;
    for (let i = 0; i < n; i++) explained += (v[i] ?? 0) * (v[i] ?? 0);
    return { mean, variance: Math.max(s2 + a2 - explained, 1e-12 * (s2 + a2)) };
  };

  return {
    dims,
    hyperparameters,
    predict: core,
    predictWithGradient(q, gradMean, gradVariance) {
      const prediction = core(q);
      // w = K⁻¹k(q); ∂var/∂q = −2·Σ_i w_i ∂k_i/∂q; ∂k_i/∂q_d = −s²·slope(r_i)·(q_d − x_id)/ℓ_d².
      const w = solveUpperTransposed(factor, n, v, new Float64Array(n));
      gradMean.fill(0);
      gradVariance.fill(0);
      for (let i = 0; i < n; i++) {
        const c = -s2 * matern52Slope(radii[i] ?? 0);
        const am = c * (alpha[i] ?? 0);
        const av = -2 * c * (w[i] ?? 0);
        const base = i * dims;
        for (let d = 0; d < dims; d++) {
          const diff = (qs[d] ?? 0) - (scaled[base + d] ?? 0);
          const g = diff / (ls[d] ?? 1);
          // ∂k_i/∂q_d, joint part plus (with an additive part) −(a²/D)·slope(|Δ_d|)·Δ_d/ℓ_d, where
          // slope(|Δ|) = (5/3)(1 + √5|Δ|)·exp(−√5|Δ|) reuses the exp of the prediction.
          const ci = table ? -aPerDim * (5 / 3) * (1 + SQRT5 * Math.abs(diff)) * (additiveExps[base + d] ?? 0) : 0;
          gradMean[d] = (gradMean[d] ?? 0) + (am + ci * (alpha[i] ?? 0)) * g;
          gradVariance[d] = (gradVariance[d] ?? 0) + (av - 2 * ci * (w[i] ?? 0)) * g;
        }
      }
      return prediction;
    },
  };
}
