/**
 * `rung ask-tell`: the engine as an `hpo-jsonl/1` server. The harness owns the objective; this side turns
 * `ask` into `Sampler.ask`, `report` into `Scheduler.onReport`, `tell` into `Sampler.tell` + `Scheduler.onExit`,
 * exactly as the study runner does around a real process (study.ts), so a benchmark measures the same policies.
 *
 * - Trials are numbered 0, 1, … (wire ids are those integers; the engine's TrialId is the decimal string) and
 *   each trial's Rng is `createRng(seed).fork("trial:<n>")`, like the study runner: a seed gives the same run.
 * - Losses: a `maximize` problem is negated once, on the way in; samplers and schedulers only see losses.
 * - Single-fidelity problems ignore the scheduler. Multi-fidelity problems use it on every `report`
 *   (stopping mode: `{"prune": true}` when it says stop).
 * - Promotion-mode schedulers (sha, synchronous Hyperband, asha/hyperband with `mode: promotion`) use the
 *   protocol's pause/resume: a new trial is asked with `max_step` = its plan's budget, a `tell(paused)` parks
 *   it, and a later `ask` answers what `onSlotFree` says — `promote` → `{"trial", "resume": true, "max_step"}`,
 *   `new` → a new trial. `wait` (a rung barrier until running trials end) cannot arise in protocol v1, where no
 *   trial runs while the harness asks; if a scheduler answers it anyway, a new trial starts when one may, else
 *   the run ends with `{"done": true}` (logged).
 * - Sampler observations, as the study runner tells them: complete → completed at the last step; paused →
 *   completed at the step reached (the rung's budget: BOHB keeps observations per budget, and a later tell of
 *   the same trial at a larger budget is added or replaces it, per sampler); pruned → pruned at the last
 *   step; failed → failed (null loss).
 * - Every request gets exactly one reply. A malformed request or a request out of order gets
 *   `{"error": "..."}` (the harness then aborts that run, as PROTOCOL.md says) and the server keeps going.
 */
import { chooseAutoSampler } from '../samplers/auto';
import { gridForSampler } from '../samplers/grid';
import { createSampler } from '../samplers/registry';
import type { Observation, Sampler } from '../samplers/sampler';
import { createScheduler } from '../schedulers/registry';
import type { Scheduler } from '../schedulers/scheduler';
import type { Config, SearchSpace } from '../space/searchSpace';
import { validateConfig } from '../space/validateConfig';
import { err, ok, type Result } from '../util/result';
import { createRng, type Rng } from '../util/rng';
import { defaultSampler, parseMethod, samplerByName, schedulerByName, type SamplerChoice, type SchedulerChoice } from './methods';
import {
  parseRequest,
  serializeReply,
  type AskRequest,
  type InitRequest,
  type Reply,
  type ReportRequest,
  type Request,
  type TellRequest,
  type WireTrialId,
} from './protocol';
import { spaceFromProtocol } from './spaceFromProtocol';
import { camelCase, SAMPLERS, SCHEDULERS, type TaggedVariant } from '../spec/schema';

/** Defaults taken from a study file passed with `--space` (lower precedence than the init message and flags). */
export interface StudyDefaults {
  readonly sampler?: SamplerChoice;
  readonly scheduler?: SchedulerChoice & { readonly minBudget?: number; readonly maxBudget?: number };
  readonly seed?: number;
  readonly goal?: 'minimize' | 'maximize';
  readonly trials?: number;
}

/** How the server is set up (the CLI's flags). */
export interface AskTellOptions {
  /** `--sampler`: a sampler name or alias (methods.ts); wins over `init.method`. */
  readonly sampler?: string;
  /** `--scheduler`: a scheduler name or alias; wins over `init.method`. */
  readonly scheduler?: string;
  /** `--seed`: wins over `init.seed`. */
  readonly seed?: number;
  /** `--space`: the search space to use instead of `init.problem.space`. */
  readonly space?: SearchSpace;
  /** The rest of a study file given with `--space`. */
  readonly study?: StudyDefaults;
  /** Diagnostics (the CLI writes them to stderr; stdout carries replies only). */
  readonly log?: (message: string) => void;
  /** Reported in the init reply. */
  readonly engineVersion?: string;
}

/** One request line in, at most one reply line out. */
export interface AskTellSession {
  /**
   * Handles one line. Returns the reply line (without newline) and whether the server should stop (after
   * `shutdown`); `undefined` for a blank line, which is not a request.
   */
  handleLine(line: string): { readonly reply: string; readonly shutdown: boolean } | undefined;
}

type TrialPhase = 'running' | 'paused' | 'ended';

interface TrialState {
  readonly wire: WireTrialId;
  readonly id: string;
  readonly number: number;
  readonly config: Config;
  phase: TrialPhase;
  /** Budget (max_step) of the current segment. */
  budget: number;
  lastStep?: number;
  /** Last reported raw value (user direction); NaN for a null report. */
  lastValue?: number;
}

interface RunState {
  readonly space: SearchSpace;
  readonly sampler: Sampler;
  /** Multi-fidelity only. */
  readonly scheduler?: Scheduler;
  readonly fidelity?: { readonly min: number; readonly max: number };
  /** +1 minimize, −1 maximize. */
  readonly sign: number;
  readonly studyRng: Rng;
  readonly maxTrials?: number;
  readonly trials: Map<string, TrialState>;
  readonly promoteQueue: Array<{ readonly trialId: string; readonly budget: number }>;
  nextNumber: number;
  samplerExhausted?: string;
  waitLogged: boolean;
}

/** snake_case → camelCase keys (scheduler options as the harness's `--option` would write them). */
function camelKeys(options: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) out[camelCase(k)] = v;
  return out;
}

/**
 * The keys of `given` that are no option of a sampler or scheduler (its study-file fields, in snake_case or
 * camelCase, plus `extra`); none when the schema does not describe it.
 */
function unknownOptionKeys(given: Readonly<Record<string, unknown>>, variant: TaggedVariant | undefined, extra: readonly string[]): string[] {
  if (variant === undefined) return [];
  const known = new Set([...Object.keys(variant.fields ?? {}), ...extra].flatMap((k) => [k, camelCase(k)]));
  return Object.keys(given).filter((k) => !known.has(k));
}

function recordOf(value: unknown): Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Readonly<Record<string, unknown>>) : {};
}

function keyOf(trial: WireTrialId): string {
  return String(trial);
}

/** Creates a session: the protocol state machine, with no I/O of its own. */
export function createAskTellSession(options: AskTellOptions = {}): AskTellSession {
  const log = options.log ?? (() => undefined);
  let run: RunState | undefined;
  let initError: string | undefined;

  const canStartNew = (r: RunState): boolean => r.samplerExhausted === undefined && (r.maxTrials === undefined || r.nextNumber < r.maxTrials);

  const init = (request: InitRequest): Reply => {
    if (run) return { error: 'init was already received' };
    const built = buildRun(request, options, log);
    if (!built.ok) {
      initError = built.error;
      return { error: built.error };
    }
    run = built.value.run;
    return { ok: true, engine: built.value.engine };
  };

  const newTrial = (r: RunState): Reply => {
    if (!canStartNew(r)) return { done: true };
    const number = r.nextNumber;
    const id = String(number);
    const rng = r.studyRng.fork(`trial:${number}`);
    const plan = r.scheduler?.plan(id, rng);
    const pending: Config[] = [];
    for (const t of r.trials.values()) if (t.phase === 'running') pending.push(t.config);
    const asked = r.sampler.ask({
      trialId: id,
      trialNumber: number,
      rng,
      ...(plan ? { budget: plan.budget, bracket: plan.bracket } : {}),
      pending,
    });
    if (asked.kind === 'exhausted') {
      r.samplerExhausted = asked.reason;
      // The planned trial never exists: withdraw it so no rung waits for it.
      r.scheduler?.onExit(id, { status: 'stopped' });
      log(`sampler exhausted: ${asked.reason}`);
      return { done: true };
    }
    const checked = validateConfig(r.space, asked.config);
    if (!checked.ok) return { error: `sampler ${r.sampler.name} proposed an invalid config: ${checked.error.join('; ')}` };
    r.nextNumber++;
    const budget = plan?.budget ?? r.fidelity?.max ?? 1;
    r.trials.set(id, { wire: number, id, number, config: checked.value, phase: 'running', budget });
    // Promotion mode: run only to the first rung and pause there (the harness's max_step).
    const maxStep = r.scheduler?.mode === 'promotion' && r.fidelity !== undefined ? wireStep(r.fidelity, budget) : undefined;
    const pause = maxStep !== undefined && maxStep < (r.fidelity?.max ?? 0);
    return { trial: number, params: checked.value, ...(pause ? { max_step: maxStep } : {}) };
  };

  const ask = (r: RunState, _request: AskRequest): Reply => {
    const scheduler = r.scheduler;
    if (!scheduler || scheduler.mode !== 'promotion') return newTrial(r);
    // At most two rounds: a sampler that runs out in the first makes canStartNew false, and the scheduler is
    // asked again so that it closes its rungs with the trials it has and promotes the paused ones (the study
    // runner's fillSlots does the same), instead of the run ending with every trial paused.
    for (;;) {
      let queued = r.promoteQueue.shift();
      while (queued && r.trials.get(queued.trialId)?.phase !== 'paused') queued = r.promoteQueue.shift();
      const action = queued
        ? ({ kind: 'promote', trialId: queued.trialId, budget: queued.budget } as const)
        : (scheduler.onSlotFree?.({ canStartNew: canStartNew(r) }) ?? ({ kind: 'new' } as const));
      if (action.kind === 'promote') {
        const t = r.trials.get(action.trialId);
        if (!t || t.phase !== 'paused') return { error: `scheduler ${scheduler.name} promoted trial ${action.trialId}, which is not paused` };
        t.phase = 'running';
        t.budget = action.budget;
        return { trial: t.wire, resume: true, max_step: r.fidelity ? wireStep(r.fidelity, action.budget) : action.budget };
      }
      if (action.kind === 'wait') {
        if (!r.waitLogged) {
          r.waitLogged = true;
          log(`scheduler ${scheduler.name} answered "wait" (${action.reason}) with no trial running; starting a new trial instead when allowed`);
        }
        if (!canStartNew(r)) log(`scheduler ${scheduler.name} waits with nothing running and no new trial allowed: ending the run`);
      }
      const exhaustedBefore = r.samplerExhausted !== undefined;
      const reply = newTrial(r);
      if ('done' in reply && !exhaustedBefore && r.samplerExhausted !== undefined) continue;
      return reply;
    }
  };

  const report = (r: RunState, request: ReportRequest): Reply => {
    const t = r.trials.get(keyOf(request.trial));
    if (!t) return { error: `report for unknown trial ${JSON.stringify(request.trial)}` };
    if (t.phase !== 'running') return { error: `report for trial ${JSON.stringify(request.trial)}, which is ${t.phase}` };
    const value = request.value ?? Number.NaN;
    t.lastStep = request.step;
    t.lastValue = value;
    if (!r.scheduler) return { prune: false };
    const decision = r.scheduler.onReport({ trialId: t.id, resource: request.step, loss: r.sign * value });
    // A stop at the fidelity max saves no step and would throw away a full-fidelity value (the harness counts
    // only complete trials): the trial completes instead. The median rule judges every step, the last included.
    if (decision.kind === 'stop' && r.fidelity !== undefined && request.step >= r.fidelity.max) {
      log(`scheduler ${r.scheduler.name} stopped trial ${t.id} at step ${request.step}, the fidelity max: not pruned, it completes`);
      return { prune: false };
    }
    return { prune: decision.kind === 'stop' };
  };

  const tell = (r: RunState, request: TellRequest): Reply => {
    const t = r.trials.get(keyOf(request.trial));
    if (!t) return { error: `tell for unknown trial ${JSON.stringify(request.trial)}` };
    if (t.phase !== 'running') return { error: `tell for trial ${JSON.stringify(request.trial)}, which is ${t.phase}` };
    const { state } = request;
    const loss = state === 'failed' || request.value === null ? null : r.sign * request.value;
    const budget = r.fidelity ? (t.lastStep ?? 0) : 1;
    const observation: Observation = {
      trialId: t.id,
      trialNumber: t.number,
      config: t.config,
      budget,
      loss,
      status: state === 'complete' || state === 'paused' ? 'completed' : state === 'failed' ? 'failed' : 'pruned',
    };
    r.sampler.tell(observation);
    t.phase = state === 'paused' ? 'paused' : 'ended';
    if (r.scheduler) {
      // The last report's value; a trial told without reports falls back to the tell's value.
      const lastRaw = t.lastValue ?? request.value ?? undefined;
      const lastLoss = lastRaw !== undefined ? r.sign * lastRaw : undefined;
      const after = r.scheduler.onExit(t.id, {
        status: state === 'complete' ? 'completed' : state,
        ...(t.lastStep !== undefined ? { lastResource: t.lastStep } : {}),
        ...(lastLoss !== undefined ? { lastLoss } : {}),
      });
      if (after.kind === 'promote') r.promoteQueue.push({ trialId: t.id, budget: after.budget });
    }
    return { ok: true };
  };

  const handle = (request: Request): { reply: Reply; shutdown: boolean } => {
    if (request.op === 'shutdown') {
      if (run) {
        const paused = [...run.trials.values()].filter((t) => t.phase === 'paused').length;
        log(`shutdown after ${run.nextNumber} trials${paused > 0 ? ` (${paused} left paused)` : ''}`);
      }
      return { reply: { ok: true }, shutdown: true };
    }
    if (request.op === 'init') return { reply: init(request), shutdown: false };
    if (!run) return { reply: { error: initError ? `init failed: ${initError}` : `"${request.op}" before "init"` }, shutdown: false };
    switch (request.op) {
      case 'ask':
        return { reply: ask(run, request), shutdown: false };
      case 'report':
        return { reply: report(run, request), shutdown: false };
      case 'tell':
        return { reply: tell(run, request), shutdown: false };
    }
  };

  return {
    handleLine(line: string) {
      if (line.trim() === '') return undefined;
      const parsed = parseRequest(line);
      if (!parsed.ok) return { reply: serializeReply({ error: parsed.error }), shutdown: false };
      try {
        const { reply, shutdown } = handle(parsed.value);
        return { reply: serializeReply(reply), shutdown };
      } catch (e) {
        // A policy bug must not kill the server mid-run: answer it, log the stack.
        log(`error handling ${parsed.value.op}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        return { reply: serializeReply({ error: `${parsed.value.op} failed: ${e instanceof Error ? e.message : String(e)}` }), shutdown: false };
      }
    },
  };
}

/**
 * A rung budget as the protocol's `max_step`: steps are integers, so on an integer fidelity a fractional budget
 * (a non-integer eta or min_budget option: 1, 2.5, 6.25, …) becomes the first step that reaches it (the harness
 * would truncate 2.5 to 2, short of the rung). Never beyond the fidelity max.
 */
function wireStep(fidelity: { readonly min: number; readonly max: number }, budget: number): number {
  const integral = Number.isInteger(fidelity.min) && Number.isInteger(fidelity.max);
  return Math.min(fidelity.max, integral ? Math.ceil(budget - 1e-9) : budget);
}

/** Schedulers that build a ladder of rungs from min_budget to max_budget (and so need min_budget < max_budget). */
const LADDER_SCHEDULERS: ReadonlySet<string> = new Set(['sha', 'asha', 'hyperband']);

/**
 * Grid options for a space the grid sampler cannot walk as given (a continuous float, or an int or stepped float
 * of more than 100 values, and no `grid_points` option): ⌈max_trials^(1/d)⌉ points (at least 2) per numeric
 * parameter for the d parameters — the harness's own grid baseline (benchlib/engine_optuna.py) — visited in a
 * seeded shuffled order when the grid has more points than the run has trials, so the trials spread over all of
 * it instead of varying the last parameters only. Undefined when `grid_points` was given.
 */
function gridFallbackOptions(
  space: SearchSpace,
  options: Readonly<Record<string, unknown>>,
  maxTrials: number | undefined,
): Result<Readonly<Record<string, unknown>>, string> | undefined {
  if (options['grid_points'] !== undefined || options['gridPoints'] !== undefined) return undefined;
  const trials = maxTrials ?? 100;
  const points = Math.max(2, Math.ceil(trials ** (1 / Math.max(1, space.params.size)) - 1e-9));
  const withPoints = { ...options, grid_points: points };
  const grid = gridForSampler(space, withPoints);
  // Even the coarsest grid can be too large to index (2 points for each of ~50 parameters): say that, not
  // that every parameter lacks grid points.
  if (!grid.ok) return err(`grid: with ${points} points per numeric parameter, ${grid.error}; use another sampler for this space`);
  return ok(options['shuffle'] === undefined && grid.value.size > trials ? { ...withPoints, shuffle: true } : withPoints);
}

/** Builds the run from `init` + flags + study-file defaults; the reply's `engine` object says what was chosen. */
function buildRun(
  request: InitRequest,
  options: AskTellOptions,
  log: (message: string) => void,
): Result<{ run: RunState; engine: Record<string, unknown> }, string> {
  const study = options.study ?? {};
  const method = parseMethod(request.method);
  const flagSampler = options.sampler !== undefined ? samplerByName(options.sampler) : undefined;
  const flagScheduler = options.scheduler !== undefined ? schedulerByName(options.scheduler) : undefined;
  if (options.sampler !== undefined && !flagSampler) return err(`unknown sampler "${options.sampler}"`);
  if (options.scheduler !== undefined && !flagScheduler) return err(`unknown scheduler "${options.scheduler}"`);
  if (!method.ok && !(flagSampler && flagScheduler)) return err(method.error);
  const fromMethod = method.ok ? method.value : {};

  const samplerChoice = flagSampler ?? fromMethod.sampler ?? study.sampler ?? defaultSampler();
  const schedulerChoice = flagScheduler ?? fromMethod.scheduler ?? study.scheduler ?? { type: 'fifo', options: {} };

  let space = options.space;
  if (space === undefined) {
    if (request.problem?.space === undefined) return err('no search space: init.problem.space is missing and no --space was given');
    const converted = spaceFromProtocol(request.problem.space);
    if (!converted.ok) return err(`invalid search space: ${converted.error.join('; ')}`);
    space = converted.value;
  } else if (request.problem?.space !== undefined) {
    log('using the --space search space instead of init.problem.space');
  }

  const problem = request.problem;
  let fidelity: { min: number; max: number } | undefined;
  if (problem?.kind !== 'single') {
    if (problem?.fidelity) fidelity = { min: problem.fidelity.min, max: problem.fidelity.max };
    else if (problem?.kind === undefined && study.scheduler?.maxBudget !== undefined && study.scheduler.type !== 'fifo') {
      fidelity = { min: study.scheduler.minBudget ?? 1, max: study.scheduler.maxBudget };
    }
  }

  const seed = options.seed ?? request.seed ?? study.seed ?? 0;
  if (options.seed !== undefined && request.seed !== undefined && options.seed !== request.seed) {
    log(`--seed ${options.seed} overrides init.seed ${request.seed}`);
  }
  const goal = problem?.direction ?? study.goal ?? 'minimize';
  const maxTrials = request.maxTrials ?? study.trials;

  // run_external.py --option KEY=VALUE puts KEY at the top of init.options; only "sampler" and "scheduler"
  // (objects of options) are read, so anything else is named on stderr and in the reply instead of vanishing.
  const ignoredOptions: string[] = Object.keys(request.options).filter((k) => k !== 'sampler' && k !== 'scheduler');
  if (ignoredOptions.length > 0) {
    log(`init.options ${ignoredOptions.map((k) => JSON.stringify(k)).join(', ')} ignored: sampler options go in options.sampler, scheduler options in options.scheduler (--option 'sampler={"n_startup_trials": 5}')`);
  }
  // Keys of options.sampler / options.scheduler that the chosen method does not have: named, not dropped silently.
  const unread = [
    ...unknownOptionKeys(recordOf(request.options['sampler']), SAMPLERS[samplerChoice.type], samplerChoice.type === 'auto' ? ['trials', 'scheduler'] : []).map((k) => `sampler.${k}`),
    ...(fidelity ? unknownOptionKeys(recordOf(request.options['scheduler']), SCHEDULERS[schedulerChoice.type], ['min_budget', 'max_budget']).map((k) => `scheduler.${k}`) : []),
  ];
  if (unread.length > 0) {
    log(`init.options ${unread.map((k) => JSON.stringify(k)).join(', ')} ignored: not an option of sampler ${samplerChoice.type}${fidelity ? ` or scheduler ${schedulerChoice.type}` : ''} (rung schema lists each one's options)`);
    ignoredOptions.push(...unread);
  }
  let samplerOptions: Readonly<Record<string, unknown>> = { ...samplerChoice.options, ...recordOf(request.options['sampler']) };
  if (samplerChoice.type === 'auto') {
    // What a study file's parser gives `auto` (its choice depends on them): the trial budget (init.max_trials
    // here) and the scheduler that will run, unless the options already say.
    samplerOptions = {
      ...(maxTrials !== undefined && maxTrials > 0 ? { trials: maxTrials } : {}),
      ...(fidelity ? { scheduler: schedulerChoice.type } : {}),
      ...samplerOptions,
    };
  }
  let sampler = createSampler(samplerChoice.type, space, samplerOptions, seed);
  if (!sampler.ok && samplerChoice.type === 'grid') {
    const fallback = gridFallbackOptions(space, samplerOptions, maxTrials);
    if (fallback !== undefined && !fallback.ok) return err(fallback.error);
    const retry = fallback !== undefined ? createSampler('grid', space, fallback.value, seed) : undefined;
    if (fallback !== undefined && retry?.ok === true) {
      log(`grid: ${String(fallback.value['grid_points'])} points per numeric parameter without a finite set of values${fallback.value['shuffle'] === true ? ', visited in shuffled order' : ''} (${sampler.error})`);
      sampler = retry;
      samplerOptions = fallback.value;
    }
  }
  if (!sampler.ok) return err(sampler.error);
  // `auto` says what it chose (in a study that is trial 0's note, which this protocol has no place for).
  const autoChoice = samplerChoice.type === 'auto' ? chooseAutoSampler(space, samplerOptions) : undefined;
  if (autoChoice) log(autoChoice.reason);

  let scheduler: Scheduler | undefined;
  let schedulerUsed: SchedulerChoice = schedulerChoice;
  if (fidelity) {
    const extra = camelKeys(recordOf(request.options['scheduler']));
    const { minBudget, maxBudget, ...rest } = extra;
    if (maxBudget !== undefined) log('scheduler max_budget comes from the fidelity; option ignored');
    // The first rung cannot come before the first step the harness reports: the fidelity's min (step 1 when min is 0).
    const firstStep = fidelity.min > 0 ? fidelity.min : Math.min(1, fidelity.max);
    let first = typeof minBudget === 'number' ? minBudget : firstStep;
    if (first < firstStep) {
      log(`scheduler min_budget ${first} is below the fidelity's first step ${firstStep}; using ${firstStep}`);
      first = firstStep;
    }
    if (LADDER_SCHEDULERS.has(schedulerChoice.type) && !(first < fidelity.max)) {
      // A one-rung ladder halves nothing (fidelity min = max, or min_budget at the max): run every trial to the end.
      log(`scheduler ${schedulerChoice.type}: first rung ${first} is not below the fidelity max ${fidelity.max}; every trial runs to ${fidelity.max} (fifo)`);
      schedulerUsed = { type: 'fifo', options: {} };
    }
    let schedulerOptions: Record<string, unknown> = { ...schedulerUsed.options, ...(schedulerUsed === schedulerChoice ? rest : {}) };
    if (schedulerUsed.type === 'median') {
      // The median rule judges every step it is told of, and run_external.py reports from step 1 whatever the
      // fidelity min: steps before the fidelity's first step are warm-up, never a reason to stop (as the first
      // rung of the ladder schedulers is never below it).
      const { warmup_steps: fileWarmup, ...others } = schedulerOptions;
      const given = others['warmupSteps'] ?? fileWarmup;
      if (given === undefined || (typeof given === 'number' && given < firstStep)) schedulerOptions = { ...others, warmupSteps: firstStep };
    }
    const built = createScheduler({ type: schedulerUsed.type, minBudget: first, maxBudget: fidelity.max, options: schedulerOptions }, seed);
    if (!built.ok) return err(built.error);
    scheduler = built.value;
  } else if (schedulerChoice.type !== 'fifo') {
    log(`single-fidelity problem: scheduler ${schedulerChoice.type} is not used`);
  }

  const engine: Record<string, unknown> = {
    name: 'rung',
    version: options.engineVersion ?? 'dev',
    sampler: samplerChoice.type,
    ...(autoChoice ? { auto_choice: autoChoice.type } : {}),
    sampler_options: samplerOptions,
    scheduler: scheduler ? scheduler.name : null,
    scheduler_mode: scheduler ? scheduler.mode : null,
    scheduler_options: scheduler ? schedulerUsed.options : null,
    seed,
    ...(ignoredOptions.length > 0 ? { ignored_options: ignoredOptions } : {}),
  };
  log(
    `rung ask-tell: ${problem?.name ?? 'problem'} (${fidelity ? `multi-fidelity ${fidelity.min}..${fidelity.max}` : 'single-fidelity'}, ${goal}), ` +
      `sampler ${samplerChoice.type}${scheduler ? `, scheduler ${scheduler.name} (${scheduler.mode})` : ''}, seed ${seed}` +
      `${maxTrials !== undefined ? `, ${maxTrials} trials` : ''}`,
  );
  return ok({
    run: {
      space,
      sampler: sampler.value,
      ...(scheduler ? { scheduler } : {}),
      ...(fidelity ? { fidelity } : {}),
      sign: goal === 'maximize' ? -1 : 1,
      studyRng: createRng(seed),
      ...(maxTrials !== undefined ? { maxTrials } : {}),
      trials: new Map(),
      promoteQueue: [],
      nextNumber: 0,
      waitLogged: false,
    },
    engine,
  });
}

/**
 * Serves a stream of request lines: one reply per request, written (and so flushed, for a pipe) before the next
 * line is read. Ends at `shutdown` or at the end of the input. Returns how many requests were answered.
 */
export async function serveAskTell(
  lines: AsyncIterable<string>,
  write: (line: string) => void | Promise<void>,
  options: AskTellOptions = {},
): Promise<{ readonly requests: number; readonly shutdown: boolean }> {
  const session = createAskTellSession(options);
  let requests = 0;
  for await (const line of lines) {
    const out = session.handleLine(line);
    if (!out) continue;
    requests++;
    await write(`${out.reply}\n`);
    if (out.shutdown) return { requests, shutdown: true };
  }
  return { requests, shutdown: false };
}
