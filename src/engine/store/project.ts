/**
 * The study snapshot as a projection of the event log. The runner, the CLI and (later) the extension all
 * build their view of a study by applying events in order; nothing else holds study state.
 * `StudyProjection.apply` mutates its own snapshot for speed (a 10,000-trial study replays in
 * milliseconds) but depends only on the events it is given.
 */
import type { TrialId, TrialStatus } from '../../shared/ids';
import { STEP_KEYS, stepKeyRank } from '../metrics/recordBuilder';
import type { ExitInfo } from '../runner/launcher';
import type { Decision, TrialPlan } from '../schedulers/scheduler';
import type { Config } from '../space/searchSpace';
import type { SequencedEvent, StoredNumber, StudyEvent } from './events';

export interface TrialSnapshot {
  readonly id: TrialId;
  readonly number: number;
  status: TrialStatus;
  plan?: TrialPlan;
  config?: Config;
  samplerNote?: string;
  argv?: readonly string[];
  cwd?: string;
  trialDir?: string;
  budget?: number;
  /** Process id of the running command (local launcher; leader of the trial's process group). */
  pid?: number;
  /** How many times the trial's command was launched (relaunch on resume or promotion). */
  launches: number;
  /** Objective values per step, in the user's direction (null = non-finite). */
  curve: Array<[step: number, value: number | null]>;
  /** Last reported objective value (null if non-finite). */
  lastValue: number | null;
  lastStep: number | null;
  /** The trial's recorded value once ended (null if failed or never reported). */
  value: number | null;
  valueStep: number | null;
  decisions: Array<Exclude<Decision, { kind: 'continue' }>>;
  stopRequestedBy?: 'user' | 'scheduler' | 'shutdown' | 'timeout';
  startedAt?: number;
  endedAt?: number;
  /**
   * Milliseconds its command ran in launches that have ended (see `trialRunMs`): unlike endedAt − startedAt
   * it leaves out the time a trial waited paused at a rung or while the study was stopped.
   */
  runMs?: number;
  /** When the launch now under way started (absent between launches). */
  runningSince?: number;
  /** The last event of the launch under way: where a run that ended without its own end (`lost`) stopped. */
  lastSignAt?: number;
  exit?: ExitInfo;
  reason?: string;
  tail?: readonly string[];
}

export type StudyState = 'new' | 'running' | 'finished' | 'stopped' | 'crashed';

/** A scheduler decision with its place in the log (the dashboard's decisions list dedups and orders by `seq`). */
export interface DecisionRecord {
  readonly seq: number;
  readonly at: number;
  readonly trialId: TrialId;
  readonly decision: Exclude<Decision, { kind: 'continue' }>;
}

export interface StudySnapshot {
  study: string;
  seed: number | null;
  file?: string;
  /** The study file document as stored at creation. */
  source: unknown;
  state: StudyState;
  trials: TrialSnapshot[];
  /** Every scheduler decision in log order (the same decision objects as in each trial's `decisions`). */
  decisionLog: DecisionRecord[];
  best: { trialId: TrialId; value: number; step: number | null } | null;
  lastSeq: number;
  createdAt: number | null;
  endedAt: number | null;
  endReason: string | null;
  endDetail?: string;
  /** What the scripts call a step (`epoch`, `step`, `iteration`), from the first report that names one. */
  stepUnit?: string;
}

export function emptySnapshot(study: string): StudySnapshot {
  return {
    study,
    seed: null,
    source: undefined,
    state: 'new',
    trials: [],
    decisionLog: [],
    best: null,
    lastSeq: 0,
    createdAt: null,
    endedAt: null,
    endReason: null,
  };
}

export function fromStoredNumber(value: StoredNumber): number {
  if (typeof value === 'number') return value;
  return value === 'NaN' ? Number.NaN : value === 'Infinity' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
}

export function toStoredNumber(value: number): StoredNumber {
  if (Number.isFinite(value)) return value;
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

export class StudyProjection {
  readonly snapshot: StudySnapshot;
  private readonly byId = new Map<TrialId, TrialSnapshot>();
  /** Trials relaunched (their curve has points) that have not reported in this launch yet. */
  private readonly relaunchedUnreported = new Set<TrialId>();

  /**
   * @param metric the objective's name (from the study file)
   * @param goal whether larger values are better
   */
  constructor(
    study: string,
    private readonly metric: string,
    private readonly goal: 'minimize' | 'maximize',
  ) {
    this.snapshot = emptySnapshot(study);
  }

  /** Adds the launch under way (if any) to the trial's run time, as having ended at `end`. */
  private endRun(t: TrialSnapshot, end: number): void {
    if (t.runningSince === undefined) return;
    t.runMs = (t.runMs ?? 0) + Math.max(0, end - t.runningSince);
    delete t.runningSince;
    delete t.lastSignAt;
  }

  trial(id: TrialId): TrialSnapshot | undefined {
    return this.byId.get(id);
  }

  /** True if `a` is strictly better than `b` for this study's goal. */
  isBetter(a: number, b: number): boolean {
    return this.goal === 'minimize' ? a < b : a > b;
  }

  applyAll(events: Iterable<SequencedEvent>): void {
    for (const e of events) this.apply(e);
  }

  apply(sequenced: SequencedEvent): void {
    const s = this.snapshot;
    s.lastSeq = sequenced.seq;
    const e: StudyEvent = sequenced.event;
    switch (e.type) {
      case 'study.created':
        s.seed = e.seed;
        s.source = e.spec.source;
        if (e.spec.file !== undefined) s.file = e.spec.file;
        s.createdAt = e.at;
        s.state = 'running';
        return;
      case 'study.started':
        s.state = 'running';
        s.endedAt = null;
        s.endReason = null;
        return;
      case 'study.ended':
        s.state = e.reason === 'userStopped' ? 'stopped' : e.reason === 'error' ? 'crashed' : 'finished';
        s.endedAt = e.at;
        s.endReason = e.reason;
        if (e.detail !== undefined) s.endDetail = e.detail;
        return;
      case 'trial.planned': {
        let t = this.byId.get(e.trialId);
        if (!t) {
          t = {
            id: e.trialId,
            number: e.number,
            status: 'queued',
            launches: 0,
            curve: [],
            lastValue: null,
            lastStep: null,
            value: null,
            valueStep: null,
            decisions: [],
          };
          this.byId.set(e.trialId, t);
          s.trials.push(t);
        }
        t.plan = e.plan;
        return;
      }
      case 'trial.asked': {
        const t = this.byId.get(e.trialId);
        if (!t) return;
        t.config = e.config;
        if (e.note !== undefined) t.samplerNote = e.note;
        t.status = 'launching';
        return;
      }
      case 'trial.launched': {
        const t = this.byId.get(e.trialId);
        if (!t) return;
        t.argv = e.argv;
        t.cwd = e.cwd;
        t.trialDir = e.trialDir;
        if (e.budget !== null) t.budget = e.budget;
        if (e.external.kind === 'pid') t.pid = e.external.pid;
        t.launches += 1;
        if (t.curve.length > 0) this.relaunchedUnreported.add(t.id);
        t.status = 'running';
        t.startedAt ??= e.at;
        // A launch whose end was never logged (the study process was killed) ran until its last sign of life.
        this.endRun(t, t.lastSignAt ?? t.runningSince ?? e.at);
        t.runningSince = e.at;
        t.lastSignAt = e.at;
        // A relaunch of an unfinished trial starts a fresh run unless the script resumes from a checkpoint;
        // its old curve stays visible until its first report says which (see trial.reported).
        delete t.endedAt;
        delete t.exit;
        delete t.reason;
        delete t.tail;
        delete t.stopRequestedBy;
        return;
      }
      case 'trial.reported': {
        const t = this.byId.get(e.trialId);
        if (!t) return;
        if (s.stepUnit === undefined) s.stepUnit = stepUnitOf(e.values);
        if (t.runningSince !== undefined) t.lastSignAt = e.at;
        const raw = e.values[this.metric];
        if (raw === undefined) return;
        const value = fromStoredNumber(raw);
        const finite = Number.isFinite(value) ? value : null;
        if (this.relaunchedUnreported.delete(t.id)) {
          // The first report of a relaunch: a script that started over (or resumed from an earlier checkpoint)
          // reports a step the old curve already has; from there on the new run replaces the old points, so
          // the curve, the export and the early-stopping check show one run, not two laid end to end.
          const keep = t.curve.findIndex(([step]) => step >= e.step);
          if (keep >= 0) t.curve.length = keep;
        }
        t.curve.push([e.step, finite]);
        t.lastValue = finite;
        t.lastStep = e.step;
        return;
      }
      case 'trial.decided': {
        const t = this.byId.get(e.trialId);
        if (!t) return;
        t.decisions.push(e.decision);
        if (t.runningSince !== undefined) t.lastSignAt = e.at;
        s.decisionLog.push({ seq: sequenced.seq, at: e.at, trialId: e.trialId, decision: e.decision });
        return;
      }
      case 'trial.stopRequested': {
        const t = this.byId.get(e.trialId);
        if (!t) return;
        t.stopRequestedBy = e.by;
        if (t.runningSince !== undefined) t.lastSignAt = e.at;
        if (t.status === 'running' || t.status === 'launching') t.status = 'stopping';
        return;
      }
      case 'trial.ended': {
        const t = this.byId.get(e.trialId);
        if (!t) return;
        // A `lost` end is written by the next run, which found the trial gone: it ran until its last sign.
        this.endRun(t, e.status === 'lost' ? (t.lastSignAt ?? t.runningSince ?? e.at) : e.at);
        t.status = e.status;
        t.endedAt = e.at;
        t.exit = e.exit;
        if (e.reason !== undefined) t.reason = e.reason;
        if (e.tail !== undefined) t.tail = e.tail;
        t.value = e.value;
        t.valueStep = e.step;
        if (e.value !== null && Number.isFinite(e.value) && (e.status === 'completed' || e.status === 'pruned')) {
          // Pruned trials never reached the full budget; only completed trials compete for best.
          if (e.status === 'completed' && (s.best === null || this.isBetter(e.value, s.best.value))) {
            s.best = { trialId: t.id, value: e.value, step: e.step };
          }
        }
        return;
      }
    }
  }
}

/**
 * How long a trial's command has run, summed over its launches (promotions, re-runs on resume); undefined
 * before its first launch. A launch under way counts up to `now` while its study runs, else up to its last
 * event (the study's process died with it).
 */
export function trialRunMs(t: TrialSnapshot, now: number, studyRunning: boolean): number | undefined {
  if (t.startedAt === undefined) return undefined;
  const open = t.runningSince === undefined ? 0 : Math.max(0, (studyRunning ? now : (t.lastSignAt ?? t.runningSince)) - t.runningSince);
  return (t.runMs ?? 0) + open;
}

export interface TrialCounts {
  total: number;
  queued: number;
  running: number;
  paused: number;
  completed: number;
  pruned: number;
  failed: number;
  stopped: number;
  lost: number;
}

/**
 * The unit of a report's step: the step key it has (case-insensitive, as the metric parser reads them:
 * `Epoch 3:` and `Epoch=3` are epochs), in the parser's priority order; undefined when it has none.
 */
function stepUnitOf(values: Readonly<Record<string, unknown>>): string | undefined {
  let rank = STEP_KEYS.length;
  for (const key in values) {
    const r = stepKeyRank(key);
    if (r >= 0 && r < rank) rank = r;
  }
  return STEP_KEYS[rank];
}

export function countTrials(snapshot: StudySnapshot): TrialCounts {
  const c: TrialCounts = { total: 0, queued: 0, running: 0, paused: 0, completed: 0, pruned: 0, failed: 0, stopped: 0, lost: 0 };
  for (const t of snapshot.trials) {
    c.total++;
    switch (t.status) {
      case 'queued':
        c.queued++;
        break;
      case 'launching':
      case 'running':
      case 'stopping':
        c.running++;
        break;
      default:
        c[t.status]++;
    }
  }
  return c;
}
