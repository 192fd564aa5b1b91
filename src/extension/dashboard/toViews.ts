/**
 * Study snapshot → the dashboard's rows (TrialRow, DecisionRow, StudyHeader). Pure: no `vscode`, no I/O,
 * so it is unit-tested on projections of real event sequences. The publisher calls it for changed trials
 * only; a full snapshot of 10,000 trials × 50 reports is one pass over the trials and their curves.
 */
import type {
  CellValue,
  DecisionRow,
  ParamColumn,
  RungCheckView,
  SchedulePlanView,
  StudyHeader,
  TrialRow,
} from '../../shared/dashboardProtocol';
import type { TrialStatus } from '../../shared/ids';
import {
  describeDecision,
  describeSchedule,
  formatNumber,
  type DecisionRecord,
  type MetricView,
  type StudySnapshot,
  type StudySpec,
  type TrialSnapshot,
  trialRunMs,
} from '../../engine/index';
import { firstRungHint, isWeakRung, rungReliability, suggestFirstRung, WEAK_RUNG_NOTE } from '../../engine/schedulers/rungReliability';

type StopOrPromote = TrialSnapshot['decisions'][number];

/** What the rows are built from: the live snapshot and the facts about who runs it. */
export interface StudyViewSource {
  readonly snapshot: StudySnapshot;
  /** The study file (undefined when the stored file no longer parses: columns are then read from configs). */
  readonly spec?: StudySpec;
  /** A live process writes the study. */
  readonly live: boolean;
  /** This window runs the study, so its trials can be stopped from here (a CLI run's cannot). */
  readonly owned: boolean;
}

/**
 * Per-study facts that do not change while a panel is open (the schedule and the parameter columns),
 * computed once. Build with {@link studyViewContext}.
 */
export interface StudyViewContext {
  readonly plan: SchedulePlanView;
  readonly params: readonly ParamColumn[];
  readonly metric: string;
  readonly goal: 'minimize' | 'maximize';
  /** Rung budgets of each bracket, as indices into the study's ladder (union of all brackets' rungs). */
  readonly bracketRungs: ReadonlyMap<number, ReadonlyArray<{ readonly index: number; readonly budget: number }>>;
  /** The rung budgets of all brackets, ascending (rung i of the decisions has budget ladder[i]). */
  readonly ladder: readonly number[];
  /** The scheduler's full budget; null without a study file. */
  readonly maxBudget: number | null;
}

export function studyViewContext(source: StudyViewSource): StudyViewContext {
  const spec = source.spec;
  const plan: SchedulePlanView = (spec && describeSchedule(spec.scheduler, source.snapshot.seed ?? 0)) ?? {
    scheduler: spec?.scheduler.type ?? 'unknown',
    mode: 'stopping',
    brackets: [],
  };
  // The schedulers number rungs by their index in the whole ladder (Hyperband's bracket 1 starts at rung 1),
  // and so does the decision text ("stopped at rung 2"): the union of the brackets' budgets is that ladder.
  const ladder = [...new Set(plan.brackets.flatMap((b) => b.rungs))].sort((a, b) => a - b);
  const bracketRungs = new Map(plan.brackets.map((b) => [b.bracket, b.rungs.map((budget) => ({ index: ladder.indexOf(budget), budget }))]));
  return {
    plan: { scheduler: plan.scheduler, mode: plan.mode, brackets: plan.brackets.map((b) => ({ ...b, rungs: [...b.rungs] })) },
    params: spec ? paramColumns(spec) : paramColumnsFromConfigs(source.snapshot),
    metric: spec?.metric.name ?? 'value',
    goal: spec?.metric.goal ?? 'minimize',
    bracketRungs,
    ladder,
    maxBudget: spec?.scheduler.maxBudget ?? null,
  };
}

function paramColumns(spec: StudySpec): ParamColumn[] {
  return [...spec.space.params].map(([name, p]): ParamColumn => {
    const conditional = p.when !== undefined;
    if (p.kind === 'categorical') return { name, kind: p.kind, log: false, choices: [...p.choices], conditional };
    return { name, kind: p.kind, log: p.log === true, low: p.low, high: p.high, conditional };
  });
}

/** Without a study file: one column per parameter seen, numeric when every value is a number. */
function paramColumnsFromConfigs(snapshot: StudySnapshot): ParamColumn[] {
  const kinds = new Map<string, { numeric: boolean; integer: boolean; count: number }>();
  let configs = 0;
  for (const t of snapshot.trials) {
    if (!t.config) continue;
    configs++;
    for (const [name, value] of Object.entries(t.config)) {
      const k = kinds.get(name) ?? { numeric: true, integer: true, count: 0 };
      k.count++;
      if (typeof value !== 'number') k.numeric = false;
      else if (!Number.isInteger(value)) k.integer = false;
      kinds.set(name, k);
    }
  }
  return [...kinds].map(([name, k]): ParamColumn => {
    const conditional = k.count < configs;
    if (!k.numeric) return { name, kind: 'categorical', log: false, conditional };
    return { name, kind: k.integer ? 'int' : 'float', log: false, conditional };
  });
}

function metricView(context: StudyViewContext, snapshot: StudySnapshot): MetricView {
  return { name: context.metric, goal: context.goal, ...(snapshot.stepUnit !== undefined ? { stepUnit: snapshot.stepUnit } : {}) };
}

const liveStatuses: ReadonlySet<TrialStatus> = new Set(['queued', 'launching', 'running', 'stopping']);

/** One trial as a table row. */
export function trialRow(source: StudyViewSource, context: StudyViewContext, t: TrialSnapshot): TrialRow {
  const ended = t.endedAt !== undefined;
  const better = context.goal === 'minimize' ? (a: number, b: number) => a < b : (a: number, b: number) => a > b;
  let bestValue: number | null = null;
  let maxStep: number | null = null;
  for (const [step, value] of t.curve) {
    if (value !== null && (bestValue === null || better(value, bestValue))) bestValue = value;
    if (maxStep === null || step > maxStep) maxStep = step;
  }
  const stop = lastStop(t);
  const params: Record<string, CellValue> = {};
  for (const [name, value] of Object.entries(t.config ?? {})) params[name] = value;
  const value = ended ? t.value : t.lastValue;
  return {
    id: t.id,
    number: t.number,
    status: t.status,
    params,
    value: finiteOrNull(value),
    step: ended ? t.valueStep : t.lastStep,
    bestValue,
    reports: t.curve.length,
    bracket: t.plan?.bracket ?? null,
    rung: rungReached(context, t.plan?.bracket, maxStep),
    budget: t.budget ?? t.plan?.budget ?? null,
    startedAt: t.startedAt ?? null,
    endedAt: t.endedAt ?? null,
    // A followed study's launch under way grows in the page (runningSince); one whose process is gone ran
    // until its last event.
    runMs: source.live ? (t.runMs ?? 0) : (trialRunMs(t, 0, false) ?? 0),
    runningSince: source.live ? (t.runningSince ?? null) : null,
    launches: t.launches,
    reason: stop ? describeDecision(t.id, stop, metricView(context, source.snapshot)) : (t.reason ?? stoppedBy(t)),
    prunedAtStep: t.status === 'pruned' ? (stop && 'resource' in stop.evidence ? stop.evidence.resource : t.lastStep) : null,
    canStop: source.owned && source.live && liveStatuses.has(t.status),
  };
}

export function trialRows(source: StudyViewSource, context: StudyViewContext, ids?: Iterable<string>): TrialRow[] {
  if (ids === undefined) return source.snapshot.trials.map((t) => trialRow(source, context, t));
  const wanted = new Set(ids);
  return source.snapshot.trials.filter((t) => wanted.has(t.id)).map((t) => trialRow(source, context, t));
}

function lastStop(t: TrialSnapshot): Extract<StopOrPromote, { kind: 'stop' }> | undefined {
  for (let i = t.decisions.length - 1; i >= 0; i--) {
    const d = t.decisions[i];
    if (d?.kind === 'stop') return d;
  }
  return undefined;
}

function stoppedBy(t: TrialSnapshot): string | null {
  if (t.status !== 'stopped' || t.stopRequestedBy === undefined) return null;
  switch (t.stopRequestedBy) {
    case 'user':
      return 'stopped by the user';
    case 'timeout':
      return 'stopped: the study timed out';
    case 'shutdown':
      return 'stopped with the study';
    case 'scheduler':
      return 'stopped by the scheduler';
  }
}

/** Ladder index of the highest rung of the trial's bracket whose budget the trial reached. */
function rungReached(context: StudyViewContext, bracket: number | undefined, maxStep: number | null): number | null {
  if (bracket === undefined || maxStep === null) return null;
  let reached: number | null = null;
  for (const r of context.bracketRungs.get(bracket) ?? []) if (maxStep >= r.budget) reached = r.index;
  return reached;
}

function finiteOrNull(value: number | null | undefined): number | null {
  return value !== null && value !== undefined && Number.isFinite(value) ? value : null;
}

/** One decision of the log, its evidence in the user's direction (as the decision text shows it). */
export function decisionRow(
  source: StudyViewSource,
  context: StudyViewContext,
  record: DecisionRecord,
  bracketOf: (trialId: string) => number | undefined = (id) => source.snapshot.trials.find((t) => t.id === id)?.plan?.bracket,
): DecisionRow {
  const sign = context.goal === 'minimize' ? 1 : -1;
  const shown = (loss: number | undefined): number | null => (loss === undefined ? null : finiteOrNull(sign * loss));
  const { decision, trialId } = record;
  const text = describeDecision(trialId, decision, metricView(context, source.snapshot));
  const base = { seq: record.seq, trialId, text, at: record.at };
  if (decision.kind === 'promote') {
    const e = decision.evidence;
    // The step it was judged at: the budget of the rung it was promoted from, in its bracket.
    const from = e ? context.bracketRungs.get(bracketOf(trialId) ?? 0)?.find((r) => r.index === e.rung)?.budget : undefined;
    return {
      ...base,
      kind: 'promote',
      rule: 'promote',
      rung: e?.rung ?? null,
      step: from ?? null,
      value: shown(e?.loss),
      threshold: shown(e?.cutoff),
      rank: e?.rank ?? null,
      cohort: e?.cohort ?? null,
      peers: [...(e?.peers ?? [])],
    };
  }
  const e = decision.evidence;
  const row = { ...base, kind: 'stop' as const, rule: e.rule, step: e.resource };
  switch (e.rule) {
    case 'rung':
      return { ...row, rung: e.rung, value: shown(e.loss), threshold: shown(e.cutoff), rank: e.rank, cohort: e.cohort, peers: [...(e.peers ?? [])] };
    case 'median':
      return { ...row, rung: null, value: shown(e.loss), threshold: shown(e.median), rank: null, cohort: e.cohort, peers: [...(e.peers ?? [])] };
    case 'nonFinite':
      return { ...row, rung: null, value: null, threshold: null, rank: null, cohort: null, peers: [] };
    case 'maxResource':
      return { ...row, rung: null, value: null, threshold: null, rank: null, cohort: null, peers: [] };
    case 'notPromoted':
      return { ...row, rung: e.rung, value: shown(e.loss), threshold: null, rank: e.rank ?? null, cohort: e.cohort ?? null, peers: [] };
  }
}

/** Decisions from `fromIndex` of the study's decision log (all of them by default). */
export function decisionRows(source: StudyViewSource, context: StudyViewContext, fromIndex = 0): DecisionRow[] {
  const records = source.snapshot.decisionLog.slice(fromIndex);
  if (records.length === 0) return [];
  // One index for the whole batch: a snapshot of a promotion-mode study has thousands of promotions.
  const brackets = new Map(source.snapshot.trials.map((t) => [t.id, t.plan?.bracket]));
  return records.map((d) => decisionRow(source, context, d, (id) => brackets.get(id)));
}

/** The header: study-level facts and counts (one pass over the trials). */
export function studyHeader(source: StudyViewSource, context: StudyViewContext): StudyHeader {
  const s = source.snapshot;
  const counts: Partial<Record<TrialStatus, number>> = {};
  let totalSteps = 0;
  for (const t of s.trials) {
    counts[t.status] = (counts[t.status] ?? 0) + 1;
    // A trial's spend is how far it got; its last step is that unless a relaunch started over.
    totalSteps += t.lastStep ?? 0;
  }
  const file = s.file ?? source.spec?.file;
  return {
    study: s.study,
    ...(file !== undefined ? { file } : {}),
    state: s.state,
    live: source.live,
    metric: context.metric,
    goal: context.goal,
    stepUnit: s.stepUnit ?? 'step',
    params: context.params,
    plan: context.plan,
    counts,
    trialCount: s.trials.length,
    ...(source.spec?.trials !== undefined ? { maxTrials: source.spec.trials } : {}),
    best: s.best ? { trialId: s.best.trialId, value: s.best.value, step: s.best.step } : null,
    createdAt: s.createdAt,
    endedAt: s.endedAt,
    endReason: s.endReason,
    totalSteps,
  };
}

/** What computes the per-rung τ (the engine's rungReliability; tests count its calls). */
export type RungReliabilityFn = typeof rungReliability;

/**
 * The early-stopping check of `rung show` for the dashboard: τ per rung below the full budget, over the
 * trials that ran to it, with the CLI's note on weak rungs and its hint (the rule is the engine's:
 * isWeakRung, suggestFirstRung). Null when the scheduler has no such rung (fifo, median, no study file).
 * O(n²) in the finished trials per rung: the publisher calls it through a {@link RungCheckCache}.
 */
export function rungCheckView(source: StudyViewSource, context: StudyViewContext, reliability: RungReliabilityFn = rungReliability): RungCheckView | null {
  const maxBudget = context.maxBudget;
  const rungs = checkedRungs(context);
  if (maxBudget === null || rungs.length === 0) return null;
  const checks = reliability(source.snapshot.trials, rungs, maxBudget);
  // As `rung show` judges them: the rungs it lists (a τ over at least 2 trials).
  const suggestion = suggestFirstRung(checks.filter((r) => r.n >= 2 && Number.isFinite(r.tau)));
  return {
    maxBudget,
    rungs: checks.map((r) => ({
      rung: context.ladder.indexOf(r.budget),
      budget: r.budget,
      tau: r.n >= 2 && Number.isFinite(r.tau) ? r.tau : null,
      n: r.n,
      note: isWeakRung(r) ? WEAK_RUNG_NOTE : null,
    })),
    hint: suggestion.weak ? firstRungHint(suggestion.minBudget !== undefined ? formatNumber(suggestion.minBudget) : undefined) : null,
  };
}

/** The rung budgets the check judges: those below the full budget (none without a study file). */
function checkedRungs(context: StudyViewContext): number[] {
  const maxBudget = context.maxBudget;
  return maxBudget === null ? [] : context.ladder.filter((budget) => budget < maxBudget);
}

/**
 * Keeps the last {@link rungCheckView} and computes it again only when the trials it depends on changed:
 * the completed trials (a superset of those that ran to the full budget) and, for each, its final value,
 * the step of it and how many reports it has (curves only grow, so the count stands for the values at
 * the rungs). Checking that is one pass over the trials without allocating; a live study's patches
 * mostly change running trials, so the O(n²) part runs only when a trial completes.
 */
export class RungCheckCache {
  readonly #reliability: RungReliabilityFn;
  #context: StudyViewContext | undefined;
  /** Whether the context has rungs to check at all (fifo and median have none: nothing to walk). */
  #applies = false;
  /** Per completed trial, in snapshot order: id, value, valueStep, curve length; undefined: not computed. */
  #key: Array<string | number | null> | undefined;
  #view: RungCheckView | null = null;
  #computations = 0;

  constructor(reliability: RungReliabilityFn = rungReliability) {
    this.#reliability = reliability;
  }

  /** How many times the check was computed (not answered from the cache). */
  get computations(): number {
    return this.#computations;
  }

  get(source: StudyViewSource, context: StudyViewContext): RungCheckView | null {
    if (context !== this.#context) {
      this.#context = context;
      this.#applies = checkedRungs(context).length > 0;
      this.#key = undefined;
      this.#view = null;
    }
    if (!this.#applies) return null;
    const trials = source.snapshot.trials;
    if (this.#key !== undefined && sameCompleted(trials, this.#key)) return this.#view;
    this.#key = completedKey(trials);
    this.#view = rungCheckView(source, context, this.#reliability);
    this.#computations++;
    return this.#view;
  }
}

function completedKey(trials: readonly TrialSnapshot[]): Array<string | number | null> {
  const key: Array<string | number | null> = [];
  for (const t of trials) if (t.status === 'completed') key.push(t.id, t.value, t.valueStep, t.curve.length);
  return key;
}

function sameCompleted(trials: readonly TrialSnapshot[], key: ReadonlyArray<string | number | null>): boolean {
  let i = 0;
  for (const t of trials) {
    if (t.status !== 'completed') continue;
    if (i + 4 > key.length || key[i] !== t.id || !Object.is(key[i + 1], t.value) || key[i + 2] !== t.valueStep || key[i + 3] !== t.curve.length) return false;
    i += 4;
  }
  return i === key.length;
}
