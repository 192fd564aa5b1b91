/**
 * POSIX process-group helpers: a trial is started as the leader of its own group (setsid), so
 * signalling `-pgid` reaches every descendant that did not leave the group on purpose.
 *
 * Windows has no process groups; a Windows port would use `taskkill /T /F /PID <pid>` (tree kill)
 * or a Job Object instead of the functions here.
 */

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';

/** Poll intervals while waiting for a group to disappear: start fast, back off to a cap. */
const POLL_START_MS = 5;
const POLL_MAX_MS = 50;
/** After SIGKILL a group normally vanishes within milliseconds; wait at most this long for it. */
const DEFAULT_KILL_WAIT_MS = 5000;

function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/**
 * Whether any process of group `pgid` is still running.
 *
 * `kill(-pgid, 0)` alone also counts zombies: a killed grandchild whose parent died is reparented to
 * PID 1 and stays a zombie until PID 1 reaps it, which in containers can take seconds or (with an init
 * that never reaps) forever. A zombie runs nothing and holds no pipe, so on Linux we look at
 * `/proc/<pid>/stat` and ignore zombies. EPERM (a member we may not signal) counts as alive.
 */
export function isGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    if (errorCode(error) === 'ESRCH') return false;
  }
  return hasRunningMember(pgid);
}

/** Last members seen running per group, checked first so a poll usually reads a few small files. */
const knownMembers = new Map<number, number[]>();

function hasRunningMember(pgid: number): boolean {
  const known = knownMembers.get(pgid);
  if (known !== undefined && known.some((pid) => procState(pid, pgid) === 'running')) return true;
  // None of the known ones is left: scan all of /proc once (a member may have forked a new one).
  let pids: string[];
  try {
    pids = readdirSync('/proc');
  } catch {
    return true; // no procfs (macOS, BSD): trust kill(), zombies included
  }
  const members: number[] = [];
  for (const name of pids) {
    const code = name.charCodeAt(0);
    if (code < 48 || code > 57) continue; // only the numeric entries are processes
    const pid = Number(name);
    if (procState(pid, pgid) === 'running') members.push(pid);
  }
  if (members.length === 0) {
    knownMembers.delete(pgid);
    return false;
  }
  knownMembers.set(pgid, members);
  return true;
}

/** `running` when `pid` is a live (non-zombie) member of `pgid`; `other` otherwise (gone, zombie, elsewhere). */
function procState(pid: number, pgid: number): 'running' | 'other' {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return 'other';
  }
  // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so parse after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ', 3);
  const state = fields[0];
  if (Number(fields[2]) !== pgid || state === 'Z' || state === 'X') return 'other';
  return 'running';
}

/** Sends `signal` to every process of group `pgid`. Returns false when the group is already gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    return errorCode(error) !== 'ESRCH';
  }
}

/** Resolves true as soon as group `pgid` is gone, or false once `timeoutMs` passed with it still alive. */
export async function waitForGroupExit(pgid: number, timeoutMs: number): Promise<boolean> {
  if (!isGroupAlive(pgid)) return true;
  const deadline = Date.now() + Math.max(0, timeoutMs);
  let interval = POLL_START_MS;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return !isGroupAlive(pgid);
    await new Promise<void>((resolve) => setTimeout(resolve, Math.min(interval, left)));
    if (!isGroupAlive(pgid)) return true;
    interval = Math.min(POLL_MAX_MS, interval * 2);
  }
}

/**
 * Ends group `pgid`: SIGTERM, up to `graceMs` for it to exit, then SIGKILL and up to `killWaitMs` more.
 * Sends nothing once the group is seen gone (its number may then be reused). Resolves true when gone.
 */
export async function terminateGroup(
  pgid: number,
  graceMs: number,
  killWaitMs: number = DEFAULT_KILL_WAIT_MS,
): Promise<boolean> {
  if (!isGroupAlive(pgid) || !signalGroup(pgid, 'SIGTERM')) return true;
  if (await waitForGroupExit(pgid, graceMs)) return true;
  if (!signalGroup(pgid, 'SIGKILL')) return true;
  return waitForGroupExit(pgid, killWaitMs);
}

/** Groups started by this Node process and not yet known to be gone. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

/**
 * The `exit` hook. Last resort when Node exits with trials alive (crash, `process.exit`, a second Ctrl-C):
 * SIGKILL them synchronously. Then every group this process knew of is gone or SIGKILLed — final: a member
 * cannot fork its way out of a SIGKILL sent to its group — so the reaper is disarmed. Without that it would
 * read end of file a moment later and signal those numbers again, SIGTERM and after its grace SIGKILL, by
 * which time a number may belong to an unrelated process.
 */
function killLiveGroupsSync(): void {
  for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
  liveGroups.clear();
  disarmReaper();
}

/**
 * The reaper: a tiny `/bin/sh` loop, in its own session, that outlives this Node process. We tell it on its
 * stdin which groups are live (`+pgid` / `-pgid` lines). When its stdin reaches end of file — this process
 * exited, however it died: the kernel closes the pipe even after SIGKILL, which runs no `exit` hook and which
 * Node cannot ask to be told of (no PR_SET_PDEATHSIG) — it sends SIGTERM to the groups still listed, waits
 * `REAPER_GRACE_S` seconds and sends SIGKILL. So a `rung run` killed with `kill -9`, or an extension host that
 * VS Code killed, leaves no trial running. Its own session keeps a terminal's Ctrl-C from killing it.
 *
 * An orderly exit runs the `exit` hook, which ends the live groups itself and then writes `disarm`: the
 * reaper exits at once without signalling anything. So only a death that skips the hook (SIGKILL, a fatal
 * error in Node itself, a worker thread terminated from outside) leaves the reaper armed at end of file.
 */
const REAPER_GRACE_S = 3;
/** The line that tells the reaper its process ended in order: exit without signalling anything. */
const REAPER_DISARM = 'disarm';
const REAPER_SCRIPT = [
  'g=" "',
  'while IFS= read -r l; do',
  '  case "$l" in',
  '    +*) g="$g${l#+} " ;;',
  '    -*) n="${l#-}"; case "$g" in *" $n "*) g="${g%% $n *} ${g#* $n }" ;; esac ;;',
  `    ${REAPER_DISARM}) exit 0 ;;`,
  '  esac',
  'done',
  'case "$g" in *[0-9]*) ;; *) exit 0 ;; esac',
  'for p in $g; do kill -TERM -"$p" 2>/dev/null; done',
  `sleep ${REAPER_GRACE_S}`,
  'for p in $g; do kill -KILL -"$p" 2>/dev/null; done',
].join('\n');
/** Marks the reaper in `ps`/`/proc/<pid>/cmdline` (it is the script's `$0`). */
export const REAPER_NAME = 'rung-reaper';
let reaper: ChildProcess | undefined;
let reaperFailed = false;

/**
 * Starts a reaper process. It is told, one line at a time on its stdin, `+pgid` (guard this group), `-pgid`
 * (it is gone) or {@link REAPER_DISARM_LINE}. Exported for tests of that protocol.
 */
export function spawnReaper(): ChildProcess {
  return spawn('/bin/sh', ['-c', REAPER_SCRIPT, REAPER_NAME], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
}

/** The line on which a reaper exits at once, signalling nothing. */
export const REAPER_DISARM_LINE = `${REAPER_DISARM}\n`;

/**
 * Disarms the reaper (see {@link killLiveGroupsSync}). The write is synchronous in practice: libuv writes to
 * an idle pipe at once, and nothing is pending on this one (a few bytes now and then, read at once). Should
 * it not get through, the reaper does what it does after a crash, which is safe.
 */
function disarmReaper(): void {
  const r = reaper;
  if (!r) return;
  reaper = undefined;
  r.stdin?.write(REAPER_DISARM_LINE);
}

/**
 * Tells the reaper one change of `liveGroups` (already made). Without a reaper running — the first group, or
 * the reaper was killed — it starts one and tells it every live group instead, so a new reaper never misses a
 * group an earlier one knew. Nothing on Windows or without /bin/sh.
 */
function tellReaper(line: string): void {
  if (process.platform === 'win32' || reaperFailed) return;
  if (reaper) {
    reaper.stdin?.write(`${line}\n`);
    return;
  }
  if (liveGroups.size === 0) return;
  let child: ChildProcess;
  try {
    child = spawnReaper();
  } catch {
    reaperFailed = true;
    return;
  }
  reaper = child;
  // Only this reaper's end clears it: one closed by closeReaper may exit after a new one started.
  child.on('error', () => {
    reaperFailed = true;
    if (reaper === child) reaper = undefined;
  });
  child.on('exit', () => {
    if (reaper === child) reaper = undefined;
  });
  // A write after the reaper died (killed by hand) must not crash the study: it is a safety net only.
  child.stdin?.on('error', () => undefined);
  // Neither the reaper nor its pipe may keep this process alive.
  child.unref();
  (child.stdin as { unref?: () => void } | null)?.unref?.();
  child.stdin?.write([...liveGroups].map((pgid) => `+${pgid}\n`).join(''));
}

/**
 * Ends the reaper once no group is live (its stdin closes: with nothing listed it exits at once) and waits
 * until its exit is seen, at most `timeoutMs`. For a worker thread that ran a study and is about to be
 * terminated: a child whose exit the thread's event loop never sees stays a zombie of the whole process.
 * Does nothing while a group is live (the reaper still guards it); a later group starts a new reaper.
 */
export async function closeReaper(timeoutMs = 2000): Promise<void> {
  const r = reaper;
  if (!r || liveGroups.size > 0) return;
  reaper = undefined;
  if (r.exitCode !== null || r.signalCode !== null) return;
  let timer: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve) => {
    r.once('exit', () => resolve());
    timer = setTimeout(resolve, timeoutMs);
    r.stdin?.end();
  });
  clearTimeout(timer);
}

/**
 * Registers a group to be ended if this Node process exits while it is alive: SIGKILLed by the `exit`
 * hook, and by the reaper (above) when the process dies without running it. A detached group would
 * otherwise outlive us; the orderly path is still `Launcher.dispose()` (graceful, awaited).
 */
export function trackGroup(pgid: number): void {
  liveGroups.add(pgid);
  tellReaper(`+${pgid}`);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', killLiveGroupsSync);
  }
}

/** Removes a group registered by {@link trackGroup} (it is gone). */
export function untrackGroup(pgid: number): void {
  if (liveGroups.delete(pgid)) tellReaper(`-${pgid}`);
  knownMembers.delete(pgid);
}

/**
 * Whether process group `pgid` still runs a process of the trial in `trialDir`: some running member's
 * environment names `trialDir` as RUNG_TRIAL_DIR. Used on resume to find trials orphaned by a study
 * process that was killed (SIGKILL runs no exit hook). The group is checked, not only its leader: the
 * leader often dies first (writing to the dead runner's pipe) while a data-loader worker it forked lives
 * on. The environment check means an unrelated process that reused the number is never signalled.
 * The folder may be named differently now than when the trial started (the log stores it relative to the
 * study folder, and this store root may be reached through a symlink): the same folder on disk counts too.
 * Linux only (procfs); elsewhere false.
 */
export function isTrialGroupAlive(pgid: number, trialDir: string): boolean {
  let pids: string[];
  try {
    pids = readdirSync('/proc');
  } catch {
    return false;
  }
  // Compared as bytes: the environment holds the path as the OS has it (UTF-8 for a non-ASCII name).
  const wanted = Buffer.from(trialDir, 'utf8');
  for (const name of pids) {
    const code = name.charCodeAt(0);
    if (code < 48 || code > 57) continue;
    const pid = Number(name);
    if (procState(pid, pgid) !== 'running') continue;
    let value: Buffer | undefined;
    try {
      value = environValue(readFileSync(`/proc/${pid}/environ`), TRIAL_DIR_PREFIX);
    } catch {
      continue; // gone, or not ours to read
    }
    if (value !== undefined && (value.equals(wanted) || sameFolder(value, trialDir))) return true;
  }
  return false;
}

const TRIAL_DIR_PREFIX = Buffer.from('RUNG_TRIAL_DIR=', 'utf8');

/** The value of the variable that `prefix` (`NAME=`) starts, in a NUL-separated environment block. */
function environValue(environ: Buffer, prefix: Buffer): Buffer | undefined {
  for (let start = 0; start < environ.length; ) {
    const nul = environ.indexOf(0, start);
    const end = nul === -1 ? environ.length : nul;
    if (end - start >= prefix.length && environ.subarray(start, start + prefix.length).equals(prefix)) return environ.subarray(start + prefix.length, end);
    start = end + 1;
  }
  return undefined;
}

/** Whether two paths name the same folder on disk (same device and inode); false when either is missing. */
function sameFolder(a: Buffer, b: string): boolean {
  try {
    const x = statSync(a, { bigint: true });
    const y = statSync(b, { bigint: true });
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}
