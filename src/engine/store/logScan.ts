/**
 * Reads an `events.jsonl` log line by line, by byte offset, so that the reader, the writer (which must
 * find where the last good line ends) and the watcher (which resumes where it stopped) share one parser.
 *
 * Line format: `{"seq":1,"event":{...}}\n` — exactly a {@link SequencedEvent}, one per line.
 *
 * Rules:
 * - A line counts only once its `\n` is on disk: the writer writes whole lines, so an unterminated last
 *   line is a write cut short by a crash (a *torn tail*). It is ignored and reported, never parsed.
 * - Only the final line may be bad (unterminated, invalid JSON, or not shaped like a SequencedEvent,
 *   e.g. the zero bytes a crash can leave). A bad line with another non-blank line after it cannot
 *   come from a crash of our writer, so it is an error naming the line: an event-sourced history with
 *   a hole in it would silently give wrong snapshots.
 * - `seq` must go up by exactly one per line, starting at 1.
 * - Blank lines are skipped.
 */
import type { FileHandle } from 'node:fs/promises';
import type { SequencedEvent, StudyEvent } from './events';
import { displayPath } from './storePaths';

/** A line in the middle of an event log is not a valid event (or seq numbering is broken). */
export class CorruptLogError extends Error {
  override readonly name = 'CorruptLogError';

  constructor(
    /** The log file. */
    readonly file: string,
    /** 1-based line number of the bad line. */
    readonly line: number,
    /** What is wrong with it. */
    readonly reason: string,
  ) {
    super(`corrupt event log ${displayPath(file)}: line ${line}: ${reason}`);
  }
}

/** Where a scan starts: a position just after a good line (or 0), with the numbering up to there. */
export interface ScanStart {
  /** Byte offset to start reading at. */
  readonly offset: number;
  /** Seq of the last good event before `offset` (0 at the start of the file). */
  readonly prevSeq: number;
  /** Number of lines before `offset`, for error messages (0 at the start of the file). */
  readonly prevLine: number;
}

/** What a scan found. */
export interface ScanResult {
  /** Seq of the last good event (or `start.prevSeq` when none was read). */
  readonly lastSeq: number;
  /** Byte offset just after the last good line's `\n`: everything after it is a torn tail. */
  readonly goodEnd: number;
  /** Number of lines up to `goodEnd`. */
  readonly goodLine: number;
  /** True when non-blank bytes follow `goodEnd` (a torn or bad last line). */
  readonly tornTail: boolean;
}

const chunkSize = 1 << 20;
const newline = 0x0a;

/**
 * Scans `handle` from `start.offset` up to byte `end` (exclusive), calling `onEvent` for each good line
 * in order. Throws {@link CorruptLogError} for a bad line that is not the last one.
 */
export async function scanLog(
  handle: FileHandle,
  file: string,
  start: ScanStart,
  end: number,
  onEvent: (event: SequencedEvent) => void,
): Promise<ScanResult> {
  let lastSeq = start.prevSeq;
  let goodEnd = start.offset;
  let goodLine = start.prevLine;
  let lineNo = start.prevLine;
  // A bad line is tolerated only if nothing follows it; remember it until we know.
  let pendingBad: { line: number; reason: string } | undefined;

  let carry: Buffer = Buffer.alloc(0);
  let carryOffset = start.offset; // file offset of carry[0]
  let pos = start.offset;

  const handleLine = (buf: Buffer, from: number, to: number, endOffset: number): void => {
    lineNo++;
    if (isBlank(buf, from, to)) return;
    if (pendingBad) throw new CorruptLogError(file, pendingBad.line, pendingBad.reason);
    const parsed = parseLine(buf.toString('utf8', from, to));
    if (typeof parsed === 'string') {
      pendingBad = { line: lineNo, reason: parsed };
      return;
    }
    if (parsed.seq !== lastSeq + 1) {
      throw new CorruptLogError(file, lineNo, `expected seq ${lastSeq + 1}, found ${parsed.seq}`);
    }
    lastSeq = parsed.seq;
    goodEnd = endOffset;
    goodLine = lineNo;
    onEvent(parsed);
  };

  while (pos < end) {
    const want = Math.min(chunkSize, end - pos);
    const chunk = Buffer.allocUnsafe(want);
    const { bytesRead } = await handle.read(chunk, 0, want, pos);
    if (bytesRead === 0) break; // the file shrank under us; treat what we have as the end
    pos += bytesRead;
    const buf = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
    let lineStart = 0;
    for (let nl = buf.indexOf(newline, 0); nl !== -1; nl = buf.indexOf(newline, lineStart)) {
      handleLine(buf, lineStart, nl, carryOffset + nl + 1);
      lineStart = nl + 1;
    }
    // Copy the partial line so the (large) chunk buffer can be collected.
    carry = Buffer.from(buf.subarray(lineStart));
    carryOffset += lineStart;
  }

  const tornPartial = !isBlank(carry, 0, carry.length);
  if (pendingBad && tornPartial) throw new CorruptLogError(file, pendingBad.line, pendingBad.reason);
  return { lastSeq, goodEnd, goodLine, tornTail: pendingBad !== undefined || tornPartial };
}

function isBlank(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = buf[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== newline) return false;
  }
  return true;
}

/** The line as a SequencedEvent, or why it is not one. Only the envelope is checked (the writer is ours). */
function parseLine(text: string): SequencedEvent | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'invalid JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const { seq, event } = value as { seq?: unknown; event?: unknown };
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return 'missing or invalid "seq"';
  if (typeof event !== 'object' || event === null || typeof (event as { type?: unknown }).type !== 'string') {
    return 'missing or invalid "event"';
  }
  return { seq, event: event as StudyEvent };
}
