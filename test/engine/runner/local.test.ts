/**
 * Process-level tests of the local launcher: every test runs real processes (test/fixtures/fake-trainer.mjs).
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createLocalLauncher } from '../../../src/engine/runner/local';
import type { Launcher, LaunchSpec, OutputLine, TrialHandle } from '../../../src/engine/runner/launcher';

const FAKE = resolve(__dirname, '../../fixtures/fake-trainer.mjs');
const NODE = process.execPath;

const root = mkdtempSync(join(tmpdir(), 'rung-local-'));
const launchers: Launcher[] = [];

afterEach(async () => {
  // A failing test must not leave processes behind.
  await Promise.all(launchers.splice(0).map((launcher) => launcher.dispose()));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function trialDir(): string {
  return mkdtempSync(join(root, 't-'));
}

function launcher(options?: Parameters<typeof createLocalLauncher>[0]): Launcher {
  const created = createLocalLauncher(options);
  launchers.push(created);
  return created;
}

function spec(args: readonly string[], extra: Partial<LaunchSpec> = {}): LaunchSpec {
  const dir = extra.trialDir ?? trialDir();
  return {
    trialId: '0',
    argv: [NODE, FAKE, ...args],
    cwd: dir,
    env: {},
    trialDir: dir,
    killGraceMs: 2000,
    ...extra,
  };
}

async function collect(lines: AsyncIterable<OutputLine>): Promise<OutputLine[]> {
  const out: OutputLine[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

/** Reads lines until one matches, then keeps draining in the background; returns the lines seen so far. */
async function waitForLine(handle: TrialHandle, match: RegExp): Promise<{ seen: string[]; rest: Promise<string[]> }> {
  const iterator = handle.lines[Symbol.asyncIterator]();
  const seen: string[] = [];
  for (;;) {
    const next = await iterator.next();
    if (next.done === true) throw new Error(`stream ended before ${String(match)}; saw ${JSON.stringify(seen)}`);
    seen.push(next.value.text);
    if (match.test(next.value.text)) break;
  }
  const rest = (async () => {
    const more: string[] = [];
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return more;
      more.push(next.value.text);
    }
  })();
  return { seen, rest };
}

/**
 * Whether `pid` is a running process. A killed process whose parent is gone stays a zombie until PID 1
 * reaps it (seconds in some containers); a zombie runs nothing, so it counts as dead here.
 */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

async function waitNotRunning(pid: number, timeoutMs = 3000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRunning(pid)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return !isRunning(pid);
}

function grandchildPid(lines: readonly string[]): number {
  const line = lines.find((text) => text.startsWith('grandchild_pid='));
  if (line === undefined) throw new Error(`no grandchild_pid line in ${JSON.stringify(lines)}`);
  return Number(line.slice('grandchild_pid='.length));
}

describe('createLocalLauncher', () => {
  it('streams the lines in order, writes them to output.log and reports a clean exit', async () => {
    const s = spec(['--epochs', '5', '--curve', '0.9,0.5,0.3', '--delay', '5']);
    const handle = await launcher().launch(s);
    expect(handle.external.kind).toBe('pid');
    const [lines, exit] = await Promise.all([collect(handle.lines), handle.exited]);
    const texts = lines.map((line) => line.text);
    expect(texts).toEqual([
      'epoch=1 val_loss=0.9',
      'epoch=2 val_loss=0.5',
      'epoch=3 val_loss=0.3',
      'epoch=4 val_loss=0.3',
      'epoch=5 val_loss=0.3',
    ]);
    expect(lines.every((line) => line.stream === 'stdout')).toBe(true);
    expect(exit).toEqual({ code: 0, signal: null, cause: 'exited' });
    // The log is complete and closed by the time `exited` resolves.
    expect(readFileSync(join(s.trialDir, 'output.log'), 'utf8')).toBe(`${texts.join('\n')}\n`);
  });

  it('reports stderr lines as such and stamps them with the given clock', async () => {
    let now = 1000;
    const handle = await launcher({ clock: { now: () => now++ } }).launch(spec(['--epochs', '2', '--stderr']));
    const lines = await collect(handle.lines);
    expect(lines.map((line) => [line.stream, line.text])).toEqual([
      ['stderr', 'epoch=1 val_loss=1.1'],
      ['stderr', 'epoch=2 val_loss=0.6'],
    ]);
    expect(lines.map((line) => line.at)).toEqual([1000, 1001]);
    expect((await handle.exited).cause).toBe('exited');
  });

  it('reports a non-zero exit code', async () => {
    const handle = await launcher().launch(spec(['--epochs', '1', '--exit-code', '3']));
    await collect(handle.lines);
    expect(await handle.exited).toEqual({ code: 3, signal: null, cause: 'exited' });
  });

  it('passes argv literally, never through a shell, and adds spec.env to the environment', async () => {
    const dir = trialDir();
    const marker = join(dir, 'pwned');
    const tricky = ['1; rm -rf ~', `$(touch ${marker})`, '`touch x`', "it's \"quoted\"", '*', ''];
    const handle = await launcher().launch(
      spec(['--print-argv', '--epochs', '0', ...tricky], {
        trialDir: dir,
        cwd: dir,
        env: { RUNG_TRIAL_ID: '7', RUNG_PARAMS: '{"lr":0.1}' },
      }),
    );
    const lines = await collect(handle.lines);
    expect((await handle.exited).code).toBe(0);
    const printed = JSON.parse(lines[0]?.text ?? 'null') as { argv: string[]; env: Record<string, string> };
    expect(printed.argv).toEqual(['--print-argv', '--epochs', '0', ...tricky]);
    expect(printed.env).toMatchObject({ RUNG_TRIAL_ID: '7', RUNG_PARAMS: '{"lr":0.1}' });
    expect(existsSync(marker)).toBe(false);
  });

  it('gives launchFailed with the OS reason for a missing program, without throwing', async () => {
    const s = spec([]);
    const handle = await launcher().launch({ ...s, argv: ['./nope-not-here'] });
    expect(handle.external).toEqual({ kind: 'none' });
    const exit = await handle.exited;
    expect(exit.cause).toBe('launchFailed');
    expect(exit.detail).toMatch(/ENOENT/);
    expect(exit.detail).toMatch(/command not found/);
    expect(await collect(handle.lines)).toEqual([]);
    await handle.stop(); // harmless
  });

  it('gives launchFailed (EACCES) for a file that is not executable', async () => {
    const s = spec([]);
    const script = join(s.trialDir, 'train.sh');
    writeFileSync(script, '#!/bin/sh\necho hi\n');
    chmodSync(script, 0o644);
    const exit = await (await launcher().launch({ ...s, argv: [script] })).exited;
    expect(exit.cause).toBe('launchFailed');
    expect(exit.detail).toMatch(/EACCES/);
  });

  it('gives launchFailed for a working directory that does not exist', async () => {
    const s = spec(['--epochs', '1']);
    const exit = await (await launcher().launch({ ...s, cwd: join(s.trialDir, 'missing') })).exited;
    expect(exit.cause).toBe('launchFailed');
    expect(exit.detail).toMatch(/working directory not found/);
  });

  it('stop() ends a trial that ignores SIGTERM with SIGKILL after the grace, grandchild included', async () => {
    const handle = await launcher().launch(
      spec(['--epochs', '1', '--ignore-sigterm', '--spawn-grandchild', '--grandchild-ignore-sigterm', '--hang']),
    );
    const { seen, rest } = await waitForLine(handle, /^hanging$/);
    const grandchild = grandchildPid(seen);
    expect(isRunning(grandchild)).toBe(true);

    const started = Date.now();
    const stopped = handle.stop(300);
    const again = handle.stop(300); // idempotent
    await Promise.all([stopped, again]);
    const elapsed = Date.now() - started;
    const exit = await handle.exited;
    expect(exit).toMatchObject({ cause: 'stopped', code: null, signal: 'SIGKILL' });
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(5000);
    expect(await rest).toContain('ignoring SIGTERM'); // the handler ran, then SIGKILL
    expect(await waitNotRunning(grandchild)).toBe(true);
    await handle.stop(); // after the end: still fine
  });

  it('stop() of a well-behaved trial ends it with SIGTERM, without waiting for the grace', async () => {
    const handle = await launcher().launch(spec(['--epochs', '1', '--hang'], { killGraceMs: 20_000 }));
    const { rest } = await waitForLine(handle, /^hanging$/);
    const started = Date.now();
    await handle.stop();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await handle.exited).toMatchObject({ cause: 'stopped', signal: 'SIGTERM' });
    await rest;
  });

  it('times out: cause timedOut, and nothing of the trial survives', async () => {
    // The limit must leave the trainer time to start and print its grandchild's pid: Node alone took over 300 ms
    // to start on a loaded CI machine, and the trial was then killed before it had printed anything.
    const handle = await launcher().launch(
      spec(['--epochs', '1', '--spawn-grandchild', '--hang'], { timeoutMs: 3_000, killGraceMs: 500 }),
    );
    const lines = (await collect(handle.lines)).map((line) => line.text);
    const exit = await handle.exited;
    expect(exit).toMatchObject({ cause: 'timedOut', signal: 'SIGTERM' });
    expect(await waitNotRunning(grandchildPid(lines))).toBe(true);
  });

  it('cleans up a grandchild left running by a leader that exits by itself', async () => {
    const handle = await launcher().launch(spec(['--epochs', '2', '--spawn-grandchild'], { killGraceMs: 500 }));
    // The grandchild inherits the pipes: lines must still end once the group is cleaned up.
    const lines = (await collect(handle.lines)).map((line) => line.text);
    const exit = await handle.exited;
    expect(exit).toEqual({ code: 0, signal: null, cause: 'exited' });
    expect(lines).toContain('epoch=2 val_loss=0.6');
    expect(isRunning(grandchildPid(lines))).toBe(false); // already gone when `exited` resolved
  });

  it('dispose() stops every live trial and refuses new ones', async () => {
    const local = launcher();
    const handles = await Promise.all(
      [0, 1, 2].map(() => local.launch(spec(['--epochs', '1', '--spawn-grandchild', '--ignore-sigterm', '--hang'], { killGraceMs: 200 }))),
    );
    const grandchildren: number[] = [];
    const drains: Promise<string[]>[] = [];
    for (const handle of handles) {
      const { seen, rest } = await waitForLine(handle, /^hanging$/);
      grandchildren.push(grandchildPid(seen));
      drains.push(rest);
    }
    await local.dispose();
    for (const handle of handles) {
      expect((await handle.exited).cause).toBe('stopped');
      if (handle.external.kind === 'pid') expect(isRunning(handle.external.pid)).toBe(false);
    }
    for (const pid of grandchildren) expect(await waitNotRunning(pid)).toBe(true);
    await Promise.all(drains);
    const late = await local.launch(spec(['--epochs', '1']));
    expect(await late.exited).toMatchObject({ cause: 'launchFailed' });
  });

  it('cleans garbage output: invalid UTF-8, ANSI codes, \\r progress, a very long line', async () => {
    const s = spec(['--garbage', '--epochs', '1']);
    const handle = await createLocalLauncher({ maxLineLength: 1000 }).launch(s);
    const lines = (await collect(handle.lines)).map((line) => line.text);
    expect((await handle.exited).code).toBe(0);
    expect(lines.some((text) => text.includes('\u001b'))).toBe(false);
    expect(lines.some((text) => text.includes('\ufffd'))).toBe(true);
    expect(lines).toContain('red plain');
    expect(lines).toEqual(expect.arrayContaining([' 10%|#         |', ' 50%|#####     |', '100%|##########|']));
    const long = lines.find((text) => text.startsWith('long:'));
    expect(long).toBe(`long:${'x'.repeat(995)} …[truncated 199005 chars]`);
    expect(lines.slice(-2)).toEqual(['garbage_done', 'epoch=1 val_loss=1.1']);
    const log = readFileSync(join(s.trialDir, 'output.log'), 'utf8');
    expect(log).toBe(`${lines.join('\n')}\n`);
  });

  it('appends to output.log when the same trial is launched again', async () => {
    const s = spec(['--epochs', '1']);
    const local = launcher();
    for (let i = 0; i < 2; i++) {
      const handle = await local.launch(s);
      await collect(handle.lines);
      await handle.exited;
    }
    expect(readFileSync(join(s.trialDir, 'output.log'), 'utf8')).toBe('epoch=1 val_loss=1.1\nepoch=1 val_loss=1.1\n');
  });

  it('stops a trial right after launch, before it printed anything', async () => {
    const handle = await launcher().launch(spec(['--epochs', '1', '--delay', '0', '--hang']));
    await handle.stop();
    expect((await handle.exited).cause).toBe('stopped');
    if (handle.external.kind === 'pid') expect(isRunning(handle.external.pid)).toBe(false);
  });

  it('still runs the trial when output.log cannot be written, and says so', async () => {
    const s = spec(['--epochs', '1']);
    const handle = await launcher().launch({ ...s, trialDir: join(s.trialDir, 'missing') });
    expect((await collect(handle.lines)).map((line) => line.text)).toEqual(['epoch=1 val_loss=1.1']);
    const exit = await handle.exited;
    expect(exit).toMatchObject({ code: 0, cause: 'exited' });
    expect(exit.detail).toMatch(/output\.log/);
  });

  it('buffers lines for a slow consumer and allows one iteration only', async () => {
    const handle = await launcher().launch(spec(['--epochs', '3000', '--delay', '0', '--curve', '0.5']));
    const exit = await handle.exited; // read nothing until the trial is over
    expect(exit.code).toBe(0);
    const lines = await collect(handle.lines);
    expect(lines).toHaveLength(3000);
    expect(lines[2999]?.text).toBe('epoch=3000 val_loss=0.5');
    expect(() => handle.lines[Symbol.asyncIterator]()).toThrow(/once/);
  });
});
