import { describe, expect, it } from 'vitest';
import { createFifoScheduler } from '../../../src/engine/schedulers/fifo';
import type { Scheduler } from '../../../src/engine/schedulers/scheduler';
import { simulateSchedule } from '../../../src/engine/schedulers/simulate';
import { createSuccessiveHalvingScheduler } from '../../../src/engine/schedulers/successiveHalving';

describe('simulateSchedule', () => {
  it('fifo: every trial runs to max budget; slots never idle while trials remain', () => {
    const result = simulateSchedule({ scheduler: createFifoScheduler(3), slots: 2, trials: 4, curve: (n, t) => n + 1 / t, epochSeconds: () => 1 });
    expect(result.epochs).toBe(12);
    expect(result.makespan).toBe(6);
    expect(result.busyFraction).toBe(1);
    expect(result.bestFinalLoss).toBeCloseTo(1 / 3);
    expect(result.log.filter((e) => e.kind === 'start').map((e) => e.t)).toEqual([0, 0, 3, 3]);
  });

  it('records failures and counts idle slot time', () => {
    const result = simulateSchedule({
      scheduler: createFifoScheduler(4),
      slots: 2,
      trials: 2,
      curve: () => 1,
      epochSeconds: (n) => (n === 0 ? 1 : 2),
      failAt: (n) => (n === 1 ? 2 : undefined),
    });
    // Trial 0: 4 epochs of 1 s; trial 1 fails during its 2nd epoch at t=4, after one reported epoch.
    expect(result.log).toContainEqual({ t: 4, kind: 'end', trial: '1', status: 'failed', resource: 1, loss: 1 });
    expect(result.epochs).toBe(5);
    expect(result.busyFraction).toBe(1);
  });

  it('promotion mode: a promoted trial resumes after its last epoch; paused trials get notPromoted', () => {
    const scheduler = createSuccessiveHalvingScheduler({ minBudget: 1, maxBudget: 4, eta: 2 });
    const result = simulateSchedule({ scheduler, slots: 4, trials: 4, curve: (n, t) => (n + 1) / t, epochSeconds: () => 1 });
    // Rung 1 (budget 1): 4 epochs; rung 2: two trials × 1 more epoch; top: one trial × 2 more.
    expect(result.epochs).toBe(4 + 2 + 2);
    expect(result.log.filter((e) => e.kind === 'promote').map((e) => (e.kind === 'promote' ? [e.trial, e.budget] : []))).toEqual([
      ['0', 2],
      ['1', 2],
      ['0', 4],
    ]);
    expect(result.log.filter((e) => e.kind === 'notPromoted').map((e) => (e.kind === 'notPromoted' ? e.trial : ''))).toEqual(['1', '2', '3']);
    expect(result.bestFinalLoss).toBe(0.25);
    expect(result.makespan).toBe(4);
    expect(result.busyFraction).toBe(8 / 16);
  });

  it('throws when a scheduler waits with nothing running', () => {
    const stuck: Scheduler = { ...createFifoScheduler(1), mode: 'promotion', onSlotFree: () => ({ kind: 'wait', reason: 'never' }) };
    expect(() => simulateSchedule({ scheduler: stuck, slots: 1, trials: 1, curve: () => 1, epochSeconds: () => 1 })).toThrow(/waits with no trial running/);
  });
});
