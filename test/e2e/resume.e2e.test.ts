/**
 * The status bar follows the tree, and Resume Study continues a study:
 * (a) a study of 3 trials, one at a time: after every trial end the status bar item says what the study
 *     row says (done/total, running, best); "Stop Study" after the first trial, then "Resume Study" from
 *     the tree runs it to the end, and the status bar leaves the running state;
 * (b) a study whose process died (the `rung` CLI, killed with SIGKILL mid-trial) shows as crashed, and
 *     "Resume Study" from the palette continues it in VS Code to the end.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { startSession, startStudyFromPalette, until, vsc, type Session } from './harness';
import { repoRoot } from './paths';
import { statusBarText, statusNumbers, studyRowNumbers } from './statusText';

const studyText = (name: string, trials: number, delay: number): string =>
  [
    `name: ${name}`,
    `command: node fake-trainer.mjs {args} --epochs {budget} --delay ${delay}`,
    'metric: {name: val_loss, goal: minimize}',
    'parameters:',
    '  lr: {type: float, low: 1.0e-4, high: 1.0, log: true}',
    'sampler: random',
    'scheduler: {type: fifo, max_budget: 3}',
    `trials: ${trials}`,
    'parallel: 1',
    'seed: 11',
    'launcher: {kill_grace: 1}',
    '',
  ].join('\n');

describe('the status bar, Stop Study and Resume Study', () => {
  let s: Session;
  let failed = false;

  beforeAll(async () => {
    s = await startSession({
      scenario: 'resume',
      files: {
        'fake-trainer.mjs': fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'fake-trainer.mjs'), 'utf8'),
        'resume.rung.yaml': studyText('resume-study', 3, 700),
        'cli/crash.rung.yaml': studyText('crash-study', 2, 700),
      },
    });
    fs.copyFileSync(path.join(s.workspace, 'fake-trainer.mjs'), path.join(s.workspace, 'cli', 'fake-trainer.mjs'));
  }, 180_000);
  afterAll(async () => {
    await s?.close(failed);
  }, 60_000);

  /**
   * Waits until the status bar item and the study row give the same numbers; returns them. The item shows
   * lifecycle changes at once and the tree within its 250 ms throttle, so they agree well within 1.5 s.
   */
  const agree = async (study: string, what: string): Promise<{ row: string; status: string | null }> => {
    const studyRow = vsc.treeItem(s.page, study);
    let last = { row: '', status: null as string | null };
    try {
      return await until(`the status bar to agree with the tree ${what}`, async () => {
        last = { row: await studyRow.locator('.label-description').innerText(), status: await statusBarText(s.page, study) };
        const row = studyRowNumbers(last.row);
        const status = last.status === null ? null : statusNumbers(last.status);
        // A study that is not running has no status item (or one that no longer says "running").
        if (row.running === 0 && !/running/.test(await studyRow.innerText())) return status === null || (!/running/.test(last.status ?? '') && status.done === row.done) ? last : null;
        return status && status.done === row.done && status.planned === row.planned && status.running === row.running && status.best === row.best ? last : null;
      }, { timeoutMs: 1500, intervalMs: 100 });
    } catch (e) {
      throw new Error(`${(e as Error).message}\nrow: ${last.row}\nstatus: ${last.status ?? '(none)'}`);
    }
  };

  it('after every trial end the status bar says what the tree says; Stop Study, then Resume Study runs it to the end', async () => {
    onTestFailed(() => {
      failed = true;
    });
    const studyRow = await startStudyFromPalette(s, 'resume.rung.yaml', 'resume-study');
    await vsc.expandTreeItem(studyRow);
    await until('trial #0 running', async () => (await vsc.treeItem(s.page, '#0').locator('.codicon-loading').count()) === 1, { timeoutMs: 20_000 });
    await agree('resume-study', 'while trial #0 runs');
    await s.snap('first-trial-running');

    // Trial #0 ends, #1 starts: both say 1/3 · 1 running · best <#0's value>.
    await until('trial #0 to complete', async () => (await vsc.treeItem(s.page, '#0').locator('.codicon-star-full, .codicon-pass').count()) === 1, { timeoutMs: 20_000 });
    const after0 = await agree('resume-study', 'after trial #0 ended');
    expect(studyRowNumbers(after0.row).done).toBe(1);
    expect(after0.status).toMatch(/best \S+/);
    await s.snap('after-first-trial');

    await vsc.chooseContextMenuItem(s.page, studyRow, 'Stop Study');
    await until('the study row to say stopped', async () => /stopped/.test(await studyRow.innerText()) && (await studyRow.locator('.codicon-loading').count()) === 0, { timeoutMs: 15_000 });
    await agree('resume-study', 'after Stop Study');
    await s.snap('stopped');

    await vsc.chooseContextMenuItem(s.page, studyRow, 'Resume Study', { beforeClick: () => s.snap('resume-menu') });
    await until('the study to run again', async () => (await studyRow.locator('.codicon-loading').count()) === 1, { timeoutMs: 15_000 });
    await agree('resume-study', 'after Resume Study');
    await until('the resumed study to finish', async () => /finished/.test(await studyRow.innerText()), { timeoutMs: 40_000, intervalMs: 200 });
    const end = await agree('resume-study', 'at the end of the study');
    expect(studyRowNumbers(end.row)).toMatchObject({ done: 3, planned: 3, running: 0 });
    await s.snap('resumed-finished');
    // The log says it: one study.started per run (created, then resumed).
    const events = fs.readFileSync(path.join(s.workspace, '.rung', 'resume-study', 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { event: { type: string } }).event.type);
    expect(events.filter((t) => t === 'study.ended')).toHaveLength(2);
    expect(events.filter((t) => t === 'trial.ended').length).toBeGreaterThanOrEqual(3);
  });

  it('a study whose CLI process died shows as crashed, and Resume Study from the palette finishes it', async () => {
    onTestFailed(() => {
      failed = true;
    });
    // The CLI runs the study in the workspace's store (.rung), and is killed with SIGKILL mid-trial.
    const cli = spawn(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'run', path.join('cli', 'crash.rung.yaml'), '--store', '.rung'], { cwd: s.workspace, stdio: 'ignore', detached: true });
    const log = path.join(s.workspace, '.rung', 'crash-study', 'events.jsonl');
    await until('the CLI to launch trial #0', () => fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes('"trial.launched"'), { timeoutMs: 20_000, intervalMs: 100 });
    cli.kill('SIGKILL');
    await until('the CLI to be gone', () => cli.exitCode !== null || cli.signalCode !== null, { timeoutMs: 5000, intervalMs: 50 });

    const studyRow = vsc.treeItem(s.page, 'crash-study');
    await until('the dead study to show as crashed', async () => {
      await studyRow.waitFor({ timeout: 1000 });
      return /crashed/.test(await studyRow.innerText()) && (await studyRow.locator('.codicon-error').count()) === 1;
    }, { timeoutMs: 20_000 });
    await s.snap('crashed');

    // From the palette: only stopped or crashed studies qualify, and with one (the finished resume-study
    // does not) it resumes without asking.
    await vsc.runCommand(s.page, 'Rung: Resume Study', { waitClosed: true });
    await until('the resumed study to run', async () => (await studyRow.locator('.codicon-loading').count()) === 1, { timeoutMs: 15_000 });
    await until('the resumed study to finish', async () => /finished/.test(await studyRow.innerText()), { timeoutMs: 40_000, intervalMs: 200 });
    const end = await agree('crash-study', 'at the end of the resumed study');
    expect(studyRowNumbers(end.row)).toMatchObject({ done: 2, planned: 2, running: 0 });
    await vsc.expandTreeItem(studyRow);
    await s.snap('crash-resumed');
  });
});
