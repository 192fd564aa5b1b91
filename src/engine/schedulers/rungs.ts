/**
 * Rung arithmetic shared by the successive-halving family: the ladder of budgets (Jamieson & Talwalkar
 * 2016), Hyperband's brackets (Li et al. 2017, JMLR, Algorithm 1 and Table 1) and the top-1/eta rules
 * with their deterministic tie-break (Li et al. 2020, ASHA). Pure functions, no state.
 *
 * Conventions used by every scheduler of the family:
 * - The ladder is `min_budget · eta^k` for every k whose level is below `max_budget`, then `max_budget`
 *   itself: the top rung is always the full budget, even when max/min is not a power of eta
 *   (min 1, max 20, eta 3 → 1, 3, 9, 20). Rung numbers in evidence are indices into this ladder, so
 *   "rung 2" is the same budget in every bracket.
 * - Losses are normalised (lower is better). Non-finite losses rank after every finite one; equal losses
 *   rank by the order they were recorded (earlier first).
 */
import type { TrialId } from '../../shared/ids';
import type { PromoteEvidence, StopEvidence } from './scheduler';

/** Relative slack when comparing a computed level (min·eta^k) with max_budget, for floating error. */
const RELATIVE_SLACK = 1e-9;
/** Most rungs a ladder may have (an eta very close to 1 would otherwise make thousands). */
export const MAX_RUNGS = 40;
/** Evidence names at most this many peers (the cohort's best), so a decision stays small in the log. */
export const PEER_LIMIT = 10;

/** Rounds away floating noise (3 · 0.1 = 0.30000000000000004 → 0.3) so budgets print as users wrote them. */
function tidy(x: number): number {
  return Number(x.toPrecision(12));
}

/**
 * The rung budgets, ascending: `minBudget · eta^k` while below `maxBudget`, then `maxBudget`.
 * Returns `[maxBudget]` when `minBudget >= maxBudget`.
 */
export function rungLevels(minBudget: number, maxBudget: number, eta: number): number[] {
  const levels: number[] = [];
  for (let k = 0; levels.length <= MAX_RUNGS; k++) {
    const level = tidy(minBudget * eta ** k);
    if (level >= maxBudget * (1 - RELATIVE_SLACK)) break;
    levels.push(level);
  }
  levels.push(maxBudget);
  return levels;
}

/**
 * Why a ladder cannot be built, in words for the study file's author, or undefined when it can.
 * `scheduler` names the scheduler in the message.
 */
export function ladderProblem(scheduler: string, minBudget: number, maxBudget: number, eta: number): string | undefined {
  if (!Number.isFinite(eta) || eta <= 1) return `scheduler ${scheduler}: eta must be a number greater than 1 (got ${eta})`;
  if (!Number.isFinite(minBudget) || minBudget <= 0) return `scheduler ${scheduler}: min_budget must be greater than 0 (got ${minBudget})`;
  if (!Number.isFinite(maxBudget) || maxBudget <= minBudget) {
    return (
      `scheduler ${scheduler} needs min_budget < max_budget (got min_budget ${minBudget}, max_budget ${maxBudget}); ` +
      'set scheduler.max_budget (or budget:) to the full training length in epochs or steps, and min_budget to the first rung'
    );
  }
  const count = rungLevels(minBudget, maxBudget, eta).length;
  if (count > MAX_RUNGS) {
    return `scheduler ${scheduler}: min_budget ${minBudget}, max_budget ${maxBudget} and eta ${eta} give more than ${MAX_RUNGS} rungs; raise eta or min_budget`;
  }
  return undefined;
}

/** How many trials survive a rung of `cohort` trials in successive halving: floor(cohort / eta). */
export function promotionQuota(cohort: number, eta: number): number {
  return Math.floor(cohort / eta + RELATIVE_SLACK);
}

/**
 * How many of a rung's `cohort` recorded values may go on in ASHA's stopping mode: ceil(cohort / eta),
 * at least 1. With distinct values this is exactly Ray Tune's quantile cutoff (linear interpolation at
 * 1 − 1/eta), and the first trial to reach a rung always goes on.
 */
export function continueQuota(cohort: number, eta: number): number {
  return Math.max(1, Math.ceil(cohort / eta - RELATIVE_SLACK));
}

/** Trials initially started in a successive-halving bracket of `rungs` rungs so that the top gets one: ceil(eta^(rungs−1)). */
export function defaultInitialTrials(rungs: number, eta: number): number {
  const n = eta ** (rungs - 1);
  return Math.max(1, Math.ceil(n - n * RELATIVE_SLACK));
}

/** Trials per rung of a bracket started with `initialTrials`: each rung keeps max(1, floor(previous / eta)). */
export function trialsPerRung(initialTrials: number, rungs: number, eta: number): number[] {
  const counts: number[] = [];
  let n = initialTrials;
  for (let i = 0; i < rungs; i++) {
    counts.push(n);
    n = Math.max(1, promotionQuota(n, eta));
  }
  return counts;
}

/** One Hyperband bracket. */
export interface HyperbandBracket {
  /** The paper's bracket index: s_max is the most exploratory (most rungs), 0 runs every trial to max_budget. */
  readonly s: number;
  /** Index into the ladder of this bracket's first rung (s_max − s). */
  readonly firstRung: number;
  /** The bracket's rung budgets, ascending (the top s+1 levels of the ladder). */
  readonly rungs: readonly number[];
  /** n in the paper: ceil((s_max+1)/(s+1) · eta^s). */
  readonly initialTrials: number;
  /** Trials per rung under synchronous successive halving, same length as `rungs`. */
  readonly trialsPerRung: readonly number[];
}

/**
 * Hyperband's brackets, most exploratory first (s = s_max … 0), on the ladder of `rungLevels`:
 * s_max = (number of rungs − 1), which is floor(log_eta(max/min)) when max/min is a power of eta and
 * one more when it is not (the extra top rung is max_budget itself). Bracket s starts
 * n = ceil((s_max+1)/(s+1) · eta^s) trials at the ladder's level s_max − s. For min 1, max 81, eta 3
 * this is the paper's table: n = 81, 34, 15, 8, 5 at r = 1, 3, 9, 27, 81.
 */
export function hyperbandBrackets(minBudget: number, maxBudget: number, eta: number): HyperbandBracket[] {
  const levels = rungLevels(minBudget, maxBudget, eta);
  const sMax = levels.length - 1;
  const brackets: HyperbandBracket[] = [];
  for (let s = sMax; s >= 0; s--) {
    const exact = ((sMax + 1) * eta ** s) / (s + 1);
    const initialTrials = Math.ceil(exact - exact * RELATIVE_SLACK);
    const rungs = levels.slice(sMax - s);
    brackets.push({ s, firstRung: sMax - s, rungs, initialTrials, trialsPerRung: trialsPerRung(initialTrials, rungs.length, eta) });
  }
  return brackets;
}

/** A value recorded at a rung. */
export interface RungEntry {
  readonly trialId: TrialId;
  /** Normalised loss (lower is better); non-finite ranks last. */
  readonly loss: number;
  /** Recording order (a counter shared by the scheduler): the earlier of two equal losses ranks first. */
  readonly order: number;
}

/** Orders rung entries best first: finite before non-finite, lower loss first, then earlier recorded first. */
export function compareEntries(a: RungEntry, b: RungEntry): number {
  const fa = Number.isFinite(a.loss);
  const fb = Number.isFinite(b.loss);
  if (fa !== fb) return fa ? -1 : 1;
  if (fa && a.loss !== b.loss) return a.loss < b.loss ? -1 : 1;
  return a.order - b.order;
}

/** Inserts `entry` into `sorted` (kept in `compareEntries` order) and returns its 0-based index. */
export function insertSorted(sorted: RungEntry[], entry: RungEntry): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const at = sorted[mid];
    if (at !== undefined && compareEntries(at, entry) < 0) lo = mid + 1;
    else hi = mid;
  }
  sorted.splice(lo, 0, entry);
  return lo;
}

/** Sorted copy of `entries`, best first. */
export function rankEntries(entries: readonly RungEntry[]): RungEntry[] {
  return [...entries].sort(compareEntries);
}

/** The ids of the best `PEER_LIMIT` entries of a sorted cohort (for evidence). */
export function peersOf(sorted: readonly RungEntry[]): TrialId[] {
  return sorted.slice(0, PEER_LIMIT).map((e) => e.trialId);
}

/** Median of a non-empty list of numbers (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >>> 1;
  const upper = sorted[mid] ?? Number.NaN;
  if (sorted.length % 2 === 1) return upper;
  const lower = sorted[mid - 1] ?? Number.NaN;
  return (lower + upper) / 2;
}

/** Whether `resource` has reached `level` (with slack for floating budgets such as 0.3). */
export function reached(resource: number, level: number): boolean {
  return resource >= level * (1 - RELATIVE_SLACK);
}

/**
 * The best of the first `quota` entries of a rung (sorted best first) that `isCandidate` accepts, with
 * its promotion evidence; a non-finite loss ends the search (it ranks last and is never promoted).
 */
export function pickPromotion(
  sorted: readonly RungEntry[],
  rung: number,
  quota: number,
  isCandidate: (trialId: TrialId) => boolean,
): { readonly trialId: TrialId; readonly evidence: PromoteEvidence } | undefined {
  for (let i = 0; i < quota && i < sorted.length; i++) {
    const entry = sorted[i];
    if (!entry || !Number.isFinite(entry.loss)) break;
    if (!isCandidate(entry.trialId)) continue;
    return {
      trialId: entry.trialId,
      evidence: {
        rung,
        loss: entry.loss,
        rank: i + 1,
        cohort: sorted.length,
        cutoff: sorted[quota - 1]?.loss ?? entry.loss,
        peers: peersOf(sorted),
      },
    };
  }
  return undefined;
}

/** Why a trial still paused at `rung` when the study ends was never promoted (its rank in the rung). */
export function notPromotedEvidence(rung: number, resource: number, entry: RungEntry | undefined, sorted: readonly RungEntry[]): StopEvidence {
  const rank = entry ? sorted.indexOf(entry) + 1 : 0;
  return {
    rule: 'notPromoted',
    rung,
    resource,
    loss: entry?.loss ?? Number.NaN,
    ...(rank > 0 ? { rank, cohort: sorted.length } : {}),
  };
}
