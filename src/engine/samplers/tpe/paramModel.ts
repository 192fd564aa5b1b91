/**
 * How TPE sees each parameter of a search space: a Parzen dimension (continuous, discrete or categorical) and
 * the maps between config values and that dimension's values. Numeric values use the unit encoding of
 * space/encode.ts (linear or log; one bin per allowed value for int and stepped params, log bins for log
 * ints), so TPE, GP and the quasi-random samplers agree on what "uniform" means. Part of the TPE sampler
 * (Bergstra et al. 2011).
 */
import { createNumericCodec, stepCount } from '../../space/encode';
import type { FloatParam, IntParam, ParamSpec, ParamValue, SearchSpace } from '../../space/searchSpace';
import { binCentre } from './parzenEstimator';
import type { ParzenDim } from './parzenEstimator';

/** One parameter as the TPE sampler models it. */
export interface ParamModel {
  /** Parameter name. */
  readonly name: string;
  /** Its spec in the search space. */
  readonly spec: ParamSpec;
  /** Its Parzen dimension. */
  readonly dim: ParzenDim;
  /** Number of distinct values (bins or choices); Infinity for a continuous float. */
  readonly domainSize: number;
  /** The dimension value of a config value (unit value, bin centre or choice index); NaN when it is not a valid value. */
  encode(value: ParamValue | undefined): number;
  /** The config value of a dimension value. */
  decode(x: number): ParamValue;
  /** Index of a dimension value among the domain's values (bin or choice); NaN for continuous dims. */
  indexOf(x: number): number;
  /** The dimension value of the k-th domain value (discrete and categorical only). */
  atIndex(k: number): number;
}

type DiscreteDim = Extract<ParzenDim, { kind: 'discrete' }>;

/**
 * The bins of an int or stepped float parameter in unit space, exactly as space/encode.ts lays them out
 * (equal bins; for log params, bins whose edges are v ± step/2 in log space); undefined for a continuous float.
 */
export function discreteBins(spec: FloatParam | IntParam): DiscreteDim | undefined {
  const isInt = spec.kind === 'int';
  const low = isInt ? Math.ceil(spec.low) : spec.low;
  const high = Math.max(low, isInt ? Math.floor(spec.high) : spec.high);
  const step = isInt ? Math.max(1, Math.round(spec.step ?? 1)) : spec.step;
  if (step === undefined || !(step > 0)) return undefined;
  const levels = stepCount(low, high, step);
  const log = spec.log === true && low > 0;
  const codec = createNumericCodec(spec);
  const indexOfValue = (v: number): number => Math.min(levels - 1, Math.max(0, Math.round((v - low) / step)));
  const binOf = (u: number): number => indexOfValue(codec.fromUnit(u));
  if (!log || levels === 1) {
    return { kind: 'discrete', levels, binOf, lower: (k) => k / levels, upper: (k) => (k + 1) / levels };
  }
  const edge0 = low - step / 2 > 0 ? low - step / 2 : low / 2;
  const la = Math.log(edge0);
  const lb = Math.log(low + (levels - 1) * step + step / 2);
  const edge = (k: number): number => (Math.log(low + (k - 0.5) * step) - la) / (lb - la);
  return {
    kind: 'discrete',
    levels,
    binOf,
    lower: (k) => (k <= 0 ? 0 : edge(k)),
    upper: (k) => (k >= levels - 1 ? 1 : edge(k + 1)),
  };
}

function paramModel(name: string, spec: ParamSpec): ParamModel {
  if (spec.kind === 'categorical') {
    const k = spec.choices.length;
    return {
      name,
      spec,
      dim: { kind: 'categorical', choices: k },
      domainSize: k,
      encode: (value) => {
        const i = spec.choices.findIndex((c) => c === value);
        return i < 0 ? Number.NaN : i;
      },
      decode: (x) => spec.choices[Math.min(k - 1, Math.max(0, Math.round(x)))] ?? spec.choices[0] ?? '',
      indexOf: (x) => x,
      atIndex: (i) => i,
    };
  }
  const codec = createNumericCodec(spec);
  const bins = discreteBins(spec);
  if (bins === undefined) {
    return {
      name,
      spec,
      dim: { kind: 'continuous' },
      domainSize: Infinity,
      encode: (value) => (typeof value === 'number' && Number.isFinite(value) ? codec.toUnit(value) : Number.NaN),
      decode: (x) => codec.fromUnit(x),
      indexOf: () => Number.NaN,
      atIndex: () => Number.NaN,
    };
  }
  return {
    name,
    spec,
    dim: bins,
    domainSize: bins.levels,
    encode: (value) => (typeof value === 'number' && Number.isFinite(value) ? binCentre(bins, bins.binOf(codec.toUnit(value))) : Number.NaN),
    decode: (x) => codec.fromUnit(binCentre(bins, bins.binOf(x))),
    indexOf: (x) => bins.binOf(x),
    atIndex: (k) => binCentre(bins, k),
  };
}

/** The models of every parameter, in space order. */
export function createParamModels(space: SearchSpace): ParamModel[] {
  return [...space.params].map(([name, spec]) => paramModel(name, spec));
}
