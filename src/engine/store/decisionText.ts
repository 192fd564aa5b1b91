/**
 * Scheduler decisions in words, for `rung show`, the progress log and (later) the dashboard:
 * "trial 17 stopped at rung 2 (epoch 9): val_loss 0.412 > cutoff 0.377, rank 5 of 6".
 * Evidence holds normalised losses (lower is better); they are shown in the user's direction.
 */
import type { TrialId } from '../../shared/ids';
import type { Decision } from '../schedulers/scheduler';

export interface MetricView {
  readonly name: string;
  readonly goal: 'minimize' | 'maximize';
  /** What a step is called in this study's output: epoch, step or iteration. */
  readonly stepUnit?: string;
}

function num(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e6) ? value.toExponential(3) : String(Number(value.toPrecision(4)));
}

export function describeDecision(trialId: TrialId, decision: Exclude<Decision, { kind: 'continue' }>, metric: MetricView): string {
  const sign = metric.goal === 'minimize' ? 1 : -1;
  const unit = metric.stepUnit ?? 'step';
  const worse = metric.goal === 'minimize' ? '>' : '<';
  // The log is JSON, where NaN and ±Infinity become null: a loss read back from it may be null.
  const finiteOrNot = (loss: number | null): loss is number => typeof loss === 'number';
  const shown = (loss: number): string => (finiteOrNot(loss) ? num(sign * loss) : 'NaN or infinite');
  if (decision.kind === 'promote') {
    const e = decision.evidence;
    const why = e ? `: ${metric.name} ${shown(e.loss)} at rung ${e.rung}, rank ${e.rank} of ${e.cohort}` : '';
    return `trial ${trialId} promoted to rung ${decision.rung} (${unit} ${num(decision.budget)})${why}`;
  }
  const e = decision.evidence;
  switch (e.rule) {
    case 'rung':
      return (
        `trial ${trialId} stopped at rung ${e.rung} (${unit} ${num(e.resource)}): ` +
        `${metric.name} ${shown(e.loss)} ${worse} cutoff ${shown(e.cutoff)}, rank ${e.rank} of ${e.cohort}`
      );
    case 'median':
      return (
        `trial ${trialId} stopped at ${unit} ${num(e.resource)}: best ${metric.name} ${shown(e.loss)} ${worse} ` +
        `median ${shown(e.median)} of ${e.cohort} other trial${e.cohort === 1 ? '' : 's'}`
      );
    case 'nonFinite':
      return `trial ${trialId} stopped at ${unit} ${num(e.resource)}: ${metric.name} is ${finiteOrNot(e.loss) ? String(sign * e.loss) : 'NaN or infinite'}`;
    case 'maxResource':
      return `trial ${trialId} stopped: reached the maximum budget (${unit} ${num(e.resource)})`;
    case 'notPromoted': {
      const rank = e.rank !== undefined && e.cohort !== undefined ? `, rank ${e.rank} of ${e.cohort}` : '';
      return `trial ${trialId} stopped at rung ${e.rung} (${unit} ${num(e.resource)}): never promoted — ${metric.name} ${shown(e.loss)}${rank}`;
    }
  }
}
