/**
 * The early-stopping interface. A scheduler sees every intermediate report and answers continue, stop
 * (prune) or promote; every answer carries its evidence so the store keeps it and the UI can say why.
 * Schedulers are pure: no I/O, no Math.random, no Date.now (randomness comes from the Rng given to
 * `plan`, or from the study seed given to the factory).
 *
 * Two modes, one contract:
 * - `stopping`: a trial is launched once with the max budget and runs until it ends or `onReport`
 *   answers `stop` (ASHA/median/async Hyperband in stopping mode). Nothing is asked of the script.
 * - `promotion`: a trial is launched with its first rung's budget (`{budget}`); when it exits having
 *   reached it, it is *paused*. Whenever a slot is free the runner asks `onSlotFree`, which may promote a
 *   paused trial: the runner relaunches it in the same trial folder with the larger budget and
 *   RUNG_RESUME=1, so a script that checkpoints continues where it stopped.
 */
import type { TrialId, TrialStatus } from '../../shared/ids';
import type { Rng } from '../util/rng';

export interface TrialPlan {
  /** Hyperband bracket (0 for single-bracket schedulers). */
  readonly bracket: number;
  /** Budget to launch with: the max budget in stopping mode, the first rung's budget in promotion mode. */
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
      /** Successive-halving rung rule: the trial's loss at the rung is worse than the top-1/eta cutoff. */
      readonly rule: 'rung';
      readonly rung: number;
      /** The rung's budget (resource level). */
      readonly resource: number;
      /** The trial's loss at the rung (lower is better; the runner shows it in the user's direction). */
      readonly loss: number;
      readonly cutoff: number;
      /** 1-based rank of the trial among the `cohort` values recorded at the rung (itself included). */
      readonly rank: number;
      readonly cohort: number;
      /** Trials whose values formed the cohort (for the dashboard's "compare with peers"). */
      readonly peers?: readonly TrialId[];
    }
  | { readonly rule: 'nonFinite'; readonly resource: number; readonly loss: number }
  | { readonly rule: 'maxResource'; readonly resource: number }
  | {
      readonly rule: 'median';
      readonly resource: number;
      /** The trial's best loss up to `resource`. */
      readonly loss: number;
      readonly median: number;
      /** How many other trials' values at `resource` formed the median. */
      readonly cohort: number;
      readonly peers?: readonly TrialId[];
    }
  | {
      /** Promotion mode: the study ended and this paused trial was never promoted. */
      readonly rule: 'notPromoted';
      readonly rung: number;
      readonly resource: number;
      readonly loss: number;
      readonly rank?: number;
      readonly cohort?: number;
    };

export interface PromoteEvidence {
  readonly rung: number;
  /** The trial's loss at the rung it is promoted from. */
  readonly loss: number;
  readonly rank: number;
  readonly cohort: number;
  /** The loss a trial had to beat (or tie) to be in the top 1/eta. */
  readonly cutoff?: number;
  readonly peers?: readonly TrialId[];
}

export type Decision =
  | { readonly kind: 'continue' }
  | { readonly kind: 'stop'; readonly evidence: StopEvidence }
  /** Relaunch the trial at rung `rung` with `budget` (promotion mode). */
  | { readonly kind: 'promote'; readonly rung: number; readonly budget: number; readonly evidence?: PromoteEvidence };

/** What to do with a free slot (promotion mode). */
export type SlotAction =
  | { readonly kind: 'promote'; readonly trialId: TrialId; readonly rung: number; readonly budget: number; readonly evidence: PromoteEvidence }
  /** Start a new trial (plan + sampler.ask). */
  | { readonly kind: 'new' }
  /** Leave the slot idle until another trial ends (synchronous rung barrier). */
  | { readonly kind: 'wait'; readonly reason: string };

export interface SchedulePlan {
  readonly brackets: ReadonlyArray<{
    readonly bracket: number;
    /** Budgets of the rungs, ascending. */
    readonly rungs: readonly number[];
    /** Trials per rung, when the algorithm fixes them (SHA/Hyperband); same length as `rungs`. */
    readonly trialsPerRung?: readonly number[];
    readonly initialTrials?: number;
  }>;
}

export interface Scheduler {
  readonly name: string;
  /** `promotion` schedulers relaunch trials with a larger `{budget}`; `stopping` ones only stop. */
  readonly mode: 'stopping' | 'promotion';
  /** The plan users see before the study runs (brackets × rungs × trials). */
  describe(): SchedulePlan;
  /**
   * Called when a new trial is created, before `Sampler.ask`; its result is passed to the sampler.
   * Calling it again for the same trial returns the same plan. A plan whose trial is then never created
   * (the sampler answered `exhausted`) must be withdrawn with `onExit(trialId, { status: 'stopped' })`,
   * or a synchronous scheduler would wait for it at its first rung.
   */
  plan(trialId: TrialId, rng: Rng): TrialPlan;
  /** Pure decision on one report; the runner persists it as an event and acts on it (stop → kill now). */
  onReport(report: Report): Decision;
  /**
   * The trial's process ended. `status` is what the runner concluded (`completed` = exited 0 having
   * reported; in promotion mode that means it reached its rung budget and is now paused). Failed or
   * stopped trials must leave the rung accounting so they never block a barrier. `lost` means the trial
   * will run again with the same budget (resume re-runs it): it stays in the rung accounting as running;
   * the runner reports every trial it queues for a re-run this way (a trial stopped by a shutdown too).
   */
  onExit(trialId: TrialId, exit: { readonly status: TrialStatus; readonly lastResource?: number; readonly lastLoss?: number }): Decision;
  /**
   * Promotion mode: a slot is free. Stopping schedulers omit it (the runner then starts a new trial).
   * `canStartNew` is false once the study may create no more trials (its `trials` budget is spent or the
   * sampler is exhausted): a synchronous scheduler must then close its rungs with the trials it has
   * instead of waiting for ones that will never come.
   */
  onSlotFree?(context: { readonly canStartNew: boolean }): SlotAction;
  /**
   * Promotion mode: the study is ending; returns the `notPromoted` evidence for every trial still paused
   * so the runner can record why each of them stopped.
   */
  finalize?(): ReadonlyArray<{ readonly trialId: TrialId; readonly evidence: StopEvidence }>;
  /**
   * Resume: a promotion recorded in the event log, replayed in log order among the plan/report/exit
   * calls so the scheduler's rung bookkeeping is rebuilt exactly (promotion mode only).
   */
  replayPromotion?(trialId: TrialId, rung: number, budget: number): void;
}
