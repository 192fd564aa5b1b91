/**
 * The ask/tell interface every sampler implements (random, grid, sobol now; TPE, GP, CMA-ES, evolution
 * later). Samplers are pure policies: no I/O, no Math.random, no Date.now. Their state is a function of
 * the `tell`s they received, so a resumed study rebuilds them by replaying the event log.
 */
import type { TrialId } from '../../shared/ids';
import type { Config, SearchSpace } from '../space/searchSpace';
import type { Rng } from '../util/rng';

/** All objective values inside the engine are a loss: lower is better (maximize is negated once, at ingestion). */
export interface Observation {
  readonly trialId: TrialId;
  readonly trialNumber: number;
  readonly config: Config;
  /** Resource (epoch/step) at which `loss` was measured. */
  readonly budget: number;
  /** null = failed or non-finite. */
  readonly loss: number | null;
  readonly status: 'completed' | 'pruned' | 'failed';
}

export interface AskRequest {
  readonly trialId: TrialId;
  /** 0-based trial number; the grid and Sobol samplers use it as their sequence index. */
  readonly trialNumber: number;
  /** Forked from the study seed and the trial number: independent of completion order. */
  readonly rng: Rng;
  /** The scheduler's planned budget for this trial (BOHB conditions on it). */
  readonly budget?: number;
  readonly bracket?: number;
  /** Configs of trials that are running now (for constant liar / de-duplication). */
  readonly pending: readonly Config[];
}

export type AskResult =
  | { readonly kind: 'suggest'; readonly config: Config; readonly note?: string }
  | { readonly kind: 'exhausted'; readonly reason: string };

export interface Sampler {
  readonly name: string;
  /** Deterministic given the prior `tell` sequence and `request`. Never throws for a valid space. */
  ask(request: AskRequest): AskResult;
  /** Records a finished observation. Replaying every `tell` in log order rebuilds identical state. */
  tell(observation: Observation): void;
}

/**
 * Builds a sampler for a space; `options` are the study file's sampler settings (already validated),
 * `seed` the study seed (for study-level randomness such as a Sobol scramble; per-trial draws use AskRequest.rng).
 */
export type SamplerFactory = (space: SearchSpace, options: Readonly<Record<string, unknown>>, seed: number) => Sampler;
