/**
 * Reading metrics from a trial's output lines. Zero changes to a script are needed: key=value pairs,
 * one JSON object per line, the tagged line of the bundled Python helper, or a user regex.
 */

export interface MetricRecord {
  /** e.g. { val_loss: 0.41, acc: 0.88 }; may hold NaN/±Infinity when the script printed them. */
  readonly values: Readonly<Record<string, number>>;
  /** From `epoch`/`step`/`iteration` (or the regex's `step` group) when the line had one. */
  readonly step?: number;
}

export interface MetricParser {
  /** Pure: one complete line in (no newline), at most one record out. Never throws. */
  parse(line: string): MetricRecord | undefined;
}

/**
 * `auto` accepts the tag, JSON and key=value forms on every line (in that order of precedence);
 * `regex` uses only the user's pattern (named groups; `step` is the step, every other group a metric).
 */
export type MetricFormat =
  | { readonly kind: 'auto' }
  | { readonly kind: 'regex'; readonly pattern: string };
