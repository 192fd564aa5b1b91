/**
 * The `local` launcher: runs a trial's argv as a child process on this machine.
 *
 * - No shell: argv goes to execve as is, so `1; rm -rf ~` is one literal argument.
 * - Own process group (setsid via `detached: true`): stop/timeout/cleanup signal `-pgid`, which reaches
 *   grandchildren (DataLoader workers, torchrun ranks) too. Detached children are not killed when Node
 *   exits, so live groups are tracked and SIGKILLed on `exit`; the orderly path is `dispose()`.
 * - stdout and stderr are read as raw bytes, split by {@link createLineSplitter}, appended to
 *   `<trialDir>/output.log` and queued for `lines`, in arrival order.
 */
import { createWriteStream, statSync } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import { systemClock } from '../util/clock';
import type { Clock } from '../util/clock';
import type { ExitInfo, Launcher, LaunchSpec, OutputLine, TrialHandle } from './launcher';
import { createLineSplitter } from './lineSplitter';
import type { LineSplitter } from './lineSplitter';
import { terminateGroup, trackGroup, untrackGroup } from './processTree';

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
/** Flush the log buffer at least at this size even within one chunk's lines. */
const LOG_FLUSH_CHARS = 64 * 1024;

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
    return { external: { kind: 'none' }, lines: endedQueue(), exited, stop: () => exited.then(noop) };
  }
  // We never await execa's own promise (it would wait for pipes held by grandchildren); just silence it.
  subprocess.then(noop, noop);
  trackGroup(pid);

  const queue = new LineQueue<OutputLine>();
  const log = new LogWriter(join(spec.trialDir, 'output.log'));
  const stdoutSplitter = createLineSplitter(lineSink('stdout'), { maxLineLength });
  const stderrSplitter = createLineSplitter(lineSink('stderr'), { maxLineLength });
  function lineSink(stream: OutputLine['stream']): (text: string) => void {
    return (text) => {
      queue.push({ stream, text, at: clock.now() });
      log.add(text);
    };
  }
  const stdoutDone = pump(subprocess.stdout, stdoutSplitter, log);
  const stderrDone = pump(subprocess.stderr, stderrSplitter, log);

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
    stdoutSplitter.end();
    stderrSplitter.end();
    const logError = await log.close();
    queue.end();
    untrackGroup(pid);
    const cause = requested ?? 'exited';
    // Outside launchFailed, `detail` only reports trouble around the trial, not with it.
    const problems = [
      ...(groupGone ? [] : [`process group ${pid} still has processes after SIGKILL (uninterruptible or not ours)`]),
      ...(logError === undefined ? [] : [logError]),
    ];
    return problems.length === 0 ? { code, signal, cause } : { code, signal, cause, detail: problems.join('; ') };
  })().catch((error: unknown): ExitInfo => {
    // Not expected; the contract says `exited` never rejects, so report instead of throwing.
    untrackGroup(pid);
    queue.end();
    return { code: null, signal: null, cause: requested ?? 'exited', detail: `runner error: ${String(error)}` };
  });

  return {
    external: { kind: 'pid', pid },
    lines: queue,
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

/** Feeds one pipe into its splitter; resolves when the pipe has closed (EOF, error or destroy). */
function pump(stream: Readable, splitter: LineSplitter, log: LogWriter): Promise<void> {
  return new Promise((resolve) => {
    stream.on('data', (chunk: Buffer | string) => {
      splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      log.flush(); // one log write per chunk, not per line
    });
    stream.on('error', noop); // a read error just ends the stream; 'close' follows
    stream.once('close', () => {
      splitter.end();
      log.flush();
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

/** Batches lines into few `write()` calls on an append-mode WriteStream. */
class LogWriter {
  private readonly stream: WriteStream;
  private buffer = '';
  private error: string | undefined;

  constructor(path: string) {
    // Append: a relaunch of the same trial (promotion, resume) continues its log.
    this.stream = createWriteStream(path, { flags: 'a' });
    this.stream.on('error', (error: Error) => {
      this.error ??= `cannot write output.log: ${error.message}`;
    });
  }

  add(text: string): void {
    this.buffer += `${text}\n`;
    if (this.buffer.length >= LOG_FLUSH_CHARS) this.flush();
  }

  flush(): void {
    if (this.buffer === '') return;
    if (this.error === undefined) this.stream.write(this.buffer);
    this.buffer = '';
  }

  /** Flushes, closes and resolves once the file is closed; returns the write error, if any. */
  close(): Promise<string | undefined> {
    this.flush();
    return new Promise((resolve) => {
      if (this.stream.closed) {
        resolve(this.error);
        return;
      }
      this.stream.once('close', () => resolve(this.error));
      this.stream.end();
    });
  }
}

/**
 * An unbounded single-consumer async queue. Iterable exactly once; `return()` (a `break` in
 * `for await`) detaches the consumer and drops what is buffered.
 */
class LineQueue<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private head = 0;
  private ended = false;
  private detached = false;
  private taken = false;
  private readonly waiters: ((result: IteratorResult<T, undefined>) => void)[] = [];

  push(item: T): void {
    if (this.ended || this.detached) return;
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter({ value: item, done: false });
    else this.items.push(item);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const waiter of this.waiters.splice(0)) waiter({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<T, undefined> {
    if (this.taken) throw new Error('TrialHandle.lines can be iterated only once');
    this.taken = true;
    return {
      next: () => this.next(),
      return: () => {
        this.detached = true;
        this.items = [];
        this.head = 0;
        this.end();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  private next(): Promise<IteratorResult<T, undefined>> {
    if (this.head < this.items.length) {
      const value = this.items[this.head] as T;
      this.head++;
      // Drop the consumed prefix now and then instead of shift() per item (O(n) on big arrays).
      if (this.head >= 1024 && this.head * 2 >= this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

function noop(): void {}

function launchFailed(detail: string): ExitInfo {
  return { code: null, signal: null, cause: 'launchFailed', detail };
}

function endedQueue(): LineQueue<OutputLine> {
  const queue = new LineQueue<OutputLine>();
  queue.end();
  return queue;
}

function failedHandle(detail: string): TrialHandle {
  const exited = Promise.resolve(launchFailed(detail));
  return { external: { kind: 'none' }, lines: endedQueue(), exited, stop: () => Promise.resolve() };
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
