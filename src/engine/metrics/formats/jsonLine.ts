/**
 * One JSON object per line: `{"epoch": 3, "val_loss": 0.214}`.
 *
 * A small scanner instead of `JSON.parse`, for two reasons: Python's `json.dumps` writes the bare tokens
 * `NaN`, `Infinity` and `-Infinity` (which `JSON.parse` rejects) and the helper's tagged lines rely on
 * them; and only the numeric leaves are wanted, so no object tree is built. What it reads:
 * - numbers, and the tokens `NaN`/`Infinity`/`-Infinity` (any case, also `inf`/`nan`: the same number
 *   grammar as the key=value form);
 * - strings that are wholly a number, such as `"0.2"`, `"NaN"`, `"-inf"`, `"93%"` (some loggers quote
 *   floats); other strings, booleans, null and arrays are ignored;
 * - nested objects flattened with dots: `{"train": {"loss": 0.5}}` gives `train.loss` (a step is only
 *   taken from top-level keys); nesting deeper than {@link MAX_JSON_DEPTH} makes the line invalid.
 * Anything after the closing brace other than whitespace makes the line invalid.
 */
import type { MetricRecord } from '../metricParser';
import { err, ok } from '../../util/result';
import type { Result } from '../../util/result';
import { isSpace, parseNumericString, scanNumberToken, scanned } from '../numberToken';
import { MAX_KEY_LENGTH, RecordBuilder } from '../recordBuilder';
import { hashStep, internKey } from '../keyCache';

/** Objects and arrays nested deeper than this make a line invalid (bounds the scanner's recursion). */
export const MAX_JSON_DEPTH = 64;

const CH_LBRACE = 0x7b;
const CH_RBRACE = 0x7d;
const CH_LBRACKET = 0x5b;
const CH_RBRACKET = 0x5d;
const CH_QUOTE = 0x22;
const CH_BACKSLASH = 0x5c;
const CH_COLON = 0x3a;
const CH_COMMA = 0x2c;

/**
 * Reads the JSON object that starts at `start` (a `{`) and must run to the end of `text`.
 *
 * @param exactStepKey see {@link RecordBuilder}; the tagged format passes `step`.
 * @returns `ok(record)` for a valid object (`ok(undefined)` when it holds no number), or `err(reason)`
 *   when the text is not a valid object, so the caller can try another format.
 */
export function readJsonObject(
  text: string,
  start: number,
  exactStepKey?: string,
): Result<MetricRecord | undefined, string> {
  const scanner = new JsonScanner(text, new RecordBuilder(exactStepKey));
  return scanner.readLine(start);
}

/** Parses a line that is one JSON object, surrounding whitespace allowed; undefined when it has no number or is not one. */
export function parseJsonLine(line: string): MetricRecord | undefined {
  let i = 0;
  while (i < line.length && isSpace(line.charCodeAt(i))) i++;
  if (line.charCodeAt(i) !== CH_LBRACE) return undefined;
  const result = readJsonObject(line, i);
  return result.ok ? result.value : undefined;
}

/** Thrown only inside the scanner and caught in `readLine`; keeps the recursive readers simple. */
class Invalid {
  constructor(readonly reason: string) {}
}

class JsonScanner {
  private i = 0;
  private readonly n: number;

  constructor(
    private readonly s: string,
    private readonly builder: RecordBuilder,
  ) {
    this.n = s.length;
  }

  readLine(start: number): Result<MetricRecord | undefined, string> {
    this.i = start;
    try {
      this.readObject('', 0);
      this.skipSpace();
      if (this.i < this.n) this.fail('text after the closing brace');
    } catch (e) {
      if (e instanceof Invalid) return err(`${e.reason} at column ${this.i + 1}`);
      return err(String(e));
    }
    return ok(this.builder.build());
  }

  private fail(reason: string): never {
    throw new Invalid(reason);
  }

  private skipSpace(): void {
    while (this.i < this.n && isSpace(this.s.charCodeAt(this.i))) this.i++;
  }

  private peek(): number {
    return this.i < this.n ? this.s.charCodeAt(this.i) : -1;
  }

  /** At a `{`; `prefix` is the dotted path of the enclosing keys (empty at top level). */
  private readObject(prefix: string, depth: number): void {
    if (depth >= MAX_JSON_DEPTH) this.fail('nesting too deep');
    this.i++; // `{`
    this.skipSpace();
    if (this.peek() === CH_RBRACE) {
      this.i++;
      return;
    }
    for (;;) {
      this.skipSpace();
      if (this.peek() !== CH_QUOTE) this.fail('expected a key');
      const key = prefix === '' ? this.readString(true) : prefix + this.readString(false);
      this.skipSpace();
      if (this.peek() !== CH_COLON) this.fail("expected ':'");
      this.i++;
      this.skipSpace();
      this.readMember(key, prefix === '', depth);
      this.skipSpace();
      const c = this.peek();
      this.i++;
      if (c === CH_RBRACE) return;
      if (c !== CH_COMMA) this.fail("expected ',' or '}'");
    }
  }

  private readMember(key: string, topLevel: boolean, depth: number): void {
    const c = this.peek();
    if (c === CH_LBRACE) {
      this.readObject(key + '.', depth + 1);
    } else if (c === CH_QUOTE) {
      const value = parseNumericString(this.readString(false));
      if (value !== undefined) this.builder.add(key, value, topLevel);
    } else if (c === CH_LBRACKET) {
      this.skipArray(depth + 1);
    } else if (!this.skipLiteral()) {
      const end = scanNumberToken(this.s, this.i, this.n);
      if (end < 0) this.fail('expected a value');
      this.i = end;
      this.builder.add(key, scanned.value, topLevel);
    }
  }

  /** Skips `true`, `false` or `null`; false when none is here. */
  private skipLiteral(): boolean {
    for (const word of LITERALS) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return true;
      }
    }
    return false;
  }

  /** Arrays are validated and skipped: a list has no single metric value. */
  private skipArray(depth: number): void {
    if (depth >= MAX_JSON_DEPTH) this.fail('nesting too deep');
    this.i++; // `[`
    this.skipSpace();
    if (this.peek() === CH_RBRACKET) {
      this.i++;
      return;
    }
    for (;;) {
      this.skipSpace();
      this.skipValue(depth);
      this.skipSpace();
      const c = this.peek();
      this.i++;
      if (c === CH_RBRACKET) return;
      if (c !== CH_COMMA) this.fail("expected ',' or ']'");
    }
  }

  private skipValue(depth: number): void {
    const c = this.peek();
    if (c === CH_LBRACE) {
      // An object inside an array: validated through a throw-away builder.
      const inner = new JsonScanner(this.s, new RecordBuilder());
      inner.i = this.i;
      inner.readObject('', depth);
      this.i = inner.i;
    } else if (c === CH_LBRACKET) {
      this.skipArray(depth + 1);
    } else if (c === CH_QUOTE) {
      this.skipString();
    } else if (!this.skipLiteral()) {
      const end = scanNumberToken(this.s, this.i, this.n);
      if (end < 0) this.fail('expected a value');
      this.i = end;
    }
  }

  // Set by findStringEnd: whether the string has escapes, and the hash of its chars (for the key cache).
  private escaped = false;
  private hash = 0;

  /** The index of the closing quote of the string starting at `this.i`. */
  private findStringEnd(): number {
    let k = this.i + 1;
    let hash = 0;
    this.escaped = false;
    while (k < this.n) {
      const c = this.s.charCodeAt(k);
      if (c === CH_QUOTE) {
        this.hash = hash;
        return k;
      }
      if (c === CH_BACKSLASH) {
        this.escaped = true;
        k += 2;
      } else {
        hash = hashStep(hash, c);
        k++;
      }
    }
    return this.fail('unterminated string');
  }

  private skipString(): void {
    this.i = this.findStringEnd() + 1;
  }

  /** Reads a string; escapes are decoded by `JSON.parse` of just that string (rare in metric names). */
  private readString(asKey: boolean): string {
    const end = this.findStringEnd();
    const start = this.i;
    this.i = end + 1;
    if (!this.escaped) {
      // Keys repeat on every line: reuse their strings (see keyCache.ts).
      return asKey && end - start <= MAX_KEY_LENGTH ? internKey(this.s, start + 1, end, this.hash) : this.s.slice(start + 1, end);
    }
    try {
      return JSON.parse(this.s.slice(start, end + 1)) as string;
    } catch {
      this.i = start;
      return this.fail('bad escape in string');
    }
  }
}

const LITERALS = ['true', 'false', 'null'] as const;
