/**
 * The issue's own scenario: a workspace with the quadratic example (examples/quadratic, `trials: 6`),
 * "Rung: Start Study" from the palette, trials appear in the tree and finish, and the status bar agrees
 * with the tree and leaves the running state at the end. Then, on the finished study: "Copy Trial Command"
 * on the best trial puts the engine's reproduce command (what `rung show` prints) on the clipboard, and
 * "Re-run Best Trial" runs the best trial's command at the full budget in a terminal that shows its output.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { startSession, startStudyFromPalette, until, vsc, type Session } from './harness';
import { repoRoot } from './paths';
import { statusBarText, studyRowNumbers, statusNumbers } from './statusText';

const example = path.join(repoRoot, 'examples', 'quadratic');
const trials = 6;
// `--trials` is CLI-only: the extension runs the file as written, so the copy says 6.
const studyFile = fs.readFileSync(path.join(example, 'quadratic.rung.yaml'), 'utf8').replace(/^trials: \d+$/m, `trials: ${trials}`);

describe('the quadratic example in a real VS Code', () => {
  let s: Session;
  let failed = false;
  const trialRows = (): ReturnType<typeof s.page.locator> =>
    s.page.locator('.part.sidebar .monaco-list-row').filter({ has: s.page.locator('.label-name', { hasText: /^\s*#\d+\b/ }) });

  beforeAll(async () => {
    expect(studyFile).toMatch(/^trials: 6$/m);
    s = await startSession({
      scenario: 'quadratic',
      files: { 'train.mjs': fs.readFileSync(path.join(example, 'train.mjs'), 'utf8'), 'quadratic.rung.yaml': studyFile },
    });
  }, 180_000);
  afterAll(async () => {
    await s?.close(failed);
  }, 60_000);

  it('Start Study runs it: trials appear in the tree and finish; the status bar matches the tree', async () => {
    onTestFailed(() => {
      failed = true;
    });
    // One study file: the pick lists it (and "New study file…").
    const studyRow = await startStudyFromPalette(s, 'quadratic.rung.yaml', 'quadratic');
    await vsc.expandTreeItem(studyRow);
    await until('trial rows under the study', async () => (await trialRows().count()) > 0, { timeoutMs: 30_000 });
    await s.snap('trials-appear');

    // Every trial ends (completed, the best one starred; pruned or failed would count too).
    await until(`${trials} finished trials`, async () => {
      const n = await trialRows().count();
      const ended = await trialRows().filter({ has: s.page.locator('.codicon-pass, .codicon-star-full, .codicon-error, .codicon-filter') }).count();
      return n === trials && ended === trials;
    }, { timeoutMs: 60_000 });
    await until('the study row to say finished', async () => /finished/.test(await studyRow.innerText()), { timeoutMs: 15_000 });
    const row = studyRowNumbers(await studyRow.locator('.label-description').innerText());
    expect(row).toMatchObject({ done: trials, planned: trials, running: 0 });
    expect(row.best).not.toBeNull();
    expect(await trialRows().filter({ has: s.page.locator('.codicon-star-full') }).count()).toBe(1);
    // The study ended: the status bar no longer shows it as running.
    await until('the status bar to leave the running state', async () => {
      const text = await statusBarText(s.page, 'quadratic');
      return text === null || (!/running/.test(text) && statusNumbers(text)?.done === trials);
    }, { timeoutMs: 10_000 });
    await s.snap('finished');
    for (let i = 0; i < trials; i++) {
      const log = fs.readFileSync(path.join(s.workspace, '.rung', 'quadratic', 'trials', String(i), 'output.log'), 'utf8');
      expect(log).toMatch(/^epoch=20 train_loss=\S+ val_loss=/m);
    }
  });

  it('"Copy Trial Command" on the best trial puts the engine\'s reproduce command on the clipboard', async () => {
    onTestFailed(() => {
      failed = true;
    });
    // What `rung show` prints under "reproduce it:" is the engine's reproduceCommand of the best trial.
    const show = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'show', 'quadratic', '--store', path.join(s.workspace, '.rung')], { encoding: 'utf8' });
    expect(show.status, show.stderr).toBe(0);
    const lines = show.stdout.split('\n');
    const expected = lines[lines.indexOf('reproduce it:') + 1]?.trim() ?? '';
    const bestId = /^best trial #(\d+):/m.exec(show.stdout)?.[1];
    expect(expected).toMatch(/^cd .* node train\.mjs --lr=/);
    expect(bestId).toBeDefined();

    await s.page.evaluate(() => navigator.clipboard.writeText(''));
    const best = vsc.treeItem(s.page, `#${bestId ?? '?'}`);
    expect(await best.locator('.codicon-star-full').count()).toBe(1);
    await vsc.chooseContextMenuItem(s.page, best, 'Copy Trial Command', { beforeClick: () => s.snap('copy-menu') });
    await vsc.waitForNotification(s.page, `Copied the command of trial #${bestId ?? '?'}`);
    const copied = await until('the clipboard to hold the command', () => s.page.evaluate(() => navigator.clipboard.readText()), { timeoutMs: 5000 });
    expect(copied).toBe(expected);
    // And it runs from a shell: same final line as the trial's log.
    const run = spawnSync('bash', ['-c', copied], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const lastEpoch = (text: string): string | undefined => text.split('\n').filter((l) => l.startsWith('epoch=20 ')).pop();
    const log = fs.readFileSync(path.join(s.workspace, '.rung', 'quadratic', 'trials', bestId ?? '?', 'output.log'), 'utf8');
    expect(lastEpoch(run.stdout)).toBe(lastEpoch(log));
    await s.snap('copied');
  });

  it('"Re-run Best Trial" runs the best trial at the full budget in a terminal that shows its output', async () => {
    onTestFailed(() => {
      failed = true;
    });
    const studyRow = vsc.treeItem(s.page, 'quadratic');
    await vsc.chooseContextMenuItem(s.page, studyRow, 'Re-run Best Trial', { beforeClick: () => s.snap('rerun-menu') });
    // The run ends within a second; its terminal stays open with the output and the exit code.
    const text = await vsc.waitForTerminalText(s.page, /\[exit code 0 · output in /, { timeoutMs: 30_000 });
    expect(text).toMatch(/^epoch=20 train_loss=\S+ val_loss=\S+/m);
    const report = await until('a "Re-run #…" terminal', async () => {
      const r = await s.probe();
      return r.terminals.some((n) => /^Re-run #\d+ /.test(n)) ? r : null;
    });
    const name = report.terminals.find((n) => n.startsWith('Re-run #')) ?? '';
    const bestId = /^Re-run #(\d+) /.exec(name)?.[1] ?? '?';
    expect(name).toMatch(/lr=/);
    // Same parameters, same seed, full budget: the same curve as the best trial (deterministic script).
    const log = fs.readFileSync(path.join(s.workspace, '.rung', 'quadratic', 'trials', bestId, 'output.log'), 'utf8');
    const final = log.split('\n').filter((l) => l.startsWith('epoch=20 ')).pop() ?? '';
    expect(text).toContain(final.trim());
    // It ran in its own folder, leaving the trial's files alone.
    const reruns = fs.readdirSync(path.join(s.workspace, '.rung', 'quadratic', 'reruns'));
    const rerun = reruns.find((d) => d.startsWith(`${bestId}-`));
    expect(rerun).toBeDefined();
    expect(fs.readFileSync(path.join(s.workspace, '.rung', 'quadratic', 'reruns', rerun ?? '?', 'output.log'), 'utf8')).toContain(final.trim());
    await s.snap('rerun-terminal');
  });
});
