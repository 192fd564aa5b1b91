import { describe, expect, it } from 'vitest';
import type { Scheduler, SlotAction } from '../../../src/engine/schedulers/scheduler';
import { createSuccessiveHalvingScheduler } from '../../../src/engine/schedulers/successiveHalving';
import { createRng } from '../../../src/engine/util/rng';

const rng = createRng(2);
/** Ladder 1, 2, 4 with eta 2: brackets of 4 → 2 → 1 trials. */
const sha = (initialTrials?: number): Scheduler =>
  createSuccessiveHalvingScheduler({ minBudget: 1, maxBudget: 4, eta: 2, ...(initialTrials !== undefined ? { initialTrials } : {}) });

const free = (s: Scheduler, canStartNew = true): SlotAction | undefined => s.onSlotFree?.({ canStartNew });

/** Fills the first rung the way the runner does: ask for a slot, then plan. */
function start(s: Scheduler, ids: readonly string[]): void {
  for (const id of ids) {
    expect(free(s)).toEqual({ kind: 'new' });
    expect(s.plan(id, rng.fork(id))).toEqual({ bracket: 0, budget: 1 });
  }
}

const paused = (s: Scheduler, id: string, loss: number, resource = 1): void => {
  s.onReport({ trialId: id, resource, loss });
  s.onExit(id, { status: 'paused', lastResource: resource, lastLoss: loss });
};

describe('sha', () => {
  it('describes one bracket with the trials per rung; default n = eta^(rungs-1)', () => {
    expect(sha().describe()).toEqual({ brackets: [{ bracket: 0, rungs: [1, 2, 4], trialsPerRung: [4, 2, 1], initialTrials: 4 }] });
    expect(createSuccessiveHalvingScheduler({ minBudget: 1, maxBudget: 81, eta: 3 }).describe().brackets[0]?.trialsPerRung).toEqual([81, 27, 9, 3, 1]);
    expect(sha(6).describe().brackets[0]?.trialsPerRung).toEqual([6, 3, 1]);
    expect(sha().mode).toBe('promotion');
  });

  it('waits at the barrier until the rung is full, then promotes the best floor(n/eta), best first', () => {
    const s = sha();
    start(s, ['a', 'b', 'c', 'd']);
    expect(free(s)).toMatchObject({ kind: 'wait', reason: expect.stringMatching(/rung 0 \(budget 1\) waits for 4 running trials/) });
    paused(s, 'a', 0.4);
    paused(s, 'b', 0.3);
    paused(s, 'c', 0.2);
    expect(free(s)).toMatchObject({ kind: 'wait', reason: expect.stringMatching(/waits for 1 running trial before/) });
    paused(s, 'd', 0.5);
    expect(free(s)).toEqual({
      kind: 'promote',
      trialId: 'c',
      rung: 1,
      budget: 2,
      evidence: { rung: 0, loss: 0.2, rank: 1, cohort: 4, cutoff: 0.3, peers: ['c', 'b', 'a', 'd'] },
    });
    expect(free(s)).toMatchObject({ kind: 'promote', trialId: 'b', rung: 1, evidence: { rank: 2 } });
    expect(free(s)).toMatchObject({ kind: 'wait' });
    paused(s, 'c', 0.15, 2);
    expect(free(s)).toMatchObject({ kind: 'wait' });
    paused(s, 'b', 0.1, 2);
    expect(free(s)).toMatchObject({ kind: 'promote', trialId: 'b', rung: 2, budget: 4, evidence: { rung: 1, rank: 1, cohort: 2 } });
    expect(free(s)).toMatchObject({ kind: 'wait', reason: expect.stringMatching(/rung 2 \(budget 4\)/) });
    s.onExit('b', { status: 'completed', lastResource: 4, lastLoss: 0.05 });
    // The bracket is finished: the next slot opens a new bracket.
    expect(free(s)).toEqual({ kind: 'new' });
    expect(s.plan('e', rng)).toEqual({ bracket: 0, budget: 1 });
    expect(free(s)).toEqual({ kind: 'new' });
    expect(s.finalize?.()).toEqual([
      { trialId: 'a', evidence: { rule: 'notPromoted', rung: 0, resource: 1, loss: 0.4, rank: 3, cohort: 4 } },
      { trialId: 'c', evidence: { rule: 'notPromoted', rung: 1, resource: 2, loss: 0.15, rank: 2, cohort: 2 } },
      { trialId: 'd', evidence: { rule: 'notPromoted', rung: 0, resource: 1, loss: 0.5, rank: 4, cohort: 4 } },
    ]);
  });

  it('a trial that fails (or is stopped) mid-rung leaves the cohort and never blocks the barrier', () => {
    const s = sha();
    start(s, ['a', 'b', 'c', 'd']);
    paused(s, 'a', 0.4);
    s.onExit('b', { status: 'failed', lastResource: 1, lastLoss: 0.01 });
    s.onExit('c', { status: 'stopped' });
    expect(free(s)).toMatchObject({ kind: 'wait' });
    paused(s, 'd', 0.3);
    // cohort 2 → max(1, floor(2/2)) = 1
    expect(free(s)).toMatchObject({ kind: 'promote', trialId: 'd', evidence: { cohort: 2, rank: 1 } });
    s.onExit('d', { status: 'failed' });
    // Everyone promoted to rung 1 failed: the bracket is finished, a new one starts.
    expect(free(s)).toEqual({ kind: 'new' });
  });

  it('a rung whose trials all failed ends the bracket instead of waiting', () => {
    const s = sha(2);
    start(s, ['a', 'b']);
    s.onExit('a', { status: 'failed' });
    s.onExit('b', { status: 'failed' });
    expect(free(s)).toEqual({ kind: 'new' });
    expect(free(s, false)).toEqual({ kind: 'new' });
  });

  it('when no new trial may start, the first rung closes with the trials it has', () => {
    const s = sha();
    start(s, ['a', 'b']);
    paused(s, 'a', 0.2);
    expect(free(s)).toEqual({ kind: 'new' }); // still room in the first rung
    expect(free(s, false)).toMatchObject({ kind: 'wait' }); // b still runs
    paused(s, 'b', 0.1);
    expect(free(s, false)).toMatchObject({ kind: 'promote', trialId: 'b', rung: 1, evidence: { cohort: 2 } });
    // Once a promotion left the first rung it is closed for good: new trials open the next bracket.
    expect(free(s, true)).toMatchObject({ kind: 'wait' });
  });

  it('a plan withdrawn with onExit(stopped) (sampler exhausted) does not hold the barrier', () => {
    const s = sha();
    start(s, ['a', 'b', 'c']);
    expect(free(s)).toEqual({ kind: 'new' });
    s.plan('phantom', rng);
    s.onExit('phantom', { status: 'stopped' });
    paused(s, 'a', 0.3);
    paused(s, 'b', 0.2);
    paused(s, 'c', 0.1);
    expect(free(s, false)).toMatchObject({ kind: 'promote', trialId: 'c' });
  });

  it('a lost trial (re-run on resume) stays in the rung; a re-run trial reporting again is running', () => {
    const s = sha(2);
    start(s, ['a', 'b']);
    paused(s, 'a', 0.2);
    s.onExit('b', { status: 'lost' });
    expect(free(s)).toMatchObject({ kind: 'wait' });
    paused(s, 'b', 0.1);
    expect(free(s)).toMatchObject({ kind: 'promote', trialId: 'b' });
  });

  it('equal losses: the trial that ended first is promoted', () => {
    const s = sha(2);
    start(s, ['a', 'b']);
    paused(s, 'b', 0.5);
    paused(s, 'a', 0.5);
    expect(free(s)).toMatchObject({ kind: 'promote', trialId: 'b' });
  });

  it('non-finite rung values rank last and are never promoted', () => {
    const s = sha(2);
    start(s, ['a', 'b']);
    paused(s, 'a', Number.NaN);
    paused(s, 'b', 7);
    expect(free(s)).toMatchObject({ kind: 'promote', trialId: 'b', evidence: { cohort: 2 } });
    const t = sha(2);
    start(t, ['a', 'b']);
    paused(t, 'a', Number.NaN);
    paused(t, 'b', Number.POSITIVE_INFINITY);
    expect(free(t)).toEqual({ kind: 'new' });
    expect(t.finalize?.().map((f) => f.trialId)).toEqual(['a', 'b']);
  });

  it('replayPromotion: a replayed scheduler continues as the live one', () => {
    const live = sha();
    const replayed = sha();
    for (const s of [live, replayed]) {
      start(s, ['a', 'b', 'c', 'd']);
      paused(s, 'a', 0.4);
      paused(s, 'b', 0.3);
      paused(s, 'c', 0.2);
      paused(s, 'd', 0.1);
    }
    const first = free(live);
    expect(first).toMatchObject({ kind: 'promote', trialId: 'd', rung: 1, budget: 2 });
    replayed.replayPromotion?.('d', 1, 2);
    expect(free(replayed)).toEqual(free(live));
    expect(free(replayed)).toEqual(free(live));
  });
});
