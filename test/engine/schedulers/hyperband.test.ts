import { describe, expect, it } from 'vitest';
import { createHyperbandScheduler } from '../../../src/engine/schedulers/hyperband';
import type { Scheduler } from '../../../src/engine/schedulers/scheduler';
import { simulateSchedule } from '../../../src/engine/schedulers/simulate';
import { createRng } from '../../../src/engine/util/rng';

const study = createRng(11);
const trialRng = (n: number) => study.fork(`trial:${n}`);
const asyncHb = (mode: 'stopping' | 'promotion' = 'stopping'): Scheduler =>
  createHyperbandScheduler({ minBudget: 1, maxBudget: 81, eta: 3, async: true, mode });

describe('hyperband', () => {
  it('describes the paper\'s brackets (async: no fixed trials per rung; sync: with them)', () => {
    expect(asyncHb().describe().brackets).toEqual([
      { bracket: 4, rungs: [1, 3, 9, 27, 81], initialTrials: 81 },
      { bracket: 3, rungs: [3, 9, 27, 81], initialTrials: 34 },
      { bracket: 2, rungs: [9, 27, 81], initialTrials: 15 },
      { bracket: 1, rungs: [27, 81], initialTrials: 8 },
      { bracket: 0, rungs: [81], initialTrials: 5 },
    ]);
    const sync = createHyperbandScheduler({ minBudget: 1, maxBudget: 81, eta: 3, async: false, mode: 'promotion' });
    expect(sync.mode).toBe('promotion');
    expect(sync.describe().brackets.map((b) => b.trialsPerRung)).toEqual([[81, 27, 9, 3, 1], [34, 11, 3, 1], [15, 5, 1], [8, 2], [5]]);
  });

  it('async: each trial\'s bracket comes from its own seeded stream, weighted by the brackets\' n', () => {
    const a = asyncHb();
    const b = asyncHb();
    const counts = new Map<number, number>();
    const N = 4290; // 30 × 143
    for (let n = 0; n < N; n++) {
      const p = a.plan(String(n), trialRng(n));
      expect(p.budget).toBe(81);
      counts.set(p.bracket, (counts.get(p.bracket) ?? 0) + 1);
    }
    // Same trial, same stream → same bracket, in any order and on any run.
    for (let n = N - 1; n >= N - 50; n--) expect(b.plan(String(n), trialRng(n))).toEqual(a.plan(String(n), trialRng(n)));
    const expected: ReadonlyArray<readonly [number, number]> = [[4, 81], [3, 34], [2, 15], [1, 8], [0, 5]];
    for (const [s, n] of expected) {
      const share = (counts.get(s) ?? 0) / N;
      expect(Math.abs(share - n / 143), `bracket ${s}`).toBeLessThan(0.03);
    }
  });

  it('async: plan does not advance the trial stream it is given (the sampler draws from it next)', () => {
    const r1 = trialRng(5);
    const r2 = trialRng(5);
    asyncHb().plan('5', r1);
    expect(r1.next()).toBe(r2.next());
  });

  it('async stopping: a trial is judged only at its bracket\'s rungs, against its bracket\'s trials', () => {
    const s = asyncHb();
    const byBracket = new Map<number, string[]>();
    for (let n = 0; n < 200; n++) {
      const p = s.plan(String(n), trialRng(n));
      byBracket.set(p.bracket, [...(byBracket.get(p.bracket) ?? []), String(n)]);
    }
    const [x, y] = byBracket.get(2) ?? [];
    const [z] = byBracket.get(4) ?? [];
    if (x === undefined || y === undefined || z === undefined) throw new Error('fixture: brackets 2 and 4 need trials');
    // Bracket 2 starts at 9: resources 1 and 3 are no rungs for it.
    expect(s.onReport({ trialId: x, resource: 3, loss: 0.9 })).toEqual({ kind: 'continue' });
    expect(s.onReport({ trialId: x, resource: 9, loss: 0.5 })).toEqual({ kind: 'continue' });
    // z (bracket 4) at rung 9 is alone in its bracket's rung.
    expect(s.onReport({ trialId: z, resource: 9, loss: 0.8 })).toEqual({ kind: 'continue' });
    expect(s.onReport({ trialId: y, resource: 9, loss: 0.6 })).toEqual({
      kind: 'stop',
      evidence: { rule: 'rung', rung: 2, resource: 9, loss: 0.6, cutoff: 0.5, rank: 2, cohort: 2, peers: [x, y] },
    });
  });

  it('async promotion: trials start at their bracket\'s first rung', () => {
    const s = asyncHb('promotion');
    const rungs = new Map(s.describe().brackets.map((b) => [b.bracket, b.rungs[0]]));
    for (let n = 0; n < 40; n++) {
      const p = s.plan(String(n), trialRng(n));
      expect(p.budget).toBe(rungs.get(p.bracket));
    }
  });

  it('sync: brackets run one after another, s = s_max … 0, then again', () => {
    // Ladder 1, 3, 9: brackets s=2 (9 trials at 1), s=1 (5 at 3), s=0 (3 at 9).
    const s = createHyperbandScheduler({ minBudget: 1, maxBudget: 9, eta: 3, async: false, mode: 'promotion' });
    const result = simulateSchedule({ scheduler: s, slots: 3, trials: 20, curve: (n, t) => 1 / (t + 1) + (n % 7) / 10, epochSeconds: () => 1 });
    const starts = result.log.flatMap((e) => (e.kind === 'start' ? [`${e.bracket}@${e.budget}`] : []));
    expect(starts).toEqual([...Array<string>(9).fill('2@1'), ...Array<string>(5).fill('1@3'), ...Array<string>(3).fill('0@9'), ...Array<string>(3).fill('2@1')]);
    // Every bracket that ran to its end put one trial (bracket 0: three) at max budget.
    const completed = result.log.filter((e) => e.kind === 'end' && e.status === 'completed').length;
    expect(completed).toBe(1 + 1 + 3 + 1);
  });
});
