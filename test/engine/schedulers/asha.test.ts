import { describe, expect, it } from 'vitest';
import { createAshaScheduler } from '../../../src/engine/schedulers/asha';
import type { Decision, Scheduler } from '../../../src/engine/schedulers/scheduler';
import { createRng } from '../../../src/engine/util/rng';

const rng = createRng(1);
/** ASHA on the ladder 1, 3, 9 (decisions at 1 and 3; 9 is max_budget). */
const stopping = (): Scheduler => createAshaScheduler({ minBudget: 1, maxBudget: 9, eta: 3, mode: 'stopping' });
const promotion = (): Scheduler => createAshaScheduler({ minBudget: 1, maxBudget: 9, eta: 3, mode: 'promotion' });

function report(s: Scheduler, trialId: string, resource: number, loss: number): Decision {
  s.plan(trialId, rng.fork(trialId));
  return s.onReport({ trialId, resource, loss });
}

describe('asha, stopping mode', () => {
  it('plans max_budget and describes one bracket over the ladder', () => {
    const s = stopping();
    expect(s.mode).toBe('stopping');
    expect(s.plan('0', rng)).toEqual({ bracket: 0, budget: 9 });
    expect(s.describe()).toEqual({ brackets: [{ bracket: 0, rungs: [1, 3, 9] }] });
    expect(s.onSlotFree).toBeUndefined();
  });

  // Reports at rung 0 (resource 1), in order; expected answer with ceil(n/3) going on, ties with the cutoff going on.
  const sequence: ReadonlyArray<readonly [string, number, 'continue' | { rank: number; cohort: number; cutoff: number }]> = [
    ['t0', 0.5, 'continue'], // alone: the first at a rung always goes on
    ['t1', 0.7, { rank: 2, cohort: 2, cutoff: 0.5 }], // ceil(2/3) = 1
    ['t2', 0.4, 'continue'], // best of 3
    ['t3', 0.45, 'continue'], // ceil(4/3) = 2: .4, .45
    ['t4', 0.5, { rank: 4, cohort: 5, cutoff: 0.45 }], // ties t0 but recorded later: rank 4
    ['t5', 0.45, 'continue'], // equal to the cutoff goes on
  ];

  it('goes on while in the top ceil(n/eta) of the rung; stops with rung evidence otherwise (lower is better)', () => {
    const s = stopping();
    for (const [id, loss, expected] of sequence) {
      const d = report(s, id, 1, loss);
      if (expected === 'continue') {
        expect(d, id).toEqual({ kind: 'continue' });
      } else {
        expect(d, id).toMatchObject({ kind: 'stop', evidence: { rule: 'rung', rung: 0, resource: 1, loss, ...expected } });
      }
    }
  });

  it('maximize is handled by the runner\'s negation: the higher accuracy goes on', () => {
    const s = stopping();
    expect(report(s, 'a', 1, -0.9)).toEqual({ kind: 'continue' });
    expect(report(s, 'b', 1, -0.8)).toMatchObject({ kind: 'stop', evidence: { rule: 'rung', loss: -0.8, cutoff: -0.9, rank: 2, cohort: 2, peers: ['a', 'b'] } });
  });

  it('stops non-finite reports without recording them at the rung', () => {
    const s = stopping();
    expect(report(s, 'a', 1, Number.NaN)).toEqual({ kind: 'stop', evidence: { rule: 'nonFinite', resource: 1, loss: Number.NaN } });
    expect(report(s, 'b', 1, Number.POSITIVE_INFINITY)).toMatchObject({ kind: 'stop', evidence: { rule: 'nonFinite' } });
    // c is alone at the rung: the NaN and +inf were never recorded.
    expect(report(s, 'c', 1, 5)).toEqual({ kind: 'continue' });
    expect(report(s, 'd', 1, 6)).toMatchObject({ evidence: { cohort: 2 } });
  });

  it('decides only the highest rung a report passes, once; never at max_budget', () => {
    const s = stopping();
    expect(report(s, 'a', 1, 0.3)).toEqual({ kind: 'continue' });
    expect(report(s, 'b', 4, 0.5)).toEqual({ kind: 'continue' }); // rung 1 (3): alone there; rung 0 skipped
    expect(report(s, 'c', 1, 0.4)).toMatchObject({ kind: 'stop', evidence: { rung: 0, cohort: 2 } }); // b not at rung 0
    expect(report(s, 'b', 5, 9)).toEqual({ kind: 'continue' }); // rung 1 already decided for b
    expect(report(s, 'b', 9, 9)).toEqual({ kind: 'continue' }); // the top rung is not a decision point
    expect(report(s, 'a', 3, 0.6)).toMatchObject({ kind: 'stop', evidence: { rung: 1, resource: 3, cutoff: 0.5, rank: 2, cohort: 2 } });
  });

  it('ignores reports after its own stop (so a replayed log gives the live state)', () => {
    const s = stopping();
    report(s, 'a', 1, 0.1);
    expect(report(s, 'b', 1, 0.9).kind).toBe('stop');
    expect(report(s, 'b', 3, 0.0)).toEqual({ kind: 'continue' });
    // Rung 1 has no value from b: a is alone there.
    expect(report(s, 'a', 3, 0.5)).toEqual({ kind: 'continue' });
    expect(report(s, 'c', 3, 0.6)).toMatchObject({ kind: 'stop', evidence: { cohort: 2, peers: ['a', 'c'] } });
  });

  it('a trial that fails mid-rung keeps the values it recorded and blocks nothing', () => {
    const s = stopping();
    report(s, 'a', 1, 0.5);
    expect(s.onExit('a', { status: 'failed', lastResource: 2, lastLoss: 0.5 })).toEqual({ kind: 'continue' });
    expect(report(s, 'b', 1, 0.6)).toMatchObject({ kind: 'stop', evidence: { cohort: 2, cutoff: 0.5 } });
  });
});

describe('asha, promotion mode', () => {
  function pause(s: Scheduler, id: string, loss: number): void {
    s.plan(id, rng.fork(id));
    s.onReport({ trialId: id, resource: 1, loss });
    s.onExit(id, { status: 'paused', lastResource: 1, lastLoss: loss });
  }

  it('launches at the first rung; promotes the best of floor(n/eta), highest rung first; otherwise new', () => {
    const s = promotion();
    expect(s.mode).toBe('promotion');
    expect(s.plan('t0', rng)).toEqual({ bracket: 0, budget: 1 });
    const free = (canStartNew = true) => s.onSlotFree?.({ canStartNew });
    s.onExit('t0', { status: 'paused', lastLoss: 0.5 });
    expect(free()).toEqual({ kind: 'new' }); // floor(1/3) = 0
    pause(s, 't1', 0.3);
    expect(free()).toEqual({ kind: 'new' });
    pause(s, 't2', 0.4);
    expect(free()).toEqual({
      kind: 'promote',
      trialId: 't1',
      rung: 1,
      budget: 3,
      evidence: { rung: 0, loss: 0.3, rank: 1, cohort: 3, cutoff: 0.3, peers: ['t1', 't2', 't0'] },
    });
    expect(free()).toEqual({ kind: 'new' }); // t1 already promoted; quota 1
    pause(s, 't3', 0.6);
    pause(s, 't4', 0.7);
    pause(s, 't5', 0.2);
    expect(free()).toMatchObject({ kind: 'promote', trialId: 't5', rung: 1, evidence: { rank: 1, cohort: 6, cutoff: 0.3 } });
    // Both reach rung 1 (budget 3).
    s.onExit('t1', { status: 'paused', lastResource: 3, lastLoss: 0.25 });
    s.onExit('t5', { status: 'paused', lastResource: 3, lastLoss: 0.1 });
    expect(free()).toEqual({ kind: 'new' }); // rung 1: floor(2/3) = 0; rung 0: t5, t1 promoted
    // No new trial may start: every rung promotes at least its best, highest rung first.
    expect(free(false)).toMatchObject({ kind: 'promote', trialId: 't5', rung: 2, budget: 9, evidence: { rung: 1, rank: 1, cohort: 2 } });
    expect(free(false)).toEqual({ kind: 'new' });
    s.onExit('t5', { status: 'completed', lastResource: 9, lastLoss: 0.05 });
    expect(s.finalize?.()).toEqual([
      { trialId: 't0', evidence: { rule: 'notPromoted', rung: 0, resource: 1, loss: 0.5, rank: 4, cohort: 6 } },
      { trialId: 't1', evidence: { rule: 'notPromoted', rung: 1, resource: 3, loss: 0.25, rank: 2, cohort: 2 } },
      { trialId: 't2', evidence: { rule: 'notPromoted', rung: 0, resource: 1, loss: 0.4, rank: 3, cohort: 6 } },
      { trialId: 't3', evidence: { rule: 'notPromoted', rung: 0, resource: 1, loss: 0.6, rank: 5, cohort: 6 } },
      { trialId: 't4', evidence: { rule: 'notPromoted', rung: 0, resource: 1, loss: 0.7, rank: 6, cohort: 6 } },
    ]);
  });

  it('equal losses: the earlier recorded is promoted', () => {
    const s = promotion();
    pause(s, 'late-id-but-first', 0.5);
    pause(s, 'a', 0.5);
    pause(s, 'b', 0.5);
    expect(s.onSlotFree?.({ canStartNew: true })).toMatchObject({ trialId: 'late-id-but-first' });
  });

  it('non-finite rung values rank last and are never promoted; NaN reports do not stop in promotion mode', () => {
    const s = promotion();
    s.plan('n', rng);
    expect(s.onReport({ trialId: 'n', resource: 1, loss: Number.NaN })).toEqual({ kind: 'continue' });
    s.onExit('n', { status: 'paused', lastLoss: Number.NaN });
    pause(s, 'a', 2);
    pause(s, 'b', 3);
    expect(s.onSlotFree?.({ canStartNew: true })).toMatchObject({ trialId: 'a', evidence: { cohort: 3 } });
    const only = promotion();
    only.plan('n', rng);
    only.onExit('n', { status: 'paused', lastLoss: Number.POSITIVE_INFINITY });
    expect(only.onSlotFree?.({ canStartNew: false })).toEqual({ kind: 'new' });
  });

  it('a promoted trial that fails leaves its rung-0 value; it is not promotable again and blocks nothing', () => {
    const s = promotion();
    pause(s, 'a', 0.1);
    pause(s, 'b', 0.2);
    pause(s, 'c', 0.3);
    expect(s.onSlotFree?.({ canStartNew: true })).toMatchObject({ trialId: 'a' });
    s.onExit('a', { status: 'failed', lastResource: 2, lastLoss: 0.1 });
    expect(s.onSlotFree?.({ canStartNew: true })).toEqual({ kind: 'new' });
    expect(s.onSlotFree?.({ canStartNew: false })).toEqual({ kind: 'new' }); // a is out; b is not in the top 1 of rung 0
    expect(s.finalize?.().map((f) => f.trialId)).toEqual(['b', 'c']);
  });

  it('replayPromotion rebuilds the promotion bookkeeping', () => {
    const live = promotion();
    const replayed = promotion();
    for (const s of [live, replayed]) {
      pause(s, 'a', 0.1);
      pause(s, 'b', 0.2);
      pause(s, 'c', 0.3);
    }
    const action = live.onSlotFree?.({ canStartNew: true });
    expect(action).toMatchObject({ kind: 'promote', trialId: 'a', rung: 1, budget: 3 });
    replayed.replayPromotion?.('a', 1, 3);
    expect(replayed.onSlotFree?.({ canStartNew: true })).toEqual(live.onSlotFree?.({ canStartNew: true }));
    expect(replayed.finalize?.()).toEqual(live.finalize?.());
  });
});
