/**
 * ASHA, asynchronous successive halving (Li et al. 2020, "A System for Massively Parallel Hyperparameter
 * Tuning", MLSys). Rungs sit at min_budget·eta^k; a trial goes on past a rung only while it is in the top
 * 1/eta of the values recorded there so far, so no rung ever waits for a full cohort and slots never idle.
 *
 * Two modes:
 * - `stopping` (default, nothing asked of the script): trials are launched with max_budget. The first
 *   report at or past a rung's budget records the trial's current loss there; it goes on when it is among
 *   the best ceil(n/eta) of the n values recorded at that rung (itself included, ties with the cutoff go
 *   on — the quantile rule of Ray Tune's ASHA), else it is stopped with `rung` evidence. When one report
 *   passes several rungs at once only the highest is decided (and recorded), as in Ray, so a rung never
 *   holds a value measured at a larger budget. The top rung (max_budget) is never a decision point.
 * - `promotion` (the paper's Algorithm 2): trials are launched with the first rung's budget and pause
 *   there. A free slot promotes, highest rung first, a paused trial that is among the best floor(n/eta)
 *   of its rung's n values and not yet promoted; otherwise a new trial starts. Equal losses rank by
 *   recording order (earlier first). When no new trial may start the quota becomes at least one, so
 *   the free slots carry the best trials up to max_budget instead of idling.
 *
 * Non-finite reports stop the trial (`nonFinite`) in stopping mode; in promotion mode a non-finite rung
 * value ranks after every finite one and is never promoted. Failed or stopped trials keep the values they
 * recorded at lower rungs but never block anything. The same engine runs asynchronous Hyperband
 * (hyperband.ts): several brackets, each with its own rungs.
 */
import type { TrialId, TrialStatus } from '../../shared/ids';
import type { Rng } from '../util/rng';
import { continueQuota, insertSorted, notPromotedEvidence, peersOf, pickPromotion, promotionQuota, reached, rungLevels, type RungEntry } from './rungs';
import type { Decision, Report, SchedulePlan, Scheduler, SlotAction, StopEvidence, TrialPlan } from './scheduler';

/** Options of the `asha` scheduler (validated by the registry). */
export interface AshaOptions {
  readonly minBudget: number;
  readonly maxBudget: number;
  /** Reduction factor (> 1); default 3 in the study file. */
  readonly eta: number;
  readonly mode: 'stopping' | 'promotion';
}

/** One bracket of an asynchronous halving scheduler. */
export interface AsyncBracket {
  /** `TrialPlan.bracket` of its trials (0 for ASHA, the paper's s for Hyperband). */
  readonly id: number;
  /** Ladder index of its first rung. */
  readonly firstRung: number;
  /** Relative share of new trials (Hyperband: the bracket's n). */
  readonly weight: number;
}

/** How `createAsyncHalving` is set up (ASHA: one bracket; asynchronous Hyperband: one per s). */
export interface AsyncHalvingConfig {
  readonly name: string;
  /** All rung budgets, ascending; the last is max_budget. */
  readonly ladder: readonly number[];
  readonly eta: number;
  readonly mode: 'stopping' | 'promotion';
  /** At least one. */
  readonly brackets: readonly AsyncBracket[];
  /** What `describe()` returns. */
  readonly plan: SchedulePlan;
}

type TrialState = 'running' | 'paused' | 'done' | 'removed' | 'stopped';

interface TrialRecord {
  /** Index into `config.brackets`. */
  readonly bracket: number;
  /**
   * Stopping mode: ladder index of the next rung that may be decided. Promotion mode: ladder index of the
   * rung the trial runs to, or is paused at.
   */
  rung: number;
  state: TrialState;
  /** Last loss seen in a report (promotion mode's fallback when the exit carries none). */
  lastLoss?: number;
}

/** Creates the `asha` scheduler: one bracket over the ladder min_budget·eta^k … max_budget. */
export function createAshaScheduler(options: AshaOptions): Scheduler {
  const ladder = rungLevels(options.minBudget, options.maxBudget, options.eta);
  return createAsyncHalving({
    name: 'asha',
    ladder,
    eta: options.eta,
    mode: options.mode,
    brackets: [{ id: 0, firstRung: 0, weight: 1 }],
    plan: { brackets: [{ bracket: 0, rungs: ladder }] },
  });
}

/** The asynchronous successive-halving engine behind `asha` and asynchronous `hyperband`. */
export function createAsyncHalving(config: AsyncHalvingConfig): Scheduler {
  const { ladder, eta, mode, brackets } = config;
  if (brackets.length === 0) throw new RangeError(`scheduler ${config.name}: no brackets`);
  const top = ladder.length - 1;
  const totalWeight = brackets.reduce((sum, b) => sum + b.weight, 0);
  const trials = new Map<TrialId, TrialRecord>();
  /** [bracket][ladder index] → entries, best first. */
  const rungs: RungEntry[][][] = brackets.map(() => ladder.map(() => []));
  /** Promotion mode: each trial's entry per ladder index (to re-record after a re-run, and for finalize). */
  const entries = new Map<TrialId, Map<number, RungEntry>>();
  let recorded = 0;

  const bracketOf = (index: number): AsyncBracket => brackets[index] ?? (brackets[0] as AsyncBracket);
  const rungOf = (bracket: number, rung: number): RungEntry[] => rungs[bracket]?.[rung] ?? [];

  const chooseBracket = (rng: Rng): number => {
    if (brackets.length === 1) return 0;
    // A fork, so the trial's own stream (handed to the sampler next) is not advanced.
    let u = rng.fork('bracket').next() * totalWeight;
    for (let i = 0; i < brackets.length; i++) {
      u -= bracketOf(i).weight;
      if (u < 0) return i;
    }
    return brackets.length - 1;
  };

  const planOf = (record: TrialRecord): TrialPlan => {
    const bracket = bracketOf(record.bracket);
    const budget = mode === 'stopping' ? (ladder[top] ?? 0) : (ladder[bracket.firstRung] ?? 0);
    return { bracket: bracket.id, budget };
  };

  /** A trial never planned (only when a caller skips `plan`): it joins the first bracket. */
  const recordOf = (trialId: TrialId): TrialRecord => {
    let record = trials.get(trialId);
    if (!record) {
      record = { bracket: 0, rung: bracketOf(0).firstRung, state: 'running' };
      trials.set(trialId, record);
    }
    return record;
  };

  const stoppingReport = (report: Report, record: TrialRecord): Decision => {
    if (!Number.isFinite(report.loss)) {
      record.state = 'stopped';
      return { kind: 'stop', evidence: { rule: 'nonFinite', resource: report.resource, loss: report.loss } };
    }
    let rung = -1;
    for (let i = record.rung; i < top; i++) {
      const level = ladder[i];
      if (level !== undefined && reached(report.resource, level)) rung = i;
    }
    if (rung < 0) return { kind: 'continue' };
    record.rung = rung + 1;
    const sorted = rungOf(record.bracket, rung);
    const index = insertSorted(sorted, { trialId: report.trialId, loss: report.loss, order: recorded++ });
    const keep = continueQuota(sorted.length, eta);
    const cutoff = sorted[keep - 1]?.loss ?? report.loss;
    if (report.loss <= cutoff) return { kind: 'continue' };
    record.state = 'stopped';
    return {
      kind: 'stop',
      evidence: {
        rule: 'rung',
        rung,
        resource: ladder[rung] ?? report.resource,
        loss: report.loss,
        cutoff,
        rank: index + 1,
        cohort: sorted.length,
        peers: peersOf(sorted),
      },
    };
  };

  /** Promotion mode: records (or, after a re-run, replaces) the trial's value at its rung. */
  const recordAtRung = (trialId: TrialId, record: TrialRecord, loss: number): void => {
    const sorted = rungOf(record.bracket, record.rung);
    let mine = entries.get(trialId);
    if (!mine) entries.set(trialId, (mine = new Map()));
    const previous = mine.get(record.rung);
    if (previous) sorted.splice(sorted.indexOf(previous), 1);
    const entry: RungEntry = { trialId, loss, order: previous?.order ?? recorded++ };
    insertSorted(sorted, entry);
    mine.set(record.rung, entry);
  };

  const onExit = (trialId: TrialId, exit: { readonly status: TrialStatus; readonly lastLoss?: number }): Decision => {
    const record = trials.get(trialId);
    if (!record) return { kind: 'continue' };
    switch (exit.status) {
      case 'paused':
      case 'completed':
        if (mode === 'promotion' && record.state !== 'stopped') {
          recordAtRung(trialId, record, exit.lastLoss ?? record.lastLoss ?? Number.NaN);
          record.state = record.rung >= top ? 'done' : 'paused';
        } else if (record.state !== 'stopped') {
          record.state = 'done';
        }
        break;
      case 'lost':
        // The runner re-runs a lost trial with the same budget on resume: it is still on its way.
        if (record.state !== 'stopped') record.state = 'running';
        break;
      case 'failed':
      case 'stopped':
      case 'pruned':
        if (record.state !== 'stopped') record.state = 'removed';
        break;
      default:
        break;
    }
    return { kind: 'continue' };
  };

  /** Promotion mode: the best promotable trial, highest rung first (the paper's get_job). */
  const onSlotFree = (context: { readonly canStartNew: boolean }): SlotAction => {
    for (let rung = top - 1; rung >= 0; rung--) {
      for (let b = 0; b < brackets.length; b++) {
        if (rung < bracketOf(b).firstRung) continue;
        const sorted = rungOf(b, rung);
        if (sorted.length === 0) continue;
        const quota = context.canStartNew ? promotionQuota(sorted.length, eta) : Math.max(1, promotionQuota(sorted.length, eta));
        const pick = pickPromotion(sorted, rung, quota, (id) => {
          const record = trials.get(id);
          return record?.state === 'paused' && record.rung === rung;
        });
        if (!pick) continue;
        const record = trials.get(pick.trialId);
        if (record) {
          record.rung = rung + 1;
          record.state = 'running';
        }
        return { kind: 'promote', trialId: pick.trialId, rung: rung + 1, budget: ladder[rung + 1] ?? 0, evidence: pick.evidence };
      }
    }
    return { kind: 'new' };
  };

  const finalize = (): ReadonlyArray<{ readonly trialId: TrialId; readonly evidence: StopEvidence }> => {
    const out: Array<{ trialId: TrialId; evidence: StopEvidence }> = [];
    for (const [trialId, record] of trials) {
      if (record.state !== 'paused') continue;
      const entry = entries.get(trialId)?.get(record.rung);
      const evidence = notPromotedEvidence(record.rung, ladder[record.rung] ?? 0, entry, rungOf(record.bracket, record.rung));
      out.push({ trialId, evidence });
    }
    return out;
  };

  const scheduler: Scheduler = {
    name: config.name,
    mode,
    describe: () => config.plan,
    plan: (trialId, rng) => {
      const known = trials.get(trialId);
      if (known) return planOf(known);
      const bracket = chooseBracket(rng);
      const record: TrialRecord = { bracket, rung: bracketOf(bracket).firstRung, state: 'running' };
      trials.set(trialId, record);
      return planOf(record);
    },
    onReport: (report) => {
      const record = recordOf(report.trialId);
      // Reports that follow this scheduler's own stop (lines printed while the trial was being killed)
      // are ignored, so a replay of the log ends in the state the live run had.
      if (record.state === 'stopped') return { kind: 'continue' };
      // A report from a trial counted out (stopped for a shutdown, lost) means it runs again (resume).
      if (record.state === 'removed') record.state = 'running';
      if (mode === 'stopping') return stoppingReport(report, record);
      record.lastLoss = report.loss;
      return { kind: 'continue' };
    },
    onExit,
    finalize,
  };
  if (mode === 'promotion') {
    return {
      ...scheduler,
      onSlotFree,
      replayPromotion: (trialId, rung) => {
        const record = trials.get(trialId);
        if (!record) return;
        record.rung = rung;
        record.state = 'running';
      },
    };
  }
  return scheduler;
}
