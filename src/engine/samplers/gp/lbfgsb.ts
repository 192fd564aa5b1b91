/**
 * A small box-constrained quasi-Newton minimiser: projected L-BFGS (Nocedal & Wright 2006, "Numerical
 * Optimization", §7.2 two-loop recursion) with an Armijo backtracking line search along the projected path,
 * in the spirit of L-BFGS-B (Byrd, Lu, Nocedal & Zhu 1995) but without its generalised Cauchy point: variables
 * sitting on a bound with the gradient pushing outwards are frozen for the step. Used by the GP sampler to fit
 * kernel hyperparameters (in log space) and to refine the acquisition inside the unit cube.
 *
 * Work is bounded by counts (iterations, function evaluations), never by wall-clock, so results are
 * reproducible bit for bit.
 */

/** Returns f(x) and writes ∇f(x) into `grad`. A non-finite value means "outside the domain" (the step shrinks). */
export type ObjectiveWithGradient = (x: Float64Array, grad: Float64Array) => number;

/** Limits of one minimisation. */
export interface BoxMinimizeOptions {
  /** Maximum quasi-Newton iterations. */
  readonly maxIterations: number;
  /** Maximum objective evaluations (line-search trials included); default 4 × maxIterations + 1. */
  readonly maxEvaluations?: number;
  /** Number of correction pairs kept (default 8). */
  readonly memory?: number;
  /** Stop when the projected gradient's max-norm is below this (default 1e-6). */
  readonly gradientTolerance?: number;
  /** Stop when an iteration lowers f by less than this × max(1, |f|) (default 1e-9). */
  readonly relativeTolerance?: number;
}

/** Outcome of `minimizeInBox`. */
export interface BoxMinimizeResult {
  /** Best point found (inside the box). */
  readonly x: Float64Array;
  /** f at `x`. */
  readonly value: number;
  /** Iterations run. */
  readonly iterations: number;
  /** Objective evaluations used. */
  readonly evaluations: number;
}

function clampInto(out: Float64Array, x: Float64Array, lower: Float64Array, upper: Float64Array): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i] ?? 0;
    const lo = lower[i] ?? -Infinity;
    const hi = upper[i] ?? Infinity;
    out[i] = v < lo ? lo : v > hi ? hi : v;
  }
}

/**
 * Minimises `f` over the box [lower, upper] starting from `x0` (clamped into the box). Never throws; if the
 * start itself is not finite, returns it unchanged with value Infinity.
 */
export function minimizeInBox(
  f: ObjectiveWithGradient,
  x0: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
  options: BoxMinimizeOptions,
): BoxMinimizeResult {
  const n = x0.length;
  const memory = options.memory ?? 8;
  const maxEvaluations = options.maxEvaluations ?? 4 * options.maxIterations + 1;
  const gtol = options.gradientTolerance ?? 1e-6;
  const ftol = options.relativeTolerance ?? 1e-9;

  let x = new Float64Array(n);
  clampInto(x, x0, lower, upper);
  let g = new Float64Array(n);
  let fx = f(x, g);
  let evaluations = 1;
  if (!Number.isFinite(fx)) return { x, value: Infinity, iterations: 0, evaluations };

  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  const rhoList: number[] = [];
  const alpha = new Float64Array(memory);
  const free = new Uint8Array(n);
  const p = new Float64Array(n);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  let iterations = 0;

  while (iterations < options.maxIterations && evaluations < maxEvaluations) {
    // Free variables: not pinned at a bound by a gradient pointing out of the box.
    let pgNorm = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[i] ?? 0;
      const gi = g[i] ?? 0;
      const pinned = (xi <= (lower[i] ?? -Infinity) && gi > 0) || (xi >= (upper[i] ?? Infinity) && gi < 0);
      free[i] = pinned ? 0 : 1;
      if (!pinned) pgNorm = Math.max(pgNorm, Math.abs(gi));
    }
    if (pgNorm < gtol) break;

    // Two-loop recursion on the free variables.
    for (let i = 0; i < n; i++) p[i] = free[i] === 1 ? -(g[i] ?? 0) : 0;
    const m = sList.length;
    for (let k = m - 1; k >= 0; k--) {
      const s = sList[k] as Float64Array;
      const y = yList[k] as Float64Array;
      let dot = 0;
      for (let i = 0; i < n; i++) if (free[i] === 1) dot += (s[i] ?? 0) * (p[i] ?? 0);
      const a = (rhoList[k] ?? 0) * dot;
      alpha[k] = a;
      for (let i = 0; i < n; i++) if (free[i] === 1) p[i] = (p[i] ?? 0) - a * (y[i] ?? 0);
    }
    if (m > 0) {
      const s = sList[m - 1] as Float64Array;
      const y = yList[m - 1] as Float64Array;
      let sy = 0;
      let yy = 0;
      for (let i = 0; i < n; i++) {
        sy += (s[i] ?? 0) * (y[i] ?? 0);
        yy += (y[i] ?? 0) * (y[i] ?? 0);
      }
      const gamma = yy > 0 ? sy / yy : 1;
      for (let i = 0; i < n; i++) p[i] = (p[i] ?? 0) * gamma;
    }
    for (let k = 0; k < m; k++) {
      const s = sList[k] as Float64Array;
      const y = yList[k] as Float64Array;
      let dot = 0;
      for (let i = 0; i < n; i++) if (free[i] === 1) dot += (y[i] ?? 0) * (p[i] ?? 0);
      const b = (rhoList[k] ?? 0) * dot;
      const a = alpha[k] ?? 0;
      for (let i = 0; i < n; i++) if (free[i] === 1) p[i] = (p[i] ?? 0) + (a - b) * (s[i] ?? 0);
    }
    let slope = 0;
    for (let i = 0; i < n; i++) slope += (p[i] ?? 0) * (g[i] ?? 0);
    if (!(slope < 0)) {
      // Not a descent direction (curvature pairs went stale): restart from steepest descent.
      sList.length = 0;
      yList.length = 0;
      rhoList.length = 0;
      for (let i = 0; i < n; i++) p[i] = free[i] === 1 ? -(g[i] ?? 0) : 0;
    }
    // First iteration without curvature information: a step of unit length in the max-norm.
    let step = sList.length === 0 ? Math.min(1, 1 / Math.max(pgNorm, 1e-12)) : 1;

    let accepted = false;
    let fNew = Infinity;
    for (let trial = 0; trial < 30 && evaluations < maxEvaluations; trial++) {
      for (let i = 0; i < n; i++) xNew[i] = (x[i] ?? 0) + step * (p[i] ?? 0);
      clampInto(xNew, xNew, lower, upper);
      let decrease = 0;
      let moved = false;
      for (let i = 0; i < n; i++) {
        const d = (xNew[i] ?? 0) - (x[i] ?? 0);
        if (d !== 0) moved = true;
        decrease += (g[i] ?? 0) * d;
      }
      if (!moved) break;
      fNew = f(xNew, gNew);
      evaluations++;
      if (Number.isFinite(fNew) && fNew <= fx + 1e-4 * decrease) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    iterations++;
    if (!accepted) {
      if (sList.length === 0) break;
      sList.length = 0;
      yList.length = 0;
      rhoList.length = 0;
      continue;
    }

    const s = new Float64Array(n);
    const y = new Float64Array(n);
    let sy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = (xNew[i] ?? 0) - (x[i] ?? 0);
      y[i] = (gNew[i] ?? 0) - (g[i] ?? 0);
      sy += (s[i] ?? 0) * (y[i] ?? 0);
    }
    if (sy > 1e-12) {
      sList.push(s);
      yList.push(y);
      rhoList.push(1 / sy);
      if (sList.length > memory) {
        sList.shift();
        yList.shift();
        rhoList.shift();
      }
    }
    const improvement = fx - fNew;
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    fx = fNew;
    if (improvement < ftol * Math.max(1, Math.abs(fx))) break;
  }
  return { x, value: fx, iterations, evaluations };
}
