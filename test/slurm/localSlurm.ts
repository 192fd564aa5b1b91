/**
 * The local one-node Slurm cluster the slurm launcher's tests run against (test/slurm/start-local-slurm.sh).
 * Without Slurm installed the tests skip, except under CI (`CI` set), where they fail: CI installs it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const startScript = path.resolve(__dirname, 'start-local-slurm.sh');
export const trialScript = path.resolve(__dirname, 'trial.mjs');

const TOOLS = ['salloc', 'srun', 'scancel', 'squeue', 'sinfo', 'slurmctld', 'slurmd'];

/** Whether Slurm's client and daemons are installed (the daemons may live in /usr/sbin, off a user's PATH). */
export function slurmInstalled(): boolean {
  const probe = spawnSync('sh', ['-c', `PATH="$PATH:/usr/sbin:/sbin"; for t in ${TOOLS.join(' ')}; do command -v "$t" >/dev/null || exit 1; done`]);
  return probe.status === 0;
}

/** Whether the tests must run (and fail without Slurm) rather than skip. */
export const slurmRequired = Boolean(process.env['CI']);

/** Starts (or checks) the local cluster; throws with the script's own explanation when it cannot. */
export function ensureLocalSlurm(): void {
  if (!slurmInstalled()) {
    throw new Error(
      'Slurm is not installed, and CI is set: CI must run test/slurm/start-local-slurm.sh before the tests (it installs slurm-wlm and munge from Debian and starts a one-node cluster)',
    );
  }
  try {
    execFileSync('bash', [startScript], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`test/slurm/start-local-slurm.sh could not start the local Slurm cluster:\n${stderr || String(error)}`);
  }
}

/** The job's state as squeue lists it (PENDING, RUNNING, COMPLETING...), or undefined once it is gone or finished. */
export function jobState(jobId: string): string | undefined {
  const out = spawnSync('squeue', ['--noheader', '--format=%T', `--jobs=${jobId}`], { encoding: 'utf8' });
  const state = out.stdout.trim();
  return state === '' || ['COMPLETED', 'CANCELLED', 'FAILED', 'TIMEOUT'].includes(state) ? undefined : state;
}

/** The job's name as squeue lists it. */
export function jobName(jobId: string): string {
  return spawnSync('squeue', ['--noheader', '--format=%j', `--jobs=${jobId}`], { encoding: 'utf8' }).stdout.trim();
}

/**
 * Pids of running processes whose environment contains `NAME=value`: salloc, srun and the trial's own
 * processes (on this one-node cluster they run here) all carry the trial's environment.
 */
export function processesWith(name: string, value: string): number[] {
  const needle = `${name}=${value}`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (/^\d+ \(.*\) Z/s.test(stat)) continue; // a zombie runs nothing
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(needle)) found.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

/** Pids of the slurm launcher's reaper processes started by process `parent`. */
export function reapersOf(parent: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const ppid = /^PPid:\s*(\d+)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      if (cmdline.includes('rung-slurm-reaper') && Number(ppid) === parent) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}
