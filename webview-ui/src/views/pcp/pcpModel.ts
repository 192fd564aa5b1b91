/**
 * The parallel-coordinates plot's pure model (no DOM, tested in Node): which axes there are, where a
 * value sits on its axis, the colour of a line, the pixel layout, brushes ⇄ store filters, and the line
 * nearest a click.
 *
 * Axes, left to right: one per search-space parameter (float, log — a log10 scale —, int, categorical with
 * its choices evenly spaced), then the rung a trial reached when the scheduler has rungs, then the
 * objective (last). Positions are normalised: 0 = bottom of the axis, 1 = top.
 *
 * Missing values (a conditional parameter that was inactive, a failed trial's value, a trial that has not
 * reached the first rung) are drawn at a separate "missing" lane below the plot, labelled "n/a": the line
 * stays continuous so the trial can still be followed across, and the lane is visibly outside every axis.
 * A brush never covers the lane, so brushing a conditional parameter keeps only the trials that had it.
 */
import type { CellValue, StudyHeader, TrialRow } from '../../../../src/shared/dashboardProtocol';
import type { RangeFilter } from '../../state/store';

export type AxisKind = 'float' | 'log' | 'int' | 'categorical' | 'rung' | 'objective';

export interface PcpAxis {
  /** The store's column key, also the brush key: `param:<name>`, `rung` or `value`. */
  readonly key: string;
  readonly label: string;
  readonly kind: AxisKind;
  /** Numeric domain in the value's own units (log axes: both > 0). */
  readonly min: number;
  readonly max: number;
  /** Categorical (and rung) axes: the values, bottom to top. */
  readonly choices: readonly CellValue[];
  /** Labels of `choices` (rung axes show the rung's budget). */
  readonly choiceLabels: readonly string[];
  /** Whether values may be missing (conditional parameter, objective, rung): the axis shows the "n/a" lane. */
  readonly mayBeMissing: boolean;
}

/** Normalised position of a missing value: the lane below the plot. */
export const MISSING = -1;

/** Axis key of the objective, and of the rung axis (TrialRow fields, as the table's column keys). */
export const OBJECTIVE_KEY = 'value';
export const RUNG_KEY = 'rung';

/** Builds the axes for a study; numeric domains from the study file, widened to the values seen. */
export function buildAxes(header: StudyHeader, trials: Iterable<TrialRow>): PcpAxis[] {
  const seen = new Map<string, { min: number; max: number; extra: CellValue[] }>();
  let vmin = Infinity;
  let vmax = -Infinity;
  for (const t of trials) {
    for (const p of header.params) {
      const v = t.params[p.name];
      if (v === undefined) continue;
      let s = seen.get(p.name);
      if (!s) seen.set(p.name, (s = { min: Infinity, max: -Infinity, extra: [] }));
      if (typeof v === 'number' && Number.isFinite(v) && !(p.log && v <= 0)) {
        if (v < s.min) s.min = v;
        if (v > s.max) s.max = v;
      }
      if (p.kind === 'categorical' && !(p.choices ?? []).includes(v) && !s.extra.includes(v)) s.extra.push(v);
    }
    if (t.value !== null && Number.isFinite(t.value)) {
      if (t.value < vmin) vmin = t.value;
      if (t.value > vmax) vmax = t.value;
    }
  }
  const axes: PcpAxis[] = header.params.map((p) => {
    const s = seen.get(p.name);
    if (p.kind === 'categorical') {
      const choices = [...(p.choices ?? []), ...(s?.extra ?? [])];
      return { key: `param:${p.name}`, label: p.name, kind: 'categorical', min: 0, max: Math.max(0, choices.length - 1), choices, choiceLabels: choices.map(String), mayBeMissing: p.conditional };
    }
    let min = Math.min(p.low ?? Infinity, s?.min ?? Infinity);
    let max = Math.max(p.high ?? -Infinity, s?.max ?? -Infinity);
    if (!Number.isFinite(min) || !Number.isFinite(max)) [min, max] = [0, 1];
    const log = p.log && min > 0;
    return { key: `param:${p.name}`, label: p.name, kind: log ? 'log' : p.kind === 'int' ? 'int' : 'float', min, max, choices: [], choiceLabels: [], mayBeMissing: p.conditional };
  });
  const rungs = Math.max(0, ...header.plan.brackets.map((b) => b.rungs.length));
  if (rungs > 0) {
    const budgets = header.plan.brackets.length === 1 ? header.plan.brackets[0]!.rungs : null;
    const choices = Array.from({ length: rungs }, (_, i) => i);
    axes.push({
      key: RUNG_KEY,
      label: 'rung',
      kind: 'rung',
      min: 0,
      max: rungs - 1,
      choices,
      choiceLabels: choices.map((i) => (budgets ? `${i} · ${budgets[i]} ${header.stepUnit}` : String(i))),
      mayBeMissing: true,
    });
  }
  if (!Number.isFinite(vmin)) [vmin, vmax] = [0, 1];
  axes.push({
    key: OBJECTIVE_KEY,
    label: `${header.metric} ${header.goal === 'minimize' ? '↓' : '↑'}`,
    kind: 'objective',
    min: vmin,
    max: vmax,
    choices: [],
    choiceLabels: [],
    mayBeMissing: true,
  });
  return axes;
}

/** True when two axis lists place every value identically (no full redraw needed). */
export function sameScales(a: readonly PcpAxis[], b: readonly PcpAxis[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((x, i) => {
    const y = b[i]!;
    return x.key === y.key && x.kind === y.kind && x.min === y.min && x.max === y.max && x.choices.length === y.choices.length && x.choices.every((c, j) => c === y.choices[j]);
  });
}

/** A trial's value on an axis: its parameter, its rung, or its objective value. */
export function axisValue(axis: PcpAxis, t: TrialRow): CellValue | null | undefined {
  if (axis.key === OBJECTIVE_KEY) return t.value;
  if (axis.key === RUNG_KEY) return t.rung;
  return t.params[axis.key.slice(6)];
}

/** Normalised position (0 bottom … 1 top) of a value on an axis, or MISSING. */
export function axisPosition(axis: PcpAxis, v: CellValue | null | undefined): number {
  if (v === undefined || v === null) return MISSING;
  if (axis.kind === 'categorical' || axis.kind === 'rung') {
    const i = axis.choices.indexOf(v);
    return i < 0 ? MISSING : choicePosition(i, axis.choices.length);
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) return MISSING;
  if (axis.kind === 'log') {
    if (v <= 0) return MISSING;
    const lo = Math.log10(axis.min);
    const span = Math.log10(axis.max) - lo;
    return span > 0 ? clamp01((Math.log10(v) - lo) / span) : 0.5;
  }
  const span = axis.max - axis.min;
  return span > 0 ? clamp01((v - axis.min) / span) : 0.5;
}

/** Choices are evenly spaced with half a slot of margin at both ends. */
export function choicePosition(i: number, n: number): number {
  return (i + 0.5) / n;
}

/** The numeric value at a normalised position of a numeric axis (inverse of axisPosition). */
export function axisValueAt(axis: PcpAxis, t: number): number {
  if (axis.kind === 'log') {
    const lo = Math.log10(axis.min);
    return 10 ** (lo + t * (Math.log10(axis.max) - lo));
  }
  return axis.min + t * (axis.max - axis.min);
}

/**
 * The store filter for a brush covering positions [t0, t1] of an axis: a numeric range, or the covered
 * choices of a categorical axis (the rung axis gives a min–max range of rungs, as the table's rung column).
 * Undefined when a categorical brush covers no choice.
 */
export function brushToRange(axis: PcpAxis, t0: number, t1: number): RangeFilter | undefined {
  const lo = clamp01(Math.min(t0, t1));
  const hi = clamp01(Math.max(t0, t1));
  if (axis.kind === 'categorical' || axis.kind === 'rung') {
    const covered = axis.choices.filter((_, i) => {
      const p = choicePosition(i, axis.choices.length);
      return p >= lo && p <= hi;
    });
    if (covered.length === 0) return undefined;
    if (axis.kind === 'rung') return { min: Math.min(...(covered as number[])), max: Math.max(...(covered as number[])) };
    return { values: covered };
  }
  return { min: axisValueAt(axis, lo), max: axisValueAt(axis, hi) };
}

/** The positions [lo, hi] a store filter covers on an axis (to draw a brush); null when not drawable. */
export function rangeToBrush(axis: PcpAxis, r: RangeFilter): [number, number] | null {
  if (axis.kind === 'categorical' || axis.kind === 'rung') {
    const n = axis.choices.length;
    const idx = axis.choices
      .map((c, i) => (r.values ? r.values.includes(c) : typeof c === 'number' && (r.min === undefined || c >= r.min) && (r.max === undefined || c <= r.max)) ? i : -1)
      .filter((i) => i >= 0);
    if (idx.length === 0 || n === 0) return null;
    // Half a slot around the first and last covered choice.
    return [clamp01(choicePosition(Math.min(...idx), n) - 0.5 / n), clamp01(choicePosition(Math.max(...idx), n) + 0.5 / n)];
  }
  const lo = r.min === undefined ? 0 : axisPosition(axis, r.min);
  const hi = r.max === undefined ? 1 : axisPosition(axis, r.max);
  if (lo === MISSING || hi === MISSING) return null;
  return [Math.min(lo, hi), Math.max(lo, hi)];
}

/** True when every value of the row falls inside the axes' domains (so the scales need not change). */
export function fitsAxes(axes: readonly PcpAxis[], row: TrialRow): boolean {
  for (const a of axes) {
    const v = axisValue(a, row);
    if (v === undefined || v === null) continue;
    if (a.kind === 'categorical' || a.kind === 'rung') {
      if (!a.choices.includes(v)) return false;
    } else if (typeof v === 'number' && Number.isFinite(v) && (v < a.min || v > a.max)) return false;
  }
  return true;
}

export interface AxisTick {
  /** Normalised position. */
  readonly t: number;
  readonly label: string;
}

/**
 * Tick marks of an axis: every choice of a categorical axis, powers of ten of a log axis (or its ends),
 * every integer of a short int axis, else the ends and the middle.
 */
export function axisTicks(axis: PcpAxis, format: (v: number) => string): AxisTick[] {
  if (axis.kind === 'categorical' || axis.kind === 'rung') {
    return axis.choices.map((_, i) => ({ t: choicePosition(i, axis.choices.length), label: axis.choiceLabels[i] ?? '' }));
  }
  if (axis.kind === 'log') {
    const out: AxisTick[] = [];
    for (let e = Math.ceil(Math.log10(axis.min) - 1e-9); e <= Math.floor(Math.log10(axis.max) + 1e-9); e++) {
      const v = Number(`1e${e}`); // exact, unlike 10 ** -5 (0.000009999…)
      out.push({ t: axisPosition(axis, v), label: format(v) });
    }
    if (out.length >= 2) return out;
  }
  if (axis.kind === 'int' && axis.max - axis.min <= 10) {
    return Array.from({ length: axis.max - axis.min + 1 }, (_, i) => ({ t: axisPosition(axis, axis.min + i), label: String(axis.min + i) }));
  }
  if (axis.max === axis.min) return [{ t: 0.5, label: format(axis.min) }];
  return [0, 0.5, 1].map((t) => ({ t, label: format(axis.kind === 'int' ? Math.round(axisValueAt(axis, t)) : axisValueAt(axis, t)) }));
}

// ───────────────────────── colour

export type Rgb = readonly [number, number, number];

/**
 * Goodness by rank among `sorted` (ascending values of the trials drawn in colour): the colours spread
 * evenly over the trials whatever the value distribution, so one diverged trial does not turn every other
 * line the same colour. 0 = worst, 1 = best in the goal direction; null for no value.
 */
export function rankGoodness(sorted: ArrayLike<number>, value: number | null, goal: 'minimize' | 'maximize'): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const n = sorted.length;
  if (n <= 1) return 1;
  // Index of the first element ≥ value (binary search), so ties share a rank.
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  const u = Math.min(1, lo / (n - 1));
  return goal === 'minimize' ? 1 - u : u;
}

/** Colour buckets: lines are batched by bucket so a frame strokes a handful of paths, not one per line. */
export const COLOR_BUCKETS = 16;

export function colorBucket(g: number): number {
  return Math.min(COLOR_BUCKETS - 1, Math.floor(clamp01(g) * COLOR_BUCKETS));
}

/** Linear mix from `bad` (g = 0) to `good` (g = 1). */
export function mixRgb(bad: Rgb, good: Rgb, g: number): Rgb {
  const u = clamp01(g);
  return [0, 1, 2].map((i) => Math.round(bad[i]! + (good[i]! - bad[i]!) * u)) as unknown as Rgb;
}

/** The colour of each bucket (its middle goodness). */
export function bucketColors(bad: Rgb, good: Rgb): Rgb[] {
  return Array.from({ length: COLOR_BUCKETS }, (_, b) => mixRgb(bad, good, (b + 0.5) / COLOR_BUCKETS));
}

// ───────────────────────── layout

export interface PcpLayout {
  /** x of each shown axis, in CSS pixels. */
  readonly xs: readonly number[];
  /** y of position 1 (top) and 0 (bottom) of every axis. */
  readonly top: number;
  readonly bottom: number;
  /** y of the missing-value lane. */
  readonly missingY: number;
}

export const LAYOUT = { padLeft: 48, padRight: 96, padTop: 12, padBottom: 26, missingGap: 16 } as const;

export function layoutAxes(count: number, width: number, height: number): PcpLayout {
  const left = LAYOUT.padLeft;
  const right = Math.max(left + 1, width - LAYOUT.padRight);
  const xs = count <= 1 ? [(left + right) / 2].slice(0, count) : Array.from({ length: count }, (_, i) => left + ((right - left) * i) / (count - 1));
  const top = LAYOUT.padTop;
  const bottom = Math.max(top + 10, height - LAYOUT.padBottom);
  return { xs, top, bottom, missingY: bottom + LAYOUT.missingGap };
}

/** The y pixel of a normalised position (MISSING → the missing lane). */
export function yAt(layout: PcpLayout, t: number): number {
  return t === MISSING ? layout.missingY : layout.bottom - t * (layout.bottom - layout.top);
}

/** The normalised position of a y pixel (unclamped). */
export function positionAtY(layout: PcpLayout, y: number): number {
  return (layout.bottom - y) / (layout.bottom - layout.top);
}

/**
 * The line nearest to (x, y) within `maxDist` pixels (vertical distance to the line at x), or -1.
 * `positions` holds each candidate's normalised positions on the shown axes, `axes` per line.
 * One pass over the candidates per click: O(lines), no per-mousemove scans.
 */
export function nearestLine(positions: ArrayLike<number>, lines: number, axes: number, layout: PcpLayout, x: number, y: number, maxDist: number): number {
  const xs = layout.xs;
  if (axes === 0 || lines === 0) return -1;
  let seg = 0;
  while (seg < axes - 2 && x > xs[seg + 1]!) seg++;
  const x0 = xs[seg]!;
  const x1 = axes > 1 ? xs[seg + 1]! : x0;
  const u = x1 > x0 ? clamp01((x - x0) / (x1 - x0)) : 0;
  let best = -1;
  let bestD = maxDist;
  for (let i = 0; i < lines; i++) {
    const ya = yAt(layout, positions[i * axes + seg]!);
    const yb = axes > 1 ? yAt(layout, positions[i * axes + seg + 1]!) : ya;
    const d = Math.abs(ya + (yb - ya) * u - y);
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

// ───────────────────────── axis order

/** Shown axes in order: the saved order first (keys still present), new axes after, hidden ones left out. */
export function visibleAxes(axes: readonly PcpAxis[], order: readonly string[], hidden: ReadonlySet<string>): PcpAxis[] {
  const byKey = new Map(axes.map((a) => [a.key, a]));
  const out: PcpAxis[] = [];
  for (const k of order) {
    const a = byKey.get(k);
    if (a && !hidden.has(k)) out.push(a);
    byKey.delete(k);
  }
  for (const a of byKey.values()) if (!hidden.has(a.key)) out.push(a);
  return out;
}

/** Moves `key` to index `to` among `keys` (the shown order). */
export function moveAxis(keys: readonly string[], key: string, to: number): string[] {
  const rest = keys.filter((k) => k !== key);
  const i = Math.max(0, Math.min(rest.length, to));
  return [...rest.slice(0, i), key, ...rest.slice(i)];
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
