/**
 * The study's history as events. The JSONL event log is the single source of truth: snapshots, the CLI
 * tables, the tree and the dashboard are projections of it (see project.ts), and samplers are rebuilt
 * by replaying the `trial.ended` observations.
 */
import type { TrialId, TrialStatus } from '../../shared/ids';
import type { ExitInfo, ExternalRef } from '../runner/launcher';
import type { Decision, TrialPlan } from '../schedulers/scheduler';
import type { Config } from '../space/searchSpace';

/** The study file as stored in the log: the raw document (JSON-safe) plus where it came from. */
export interface StoredSpec {
  /** The study file, absolute here; in the log file relative to the study folder when inside the project (storedPaths.ts). */
  readonly file?: string;
  /** The parsed document (JSON-safe). */
  readonly source: unknown;
  /** The file's text, so `rung resume <study>` can re-parse it when the file has moved or changed. */
  readonly text?: string;
}

/** JSON has no NaN/Infinity: non-finite metric values are stored as these strings. */
export type StoredNumber = number | 'NaN' | 'Infinity' | '-Infinity';

export type StudyEvent =
  | { readonly type: 'study.created'; readonly v: 1; readonly at: number; readonly study: string; readonly spec: StoredSpec; readonly seed: number }
  | {
      readonly type: 'study.started';
      readonly at: number;
      readonly pid: number;
      readonly resumed: boolean;
      readonly note?: string;
      /** The trial budget of this run (the file's, or `rung run --trials`): a resume keeps it (loadStudy). */
      readonly trials?: number;
      /** The interpreter given for `python`/`python3` (`--python`, $RUNG_PYTHON): a run that gives none keeps it. */
      readonly python?: string;
    }
  | { readonly type: 'trial.planned'; readonly at: number; readonly trialId: TrialId; readonly number: number; readonly plan: TrialPlan }
  | { readonly type: 'trial.asked'; readonly at: number; readonly trialId: TrialId; readonly config: Config; readonly note?: string }
  | {
      readonly type: 'trial.launched';
      readonly at: number;
      readonly trialId: TrialId;
      readonly argv: readonly string[];
      /** Absolute here; in the log file relative to the study folder when inside the project (storedPaths.ts). */
      readonly cwd: string;
      /** Absolute here; in the log file relative to the study folder (storedPaths.ts). */
      readonly trialDir: string;
      readonly budget: number | null;
      /** True when RUNG_RESUME=1 was set: a relaunch of a trial that already ran (resume, promotion). */
      readonly resume: boolean;
      readonly external: ExternalRef;
    }
  | {
      readonly type: 'trial.reported';
      readonly at: number;
      readonly trialId: TrialId;
      readonly step: number;
      readonly values: Readonly<Record<string, StoredNumber>>;
      /** Not judged when logged: the scheduler judged the step on its last report (trialReports.ts, StepJudge). */
      readonly provisional?: true;
      /** A progress bar's redraw of the last report, never judged. */
      readonly redraw?: true;
      /** The trial's epochs count from 0 (trialReports.ts): set on its first report read so; its relaunches keep it. */
      readonly epochsFromZero?: true;
    }
  | { readonly type: 'trial.decided'; readonly at: number; readonly trialId: TrialId; readonly decision: Exclude<Decision, { kind: 'continue' }> }
  | { readonly type: 'trial.stopRequested'; readonly at: number; readonly trialId: TrialId; readonly by: 'user' | 'scheduler' | 'shutdown' | 'timeout' }
  | {
      readonly type: 'trial.ended';
      readonly at: number;
      readonly trialId: TrialId;
      readonly status: TrialStatus;
      readonly exit: ExitInfo;
      /** Why a trial failed, in words ("metric val_loss never reported", "exit code 2", "spawn ENOENT ..."). */
      readonly reason?: string;
      /** The last output lines when it failed, for the failure message. */
      readonly tail?: readonly string[];
      /** The objective value recorded for the trial (best seen, in the user's direction), null if none. */
      readonly value: number | null;
      readonly step: number | null;
    }
  | { readonly type: 'study.ended'; readonly at: number; readonly reason: 'budgetExhausted' | 'samplerExhausted' | 'userStopped' | 'timeout' | 'error'; readonly detail?: string };

export interface SequencedEvent {
  /** 1-based position in the log. */
  readonly seq: number;
  readonly event: StudyEvent;
}
