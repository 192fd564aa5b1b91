/**
 * The tagged line printed by the bundled Python helper (`python/rung/__init__.py`):
 * `@@rung {"step": 3, "val_loss": 0.214}`.
 *
 * - The tag may follow other text on the line (`[rank0]: @@rung {...}`, or a line that another writer's
 *   output was glued onto): the helper prints it at line start, but launchers and multi-process
 *   wrappers add prefixes. The first `@@rung` followed by blanks and `{` counts; the object must run
 *   to the end of the line.
 * - The object is read as in jsonLine.ts, so `NaN`, `Infinity` and `-Infinity` (which Python's
 *   `json.dumps` writes) come back as non-finite numbers.
 * - The key `step` (the helper's `report(step=...)` argument) is the step whenever it is finite; else
 *   the usual `epoch`/`step`/`iteration`/`iter` rule applies.
 * - A tagged line whose object is malformed yields nothing: it is certainly not a key=value line.
 */
import type { MetricRecord } from '../metricParser';
import { readJsonObject } from './jsonLine';

/** The tag the Python helper prints before its JSON object. */
export const RUNG_TAG = '@@rung';

const CH_LBRACE = 0x7b;

/**
 * Index of the `{` that follows the first proper tag on the line, or -1 when the line has no tag.
 * A mention of `@@rung` that is not followed by blanks and `{` is not a tag.
 */
export function findTaggedObject(line: string): number {
  let at = line.indexOf(RUNG_TAG);
  while (at >= 0) {
    let k = at + RUNG_TAG.length;
    const first = k;
    while (k < line.length && (line.charCodeAt(k) === 0x20 || line.charCodeAt(k) === 0x09)) k++;
    if (k > first && line.charCodeAt(k) === CH_LBRACE) return k;
    at = line.indexOf(RUNG_TAG, at + 1);
  }
  return -1;
}

/** Reads the object of a tagged line, given the index from {@link findTaggedObject}. */
export function readTaggedObject(line: string, braceAt: number): MetricRecord | undefined {
  const result = readJsonObject(line, braceAt, 'step');
  return result.ok ? result.value : undefined;
}

/** Parses a tagged line; undefined when the line has no tag, a malformed object, or no number. */
export function parseTaggedLine(line: string): MetricRecord | undefined {
  const braceAt = findTaggedObject(line);
  return braceAt < 0 ? undefined : readTaggedObject(line, braceAt);
}
