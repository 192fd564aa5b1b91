/**
 * Grid search: trial number n gets grid point n of the space's grid (see space/grid.ts for the values and
 * the odometer order, last parameter fastest; conditions make it a tree product). With `shuffle: true` the
 * order is a pseudo-random permutation keyed by the study seed — a 4-round Feistel network with cycle
 * walking (Black & Rogaway 2002, "Ciphers with arbitrary finite domains"), so no grid is ever materialised.
 *
 * Options: `grid_points` (default points per numeric parameter without `values`/`gridPoints`), `shuffle`.
 * When every point has been assigned, `ask` answers `exhausted`. Tells are ignored.
 */
import { createGrid, formatGridIssues } from '../space/grid';
import type { Grid } from '../space/grid';
import type { SearchSpace } from '../space/searchSpace';
import { err, ok } from '../util/result';
import type { Result } from '../util/result';
import { createRng } from '../util/rng';
import type { AskRequest, AskResult, Sampler, SamplerFactory } from './sampler';

/** The grid sampler's options, as read from the study file's `sampler` section. */
export interface GridSamplerOptions {
  /** Default number of evenly spaced points per numeric parameter (`grid_points` in the study file). */
  readonly gridPoints: number | undefined;
  /** Visit the grid in a seeded pseudo-random order instead of odometer order. */
  readonly shuffle: boolean;
}

/** Reads `grid_points` (or `gridPoints`) and `shuffle` from raw sampler options. */
export function parseGridSamplerOptions(options: Readonly<Record<string, unknown>>): Result<GridSamplerOptions, string> {
  const rawPoints = options['grid_points'] ?? options['gridPoints'];
  if (rawPoints !== undefined && (typeof rawPoints !== 'number' || !Number.isInteger(rawPoints) || rawPoints < 1)) {
    return err(`sampler option grid_points must be a positive integer, got ${JSON.stringify(rawPoints)}`);
  }
  const shuffle = options['shuffle'] ?? false;
  if (typeof shuffle !== 'boolean') return err(`sampler option shuffle must be true or false, got ${JSON.stringify(shuffle)}`);
  return ok({ gridPoints: rawPoints, shuffle });
}

/** Builds the grid a grid sampler with these options would walk, or a message naming what is missing. */
export function gridForSampler(space: SearchSpace, options: Readonly<Record<string, unknown>>): Result<Grid, string> {
  const parsed = parseGridSamplerOptions(options);
  if (!parsed.ok) return parsed;
  const grid = parsed.value.gridPoints === undefined ? createGrid(space) : createGrid(space, { gridPoints: parsed.value.gridPoints });
  return grid.ok ? grid : err(formatGridIssues(grid.error));
}

function mix32(x: number, key: number): number {
  let h = (x ^ key) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A bijection of [0, size) keyed by `seed`, computed per index in O(1) expected time (a balanced Feistel
 * network over the next even power of two, cycle-walking back into range). `size` up to 2^53.
 */
export function createIndexPermutation(size: number, seed: number): (index: number) => number {
  const bits = Math.max(2, Math.ceil(Math.log2(size)));
  const half = Math.ceil(bits / 2);
  const base = 2 ** half;
  const mask = base - 1;
  const rng = createRng(seed).fork('grid-shuffle');
  const keys = [0, 1, 2, 3].map(() => rng.int(0x100000000));
  const encrypt = (x: number): number => {
    let left = Math.floor(x / base);
    let right = x % base;
    for (const key of keys) {
      const next = (left ^ (mix32(right, key) & mask)) >>> 0;
      left = right;
      right = next;
    }
    return left * base + right;
  };
  return (index) => {
    let x = encrypt(index);
    while (x >= size) x = encrypt(x);
    return x;
  };
}

/**
 * Builds the grid sampler. Throws an Error naming the parameter when a numeric parameter has no `values`,
 * no `gridPoints` and there is no `grid_points` option (`createSampler` in registry.ts turns that into a Result).
 */
export const createGridSampler: SamplerFactory = (space, options, seed): Sampler => {
  const parsed = parseGridSamplerOptions(options);
  if (!parsed.ok) throw new Error(parsed.error);
  const built = gridForSampler(space, options);
  if (!built.ok) throw new Error(built.error);
  const grid = built.value;
  const order = parsed.value.shuffle ? createIndexPermutation(grid.size, seed) : (i: number): number => i;
  return {
    name: 'grid',
    ask(request: AskRequest): AskResult {
      const n = request.trialNumber;
      if (n >= grid.size) return { kind: 'exhausted', reason: `grid exhausted: all ${grid.size} points assigned` };
      return { kind: 'suggest', config: grid.configAt(order(n)), note: `grid point ${n + 1}/${grid.size}` };
    },
    tell(): void {
      // The grid order is fixed; results do not change it.
    },
  };
};
