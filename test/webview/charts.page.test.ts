/**
 * The curves and history charts in the built page (headless Chromium): the curves tab asks the host for
 * the curves it shows and draws them once `trial/curves` answers; the history draws every trial with a
 * value; screenshots in the three themes go to test/webview/artifacts/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrialCurve } from '../../src/shared/dashboardProtocol';
import { generateStudy } from '../fixtures/views/generatedStudy';
import { launchChromium, openDashboardPage, type DashboardPage } from '../helpers/webviewPage';

const artifacts = path.resolve(__dirname, 'artifacts');
type Browser = Awaited<ReturnType<typeof launchChromium>>;

/** Pixels of a canvas that are not fully transparent. */
async function inkedPixels(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (el) => {
    const c = el as unknown as { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
    return n;
  });
}

async function openTab(page: Page, name: string): Promise<void> {
  await page.locator('vscode-tab-header', { hasText: name }).click();
}

describe('curves and history charts', () => {
  let browser: Browser;
  const study = generateStudy({ trials: 400, reports: 30, running: 4, seed: 3 });
  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  async function open(theme: 'dark' | 'light' | 'high-contrast' = 'dark'): Promise<DashboardPage> {
    const dash = await openDashboardPage({ browser, theme });
    await dash.send('study/snapshot', { rev: 1, header: study.header, trials: study.trials, decisions: study.decisions });
    return dash;
  }

  /** Answers every `trial/requestCurves` posted so far from the fixture. */
  async function answerCurveRequests(dash: DashboardPage): Promise<string[]> {
    const asked = (await dash.posted()).flatMap((m) => (m.type === 'trial/requestCurves' ? m.payload.trialIds : []));
    const curves: TrialCurve[] = asked.map((id) => study.curves.get(id)!).filter(Boolean);
    await dash.send('trial/curves', { curves });
    return asked;
  }

  it('asks for the selected trial and the best five, and draws them when they arrive', async () => {
    const dash = await open();
    try {
      await openTab(dash.page, 'Curves');
      const pruned = study.trials.find((t) => t.status === 'pruned')!;
      await dash.send('trial/select', { trialId: pruned.id });
      await expect.poll(async () => (await dash.posted()).some((m) => m.type === 'trial/requestCurves' && m.payload.trialIds.includes(pruned.id))).toBe(true);
      const asked = await answerCurveRequests(dash);
      const best5 = study.trials
        .filter((t) => t.status === 'completed')
        .sort((a, b) => a.value! - b.value!)
        .slice(0, 5)
        .map((t) => t.id);
      expect(new Set(asked)).toEqual(new Set([pruned.id, ...best5]));
      await expect.poll(() => dash.page.getAttribute('#curves', 'data-curves')).toBe('6');
      expect(await inkedPixels(dash.page, '#curves canvas')).toBeGreaterThan(2000);
      await dash.page.locator('#side').screenshot({ path: path.join(artifacts, 'curves-dark.png') });
      expect(await dash.problems()).toEqual([]);
    } finally {
      await dash.close();
    }
  }, 60_000);

  it('draws the optimisation history with a point per trial with a value', async () => {
    const dash = await open();
    try {
      await openTab(dash.page, 'History');
      const withValue = study.trials.filter((t) => t.value !== null && t.status !== 'failed').length;
      await expect.poll(() => dash.page.getAttribute('#history', 'data-points')).toBe(String(withValue));
      expect(await inkedPixels(dash.page, '#history canvas')).toBeGreaterThan(2000);
      // A patch adding a trial shows up within the 4 Hz update.
      const next = { ...study.trials[0]!, id: 'new', number: 400, status: 'completed' as const, value: 0.01 };
      await dash.send('study/patch', { rev: 2, baseRev: 1, upsertTrials: [next] });
      await expect.poll(() => dash.page.getAttribute('#history', 'data-points')).toBe(String(withValue + 1));
      expect(await dash.problems()).toEqual([]);
    } finally {
      await dash.close();
    }
  }, 60_000);

  for (const theme of ['dark', 'light', 'high-contrast'] as const) {
    it(`renders curves and history in the ${theme} theme`, async () => {
      const dash = await open(theme);
      try {
        await dash.send('trial/select', { trialId: study.trials.find((t) => t.status === 'pruned')!.id });
        await openTab(dash.page, 'Curves');
        await expect.poll(async () => (await dash.posted()).some((m) => m.type === 'trial/requestCurves')).toBe(true);
        await answerCurveRequests(dash);
        await expect.poll(() => dash.page.getAttribute('#curves', 'data-curves')).toBe('6');
        await dash.page.locator('#side').screenshot({ path: path.join(artifacts, `curves-${theme}.png`) });
        await openTab(dash.page, 'History');
        await expect.poll(() => dash.page.getAttribute('#history', 'data-points')).not.toBeNull();
        await dash.page.waitForTimeout(100);
        await dash.page.locator('#side').screenshot({ path: path.join(artifacts, `history-${theme}.png`) });
        expect(await dash.problems()).toEqual([]);
      } finally {
        await dash.close();
      }
    }, 60_000);
  }
});
