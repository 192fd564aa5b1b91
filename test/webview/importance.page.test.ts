/**
 * The parameter-importance view in the built page (headless Chromium): the worker starts from the inlined
 * blob under the strict CSP, its bars rank lr first on the generated study (whose value depends mostly on
 * lr), a patch that finishes more trials is picked up after the throttle, and screenshots in three themes.
 */
import { describe, expect, it } from 'vitest';
import { generateStudy } from '../fixtures/views/generatedStudy';
import { checkPage, screenshotThemes, sharedChromium } from '../helpers/pageTest';
import { openDashboardPage, openTab, saveScreenshot, sendSnapshot, type DashboardPage } from '../helpers/webviewPage';

async function bars(dash: DashboardPage): Promise<Array<{ param: string; importance: number; width: string }>> {
  return dash.page.$$eval('#importance .importance-row', (els) =>
    els.map((e) => ({
      param: e.getAttribute('data-param') ?? '',
      importance: Number(e.getAttribute('data-importance')),
      width: (e.querySelector('.importance-bar') as unknown as { style: { width: string } }).style.width,
    })),
  );
}

describe('parameter importance view', () => {
  const browser = sharedChromium();

  it('computes in the worker and ranks lr first, then picks up newly finished trials after the throttle', async () => {
    await checkPage(await openDashboardPage({ browser: browser() }), async (dash) => {
      // The last 100 trials are still running: their rows arrive finished in a patch.
      const study = generateStudy({ trials: 400, reports: 20, seed: 2 });
      const early = study.trials.map((t, i) => (i >= 300 ? { ...t, status: 'running' as const, endedAt: null } : t));
      await dash.send('study/snapshot', { rev: 1, header: study.header, trials: early, decisions: [] });
      await openTab(dash.page, 'Importance');
      await expect.poll(async () => (await bars(dash)).length, { timeout: 10_000 }).toBe(4);
      const first = await bars(dash);
      expect(first[0]!.param).toBe('lr');
      expect(first[0]!.width).toBe('100%');
      expect(first.reduce((s, b) => s + b.importance, 0)).toBeCloseTo(1, 6);
      // Sorted, highest share first.
      for (let i = 1; i < first.length; i++) expect(first[i]!.importance).toBeLessThanOrEqual(first[i - 1]!.importance);
      const finished = (n: number): number => study.trials.slice(0, n).filter((t) => t.status === 'completed' || t.status === 'pruned').length;
      const summary = dash.page.locator('#importance .importance-summary');
      expect(await summary.textContent()).toContain(`of ${finished(300)} finished trials`);
      expect(await dash.page.locator('#importance .importance-method').textContent()).toBe('PED-ANOVA');
      expect(await dash.page.locator('#importance .importance-row').first().textContent()).toMatch(/best: .+ … .+/);

      const started = Date.now();
      await dash.send('study/patch', { rev: 2, baseRev: 1, upsertTrials: study.trials.slice(300) });
      await expect.poll(() => summary.textContent(), { timeout: 10_000 }).toContain(`of ${finished(400)} finished trials`);
      expect((await bars(dash))[0]!.param).toBe('lr');
      // Throttled: not recomputed right away (the first run was under two seconds ago).
      expect(Date.now() - started).toBeGreaterThan(500);
    });
  }, 60_000);

  it('says how many trials it needs when there are too few', async () => {
    await checkPage(await openDashboardPage({ browser: browser() }), async (dash) => {
      const study = generateStudy({ trials: 8, reports: 10 });
      await sendSnapshot(dash, study);
      await openTab(dash.page, 'Importance');
      await expect.poll(() => dash.page.locator('#importance .importance-note').textContent(), { timeout: 10_000 }).toMatch(/Needs at least \d+/);
      expect(await dash.page.locator('#importance .importance-row').count()).toBe(0);
    });
  }, 60_000);

  screenshotThemes(
    (theme) => `renders in the ${theme} theme`,
    (theme) => openDashboardPage({ browser: browser(), theme }),
    async (dash, theme) => {
      const study = generateStudy({ trials: 300, reports: 20, seed: 4 });
      await sendSnapshot(dash, study);
      await openTab(dash.page, 'Importance');
      await expect.poll(async () => (await bars(dash)).length, { timeout: 10_000 }).toBe(4);
      await saveScreenshot(dash.page.locator('#side'), `importance-${theme}.png`);
    },
    60_000,
  );
});
