/**
 * The `slurm` launcher: every trial is its own Slurm job, started from this machine (a login node) as
 *
 *   salloc --job-name=rung:<study>:<trial> --nodes=1 --ntasks=1 [resources] [extra_args] --
 *     srun --ntasks=1 --chdir=<cwd> --export=ALL [--cpus-per-task=N] -- <argv>
 *
 * Why salloc + srun and not `sbatch --wait`: srun forwards the task's stdout and stderr to its own as they
 * are written, so lines reach the metric parser live and are appended to output.log here, like a local
 * trial's; sbatch writes to a file on the cluster that would have to be polled. Why not srun alone: salloc
 * prints the job id as soon as the job is submitted ("Pending/Granted job allocation N"), which `stop()`,
 * `dispose()` and a later resume need; plain srun prints it only with --verbose, among much else.
 *
 * - No shell anywhere: argv goes to execve as is, on the compute node too (srun execs it).
 * - The trial's environment (RUNG_*, PYTHONUNBUFFERED, the study's env) is salloc's environment, which srun
 *   carries to the task (`--export=ALL`; a value list in --export would break on RUNG_PARAMS's commas).
 *   Inherited SLURM_* and SRUN_* variables are dropped first (SLURM_CONF kept): started inside a Slurm job
 *   they would make srun run the trial as a step of that job, with its sizes.
 * - stop: `scancel --signal=TERM <job>`, then after the grace `scancel --signal=KILL <job>.0` (srun's step),
 *   and `scancel <job>` only if salloc has not released the job by then; a job still waiting in the queue is
 *   just cancelled. The task gets the signals from slurmstepd, wherever it runs. (SIGKILL to the job itself
 *   would only start Slurm's own TERM, KillWait, KILL sequence: a second TERM and up to KillWait, often 30 s,
 *   more.)
 * - Jobs do not outlive this process (their output comes through srun): if it dies without disposing
 *   (SIGKILL, crash), a small reaper process cancels the jobs still listed, since srun keeps a job running
 *   even when nobody reads its output; if the reaper dies too, a resume cancels them (`endLeftoverJobs`).
 * - Known limits: srun forwards output by lines, so a `\r` progress bar arrives at the next newline; and
 *   salloc must not get `--quiet` (its messages carry the job id).
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Readable } from 'node:stream';
import { systemClock } from '../util/clock';
import type { Clock } from '../util/clock';
import type { ExitInfo, ExternalRef, Launcher, LaunchSpec, OutputLine, TrialHandle } from './launcher';
import { createTrialOutput, endedLines } from './trialOutput';
import type { TrialOutput } from './trialOutput';

/** Resources and options of every trial's job (the study file's `launcher: {type: slurm, ...}`). */
export interface SlurmJobOptions {
  readonly partition?: string;
  readonly account?: string;
  readonly qos?: string;
  readonly cpusPerTask?: number;
  /** `--mem`: megabytes, or a number with a K/M/G/T suffix. */
  readonly mem?: string;
  /** GPUs per trial (`resources.gpus_per_trial`): `--gres=gpu[:<gpuType>]:<n>`. */
  readonly gpus?: number;
  readonly gpuType?: string;
  readonly constraint?: string;
  /** `--time` in seconds; default: the trial timeout + kill grace + 1 minute, when the trial has a timeout. */
  readonly timeSeconds?: number;
  /** More salloc options, each one argument (`--reservation=x`), after the ones above (so they win). */
  readonly extraArgs?: readonly string[];
}

export interface SlurmLauncherOptions {
  /** Study name, for the job names. */
  readonly study: string;
  readonly job: SlurmJobOptions;
  /** Stamps `OutputLine.at` (default: the system clock). */
  readonly clock?: Clock;
  /** Longest output line kept (see `createLineSplitter`). */
  readonly maxLineLength?: number;
}

/** Slack between Rung's own trial timeout (+ grace) and the job's time limit, so Rung's stop comes first. */
const TIME_LIMIT_MARGIN_S = 60;
/** How long to wait for salloc to print the job id before handing out a handle without it. */
const JOB_ID_WAIT_MS = 30_000;
/** After SIGKILL to the step, how long salloc may take to release the job by itself. */
const STEP_KILL_WAIT_MS = 5000;
/** After the final scancel, how long Slurm may take to end the job before we end our salloc/srun. */
const CANCEL_WAIT_MS = 30_000;
/** After a cancel we did not ask for (admin, time limit), how long Slurm may take (KillWait, epilog). */
const REVOKED_WAIT_MS = 120_000;
/** How long salloc may outlive its ended job before we take it for hung. */
const SALLOC_LINGER_MS = 2000;
/** Once salloc has exited, how long srun may still hold the pipes open. */
const PIPE_DRAIN_MS = 1000;
/** A Slurm tool call that takes longer than this is given up (controller unreachable). */
const TOOL_TIMEOUT_MS = 30_000;

/** `rung:<study>:<trial>`, with characters Slurm tools print awkwardly replaced. */
export function slurmJobName(study: string, trialId: string): string {
  return `rung:${study}:${trialId}`.replace(/[^A-Za-z0-9._:+-]/g, '_');
}

/** `--time` value: `D-HH:MM:SS`, rounded up to whole seconds. */
export function slurmTimeLimit(seconds: number): string {
  const total = Math.max(1, Math.ceil(seconds));
  const days = Math.floor(total / 86_400);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${days}-${two(Math.floor((total % 86_400) / 3600))}:${two(Math.floor((total % 3600) / 60))}:${two(total % 60)}`;
}

/** The full command for one trial (program first): salloc's options, then srun's, then the trial's argv. */
export function slurmCommand(spec: LaunchSpec, job: SlurmJobOptions, jobName: string): string[] {
  const alloc = [`--job-name=${jobName}`, '--nodes=1', '--ntasks=1'];
  if (job.partition !== undefined) alloc.push(`--partition=${job.partition}`);
  if (job.account !== undefined) alloc.push(`--account=${job.account}`);
  if (job.qos !== undefined) alloc.push(`--qos=${job.qos}`);
  if (job.cpusPerTask !== undefined) alloc.push(`--cpus-per-task=${job.cpusPerTask}`);
  if (job.mem !== undefined) alloc.push(`--mem=${job.mem}`);
  if (job.gpus !== undefined && job.gpus > 0) alloc.push(`--gres=gpu:${job.gpuType !== undefined ? `${job.gpuType}:` : ''}${job.gpus}`);
  if (job.constraint !== undefined) alloc.push(`--constraint=${job.constraint}`);
  const timeSeconds =
    job.timeSeconds ?? (spec.timeoutMs !== undefined ? (spec.timeoutMs + spec.killGraceMs) / 1000 + TIME_LIMIT_MARGIN_S : undefined);
  if (timeSeconds !== undefined) alloc.push(`--time=${slurmTimeLimit(timeSeconds)}`);
  alloc.push(...(job.extraArgs ?? []));
  const step = ['--ntasks=1', `--chdir=${spec.cwd}`, '--export=ALL'];
  // Slurm 22.05 steps no longer inherit the allocation's --cpus-per-task; say it again.
  if (job.cpusPerTask !== undefined) step.push(`--cpus-per-task=${job.cpusPerTask}`);
  return ['salloc', ...alloc, '--', 'srun', ...step, '--', ...spec.argv];
}

/** This process's environment for salloc: without the variables of a Slurm job we may be running inside. */
export function submitEnvironment(parent: NodeJS.ProcessEnv, trial: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(parent)) {
    if (value === undefined) continue;
    if ((key.startsWith('SLURM_') && key !== 'SLURM_CONF') || key.startsWith('SRUN_')) continue;
    env[key] = value;
  }
  return { ...env, ...trial };
}

/**
 * Creates the slurm launcher (`id: 'slurm'`). `launch()` resolves once salloc has printed the job id (the job
 * is queued or running: `external` is `{kind: 'slurm', jobId}`), or with a `launchFailed` handle when the job
 * could not be submitted (salloc's error in `detail`), salloc is missing, or the cwd does not exist. A program
 * the compute node cannot execute is `launchFailed` too. Queue time does not count against `timeoutMs`.
 */
export function createSlurmLauncher(options: SlurmLauncherOptions): Launcher {
  const clock = options.clock ?? systemClock;
  const live = new Set<SlurmTrial>();
  let disposed = false;
  return {
    id: 'slurm',
    launch(spec: LaunchSpec): Promise<TrialHandle> {
      if (disposed) return Promise.resolve(failedHandle('launcher disposed'));
      const trial = new SlurmTrial(spec, options, clock);
      live.add(trial);
      void trial.exited.then(() => live.delete(trial));
      return trial.ready;
    },
    async dispose(): Promise<void> {
      disposed = true;
      await Promise.all([...live].map((trial) => trial.stop()));
    },
  };
}

const SALLOC_JOB_ID = /^salloc: (?:Pending|Granted) job allocation (\d+)/;
const SALLOC_GRANTED = /^salloc: (?:Granted job allocation|job \d+ has been allocated resources)/;
const SALLOC_ERROR = /^salloc: error: (.*)$/;
// salloc shares stderr with the trial: a message that follows a last trial line without a newline
// (`err tailsalloc: Job allocation 5 has been revoked.`) is split off onto its own line by createTrialOutput.
const SALLOC_REVOKED = /^salloc: Job allocation \d+ has been revoked/;
/** slurmstepd's report of a program it could not exec (`slurmstepd-node1: error: execve(): x: No such file...`). */
const STEPD_EXECVE = /^slurmstepd(?:-[^:\s]+)?: error: execve\(\): (.*)$/;

class SlurmTrial {
  readonly ready: Promise<TrialHandle>;
  readonly exited: Promise<ExitInfo>;
  private readonly jobName: string;
  private readonly output: TrialOutput | undefined;
  private child: ChildProcess | undefined;
  private jobId: string | undefined;
  private granted = false;
  private childExited = false;
  private requested: 'stopped' | 'timedOut' | undefined;
  private terminating: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly submitErrors: string[] = [];
  private execveError: string | undefined;
  private readonly problems: string[] = [];
  private readonly exitSeen: Promise<void>;
  private resolveReady: (handle: TrialHandle) => void = noop;

  constructor(
    private readonly spec: LaunchSpec,
    options: SlurmLauncherOptions,
    clock: Clock,
  ) {
    this.jobName = slurmJobName(options.study, spec.trialId);
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
    const cwdProblem = directoryProblem(spec.cwd);
    if (cwdProblem !== undefined) {
      this.exited = Promise.resolve(launchFailed(cwdProblem));
      this.exitSeen = Promise.resolve();
      this.resolveReady(failedHandle(cwdProblem));
      return;
    }
    const output = createTrialOutput(spec.trialDir, clock, options.maxLineLength, 'salloc: ');
    this.output = output;
    output.onLine((line) => this.watch(line));
    const [program, ...args] = slurmCommand(spec, options.job, this.jobName);
    let spawnError: Error | undefined;
    const child = spawn(program as string, args, {
      cwd: spec.cwd,
      env: submitEnvironment(process.env, spec.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own session: a Ctrl-C meant for Rung must not reach salloc/srun; Rung cancels the job itself.
      detached: true,
    });
    this.child = child;
    const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', (error) => {
        // Only a failed spawn is reported without 'exit'; a failed kill() also lands here and is ignored.
        if (child.pid === undefined) {
          spawnError = error;
          resolve({ code: null, signal: null });
        }
      });
    });
    this.exitSeen = exit.then(() => {
      this.childExited = true;
    });
    const pipesClosed = [child.stdout, child.stderr].map(
      (stream, i) =>
        new Promise<void>((resolve) => {
          const name: OutputLine['stream'] = i === 0 ? 'stdout' : 'stderr';
          stream.on('data', (chunk: Buffer) => output.push(name, chunk));
          stream.on('error', noop); // a read error just ends the stream; 'close' follows
          stream.once('close', () => {
            // As the local launcher does: this stream's last partial line goes out now, in its place
            // before the other stream's later lines, not at output.close() after both.
            output.end(name);
            resolve();
          });
        }),
    );
    const idTimer = setTimeout(() => this.resolveReady(this.handle()), JOB_ID_WAIT_MS);

    this.exited = (async (): Promise<ExitInfo> => {
      const { code, signal } = await exit;
      clearTimeout(idTimer);
      if (this.timer !== undefined) clearTimeout(this.timer);
      await drain(pipesClosed, [child.stdout, child.stderr]);
      const logError = await output.close();
      if (logError !== undefined) this.problems.push(logError);
      // salloc that ended by itself has released the job; one we had to kill may have left it: the reaper keeps it.
      if (this.jobId !== undefined && code !== null) reaperForget(this.jobId);
      if (spawnError !== undefined) return launchFailed(describeSpawnError(spawnError));
      if (this.requested === undefined) {
        if (this.jobId === undefined && this.submitErrors.length > 0) {
          return launchFailed(`job not submitted: ${this.submitErrors.join('; ')}`);
        }
        if (this.execveError !== undefined && code !== 0) return launchFailed(`on the compute node, execve(): ${this.execveError}`);
      }
      const info: ExitInfo = { code, signal, cause: this.requested ?? 'exited' };
      return this.problems.length === 0 ? info : { ...info, detail: this.problems.join('; ') };
    })().catch((error: unknown): ExitInfo => {
      void output.close();
      return { code: null, signal: null, cause: this.requested ?? 'exited', detail: `runner error: ${String(error)}` };
    });
    // No job id came (failed submission, missing salloc): hand out the handle at the end.
    void this.exited.then(() => this.resolveReady(this.handle()));
  }

  /** Idempotent; resolves once salloc has exited and the output is closed. */
  stop(graceMs?: number): Promise<void> {
    if (!this.childExited) this.requested ??= 'stopped';
    void this.terminate(graceMs ?? this.spec.killGraceMs);
    return this.exited.then(noop);
  }

  private handle(): TrialHandle {
    const external: ExternalRef = this.jobId !== undefined ? { kind: 'slurm', jobId: this.jobId } : { kind: 'none' };
    return {
      external,
      lines: this.output?.lines ?? endedLines(),
      exited: this.exited,
      stop: (graceMs?: number) => this.stop(graceMs),
    };
  }

  /** Reads salloc's and slurmstepd's messages out of the trial's stderr. */
  private watch(line: OutputLine): void {
    const { text } = line;
    // Cancelled by anyone (us, an admin, the time limit): salloc should follow; make sure it does.
    if (line.stream === 'stderr' && SALLOC_REVOKED.test(text) && this.jobId !== undefined && this.child?.pid !== undefined && this.terminating === undefined) {
      this.terminating = this.awaitJobEnd(this.child.pid, this.jobId, REVOKED_WAIT_MS);
    }
    if (line.stream === 'stderr' && text.startsWith('salloc: ')) {
      if (this.jobId === undefined) {
        const id = SALLOC_JOB_ID.exec(text);
        if (id) {
          this.jobId = id[1] as string;
          reaperTrack(this.jobId);
          this.resolveReady(this.handle());
        }
        const error = SALLOC_ERROR.exec(text);
        if (error) this.submitErrors.push(error[1] as string);
      }
      if (SALLOC_GRANTED.test(text)) this.markGranted();
      return;
    }
    // Anything else comes from the job's step, so the job holds its resources by now.
    this.markGranted();
    const execve = line.stream === 'stderr' ? STEPD_EXECVE.exec(text) : null;
    if (execve) this.execveError ??= execve[1] as string;
  }

  /** The job holds its resources: the trial's own clock (timeoutMs) starts. */
  private markGranted(): void {
    if (this.granted || this.childExited) return;
    this.granted = true;
    const { timeoutMs } = this.spec;
    if (timeoutMs === undefined) return;
    this.timer = setTimeout(() => {
      if (this.childExited) return;
      this.requested ??= 'timedOut';
      void this.terminate(this.spec.killGraceMs);
    }, Math.max(0, timeoutMs));
  }

  private terminate(graceMs: number): Promise<void> {
    this.terminating ??= this.terminateOnce(Math.max(0, graceMs));
    return this.terminating;
  }

  private async terminateOnce(graceMs: number): Promise<void> {
    const child = this.child;
    if (!child || child.pid === undefined || this.childExited) return;
    const jobId = this.jobId;
    if (jobId === undefined) {
      // No id yet (salloc still submitting): a signalled salloc withdraws its request; cancel by name in case it got in.
      signalGroup(child.pid, 'SIGTERM');
      await scancel([`--name=${this.jobName}`, `--user=${currentUser()}`]);
      if (await this.exitWithin(graceMs)) return;
      signalGroup(child.pid, 'SIGKILL');
      return;
    }
    if (!this.granted) {
      // Still queued: nothing runs yet, so no grace is owed.
      this.note(await scancel([jobId]));
    } else {
      this.note(await scancel(['--signal=TERM', jobId]));
      if (await this.exitWithin(graceMs)) return;
      // The task dies at once, srun returns and salloc releases the job by itself: no revoke racing that release.
      await killStep(jobId);
      if (await this.exitWithin(STEP_KILL_WAIT_MS)) return;
      // No step yet, or steps the trial started itself: end the whole job.
      this.note(await scancel([jobId]));
    }
    await this.awaitJobEnd(child.pid, jobId, CANCEL_WAIT_MS);
  }

  /**
   * Waits for salloc to exit after a cancel. If Slurm is done with the job but salloc still waits (a revoke
   * that crossed its own release leaves it hanging), or Slurm does not end the job in time, salloc is killed.
   */
  private async awaitJobEnd(pid: number, jobId: string, waitMs: number): Promise<void> {
    const ref = { jobId, jobName: this.jobName };
    const deadline = Date.now() + waitMs;
    let goneSince: number | undefined;
    let gone = false;
    while (Date.now() < deadline) {
      if (await this.exitWithin(250)) return;
      gone = (await liveJobs([ref])).length === 0;
      if (!gone) goneSince = undefined;
      else if (Date.now() - (goneSince ??= Date.now()) >= SALLOC_LINGER_MS) break;
    }
    if (!gone) this.problems.push(`job ${jobId} did not end after it was cancelled; it may still be running`);
    signalGroup(pid, 'SIGKILL');
  }

  private note(problem: string | undefined): void {
    if (problem !== undefined) this.problems.push(problem);
  }

  private async exitWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    const ended = await Promise.race([this.exitSeen.then(() => true as const), timeout]);
    clearTimeout(timer);
    return ended;
  }
}

/** A job of an earlier study process, as its `trial.launched` event recorded it. */
export interface SlurmJobRef {
  readonly jobId: string;
  readonly jobName: string;
}

/**
 * Ends jobs an earlier study process left queued or running (it was killed before it could cancel them):
 * only those that still exist under the expected name, so a recycled job id is never touched. TERM, then
 * after `graceMs` KILL and cancel; resolves once they are gone (or after a bounded wait). Returns the ids
 * that were still there.
 */
export async function endLeftoverJobs(jobs: readonly SlurmJobRef[], graceMs: number): Promise<string[]> {
  const alive = await liveJobs(jobs);
  if (alive.length === 0) return [];
  const filter = (job: SlurmJobRef): string[] => [`--name=${job.jobName}`, job.jobId];
  await Promise.all(alive.map((job) => scancel(['--signal=TERM', ...filter(job)])));
  const deadline = Date.now() + graceMs;
  let left = alive;
  while (left.length > 0 && Date.now() < deadline) {
    await delay(Math.min(500, Math.max(0, deadline - Date.now())));
    left = await liveJobs(left);
  }
  for (const job of left) {
    await killStep(job.jobId);
    await scancel(filter(job));
  }
  // The trial runs again in the same folder: wait (a while) until the old job is really gone.
  const gone = Date.now() + CANCEL_WAIT_MS;
  while (left.length > 0 && Date.now() < gone) {
    await delay(200);
    left = await liveJobs(left);
  }
  return alive.map((job) => job.jobId);
}

/** Terminal states of a job: its processes are gone. */
const FINISHED_STATES = new Set(['COMPLETED', 'CANCELLED', 'FAILED', 'TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE', 'OUT_OF_MEMORY']);

/** The jobs among `jobs` that squeue still lists under their name and not finished. If squeue fails, all of them. */
export async function liveJobs(jobs: readonly SlurmJobRef[]): Promise<SlurmJobRef[]> {
  if (jobs.length === 0) return [];
  const result = await runTool('squeue', ['--noheader', '--format=%i|%j|%T', `--jobs=${jobs.map((j) => j.jobId).join(',')}`]);
  if (result.error !== undefined && !/Invalid job id/i.test(result.stderr)) return [...jobs];
  const listed = new Map<string, { name: string; state: string }>();
  for (const row of result.stdout.split('\n')) {
    const [id, name, state] = row.trim().split('|');
    if (id && name !== undefined && state !== undefined) listed.set(id, { name, state });
  }
  return jobs.filter((job) => {
    const found = listed.get(job.jobId);
    return found !== undefined && found.name === job.jobName && !FINISHED_STATES.has(found.state);
  });
}

// --- the reaper: cancels listed jobs when this process goes away without cancelling them itself ---

/**
 * Reads `+<id>` / `-<id>` lines; at end of input (this process exited, or has no job left) cancels the ids
 * still listed. Ids are digits only, so the unquoted expansion is safe.
 */
const REAPER_SCRIPT = [
  'ids=""',
  'while IFS= read -r line; do',
  '  id=${line#?}',
  '  case $line in',
  '    +*) ids="$ids $id" ;;',
  '    -*) kept=""; for j in $ids; do [ "$j" = "$id" ] || kept="$kept $j"; done; ids=$kept ;;',
  '  esac',
  'done',
  'set -- $ids',
  '[ $# -eq 0 ] || exec scancel "$@"',
].join('\n');
const trackedJobs = new Set<string>();
let reaper: ChildProcess | undefined;

function reaperTrack(jobId: string): void {
  if (trackedJobs.has(jobId)) return;
  trackedJobs.add(jobId);
  if (reaper) {
    reaper.stdin?.write(`+${jobId}\n`);
    return;
  }
  let child: ChildProcess;
  try {
    child = spawn('/bin/sh', ['-c', REAPER_SCRIPT, 'rung-slurm-reaper'], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  } catch {
    return; // a safety net only
  }
  reaper = child;
  child.on('error', noop);
  child.on('exit', () => {
    if (reaper === child) reaper = undefined;
  });
  child.stdin?.on('error', noop);
  // Neither the reaper nor its pipe may keep this process alive.
  child.unref();
  (child.stdin as { unref?: () => void } | null)?.unref?.();
  child.stdin?.write([...trackedJobs].map((id) => `+${id}\n`).join(''));
}

function reaperForget(jobId: string): void {
  if (!trackedJobs.delete(jobId)) return;
  const r = reaper;
  if (!r) return;
  r.stdin?.write(`-${jobId}\n`);
  if (trackedJobs.size === 0) {
    // Nothing left to guard: let it exit (with an empty list it cancels nothing).
    reaper = undefined;
    r.stdin?.end();
  }
}

// --- helpers ---

interface ToolResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly error?: string;
}

function runTool(program: string, args: readonly string[]): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(program, args, { timeout: TOOL_TIMEOUT_MS, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve(error ? { stdout, stderr, error: (stderr.trim() || error.message).split('\n')[0] ?? error.message } : { stdout, stderr });
    });
  });
}

/** SIGKILL to the trial's processes now: srun's step (the first of the job), not the job (see the top). */
async function killStep(jobId: string): Promise<void> {
  await scancel(['--signal=KILL', `${jobId}.0`]);
}

/** Runs scancel; returns what went wrong, if anything (a job that already ended is not a problem). */
async function scancel(args: readonly string[]): Promise<string | undefined> {
  const result = await runTool('scancel', args);
  if (result.error === undefined || /already completing or completed|Invalid job id/i.test(result.stderr)) return undefined;
  return `scancel ${args.join(' ')}: ${result.error}`;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // gone already
  }
}

let user: string | undefined;
function currentUser(): string {
  user ??= process.env['USER'] ?? userInfo().username;
  return user;
}

async function drain(done: readonly Promise<void>[], streams: readonly Readable[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), PIPE_DRAIN_MS)));
  const all = Promise.all(done);
  if ((await Promise.race([all, timeout])) === 'timeout') {
    for (const stream of streams) stream.destroy();
    await all;
  }
  clearTimeout(timer);
}

function directoryProblem(cwd: string): string | undefined {
  try {
    return statSync(cwd).isDirectory() ? undefined : `working directory is not a directory: ${cwd}`;
  } catch {
    // srun would run the trial in /tmp instead (with only a warning): refuse here.
    return `working directory not found: ${cwd}`;
  }
}

function describeSpawnError(error: Error): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT') return `${error.message}: salloc not found (is the Slurm client installed here and on PATH?)`;
  return error.message;
}

function launchFailed(detail: string): ExitInfo {
  return { code: null, signal: null, cause: 'launchFailed', detail };
}

function failedHandle(detail: string): TrialHandle {
  const exited = Promise.resolve(launchFailed(detail));
  return { external: { kind: 'none' }, lines: endedLines(), exited, stop: () => Promise.resolve() };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function noop(): void {}
