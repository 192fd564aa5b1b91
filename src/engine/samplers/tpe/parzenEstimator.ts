/**
 * The Parzen estimator of TPE (Bergstra et al. 2011, "Algorithms for Hyper-Parameter Optimization", §4):
 * a weighted mixture with one kernel per observation plus one wide "prior" kernel. A kernel is a product
 * over the estimator's dimensions, so the same code serves univariate TPE (one dimension per estimator) and
 * the multivariate variant (one joint kernel over the parameters active together, the idea of Falkner et
 * al. 2018, "BOHB: Robust and Efficient Hyperparameter Optimization at Scale", §3.2).
 *
 * Every numeric dimension lives in the unit interval of the shared encoding (space/encode.ts): linear or log,
 * and for int / stepped parameters one equal-probability bin per allowed value. Numeric kernels are normals
 * truncated to [0, 1]; on a discrete dimension a kernel's probability of a value is the truncated normal's
 * mass over that value's bin (a discretised truncated normal). Categorical kernels put (1 − β) on the
 * observed choice plus β spread uniformly (Aitchison & Aitken 1976); β = 0 gives plain weighted counts.
 *
 * Bandwidths (documented defaults, following Watanabe 2023, "Tree-structured Parzen estimator:
 * understanding its algorithm components and their roles for better empirical performance", §3):
 * - `neighbour` (TPE's default, per dimension also in a joint kernel): each kernel's sigma is the larger distance
 *   to its sorted neighbours, the prior's centre 0.5 counting as one (the two outermost kernels use their only
 *   inner neighbour), as in Bergstra et al. 2011 / hyperopt and Optuna 3.x with consider_endpoints=false;
 *   categorical kernels are plain weighted counts or (`smoothCategorical`, TPE's default model) smoothed as
 *   Optuna's: every choice gets prior_weight / (m + 1) on top of the observed one's 1;
 * - `scott` (BOHB's): one sigma 0.2 · m^(−1/(d+4)) per numeric dimension (a Scott-like rule for m points in d
 *   dimensions), and β equal to the same factor for categorical dimensions;
 * - both clipped to [max(minBandwidth, 1 / min(100, m + 1)^α), 1]: α = 1 and no minimum is the "magic clip" of
 *   hyperopt/Optuna, so that kernels never collapse; TPE's default is α = 2 with a minimum of 0.03 (Watanabe 2023).
 * The prior kernel is N(0.5, 1) truncated (nearly flat) on numeric dimensions and uniform on categoricals.
 */
import type { Rng } from '../../util/rng';
import { LOG_SQRT_2PI, logNormalMass, logSumExp, logUnitMass, sampleUnitTruncatedNormal } from './mixtures';

/** One dimension of an estimator. Values: continuous and discrete in [0, 1] (discrete at a bin centre); categorical a choice index. */
export type ParzenDim =
  | { readonly kind: 'continuous' }
  | {
      readonly kind: 'discrete';
      /** Number of bins (allowed values). */
      readonly levels: number;
      /** The bin containing unit value u. */
      binOf(u: number): number;
      /** Lower edge of bin k in unit space (0 for the first bin). */
      lower(k: number): number;
      /** Upper edge of bin k in unit space (1 for the last bin). */
      upper(k: number): number;
    }
  | { readonly kind: 'categorical'; readonly choices: number };

/** How an estimator picks its bandwidths (see the file comment). */
export type BandwidthRule = 'neighbour' | 'scott';

/** Settings of `fitParzenEstimator`. */
export interface ParzenEstimatorOptions {
  /** Weight of the prior kernel, in the units of the observation weights (1.0 = one observation). */
  readonly priorWeight: number;
  /** Bandwidth rule. */
  readonly bandwidth: BandwidthRule;
  /** Smallest numeric bandwidth, as a fraction of the unit range (Watanabe 2023's Δ; 0 = none). */
  readonly minBandwidth?: number;
  /** Exponent α of the magic clip 1 / min(100, m + 1)^α (1 = hyperopt's and Optuna's clip). */
  readonly magicClipExponent?: number;
  /** Neighbour rule only: smooth categorical kernels as Optuna does (true) or use plain weighted counts (false, the default). */
  readonly smoothCategorical?: boolean;
}

/** A fitted mixture; points are flat arrays of `count × dims.length` values in the dimension conventions above. */
export interface ParzenEstimator {
  /** Number of kernels (observations + 1 for the prior). */
  readonly components: number;
  /** Draws `count` points: a kernel by weight, then each dimension from that kernel. */
  sample(rng: Rng, count: number): Float64Array;
  /** Log density (log probability on discrete and categorical dimensions) of each of `count` points. */
  logPdf(points: Float64Array, count: number): Float64Array;
}

/** Centre of bin k of a discrete dimension, in unit space. */
export function binCentre(dim: Extract<ParzenDim, { kind: 'discrete' }>, k: number): number {
  return (dim.lower(k) + dim.upper(k)) / 2;
}

/** Beyond this many sigmas a kernel's mass on a bin (< 1e-32) is treated as zero: the prior always dwarfs it. */
const FAR_SIGMAS = 12;
/** Bins narrower than this many sigmas use the midpoint rule with a curvature correction (error ~ w⁴/2000). */
const NARROW_BIN = 0.05;

/**
 * Fits the mixture to `m` observations (`observations` holds m rows of dims.length values) with the given
 * non-negative weights; the prior kernel is appended with weight `options.priorWeight`.
 */
export function fitParzenEstimator(
  dims: readonly ParzenDim[],
  observations: Float64Array,
  weights: Float64Array,
  options: ParzenEstimatorOptions,
): ParzenEstimator {
  const d = dims.length;
  const m = weights.length;
  const comps = m + 1;
  const prior = m; // index of the prior kernel

  const logW = new Float64Array(comps);
  const cumW = new Float64Array(comps);
  let total = options.priorWeight;
  for (let i = 0; i < m; i++) total += weights[i] ?? 0;
  let acc = 0;
  for (let i = 0; i < comps; i++) {
    const w = i === prior ? options.priorWeight : (weights[i] ?? 0);
    logW[i] = Math.log(w / total);
    acc += w / total;
    cumW[i] = acc;
  }

  const mus = new Float64Array(comps * d);
  const sigmas = new Float64Array(comps * d);
  /** Numeric: log of the truncation mass; categorical: log p(own choice). */
  const logNorm = new Float64Array(comps * d);
  /** Categorical only: log p(any other choice). */
  const logOther = new Float64Array(comps * d);
  /** Numeric only: 1 / sigma and the log-density constant −log σ − log √(2π) − log(truncation mass). */
  const invSigma = new Float64Array(comps * d);
  const densityConst = new Float64Array(comps * d);
  /** Numeric only: per dimension, the class of each kernel (same centre and sigma) and the number of classes. */
  const kernelClasses: Int32Array[] = [];
  const kernelClassCount: number[] = [];

  const minSigma = Math.max(options.minBandwidth ?? 0, Math.pow(Math.min(100, m + 1), -(options.magicClipExponent ?? 1)));
  const clip = (s: number): number => (s < minSigma ? minSigma : s > 1 ? 1 : s);
  const scott = 0.2 * Math.pow(Math.max(m, 1), -1 / (d + 4));

  for (let j = 0; j < d; j++) {
    const dim = dims[j];
    if (dim === undefined) continue;
    for (let i = 0; i < m; i++) mus[i * d + j] = observations[i * d + j] ?? 0.5;
    const position = (i: number): number => (i === prior ? 0.5 : (mus[i * d + j] ?? 0.5));
    if (dim.kind === 'categorical') {
      const k = dim.choices;
      // Scott: β equal to the numeric factor. Neighbour: plain counts, or Optuna's smoothing: every choice gets
      // prior_weight / (m + 1) on top of the observed choice's 1 before normalising, i.e. β = k a / (1 + k a)
      // with a = prior_weight / (m + 1).
      const a = options.priorWeight / (m + 1);
      const beta = options.bandwidth === 'scott' ? Math.min(1, scott) : options.smoothCategorical === true ? (k * a) / (1 + k * a) : 0;
      const own = Math.log(1 - beta + beta / k);
      const other = beta > 0 ? Math.log(beta / k) : -Infinity;
      for (let i = 0; i < m; i++) {
        logNorm[i * d + j] = own;
        logOther[i * d + j] = other;
      }
      mus[prior * d + j] = -1;
      logNorm[prior * d + j] = -Math.log(k);
      logOther[prior * d + j] = -Math.log(k);
      continue;
    }
    if (options.bandwidth === 'scott') {
      for (let i = 0; i < m; i++) sigmas[i * d + j] = clip(scott);
    } else {
      // Neighbour rule over the sorted observations with the prior's centre 0.5 among them (hyperopt's
      // adaptive Parzen estimator): a small good group gets kernels scaled to its own spread, not to [0, 1].
      // Ranks from a native numeric sort; ties are ranked by kernel index (the prior, index m, last).
      const positions = new Float64Array(m + 1);
      for (let i = 0; i <= m; i++) positions[i] = position(i);
      const sorted = positions.slice().sort();
      const usedAt = new Int32Array(m + 1);
      for (let i = 0; i < m; i++) {
        const here = positions[i] ?? 0.5;
        const first = lowerBound(sorted, here);
        const r = first + (usedAt[first] ?? 0);
        usedAt[first] = (usedAt[first] ?? 0) + 1;
        const left = r > 0 ? here - (sorted[r - 1] ?? here) : 0;
        const right = r < m ? (sorted[r + 1] ?? here) - here : 0;
        sigmas[i * d + j] = clip(Math.max(left, right));
      }
    }
    mus[prior * d + j] = 0.5;
    sigmas[prior * d + j] = 1;
    // On discrete dims kernels often share centre (a bin centre) and sigma (the clip): such kernels share
    // their normaliser and bin masses, computed once per class.
    const classes = new Int32Array(comps);
    const firstOfClass: number[] = [];
    if (dim.kind === 'discrete') {
      const classOf = new Map<number, Map<number, number>>();
      for (let i = 0; i < comps; i++) {
        const mu = mus[i * d + j] ?? 0.5;
        const s = sigmas[i * d + j] ?? 1;
        let bySigma = classOf.get(mu);
        if (bySigma === undefined) {
          bySigma = new Map();
          classOf.set(mu, bySigma);
        }
        let cls = bySigma.get(s);
        if (cls === undefined) {
          cls = firstOfClass.length;
          bySigma.set(s, cls);
          firstOfClass.push(i);
        }
        classes[i] = cls;
      }
      kernelClasses[j] = classes;
      kernelClassCount[j] = firstOfClass.length;
    }
    for (let i = 0; i < comps; i++) {
      const s = sigmas[i * d + j] ?? 1;
      const first = dim.kind === 'discrete' ? (firstOfClass[classes[i] ?? 0] ?? i) : i;
      logNorm[i * d + j] = first < i ? (logNorm[first * d + j] ?? 0) : logUnitMass(mus[i * d + j] ?? 0.5, s);
      invSigma[i * d + j] = 1 / s;
      densityConst[i * d + j] = -Math.log(s) - LOG_SQRT_2PI - (logNorm[i * d + j] ?? 0);
    }
  }

  // Scratch buffers reused across calls (never part of the model's observable state).
  let scratch = new Float64Array(0);
  let column = new Float64Array(0);

  const pickComponent = (u: number): number => {
    let lo = 0;
    let hi = comps - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumW[mid] ?? 1) > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };

  return {
    components: comps,
    sample(rng, count) {
      const out = new Float64Array(count * d);
      for (let c = 0; c < count; c++) {
        const i = pickComponent(rng.next());
        for (let j = 0; j < d; j++) {
          const dim = dims[j];
          if (dim === undefined) continue;
          if (dim.kind === 'categorical') {
            const own = mus[i * d + j] ?? -1;
            const mixed = i === prior || (logOther[i * d + j] !== -Infinity && rng.next() < Math.exp(logOther[i * d + j] ?? 0) * dim.choices);
            out[c * d + j] = mixed ? rng.int(dim.choices) : own;
            continue;
          }
          const x = sampleUnitTruncatedNormal(rng, mus[i * d + j] ?? 0.5, sigmas[i * d + j] ?? 1);
          out[c * d + j] = dim.kind === 'discrete' ? binCentre(dim, dim.binOf(x)) : x;
        }
      }
      return out;
    },
    logPdf(points, count) {
      if (scratch.length < count * comps) scratch = new Float64Array(count * comps);
      if (column.length < comps) column = new Float64Array(comps);
      for (let c = 0; c < count; c++) scratch.set(logW, c * comps);
      for (let j = 0; j < d; j++) {
        const dim = dims[j];
        if (dim === undefined) continue;
        if (dim.kind === 'continuous') {
          for (let c = 0; c < count; c++) {
            const x = points[c * d + j] ?? 0.5;
            const row = c * comps;
            for (let i = 0; i < comps; i++) {
              const z = (x - (mus[i * d + j] ?? 0.5)) * (invSigma[i * d + j] ?? 1);
              scratch[row + i] = (scratch[row + i] ?? 0) - 0.5 * z * z + (densityConst[i * d + j] ?? 0);
            }
          }
        } else if (dim.kind === 'categorical') {
          for (let c = 0; c < count; c++) {
            const x = points[c * d + j] ?? -1;
            const row = c * comps;
            for (let i = 0; i < comps; i++) {
              const own = i !== prior && (mus[i * d + j] ?? -1) === x;
              scratch[row + i] = (scratch[row + i] ?? 0) + ((own ? logNorm[i * d + j] : logOther[i * d + j]) ?? 0);
            }
          }
        } else {
          // Discrete: candidates share few bins and kernels share few (centre, sigma) pairs, so each
          // bin's mass is computed once per distinct kernel.
          const classes = kernelClasses[j] ?? new Int32Array(comps);
          const classCount = kernelClassCount[j] ?? comps;
          const done = new Map<number, Float64Array>();
          for (let c = 0; c < count; c++) {
            const bin = dim.binOf(points[c * d + j] ?? 0.5);
            let masses = done.get(bin);
            if (masses === undefined) {
              masses = new Float64Array(comps);
              const lo = dim.lower(bin);
              const hi = dim.upper(bin);
              const byClass = new Float64Array(classCount).fill(Number.NaN);
              for (let i = 0; i < comps; i++) {
                const cls = classes[i] ?? 0;
                let v = byClass[cls] ?? Number.NaN;
                if (Number.isNaN(v)) {
                  const s = sigmas[i * d + j] ?? 1;
                  const mu = mus[i * d + j] ?? 0.5;
                  v = logBinMass((lo - mu) / s, (hi - mu) / s) - (logNorm[i * d + j] ?? 0);
                  byClass[cls] = v;
                }
                masses[i] = v;
              }
              done.set(bin, masses);
            }
            const row = c * comps;
            for (let i = 0; i < comps; i++) scratch[row + i] = (scratch[row + i] ?? 0) + (masses[i] ?? 0);
          }
        }
      }
      const out = new Float64Array(count);
      for (let c = 0; c < count; c++) out[c] = logSumExp(scratch, c * comps, comps);
      return out;
    },
  };
}

/** First index of a sorted array whose value is >= x. */
function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] ?? Infinity) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** log P(a < Z < b) for a standard normal Z, with shortcuts for far and narrow bins. */
function logBinMass(a: number, b: number): number {
  if (a > FAR_SIGMAS || b < -FAR_SIGMAS) return -Infinity;
  const w = b - a;
  if (w < NARROW_BIN) {
    // Midpoint rule with its second-order correction: ∫ φ = w φ(z)(1 + w²(z² − 1)/24 + O(w⁴)).
    const z = (a + b) / 2;
    return Math.log(w) - 0.5 * z * z - LOG_SQRT_2PI + Math.log1p((w * w * (z * z - 1)) / 24);
  }
  return logNormalMass(a, b);
}
