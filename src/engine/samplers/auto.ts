/**
 * The `auto` sampler, the default when a study file names none: it picks one of the model-based samplers
 * from the search space, the trial budget and the scheduler, says which and why, and delegates every ask and
 * tell to it. The rules follow what the literature and the libraries' own advice agree on:
 *
 * 1. A successive-halving scheduler (`sha`, `hyperband`, `asha`, or the `bohb` shortcut) → `bohb`: a
 *    multivariate TPE model per budget (Falkner, Klein & Hutter 2018, "BOHB: Robust and Efficient
 *    Hyperparameter Optimization at Scale"), so the many short trials of the low rungs inform the model.
 * 2. Otherwise a small, all-numeric problem → `gp`: Gaussian-process BO is the most sample-efficient choice
 *    when every parameter is a float or an int, there are at most 8 of them (GP_MAX_DIMS), no parameter is
 *    conditional, and the study runs at most 100 trials (GP_MAX_TRIALS) — the regime of Snoek et al. 2012,
 *    and the one where Optuna's AutoSampler also uses its GP sampler. A fully discrete space with no more
 *    distinct configs than trials goes to TPE instead, which never proposes a config twice.
 * 3. Everything else → `tpe` with `multivariate: true` (Bergstra et al. 2011; the joint kernel after
 *    Falkner et al. 2018, which Watanabe 2023 finds better than independent TPE on most benchmarks):
 *    categorical or conditional parameters, many dimensions, many trials, or an unknown trial count
 *    (`trials` not set: the study may run long, and TPE's cost per ask stays flat).
 *
 * The factory sees only the space, options and seed, so the study-file parser passes what the choice needs
 * as options: `trials` (the study's `trials`, absent when unset) and `scheduler` (the scheduler's type).
 * Neither is a study-file key of `sampler: auto`. Without them (an engine user calling `createSampler('auto')`)
 * the choice is made as for a study with no trial count and no early stopping.
 *
 * The choice is logged: the note of trial 0's ask starts with it ("auto: gp (6 float parameters, 50 trials)"),
 * and `describeAutoChoice` gives the same line for the CLI to print at study start (and on resume, when
 * trial 0's note is long past). Delegation is deterministic: the choice depends only on space and options.
 */
import type { SearchSpace } from '../space/searchSpace';
import { createBohbSampler } from './bohb';
import { createGpSampler } from './gp/gpSampler';
import type { AskRequest, AskResult, Observation, Sampler, SamplerFactory } from './sampler';
import { countDiscreteConfigs } from './tpe/discreteSpace';
import { createParamModels } from './tpe/paramModel';
import { createTpeSampler } from './tpe/tpeSampler';

/** Most parameters for which `auto` picks the GP sampler. */
export const GP_MAX_DIMS = 8;
/** Most trials for which `auto` picks the GP sampler. */
export const GP_MAX_TRIALS = 100;
/** Schedulers with a ladder of budgets (rungs): `auto` then models each budget (BOHB). */
export const MULTI_FIDELITY_SCHEDULERS: readonly string[] = ['sha', 'hyperband', 'asha', 'bohb'];

/** What `auto` delegates to. */
export interface AutoChoice {
  /** The delegate's registry name. */
  readonly type: 'gp' | 'tpe' | 'bohb';
  /** The delegate's options. */
  readonly options: Readonly<Record<string, unknown>>;
  /** One line: "auto: <sampler> (<why>)". */
  readonly reason: string;
}

/** The inputs of the choice, read from the sampler options the parser fills in. */
interface AutoInputs {
  readonly trials: number | undefined;
  readonly scheduler: string | undefined;
}

function readInputs(options: Readonly<Record<string, unknown>>): AutoInputs {
  const trials = options['trials'];
  const scheduler = options['scheduler'];
  if (trials !== undefined && (typeof trials !== 'number' || !Number.isInteger(trials) || trials < 1)) {
    throw new Error(`sampler auto: option trials must be a positive integer, got ${JSON.stringify(trials)}`);
  }
  if (scheduler !== undefined && typeof scheduler !== 'string') {
    throw new Error(`sampler auto: option scheduler must be a scheduler name, got ${JSON.stringify(scheduler)}`);
  }
  return { trials, scheduler };
}

/** "6 float parameters", "5 parameters: 3 float, 1 int, 1 categorical (2 conditional)". */
function describeSpace(space: SearchSpace): string {
  const counts = { float: 0, int: 0, categorical: 0 };
  let conditional = 0;
  for (const spec of space.params.values()) {
    counts[spec.kind]++;
    if (spec.when !== undefined) conditional++;
  }
  const n = space.params.size;
  const plural = (k: number, word: string): string => `${k} ${word}${k === 1 ? '' : 's'}`;
  const kinds = Object.entries(counts).filter(([, k]) => k > 0);
  const cond = conditional > 0 ? ` (${conditional} conditional)` : '';
  const only = kinds.length === 1 ? kinds[0] : undefined;
  if (only !== undefined) return `${plural(n, `${only[0]} parameter`)}${cond}`;
  return `${plural(n, 'parameter')}: ${kinds.map(([kind, k]) => `${k} ${kind}`).join(', ')}${cond}`;
}

/**
 * The sampler `auto` delegates to for `space`, given the parser-filled options `trials` and `scheduler`
 * (see the file comment for the rules). Throws on malformed options.
 */
export function chooseAutoSampler(space: SearchSpace, options: Readonly<Record<string, unknown>>): AutoChoice {
  const { trials, scheduler } = readInputs(options);
  const what = describeSpace(space);
  const trialsText = trials === undefined ? 'trials not set' : `${trials} trials`;
  const tpe = (why: string): AutoChoice => ({ type: 'tpe', options: { multivariate: true }, reason: `auto: tpe multivariate (${why})` });

  if (scheduler !== undefined && MULTI_FIDELITY_SCHEDULERS.includes(scheduler)) {
    return { type: 'bohb', options: {}, reason: `auto: bohb (${scheduler} scheduler: a TPE model per budget; ${what})` };
  }
  const params = [...space.params.values()];
  const categorical = params.filter((p) => p.kind === 'categorical').length;
  if (categorical > 0) return tpe(`${what}; gp is for numeric parameters only`);
  if (params.some((p) => p.when !== undefined)) return tpe(`${what}; gp is for unconditional spaces`);
  if (params.length > GP_MAX_DIMS) return tpe(`${what}; gp is for at most ${GP_MAX_DIMS}`);
  if (trials === undefined) return tpe(`${what}, ${trialsText}; gp is for at most ${GP_MAX_TRIALS} trials`);
  if (trials > GP_MAX_TRIALS) return tpe(`${what}, ${trialsText}; gp is for at most ${GP_MAX_TRIALS}`);
  const configs = countDiscreteConfigs(space, createParamModels(space));
  if (configs <= trials) return tpe(`${what} with only ${configs} distinct configs for ${trialsText}; tpe never repeats one`);
  return { type: 'gp', options: {}, reason: `auto: gp (${what}, ${trialsText})` };
}

/** The line the CLI prints at study start, e.g. "auto: gp (6 float parameters, 50 trials)". */
export function describeAutoChoice(space: SearchSpace, options: Readonly<Record<string, unknown>>): string {
  return chooseAutoSampler(space, options).reason;
}

const delegates: Readonly<Record<AutoChoice['type'], SamplerFactory>> = {
  gp: createGpSampler,
  tpe: createTpeSampler,
  bohb: createBohbSampler,
};

/** Builds the `auto` sampler: the chosen delegate, named `auto`, whose trial-0 note starts with the choice. */
export const createAutoSampler: SamplerFactory = (space: SearchSpace, options, seed): Sampler => {
  const choice = chooseAutoSampler(space, options);
  const delegate = delegates[choice.type](space, choice.options, seed);
  return {
    name: 'auto',
    ask(request: AskRequest): AskResult {
      const answer = delegate.ask(request);
      if (request.trialNumber !== 0 || answer.kind !== 'suggest') return answer;
      return { ...answer, note: answer.note === undefined ? choice.reason : `${choice.reason}; ${answer.note}` };
    },
    tell(observation: Observation): void {
      delegate.tell(observation);
    },
  };
};
