/**
 * FIFO: no early stopping. Every trial runs to the maximum budget; only non-finite objective values
 * are recorded (never as a best), and the trial is left to finish — a script may recover from a NaN
 * epoch, and killing it would hide its own error output.
 */
import type { Decision, SchedulePlan, Scheduler, TrialPlan } from './scheduler';

export function createFifoScheduler(maxBudget: number): Scheduler {
  const plan: TrialPlan = { bracket: 0, budget: maxBudget };
  return {
    name: 'fifo',
    mode: 'stopping',
    describe: (): SchedulePlan => ({ brackets: [{ bracket: 0, rungs: [maxBudget] }] }),
    plan: () => plan,
    onReport: (): Decision => ({ kind: 'continue' }),
    onExit: (): Decision => ({ kind: 'continue' }),
  };
}
