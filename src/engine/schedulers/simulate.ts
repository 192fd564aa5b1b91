/**
 * A tiny discrete-event simulator for schedulers, independent of the study runner: `slots` workers, trials
 * whose loss after each epoch is `curve(trial, epoch)` and whose epochs take `epochSeconds(trial)`
 * simulated seconds. It calls the scheduler the way the runner does (plan → reports → onExit, `onSlotFree`
 * for every free slot, `finalize` at the end) and returns the decision log plus the figures a benchmark
 * compares: busy slot-time fraction, epochs consumed and best final loss. Pure: no I/O, no clock.
 *
 * Model: one report per epoch with `resource` = the epoch number (1, 2, ...). A trial launched with budget
 * b runs epochs up to ceil(b); a promoted trial resumes after the last epoch it ran (the script keeps a
 * checkpoint). Trial ids are their 0-based numbers as strings, and each trial's Rng is the study Rng forked
 * with `trial:<n>`, as in the runner. Among events at the same time, the lower trial number goes first.
 */
import type { TrialId, TrialStatus } from '../../shared/ids';
import { createRng } from '../util/rng';
import type { PromoteEvidence, Scheduler, StopEvidence } from './scheduler';

/** What `simulateSchedule` runs. */
export interface SimulationOptions {
  readonly scheduler: Scheduler;
  /** Trials running at once. */
  readonly slots: number;
  /** New trials the study may create. */
  readonly trials: number;
  /** Normalised loss (lower is better) of trial `trialNumber` after epoch `step` (1-based). */
  readonly curve: (trialNumber: number, step: number) => number;
  /** Simulated seconds one epoch of the trial takes (> 0). */
  readonly epochSeconds: (trialNumber: number) => number;
  /** The epoch during which the trial crashes (it exits `failed` without reporting it); undefined: never. */
  readonly failAt?: (trialNumber: number) => number | undefined;
  /** Study seed for the per-trial Rng (default 0). */
  readonly seed?: number;
}

/** One line of the decision log. Times are simulated seconds. */
export type SimulationEvent =
  | { readonly t: number; readonly kind: 'start'; readonly trial: TrialId; readonly bracket: number; readonly budget: number }
  | { readonly t: number; readonly kind: 'promote'; readonly trial: TrialId; readonly rung: number; readonly budget: number; readonly evidence?: PromoteEvidence }
  | { readonly t: number; readonly kind: 'stop'; readonly trial: TrialId; readonly evidence: StopEvidence }
  | { readonly t: number; readonly kind: 'end'; readonly trial: TrialId; readonly status: TrialStatus; readonly resource: number; readonly loss: number | null }
  | { readonly t: number; readonly kind: 'wait'; readonly reason: string }
  | { readonly t: number; readonly kind: 'notPromoted'; readonly trial: TrialId; readonly evidence: StopEvidence };

/** What a simulation produced. */
export interface SimulationResult {
  readonly log: readonly SimulationEvent[];
  /** Busy slot-seconds / (slots × makespan); 1 when no slot ever idled. */
  readonly busyFraction: number;
  /** Epochs run over all trials. */
  readonly epochs: number;
  /** Lowest last loss of the trials that completed at max_budget (null when none did). */
  readonly bestFinalLoss: number | null;
  /** Simulated seconds from the first launch to the last exit. */
  readonly makespan: number;
  /** New trials created. */
  readonly trialsStarted: number;
}

interface Running {
  readonly id: TrialId;
  readonly n: number;
  readonly budget: number;
  readonly startedAt: number;
  /** Time the current epoch ends. */
  nextAt: number;
}

interface TrialProgress {
  epochs: number;
  lastLoss?: number;
  status: TrialStatus;
}

/** Upper bound on scheduler calls, so a scheduler bug ends the simulation instead of hanging it. */
const MAX_STEPS = 10_000_000;

/** Runs the simulation to its end (no trial running and none may start). Throws on scheduler misuse. */
export function simulateSchedule(options: SimulationOptions): SimulationResult {
  const { scheduler, slots, trials, curve, epochSeconds } = options;
  if (!(slots >= 1)) throw new RangeError('simulateSchedule: slots must be at least 1');
  const studyRng = createRng(options.seed ?? 0);
  const maxBudget = Math.max(...scheduler.describe().brackets.flatMap((b) => b.rungs));
  const log: SimulationEvent[] = [];
  const running = new Map<TrialId, Running>();
  const progress = new Map<TrialId, TrialProgress>();
  const promoteQueue: Array<{ trialId: TrialId; rung: number; budget: number; evidence?: PromoteEvidence }> = [];
  let now = 0;
  let started = 0;
  let epochs = 0;
  let busy = 0;
  let steps = 0;

  const launch = (id: TrialId, n: number, budget: number): void => {
    running.set(id, { id, n, budget, startedAt: now, nextAt: now + epochSeconds(n) });
    const p = progress.get(id);
    if (p) p.status = 'running';
  };

  const promote = (trialId: TrialId, rung: number, budget: number, evidence?: PromoteEvidence): void => {
    const p = progress.get(trialId);
    if (p?.status !== 'paused') throw new Error(`${scheduler.name} promoted trial ${trialId}, which is ${p?.status ?? 'unknown'}, not paused`);
    log.push({ t: now, kind: 'promote', trial: trialId, rung, budget, ...(evidence ? { evidence } : {}) });
    launch(trialId, Number(trialId), budget);
  };

  const fill = (): void => {
    while (running.size < slots) {
      if (++steps > MAX_STEPS) throw new Error('simulateSchedule: too many steps (scheduler loop?)');
      const queued = promoteQueue.shift();
      if (queued) {
        promote(queued.trialId, queued.rung, queued.budget, queued.evidence);
        continue;
      }
      const canStartNew = started < trials;
      const action = scheduler.onSlotFree?.({ canStartNew }) ?? { kind: 'new' as const };
      if (action.kind === 'promote') {
        promote(action.trialId, action.rung, action.budget, action.evidence);
        continue;
      }
      if (action.kind === 'wait') {
        if (running.size === 0) throw new Error(`${scheduler.name} waits with no trial running: ${action.reason}`);
        log.push({ t: now, kind: 'wait', reason: action.reason });
        return;
      }
      if (!canStartNew) return;
      const n = started++;
      const id = String(n);
      const plan = scheduler.plan(id, studyRng.fork(`trial:${n}`));
      progress.set(id, { epochs: 0, status: 'running' });
      log.push({ t: now, kind: 'start', trial: id, bracket: plan.bracket, budget: plan.budget });
      launch(id, n, plan.budget);
    }
  };

  const end = (r: Running, status: TrialStatus): void => {
    running.delete(r.id);
    busy += now - r.startedAt;
    const p = progress.get(r.id);
    if (!p) return;
    const final = status === 'completed' && r.budget < maxBudget && scheduler.mode === 'promotion' ? 'paused' : status;
    p.status = final;
    log.push({ t: now, kind: 'end', trial: r.id, status: final, resource: p.epochs, loss: p.lastLoss ?? null });
    const after = scheduler.onExit(r.id, {
      status: final,
      ...(p.epochs > 0 ? { lastResource: p.epochs } : {}),
      ...(p.lastLoss !== undefined ? { lastLoss: p.lastLoss } : {}),
    });
    if (after.kind === 'promote') promoteQueue.push({ trialId: r.id, rung: after.rung, budget: after.budget, ...(after.evidence ? { evidence: after.evidence } : {}) });
  };

  fill();
  while (running.size > 0) {
    if (++steps > MAX_STEPS) throw new Error('simulateSchedule: too many steps');
    let next: Running | undefined;
    for (const r of running.values()) {
      if (!next || r.nextAt < next.nextAt || (r.nextAt === next.nextAt && r.n < next.n)) next = r;
    }
    if (!next) break;
    now = next.nextAt;
    const p = progress.get(next.id);
    if (!p) throw new Error(`simulateSchedule: lost track of trial ${next.id}`);
    const epoch = p.epochs + 1;
    if (options.failAt?.(next.n) === epoch) {
      end(next, 'failed');
      fill();
      continue;
    }
    p.epochs = epoch;
    epochs++;
    const loss = curve(next.n, epoch);
    p.lastLoss = loss;
    const decision = scheduler.onReport({ trialId: next.id, resource: epoch, loss });
    if (decision.kind === 'stop') {
      log.push({ t: now, kind: 'stop', trial: next.id, evidence: decision.evidence });
      end(next, 'pruned');
    } else if (epoch >= Math.ceil(next.budget)) {
      end(next, Number.isFinite(loss) ? 'completed' : 'failed');
    } else {
      next.nextAt = now + epochSeconds(next.n);
      continue;
    }
    fill();
  }

  for (const { trialId, evidence } of scheduler.finalize?.() ?? []) {
    const p = progress.get(trialId);
    if (p?.status !== 'paused') continue;
    p.status = 'pruned';
    log.push({ t: now, kind: 'notPromoted', trial: trialId, evidence });
  }

  let bestFinalLoss: number | null = null;
  for (const p of progress.values()) {
    if (p.status !== 'completed' || p.lastLoss === undefined || !Number.isFinite(p.lastLoss)) continue;
    if (bestFinalLoss === null || p.lastLoss < bestFinalLoss) bestFinalLoss = p.lastLoss;
  }
  return {
    log,
    busyFraction: now > 0 ? busy / (slots * now) : 0,
    epochs,
    bestFinalLoss,
    makespan: now,
    trialsStarted: started,
  };
}
