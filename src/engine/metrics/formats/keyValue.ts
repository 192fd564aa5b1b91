/**
 * `key=value` and `key: value` pairs anywhere on a line: `epoch=3 val_loss=0.214 acc=0.93`,
 * `val_loss: 0.214, acc: 0.93`, `Epoch 3 | loss=0.5`, and Python dict reprs such as Hugging Face's
 * `{'loss': 0.69, 'epoch': 0.33}` (a key may sit in matching quotes).
 *
 * The rules, chosen so that ordinary log text yields nothing:
 * - A key is `[A-Za-z_][A-Za-z0-9_./-]*` and starts a token: the character before it is not a letter,
 *   digit, `_`, `.`, `/` or `@` (so `https://host:8080` and `user@host:22` give nothing; `--lr=0.1` gives `lr`).
 * - Then optional blanks, `=` or `:`, optional blanks, and a number (see numberToken.ts), optionally
 *   followed by `%` (the value stays as printed: `acc=93.5%` is 93.5).
 * - The number must end the token. It may not be followed by a letter, digit or `_` (`time=3s`,
 *   `id=3abc`, `0x1f` give nothing: units are not parsed), nor by `.`, `:`, `/`, `-`, `+` or `@` and
 *   then a letter or digit (`time: 12:30:45`, `v=1.2.3`, `date: 2024-01-02`, `epoch: 3/10` give
 *   nothing), nor by `,` and then a digit (`n: 1,234`). A sentence-ending `.` or a `,` before the next
 *   pair is fine.
 * - A step key (`epoch`, `step`, `iteration`, `iter`, any case) followed by one space and an integer that
 *   ends in `:` (then a blank or the line's end) or `/` and another integer is the step too: `Epoch 3: 45%|…|
 *   …, val_loss=0.41]` (PyTorch Lightning's progress bar, a tqdm `desc`), `Step 100: loss = 0.5`,
 *   `Epoch 3/10 - loss: 0.5`. It counts only on a line that also has a pair (`Epoch 3/10` alone gives
 *   nothing), and is kept in the values under the key as printed (`Epoch`), like `epoch=3`. Without it a
 *   progress bar that repeats the last `val_loss` on every redraw would count each redraw as a step.
 *   `Epoch 3 | loss=0.5` (no `:` or `/`) stays unread.
 * - A data-split word (`train`, `val`, `valid`, `validation`, `test`, `eval`, `dev`, any case) and one space
 *   before a key also give the joined key in lower case: `Train Loss: 0.5 | Val Loss: 0.4` has `train_loss`
 *   and `val_loss` besides `Loss` (which keeps the last), so a tutorial-style print can be tuned on val_loss.
 * - Anything else (words without a separator, non-numeric values, control characters, U+FFFD) is
 *   skipped; a duplicated key keeps its last value.
 */
import type { MetricRecord } from '../metricParser';
import { scanNumberToken, scanned } from '../numberToken';
import { MAX_KEY_LENGTH, RecordBuilder, stepKeyRank } from '../recordBuilder';
import { hashStep, internKey } from '../keyCache';

// Character classes of the ASCII range (code points >= 128 have none).
const KEY_START = 1; // may start a key
const KEY_CHAR = 2; // may continue a key
const WORD = 4; // letter, digit or `_`: glued to a number, it makes the number part of a word
const GLUE = 8; // before a key: the key is inside a longer token (URL, e-mail, path, version)
const JOINER = 16; // after a number and before a letter/digit: the number is part of a longer token

const CLASSES = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  const letter = /[A-Za-z]/.test(ch);
  const digit = /[0-9]/.test(ch);
  let cls = 0;
  if (letter || ch === '_') cls |= KEY_START;
  if (letter || digit || '_./-'.includes(ch)) cls |= KEY_CHAR;
  if (letter || digit || ch === '_') cls |= WORD;
  if (letter || digit || '_./@'.includes(ch)) cls |= GLUE;
  if ('.:/-+@'.includes(ch)) cls |= JOINER;
  CLASSES[c] = cls;
}

function classOf(c: number): number {
  return c < 128 ? (CLASSES[c] ?? 0) : 0;
}

const CH_EQUALS = 0x3d;
const CH_COLON = 0x3a;
const CH_PERCENT = 0x25;
const CH_COMMA = 0x2c;
const CH_QUOTE = 0x22;
const CH_APOSTROPHE = 0x27;
const CH_ESC = 0x1b;
const CH_BRACKET = 0x5b;
const CH_SPACE = 0x20;
const CH_SLASH = 0x2f;

/** Parses the pairs of one line; undefined when it has none. Linear in the line's length; never throws. */
export function parseKeyValueLine(line: string): MetricRecord | undefined {
  let builder: RecordBuilder | undefined;
  /** Pairs read (a step prefix such as `Epoch 3:` alone makes no record). */
  let pairs = 0;
  const n = line.length;
  // Where a key may start regardless of the character before it (line start, after an escape sequence).
  let boundaryAt = 0;
  let i = 0;
  while (i < n) {
    const c = line.charCodeAt(i);
    const cls = classOf(c);
    if ((cls & KEY_START) === 0) {
      if (c === CH_ESC) {
        // A stray ANSI escape (the launcher normally strips them): skip `ESC [ params final`.
        i = skipEscape(line, i, n);
        boundaryAt = i;
      } else {
        i++;
      }
      continue;
    }
    const keyStart = i;
    let hash = hashStep(0, c);
    i++;
    for (; i < n; i++) {
      const k = line.charCodeAt(i);
      if ((classOf(k) & KEY_CHAR) === 0) break;
      hash = hashStep(hash, k);
    }
    const keyEnd = i;
    if (keyStart !== boundaryAt && (classOf(line.charCodeAt(keyStart - 1)) & GLUE) !== 0) continue;

    // Separator: an optional closing quote matching an opening one, blanks, `=` or `:`, blanks.
    let j = keyEnd;
    const before = keyStart > 0 ? line.charCodeAt(keyStart - 1) : -1;
    if ((before === CH_QUOTE || before === CH_APOSTROPHE) && j < n && line.charCodeAt(j) === before) j++;
    while (j < n && isBlank(line.charCodeAt(j))) j++;
    const sep = j < n ? line.charCodeAt(j) : -1;
    if (sep !== CH_EQUALS && sep !== CH_COLON) {
      // `Epoch 3:` / `Epoch 3/10`: a step prefix (rare path: a space and a digit right after the key).
      if (line.charCodeAt(keyEnd) === CH_SPACE && isDigitClass(line.charCodeAt(keyEnd + 1))) {
        const prefixEnd = stepPrefixEnd(line, keyEnd + 1, n);
        const key = prefixEnd >= 0 ? line.slice(keyStart, keyEnd) : '';
        if (prefixEnd >= 0 && stepKeyRank(key) >= 0) {
          builder ??= new RecordBuilder();
          builder.add(key, Number.parseInt(line.slice(keyEnd + 1, prefixEnd), 10), true);
          i = prefixEnd;
        }
      }
      continue;
    }
    j++;
    while (j < n && isBlank(line.charCodeAt(j))) j++;

    const numberEnd = scanNumberToken(line, j, n);
    if (numberEnd < 0) continue; // resume right after the key: the value may itself start a pair
    const value = scanned.value;
    let end = numberEnd;
    if (end < n && line.charCodeAt(end) === CH_PERCENT) end++;
    if (!endsToken(line, end, n)) continue;

    builder ??= new RecordBuilder();
    if (keyEnd - keyStart <= MAX_KEY_LENGTH) {
      builder.add(internKey(line, keyStart, keyEnd, hash), value, true);
      // `Val Loss: 0.3` (a split word, then the key): also `val_loss`, so train and validation differ.
      if (keyStart > 1 && line.charCodeAt(keyStart - 1) === CH_SPACE) {
        const qualified = splitQualifiedKey(line, keyStart, keyEnd, boundaryAt);
        if (qualified !== undefined) builder.add(qualified, value, true);
      }
    }
    pairs++;
    if (builder.full) break; // the rest of a line with this many pairs is not worth reading
    i = end;
  }
  return pairs > 0 ? builder?.build() : undefined;
}

/** Words that say which data a metric was measured on, as printed before it: `Val Loss`, `Test Acc`. */
const QUALIFIERS: ReadonlySet<string> = new Set(['train', 'training', 'val', 'valid', 'validation', 'test', 'eval', 'dev']);

/**
 * `val_loss` for `Val Loss` (key at keyStart..keyEnd, one space before it, the qualifier a whole word
 * from QUALIFIERS): lower case, joined by `_`. Undefined otherwise. Rare path: runs only for a key after a space.
 */
function splitQualifiedKey(line: string, keyStart: number, keyEnd: number, boundaryAt: number): string | undefined {
  const wordEnd = keyStart - 1;
  let wordStart = wordEnd;
  while (wordStart > 0) {
    const c = line.charCodeAt(wordStart - 1);
    const isLetter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (!isLetter) break;
    wordStart--;
  }
  if (wordEnd - wordStart < 3 || wordEnd - wordStart > 10) return undefined;
  // The qualifier is a word of its own: at the line's start, after an escape, or after a non-word character.
  if (wordStart !== 0 && wordStart !== boundaryAt && (classOf(line.charCodeAt(wordStart - 1)) & WORD) !== 0) return undefined;
  const qualifier = line.slice(wordStart, wordEnd).toLowerCase();
  if (!QUALIFIERS.has(qualifier)) return undefined;
  return `${qualifier}_${line.slice(keyStart, keyEnd).toLowerCase()}`;
}

/**
 * The end of a step prefix's number that starts at `at` (a digit): `3:` followed by a blank or the line's
 * end, or `3/10` not followed by a word character; -1 otherwise.
 */
function stepPrefixEnd(line: string, at: number, n: number): number {
  let k = at;
  while (k < n && isDigitClass(line.charCodeAt(k))) k++;
  if (k - at > 15) return -1; // not a step: beyond exact integers
  const c = k < n ? line.charCodeAt(k) : -1;
  let end: number;
  if (c === CH_COLON && (k + 1 >= n || isBlank(line.charCodeAt(k + 1)))) {
    end = k + 1;
  } else if (c === CH_SLASH && isDigitClass(line.charCodeAt(k + 1))) {
    end = k + 1;
    while (end < n && isDigitClass(line.charCodeAt(end))) end++;
    if (end < n && (classOf(line.charCodeAt(end)) & WORD) !== 0) return -1;
  } else {
    return -1;
  }
  return end;
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** Whether a number that stops at `at` is a whole token (see the rules at the top of this file). */
function endsToken(line: string, at: number, n: number): boolean {
  if (at >= n) return true;
  const c = line.charCodeAt(at);
  const cls = classOf(c);
  if ((cls & WORD) !== 0) return false;
  if (at + 1 >= n) return true;
  const next = classOf(line.charCodeAt(at + 1));
  if ((cls & JOINER) !== 0) return (next & WORD) === 0;
  if (c === CH_COMMA) return !isDigitClass(line.charCodeAt(at + 1));
  return true;
}

function isDigitClass(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Index after an ANSI CSI sequence starting at the ESC at `i` (or just after a lone ESC). */
function skipEscape(line: string, i: number, n: number): number {
  if (i + 1 >= n || line.charCodeAt(i + 1) !== CH_BRACKET) return i + 1;
  let k = i + 2;
  // Parameter and intermediate bytes are 0x20-0x3f; the final byte is 0x40-0x7e.
  while (k < n) {
    const c = line.charCodeAt(k);
    k++;
    if (c >= 0x40 && c <= 0x7e) break;
    if (c < 0x20 || c > 0x3f) return k - 1;
  }
  return k;
}
