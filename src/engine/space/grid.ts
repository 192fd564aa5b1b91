/**
 * Grid enumeration for the grid sampler. Each parameter gets a finite list of values (categoricals: all
 * choices; numeric: explicit `values`, else `gridPoints`, else the sampler's `grid_points` evenly spaced,
 * linear or log, rounded to int/step and deduplicated; with none of those, an int or stepped float of at
 * most 100 values is walked whole). Conditions make the grid a tree product: a child's
 * values only multiply the branches where it is active.
 *
 * Order: space order with the last parameter varying fastest (odometer order); within a parameter, values
 * in their listed order. Points are computed by index (`configAt`), never materialised: the size is counted
 * with a memo keyed on the values of the parents that later conditions look at.
 */
import { isActive } from './searchSpace';
import type { Config, FloatParam, IntParam, ParamSpec, ParamValue, SearchSpace } from './searchSpace';
import { stepCount, stepValue } from './encode';
import { err, ok } from '../util/result';
import type { Result } from '../util/result';

/** Settings that apply to every numeric parameter without its own `values` / `gridPoints`. */
export interface GridOptions {
  /** Default number of grid points per numeric parameter (the sampler option `grid_points`). */
  readonly gridPoints?: number;
}

/** Why a grid cannot be built, with the parameter at fault (for pointing at the study file). */
export interface GridIssue {
  /** The parameter at fault, or undefined for the grid as a whole (e.g. too many points). */
  readonly param: string | undefined;
  /** Human-readable reason, naming the parameter. */
  readonly message: string;
}

/** A finite grid over a search space, enumerated by index. */
export interface Grid {
  /** Number of points (exact; at most Number.MAX_SAFE_INTEGER). */
  readonly size: number;
  /** The values each parameter takes on the grid, in enumeration order. */
  readonly values: ReadonlyMap<string, readonly ParamValue[]>;
  /**
   * The point with this 0-based index (odometer order, last parameter fastest); only active parameters
   * are present. Throws a RangeError when `index` is not an integer in [0, size).
   */
  configAt(index: number): Config;
}

/** Largest grid accepted; beyond it indices are no longer exact doubles. */
export const maxGridSize = Number.MAX_SAFE_INTEGER;

/**
 * `n` evenly spaced values between low and high (log spacing for `log`), rounded to int/step, deduplicated,
 * ascending, the ends exact. One point gives `low` (like numpy's linspace).
 */
export function evenlySpacedValues(spec: FloatParam | IntParam, n: number): number[] {
  const isInt = spec.kind === 'int';
  const { low, high, step } = valueRange(spec);
  const log = spec.log === true && low > 0;
  const count = Math.max(1, Math.floor(n));
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const f = count === 1 ? 0 : i / (count - 1);
    // low*(1-f) + high*f where high - low overflows (a range wider than the largest double).
    const linear = Number.isFinite(high - low) ? low + f * (high - low) : low * (1 - f) + high * f;
    let x = log ? Math.exp(Math.log(low) + f * (Math.log(high) - Math.log(low))) : linear;
    // Exact ends; interior points snapped to 12 significant digits so 1e-3 is not 0.0010000000000000002.
    if (i === 0) x = low;
    else if (i === count - 1) x = high;
    else x = Number.parseFloat(x.toPrecision(12));
    if (step !== undefined && step > 0) {
      const last = stepCount(low, high, step) - 1;
      const k = Math.min(last, Math.max(0, Math.round((x - low) / step)));
      x = Math.min(high, stepValue(low, step, k, isInt));
    } else {
      x = Math.min(high, Math.max(low, x));
    }
    if (!out.includes(x)) out.push(x);
  }
  return out;
}

/** Most values of an int or stepped float parameter that the grid walks whole when it has no `grid_points`. */
export const maxEnumeratedValues = 100;

/** The range a numeric parameter really takes: integer ends for an int, its step (1 for an int, undefined for a continuous float). */
function valueRange(spec: FloatParam | IntParam): { low: number; high: number; step: number | undefined } {
  const isInt = spec.kind === 'int';
  const low = isInt ? Math.ceil(spec.low) : spec.low;
  const high = Math.max(low, isInt ? Math.floor(spec.high) : spec.high);
  const step = isInt ? Math.max(1, Math.round(spec.step ?? 1)) : spec.step;
  return { low, high, step };
}


function dedupe(values: readonly ParamValue[]): ParamValue[] {
  const out: ParamValue[] = [];
  for (const v of values) if (!out.includes(v)) out.push(v);
  return out;
}

/**
 * The grid values of one parameter, or an issue when a numeric parameter has neither `values`, nor
 * `gridPoints`, nor a default `gridPoints`.
 */
export function gridValuesOf(name: string, spec: ParamSpec, options: GridOptions = {}): Result<readonly ParamValue[], GridIssue> {
  if (spec.kind === 'categorical') return ok(dedupe(spec.choices));
  if (spec.values !== undefined && spec.values.length > 0) return ok(dedupe(spec.values));
  const n = spec.gridPoints ?? options.gridPoints;
  if (n === undefined) {
    // An int, or a float with a step, is already a finite set: walk all of it (low, low+step, … ≤ high; a log
    // scale changes nothing) when that is a sensible grid.
    const { low, high, step } = valueRange(spec);
    const count = step === undefined ? undefined : stepCount(low, high, step);
    if (step !== undefined && count !== undefined && count <= maxEnumeratedValues) {
      return ok(Array.from({ length: count }, (_, k) => Math.min(high, stepValue(low, step, k, spec.kind === 'int'))));
    }
    const size = count !== undefined ? ` (it has ${count} values; only a range of at most ${maxEnumeratedValues} is walked whole)` : '';
    return err({
      param: name,
      message: `parameter "${name}" needs \`values\` or \`grid_points\` for the grid sampler${size} (or set the sampler option grid_points)`,
    });
  }
  if (!Number.isInteger(n) || n < 1) {
    return err({ param: name, message: `parameter "${name}": grid_points must be a positive integer, got ${String(n)}` });
  }
  return ok(evenlySpacedValues(spec, n));
}

/** Builds the grid of a space, or every issue found (each names its parameter). */
export function createGrid(space: SearchSpace, options: GridOptions = {}): Result<Grid, readonly GridIssue[]> {
  const names = [...space.params.keys()];
  const values = new Map<string, readonly ParamValue[]>();
  const issues: GridIssue[] = [];
  for (const [name, spec] of space.params) {
    const r = gridValuesOf(name, spec, options);
    if (r.ok) values.set(name, r.value);
    else issues.push(r.error);
  }
  if (issues.length > 0) return err(issues);

  // Parameters that some later condition reads: only their values change the shape of the subtree.
  const referencedAfter: string[][] = names.map((_, i) => {
    const refs = new Set<string>();
    for (let j = i; j < names.length; j++) {
      const when = space.params.get(names[j] ?? '')?.when;
      if (when) for (const parent of Object.keys(when)) refs.add(parent);
    }
    return [...refs];
  });
  const isBranching = names.map((name, i) => (referencedAfter[i + 1] ?? []).includes(name));

  const memo = new Map<string, number>();
  /** Number of grid points of params[i..] given the active assignment so far. */
  const count = (i: number, partial: Record<string, ParamValue>): number => {
    if (i >= names.length) return 1;
    const refs = referencedAfter[i] ?? [];
    const key = `${i}|${JSON.stringify(refs.map((r) => (Object.hasOwn(partial, r) ? partial[r] : null)))}`;
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    const name = names[i] ?? '';
    const vals = values.get(name) ?? [];
    let total: number;
    if (!isActive(space, name, partial)) {
      total = count(i + 1, partial);
    } else if (!isBranching[i]) {
      total = vals.length === 0 ? 0 : vals.length * count(i + 1, partial);
    } else {
      total = 0;
      for (const v of vals) {
        partial[name] = v;
        total += count(i + 1, partial);
        delete partial[name];
      }
    }
    memo.set(key, total);
    return total;
  };

  const size = count(0, {});
  if (!Number.isFinite(size) || size > maxGridSize) {
    return err([{ param: undefined, message: `the grid has more than ${maxGridSize} points; give fewer grid_points or values` }]);
  }

  const configAt = (index: number): Config => {
    if (!Number.isInteger(index) || index < 0 || index >= size) {
      throw new RangeError(`grid index ${index} outside [0, ${size})`);
    }
    const partial: Record<string, ParamValue> = {};
    let rest = index;
    for (let i = 0; i < names.length; i++) {
      const name = names[i] ?? '';
      if (!isActive(space, name, partial)) continue;
      const vals = values.get(name) ?? [];
      if (!isBranching[i]) {
        const sub = count(i + 1, partial);
        const k = Math.floor(rest / sub);
        rest -= k * sub;
        const v = vals[k];
        if (v !== undefined) partial[name] = v;
        continue;
      }
      for (const v of vals) {
        partial[name] = v;
        const sub = count(i + 1, partial);
        if (rest < sub) break;
        rest -= sub;
      }
    }
    return partial;
  };

  return ok({ size, values, configAt });
}

/** Formats grid issues as one message (for the registry and the spec parser). */
export function formatGridIssues(issues: readonly GridIssue[]): string {
  return issues.map((i) => i.message).join('; ');
}
