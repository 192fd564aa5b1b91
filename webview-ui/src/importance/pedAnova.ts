/**
 * Parameter importance by PED-ANOVA (Watanabe, Bansal, Hutter 2023, "PED-ANOVA: Efficiently Quantifying
 * Hyperparameter Importance in Arbitrary Subspaces", IJCAI). Written from the paper's idea; pure and
 * DOM-free so that the worker and the Node tests run the same code.
 *
 * The idea: take the best γ-quantile of the finished trials (the "top" set) and ask, one parameter at a
 * time, how differently that parameter is distributed in the top set than in all finished trials. A
 * parameter that does not matter is spread in the top trials just as it was sampled; one that matters is
 * concentrated where the good values are. The paper shows that the Pearson χ² divergence between the two
 * marginal densities equals the variance (fANOVA's main-effect term) of the indicator "this trial is in
 * the top γ", so the per-parameter numbers are variance shares like fANOVA's, without fitting a model:
 *
 *   importance(d) ∝ ∫ p_all(x_d) · (p_top(x_d) / p_all(x_d) − 1)² dx_d  =  Σ_cells p_top² / p_all − 1
 *
 * We report each parameter's share of the sum. Why this is explainable: every number can be read off two
 * histograms ("the best 10% of trials have lr between 1e-3 and 1e-2, while lr was sampled log-uniformly
 * over 1e-5…0.1"), and the view shows the favoured region next to the bar. It is also cheap — O(trials ×
 * cells) per parameter — and deterministic (no random numbers at all; ties in value break by trial number).
 *
 * Densities (Parzen estimators, discretised on cells so that sums replace integrals):
 * - numeric parameters: a Gaussian kernel density on [0, 1] after scaling by the study file's range (log10
 *   space for log parameters; the observed range when the study file gives none), evaluated at CELLS cell
 *   centres; the bandwidth follows Scott's rule per set, with a floor so a few top trials do not make spikes
 *   (and, for integers, at least half a step);
 * - categorical parameters: category frequencies with a small pseudo-count (an Aitchison–Aitken-like
 *   smoothing), one cell per choice;
 * - conditional parameters: "inactive" is one more cell holding the share of trials without the parameter,
 *   so a parameter whose mere presence matters (momentum only with sgd) is seen, and missing rows are
 *   never dropped or imputed.
 *
 * Which trials count, and how pruned ones are ranked: all trials in a final state with a finite value
 * except failed/stopped/lost ones (their values say nothing about the parameters). Values of pruned trials
 * are measured at an earlier step than completed ones, so they are not compared by value with completed
 * trials: the scheduler already judged them worse than the trials it let go on, so we rank every completed
 * trial above every pruned trial, pruned trials by the step they reached (later is better) and then by value.
 * The top set is the best max(γ·n, MIN_TOP) trials of that ranking.
 */
import type { CellValue, ParamColumn } from '../../../src/shared/dashboardProtocol';
import type { TrialStatus } from '../../../src/shared/ids';

/** Cells of a numeric parameter's discretised density. */
export const CELLS = 64;
/** The top set's size is γ·n, but never fewer than this many trials. */
export const MIN_TOP = 5;
/** Fewer finished trials than this and no estimate is made (the top set would be noise). */
export const MIN_TRIALS = 12;

export interface ImportanceTrial {
  readonly number: number;
  readonly status: TrialStatus;
  readonly params: Readonly<Record<string, CellValue>>;
  readonly value: number | null;
  readonly step: number | null;
}

export interface ImportanceInput {
  readonly params: readonly ParamColumn[];
  readonly trials: readonly ImportanceTrial[];
  readonly goal: 'minimize' | 'maximize';
  /** Top quantile (default 0.1). */
  readonly gamma?: number;
}

export interface ParamImportance {
  readonly name: string;
  /** Share of the summed divergence, 0…1 (the shares sum to 1 unless every divergence is 0). */
  readonly importance: number;
  /** The raw Pearson divergence between the top set's and all trials' marginal. */
  readonly divergence: number;
  /** Where the top trials concentrate, in the parameter's own units ("1.2e-3 … 8.5e-3", "adam", "inactive"). */
  readonly favoured: string | null;
}

export interface ImportanceResult {
  readonly method: 'PED-ANOVA';
  /** Finished trials used (the "all" set). */
  readonly used: number;
  /** Size of the top set. */
  readonly top: number;
  /** Pruned trials among `used` (ranked below completed ones). */
  readonly pruned: number;
  readonly gamma: number;
  /** Sorted by importance, highest first; empty when there were too few trials. */
  readonly params: readonly ParamImportance[];
}

/** The statuses whose trials the estimate counts (final ones); views use it to skip irrelevant changes. */
export const countedStatuses: ReadonlySet<TrialStatus> = new Set(['completed', 'pruned']);

export function computeImportance(input: ImportanceInput): ImportanceResult {
  const gamma = input.gamma ?? 0.1;
  const sign = input.goal === 'minimize' ? 1 : -1;
  // In trial-number order, so the floating-point sums do not depend on the order trials arrived in.
  const used = input.trials
    .filter((t) => countedStatuses.has(t.status) && t.value !== null && Number.isFinite(t.value))
    .sort((a, b) => a.number - b.number);
  const pruned = used.filter((t) => t.status === 'pruned').length;
  if (used.length < MIN_TRIALS) return { method: 'PED-ANOVA', used: used.length, top: 0, pruned, gamma, params: [] };
  const ranked = [...used].sort((a, b) => rankKey(a, b, sign));
  const topCount = Math.min(used.length, Math.max(MIN_TOP, Math.ceil(gamma * used.length)));
  const top = ranked.slice(0, topCount);

  const raw = input.params.map((p) => {
    const all = marginal(p, used);
    const best = marginal(p, top, all);
    return { name: p.name, divergence: pearson(best.mass, all.mass), favoured: favoured(p, best, all) };
  });
  const total = raw.reduce((s, r) => s + r.divergence, 0);
  const params = raw
    .map((r) => ({ ...r, importance: total > 0 ? r.divergence / total : 0 }))
    .sort((a, b) => b.importance - a.importance || a.name.localeCompare(b.name));
  return { method: 'PED-ANOVA', used: used.length, top: topCount, pruned, gamma, params };
}

/** Completed before pruned; pruned by the step they reached (later first); then by value; then by number. */
function rankKey(a: ImportanceTrial, b: ImportanceTrial, sign: number): number {
  const ca = a.status === 'completed' ? 0 : 1;
  const cb = b.status === 'completed' ? 0 : 1;
  if (ca !== cb) return ca - cb;
  if (ca === 1 && (a.step ?? 0) !== (b.step ?? 0)) return (b.step ?? 0) - (a.step ?? 0);
  return sign * (a.value! - b.value!) || a.number - b.number;
}

/** How a numeric parameter maps to [0, 1]; null for categorical parameters. */
interface Scale {
  readonly lo: number;
  readonly hi: number;
  readonly log: boolean;
}

interface Marginal {
  /** Probability per cell: CELLS (numeric) or one per category, plus one for "inactive". */
  readonly mass: Float64Array;
  readonly scale: Scale | null;
  /** Category of each categorical cell. */
  readonly categories: readonly CellValue[];
}

/** The marginal of `p` over `trials`; the top set's uses the cells (scale, categories) of all trials' `ref`. */
function marginal(p: ParamColumn, trials: readonly ImportanceTrial[], ref?: Marginal): Marginal {
  const present = trials.filter((t) => t.params[p.name] !== undefined);
  const inactiveShare = trials.length === 0 ? 0 : (trials.length - present.length) / trials.length;
  if (ref ? ref.scale === null : p.kind === 'categorical' || present.some((t) => typeof t.params[p.name] !== 'number')) {
    return categorical(p, present, trials, inactiveShare, ref?.categories);
  }
  const s = ref?.scale ?? numericScale(p, present);
  const xs = present.map((t) => toUnit(t.params[p.name] as number, s));
  const mass = new Float64Array(CELLS + 1);
  const density = kde(xs, p.kind === 'int' ? intStep(s) : 0);
  for (let c = 0; c < CELLS; c++) mass[c] = density[c]! * (1 - inactiveShare);
  mass[CELLS] = inactiveShare;
  return { mass, scale: s, categories: [] };
}

function categorical(
  p: ParamColumn,
  present: readonly ImportanceTrial[],
  trials: readonly ImportanceTrial[],
  inactiveShare: number,
  known?: readonly CellValue[],
): Marginal {
  // Choices from the study file, plus any value seen that it does not list (an edited study file).
  const categories: CellValue[] = [...(known ?? p.choices ?? [])];
  const index = new Map<CellValue, number>(categories.map((c, i) => [c, i]));
  for (const t of trials) {
    const v = t.params[p.name];
    if (v !== undefined && !index.has(v)) {
      index.set(v, categories.length);
      categories.push(v);
    }
  }
  const k = categories.length;
  const mass = new Float64Array(k + 1);
  // Pseudo-count: half a trial spread over the categories, so an empty category has a small, non-zero share.
  const prior = 0.5 / Math.max(1, k);
  for (const t of present) mass[index.get(t.params[p.name]!)!]! += 1;
  const n = present.length + 0.5;
  for (let c = 0; c < k; c++) mass[c] = present.length === 0 ? 0 : ((mass[c]! + prior) / n) * (1 - inactiveShare);
  mass[k] = inactiveShare;
  return { mass, scale: null, categories };
}

function numericScale(p: ParamColumn, present: readonly ImportanceTrial[]): Scale {
  const log = p.log && (p.low === undefined || p.low > 0);
  const f = (v: number): number => (log ? Math.log10(v) : v);
  let lo = p.low !== undefined ? f(p.low) : Infinity;
  let hi = p.high !== undefined ? f(p.high) : -Infinity;
  for (const t of present) {
    const v = t.params[p.name] as number;
    if (log && !(v > 0)) continue;
    lo = Math.min(lo, f(v));
    hi = Math.max(hi, f(v));
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { lo: 0, hi: 1, log };
  if (hi <= lo) return { lo: lo - 0.5, hi: hi + 0.5, log };
  return { lo, hi, log };
}

function toUnit(v: number, s: Scale): number {
  const x = s.log ? Math.log10(Math.max(v, Number.MIN_VALUE)) : v;
  return Math.min(1, Math.max(0, (x - s.lo) / (s.hi - s.lo)));
}

function fromUnit(u: number, s: Scale): number {
  const x = s.lo + u * (s.hi - s.lo);
  return s.log ? 10 ** x : x;
}

/** Half an integer step in unit space (the bandwidth floor of an integer parameter). */
function intStep(s: Scale): number {
  return s.log ? 0 : 0.5 / Math.max(1, s.hi - s.lo);
}

/**
 * Gaussian kernel density of points in [0, 1] at the CELLS cell centres, normalised to sum to 1 over the
 * cells (which also renormalises the kernels' mass cut off at the edges).
 */
function kde(xs: readonly number[], minBandwidth: number): Float64Array {
  const out = new Float64Array(CELLS);
  if (xs.length === 0) return out;
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, xs.length - 1));
  // Scott's rule, floored: 1/CELLS keeps a kernel wider than a cell, 0.05 keeps a tiny top set smooth.
  const h = Math.max(1.06 * sd * xs.length ** -0.2, minBandwidth, 1 / CELLS, 0.05 * Math.min(1, 10 / xs.length));
  // Bin first, then spread each bin: O(cells²) instead of O(points × cells) for large studies.
  const bins = new Float64Array(CELLS);
  for (const x of xs) bins[Math.min(CELLS - 1, Math.floor(x * CELLS))]! += 1;
  for (let b = 0; b < CELLS; b++) {
    const w = bins[b]!;
    if (w === 0) continue;
    const xb = (b + 0.5) / CELLS;
    for (let c = 0; c < CELLS; c++) {
      const z = ((c + 0.5) / CELLS - xb) / h;
      out[c]! += w * Math.exp(-0.5 * z * z);
    }
  }
  let sum = 0;
  for (let c = 0; c < CELLS; c++) sum += out[c]!;
  for (let c = 0; c < CELLS; c++) out[c]! /= sum;
  return out;
}

/** Pearson χ² divergence Σ q²/p − 1 of discrete distributions q (top) against p (all). */
function pearson(q: Float64Array, p: Float64Array): number {
  let s = 0;
  for (let c = 0; c < p.length; c++) {
    if (p[c]! > 0) s += (q[c]! * q[c]!) / p[c]!;
  }
  return Math.max(0, s - 1);
}

/** Where the top set is denser than all trials, around its densest cell, in the parameter's units. */
function favoured(p: ParamColumn, best: Marginal, all: Marginal): string | null {
  const q = best.mass;
  const r = all.mass;
  let peak = 0;
  for (let c = 1; c < q.length; c++) if (q[c]! - r[c]! > q[peak]! - r[peak]!) peak = c;
  if (!(q[peak]! > r[peak]!)) return null;
  const inactiveCell = q.length - 1;
  if (peak === inactiveCell) return 'inactive';
  if (best.scale === null) return String(best.categories[peak]);
  let lo = peak;
  let hi = peak;
  while (lo > 0 && q[lo - 1]! > r[lo - 1]!) lo--;
  while (hi < CELLS - 1 && q[hi + 1]! > r[hi + 1]!) hi++;
  const fmt = (u: number): string => formatNumber(fromUnit(u, best.scale!), p.kind === 'int');
  return `${fmt(lo / CELLS)} … ${fmt((hi + 1) / CELLS)}`;
}

function formatNumber(v: number, integer: boolean): string {
  if (integer) return String(Math.round(v));
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-2 || a >= 1e4)) return v.toExponential(1);
  return String(Number(v.toPrecision(2)));
}
