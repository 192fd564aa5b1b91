/**
 * Small YAML writers for generated study files (`rung import`, `rung propose`): values in flow style, plain when that reads back as the
 * same value and JSON-quoted otherwise (a JSON string is a valid YAML double-quoted scalar), and command
 * words quoted the way Rung splits the command (shell-like words, never run by a shell).
 */
import type { ParamValue } from '../space/searchSpace';

const PLAIN = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
/** Words YAML 1.1 or 1.2 reads as booleans or null: quoted so they stay strings. */
const YAML_WORDS = /^(?:true|false|yes|no|on|off|null|y|n|~)$/i;

/** A number as YAML 1.2 reads it back: integers plain, exponent form for very small or large magnitudes. */
export function yamlNumber(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return x.toExponential().replace('e+', 'e');
  return String(x);
}

/** A scalar for a flow context (`{...}`, `[...]`). */
export function yamlScalar(v: ParamValue | null): string {
  if (typeof v === 'number') return yamlNumber(v);
  if (typeof v === 'boolean' || v === null) return String(v);
  return PLAIN.test(v) && !YAML_WORDS.test(v) ? v : JSON.stringify(v);
}

/** A mapping key. */
export function yamlKey(name: string): string {
  return PLAIN.test(name) && !YAML_WORDS.test(name) ? name : JSON.stringify(name);
}

/** A string in block context (`command: ...`): plain when safe, else JSON-quoted. */
export function yamlString(text: string): string {
  const risky = /^[\s\-?:,[\]{}#&*!|>'"%@`]|: | #|[\n\t]|\s$|:$/.test(text) || YAML_WORDS.test(text) || /^[-+.]?[0-9]/.test(text);
  return risky ? JSON.stringify(text) : text;
}

/** `{a: 1, b: x}` from ordered entries. */
export function flowMap(entries: ReadonlyArray<readonly [string, string]>): string {
  return `{${entries.map(([k, v]) => `${yamlKey(k)}: ${v}`).join(', ')}}`;
}

/**
 * One word of the command, which Rung splits like shell words: single-quoted unless it is made only of
 * characters a shell leaves alone. The word is already a command template (placeholders in braces,
 * literal braces doubled): quoting changes how it is split, not its placeholders.
 */
export function commandWord(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_./@%+=:,{}-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Literal text inside a command template: braces doubled so they are not placeholders. */
export function templateText(text: string): string {
  return text.replace(/\{/g, '{{').replace(/\}/g, '}}');
}

export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Words of `text` in lines of at most `width` characters (a longer word gets a line of its own). Code in
 * backticks is never broken, so a snippet can be copied from one line.
 */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of words(oneLine(text))) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** Splits at spaces outside backticks. */
function words(text: string): string[] {
  const out: string[] = [];
  let word = '';
  let code = false;
  for (const c of text) {
    if (c === '`') code = !code;
    if (c === ' ' && !code) {
      if (word !== '') out.push(word);
      word = '';
    } else word += c;
  }
  if (word !== '') out.push(word);
  return out;
}

/** Rounds a computed bound to 12 significant digits, so 0.1 + 0.2 reads 0.3 and a step still divides the range. */
export function clean(x: number): number {
  return x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(12));
}

/** Rounds exp() of a bound for display (6 significant digits: exp(-9.21034) is 0.0001). */
export function cleanExp(x: number): number {
  return x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(6));
}
