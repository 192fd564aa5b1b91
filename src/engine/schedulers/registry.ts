/**
 * Scheduler names → constructors. `settings` is the study file's `scheduler` mapping as the parser builds
 * it: budgets lifted out, the variant's options in camelCase with the schema's defaults filled in. Options
 * are checked again here (the engine is also used without a study file) and problems come back as one
 * clear message.
 */
import { err, ok, type Result } from '../util/result';
import { createAshaScheduler } from './asha';
import { createFifoScheduler } from './fifo';
import { createHyperbandScheduler } from './hyperband';
import { createMedianScheduler } from './median';
import { ladderProblem } from './rungs';
import type { Scheduler } from './scheduler';
import { createSuccessiveHalvingScheduler } from './successiveHalving';

/** The study file's `scheduler` settings. */
export interface SchedulerSettings {
  readonly type: string;
  readonly maxBudget?: number;
  readonly minBudget?: number;
  readonly options: Readonly<Record<string, unknown>>;
}

/** Budget of the first rung when the study file gives no `min_budget` (Ray Tune's grace period default). */
export const DEFAULT_MIN_BUDGET = 1;
/** Reduction factor when the settings give none (the schema's default). */
export const DEFAULT_ETA = 3;

type Factory = (settings: SchedulerSettings, seed: number) => Result<Scheduler, string>;

/** Reads one option: absent → `fallback`; present but not accepted by `check` → an error message. */
function option<T>(
  settings: SchedulerSettings,
  key: string,
  fileKey: string,
  fallback: T,
  check: (value: unknown) => value is T,
  expected: string,
): Result<T, string> {
  const value = settings.options[key];
  if (value === undefined) return ok(fallback);
  if (!check(value)) return err(`scheduler ${settings.type}: "${fileKey}" must be ${expected} (got ${JSON.stringify(value)})`);
  return ok(value);
}

const isEta = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 1;
const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;
const isNonNegative = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isMode = (v: unknown): v is 'stopping' | 'promotion' => v === 'stopping' || v === 'promotion';

/** The schedulers that build a successive-halving ladder of rungs (their factories below call `ladderOf`). */
export const LADDER_SCHEDULERS: readonly string[] = ['sha', 'hyperband', 'asha'];

/**
 * A ladder scheduler's budgets (min_budget defaulted), or why they make no ladder: no max_budget, or
 * `ladderProblem`. Also called by the study file's parser, so `rung validate` and the editor say what
 * `rung run` would.
 */
export function ladderBudgets(type: string, minBudget: number | undefined, maxBudget: number | undefined, eta: number): Result<{ minBudget: number; maxBudget: number }, string> {
  const min = minBudget ?? DEFAULT_MIN_BUDGET;
  if (maxBudget === undefined) {
    return err(`scheduler ${type} needs max_budget: the full training length in epochs or steps (scheduler.max_budget or budget:), above min_budget (${min})`);
  }
  const problem = ladderProblem(type, min, maxBudget, eta);
  return problem !== undefined ? err(problem) : ok({ minBudget: min, maxBudget });
}

/** The budgets and eta every successive-halving scheduler needs, checked together. */
function ladderOf(settings: SchedulerSettings): Result<{ minBudget: number; maxBudget: number; eta: number }, string> {
  const eta = option(settings, 'eta', 'eta', DEFAULT_ETA, isEta, 'a number greater than 1');
  if (!eta.ok) return eta;
  const budgets = ladderBudgets(settings.type, settings.minBudget, settings.maxBudget, eta.value);
  return budgets.ok ? ok({ ...budgets.value, eta: eta.value }) : budgets;
}

const schedulerFactories: Readonly<Record<string, Factory>> = {
  fifo: (settings) => ok(createFifoScheduler(settings.maxBudget ?? 0)),
  median: (settings) => {
    const minTrials = option(settings, 'minTrials', 'min_trials', 3, isPositiveInt, 'a positive integer');
    if (!minTrials.ok) return minTrials;
    const warmupSteps = option(settings, 'warmupSteps', 'warmup_steps', 0, isNonNegative, 'a number >= 0');
    if (!warmupSteps.ok) return warmupSteps;
    return ok(createMedianScheduler({ maxBudget: settings.maxBudget ?? 0, minTrials: minTrials.value, warmupSteps: warmupSteps.value }));
  },
  sha: (settings) => {
    const ladder = ladderOf(settings);
    if (!ladder.ok) return ladder;
    const initialTrials = option<number | undefined>(settings, 'initialTrials', 'initial_trials', undefined, isPositiveInt, 'a positive integer');
    if (!initialTrials.ok) return initialTrials;
    return ok(createSuccessiveHalvingScheduler({ ...ladder.value, ...(initialTrials.value !== undefined ? { initialTrials: initialTrials.value } : {}) }));
  },
  hyperband: (settings) => {
    const ladder = ladderOf(settings);
    if (!ladder.ok) return ladder;
    const isAsync = option(settings, 'async', 'async', true, isBoolean, 'true or false');
    if (!isAsync.ok) return isAsync;
    const mode = option<'stopping' | 'promotion' | undefined>(settings, 'mode', 'mode', undefined, isMode, '"stopping" or "promotion"');
    if (!mode.ok) return mode;
    if (!isAsync.value && mode.value === 'stopping') {
      return err('scheduler hyperband: synchronous Hyperband (async: false) runs in promotion mode; remove "mode" or set async: true');
    }
    return ok(createHyperbandScheduler({ ...ladder.value, async: isAsync.value, mode: mode.value ?? (isAsync.value ? 'stopping' : 'promotion') }));
  },
  asha: (settings) => {
    const ladder = ladderOf(settings);
    if (!ladder.ok) return ladder;
    const mode = option(settings, 'mode', 'mode', 'stopping' as const, isMode, '"stopping" or "promotion"');
    if (!mode.ok) return mode;
    return ok(createAshaScheduler({ ...ladder.value, mode: mode.value }));
  },
};

/** The scheduler names `createScheduler` knows, in the order the schema lists them. */
export const schedulerNames: readonly string[] = Object.keys(schedulerFactories);

/**
 * Builds the scheduler named by `settings.type`, or says why it cannot (unknown name, bad option,
 * budgets that make no ladder). `seed` is the study seed (the current schedulers draw from the per-trial
 * Rng given to `plan` instead).
 */
export function createScheduler(settings: SchedulerSettings, seed: number): Result<Scheduler, string> {
  const factory = schedulerFactories[settings.type];
  if (!factory) {
    return err(`unknown scheduler "${settings.type}"; available: ${schedulerNames.join(', ')}`);
  }
  return factory(settings, seed);
}
