/**
 * Log expected improvement for minimisation, computed stably (Ament, Daulton, Eriksson, Balandat & Bakshy 2023,
 * "Unexpected Improvements to Expected Improvement for Bayesian Optimization", NeurIPS, §4.1 "LogEI").
 * With z = (best − μ)/σ, EI = σ·h(z) and h(z) = φ(z) + z·Φ(z) (Jones, Schonlau & Welch 1998). Plain EI
 * underflows to exactly 0 for z below about −38, leaving the acquisition optimiser flat; log h(z) is evaluated
 * piecewise instead:
 *
 *   z > −1:            log(φ(z) + z·Φ(z))                                       (no cancellation)
 *   −1e3 < z ≤ −1:     −z²/2 − ½log 2π + log(1 − |z|·√(π/2)·erfcx(|z|/√2))          (Ament et al. eq. 9)
 *   z ≤ −1e3:          −z²/2 − ½log 2π − 2·log|z| + log(1 − 3/z² + 15/z⁴)            (asymptotic series)
 *
 * and its derivative d log h/dz = Φ(z)/h(z) in the matching stable form. JavaScript has no erf, so the scaled
 * complementary error function erfcx(x) = exp(x²)·erfc(x) is computed here: a positive-term power series
 * for |x| < 1.5 and the Laplace continued fraction beyond (both accurate to a few ulps × 10, see the tests).
 */
import type { GpPrediction } from './gaussianProcess';

const SQRT_PI = Math.sqrt(Math.PI);
const SQRT_2 = Math.SQRT2;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const SQRT_HALF_PI = Math.sqrt(Math.PI / 2);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** exp(x²)·erfc(x) for x ≥ 0 by series (x < 1.5) or continued fraction (x ≥ 1.5). */
function erfcxNonNegative(x: number): number {
  if (x < 1.5) {
    // erf(x) = (2/√π)·e^{−x²}·Σ x(2x²)^n/(1·3···(2n+1)): all terms positive.
    const x2 = 2 * x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= x2 / (2 * n + 1);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return Math.exp(x * x) - (2 / SQRT_PI) * sum;
  }
  // erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + (2/2)/(x + (3/2)/(x + …)))), evaluated backwards.
  const terms = x < 2.5 ? 80 : 40;
  let t = x;
  for (let k = terms; k >= 1; k--) t = x + k / 2 / t;
  return 1 / (SQRT_PI * t);
}

/** The scaled complementary error function erfcx(x) = exp(x²)·erfc(x) (Infinity for x below about −26.6). */
export function erfcx(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 0) return erfcxNonNegative(x);
  const e = Math.exp(x * x);
  return e === Infinity ? Infinity : 2 * e - erfcxNonNegative(-x);
}

/** The complementary error function erfc(x) = 1 − erf(x), accurate in both tails. */
export function erfc(x: number): number {
  if (x >= 0) return Math.exp(-x * x) * erfcxNonNegative(x);
  return 2 - Math.exp(-x * x) * erfcxNonNegative(-x);
}

/** Standard normal CDF Φ(z). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / SQRT_2);
}

/** Standard normal density φ(z). */
export function normalPdf(z: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * z * z);
}

/** Inverse of Φ (the probit) by bisection to full precision; p is clamped into (0, 1). */
export function normalQuantile(p: number): number {
  const q = Math.min(1 - 1e-16, Math.max(1e-300, p));
  let lo = -40;
  let hi = 9;
  for (let i = 0; i < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(lo)); i++) {
    const mid = 0.5 * (lo + hi);
    if (normalCdf(mid) < q) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** log h(z) with h(z) = φ(z) + zΦ(z), and d log h/dz = Φ(z)/h(z). */
export function logH(z: number): { readonly value: number; readonly slope: number } {
  if (z > -1) {
    const cdf = normalCdf(z);
    const h = normalPdf(z) + z * cdf;
    return { value: Math.log(h), slope: cdf / h };
  }
  if (z > -1e3) {
    const e = erfcx(-z / SQRT_2);
    const q = -z * SQRT_HALF_PI * e; // in (0, 1); 1 − q ≈ 1/z² for large |z|
    const oneMinusQ = -Math.expm1(Math.log(q));
    return { value: -0.5 * z * z - HALF_LOG_2PI + Math.log(oneMinusQ), slope: (SQRT_HALF_PI * e) / oneMinusQ };
  }
  const iz2 = 1 / (z * z);
  const series = 1 - 3 * iz2 + 15 * iz2 * iz2;
  return {
    value: -0.5 * z * z - HALF_LOG_2PI - 2 * Math.log(-z) + Math.log(series),
    slope: (-z * (1 - iz2 + 3 * iz2 * iz2)) / series,
  };
}

/** log EI of a prediction below the incumbent `best` (minimisation). The variance is floored at 1e-18. */
export function logExpectedImprovement(prediction: GpPrediction, best: number): number {
  const sd = Math.sqrt(Math.max(prediction.variance, 1e-18));
  return Math.log(sd) + logH((best - prediction.mean) / sd).value;
}

/**
 * log EI and its gradient with respect to the query point, from the prediction and the gradients of its
 * mean and variance (GpPosterior.predictWithGradient); writes the gradient into `out`.
 */
export function logExpectedImprovementWithGradient(
  prediction: GpPrediction,
  gradMean: Float64Array,
  gradVariance: Float64Array,
  best: number,
  out: Float64Array,
): number {
  const variance = Math.max(prediction.variance, 1e-18);
  const sd = Math.sqrt(variance);
  const z = (best - prediction.mean) / sd;
  const { value, slope } = logH(z);
  for (let d = 0; d < out.length; d++) {
    const dsd = (gradVariance[d] ?? 0) / (2 * sd);
    const dz = (-(gradMean[d] ?? 0) - z * dsd) / sd;
    out[d] = dsd / sd + slope * dz;
  }
  return Math.log(sd) + value;
}
