/**
 * Builds the parser for a study's `metric` format. `auto` tries, in order: the Python helper's tagged
 * line, a line that is one JSON object, and key=value / key: value pairs (see formats/*.ts for each
 * form's exact rules). Every parser is pure and never throws.
 */
import type { MetricFormat, MetricParser, MetricRecord } from './metricParser';
import { err, ok } from '../util/result';
import type { Result } from '../util/result';
import { parseKeyValueLine } from './formats/keyValue';
import { readJsonObject } from './formats/jsonLine';
import { findTaggedObject, readTaggedObject } from './formats/tagged';
import { compileMetricPattern, createRegexParser } from './formats/regex';
import { isSpace } from './numberToken';

const CH_LBRACE = 0x7b;

/**
 * The `auto` format for one line:
 * 1. a tagged line (`@@rung {...}`) gives the values of its object, or nothing when the object is malformed;
 * 2. a line that is a valid JSON object (blanks around it allowed) gives its numeric fields, or nothing
 *    when it has none; the key=value form is not tried on it, so a structured log whose message
 *    mentions `loss=0.5` is not mined;
 * 3. anything else, including a brace-wrapped line that is not valid JSON (a Python dict repr such as
 *    `{'loss': 0.69, 'epoch': 1}`, a truncated object), is read for key=value / key: value pairs.
 */
export function parseAutoLine(line: string): MetricRecord | undefined {
  try {
    const braceAt = findTaggedObject(line);
    if (braceAt >= 0) return readTaggedObject(line, braceAt);
    let i = 0;
    while (i < line.length && isSpace(line.charCodeAt(i))) i++;
    if (line.charCodeAt(i) === CH_LBRACE) {
      const json = readJsonObject(line, i);
      if (json.ok) return json.value;
    }
    return parseKeyValueLine(line);
  } catch {
    // Unreachable by design; the contract says never throw, whatever the line.
    return undefined;
  }
}

const autoParser: MetricParser = { parse: parseAutoLine };

/**
 * The parser for `format`, or the reason it can't be built (only a `regex` pattern can be wrong: bad
 * syntax, or no named group for a metric).
 */
export function tryCreateMetricParser(format: MetricFormat): Result<MetricParser, string> {
  if (format.kind === 'auto') return ok(autoParser);
  const compiled = compileMetricPattern(format.pattern);
  return compiled.ok ? ok(createRegexParser(compiled.value)) : err(compiled.error);
}

/**
 * The parser for `format`.
 *
 * @throws {SyntaxError} when a `regex` pattern is invalid; validate it first with
 *   {@link tryCreateMetricParser} or `compileMetricPattern` when it comes from a user.
 */
export function createMetricParser(format: MetricFormat): MetricParser {
  const result = tryCreateMetricParser(format);
  if (!result.ok) throw new SyntaxError(`metric pattern: ${result.error}`);
  return result.value;
}

/**
 * The value of metric `name` in `record`, or undefined when the line did not have it. `values` is a
 * plain object, so prefer this to `values[name]`, which would find inherited members such as
 * `constructor` for a metric of that name.
 */
export function metricValue(record: MetricRecord, name: string): number | undefined {
  return Object.hasOwn(record.values, name) ? record.values[name] : undefined;
}
