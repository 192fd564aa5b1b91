/**
 * "Rung: Tune This Script" on an argparse script open in the editor: proposes `<stem>.rung.yaml` next to
 * it (log-scale learning rate, integer sizes, the choices of `choices=`, the metric the script prints),
 * opens it for review, and "Start Study" on the notification runs it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { parse } from 'yaml';
import { readManifest, rungContainerTitle, startSession, until, vsc, type Session } from './harness';

const script = [
  'import argparse',
  '',
  'parser = argparse.ArgumentParser()',
  'parser.add_argument("--lr", type=float, default=0.01, help="learning rate")',
  'parser.add_argument("--hidden", type=int, default=64)',
  'parser.add_argument("--optimizer", choices=["adam", "sgd"], default="adam")',
  'parser.add_argument("--epochs", type=int, default=3)',
  'args = parser.parse_args()',
  'for epoch in range(1, args.epochs + 1):',
  '    print(f"epoch={epoch} val_loss={1.0 / epoch + args.lr:.4f}", flush=True)',
  '',
].join('\n');

interface ProposedParameter {
  type: string;
  low?: number;
  high?: number;
  log?: boolean;
  choices?: unknown[];
}

describe('Tune This Script', () => {
  let s: Session;
  let failed = false;

  beforeAll(async () => {
    s = await startSession({ scenario: 'tune', files: { 'train.py': script } });
  }, 180_000);
  afterAll(async () => {
    await s?.close(failed);
  }, 60_000);

  it('proposes a study file for an argparse script, opens it, and starts it on confirmation', async () => {
    onTestFailed(() => {
      failed = true;
    });
    const quickOpen = await vsc.openPalette(s.page, '');
    await quickOpen.fill('train.py');
    await vsc.pickQuickPickItem(s.page, 'train.py');
    await s.page.locator('.part.editor .tab.active').filter({ hasText: 'train.py' }).waitFor();
    await vsc.runCommand(s.page, 'Rung: Tune This Script');

    // The proposal opens in an editor, next to the script.
    await s.page.locator('.part.editor .tab.active').filter({ hasText: 'train.rung.yaml' }).waitFor({ timeout: 30_000 });
    const file = path.join(s.workspace, 'train.rung.yaml');
    const proposed = parse(fs.readFileSync(file, 'utf8')) as {
      name: string;
      command: string | string[];
      metric: { name: string; goal: string };
      parameters: Record<string, ProposedParameter>;
    };
    expect(String(proposed.command)).toMatch(/train\.py/);
    expect(proposed.metric).toMatchObject({ name: 'val_loss', goal: 'minimize' });
    const lr = proposed.parameters['lr'];
    expect(lr).toMatchObject({ type: 'float', log: true });
    expect((lr?.low ?? 1) < 0.01 && 0.01 < (lr?.high ?? 0)).toBe(true);
    expect(proposed.parameters['hidden']?.type).toBe('int');
    expect(proposed.parameters['optimizer']).toMatchObject({ type: 'categorical', choices: ['adam', 'sgd'] });

    const toast = await vsc.waitForNotification(s.page, /Rung proposed train\.rung\.yaml/, { timeoutMs: 15_000 });
    await s.snap('proposal');
    await toast.locator('a.monaco-button, .monaco-button').filter({ hasText: /^\s*Start Study\s*$/ }).first().click();

    // The study runs: it shows in the tree and ends with completed trials.
    await vsc.openViewContainer(s.page, rungContainerTitle(readManifest()) ?? 'Rung');
    const studyRow = vsc.treeItem(s.page, proposed.name);
    await studyRow.waitFor({ timeout: 30_000 });
    await vsc.expandTreeItem(studyRow);
    await until('a completed trial of the proposed study', async () => (await s.page.locator('.part.sidebar .monaco-list-row').filter({ has: s.page.locator('.codicon-pass, .codicon-star-full') }).count()) > 0, { timeoutMs: 90_000, intervalMs: 500 });
    await s.snap('proposal-running');
  });
});
