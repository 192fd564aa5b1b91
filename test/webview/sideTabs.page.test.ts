/**
 * The side panel's selected tab in the built page (headless Chromium): it is kept in the webview state, so
 * when VS Code reloads the page (a hidden dashboard panel shown again, a panel restored after a window
 * reload) it reopens on the tab the user had selected, and that tab's view draws the study; a saved tab
 * the page no longer has opens the first one, Decisions.
 */
import { describe, expect, it } from 'vitest';
import { generateStudy } from '../fixtures/views/generatedStudy';
import { checkPage, sharedChromium } from '../helpers/pageTest';
import { openDashboardPage, openTab, reloadWithState, sendSnapshot, testStudyKey, webviewState, type DashboardPage } from '../helpers/webviewPage';

describe('the selected side tab across reloads', () => {
  const browser = sharedChromium();
  const study = generateStudy({ trials: 60, reports: 10, running: 2, seed: 8 });
  const withValue = study.trials.filter((t) => t.value !== null && t.status !== 'failed').length;

  /** The text of the active tab header, and which tab bodies are on screen. */
  async function shown(dash: DashboardPage): Promise<{ active: string; visible: string[] }> {
    const active = ((await dash.page.locator('vscode-tab-header[active]').textContent()) ?? '').trim();
    const visible: string[] = [];
    for (const id of ['decisions', 'curves', 'history', 'importance']) {
      if (await dash.page.locator(`#${id}`).isVisible()) visible.push(id);
    }
    return { active, visible };
  }

  it('reopens the tab the user selected, which draws the study from the first snapshot', async () => {
    await checkPage(await openDashboardPage({ browser: browser() }), async (dash) => {
      await sendSnapshot(dash, study);
      expect(await shown(dash)).toEqual({ active: 'Decisions', visible: ['decisions'] });
      await openTab(dash.page, 'History');
      await expect.poll(() => webviewState(dash)).toMatchObject({ studyKey: testStudyKey, sideTab: 'history' });

      // The host sends a snapshot once the reloaded page is ready.
      await reloadWithState(dash);
      await expect.poll(() => shown(dash)).toEqual({ active: 'History', visible: ['history'] });
      await sendSnapshot(dash, study);
      await expect.poll(() => dash.page.getAttribute('#history', 'data-points')).toBe(String(withValue));
      // The Decisions view, hidden from the start, shows the study once its tab is selected.
      await openTab(dash.page, 'Decisions');
      await expect.poll(() => shown(dash)).toEqual({ active: 'Decisions', visible: ['decisions'] });
      await expect.poll(() => dash.page.locator('#decisions .decision').count()).toBeGreaterThan(0);

      // Selected with the keyboard (focus a header, arrow to the next, Enter): saved the same way.
      await dash.page.locator('vscode-tab-header', { hasText: 'Decisions' }).focus();
      await dash.page.keyboard.press('ArrowRight');
      await dash.page.keyboard.press('Enter');
      await expect.poll(() => shown(dash)).toEqual({ active: 'Curves', visible: ['curves'] });
      await expect.poll(() => webviewState(dash)).toMatchObject({ sideTab: 'curves' });
      await reloadWithState(dash);
      await expect.poll(() => shown(dash)).toEqual({ active: 'Curves', visible: ['curves'] });
    });
  }, 60_000);

  it('a saved tab the page does not have (or no saved tab) opens Decisions', async () => {
    await checkPage(await openDashboardPage({ browser: browser() }), async (dash) => {
      for (const sideTab of ['parameters', 2, null]) {
        await reloadWithState(dash, { studyKey: testStudyKey, sideTab });
        await sendSnapshot(dash, study);
        await expect.poll(() => dash.page.textContent('#header .study-trials')).toMatch(/^60 /);
        expect(await shown(dash), String(sideTab)).toEqual({ active: 'Decisions', visible: ['decisions'] });
        await expect.poll(() => dash.page.locator('#decisions .decision').count()).toBeGreaterThan(0);
      }
      // A state from before tabs were saved.
      await reloadWithState(dash, { studyKey: testStudyKey });
      await expect.poll(() => shown(dash)).toEqual({ active: 'Decisions', visible: ['decisions'] });
    });
  }, 60_000);
});
