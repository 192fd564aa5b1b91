/**
 * The early-stopping check in the decisions view, in the built page (headless Chromium): the host's own
 * view code (toViews: the engine's τ per rung and the CLI's words) turns a study whose learning curves
 * cross after epoch 1 into the snapshot and patches; the page must show each rung's budget, τ and number
 * of trials in a real table, the note on the weak first rung and the hint, "not enough finished trials
 * yet" before there are two, open and close from the keyboard, and render in three themes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstRungHint, WEAK_RUNG_NOTE } from '../../src/engine/schedulers/rungReliability';
import { parseStudySpec } from '../../src/engine/spec/parseStudySpec';
import {
  decisionRows,
  rungCheckView,
  studyHeader,
  studyViewContext,
  trialRows,
  type StudyViewSource,
} from '../../src/extension/dashboard/toViews';
import type { HostMessages } from '../../src/shared/dashboardProtocol';
import { crossingCurves } from '../extension/snapshotBuilder';
import { screenshotThemes, sharedChromium } from '../helpers/pageTest';
import { launchChromium, openDashboardPage, saveScreenshot, type Browser, type DashboardPage } from '../helpers/webviewPage';

const spec = (() => {
  const parsed = parseStudySpec(
    ['name: demo', 'command: node t.mjs {budget}', 'metric: {name: val_loss, goal: minimize}', 'parameters:', '  lr: {type: float, low: 0.001, high: 1}', 'scheduler: {type: asha, min_budget: 1, max_budget: 9, eta: 3}'].join('\n'),
    '/work/project/demo.rung.yaml',
  );
  if (!parsed.ok) throw new Error('bad spec');
  return parsed.value;
})();

/**
 * Ten trials whose curves cross after epoch 1 (the leader at epoch 1 ends last; at epoch 3 the order is
 * the final one); the first `finished` ran to epoch 9, the others still run.
 */
function crossingStudy(finished: number): HostMessages['study/snapshot'] {
  const b = crossingCurves(10, finished);
  const source: StudyViewSource = { snapshot: b.snapshot, spec, live: true, owned: true };
  const context = studyViewContext(source);
  return { rev: 1, header: studyHeader(source, context), trials: trialRows(source, context), decisions: decisionRows(source, context), rungCheck: rungCheckView(source, context) };
}

interface TableRow {
  rung: string;
  budget: string;
  tau: string;
  n: string;
  note: string;
  weak: boolean;
}

async function tableRows(dash: DashboardPage): Promise<TableRow[]> {
  return dash.page.$$eval('#decisions .rung-check-table tbody tr', (trs) =>
    trs.map((tr) => ({
      rung: tr.querySelector('th[scope="row"]')?.textContent ?? '',
      budget: tr.querySelector('.rung-check-budget')?.textContent ?? '',
      tau: tr.querySelector('.rung-check-tau')?.textContent ?? '',
      n: tr.querySelector('.rung-check-n')?.textContent ?? '',
      note: tr.querySelector('.rung-check-note')?.textContent ?? '',
      weak: tr.classList.contains('weak'),
    })),
  );
}

const panel = (dash: DashboardPage) => dash.page.locator('#decisions details.rung-check');
const isOpen = (dash: DashboardPage): Promise<boolean> => panel(dash).evaluate((e) => (e as unknown as { open: boolean }).open);

describe('early-stopping check in the decisions view', () => {
  let browser: Browser;
  let dash: DashboardPage;
  const early = crossingStudy(1);
  const weak = crossingStudy(8);

  beforeAll(async () => {
    browser = await launchChromium();
    dash = await openDashboardPage({ browser });
  }, 60_000);
  afterAll(async () => {
    await dash?.close();
    await browser?.close();
  });

  it('says "not enough finished trials yet" while fewer than 2 trials ran to the full budget', async () => {
    expect(early.rungCheck?.rungs.map((r) => r.n)).toEqual([1, 1]);
    await dash.send('study/snapshot', early);
    await expect.poll(() => panel(dash).isVisible()).toBe(true);
    expect(await panel(dash).locator('summary').textContent()).toBe('Early-stopping checknot enough finished trials yet');
    expect(await panel(dash).locator('.rung-check-empty').textContent()).toBe('Not enough finished trials yet: τ needs at least 2 trials that ran to epoch 9.');
    expect(await panel(dash).locator('table').count()).toBe(0);
    // Nothing is weak, so it stays closed: one line above the decision log.
    expect(await isOpen(dash)).toBe(false);
  });

  it('opens on a weak first rung: budget, τ and trials per rung in a table, the note and the CLI\'s hint', async () => {
    await dash.send('study/patch', { rev: 2, baseRev: 1, upsertTrials: weak.trials, header: weak.header, ...(weak.rungCheck !== undefined ? { rungCheck: weak.rungCheck } : {}) });
    await expect.poll(() => isOpen(dash)).toBe(true);
    expect(await tableRows(dash)).toEqual([
      { rung: 'rung 0', budget: 'epoch 1', tau: '-1.00', n: '8', note: WEAK_RUNG_NOTE, weak: true },
      { rung: 'rung 1', budget: 'epoch 3', tau: '1.00', n: '8', note: '', weak: false },
    ]);
    const hint = panel(dash).locator('.rung-check-hint');
    expect(await hint.isVisible()).toBe(true);
    expect(await hint.getAttribute('role')).toBe('note');
    expect(await hint.textContent()).toBe(`Hint: ${firstRungHint('3')}`);
    expect(await hint.locator('.rung-check-hint-text').textContent()).toBe(
      'learning curves seem to cross early; a later first rung (min_budget: 3) or scheduler hyperband would stop fewer eventual winners',
    );
    // A real table for screen readers: a caption, column headers and a row header per rung.
    const table = panel(dash).locator('table.rung-check-table');
    expect(await table.locator('caption').textContent()).toBe("Kendall's τ between a rung's values and the final ones, over trials that ran to epoch 9");
    expect(await table.locator('thead th[scope="col"]').allTextContents()).toEqual(['Rung', 'Budget', 'τ', 'Trials', 'Note']);
    expect(await table.locator('tbody th[scope="row"]').count()).toBe(2);
    // The summary line says it too (the weak rung in words for screen readers, not only in colour).
    const summary = (await panel(dash).locator('summary').textContent()) ?? '';
    expect(summary).toBe(`Early-stopping checkτ over 8 trials: epoch 1 -1.00 (${WEAK_RUNG_NOTE}) · epoch 3 1.00`);
    expect(await dash.problems()).toEqual([]);
    await saveScreenshot(dash.page.locator('#side'), 'decisions-rung-check-dark.png');
  });

  it('opens and closes from the keyboard, and remembers the choice', async () => {
    await dash.page.focus('#decisions details.rung-check > summary');
    await dash.page.keyboard.press('Enter');
    await expect.poll(() => isOpen(dash)).toBe(false);
    expect(await panel(dash).locator('.rung-check-hint').isVisible()).toBe(false);
    const saved = (): Promise<unknown> => dash.page.evaluate(() => (globalThis as unknown as { __rungState?: Record<string, unknown> }).__rungState?.['rungCheck']);
    await expect.poll(saved).toEqual({ open: false });
    // A new check does not reopen what the user closed.
    const again = { ...weak.rungCheck!, rungs: weak.rungCheck!.rungs.map((r) => ({ ...r })) };
    await dash.send('study/patch', { rev: 3, baseRev: 2, rungCheck: again });
    await dash.page.waitForTimeout(50);
    expect(await isOpen(dash)).toBe(false);
    await dash.page.keyboard.press('Space');
    await expect.poll(() => isOpen(dash)).toBe(true);
    await expect.poll(saved).toEqual({ open: true });
  });

  it('hides when the check no longer applies', async () => {
    await dash.send('study/patch', { rev: 4, baseRev: 3, rungCheck: null });
    await expect.poll(() => panel(dash).isVisible()).toBe(false);
    expect((await dash.posted()).some((m) => m.type === 'study/resync')).toBe(false);
    expect(await dash.problems()).toEqual([]);
  });
});

describe('early-stopping check in three themes', () => {
  const browser = sharedChromium();

  screenshotThemes(
    (theme) => `renders a weak first rung cleanly in the ${theme} theme`,
    (theme) => openDashboardPage({ browser: browser(), theme }),
    async (dash, theme) => {
      await dash.send('study/snapshot', crossingStudy(8));
      await expect.poll(() => isOpen(dash)).toBe(true);
      await saveScreenshot(dash.page.locator('#side'), `decisions-rung-check-${theme}.png`);
    },
    60_000,
  );
});
