/**
 * Evolution sampler: a generational genetic algorithm (Goldberg 1989, "Genetic Algorithms in Search,
 * Optimization, and Machine Learning") in the style of TPOT (Olson et al. 2016, "Evaluation of a Tree-based
 * Pipeline Optimization Tool for Automating Data Science", GECCO), whose vocabulary it borrows:
 * `population_size` individuals, `offspring_size` offspring per generation, `generations` generations, and a
 * (μ + λ) loop — parents and offspring compete for the next population.
 *
 * The loop, as trials:
 * 1. The first `population_size` told trials (random configs) form the initial population.
 * 2. Every later ask breeds one offspring from the current population: two parents by tournament selection
 *    (`tournament_size` individuals drawn, the best wins; the second tournament excludes the first winner),
 *    uniform crossover with probability `crossover_rate` (else a copy of the first parent), then per-gene
 *    mutation with probability `mutation_rate`: a Gaussian step of 0.1 in the encoded unit cube for floats and
 *    ints (log scale for log parameters; clamped, then rounded/snapped by the codec; a discrete gene always moves
 *    at least one allowed value) and a different choice for categoricals. The child is built front to back
 *    (operators.ts), so conditional parameters appear and disappear with their parents' values. Up to 16
 *    attempts avoid a config already told or running; on a space too small for that, a duplicate is accepted.
 * 3. After `offspring_size` further trials have been told, the generation closes: from parents ∪ offspring the
 *    `elitism` best always survive, and the remaining `population_size − elitism` places go to tournament
 *    winners (without replacement) among the rest, so `elitism: population_size` is plain truncation.
 * 4. With `generations` set, after that many generations of offspring the answer is `exhausted` (TPOT and
 *    W&B users expect the cap: the study ends after population_size + generations · offspring_size trials); it
 *    is also `exhausted` once the trials still needed are all running. Without it the GA goes on forever.
 *
 * Ranking: completed trials by loss, then pruned ones (higher budget first, then loss), then failed ones as the
 * worst. A trial told again (promotion mode) keeps its place in the generation bookkeeping and updates its rank.
 *
 * Determinism and replay: the state (population, current generation's offspring) is a function of the tell
 * sequence only: every tell joins the generation open when it arrives (offspring bred from an older population
 * that finish late simply compete in the next selection), and survivor tournaments draw from the study seed's
 * rng forked by `evolution:survivors:<g>`. Asks do not change the state; each draws from its own `request.rng`,
 * so parallel asks differ and a fresh sampler fed the same tells answers the same.
 */
import type { Config, SearchSpace } from '../../space/searchSpace';
import { err, ok } from '../../util/result';
import type { Result } from '../../util/result';
import { createRng } from '../../util/rng';
import type { Rng } from '../../util/rng';
import { createConfigDrawer } from '../random';
import type { AskRequest, AskResult, Observation, Sampler, SamplerFactory } from '../sampler';
import { compareIndividuals, configKey, createGenome, tournament } from './operators';
import type { Individual, Offspring } from './operators';

/** The evolution sampler's options (study file keys in snake_case, e.g. `population_size`). */
export interface EvolutionSamplerOptions {
  /** Individuals per population (≥ 2; default 20). */
  readonly populationSize: number;
  /** Offspring per generation (≥ 1; default `populationSize`). */
  readonly offspringSize: number;
  /** Generations of offspring before `exhausted`; undefined = no cap. */
  readonly generations: number | undefined;
  /** Per-gene mutation probability (default 0.2). */
  readonly mutationRate: number;
  /** Per-offspring crossover probability (default 0.5). */
  readonly crossoverRate: number;
  /** Tournament size (≥ 1; default 3). */
  readonly tournamentSize: number;
  /** Best individuals that always survive (0..populationSize; default 1). */
  readonly elitism: number;
}

/** Defaults of every option (`offspringSize` defaults to the population size). */
export const evolutionSamplerDefaults: Omit<EvolutionSamplerOptions, 'offspringSize'> = {
  populationSize: 20,
  generations: undefined,
  mutationRate: 0.2,
  crossoverRate: 0.5,
  tournamentSize: 3,
  elitism: 1,
};

/** Standard deviation of a numeric mutation, in the unit cube. */
const MUTATION_SCALE = 0.1;
/** Breeding attempts for a config that is neither told nor running. */
const UNIQUE_TRIES = 16;

/** Reads the options (camelCase as the spec parser gives them; snake_case also accepted; absent = default). */
export function parseEvolutionSamplerOptions(options: Readonly<Record<string, unknown>>): Result<EvolutionSamplerOptions, string> {
  const problems: string[] = [];
  const read = (camel: string, snake: string): unknown => options[camel] ?? options[snake];
  const integer = (camel: string, snake: string, fallback: number | undefined, min: number): number | undefined => {
    const raw = read(camel, snake);
    if (raw === undefined || raw === null) return fallback;
    if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < min) {
      problems.push(`sampler option ${snake} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return raw;
  };
  const rate = (camel: string, snake: string, fallback: number): number => {
    const raw = read(camel, snake);
    if (raw === undefined || raw === null) return fallback;
    if (typeof raw !== 'number' || !(raw >= 0 && raw <= 1)) {
      problems.push(`sampler option ${snake} must be a number in [0, 1], got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return raw;
  };
  const d = evolutionSamplerDefaults;
  const populationSize = integer('populationSize', 'population_size', d.populationSize, 2) ?? d.populationSize;
  const offspringSize = integer('offspringSize', 'offspring_size', populationSize, 1) ?? populationSize;
  const generations = integer('generations', 'generations', undefined, 1);
  const mutationRate = rate('mutationRate', 'mutation_rate', d.mutationRate);
  const crossoverRate = rate('crossoverRate', 'crossover_rate', d.crossoverRate);
  const tournamentSize = integer('tournamentSize', 'tournament_size', d.tournamentSize, 1) ?? d.tournamentSize;
  const elitism = integer('elitism', 'elitism', d.elitism, 0) ?? d.elitism;
  if (elitism > populationSize) problems.push(`sampler option elitism (${elitism}) must not exceed population_size (${populationSize})`);
  if (problems.length > 0) return err(problems.join('; '));
  return ok({ populationSize, offspringSize, generations, mutationRate, crossoverRate, tournamentSize, elitism });
}

/**
 * (μ + λ) survivor selection: the `elitism` best of `pool` outright, then tournaments of `tournamentSize` among
 * the others (without replacement) until `size` are chosen. Returns the survivors best first.
 */
export function selectSurvivors(pool: readonly Individual[], size: number, elitism: number, tournamentSize: number, rng: Rng): Individual[] {
  const ranked = [...pool].sort(compareIndividuals);
  if (ranked.length <= size) return ranked;
  const survivors = ranked.slice(0, Math.min(elitism, size));
  const rest = ranked.slice(survivors.length);
  while (survivors.length < size && rest.length > 0) {
    const [winner] = rest.splice(tournament(rest, tournamentSize, rng), 1);
    if (winner !== undefined) survivors.push(winner);
  }
  return survivors.sort(compareIndividuals);
}

/** Builds the evolution sampler (throws on invalid options; `createSampler` in registry.ts returns a Result instead). */
export const createEvolutionSampler: SamplerFactory = (space: SearchSpace, options, seed): Sampler => {
  const parsed = parseEvolutionSamplerOptions(options);
  if (!parsed.ok) throw new Error(parsed.error);
  const opts = parsed.value;
  const genome = createGenome(space);
  const drawRandom = createConfigDrawer(space);
  const studyRng = createRng(seed);
  const rates = { crossoverRate: opts.crossoverRate, mutationRate: opts.mutationRate, mutationScale: MUTATION_SCALE };
  const cap = opts.generations === undefined ? Infinity : opts.populationSize + opts.generations * opts.offspringSize;

  const byTrial = new Map<string, Individual>();
  /** Keys of every told config. */
  const told = new Set<string>();
  let population: Individual[] = [];
  /** Trials told since the last selection (the initial population while `population` is empty). */
  let offspring: Individual[] = [];
  /** Generations of offspring closed so far. */
  let generationsDone = 0;

  const close = (): void => {
    if (population.length === 0) {
      if (offspring.length < opts.populationSize) return;
      population = [...offspring].sort(compareIndividuals);
      offspring = [];
      return;
    }
    if (offspring.length < opts.offspringSize) return;
    population = selectSurvivors([...population, ...offspring], opts.populationSize, opts.elitism, opts.tournamentSize, studyRng.fork(`evolution:survivors:${generationsDone}`));
    offspring = [];
    generationsDone++;
  };

  return {
    name: 'evolution',
    ask(request: AskRequest): AskResult {
      if (generationsDone >= (opts.generations ?? Infinity)) {
        return {
          kind: 'exhausted',
          reason: `evolution finished: ${generationsDone} generation${generationsDone === 1 ? '' : 's'} of ${opts.offspringSize} offspring after an initial population of ${opts.populationSize} (generations cap); raise generations or remove it to keep evolving`,
        };
      }
      if (byTrial.size + request.pending.length >= cap) {
        return { kind: 'exhausted', reason: `evolution: the last of the ${cap} trials of ${opts.generations ?? 0} generations are running (generations cap)` };
      }
      const pendingKeys = new Set(request.pending.map((c) => configKey(space, c)));
      const unused = (config: Config): boolean => {
        const key = configKey(space, config);
        return !told.has(key) && !pendingKeys.has(key);
      };
      if (population.length === 0) {
        let config = drawRandom(request.rng);
        for (let t = 1; t < UNIQUE_TRIES && !unused(config); t++) config = drawRandom(request.rng);
        return { kind: 'suggest', config, note: `evolution: random initial population (${offspring.length} of ${opts.populationSize} told)` };
      }
      let child: Offspring | undefined;
      let parents: readonly [Individual, Individual] | undefined;
      for (let t = 0; t < UNIQUE_TRIES; t++) {
        const i = tournament(population, opts.tournamentSize, request.rng);
        const j = tournament(population, opts.tournamentSize, request.rng, i);
        const a = population[i];
        const b = population[j];
        if (a === undefined || b === undefined) break;
        child = genome.breed(a.config, b.config, rates, request.rng);
        parents = [a, b];
        if (unused(child.config)) break;
      }
      if (child === undefined || parents === undefined) return { kind: 'suggest', config: drawRandom(request.rng), note: 'evolution: random (no parents)' };
      const [a, b] = parents;
      const how = child.crossed ? `crossover of trials #${a.trialNumber} and #${b.trialNumber}` : `copy of trial #${a.trialNumber}`;
      const extras = [child.mutations > 0 ? `${child.mutations} mutation${child.mutations === 1 ? '' : 's'}` : '', child.fresh > 0 ? `${child.fresh} new gene${child.fresh === 1 ? '' : 's'} drawn at random` : '', unused(child.config) ? '' : 'duplicate of an earlier config']
        .filter((s) => s !== '')
        .join(', ');
      const of = opts.generations === undefined ? '' : ` of ${opts.generations}`;
      return { kind: 'suggest', config: child.config, note: `evolution generation ${generationsDone + 1}${of}: ${how}${extras ? `, ${extras}` : ''}` };
    },
    tell(observation: Observation): void {
      const hasLoss = observation.loss !== null && Number.isFinite(observation.loss);
      const tier: 0 | 1 | 2 = observation.status === 'failed' || !hasLoss ? 2 : observation.status === 'pruned' ? 1 : 0;
      const loss = hasLoss ? (observation.loss ?? Infinity) : Infinity;
      told.add(configKey(space, observation.config));
      const existing = byTrial.get(observation.trialId);
      if (existing !== undefined) {
        existing.config = observation.config;
        existing.tier = tier;
        existing.loss = loss;
        existing.budget = observation.budget;
        return;
      }
      const individual: Individual = { trialId: observation.trialId, trialNumber: observation.trialNumber, config: observation.config, tier, budget: observation.budget, loss };
      byTrial.set(observation.trialId, individual);
      offspring.push(individual);
      close();
    },
  };
};
