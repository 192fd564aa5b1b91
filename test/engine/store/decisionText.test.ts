import { describe, expect, it } from 'vitest';
import type { Decision } from '../../../src/engine/schedulers/scheduler';
import { describeDecision } from '../../../src/engine/store/decisionText';

type Stop = Exclude<Decision, { kind: 'continue' }>;

describe('describeDecision', () => {
  const metric = { name: 'loss', goal: 'minimize' as const, stepUnit: 'epoch' };

  it('names a NaN or infinite loss as such, also when read back from the JSON log (where it is null), never as 0', () => {
    const live: Stop = { kind: 'stop', evidence: { rule: 'nonFinite', resource: 1, loss: Number.NaN } };
    expect(describeDecision('3', live, metric)).toBe('trial 3 stopped at epoch 1: loss is NaN');
    // Before: `loss is 0` in rung show's decision log, the table note of the same trial saying NaN.
    const stored = JSON.parse(JSON.stringify(live)) as Stop;
    expect(describeDecision('3', stored, metric)).toBe('trial 3 stopped at epoch 1: loss is NaN or infinite');
    const notPromoted = JSON.parse(
      JSON.stringify({ kind: 'stop', evidence: { rule: 'notPromoted', rung: 0, resource: 1, loss: Number.NaN, rank: 6, cohort: 6 } }),
    ) as Stop;
    expect(describeDecision('4', notPromoted, { ...metric, goal: 'maximize' })).toBe(
      'trial 4 stopped at rung 0 (epoch 1): never promoted — loss NaN or infinite, rank 6 of 6',
    );
  });
});
