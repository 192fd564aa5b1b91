/**
 * The number grammar shared by every metric format: ints, decimals (`.5`, `5.`), exponents (`1e-3`,
 * `2.5E+04`), a leading `+`/`-`, and the words `nan`, `inf`, `infinity` in any case (`NaN`, `-inf`,
 * `Infinity`). Hand-written over `charCodeAt` because this runs for every output line of every trial.
 */

const CH_PLUS = 0x2b;
const CH_MINUS = 0x2d;
const CH_DOT = 0x2e;
const CH_0 = 0x30;
const CH_9 = 0x39;
const CH_PERCENT = 0x25;

/** Lower-case letters used by the word forms; `c | 0x20` folds an ASCII upper-case letter onto them. */
const LC_E = 0x65;
const LC_I = 0x69;
const LC_N = 0x6e;

function isDigit(c: number): boolean {
  return c >= CH_0 && c <= CH_9;
}

/**
 * Holds the value of the token most recently accepted by {@link scanNumberToken}. A shared slot instead
 * of a returned object keeps the hot path free of allocations; every caller reads it right after the
 * call, and the engine is single-threaded.
 */
export const scanned = { value: 0 };

/**
 * Scans one number token starting at `start` (no leading whitespace, no `%`, no check of what follows).
 *
 * @returns the index just past the token, or -1 when no number starts at `start`; on success the value
 *   is in {@link scanned}.
 */
export function scanNumberToken(s: string, start: number, end: number): number {
  let j = start;
  let negative = false;
  let c = j < end ? s.charCodeAt(j) : -1;
  if (c === CH_PLUS || c === CH_MINUS) {
    negative = c === CH_MINUS;
    j++;
    c = j < end ? s.charCodeAt(j) : -1;
  }
  if (isDigit(c) || (c === CH_DOT && j + 1 < end && isDigit(s.charCodeAt(j + 1)))) {
    // Mantissa digits are accumulated while scanning, for the exact fast path below.
    let mantissa = 0;
    let digits = 0;
    let fractionDigits = 0;
    while (j < end && isDigit((c = s.charCodeAt(j)))) {
      mantissa = mantissa * 10 + (c - CH_0);
      digits++;
      j++;
    }
    if (j < end && s.charCodeAt(j) === CH_DOT) {
      j++;
      while (j < end && isDigit((c = s.charCodeAt(j)))) {
        mantissa = mantissa * 10 + (c - CH_0);
        digits++;
        fractionDigits++;
        j++;
      }
    }
    let exponent = 0;
    // An exponent counts only when digits follow it: `1e` and `1e+` are `1` followed by letters.
    if (j < end && (s.charCodeAt(j) | 0x20) === LC_E) {
      let k = j + 1;
      const sign = k < end ? s.charCodeAt(k) : -1;
      if (sign === CH_PLUS || sign === CH_MINUS) k++;
      if (k < end && isDigit(s.charCodeAt(k))) {
        while (k < end && isDigit((c = s.charCodeAt(k)))) {
          if (exponent < 100_000) exponent = exponent * 10 + (c - CH_0);
          k++;
        }
        if (sign === CH_MINUS) exponent = -exponent;
        j = k;
      }
    }
    scanned.value = toDouble(s, start, j, mantissa, digits, exponent - fractionDigits, negative);
    return j;
  }
  const lc = c | 0x20;
  if (lc === LC_N && matchesWord(s, j, end, 'nan')) {
    scanned.value = Number.NaN;
    return j + 3;
  }
  if (lc === LC_I && matchesWord(s, j, end, 'inf')) {
    scanned.value = negative ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    return matchesWord(s, j + 3, end, 'inity') ? j + 8 : j + 3;
  }
  return -1;
}

/** Exact powers of ten as doubles (10^22 is the largest one a double holds exactly). */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * Clinger's fast path: with at most 15 significant digits (mantissa exact) and a power of ten that is
 * exact, one multiplication or division rounds once, so the result equals `Number(text)`. Everything
 * else (long mantissas, big exponents) goes through `Number`, which is correctly rounded.
 */
function toDouble(
  s: string,
  start: number,
  end: number,
  mantissa: number,
  digits: number,
  exponent: number,
  negative: boolean,
): number {
  if (digits <= 15) {
    const scale = POW10[exponent < 0 ? -exponent : exponent];
    if (scale !== undefined) {
      const v = exponent < 0 ? mantissa / scale : mantissa * scale;
      return negative ? -v : v;
    }
  }
  return Number(s.slice(start, end));
}

/** Case-insensitive match of the lower-case ASCII `word` at `at`. */
function matchesWord(s: string, at: number, end: number, word: string): boolean {
  if (at + word.length > end) return false;
  for (let k = 0; k < word.length; k++) {
    if ((s.charCodeAt(at + k) | 0x20) !== word.charCodeAt(k)) return false;
  }
  return true;
}

/**
 * The number a whole string spells, or undefined: the token grammar above plus an optional trailing
 * `%` (kept as printed: `"93%"` is 93). Used for JSON string values and regex captures; surrounding
 * whitespace is allowed so a capture like `(?<loss>\S+ )` still reads.
 */
export function parseNumericString(text: string): number | undefined {
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  if (start === end) return undefined;
  const after = scanNumberToken(text, start, end);
  if (after < 0) return undefined;
  const value = scanned.value;
  const tail = after < end && text.charCodeAt(after) === CH_PERCENT ? after + 1 : after;
  return tail === end ? value : undefined;
}

/** Space, tab and the other ASCII whitespace/control characters a line may still carry (`\r`, `\f`, `\v`). */
export function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

