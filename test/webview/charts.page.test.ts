/**
 * The curves and history charts in the built page (headless Chromium): the curves tab asks the host for
 * the curves it shows and draws them once `trial/curves` answers; the history draws every trial with a
 * value; screenshots in the three themes go to test/webview/artifacts/.
 */
import { describe, expect, it } from 'vitest';
import type { TrialCurve } from '../../src/shared/dashboardProtocol';
import { generateStudy } from '../fixtures/views/generatedStudy';
import { checkPage, screenshotThemes, sharedChromium } from '../helpers/pageTest';
import { inkedPixels, openDashboardPage, openTab, saveScreenshot, sendSnapshot, type DashboardPage, type PageTheme } from '../helpers/webviewPage';

describe('curves and history charts', () => {
  const browser = sharedChromium();
  const study = generateStudy({ trials: 400, reports: 30, running: 4, seed: 3 });

  async function open(theme: PageTheme = 'dark'): Promise<DashboardPage> {
    const dash = await openDashboardPage({ browser: browser(), theme });
    await sendSnapshot(dash, study);
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
    await checkPage(await open(), async (dash) => {
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
      // Charts draw after the canvas gets its size (a ResizeObserver), so wait for the ink.
      await expect.poll(() => inkedPixels(dash.page, '#curves canvas')).toBeGreaterThan(2000);
      await saveScreenshot(dash.page.locator('#side'), 'curves-dark.png');
    });
  }, 60_000);

  it('draws the optimisation history with a point per trial with a value', async () => {
    await checkPage(await open(), async (dash) => {
      await openTab(dash.page, 'History');
      const withValue = study.trials.filter((t) => t.value !== null && t.status !== 'failed').length;
      await expect.poll(() => dash.page.getAttribute('#history', 'data-points')).toBe(String(withValue));
      // Charts draw after the canvas gets its size (a ResizeObserver), so wait for the ink.
      await expect.poll(() => inkedPixels(dash.page, '#history canvas')).toBeGreaterThan(2000);
      // A patch adding a trial shows up within the 4 Hz update.
      const next = { ...study.trials[0]!, id: 'new', number: 400, status: 'completed' as const, value: 0.01 };
      await dash.send('study/patch', { rev: 2, baseRev: 1, upsertTrials: [next] });
      await expect.poll(() => dash.page.getAttribute('#history', 'data-points')).toBe(String(withValue + 1));
    });
  }, 60_000);

  screenshotThemes(
    (theme) => `renders curves and history in the ${theme} theme`,
    open,
    async (dash, theme) => {
      await dash.send('trial/select', { trialId: study.trials.find((t) => t.status === 'pruned')!.id });
      await openTab(dash.page, 'Curves');
      // Answer once the selection and the best five were all asked for (requests go out on animation frames).
      await expect.poll(async () => new Set((await dash.posted()).flatMap((m) => (m.type === 'trial/requestCurves' ? m.payload.trialIds : []))).size).toBe(6);
      await answerCurveRequests(dash);
      await expect.poll(() => dash.page.getAttribute('#curves', 'data-curves')).toBe('6');
      await saveScreenshot(dash.page.locator('#side'), `curves-${theme}.png`);
      await openTab(dash.page, 'History');
      await expect.poll(() => dash.page.getAttribute('#history', 'data-points')).not.toBeNull();
      await dash.page.waitForTimeout(100);
      await saveScreenshot(dash.page.locator('#side'), `history-${theme}.png`);
    },
    60_000,
  );
});
