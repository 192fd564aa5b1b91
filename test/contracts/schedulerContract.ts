/**
 * The contract every scheduler must keep, as a reusable vitest suite: `describeSchedulerContract(name,
 * factory, options)` from a `*.test.ts` file. A new scheduler joins with one line in
 * test/engine/schedulers/contract.test.ts.
 *
 * Checked through the simulator (simulate.ts) on crossing learning curves with failing trials:
 * `describe()` is consistent with the budgets `plan()` and promotions hand out; every stop and promotion
 * carries well-formed evidence; non-finite reports stop the trial (stopping schedulers); the same seed
 * gives the same decision log; a promotion scheduler never waits with nothing running and `finalize`
 * names exactly the trials left paused; and replay: a fresh scheduler fed the logged
 * plan/onReport/onExit/replayPromotion calls makes the same next decisions as the live one.
 */
import { describe, expect, it } from 'vitest';
import type { TrialId, TrialStatus } from '../../src/shared/ids';
import type { Report, Scheduler, SlotAction, StopEvidence } from '../../src/engine/schedulers/scheduler';
import { simulateSchedule, type SimulationEvent } from '../../src/engine/schedulers/simulate';
import { createRng } from '../../src/engine/util/rng';

/** How the contract drives one scheduler. */
export interface SchedulerContractOptions {
  /** Whether a non-finite report stops the trial (stopping schedulers that prune; not fifo, not promotion mode). */
  readonly stopsNonFinite: boolean;
  /** Whether the scheduler may stop trials at all (fifo: no). */
  readonly stops: boolean;
}

/**
 * A fixed family of learning curves that cross: trials that learn fast early tend to end worse.
 * loss(n, t) = final + (start − final)·exp(−t/tau), with tau and final anti-correlated through u2.
 */
export function crossingCurve(n: number, step: number): number {
  const rng = createRng(1000 + n);
  const u1 = rng.next();
  const u2 = rng.next();
  const u3 = rng.next();
  const tau = 1 + 20 * u2;
  const final = 0.1 + 0.3 * (1 - u2) + 0.15 * u1;
  const start = 1 + 0.5 * u3;
  return final + (start - final) * Math.exp(-step / tau);
}

/** Epoch durations that differ per trial, so trials end out of order. */
export const epochSecondsOf = (n: number): number => 1 + (n % 3) * 0.5;

/** Two trials crash mid-way (trial 5 in its 2nd epoch, trial 11 in its 6th). */
export const failAtOf = (n: number): number | undefined => (n === 5 ? 2 : n === 11 ? 6 : undefined);

/** A recorded call of the live run, in order. */
export type SchedulerCall =
  | { readonly op: 'plan'; readonly trialId: TrialId }
  | { readonly op: 'report'; readonly report: Report }
  | { readonly op: 'exit'; readonly trialId: TrialId; readonly exit: { readonly status: TrialStatus; readonly lastResource?: number; readonly lastLoss?: number } }
  | { readonly op: 'slot'; readonly canStartNew: boolean; readonly action: SlotAction };

/** Wraps a scheduler so every call it answers is appended to `calls`. */
export function recording(inner: Scheduler, calls: SchedulerCall[]): Scheduler {
  const wrapped: Scheduler = {
    name: inner.name,
    mode: inner.mode,
    describe: () => inner.describe(),
    plan: (trialId, rng) => {
      calls.push({ op: 'plan', trialId });
      return inner.plan(trialId, rng);
    },
    onReport: (report) => {
      calls.push({ op: 'report', report });
      return inner.onReport(report);
    },
    onExit: (trialId, exit) => {
      calls.push({ op: 'exit', trialId, exit });
      return inner.onExit(trialId, exit);
    },
  };
  const slotFree = inner.onSlotFree?.bind(inner);
  const finalize = inner.finalize?.bind(inner);
  const replay = inner.replayPromotion?.bind(inner);
  return {
    ...wrapped,
    ...(slotFree
      ? {
          onSlotFree: (context: { readonly canStartNew: boolean }) => {
            const action = slotFree(context);
            calls.push({ op: 'slot', canStartNew: context.canStartNew, action });
            return action;
          },
        }
      : {}),
    ...(finalize ? { finalize } : {}),
    ...(replay ? { replayPromotion: replay } : {}),
  };
}

/** Feeds `calls` to `scheduler`: `live` repeats onSlotFree calls; replay turns promotions into replayPromotion, as the runner's resume does. */
export function feed(scheduler: Scheduler, calls: readonly SchedulerCall[], how: 'live' | 'replay', seed = 0): unknown[] {
  const study = createRng(seed);
  const answers: unknown[] = [];
  for (const call of calls) {
    switch (call.op) {
      case 'plan':
        answers.push(scheduler.plan(call.trialId, study.fork(`trial:${call.trialId}`)));
        break;
      case 'report':
        answers.push(scheduler.onReport(call.report));
        break;
      case 'exit':
        answers.push(scheduler.onExit(call.trialId, call.exit));
        break;
      case 'slot':
        if (how === 'live') answers.push(scheduler.onSlotFree?.({ canStartNew: call.canStartNew }));
        else if (call.action.kind === 'promote') scheduler.replayPromotion?.(call.action.trialId, call.action.rung, call.action.budget);
        break;
    }
  }
  return answers;
}

const TRIALS = 40;
const SLOTS = 4;

function run(factory: () => Scheduler, seed = 0, calls?: SchedulerCall[]): ReturnType<typeof simulateSchedule> {
  const base = factory();
  return simulateSchedule({
    scheduler: calls ? recording(base, calls) : base,
    slots: SLOTS,
    trials: TRIALS,
    curve: crossingCurve,
    epochSeconds: epochSecondsOf,
    failAt: failAtOf,
    seed,
  });
}

function checkStopEvidence(evidence: StopEvidence, rungs: readonly number[]): void {
  switch (evidence.rule) {
    case 'rung':
      expect(rungs).toContain(evidence.resource);
      expect(evidence.rank).toBeGreaterThanOrEqual(1);
      expect(evidence.rank).toBeLessThanOrEqual(evidence.cohort);
      expect(evidence.loss).toBeGreaterThan(evidence.cutoff);
      expect(evidence.peers?.length ?? 0).toBeLessThanOrEqual(evidence.cohort);
      break;
    case 'median':
      expect(evidence.loss).toBeGreaterThan(evidence.median);
      expect(evidence.cohort).toBeGreaterThanOrEqual(1);
      break;
    case 'nonFinite':
      expect(Number.isFinite(evidence.loss)).toBe(false);
      break;
    case 'notPromoted':
      expect(rungs).toContain(evidence.resource);
      if (evidence.rank !== undefined) expect(evidence.rank).toBeLessThanOrEqual(evidence.cohort ?? 0);
      break;
    case 'maxResource':
      break;
  }
}

/** Registers the contract suite for one scheduler. */
export function describeSchedulerContract(name: string, factory: () => Scheduler, options: SchedulerContractOptions): void {
  describe(`scheduler contract: ${name}`, () => {
    it('describe() lists ascending positive rungs and matches the budgets plan() hands out', () => {
      const scheduler = factory();
      const plan = scheduler.describe();
      expect(plan.brackets.length).toBeGreaterThan(0);
      const maxBudget = Math.max(...plan.brackets.flatMap((b) => b.rungs));
      for (const b of plan.brackets) {
        expect(b.rungs.length).toBeGreaterThan(0);
        for (let i = 1; i < b.rungs.length; i++) expect(b.rungs[i]).toBeGreaterThan(b.rungs[i - 1] ?? 0);
        expect(b.rungs[b.rungs.length - 1]).toBe(maxBudget);
        if (b.trialsPerRung) expect(b.trialsPerRung).toHaveLength(b.rungs.length);
      }
      const rng = createRng(3);
      for (let n = 0; n < 30; n++) {
        const p = scheduler.plan(String(n), rng.fork(`trial:${n}`));
        const bracket = plan.brackets.find((b) => b.bracket === p.bracket);
        expect(bracket, `plan bracket ${p.bracket} not in describe()`).toBeDefined();
        expect(p.budget).toBe(scheduler.mode === 'stopping' ? maxBudget : bracket?.rungs[0]);
        // Asking again gives the same plan.
        expect(scheduler.plan(String(n), rng.fork('other'))).toEqual(p);
      }
    });

    it('every stop and promotion carries evidence consistent with describe()', () => {
      const scheduler = factory();
      const plan = scheduler.describe();
      const allRungs = plan.brackets.flatMap((b) => b.rungs);
      const result = run(factory);
      const bracketOf = new Map<string, number>();
      let stops = 0;
      for (const e of result.log) {
        if (e.kind === 'start') bracketOf.set(e.trial, e.bracket);
        if (e.kind === 'stop' || e.kind === 'notPromoted') {
          stops++;
          checkStopEvidence(e.evidence, allRungs);
        }
        if (e.kind === 'promote') {
          const rungs = plan.brackets.find((b) => b.bracket === bracketOf.get(e.trial))?.rungs ?? [];
          expect(rungs).toContain(e.budget);
          expect(allRungs[e.rung] ?? e.budget).toBe(e.budget);
          expect(e.evidence).toBeDefined();
          expect(e.evidence?.rank).toBeLessThanOrEqual(e.evidence?.cohort ?? 0);
        }
      }
      if (!options.stops) expect(stops).toBe(0);
      expect(result.trialsStarted).toBe(TRIALS);
    });

    it('a non-finite report stops the trial (stopping schedulers) and never breaks the scheduler', () => {
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        const scheduler = factory();
        const p = scheduler.plan('0', createRng(1).fork('trial:0'));
        const decision = scheduler.onReport({ trialId: '0', resource: Math.min(1, p.budget), loss: bad });
        if (options.stopsNonFinite) {
          expect(decision.kind).toBe('stop');
          if (decision.kind === 'stop') expect(decision.evidence.rule).toBe('nonFinite');
        } else {
          expect(decision.kind).not.toBe('promote');
        }
      }
    });

    it('is deterministic for a seed', () => {
      expect(JSON.stringify(run(factory, 7).log)).toBe(JSON.stringify(run(factory, 7).log));
    });

    it('ends with a trial at max_budget and finalize names exactly the trials left paused', () => {
      const result = run(factory);
      expect(result.bestFinalLoss).not.toBeNull();
      const last = new Map<string, SimulationEvent>();
      for (const e of result.log) if (e.kind === 'end') last.set(e.trial, e);
      const paused = [...last.values()].filter((e) => e.kind === 'end' && e.status === 'paused').map((e) => (e.kind === 'end' ? e.trial : ''));
      const notPromoted = result.log.filter((e) => e.kind === 'notPromoted').map((e) => (e.kind === 'notPromoted' ? e.trial : ''));
      expect([...notPromoted].sort()).toEqual([...paused].sort());
      if (factory().mode === 'stopping') expect(notPromoted).toEqual([]);
    });

    it('replay: a fresh scheduler fed the logged calls makes the same next decisions as the live one', () => {
      const calls: SchedulerCall[] = [];
      run(factory, 0, calls);
      expect(calls.length).toBeGreaterThan(50);
      for (const fraction of [0.2, 0.5, 0.8]) {
        const cut = Math.floor(calls.length * fraction);
        const live = factory();
        const replayed = factory();
        feed(live, calls.slice(0, cut), 'live');
        feed(replayed, calls.slice(0, cut), 'replay');
        // The rest of the run, asked of both, gets the same answers (and the same end state).
        expect(feed(replayed, calls.slice(cut), 'live')).toEqual(feed(live, calls.slice(cut), 'live'));
        expect(replayed.finalize?.() ?? []).toEqual(live.finalize?.() ?? []);
      }
    });
  });
}
