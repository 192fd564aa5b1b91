/**
 * The dashboard in a real VS Code: a study with an ASHA scheduler (test/fixtures/fake-trainer.mjs, whose
 * val_loss depends on lr, so badly drawn trials are pruned at the first rungs) is started from the palette;
 * while it runs, its status bar item opens the dashboard, and so does "Rung: Open Dashboard" from the
 * palette: a webview tab "Rung: dash" whose page
 * (inside VS Code's two webview iframes) fills with the study, grows as trials report and end, and shows
 * a pruned trial's reason in the scheduler's words ("trial N stopped at rung R (epoch E): ..."); after a
 * window reload the tab comes back and shows the study again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { startSession, startStudyFromPalette, until, vsc, type Session } from './harness';
import { repoRoot } from './paths';

const trials = 12;
// Seed 3 with this ladder prunes 8 of 12 trials (checked with `rung run`); 0.8 s per epoch keeps the study
// running for about half a minute, long enough to open the dashboard while it runs.
const study = [
  'name: dash',
  'command: node fake-trainer.mjs {args} --epochs {budget} --delay 800',
  'metric: {name: val_loss, goal: minimize}',
  'parameters:',
  '  lr: {type: float, low: 1.0e-4, high: 1.0, log: true}',
  'sampler: random',
  'scheduler: {type: asha, min_budget: 1, max_budget: 9, eta: 3}',
  `trials: ${trials}`,
  'parallel: 2',
  'seed: 3',
  '',
].join('\n');

describe('the dashboard webview', () => {
  let s: Session;
  let failed = false;

  beforeAll(async () => {
    s = await startSession({
      scenario: 'dashboard',
      files: {
        'fake-trainer.mjs': fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'fake-trainer.mjs'), 'utf8'),
        'dash.rung.yaml': study,
      },
    });
  }, 180_000);
  afterAll(async () => {
    await s?.close(failed);
  }, 60_000);

  it('opens from the palette during a run, updates live, and explains a pruned trial', async () => {
    onTestFailed(() => {
      failed = true;
    });
    await startStudyFromPalette(s, 'dash.rung.yaml', 'dash');
    // Starting a study offers its dashboard.
    await vsc.waitForNotification(s.page, /Study dash is running/);
    await s.snap('study-started');

    // The status bar item of the running study opens its dashboard.
    await s.page.locator('.part.statusbar .statusbar-item').filter({ hasText: 'dash' }).first().click();
    await vsc.webviewFrame(s.page, 'Rung: dash', { timeoutMs: 30_000 });
    await s.snap('dashboard-from-status-bar');
    await vsc.runCommand(s.page, 'View: Close All Editors');
    await until('the dashboard tab to close', async () => (await s.page.locator('.tab', { hasText: 'Rung: dash' }).count()) === 0, { timeoutMs: 10_000 });

    // One study: the palette command opens its dashboard without asking.
    await vsc.runCommand(s.page, 'Rung: Open Dashboard');
    const frame = await vsc.webviewFrame(s.page, 'Rung: dash', { timeoutMs: 30_000 });
    const body = frame.locator('body');
    const ids = async (): Promise<Set<string>> =>
      new Set(await frame.locator('[data-trial-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-trial-id') ?? '')));

    // The page got a snapshot: rows (table rows or decision entries) for trials of this study.
    const first = await until('the page to show trials', async () => {
      const seen = await ids();
      return seen.size > 0 ? seen : null;
    }, { timeoutMs: 30_000 });
    await s.snap('dashboard-open');
    const studyStillRunning = /running/.test(await vsc.treeItem(s.page, 'dash').innerText());
    expect(studyStillRunning, 'the dashboard should open while the study runs').toBe(true);

    // Live patches: more trials show up while the study runs, without reopening anything.
    await until('more trials on the page', async () => (await ids()).size > first.size, { timeoutMs: 60_000 });
    await s.snap('dashboard-updated');

    // A pruned trial says why, in the scheduler's words.
    const reason = await until('a pruned trial\'s reason', async () => {
      const text = (await body.textContent()) ?? '';
      return /trial \d+ stopped at rung \d \(epoch \d+\): val_loss \S+ > cutoff \S+, rank \d+ of \d+/.exec(text)?.[0] ?? null;
    }, { timeoutMs: 60_000 });
    expect(reason).toMatch(/^trial \d+ stopped at rung/);

    // The study ends; the page follows it to the end: every pruned trial's decision is there.
    await until('the study to finish', async () => /finished/.test(await vsc.treeItem(s.page, 'dash').innerText()), { timeoutMs: 90_000 });
    const log = fs.readFileSync(path.join(s.workspace, '.rung', 'dash', 'events.jsonl'), 'utf8');
    const prunedIds = log
      .split('\n')
      .filter((l) => l.includes('"trial.decided"'))
      .map((l) => (JSON.parse(l) as { event: { trialId: string } }).event.trialId);
    expect(prunedIds.length).toBeGreaterThan(0);
    await until('every decision on the page', async () => {
      const text = (await body.textContent()) ?? '';
      return prunedIds.every((id) => text.includes(`trial ${id} stopped at rung`));
    }, { timeoutMs: 15_000 });
    // The trials table has a row per trial of the log, and a pruned trial's row says so.
    const trialCount = new Set(
      log
        .split('\n')
        .filter((l) => l.includes('"trial.planned"'))
        .map((l) => (JSON.parse(l) as { event: { trialId: string } }).event.trialId),
    ).size;
    await until('a table row per trial', async () => ((await frame.locator('#table [data-trial-id]').count()) === trialCount ? true : null), { timeoutMs: 15_000 });
    const prunedRow = frame.locator(`#table [data-trial-id="${prunedIds[0]}"]`).first();
    expect(await prunedRow.innerText()).toMatch(/pruned/);
    await s.snap('dashboard-finished');

    // A window reload brings the tab back connected to its study (the panel serializer): it fills again.
    await vsc.runCommand(s.page, 'Developer: Reload Window');
    const restored = await vsc.webviewFrame(s.page, 'Rung: dash', { timeoutMs: 90_000 });
    await until('the restored tab to show every trial', async () => ((await restored.locator('#table [data-trial-id]').count()) === trialCount ? true : null), {
      timeoutMs: 60_000,
    });
    await s.snap('dashboard-restored');
  });
});
