/**
 * The reaper's protocol with real processes: a sentinel process group stands for a trial, and the reaper is
 * told about it as processTree.ts tells it. The exit hook's side (a `rung run` that exits in order disarms its
 * reaper) is in test/cli/cli.test.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isGroupAlive, isTrialGroupAlive, REAPER_DISARM_LINE, spawnReaper } from '../../../src/engine/runner/processTree';

const started: ChildProcess[] = [];

const temps: string[] = [];

afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  for (const child of started.splice(0)) {
    try {
      process.kill(-(child.pid ?? 0), 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** A process leading its own group, like a trial; resolves with the signal that ends it. */
function sentinel(): { pgid: number; ended: Promise<NodeJS.Signals | null> } {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
  started.push(child);
  const ended = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  return { pgid: child.pid ?? -1, ended };
}

function reaperFor(lines: string): { exited: Promise<number | null>; close: () => void } {
  const reaper = spawnReaper();
  started.push(reaper);
  const exited = new Promise<number | null>((resolve) => reaper.once('exit', (code) => resolve(code)));
  reaper.stdin?.write(lines);
  return { exited, close: () => reaper.stdin?.end() };
}

describe.skipIf(process.platform === 'win32')('the reaper', () => {
  it('signals the groups still listed when its stdin ends without a disarm (its process died)', async () => {
    const kept = sentinel();
    const gone = sentinel();
    const reaper = reaperFor(`+${kept.pgid}\n+${gone.pgid}\n-${kept.pgid}\n`);
    reaper.close();
    expect(await gone.ended).toBe('SIGTERM');
    expect(isGroupAlive(kept.pgid)).toBe(true); // told it was gone: never signalled
  });

  it('exits without signalling anything once disarmed (its process exited in order)', async () => {
    const group = sentinel();
    const reaper = reaperFor(`+${group.pgid}\n${REAPER_DISARM_LINE}`);
    reaper.close();
    expect(await reaper.exited).toBe(0);
    // The reaper is gone, so nothing can signal the group any more: it is alive now, and stays so.
    expect(isGroupAlive(group.pgid)).toBe(true);
  });
});

describe.skipIf(process.platform !== 'linux')('isTrialGroupAlive', () => {
  /** A trial-like group whose environment names `trialDir`; resolves once it runs (its environ is its own). */
  async function trialGroup(trialDir: string): Promise<number> {
    const child = spawn(process.execPath, ['-e', 'console.log("up"); setInterval(() => {}, 1000)'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, RUNG_TRIAL_DIR: trialDir },
    });
    started.push(child);
    await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
    return child.pid ?? -1;
  }

  it('finds the trial by the folder its environment names, spelled the same, with non-ASCII letters, or through a symlink', async () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'rung-tree-'));
    temps.push(base);
    const dir = path.join(base, 'études', 'trials', '0');
    const other = path.join(base, 'other');
    mkdirSync(dir, { recursive: true });
    mkdirSync(other);
    symlinkSync(path.join(base, 'études'), path.join(base, 'link'));
    const pgid = await trialGroup(dir);
    expect(isTrialGroupAlive(pgid, dir)).toBe(true);
    expect(isTrialGroupAlive(pgid, path.join(base, 'link', 'trials', '0'))).toBe(true);
    expect(isTrialGroupAlive(pgid, other)).toBe(false);
    expect(isTrialGroupAlive(pgid, path.join(base, 'missing'))).toBe(false);
  });
});
