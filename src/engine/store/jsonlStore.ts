/**
 * The append-only JSONL event log of a study: `<root>/<study>/events.jsonl`, one
 * `{"seq":N,"event":{...}}` per line (the {@link SequencedEvent} itself, not flattened, so an event
 * field can never clash with `seq`). One writer per study, guarded by `study.lock` (studyLock.ts);
 * any number of readers and watchers.
 *
 * Torn tail: a crash mid-write can leave an unterminated (or garbled) last line. Readers ignore it and
 * say so; the next writer truncates the file back to the end of the last good line before appending,
 * so the torn bytes never glue onto the next event. A bad line in the middle is an error naming its
 * line number (see logScan.ts for why it is not skipped).
 *
 * Paths: the writer stores the paths of an event relative to the study folder where it can, and the readers
 * give them back absolute (storedPaths.ts), so a project moved or cloned with its store keeps working.
 */
import { watch, type FSWatcher, type Stats } from 'node:fs';
import { mkdir, open, readdir, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { SequencedEvent, StudyEvent } from './events';
import { scanLog, type ScanStart } from './logScan';
import { acquireStudyLock, type HeldLock } from './studyLock';
import { displayPath, eventsFile, studyDir } from './storePaths';
import { eventFromStored, eventToStored, readPathBase, storedPathBase, type StoredPathBase } from './storedPaths';

export { CorruptLogError } from './logScan';
export { readLock, StudyLockedError, type LockInfo, type LockStatus } from './studyLock';
export { eventsFile, studyDir, trialDir } from './storePaths';

/** The study has no event log under the store root. */
export class StudyNotFoundError extends Error {
  override readonly name = 'StudyNotFoundError';

  constructor(
    readonly study: string,
    readonly root: string,
  ) {
    super(`no study "${study}" under ${displayPath(root)}`);
  }
}

/** Options of {@link StudyWriter.append}. */
export interface AppendOptions {
  /** fsync (fdatasync) before the promise resolves: used when a trial ends, so it is on disk before anyone hears of it. */
  readonly sync?: boolean;
}

/** The single writer of a study's log, holding its lock until {@link StudyWriter.close}. */
export interface StudyWriter {
  readonly study: string;
  /** The study folder, `<root>/<study>`. */
  readonly dir: string;
  /** Seq of the last event written to the file (numbering continues from the existing log). */
  readonly lastSeq: number;
  /** Bytes of a torn last line that opening the log dropped (0 normally), for a note in `study.started`. */
  readonly droppedTailBytes: number;
  /**
   * Appends events, numbered in call order even when calls are not awaited; resolves with the seq of
   * the last one once written (and fsynced with `sync`). After a failed write every later append
   * rejects: the log may end in a torn line, and only reopening (which truncates it) is safe.
   */
  append(events: readonly StudyEvent[], options?: AppendOptions): Promise<number>;
  /** Waits for pending appends, fsyncs, closes the file and releases the lock (if still ours). Idempotent. */
  close(): Promise<void>;
}

interface PendingAppend {
  readonly text: string;
  readonly lastSeq: number;
  readonly sync: boolean;
  readonly resolve: (seq: number) => void;
  readonly reject: (error: unknown) => void;
}

class JsonlStudyWriter implements StudyWriter {
  #written: number;
  #assigned: number;
  #queue: PendingAppend[] = [];
  #draining: Promise<void> | undefined;
  #failure: Error | undefined;
  #closing: Promise<void> | undefined;
  readonly #paths: StoredPathBase;

  constructor(
    readonly study: string,
    readonly dir: string,
    private readonly file: string,
    private readonly handle: FileHandle,
    private readonly lock: HeldLock,
    lastSeq: number,
    readonly droppedTailBytes: number,
    paths: StoredPathBase,
  ) {
    this.#paths = paths;
    this.#written = lastSeq;
    this.#assigned = lastSeq;
  }

  get lastSeq(): number {
    return this.#written;
  }

  append(events: readonly StudyEvent[], options?: AppendOptions): Promise<number> {
    if (this.#closing) return Promise.reject(new Error(`the event log of study "${this.study}" is closed`));
    if (this.#failure) return Promise.reject(this.#failure);
    // Numbered and serialized now: the caller may mutate its objects afterwards, and order = call order.
    let text = '';
    for (const event of events) {
      // Paths inside the project go to disk relative to the study folder (storedPaths.ts).
      const line: SequencedEvent = { seq: ++this.#assigned, event: eventToStored(event, this.#paths) };
      text += JSON.stringify(line) + '\n';
    }
    return new Promise<number>((resolve, reject) => {
      this.#queue.push({ text, lastSeq: this.#assigned, sync: options?.sync === true, resolve, reject });
      this.#draining ??= this.#drain();
    });
  }

  /** Writes everything queued, coalescing appends that queued up during the previous write into one write. */
  async #drain(): Promise<void> {
    // Yield once first: a batch with nothing to write (an empty append used as a barrier) awaits nothing, and
    // without this the drain would finish, clearing #draining, before `#draining ??= this.#drain()` assigns
    // it, leaving a settled promise there that no later append would ever restart.
    await Promise.resolve();
    for (;;) {
      if (this.#queue.length === 0) {
        // Checked and cleared in the same tick as the loop test, so a later append always restarts the drain.
        this.#draining = undefined;
        return;
      }
      const batch = this.#queue.splice(0);
      try {
        const text = batch.map((p) => p.text).join('');
        if (text.length > 0) await writeAll(this.handle, Buffer.from(text, 'utf8'));
        if (batch.some((p) => p.sync)) await this.handle.datasync();
        const last = batch[batch.length - 1];
        if (last) this.#written = last.lastSeq;
        for (const p of batch) p.resolve(p.lastSeq);
      } catch (e) {
        this.#failure = new Error(`writing the event log ${displayPath(this.file)} failed: ${(e as Error).message}`, { cause: e });
        for (const p of [...batch, ...this.#queue.splice(0)]) p.reject(this.#failure);
        this.#draining = undefined;
        return;
      }
    }
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        await this.#draining;
        if (!this.#failure) await this.handle.datasync();
      } finally {
        try {
          await this.handle.close();
        } finally {
          await this.lock.release();
        }
      }
    })();
    return this.#closing;
  }
}

async function writeAll(handle: FileHandle, buf: Buffer): Promise<void> {
  // One write normally; the loop only matters if the OS writes part of it (e.g. a full disk's last bytes).
  let offset = 0;
  while (offset < buf.length) {
    const { bytesWritten } = await handle.write(buf, offset, buf.length - offset, null);
    if (bytesWritten <= 0) throw new Error('write made no progress');
    offset += bytesWritten;
  }
}

/**
 * Opens (creating if needed) the study's log for appending: takes the lock (or throws
 * StudyLockedError), finds the last seq, and truncates a torn last line away.
 * Throws CorruptLogError if a line in the middle is bad: appending to it would hide the damage.
 */
export async function openStudyWriter(root: string, study: string): Promise<StudyWriter> {
  const dir = studyDir(root, study);
  const file = eventsFile(root, study);
  await mkdir(dir, { recursive: true });
  const lock = await acquireStudyLock(root, study);
  let handle: FileHandle | undefined;
  try {
    const existed = await exists(file);
    // 'a+': appends always go to the end (O_APPEND), and we can still read and truncate.
    handle = await open(file, 'a+');
    const { size } = await handle.stat();
    const scan = await scanLog(handle, file, { offset: 0, prevSeq: 0, prevLine: 0 }, size, () => undefined);
    const dropped = size - scan.goodEnd;
    if (dropped > 0) {
      await handle.truncate(scan.goodEnd);
      await handle.datasync();
    }
    if (!existed) await syncDir(dir); // so the new file's directory entry survives a crash too
    return new JsonlStudyWriter(study, dir, file, handle, lock, scan.lastSeq, dropped, storedPathBase(root, study));
  } catch (e) {
    await handle?.close().catch(() => undefined);
    await lock.release().catch(() => undefined);
    throw e;
  }
}

/**
 * Reads a study's whole log. A torn last line is ignored and flagged (`tornTail`); a bad line in the
 * middle throws CorruptLogError; no log throws StudyNotFoundError.
 */
export async function readStudyEvents(root: string, study: string): Promise<{ events: SequencedEvent[]; tornTail: boolean }> {
  const file = eventsFile(root, study);
  const handle = await openForReading(file, study, root);
  try {
    const { size } = await handle.stat();
    const events: SequencedEvent[] = [];
    const here = readPathBase(root, study);
    const scan = await scanLog(handle, file, { offset: 0, prevSeq: 0, prevLine: 0 }, size, (e) => events.push({ seq: e.seq, event: eventFromStored(e.event, here) }));
    return { events, tornTail: scan.tornTail };
  } finally {
    await handle.close();
  }
}

/** Options of {@link watchStudyEvents}. */
export interface WatchOptions {
  /** How often to look for changes when no fs.watch notification comes (ms). Default 250. */
  readonly pollMs?: number;
}

/**
 * Yields the study's events with seq > `fromSeq`, first those already in the log, then each one
 * appended later (fs.watch wakes it; a poll every ~250 ms covers file systems where fs.watch is
 * silent, such as network mounts). A partial last line is held back until its newline arrives. If
 * the log does not exist yet it waits for it. Ends (without error) when `signal` aborts; throws
 * CorruptLogError on a bad line in the middle. If the file is replaced or shrinks below what was
 * read, it is read again from the start and already-yielded seqs are skipped.
 */
export async function* watchStudyEvents(
  root: string,
  study: string,
  fromSeq: number,
  signal: AbortSignal,
  options?: WatchOptions,
): AsyncGenerator<SequencedEvent, void, undefined> {
  const file = eventsFile(root, study);
  const here = readPathBase(root, study);
  const waiter = new ChangeWaiter(signal, options?.pollMs ?? 250);
  let at: ScanStart = { offset: 0, prevSeq: 0, prevLine: 0 };
  let lastYielded = fromSeq;
  let seen: { ino: number; size: number; mtimeMs: number } | undefined;
  try {
    while (!signal.aborted) {
      const st = await statOrUndefined(file);
      if (st) {
        if (seen && (st.ino !== seen.ino || st.size < at.offset)) at = { offset: 0, prevSeq: 0, prevLine: 0 };
        const changed = !seen || st.ino !== seen.ino || st.size !== seen.size || st.mtimeMs !== seen.mtimeMs;
        seen = { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
        waiter.watchFile(file, st.ino);
        if (changed && st.size > at.offset) {
          const batch: SequencedEvent[] = [];
          const handle = await open(file, 'r');
          try {
            const scan = await scanLog(handle, file, at, st.size, (e) => batch.push({ seq: e.seq, event: eventFromStored(e.event, here) }));
            at = { offset: scan.goodEnd, prevSeq: scan.lastSeq, prevLine: scan.goodLine };
          } finally {
            await handle.close();
          }
          for (const e of batch) {
            if (e.seq <= lastYielded) continue;
            lastYielded = e.seq;
            yield e;
            if (signal.aborted) return;
          }
        }
      }
      await waiter.wait();
    }
  } finally {
    waiter.dispose();
  }
}

/** Wakes the watch loop on an fs.watch notification, after `pollMs`, or on abort, whichever comes first. */
class ChangeWaiter {
  #watcher: FSWatcher | undefined;
  #watchedIno: number | undefined;
  #dirty = false;
  #wake: (() => void) | undefined;

  constructor(
    private readonly signal: AbortSignal,
    private readonly pollMs: number,
  ) {}

  /** (Re)attaches fs.watch when the file appears or is replaced; failures just leave polling. */
  watchFile(file: string, ino: number): void {
    if (this.#watcher && this.#watchedIno === ino) return;
    this.#closeWatcher();
    try {
      // Not persistent: the poll timer keeps the process alive while someone waits.
      const watcher = watch(file, { persistent: false }, () => this.#poke());
      watcher.on('error', () => this.#closeWatcher());
      this.#watcher = watcher;
      this.#watchedIno = ino;
    } catch {
      this.#watcher = undefined;
    }
  }

  wait(): Promise<void> {
    if (this.#dirty || this.signal.aborted) {
      this.#dirty = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.signal.removeEventListener('abort', done);
        this.#wake = undefined;
        this.#dirty = false;
        resolve();
      };
      const timer = setTimeout(done, this.pollMs);
      this.signal.addEventListener('abort', done, { once: true });
      this.#wake = done;
    });
  }

  dispose(): void {
    this.#closeWatcher();
    this.#wake?.();
  }

  #poke(): void {
    this.#dirty = true;
    this.#wake?.();
  }

  #closeWatcher(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
    this.#watchedIno = undefined;
  }
}

/** Names of the studies under `root` that have an event log, sorted. A missing root has none. */
export async function listStudyDirs(root: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const names: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const st = await statOrUndefined(path.join(root, entry.name, 'events.jsonl'));
    if (st?.isFile()) names.push(entry.name);
  }
  return names.sort();
}

async function openForReading(file: string, study: string, root: string): Promise<FileHandle> {
  try {
    return await open(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new StudyNotFoundError(study, root);
    throw e;
  }
}

async function statOrUndefined(file: string): Promise<Stats | undefined> {
  try {
    return await stat(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

async function exists(file: string): Promise<boolean> {
  return (await statOrUndefined(file)) !== undefined;
}

async function syncDir(dir: string): Promise<void> {
  // Directories cannot be opened for fsync on Windows; durability there is best effort.
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // ignore
  }
}
