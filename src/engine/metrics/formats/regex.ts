/**
 * A user-given regular expression, for scripts whose output the other formats can't read.
 *
 * - The pattern is JavaScript `RegExp` source, compiled once, without flags. Two conveniences for
 *   people used to Python's `re`: a leading `(?i)` makes it case-insensitive, and `(?P<name>...)` is
 *   accepted as `(?<name>...)`.
 * - Named groups only: `step` gives the step, every other named group a metric. A capture that is not
 *   wholly a number (blanks around it and a trailing `%` are fine) is skipped, as is a group that did
 *   not take part in the match. The first match on the line is used.
 * - A pattern needs at least one named group other than `step`, else it could never yield a metric.
 * - Only the first {@link MAX_REGEX_INPUT} characters of a line are matched: a metric line is never
 *   that long, and it bounds the time a careless pattern can spend on a huge line.
 */
import type { MetricParser, MetricRecord } from '../metricParser';
import { err, ok } from '../../util/result';
import type { Result } from '../../util/result';
import { parseNumericString } from '../numberToken';

/** Characters of a line that a user pattern sees. */
export const MAX_REGEX_INPUT = 65_536;

/** A user pattern, checked and compiled. */
export interface CompiledMetricPattern {
  readonly regex: RegExp;
  /** Named groups in pattern order, `step` included when present. */
  readonly groupNames: readonly string[];
}

/**
 * Checks and compiles a user pattern; `err` carries a message fit for the user (invalid syntax, no
 * named group). Spec validation can call this to point at the study file's `metric.pattern`.
 */
export function compileMetricPattern(pattern: string): Result<CompiledMetricPattern, string> {
  const { source, flags, groupNames } = translatePattern(pattern);
  let regex: RegExp;
  try {
    regex = new RegExp(source, flags);
  } catch (e) {
    return err(`invalid regular expression: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!groupNames.some((name) => name !== 'step')) {
    return err('the pattern needs a named group for a metric, e.g. (?<val_loss>[-+.\\deE]+)');
  }
  return ok({ regex, groupNames });
}

/** A parser for one compiled pattern. */
export function createRegexParser(compiled: CompiledMetricPattern): MetricParser {
  const { regex } = compiled;
  return {
    parse(line: string): MetricRecord | undefined {
      let groups: Record<string, string | undefined> | undefined;
      try {
        const input = line.length > MAX_REGEX_INPUT ? line.slice(0, MAX_REGEX_INPUT) : line;
        groups = regex.exec(input)?.groups;
      } catch {
        return undefined; // e.g. the backtracking stack overflowed
      }
      if (groups === undefined) return undefined;
      return recordFromGroups(groups);
    },
  };
}

function recordFromGroups(groups: Record<string, string | undefined>): MetricRecord | undefined {
  const values: Record<string, number> = Object.create(null) as Record<string, number>;
  let any = false;
  let step: number | undefined;
  for (const name of Object.keys(groups)) {
    const text = groups[name];
    if (text === undefined) continue;
    const value = parseNumericString(text);
    if (value === undefined) continue;
    if (name === 'step') {
      if (Number.isFinite(value)) step = value;
    } else {
      values[name] = value;
      any = true;
    }
  }
  if (!any) return undefined;
  return step === undefined ? { values } : { values, step };
}

/**
 * Rewrites Python-only syntax and lists the named groups. Walks the source once, skipping escapes and
 * character classes so that `\(?P<` or `[(?P<]` are left alone.
 */
function translatePattern(pattern: string): { source: string; flags: string; groupNames: string[] } {
  let body = pattern;
  let flags = '';
  if (body.startsWith('(?i)')) {
    body = body.slice(4);
    flags = 'i';
  }
  const groupNames: string[] = [];
  let out = '';
  let inClass = false;
  for (let k = 0; k < body.length; k++) {
    const ch = body[k] ?? '';
    if (ch === '\\') {
      out += body.slice(k, k + 2);
      k++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      out += ch;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      out += ch;
      continue;
    }
    if (ch === '(' && body.startsWith('?', k + 1)) {
      const named = /^\(\?P?<([A-Za-z_$][\w$]*)>/.exec(body.slice(k, k + 260));
      if (named?.[1] !== undefined) {
        groupNames.push(named[1]);
        out += `(?<${named[1]}>`;
        k += named[0].length - 1;
        continue;
      }
    }
    out += ch;
  }
  return { source: out, flags, groupNames };
}
