/** "Did you mean" suggestions for misspelled keys and names. */

/**
 * Optimal-string-alignment distance: insert, delete, substitute, and swap of two neighbours each cost 1
 * (so the common typo "lgo" is 1 away from "log" but 2 from "low").
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const above = rows[i - 1] ?? [];
      let d = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? 0;
}

/**
 * The closest candidate within edit distance 2 (case-insensitive; ties keep the earlier one), if any; else
 * the one candidate the word abbreviates (a prefix of at least 3 letters: `n_startup` → `n_startup_trials`,
 * `val_l` → `val_loss`; none when several start with it).
 */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  const lower = word.toLowerCase();
  const abbreviated: string[] = [];
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
    if (lower.length >= 3 && candidate.toLowerCase().startsWith(lower)) abbreviated.push(candidate);
  }
  return best ?? (abbreviated.length === 1 ? abbreviated[0] : undefined);
}

interface Synonym {
  readonly rung: string;
  readonly origin: string;
}

/**
 * Words users bring from the tools they know (Optuna, Ray Tune, W&B Sweeps, NNI, scikit-learn), with
 * Rung's word for the same thing; edit distance cannot find these (`direction` is nowhere near `goal`).
 * A synonym is offered only where its Rung word is allowed at that place.
 */
const FROM_OTHER_TOOLS: Readonly<Record<string, Synonym | readonly Synonym[]>> = {
  // Optuna
  direction: [
    { rung: 'goal', origin: "Optuna's direction" },
    { rung: 'metric', origin: "Optuna's direction: the goal goes in it, metric: {name: val_loss, goal: minimize}" },
  ],
  study_name: { rung: 'name', origin: "Optuna's study_name" },
  pruner: { rung: 'scheduler', origin: "Optuna's pruner" },
  suggest_float: { rung: 'float', origin: "Optuna's suggest_float" },
  suggest_int: { rung: 'int', origin: "Optuna's suggest_int" },
  suggest_categorical: { rung: 'categorical', origin: "Optuna's suggest_categorical" },
  n_trials: { rung: 'trials', origin: "Optuna's n_trials" },
  n_jobs: { rung: 'parallel', origin: "Optuna's n_jobs" },
  tpesampler: { rung: 'tpe', origin: "Optuna's TPESampler" },
  randomsampler: { rung: 'random', origin: "Optuna's RandomSampler" },
  gridsampler: { rung: 'grid', origin: "Optuna's GridSampler" },
  cmaessampler: { rung: 'cmaes', origin: "Optuna's CmaEsSampler" },
  qmcsampler: { rung: 'sobol', origin: "Optuna's QMCSampler" },
  gpsampler: { rung: 'gp', origin: "Optuna's GPSampler" },
  nsgaiisampler: { rung: 'evolution', origin: "Optuna's NSGAIISampler" },
  medianpruner: { rung: 'median', origin: "Optuna's MedianPruner" },
  successivehalvingpruner: { rung: 'sha', origin: "Optuna's SuccessiveHalvingPruner" },
  hyperbandpruner: { rung: 'hyperband', origin: "Optuna's HyperbandPruner" },
  noppruner: { rung: 'fifo', origin: "Optuna's NopPruner" },
  none: { rung: 'fifo', origin: 'no early stopping' },
  // Ray Tune (and the distributions it shares with Hyperopt, NNI and older Optuna)
  mode: [
    { rung: 'goal', origin: "Ray Tune's mode" },
    { rung: 'metric', origin: 'Ray Tune\'s mode: the goal goes in it, metric: {name: val_acc, goal: maximize}' },
  ],
  time_budget_s: { rung: 'timeout', origin: "Ray Tune's time_budget_s" },
  uniform: { rung: 'float', origin: 'uniform (Ray Tune, NNI, Hyperopt)' },
  loguniform: { rung: 'float', origin: 'loguniform (Ray Tune, NNI, Hyperopt), with log: true' },
  quniform: { rung: 'float', origin: 'quniform (Ray Tune, NNI, Hyperopt), with step: q' },
  qloguniform: { rung: 'float', origin: 'qloguniform (Ray Tune, NNI, Hyperopt), with log: true' },
  randint: { rung: 'int', origin: 'randint (Ray Tune, NNI, Hyperopt); note that high is included in Rung' },
  lograndint: { rung: 'int', origin: "Ray Tune's lograndint, with log: true" },
  qrandint: { rung: 'int', origin: "Ray Tune's qrandint, with step: q" },
  min: [
    { rung: 'minimize', origin: 'Ray Tune\'s mode="min"' },
    { rung: 'low', origin: "W&B's min" },
  ],
  max: [
    { rung: 'maximize', origin: 'Ray Tune\'s mode="max"' },
    { rung: 'high', origin: "W&B's max" },
  ],
  num_samples: { rung: 'trials', origin: "Ray Tune's num_samples" },
  max_concurrent_trials: { rung: 'parallel', origin: "Ray Tune's max_concurrent_trials" },
  grace_period: { rung: 'min_budget', origin: "Ray Tune's grace_period" },
  max_t: { rung: 'max_budget', origin: "Ray Tune's max_t" },
  reduction_factor: { rung: 'eta', origin: "Ray Tune's reduction_factor" },
  search_alg: { rung: 'sampler', origin: "Ray Tune's search_alg" },
  ashascheduler: { rung: 'asha', origin: "Ray Tune's ASHAScheduler" },
  asynchyperbandscheduler: { rung: 'hyperband', origin: "Ray Tune's AsyncHyperBandScheduler" },
  hyperbandscheduler: { rung: 'hyperband', origin: "Ray Tune's HyperBandScheduler" },
  hyperbandforbohb: { rung: 'bohb', origin: "Ray Tune's HyperBandForBOHB" },
  medianstoppingrule: { rung: 'median', origin: "Ray Tune's MedianStoppingRule" },
  fifoscheduler: { rung: 'fifo', origin: "Ray Tune's FIFOScheduler" },
  // W&B Sweeps
  method: { rung: 'sampler', origin: "W&B's method" },
  bayes: { rung: 'gp', origin: "W&B's bayes" },
  early_terminate: { rung: 'scheduler', origin: "W&B's early_terminate" },
  min_iter: { rung: 'min_budget', origin: "W&B's min_iter" },
  max_iter: { rung: 'max_budget', origin: "W&B's max_iter" },
  distribution: { rung: 'type', origin: "W&B's distribution" },
  int_uniform: { rung: 'int', origin: "W&B's int_uniform" },
  q_uniform: { rung: 'float', origin: "W&B's q_uniform, with step: q" },
  log_uniform_values: { rung: 'float', origin: "W&B's log_uniform_values, with log: true" },
  run_cap: { rung: 'trials', origin: "W&B's run_cap" },
  program: { rung: 'command', origin: "W&B's program: command: python3 train.py {args}" },
  minimum: { rung: 'low', origin: "a parameter's minimum" },
  maximum: { rung: 'high', origin: "a parameter's maximum" },
  // NNI
  _type: { rung: 'type', origin: "NNI's _type" },
  searchspace: { rung: 'parameters', origin: "NNI's searchSpace" },
  search_space: { rung: 'parameters', origin: 'a search space' },
  maxtrialnumber: { rung: 'trials', origin: "NNI's maxTrialNumber" },
  trialconcurrency: { rung: 'parallel', origin: "NNI's trialConcurrency" },
  tuner: { rung: 'sampler', origin: "NNI's tuner" },
  assessor: { rung: 'scheduler', origin: "NNI's assessor" },
  choice: { rung: 'categorical', origin: "NNI's choice" },
  trialcommand: { rung: 'command', origin: "NNI's trialCommand" },
  maxexperimentduration: { rung: 'timeout', origin: "NNI's maxExperimentDuration" },
  // Names of methods
  bayesian: { rung: 'gp', origin: 'Bayesian optimisation' },
  bayesopt: { rung: 'gp', origin: 'Bayesian optimisation' },
  hyperopt: { rung: 'tpe', origin: "Hyperopt's TPE" },
  genetic: { rung: 'evolution', origin: 'a genetic algorithm' },
  tpot: { rung: 'evolution', origin: "TPOT's genetic search" },
  random_search: { rung: 'random', origin: 'random search' },
  grid_search: { rung: 'grid', origin: 'grid search' },
  gridsearchcv: { rung: 'grid', origin: "scikit-learn's GridSearchCV" },
  randomizedsearchcv: { rung: 'random', origin: "scikit-learn's RandomizedSearchCV" },
  // scikit-learn
  param_grid: { rung: 'parameters', origin: "scikit-learn's param_grid" },
  param_distributions: { rung: 'parameters', origin: "scikit-learn's param_distributions" },
  n_iter: { rung: 'trials', origin: "scikit-learn's n_iter" },
};

/** Rung's word for a word from another tool, when that word is allowed here. */
export function synonymFromOtherTools(word: string, candidates: Iterable<string>): Synonym | undefined {
  const key = word.toLowerCase();
  const entry = Object.hasOwn(FROM_OTHER_TOOLS, key) ? FROM_OTHER_TOOLS[key] : undefined;
  if (!entry) return undefined;
  const allowed = new Set(candidates);
  return (Array.isArray(entry) ? entry : [entry as Synonym]).find((synonym) => allowed.has(synonym.rung));
}

/** ` (did you mean "x"?)` (naming the other tool's word when it is one) or an empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const list = [...candidates];
  const synonym = synonymFromOtherTools(word, list);
  if (synonym) return ` (did you mean "${synonym.rung}"? that is Rung's word for ${synonym.origin})`;
  const match = closestMatch(word, list);
  return match === undefined ? '' : ` (did you mean "${match}"?)`;
}
