/**
 * The single-writer lock of a study: `<root>/<study>/study.lock` holds `{pid, host, startedAt, token}`
 * of the process that appends to the study's log. `rung stop` reads it to find whom to signal.
 *
 * - Created atomically *with its content*: the JSON is written to a temp file which is then hard-linked
 *   to `study.lock` (link fails if the lock exists), so nobody ever sees an empty lock that is being
 *   written. Where hard links are not supported, `open(wx)` + write is the fallback.
 * - A lock whose pid is dead (ESRCH), or whose content is not a lock, is stale and taken over: temp
 *   file + rename, then re-read to confirm that our token is the one that landed.
 * - A lock from another host (a shared file system) cannot be checked and counts as alive.
 * - The same pid as ours with a token this thread does not hold: taken before this process started, it is
 *   a previous process whose pid was reused (common in containers, where the CLI is often pid 1): stale;
 *   taken since, another thread of this process holds it (a study worker thread): alive.
 * - Known limit: two processes taking over the *same* stale lock within microseconds can both
 *   confirm; rename has no compare-and-swap. Starting one crashed study twice at once is rare.
 */
import { randomUUID } from 'node:crypto';
import { link, open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { displayPath, lockFile } from './storePaths';

/** Who holds a study's lock. */
export interface LockInfo {
  readonly pid: number;
  readonly host: string;
  /** Epoch milliseconds when the lock was taken. */
  readonly startedAt: number;
}

/** A lock as read by {@link readLock}. */
export interface LockStatus extends LockInfo {
  /**
   * Whether the holder looks alive: its pid exists on this host (or is ours and held). A lock from
   * another host is reported alive, since it cannot be checked from here: compare `host` with
   * `os.hostname()` before signalling `pid`.
   */
  readonly alive: boolean;
}

interface LockContent extends LockInfo {
  /** Random per acquisition: tells our lock from a stale one with the same pid. */
  readonly token?: string;
}

/** Another live process is the study's writer. */
export class StudyLockedError extends Error {
  override readonly name = 'StudyLockedError';

  constructor(
    readonly study: string,
    readonly pid: number,
    readonly host: string,
    readonly lockPath: string,
  ) {
    super(
      host === os.hostname()
        ? `study "${study}" is already being run by process ${pid} (lock ${displayPath(lockPath)}); stop it with "rung stop ${study}" first`
        : `study "${study}" is already being run by process ${pid} on host ${host} (lock ${displayPath(lockPath)}); ` +
            `stop it there with "rung stop ${study}", or delete the lock if that run is gone`,
    );
  }
}

/** A lock this process holds. */
export interface HeldLock {
  readonly file: string;
  /** Deletes the lock file if it is still ours (someone may have taken over a lock they thought stale). */
  release(): Promise<void>;
}

// Tokens of the locks this process holds, so a second writer in the same process is refused.
const heldTokens = new Set<string>();

/** Takes the lock of `study` or throws {@link StudyLockedError}. The study folder must exist. */
export async function acquireStudyLock(root: string, study: string): Promise<HeldLock> {
  const file = lockFile(root, study);
  const content: LockContent = { pid: process.pid, host: os.hostname(), startedAt: Date.now(), token: randomUUID() };
  const token = content.token ?? '';
  const temp = `${file}.${process.pid}.${token}.tmp`;
  try {
    // A few rounds: the lock may vanish or change between our attempts (another process releasing or taking over).
    for (let attempt = 0; attempt < 5; attempt++) {
      // (Re)written each round: a takeover renames it away.
      await writeFile(temp, JSON.stringify(content) + '\n');
      if (await createExclusive(temp, file, content)) return hold(file, token);
      const current = await readLockContent(file);
      if (current === 'missing') continue;
      if (current !== 'garbage' && isAlive(current)) {
        throw new StudyLockedError(study, current.pid, current.host, file);
      }
      // Stale: replace it atomically, then make sure ours is the one that landed.
      await rename(temp, file);
      const after = await readLockContent(file);
      if (after !== 'missing' && after !== 'garbage' && after.token === token) return hold(file, token);
    }
    throw new Error(`could not take the lock ${displayPath(file)}: it keeps changing; is another process starting "${study}"?`);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** The holder of a study's lock, or undefined when there is no lock (or it is not a valid lock). */
export async function readLock(root: string, study: string): Promise<LockStatus | undefined> {
  const content = await readLockContent(lockFile(root, study));
  if (content === 'missing' || content === 'garbage') return undefined;
  return { pid: content.pid, host: content.host, startedAt: content.startedAt, alive: isAlive(content) };
}

/** True if `pid` is a live process on this host (EPERM: alive but not ours to signal). */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Only ESRCH proves it is gone; anything else (EPERM, ...) keeps the lock safe.
    return code !== 'ESRCH';
  }
}

/** When this process started, in epoch milliseconds (`process.uptime()` is the process's in every thread). */
function processStartedAt(): number {
  return Date.now() - process.uptime() * 1000;
}

function isAlive(lock: LockContent): boolean {
  if (lock.host !== os.hostname()) return true;
  if (lock.pid === process.pid) {
    if (lock.token !== undefined && heldTokens.has(lock.token)) return true;
    // Not this thread's: another thread of this process holds it (a study worker; `heldTokens` is per
    // thread) when it was taken after this process started; an older one is a previous process's.
    return lock.startedAt >= processStartedAt();
  }
  return isPidAlive(lock.pid);
}

/**
 * Deletes the lock of `study` when this process took it at or after `takenSince` (epoch ms) and this thread
 * does not hold it: for a host whose study worker thread ended without releasing it (terminated, crashed),
 * so the study can be resumed from this process. Returns true when it deleted one.
 */
export async function releaseAbandonedLock(root: string, study: string, takenSince: number): Promise<boolean> {
  const file = lockFile(root, study);
  const current = await readLockContent(file);
  if (current === 'missing' || current === 'garbage') return false;
  if (current.host !== os.hostname() || current.pid !== process.pid || current.startedAt < takenSince) return false;
  if (current.token !== undefined && heldTokens.has(current.token)) return false;
  await unlink(file).catch(() => undefined);
  return true;
}

function hold(file: string, token: string): HeldLock {
  heldTokens.add(token);
  let released = false;
  return {
    file,
    async release() {
      if (released) return;
      released = true;
      heldTokens.delete(token);
      const current = await readLockContent(file);
      if (current !== 'missing' && current !== 'garbage' && current.token === token) {
        await unlink(file).catch(() => undefined);
      }
    },
  };
}

/** Creates `file` from `temp` only if it does not exist. False when it exists. */
async function createExclusive(temp: string, file: string, content: LockContent): Promise<boolean> {
  try {
    await link(temp, file);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EXDEV') throw e;
  }
  // No hard links on this file system.
  try {
    const handle = await open(file, 'wx');
    try {
      await handle.writeFile(JSON.stringify(content) + '\n');
    } finally {
      await handle.close();
    }
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

async function readLockContent(file: string): Promise<LockContent | 'missing' | 'garbage'> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw e;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'garbage';
  }
  if (typeof value !== 'object' || value === null) return 'garbage';
  const { pid, host, startedAt, token } = value as Record<string, unknown>;
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return 'garbage';
  if (typeof host !== 'string' || typeof startedAt !== 'number') return 'garbage';
  return { pid, host, startedAt, ...(typeof token === 'string' ? { token } : {}) };
}
