/**
 * The early-stopping interface. A scheduler sees every intermediate report and answers continue, stop
 * (prune) or promote; every answer carries its evidence so the store keeps it and the UI can say why.
 * Schedulers are pure: no I/O, no Math.random, no Date.now.
 */
import type { TrialId, TrialStatus } from '../../shared/ids';
import type { Rng } from '../util/rng';

export interface TrialPlan {
  readonly bracket: number;
  /** Resource to run to before the next mandatory check (the max resource in stopping mode). */
  readonly budget: number;
}

export interface Report {
  readonly trialId: TrialId;
  /** Monotone progress measure (epoch/step) taken from the metric line. */
  readonly resource: number;
  /** Normalised objective (lower is better) at `resource`; may be NaN/±Infinity. */
  readonly loss: number;
}

export type StopEvidence =
  | {
      readonly rule: 'rung';
      readonly rung: number;
      readonly resource: number;
      readonly loss: number;
      readonly cutoff: number;
      readonly rank: number;
      readonly cohort: number;
      readonly peers?: readonly TrialId[];
    }
  | { readonly rule: 'nonFinite'; readonly resource: number; readonly loss: number }
  | { readonly rule: 'maxResource'; readonly resource: number }
  | { readonly rule: 'median'; readonly resource: number; readonly loss: number; readonly median: number; readonly cohort: number };

export type Decision =
  | { readonly kind: 'continue' }
  | { readonly kind: 'stop'; readonly evidence: StopEvidence }
  | { readonly kind: 'promote'; readonly rung: number; readonly budget: number };

export interface SchedulePlan {
  readonly brackets: ReadonlyArray<{ readonly bracket: number; readonly rungs: readonly number[]; readonly initialTrials?: number }>;
}

export interface Scheduler {
  readonly name: string;
  /** `promotion` schedulers relaunch trials with a larger `{budget}`; `stopping` ones only stop. */
  readonly mode: 'stopping' | 'promotion';
  /** The plan users see before the study runs (brackets × rungs). */
  describe(): SchedulePlan;
  /** Called when a new trial is created, before `Sampler.ask`; its result is passed to the sampler. */
  plan(trialId: TrialId, rng: Rng): TrialPlan;
  /** Pure decision on one report; the runner persists it as an event and acts on it. */
  onReport(report: Report): Decision;
  /** The trial's process ended; in promotion mode this may answer `promote`. */
  onExit(trialId: TrialId, exit: { readonly status: TrialStatus; readonly lastResource?: number }): Decision;
}
