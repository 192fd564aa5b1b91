/**
 * CMA-ES sampler: the Covariance Matrix Adaptation Evolution Strategy (Hansen 2016, "The CMA Evolution Strategy:
 * A Tutorial") on the encoder's unit cube, with IPOP restarts (Auger & Hansen 2005, "A Restart CMA Evolution
 * Strategy With Increasing Population Size"). The algorithm itself lives in cma.ts; this file maps it onto
 * trials, asks and tells.
 *
 * Documented choices:
 * - Dimensions: CMA-ES works on the parameters that are numeric AND always active (no `when`), one coordinate
 *   each, with the shared unit codec (space/encode.ts): floats linear or log, ints and stepped floats as equal
 *   bins (the objective is evaluated at the decoded value; the update uses the continuous point). Categorical
 *   parameters (one-hot in the encoder, meaningless for a Gaussian) and conditional numeric parameters are drawn
 *   uniformly at random from `request.rng` whenever they are active, as `sampler: random` would (the
 *   `withFallback` idea of the architecture). A space without any always-active numeric parameter is pure
 *   random search.
 * - Boxes: candidates are redrawn until inside the cube (at most 100 draws), else mirrored in (cma.ts).
 * - Generations across asks: candidate k of generation g is drawn from the study seed's rng forked by
 *   `cmaes:<g>:<k>` (never from `request.rng`), so the whole generation is a function of the tells alone.
 *   An ask hands out the lowest k not yet taken by a told trial of the generation or by a running trial
 *   (`request.pending`). Asks beyond λ (more trials running than the population) get extra candidates k ≥ λ
 *   from the same distribution.
 * - Tells are matched to candidates by content: the told config's CMA parameters must equal those of an untaken
 *   candidate k < λ + 128 of the current generation (decoded values compare exactly; JSON keeps doubles exact).
 *   The result is then recorded under the trial id: a trial told again (promotion mode) replaces its loss, and
 *   tells arriving out of order rank the same. A config that matches no candidate (a trial from an earlier
 *   generation finishing late, a user-added trial) does not enter the update (Optuna does the same).
 * - The generation is updated as soon as λ of its candidates have results. Ranking: completed trials by loss,
 *   then pruned ones (higher budget first, then loss), then failed ones (loss null) as the worst; ties by k.
 * - Restarts (`restarts: true`, default): when the run converges (TolX: σ·√C_ii < 1e-6 in the cube, or below
 *   2% of a bin for int/step parameters; TolFun: best values flat to 1e-12 for 10 + ⌈30n/λ⌉ generations; or
 *   cond(C) > 1e14), a new run starts from a uniformly random mean (rng forked by `cmaes:restart:<r>`) with σ₀
 *   and C = I and, as in IPOP, twice the population, up to 2⁸ times the first λ. Without restarts the
 *   converged run just goes on (only a numerical breakdown resets it).
 */
import { createNumericCodec } from '../../space/encode';
import type { NumericCodec } from '../../space/encode';
import { isActive } from '../../space/searchSpace';
import type { Config, ParamValue, SearchSpace } from '../../space/searchSpace';
import { err, ok } from '../../util/result';
import type { Result } from '../../util/result';
import { createRng } from '../../util/rng';
import type { Rng } from '../../util/rng';
import { createConfigDrawer } from '../random';
import type { AskRequest, AskResult, Observation, Sampler, SamplerFactory } from '../sampler';
import { cmaDefaultPopulation, cmaSample, cmaTell, cmaTermination, createCmaState } from './cma';
import type { CmaState } from './cma';

/** The CMA-ES sampler's options (study file keys in snake_case: `population_size`, `sigma0`, `restarts`). */
export interface CmaesSamplerOptions {
  /** λ of the first run; undefined = 4 + ⌊3 ln n⌋ for n CMA dimensions. */
  readonly populationSize: number | undefined;
  /** Initial step size in cube units (default 0.3). */
  readonly sigma0: number;
  /** IPOP restarts on convergence (default true). */
  readonly restarts: boolean;
}

/** Defaults of every option. */
export const cmaesSamplerDefaults: CmaesSamplerOptions = { populationSize: undefined, sigma0: 0.3, restarts: true };

/** Candidates beyond λ that a tell is matched against (trials running beyond the population). */
const MATCH_SLACK = 128;
/** IPOP doubles λ at most this many times. */
const MAX_DOUBLINGS = 8;
/** TolX in the cube for continuous parameters. */
const TOL_X_CONTINUOUS = 1e-6;
/** TolX for discrete parameters, as a fraction of one bin. */
const TOL_X_BIN_FRACTION = 0.02;

/** Reads the options (camelCase as the spec parser gives them; snake_case also accepted; absent = default). */
export function parseCmaesSamplerOptions(options: Readonly<Record<string, unknown>>): Result<CmaesSamplerOptions, string> {
  const problems: string[] = [];
  const rawPopulation = options['populationSize'] ?? options['population_size'];
  let populationSize: number | undefined;
  if (rawPopulation !== undefined && rawPopulation !== null) {
    if (typeof rawPopulation !== 'number' || !Number.isInteger(rawPopulation) || rawPopulation < 2) {
      problems.push(`sampler option population_size must be an integer >= 2, got ${JSON.stringify(rawPopulation)}`);
    } else populationSize = rawPopulation;
  }
  const rawSigma = options['sigma0'] ?? cmaesSamplerDefaults.sigma0;
  let sigma0 = cmaesSamplerDefaults.sigma0;
  if (typeof rawSigma !== 'number' || !Number.isFinite(rawSigma) || rawSigma <= 0 || rawSigma > 1) {
    problems.push(`sampler option sigma0 must be a number in (0, 1] (cube units), got ${JSON.stringify(rawSigma)}`);
  } else sigma0 = rawSigma;
  const rawRestarts = options['restarts'] ?? cmaesSamplerDefaults.restarts;
  let restarts = cmaesSamplerDefaults.restarts;
  if (typeof rawRestarts !== 'boolean') problems.push(`sampler option restarts must be true or false, got ${JSON.stringify(rawRestarts)}`);
  else restarts = rawRestarts;
  return problems.length > 0 ? err(problems.join('; ')) : ok({ populationSize, sigma0, restarts });
}

interface CmaDim {
  readonly name: string;
  readonly codec: NumericCodec;
}

interface Candidate {
  /** The point in the cube. */
  readonly x: number[];
  /** The decoded parameter values, one per CMA dimension. */
  readonly values: number[];
}

interface GenerationResult {
  readonly k: number;
  readonly trialNumber: number;
  tier: 0 | 1 | 2;
  budget: number;
  loss: number;
}

function tierOf(observation: Observation): 0 | 1 | 2 {
  if (observation.status === 'failed' || observation.loss === null || !Number.isFinite(observation.loss)) return 2;
  return observation.status === 'pruned' ? 1 : 0;
}

function compareResults(a: GenerationResult, b: GenerationResult): number {
  if (a.tier !== b.tier) return a.tier - b.tier;
  if (a.tier === 1 && a.budget !== b.budget) return b.budget - a.budget;
  if (a.tier !== 2 && a.loss !== b.loss) return a.loss < b.loss ? -1 : 1;
  return a.k - b.k;
}

/** Builds the CMA-ES sampler (throws on invalid options; `createSampler` in registry.ts returns a Result instead). */
export const createCmaesSampler: SamplerFactory = (space: SearchSpace, options, seed): Sampler => {
  const parsed = parseCmaesSamplerOptions(options);
  if (!parsed.ok) throw new Error(parsed.error);
  const opts = parsed.value;
  const dims: CmaDim[] = [];
  const dimIndex = new Map<string, number>();
  const tolX: number[] = [];
  type Drawer = (rng: Rng) => ParamValue | undefined;
  const others = new Map<string, Drawer>();
  for (const [name, spec] of space.params) {
    if (spec.kind === 'categorical') {
      others.set(name, (rng) => spec.choices[rng.int(spec.choices.length)]);
      continue;
    }
    const codec = createNumericCodec(spec);
    if (spec.when !== undefined) {
      others.set(name, (rng) => codec.fromUnit(rng.next()));
      continue;
    }
    dimIndex.set(name, dims.length);
    dims.push({ name, codec });
    tolX.push(codec.levels === undefined ? TOL_X_CONTINUOUS : TOL_X_BIN_FRACTION / codec.levels);
  }
  const n = dims.length;
  const randomDraw = createConfigDrawer(space);
  const lambda0 = opts.populationSize ?? cmaDefaultPopulation(n);
  const studyRng = createRng(seed);

  let restart = 0;
  let lastRestartReason: string | undefined;
  /** Generations completed over all runs: names the rng forks, so it never repeats. */
  let generation = 0;
  let cma: CmaState = createCmaState({ dim: Math.max(1, n), lambda: lambda0, sigma: opts.sigma0 });
  let candidates = new Map<number, Candidate>();
  let results = new Map<string, GenerationResult>();
  let claimed = new Set<number>();

  const candidate = (k: number): Candidate => {
    const cached = candidates.get(k);
    if (cached !== undefined) return cached;
    const drawn = cmaSample(cma, studyRng.fork(`cmaes:${generation}:${k}`));
    const made: Candidate = { x: drawn.x, values: dims.map((d, i) => d.codec.fromUnit(drawn.x[i] ?? 0.5)) };
    candidates.set(k, made);
    return made;
  };

  const sameValues = (config: Config, values: readonly number[]): boolean =>
    dims.every((d, i) => {
      const v = config[d.name];
      const w = values[i] ?? Number.NaN;
      return typeof v === 'number' && (v === w || Math.abs(v - w) <= 1e-12 * Math.max(Math.abs(v), Math.abs(w)));
    });

  /** The lowest candidate k < limit, not in `taken`, whose CMA parameters equal the config's. */
  const match = (config: Config, taken: ReadonlySet<number>): number | undefined => {
    if (!dims.every((d) => typeof config[d.name] === 'number')) return undefined;
    const limit = cma.lambda + MATCH_SLACK;
    for (let k = 0; k < limit; k++) {
      if (!taken.has(k) && sameValues(config, candidate(k).values)) return k;
    }
    return undefined;
  };

  const closeGeneration = (): void => {
    const ranked = [...results.values()].sort(compareResults);
    cma = cmaTell(
      cma,
      ranked.map((r) => ({ x: candidate(r.k).x, value: r.tier === 2 ? Infinity : r.loss })),
    );
    generation++;
    candidates = new Map();
    results = new Map();
    claimed = new Set();
    const reason = cmaTermination(cma, { tolX });
    if (reason === undefined) return;
    if (!opts.restarts && !reason.startsWith('numerical')) return;
    restart++;
    const lambda = opts.restarts ? lambda0 * 2 ** Math.min(restart, MAX_DOUBLINGS) : lambda0;
    const rng = studyRng.fork(`cmaes:restart:${restart}`);
    const mean = dims.map(() => rng.next());
    cma = createCmaState({ dim: n, lambda, mean, sigma: opts.sigma0 });
    lastRestartReason = reason;
  };

  return {
    name: 'cmaes',
    ask(request: AskRequest): AskResult {
      if (n === 0) {
        return { kind: 'suggest', config: randomDraw(request.rng), note: 'cma-es: no always-active numeric parameter, random draw' };
      }
      const taken = new Set(claimed);
      for (const config of request.pending) {
        const k = match(config, taken);
        if (k !== undefined) taken.add(k);
      }
      let k = 0;
      while (taken.has(k)) k++;
      const chosen = candidate(k);
      const config: Record<string, ParamValue> = {};
      let randomCount = 0;
      for (const name of space.params.keys()) {
        const d = dimIndex.get(name);
        if (d !== undefined) {
          config[name] = chosen.values[d] ?? 0;
          continue;
        }
        // Draw whether or not the parameter is active, so activity never shifts the rng stream.
        const value = others.get(name)?.(request.rng);
        if (value !== undefined && isActive(space, name, config)) {
          config[name] = value;
          randomCount++;
        }
      }
      const parts = [`cma-es generation ${generation + 1}`, `candidate ${k + 1}/${cma.lambda}${k >= cma.lambda ? ' (extra: more trials running than λ)' : ''}`, `σ ${cma.sigma.toPrecision(3)}`];
      if (restart > 0) parts.push(`restart ${restart}${opts.restarts ? ` (IPOP λ ${cma.lambda})` : ''} after: ${lastRestartReason ?? ''}`);
      if (randomCount > 0) parts.push(`${randomCount} categorical/conditional parameter${randomCount === 1 ? '' : 's'} drawn at random`);
      return { kind: 'suggest', config, note: parts.join(', ') };
    },
    tell(observation: Observation): void {
      if (n === 0) return;
      const tier = tierOf(observation);
      const loss = tier === 2 ? Infinity : (observation.loss ?? Infinity);
      const existing = results.get(observation.trialId);
      if (existing !== undefined) {
        existing.tier = tier;
        existing.loss = loss;
        existing.budget = observation.budget;
        return;
      }
      const k = match(observation.config, claimed);
      if (k === undefined) return;
      claimed.add(k);
      results.set(observation.trialId, { k, trialNumber: observation.trialNumber, tier, budget: observation.budget, loss });
      if (results.size >= cma.lambda) closeGeneration();
    },
  };
};
