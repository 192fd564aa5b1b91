/**
 * (d) Opening a malformed study file (and nothing else: no Rung command first) shows the engine's own
 * error as a squiggle and in the Problems panel at the right line and column; fixing the typo clears it.
 * A script name the command gets wrong is a warning on that token, with the file it probably meant.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { startSession, until, vsc, type Session } from './harness';

// One mistake, on line 8: `trails` for `trials` (the CLI reports x.rung.yaml:8:1 for it).
const broken = [
  '# A study file with one mistake, on line 8.',
  'name: broken',
  'command: node train.mjs {args} --epochs {budget}',
  'metric: {name: val_loss, goal: minimize}',
  'parameters:',
  '  lr: {type: float, low: 1.0e-4, high: 1.0, log: true}',
  'scheduler: {type: fifo, max_budget: 5}',
  'trails: 3',
  'parallel: 2',
  '',
].join('\n');

describe('diagnostics on *.rung.yaml', () => {
  let s: Session;
  let failed = false;

  beforeAll(async () => {
    s = await startSession({ scenario: 'diagnostics', files: { 'x.rung.yaml': broken, 'train.mjs': 'console.log("val_loss=1")\n' } });
  }, 180_000);
  afterAll(async () => {
    await s?.close(failed);
  }, 60_000);

  it('shows the unknown key at line 8, column 1, as a squiggle and in Problems', async () => {
    onTestFailed(() => {
      failed = true;
    });
    // Quick Open the file, as a user would.
    const input = await vsc.openPalette(s.page, '');
    await input.fill('x.rung.yaml');
    await vsc.pickQuickPickItem(s.page, 'x.rung.yaml');
    await s.page.locator('.part.editor .tab.active').filter({ hasText: 'x.rung.yaml' }).waitFor();

    const report = await until('a diagnostic on x.rung.yaml', async () => {
      const r = await s.probe();
      return r.diagnostics.some((d) => d.path.endsWith('x.rung.yaml') && d.items.length > 0) ? r : null;
    }, { timeoutMs: 45_000, intervalMs: 1000 });
    const items = report.diagnostics.find((d) => d.path.endsWith('x.rung.yaml'))?.items ?? [];
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ line: 8, column: 1, endLine: 8, severity: 'error' });
    expect(items[0]?.message).toMatch(/unknown key "trails".*did you mean "trials"/);
    expect(report.rung).toMatchObject({ found: true, isActive: true });

    // The squiggle is drawn in the editor, and Problems lists it with its position.
    await s.page.locator('.part.editor .squiggly-error').first().waitFor({ timeout: 15_000 });
    await s.page.keyboard.press('Control+Shift+M'); // View: Problems
    const row = s.page.locator('.part.panel .markers-panel .monaco-list-row').filter({ hasText: 'unknown key "trails"' }).first();
    await row.waitFor({ timeout: 15_000 });
    const text = (await row.innerText()).replace(/\s+/g, ' ');
    expect(text).toMatch(/\[Ln 8, Col 1\]/);
    await row.hover();
    await s.snap('problem');
  });

  it('clears the problem once the typo is fixed (no save needed)', async () => {
    onTestFailed(() => {
      failed = true;
    });
    await s.page.locator('.part.editor .monaco-editor .view-lines').first().click();
    await s.page.keyboard.press('Control+G');
    await s.page.keyboard.type('8');
    await s.page.keyboard.press('Enter');
    await s.page.keyboard.press('Home');
    for (let i = 0; i < 'trails'.length; i++) await s.page.keyboard.press('Delete');
    await s.page.keyboard.type('trials');
    await until('the diagnostics on x.rung.yaml to clear', async () => {
      const r = await s.probe();
      return (r.diagnostics.find((d) => d.path.endsWith('x.rung.yaml'))?.items.length ?? 0) === 0;
    }, { timeoutMs: 20_000, intervalMs: 500 });
    await s.page.locator('.part.editor .squiggly-error').first().waitFor({ state: 'detached', timeout: 10_000 });
    await s.snap('fixed');
  });

  it('warns, on the token, when the command names a script that is not in the folder', async () => {
    onTestFailed(() => {
      failed = true;
    });
    // Line 3 is `command: node train.mjs …`: misspell the script (find selects it; typing replaces it).
    await s.page.locator('.part.editor .monaco-editor .view-lines').first().click();
    await s.page.keyboard.press('Control+F');
    await s.page.keyboard.type('train.mjs');
    await s.page.keyboard.press('Enter');
    await s.page.keyboard.press('Escape');
    await s.page.keyboard.type('trian.mjs');
    const item = await until('a warning about trian.mjs', async () => {
      const r = await s.probe();
      return r.diagnostics.find((d) => d.path.endsWith('x.rung.yaml'))?.items.find((i) => /trian\.mjs/.test(i.message)) ?? null;
    }, { timeoutMs: 20_000, intervalMs: 500 });
    expect(item).toMatchObject({ line: 3, column: 15, severity: 'warning' });
    expect(item.message).toMatch(/^the command runs trian\.mjs, which is not in .* \(did you mean "train\.mjs"\?\)$/);
    await s.snap('missing-script');
  });
});
