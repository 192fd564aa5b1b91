/**
 * Incremental splitting of a child process's raw output bytes into text lines.
 *
 * Pipeline per chunk: UTF-8 decode (streaming, lossy) → strip ANSI escape sequences → split on
 * `\n`, `\r\n` and bare `\r`. Memory stays bounded however the input looks: a partial line is capped
 * at `maxLineLength`, an unfinished escape sequence at {@link MAX_ESCAPE_CARRY}.
 */

/** Options of {@link createLineSplitter}. */
export interface LineSplitterOptions {
  /**
   * Longest line kept, in UTF-16 code units after ANSI stripping (default 64 KiB). Longer lines are
   * cut to this length and get a ` …[truncated N chars]` suffix; the dropped part is never held in memory.
   */
  readonly maxLineLength?: number;
}

/** Receives raw output chunks and calls `onLine` once per complete line (without its terminator). */
export interface LineSplitter {
  /** Feeds the next chunk of bytes. Lines completed by it are emitted synchronously. */
  push(chunk: Buffer | Uint8Array): void;
  /** Flushes the decoder and emits the last partial line, if any. Later pushes are ignored. */
  end(): void;
}

/** Default for {@link LineSplitterOptions.maxLineLength}. */
export const defaultMaxLineLength = 64 * 1024;

/** An unterminated escape sequence longer than this is dropped rather than buffered further. */
const MAX_ESCAPE_CARRY = 4096;

const LF = 10;
const ESC = '\u001b';

/**
 * A complete escape sequence (or a stray ESC):
 * - CSI `ESC [ params intermediates final`;
 * - OSC / DCS / SOS / PM / APC `ESC ] P X ^ _` … up to BEL or ST (`ESC \`); a line break also ends it
 *   so a broken sequence can never swallow following lines;
 * - nF / Fp / Fe / Fs: `ESC intermediates* final` (covers 2-char ones like `ESC 7`, `ESC M`, and `ESC ( B`);
 * - otherwise the lone ESC itself.
 */
// eslint-disable-next-line no-control-regex -- ESC and BEL are what an ANSI escape is made of
const ANSI_RE = /\u001b(?:\[[0-?]*[ -/]*[@-~]|[\]PX^_][^\u0007\u001b\r\n]*(?:\u0007|\u001b\\)?|[ -/]*[0-~])?/g;

/** A proper prefix of an escape sequence: more input could still complete it. */
// eslint-disable-next-line no-control-regex -- as above
const INCOMPLETE_ESCAPE_RE = /^\u001b(?:\[[0-?]*[ -/]*|[\]PX^_][^\u0007\u001b\r\n]*|[ -/]*)$/;

/**
 * Creates a streaming line splitter.
 *
 * Line rules: `\n`, `\r\n` (also when `\r` and `\n` arrive in different chunks) and a bare `\r` each end
 * a line, so every redraw of a tqdm-style progress bar becomes its own line. An *empty* segment ended by
 * a bare `\r` is skipped (it is only a cursor return, e.g. the `\r` tqdm prints before its first bar);
 * empty lines ended by `\n` are kept. Invalid UTF-8 becomes U+FFFD; nothing here throws on bad input.
 */
export function createLineSplitter(
  onLine: (text: string) => void,
  options?: LineSplitterOptions,
): LineSplitter {
  const maxLen = Math.max(1, Math.floor(options?.maxLineLength ?? defaultMaxLineLength));
  const decoder = new TextDecoder('utf-8', { fatal: false });

  /** Start of the current line, seen in earlier chunks (at most maxLen code units). */
  let pending = '';
  /** Code units of the current line dropped beyond maxLen. */
  let dropped = 0;
  /** The previous text ended in `\r`: a `\n` at the start of the next one belongs to it. */
  let skipLf = false;
  /** An escape sequence cut by the chunk boundary, re-joined with the next text. */
  let escCarry = '';
  let ended = false;

  const emit = (line: string): void => {
    if (dropped > 0) {
      onLine(`${line} …[truncated ${dropped} chars]`);
      dropped = 0;
    } else {
      onLine(line);
    }
  };

  /** Cuts `s` to `room` code units without splitting a surrogate pair; returns the kept part. */
  const cut = (s: string, room: number): string => {
    let keep = room;
    const code = s.charCodeAt(keep - 1);
    if (keep > 0 && code >= 0xd800 && code <= 0xdbff) keep -= 1;
    dropped += s.length - keep;
    return s.slice(0, keep);
  };

  /** Adds a piece of the current (unfinished) line. */
  const append = (piece: string): void => {
    if (dropped > 0) {
      dropped += piece.length;
    } else if (pending.length + piece.length > maxLen) {
      pending += cut(piece, maxLen - pending.length);
    } else {
      pending += piece;
    }
  };

  /** Ends the current line with `tail` as its last piece. */
  const finish = (tail: string, byCr: boolean): void => {
    let line: string;
    if (pending === '' && dropped === 0) {
      // Fast path: the whole line lies in this chunk.
      if (tail.length > maxLen) line = cut(tail, maxLen);
      else line = tail;
    } else {
      append(tail);
      line = pending;
      pending = '';
    }
    if (byCr && line === '' && dropped === 0) return;
    emit(line);
  };

  /** Splits a text that has no `\r` after `start`: one native search per line. Returns the rest's start. */
  const splitLf = (text: string, start: number): number => {
    let lf: number;
    while ((lf = text.indexOf('\n', start)) !== -1) {
      finish(text.slice(start, lf), false);
      start = lf + 1;
    }
    return start;
  };

  /** Splits a text with `\r` in it (progress bars, CRLF). Returns the rest's start. */
  const splitAny = (text: string, start: number): number => {
    const len = text.length;
    // Next position of each terminator, searched again only once passed, so neither is rescanned per line.
    let lf = text.indexOf('\n', start);
    let cr = text.indexOf('\r', start);
    while (start < len) {
      if (lf !== -1 && lf < start) lf = text.indexOf('\n', start);
      if (cr !== -1 && cr < start) cr = text.indexOf('\r', start);
      if (cr === -1 || (lf !== -1 && lf < cr)) {
        if (lf === -1) break;
        finish(text.slice(start, lf), false);
        start = lf + 1;
      } else if (cr + 1 === len) {
        // `\r` ends the text: emit now (a live progress bar), skip a `\n` that may start the next one.
        skipLf = true;
        finish(text.slice(start, cr), true);
        start = len;
      } else if (text.charCodeAt(cr + 1) === LF) {
        finish(text.slice(start, cr), false);
        start = cr + 2;
      } else {
        finish(text.slice(start, cr), true);
        start = cr + 1;
      }
    }
    return start;
  };

  const split = (text: string): void => {
    if (text.length === 0) return; // keep skipLf: an empty decode (partial UTF-8 char) says nothing about `\n`
    let start = 0;
    if (skipLf) {
      skipLf = false;
      if (text.charCodeAt(0) === LF) start = 1;
    }
    // Two separate loops keep the common no-`\r` case on V8's fastest path (one indexOf per line).
    start = text.indexOf('\r', start) === -1 ? splitLf(text, start) : splitAny(text, start);
    if (start < text.length) append(start === 0 ? text : text.slice(start));
  };

  /** Removes escape sequences; an unfinished one at the end is carried over to the next text. */
  const strip = (text: string, final: boolean): string => {
    if (escCarry !== '') {
      text = escCarry + text;
      escCarry = '';
    }
    const lastEsc = text.lastIndexOf(ESC);
    if (lastEsc === -1) return text;
    if (text.length - lastEsc <= MAX_ESCAPE_CARRY && INCOMPLETE_ESCAPE_RE.test(text.slice(lastEsc))) {
      // Unfinished: wait for the rest, or at the very end drop it whole.
      if (!final) escCarry = text.slice(lastEsc);
      text = text.slice(0, lastEsc);
    }
    return text.indexOf(ESC) === -1 ? text : text.replace(ANSI_RE, '');
  };

  return {
    push(chunk: Buffer | Uint8Array): void {
      if (ended || chunk.length === 0) return;
      const decoded = decoder.decode(chunk, { stream: true });
      // Fast path: no escape anywhere (the common case) costs one native scan.
      split(escCarry === '' && decoded.indexOf(ESC) === -1 ? decoded : strip(decoded, false));
    },
    end(): void {
      if (ended) return;
      ended = true;
      split(strip(decoder.decode(), true));
      if (pending !== '' || dropped > 0) {
        const line = pending;
        pending = '';
        emit(line);
      }
    },
  };
}
