/**
 * "Rung: Import Sweep (W&B, NNI)…" from the palette, on the file open in the editor: a W&B sweep
 * configuration becomes `sweep.rung.yaml` beside it (gp for bayes, ASHA for hyperband, run_cap as trials, the
 * constant as a fixed argument), opened for review and accepted by Rung's own parser; a malformed NNI search
 * space is reported as file:line:col with a "Go to Error" button and writes nothing; with a study file in
 * the editor the command asks for the input in the open dialog instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { parse } from 'yaml';
import { formatSpecIssue, parseStudySpec } from '../../src/engine/spec/parseStudySpec';
import { startSession, until, vsc, type Session } from './harness';

const sweep = [
  'program: train.py',
  'method: bayes',
  'metric:',
  '  name: val_loss',
  '  goal: minimize',
  'parameters:',
  '  lr:',
  '    distribution: log_uniform_values',
  '    min: 0.0001',
  '    max: 0.1',
  '  layers:',
  '    distribution: int_uniform',
  '    min: 1',
  '    max: 4',
  '  optimizer:',
  '    values: [adam, sgd]',
  '  epochs:',
  '    value: 5',
  'early_terminate:',
  '  type: hyperband',
  '  min_iter: 1',
  '  eta: 3',
  'run_cap: 12',
  'command:',
  '  - ${env}',
  '  - ${interpreter}',
  '  - ${program}',
  '  - ${args}',
  '',
].join('\n');

const script = [
  'import argparse',
  '',
  'parser = argparse.ArgumentParser()',
  'parser.add_argument("--lr", type=float, default=0.01)',
  'parser.add_argument("--layers", type=int, default=2)',
  'parser.add_argument("--optimizer", default="adam")',
  'parser.add_argument("--epochs", type=int, default=5)',
  'args = parser.parse_args()',
  'for epoch in range(1, args.epochs + 1):',
  '    print(f"epoch={epoch} val_loss={1.0 / epoch + args.lr:.4f}", flush=True)',
  '',
].join('\n');

// An NNI search space with a real error (loguniform from 0: line 2, on the `0`) and an unknown `_type`
// (`uniformm`, which alone would only leave that parameter out).
const brokenSpace = [
  '{',
  '  "lr": {"_type": "loguniform", "_value": [0, 0.1]},',
  '  "dropout": {"_type": "uniformm", "_value": [0.0, 0.5]},',
  '  "batch_size": {"_type": "choice", "_value": [16, 32, 64]}',
  '}',
  '',
].join('\n');
const brokenLine = 2;
const brokenColumn = (brokenSpace.split('\n')[brokenLine - 1] ?? '').indexOf('[0,') + 2;

interface ImportedStudy {
  name: string;
  command: string | string[];
  metric: { name: string; goal: string };
  parameters: Record<string, { type: string; low?: number; high?: number; log?: boolean; choices?: unknown[] }>;
  sampler: string | { type: string };
  scheduler: { type: string; min_budget?: number; max_budget?: number; eta?: number };
  trials: number;
}

/** The editor tab that is active, by its exact label. */
const activeTab = (s: Session, label: string) =>
  s.page.locator('.part.editor .tab.active').filter({ has: s.page.locator('.label-name', { hasText: vsc.exactly(label) }) });

/** Quick Open a workspace file, as a user would, and wait for its tab to be the active one. */
async function openFile(s: Session, name: string): Promise<void> {
  const input = await vsc.openPalette(s.page, '');
  await input.fill(name);
  await vsc.pickQuickPickItem(s.page, vsc.exactly(name));
  await activeTab(s, name).waitFor({ timeout: 30_000 });
}

describe('Import Sweep', () => {
  let s: Session;
  let failed = false;

  beforeAll(async () => {
    s = await startSession({ scenario: 'importSweep', files: { 'sweep.yaml': sweep, 'train.py': script, 'search_space.json': brokenSpace } });
  }, 180_000);
  afterAll(async () => {
    await s?.close(failed);
  }, 60_000);

  it('imports the W&B sweep open in the editor as sweep.rung.yaml beside it, opens it, and Rung accepts it', async () => {
    onTestFailed(() => {
      failed = true;
    });
    await openFile(s, 'sweep.yaml');
    await s.snap('sweep-open');
    await vsc.runCommand(s.page, 'Rung: Import Sweep (W&B, NNI)…');

    // The study file opens for review, and the notification says what was imported.
    await activeTab(s, 'sweep.rung.yaml').waitFor({ timeout: 60_000 });
    await vsc.waitForNotification(s.page, /Rung imported a W&B sweep configuration from sweep\.yaml as sweep\.rung\.yaml \(3 parameters\)/, { timeoutMs: 30_000 });
    await s.snap('imported');

    const file = path.join(s.workspace, 'sweep.rung.yaml');
    const text = fs.readFileSync(file, 'utf8');
    const study = parse(text) as ImportedStudy;
    expect(study.metric).toEqual({ name: 'val_loss', goal: 'minimize' });
    expect(typeof study.sampler === 'string' ? study.sampler : study.sampler.type).toBe('gp'); // W&B bayes
    expect(study.scheduler).toMatchObject({ type: 'asha', min_budget: 1, max_budget: 5, eta: 3 }); // hyperband, max from epochs
    expect(study.trials).toBe(12); // run_cap
    expect(study.parameters).toEqual({
      lr: { type: 'float', low: 1e-4, high: 0.1, log: true },
      layers: { type: 'int', low: 1, high: 4 },
      optimizer: { type: 'categorical', choices: ['adam', 'sgd'] },
    });
    // ${env} ${interpreter} ${program} ${args}, with the constant as a fixed argument.
    const command = Array.isArray(study.command) ? study.command.join(' ') : study.command;
    expect(command).toMatch(/\btrain\.py\b/);
    expect(command).toContain('{args}');
    expect(command).toContain('--epochs=5');

    // Rung's own parser accepts it, in this process and in the extension (no error diagnostics).
    const parsed = parseStudySpec(text, file);
    expect(parsed.ok, parsed.ok ? '' : parsed.error.map((i) => formatSpecIssue(i)).join('\n')).toBe(true);
    // The diagnostics are set when the document opens, before the notification: the probe sees them.
    const report = await s.probe();
    expect(report.rung).toMatchObject({ found: true, isActive: true });
    const errors = report.diagnostics.filter((d) => d.path === file).flatMap((d) => d.items.filter((i) => i.severity === 'error'));
    expect(errors).toEqual([]);
    expect(fs.readdirSync(s.workspace).sort()).toEqual(['search_space.json', 'sweep.rung.yaml', 'sweep.yaml', 'train.py']);
  });

  it('reports a malformed NNI search space as file:line:col, writes nothing, and goes to the error', async () => {
    onTestFailed(() => {
      failed = true;
    });
    const before = fs.readdirSync(s.workspace).sort();
    await openFile(s, 'search_space.json');
    await vsc.runCommand(s.page, 'Rung: Import Sweep (W&B, NNI)…');

    const where = `search_space.json:${brokenLine}:${brokenColumn}`;
    const toast = await vsc.waitForNotification(s.page, /Rung: cannot import search_space\.json/, { timeoutMs: 30_000 });
    const message = (await toast.innerText()).replace(/\s+/g, ' ');
    expect(message).toContain(`cannot import search_space.json: ${where}: loguniform needs low > 0`);
    expect(message).toContain('Nothing was written.');
    expect(await toast.locator('.codicon-error').count()).toBeGreaterThan(0);
    await s.snap('malformed');
    expect(fs.readdirSync(s.workspace).sort()).toEqual(before);

    // "Go to Error" selects the offending value in the input.
    await toast.locator('a.monaco-button, .monaco-button').filter({ hasText: /^\s*Go to Error\s*$/ }).first().click();
    await activeTab(s, 'search_space.json').waitFor({ timeout: 15_000 });
    const selection = s.page.locator('.part.statusbar [id="status.editor.selection"]');
    await until(`the cursor on line ${brokenLine}`, async () => {
      const t = (await selection.innerText()).replace(/\s+/g, ' ');
      return new RegExp(`Ln ${brokenLine}, Col \\d+ \\(1 selected\\)`).test(t) ? t : null;
    }, { timeoutMs: 15_000 });
    await s.snap('go-to-error');
    expect(fs.readdirSync(s.workspace).sort()).toEqual(before);
  });

  it('asks for the input in the open dialog when the active editor holds a study file', async () => {
    onTestFailed(() => {
      failed = true;
    });
    await openFile(s, 'sweep.rung.yaml');
    await vsc.runCommand(s.page, 'Rung: Import Sweep (W&B, NNI)…');
    // code-server's open dialog is VS Code's simple file dialog: a quick input with a path.
    const widget = s.page.locator('.quick-input-widget');
    await widget.locator('.quick-input-title', { hasText: 'Import a W&B sweep' }).waitFor({ timeout: 30_000 });
    await s.snap('open-dialog');
    const input = widget.locator('.quick-input-box input');
    await input.fill(path.join(s.workspace, 'sweep.yaml'));
    await until('the dialog to accept sweep.yaml', async () => (await input.inputValue()).endsWith('sweep.yaml'), { timeoutMs: 10_000 });
    await input.press('Enter');

    // The study file in the editor was not imported; sweep.yaml was, next to the first import.
    await activeTab(s, 'sweep-2.rung.yaml').waitFor({ timeout: 60_000 });
    await vsc.waitForNotification(s.page, /from sweep\.yaml as sweep-2\.rung\.yaml/, { timeoutMs: 30_000 });
    await s.snap('imported-from-dialog');
    expect(fs.readdirSync(s.workspace).filter((f) => f.includes('.rung.')).sort()).toEqual(['sweep-2.rung.yaml', 'sweep.rung.yaml']);
    const again = parseStudySpec(fs.readFileSync(path.join(s.workspace, 'sweep-2.rung.yaml'), 'utf8'), path.join(s.workspace, 'sweep-2.rung.yaml'));
    expect(again.ok).toBe(true);
  });
});
