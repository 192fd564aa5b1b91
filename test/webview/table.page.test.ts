/**
 * The trials table, header and best-trial card in the built page (headless Chromium): virtualisation at
 * 10,000 trials, sorting, status/text/range filters, in-place patches, selection and row actions, the
 * column chooser, the best card's buttons, and screenshots in the three theme kinds for review.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrialRow, WebviewEnvelope } from '../../src/shared/dashboardProtocol';
import { generateStudy } from '../fixtures/views/generatedStudy';
import { checkPage, screenshotThemes, sharedChromium } from '../helpers/pageTest';
import { launchChromium, openDashboardPage, saveScreenshot, sendSnapshot, settled, type Browser, type DashboardPage } from '../helpers/webviewPage';

interface ShownRow {
  readonly id: string;
  readonly status: string;
  readonly index: number;
  readonly selected: boolean;
  readonly cells: string[];
}

/** Rows in the DOM (visible ones, not recycled spares), in display order. */
async function shownRows(dash: DashboardPage): Promise<ShownRow[]> {
  return dash.page.evaluate(() => {
    type El = {
      hidden: boolean;
      dataset: Record<string, string | undefined>;
      classList: { contains(c: string): boolean };
      getAttribute(n: string): string | null;
      querySelectorAll(s: string): ArrayLike<{ textContent: string | null }>;
    };
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<El> } }).document;
    return Array.from(doc.querySelectorAll('#table .trow'))
      .filter((r) => !r.hidden)
      .map((r) => ({
        id: r.dataset.trialId ?? '',
        status: r.dataset.status ?? '',
        index: Number(r.getAttribute('aria-rowindex')) - 2,
        selected: r.classList.contains('selected'),
        cells: Array.from(r.querySelectorAll('.td')).map((c) => c.textContent ?? ''),
      }))
      .sort((a, b) => a.index - b.index);
  });
}

/** Column index (in the header) of a column key, to read cells of ShownRow. */
async function columnIndex(dash: DashboardPage, key: string): Promise<number> {
  const keys = await dash.page.locator('#table .th[data-key]').evaluateAll((els) =>
    els.map((e) => (e as unknown as { dataset: { key: string } }).dataset.key),
  );
  return keys.indexOf(key);
}

/** What the page posted, less the curve requests other views make on a selection. */
async function actions(dash: DashboardPage): Promise<WebviewEnvelope[]> {
  return (await dash.posted()).filter((m) => m.type !== 'trial/requestCurves');
}

/**
 * The row showing a trial. Rows are recycled: a spare row is hidden but keeps the trial id it last showed,
 * so a plain `[data-trial-id]` selector can match it too (two elements: a strict-mode error in an action).
 */
const rowOf = (dash: DashboardPage, id: string) => dash.page.locator(`#table .trow:not([hidden])[data-trial-id="${id}"]`);

/** The id of the first row shown (rows are rewritten on the next frame after a sort, a filter or a scroll). */
const firstId = async (dash: DashboardPage): Promise<string | undefined> => (await shownRows(dash))[0]?.id;

describe('trials table at 10,000 trials', () => {
  const study = generateStudy({ trials: 10_000, reports: 50, running: 6, seed: 3 });
  let browser: Browser;
  let dash: DashboardPage;
  let rev = 1;

  beforeAll(async () => {
    browser = await launchChromium();
    dash = await openDashboardPage({ browser });
    await sendSnapshot(dash, study, rev);
    await dash.page.locator('#table .trow[data-trial-id="0"]').waitFor();
  }, 60_000);
  afterAll(async () => {
    await dash?.close();
    await browser?.close();
  });

  it('keeps only the visible rows (plus overscan) in the DOM, in trial order, and renders more on scroll', async () => {
    const rows = await shownRows(dash);
    expect(rows.length).toBeGreaterThan(10);
    expect(await dash.page.locator('#table .trow').count()).toBeLessThan(150);
    expect(rows.slice(0, 5).map((r) => r.id)).toEqual(['0', '1', '2', '3', '4']);
    expect(await dash.page.locator('#table .table-count').textContent()).toBe('10000 trials');

    await dash.page.locator('#table .table-scroll').evaluate((el) => {
      const s = el as unknown as { scrollTop: number; scrollHeight: number };
      s.scrollTop = s.scrollHeight;
    });
    await expect.poll(async () => (await shownRows(dash)).some((r) => r.id === '9999')).toBe(true);
    expect(await dash.page.locator('#table .trow').count()).toBeLessThan(150);
    await dash.page.locator('#table .table-scroll').evaluate((el) => {
      (el as unknown as { scrollTop: number }).scrollTop = 0;
    });
    await expect.poll(async () => (await shownRows(dash))[0]?.id).toBe('0');
  });

  it('puts Duration before the parameter columns, so it is on screen without scrolling', async () => {
    const keys = await dash.page.locator('#table .th[data-key]').evaluateAll((els) =>
      els.map((e) => (e as unknown as { dataset: { key: string } }).dataset.key),
    );
    const firstParam = keys.findIndex((k) => k.startsWith('param:'));
    expect(firstParam).toBeGreaterThan(0);
    expect(keys.indexOf('duration')).toBeGreaterThan(keys.indexOf('rung'));
    expect(keys.indexOf('duration')).toBeLessThan(firstParam);
    const [durationRight, viewRight] = await Promise.all([
      dash.page.locator('#table .th[data-key="duration"]').evaluate((e) => (e as unknown as { getBoundingClientRect(): { right: number } }).getBoundingClientRect().right),
      dash.page.locator('#table .table-scroll').evaluate((e) => (e as unknown as { getBoundingClientRect(): { right: number } }).getBoundingClientRect().right),
    ]);
    expect(durationRight).toBeLessThanOrEqual(viewRight);
  });

  it('shows the header (study, state, counts, trials) and the best trial card', async () => {
    const header = dash.page.locator('#header');
    await expect.poll(() => header.locator('.study-name').textContent()).toBe('generated');
    expect(await header.locator('.study-state').textContent()).toBe('live · running');
    expect(await header.locator('.study-trials').textContent()).toBe('10000 / 10000 trials');
    expect(await header.locator('.study-count[data-status="completed"] .study-count-n').textContent()).toBe(
      String(study.header.counts.completed),
    );
    const best = study.header.best!;
    const card = dash.page.locator('#best');
    expect(await card.getAttribute('data-trial-id')).toBe(best.trialId);
    expect(await card.locator('.best-heading').textContent()).toBe(`Best trial #${best.trialId}`);
    expect(Number(await card.locator('.best-value').textContent())).toBeCloseTo(best.value, 3);
    expect(await card.locator('.best-config dt').allTextContents()).toContain('lr');
  });

  it('best card buttons post copy command and re-run at full budget, and select the trial', async () => {
    const best = study.header.best!.trialId;
    const before = (await actions(dash)).length;
    await dash.page.locator('#best .best-copy').click();
    await dash.page.locator('#best .best-rerun').click();
    await dash.page.locator('#best .best-select').click();
    const posted = (await actions(dash)).slice(before);
    expect(posted).toEqual([
      { type: 'trial/copyCommand', payload: { trialId: best } },
      { type: 'trial/rerun', payload: { trialId: best, fullBudget: true } },
      { type: 'trial/selected', payload: { trialId: best } },
    ]);
    // Selected elsewhere: the table scrolls to the row and highlights it.
    await expect.poll(async () => (await shownRows(dash)).find((r) => r.id === best)?.selected).toBe(true);
  });

  it('sorts by value best first, then reverses, with missing values last', async () => {
    const valueButton = dash.page.locator('#table .th[data-key="value"] button');
    await valueButton.click();
    expect(await dash.page.locator('#table .th[data-key="value"]').getAttribute('aria-sort')).toBe('ascending');
    const withValue = study.trials.filter((t) => t.value !== null);
    const min = withValue.reduce((a, b) => (b.value! < a.value! ? b : a));
    await dash.page.locator('#table .table-scroll').evaluate((el) => {
      (el as unknown as { scrollTop: number }).scrollTop = 0;
    });
    await expect.poll(() => firstId(dash)).toBe(min.id);
    // Keyboard: Enter on the focused header toggles the direction.
    await valueButton.focus();
    await dash.page.keyboard.press('Enter');
    expect(await dash.page.locator('#table .th[data-key="value"]').getAttribute('aria-sort')).toBe('descending');
    const max = withValue.reduce((a, b) => (b.value! > a.value! ? b : a));
    await expect.poll(() => firstId(dash)).toBe(max.id);
    // Back to trial order for the next tests.
    await dash.page.locator('#table .th[data-key="number"] button').click();
    await expect.poll(() => firstId(dash)).toBe('0');
  });

  it('filters by status chips, free text and a range in the filter row, and says how many are shown', async () => {
    const failed = study.trials.filter((t) => t.status === 'failed');
    await dash.page.locator('#table .status-chip[data-status="failed"]').click();
    await expect.poll(() => dash.page.locator('#table .table-count').textContent()).toBe(`${failed.length} of 10000`);
    let rows = await shownRows(dash);
    expect(rows.every((r) => r.status === 'failed')).toBe(true);
    expect(rows[0]!.id).toBe(failed[0]!.id);

    // Several statuses at once.
    await dash.page.locator('#table .status-chip[data-status="running"]').click();
    const failedOrRunning = study.trials.filter((t) => t.status === 'failed' || t.status === 'running');
    await expect.poll(() => dash.page.locator('#table .table-count').textContent()).toBe(`${failedOrRunning.length} of 10000`);

    // Free text on top of the statuses.
    await dash.page.locator('#table .table-search input').fill('optimizer=sgd');
    const sgd = failedOrRunning.filter((t) => t.params.optimizer === 'sgd');
    await expect.poll(() => dash.page.locator('#table .table-count').textContent()).toBe(`${sgd.length} of 10000`);
    rows = await shownRows(dash);
    const opt = await columnIndex(dash, 'param:optimizer');
    expect(rows.length).toBe(Math.min(sgd.length, rows.length));
    expect(rows.every((r) => r.cells[opt] === 'sgd')).toBe(true);

    // Clear, then a range typed in the filter row.
    await dash.page.locator('#table .table-clear').click();
    await expect.poll(() => dash.page.locator('#table .table-count').textContent()).toBe('10000 trials');
    expect(await dash.page.locator('#table .table-search input').inputValue()).toBe('');
    await dash.page.locator('#table .table-filter-toggle').click();
    await dash.page.locator('#table .filter-input[data-key="param:layers"]').fill('3..4');
    const layers = study.trials.filter((t) => t.params.layers === 3 || t.params.layers === 4);
    await expect.poll(() => dash.page.locator('#table .table-count').textContent()).toBe(`${layers.length} of 10000`);
    // Invalid text is marked and does not filter.
    await dash.page.locator('#table .filter-input[data-key="value"]').fill('abc');
    // Checked after the input's 200 ms debounce (a timer: late on a loaded machine, so wait for the mark).
    await expect.poll(() => dash.page.locator('#table .filter-input[data-key="value"]').getAttribute('class')).toContain('invalid');
    await dash.page.locator('#table .filter-input[data-key="value"]').fill('');
    await dash.page.locator('#table .filter-input[data-key="param:layers"]').fill('');
    await expect.poll(() => dash.page.locator('#table .table-count').textContent()).toBe('10000 trials');
  });

  it('a categorical value pick in the filter row keeps the picked values', async () => {
    await dash.page.locator('#table .filter-pick[data-key="param:optimizer"]').click();
    await dash.page.locator('.table-panel input[data-key="adam"]').uncheck();
    await dash.page.locator('.table-panel input[data-key="rmsprop"]').uncheck();
    const sgd = study.trials.filter((t) => t.params.optimizer === 'sgd');
    await expect.poll(() => dash.page.locator('#table .table-count').textContent()).toBe(`${sgd.length} of 10000`);
    expect(await dash.page.locator('#table .filter-pick[data-key="param:optimizer"]').textContent()).toBe('sgd');
    await dash.page.keyboard.press('Escape');
    await dash.page.locator('#table .table-clear').click();
    await expect.poll(() => dash.page.locator('#table .table-count').textContent()).toBe('10000 trials');
  });

  it('applies a patch in place: the changed row shows its new status and value, other rows are untouched', async () => {
    // The last test's clear re-wrapped the toolbar: the table is a little taller, and its ResizeObserver
    // renders one more row a frame after the count was written. Compare with the rows once that is done.
    await settled(dash.page, '#table .table-body');
    const before = await shownRows(dash);
    const domRows = await dash.page.locator('#table .trow').count();
    const old = study.trials[3]!;
    const changed: TrialRow = { ...old, status: 'completed', value: 0.0123, reason: null };
    await dash.send('study/patch', { rev: rev + 1, baseRev: rev, upsertTrials: [changed] });
    rev++;
    const valueCol = await columnIndex(dash, 'value');
    await expect.poll(async () => (await shownRows(dash)).find((r) => r.id === '3')?.cells[valueCol]).toBe('0.0123');
    await settled(dash.page, '#table .table-body');
    const after = await shownRows(dash);
    expect(after.find((r) => r.id === '3')!.status).toBe('completed');
    expect(after.map((r) => r.id)).toEqual(before.map((r) => r.id));
    expect(after.filter((r) => r.id !== '3')).toEqual(before.filter((r) => r.id !== '3').map((r) => ({ ...r, selected: r.selected })));
    expect(await dash.page.locator('#table .trow').count()).toBe(domRows);
  });

  it('a click selects the trial and posts trial/selected; arrows move it; Enter shows the output', async () => {
    await rowOf(dash, '5').locator('.td').nth(2).click();
    await expect.poll(async () => (await actions(dash)).at(-1)).toEqual({ type: 'trial/selected', payload: { trialId: '5' } });
    // The selection is posted at once; the row is marked on the next frame.
    await expect.poll(async () => (await shownRows(dash)).find((r) => r.id === '5')?.selected).toBe(true);
    await dash.page.keyboard.press('ArrowDown');
    await dash.page.keyboard.press('ArrowDown');
    await dash.page.keyboard.press('ArrowUp');
    await dash.page.keyboard.press('Enter');
    const posted = (await actions(dash)).slice(-4);
    expect(posted).toEqual([
      { type: 'trial/selected', payload: { trialId: '6' } },
      { type: 'trial/selected', payload: { trialId: '7' } },
      { type: 'trial/selected', payload: { trialId: '6' } },
      { type: 'trial/showOutput', payload: { trialId: '6' } },
    ]);
    await expect.poll(async () => (await shownRows(dash)).filter((r) => r.selected).map((r) => r.id)).toEqual(['6']);
  });

  it('row actions: the context menu offers Stop only for a stoppable trial and posts the chosen action', async () => {
    const runningId = study.trials.find((t) => t.canStop)!.id;
    // Show the running trial (the last ones) by selecting it from the host, then open its menu.
    await dash.send('trial/select', { trialId: runningId });
    const row = rowOf(dash, runningId);
    await row.waitFor();
    await row.click({ button: 'right' });
    const menu = dash.page.locator('.table-menu');
    expect(await menu.locator('.menu-item').allTextContents()).toEqual([
      'Show output',
      'Stop trial',
      'Copy command',
      'Re-run with the same budget',
      'Re-run at full budget',
    ]);
    await menu.locator('[data-action="stop"]').click();
    expect((await actions(dash)).at(-1)).toEqual({ type: 'trial/stop', payload: { trialId: runningId } });
    expect(await menu.isHidden()).toBe(true);

    await row.click({ button: 'right' });
    await menu.locator('[data-action="rerun"]').click();
    expect((await actions(dash)).at(-1)).toEqual({ type: 'trial/rerun', payload: { trialId: runningId, fullBudget: false } });
    await row.click({ button: 'right' });
    await menu.locator('[data-action="copy"]').click();
    expect((await actions(dash)).at(-1)).toEqual({ type: 'trial/copyCommand', payload: { trialId: runningId } });

    // A finished trial cannot be stopped; its hover button is hidden and its menu has no Stop.
    const done = rowOf(dash, '0');
    await dash.page.locator('#table .table-scroll').evaluate((el) => {
      (el as unknown as { scrollTop: number }).scrollTop = 0;
    });
    await done.click({ button: 'right' });
    expect(await menu.locator('[data-action="stop"]').count()).toBe(0);
    await menu.locator('[data-action="output"]').click();
    expect((await actions(dash)).at(-1)).toEqual({ type: 'trial/showOutput', payload: { trialId: '0' } });
    expect(await done.locator('.row-action[data-action="stop"]').isHidden()).toBe(true);
  });

  it('the column chooser hides a column and remembers it in the webview state', async () => {
    expect(await dash.page.locator('#table .th[data-key="reason"]').count()).toBe(1);
    await dash.page.locator('#table .table-columns-button').click();
    await dash.page.locator('.table-panel input[data-key="reason"]').uncheck();
    await dash.page.keyboard.press('Escape');
    // The header is rebuilt at once; the rows are dropped at once and built with the new cells on the next frame.
    expect(await dash.page.locator('#table .th[data-key="reason"]').count()).toBe(0);
    const columns = await dash.page.locator('#table .th[data-key]').count();
    await expect.poll(() => rowOf(dash, '0').locator('.td').count()).toBe(columns + 1);
    const state = await dash.page.evaluate(() => (globalThis as unknown as { __rungState: { table: { hidden: string[] } } }).__rungState.table);
    expect(state.hidden).toEqual(['reason']);
  });

  it('has no CSP violations or page errors', async () => {
    expect(await dash.problems()).toEqual([]);
  });
});

describe('"only parameters that vary", screenshots', () => {
  const browser = sharedChromium();

  it('hides a parameter that has the same value in every trial, and shows it once a patch makes it vary', async () => {
    await checkPage(await openDashboardPage({ browser: browser() }), async (dash) => {
      const study = generateStudy({ trials: 30, reports: 10, seed: 5 });
      const trials = study.trials.map((t) => ({ ...t, params: { ...t.params, layers: 4 } }));
      await dash.send('study/snapshot', { rev: 1, header: study.header, trials, decisions: study.decisions });
      await dash.page.locator('#table .trow[data-trial-id="0"]').waitFor();
      expect(await dash.page.locator('#table .th[data-key="param:layers"]').count()).toBe(1);
      await dash.page.locator('#table .table-vary-toggle').click();
      await expect.poll(() => dash.page.locator('#table .th[data-key="param:layers"]').count()).toBe(0);
      expect(await dash.page.locator('#table .th[data-key="param:lr"]').count()).toBe(1);
      await dash.send('study/patch', { rev: 2, baseRev: 1, upsertTrials: [{ ...trials[2]!, params: { ...trials[2]!.params, layers: 6 } }] });
      await expect.poll(() => dash.page.locator('#table .th[data-key="param:layers"]').count()).toBe(1);
    });
  });

  screenshotThemes(
    (theme) => `renders in the ${theme} theme (screenshot for review)`,
    (theme) => openDashboardPage({ browser: browser(), theme }),
    async (dash, theme) => {
      const study = generateStudy({ trials: 400, reports: 30, running: 5, seed: 11 });
      await sendSnapshot(dash, study);
      await dash.page.locator('#table .trow[data-trial-id="0"]').waitFor();
      await dash.page.locator('#table .table-filter-toggle').click();
      await dash.page.locator('#table .status-chip[data-status="completed"]').click();
      // Click a row once the filter shows (a row clicked before could be a trial the filter then hides).
      const completed = study.trials.filter((t) => t.status === 'completed').length;
      await expect.poll(() => dash.page.locator('#table .table-count').textContent()).toBe(`${completed} of 400`);
      await expect.poll(async () => (await shownRows(dash)).every((r) => r.status === 'completed')).toBe(true);
      await dash.page.locator('#table .trow:not([hidden])').nth(3).click();
      const selected = dash.page.locator('#table .trow.selected:not([hidden])');
      await selected.waitFor();
      await settled(dash.page, '#table');
      await saveScreenshot(dash.page, `table-${theme}.png`);
      await selected.click({ button: 'right' });
      await saveScreenshot(dash.page.locator('#table'), `table-menu-${theme}.png`);
    },
  );
});
