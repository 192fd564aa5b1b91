/**
 * Follows a trial's `output.log` for its terminal: the history first (its last part when the file is
 * large, since a terminal keeps only its scrollback anyway), then every byte appended, until the trial
 * can no longer write and the file is read to its end. fs.watch wakes it quickly; a poll covers file
 * systems where fs.watch is silent. Reads only; the trial's process never depends on a reader.
 *
 * No `vscode` import: trialTerminal.ts feeds the text to a Pseudoterminal.
 */
import { watch, type FSWatcher } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

/** Options of {@link tailLog}. */
export interface LogTailOptions {
  readonly file: string;
  /** Decoded text, in file order. Multi-byte characters split across reads are held back until whole. */
  readonly onData: (text: string) => void;
  /** Whether the trial may still append (polled). Once false and the file is read to its end, the tail ends. */
  readonly isLive: () => boolean;
  /** Called once when the tail ended by itself (not on dispose). */
  readonly onEnd?: () => void;
  /** How much of an existing file to show first (bytes from its end). Default 512 KiB. */
  readonly historyBytes?: number;
  /** Poll interval when fs.watch is silent (ms). Default 200. */
  readonly pollMs?: number;
}

/** A running tail; dispose stops reading (the file and the trial are untouched). */
export interface LogTail {
  dispose(): void;
  /** Resolves when the tail has ended or was disposed. */
  readonly finished: Promise<void>;
}

const readChunk = 64 * 1024;

export function tailLog(options: LogTailOptions): LogTail {
  const historyBytes = options.historyBytes ?? 512 * 1024;
  const pollMs = options.pollMs ?? 200;
  const decoder = new StringDecoder('utf8');
  let disposed = false;
  let watcher: FSWatcher | undefined;
  let wake: (() => void) | undefined;
  let poked = false;
  let position: number | undefined;

  const poke = (): void => {
    poked = true;
    wake?.();
  };

  const sleep = (): Promise<void> =>
    new Promise<void>((resolve) => {
      if (poked || disposed) {
        poked = false;
        resolve();
        return;
      }
      const timer = setTimeout(done, pollMs);
      function done(): void {
        clearTimeout(timer);
        wake = undefined;
        poked = false;
        resolve();
      }
      wake = done;
    });

  const ensureWatcher = (): void => {
    if (watcher) return;
    try {
      watcher = watch(options.file, { persistent: false }, poke);
      watcher.on('error', () => {
        watcher?.close();
        watcher = undefined;
      });
    } catch {
      // No watcher (file missing, or an unsupported file system): polling alone.
    }
  };

  /** Reads from `position` to the current end; returns whether anything was read. */
  const readMore = async (): Promise<boolean> => {
    let size: number;
    try {
      size = (await stat(options.file)).size;
    } catch {
      return false; // not created yet
    }
    ensureWatcher();
    if (position === undefined) {
      position = 0;
      if (size > historyBytes) {
        position = size - historyBytes;
        options.onData(`… (${Math.round(position / 1024)} KiB of earlier output are in ${options.file})\r\n`);
      }
    } else if (size < position) {
      // Truncated or replaced: start over rather than show nothing.
      position = 0;
    }
    if (size === position) return false;
    const handle = await open(options.file, 'r');
    try {
      const buffer = Buffer.alloc(readChunk);
      let skipPartialLine = position > 0 && position === size - historyBytes;
      while (!disposed && position < size) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(readChunk, size - position), position);
        if (bytesRead <= 0) break;
        position += bytesRead;
        let text = decoder.write(buffer.subarray(0, bytesRead));
        if (skipPartialLine) {
          // History starts mid-file: drop the cut first line.
          const nl = text.indexOf('\n');
          if (nl < 0) continue;
          text = text.slice(nl + 1);
          skipPartialLine = false;
        }
        if (text.length > 0) options.onData(text);
      }
    } finally {
      await handle.close();
    }
    return true;
  };

  const finished = (async () => {
    try {
      while (!disposed) {
        const live = options.isLive();
        const read = await readMore();
        if (!live && !read) {
          // Read once more after seeing "not live": the last lines may have landed in between.
          await readMore();
          const rest = decoder.end();
          if (rest.length > 0) options.onData(rest);
          if (!disposed) options.onEnd?.();
          return;
        }
        if (!read) await sleep();
      }
    } catch (e) {
      if (!disposed) {
        options.onData(`\r\n[cannot read ${options.file}: ${(e as Error).message}]\r\n`);
        options.onEnd?.();
      }
    } finally {
      watcher?.close();
    }
  })();

  return {
    finished,
    dispose() {
      disposed = true;
      wake?.();
    },
  };
}

/**
 * Turns log text into what a terminal expects: a bare `\n` becomes `\r\n` (a terminal's line feed does
 * not return the carriage), `\r\n` stays as it is, and a lone `\r` (tqdm redrawing a progress bar) keeps
 * redrawing the line. Stateful across chunks, because `\r` and `\n` can arrive in different reads.
 */
export function createTerminalFeeder(): (text: string) => string {
  let lastWasCr = false;
  return (text) => {
    if (text.length === 0) return text;
    let out = text.replace(/\r?\n/g, '\r\n');
    // A `\r\n` split across two chunks: the `\r` went out already, so this `\n` needs no second `\r`.
    if (lastWasCr && text.startsWith('\n')) out = out.slice(1);
    lastWasCr = text.endsWith('\r');
    return out;
  };
}
