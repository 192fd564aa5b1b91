/**
 * The unit-hypercube encoding shared by the model-based samplers (GP, CMA-ES) and the quasi-random ones:
 * a config becomes a point in [0, 1]^dims and any point decodes back to a valid config.
 *
 * - float: one dim, linear or log scaling of [low, high].
 * - int and stepped float: one dim split into equal bins, one per allowed value (in log space for `log`);
 *   a value encodes to its bin centre, so a uniform point gives a uniform (or log-uniform) value.
 * - categorical: a one-hot block, one dim per choice; decoding takes the argmax (ties go to the first choice).
 * - an inactive conditional parameter encodes to 0.5 in every one of its dims (the centre: it carries no
 *   information and sits as far from every value as possible); decoding drops parameters that are inactive
 *   given the decoded parents.
 */
import { isActive } from './searchSpace';
import type { CategoricalParam, Config, FloatParam, IntParam, ParamSpec, ParamValue, SearchSpace } from './searchSpace';

/** One coordinate of the encoded cube. */
export interface EncodedDim {
  /** The parameter this coordinate belongs to. */
  readonly param: string;
  /** The parameter's kind. */
  readonly kind: ParamSpec['kind'];
  /** Whether the coordinate is a log scaling of the parameter (numeric params only). */
  readonly log: boolean;
  /** Number of equal bins (allowed values) for int / stepped params; undefined for continuous floats and one-hot dims. */
  readonly levels?: number;
  /** For a one-hot dim: the choice it stands for. */
  readonly choice?: ParamValue;
  /** For a one-hot dim: the index of that choice in `choices`. */
  readonly choiceIndex?: number;
}

/** A parameter's contiguous block of coordinates. */
export interface EncodedBlock {
  /** Parameter name. */
  readonly param: string;
  /** First coordinate of the block. */
  readonly start: number;
  /** Number of coordinates: 1 for numeric params, the number of choices for categoricals. */
  readonly width: number;
}

/** Config ⇄ unit-hypercube vector for one search space. Pure and stateless after creation. */
export interface Encoder {
  /** Total number of coordinates. */
  readonly dims: number;
  /** Description of each coordinate, in order (length `dims`). */
  readonly dimInfo: readonly EncodedDim[];
  /** One block per parameter, in space order. */
  readonly blocks: readonly EncodedBlock[];
  /**
   * Encodes a config; every coordinate is in [0, 1]. Parameters absent from the config (inactive) encode to
   * 0.5 in each of their dims; out-of-range numbers are clamped; an unknown categorical value counts as absent.
   * Never throws.
   */
  encode(config: Config): Float64Array;
  /**
   * Decodes any point (coordinates outside [0, 1] are clamped, NaN counts as 0.5) into a config inside the
   * space: ints and steps rounded, never above `high`; parameters inactive given the decoded parents are absent.
   * Never throws. `point.length` must be at least `dims`.
   */
  decode(point: ArrayLike<number>): Config;
}

/** The one-dimensional map of a numeric parameter to [0, 1] and back. */
export interface NumericCodec {
  /** Number of allowed values for discrete params (int or stepped float); undefined when continuous. */
  readonly levels: number | undefined;
  /** Maps a value to [0, 1] (discrete values: their bin centre; out-of-range values are clamped). */
  toUnit(value: number): number;
  /** Maps t in [0, 1] (clamped; NaN → 0.5) to an allowed value. Uniform t gives uniform / log-uniform values. */
  fromUnit(t: number): number;
}

/**
 * The k-th value of a step grid. Float values are snapped to 12 significant digits of the larger of the value
 * and the step, so 0.1*3 prints as 0.3 and 1000.1 + 0.001*24 as 1000.124, and the grid point between -0.3
 * and 0.9 with step 0.1 is 0, not -0.3 + 3*0.1 = 5.6e-17 (12 digits of the value alone would keep that).
 */
export function stepValue(low: number, step: number, k: number, isInt: boolean): number {
  const v = low + k * step;
  if (isInt) return Math.round(v);
  const decimals = 11 - Math.floor(Math.log10(Math.max(Math.abs(v), Math.abs(step))));
  if (!(decimals >= 0) || decimals > 100) return Number.parseFloat(v.toPrecision(12));
  const snapped = Number.parseFloat(v.toFixed(decimals));
  return snapped === 0 ? 0 : snapped; // no -0
}

/** Number of values on a step grid low, low+step, … <= high (a tolerance absorbs float noise). */
export function stepCount(low: number, high: number, step: number): number {
  if (!(high > low) || !(step > 0)) return 1;
  return Math.floor((high - low) / step + 1e-9) + 1;
}

function clampUnit(t: number): number {
  if (Number.isNaN(t)) return 0.5;
  return t < 0 ? 0 : t > 1 ? 1 : t;
}

/**
 * Builds the codec of a float or int parameter. Int bounds are rounded inwards to integers; `step` (default 1
 * for ints) makes the parameter discrete. Log discrete params use bins whose edges are the arithmetic
 * midpoints between neighbouring values (v ± step/2), scaled in log space — Optuna's convention for log ints.
 */
export function createNumericCodec(spec: FloatParam | IntParam): NumericCodec {
  const isInt = spec.kind === 'int';
  const low = isInt ? Math.ceil(spec.low) : spec.low;
  const high = Math.max(low, isInt ? Math.floor(spec.high) : spec.high);
  const step = isInt ? Math.max(1, Math.round(spec.step ?? 1)) : spec.step;
  const log = spec.log === true && low > 0;

  if (step === undefined || !(step > 0)) {
    // Continuous float.
    if (high === low) return { levels: undefined, toUnit: () => 0.5, fromUnit: () => low };
    const a = log ? Math.log(low) : low;
    const b = log ? Math.log(high) : high;
    if (!Number.isFinite(b - a)) {
      // A range wider than the largest double (say -1e308..1e308): b - a overflows to Infinity, which would
      // put every value at a bound. Work with halves, which cannot overflow.
      const ha = a / 2;
      const hb = b / 2;
      return {
        levels: undefined,
        toUnit: (value) => clampUnit((Math.min(high, Math.max(low, value)) / 2 - ha) / (hb - ha)),
        fromUnit: (t) => {
          const u = clampUnit(t);
          return Math.min(high, Math.max(low, a * (1 - u) + b * u));
        },
      };
    }
    return {
      levels: undefined,
      toUnit: (value) => {
        const x = Math.min(high, Math.max(low, value));
        return clampUnit(((log ? Math.log(x) : x) - a) / (b - a));
      },
      fromUnit: (t) => {
        const u = a + clampUnit(t) * (b - a);
        const x = log ? Math.exp(u) : u;
        return Math.min(high, Math.max(low, x));
      },
    };
  }

  const n = stepCount(low, high, step);
  const indexOf = (value: number): number => Math.min(n - 1, Math.max(0, Math.round((value - low) / step)));
  const valueAt = (k: number): number => Math.min(high, stepValue(low, step, k, isInt));
  if (!log || n === 1) {
    return {
      levels: n,
      toUnit: (value) => (indexOf(value) + 0.5) / n,
      fromUnit: (t) => valueAt(Math.min(n - 1, Math.floor(clampUnit(t) * n))),
    };
  }
  // Log bins: value k covers [v_k - step/2, v_k + step/2] in log space. If low - step/2 is not positive
  // (a step larger than twice low), the first edge falls back to low/2.
  const edge0 = low - step / 2 > 0 ? low - step / 2 : low / 2;
  const la = Math.log(edge0);
  const lb = Math.log(low + (n - 1) * step + step / 2);
  return {
    levels: n,
    toUnit: (value) => {
      const k = indexOf(value);
      const lo = k === 0 ? la : Math.log(low + (k - 0.5) * step);
      const hi = Math.log(low + (k + 0.5) * step);
      return clampUnit(((lo + hi) / 2 - la) / (lb - la));
    },
    fromUnit: (t) => {
      const x = Math.exp(la + clampUnit(t) * (lb - la));
      return valueAt(indexOf(x));
    },
  };
}

type BlockCodec =
  | { readonly kind: 'numeric'; readonly name: string; readonly start: number; readonly codec: NumericCodec }
  | { readonly kind: 'categorical'; readonly name: string; readonly start: number; readonly spec: CategoricalParam };

/** Builds the encoder of a space (see the file comment for the conventions). */
export function createEncoder(space: SearchSpace): Encoder {
  const dimInfo: EncodedDim[] = [];
  const blocks: EncodedBlock[] = [];
  const codecs: BlockCodec[] = [];
  for (const [name, spec] of space.params) {
    const start = dimInfo.length;
    if (spec.kind === 'categorical') {
      spec.choices.forEach((choice, choiceIndex) => {
        dimInfo.push({ param: name, kind: 'categorical', log: false, choice, choiceIndex });
      });
      codecs.push({ kind: 'categorical', name, start, spec });
    } else {
      const codec = createNumericCodec(spec);
      const log = spec.log === true && spec.low > 0;
      dimInfo.push(
        codec.levels === undefined
          ? { param: name, kind: spec.kind, log }
          : { param: name, kind: spec.kind, log, levels: codec.levels },
      );
      codecs.push({ kind: 'numeric', name, start, codec });
    }
    blocks.push({ param: name, start, width: dimInfo.length - start });
  }
  const dims = dimInfo.length;

  return {
    dims,
    dimInfo,
    blocks,
    encode(config) {
      const point = new Float64Array(dims).fill(0.5);
      for (const block of codecs) {
        if (!Object.hasOwn(config, block.name)) continue;
        const value = config[block.name];
        if (block.kind === 'numeric') {
          if (typeof value === 'number' && !Number.isNaN(value)) point[block.start] = block.codec.toUnit(value);
        } else {
          const index = block.spec.choices.findIndex((c) => c === value);
          if (index < 0) continue;
          for (let i = 0; i < block.spec.choices.length; i++) point[block.start + i] = i === index ? 1 : 0;
        }
      }
      return point;
    },
    decode(point) {
      const config: Record<string, ParamValue> = {};
      for (const block of codecs) {
        if (!isActive(space, block.name, config)) continue;
        if (block.kind === 'numeric') {
          config[block.name] = block.codec.fromUnit(point[block.start] ?? 0.5);
        } else {
          const choices = block.spec.choices;
          let best = 0;
          let bestValue = -Infinity;
          for (let i = 0; i < choices.length; i++) {
            const raw = point[block.start + i] ?? 0.5;
            const v = Number.isNaN(raw) ? 0.5 : raw;
            if (v > bestValue) {
              bestValue = v;
              best = i;
            }
          }
          const choice = choices[best];
          if (choice !== undefined) config[block.name] = choice;
        }
      }
      return config;
    },
  };
}
