/**
 * The `local` launcher: runs a trial's argv as a child process on this machine.
 *
 * - No shell: argv goes to execve as is, so `1; rm -rf ~` is one literal argument.
 * - Own process group (setsid via `detached: true`): stop/timeout/cleanup signal `-pgid`, which reaches
 *   grandchildren (DataLoader workers, torchrun ranks) too. Detached children are not killed when Node
 *   exits, so live groups are tracked and SIGKILLed on `exit`; the orderly path is `dispose()`.
 * - stdout and stderr are read as raw bytes and handed to {@link createTrialOutput}, which splits them
 *   into lines, appends them to `<trialDir>/output.log` and queues them for `lines`, in arrival order.
 */
import { statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import { systemClock } from '../util/clock';
import type { Clock } from '../util/clock';
import type { ExitInfo, Launcher, LaunchSpec, OutputLine, TrialHandle } from './launcher';
import { terminateGroup, trackGroup, untrackGroup } from './processTree';
import { createTrialOutput, endedLines } from './trialOutput';
import type { TrialOutput } from './trialOutput';

/** Options of {@link createLocalLauncher}. */
export interface LocalLauncherOptions {
  /** Stamps `OutputLine.at` (default: the system clock). */
  readonly clock?: Clock;
  /** Longest output line kept; longer ones are cut (default 64 KiB, see `createLineSplitter`). */
  readonly maxLineLength?: number;
}

/**
 * Once the group is gone, how long the pipes may stay open before we stop reading them. Only a
 * process that left the group (its own setsid) can still hold them; its output is then cut off.
 */
const PIPE_DRAIN_MS = 1000;

/**
 * Creates the local launcher (`id: 'local'`).
 *
 * `launch()` never rejects; a command that cannot start gives a handle whose `exited` resolves with
 * `cause: 'launchFailed'` and the OS reason in `detail` (e.g. `spawn ./nope ENOENT: command not found`).
 *
 * The handle's `lines` can be iterated exactly once (a second `[Symbol.asyncIterator]()` throws). Lines
 * are buffered without limit until read, so a slow consumer loses nothing; breaking out of the loop
 * discards the rest (they are still in `output.log`). `exited` resolves after the leader has exited, the
 * whole process group is gone, `output.log` is flushed and closed, and `lines` has ended.
 */
export function createLocalLauncher(options?: LocalLauncherOptions): Launcher {
  const clock = options?.clock ?? systemClock;
  const maxLineLength = options?.maxLineLength;
  const live = new Set<TrialHandle>();
  let disposed = false;

  return {
    id: 'local',
    launch(spec: LaunchSpec): Promise<TrialHandle> {
      if (disposed) return Promise.resolve(failedHandle('launcher disposed'));
      const handle = startTrial(spec, clock, maxLineLength);
      live.add(handle);
      void handle.exited.then(() => live.delete(handle));
      return Promise.resolve(handle);
    },
    async dispose(): Promise<void> {
      disposed = true;
      await Promise.all([...live].map((handle) => handle.stop()));
    },
  };
}

function startTrial(spec: LaunchSpec, clock: Clock, maxLineLength: number | undefined): TrialHandle {
  const [file, ...args] = spec.argv;
  let subprocess: ReturnType<typeof spawnTrial>;
  try {
    subprocess = spawnTrial(file, args, spec);
  } catch (error) {
    // execa validates its arguments synchronously (e.g. an empty program name).
    return failedHandle(describeSpawnError(error, spec.cwd));
  }
  const pid = subprocess.pid;
  if (pid === undefined) {
    // Node could not spawn (ENOENT, EACCES, bad cwd); with reject:false execa resolves with the error.
    const exited = subprocess.then(
      (result) => launchFailed(describeSpawnError('cause' in result ? result.cause : result, spec.cwd)),
      (error: unknown) => launchFailed(describeSpawnError(error, spec.cwd)),
    );
    return { external: { kind: 'none' }, lines: endedLines(), exited, stop: () => exited.then(noop) };
  }
  // We never await execa's own promise (it would wait for pipes held by grandchildren); just silence it.
  subprocess.then(noop, noop);
  trackGroup(pid);

  const output = createTrialOutput(spec.trialDir, clock, maxLineLength);
  const stdoutDone = pump(subprocess.stdout, 'stdout', output);
  const stderrDone = pump(subprocess.stderr, 'stderr', output);

  /** Why we ended it, if we did before the leader exited on its own. First reason wins. */
  let requested: 'stopped' | 'timedOut' | undefined;
  let leaderExited = false;
  let terminating: Promise<boolean> | undefined;
  const terminate = (graceMs: number): Promise<boolean> => {
    terminating ??= terminateGroup(pid, Math.max(0, graceMs));
    return terminating;
  };

  const timer =
    spec.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          if (leaderExited) return;
          requested ??= 'timedOut';
          void terminate(spec.killGraceMs);
        }, Math.max(0, spec.timeoutMs));

  const leaderExit = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    subprocess.once('exit', (code, signal) => resolve({ code, signal }));
  });

  const exited = (async (): Promise<ExitInfo> => {
    const { code, signal } = await leaderExit;
    leaderExited = true;
    if (timer !== undefined) clearTimeout(timer);
    // A leader that exits by itself may leave workers behind: end the rest of its group too.
    const groupGone = await terminate(spec.killGraceMs);
    await drainPipes([stdoutDone, stderrDone], [subprocess.stdout, subprocess.stderr]);
    const logError = await output.close();
    untrackGroup(pid);
    const cause = requested ?? 'exited';
    // Outside launchFailed, `detail` only reports trouble around the trial, not with it.
    const problems = [
      ...(groupGone ? [] : [`process group ${pid} still has processes after SIGKILL (uninterruptible or not ours)`]),
      ...(logError === undefined ? [] : [logError]),
    ];
    return problems.length === 0 ? { code, signal, cause } : { code, signal, cause, detail: problems.join('; ') };
  })().catch(async (error: unknown): Promise<ExitInfo> => {
    // Not expected; the contract says `exited` never rejects, so report instead of throwing.
    untrackGroup(pid);
    await output.close().catch(noop); // `lines` still ends before `exited` resolves
    return { code: null, signal: null, cause: requested ?? 'exited', detail: `runner error: ${String(error)}` };
  });

  return {
    external: { kind: 'pid', pid },
    lines: output.lines,
    exited,
    stop(graceMs?: number): Promise<void> {
      if (!leaderExited) requested ??= 'stopped';
      void terminate(graceMs ?? spec.killGraceMs);
      return exited.then(noop);
    },
  };
}

function spawnTrial(file: string, args: readonly string[], spec: LaunchSpec) {
  return execa(file, args, {
    cwd: spec.cwd,
    env: spec.env,
    extendEnv: true,
    shell: false,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    // Raw chunks, no buffering or line splitting by execa: lineSplitter does that for both streams.
    buffer: false,
    lines: false,
    reject: false,
    // setsid: the trial leads its own process group, so `kill(-pgid)` reaches its descendants.
    // (On Windows `detached` means a new console instead; a port would tree-kill with taskkill /T.)
    detached: true,
    // execa's cleanup is ignored for detached children; processTree's exit hook covers it.
    cleanup: false,
    // Our stop sequence is explicit (group SIGTERM → grace → SIGKILL), never execa's.
    forceKillAfterDelay: false,
    windowsHide: true,
  });
}

/** Feeds one pipe into the output; resolves when the pipe has closed (EOF, error or destroy). */
function pump(stream: Readable, name: OutputLine['stream'], output: TrialOutput): Promise<void> {
  return new Promise((resolve) => {
    stream.on('data', (chunk: Buffer | string) => {
      output.push(name, typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    });
    stream.on('error', noop); // a read error just ends the stream; 'close' follows
    stream.once('close', () => {
      output.end(name);
      resolve();
    });
  });
}

/** Waits for both pipes to close; if something outside the group still holds them, stops reading. */
async function drainPipes(done: readonly Promise<void>[], streams: readonly Readable[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), PIPE_DRAIN_MS);
  });
  const all = Promise.all(done);
  const outcome = await Promise.race([all, timeout]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    for (const stream of streams) stream.destroy();
    await all;
  }
}

function noop(): void {}

function launchFailed(detail: string): ExitInfo {
  return { code: null, signal: null, cause: 'launchFailed', detail };
}

function failedHandle(detail: string): TrialHandle {
  const exited = Promise.resolve(launchFailed(detail));
  return { external: { kind: 'none' }, lines: endedLines(), exited, stop: () => Promise.resolve() };
}

/** `spawn ./nope ENOENT: command not found`: Node's message plus what the code means here. */
function describeSpawnError(error: unknown, cwd: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES') {
    // Node reports a bad cwd with the same codes as a bad program; look at the cwd to tell them apart.
    let cwdProblem: string | undefined;
    try {
      if (!statSync(cwd).isDirectory()) cwdProblem = `working directory is not a directory: ${cwd}`;
    } catch {
      cwdProblem = `working directory not found: ${cwd}`;
    }
    if (cwdProblem !== undefined) return `${message}: ${cwdProblem}`;
    if (code === 'EACCES') return `${message}: permission denied (not executable, or a directory)`;
    return `${message}: command not found`;
  }
  return message;
}
