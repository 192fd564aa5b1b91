/**
 * The dashboard's host ⇄ webview contract, defined once and imported (types only) by the extension host
 * (src/extension/dashboard/) and the webview (webview-ui/). Two message maps, jupyter-style:
 *
 * - The host sends a full `study/snapshot` when the webview says it is ready, when the panel becomes
 *   visible again (VS Code drops messages posted to hidden webviews) and when the webview asks for a
 *   resync; in between it sends small revisioned `study/patch`es (throttled, row-shaped: only changed
 *   trials and new decisions, never the whole study).
 * - A patch applies only when `baseRev` equals the webview's current `rev`; otherwise the webview posts
 *   `study/resync` and waits for a snapshot. Revisions count up per panel, starting at 1.
 * - Curves (per-step values) are large, so rows carry only summary numbers; the webview asks for the
 *   curves it shows with `trial/requestCurves` and the host answers `trial/curves`.
 *
 * Every inbound message is validated in the host (src/extension/dashboard/guards.ts) before use.
 * String-literal unions only, no enums: this module must have no runtime values the webview would import,
 * except the protocol version constant.
 */
import type { StudyId, TrialId, TrialStatus } from './ids';

/** 2: snapshots and patches carry the early-stopping check (`rungCheck`); 3: rows carry `runMs`/`runningSince`. */
export const DASHBOARD_PROTOCOL_VERSION = 3;

/** A parameter value as shown: absent from `TrialRow.params` when the parameter was inactive (conditional). */
export type CellValue = number | string | boolean;

/** One search-space parameter: one table column and one parallel-coordinates axis. */
export interface ParamColumn {
  readonly name: string;
  readonly kind: 'float' | 'int' | 'categorical';
  /** Log-scaled numeric parameter (log axis). */
  readonly log: boolean;
  /** Numeric range from the study file. */
  readonly low?: number;
  readonly high?: number;
  /** Categorical choices in the study file's order (a categorical axis). */
  readonly choices?: readonly CellValue[];
  /** True when the parameter has a `when:` condition (may be missing from a trial). */
  readonly conditional: boolean;
}

/** The scheduler's plan: brackets × rungs (Hyperband/ASHA/SHA); one bracket of no rungs for fifo. */
export interface SchedulePlanView {
  /** Scheduler type from the study file: fifo, median, sha, hyperband, asha. */
  readonly scheduler: string;
  readonly mode: 'stopping' | 'promotion';
  readonly brackets: ReadonlyArray<{
    readonly bracket: number;
    /** Budgets (resource levels, in steps) of the rungs, ascending; rung i has budget rungs[i]. */
    readonly rungs: readonly number[];
    /** Trials per rung when the algorithm fixes them (synchronous SHA/Hyperband). */
    readonly trialsPerRung?: readonly number[];
  }>;
}

/** Study-level facts; sent in every snapshot and in a patch when any of them changed. */
export interface StudyHeader {
  readonly study: StudyId;
  /** Study file path, when known. */
  readonly file?: string;
  readonly state: 'new' | 'running' | 'finished' | 'stopped' | 'crashed';
  /** True while a live process (this window or a `rung` CLI) writes the study. */
  readonly live: boolean;
  /** The objective's name and direction. */
  readonly metric: string;
  readonly goal: 'minimize' | 'maximize';
  /** What the scripts call a step (epoch, step, iteration); "step" when unknown. */
  readonly stepUnit: string;
  readonly params: readonly ParamColumn[];
  readonly plan: SchedulePlanView;
  /** Trial counts by status. */
  readonly counts: Readonly<Partial<Record<TrialStatus, number>>>;
  readonly trialCount: number;
  /** `trials:` budget from the study file, if any. */
  readonly maxTrials?: number;
  readonly best: { readonly trialId: TrialId; readonly value: number; readonly step: number | null } | null;
  /** Epoch milliseconds. */
  readonly createdAt: number | null;
  readonly endedAt: number | null;
  readonly endReason: string | null;
  /** Sum of steps reported by all trials (the study's spend, in steps). */
  readonly totalSteps: number;
}

/** One trial as a table row: summary numbers only (its curve is fetched on demand). */
export interface TrialRow {
  readonly id: TrialId;
  readonly number: number;
  readonly status: TrialStatus;
  /** Parameter values by name; an inactive conditional parameter is absent. Empty until the trial is asked. */
  readonly params: Readonly<Record<string, CellValue>>;
  /** The trial's recorded value once ended, else its last reported value; null when none (or non-finite). */
  readonly value: number | null;
  /** Step of `value`. */
  readonly step: number | null;
  /** Best reported value so far in the study's direction. */
  readonly bestValue: number | null;
  /** How many objective reports the trial made. */
  readonly reports: number;
  /** Hyperband bracket, from the trial's plan. */
  readonly bracket: number | null;
  /** Highest rung the trial reached (its resource ≥ that rung's budget), null before the first rung. */
  readonly rung: number | null;
  /** The budget it was (last) launched with. */
  readonly budget: number | null;
  /** Epoch milliseconds. */
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  /**
   * Milliseconds its command ran in launches that ended; with `runningSince` (the start of the launch under
   * way, null between launches) the page shows how long it has run, not counting time paused at a rung.
   */
  readonly runMs: number;
  readonly runningSince: number | null;
  readonly launches: number;
  /** Why it ended as it did: the stop decision in words, the exit reason for failures. */
  readonly reason: string | null;
  /** Step at which a pruned trial stopped (drawn as a mark on curves and the PCP). */
  readonly prunedAtStep: number | null;
  /** Whether the host can stop it now (live and owned or followed). */
  readonly canStop: boolean;
}

/** A scheduler decision with its evidence, in log order. */
export interface DecisionRow {
  /** Event sequence number in the study log: unique, increasing; the webview dedups by it. */
  readonly seq: number;
  readonly trialId: TrialId;
  readonly kind: 'stop' | 'promote';
  /** Evidence rule for stops: rung, median, nonFinite, maxResource, notPromoted; 'promote' for promotions. */
  readonly rule: 'rung' | 'median' | 'nonFinite' | 'maxResource' | 'notPromoted' | 'promote';
  readonly rung: number | null;
  /** Resource (step) at which it was decided. */
  readonly step: number | null;
  /** Values in the user's direction (not normalised losses). */
  readonly value: number | null;
  /** The rung cutoff (or median) the value was compared against. */
  readonly threshold: number | null;
  readonly rank: number | null;
  readonly cohort: number | null;
  /** Trials whose values formed the cohort (for "compare with peers"). */
  readonly peers: readonly TrialId[];
  /** The decision in words, exactly as `rung show` says it. */
  readonly text: string;
  /** Epoch milliseconds when recorded. */
  readonly at: number | null;
}

/**
 * The early-stopping check `rung show` prints: for each rung below the full budget, Kendall's τ between
 * the trials' values at the rung and their final values, over the trials that ran to the full budget
 * (engine: schedulers/rungReliability.ts). Computed by the host; the texts are the CLI's.
 */
export interface RungCheckView {
  /** The full budget (in steps): only trials that ran to it count. */
  readonly maxBudget: number;
  /** One entry per rung below the full budget, ascending. */
  readonly rungs: ReadonlyArray<{
    /** Ladder index (the "rung 2" of the decisions and the plan). */
    readonly rung: number;
    /** The rung's budget, in steps. */
    readonly budget: number;
    /** Kendall's τ-b; null when undefined (fewer than 2 trials, or their values all tied). */
    readonly tau: number | null;
    /** Trials that ran to the full budget and reported at or past this rung. */
    readonly n: number;
    /** Why the rung is flagged ("ranks trials poorly: …"), null when it is not weak. */
    readonly note: string | null;
  }>;
  /** What to change when some rung ranks trials poorly (a later `min_budget`, or hyperband); null otherwise. */
  readonly hint: string | null;
}

/** One trial's objective values per step (user's direction; null = non-finite). */
export interface TrialCurve {
  readonly trialId: TrialId;
  readonly points: ReadonlyArray<readonly [step: number, value: number | null]>;
}

// ───────────────────────── messages

/** Host → webview. */
export interface HostMessages {
  'study/snapshot': {
    readonly rev: number;
    readonly header: StudyHeader;
    readonly trials: readonly TrialRow[];
    readonly decisions: readonly DecisionRow[];
    /** The early-stopping check; absent or null when the scheduler has no rung below the full budget. */
    readonly rungCheck?: RungCheckView | null;
  };
  'study/patch': {
    readonly rev: number;
    readonly baseRev: number;
    readonly header?: StudyHeader;
    /** Changed or new trials (replace the row with the same id). */
    readonly upsertTrials?: readonly TrialRow[];
    /** Decisions recorded since the base revision. */
    readonly appendDecisions?: readonly DecisionRow[];
    /** The early-stopping check, when it changed (null: it no longer applies). */
    readonly rungCheck?: RungCheckView | null;
  };
  /** Answer to `trial/requestCurves` (also pushed again for requested trials that changed, in a patch's wake). */
  'trial/curves': { readonly curves: readonly TrialCurve[] };
  /** Selection made elsewhere (the studies tree): select and reveal this trial. */
  'trial/select': { readonly trialId: TrialId };
  'host/error': { readonly message: string; readonly detail?: string };
}

/** Webview → host. The host validates each against these shapes before acting. */
export interface WebviewMessages {
  'webview/ready': { readonly protocol: number; readonly haveRev: number | null };
  'study/resync': { readonly haveRev: number | null };
  /** At most 200 ids per request. */
  'trial/requestCurves': { readonly trialIds: readonly TrialId[] };
  /** The user selected a trial in the dashboard (the host reveals it in the tree). */
  'trial/selected': { readonly trialId: TrialId };
  'trial/stop': { readonly trialId: TrialId };
  'trial/showOutput': { readonly trialId: TrialId };
  'trial/copyCommand': { readonly trialId: TrialId };
  'trial/rerun': { readonly trialId: TrialId; readonly fullBudget: boolean };
}

export type Envelope<M> = { [K in keyof M & string]: { readonly type: K; readonly payload: M[K] } }[keyof M & string];
export type HostEnvelope = Envelope<HostMessages>;
export type WebviewEnvelope = Envelope<WebviewMessages>;
