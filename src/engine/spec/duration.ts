/** Durations in the study file: a number of seconds, or a string such as `90s`, `30m`, `2h`, `1h30m`, `1.5d`. */

/** A duration string: optional d, h, m, s parts in that order (each a decimal), or a bare number of seconds. */
export const DURATION_PATTERN = '^(?:\\d+(?:\\.\\d+)?|(?=\\d)(?:\\d+(?:\\.\\d+)?d)?(?:\\d+(?:\\.\\d+)?h)?(?:\\d+(?:\\.\\d+)?m)?(?:\\d+(?:\\.\\d+)?s)?)$';

const durationRegex = new RegExp(DURATION_PATTERN);
const UNIT_SECONDS: Readonly<Record<string, number>> = { d: 86_400, h: 3_600, m: 60, s: 1 };

/** Seconds in a duration (number or string); undefined when it is not a valid, finite, non-negative duration. */
export function parseDuration(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (!durationRegex.test(value)) return undefined;
  if (/^[\d.]+$/.test(value)) return Number(value);
  let seconds = 0;
  for (const match of value.matchAll(/(\d+(?:\.\d+)?)([dhms])/g)) {
    seconds += Number(match[1]) * (UNIT_SECONDS[match[2] ?? 's'] ?? 1);
  }
  return seconds;
}
