/**
 * Median stopping rule (Golovin et al. 2017, "Google Vizier: A Service for Black-Box Optimization", KDD,
 * §3.2.2): a trial is stopped at step s when its best value up to s is strictly worse than the median of
 * the other trials' running averages up to s. Stopping mode: trials are launched with max_budget.
 *
 * Choices: "other trials" are every other trial that has reported at or past s (running, completed,
 * stopped or failed alike — Vizier uses completed ones only, which in a parallel study leaves the first
 * trials unjudged for long), each contributing the mean of its finite reports at steps <= s; a trial with
 * no report at or before s is left out. No decision is made before `warmup_steps` or while fewer than
 * `min_trials` other trials form the median. Non-finite reports stop the trial (`nonFinite`).
 */
import type { TrialId } from '../../shared/ids';
import { PEER_LIMIT } from './rungs';
import type { Decision, Report, SchedulePlan, Scheduler, TrialPlan } from './scheduler';

/** Options of the `median` scheduler (validated by the registry). */
export interface MedianOptions {
  readonly maxBudget: number;
  /** Other trials that must have reached a step before it is judged (default 3 in the study file). */
  readonly minTrials: number;
  /** No decision at steps below this (default 0). */
  readonly warmupSteps: number;
}

interface TrialHistory {
  /** Steps of the trial's reports, strictly increasing. */
  readonly steps: number[];
  /** Running sums of its losses, aligned with `steps`. */
  readonly sums: number[];
  best: number;
  stopped: boolean;
}

/** Index of the last step <= `step` (binary search), or -1. */
function lastAtOrBefore(steps: readonly number[], step: number): number {
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((steps[mid] ?? Number.POSITIVE_INFINITY) <= step) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** A trial's running average at one step. */
interface Contribution {
  readonly trialId: TrialId;
  readonly average: number;
}

/** Inserts into a list kept in ascending `average` order. */
function insertByAverage(list: Contribution[], item: Contribution): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid]?.average ?? Number.POSITIVE_INFINITY) <= item.average) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, item);
}

/** Index of `trialId`'s contribution (whose average is `average`) in an ascending list, or -1. */
function indexOf(list: readonly Contribution[], trialId: TrialId, average: number | undefined): number {
  if (average === undefined) return -1;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid]?.average ?? Number.POSITIVE_INFINITY) < average) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < list.length && list[i]?.average === average; i++) if (list[i]?.trialId === trialId) return i;
  return -1;
}

/** Creates the `median` stopping scheduler. */
export function createMedianScheduler(options: MedianOptions): Scheduler {
  const plan: TrialPlan = { bracket: 0, budget: options.maxBudget };
  const description: SchedulePlan = { brackets: [{ bracket: 0, rungs: [options.maxBudget] }] };
  const histories = new Map<TrialId, TrialHistory>();
  /**
   * For every step a decision was made at: the running average there of each trial that reached it,
   * ascending. Kept up to date as trials report, so a decision costs O(log n) plus an insertion instead
   * of a pass over every trial (studies with thousands of trials).
   */
  const byStep = new Map<number, Contribution[]>();
  /** The keys of `byStep`, ascending. */
  const steps: number[] = [];

  const averageAt = (history: TrialHistory, step: number): number | undefined => {
    const i = lastAtOrBefore(history.steps, step);
    const sum = history.sums[i];
    return i < 0 || sum === undefined ? undefined : sum / (i + 1);
  };

  /** The contributions at `step`, built from every history the first time the step is judged. */
  const contributionsAt = (step: number): Contribution[] => {
    let list = byStep.get(step);
    if (list) return list;
    list = [];
    for (const [trialId, history] of histories) {
      const last = history.steps[history.steps.length - 1];
      if (last === undefined || last < step) continue;
      const average = averageAt(history, step);
      if (average !== undefined) insertByAverage(list, { trialId, average });
    }
    byStep.set(step, list);
    steps.splice(lastAtOrBefore(steps, step) + 1, 0, step);
    return list;
  };

  /** A trial's report moved its last step from `from` to `to`: it now reaches the judged steps in (from, to]. */
  const reach = (trialId: TrialId, history: TrialHistory, from: number, to: number): void => {
    for (let i = lastAtOrBefore(steps, from) + 1; i < steps.length; i++) {
      const step = steps[i];
      if (step === undefined || step > to) break;
      const average = averageAt(history, step);
      const list = byStep.get(step);
      if (average !== undefined && list) insertByAverage(list, { trialId, average });
    }
  };

  const onReport = (report: Report): Decision => {
    let mine = histories.get(report.trialId);
    if (!mine) histories.set(report.trialId, (mine = { steps: [], sums: [], best: Number.POSITIVE_INFINITY, stopped: false }));
    // Reports after this scheduler's stop (printed while the trial was killed) are ignored, so replay matches.
    if (mine.stopped) return { kind: 'continue' };
    if (!Number.isFinite(report.loss)) {
      mine.stopped = true;
      return { kind: 'stop', evidence: { rule: 'nonFinite', resource: report.resource, loss: report.loss } };
    }
    const lastStep = mine.steps[mine.steps.length - 1];
    // A trial re-run on resume reports its early steps again: its history already has them.
    if (lastStep === undefined || report.resource > lastStep) {
      mine.steps.push(report.resource);
      mine.sums.push((mine.sums[mine.sums.length - 1] ?? 0) + report.loss);
      reach(report.trialId, mine, lastStep ?? Number.NEGATIVE_INFINITY, report.resource);
    }
    mine.best = Math.min(mine.best, report.loss);
    const step = report.resource;
    if (step < options.warmupSteps) return { kind: 'continue' };

    // The trial itself is in the list (it reached `step`); the median is over the others.
    const list = contributionsAt(step);
    const self = indexOf(list, report.trialId, averageAt(mine, step));
    const others = self < 0 ? list.length : list.length - 1;
    if (others === 0 || others < options.minTrials) return { kind: 'continue' };
    const other = (i: number): number => list[self >= 0 && i >= self ? i + 1 : i]?.average ?? Number.NaN;
    const half = others >>> 1;
    const mid = others % 2 === 1 ? other(half) : (other(half - 1) + other(half)) / 2;
    if (!(mine.best > mid)) return { kind: 'continue' };
    mine.stopped = true;
    const peers = list.filter((c) => c.trialId !== report.trialId).slice(0, PEER_LIMIT).map((c) => c.trialId);
    return { kind: 'stop', evidence: { rule: 'median', resource: step, loss: mine.best, median: mid, cohort: others, peers } };
  };

  return {
    name: 'median',
    mode: 'stopping',
    describe: () => description,
    plan: () => plan,
    onReport,
    onExit: () => ({ kind: 'continue' }),
  };
}
