/**
 * createStudyRunnerInWorker: the same StudyRunner as createStudyRunner, with the study loop (sampler asks
 * and tells, scheduler, launches, log writes) in a `node:worker_threads` worker, so a slow `ask` (a GP fit
 * of up to ~0.6 s at 200 trials) never blocks the calling thread: the VS Code extension host runs every
 * study this way. The worker (studyWorker.ts, bundled as dist/studyWorker.js) runs the real
 * createStudyRunner and posts each event as it is written; this side applies them to its own
 * StudyProjection before its listeners hear of them, so `snapshot()` is synchronous and matches the
 * events delivered so far.
 *
 * Trials left behind by a worker that ends early (crash, `terminate()`) are ended from this side too: the
 * groups the snapshot shows running (checked by their RUNG_TRIAL_DIR, so a reused pid is never signalled)
 * get SIGTERM, the kill grace and SIGKILL before `done` rejects; a launch this side has not heard of yet
 * is ended by the reaper the worker started (its pipe closes with the thread), and the study's lock it
 * left is released so the study can be resumed. If this whole process exits while a study runs, an exit
 * hook SIGKILLs the groups the snapshot shows running, and the reaper ends the rest (also after SIGKILL,
 * which runs no hook).
 *
 * The study lock names this process, so the CLI and other windows see the study as running; threads of
 * one process tell each other's locks apart by time (studyLock.ts).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TrialId } from '../../shared/ids';
import { isTrialGroupAlive, signalGroup, terminateGroup } from '../runner/processTree';
import type { SequencedEvent } from '../store/events';
import { StudyProjection, type StudySnapshot } from '../store/project';
import { releaseAbandonedLock } from '../store/studyLock';
import type { StudyRunner } from '../study';
import { Emitter } from '../util/emitter';
import { quietDeferred } from '../util/deferred';
import type { FromWorker, ToWorker, WorkerRunnerOptions } from './protocol';

export interface WorkerStudyRunnerOptions extends WorkerRunnerOptions {
  /** Informational messages from the study (called on this thread). */
  readonly log?: (message: string) => void;
  /**
   * The bundled worker entry (dist/studyWorker.js). Default: `studyWorker.js` next to this code, which is
   * right in the bundles (dist/extension.js, dist/cli.js), not when running the TypeScript sources.
   */
  readonly workerScript?: string;
}

export interface WorkerStudyRunner extends StudyRunner {
  /**
   * Ends the worker at once, without a graceful stop (no `study.ended` is written: a resume re-runs what
   * was cut short). Trials still running are ended as described above; `done` rejects. For a host that
   * cannot wait for `stop()`; a no-op once the study has ended.
   */
  terminate(): Promise<void>;
}

/** Runners whose worker is running, for the exit hook. */
const running = new Set<{ readonly key: string; readonly snapshot: () => StudySnapshot }>();
let exitHookInstalled = false;

/** Trials a snapshot shows with a live process group: `[pgid, trialDir]`. */
function liveGroups(snapshot: StudySnapshot): Array<[number, string]> {
  const groups: Array<[number, string]> = [];
  for (const t of snapshot.trials) {
    const live = t.status === 'launching' || t.status === 'running' || t.status === 'stopping';
    if (live && t.pid !== undefined && t.trialDir !== undefined && isTrialGroupAlive(t.pid, t.trialDir)) groups.push([t.pid, t.trialDir]);
  }
  return groups;
}

function killRunningSync(): void {
  for (const r of running) for (const [pgid] of liveGroups(r.snapshot())) signalGroup(pgid, 'SIGKILL');
  running.clear();
}

/**
 * A StudyRunner whose study runs in a worker thread (see the file header). Only serialisable options
 * travel: `log` stays on this thread; an injected `launcher` or `clock` is not supported (the worker always
 * uses the launcher the study file names, local or slurm, and the system clock; use createStudyRunner for
 * simulations and fakes).
 * `start()` rejects with the engine's message when the study cannot start (then `done` rejects too and the
 * worker is ended); `done` rejects with the engine's message on an engine error, or with a message saying
 * the worker ended when it dies before the study ends. The worker is terminated once `done` settles.
 */
export function createStudyRunnerInWorker(options: WorkerStudyRunnerOptions): WorkerStudyRunner {
  const { spec } = options;
  const script = options.workerScript ?? path.join(__dirname, 'studyWorker.js');
  const log = options.log ?? (() => undefined);
  const projection = new StudyProjection(spec.name, spec.metric.name, spec.metric.goal);
  const emitter = new Emitter<SequencedEvent>();
  const handle = { key: path.join(path.resolve(options.storeRoot), spec.name), snapshot: () => projection.snapshot };
  const calls = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let nextCall = 0;
  let worker: Worker | undefined;
  let starting: Promise<void> | undefined;
  let resolveStart!: () => void;
  let rejectStart!: (e: Error) => void;
  /** Set once the outcome is known: later messages and the worker's own exit change nothing. */
  let settled = false;
  /** An uncaught error in the worker, reported by its `exit` that follows. */
  let workerError: Error | undefined;
  /** When the worker was started: a lock of this process taken since then is the worker's. */
  let spawnedAt = 0;

  // Like createStudyRunner's: nobody may be listening to `done` yet (e.g. when start() fails).
  const { promise: done, resolve: resolveDone, reject: rejectDone } = quietDeferred<StudySnapshot>();

  const send = (message: ToWorker): void => worker?.postMessage(message);

  /**
   * The study is over, or the worker is gone: end the worker, then settle `done`. On an error, trials the
   * snapshot shows running are ended; `abandoned` (the worker died, or the engine failed): the lock it may
   * have left is released too.
   */
  const settle = async (error?: Error, abandoned = false): Promise<void> => {
    if (settled) return;
    settled = true;
    running.delete(handle);
    rejectStart(error ?? new Error('the study ended while starting'));
    await worker?.terminate().catch(() => undefined);
    if (error) {
      const graceMs = spec.launcher.killGraceSeconds * 1000;
      await Promise.all(liveGroups(projection.snapshot).map(([pgid]) => terminateGroup(pgid, graceMs)));
    }
    // A trial stop still unanswered is done now: nothing of the study runs any more.
    for (const call of calls.values()) call.resolve();
    calls.clear();
    if (abandoned) {
      // Unless another runner of this process runs the same study (then the lock is its own).
      if (![...running].some((r) => r.key === handle.key)) await releaseAbandonedLock(options.storeRoot, spec.name, spawnedAt).catch(() => false);
    }
    if (error) rejectDone(error);
    else resolveDone(projection.snapshot);
  };

  const onMessage = (message: FromWorker): void => {
    if (settled) return;
    switch (message.type) {
      case 'event':
        projection.apply(message.event);
        emitter.emit(message.event);
        return;
      case 'replayed':
        projection.applyAll(message.events);
        return;
      case 'log':
        log(message.message);
        return;
      case 'started':
        resolveStart();
        return;
      case 'startFailed': {
        // The engine released the lock it took (one held by someone else stays theirs).
        const error = new Error(message.message);
        rejectStart(error);
        void settle(error);
        return;
      }
      case 'reply': {
        const call = calls.get(message.call);
        calls.delete(message.call);
        if (message.error === undefined) call?.resolve();
        else call?.reject(new Error(message.error));
        return;
      }
      case 'done':
        void settle();
        return;
      case 'failed':
        void settle(new Error(message.message), true);
        return;
    }
  };

  const start = (): Promise<void> => {
    starting ??= new Promise<void>((resolve, reject) => {
      resolveStart = resolve;
      rejectStart = reject;
      if (!existsSync(script)) {
        const error = new Error(`the study worker ${script} is missing (npm run build writes dist/studyWorker.js)`);
        reject(error);
        settled = true;
        rejectDone(error);
        return;
      }
      const workerData: WorkerRunnerOptions = {
        spec,
        stored: options.stored,
        storeRoot: options.storeRoot,
        ...(options.python !== undefined ? { python: options.python } : {}),
        ...(options.pythonHelperDir !== undefined ? { pythonHelperDir: options.pythonHelperDir } : {}),
        ...(options.fresh !== undefined ? { fresh: options.fresh } : {}),
      };
      let w: Worker;
      try {
        // No execArgv of the host (an inspector or loader flag of VS Code's would not apply to a thread).
        spawnedAt = Date.now();
        w = new Worker(script, { workerData, execArgv: [] });
      } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        reject(error);
        settled = true;
        rejectDone(error);
        return;
      }
      worker = w;
      running.add(handle);
      if (!exitHookInstalled) {
        exitHookInstalled = true;
        process.on('exit', killRunningSync);
      }
      w.on('message', onMessage);
      w.on('error', (e) => (workerError ??= e));
      w.on('messageerror', (e) => (workerError ??= e));
      w.on('exit', (code) => {
        const why = workerError ? `failed: ${workerError.message}` : `exited (code ${code})`;
        void settle(new Error(`the study worker ${why} before the study ended`), true);
      });
    });
    return starting;
  };

  return {
    study: spec.name,
    events: emitter,
    snapshot: () => projection.snapshot,
    start,
    stopTrial: (id: TrialId) => {
      if (!worker || settled) return Promise.resolve();
      const call = nextCall++;
      return new Promise<void>((resolve, reject) => {
        calls.set(call, { resolve, reject });
        send({ type: 'stopTrial', call, trialId: id });
      });
    },
    // Like createStudyRunner's: resolves once the study has ended (or at once when it never started).
    stop: async (reason) => {
      if (!worker) return;
      if (!settled) send({ type: 'stop', ...(reason !== undefined ? { reason } : {}) });
      await done.catch(() => undefined);
    },
    terminate: async () => {
      if (!worker || settled) return;
      await settle(new Error('the study worker was terminated before the study ended'), true);
    },
    done,
  };
}
