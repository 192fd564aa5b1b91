/**
 * Method names for `rung ask-tell`: `init.method` (the harness's `--method` label) and the `--sampler` /
 * `--scheduler` flags pick a sampler and a scheduler from one vocabulary.
 *
 * A method is `SAMPLER`, `SCHEDULER` or `SAMPLER_SCHEDULER` (`tpe`, `asha`, `tpe_hyperband`, `random_median`,
 * `tpe_asha_promotion`). Samplers: every registered name (random, grid, sobol, tpe, gp, and cmaes/evolution once
 * registered) plus the harness's aliases `qmc` → sobol, `tpe_mv` → tpe with multivariate: true, `gp_skl` → gp,
 * `ga` → evolution. Schedulers (`schedulerAliases`): Rung's names with their default mode, and explicit variants
 * for the other mode. Note `sha` is Rung's *synchronous* successive halving (promotion mode, pause/resume);
 * Optuna's `SuccessiveHalvingPruner` (the harness's `tpe_sha`) is asynchronous and only stops trials, which is
 * Rung's `asha` (stopping). `hyperband` is asynchronous Hyperband in stopping mode, like Optuna's HyperbandPruner.
 *
 * `bohb` alone means the bohb sampler with asynchronous Hyperband (the study file's `scheduler: bohb` shortcut);
 * `bohb_SCHEDULER` pairs it with another scheduler.
 *
 * Precedence, per part: the flag, then `init.method`, then the study file given with `--space`, then the
 * defaults (the study file's: sampler `auto` (`random` where no auto sampler is registered), scheduler `fifo`).
 * `default` or an empty method means "not given".
 */
import { samplerNames } from '../samplers/registry';
import { err, ok, type Result } from '../util/result';

/** A sampler choice: the registry name and options (camelCase or snake_case keys, as the samplers read them). */
export interface SamplerChoice {
  readonly type: string;
  readonly options: Readonly<Record<string, unknown>>;
}

/** A scheduler choice: the registry name and its options in camelCase (budgets come from the fidelity). */
export interface SchedulerChoice {
  readonly type: string;
  readonly options: Readonly<Record<string, unknown>>;
}

/** Sampler aliases beyond the registry's own names. */
export const samplerAliases: Readonly<Record<string, SamplerChoice>> = {
  qmc: { type: 'sobol', options: {} },
  tpe_mv: { type: 'tpe', options: { multivariate: true } },
  gp_skl: { type: 'gp', options: {} },
  ga: { type: 'evolution', options: {} },
};

/** Scheduler names accepted in a method and by `--scheduler`. */
export const schedulerAliases: Readonly<Record<string, SchedulerChoice>> = {
  fifo: { type: 'fifo', options: {} },
  none: { type: 'fifo', options: {} },
  median: { type: 'median', options: {} },
  asha: { type: 'asha', options: { mode: 'stopping' } },
  asha_promotion: { type: 'asha', options: { mode: 'promotion' } },
  sha: { type: 'sha', options: {} },
  hyperband: { type: 'hyperband', options: { async: true, mode: 'stopping' } },
  hyperband_promotion: { type: 'hyperband', options: { async: true, mode: 'promotion' } },
  hyperband_sync: { type: 'hyperband', options: { async: false } },
};

/** Whole-method shortcuts: `bohb` is the bohb sampler with asynchronous Hyperband, as `scheduler: bohb` in a study file. */
export const methodAliases: Readonly<Record<string, { readonly sampler: SamplerChoice; readonly scheduler: SchedulerChoice }>> = {
  bohb: { sampler: { type: 'bohb', options: {} }, scheduler: { type: 'hyperband', options: { async: true, mode: 'stopping' } } },
};

/** The sampler used when neither a flag, the method nor a study file names one: the study file's default. */
export function defaultSampler(): SamplerChoice {
  return { type: samplerNames().includes('auto') ? 'auto' : 'random', options: {} };
}

/** What a method or flag resolved to; `undefined` parts were not named. */
export interface MethodParts {
  readonly sampler?: SamplerChoice;
  readonly scheduler?: SchedulerChoice;
}

/** The sampler for a name: an alias, a registered sampler, or undefined. */
export function samplerByName(name: string): SamplerChoice | undefined {
  if (Object.hasOwn(samplerAliases, name)) return samplerAliases[name];
  return samplerNames().includes(name) ? { type: name, options: {} } : undefined;
}

/** The scheduler for a name, or undefined. */
export function schedulerByName(name: string): SchedulerChoice | undefined {
  return Object.hasOwn(schedulerAliases, name) ? schedulerAliases[name] : undefined;
}

/** Every method form understood, for error messages. */
export function methodHelp(): string {
  const samplers = [...samplerNames(), ...Object.keys(samplerAliases)].sort();
  return `SAMPLER, SCHEDULER or SAMPLER_SCHEDULER; samplers: ${samplers.join(', ')}; schedulers: ${Object.keys(schedulerAliases).join(', ')}`;
}

/** Splits a method label into its sampler and scheduler; an error names the forms understood. */
export function parseMethod(method: string | undefined): Result<MethodParts, string> {
  if (method === undefined || method === '' || method === 'default') return ok({});
  if (Object.hasOwn(methodAliases, method)) return ok(methodAliases[method] ?? {});
  const sampler = samplerByName(method);
  if (sampler) return ok({ sampler });
  const scheduler = schedulerByName(method);
  if (scheduler) return ok({ scheduler });
  // Try every split at an underscore: "tpe_mv_hyperband" = tpe_mv + hyperband, "tpe_asha_promotion" = tpe + asha_promotion.
  for (let i = method.indexOf('_'); i > 0; i = method.indexOf('_', i + 1)) {
    const s = samplerByName(method.slice(0, i));
    const h = schedulerByName(method.slice(i + 1));
    if (s && h) return ok({ sampler: s, scheduler: h });
  }
  return err(`unknown method "${method}": expected ${methodHelp()}`);
}
