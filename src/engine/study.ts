/**
 * The study loop: it ties sampler, scheduler, launcher, metric parser and store together.
 *
 *   free slot → scheduler.plan → sampler.ask → render argv → launcher.launch
 *   each output line → metric parser → trial.reported → scheduler.onReport (a step on its last report) → stop?
 *   exit → status → trial.ended (fsync) → sampler.tell → next trial in that slot
 *
 * Every fact goes through the event log first; listeners see an event only once it is written (and a
 * finished trial only once it is fsynced), so what the UI shows is never ahead of the disk.
 */
import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TrialId, TrialStatus } from '../shared/ids';
import { createMetricParser } from './metrics/createMetricParser';
import type { MetricParser } from './metrics/metricParser';
import type { OtherMetricKeys } from './metrics/otherKeys';
import { type Judgement, StepJudge, TrialReportReader } from './metrics/trialReports';
import { renderCommand, splitEnvAssignments } from './runner/commandTemplate';
import { trialEnvironment } from './runner/trialEnvironment';
import { detectGpus, GpuPool } from './runner/gpus';
import type { ExitInfo, ExternalRef, Launcher, TrialHandle } from './runner/launcher';
import { createLocalLauncher } from './runner/local';
import { isTrialGroupAlive, terminateGroup } from './runner/processTree';
import { createSlurmLauncher, endLeftoverJobs, slurmJobName, type SlurmJobRef } from './runner/slurm';
import { describeAutoChoice } from './samplers/auto';
import { createSampler } from './samplers/registry';
import type { Sampler } from './samplers/sampler';
import { createScheduler } from './schedulers/registry';
import type { Decision, PromoteEvidence, Scheduler, SlotAction } from './schedulers/scheduler';
import type { Config } from './space/searchSpace';
import type { StudySpec } from './spec/studySpec';
import { describeDecision, type MetricView } from './store/decisionText';
import type { SequencedEvent, StoredSpec, StudyEvent } from './store/events';
import { openStudyWriter, readLock, readStudyEvents, trialDir as trialDirOf, type StudyWriter } from './store/jsonlStore';
import { countTrials, fromStoredNumber, StudyProjection, toStoredNumber, type StudySnapshot } from './store/project';
import { openStudyIndex, summaryOfSnapshot } from './store/studyIndex';
import { type Clock, systemClock } from './util/clock';
import { quietDeferred } from './util/deferred';
import { Emitter, type Listenable } from './util/emitter';
import { createRng, type Rng } from './util/rng';

/** How many output lines a failed trial keeps for its failure message. */
const tailLines = 20;

export interface StudyRunnerOptions {
  readonly spec: StudySpec;
  /** The study file as it should be stored (parsed document and text), for resume and `rung show`. */
  readonly stored: StoredSpec;
  /** Folder holding `<study>/events.jsonl` (default `<spec.cwd>/.rung`). */
  readonly storeRoot: string;
  readonly launcher?: Launcher;
  readonly clock?: Clock;
  /** Interpreter used when a command's program is `python` or `python3` (default: env RUNG_PYTHON, else unchanged). */
  readonly python?: string;
  /** Folder that holds the bundled `rung` Python helper; put on PYTHONPATH for every trial. */
  readonly pythonHelperDir?: string;
  /** Start over: an existing log of this study is moved aside instead of resumed. */
  readonly fresh?: boolean;
  /** Informational messages (resume, seed choice, GPU assignment). */
  readonly log?: (message: string) => void;
  /**
   * On resume: the existing log the study was rebuilt from, called once during `start()` before the first
   * new event. These events are in `snapshot()` but never emitted on `events`; a host that keeps its own
   * projection of the events (the worker-thread runner) applies them first.
   */
  readonly replayed?: (events: readonly SequencedEvent[]) => void;
}

export interface StudyRunner {
  readonly study: string;
  /** Events as they are written (a finished trial after its fsync). */
  readonly events: Listenable<SequencedEvent>;
  snapshot(): StudySnapshot;
  /** Opens the log (lock), replays it when resuming, and starts filling slots; resolves once running. */
  start(): Promise<void>;
  /** Stops one trial (status `stopped`); the study goes on. */
  stopTrial(id: TrialId): Promise<void>;
  /**
   * Idempotent: stops all trials gracefully, writes `study.ended`, releases the lock. During `start()` it
   * waits for start to finish its writes (and end a killed run's leftovers), then the study ends with no
   * trial launched; `start()` still resolves. (Before `start()`, it returns at once and start ends the study.)
   */
  stop(reason?: 'userStopped'): Promise<void>;
  /** Resolves when the study has ended (budget, sampler exhausted, timeout, stop) and the log is closed. */
  readonly done: Promise<StudySnapshot>;
}

/** What the loop needs to (re)launch a trial. */
interface PlannedTrial {
  readonly id: TrialId;
  readonly number: number;
  readonly config: Config;
  /** `{budget}` / RUNG_BUDGET of this launch. */
  readonly budget: number;
}

/** Why a trial is launched: first time, again after a stop/crash (resume), or promoted to a larger budget. */
type LaunchKind = 'new' | 'rerun' | 'promote';

/** Statuses whose observation the sampler is told (a user/shutdown stop or a loss teaches it nothing). */
const toldStatuses: ReadonlySet<TrialStatus> = new Set(['completed', 'pruned', 'failed', 'paused']);

interface LiveTrial {
  readonly trial: PlannedTrial;
  handle?: TrialHandle;
  stopBy?: 'user' | 'scheduler' | 'shutdown' | 'timeout';
  decision?: Exclude<Decision, { kind: 'continue' }>;
  gpus?: readonly number[];
}

export function createStudyRunner(options: StudyRunnerOptions): StudyRunner {
  const { spec } = options;
  const clock = options.clock ?? systemClock;
  const log = options.log ?? (() => undefined);
  const launcher = options.launcher ?? launcherFor(spec, clock);
  // A run that names no interpreter keeps the one the study last ran with (startStudy), as it keeps its trial budget.
  let python = options.python ?? (process.env['RUNG_PYTHON'] || undefined);
  const sign = spec.metric.goal === 'minimize' ? 1 : -1;
  const parser: MetricParser = createMetricParser(spec.metric.format);
  const projection = new StudyProjection(spec.name, spec.metric.name, spec.metric.goal);
  const emitter = new Emitter<SequencedEvent>();
  const live = new Map<TrialId, LiveTrial>();
  /** Trials of an earlier run that must run again (unfinished when the study stopped or crashed). */
  const rerunQueue: PlannedTrial[] = [];
  /** Promotions a scheduler answered from `onExit`, launched at the next free slot. */
  const promoteQueue: Array<{ readonly trialId: TrialId; readonly rung: number; readonly budget: number; readonly evidence?: PromoteEvidence }> = [];

  let writer: StudyWriter | undefined;
  let sampler: Sampler;
  let scheduler: Scheduler;
  let studyRng: Rng;
  let seed = 0;
  let parallel = 1;
  let gpuPool: GpuPool | undefined;
  let nextNumber = 0;
  /** Trials whose epochs count from 0 (TrialReportReader): their relaunches read steps the same way. */
  const epochsFromZero = new Set<TrialId>();
  let samplerExhausted: string | undefined;
  let stopping: 'userStopped' | 'timeout' | undefined;
  let timeoutTimer: NodeJS.Timeout | undefined;
  let studyEnded = false;
  /** start() has reached the loop: from now on a stop stops trials; one before that is applied by start(). */
  let running = false;
  /** Settles when start() has (true) or has not (false) got the study running; undefined before start(). */
  let startOutcome: Promise<boolean> | undefined;
  // `done` is also awaited through start() errors: no unhandled rejection when nobody listens yet.
  const { promise: done, resolve: resolveDone, reject: rejectDone } = quietDeferred<StudySnapshot>();

  /** Writes events and then tells listeners; `sync` fsyncs first (trial ends). */
  const append = async (events: StudyEvent[], sync = false): Promise<void> => {
    if (!writer) throw new Error('study log is not open');
    const last = await writer.append(events, { sync });
    let seq = last - events.length;
    for (const event of events) {
      const sequenced = { seq: ++seq, event };
      projection.apply(sequenced);
      emitter.emit(sequenced);
    }
  };

  const metricView = (): MetricView => ({
    name: spec.metric.name,
    goal: spec.metric.goal,
    ...(projection.snapshot.stepUnit !== undefined ? { stepUnit: projection.snapshot.stepUnit } : {}),
  });

  /** Whether new trials may still be created (promotions and re-runs are not new trials). */
  const newTrialsLeft = (): boolean => {
    if (stopping || samplerExhausted) return false;
    return spec.trials === undefined || nextNumber < spec.trials;
  };

  // The index is a convenience for `rung ls` and the sidebar: refreshed at most once a second of real time
  // while running. Real time on purpose: it paces disk writes, not the study (a virtual clock in
  // simulations would otherwise rewrite the index on every trial end).
  let indexWrittenAt = 0;
  // A change inside the second after a write is written at the end of that second: dropped, two trials
  // ending together would leave the index one end behind until the next trial ends (hours, for long trials).
  let indexTrailing: ReturnType<typeof setTimeout> | undefined;
  const indexUpdateThrottled = (): void => {
    if (studyEnded) return; // finish() writes the last one
    const now = performance.now();
    const wait = 1000 - (now - indexWrittenAt);
    if (wait > 0) {
      if (indexTrailing === undefined) {
        indexTrailing = setTimeout(() => {
          indexTrailing = undefined;
          indexUpdateThrottled();
        }, wait);
        indexTrailing.unref?.();
      }
      return;
    }
    indexWrittenAt = now;
    void indexUpdate().catch(() => undefined);
  };

  const indexUpdate = async (): Promise<void> => {
    const index = await openStudyIndex(options.storeRoot);
    await index.upsert({ ...summaryOfSnapshot(projection.snapshot, spec, clock.now()), pid: process.pid });
  };

  /**
   * Fills free slots; called at start and whenever a trial ends. Order per slot: re-runs of unfinished
   * trials, then what the scheduler wants (promote a paused trial, wait at a rung barrier, or a new
   * trial). Ends the study when nothing runs and nothing can start.
   */
  const fillSlots = (): void => {
    while (live.size < parallel && !stopping) {
      const rerun = rerunQueue.shift();
      if (rerun) {
        startTrial(rerun, 'rerun');
        continue;
      }
      const queued = promoteQueue.shift();
      const action: SlotAction = queued
        ? { kind: 'promote', ...queued, evidence: queued.evidence ?? { rung: queued.rung, loss: Number.NaN, rank: 1, cohort: 1 } }
        : (scheduler.onSlotFree?.({ canStartNew: newTrialsLeft() }) ?? { kind: 'new' });
      if (action.kind === 'promote') {
        promoteTrial(action);
        continue;
      }
      if (action.kind === 'wait') {
        if (live.size === 0) {
          // A barrier with nothing running would never lift: a scheduler bug, reported rather than hung.
          void finish(`scheduler ${scheduler.name} waits with no trial running: ${action.reason}`).catch(fail);
          return;
        }
        break;
      }
      if (!newTrialsLeft()) break;
      const number = nextNumber;
      const trialId = String(number);
      const rng = studyRng.fork(`trial:${number}`);
      const plan = scheduler.plan(trialId, rng);
      const pending: Config[] = [];
      for (const t of live.values()) pending.push(t.trial.config);
      const asked = sampler.ask({ trialId, trialNumber: number, rng, budget: plan.budget, bracket: plan.bracket, pending });
      if (asked.kind === 'exhausted') {
        samplerExhausted = asked.reason;
        log(asked.reason);
        // The planned trial never exists: withdraw it so no rung waits for it.
        scheduler.onExit(trialId, { status: 'stopped' });
        continue;
      }
      nextNumber++;
      const at = clock.now();
      const askedEvent: StudyEvent = {
        type: 'trial.asked',
        at,
        trialId,
        config: asked.config,
        ...(asked.note !== undefined ? { note: asked.note } : {}),
      };
      // The slot is taken synchronously; the log write is ordered before the trial's later events.
      void append([{ type: 'trial.planned', at, trialId, number, plan }, askedEvent]).catch(fail);
      startTrial({ id: trialId, number, config: asked.config, budget: plan.budget }, 'new');
    }
    if (live.size === 0) void finish().catch(fail);
  };

  /** Relaunches a paused trial with a larger budget in its own folder (RUNG_RESUME=1). */
  const promoteTrial = (action: Extract<SlotAction, { kind: 'promote' }>): void => {
    const t = projection.trial(action.trialId);
    if (!t?.config) throw new Error(`scheduler ${scheduler.name} promoted unknown trial ${action.trialId}`);
    const decision: Decision = { kind: 'promote', rung: action.rung, budget: action.budget, evidence: action.evidence };
    void append([{ type: 'trial.decided', at: clock.now(), trialId: t.id, decision }]).catch(fail);
    startTrial({ id: t.id, number: t.number, config: t.config, budget: action.budget }, 'promote');
  };

  const startTrial = (trial: PlannedTrial, kind: LaunchKind): void => {
    const entry: LiveTrial = { trial };
    if (gpuPool) entry.gpus = gpuPool.take(spec.resources.gpusPerTrial);
    live.set(trial.id, entry);
    void runTrial(entry, kind !== 'new').catch(fail);
  };

  const runTrial = async (entry: LiveTrial, isResume: boolean): Promise<void> => {
    const { id: trialId, config, budget } = entry.trial;
    const dir = trialDirOf(options.storeRoot, spec.name, trialId);
    mkdirSync(dir, { recursive: true });
    const words = renderCommand(spec.command, { config, space: spec.space, budget, trialId, trialDir: dir });
    // `OMP_NUM_THREADS=1 python3 train.py …`: leading assignments are the trial's environment, as in a shell.
    const { env: commandEnv, argv } = splitEnvAssignments(words);
    if (python && (argv[0] === 'python' || argv[0] === 'python3')) argv[0] = python;
    // Logged as a shell would run it (`rung show` reproduces it): the assignments, then the program's argv.
    const loggedArgv = [...Object.entries(commandEnv).map(([name, value]) => `${name}=${value}`), ...argv];
    const env = trialEnvironment({
      studyName: spec.name,
      launcherEnv: spec.launcher.env,
      commandEnv,
      trialId,
      trialDir: dir,
      config,
      budget,
      resume: isResume,
      ...(options.pythonHelperDir ? { pythonHelperDir: options.pythonHelperDir } : {}),
      ...(entry.gpus ? { gpus: entry.gpus } : {}),
    });
    writeFileSync(path.join(dir, 'params.json'), `${JSON.stringify(config, null, 2)}\n`);

    const handle = await launcher.launch({
      trialId,
      argv,
      cwd: spec.cwd,
      env,
      trialDir: dir,
      killGraceMs: spec.launcher.killGraceSeconds * 1000,
      ...(spec.launcher.trialTimeoutSeconds !== undefined ? { timeoutMs: spec.launcher.trialTimeoutSeconds * 1000 } : {}),
    });
    entry.handle = handle;
    // A stop that arrived while launching applies now.
    if (entry.stopBy) void handle.stop();
    await append([
      {
        type: 'trial.launched',
        at: clock.now(),
        trialId,
        argv: loggedArgv,
        cwd: spec.cwd,
        trialDir: dir,
        budget,
        resume: isResume,
        external: handle.external,
      },
    ]);
    indexUpdateThrottled(); // `rung ls` counts the trials running, not only those that ended

    const tail: string[] = [];
    const reader = new TrialReportReader(parser, spec.metric.name, spec.metric.format.kind === 'auto', epochsFromZero.has(trialId));
    /**
     * A progress bar's redraws of the last report (see TrialReportReader) would only grow the log (tens of
     * thousands of events per trial-hour): the latest of them is held back and logged once, when the next
     * report comes or the trial ends — the other values it carries (a running train_loss) are kept as of then.
     */
    let heldRedraw: StudyEvent | undefined;
    const flushRedraw = (): void => {
      if (heldRedraw) void append([heldRedraw]).catch(fail);
      heldRedraw = undefined;
    };
    // The scheduler judges each step on its final report (StepJudge); a stop it decides ends the trial.
    const judge = new StepJudge();
    const decide = ({ step, value }: Judgement, events: StudyEvent[], running: boolean): void => {
      if (entry.stopBy) return;
      const decision = scheduler.onReport({ trialId, resource: step, loss: sign * value });
      if (decision.kind !== 'stop') return;
      entry.decision = decision;
      entry.stopBy = 'scheduler';
      events.push({ type: 'trial.decided', at: clock.now(), trialId, decision });
      events.push({ type: 'trial.stopRequested', at: clock.now(), trialId, by: 'scheduler' });
      if (running) void handle.stop();
    };
    for await (const line of handle.lines) {
      tail.push(line.text);
      if (tail.length > tailLines) tail.shift();
      const read = reader.read(line.text);
      if (!read) continue;
      const values: Record<string, ReturnType<typeof toStoredNumber>> = {};
      for (const [k, v] of Object.entries(read.values)) values[k] = toStoredNumber(v);
      if (read.kind === 'redraw') {
        heldRedraw = { type: 'trial.reported', at: line.at, trialId, step: read.step, values, redraw: true };
        continue;
      }
      flushRedraw();
      // A trial whose epochs count from 0 says so once, so that its relaunches (and a resume) keep it.
      const fromZeroNow = reader.countsFromZero && !epochsFromZero.has(trialId);
      if (fromZeroNow) epochsFromZero.add(trialId);
      const events: StudyEvent[] = [
        {
          type: 'trial.reported',
          at: line.at,
          trialId,
          step: read.step,
          values,
          ...(read.provisional ? { provisional: true as const } : {}),
          ...(fromZeroNow ? { epochsFromZero: true as const } : {}),
        },
      ];
      for (const due of judge.report(read.step, read.value, read.provisional)) decide(due, events, true);
      // Reports are written in call order without waiting for each other (the reader must keep up with the
      // script); the trial's end is appended after them, so the log order is right without awaiting here.
      void append(events).catch(fail);
    }
    flushRedraw();
    const exit = await handle.exited;
    // The last step of a trial that reported several times per step, judged once the script ended by itself.
    const lastDue = exit.cause === 'exited' && exit.code === 0 ? judge.end() : undefined;
    if (lastDue) {
      const events: StudyEvent[] = [];
      decide(lastDue, events, false);
      if (events.length > 0) void append(events).catch(fail);
    }

    const { reports, lastValue, lastStep } = reader;
    const classified = classify(exit, entry, reports, lastValue, lastStep, tail, reader.otherKeys);
    // Promotion mode: a trial that reached a rung below the top budget waits there to be promoted.
    const ended =
      scheduler.mode === 'promotion' && classified.status === 'completed' && budget < spec.scheduler.maxBudget
        ? { ...classified, status: 'paused' as const }
        : classified;
    // Queue the fsynced end first so the log order is right, but launch the next trial without waiting
    // for the disk: listeners still hear of this trial's end only after the fsync.
    const trialEndWritten = append([{ type: 'trial.ended', at: clock.now(), trialId, ...ended }], true);
    if (entry.gpus && gpuPool) gpuPool.give(entry.gpus);
    live.delete(trialId);
    if (toldStatuses.has(ended.status)) {
      sampler.tell(observationOf(trialId, entry.trial.number, config, ended.status, ended.value, ended.step));
    }
    const after = scheduler.onExit(trialId, {
      status: ended.status,
      ...(reports > 0 ? { lastResource: lastStep } : {}),
      ...(lastValue !== undefined ? { lastLoss: sign * lastValue } : {}),
    });
    if (after.kind === 'promote') promoteQueue.push({ trialId, rung: after.rung, budget: after.budget, ...(after.evidence ? { evidence: after.evidence } : {}) });
    fillSlots();
    await trialEndWritten;
    indexUpdateThrottled();
  };

  const classify = (
    exit: ExitInfo,
    entry: LiveTrial,
    reports: number,
    lastValue: number | undefined,
    lastStep: number,
    tail: readonly string[],
    otherKeys: OtherMetricKeys,
  ): { status: TrialStatus; exit: ExitInfo; reason?: string; tail?: readonly string[]; value: number | null; step: number | null } => {
    const finite = lastValue !== undefined && Number.isFinite(lastValue) ? lastValue : null;
    const step = reports > 0 ? lastStep : null;
    const metric = spec.metric.name;
    if (exit.cause === 'launchFailed') {
      return { status: 'failed', exit, reason: `could not start: ${exit.detail ?? 'unknown reason'}`, value: null, step: null };
    }
    if (entry.stopBy === 'scheduler' && entry.decision) {
      return { status: 'pruned', exit, reason: describeDecision(entry.trial.id, entry.decision, metricView()), value: finite, step };
    }
    if (entry.stopBy === 'user' || entry.stopBy === 'shutdown') {
      return { status: 'stopped', exit, reason: entry.stopBy === 'user' ? 'stopped by user' : 'study stopped', value: finite, step };
    }
    if (entry.stopBy === 'timeout') {
      return { status: 'stopped', exit, reason: 'study timeout reached', value: finite, step };
    }
    if (exit.cause === 'timedOut') {
      return { status: 'failed', exit, reason: `trial timed out after ${spec.launcher.trialTimeoutSeconds ?? 0}s`, tail, value: finite, step };
    }
    if (exit.code !== 0) {
      const how = exit.signal ? `killed by signal ${exit.signal}` : `exit code ${exit.code}`;
      return { status: 'failed', exit, reason: how, tail, value: finite, step };
    }
    if (reports === 0) {
      return { status: 'failed', exit, reason: `metric ${metric} never reported${otherKeys.describe(metric)}`, tail, value: null, step: null };
    }
    if (finite === null) {
      return { status: 'failed', exit, reason: `last ${metric} was ${String(lastValue)} at step ${lastStep}`, tail, value: null, step };
    }
    return { status: 'completed', exit, value: finite, step };
  };

  const observationOf = (
    trialId: TrialId,
    trialNumber: number,
    config: Config,
    status: TrialStatus,
    value: number | null,
    step: number | null,
  ): Parameters<Sampler['tell']>[0] => ({
    trialId,
    trialNumber,
    config,
    budget: step ?? 0,
    loss: value === null || status === 'failed' ? null : sign * value,
    status: status === 'completed' || status === 'paused' ? 'completed' : status === 'pruned' ? 'pruned' : 'failed',
  });

  const finish = async (schedulerError?: string): Promise<void> => {
    if (studyEnded) return;
    studyEnded = true;
    if (timeoutTimer) clearTimeout(timeoutTimer);
    if (indexTrailing) clearTimeout(indexTrailing);
    // Trial ends still queued (the last trial's end fills the slots, which ends the study, before its own
    // write lands): the projection must see them, or a trial that just paused is skipped below.
    await append([]);
    const at = clock.now();
    // Promotion mode: trials still paused at a rung when the study ran out of trials were never promoted;
    // record why they stopped there. A user stop or the study timeout interrupts the study instead: paused
    // trials stay paused, so a resume can still promote them.
    const closing: StudyEvent[] = [];
    const neverPromoted = stopping ? [] : (scheduler.finalize?.() ?? []);
    for (const { trialId, evidence } of neverPromoted) {
      const t = projection.trial(trialId);
      if (!t || t.status !== 'paused') continue;
      const decision: Decision = { kind: 'stop', evidence };
      closing.push({ type: 'trial.decided', at, trialId, decision });
      closing.push({
        type: 'trial.ended',
        at,
        trialId,
        status: 'pruned',
        reason: describeDecision(trialId, decision, metricView()),
        exit: t.exit ?? { code: 0, signal: null, cause: 'exited' },
        value: t.value,
        step: t.valueStep,
      });
    }
    const reason = schedulerError ? 'error' : (stopping ?? (samplerExhausted ? 'samplerExhausted' : 'budgetExhausted'));
    const detail = schedulerError ?? (samplerExhausted && !stopping ? samplerExhausted : undefined);
    closing.push({ type: 'study.ended', at, reason, ...(detail !== undefined ? { detail } : {}) });
    await append(closing, true);
    await indexUpdate().catch(() => undefined);
    await writer?.close();
    resolveDone(projection.snapshot);
  };

  const fail = (error: unknown): void => {
    // An engine error (not a trial failure): stop trials, record it, and surface it through `done`.
    if (studyEnded) return;
    studyEnded = true;
    const detail = error instanceof Error ? error.message : String(error);
    void (async () => {
      await launcher.dispose().catch(() => undefined);
      await writer?.append([{ type: 'study.ended', at: clock.now(), reason: 'error', detail }], { sync: true }).catch(() => undefined);
      await writer?.close().catch(() => undefined);
      rejectDone(error);
    })();
  };

  /**
   * Rebuilds sampler and scheduler state from an existing log, in log order (the same calls the live
   * loop made), and queues the trials that were unfinished for a re-run.
   */
  const replay = (events: readonly SequencedEvent[]): { repairs: StudyEvent[]; orphans: number[]; orphanJobs: SlurmJobRef[] } => {
    // Reports after a stop request were written but never shown to the scheduler; replay skips them too.
    const stopRequested = new Set<TrialId>();
    /** Each trial's last launch: a Slurm job id is not in the projection. */
    const lastExternal = new Map<TrialId, ExternalRef>();
    /** Each running trial's judge, fed as the live loop fed its own; dropped once nothing more is judged. */
    const judges = new Map<TrialId, StepJudge>();
    const judged = (trialId: TrialId, { step, value }: Judgement): void => {
      if (scheduler.onReport({ trialId, resource: step, loss: sign * value }).kind === 'stop') judges.delete(trialId);
    };
    /** The live loop's judgement at a clean end: logged before its stop decision, if any, else before the end. */
    const judgeEnd = (trialId: TrialId): void => {
      const due = judges.get(trialId)?.end();
      judges.delete(trialId);
      if (due) judged(trialId, due);
    };
    for (const sequenced of events) {
      projection.apply(sequenced);
      const e = sequenced.event;
      switch (e.type) {
        case 'trial.launched':
          stopRequested.delete(e.trialId);
          lastExternal.set(e.trialId, e.external);
          judges.set(e.trialId, new StepJudge());
          break;
        case 'trial.stopRequested':
          stopRequested.add(e.trialId);
          judges.delete(e.trialId);
          break;
        case 'trial.planned':
          nextNumber = Math.max(nextNumber, e.number + 1);
          scheduler.plan(e.trialId, studyRng.fork(`trial:${e.number}`));
          break;
        case 'trial.reported': {
          if (e.epochsFromZero) epochsFromZero.add(e.trialId);
          const raw = e.values[spec.metric.name];
          const judge = judges.get(e.trialId);
          // No judge: the trial's stop was decided. A log written before the marks replays as it ran then: every
          // report judged at once (redraws too, as that replay did).
          if (raw === undefined || e.redraw || !judge || stopRequested.has(e.trialId)) break;
          for (const due of judge.report(e.step, fromStoredNumber(raw), e.provisional === true)) judged(e.trialId, due);
          break;
        }
        case 'trial.decided':
          if (e.decision.kind === 'promote') scheduler.replayPromotion?.(e.trialId, e.decision.rung, e.decision.budget);
          else judgeEnd(e.trialId);
          break;
        case 'trial.ended': {
          if (e.exit.cause === 'exited' && e.exit.code === 0) judgeEnd(e.trialId);
          judges.delete(e.trialId);
          const t = projection.trial(e.trialId);
          if (t?.config && toldStatuses.has(e.status)) sampler.tell(observationOf(t.id, t.number, t.config, e.status, e.value, e.step));
          const lastLoss = t?.lastValue ?? null;
          scheduler.onExit(e.trialId, {
            status: e.status,
            ...(e.step !== null ? { lastResource: e.step } : {}),
            ...(lastLoss !== null ? { lastLoss: sign * lastLoss } : {}),
          });
          break;
        }
        default:
          break;
      }
    }
    const repairs: StudyEvent[] = [];
    const orphans: number[] = [];
    const orphanJobs: SlurmJobRef[] = [];
    for (const t of projection.snapshot.trials) {
      const settled = t.status === 'completed' || t.status === 'pruned' || t.status === 'failed' || t.status === 'paused';
      const stoppedByUser = t.status === 'stopped' && t.stopRequestedBy === 'user';
      if (settled || stoppedByUser || !t.config) continue;
      if (t.status !== 'stopped' && t.status !== 'lost') {
        // The runner died with this trial running. Its process group may still be alive (a SIGKILLed
        // runner runs no exit hook): end it before the trial runs again in the same folder.
        if (t.pid !== undefined && t.trialDir !== undefined && isTrialGroupAlive(t.pid, t.trialDir)) {
          orphans.push(t.pid);
        }
        // A Slurm job outlives a killed runner too (whichever launcher the study file names now).
        const external = lastExternal.get(t.id);
        if (external?.kind === 'slurm') orphanJobs.push({ jobId: external.jobId, jobName: slurmJobName(spec.name, t.id) });
        // Record the loss before it runs again.
        repairs.push({
          type: 'trial.ended',
          at: clock.now(),
          trialId: t.id,
          status: 'lost',
          exit: { code: null, signal: null, cause: 'stopped', detail: 'the study process ended while the trial was running' },
          reason: 'lost when the study process ended; re-run on resume',
          value: null,
          step: null,
        });
      }
      // Whatever the log says it ended as (stopped by a shutdown, or lost), it leaves the rung accounting
      // as lost and comes back through onReport when it runs again.
      scheduler.onExit(t.id, { status: 'lost' });
      rerunQueue.push({ id: t.id, number: t.number, config: t.config, budget: t.budget ?? t.plan?.budget ?? spec.scheduler.maxBudget });
    }
    return { repairs, orphans, orphanJobs };
  };

  const start = (): Promise<void> => {
    const started = startStudy();
    startOutcome = started.then(
      () => true,
      () => false,
    );
    return started;
  };

  const startStudy = async (): Promise<void> => {
    mkdirSync(options.storeRoot, { recursive: true });
    if (options.fresh) await archiveExisting(options.storeRoot, spec.name, clock.now());
    writer = await openStudyWriter(options.storeRoot, spec.name);
    const opened = writer;
    let existing: SequencedEvent[];
    let created: StudyEvent | undefined;
    try {
      existing = writer.lastSeq > 0 ? (await readStudyEvents(options.storeRoot, spec.name)).events : [];
      created = existing.find((e) => e.event.type === 'study.created')?.event;
      const storedSeed = created?.type === 'study.created' ? created.seed : undefined;
      if (created?.type === 'study.created') {
        // A seed set now that differs from the one the log records would draw the new trials from another
        // stream than the log says (no seed, or the same one, continues with the recorded seed).
        const seedMismatch = spec.seed !== undefined && storedSeed !== undefined && spec.seed !== storedSeed ? `a different seed (${spec.seed}, the log has ${storedSeed})` : undefined;
        const mismatch = specMismatch(created.spec.source, options.stored.source) ?? seedMismatch;
        if (mismatch) {
          throw new Error(
            `study "${spec.name}" already exists in ${options.storeRoot} with ${mismatch}; ` +
              `run with --fresh to start over (the old log is kept aside), or rename the study`,
          );
        }
      }
      seed = spec.seed ?? storedSeed ?? randomInt(0, 2 ** 31 - 1);
      studyRng = createRng(seed);
      const samplerResult = createSampler(spec.sampler.type, spec.space, spec.sampler.options, seed);
      if (!samplerResult.ok) throw new Error(samplerResult.error);
      sampler = samplerResult.value;
      const schedulerResult = createScheduler(spec.scheduler, seed);
      if (!schedulerResult.ok) throw new Error(schedulerResult.error);
      scheduler = schedulerResult.value;

      parallel = await resolveParallel(spec, log, (pool) => (gpuPool = pool));
    } catch (error) {
      // Nothing was written: release the lock, so this process can start the study again once fixed.
      await opened.close().catch(() => undefined);
      throw error;
    }
    if (spec.sampler.type === 'auto') log(`sampler ${describeAutoChoice(spec.space, spec.sampler.options)}`);

    if (python === undefined && created) {
      const previous = existing.findLast((e) => e.event.type === 'study.started' && e.event.python !== undefined)?.event;
      if (previous?.type === 'study.started' && previous.python !== undefined) {
        python = previous.python;
        log(`python: ${python}, as the study's last run (--python or $RUNG_PYTHON sets another)`);
      }
    }
    // What a later run that names neither keeps (the trial budget, the interpreter).
    const keptSettings = { ...(spec.trials !== undefined ? { trials: spec.trials } : {}), ...(python !== undefined ? { python } : {}) };
    if (created) {
      const { repairs, orphans, orphanJobs } = replay(existing);
      options.replayed?.(existing);
      if (orphans.length > 0) {
        log(`ending ${orphans.length} trial process group(s) left running by the previous study process`);
        await Promise.all(orphans.map((pid) => terminateGroup(pid, spec.launcher.killGraceSeconds * 1000)));
      }
      if (orphanJobs.length > 0) {
        const ended = await endLeftoverJobs(orphanJobs, spec.launcher.killGraceSeconds * 1000);
        if (ended.length > 0) log(`cancelled Slurm job(s) ${ended.join(', ')} left by the previous study process`);
      }
      const counts = countTrials(projection.snapshot);
      log(
        `resuming study ${spec.name}: ${counts.completed + counts.pruned + counts.failed} finished trials kept, ` +
          `${rerunQueue.length} unfinished to re-run`,
      );
      await append([...repairs, { type: 'study.started', at: clock.now(), pid: process.pid, resumed: true, ...keptSettings }]);
    } else {
      if (spec.seed === undefined) log(`no seed in the study file; using seed ${seed} (recorded in the log)`);
      await append([
        { type: 'study.created', v: 1, at: clock.now(), study: spec.name, spec: options.stored, seed },
        { type: 'study.started', at: clock.now(), pid: process.pid, resumed: false, ...keptSettings },
      ]);
    }
    await indexUpdate().catch(() => undefined);
    if (spec.timeoutSeconds !== undefined) {
      timeoutTimer = setTimeout(() => void stopAll('timeout'), spec.timeoutSeconds * 1000);
      timeoutTimer.unref?.();
    }
    // A stop that came during startup has set `stopping`: fillSlots starts nothing and ends the study.
    running = true;
    fillSlots();
  };

  const stopAll = async (reason: 'userStopped' | 'timeout'): Promise<void> => {
    if (!running) {
      // start() is under way (ending a killed run's leftovers can take kill_grace). Ending the study from
      // here would close the log under it; start() sees `stopping` once its writes are done and ends the
      // study in order instead. Leftovers are still ended first, so none survives the stop.
      stopping ??= reason;
      if (!startOutcome || !(await startOutcome)) return; // not started, or failed to: nothing runs
      await done.catch(() => undefined);
      return;
    }
    if (stopping || studyEnded) return done.then(() => undefined);
    stopping = reason;
    const by = reason === 'timeout' ? 'timeout' : 'shutdown';
    const stops: Promise<void>[] = [];
    for (const entry of live.values()) {
      entry.stopBy ??= by;
      stops.push(append([{ type: 'trial.stopRequested', at: clock.now(), trialId: entry.trial.id, by }]));
      if (entry.handle) stops.push(entry.handle.stop());
    }
    await Promise.all(stops);
    if (live.size === 0) await finish();
    await done.catch(() => undefined);
  };

  return {
    study: spec.name,
    events: emitter,
    snapshot: () => projection.snapshot,
    start,
    stopTrial: async (id) => {
      const entry = live.get(id);
      if (!entry || entry.stopBy) return;
      entry.stopBy = 'user';
      await append([{ type: 'trial.stopRequested', at: clock.now(), trialId: id, by: 'user' }]);
      await entry.handle?.stop();
    },
    stop: () => stopAll('userStopped'),
    done,
  };
}

/**
 * Which identity fields of two study documents differ, in words ("a different command", "different
 * parameters, sampler"), so a resume never mixes two different studies.
 */
function specMismatch(stored: unknown, current: unknown): string | undefined {
  const fields = ['command', 'metric', 'parameters', 'sampler', 'scheduler', 'budget'];
  const a = (stored ?? {}) as Record<string, unknown>;
  const b = (current ?? {}) as Record<string, unknown>;
  const differing = fields.filter((f) => canonicalJson(a[f]) !== canonicalJson(b[f]));
  if (differing.length === 0) return undefined;
  return differing.length === 1 && differing[0] !== 'parameters' ? `a different ${differing[0]}` : `different ${differing.join(', ')}`;
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** `--fresh`: moves an existing study folder to `<root>/.archive/<study>-<time>` so nothing is lost. */
async function archiveExisting(root: string, study: string, now: number): Promise<void> {
  const dir = path.join(root, study);
  if (!existsSync(dir)) return;
  const lock = await readLock(root, study);
  if (lock?.alive) throw new Error(`study "${study}" is running (process ${lock.pid}); stop it before starting it fresh`);
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  const target = path.join(root, '.archive', `${study}-${stamp}`);
  mkdirSync(path.dirname(target), { recursive: true });
  renameSync(dir, target);
}

/** The launcher the study file names (a caller may pass its own instead). */
function launcherFor(spec: StudySpec, clock: Clock): Launcher {
  if (spec.launcher.type === 'slurm') {
    return createSlurmLauncher({ study: spec.name, job: { ...spec.launcher.slurm, gpus: spec.resources.gpusPerTrial }, clock });
  }
  return createLocalLauncher({ clock });
}

async function resolveParallel(spec: StudySpec, log: (m: string) => void, setPool: (p: GpuPool) => void): Promise<number> {
  // Slurm picks the GPUs (and sets CUDA_VISIBLE_DEVICES in the job); parseStudySpec refuses `auto` with it.
  if (spec.launcher.type === 'slurm') return spec.parallel === 'auto' ? 1 : spec.parallel;
  const perTrial = spec.resources.gpusPerTrial;
  if (perTrial > 0) {
    const gpus = await detectGpus();
    if (gpus.length < perTrial) {
      throw new Error(
        `resources.gpus_per_trial is ${perTrial} but ${gpus.length === 0 ? 'no NVIDIA GPU was found (nvidia-smi)' : `only ${gpus.length} GPU(s) were found`}`,
      );
    }
    setPool(new GpuPool(gpus));
    const byGpu = Math.floor(gpus.length / perTrial);
    const parallel = spec.parallel === 'auto' ? byGpu : Math.min(spec.parallel, byGpu);
    log(`GPUs ${gpus.join(',')}: ${perTrial} per trial, ${parallel} trial(s) at a time`);
    return parallel;
  }
  return spec.parallel === 'auto' ? availableParallelism() : spec.parallel;
}
