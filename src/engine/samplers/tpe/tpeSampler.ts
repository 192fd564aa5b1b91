/**
 * Tree-structured Parzen Estimator (TPE) sampler — Bergstra et al. 2011, "Algorithms for Hyper-Parameter
 * Optimization" (NeurIPS); conditional ("tree-structured") spaces as in Bergstra, Yamins & Cox 2013, "Making
 * a Science of Model Search" (ICML); the joint-KDE variant after Falkner et al. 2018 (BOHB); defaults after
 * Watanabe 2023, "Tree-structured Parzen estimator: understanding its algorithm components and their roles
 * for better empirical performance".
 *
 * After `n_startup_trials` random trials, the observed trials are split by rank into a good group (the best
 * γ(n) = min(ceil(gamma · n), gamma_max) of the n completed or pruned trials) and a bad group (the rest,
 * failed trials, and — constant liar — the configs still running). A Parzen estimator is fitted to each
 * group, `n_ei_candidates` points are drawn from the good one l(x), and the point maximising l(x)/g(x)
 * (equivalent to maximising expected improvement, Bergstra et al. 2011 §4.1) is proposed.
 *
 * Parameters are modelled in groups that are active together: in univariate mode every parameter is its own
 * group (independent TPE); with `multivariate: true` the parameters sharing the same activation condition
 * form one group with a joint kernel. A group is fitted only on the trials where it was active, and a config
 * is built front to back, so a conditional group is sampled only when its parents' sampled values enable it.
 *
 * Defaults (the components Watanabe 2023 found to matter, §4 and its recommended setting; measured against
 * Optuna 3.1's TPE in `npm run bench:samplers -- --full`, README "Search against Optuna 3.1"):
 * - `multivariate: true`: one joint kernel per group of parameters active together. The product kernel keeps
 *   the dependence between parameters (a good x0 is only good with its own x1), which univariate TPE loses;
 *   the paper finds it better on most benchmarks; on ours, with the other defaults below, univariate mode had
 *   more median regret on 10 of the 11 problems (the 11th a tie);
 * - `bandwidth: 'neighbour'` in every dimension, also in multivariate mode: each kernel is as wide as the larger
 *   gap to its neighbours (hyperopt's rule), not one Scott width for all; kernels adapt to local density;
 * - `min_bandwidth: 0.03`, `magic_clip_exponent: 2`: a kernel is at least max(0.03, 1/min(100, m + 1)²) of
 *   the range wide. Optuna clips at 1/(m + 2), i.e. ≥ 8 % of the range with 10 good trials, so late in a run
 *   its good density cannot resolve a basin finer than that; the paper's Δ = 0.03 still keeps kernels from
 *   collapsing while letting them shrink with the data (on our benchmark this change alone, with the joint
 *   kernel, took the median regret below Optuna's on all 11 problems);
 * - `weighting: 'ei'`: the good group's kernels weigh by how far their loss lies below the split (the best bad
 *   loss), normalised to mean 1, i.e. proportional to each trial's improvement over the split (the paper's
 *   "expected improvement" weighting); trials barely inside the good group barely count.
 *   Uniform (Optuna's flat-up-to-25 weights, below) when the group holds pruned trials or the split is no
 *   completed trial, since losses at different budgets are not comparable;
 * - unchanged from Optuna: n_startup_trials 10, n_ei_candidates 24, gamma 0.1 capped at 25, prior weight 1
 *   (N(0.5, 1) on the unit range; uniform on categoricals), Optuna's weights for the bad group.
 *   (More candidates, 64, and an uncapped gamma of 0.15 were tried and were not better on the benchmark.)
 * `multivariate: false, bandwidth: 'neighbour', min_bandwidth: 0, magic_clip_exponent: 1, weighting: 'uniform'`
 * reproduces Optuna 3.1's default TPESampler (bar its clip's + 1); BOHB keeps its paper's Scott-rule model.
 * - `optuna_model_when_pruned: true`: these defaults were validated on fully evaluated trials. Once a trial has
 *   been pruned (ASHA, Hyperband, a median rule…), the ranking mixes budgets and the losses at them, and the
 *   sharper model over-exploits that coarse signal: on the benchmark's multi-fidelity problems it reached
 *   Optuna TPE+Hyperband's median quality in fewer seeds with ASHA (2/10, 6/10, 2/10 against 5/10, 10/10,
 *   4/10). So from the first pruned trial on, asks use the earlier model (univariate, the plain magic clip,
 *   uniform weights, unsmoothed categorical counts), which is Optuna 3.1's; the note of the ask says so.
 *
 * Documented choices:
 * - ranking (observationTable.ts): completed by loss, then pruned by budget reached (desc) and loss, then
 *   failed; failed trials count as bad (they steer away from regions that crash) but not towards n or the
 *   startup count; a trial told several times (promotion mode) counts with its latest tell only;
 * - weights of the bad group: Optuna's default: equal weights up to 25 observations, older ones ramped down beyond;
 * - running trials (`request.pending`) join the bad group as worst observations (constant liar), so parallel
 *   asks spread out; each weighs in g(x) what one good kernel weighs in l(x) (bad told / good, at least 1),
 *   since with narrow kernels a liar of weight 1 among many bad trials hardly lowers l/g around it; disable
 *   with `constant_liar: false`;
 * - on a fully discrete space no config is proposed twice (told or pending): the best unused combination of
 *   the candidates is taken, then a random unused config; when none is left the answer is `exhausted`;
 * - `conditional_split: 'group'`: a conditional group's good/bad split ranks only the trials where the group was
 *   active (the best ceil(gamma · n_active) of them, capped at gamma_max, are good; EI weights measured from that
 *   group's own split), as Optuna's univariate TPE did before 3.0 (each parameter's observations were those of
 *   the trials that had it). Optuna 3.1 marks the best gamma of all trials instead (`global`): while one branch
 *   holds every top trial, another branch's children then have no good kernel at all and are drawn from the
 *   prior, so that branch is only ever sampled at random and cannot catch up. The split of the branch choice
 *   itself (an unconditional parent) is unchanged, so TPE still decides between branches on all trials. On the
 *   conditional problems of `npm run bench:tpe-mixed` (20 seeds) the median regret fell on 5 of 6 (e.g.
 *   model_choice 0.0023 → 0.00017) and stayed put on nested_optimizer (0.00801 → 0.00802); on the harness's
 *   `classifier` 9 of 20 seeds instead of 4 left the knn trap (median 0.01 both). Unconditional spaces are
 *   unaffected. The model used once trials are pruned keeps Optuna 3.1's global split.
 *
 * Which observations the model is fitted to is a `TpeModelSource`: the plain sampler keeps one table of every
 * trial's latest tell; BOHB (bohb.ts, Falkner et al. 2018) keeps one per budget and picks it per ask.
 */
import { isActive } from '../../space/searchSpace';
import type { Config, ParamValue, SearchSpace } from '../../space/searchSpace';
import { validateConfig } from '../../space/validateConfig';
import { err, ok } from '../../util/result';
import type { Result } from '../../util/result';
import type { Rng } from '../../util/rng';
import { createConfigDrawer } from '../random';
import type { AskRequest, AskResult, Observation, Sampler, SamplerFactory } from '../sampler';
import { countDiscreteConfigs, forEachDiscreteConfig, rowKey } from './discreteSpace';
import { createObservationTable, tierOf } from './observationTable';
import type { ObservationTable, TableEntry } from './observationTable';
import { createParamModels } from './paramModel';
import type { ParamModel } from './paramModel';
import { fitParzenEstimator } from './parzenEstimator';
import type { ParzenDim, ParzenEstimatorOptions } from './parzenEstimator';

/** The TPE sampler's options (study file keys in snake_case, e.g. `n_startup_trials`). */
export interface TpeSamplerOptions {
  /** Random trials before the model is used (`n_startup_trials`, default 10); counts completed and pruned trials. */
  readonly nStartupTrials: number;
  /** Candidates drawn from l(x) per ask and group (`n_ei_candidates`, default 24). */
  readonly nEiCandidates: number;
  /** Fraction of the observations in the good group (`gamma`, default 0.1). */
  readonly gamma: number;
  /** Cap on the good group's size (`gamma_max`, default 25). */
  readonly gammaMax: number;
  /** Weight of the prior kernel relative to one observation (`prior_weight`, default 1.0). */
  readonly priorWeight: number;
  /** One joint kernel per group of parameters active together (`multivariate`, default true). */
  readonly multivariate: boolean;
  /** Treat running trials as bad observations (`constant_liar`, default true). */
  readonly constantLiar: boolean;
  /** Bandwidth rule per numeric dimension (`bandwidth`, default `neighbour`; `scott` is BOHB's). */
  readonly bandwidth: 'neighbour' | 'scott';
  /** Smallest numeric bandwidth as a fraction of the range (`min_bandwidth`, default 0.03). */
  readonly minBandwidth: number;
  /** Exponent α of the magic clip 1/min(100, m + 1)^α (`magic_clip_exponent`, default 2). */
  readonly magicClipExponent: number;
  /** Weights of the good group's kernels (`weighting`, default `ei`; `uniform` is Optuna's). */
  readonly weighting: 'uniform' | 'ei';
  /**
   * Once any told trial was pruned (a stopping scheduler is in use), fit the model with Optuna 3.1's settings
   * instead (univariate, the plain magic clip, uniform weights) (`optuna_model_when_pruned`, default true).
   */
  readonly optunaModelWhenPruned: boolean;
  /**
   * Where a conditional group's good/bad split is made (`conditional_split`, default `group`): `group` ranks only
   * the trials where the group was active and takes the best gamma of those; `global` marks the best gamma of all
   * trials, as Optuna 3.1 (and the pruned-trials model) does.
   */
  readonly conditionalSplit: 'group' | 'global';
}

/** Defaults of every option. */
export const defaultTpeSamplerOptions: TpeSamplerOptions = {
  nStartupTrials: 10,
  nEiCandidates: 24,
  gamma: 0.1,
  gammaMax: 25,
  priorWeight: 1,
  multivariate: true,
  constantLiar: true,
  bandwidth: 'neighbour',
  minBandwidth: 0.03,
  magicClipExponent: 2,
  weighting: 'ei',
  optunaModelWhenPruned: true,
  conditionalSplit: 'group',
};

/** Above this many configs a discrete space is never enumerated (random draws find unused configs instead). */
const ENUMERATION_LIMIT = 100_000;
/** Random draws tried before enumerating a discrete space for an unused config. */
const RANDOM_TRIES = 32;

/** Reads the options (camelCase or snake_case keys; absent keys get the defaults). */
export function parseTpeSamplerOptions(options: Readonly<Record<string, unknown>>): Result<TpeSamplerOptions, string> {
  const problems: string[] = [];
  const read = (camel: keyof TpeSamplerOptions, snake: string): unknown => options[camel] ?? options[snake];
  const number = (camel: keyof TpeSamplerOptions, snake: string, check: (v: number) => boolean, what: string): number => {
    const raw = read(camel, snake);
    if (raw === undefined) return defaultTpeSamplerOptions[camel] as number;
    if (typeof raw !== 'number' || !Number.isFinite(raw) || !check(raw)) {
      problems.push(`sampler option ${snake} must be ${what}, got ${JSON.stringify(raw)}`);
      return defaultTpeSamplerOptions[camel] as number;
    }
    return raw;
  };
  const flag = (camel: keyof TpeSamplerOptions, snake: string): boolean => {
    const raw = read(camel, snake);
    if (raw === undefined) return defaultTpeSamplerOptions[camel] as boolean;
    if (typeof raw !== 'boolean') {
      problems.push(`sampler option ${snake} must be true or false, got ${JSON.stringify(raw)}`);
      return defaultTpeSamplerOptions[camel] as boolean;
    }
    return raw;
  };
  const choice = <T extends string>(camel: keyof TpeSamplerOptions, snake: string, allowed: readonly T[]): T => {
    const raw = read(camel, snake);
    if (raw === undefined) return defaultTpeSamplerOptions[camel] as T;
    if (typeof raw !== 'string' || !(allowed as readonly string[]).includes(raw)) {
      problems.push(`sampler option ${snake} must be one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
      return defaultTpeSamplerOptions[camel] as T;
    }
    return raw as T;
  };
  const parsed: TpeSamplerOptions = {
    nStartupTrials: number('nStartupTrials', 'n_startup_trials', (v) => Number.isInteger(v) && v >= 0, 'an integer >= 0'),
    nEiCandidates: number('nEiCandidates', 'n_ei_candidates', (v) => Number.isInteger(v) && v >= 1, 'an integer >= 1'),
    gamma: number('gamma', 'gamma', (v) => v > 0 && v <= 1, 'a number in (0, 1]'),
    gammaMax: number('gammaMax', 'gamma_max', (v) => Number.isInteger(v) && v >= 1, 'an integer >= 1'),
    priorWeight: number('priorWeight', 'prior_weight', (v) => v > 0, 'a number > 0'),
    multivariate: flag('multivariate', 'multivariate'),
    constantLiar: flag('constantLiar', 'constant_liar'),
    bandwidth: choice('bandwidth', 'bandwidth', ['neighbour', 'scott'] as const),
    minBandwidth: number('minBandwidth', 'min_bandwidth', (v) => v >= 0 && v <= 1, 'a number in [0, 1]'),
    magicClipExponent: number('magicClipExponent', 'magic_clip_exponent', (v) => v >= 0, 'a number >= 0'),
    weighting: choice('weighting', 'weighting', ['uniform', 'ei'] as const),
    optunaModelWhenPruned: flag('optunaModelWhenPruned', 'optuna_model_when_pruned'),
    conditionalSplit: choice('conditionalSplit', 'conditional_split', ['group', 'global'] as const),
  };
  return problems.length > 0 ? err(problems.join('; ')) : ok(parsed);
}

/**
 * The parameter groups TPE models jointly, as lists of parameter indices in space order, ordered by their first
 * member. Univariate: one group per parameter. Multivariate: parameters with the same activation condition
 * (their own `when` and their ancestors') share a group. A group's parents always lie in earlier groups.
 */
export function tpeGroups(space: SearchSpace, multivariate: boolean): number[][] {
  const names = [...space.params.keys()];
  if (!multivariate) return names.map((_, i) => [i]);
  const memo = new Map<string, string>();
  const conditionKey = (name: string, depth: number): string => {
    const cached = memo.get(name);
    if (cached !== undefined) return cached;
    const when = space.params.get(name)?.when;
    if (when === undefined || depth > names.length) return '';
    const parts = Object.keys(when)
      .sort()
      .map((parent) => {
        const allowed = (when[parent] ?? []).map((v) => JSON.stringify(v)).sort();
        return `${JSON.stringify(parent)}∈[${allowed.join(',')}]&(${conditionKey(parent, depth + 1)})`;
      });
    const key = parts.join('|');
    memo.set(name, key);
    return key;
  };
  const byKey = new Map<string, number[]>();
  names.forEach((name, i) => {
    const key = conditionKey(name, 0);
    const group = byKey.get(key);
    if (group) group.push(i);
    else byKey.set(key, [i]);
  });
  return [...byKey.values()].sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
}

/**
 * Optuna's default observation weights for n observations in trial order: all 1 up to 25; beyond, the
 * oldest n − 25 ramp linearly from 1/n to 1 and the newest 25 weigh 1.
 */
export function defaultWeights(n: number): Float64Array {
  const w = new Float64Array(n).fill(1);
  const ramp = n - 25;
  if (ramp <= 0) return w;
  for (let i = 0; i < ramp; i++) w[i] = ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1);
  return w;
}

/** The observations one TPE ask is fitted to: one entry per trial, ranked best first (observationTable.ts). */
export type TpeTableView = Pick<ObservationTable, 'ranked' | 'byNumber' | 'rankable'>;

/** What an ask draws from: a fitted model on `table` (its note starts with `label`), or a random config. */
export type TpeSelection =
  | { readonly kind: 'model'; readonly table: TpeTableView; readonly label: string }
  /** `note` is the ask's note; how the random config was found is appended when it is not a plain draw. */
  | { readonly kind: 'random'; readonly note: string };

/**
 * Where a TPE sampler's model comes from. The plain sampler (`createTpeSampler`) keeps one table of every
 * trial's latest tell and draws at random during the start-up; BOHB keeps one table per budget.
 * Its entries' `mark` field is scratch space for the ask (the good group is marked in place).
 */
export interface TpeModelSource {
  /** Records a tell, given as the entry TPE built for it (encoded row; loss +Infinity when missing). */
  tell(entry: TableEntry, observation: Observation): void;
  /** Decides what the ask for `request` draws from (called after the discrete-space exhaustion check). */
  select(request: AskRequest): TpeSelection;
}

interface Candidate {
  /** The group's dimension values. */
  readonly values: Float64Array;
  /** log l(x) − log g(x). */
  readonly score: number;
}

interface Assembled {
  readonly row: Float64Array;
  readonly score: number;
}

/** Builds the TPE sampler (throws on invalid options; `createSampler` in registry.ts returns a Result instead). */
export const createTpeSampler: SamplerFactory = (space: SearchSpace, options): Sampler => {
  const parsed = parseTpeSamplerOptions(options);
  if (!parsed.ok) throw new Error(parsed.error);
  const opts = parsed.value;
  const table = createObservationTable();
  const label = opts.multivariate ? 'tpe multivariate' : 'tpe';
  const source: TpeModelSource = {
    tell: (entry) => table.upsert(entry),
    select: () =>
      table.rankable < opts.nStartupTrials
        ? { kind: 'random', note: `random startup ${table.rankable + 1}/${opts.nStartupTrials}` }
        : { kind: 'model', table, label },
  };
  return createTpeSamplerWithSource(space, opts, 'tpe', source);
};

/**
 * A TPE sampler named `name` whose model is fitted to what `source` selects per ask (`opts.nStartupTrials` is
 * left to the source). Everything else — encoding, constant liar, the discrete-space bookkeeping — is TPE's.
 */
export function createTpeSamplerWithSource(space: SearchSpace, opts: TpeSamplerOptions, name: string, source: TpeModelSource): Sampler {
  const models = createParamModels(space);
  const paramCount = models.length;
  const dimsOf = (groups: number[][]): ParzenDim[][] => groups.map((g) => g.map((p) => (models[p] as ParamModel).dim));
  const sharpGroups = tpeGroups(space, opts.multivariate);
  const sharpDims = dimsOf(sharpGroups);
  /** Per sharp group: whether its parameters are conditional (a group's members share their activation condition). */
  const specs = [...space.params.values()];
  const conditionalGroups = sharpGroups.map((g) => specs[g[0] ?? -1]?.when !== undefined);
  const optunaGroups = tpeGroups(space, false);
  const optunaDims = dimsOf(optunaGroups);
  /** Optuna 3.1's TPESampler defaults: used for asks whose good group holds pruned trials (see the file comment). */
  const optunaOptions: ParzenEstimatorOptions = { priorWeight: opts.priorWeight, bandwidth: 'neighbour', minBandwidth: 0, magicClipExponent: 1, smoothCategorical: false };
  const sharpOptions: ParzenEstimatorOptions = {
    priorWeight: opts.priorWeight,
    bandwidth: opts.bandwidth,
    minBandwidth: opts.minBandwidth,
    magicClipExponent: opts.magicClipExponent,
    smoothCategorical: true,
  };
  const discrete = models.every((m) => Number.isFinite(m.domainSize));
  const spaceSize = discrete ? countDiscreteConfigs(space, models) : Infinity;
  const drawConfig = createConfigDrawer(space);
  /** Keys of every valid config told so far (discrete spaces only). */
  const seen = new Set<string>();
  let markCounter = 0;

  const encodeRow = (config: Config): Float64Array => {
    const row = new Float64Array(paramCount);
    for (let p = 0; p < paramCount; p++) {
      const model = models[p] as ParamModel;
      row[p] = Object.hasOwn(config, model.name) ? model.encode(config[model.name]) : Number.NaN;
    }
    return row;
  };
  const decodeRow = (row: Float64Array): Config => {
    const config: Record<string, ParamValue> = {};
    for (let p = 0; p < paramCount; p++) {
      const x = row[p] ?? Number.NaN;
      if (!Number.isNaN(x)) config[(models[p] as ParamModel).name] = (models[p] as ParamModel).decode(x);
    }
    return config;
  };
  const isValid = (config: Config): boolean => validateConfig(space, config).ok;

  /** A random config not in `taken` (every config qualifies on a continuous space); undefined when none is left. */
  const randomUnused = (rng: Rng, taken: (row: Float64Array) => boolean): { config: Config; how: string } | undefined => {
    for (let t = 0; t < RANDOM_TRIES; t++) {
      const config = drawConfig(rng);
      if (!discrete || !taken(encodeRow(config))) return { config, how: 'random' };
    }
    if (spaceSize <= ENUMERATION_LIMIT) {
      const unused: Float64Array[] = [];
      forEachDiscreteConfig(space, models, (row) => {
        if (!taken(row)) unused.push(row.slice());
      });
      const pick = unused[rng.int(unused.length)];
      return pick === undefined ? undefined : { config: decodeRow(pick), how: `random among the ${unused.length} unused configs` };
    }
    for (let t = 0; t < 1000; t++) {
      const config = drawConfig(rng);
      if (!taken(encodeRow(config))) return { config, how: 'random' };
    }
    return undefined;
  };

  /** How many of `rankable` ranked trials form the good group: the best gamma of them, at most gamma_max. */
  const goodCount = (rankable: number): number => Math.min(Math.ceil(opts.gamma * rankable), opts.gammaMax, rankable);

  const tpeAsk = (
    rng: Rng,
    table: TpeTableView,
    label: string,
    pendingRows: readonly Float64Array[],
    taken: (row: Float64Array) => boolean,
  ): AskResult => {
    const n = table.rankable;
    const nBelow = goodCount(n);
    const optunaModel = opts.optunaModelWhenPruned && table.ranked.some((e) => e.tier === 1);
    const groups = optunaModel ? optunaGroups : sharpGroups;
    const groupDims = optunaModel ? optunaDims : sharpDims;
    const estimatorOptions = optunaModel ? optunaOptions : sharpOptions;
    const mark = ++markCounter;
    for (let i = 0; i < nBelow; i++) {
      const entry = table.ranked[i];
      if (entry !== undefined) entry.mark = mark;
    }
    // Expected-improvement weights (Watanabe 2023, §3.3): a good trial's kernel weighs by how far its loss lies
    // below the split (the best loss of the bad group), so l(x) concentrates on the very best trials.
    // `ranked` is a ranking (best first) whose first `k` entries are the good group.
    const eiWeightsFor = (ranked: readonly TableEntry[], k: number): ((entry: TableEntry) => number) | undefined => {
      if (opts.weighting !== 'ei' || k <= 0 || optunaModel) return undefined;
      // Only among completed trials: a pruned trial's loss is from a smaller budget (then the weights stay uniform).
      const split = ranked[k];
      const threshold = split !== undefined && split.tier === 0 ? split.loss : Number.NaN;
      const good = ranked.slice(0, k);
      if (!Number.isFinite(threshold) || !good.every((e) => e.tier === 0 && Number.isFinite(e.loss))) return undefined;
      const gaps = good.map((e) => threshold - e.loss);
      const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
      // Normalised to mean 1 (so the prior keeps its weight relative to the group); a floor keeps every kernel.
      return mean > 0 ? (entry) => Math.max(1e-3, (threshold - entry.loss) / mean) : undefined;
    };
    const eiWeightOf = eiWeightsFor(table.ranked, nBelow);
    const splitPerGroup = opts.conditionalSplit === 'group' && !optunaModel;
    const liars = opts.constantLiar ? pendingRows : [];
    const C = opts.nEiCandidates;
    const fitted = new Map<number, Candidate[]>();

    const candidatesOf = (g: number): Candidate[] => {
      const cached = fitted.get(g);
      if (cached !== undefined) return cached;
      const members = groups[g] ?? [];
      const dims = groupDims[g] ?? [];
      const D = members.length;
      const activeIn = (row: Float64Array): boolean => members.every((p) => !Number.isNaN(row[p] ?? Number.NaN));
      const below: number[] = [];
      const belowWeights: number[] = [];
      const above: number[] = [];
      const push = (to: number[], row: Float64Array): void => {
        for (const p of members) to.push(row[p] ?? 0.5);
      };
      // The good group: the global split's, or for a conditional group (conditional_split: group) the best gamma of
      // the trials where the group was active, so a branch that no top trial took still gets a model of its own
      // best configs instead of the prior alone (see the file comment).
      let isGood = (entry: TableEntry): boolean => entry.mark === mark;
      let weightOf = eiWeightOf;
      if (splitPerGroup && conditionalGroups[g] === true) {
        const active = table.ranked.filter((e) => activeIn(e.row));
        const nActive = active.reduce((count, e) => count + (e.tier !== 2 ? 1 : 0), 0);
        const k = goodCount(nActive);
        const good = new Set(active.slice(0, k));
        isGood = (entry) => good.has(entry);
        weightOf = eiWeightsFor(active, k);
      }
      for (const entry of table.byNumber as readonly TableEntry[]) {
        if (!activeIn(entry.row)) continue;
        const inGood = isGood(entry);
        push(inGood ? below : above, entry.row);
        if (inGood && weightOf !== undefined) belowWeights.push(weightOf(entry));
      }
      const told = above.length / D;
      for (const row of liars) if (activeIn(row)) push(above, row);
      const wBelow = weightOf !== undefined ? Float64Array.from(belowWeights) : defaultWeights(below.length / D);
      const wAbove = defaultWeights(above.length / D);
      // A liar weighs in g(x) what one good kernel weighs in l(x) (told bad / good, at least 1): with narrow
      // kernels a liar of weight 1 among many bad trials barely dents l/g, and parallel asks would bunch up.
      const liarWeight = Math.max(1, told / Math.max(1, below.length / D));
      for (let i = told; i < wAbove.length; i++) wAbove[i] = liarWeight;
      const l = fitParzenEstimator(dims, Float64Array.from(below), wBelow, estimatorOptions);
      const gBad = fitParzenEstimator(dims, Float64Array.from(above), wAbove, estimatorOptions);
      const samples = l.sample(rng, C);
      const logL = l.logPdf(samples, C);
      const logG = gBad.logPdf(samples, C);
      const list: Array<Candidate & { readonly index: number }> = [];
      for (let c = 0; c < C; c++) {
        const score = (logL[c] ?? -Infinity) - (logG[c] ?? 0);
        list.push({ values: samples.subarray(c * D, c * D + D), score: Number.isNaN(score) ? -Infinity : score, index: c });
      }
      list.sort((a, b) => b.score - a.score || a.index - b.index);
      fitted.set(g, list);
      return list;
    };

    /** A config front to back: for each group active given the values so far, its `choice(g)`-th best candidate. */
    const assemble = (choice: (g: number) => number): Assembled => {
      const row = new Float64Array(paramCount).fill(Number.NaN);
      const partial: Record<string, ParamValue> = {};
      let score = 0;
      groups.forEach((members, g) => {
        const first = models[members[0] ?? -1];
        if (first === undefined || !isActive(space, first.name, partial)) return;
        const list = candidatesOf(g);
        const candidate = list[Math.min(choice(g), list.length - 1)];
        if (candidate === undefined) return;
        members.forEach((p, j) => {
          const x = candidate.values[j] ?? 0.5;
          row[p] = x;
          partial[(models[p] as ParamModel).name] = (models[p] as ParamModel).decode(x);
        });
        score += candidate.score;
      });
      return { row, score };
    };

    const liarNote = liars.length > 0 ? `, ${liars.length} running as liars` : '';
    const modelNote = optunaModel ? '; trials were pruned: Optuna 3.1 univariate model' : '';
    const note = `${label} (gamma ${nBelow} of ${n}${liarNote}${modelNote})`;
    const best = assemble(() => 0);
    if (!discrete || !taken(best.row)) return { kind: 'suggest', config: decodeRow(best.row), note };

    // Discrete space and the best candidate was already tried: the best unused combination of candidates
    // (each group's runners-up, then random combinations), by total log l/g.
    const pool: Assembled[] = [];
    groups.forEach((_, g) => {
      for (let j = 1; j < C; j++) pool.push(assemble((h) => (h === g ? j : 0)));
    });
    for (let r = 0; r < C; r++) {
      const picks = groups.map(() => rng.int(C));
      pool.push(assemble((h) => picks[h] ?? 0));
    }
    const order = pool.map((_, i) => i).sort((a, b) => (pool[b]?.score ?? 0) - (pool[a]?.score ?? 0) || a - b);
    for (const i of order) {
      const entry = pool[i];
      if (entry !== undefined && !taken(entry.row)) {
        return { kind: 'suggest', config: decodeRow(entry.row), note: `${note}; best candidate already tried, next best taken` };
      }
    }
    const fallback = randomUnused(rng, taken);
    if (fallback === undefined) return { kind: 'exhausted', reason: `no unused config found in the discrete space of ${spaceSize} configs` };
    return { kind: 'suggest', config: fallback.config, note: `${note}; every candidate already tried, ${fallback.how}` };
  };

  return {
    name,
    ask(request: AskRequest): AskResult {
      const pendingRows = request.pending.map(encodeRow);
      let taken: (row: Float64Array) => boolean = () => false;
      if (discrete) {
        const pendingKeys = new Set<string>();
        request.pending.forEach((config, i) => {
          const row = pendingRows[i];
          if (row === undefined || !isValid(config)) return;
          const key = rowKey(models, row);
          if (!seen.has(key)) pendingKeys.add(key);
        });
        if (seen.size + pendingKeys.size >= spaceSize) {
          return {
            kind: 'exhausted',
            reason:
              pendingKeys.size > 0
                ? `all ${spaceSize} configs of the discrete space have been tried or are running`
                : `all ${spaceSize} configs of the discrete space have been tried`,
          };
        }
        taken = (row) => {
          const key = rowKey(models, row);
          return seen.has(key) || pendingKeys.has(key);
        };
      }
      const selection = source.select(request);
      if (selection.kind === 'random') {
        const drawn = randomUnused(request.rng, taken);
        if (drawn === undefined) return { kind: 'exhausted', reason: `no unused config found in the discrete space of ${spaceSize} configs` };
        const how = drawn.how === 'random' ? '' : ` (${drawn.how})`;
        return { kind: 'suggest', config: drawn.config, note: `${selection.note}${how}` };
      }
      return tpeAsk(request.rng, selection.table, selection.label, pendingRows, taken);
    },
    tell(observation: Observation): void {
      const row = encodeRow(observation.config);
      const loss = observation.loss !== null && Number.isFinite(observation.loss) ? observation.loss : Infinity;
      const entry: TableEntry = {
        trialId: observation.trialId,
        trialNumber: observation.trialNumber,
        tier: tierOf(observation),
        budget: observation.budget,
        loss,
        config: observation.config,
        row,
        mark: 0,
      };
      source.tell(entry, observation);
      if (discrete && isValid(observation.config)) seen.add(rowKey(models, row));
    },
  };
}
