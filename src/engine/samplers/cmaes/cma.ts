/**
 * The Covariance Matrix Adaptation Evolution Strategy as a JSON-serialisable ask/tell state machine, after
 * Hansen 2016, "The CMA Evolution Strategy: A Tutorial" (arXiv:1604.00772): the (μ/μ_w, λ) recombination of
 * the best half of each generation, cumulative step-size adaptation (CSA) and the rank-one plus rank-μ
 * covariance update, with the tutorial's default constants (positive recombination weights only, c_m = 1).
 * The termination tests (TolX, TolFun, ConditionCov) follow the tutorial's appendix and feed the IPOP restart
 * strategy of Auger & Hansen 2005, "A Restart CMA Evolution Strategy With Increasing Population Size" (CEC),
 * which the sampler drives (cmaesSampler.ts).
 *
 * The search domain is the unit cube [0, 1]^n. Box constraints: a candidate is redrawn from the same
 * distribution until it lies inside the cube (at most `maxResamples` draws); if none does, the last draw is
 * mirrored into the cube coordinate-wise (reflection at 0 and 1). The update uses the points as evaluated, so
 * the mean always stays inside the cube (it is a convex combination of in-cube points). The step size is
 * capped so that the largest standard deviation σ·√λ_max(C) stays ≤ 1 (one cube length): beyond that the box
 * makes sampling uniform anyway, and the cap stops σ from drifting without bound on flat objectives.
 *
 * Every function is pure: states are plain objects of numbers and number arrays, never mutated, so
 * `JSON.parse(JSON.stringify(state))` continues exactly like `state`.
 */
import type { Rng } from '../../util/rng';
import { symmetricEigen } from './jacobi';

/** The full state of one CMA-ES run (one restart). Plain JSON data. */
export interface CmaState {
  /** Dimension n. */
  readonly dim: number;
  /** Population size λ (candidates per generation). */
  readonly lambda: number;
  /** Parents μ = ⌊λ/2⌋ recombined into the new mean. */
  readonly mu: number;
  /** Recombination weights w_1 ≥ … ≥ w_μ > 0, summing to 1. */
  readonly weights: number[];
  /** Variance-effective selection mass μ_eff = 1 / Σ w_i². */
  readonly muEff: number;
  /** Learning rate of the step-size path. */
  readonly cSigma: number;
  /** Damping of the step-size update. */
  readonly dSigma: number;
  /** Learning rate of the rank-one evolution path. */
  readonly cc: number;
  /** Rank-one learning rate. */
  readonly c1: number;
  /** Rank-μ learning rate. */
  readonly cMu: number;
  /** E‖N(0, I)‖. */
  readonly chiN: number;
  /** Distribution mean m (inside the cube). */
  readonly mean: number[];
  /** Step size σ. */
  readonly sigma: number;
  /** Covariance matrix C (rows). */
  readonly cov: number[][];
  /** Eigenvectors of C as columns: `eigenvectors[i][j]` is component i of the j-th. */
  readonly eigenvectors: number[][];
  /** Square roots of C's eigenvalues (the D of C = B D² Bᵀ), in the order of `eigenvectors`' columns. */
  readonly axisLengths: number[];
  /** Evolution path of σ. */
  readonly pSigma: number[];
  /** Evolution path of C. */
  readonly pC: number[];
  /** Generations completed in this run. */
  readonly generation: number;
  /** Best value of each of the last generations (at most `historyLength`), oldest first (TolFun). */
  readonly bestHistory: number[];
  /** Number of generations TolFun looks back: 10 + ⌈30n/λ⌉. */
  readonly historyLength: number;
  /** max − min of the values of the last generation (Infinity when one failed; NaN before the first). */
  readonly lastRange: number;
}

/** How `createCmaState` starts a run. */
export interface CmaInit {
  /** Dimension n ≥ 1. */
  readonly dim: number;
  /** Population size λ ≥ 2 (default `cmaDefaultPopulation(dim)`). */
  readonly lambda?: number;
  /** Initial mean, inside the cube (default the centre). */
  readonly mean?: readonly number[];
  /** Initial step size σ₀ > 0 (in cube units). */
  readonly sigma: number;
}

/** One evaluated candidate passed to `cmaTell`. */
export interface CmaSolution {
  /** The candidate as evaluated (inside the cube). */
  readonly x: readonly number[];
  /** Its value; lower is better; Infinity for a failed evaluation (used for TolFun only). */
  readonly value: number;
}

/** A candidate drawn by `cmaSample`. */
export interface CmaCandidate {
  /** The point, inside the cube. */
  readonly x: number[];
  /** Draws needed (1 when the first was inside). */
  readonly draws: number;
  /** True when every draw left the cube and the last one was mirrored in. */
  readonly mirrored: boolean;
}

/** Termination thresholds for `cmaTermination`. */
export interface CmaTolerances {
  /** Per-coordinate TolX: stop when σ·√C_ii and σ·|p_c,i| are below it in every coordinate. */
  readonly tolX: readonly number[];
  /** TolFun: stop when the best values of the last `historyLength` generations and the last generation's values span less (default 1e-12). */
  readonly tolFun?: number;
  /** ConditionCov: stop when cond(C) exceeds it (default 1e14). */
  readonly maxCondition?: number;
}

/** Hansen's default population size 4 + ⌊3 ln n⌋. */
export function cmaDefaultPopulation(dim: number): number {
  return 4 + Math.floor(3 * Math.log(Math.max(1, dim)));
}

/** Starts a run with C = I, zero paths and the tutorial's default strategy constants for (n, λ). */
export function createCmaState(init: CmaInit): CmaState {
  const n = Math.max(1, Math.floor(init.dim));
  const lambda = Math.max(2, Math.floor(init.lambda ?? cmaDefaultPopulation(n)));
  const mu = Math.floor(lambda / 2);
  const raw = Array.from({ length: mu }, (_, i) => Math.log((lambda + 1) / 2) - Math.log(i + 1));
  const total = raw.reduce((s, w) => s + w, 0);
  const weights = raw.map((w) => w / total);
  const muEff = 1 / weights.reduce((s, w) => s + w * w, 0);
  const cSigma = (muEff + 2) / (n + muEff + 5);
  const dSigma = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cSigma;
  const cc = (4 + muEff / n) / (n + 4 + (2 * muEff) / n);
  const c1 = 2 / ((n + 1.3) ** 2 + muEff);
  const cMu = Math.min(1 - c1, (2 * (muEff - 2 + 1 / muEff)) / ((n + 2) ** 2 + muEff));
  const chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
  const identity = (): number[][] => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  const mean = Array.from({ length: n }, (_, i) => clampUnit(init.mean?.[i] ?? 0.5));
  return {
    dim: n,
    lambda,
    mu,
    weights,
    muEff,
    cSigma,
    dSigma,
    cc,
    c1,
    cMu,
    chiN,
    mean,
    sigma: Math.min(init.sigma, 1),
    cov: identity(),
    eigenvectors: identity(),
    axisLengths: new Array<number>(n).fill(1),
    pSigma: new Array<number>(n).fill(0),
    pC: new Array<number>(n).fill(0),
    generation: 0,
    bestHistory: [],
    historyLength: 10 + Math.ceil((30 * n) / lambda),
    lastRange: Number.NaN,
  };
}

function clampUnit(t: number): number {
  return Number.isNaN(t) ? 0.5 : t < 0 ? 0 : t > 1 ? 1 : t;
}

/** Reflects t into [0, 1] (period 2: 1.2 → 0.8, −0.3 → 0.3, 2.5 → 0.5). */
export function mirrorUnit(t: number): number {
  if (!Number.isFinite(t)) return 0.5;
  if (t >= 0 && t <= 1) return t;
  const r = ((t % 2) + 2) % 2;
  return r > 1 ? 2 - r : r;
}

/**
 * Draws one candidate x = m + σ·B·D·z, z ~ N(0, I) from `rng`, redrawing until it lies in the cube (at most
 * `maxResamples` draws, default 100), else mirroring the last draw in.
 */
export function cmaSample(state: CmaState, rng: Rng, maxResamples = 100): CmaCandidate {
  const n = state.dim;
  const x = new Array<number>(n).fill(0);
  const tries = Math.max(1, maxResamples);
  for (let draw = 1; draw <= tries; draw++) {
    const scaled = Array.from({ length: n }, (_, j) => (state.axisLengths[j] ?? 1) * rng.normal());
    let inside = true;
    for (let i = 0; i < n; i++) {
      const row = state.eigenvectors[i];
      let y = 0;
      for (let j = 0; j < n; j++) y += (row?.[j] ?? 0) * (scaled[j] ?? 0);
      const xi = (state.mean[i] ?? 0.5) + state.sigma * y;
      x[i] = xi;
      if (!(xi >= 0 && xi <= 1)) inside = false;
    }
    if (inside) return { x, draws: draw, mirrored: false };
  }
  return { x: x.map(mirrorUnit), draws: tries, mirrored: true };
}

/**
 * One generation's update from its evaluated candidates, best first (the caller ranks them; failed ones last).
 * Uses the first μ for the mean and covariance and every value for TolFun's bookkeeping. Returns a new state.
 */
export function cmaTell(state: CmaState, ranked: readonly CmaSolution[]): CmaState {
  const n = state.dim;
  const { mu, weights, muEff, cSigma, dSigma, cc, c1, cMu, chiN, sigma } = state;
  const parents = ranked.slice(0, mu);
  // y_i = (x_i:λ − m) / σ and their weighted mean y_w.
  const ys = parents.map((s) => Array.from({ length: n }, (_, i) => ((s.x[i] ?? 0.5) - (state.mean[i] ?? 0.5)) / sigma));
  const yw = new Array<number>(n).fill(0);
  ys.forEach((y, k) => {
    const w = weights[k] ?? 0;
    for (let i = 0; i < n; i++) yw[i] = (yw[i] ?? 0) + w * (y[i] ?? 0);
  });
  const weightSum = weights.slice(0, ys.length).reduce((s, w) => s + w, 0);
  const mean = Array.from({ length: n }, (_, i) => clampUnit((state.mean[i] ?? 0.5) + sigma * ((yw[i] ?? 0) / (weightSum || 1))));

  // C^{-1/2} y_w = B D^{-1} Bᵀ y_w.
  const B = state.eigenvectors;
  const bty = Array.from({ length: n }, (_, j) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += (B[i]?.[j] ?? 0) * (yw[i] ?? 0);
    return s / Math.max(state.axisLengths[j] ?? 1, 1e-300);
  });
  const invSqrtY = Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let j = 0; j < n; j++) s += (B[i]?.[j] ?? 0) * (bty[j] ?? 0);
    return s;
  });
  const sigmaFactor = Math.sqrt(cSigma * (2 - cSigma) * muEff);
  const pSigma = state.pSigma.map((p, i) => (1 - cSigma) * p + sigmaFactor * (invSqrtY[i] ?? 0));
  const pSigmaNorm = Math.sqrt(pSigma.reduce((s, p) => s + p * p, 0));
  const g = state.generation + 1;
  const hSigma = pSigmaNorm / Math.sqrt(1 - (1 - cSigma) ** (2 * g)) < (1.4 + 2 / (n + 1)) * chiN ? 1 : 0;
  const cFactor = Math.sqrt(cc * (2 - cc) * muEff);
  const pC = state.pC.map((p, i) => (1 - cc) * p + hSigma * cFactor * (yw[i] ?? 0));
  const delta = (1 - hSigma) * cc * (2 - cc);
  const keep = 1 + c1 * delta - c1 - cMu * weightSum;
  const cov: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    for (let j = 0; j < n; j++) {
      let rankMu = 0;
      ys.forEach((y, k) => {
        rankMu += (weights[k] ?? 0) * (y[i] ?? 0) * (y[j] ?? 0);
      });
      row.push(keep * (state.cov[i]?.[j] ?? 0) + c1 * (pC[i] ?? 0) * (pC[j] ?? 0) + cMu * rankMu);
    }
    cov.push(row);
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const s = ((cov[i]?.[j] ?? 0) + (cov[j]?.[i] ?? 0)) / 2;
      const ri = cov[i];
      const rj = cov[j];
      if (ri) ri[j] = s;
      if (rj) rj[i] = s;
    }
  }
  const eig = symmetricEigen(cov);
  const maxEig = Math.max(...eig.values, 0);
  // Rounding can push tiny eigenvalues below zero; floor them so C stays positive definite.
  const floor = Math.max(maxEig * 1e-20, 1e-300);
  const axisLengths = eig.values.map((v) => Math.sqrt(Math.max(v, floor)));
  let newSigma = sigma * Math.exp(Math.min(1, (cSigma / dSigma) * (pSigmaNorm / chiN - 1)));
  const longest = Math.max(...axisLengths, 0);
  if (longest > 0 && newSigma * longest > 1) newSigma = 1 / longest;

  const values = ranked.map((s) => s.value);
  const best = Math.min(...values);
  const worst = Math.max(...values);
  const lastRange = Number.isFinite(worst) && Number.isFinite(best) ? worst - best : Infinity;
  const bestHistory = [...state.bestHistory, best].slice(-state.historyLength);
  return {
    ...state,
    mean,
    sigma: newSigma,
    cov,
    eigenvectors: eig.vectors,
    axisLengths,
    pSigma,
    pC,
    generation: g,
    bestHistory,
    lastRange,
  };
}

/** Condition number of C (ratio of its largest to its smallest eigenvalue). */
export function cmaCondition(state: CmaState): number {
  const lengths = state.axisLengths;
  const hi = Math.max(...lengths);
  const lo = Math.min(...lengths);
  return lo > 0 ? (hi / lo) ** 2 : Infinity;
}

/**
 * Why the run should stop (and be restarted), or undefined to go on. Checked in this order: numerical
 * breakdown (a non-finite number in the state), ConditionCov, TolX, TolFun.
 */
export function cmaTermination(state: CmaState, tolerances: CmaTolerances): string | undefined {
  const finite = (xs: readonly number[]): boolean => xs.every((v) => Number.isFinite(v));
  if (!Number.isFinite(state.sigma) || !finite(state.mean) || !finite(state.axisLengths) || !finite(state.pC) || !finite(state.pSigma)) {
    return 'numerical breakdown (non-finite state)';
  }
  const maxCondition = tolerances.maxCondition ?? 1e14;
  const condition = cmaCondition(state);
  if (condition > maxCondition) return `condition number of C ${condition.toExponential(1)} > ${maxCondition.toExponential(0)}`;
  const n = state.dim;
  let small = true;
  for (let i = 0; i < n && small; i++) {
    const tol = tolerances.tolX[i] ?? tolerances.tolX[0] ?? 1e-12;
    const sd = state.sigma * Math.sqrt(Math.max(0, state.cov[i]?.[i] ?? 0));
    if (!(sd < tol && state.sigma * Math.abs(state.pC[i] ?? 0) < tol)) small = false;
  }
  if (small) return `step size converged (σ·√C_ii below TolX in every coordinate, σ = ${state.sigma.toExponential(2)})`;
  const tolFun = tolerances.tolFun ?? 1e-12;
  if (state.bestHistory.length >= state.historyLength && state.lastRange < tolFun) {
    const range = Math.max(...state.bestHistory) - Math.min(...state.bestHistory);
    if (range < tolFun) return `objective flat over the last ${state.historyLength} generations (TolFun ${tolFun})`;
  }
  return undefined;
}
