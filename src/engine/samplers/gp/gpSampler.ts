/**
 * Gaussian-process Bayesian optimisation (Snoek, Larochelle & Adams 2012, "Practical Bayesian Optimization of
 * Machine Learning Algorithms"): after a space-filling start, every ask fits a GP with a Matérn-5/2 ARD kernel
 * to the observed losses on the encoder's unit cube (Rasmussen & Williams 2006) and suggests the point that
 * maximises log expected improvement (Ament et al. 2023, "Unexpected Improvements to Expected Improvement").
 *
 * Choices (documented for users in the sampler's schema entry as well):
 * - Startup: the first `n_startup_trials` (default 10) finite observations come from the study's scrambled
 *   Sobol sequence (trial n uses point n, as `sampler: sobol` would), so parallel startup asks differ.
 * - Encoding: space/encode.ts — floats linear or log in [0, 1], ints and stepped floats as bins (their centres),
 *   categoricals one-hot (a proposal is rounded to a valid one-hot / bin before it is scored), and an inactive
 *   conditional parameter sits at 0.5 in its dims, so for the GP it is a constant there (it carries no
 *   information and every trial without that parameter looks the same along those axes).
 * - Failed trials (loss null) are imputed as the worst finite loss seen, so the model steers away from them.
 *   Pruned trials count with the loss they were stopped at; budgets are ignored (not multi-fidelity).
 * - Outputs: `output_transform` `auto` (default: the shifted log log((y − min)/range + ε) or no warp, whichever
 *   the *GP itself* finds most likely — each candidate warp is fitted and scored by its MAP log marginal
 *   likelihood plus the warp's log-Jacobian, the warped-GP criterion of Snelson, Rasmussen & Ghahramani 2004;
 *   see `selectWarpByEvidence`), `boxcox` (the earlier `auto`: the same family, ε chosen by a Box–Cox-style
 *   likelihood of an i.i.d. normal model of the warped losses, as HEBO (Cowen-Rivers et al. 2022) warps its
 *   objective; see `autoLogOffset`. An i.i.d. model ignores that nearby points are correlated, so on a
 *   multimodal objective it picks the strongest log, which magnifies the ripples near the optimum and makes the
 *   fitted length scales collapse; the GP's evidence prefers the warp under which the data look smooth), `standardize`
 *   (z-scores only), `log` (log(y − min + δ), δ = 0.3 × range — tames heavy upper tails such as a diverged
 *   run's huge loss) or `rank` (normal scores of the ranks: fully robust, ignores magnitudes); all are
 *   z-scored afterwards. Objectives whose values span orders of magnitude (Rosenbrock: 1e5 at the edges, ~10
 *   in the valley) are what the warp is for: on raw z-scores the GP is dominated by the few huge values and
 *   sees the valley as flat.
 * - Kernel: `additive` (default true) adds to the Matérn ARD kernel a first-order additive part, a²·(1/D)·Σ_d
 *   Matérn(|x_d − x'_d|/ℓ_d) with the same length scales (Duvenaud, Nickisch & Rasmussen 2011, "Additive Gaussian
 *   Processes", orders 1 and D), a² fitted with the other hyperparameters. Every trial then informs each
 *   parameter's one-dimensional main effect, so on an objective built from per-parameter terms (Levy, Styblinski–
 *   Tang; hyperparameter surfaces are mostly main effects, Hutter, Hoos & Leyton-Brown 2014) the GP finds each
 *   coordinate's best basin instead of leaving one in a neighbouring ripple. The `auto` warp is chosen with the
 *   same kernel: a warp's evidence depends on the model (with the joint kernel alone it picks other warps on
 *   Levy-5, and the additive part then does not help there). Past `warpSelectionCap` observations, where the
 *   warp is chosen on a subsample anyway, that choice uses the joint kernel alone to bound the cost.
 * - Hyperparameters: MAP of the log marginal likelihood with log-normal priors (gaussianProcess.ts), refitted
 *   from scratch on every ask with restarts drawn from the ask's rng, so the state is only the list of tells
 *   and replaying them rebuilds it exactly.
 * - Acquisition (optimizeAcquisition.ts): log EI is scored on Sobol' points and perturbations of the best
 *   observations, and 5 of them are refined by L-BFGS; those starts are the best candidate plus draws ∝ exp(z-score
 *   of log EI), as BoTorch's `initialize_q_batch` picks them, not the 5 best (near-copies of each other around the
 *   incumbent, which all climbed the same peak). On Levy-5 at 50 trials: median 0.650 → 0.345 (seeds 0–9), 1.22 →
 *   1.21 (seeds 0–29); Hartmann-6 reaches its global basin on 18 of 30 seeds either way.
 * - Parallel asks: running trials (`request.pending`) join the GP as a kriging believer (Ginsbourger, Le Riche
 *   & Carraro 2010): their value is the posterior mean, which keeps the mean and collapses the variance there,
 *   so the next suggestion goes elsewhere.
 * - Cost: never bounded by wall-clock (asks must be deterministic); every piece of work is a count. The fit
 *   uses at most `max_observations` (default 200) observations — the better half by loss plus the most recent —
 *   and its number of likelihood evaluations shrinks as n³ grows; past `warpSelectionCap` observations the `auto`
 *   warp is chosen on a subsample with one L-BFGS run per warp (those fits only rank the warps; the GP is then
 *   fitted on all the data), about a third of an ask's time less; the acquisition scores `n_candidates`
 *   (default 2048) points and refines 5 of them. On a 2-core machine an ask takes well under a second at
 *   200 observations in 6 dimensions (see the sampler's tests for the measured numbers).
 */
import { createEncoder } from '../../space/encode';
import type { Config, SearchSpace } from '../../space/searchSpace';
import { err, ok } from '../../util/result';
import type { Result } from '../../util/result';
import type { Rng } from '../../util/rng';
import { createSobolSampler } from '../sobol';
import type { AskRequest, AskResult, Observation, Sampler, SamplerFactory } from '../sampler';
import { normalQuantile } from './acquisition';
import { createPosterior, defaultPriors, fitHyperparameters } from './gaussianProcess';
import type { GpData, GpFit, GpPriors } from './gaussianProcess';
import { optimizeAcquisition } from './optimizeAcquisition';

/** How observed losses are transformed before the GP sees them (always standardised afterwards). */
export type OutputTransform = 'standardize' | 'log' | 'rank' | 'auto' | 'boxcox';

/** The GP sampler's options, as read from the study file's `sampler` section. */
export interface GpSamplerOptions {
  /** Finite observations gathered from the Sobol start-up sequence before the GP is used (≥ 1; default 10). */
  readonly nStartupTrials: number;
  /** Candidates scored per ask before local refinement (≥ 16; default 2048). */
  readonly nCandidates: number;
  /** Cap on the observations the GP is fitted to (≥ 10; default 200). */
  readonly maxObservations: number;
  /** Output warp (default `auto`). */
  readonly outputTransform: OutputTransform;
  /** Add a first-order additive part to the kernel, its variance fitted with the rest (default true). */
  readonly additive: boolean;
}

/** Defaults of every option. */
export const gpSamplerDefaults: GpSamplerOptions = {
  nStartupTrials: 10,
  nCandidates: 2048,
  maxObservations: 200,
  outputTransform: 'auto',
  additive: true,
};

const transforms: readonly OutputTransform[] = ['standardize', 'log', 'rank', 'auto', 'boxcox'];

/** Offsets ε (in units of the loss range) among which `auto` / `boxcox` pick the shifted log (besides no warp). */
export const autoLogOffsets: readonly number[] = [1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1, 3];

/** Smallest and largest loss (Infinity / -Infinity for none). */
function extent(losses: readonly number[]): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of losses) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return { lo, hi };
}

/**
 * The offset of the `auto` warp: with z = (y − min)/range ∈ [0, 1], the family T_ε(z) = log(z + ε) (ε = ∞ being
 * no warp) is a two-parameter Box–Cox transform with λ = 0 (Box & Cox 1964). Each ε is scored by the profile
 * log-likelihood of a normal model of the warped values plus the log-Jacobian of the warp,
 * −n/2·log σ̂²_ε − Σ log(z_i + ε), the same criterion by which a Box–Cox λ is fitted (and HEBO, Cowen-Rivers et al.
 * 2022, fits its power warp of the objective); no warp scores −n/2·log σ̂²_z. Returns the winning ε, or Infinity
 * when no warp wins. The smallest ε is 1e-3: below it the best observation alone becomes an outlier.
 */
export function autoLogOffset(losses: readonly number[]): number {
  const n = losses.length;
  const { lo, hi } = extent(losses);
  if (n < 3 || !(hi - lo > 0) || !Number.isFinite(hi - lo)) return Infinity;
  const z = losses.map((v) => (v - lo) / (hi - lo));
  const logVariance = (values: readonly number[]): number => {
    let mean = 0;
    for (const v of values) mean += v;
    mean /= n;
    let variance = 0;
    for (const v of values) variance += (v - mean) ** 2;
    return Math.log(Math.max(variance / n, 1e-300));
  };
  let bestOffset = Infinity;
  let bestScore = (-n / 2) * logVariance(z);
  for (const eps of autoLogOffsets) {
    const warped = z.map((v) => Math.log(v + eps));
    let jacobian = 0;
    for (const w of warped) jacobian -= w;
    const score = (-n / 2) * logVariance(warped) + jacobian;
    if (score > bestScore) {
      bestScore = score;
      bestOffset = eps;
    }
  }
  return bestOffset;
}

function intOption(options: Readonly<Record<string, unknown>>, camel: string, snake: string, fallback: number, min: number): Result<number, string> {
  const raw = options[camel] ?? options[snake] ?? fallback;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < min) {
    return err(`sampler option ${snake} must be an integer ≥ ${min}, got ${JSON.stringify(raw)}`);
  }
  return ok(raw);
}

/** Reads and checks the options (camelCase as the spec parser gives them; snake_case also accepted). */
export function parseGpSamplerOptions(options: Readonly<Record<string, unknown>>): Result<GpSamplerOptions, string> {
  const nStartupTrials = intOption(options, 'nStartupTrials', 'n_startup_trials', gpSamplerDefaults.nStartupTrials, 1);
  if (!nStartupTrials.ok) return nStartupTrials;
  const nCandidates = intOption(options, 'nCandidates', 'n_candidates', gpSamplerDefaults.nCandidates, 16);
  if (!nCandidates.ok) return nCandidates;
  const maxObservations = intOption(options, 'maxObservations', 'max_observations', gpSamplerDefaults.maxObservations, 10);
  if (!maxObservations.ok) return maxObservations;
  const transform = options['outputTransform'] ?? options['output_transform'] ?? gpSamplerDefaults.outputTransform;
  if (typeof transform !== 'string' || !transforms.includes(transform as OutputTransform)) {
    return err(`sampler option output_transform must be one of ${transforms.join(', ')}, got ${JSON.stringify(transform)}`);
  }
  const additive = options['additive'] ?? gpSamplerDefaults.additive;
  if (typeof additive !== 'boolean') return err(`sampler option additive must be true or false, got ${JSON.stringify(additive)}`);
  return ok({
    nStartupTrials: nStartupTrials.value,
    nCandidates: nCandidates.value,
    maxObservations: maxObservations.value,
    outputTransform: transform as OutputTransform,
    additive,
  });
}

/**
 * Transforms losses (all finite) per `transform` and standardises them to mean 0, standard deviation 1
 * (a constant vector becomes all zeros). `auto` needs the GP (see `selectWarpByEvidence`); here, without
 * inputs, it falls back to `boxcox`.
 */
export function transformLosses(losses: readonly number[], transform: OutputTransform): Float64Array {
  const n = losses.length;
  const y = Float64Array.from(losses);
  if (n === 0) return y;
  if (transform === 'auto' || transform === 'boxcox') {
    const eps = autoLogOffset(losses);
    if (Number.isFinite(eps)) return warpLosses(losses, eps).y;
  } else if (transform === 'log') {
    const { lo, hi } = extent(losses);
    const delta = Math.max(0.3 * (hi - lo), 1e-12 * Math.max(1, Math.abs(lo)), Number.MIN_VALUE);
    for (let i = 0; i < n; i++) y[i] = Math.log((losses[i] ?? lo) - lo + delta);
  } else if (transform === 'rank') {
    const order = losses.map((_, i) => i).sort((a, b) => (losses[a] ?? 0) - (losses[b] ?? 0));
    // Ties share their average rank.
    for (let start = 0; start < n; ) {
      let end = start;
      while (end + 1 < n && losses[order[end + 1] ?? 0] === losses[order[start] ?? 0]) end++;
      const q = normalQuantile(((start + end) / 2 + 0.5) / n);
      for (let k = start; k <= end; k++) y[order[k] ?? 0] = q;
      start = end + 1;
    }
  }
  standardizeInPlace(y);
  return y;
}

/** Z-scores `y` in place (a constant vector becomes all zeros) and returns the standard deviation it divided by. */
function standardizeInPlace(y: Float64Array): number {
  const n = y.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i] ?? 0;
  mean /= Math.max(1, n);
  let variance = 0;
  for (let i = 0; i < n; i++) variance += ((y[i] ?? 0) - mean) ** 2;
  const sd = Math.sqrt(variance / Math.max(1, n));
  const scale = sd > 1e-12 ? 1 / sd : 0;
  for (let i = 0; i < n; i++) y[i] = ((y[i] ?? 0) - mean) * scale;
  return sd;
}

/**
 * The shifted-log warp log((y − min)/range + ε) (ε = Infinity: no warp, (y − min)/range), z-scored, and
 * Σ_i log |dT/dy_i| of the whole map y → standardised value up to a term that is the same for every ε
 * (−n·log range): −Σ log(z_i + ε) − n·log sd. The Jacobian makes likelihoods of different warps comparable
 * (Box & Cox 1964; Snelson et al. 2004, eq. 6).
 */
export function warpLosses(losses: readonly number[], eps: number): { y: Float64Array; logJacobian: number } {
  const n = losses.length;
  const { lo, hi } = extent(losses);
  const range = hi - lo > 0 && Number.isFinite(hi - lo) ? hi - lo : 1;
  const y = new Float64Array(n);
  let logJacobian = 0;
  for (let i = 0; i < n; i++) {
    const z = ((losses[i] ?? lo) - lo) / range;
    if (Number.isFinite(eps)) {
      y[i] = Math.log(z + eps);
      logJacobian -= y[i] ?? 0;
    } else {
      y[i] = z;
    }
  }
  const sd = standardizeInPlace(y);
  if (sd > 1e-12) logJacobian -= n * Math.log(sd);
  return { y, logJacobian };
}

/** At most this many observations (the best half plus the most recent, as `selectObservations`) choose the warp. */
export const warpSelectionCap = 50;

/**
 * The `auto` warp: for each ε in {Infinity (no warp)} ∪ `autoLogOffsets`, fits the GP hyperparameters (MAP,
 * `fitBudget` for that size) to the warped losses and scores the warp by −(negative log posterior) +
 * log-Jacobian, i.e. the warped GP's (penalised) log marginal likelihood of the *raw* losses (Snelson,
 * Rasmussen & Ghahramani 2004, "Warped Gaussian Processes", NeurIPS; here the warp family is a one-parameter
 * grid rather than a learnt tanh sum). Unlike the i.i.d. Box–Cox fit (`autoLogOffset`), this accounts for the
 * spatial correlation: a warp under which the losses look like a smooth function wins. To bound the cost, the
 * choice is made on at most `warpSelectionCap` observations (`rows` picks them from `x`/`losses`); ties keep the
 * earlier ε (no warp first). Every fit uses the same forked stream, so the choice depends only on the data.
 */
export function selectWarpByEvidence(
  x: Float64Array,
  losses: readonly number[],
  dims: number,
  rng: Rng,
  priors: GpPriors = defaultPriors(dims),
): { eps: number; fit: GpFit; subsampled: boolean } {
  const rows = selectObservations(losses, warpSelectionCap);
  const m = rows.length;
  const xs = new Float64Array(m * dims);
  rows.forEach((i, r) => xs.set(x.subarray(i * dims, (i + 1) * dims), r * dims));
  const sub = rows.map((i) => losses[i] ?? 0);
  // On a subsample the fits only choose the warp (the GP is fitted again on all the data), so one L-BFGS run
  // from the prior's centre each is enough to rank them; below the cap the winner is the fit the ask uses.
  const full = fitBudget(m, dims);
  const budget = m < losses.length ? { restarts: 1, screening: 0, maxIterations: full.maxIterations, maxEvaluations: full.maxEvaluations } : full;
  let best: { eps: number; fit: GpFit; score: number } | undefined;
  for (const eps of [Infinity, ...autoLogOffsets]) {
    const warped = warpLosses(sub, eps);
    const fit = fitHyperparameters({ x: xs, y: warped.y, n: m, dims }, { ...budget, rng: rng.fork('gp-fit'), priors });
    const score = -fit.negativeLogPosterior + warped.logJacobian;
    // The first (no warp) is kept even if its score is not finite, so there always is a choice.
    if (!best || score > best.score) best = { eps, fit, score };
  }
  const chosen = best as { eps: number; fit: GpFit };
  return { eps: chosen.eps, fit: chosen.fit, subsampled: m < losses.length };
}

interface Stored {
  readonly point: Float64Array;
  readonly loss: number | null;
}

/**
 * Indices of the observations the GP uses: all of them up to `cap`, else the best ⌈cap/2⌉ by loss (failed ones
 * last) plus the most recent others, returned in tell order.
 */
export function selectObservations(losses: readonly (number | null)[], cap: number): number[] {
  const n = losses.length;
  if (n <= cap) return losses.map((_, i) => i);
  const key = (i: number): number => losses[i] ?? Infinity;
  const byLoss = losses.map((_, i) => i).sort((a, b) => key(a) - key(b) || a - b);
  const chosen = new Uint8Array(n);
  const nBest = Math.ceil(cap / 2);
  for (let k = 0; k < nBest; k++) chosen[byLoss[k] ?? 0] = 1;
  let count = nBest;
  for (let i = n - 1; i >= 0 && count < cap; i--) {
    if (chosen[i] === 1) continue;
    chosen[i] = 1;
    count++;
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (chosen[i] === 1) out.push(i);
  return out;
}

/**
 * Counts of the hyperparameter fit for n observations in `dims` dimensions: the number of likelihood
 * evaluations falls like 1/(n³/2 + n²·dims) (the cost of one) between 400 and 40, spread over 1–4 L-BFGS runs.
 */
export function fitBudget(n: number, dims: number): { restarts: number; screening: number; maxIterations: number; maxEvaluations: number } {
  const work = (n * n * n) / 2 + n * n * dims + 1;
  const total = Math.max(40, Math.min(400, Math.round(1.2e8 / work)));
  const restarts = total >= 300 ? 4 : total >= 120 ? 2 : 1;
  const screening = restarts > 1 ? 8 * restarts : 0;
  const perRun = Math.max(10, Math.floor((total - screening) / restarts));
  return { restarts, screening, maxIterations: perRun, maxEvaluations: perRun };
}

/** Builds the GP sampler (throws on invalid options; `createSampler` in registry.ts returns a Result instead). */
export const createGpSampler: SamplerFactory = (space: SearchSpace, options, seed): Sampler => {
  const parsed = parseGpSamplerOptions(options);
  if (!parsed.ok) throw new Error(parsed.error);
  const settings = parsed.value;
  const encoder = createEncoder(space);
  const dims = encoder.dims;
  const startup = createSobolSampler(space, { scramble: true }, seed);
  const observations: Stored[] = [];

  const startupAsk = (request: AskRequest, why: string): AskResult => {
    const answer = startup.ask(request);
    return answer.kind === 'suggest' ? { kind: 'suggest', config: answer.config, note: `gp ${why}: ${answer.note ?? 'sobol'}` } : answer;
  };

  return {
    name: 'gp',
    ask(request: AskRequest): AskResult {
      const finite = observations.filter((o) => o.loss !== null).length;
      if (dims === 0) return { kind: 'suggest', config: {}, note: 'gp: empty space' };
      if (finite < Math.max(settings.nStartupTrials, 2)) return startupAsk(request, `startup (${finite}/${settings.nStartupTrials} observations)`);

      let worst = -Infinity;
      for (const o of observations) if (o.loss !== null) worst = Math.max(worst, o.loss);
      const chosen = selectObservations(observations.map((o) => o.loss), settings.maxObservations);
      const n = chosen.length;
      const x = new Float64Array(n * dims);
      const losses: number[] = [];
      chosen.forEach((index, row) => {
        const o = observations[index] as Stored;
        x.set(o.point, row * dims);
        losses.push(o.loss ?? worst);
      });
      let y: Float64Array;
      let fit: GpFit | undefined;
      if (settings.outputTransform === 'auto') {
        // Past the cap the warp is chosen on a subsample anyway, and with the joint kernel alone: with the
        // additive part its 9 fits would cost about as much again as the rest of the ask at 200 observations.
        const additiveChoice = settings.additive && n <= warpSelectionCap;
        const choice = selectWarpByEvidence(x, losses, dims, request.rng, defaultPriors(dims, additiveChoice));
        y = warpLosses(losses, choice.eps).y;
        // Below the cap the winning fit is already the fit to all the data.
        if (!choice.subsampled) fit = choice.fit;
      } else {
        y = transformLosses(losses, settings.outputTransform);
      }
      const data: GpData = { x, y, n, dims };
      fit ??= fitHyperparameters(data, { ...fitBudget(n, dims), rng: request.rng.fork('gp-fit'), priors: defaultPriors(dims, settings.additive) });
      const base = createPosterior(data, fit.hyperparameters);
      if (!base) return startupAsk(request, 'fallback (GP covariance not positive definite)');

      let posterior = base;
      if (request.pending.length > 0) {
        // Kriging believer: each running trial is "observed" at the current posterior mean.
        const p = request.pending.length;
        const xAll = new Float64Array((n + p) * dims);
        xAll.set(x);
        const yAll = new Float64Array(n + p);
        yAll.set(y);
        request.pending.forEach((config: Config, k) => {
          const point = encoder.encode(config);
          xAll.set(point, (n + k) * dims);
          yAll[n + k] = base.predict(point).mean;
        });
        posterior = createPosterior({ x: xAll, y: yAll, n: n + p, dims }, fit.hyperparameters) ?? base;
      }

      let best = Infinity;
      for (let i = 0; i < n; i++) best = Math.min(best, y[i] ?? Infinity);
      const ranked = Array.from({ length: n }, (_, i) => i).sort((a, b) => (y[a] ?? 0) - (y[b] ?? 0));
      const incumbents = ranked.slice(0, Math.min(5, n)).map((i) => x.subarray(i * dims, (i + 1) * dims));

      const result = optimizeAcquisition(
        { encoder, posterior, best, incumbents },
        { candidates: settings.nCandidates, refineStarts: 5, refineIterations: 25, rng: request.rng.fork('gp-acquisition') },
      );
      const pendingNote = request.pending.length > 0 ? `, ${request.pending.length} pending` : '';
      return {
        kind: 'suggest',
        config: result.config,
        note: `gp: log EI ${result.logEi.toFixed(3)} from ${n} observations${pendingNote}`,
      };
    },
    tell(observation: Observation): void {
      const loss = observation.loss !== null && Number.isFinite(observation.loss) ? observation.loss : null;
      observations.push({ point: encoder.encode(observation.config), loss });
    },
  };
};
