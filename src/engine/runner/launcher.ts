/**
 * Launching one trial's command. The runner never touches child processes directly; it sees a
 * TrialHandle with a stream of output lines, an exit promise and an idempotent stop.
 */
import type { TrialId } from '../../shared/ids';

export interface LaunchSpec {
  readonly trialId: TrialId;
  /** Rendered from the command template; argv[0] is the program. Never passed through a shell. */
  readonly argv: readonly [string, ...string[]];
  readonly cwd: string;
  /** Added to the parent environment (RUNG_*, PYTHONUNBUFFERED, CUDA_VISIBLE_DEVICES, user env). */
  readonly env: Readonly<Record<string, string>>;
  /** Per-trial folder (exists before launch); every output line is appended to `<trialDir>/output.log`. */
  readonly trialDir: string;
  /** Kill the trial (graceful, then forced) after this many ms; undefined = no limit. */
  readonly timeoutMs?: number;
  /** Time between the graceful signal (SIGTERM) and SIGKILL. */
  readonly killGraceMs: number;
}

export interface OutputLine {
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
  /** Clock time (ms) the line was read. */
  readonly at: number;
}

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: string | null;
  /**
   * - `exited`: the process ended by itself (any exit code).
   * - `stopped`: ended after `stop()` was called.
   * - `timedOut`: killed because `timeoutMs` elapsed.
   * - `launchFailed`: could not start (missing program, not executable, bad cwd); `detail` has the OS reason.
   */
  readonly cause: 'exited' | 'stopped' | 'timedOut' | 'launchFailed';
  readonly detail?: string;
}

/** What outlives this process if it dies: a local process group, a Slurm job (by id), or nothing. */
export type ExternalRef =
  | { readonly kind: 'pid'; readonly pid: number }
  | { readonly kind: 'slurm'; readonly jobId: string }
  | { readonly kind: 'none' };

export interface TrialHandle {
  readonly external: ExternalRef;
  /** Output lines, already split (CRLF, bare CR, ANSI stripped), stdout and stderr interleaved in arrival order. Ends when both streams close. */
  readonly lines: AsyncIterable<OutputLine>;
  /** Resolves once the process group is gone; never rejects. */
  readonly exited: Promise<ExitInfo>;
  /** Idempotent. SIGTERM to the whole process group, SIGKILL after `graceMs` (default: spec.killGraceMs). */
  stop(graceMs?: number): Promise<void>;
}

export interface Launcher {
  readonly id: string;
  /** Starts the command. Never rejects for a bad command: the handle's `exited` says `launchFailed`. */
  launch(spec: LaunchSpec): Promise<TrialHandle>;
  /** Stops every trial still running (study stop, Ctrl-C). */
  dispose(): Promise<void>;
}
