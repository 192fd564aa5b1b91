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
 * It equals 1 at zero distance, so a² times it has prior variance a² like the joint part.
 */
export function additiveCorrelation(a: Float64Array, i: number, b: Float64Array, j: number, dims: number): number {
  let s = 0;
  const ia = i * dims;
  const jb = j * dims;
  for (let d = 0; d < dims; d++) s += matern52(Math.abs((a[ia + d] ?? 0) - (b[jb + d] ?? 0)));
  return s / dims;
}

/**
 * The additive correlation of every pair j < i of scaled rows (pair index i(i−1)/2 + j) into `corr`, and, when
 * `slopes` is given, matern52Slope(|Δ_d|)·Δ_d² per pair and dimension (the factor of ∂k/∂log ℓ_d) into
 * `slopes[pair·dims + d]`. One exp per pair and dimension serves both: the marginal-likelihood fit spends most
 * of its time here.
 */
export function additivePairTerms(scaled: Float64Array, n: number, dims: number, corr: Float64Array, slopes?: Float64Array): void {
  let p = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++, p++) {
      let sum = 0;
      for (let d = 0; d < dims; d++) {
        const diff = (scaled[i * dims + d] ?? 0) - (scaled[j * dims + d] ?? 0);
        const a = SQRT5 * Math.abs(diff);
        const e = Math.exp(-a);
        sum += (1 + a + (a * a) / 3) * e;
        if (slopes) slopes[p * dims + d] = (5 / 3) * (1 + a) * e * diff * diff;
      }
      corr[p] = sum / dims;
    }
  }
}

/**
 * The n × n covariance matrix of scaled points (row-major, symmetric), with `diagonal` added to every
 * diagonal entry (noise variance plus jitter); `additiveVariance` > 0 adds that times `additiveCorrelation`.
 */
export function covarianceMatrix(scaled: Float64Array, n: number, dims: number, signalVariance: number, diagonal: number, additiveVariance = 0): Float64Array {
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    k[i * n + i] = signalVariance + additiveVariance + diagonal;
    for (let j = 0; j < i; j++) {
      let v = signalVariance * matern52(Math.sqrt(scaledDistance2(scaled, i, scaled, j, dims)));
      if (additiveVariance > 0) v += additiveVariance * additiveCorrelation(scaled, i, scaled, j, dims);
      k[i * n + j] = v;
      k[j * n + i] = v;
    }
  }
  return k;
}

/**
 * Covariances between one scaled query point `q` (length dims) and the n scaled rows of `scaled`,
 * written into `out` (length n); `radii`, when given, receives the scaled distances r_i.
 */
export function crossCovariance(
  q: Float64Array,
  scaled: Float64Array,
  n: number,
  dims: number,
  signalVariance: number,
  out: Float64Array,
  radii?: Float64Array,
  additiveVariance = 0,
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
    if (additiveVariance > 0) out[i] = (out[i] ?? 0) + additiveVariance * additiveCorrelation(q, 0, scaled, i, dims);
    if (radii) radii[i] = r;
  }
}
