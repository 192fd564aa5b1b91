/**
 * Synchronous successive halving (Jamieson & Talwalkar 2016, "Non-stochastic Best Arm Identification and
 * Hyperparameter Optimization", AISTATS; the SH subroutine of Hyperband, Li et al. 2017). A bracket starts
 * n trials at the first rung's budget; when every trial of a rung has ended, the best floor(n/eta) are
 * promoted to the next rung, until one reaches max_budget. Promotion mode: the script must honour {budget}.
 *
 * Choices (documented for users in the study-file schema):
 * - n (`initial_trials`) defaults to ceil(eta^(rungs−1)), so the top rung gets one trial; each rung keeps
 *   max(1, floor(cohort/eta)) of the trials that reached it, so a bracket always ends with one trial at
 *   max_budget even when failures or a short study shrink its cohorts.
 * - The barrier: a rung closes when all its trials have ended. Failed/stopped trials leave the cohort and
 *   never block; while trials still run the free slots `wait`. When no new trial may start (the study's
 *   `trials` are spent, the sampler is exhausted) the first rung closes with the trials it has.
 * - Brackets run one after another: when a bracket is finished and the study may start more trials, the
 *   next free slot starts a new bracket (ASHA is the answer when idle slots matter).
 * - Non-finite rung values rank after every finite one and are never promoted; equal losses rank by the
 *   order their trials ended (earlier first).
 * The same engine runs synchronous Hyperband (hyperband.ts, `async: false`): a cycle of brackets.
 */
import type { TrialId, TrialStatus } from '../../shared/ids';
import { defaultInitialTrials, notPromotedEvidence, pickPromotion, promotionQuota, rankEntries, rungLevels, trialsPerRung, type RungEntry } from './rungs';
import type { Decision, SchedulePlan, Scheduler, SlotAction, StopEvidence, TrialPlan } from './scheduler';

/** Options of the `sha` scheduler (validated by the registry). */
export interface SuccessiveHalvingOptions {
  readonly minBudget: number;
  readonly maxBudget: number;
  /** Reduction factor (> 1); default 3 in the study file. */
  readonly eta: number;
  /** Trials started in the first rung of each bracket; default ceil(eta^(rungs−1)). */
  readonly initialTrials?: number;
}

/** One bracket of a synchronous halving scheduler. */
export interface SyncBracketSpec {
  /** `TrialPlan.bracket` of its trials (0 for SHA, the paper's s for Hyperband). */
  readonly id: number;
  /** Ladder index of its first rung. */
  readonly firstRung: number;
  /** Trials started in its first rung. */
  readonly initialTrials: number;
}

/** How `createSyncHalving` is set up. */
export interface SyncHalvingConfig {
  readonly name: string;
  /** All rung budgets, ascending; the last is max_budget. */
  readonly ladder: readonly number[];
  readonly eta: number;
  /** The k-th bracket the scheduler opens (0-based), e.g. always the same (SHA) or Hyperband's cycle. */
  readonly bracketAt: (index: number) => SyncBracketSpec;
  /** What `describe()` returns. */
  readonly plan: SchedulePlan;
}

type TrialState = 'running' | 'paused' | 'done' | 'removed';

interface TrialRecord {
  readonly bracket: number;
  /** Ladder index of the rung the trial runs to, or is paused at. */
  rung: number;
  state: TrialState;
  lastLoss?: number;
  /** The trial's value per ladder index. */
  readonly entries: Map<number, RungEntry>;
}

interface Bracket {
  readonly spec: SyncBracketSpec;
  readonly members: TrialId[];
  /** Set once the bracket's top rung is settled or its rungs have emptied: nothing can change it again. */
  finished: boolean;
}

type BracketStatus =
  | { readonly kind: 'promote'; readonly action: Extract<SlotAction, { kind: 'promote' }> }
  | { readonly kind: 'new' }
  | { readonly kind: 'wait'; readonly reason: string }
  | { readonly kind: 'finished'; readonly final: boolean };

/** Creates the `sha` scheduler: brackets of successive halving over min_budget·eta^k … max_budget, one at a time. */
export function createSuccessiveHalvingScheduler(options: SuccessiveHalvingOptions): Scheduler {
  const ladder = rungLevels(options.minBudget, options.maxBudget, options.eta);
  const initialTrials = options.initialTrials ?? defaultInitialTrials(ladder.length, options.eta);
  const spec: SyncBracketSpec = { id: 0, firstRung: 0, initialTrials };
  return createSyncHalving({
    name: 'sha',
    ladder,
    eta: options.eta,
    bracketAt: () => spec,
    plan: { brackets: [{ bracket: 0, rungs: ladder, trialsPerRung: trialsPerRung(initialTrials, ladder.length, options.eta), initialTrials }] },
  });
}

/** The synchronous successive-halving engine behind `sha` and synchronous `hyperband`. */
export function createSyncHalving(config: SyncHalvingConfig): Scheduler {
  const { ladder, eta } = config;
  const top = ladder.length - 1;
  const trials = new Map<TrialId, TrialRecord>();
  const brackets: Bracket[] = [];
  let recorded = 0;

  const budgetAt = (rung: number): number => ladder[rung] ?? 0;
  const bracketAt = (index: number): Bracket => brackets[index] as Bracket;

  /** The first rung still takes new trials: not full and nobody promoted from it yet. */
  const firstRungOpen = (bracket: Bracket): boolean =>
    bracket.members.length < bracket.spec.initialTrials &&
    bracket.members.every((id) => (trials.get(id)?.rung ?? bracket.spec.firstRung) === bracket.spec.firstRung);

  /** Entries of the bracket's trials at `rung`, best first (trials that failed later keep their value). */
  const cohortAt = (bracket: Bracket, rung: number): RungEntry[] => {
    const list: RungEntry[] = [];
    for (const id of bracket.members) {
      const entry = trials.get(id)?.entries.get(rung);
      if (entry) list.push(entry);
    }
    return rankEntries(list);
  };

  /** The best trial of `sorted` within the quota that is still paused at `rung`, as a promotion. */
  const promotable = (sorted: readonly RungEntry[], rung: number): BracketStatus | undefined => {
    const quota = Math.max(1, promotionQuota(sorted.length, eta));
    const pick = pickPromotion(sorted, rung, quota, (id) => {
      const record = trials.get(id);
      return record?.state === 'paused' && record.rung === rung;
    });
    if (!pick) return undefined;
    return { kind: 'promote', action: { kind: 'promote', trialId: pick.trialId, rung: rung + 1, budget: budgetAt(rung + 1), evidence: pick.evidence } };
  };

  const statusOf = (bracket: Bracket, canStartNew: boolean): BracketStatus => {
    const first = bracket.spec.firstRung;
    let current = first;
    let running = 0;
    for (const id of bracket.members) {
      const record = trials.get(id);
      if (!record) continue;
      current = Math.max(current, record.rung);
      if (record.state === 'running') running++;
    }
    // Promotions out of the closed rung below come first (they were decided when it closed).
    if (current > first) {
      const pending = promotable(cohortAt(bracket, current - 1), current - 1);
      if (pending) return pending;
    }
    if (current === first && canStartNew && firstRungOpen(bracket)) return { kind: 'new' };
    if (running > 0) {
      const reason =
        `${config.name} bracket ${bracket.spec.id}: rung ${current} (budget ${budgetAt(current)}) ` +
        `waits for ${running} running trial${running === 1 ? '' : 's'} before promoting`;
      return { kind: 'wait', reason };
    }
    // The rung is closed (full, or cut short because no new trial may start).
    const final = !firstRungOpen(bracket) || current > first;
    if (current >= top) return { kind: 'finished', final };
    return promotable(cohortAt(bracket, current), current) ?? { kind: 'finished', final };
  };

  const onSlotFree = (context: { readonly canStartNew: boolean }): SlotAction => {
    let needsNew = false;
    let waiting: string | undefined;
    for (const bracket of brackets) {
      if (bracket.finished) continue;
      const status = statusOf(bracket, context.canStartNew);
      switch (status.kind) {
        case 'promote': {
          const record = trials.get(status.action.trialId);
          if (record) {
            record.rung = status.action.rung;
            record.state = 'running';
          }
          return status.action;
        }
        case 'new':
          needsNew = true;
          break;
        case 'wait':
          waiting ??= status.reason;
          break;
        case 'finished':
          if (status.final) bracket.finished = true;
          break;
      }
    }
    if (needsNew) return { kind: 'new' };
    if (waiting !== undefined) return { kind: 'wait', reason: waiting };
    // Every bracket is finished: the next trial opens a new bracket (or, when none may start, the study ends).
    return { kind: 'new' };
  };

  const planOf = (record: TrialRecord): TrialPlan => ({ bracket: bracketAt(record.bracket).spec.id, budget: budgetAt(bracketAt(record.bracket).spec.firstRung) });

  const onExit = (trialId: TrialId, exit: { readonly status: TrialStatus; readonly lastLoss?: number }): Decision => {
    const record = trials.get(trialId);
    if (!record) return { kind: 'continue' };
    switch (exit.status) {
      case 'paused':
      case 'completed': {
        const loss = exit.lastLoss ?? record.lastLoss ?? Number.NaN;
        const previous = record.entries.get(record.rung);
        record.entries.set(record.rung, { trialId, loss, order: previous?.order ?? recorded++ });
        record.state = record.rung >= top ? 'done' : 'paused';
        break;
      }
      case 'lost':
        // Re-run with the same budget on resume: still a member of its rung.
        record.state = 'running';
        break;
      case 'failed':
      case 'stopped':
      case 'pruned':
        record.state = 'removed';
        break;
      default:
        break;
    }
    return { kind: 'continue' };
  };

  const finalize = (): ReadonlyArray<{ readonly trialId: TrialId; readonly evidence: StopEvidence }> => {
    const out: Array<{ trialId: TrialId; evidence: StopEvidence }> = [];
    for (const bracket of brackets) {
      for (const trialId of bracket.members) {
        const record = trials.get(trialId);
        if (record?.state !== 'paused') continue;
        const evidence = notPromotedEvidence(record.rung, budgetAt(record.rung), record.entries.get(record.rung), cohortAt(bracket, record.rung));
        out.push({ trialId, evidence });
      }
    }
    return out;
  };

  return {
    name: config.name,
    mode: 'promotion',
    describe: () => config.plan,
    plan: (trialId) => {
      const known = trials.get(trialId);
      if (known) return planOf(known);
      const last = brackets[brackets.length - 1];
      let index = brackets.length - 1;
      if (!last || !firstRungOpen(last)) {
        index = brackets.length;
        brackets.push({ spec: config.bracketAt(index), members: [], finished: false });
      }
      const bracket = bracketAt(index);
      bracket.members.push(trialId);
      const record: TrialRecord = { bracket: index, rung: bracket.spec.firstRung, state: 'running', entries: new Map() };
      trials.set(trialId, record);
      return planOf(record);
    },
    onReport: (report) => {
      const record = trials.get(report.trialId);
      if (!record) return { kind: 'continue' };
      // A report from a trial counted out (stopped for a shutdown) means it runs again (resume).
      if (record.state === 'removed') record.state = 'running';
      record.lastLoss = report.loss;
      return { kind: 'continue' };
    },
    onExit,
    onSlotFree,
    finalize,
    replayPromotion: (trialId, rung) => {
      const record = trials.get(trialId);
      if (!record) return;
      record.rung = rung;
      record.state = 'running';
    },
  };
}
