/**
 * "Rung: Start Study" in a workspace with a training script and no study file: the question flow (script,
 * metric, goal, parameters, sampler, scheduler and budget, trials, parallel) writes `train.rung.yaml` next
 * to the script, opens it, and "Start Study" on the notification runs it to the end.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { readManifest, rungContainerTitle, startSession, until, vsc, type Session } from './harness';
import { repoRoot } from './paths';

describe('the new-study question flow', () => {
  let s: Session;
  let failed = false;

  beforeAll(async () => {
    s = await startSession({
      scenario: 'newstudy',
      files: { 'train.mjs': fs.readFileSync(path.join(repoRoot, 'examples', 'quadratic', 'train.mjs'), 'utf8'), 'README.md': '# a script, no study file\n' },
    });
  }, 180_000);
  afterAll(async () => {
    await s?.close(failed);
  }, 60_000);

  const widget = (): ReturnType<typeof s.page.locator> => s.page.locator('.quick-input-widget');
  const input = (): ReturnType<typeof s.page.locator> => widget().locator('.quick-input-box input');
  /** The question showing now: an input box's prompt or a quick pick's placeholder. */
  const question = async (): Promise<string> => {
    if (!(await widget().isVisible().catch(() => false))) return '';
    const prompt = await widget().locator('.quick-input-message').innerText().catch(() => '');
    return `${prompt} ${(await input().getAttribute('placeholder').catch(() => '')) ?? ''}`.trim();
  };
  const waitQuestion = (re: RegExp): Promise<string> => until(`the question ${re}`, async () => {
    const q = await question();
    return re.test(q) ? q : null;
  }, { timeoutMs: 15_000, intervalMs: 100 });
  /** Answers an input box (replacing its proposed value) once `re` shows. */
  const type = async (re: RegExp, text: string): Promise<void> => {
    await waitQuestion(re);
    await input().fill(text);
    await vsc.sleep(100);
    await input().press('Enter');
  };
  /** Picks `label` in a quick pick once `re` shows. */
  const choose = async (re: RegExp, label: string | RegExp): Promise<void> => {
    await waitQuestion(re);
    await vsc.pickQuickPickItem(s.page, typeof label === 'string' ? vsc.exactly(label) : label);
  };

  it('asks the questions, writes the study file and starts it', async () => {
    onTestFailed(() => {
      failed = true;
    });
    const containerTitle = rungContainerTitle(readManifest()) ?? 'Rung';
    await s.page.locator(vsc.activityBarItem(containerTitle)).first().waitFor({ timeout: 60_000 });
    await vsc.runCommand(s.page, 'Rung: Start Study');

    await choose(/No study file in this workspace yet/, 'train.mjs');
    await s.snap('pick-script');
    await type(/Which metric does the script print/, 'val_loss');
    await choose(/minimized or maximized/, 'minimize');
    await type(/First parameter to tune/, 'lr');
    await choose(/Type of lr/, 'float');
    await type(/Lowest value of lr/, '0.001');
    await type(/Highest value of lr/, '0.3');
    await choose(/log or linear scale/, 'log scale');
    await type(/Parameter 2 \(leave empty when done; so far: lr\)/, 'optimizer');
    await choose(/Type of optimizer/, 'categorical');
    await type(/Choices for optimizer/, 'adam, sgd');
    await s.snap('parameters');
    await type(/Parameter 3 .*so far: lr, optimizer/, '');
    await choose(/How should trials be chosen/, 'random');
    await choose(/Stop unpromising trials early/, 'asha');
    await type(/Budget a full trial runs to/, '9');
    await type(/Argument that tells the script its budget/, '--epochs {budget}');
    await type(/How many trials\?/, '4');
    await type(/How many trials at a time/, '2');

    // The file is written next to the script and opened for review.
    await s.page.locator('.part.editor .tab.active').filter({ hasText: 'train.rung.yaml' }).waitFor({ timeout: 15_000 });
    const file = path.join(s.workspace, 'train.rung.yaml');
    const written = parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(written).toMatchObject({
      name: 'train',
      metric: { name: 'val_loss', goal: 'minimize' },
      parameters: { lr: { type: 'float', low: 0.001, high: 0.3, log: true }, optimizer: { type: 'categorical', choices: ['adam', 'sgd'] } },
      sampler: 'random',
      scheduler: { type: 'asha', max_budget: 9 },
      trials: 4,
      parallel: 2,
    });
    expect(String(written['command'])).toBe('node train.mjs {args} --epochs {budget}');
    const toast = await vsc.waitForNotification(s.page, /Wrote train\.rung\.yaml/);
    await s.snap('written');
    await toast.locator('.monaco-button').filter({ hasText: /^\s*Start Study\s*$/ }).first().click();

    // It runs to the end in the tree.
    await vsc.openViewContainer(s.page, containerTitle);
    const studyRow = vsc.treeItem(s.page, 'train');
    await studyRow.waitFor({ timeout: 30_000 });
    await until('the new study to finish', async () => /finished/.test(await studyRow.innerText()), { timeoutMs: 60_000, intervalMs: 300 });
    expect((await studyRow.innerText()).replace(/\s+/g, ' ')).toMatch(/4\/4 · best val_loss \S+ \(#\d+\)/);
    await vsc.expandTreeItem(studyRow);
    await s.snap('new-study-finished');
  });
});
