/**
 * Where a launched trial's output goes: raw stdout/stderr bytes are split into lines (lineSplitter), each
 * line is queued for `TrialHandle.lines` and appended to `<trialDir>/output.log`, in arrival order.
 * For launchers that read a child's pipes (local, slurm).
 */
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../util/clock';
import type { OutputLine } from './launcher';
import { createLineSplitter } from './lineSplitter';
import type { LineSplitter } from './lineSplitter';

/** Flush the log buffer at least at this size even within one chunk's lines. */
const LOG_FLUSH_CHARS = 64 * 1024;

export interface TrialOutput {
  /** The handle's `lines`: iterable once; ends after {@link TrialOutput.close}. */
  readonly lines: AsyncIterable<OutputLine>;
  /** Feeds a chunk of one stream; complete lines go to the queue and the log (one write per chunk). */
  push(stream: OutputLine['stream'], chunk: Buffer): void;
  /**
   * One stream's pipe has closed: emits its last partial line now, so it keeps its place before the
   * other stream's later lines (otherwise {@link TrialOutput.close} emits it). Later pushes to it are ignored.
   */
  end(stream: OutputLine['stream']): void;
  /** Called with each complete line before it is queued (a launcher reading its own tool's messages). */
  onLine(listener: (line: OutputLine) => void): void;
  /** Emits both streams' last partial lines, flushes and closes the log, ends `lines`; returns a log write error. */
  close(): Promise<string | undefined>;
}

/**
 * `stderrMessagePrefix`: a tool that shares the trial's stderr (salloc) prints its messages from the start of a
 * line, but when the trial's last stderr line had no newline the message lands on it (`err tailsalloc: ...`).
 * A stderr line that holds the prefix after other text is emitted as two lines, the trial's text then the message.
 */
export function createTrialOutput(trialDir: string, clock: Clock, maxLineLength?: number, stderrMessagePrefix?: string): TrialOutput {
  const queue = new LineQueue<OutputLine>();
  const log = new LogWriter(join(trialDir, 'output.log'));
  const listeners: Array<(line: OutputLine) => void> = [];
  const emit = (stream: OutputLine['stream'], text: string): void => {
    const line: OutputLine = { stream, text, at: clock.now() };
    for (const listener of listeners) listener(line);
    queue.push(line);
    log.add(text);
  };
  const sink = (stream: OutputLine['stream']) => (text: string) => {
    const split = stream === 'stderr' && stderrMessagePrefix !== undefined ? text.indexOf(stderrMessagePrefix) : -1;
    if (split > 0) {
      emit(stream, text.slice(0, split));
      emit(stream, text.slice(split));
      return;
    }
    emit(stream, text);
  };
  const splitters: Record<OutputLine['stream'], LineSplitter> = {
    stdout: createLineSplitter(sink('stdout'), { maxLineLength }),
    stderr: createLineSplitter(sink('stderr'), { maxLineLength }),
  };
  let closed: Promise<string | undefined> | undefined;
  return {
    lines: queue,
    push(stream, chunk) {
      if (closed) return;
      splitters[stream].push(chunk);
      log.flush(); // one log write per chunk, not per line
    },
    end(stream) {
      if (closed) return;
      splitters[stream].end();
      log.flush();
    },
    onLine(listener) {
      listeners.push(listener);
    },
    close() {
      closed ??= (async () => {
        splitters.stdout.end();
        splitters.stderr.end();
        const error = await log.close();
        queue.end();
        return error;
      })();
      return closed;
    },
  };
}

/** Batches lines into few `write()` calls on an append-mode stream (a relaunch, e.g. a resume, continues the log). */
class LogWriter {
  private readonly stream: WriteStream;
  private buffer = '';
  private error: string | undefined;

  constructor(path: string) {
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
 * Unbounded single-consumer async queue: a slow reader loses nothing. Iterable once; leaving the loop
 * early (`break`) drops what is buffered and ignores later pushes (the log still has every line).
 */
class LineQueue<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private head = 0;
  private ended = false;
  private detached = false;
  private taken = false;
  private readonly waiting: Array<(result: IteratorResult<T, undefined>) => void> = [];

  push(item: T): void {
    if (this.ended || this.detached) return;
    const resolve = this.waiting.shift();
    if (resolve) resolve({ value: item, done: false });
    else this.items.push(item);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const resolve of this.waiting.splice(0)) resolve({ value: undefined, done: true });
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
      // Compact now and then rather than shift() per item, which is O(n) on a long backlog.
      if (this.head >= 1024 && this.head * 2 >= this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}

/** A `lines` that is already over (a trial that never started). */
export function endedLines(): AsyncIterable<OutputLine> {
  const queue = new LineQueue<OutputLine>();
  queue.end();
  return queue;
}
