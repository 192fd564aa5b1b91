/**
 * timm's `train.py` (pytorch-image-models), as its default logging prints it (INFO lines bare):
 * - per logged batch of training, `Train: 3 [ 100/1251 (  8%)]  Loss: 3.412 (3.498)  Time: 0.312s,  820.51/s
 *   (0.315s,  812.33/s)  LR: 1.000e-03  Data: 0.010 (0.012)`: the epoch (counted from 0), the update out of
 *   the epoch's, its percentage, then each meter's latest value and, in parentheses, its running average;
 * - per logged batch of each validation, `Test: [   0/195]  Time: 0.500 (0.500)  Loss:   0.812 ( 0.812)  Acc@1:
 *   80.469 ( 80.469)  Acc@5:  95.312 ( 95.312)`, the batch out of the last batch's index (`len(loader) - 1`, so
 *   the last batch prints `[ 195/195]`, whatever `--log-interval`), and the same for the EMA model with
 *   `Test (EMA): [ … ]` after it when `--model-ema` is on. Older versions print 4 decimals; the shape is the same.
 *
 * Read here, as one line each:
 * - {@link timmTrainHead}: the `Train: N [b/B (p%)]` head, so that `Train` 3 is no value but the epoch;
 * - {@link timmEvalHead}: the `Test: [b/B]` head, whose pairs are read by {@link readTimmAverages}: the value of
 *   `Acc@1:  76.250 ( 76.130)` is the running average (76.130), so that the last batch's line holds the
 *   validation's result (a batch's own accuracy is noise).
 * What the lines mean together (the Test lines take the epoch of the Train lines before them, only the last
 * batch's line holds the epoch's result) is the study loop's reader's business (trialReports.ts).
 * Only lines that start with `T` are asked: everything else pays one character comparison.
 */
import { isSpace, scanNumberToken, scanned } from '../numberToken';

/** `Train: 3 [ 100/1251 (  8%)]`: the epoch, the update and the updates of the epoch, the percentage. */
const TRAIN_HEAD_RE = /^Train: (\d{1,9}) \[ *\d{1,12}\/\d{1,12} \( *\d{1,4}(?:\.\d*)?%\)\]/;

/** `Test: [  50/195]`, `Test (EMA): [ 195/195]`. */
const EVAL_HEAD_RE = /^Test(?: \(([A-Za-z0-9_]{1,32})\))?: \[ *(\d{1,12})\/(\d{1,12})\]/;

/** timm's `Train: N [b/B (p%)]` head: the epoch as printed (0 for the first) and where the head ends. */
export interface TimmTrainHead {
  readonly epoch: number;
  readonly end: number;
}

/** The head of a line of timm's training log (see the file's header), or undefined. */
export function timmTrainHead(line: string): TimmTrainHead | undefined {
  if (line.charCodeAt(1) !== 0x72) return undefined; // `Tr`
  const m = TRAIN_HEAD_RE.exec(line);
  return m ? { epoch: Number(m[1]), end: m[0].length } : undefined;
}

/** timm's `Test: [b/B]` / `Test (EMA): [b/B]` head. */
export interface TimmEvalHead {
  /** The model's suffix in lower case (`ema` of `Test (EMA)`), or undefined for the model itself. */
  readonly model: string | undefined;
  readonly batch: number;
  /** The last batch's index, as timm prints it (`len(loader) - 1`): `batch === last` on the last batch. */
  readonly last: number;
  readonly end: number;
}

/** The head of a line of timm's validation log (see the file's header), or undefined. */
export function timmEvalHead(line: string): TimmEvalHead | undefined {
  if (line.charCodeAt(1) !== 0x65) return undefined; // `Te`
  const m = EVAL_HEAD_RE.exec(line);
  if (!m) return undefined;
  return { model: m[1]?.toLowerCase(), batch: Number(m[2]), last: Number(m[3]), end: m[0].length };
}

/**
 * Calls `add(keyStart, keyEnd, average)` for each `Key: value (average)` of `line` from `from` on (blanks
 * around the numbers as timm pads them: `Loss:   0.812 ( 0.812)`); a key is a letter, then letters, digits or
 * `_`, optionally `@` and a number (`Acc@1`). Anything else (`Time: 0.312s (…)`) is skipped up to the next blank.
 * Returns how many it read. Linear in the line's length.
 */
export function readTimmAverages(line: string, from: number, add: (keyStart: number, keyEnd: number, average: number) => void): number {
  const n = line.length;
  let count = 0;
  let i = from;
  while (i < n) {
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    const keyStart = i;
    if (!isLetter(line.charCodeAt(i))) {
      i = skipToken(line, i, n);
      continue;
    }
    i++;
    while (i < n && isKeyChar(line.charCodeAt(i))) i++;
    if (line.charCodeAt(i) === 0x40 && isDigit(line.charCodeAt(i + 1))) {
      i++; // `Acc@1`, `Recall@10`, `mAP@0.5`
      while (i < n && (isDigit(line.charCodeAt(i)) || line.charCodeAt(i) === 0x2e)) i++;
    }
    const keyEnd = i;
    if (line.charCodeAt(i) !== 0x3a) {
      i = skipToken(line, i, n);
      continue;
    }
    i = skipBlanks(line, i + 1, n);
    let end = scanNumberToken(line, i, n);
    if (end < 0 || !isSpace(line.charCodeAt(end))) {
      i = skipToken(line, i, n);
      continue;
    }
    i = skipBlanks(line, end, n);
    if (line.charCodeAt(i) !== 0x28) continue; // `(`
    i = skipBlanks(line, i + 1, n);
    end = scanNumberToken(line, i, n);
    if (end < 0) {
      i = skipToken(line, i, n);
      continue;
    }
    const average = scanned.value;
    i = skipBlanks(line, end, n);
    if (line.charCodeAt(i) !== 0x29) {
      i = skipToken(line, i, n); // `(0.315s,  812.33/s)`: no average
      continue;
    }
    i++;
    add(keyStart, keyEnd, average);
    count++;
  }
  return count;
}

function skipBlanks(line: string, i: number, n: number): number {
  while (i < n && isSpace(line.charCodeAt(i))) i++;
  return i;
}

/** The index after the token at `i` (at least one character on). */
function skipToken(line: string, i: number, n: number): number {
  i++;
  while (i < n && !isSpace(line.charCodeAt(i))) i++;
  return i;
}

function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isKeyChar(c: number): boolean {
  return isLetter(c) || isDigit(c) || c === 0x5f;
}
