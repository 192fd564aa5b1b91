/**
 * BOHB's sampler — Falkner, Klein & Hutter 2018, "BOHB: Robust and Efficient Hyperparameter Optimization at
 * Scale" (ICML): Hyperband's brackets decide how long each trial runs; this sampler decides which config it
 * runs, with a multivariate TPE model per budget instead of Hyperband's random draws.
 *
 * Study file — BOHB is this sampler plus a successive-halving scheduler:
 * ```yaml
 * sampler: bohb                                            # or {type: bohb, random_fraction: 0.2, ...}
 * scheduler: {type: hyperband, min_budget: 1, max_budget: 81, eta: 3}   # async: false = the paper's sync brackets
 * ```
 * `scheduler: bohb` is a shortcut for the same pair (parseStudySpec.ts). With `fifo` or `median` every trial
 * is judged at whatever step it reached, so there is no ladder of budgets to model: the parser warns.
 *
 * The algorithm (paper §3.2 and Algorithm 2; defaults from the paper and hpbandster):
 * - Observations are kept per budget: the latest tell of each trial at each budget (`Observation.budget`, the
 *   step the trial reached). In promotion mode a trial is told at every rung it completes, so a budget's set
 *   is exactly the trials evaluated there (the paper's D_b).
 * - For an ask, the model is fitted to the largest budget with at least `min_points_in_model` non-failed
 *   trials (default d + 1, d = number of parameters, as in the paper), whatever `AskRequest.budget` is: the
 *   largest budget's model is the best available predictor of full-length performance, which every bracket
 *   is after (the paper and hpbandster do the same). Without such a budget the config is random.
 * - A fraction `random_fraction` (default 1/3) of the asks is random regardless, which keeps BOHB's
 *   worst case close to Hyperband's; the coin comes from the trial's own stream (`rng.fork('bohb')`).
 * - The model is this project's TPE (tpe/tpeSampler.ts) with TPE's current defaults — multivariate (one joint
 *   kernel over the parameters active together, the paper's KDE), neighbour-gap bandwidths with a 3 % floor,
 *   EI weights — except: good group = the best ceil(`gamma` · n) with gamma 0.15 (hpbandster's
 *   top_n_percent), `n_ei_candidates` 64 (its num_samples), and `optuna_model_when_pruned: false` (the model
 *   of a budget ranks trials at one budget, not across budgets, so TPE's fallback for pruned trials does not
 *   apply); running trials as constant liars. The paper's Scott-rule KDE with uniform weights
 *   (`bandwidth: scott, min_bandwidth: 0, magic_clip_exponent: 1, weighting: uniform`) was the default
 *   before: on the benchmark's three synthetic multi-fidelity problems (10 seeds, async Hyperband) the current
 *   model reached Optuna TPE+Hyperband's median final value in 8/10, 8/10, 7/10 seeds after a median
 *   974, 1,700, 1,404 epochs, against 7/10, 4/10, 7/10 after 1,992, never, 1,576 (README, "Multi-fidelity").
 *
 * Documented deviations and choices:
 * - Stopping mode (async Hyperband / ASHA's default) tells a trial once, when it ends: a trial stopped at
 *   rung 3 is told at 3, a survivor only at the budget it finally reached. So that a budget's model does not
 *   see only the losers stopped there, a trial told only at larger budgets counts at a smaller one as a
 *   survivor: it ranks after the trials that completed at that budget and before the ones pruned there
 *   (ordered by the budget reached, then loss — Optuna's ranking of pruned trials). In promotion mode
 *   every trial that passed a rung was told there, so this only adds trials of brackets that started above it.
 * - Trials that stopped (or wait) below the modelled budget join its bad group, after every trial that reached
 *   it (Optuna's ranking of pruned trials: by budget reached, then loss); n and the good group still come from
 *   the budget's own trials only. Without them the top budget holds only survivors of lower rungs, the bad
 *   density sits on the good region and l/g is largest far from anything observed: in the harness of
 *   test/engine/samplers/bohb/bohbQuality.test.ts (Hartmann-6, 8 brackets of 27) the paper-pure D_b gave a
 *   median regret of 0.98, as random configs do, and this 0.46 (both with the earlier Scott-rule model; 0.21 now).
 * - Failed trials (a crash, a non-finite loss) join every budget's bad group, so the model steers away from
 *   configs that crash, but they never count towards `min_points_in_model`.
 * - hpbandster also floors the good group at d + 1 points and widens the kernels (bandwidth_factor 3) when
 *   sampling; here TPE's prior kernel and bandwidth floor (parzenEstimator.ts) keep small groups proper.
 *   Known weak spot (2026-11-25): where the modelled budget holds a small share of the trials — ASHA in
 *   promotion mode, whose top rung gets about 1 trial in 81 — the good group is 1–2 trials with kernels as
 *   wide as their distance to the prior's centre, while the bad group (those stopped or waiting below) holds
 *   hundreds of narrow ones. l(x) is then nearly flat and the best l/g lies wherever g is lowest, in the gaps
 *   between earlier trials: on mfhartmann3 (the benchmark of bench/samplers.mjs) the last 100 of 300 trials
 *   are spread more evenly than random draws (median distance to the nearest earlier trial 0.128, random
 *   0.092, TPE 0.012) and pass rung 1 no more often than random draws (23 % vs 20 %; 62 % in the first 100).
 *   With hpbandster's floor (good group max(d + 1, q·N_b)) 18 of 20 seeds instead of 7 reach Optuna's median
 *   there (1,356 epochs, within half of Optuna's), but it loses mfhartmann6 (487 → 1,183 epochs, 19 → 14 seeds; its low fidelities mislead, and a sharp
 *   good group of its 1–2 best trials did better there) and slows the stopping-mode runs on all three
 *   problems, so it is not applied (README, "Multi-fidelity").
 * - A fully discrete space never gets a config twice (TPE's rule); the sampler is then exhaustible.
 * - Each ask's `note` names the budget whose model was used, or why the config is random.
 */
import type { SearchSpace } from '../space/searchSpace';
import { err, ok } from '../util/result';
import type { Result } from '../util/result';
import type { AskRequest, Observation, Sampler, SamplerFactory } from './sampler';
import { compareRank } from './tpe/observationTable';
import type { TableEntry } from './tpe/observationTable';
import { createTpeSamplerWithSource, parseTpeSamplerOptions } from './tpe/tpeSampler';
import type { TpeModelSource, TpeSamplerOptions, TpeSelection, TpeTableView } from './tpe/tpeSampler';

/** BOHB's options (study file keys in snake_case). */
export interface BohbSamplerOptions {
  /** Non-failed trials a budget needs before its model is used (`min_points_in_model`, default d + 1). */
  readonly minPointsInModel: number;
  /** Fraction of asks drawn at random even when a model exists (`random_fraction`, default 1/3). */
  readonly randomFraction: number;
  /** The TPE model's settings: TPE's defaults except `gamma` (0.15), `n_ei_candidates` (64), `optuna_model_when_pruned` (false). */
  readonly tpe: TpeSamplerOptions;
}

/**
 * Defaults that differ from TPE's (hpbandster's gamma and candidate count), or that BOHB pins whatever TPE's
 * default: the joint kernel, and no fallback to Optuna's model for pruned trials (each budget's model ranks
 * trials at that budget). Bandwidths, clip and weights are TPE's (see the file comment for the measurement).
 */
export const bohbTpeDefaults: Readonly<Record<string, unknown>> = {
  gamma: 0.15,
  nEiCandidates: 64,
  multivariate: true,
  optunaModelWhenPruned: false,
};

/** Default `random_fraction` (the paper's 1/3). */
export const DEFAULT_RANDOM_FRACTION = 1 / 3;

/** Default `min_points_in_model` for a space of `d` parameters: d + 1 (Falkner et al. 2018, §3.2). */
export function defaultMinPointsInModel(space: SearchSpace): number {
  return space.params.size + 1;
}

/** Reads BOHB's options (camelCase or snake_case keys; absent keys get the defaults above). */
export function parseBohbSamplerOptions(space: SearchSpace, options: Readonly<Record<string, unknown>>): Result<BohbSamplerOptions, string> {
  const problems: string[] = [];
  const read = (camel: string, snake: string): unknown => options[camel] ?? options[snake];
  const withDefaults: Record<string, unknown> = { ...options };
  const snakeOf: Readonly<Record<string, string>> = {
    gamma: 'gamma',
    nEiCandidates: 'n_ei_candidates',
    multivariate: 'multivariate',
    bandwidth: 'bandwidth',
    minBandwidth: 'min_bandwidth',
    magicClipExponent: 'magic_clip_exponent',
    weighting: 'weighting',
    optunaModelWhenPruned: 'optuna_model_when_pruned',
  };
  for (const [camel, value] of Object.entries(bohbTpeDefaults)) {
    if (read(camel, snakeOf[camel] ?? camel) === undefined) withDefaults[camel] = value;
  }
  const tpe = parseTpeSamplerOptions(withDefaults);
  if (!tpe.ok) problems.push(tpe.error);

  let minPointsInModel = defaultMinPointsInModel(space);
  const rawMin = read('minPointsInModel', 'min_points_in_model');
  if (rawMin !== undefined) {
    if (typeof rawMin === 'number' && Number.isInteger(rawMin) && rawMin >= 1) minPointsInModel = rawMin;
    else problems.push(`sampler option min_points_in_model must be an integer >= 1, got ${JSON.stringify(rawMin)}`);
  }
  let randomFraction = DEFAULT_RANDOM_FRACTION;
  const rawFraction = read('randomFraction', 'random_fraction');
  if (rawFraction !== undefined) {
    if (typeof rawFraction === 'number' && rawFraction >= 0 && rawFraction <= 1) randomFraction = rawFraction;
    else problems.push(`sampler option random_fraction must be a number in [0, 1], got ${JSON.stringify(rawFraction)}`);
  }
  if (problems.length > 0 || !tpe.ok) return err(problems.join('; '));
  // BOHB has no start-up count of its own (min_points_in_model plays that part) and no cap on the good group.
  return ok({ minPointsInModel, randomFraction, tpe: { ...tpe.value, nStartupTrials: 0, gammaMax: Number.MAX_SAFE_INTEGER } });
}

/** A budget as the notes show it (no float noise). */
function showBudget(budget: number): string {
  return String(Number(budget.toPrecision(12)));
}

function compareNumber(a: TableEntry, b: TableEntry): number {
  if (a.trialNumber !== b.trialNumber) return a.trialNumber - b.trialNumber;
  return a.trialId < b.trialId ? -1 : a.trialId > b.trialId ? 1 : 0;
}

/** What BOHB remembers of one trial. */
interface TrialRecord {
  /** Latest tell at each budget. */
  readonly byBudget: Map<number, TableEntry>;
  /** The trial's latest tell of all. */
  latest: TableEntry;
}

/**
 * BOHB's memory: the latest tell of each trial per budget, and the per-ask choice of the budget to model.
 * Exposed for tests; `createBohbSampler` wires it into TPE.
 */
export interface BohbObservations extends TpeModelSource {
  /** Budgets with at least one non-failed tell, ascending. */
  budgets(): number[];
  /** Trials that count at `budget` (not failed there): told at it, or only at larger budgets (survivors). */
  count(budget: number): number;
  /**
   * The ranked table the model of `budget` is fitted to (see the file comment for the ranking): every trial;
   * `rankable` counts only those that reached `budget`, so the good group is drawn from them.
   */
  tableAt(budget: number): TpeTableView;
  /** The largest budget with at least `minPoints` trials, or undefined. */
  modelBudget(minPoints: number): number | undefined;
}

/** An empty memory; `randomFraction` and `minPoints` drive `select` (see the file comment). */
export function createBohbObservations(minPoints: number, randomFraction: number, label: string): BohbObservations {
  const trials = new Map<string, TrialRecord>();
  const budgetCounts = new Map<number, number>();

  /** The entry of `record` that stands for it at `budget`: its tell at the smallest budget >= `budget`. */
  const entryAt = (record: TrialRecord, budget: number): TableEntry | undefined => {
    let best: TableEntry | undefined;
    for (const [b, entry] of record.byBudget) if (b >= budget && (best === undefined || b < best.budget)) best = entry;
    return best;
  };

  /** The trial's tell at its largest budget. */
  const largestOf = (record: TrialRecord): TableEntry => {
    let best = record.latest;
    for (const entry of record.byBudget.values()) if (entry.budget > best.budget) best = entry;
    return best;
  };

  const self: BohbObservations = {
    budgets() {
      return [...budgetCounts.keys()].sort((a, b) => a - b);
    },
    count(budget) {
      let n = 0;
      for (const record of trials.values()) {
        const entry = entryAt(record, budget);
        if (entry !== undefined && entry.tier !== 2) n++;
      }
      return n;
    },
    tableAt(budget) {
      const entries: TableEntry[] = [];
      let counted = 0;
      for (const record of trials.values()) {
        const at = entryAt(record, budget);
        if (at !== undefined && at.tier !== 2) {
          // Survivors (told only above this budget) rank between the trials completed here and those pruned here.
          entries.push({ ...at, tier: at.budget === budget ? at.tier : 1, mark: 0 });
          counted++;
        } else if (at !== undefined || record.latest.tier === 2) {
          entries.push({ ...(at ?? record.latest), tier: 2, mark: 0 });
        } else {
          // Stopped (or still waiting) below this budget: after every trial that reached it, by budget reached.
          entries.push({ ...largestOf(record), tier: 1, mark: 0 });
        }
      }
      const ranked = [...entries].sort(compareRank);
      const byNumber = entries.sort(compareNumber);
      // n (and so the good group) counts only the trials at or past this budget: the paper's D_b.
      return { ranked, byNumber, rankable: counted };
    },
    modelBudget(minPoints) {
      const budgets = self.budgets();
      for (let i = budgets.length - 1; i >= 0; i--) {
        const b = budgets[i] ?? 0;
        if (self.count(b) >= minPoints) return b;
      }
      return undefined;
    },
    tell(entry: TableEntry, observation: Observation) {
      let record = trials.get(observation.trialId);
      if (record === undefined) {
        record = { byBudget: new Map(), latest: entry };
        trials.set(observation.trialId, record);
      }
      const previous = record.byBudget.get(entry.budget);
      if (previous !== undefined && previous.tier !== 2) budgetCounts.set(entry.budget, (budgetCounts.get(entry.budget) ?? 1) - 1);
      record.byBudget.set(entry.budget, entry);
      record.latest = entry;
      if (entry.tier !== 2) budgetCounts.set(entry.budget, (budgetCounts.get(entry.budget) ?? 0) + 1);
      if (budgetCounts.get(entry.budget) === 0) budgetCounts.delete(entry.budget);
    },
    select(request: AskRequest): TpeSelection {
      const forTrial = request.budget !== undefined ? ` for a trial at budget ${showBudget(request.budget)}` : '';
      const coin = request.rng.fork('bohb').next();
      if (coin < randomFraction) {
        return { kind: 'random', note: `${label}: random (random_fraction ${Number(randomFraction.toFixed(3))})${forTrial}` };
      }
      const budget = self.modelBudget(minPoints);
      if (budget === undefined) {
        let most = 0;
        let at = 0;
        for (const b of self.budgets()) {
          const n = self.count(b);
          if (n > most || (n === most && b > at)) {
            most = n;
            at = b;
          }
        }
        const have = most > 0 ? `; most: ${most} at budget ${showBudget(at)}` : '';
        return { kind: 'random', note: `${label}: random until a budget has ${minPoints} trials${have}${forTrial}` };
      }
      const table = self.tableAt(budget);
      const below = table.ranked.filter((e) => e.tier === 1 && e.budget < budget).length;
      const belowText = below > 0 ? ` (${below} trials stopped below it as bad)` : '';
      return { kind: 'model', table, label: `${label}: tpe on budget ${showBudget(budget)}${belowText}${forTrial}` };
    },
  };
  return self;
}

/** Builds the BOHB sampler (throws on invalid options; `createSampler` in registry.ts returns a Result instead). */
export const createBohbSampler: SamplerFactory = (space: SearchSpace, options): Sampler => {
  const parsed = parseBohbSamplerOptions(space, options);
  if (!parsed.ok) throw new Error(parsed.error);
  const { minPointsInModel, randomFraction, tpe } = parsed.value;
  return createTpeSamplerWithSource(space, tpe, 'bohb', createBohbObservations(minPointsInModel, randomFraction, 'bohb'));
};
