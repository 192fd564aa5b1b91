/** Identifiers and lifecycle states shared by the engine, the extension and the webview (types only). */

/** A study's name as written in its study file; also its folder under the store root. */
export type StudyId = string;
/** A trial's id: its 0-based number as a decimal string ("0", "1", ...), stable across resume. */
export type TrialId = string;

/**
 * Lifecycle of a trial. `queued`…`stopping` are live states; the rest are final.
 * - `paused`: promotion mode only: reached its rung's budget and waits to be promoted (relaunched with a
 *   larger budget) or, when the study ends, pruned.
 * - `completed`: exited 0 and reported the objective at least once (at the top budget).
 * - `pruned`: stopped by the scheduler (early stopping), never `failed`.
 * - `failed`: could not start, exited non-zero, timed out, or never reported the objective.
 * - `stopped`: stopped by the user or by a study stop.
 * - `lost`: the engine lost track of it (crash); re-run on resume.
 */
export type TrialStatus =
  | 'queued'
  | 'launching'
  | 'running'
  | 'stopping'
  | 'paused'
  | 'completed'
  | 'pruned'
  | 'failed'
  | 'stopped'
  | 'lost';

export const finalStatuses: readonly TrialStatus[] = ['completed', 'pruned', 'failed', 'stopped', 'lost'];
