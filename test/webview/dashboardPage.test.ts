/** The built dashboard page loads under the strict CSP, says it is ready, and takes a snapshot cleanly. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_PROTOCOL_VERSION } from '../../src/shared/dashboardProtocol';
import { generateStudy } from '../fixtures/views/generatedStudy';
import { openDashboardPage, testStudyKey, type DashboardPage } from '../helpers/webviewPage';

describe('dashboard page', () => {
  let dash: DashboardPage;
  beforeAll(async () => {
    dash = await openDashboardPage();
  }, 60_000);
  afterAll(async () => {
    await dash?.close();
  });

  it('posts webview/ready with the protocol version and renders a snapshot without CSP violations', async () => {
    const posted = await dash.posted();
    expect(posted[0]).toEqual({ type: 'webview/ready', payload: { protocol: DASHBOARD_PROTOCOL_VERSION, haveRev: null } });
    const study = generateStudy({ trials: 50, reports: 20, running: 3 });
    await dash.send('study/snapshot', { rev: 1, header: study.header, trials: study.trials, decisions: study.decisions });
    await dash.page.waitForTimeout(200);
    expect(await dash.problems()).toEqual([]);
  });

  it('keeps its study key in the webview state, which VS Code hands to the panel serializer after a reload', async () => {
    const state = (await dash.page.evaluate(() => (window as unknown as { __rungState?: unknown }).__rungState)) as { studyKey?: unknown } | undefined;
    expect(state?.studyKey).toBe(testStudyKey);
  });

  it('asks for a resync when a patch does not follow its revision', async () => {
    const study = generateStudy({ trials: 5, reports: 10 });
    await dash.send('study/patch', { rev: 9, baseRev: 8, upsertTrials: study.trials.slice(0, 1) });
    await expect.poll(async () => (await dash.posted()).some((m) => m.type === 'study/resync')).toBe(true);
  });
});
