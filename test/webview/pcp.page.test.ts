/**
 * The parallel-coordinates plot in the built page (headless Chromium): it draws, a vertical drag on an
 * axis brushes (the store filters, the table follows), a click on the brushed axis clears it, a click on
 * a line selects that trial (posted to the host), axes hide, come back and reorder (persisted in the UI
 * state); screenshots in the three themes go to test/webview/artifacts/.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { generateStudy } from '../fixtures/views/generatedStudy';
import { checkPage, screenshotThemes, sharedChromium } from '../helpers/pageTest';
import { inkedPixels, openDashboardPage, saveScreenshot, sendSnapshot, type DashboardPage, type PageTheme } from '../helpers/webviewPage';
/** The plot's padding above position 1 and below position 0 of every axis (pcpModel LAYOUT). */
const PAD_TOP = 12;
const PAD_BOTTOM = 26;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

async function box(page: Page, selector: string): Promise<Box> {
  const b = await page.locator(selector).boundingBox();
  if (!b) throw new Error(`no box for ${selector}`);
  return b;
}

/** Page coordinates of normalised position `t` on the axis `key`. */
async function axisPoint(page: Page, key: string, t: number): Promise<{ x: number; y: number }> {
  const label = await box(page, `.pcp-axis-label[data-axis="${key}"]`);
  const plot = await box(page, '#pcp .pcp-overlay');
  const top = plot.y + PAD_TOP;
  const bottom = plot.y + plot.height - PAD_BOTTOM;
  return { x: label.x + label.width / 2, y: bottom - t * (bottom - top) };
}

async function draws(page: Page): Promise<number> {
  return Number((await page.getAttribute('#pcp', 'data-draws')) ?? 0);
}

describe('parallel coordinates', () => {
  const browser = sharedChromium();
  const study = generateStudy({ trials: 500, reports: 27, running: 3, seed: 11 });

  async function open(theme: PageTheme = 'dark', s = study): Promise<DashboardPage> {
    const dash = await openDashboardPage({ browser: browser(), theme });
    await sendSnapshot(dash, s);
    await expect.poll(() => draws(dash.page)).toBeGreaterThan(0);
    return dash;
  }

  it('draws every trial as a line', async () => {
    await checkPage(await open(), async (dash) => {
      expect(await dash.page.getAttribute('#pcp', 'data-lines')).toBe('500');
      expect(await dash.page.getAttribute('#pcp', 'data-passing')).toBe('500');
      // Charts draw after the canvas gets its size (a ResizeObserver), so wait for the ink.
      await expect.poll(() => inkedPixels(dash.page, '#pcp .pcp-lines')).toBeGreaterThan(20_000);
      expect(await dash.page.locator('.pcp-axis-label').evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { axis: string } }).dataset.axis))).toEqual([
        'param:lr',
        'param:layers',
        'param:optimizer',
        'param:momentum',
        'rung',
        'value',
      ]);
      // A theme change (VS Code swaps the body class) redraws with the new colours.
      const n = await draws(dash.page);
      await dash.page.evaluate(() => {
        (globalThis as unknown as { document: { body: { className: string } } }).document.body.className = 'vscode-light';
      });
      await expect.poll(() => draws(dash.page)).toBeGreaterThan(n);
    });
  }, 60_000);

  it('brushes an axis by dragging: the plot and the table keep only the trials in range; a click clears it', async () => {
    await checkPage(await open(), async (dash) => {
      const { page } = dash;
      const before = await draws(page);
      // From the top of the layers axis (8) down to 45% (4.15): layers 5 … 8.
      const from = await axisPoint(page, 'param:layers', 1);
      const to = await axisPoint(page, 'param:layers', 0.45);
      await page.mouse.move(from.x, from.y);
      await page.mouse.down();
      await page.mouse.move(to.x, (from.y + to.y) / 2, { steps: 3 });
      await page.mouse.move(to.x, to.y, { steps: 3 });
      await page.mouse.up();
      const kept = study.trials.filter((t) => (t.params.layers as number) >= 5);
      await expect.poll(() => draws(page)).toBeGreaterThan(before);
      // Each step of the drag moved the brush and started a redraw: wait for the one with the final brush.
      await expect.poll(() => page.getAttribute('#pcp', 'data-passing')).toBe(String(kept.length));
      // The table filters by the same brush (it renders only the rows in view: each must be in range).
      const keptIds = new Set(kept.map((t) => t.id));
      await expect
        .poll(async () => {
          const ids = await page.locator('#table [data-trial-id]').evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { trialId: string } }).dataset.trialId));
          return ids.length > 0 && ids.every((id) => keptIds.has(id));
        })
        .toBe(true);
      await saveScreenshot(page.locator('#pcp'), 'pcp-brushed-dark.png');

      // A click on the brushed axis, without dragging, clears its brush.
      const n = await draws(page);
      const mid = await axisPoint(page, 'param:layers', 0.2);
      await page.mouse.click(mid.x, mid.y);
      await expect.poll(() => draws(page)).toBeGreaterThan(n);
      await expect.poll(() => page.getAttribute('#pcp', 'data-passing')).toBe('500');
    });
  }, 60_000);

  it('brushes a categorical axis to the choices it covers', async () => {
    const dash = await open();
    const { page } = dash;
    try {
      const before = await draws(page);
      // Choices sit at 1/6 (adam), 1/2 (sgd), 5/6 (rmsprop): a brush from 0.4 to 0.95 covers sgd and rmsprop.
      const from = await axisPoint(page, 'param:optimizer', 0.95);
      const to = await axisPoint(page, 'param:optimizer', 0.4);
      await page.mouse.move(from.x, from.y);
      await page.mouse.down();
      await page.mouse.move(to.x, to.y, { steps: 5 });
      await page.mouse.up();
      await expect.poll(() => draws(page)).toBeGreaterThan(before);
      const kept = study.trials.filter((t) => t.params.optimizer !== 'adam').length;
      await expect.poll(() => page.getAttribute('#pcp', 'data-passing')).toBe(String(kept));
    } finally {
      await dash.close();
    }
  }, 60_000);

  it('selects the trial whose line is clicked and tells the host', async () => {
    // A few trials, so the clicked point is unambiguous: the objective axis at one trial's value.
    const small = generateStudy({ trials: 8, reports: 27, seed: 2 });
    await checkPage(await open('dark', small), async (dash) => {
      const values = small.trials.map((t) => t.value!).filter((v) => v !== null);
      const [min, max] = [Math.min(...values), Math.max(...values)];
      const far = small.trials.find((t) => t.value !== null && values.every((v) => v === t.value || Math.abs(v - t.value!) / (max - min) > 0.1))!;
      const p = await axisPoint(dash.page, 'value', (far.value! - min) / (max - min));
      await dash.page.mouse.click(p.x, p.y + 2);
      await expect.poll(async () => (await dash.posted()).filter((m) => m.type === 'trial/selected').map((m) => m.payload)).toEqual([{ trialId: far.id }]);
    });
  }, 60_000);

  it('hides an axis with its × button, shows it again from its chip, and reorders axes by dragging labels', async () => {
    const dash = await open();
    const { page } = dash;
    const axesShown = (): Promise<string[]> =>
      page.locator('.pcp-axis-label').evaluateAll((els) =>
        els
          .map((e) => ({ key: (e as unknown as { dataset: { axis: string } }).dataset.axis, x: (e as unknown as { getBoundingClientRect(): { x: number } }).getBoundingClientRect().x }))
          .sort((a, b) => a.x - b.x)
          .map((a) => a.key),
      );
    try {
      const label = page.locator('.pcp-axis-label[data-axis="param:momentum"]');
      await label.hover();
      await label.locator('.pcp-axis-hide').click();
      await expect.poll(axesShown).toEqual(['param:lr', 'param:layers', 'param:optimizer', 'rung', 'value']);
      const saved = await page.evaluate(() => (globalThis as unknown as { __rungState: { pcp: { hidden: string[] } } }).__rungState.pcp.hidden);
      expect(saved).toEqual(['param:momentum']);
      await page.locator('.pcp-chip[data-axis="param:momentum"]').click();
      await expect.poll(axesShown).toContain('param:momentum');

      // Drag the objective's label to the far left.
      const value = await box(page, '.pcp-axis-label[data-axis="value"]');
      const lr = await box(page, '.pcp-axis-label[data-axis="param:lr"]');
      await page.mouse.move(value.x + 10, value.y + value.height / 2);
      await page.mouse.down();
      await page.mouse.move(lr.x - 20, value.y + value.height / 2, { steps: 8 });
      await page.mouse.up();
      await expect.poll(async () => (await axesShown())[0]).toBe('value');
      const order = await page.evaluate(() => (globalThis as unknown as { __rungState: { pcp: { order: string[] } } }).__rungState.pcp.order);
      expect(order[0]).toBe('value');

      await page.locator('#pcp .pcp-reset').click();
      await expect.poll(async () => (await axesShown())[0]).toBe('param:lr');
      expect(await dash.problems()).toEqual([]);
    } finally {
      await dash.close();
    }
  }, 60_000);

  it('redraws after patches (throttled), and takes in a new trial with a value beyond the scale', async () => {
    await checkPage(await open(), async (dash) => {
      const { page } = dash;
      const n = await draws(page);
      const running = study.trials.filter((t) => t.status === 'running');
      // New values inside the current scales: drawn on top at once.
      const inRange = running.map((t) => ({ ...t, value: 0.5, rung: t.rung }));
      await dash.send('study/patch', { rev: 2, baseRev: 1, upsertTrials: inRange });
      // …and a full redraw follows, throttled, to remove their old lines.
      await expect.poll(() => draws(page), { timeout: 5000 }).toBeGreaterThan(n);
      const extreme = { ...study.trials[0]!, id: 'x', number: 500, status: 'completed' as const, value: 100 };
      const m = await draws(page);
      await dash.send('study/patch', { rev: 3, baseRev: 2, upsertTrials: [extreme] });
      await expect.poll(() => draws(page), { timeout: 5000 }).toBeGreaterThan(m);
      expect(await page.getAttribute('#pcp', 'data-lines')).toBe('501');
    });
  }, 60_000);

  screenshotThemes(
    (theme) => `renders in the ${theme} theme`,
    open,
    async (dash, theme) => {
      const pruned = study.trials.find((t) => t.status === 'pruned' && t.rung === 1)!;
      await dash.send('trial/select', { trialId: pruned.id });
      const from = await axisPoint(dash.page, 'param:lr', 0.8);
      const to = await axisPoint(dash.page, 'param:lr', 0.4);
      const before = await draws(dash.page);
      await dash.page.mouse.move(from.x, from.y);
      await dash.page.mouse.down();
      await dash.page.mouse.move(to.x, to.y, { steps: 4 });
      await dash.page.mouse.up();
      await expect.poll(() => draws(dash.page)).toBeGreaterThan(before);
      await saveScreenshot(dash.page, `pcp-${theme}.png`);
    },
    60_000,
  );
});
