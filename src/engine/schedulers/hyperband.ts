/**
 * Hyperband (Li et al. 2017, "Hyperband: A Novel Bandit-Based Approach to Hyperparameter Optimization",
 * JMLR): successive halving run in s_max+1 brackets that trade many cheap trials (bracket s_max) against
 * few full-budget ones (bracket 0), hedging against a rung that judges too early.
 *
 * - `async: true` (default): asynchronous Hyperband as in Li et al. 2020 (ASHA, MLSys) and Ray Tune's
 *   AsyncHyperBand: each new trial is assigned to a bracket at random, with probability proportional to
 *   the bracket's n in the synchronous plan (so over many trials the mix matches Hyperband's), drawn from
 *   the trial's own seeded stream (the same trial gets the same bracket on every run and on replay).
 *   Inside its bracket ASHA's rules apply, `stopping` mode by default (`mode: promotion` for ASHA's
 *   promotion mode, where a free slot promotes from the highest rung of any bracket first).
 * - `async: false`: synchronous Hyperband over SHA brackets in promotion mode, run one after another in
 *   the paper's order s = s_max … 0 and then again from s_max while the study may start trials.
 * Brackets are labelled by the paper's s (`TrialPlan.bracket`); rung numbers index the shared ladder.
 */
import { createAsyncHalving } from './asha';
import { hyperbandBrackets, rungLevels } from './rungs';
import type { SchedulePlan, Scheduler } from './scheduler';
import { createSyncHalving } from './successiveHalving';

/** Options of the `hyperband` scheduler (validated by the registry). */
export interface HyperbandOptions {
  readonly minBudget: number;
  readonly maxBudget: number;
  /** Reduction factor (> 1); default 3 in the study file. */
  readonly eta: number;
  /** Asynchronous (ASHA brackets) or synchronous (SHA brackets); default true. */
  readonly async: boolean;
  /** Asynchronous only: ASHA's mode inside each bracket; default `stopping`. */
  readonly mode: 'stopping' | 'promotion';
}

/** Creates the `hyperband` scheduler. */
export function createHyperbandScheduler(options: HyperbandOptions): Scheduler {
  const ladder = rungLevels(options.minBudget, options.maxBudget, options.eta);
  const brackets = hyperbandBrackets(options.minBudget, options.maxBudget, options.eta);
  if (options.async) {
    const plan: SchedulePlan = {
      brackets: brackets.map((b) => ({ bracket: b.s, rungs: b.rungs, initialTrials: b.initialTrials })),
    };
    return createAsyncHalving({
      name: 'hyperband',
      ladder,
      eta: options.eta,
      mode: options.mode,
      brackets: brackets.map((b) => ({ id: b.s, firstRung: b.firstRung, weight: b.initialTrials })),
      plan,
    });
  }
  const plan: SchedulePlan = {
    brackets: brackets.map((b) => ({ bracket: b.s, rungs: b.rungs, trialsPerRung: b.trialsPerRung, initialTrials: b.initialTrials })),
  };
  return createSyncHalving({
    name: 'hyperband',
    ladder,
    eta: options.eta,
    bracketAt: (index) => {
      const b = brackets[index % brackets.length] ?? brackets[0];
      if (!b) throw new RangeError('hyperband: no brackets');
      return { id: b.s, firstRung: b.firstRung, initialTrials: b.initialTrials };
    },
    plan,
  });
}
