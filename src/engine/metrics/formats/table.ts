/**
 * A table printed as a header line, then one line of numbers per epoch: fastai's `fit`/`fit_one_cycle`
 * (`epoch     train_loss  valid_loss  accuracy  time`, then `0         0.512345    0.432100    0.851000
 * 00:02`), and a pandas DataFrame of a training history (`print(history_df)`: the same with an index column).
 *
 * Unlike the other forms this one needs the line before, so it is a small stateful reader, one per trial,
 * asked only about lines that no other form read (the study loop calls it after the `auto` parser).
 *
 * Rules:
 * - A header is a line of at least three whitespace-separated words (a letter or `_` first, then letters,
 *   digits, `_`, `-`, `.`), the first a step key (`epoch`, `step`, `iteration`, `iter`, any case), as fastai
 *   prints it. The step key first keeps prose (`Training until validation scores improve`) from ever being
 *   taken for a header, and makes the test cheap.
 * - A row has as many tokens as the header (or one more, the first an integer: a DataFrame's index, skipped),
 *   and its step column is a finite number. Each column whose token is a number (as the key=value form
 *   reads one, `93%` as 93, `nan`/`inf` too) gives the header word's value; other tokens (`00:02`, fastai's
 *   `#na#`) give nothing. The step is the step column's value; the step key stays in the values.
 * - The header holds until the next header; any other line is ignored (a progress bar between rows).
 * - Cost: a line is rejected by its first character and first word unless a header is held and it starts with
 *   a digit, sign or `.`, so the plain lines of a log pay a few character reads.
 */
import type { MetricRecord } from '../metricParser';
import { MAX_KEY_LENGTH, stepKeyRank } from '../recordBuilder';
import { isSpace, parseNumericString } from '../numberToken';

/** At most this many columns: a wider line is no metric table. */
const MAX_COLUMNS = 64;


function isWordStart(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

function isWordChar(c: number): boolean {
  return isWordStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
}

/** The whitespace-separated tokens of `line`, or undefined when there are more than {@link MAX_COLUMNS}. */
function tokens(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    if (i === n) break;
    const start = i;
    while (i < n && !isSpace(line.charCodeAt(i))) i++;
    if (out.length === MAX_COLUMNS) return undefined;
    out.push(line.slice(start, i));
  }
  return out;
}

/** The header's words (the first is the step column), or undefined when `line` is no header. */
function readHeader(line: string, start: number): string[] | undefined {
  let end = start;
  while (end < line.length && isWordChar(line.charCodeAt(end))) end++;
  // The first word is a step key (5, 4 or 9 letters: epoch, step/iter, iteration), then a blank.
  const length = end - start;
  if ((length !== 5 && length !== 4 && length !== 9) || !isSpace(line.charCodeAt(end)) || stepKeyRank(line.slice(start, end)) < 0) return undefined;
  const words = tokens(line);
  if (!words || words.length < 3) return undefined;
  for (const word of words) {
    if (word.length > MAX_KEY_LENGTH || !isWordStart(word.charCodeAt(0))) return undefined;
    for (let k = 1; k < word.length; k++) if (!isWordChar(word.charCodeAt(k))) return undefined;
  }
  return words;
}

function isRowStart(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e;
}

export class TableReader {
  /** The held header's words; the first names the step column. */
  private names: string[] | undefined;

  /** The record of a table row, or undefined (also for a header, which only sets the columns). */
  read(line: string): MetricRecord | undefined {
    let i = 0;
    while (i < line.length && isSpace(line.charCodeAt(i))) i++;
    if (i === line.length) return undefined;
    const first = line.charCodeAt(i);
    if (this.names !== undefined && isRowStart(first)) return this.readRow(line);
    // epoch, step, iter, iteration: e, s, i in either case.
    const lower = first | 0x20;
    if (lower !== 0x65 && lower !== 0x73 && lower !== 0x69) return undefined;
    const header = readHeader(line, i);
    if (header) this.names = header;
    return undefined;
  }

  private readRow(line: string): MetricRecord | undefined {
    const names = this.names as string[];
    const cells = tokens(line);
    if (!cells) return undefined;
    let offset: number;
    if (cells.length === names.length) offset = 0;
    else if (cells.length === names.length + 1 && /^\d+$/.test(cells[0] as string)) offset = 1;
    else return undefined;
    const step = parseNumericString(cells[offset] as string);
    if (step === undefined || !Number.isFinite(step)) return undefined;
    const values: Record<string, number> = {};
    let count = 0;
    for (let c = 0; c < names.length; c++) {
      const value = parseNumericString(cells[offset + c] as string);
      if (value === undefined) continue;
      const name = names[c] as string;
      if (name === '__proto__') continue;
      values[name] = value;
      count++;
    }
    // The step column alone is no row of metrics (a numbered list under a header-like line).
    return count > 1 ? { values, step } : undefined;
  }
}
