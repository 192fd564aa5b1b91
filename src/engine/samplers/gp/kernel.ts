/**
 * The Matérn-5/2 covariance with automatic relevance determination (one length scale per input dimension),
 * Rasmussen & Williams (2006), "Gaussian Processes for Machine Learning", eq. 4.17:
 *
 *   k(x, x') = s² · (1 + √5·r + 5/3·r²) · exp(−√5·r),   r² = Σ_d (x_d − x'_d)² / ℓ_d².
 *
 * Its sample paths are twice differentiable, the usual choice for hyperparameter surfaces (Snoek, Larochelle
 * & Adams 2012, "Practical Bayesian Optimization of Machine Learning Algorithms", §3.1). An optional additive
 * part a²·(1/D)·Σ_d matern52(|x_d − x'_d|/ℓ_d) (see `additiveCorrelation`) models each input's main effect.
 * Points are rows of a row-major Float64Array (n × dims). The derivatives here feed the marginal-likelihood gradient (R&W §5.4.1)
 * and the acquisition gradient.
 */

const SQRT5 = Math.sqrt(5);

/** Kernel hyperparameters in natural units. */
export interface KernelParams {
  /** ℓ_d > 0, one per input dimension. */
  readonly lengthScales: Float64Array;
  /** s² > 0, the prior variance of the latent function. */
  readonly signalVariance: number;
}

/** The Matérn-5/2 correlation (without s²) at scaled distance r ≥ 0. */
export function matern52(r: number): number {
  const a = SQRT5 * r;
  return (1 + a + (a * a) / 3) * Math.exp(-a);
}

/**
 * −(1/r)·d/dr of the Matérn-5/2 correlation: (5/3)(1 + √5 r) e^{−√5 r}. Finite at r = 0, so
 * ∂k/∂x_d = −s² · matern52Slope(r) · (x_d − x'_d)/ℓ_d², and ∂k/∂log ℓ_d = s² · matern52Slope(r) · (x_d − x'_d)²/ℓ_d².
 */
export function matern52Slope(r: number): number {
  return (5 / 3) * (1 + SQRT5 * r) * Math.exp(-SQRT5 * r);
}

/** Divides each coordinate by its length scale: rows of `points` (n × dims) → a new n × dims array. */
export function scaleInputs(points: Float64Array, n: number, dims: number, lengthScales: Float64Array): Float64Array {
  const out = new Float64Array(n * dims);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dims; d++) out[i * dims + d] = (points[i * dims + d] ?? 0) / (lengthScales[d] ?? 1);
  }
  return out;
}

/** Squared Euclidean distance between row i of `a` and row j of `b` (both already scaled, width `dims`). */
export function scaledDistance2(a: Float64Array, i: number, b: Float64Array, j: number, dims: number): number {
  let s = 0;
  const ia = i * dims;
  const jb = j * dims;
  for (let d = 0; d < dims; d++) {
    const diff = (a[ia + d] ?? 0) - (b[jb + d] ?? 0);
    s += diff * diff;
  }
  return s;
}

/**
 * The first-order additive part of the kernel (Duvenaud, Nickisch & Rasmussen 2011, "Additive Gaussian
 * Processes", NeurIPS): (1/D)·Σ_d matern52(|x_d − x'_d|/ℓ_d) on rows i of `a` and j of `b` (already scaled).
 * It equals 1 at zero distance, so a² times it has prior variance a² like the joint part. This is the direct
 * formula; the fit and the posterior compute the same by exp-ratio factors (`additivePairTerms`,
 * `additiveCrossTerms`), and the tests hold them to it.
 */
export function additiveCorrelation(a: Float64Array, i: number, b: Float64Array, j: number, dims: number): number {
  let s = 0;
  const ia = i * dims;
  const jb = j * dims;
  for (let d = 0; d < dims; d++) s += matern52(Math.abs((a[ia + d] ?? 0) - (b[jb + d] ?? 0)));
  return s / dims;
}

/**
 * Largest |√5·s| (s a scaled coordinate) for which exp(±√5·s) is used as a factor of exp(−√5·|s_i − s_j|) (see
 * `expRatioTable`). Inputs lie in the unit cube and length scales are at least 0.025 (defaultPriors), so √5·s stays
 * below about 90 in the sampler; the bound keeps both factors and their products far from overflow and from
 * subnormals (e^±300 ≈ 1e±130), and the relative error of a factor, about |√5·s|·2⁻⁵³, below 1e-13.
 */
export const EXP_RATIO_LIMIT = 300;

/**
 * The "exp-ratio" factors of n scaled rows (n × dims): for one dimension d and coordinates s_i = s_id,
 * exp(−√5·|s_i − s_j|) = exp(−√5·s_i)·exp(√5·s_j) when s_i ≥ s_j (and the mirror image otherwise), so one exp per
 * row and sign replaces one per pair. `factors[2(i·dims + d)]` = exp(√5·s_id), `factors[2(i·dims + d) + 1]` =
 * exp(−√5·s_id): the pair's product is factors[2(i·dims+d) + m]·factors[2(j·dims+d) + 1 − m] with m = 1 when
 * s_i > s_j, an index instead of a branch (a branch on the sign of a random difference is mispredicted half the
 * time, which cost more than the multiplication saved). `direct[d]` = 1 marks a dimension with some |√5·s_id|
 * above `EXP_RATIO_LIMIT`: there Math.exp is called on the difference, as before (its factors are left 0).
 */
export interface ExpRatioTable {
  readonly factors: Float64Array;
  readonly direct: Uint8Array;
}

/** The exp-ratio factors of the rows of `scaled` (2·n·dims exps; see `ExpRatioTable`). */
export function expRatioTable(scaled: Float64Array, n: number, dims: number): ExpRatioTable {
  const factors = new Float64Array(2 * n * dims);
  const direct = new Uint8Array(dims);
  for (let d = 0; d < dims; d++) {
    for (let i = 0; i < n; i++) {
      if (!(Math.abs(SQRT5 * (scaled[i * dims + d] ?? 0)) <= EXP_RATIO_LIMIT)) direct[d] = 1;
    }
    if (direct[d]) continue;
    for (let i = 0; i < n; i++) {
      const a = SQRT5 * (scaled[i * dims + d] ?? 0);
      factors[2 * (i * dims + d)] = Math.exp(a);
      factors[2 * (i * dims + d) + 1] = Math.exp(-a);
    }
  }
  return { factors, direct };
}

/**
 * The additive correlation of every pair j < i of scaled rows (pair index i(i−1)/2 + j) into `corr`, and, when
 * `slopes` is given, matern52Slope(|Δ_d|)·Δ_d² per pair and dimension (the factor of ∂k/∂log ℓ_d) into
 * `slopes[pair·dims + d]`. The marginal-likelihood fit spends most of its time here, so exp(−√5|Δ_d|) comes from
 * the exp-ratio factors (`expRatioTable`): 2·n·dims exps instead of n(n−1)/2·dims, equal to the direct exp up to
 * a relative 1e-13 (the tests check 1e-12), so fits move in the last bits only.
 */
export function additivePairTerms(scaled: Float64Array, n: number, dims: number, corr: Float64Array, slopes?: Float64Array): void {
  const { factors, direct } = expRatioTable(scaled, n, dims);
  let p = 0;
  for (let i = 0; i < n; i++) {
    const ri = i * dims;
    for (let j = 0; j < i; j++, p++) {
      const rj = j * dims;
      let sum = 0;
      for (let d = 0; d < dims; d++) {
        const diff = (scaled[ri + d] ?? 0) - (scaled[rj + d] ?? 0);
        const a = SQRT5 * Math.abs(diff);
        const m = +(diff > 0);
        const e = direct[d] ? Math.exp(-a) : (factors[2 * (ri + d) + m] ?? 0) * (factors[2 * (rj + d) + 1 - m] ?? 0);
        sum += (1 + a + (a * a) / 3) * e;
        if (slopes) slopes[p * dims + d] = (5 / 3) * (1 + a) * e * diff * diff;
      }
      corr[p] = sum / dims;
    }
  }
}

/**
 * The additive correlations between one scaled query `q` (length dims) and the n scaled rows of `scaled` into
 * `corr` (length n), by the exp-ratio factors `table` of those rows (`expRatioTable`, built once per posterior)
 * and 2·dims exps for the query; `exps`, when given, receives exp(−√5|q_d − s_id|) at [i·dims + d] (the
 * acquisition gradient's factor). Equals `additiveCorrelation(q, 0, scaled, i, dims)` up to rounding.
 * `scratch` (length 2·dims) holds the query's factors; a query coordinate past the limit is computed directly.
 */
export function additiveCrossTerms(
  q: Float64Array,
  scaled: Float64Array,
  n: number,
  dims: number,
  table: ExpRatioTable,
  corr: Float64Array,
  exps?: Float64Array,
  scratch: Float64Array = new Float64Array(2 * dims),
): void {
  const { factors, direct } = table;
  let anyDirect = false;
  for (let d = 0; d < dims; d++) {
    const a = SQRT5 * (q[d] ?? 0);
    const ratio = !direct[d] && Math.abs(a) <= EXP_RATIO_LIMIT;
    scratch[2 * d] = ratio ? Math.exp(a) : NaN;
    scratch[2 * d + 1] = ratio ? Math.exp(-a) : NaN;
    if (!ratio) anyDirect = true;
  }
  for (let i = 0; i < n; i++) {
    const base = i * dims;
    let sum = 0;
    for (let d = 0; d < dims; d++) {
      const diff = (q[d] ?? 0) - (scaled[base + d] ?? 0);
      const a = SQRT5 * Math.abs(diff);
      const m = +(diff > 0);
      let e = (scratch[2 * d + m] ?? 0) * (factors[2 * (base + d) + 1 - m] ?? 0);
      if (anyDirect && Number.isNaN(e)) e = Math.exp(-a);
      sum += (1 + a + (a * a) / 3) * e;
      if (exps) exps[base + d] = e;
    }
    corr[i] = sum / dims;
  }
}

/**
 * The n × n covariance matrix of scaled points (row-major, symmetric), with `diagonal` added to every
 * diagonal entry (noise variance plus jitter); `additiveVariance` > 0 adds that times the additive correlation
 * (from `additivePairTerms`, so the fit's and the posterior's matrices agree to the last bit).
 */
export function covarianceMatrix(scaled: Float64Array, n: number, dims: number, signalVariance: number, diagonal: number, additiveVariance = 0): Float64Array {
  const k = new Float64Array(n * n);
  let additive: Float64Array | undefined;
  if (additiveVariance > 0) {
    additive = new Float64Array((n * (n - 1)) / 2);
    additivePairTerms(scaled, n, dims, additive);
  }
  for (let i = 0, p = 0; i < n; i++) {
    k[i * n + i] = signalVariance + additiveVariance + diagonal;
    for (let j = 0; j < i; j++, p++) {
      let v = signalVariance * matern52(Math.sqrt(scaledDistance2(scaled, i, scaled, j, dims)));
      if (additive) v += additiveVariance * (additive[p] ?? 0);
      k[i * n + j] = v;
      k[j * n + i] = v;
    }
  }
  return k;
}

/**
 * Covariances of the joint part between one scaled query point `q` (length dims) and the n scaled rows of
 * `scaled`, written into `out` (length n); `radii`, when given, receives the scaled distances r_i. The additive
 * part's are `additiveCrossTerms`.
 */
export function crossCovariance(
  q: Float64Array,
  scaled: Float64Array,
  n: number,
  dims: number,
  signalVariance: number,
  out: Float64Array,
  radii?: Float64Array,
): void {
  for (let i = 0; i < n; i++) {
    let s = 0;
    const base = i * dims;
    for (let d = 0; d < dims; d++) {
      const diff = (q[d] ?? 0) - (scaled[base + d] ?? 0);
      s += diff * diff;
    }
    const r = Math.sqrt(s);
    out[i] = signalVariance * matern52(r);
    if (radii) radii[i] = r;
  }
}
