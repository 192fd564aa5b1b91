/**
 * Restricted Mode: Workspace Trust on and the folder not trusted. Rung still activates (it declares
 * `untrustedWorkspaces: limited`) and shows the studies stored in the workspace read-only (rows, trial
 * output), offers no action that runs something, and every command that would run something (Start
 * Study, Resume Study, Re-run Best Trial) refuses with a message that says why and offers to manage trust.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { readManifest, rungContainerTitle, startSession, until, vsc, type Session } from './harness';
import { repoRoot } from './paths';

const study = [
  'name: trusted-earlier',
  'command: node fake-trainer.mjs {args} --epochs {budget}',
  'metric: {name: val_loss, goal: minimize}',
  'parameters:',
  '  lr: {type: float, low: 1.0e-4, high: 1.0, log: true}',
  'sampler: random',
  'scheduler: {type: fifo, max_budget: 3}',
  'trials: 2',
  'parallel: 2',
  'seed: 2',
  '',
].join('\n');

/** Runs the study with the CLI in the workspace (store: .rung), as a user did while trusting the folder. */
function runStudyWithCli(workspace: string): void {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'run', 'study.rung.yaml', '--store', '.rung', '--quiet'], { cwd: workspace, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`rung run failed: ${r.stdout}${r.stderr}`);
}

describe('Restricted Mode (an untrusted workspace)', () => {
  let s: Session;
  let failed = false;
  const containerTitle = rungContainerTitle(readManifest()) ?? 'Rung';
  const files = { 'fake-trainer.mjs': fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'fake-trainer.mjs'), 'utf8'), 'study.rung.yaml': study };

  beforeAll(async () => {
    s = await startSession({ scenario: 'trust', files, untrusted: true });
    // A study that ran while the folder was trusted (here: by the CLI), stored in the workspace. Rung
    // reads the store only when its view first shows, so it is there in time.
    runStudyWithCli(s.workspace);
  }, 180_000);
  afterAll(async () => {
    await s?.close(failed);
  }, 60_000);

  const eventsText = (): string => fs.readFileSync(path.join(s.workspace, '.rung', 'trusted-earlier', 'events.jsonl'), 'utf8');

  it('shows the stored study read-only, with no action that runs something', async () => {
    onTestFailed(() => {
      failed = true;
    });
    await s.page.locator(vsc.activityBarItem(containerTitle)).first().waitFor({ timeout: 60_000 });
    await vsc.openViewContainer(s.page, containerTitle);
    // The workbench says Restricted Mode (the status bar's indicator).
    await s.page.locator('.part.statusbar').getByText('Restricted Mode').first().waitFor({ timeout: 15_000 });

    const studyRow = vsc.treeItem(s.page, 'trusted-earlier');
    await studyRow.waitFor({ timeout: 30_000 });
    expect((await studyRow.innerText()).replace(/\s+/g, ' ')).toMatch(/2\/2 · best val_loss \S+ \(#\d+\) · finished/);
    await vsc.expandTreeItem(studyRow);
    await vsc.treeItem(s.page, '#1').waitFor();
    // No "Start Study" in the view's title bar (it shows for a trusted folder).
    expect(await s.page.locator('.part.sidebar .title-actions .action-label[aria-label*="Start Study"]').count()).toBe(0);
    expect(await s.page.locator('.part.sidebar .title-actions .action-label[aria-label*="Refresh"]').count()).toBe(1);
    await s.snap('read-only-tree');

    // The study's menu offers nothing that runs (no Re-run Best Trial, Resume or Stop Study): every entry
    // of it needs trust, so right-clicking the row opens no menu at all (or one without them).
    await studyRow.click({ button: 'right' });
    const menu = s.page.locator('.monaco-menu').first();
    const menuTexts = async (): Promise<string> => ((await menu.isVisible()) ? (await menu.innerText({ timeout: 2000 })).replace(/\s+/g, ' ') : '');
    await vsc.sleep(800);
    expect(await menuTexts()).not.toMatch(/Re-run Best Trial|Resume Study|Stop Study/);
    await s.page.keyboard.press('Escape');
    // A trial's menu keeps the read-only actions.
    const trialRow = vsc.treeItem(s.page, '#0');
    await vsc.chooseContextMenuItem(s.page, trialRow, 'Show Trial Output', {
      beforeClick: async () => {
        const trialMenu = await menuTexts();
        expect(trialMenu).toMatch(/Copy Trial Command/);
        expect(trialMenu).not.toMatch(/Stop Trial/);
        await s.snap('trial-menu');
      },
    });
    const text = await vsc.waitForTerminalText(s.page, /^epoch=3 val_loss=/m, { timeoutMs: 20_000 });
    expect(text).toMatch(/^epoch=1 val_loss=/m);
    await s.snap('trial-output');
  });

  it('refuses Start Study, Resume Study and Re-run Best Trial with a clear message, and runs nothing', async () => {
    onTestFailed(() => {
      failed = true;
    });
    const before = eventsText();
    const storeBefore = fs.readdirSync(path.join(s.workspace, '.rung')).sort();
    const refusals: [string, RegExp][] = [
      ['Rung: Start Study', /Rung does not start a study in Restricted Mode/],
      ['Rung: Resume Study', /Rung does not resume a study in Restricted Mode/],
      ['Rung: Re-run Best Trial', /Rung does not run a trial in Restricted Mode/],
    ];
    for (const [command, message] of refusals) {
      await vsc.runCommand(s.page, command, { waitClosed: true });
      const toast = await vsc.waitForNotification(s.page, message);
      expect(await toast.innerText()).toMatch(/Trust the workspace to run studies/);
      expect(await toast.locator('.monaco-button').filter({ hasText: 'Manage Workspace Trust' }).count()).toBe(1);
      await s.snap(`refused-${command.replace(/^Rung: /, '').replace(/\W+/g, '-').toLowerCase()}`);
      await toast.hover();
      await toast.locator('.codicon-notifications-clear, .codicon-close').first().click().catch(() => {});
    }
    // Nothing ran: no new study, no new event, no re-run folder, no terminal besides the trial's mirror.
    await vsc.sleep(1000);
    expect(eventsText()).toBe(before);
    expect(fs.readdirSync(path.join(s.workspace, '.rung')).sort()).toEqual(storeBefore);
    expect(fs.existsSync(path.join(s.workspace, '.rung', 'trusted-earlier', 'reruns'))).toBe(false);
    const report = await s.probe();
    expect(report.rung).toMatchObject({ found: true, isActive: true });
    expect(report.terminals.filter((n) => !n.startsWith('#'))).toEqual([]);
  });

  it('the study file still gets the parser\'s diagnostics', async () => {
    onTestFailed(() => {
      failed = true;
    });
    const broken = path.join(s.workspace, 'broken.rung.yaml');
    fs.writeFileSync(broken, study.replace('sampler: random', 'samplr: random'));
    const quickOpen = await vsc.openPalette(s.page, '');
    await quickOpen.fill('broken.rung.yaml');
    await vsc.pickQuickPickItem(s.page, 'broken.rung.yaml');
    const report = await until('a diagnostic on broken.rung.yaml', async () => {
      const r = await s.probe();
      return r.diagnostics.some((d) => d.path === broken && d.items.length > 0) ? r : null;
    }, { timeoutMs: 20_000, intervalMs: 500 });
    expect(report.diagnostics.find((d) => d.path === broken)?.items[0]?.message).toMatch(/samplr/);
    await s.snap('diagnostics');
  });
});
