/**
 * The numeric filter typed in the table's filter row, as text: `0.1..0.5` (inclusive range), `>=0.2`
 * or `>0.2` (at least), `<=3` or `<3` (at most), `..0.5`, `2..`, or a single number (exactly).
 * Bounds are inclusive (the store's RangeFilter is), so `>` and `>=` mean the same here.
 */
import type { RangeFilter } from '../../state/store';

/** undefined for empty text (no filter), null for text that is not a range. */
export function parseRange(text: string): RangeFilter | undefined | null {
  const s = text.trim().replace(/\s+/g, '');
  if (s === '') return undefined;
  const num = (x: string): number | undefined | null => {
    if (x === '') return undefined;
    const v = Number(x);
    return Number.isFinite(v) ? v : null;
  };
  const bound = /^(>=|<=|>|<|=)(.*)$/.exec(s);
  if (bound) {
    const v = num(bound[2]!);
    if (v === null || v === undefined) return null;
    if (bound[1]!.startsWith('>')) return { min: v };
    if (bound[1]!.startsWith('<')) return { max: v };
    return { min: v, max: v };
  }
  const dots = s.indexOf('..');
  if (dots >= 0) {
    const min = num(s.slice(0, dots));
    const max = num(s.slice(dots + 2));
    if (min === null || max === null || (min === undefined && max === undefined)) return null;
    if (min !== undefined && max !== undefined && min > max) return { min: max, max: min };
    return { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
  }
  const v = num(s);
  return v === null || v === undefined ? null : { min: v, max: v };
}

/** The text the filter row shows for a range (set here or by another view, e.g. the decisions' rung pick). */
export function formatRange(r: RangeFilter | undefined): string {
  if (!r || r.values) return '';
  const f = (v: number): string => String(Number(v.toPrecision(6)));
  if (r.min !== undefined && r.max !== undefined) return r.min === r.max ? f(r.min) : `${f(r.min)}..${f(r.max)}`;
  if (r.min !== undefined) return `>=${f(r.min)}`;
  if (r.max !== undefined) return `<=${f(r.max)}`;
  return '';
}
