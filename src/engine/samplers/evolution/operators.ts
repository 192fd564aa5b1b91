/**
 * Variation and selection operators of the genetic algorithm (Goldberg 1989, "Genetic Algorithms in Search,
 * Optimization, and Machine Learning"): tournament selection, uniform crossover and per-gene mutation on
 * configs of a conditional search space, plus the ranking of individuals. A config is the genome; each
 * parameter is one gene. Children are rebuilt front to back in space order, so a gene that a changed parent
 * categorical makes inactive is dropped and a newly active one inherits from whichever parent has it (else a
 * random value).
 */
import { createNumericCodec, stepCount, stepValue } from '../../space/encode';
import type { NumericCodec } from '../../space/encode';
import { isActive } from '../../space/searchSpace';
import type { Config, ParamSpec, ParamValue, SearchSpace } from '../../space/searchSpace';
import type { Rng } from '../../util/rng';

/** One evaluated individual (a told trial); mutable so a trial told again updates its rank in place. */
export interface Individual {
  readonly trialId: string;
  readonly trialNumber: number;
  config: Config;
  /** 0 completed, 1 pruned, 2 failed (loss null or non-finite). */
  tier: 0 | 1 | 2;
  /** Budget of the latest tell (ranks pruned trials). */
  budget: number;
  /** Loss; Infinity when failed. */
  loss: number;
}

/**
 * Ranking, best first (negative when `a` is fitter): completed trials by loss, then pruned trials (higher
 * budget first, then loss), then failed ones; ties go to the lower trial number, so tell order never matters.
 */
export function compareIndividuals(a: Individual, b: Individual): number {
  if (a.tier !== b.tier) return a.tier - b.tier;
  if (a.tier === 1 && a.budget !== b.budget) return b.budget - a.budget;
  if (a.tier !== 2 && a.loss !== b.loss) return a.loss < b.loss ? -1 : 1;
  if (a.trialNumber !== b.trialNumber) return a.trialNumber - b.trialNumber;
  return a.trialId < b.trialId ? -1 : a.trialId > b.trialId ? 1 : 0;
}

/**
 * Tournament selection: `size` individuals drawn uniformly with replacement from `pool` (skipping index
 * `exclude` when the pool has another member); the fittest wins. Returns its index; `pool` must be non-empty.
 */
export function tournament(pool: readonly Individual[], size: number, rng: Rng, exclude = -1): number {
  const candidates = exclude >= 0 && pool.length > 1 ? pool.length - 1 : pool.length;
  let best = -1;
  for (let t = 0; t < Math.max(1, size); t++) {
    let i = rng.int(candidates);
    if (exclude >= 0 && pool.length > 1 && i >= exclude) i++;
    const current = pool[best];
    const challenger = pool[i];
    if (challenger !== undefined && (current === undefined || compareIndividuals(challenger, current) < 0)) best = i;
  }
  return Math.max(0, best);
}

/** Rates of the variation operators. */
export interface VariationRates {
  /** Probability that an offspring mixes both parents gene by gene (else it copies the first). */
  readonly crossoverRate: number;
  /** Probability that each inherited gene mutates. */
  readonly mutationRate: number;
  /** Standard deviation of a numeric mutation in the unit cube. */
  readonly mutationScale: number;
}

/** What `breed` made. */
export interface Offspring {
  readonly config: Config;
  /** Whether crossover happened. */
  readonly crossed: boolean;
  /** Genes mutated. */
  readonly mutations: number;
  /** Genes drawn at random (newly active, present in neither parent). */
  readonly fresh: number;
}

type Gene =
  | { readonly kind: 'categorical'; readonly spec: Extract<ParamSpec, { kind: 'categorical' }> }
  | { readonly kind: 'numeric'; readonly spec: Extract<ParamSpec, { kind: 'float' | 'int' }>; readonly codec: NumericCodec };

/** The gene operators of one search space. */
export interface Genome {
  /**
   * One offspring of parents `a` and `b`, built front to back in space order: with probability `crossoverRate`
   * each gene comes from a or b with equal odds (uniform crossover), else from a; a gene the chosen parent lacks
   * comes from the other, else is drawn at random; each inherited gene then mutates with probability
   * `mutationRate`. Only active parameters are set, so the child is a valid config.
   */
  breed(a: Config, b: Config, rates: VariationRates, rng: Rng): Offspring;
  /** A random value for one parameter (uniform in the encoded cube / over the choices). */
  randomValue(name: string, rng: Rng): ParamValue | undefined;
}

function isInDomain(gene: Gene, value: ParamValue | undefined): value is ParamValue {
  if (value === undefined) return false;
  if (gene.kind === 'categorical') return gene.spec.choices.some((c) => c === value);
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  // Snapping is idempotent on allowed values: a value is in the domain when it maps back to itself.
  return gene.codec.fromUnit(gene.codec.toUnit(value)) === value || (gene.codec.levels === undefined && value >= gene.spec.low && value <= gene.spec.high);
}

/** The neighbouring allowed value of a discrete (int / stepped) parameter, one step in `direction` (±1) when possible. */
function neighbour(spec: Extract<ParamSpec, { kind: 'float' | 'int' }>, value: number, direction: number): number {
  const isInt = spec.kind === 'int';
  const low = isInt ? Math.ceil(spec.low) : spec.low;
  const high = Math.max(low, isInt ? Math.floor(spec.high) : spec.high);
  const step = isInt ? Math.max(1, Math.round(spec.step ?? 1)) : (spec.step ?? 1);
  const count = stepCount(low, high, step);
  const k = Math.min(count - 1, Math.max(0, Math.round((value - low) / step)));
  let next = k + direction;
  if (next < 0 || next >= count) next = k - direction;
  if (next < 0 || next >= count) return value;
  return Math.min(high, stepValue(low, step, next, isInt));
}

/** Builds the gene operators of a space. */
export function createGenome(space: SearchSpace): Genome {
  const genes = new Map<string, Gene>();
  for (const [name, spec] of space.params) {
    genes.set(name, spec.kind === 'categorical' ? { kind: 'categorical', spec } : { kind: 'numeric', spec, codec: createNumericCodec(spec) });
  }

  const randomValue = (name: string, rng: Rng): ParamValue | undefined => {
    const gene = genes.get(name);
    if (gene === undefined) return undefined;
    if (gene.kind === 'categorical') return gene.spec.choices[rng.int(gene.spec.choices.length)];
    return gene.codec.fromUnit(rng.next());
  };

  const mutate = (gene: Gene, value: ParamValue, scale: number, rng: Rng): ParamValue => {
    if (gene.kind === 'categorical') {
      const choices = gene.spec.choices;
      const current = choices.findIndex((c) => c === value);
      if (choices.length < 2 || current < 0) return choices[rng.int(choices.length)] ?? value;
      // A different choice, uniformly.
      const pick = rng.int(choices.length - 1);
      return choices[pick >= current ? pick + 1 : pick] ?? value;
    }
    const v = typeof value === 'number' ? value : gene.spec.low;
    const noise = scale * rng.normal();
    const t = gene.codec.toUnit(v) + noise;
    const mutated = gene.codec.fromUnit(t < 0 ? 0 : t > 1 ? 1 : t);
    // A discrete gene always moves: at least one allowed value in the direction of the noise.
    if (gene.codec.levels !== undefined && mutated === v) return neighbour(gene.spec, v, noise >= 0 ? 1 : -1);
    return mutated;
  };

  return {
    randomValue,
    breed(a, b, rates, rng) {
      const crossed = rng.next() < rates.crossoverRate;
      const child: Record<string, ParamValue> = {};
      let mutations = 0;
      let fresh = 0;
      for (const [name, gene] of genes) {
        // Coins are flipped for every gene, active or not, so activity never shifts the rng stream.
        const fromB = crossed && rng.next() < 0.5;
        const mutateCoin = rng.next() < rates.mutationRate;
        if (!isActive(space, name, child)) continue;
        const first = fromB ? b : a;
        const second = fromB ? a : b;
        const inherited = Object.hasOwn(first, name) && isInDomain(gene, first[name]) ? first[name] : Object.hasOwn(second, name) && isInDomain(gene, second[name]) ? second[name] : undefined;
        if (inherited === undefined) {
          const value = randomValue(name, rng);
          if (value !== undefined) {
            child[name] = value;
            fresh++;
          }
          continue;
        }
        if (mutateCoin) {
          child[name] = mutate(gene, inherited, rates.mutationScale, rng);
          mutations++;
        } else child[name] = inherited;
      }
      return { config: child, crossed, mutations, fresh };
    },
  };
}

/** A stable key of a config (values in space order), for spotting duplicates. */
export function configKey(space: SearchSpace, config: Config): string {
  const parts: string[] = [];
  for (const name of space.params.keys()) {
    if (Object.hasOwn(config, name)) parts.push(`${JSON.stringify(name)}:${JSON.stringify(config[name])}`);
  }
  return parts.join(',');
}
