/**
 * (b) "Rung: Start Study" from the palette, picking the study file in the quick pick, runs a small study
 * (test/fixtures/fake-trainer.mjs through `node`, 4 trials, 2 in parallel) to the end: the studies tree
 * shows the study and its trials, completed.
 * (c) "Show Trial Output" on trial #0 opens a terminal named `#0 lr=…` that shows the trial's epoch lines.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { readManifest, rungContainerTitle, startSession, until, vsc, type Session } from './harness';
import { repoRoot } from './paths';

const epochs = 5;
const trials = 4;
const study = [
  'name: e2e-study',
  `command: node fake-trainer.mjs {args} --epochs {budget} --delay 600`,
  'metric: {name: val_loss, goal: minimize}',
  'parameters:',
  '  lr: {type: float, low: 1.0e-4, high: 1.0, log: true}',
  'sampler: random',
  `scheduler: {type: fifo, max_budget: ${epochs}}`,
  `trials: ${trials}`,
  'parallel: 2',
  'seed: 3',
  '',
].join('\n');
// A second study file, so that Start Study has to ask which one.
const other = study.replace('name: e2e-study', 'name: other-study');

describe('Start Study, the studies tree and trial terminals', () => {
  let s: Session;
  let failed = false;
  const containerTitle = rungContainerTitle(readManifest()) ?? 'Rung';
  const rows = (): ReturnType<typeof s.page.locator> => s.page.locator('.part.sidebar .monaco-list-row');
  const trialRows = (): ReturnType<typeof s.page.locator> => rows().filter({ has: s.page.locator('.label-name', { hasText: /^\s*#\d+\b/ }) });

  beforeAll(async () => {
    s = await startSession({
      scenario: 'study',
      files: {
        'fake-trainer.mjs': fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'fake-trainer.mjs'), 'utf8'),
        'e2e.rung.yaml': study,
        'more/other.rung.yaml': other,
      },
    });
  }, 180_000);
  afterAll(async () => {
    await s?.close(failed);
  }, 60_000);

  it('starts the study picked in the quick pick and runs it to completion in the tree', async () => {
    onTestFailed(() => {
      failed = true;
    });
    await s.page.locator(vsc.activityBarItem(containerTitle)).first().waitFor({ timeout: 60_000 });
    await vsc.openViewContainer(s.page, containerTitle);

    await vsc.runCommand(s.page, 'Rung: Start Study');
    const picks = await until('the study-file quick pick', async () => {
      const rowsText = await s.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').allInnerTexts();
      return rowsText.some((t) => t.includes('e2e.rung.yaml')) && rowsText.some((t) => t.includes('other.rung.yaml')) ? rowsText : null;
    }, { timeoutMs: 20_000 });
    expect(picks.join('\n')).toMatch(/e2e\.rung\.yaml/);
    await s.snap('pick-study-file');
    await s.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: 'e2e.rung.yaml' }).first().click();

    // The study appears in the tree; expand it to see its trials.
    const studyRow = vsc.treeItem(s.page, 'e2e-study');
    await studyRow.waitFor({ timeout: 30_000 });
    await vsc.expandTreeItem(studyRow);
    await until('trial rows under the study', async () => (await trialRows().count()) > 0, { timeoutMs: 30_000 });
    await s.snap('running');

    // All trials finish: 4 rows, each with the completed (or best) icon, and the study row says so. On the
    // way, never more than `parallel: 2` trial rows spin at once (and two did run side by side).
    let maxRunning = 0;
    await until(`${trials} completed trials`, async () => {
      maxRunning = Math.max(maxRunning, await trialRows().filter({ has: s.page.locator('.codicon-loading') }).count());
      const n = await trialRows().count();
      const done = await trialRows().filter({ has: s.page.locator('.codicon-pass, .codicon-star-full') }).count();
      return n === trials && done === trials;
    }, { timeoutMs: 90_000, intervalMs: 250 });
    expect(maxRunning).toBe(2);
    // Row: label `#N`, description `<val_loss> · epoch 5/5 · [★ best ·] lr=…`.
    const labels = (await trialRows().locator('.label-name').allInnerTexts()).map((t) => t.trim());
    expect(labels).toEqual(Array.from({ length: trials }, (_, i) => `#${i}`));
    for (const d of await trialRows().locator('.label-description').allInnerTexts()) {
      expect(d).toMatch(new RegExp(`^\\d\\.\\d+ · epoch ${epochs}/${epochs} · .*lr=\\S+$`));
    }
    await until('the study row to say finished', async () => /finished/.test(await studyRow.innerText()), { timeoutMs: 15_000 });
    const studyText = (await studyRow.innerText()).replace(/\s+/g, ' ');
    expect(studyText).toMatch(new RegExp(`${trials}/${trials}`));
    expect(studyText).toMatch(/best val_loss \S+ \(#\d+\)/);
    expect(await studyRow.locator('.codicon-pass-filled').count()).toBe(1);
    await s.snap('completed');

    // The run is real: every trial's output log on disk has all its epoch lines.
    for (let i = 0; i < trials; i++) {
      const log = fs.readFileSync(path.join(s.workspace, '.rung', 'e2e-study', 'trials', String(i), 'output.log'), 'utf8');
      expect(log).toMatch(new RegExp(`^epoch=${epochs} val_loss=`, 'm'));
    }
  });

  it('"Show Trial Output" on trial #0 opens its terminal with the epoch lines', async () => {
    onTestFailed(() => {
      failed = true;
    });
    const row = vsc.treeItem(s.page, '#0');
    await vsc.chooseContextMenuItem(s.page, row, 'Show Trial Output', { beforeClick: () => s.snap('context-menu') });

    const text = await vsc.waitForTerminalText(s.page, new RegExp(`^epoch=${epochs} val_loss=`, 'm'), { timeoutMs: 20_000 });
    for (let e = 1; e <= epochs; e++) expect(text).toMatch(new RegExp(`^epoch=${e} val_loss=\\d`, 'm'));
    // The trial's own output, not a shell: the same lines as its log.
    const log = fs.readFileSync(path.join(s.workspace, '.rung', 'e2e-study', 'trials', '0', 'output.log'), 'utf8');
    for (const line of log.split('\n').filter((l) => l.startsWith('epoch='))) expect(text).toContain(line.trim());

    // Named like `#0 lr=0.236`, with the trial's parameters.
    const lr = /lr=(\S+)/.exec(await row.locator('.label-description').innerText())?.[1];
    expect(lr).toBeDefined();
    const report = await until('a terminal named after trial #0', async () => {
      const r = await s.probe();
      return r.activeTerminal?.startsWith('#0 ') ? r : null;
    });
    expect(report.activeTerminal).toBe(`#0 lr=${lr}`);
    expect(report.terminals.filter((n) => n.startsWith('#0 '))).toHaveLength(1);
    // And the UI shows that name on the terminal tab / panel title.
    expect((await vsc.terminalNames(s.page)).some((n) => n.includes(`#0 lr=${lr}`))).toBe(true);
    await s.snap('trial-terminal');
  });
});
