/**
 * The search-space model: ordered parameters, each float / int / categorical, optionally conditional on
 * parent categoricals. Every sampler sees the same model; inactive conditional parameters are absent
 * from a config (never null, never a default).
 */

export type ParamValue = number | string | boolean;
export type Config = Readonly<Record<string, ParamValue>>;

/**
 * `when` makes a parameter conditional: it is active only when every named parent is active and has
 * one of the listed values (`when: {optimizer: sgd}` or `when: {optimizer: [sgd, rmsprop]}`).
 * Parents must be categorical and declared before the child; conditions may nest.
 */
export type Condition = Readonly<Record<string, readonly ParamValue[]>>;

export interface FloatParam {
  readonly kind: 'float';
  readonly low: number;
  readonly high: number;
  /** Sample uniformly in log space; requires low > 0. */
  readonly log?: boolean;
  /** Values are low + k*step; the top of the range is the largest such value <= high. */
  readonly step?: number;
  /** Explicit grid values (grid sampler only). */
  readonly values?: readonly number[];
  /** Number of evenly spaced grid points (linear or log) for the grid sampler. */
  readonly gridPoints?: number;
  readonly when?: Condition;
}

export interface IntParam {
  readonly kind: 'int';
  readonly low: number;
  readonly high: number;
  readonly log?: boolean;
  /** Defaults to 1. */
  readonly step?: number;
  readonly values?: readonly number[];
  readonly gridPoints?: number;
  readonly when?: Condition;
}

export interface CategoricalParam {
  readonly kind: 'categorical';
  readonly choices: readonly ParamValue[];
  /** An on/off command-line flag (choices are booleans): rendered as `--name` when true, omitted when false. */
  readonly flag?: boolean;
  readonly when?: Condition;
}

export type ParamSpec = FloatParam | IntParam | CategoricalParam;

export interface SearchSpace {
  /** Insertion order is the canonical axis order (encoding, grid, UI columns); parents come before children. */
  readonly params: ReadonlyMap<string, ParamSpec>;
}

export function createSearchSpace(entries: Iterable<readonly [string, ParamSpec]>): SearchSpace {
  return { params: new Map(entries) };
}

/**
 * Whether `name` is active given the values chosen so far in `partial` (parents are earlier in order,
 * so a sampler can call this while building a config front to back).
 */
export function isActive(space: SearchSpace, name: string, partial: Config): boolean {
  const spec = space.params.get(name);
  if (!spec) return false;
  if (!spec.when) return true;
  for (const [parent, allowed] of Object.entries(spec.when)) {
    if (!(parent in partial)) return false;
    if (!isActive(space, parent, partial)) return false;
    const value = partial[parent];
    if (!allowed.some((a) => a === value)) return false;
  }
  return true;
}

/** Names of the parameters active in `config`, in space order. */
export function activeParams(space: SearchSpace, config: Config): string[] {
  const names: string[] = [];
  for (const name of space.params.keys()) if (isActive(space, name, config)) names.push(name);
  return names;
}
