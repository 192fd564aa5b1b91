/**
 * The `simulated` launcher: trials are not processes but scripted learning curves replayed on a
 * {@link VirtualClock}, so schedulers can be tested through the real study runner (real sampler,
 * scheduler, metric parser and JSONL store) over thousands of trials in seconds of wall time.
 *
 * A launch reads what a real script would: RUNG_PARAMS (the config, JSON), RUNG_BUDGET (epochs to
 * reach), RUNG_TRIAL_ID (the trial number) and RUNG_RESUME=1 (continue from the last epoch this trial
 * reached in an earlier launch, like a script restoring its checkpoint). It then prints one line per
 * epoch, `epoch=k val_loss=<curve(config, k, number)>`, at virtual time launch + startup + k·epochSeconds,
 * and exits 0 just after the last one (a separate event at the same instant, so the runner has reacted to
 * the last report first). A curve point can also be NaN, a missing metric, or a crash (non-zero exit).
 *
 * Idleness (the launcher's part of the driver rule in virtualClock.ts). The runner must have reacted to
 * everything the clock did before the clock moves on, because it stamps events with `clock.now()` and
 * feeds reports to the scheduler in arrival order. Per launch:
 *   - running: idle when every printed line has been handled: taken by the reader, which then asked for
 *     the next one (`next()` called again; the runner's loop body may await). A reader that has not
 *     started yet (the runner is still writing `trial.launched`) holds nothing up until a line is printed
 *     for it: the runner stamps `trial.launched` in the microtask after `launch()` resolves.
 *   - exited: idle once the runner has handled the end: it launched another trial after this exit (the
 *     runner stamps `trial.ended`, tells sampler and scheduler, then fills the slot, all in one
 *     synchronous step), or its `trial.ended` was recorded (heard through {@link SimulatedLauncher.observe};
 *     needed when no launch follows, e.g. the study's last trials), or — when nothing is observed, the
 *     launcher used on its own — its reader has seen the end of `lines`.
 * With `conservative: true` the relaxations are off: a reader must be parked on `next()`, and an exited
 * trial waits for its `trial.ended` (after the runner's fsync). Both modes write the same log; the
 * default just does not wait for disk I/O that cannot change it.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrialId } from '../../shared/ids';
import type { Config } from '../space/searchSpace';
import type { SequencedEvent } from '../store/events';
import type { StudySnapshot } from '../store/project';
import type { StudyRunner } from '../study';
import type { Listenable } from '../util/emitter';
import { createRng } from '../util/rng';
import type { ScheduledEvent, VirtualClock, VirtualRunStats } from '../util/virtualClock';
import type { ExitInfo, Launcher, LaunchSpec, OutputLine, TrialHandle } from './launcher';

/**
 * One epoch's outcome: the metric value (NaN and ±Infinity allowed), a line without the metric, or a
 * crash (the process exits with `code`, default 1, instead of printing this epoch).
 */
export type CurvePoint = number | { readonly kind: 'missing' } | { readonly kind: 'crash'; readonly code?: number };

/** The metric a trial with `config` reports after `epoch` (1-based). Must be a pure function. */
export type LearningCurve = (config: Config, epoch: number, trialNumber: number) => CurvePoint;

/** Options of {@link createSimulatedLauncher}. */
export interface SimulatedLauncherOptions {
  readonly clock: VirtualClock;
  readonly curve: LearningCurve;
  /** Virtual seconds per epoch, constant or per config (default 1). */
  readonly epochSeconds?: number | ((config: Config, trialNumber: number) => number);
  /** Virtual seconds from launch to the first epoch's start (process start, data loading; default 0). */
  readonly startupSeconds?: number;
  /**
   * Virtual ms a trial takes to exit after SIGTERM (default 0). Capped by the kill grace (`stop(graceMs)`,
   * else the spec's `killGraceMs`), in which case it ends by SIGKILL.
   */
  readonly stopDelayMs?: number;
  /** Metric name printed (default `val_loss`). */
  readonly metric?: string;
  /** Append the printed lines to `<trialDir>/output.log` at exit, like the local launcher (default false: speed). */
  readonly writeOutputLog?: boolean;
  /** Hold the clock for disk I/O that cannot change the log too (see the module comment; default false). */
  readonly conservative?: boolean;
}

/** Counters of a {@link SimulatedLauncher}. */
export interface SimulatedLauncherStats {
  readonly launches: number;
  readonly lines: number;
}

/** A {@link Launcher} that replays learning curves in virtual time. */
export interface SimulatedLauncher extends Launcher {
  readonly id: 'simulated';
  /**
   * Hears the runner's events, so that an exited trial that no launch follows holds the clock until its
   * `trial.ended` is recorded (see the module comment). Needed whenever a study runner drives this
   * launcher; returns an unsubscribe function. {@link runSimulatedStudy} does this for you.
   */
  observe(events: Listenable<SequencedEvent>): () => void;
  /** The epoch of `trialId`'s checkpoint: the last one its latest launch printed (0 if none); a resumed launch continues after it. */
  progress(trialId: TrialId): number;
  readonly stats: SimulatedLauncherStats;
}

/** What one launch keeps. */
interface SimTrial {
  readonly id: TrialId;
  readonly buffer: OutputLine[];
  /** The reader's pending `next()`, when it is parked. */
  waiter: ((result: IteratorResult<OutputLine>) => void) | undefined;
  /** A line was handed to the reader, which has not asked for the next one yet (it is still handling it). */
  inHand: boolean;
  iterated: boolean;
  /** The reader saw the end of `lines` (or left the loop). */
  readerDone: boolean;
  exit: ExitInfo | undefined;
  /** Launch count when it exited: a higher count means the runner has handled the end and refilled. */
  launchesAtExit: number;
  /** The runner recorded this launch's end (`trial.ended` heard). */
  recorded: boolean;
  /** The trial's next epoch or exit, and its timeout; cancelled on stop. */
  step: ScheduledEvent | undefined;
  timeout: ScheduledEvent | undefined;
  /** Why we are ending it, once stop/timeout began. */
  ending: 'stopped' | 'timedOut' | undefined;
  readonly log: string[] | undefined;
  readonly trialDir: string;
  resolveExit: (exit: ExitInfo) => void;
}

/** Creates the simulated launcher (`id: 'simulated'`). `launch()` never rejects. */
export function createSimulatedLauncher(options: SimulatedLauncherOptions): SimulatedLauncher {
  const { clock, curve } = options;
  const conservative = options.conservative ?? false;
  const metric = options.metric ?? 'val_loss';
  const startupMs = (options.startupSeconds ?? 0) * 1000;
  const stopDelayMs = options.stopDelayMs ?? 0;
  const epochSecondsOf = options.epochSeconds ?? 1;
  /** Launches not yet idle-for-good, per trial id, oldest first (a promoted trial can relaunch before its end is recorded). */
  const live = new Map<TrialId, SimTrial[]>();
  const progress = new Map<TrialId, number>();
  let observing = 0;
  let disposed = false;
  let launches = 0;
  let lineCount = 0;

  /** Whether `t` still needs the runner to react before the clock may move (called every driver turn). */
  const busy = (t: SimTrial): boolean => {
    if (t.exit === undefined) {
      if (t.readerDone) return false;
      return t.inHand || t.buffer.length > 0 || (conservative && t.waiter === undefined);
    }
    if (observing > 0) return !t.recorded && (conservative || launches <= t.launchesAtExit);
    return !t.readerDone;
  };

  const whyBusy = (t: SimTrial): string => {
    if (t.exit === undefined) {
      if (t.inHand) return `trial ${t.id}: the runner is handling an output line`;
      return t.buffer.length > 0 ? `trial ${t.id}: output line not taken by the runner` : `trial ${t.id}: output not read yet`;
    }
    return observing > 0 ? `trial ${t.id}: exited, end not yet handled by the runner` : `trial ${t.id}: exited, end of output not yet read`;
  };

  /**
   * A launch leaves `live` once nothing more will be heard of it: exited and its `trial.ended` recorded
   * (kept until then even when already idle, so the next `trial.ended` of that id matches the oldest
   * launch), or, unobserved, its reader saw the end.
   */
  const prune = (t: SimTrial): void => {
    if (t.exit === undefined || !(observing > 0 ? t.recorded : t.readerDone)) return;
    const list = live.get(t.id);
    if (!list) return;
    const i = list.indexOf(t);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) live.delete(t.id);
  };

  const firstBusy = (): SimTrial | undefined => {
    for (const list of live.values()) {
      for (const t of list) if (busy(t)) return t;
    }
    return undefined;
  };
  clock.addIdleCheck({
    idle: () => firstBusy() === undefined,
    why: () => {
      const t = firstBusy();
      return t ? whyBusy(t) : 'idle';
    },
  });

  const emit = (t: SimTrial, stream: OutputLine['stream'], text: string): void => {
    lineCount++;
    t.log?.push(text);
    const line: OutputLine = { stream, text, at: clock.now() };
    const waiter = t.waiter;
    if (waiter && t.buffer.length === 0) {
      t.waiter = undefined;
      t.inHand = true;
      waiter({ value: line, done: false });
    } else {
      t.buffer.push(line);
    }
    clock.touch();
  };

  const finish = (t: SimTrial, exit: ExitInfo): void => {
    if (t.exit) return;
    t.step?.cancel();
    t.timeout?.cancel();
    let detail = exit.detail;
    if (t.log && t.log.length > 0) {
      try {
        appendFileSync(join(t.trialDir, 'output.log'), `${t.log.join('\n')}\n`);
      } catch (e) {
        detail = `writing output.log failed: ${(e as Error).message}`;
      }
    }
    t.exit = detail === undefined ? exit : { ...exit, detail };
    t.launchesAtExit = launches;
    const waiter = t.waiter;
    if (waiter && t.buffer.length === 0) {
      t.waiter = undefined;
      t.readerDone = true;
      waiter({ value: undefined, done: true });
    }
    t.resolveExit(t.exit);
    clock.touch();
    prune(t);
  };

  /** SIGTERM now; the script needs `stopDelayMs`, SIGKILL comes after `graceMs`. */
  const terminate = (t: SimTrial, why: 'stopped' | 'timedOut', graceMs: number): void => {
    if (t.exit || t.ending) return;
    t.ending = why;
    t.step?.cancel();
    t.timeout?.cancel();
    const killed = stopDelayMs > graceMs;
    const exit: ExitInfo = { code: null, signal: killed ? 'SIGKILL' : 'SIGTERM', cause: why };
    const delay = Math.min(stopDelayMs, Math.max(0, graceMs));
    if (delay <= 0) finish(t, exit);
    else t.step = clock.after(delay, () => finish(t, exit));
  };

  const linesOf = (t: SimTrial): AsyncIterable<OutputLine> => ({
    [Symbol.asyncIterator]: (): AsyncIterator<OutputLine> => {
      if (t.iterated) throw new Error(`the output of trial ${t.id} can be read only once`);
      t.iterated = true;
      clock.touch();
      return {
        next: (): Promise<IteratorResult<OutputLine>> => {
          clock.touch();
          const line = t.buffer.shift();
          t.inHand = line !== undefined;
          if (line) return Promise.resolve({ value: line, done: false });
          if (t.exit) {
            t.readerDone = true;
            prune(t);
            return Promise.resolve({ value: undefined, done: true });
          }
          return new Promise((resolve) => (t.waiter = resolve));
        },
        return: (): Promise<IteratorResult<OutputLine>> => {
          t.readerDone = true;
          t.inHand = false;
          t.buffer.length = 0;
          clock.touch();
          prune(t);
          return Promise.resolve({ value: undefined, done: true });
        },
      };
    },
  });

  const launch = (spec: LaunchSpec): TrialHandle => {
    launches++;
    clock.touch();
    let resolveExit!: (exit: ExitInfo) => void;
    const exited = new Promise<ExitInfo>((resolve) => (resolveExit = resolve));
    const t: SimTrial = {
      id: spec.trialId,
      buffer: [],
      waiter: undefined,
      inHand: false,
      iterated: false,
      readerDone: false,
      exit: undefined,
      launchesAtExit: 0,
      recorded: false,
      step: undefined,
      timeout: undefined,
      ending: undefined,
      log: options.writeOutputLog ? [] : undefined,
      trialDir: spec.trialDir,
      resolveExit,
    };
    const list = live.get(t.id) ?? [];
    list.push(t);
    live.set(t.id, list);
    const handle: TrialHandle = {
      external: { kind: 'none' },
      lines: linesOf(t),
      exited,
      stop: (graceMs?: number): Promise<void> => {
        clock.touch();
        terminate(t, 'stopped', graceMs ?? spec.killGraceMs);
        return exited.then(() => undefined);
      },
    };

    const parsed = disposed ? { error: 'launcher disposed' } : parseLaunch(spec);
    if ('error' in parsed) {
      finish(t, { code: null, signal: null, cause: 'launchFailed', detail: parsed.error });
      return handle;
    }
    const { config, budget, number } = parsed;
    const epochSeconds = typeof epochSecondsOf === 'number' ? epochSecondsOf : epochSecondsOf(config, number);
    const epochMs = Math.max(0, Number.isFinite(epochSeconds) ? epochSeconds * 1000 : 0);
    const lastEpoch = Math.floor(budget + 1e-9);
    const reached = parsed.resume ? (progress.get(t.id) ?? 0) : 0;
    const startAt = clock.now() + startupMs;

    const runEpoch = (epoch: number): void => {
      t.step = undefined;
      let point: CurvePoint;
      try {
        point = curve(config, epoch, number);
      } catch (e) {
        emit(t, 'stderr', `simulated curve failed at epoch ${epoch}: ${(e as Error).message}`);
        finish(t, { code: 1, signal: null, cause: 'exited' });
        return;
      }
      if (typeof point === 'object' && point.kind === 'crash') {
        emit(t, 'stderr', `simulated crash at epoch ${epoch}`);
        finish(t, { code: point.code ?? 1, signal: null, cause: 'exited' });
        return;
      }
      const text = typeof point === 'number' ? `epoch=${epoch} ${metric}=${formatMetric(point)}` : `epoch=${epoch} training`;
      emit(t, 'stdout', text);
      // Like a script that checkpoints every epoch: a fresh (non-resume) launch overwrites the checkpoint.
      progress.set(t.id, epoch);
      if (epoch < lastEpoch) t.step = clock.after(epochMs, () => runEpoch(epoch + 1));
      // Exit as its own event at the same instant: the runner reacts to the last report before the exit.
      else t.step = clock.after(0, () => finish(t, { code: 0, signal: null, cause: 'exited' }));
    };

    if (reached >= lastEpoch) {
      // Nothing left to train: a checkpointed script evaluates what it has, reports it, and exits.
      if (reached > 0) t.step = clock.schedule(startAt, () => runEpoch(reached));
      else t.step = clock.schedule(startAt, () => finish(t, { code: 0, signal: null, cause: 'exited' }));
    } else {
      t.step = clock.schedule(startAt + epochMs, () => runEpoch(reached + 1));
    }
    if (spec.timeoutMs !== undefined) {
      t.timeout = clock.after(spec.timeoutMs, () => terminate(t, 'timedOut', spec.killGraceMs));
    }
    return handle;
  };

  return {
    id: 'simulated',
    launch: (spec) => Promise.resolve(launch(spec)),
    async dispose(): Promise<void> {
      disposed = true;
      // Immediately (no virtual grace): dispose must not depend on a driver still running the clock.
      for (const list of [...live.values()]) for (const t of [...list]) terminate(t, 'stopped', 0);
      await Promise.resolve();
    },
    observe(events: Listenable<SequencedEvent>): () => void {
      observing++;
      const off = events.on(({ event }) => {
        if (event.type !== 'trial.ended') return;
        // The oldest launch of this trial that exited and is not yet recorded (finalize's synthetic ends match none).
        const t = live.get(event.trialId)?.find((x) => x.exit !== undefined && !x.recorded);
        if (!t) return;
        t.recorded = true;
        clock.touch();
        prune(t);
      });
      return () => {
        off();
        observing--;
      };
    },
    progress: (trialId) => progress.get(trialId) ?? 0,
    get stats(): SimulatedLauncherStats {
      return { launches, lines: lineCount };
    },
  };
}

/** Config, budget, number and resume flag from the RUNG_* environment, or why they are unusable. */
function parseLaunch(spec: LaunchSpec): { config: Config; budget: number; number: number; resume: boolean } | { error: string } {
  const env = spec.env;
  let config: unknown;
  try {
    config = JSON.parse(env['RUNG_PARAMS'] ?? 'null');
  } catch (e) {
    return { error: `RUNG_PARAMS is not JSON: ${(e as Error).message}` };
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return { error: 'RUNG_PARAMS is missing or not a JSON object' };
  const budget = Number(env['RUNG_BUDGET']);
  if (env['RUNG_BUDGET'] === undefined || !Number.isFinite(budget) || budget < 0) {
    return { error: `RUNG_BUDGET must be a non-negative number, got ${JSON.stringify(env['RUNG_BUDGET'] ?? null)}` };
  }
  const number = Number(env['RUNG_TRIAL_ID'] ?? spec.trialId);
  return { config: config as Config, budget, number: Number.isFinite(number) ? number : 0, resume: env['RUNG_RESUME'] === '1' };
}

/** Exact round trip for finite values; the parser's words for the others. */
function formatMetric(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Number.POSITIVE_INFINITY) return 'inf';
  if (v === Number.NEGATIVE_INFINITY) return '-inf';
  return String(v);
}

/** Options of {@link runSimulatedStudy}. */
export interface RunSimulatedOptions {
  /** Wall-clock ms the driver may wait on the runner before giving up (see `VirtualRunOptions.stallMs`; default 30 s). */
  readonly stallMs?: number;
}

/**
 * Runs a study whose runner was created with this launcher and clock: observes its events, starts it,
 * drives the virtual clock until `done`, and returns the final snapshot with the driver's counters.
 */
export async function runSimulatedStudy(
  runner: StudyRunner,
  launcher: SimulatedLauncher,
  clock: VirtualClock,
  options?: RunSimulatedOptions,
): Promise<{ snapshot: StudySnapshot; stats: VirtualRunStats }> {
  const unobserve = launcher.observe(runner.events);
  try {
    await runner.start();
    const stats = await clock.run({ until: runner.done, ...(options?.stallMs !== undefined ? { stallMs: options.stallMs } : {}) });
    return { snapshot: await runner.done, stats };
  } finally {
    unobserve();
  }
}

// ---------------------------------------------------------------------------------------------------
// Learning curves from JSON (test/fixtures/curves/*.json)

/** `base + Σ coef·scale(config[param])`, clamped to [min, max]; or a plain number. */
export type CurveExpr =
  | number
  | {
      readonly base?: number;
      readonly terms?: readonly CurveTerm[];
      readonly min?: number;
      readonly max?: number;
    };

/** One linear term of a {@link CurveExpr}; a parameter absent from the config (inactive) adds 0. */
export interface CurveTerm {
  readonly param: string;
  /** Transform of the value before `coef` (default `linear`). */
  readonly scale?: 'linear' | 'log10' | 'log2' | 'ln';
  readonly coef: number;
}

/** Per parameter: equal to a value, or within bounds / among choices. All must hold. */
export type CurveCondition = Readonly<
  Record<
    string,
    | string
    | number
    | boolean
    | { readonly gt?: number; readonly gte?: number; readonly lt?: number; readonly lte?: number; readonly in?: readonly (string | number | boolean)[] }
  >
>;

/**
 * One family: `asymptote + (start − asymptote)·d(epoch)` with d = exp(−rate·epoch) (`exp`) or
 * (1 + epoch)^(−rate) (`power`). The first family whose `when` holds applies.
 */
export interface CurveFamilySpec {
  readonly name?: string;
  readonly when?: CurveCondition;
  readonly shape: 'exp' | 'power';
  readonly start: CurveExpr;
  readonly asymptote: CurveExpr;
  readonly rate: CurveExpr;
}

/** `nan`/`missing`: from `fromEpoch` on the metric is NaN/absent; `crash`: exits with `code` (default 1) at `fromEpoch`. */
export interface CurveFailureSpec {
  readonly when?: CurveCondition;
  readonly kind: 'nan' | 'missing' | 'crash';
  readonly fromEpoch: number;
  readonly code?: number;
}

/** The JSON form of a learning-curve family (see test/fixtures/curves/). */
export interface CurveSpec {
  readonly description?: string;
  readonly metric?: string;
  /** Virtual seconds per epoch (default: whatever the launcher is given). */
  readonly epochSeconds?: CurveExpr;
  /** Relative Gaussian noise: value·(1 + noise·z), z drawn from (seed, trial number, epoch) — reproducible. */
  readonly noise?: number;
  readonly seed?: number;
  readonly families: readonly CurveFamilySpec[];
  readonly failures?: readonly CurveFailureSpec[];
}

/** A compiled {@link CurveSpec}: pass `curve`, `epochSeconds` and `metric` to {@link createSimulatedLauncher}. */
export interface CompiledCurve {
  readonly description: string;
  readonly metric: string | undefined;
  readonly curve: LearningCurve;
  /** The clean (noise-free, failure-free) value, for checks. */
  readonly clean: (config: Config, epoch: number) => number;
  readonly epochSeconds: ((config: Config) => number) | undefined;
}

/** Validates a parsed JSON curve spec and compiles it; throws an Error naming the bad field. */
export function curveFromSpec(json: unknown): CompiledCurve {
  const spec = checkSpec(json);
  const base = createRng(spec.seed ?? 0);
  const noise = spec.noise ?? 0;
  const clean = (config: Config, epoch: number): number => {
    const family = spec.families.find((f) => matches(f.when, config));
    if (!family) throw new Error(`no curve family matches ${JSON.stringify(config)}`);
    const start = evalExpr(family.start, config);
    const asymptote = evalExpr(family.asymptote, config);
    const rate = evalExpr(family.rate, config);
    const decay = family.shape === 'exp' ? Math.exp(-rate * epoch) : Math.pow(1 + epoch, -rate);
    return asymptote + (start - asymptote) * decay;
  };
  const curve: LearningCurve = (config, epoch, trialNumber) => {
    for (const f of spec.failures ?? []) {
      if (!matches(f.when, config)) continue;
      if (f.kind === 'crash' && epoch === f.fromEpoch) return { kind: 'crash', ...(f.code !== undefined ? { code: f.code } : {}) };
      if (f.kind === 'nan' && epoch >= f.fromEpoch) return Number.NaN;
      if (f.kind === 'missing' && epoch >= f.fromEpoch) return { kind: 'missing' };
    }
    const value = clean(config, epoch);
    return noise === 0 ? value : value * (1 + noise * base.fork(`${trialNumber}:${epoch}`).normal());
  };
  const epochExpr = spec.epochSeconds;
  return {
    description: spec.description ?? '',
    metric: spec.metric,
    curve,
    clean,
    epochSeconds: epochExpr === undefined ? undefined : (config) => Math.max(0, evalExpr(epochExpr, config)),
  };
}

const scales = { linear: (x: number) => x, log10: Math.log10, log2: Math.log2, ln: Math.log } as const;

function evalExpr(expr: CurveExpr, config: Config): number {
  if (typeof expr === 'number') return expr;
  let v = expr.base ?? 0;
  for (const term of expr.terms ?? []) {
    const raw = config[term.param];
    if (raw === undefined) continue;
    if (typeof raw !== 'number') throw new Error(`curve term on ${term.param} needs a number, got ${JSON.stringify(raw)}`);
    v += term.coef * scales[term.scale ?? 'linear'](raw);
  }
  if (expr.min !== undefined) v = Math.max(expr.min, v);
  if (expr.max !== undefined) v = Math.min(expr.max, v);
  return v;
}

function matches(when: CurveCondition | undefined, config: Config): boolean {
  if (!when) return true;
  for (const [param, cond] of Object.entries(when)) {
    const v = config[param];
    if (typeof cond !== 'object') {
      if (v !== cond) return false;
      continue;
    }
    if (cond.in && !cond.in.some((c) => c === v)) return false;
    const bounded = cond.gt !== undefined || cond.gte !== undefined || cond.lt !== undefined || cond.lte !== undefined;
    if (!bounded) continue;
    if (typeof v !== 'number') return false;
    if (cond.gt !== undefined && !(v > cond.gt)) return false;
    if (cond.gte !== undefined && !(v >= cond.gte)) return false;
    if (cond.lt !== undefined && !(v < cond.lt)) return false;
    if (cond.lte !== undefined && !(v <= cond.lte)) return false;
  }
  return true;
}

// Structural checks: a fixture typo should fail loudly with its path, not simulate something else.

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function checkExpr(v: unknown, at: string): void {
  if (typeof v === 'number') return;
  if (!isRecord(v)) throw new Error(`curve spec: ${at} must be a number or {base, terms, min, max}`);
  for (const k of ['base', 'min', 'max'] as const) {
    if (v[k] !== undefined && typeof v[k] !== 'number') throw new Error(`curve spec: ${at}.${k} must be a number`);
  }
  if (v['terms'] === undefined) return;
  if (!Array.isArray(v['terms'])) throw new Error(`curve spec: ${at}.terms must be a list`);
  v['terms'].forEach((term: unknown, i) => {
    const here = `${at}.terms[${i}]`;
    if (!isRecord(term) || typeof term['param'] !== 'string' || typeof term['coef'] !== 'number') {
      throw new Error(`curve spec: ${here} needs param (string) and coef (number)`);
    }
    if (term['scale'] !== undefined && !(typeof term['scale'] === 'string' && term['scale'] in scales)) {
      throw new Error(`curve spec: ${here}.scale must be one of ${Object.keys(scales).join(', ')}`);
    }
  });
}

function checkWhen(v: unknown, at: string): void {
  if (v === undefined) return;
  if (!isRecord(v)) throw new Error(`curve spec: ${at} must be an object of parameter conditions`);
  for (const [param, cond] of Object.entries(v)) {
    if (['string', 'number', 'boolean'].includes(typeof cond)) continue;
    if (!isRecord(cond)) throw new Error(`curve spec: ${at}.${param} must be a value or {gt, gte, lt, lte, in}`);
    for (const k of Object.keys(cond)) {
      if (!['gt', 'gte', 'lt', 'lte', 'in'].includes(k)) throw new Error(`curve spec: ${at}.${param}.${k} is not a condition`);
    }
  }
}

function checkSpec(json: unknown): CurveSpec {
  if (!isRecord(json)) throw new Error('curve spec: must be a JSON object');
  const families = json['families'];
  if (!Array.isArray(families) || families.length === 0) throw new Error('curve spec: families must be a non-empty list');
  families.forEach((f: unknown, i) => {
    const at = `families[${i}]`;
    if (!isRecord(f)) throw new Error(`curve spec: ${at} must be an object`);
    if (f['shape'] !== 'exp' && f['shape'] !== 'power') throw new Error(`curve spec: ${at}.shape must be "exp" or "power"`);
    for (const k of ['start', 'asymptote', 'rate']) checkExpr(f[k], `${at}.${k}`);
    checkWhen(f['when'], `${at}.when`);
  });
  const failures = json['failures'];
  if (failures !== undefined) {
    if (!Array.isArray(failures)) throw new Error('curve spec: failures must be a list');
    failures.forEach((f: unknown, i) => {
      const at = `failures[${i}]`;
      if (!isRecord(f) || !['nan', 'missing', 'crash'].includes(String(f['kind']))) throw new Error(`curve spec: ${at}.kind must be nan, missing or crash`);
      if (typeof f['fromEpoch'] !== 'number') throw new Error(`curve spec: ${at}.fromEpoch must be a number`);
      if (f['code'] !== undefined && typeof f['code'] !== 'number') throw new Error(`curve spec: ${at}.code must be a number`);
      checkWhen(f['when'], `${at}.when`);
    });
  }
  if (json['epochSeconds'] !== undefined) checkExpr(json['epochSeconds'], 'epochSeconds');
  for (const k of ['noise', 'seed'] as const) {
    if (json[k] !== undefined && typeof json[k] !== 'number') throw new Error(`curve spec: ${k} must be a number`);
  }
  for (const k of ['description', 'metric'] as const) {
    if (json[k] !== undefined && typeof json[k] !== 'string') throw new Error(`curve spec: ${k} must be a string`);
  }
  return json as unknown as CurveSpec;
}
