/**
 * Quasi-random search with a scrambled Sobol sequence (Sobol' 1967) using Joe & Kuo's direction numbers
 * (new-joe-kuo-6.21201, Joe & Kuo 2008). Scrambling is Matoušek's linear matrix scramble plus a random
 * digital shift (Matoušek 1998, "On the L2-discrepancy for anchored boxes"; Owen 2003), seeded by the study
 * seed; both keep the (t, m, s)-net property, so the first 2^k points still fill every dyadic interval of
 * each single dimension once, and the point at index 0 is a random point rather than the lower corner.
 *
 * Each parameter owns ONE Sobol dimension in space order, whatever its activity (so dimensions never shift
 * between trials): numbers go through the shared unit codec (log, int and step bins, see space/encode.ts),
 * a categorical maps u to choice floor(u·k). Trial number n uses point n. Dimensions beyond the embedded
 * table (256) are drawn from the per-trial rng, and the suggestion's note says so. Tells are ignored.
 */
import { createNumericCodec } from '../space/encode';
import { isActive } from '../space/searchSpace';
import type { ParamValue, SearchSpace } from '../space/searchSpace';
import { err, ok } from '../util/result';
import type { Result } from '../util/result';
import { createRng } from '../util/rng';
import type { AskRequest, AskResult, Sampler, SamplerFactory } from './sampler';
import { joeKuoDirections } from './sobolDirections';

/** Number of dimensions with embedded direction numbers. */
export const sobolMaxDims = joeKuoDirections.length + 1;

/** Number of points a 32-bit Sobol sequence can produce. */
export const sobolMaxPoints = 2 ** 32;

const bitsPerCoordinate = 32;

/** A Sobol sequence with random access by index. */
export interface SobolSequence {
  /** Number of coordinates per point (at most `sobolMaxDims`). */
  readonly dims: number;
  /** The point with this index, each coordinate in [0, 1). Throws a RangeError outside [0, 2^32). */
  point(index: number): Float64Array;
}

/** Options for `createSobolSequence`. */
export interface SobolSequenceOptions {
  /** Scramble (linear matrix scramble + digital shift) seeded by `seed`; false gives the plain sequence. */
  readonly scramble: boolean;
  /** Seed of the scramble (ignored when `scramble` is false). */
  readonly seed: number;
}

/** Direction integers v_1..v_32 of one dimension, as uint32 with v_k's first binary digit at bit 31. */
function directionNumbers(dim: number): Uint32Array {
  const v = new Uint32Array(bitsPerCoordinate + 1);
  if (dim === 0) {
    for (let k = 1; k <= bitsPerCoordinate; k++) v[k] = (1 << (bitsPerCoordinate - k)) >>> 0;
    return v;
  }
  const fields = (joeKuoDirections[dim - 1] ?? '').split(' ').map(Number);
  const s = fields[0] ?? 1;
  const a = fields[1] ?? 0;
  for (let k = 1; k <= Math.min(s, bitsPerCoordinate); k++) {
    v[k] = ((fields[k + 1] ?? 1) << (bitsPerCoordinate - k)) >>> 0;
  }
  for (let k = s + 1; k <= bitsPerCoordinate; k++) {
    let x = ((v[k - s] ?? 0) ^ ((v[k - s] ?? 0) >>> s)) >>> 0;
    for (let i = 1; i < s; i++) {
      if (((a >>> (s - 1 - i)) & 1) === 1) x = (x ^ (v[k - i] ?? 0)) >>> 0;
    }
    v[k] = x;
  }
  return v;
}

function parity32(x: number): number {
  let y = x >>> 0;
  y ^= y >>> 16;
  y ^= y >>> 8;
  y ^= y >>> 4;
  y ^= y >>> 2;
  y ^= y >>> 1;
  return y & 1;
}

/**
 * Applies a random lower-triangular binary matrix with unit diagonal (digit r of the output is digit r of the
 * input plus a random combination of earlier, more significant digits) to each direction integer.
 */
function linearMatrixScramble(v: Uint32Array, rowBits: () => number): Uint32Array {
  const rows: number[] = [];
  for (let r = 1; r <= bitsPerCoordinate; r++) {
    const diagonal = 1 << (bitsPerCoordinate - r);
    const above = r === 1 ? 0 : ~((diagonal << 1) - 1); // bits of the more significant digits 1..r-1
    rows.push(((rowBits() & above) | diagonal) >>> 0);
  }
  const out = new Uint32Array(v.length);
  for (let k = 1; k < v.length; k++) {
    let x = 0;
    rows.forEach((row, index) => {
      if (parity32(row & (v[k] ?? 0)) === 1) x |= 1 << (bitsPerCoordinate - 1 - index);
    });
    out[k] = x >>> 0;
  }
  return out;
}

/** Builds a (possibly scrambled) Sobol sequence of `dims` dimensions (1 ≤ dims ≤ sobolMaxDims). */
export function createSobolSequence(dims: number, options: SobolSequenceOptions): SobolSequence {
  if (!Number.isInteger(dims) || dims < 0 || dims > sobolMaxDims) {
    throw new RangeError(`Sobol dimensions must be an integer in [0, ${sobolMaxDims}], got ${dims}`);
  }
  const rng = createRng(options.seed).fork('sobol-scramble');
  const rowBits = (): number => rng.int(0x100000000);
  const directions: Uint32Array[] = [];
  const shifts: number[] = [];
  for (let d = 0; d < dims; d++) {
    const plain = directionNumbers(d);
    directions.push(options.scramble ? linearMatrixScramble(plain, rowBits) : plain);
    shifts.push(options.scramble ? rowBits() : 0);
  }
  return {
    dims,
    point(index) {
      if (!Number.isInteger(index) || index < 0 || index >= sobolMaxPoints) {
        throw new RangeError(`Sobol index ${index} outside [0, 2^32)`);
      }
      const out = new Float64Array(dims);
      for (let d = 0; d < dims; d++) {
        const v = directions[d];
        let x = shifts[d] ?? 0;
        let n = index;
        for (let k = 1; n > 0; k++, n = Math.floor(n / 2)) {
          if (n % 2 === 1) x ^= v?.[k] ?? 0;
        }
        out[d] = (x >>> 0) / sobolMaxPoints;
      }
      return out;
    },
  };
}

/** The Sobol sampler's options, as read from the study file's `sampler` section. */
export interface SobolSamplerOptions {
  /** Scramble the sequence with the study seed (default true). Unscrambled, index 0 (the lower corner) is skipped. */
  readonly scramble: boolean;
}

/** Reads `scramble` from raw sampler options. */
export function parseSobolSamplerOptions(options: Readonly<Record<string, unknown>>): Result<SobolSamplerOptions, string> {
  const scramble = options['scramble'] ?? true;
  if (typeof scramble !== 'boolean') return err(`sampler option scramble must be true or false, got ${JSON.stringify(scramble)}`);
  return ok({ scramble });
}

/** Builds the Sobol sampler (throws on invalid options; `createSampler` in registry.ts returns a Result instead). */
export const createSobolSampler: SamplerFactory = (space: SearchSpace, options, seed): Sampler => {
  const parsed = parseSobolSamplerOptions(options);
  if (!parsed.ok) throw new Error(parsed.error);
  const { scramble } = parsed.value;
  type Mapper = (u: number) => ParamValue | undefined;
  const mappers: Array<readonly [string, Mapper]> = [];
  for (const [name, spec] of space.params) {
    if (spec.kind === 'categorical') {
      const k = spec.choices.length;
      mappers.push([name, (u) => spec.choices[Math.min(k - 1, Math.floor(u * k))]]);
    } else {
      const codec = createNumericCodec(spec);
      mappers.push([name, (u) => codec.fromUnit(u)]);
    }
  }
  const quasiDims = Math.min(mappers.length, sobolMaxDims);
  const sequence = createSobolSequence(quasiDims, { scramble, seed });
  const offset = scramble ? 0 : 1;
  const overflowNote = mappers.length > sobolMaxDims ? `; parameters beyond the ${sobolMaxDims}th drawn at random` : '';

  return {
    name: 'sobol',
    ask(request: AskRequest): AskResult {
      const index = request.trialNumber + offset;
      if (index >= sobolMaxPoints) return { kind: 'exhausted', reason: `Sobol sequence exhausted after ${sobolMaxPoints} points` };
      const u = sequence.point(index);
      const config: Record<string, ParamValue> = {};
      mappers.forEach(([name, map], d) => {
        // Draw the fallback coordinate whether or not the parameter is active, so activity never shifts the stream.
        const coordinate = d < quasiDims ? (u[d] ?? 0.5) : request.rng.next();
        if (!isActive(space, name, config)) return;
        const value = map(coordinate);
        if (value !== undefined) config[name] = value;
      });
      return { kind: 'suggest', config, note: `sobol point ${index}${overflowNote}` };
    },
    tell(): void {
      // The sequence is fixed; results do not change it.
    },
  };
};
