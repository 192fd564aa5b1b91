/**
 * Stopping from the tree: "Stop Trial" on a running trial ends its process (and only its), the row shows
 * it stopped and the other trial runs on; a click on a trial row shows that trial's output; then "Stop Study"
 * on the study row ends everything.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { readManifest, rungContainerTitle, startSession, until, vsc, type Session } from './harness';
import { repoRoot } from './paths';

// Two trials side by side, each a minute long unless stopped.
const study = [
  'name: stop-study',
  'command: node fake-trainer.mjs {args} --epochs {budget} --delay 1000',
  'metric: {name: val_loss, goal: minimize}',
  'parameters:',
  '  lr: {type: float, low: 1.0e-4, high: 1.0, log: true}',
  'sampler: random',
  'scheduler: {type: fifo, max_budget: 60}',
  'trials: 2',
  'parallel: 2',
  'seed: 5',
  'launcher: {kill_grace: 2}',
  '',
].join('\n');

/** Pids of live processes whose environment says they belong to trial `id` of the study under `workspace`. */
function trialPids(workspace: string, id: string): number[] {
  const marker = `RUNG_TRIAL_DIR=${path.join(workspace, '.rung', 'stop-study', 'trials', id)}`;
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(marker)) {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z') pids.push(Number(entry));
      }
    } catch {
      /* gone, or not ours to read */
    }
  }
  return pids;
}

describe('Stop Trial and Stop Study from the tree', () => {
  let s: Session;
  let failed = false;
  const containerTitle = rungContainerTitle(readManifest()) ?? 'Rung';

  beforeAll(async () => {
    s = await startSession({
      scenario: 'stop',
      files: {
        'fake-trainer.mjs': fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'fake-trainer.mjs'), 'utf8'),
        'stop.rung.yaml': study,
      },
    });
  }, 180_000);
  afterAll(async () => {
    await s?.close(failed);
  }, 60_000);

  it('stops one running trial: its process is gone, the other trial runs on', async () => {
    onTestFailed(() => {
      failed = true;
    });
    await s.page.locator(vsc.activityBarItem(containerTitle)).first().waitFor({ timeout: 60_000 });
    await vsc.openViewContainer(s.page, containerTitle);
    await vsc.runCommand(s.page, 'Rung: Start Study');
    // One study file: Start Study may ask or start it right away.
    const picked = s.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: 'stop.rung.yaml' }).first();
    await picked.click({ timeout: 5000 }).catch(() => {});

    const studyRow = vsc.treeItem(s.page, 'stop-study');
    await studyRow.waitFor({ timeout: 30_000 });
    await vsc.expandTreeItem(studyRow);
    const row0 = vsc.treeItem(s.page, '#0');
    const row1 = vsc.treeItem(s.page, '#1');
    await until('both trials running, with their processes', async () =>
      (await row0.locator('.codicon-loading').count()) === 1 && (await row1.locator('.codicon-loading').count()) === 1 &&
      trialPids(s.workspace, '0').length > 0 && trialPids(s.workspace, '1').length > 0, { timeoutMs: 30_000 });
    const pids0 = trialPids(s.workspace, '0');
    await s.snap('two-running');

    await vsc.chooseContextMenuItem(s.page, row0, 'Stop Trial', { beforeClick: () => s.snap('context-menu') });

    await until(`trial #0's processes (${pids0.join(', ')}) to exit`, () => pids0.every((p) => !vsc.alive(p)) && trialPids(s.workspace, '0').length === 0, { timeoutMs: 15_000 });
    await until('trial #0 to show as stopped', async () => (await row0.locator('.codicon-circle-slash').count()) === 1, { timeoutMs: 10_000 });
    expect(await row0.locator('.label-description').innerText()).toMatch(/stopped/);
    // The other trial is untouched.
    expect(await row1.locator('.codicon-loading').count()).toBe(1);
    expect(trialPids(s.workspace, '1').length).toBeGreaterThan(0);
    await s.snap('trial-stopped');
  });

  it('a click on a trial row shows that trial\'s output, also on a row that refreshes as it reports', async () => {
    onTestFailed(() => {
      failed = true;
    });
    // Trial #1 reports every second, so its row is refreshed again and again; the row's click command reads
    // the selection (no per-render command id that a refresh could retire). Each click must open the row
    // clicked, not the previously selected one.
    for (const id of ['1', '0', '1']) {
      await vsc.treeItem(s.page, `#${id}`).click();
      await until(`the terminal of trial #${id} to be the active one`, async () => (await s.probe()).activeTerminal?.startsWith(`#${id} `) === true, { timeoutMs: 15_000 });
    }
    expect((await s.probe()).terminals.filter((n) => n.startsWith('#1 '))).toHaveLength(1);
  });

  it('Stop Study ends the remaining trial and the study', async () => {
    onTestFailed(() => {
      failed = true;
    });
    const pids1 = trialPids(s.workspace, '1');
    const studyRow = vsc.treeItem(s.page, 'stop-study');
    await vsc.chooseContextMenuItem(s.page, studyRow, 'Stop Study');
    await until(`trial #1's processes (${pids1.join(', ')}) to exit`, () => pids1.every((p) => !vsc.alive(p)) && trialPids(s.workspace, '1').length === 0, { timeoutMs: 15_000 });
    await until('the study row to leave the running state', async () => (await studyRow.locator('.codicon-loading').count()) === 0, { timeoutMs: 10_000 });
    expect((await studyRow.innerText()).replace(/\s+/g, ' ')).toMatch(/stopped/);
    // The status bar catches up too: nothing is running any more.
    const statusItems = s.page.locator('.part.statusbar .statusbar-item').filter({ hasText: 'stop-study' });
    await until('the status bar to stop saying "running"', async () => !(await statusItems.allInnerTexts()).some((t) => /running/.test(t)), { timeoutMs: 10_000 });
    await s.snap('study-stopped');
  });
});
