/**
 * A decision's comparison (the trial's curve against its rung peers) across snapshots, in the built page
 * (headless Chromium): it stays open — with its decision marked in the log — over a snapshot that still
 * has the decision and its trial, also one that comes while the Decisions tab is hidden and one that
 * comes after VS Code reloaded the page (a hidden dashboard panel is reloaded when shown again: the open
 * comparison is kept in the webview state); it closes when the snapshot no longer has them.
 */
import { describe, expect, it } from 'vitest';
import type { DecisionRow, TrialRow } from '../../src/shared/dashboardProtocol';
import { generateStudy } from '../fixtures/views/generatedStudy';
import { checkPage, sharedChromium } from '../helpers/pageTest';
import { openDashboardPage, openTab, reloadWithState, sendSnapshot, type DashboardPage } from '../helpers/webviewPage';

describe('decision comparison across snapshots', () => {
  const browser = sharedChromium();
  const study = generateStudy({ trials: 120, reports: 20, running: 4, seed: 5 });
  const decision = [...study.decisions].reverse().find((d) => d.peers.length >= 3)!;

  /** The decision's trial and peers whose curves the page has not asked for (since posted() index `from`). */
  async function notAskedYet(dash: DashboardPage, from = 0): Promise<string[]> {
    const asked = new Set((await dash.posted()).slice(from).flatMap((m) => (m.type === 'trial/requestCurves' ? m.payload.trialIds : [])));
    return [decision.trialId, ...decision.peers].filter((id) => !asked.has(id));
  }

  /** Opens `decision`'s comparison and answers its curve requests; returns when it is drawn. */
  async function openComparison(dash: DashboardPage): Promise<void> {
    await sendSnapshot(dash, study);
    await dash.page.locator('#decisions .decision-search input').fill(decision.text);
    // Click once the filtered log is drawn (on the next frame): rows are recycled, so a row clicked before
    // could be showing another decision by the time the click lands.
    const matching = study.decisions.filter((d) => d.text.toLowerCase().includes(decision.text.toLowerCase())).length;
    await expect.poll(() => dash.page.locator('#decisions .decision:not([hidden])').count()).toBe(matching);
    await dash.page.click(`#decisions .decision:not([hidden])[data-seq="${decision.seq}"]`);
    await expect.poll(() => compareCurves(dash)).toBe('0');
    // The chart asks for the curves it lacks on the next frame: answer once every one was asked for.
    await expect.poll(() => notAskedYet(dash)).toEqual([]);
    await answerCurves(dash);
    await expect.poll(() => compareCurves(dash)).toBe(String(1 + decision.peers.length));
  }

  async function answerCurves(dash: DashboardPage, from = 0): Promise<string[]> {
    const asked = (await dash.posted()).slice(from).flatMap((m) => (m.type === 'trial/requestCurves' ? m.payload.trialIds : []));
    if (asked.length > 0) await dash.send('trial/curves', { curves: asked.map((id) => study.curves.get(id)!) });
    return asked;
  }

  const compare = (dash: DashboardPage) => dash.page.locator('#decisions .decision-compare');
  const compareCurves = (dash: DashboardPage): Promise<string | null> => compare(dash).getAttribute('data-curves');
  const active = (dash: DashboardPage): Promise<string[]> =>
    dash.page.$$eval('#decisions .decision.active:not([hidden])', (els) => els.map((e) => e.getAttribute('data-seq') ?? ''));

  /**
   * A snapshot (revision `rev`) of the study with one more trial, or without some of it, sent while the
   * History tab is shown; returns when the page has taken it (the header counts the trials).
   */
  async function snapshotWhileHidden(
    dash: DashboardPage,
    rev: number,
    change: { withoutTrial?: string; withoutDecision?: number } = {},
  ): Promise<void> {
    await openTab(dash.page, 'History');
    const extra: TrialRow = { ...study.trials[0]!, id: '120', number: 120, status: 'completed' };
    const trials = [...study.trials.filter((t) => t.id !== change.withoutTrial), extra];
    const decisions: DecisionRow[] = study.decisions.filter((d) => d.seq !== change.withoutDecision);
    await dash.send('study/snapshot', { rev, header: { ...study.header, trialCount: trials.length }, trials, decisions });
    await expect.poll(() => dash.page.textContent('#header .study-trials')).toMatch(new RegExp(`^${trials.length} `));
  }

  it('keeps the comparison and its decision over a snapshot that comes while the tab is hidden', async () => {
    await checkPage(await openDashboardPage({ browser: browser() }), async (dash) => {
      await openComparison(dash);
      await snapshotWhileHidden(dash, 2);
      await openTab(dash.page, 'Decisions');
      await expect.poll(() => compare(dash).isVisible()).toBe(true);
      await expect.poll(() => compareCurves(dash)).toBe(String(1 + decision.peers.length));
      expect(await compare(dash).textContent()).toContain(`Trial ${decision.trialId} against ${decision.peers.length} peers`);
      await expect.poll(() => active(dash)).toEqual([String(decision.seq)]);
    });
  }, 60_000);

  it('closes it when a snapshot no longer has the decision, or its trial', async () => {
    await checkPage(await openDashboardPage({ browser: browser() }), async (dash) => {
      await openComparison(dash);
      // The trial is still there, its decision is not (a study re-read from a rewritten log).
      await snapshotWhileHidden(dash, 2, { withoutDecision: decision.seq });
      await openTab(dash.page, 'Decisions');
      await expect.poll(() => compare(dash).isHidden()).toBe(true);
      // The pane closes at once; the log's rows lose the mark on the next frame.
      await expect.poll(() => active(dash)).toEqual([]);
    });
    await checkPage(await openDashboardPage({ browser: browser() }), async (dash) => {
      await openComparison(dash);
      await snapshotWhileHidden(dash, 2, { withoutTrial: decision.trialId });
      await openTab(dash.page, 'Decisions');
      await expect.poll(() => compare(dash).isHidden()).toBe(true);
    });
  }, 60_000);

  it('reopens it after VS Code reloads the page (a hidden panel shown again), from the first snapshot that has it', async () => {
    await checkPage(await openDashboardPage({ browser: browser() }), async (dash) => {
      await openComparison(dash);
      // VS Code keeps the webview state and loads the page afresh; the host sends a snapshot when it is ready.
      await reloadWithState(dash);
      await snapshotWhileHidden(dash, 1);
      await expect.poll(() => notAskedYet(dash)).toEqual([]);
      await answerCurves(dash);
      await openTab(dash.page, 'Decisions');
      await expect.poll(() => compare(dash).isVisible()).toBe(true);
      await expect.poll(() => compareCurves(dash)).toBe(String(1 + decision.peers.length));
      expect(await compare(dash).textContent()).toContain(`Trial ${decision.trialId} against ${decision.peers.length} peers`);
      // The log (still filtered to the decision's text, a remembered filter) marks it.
      await expect.poll(() => active(dash)).toEqual([String(decision.seq)]);
      // Reopening is not a new selection: nothing goes to the host (the trial is not revealed again).
      expect((await dash.posted()).some((m) => m.type === 'trial/selected')).toBe(false);

      // Closed by the user, it stays closed after the next reload.
      await compare(dash).locator('vscode-toolbar-button').click();
      await expect.poll(() => compare(dash).isHidden()).toBe(true);
      await reloadWithState(dash);
      await sendSnapshot(dash, study);
      await expect.poll(() => dash.page.textContent('#header .study-trials')).toMatch(/^120 /);
      await expect.poll(() => dash.page.locator('#decisions .decision').count()).toBeGreaterThan(0);
      expect(await compare(dash).isHidden()).toBe(true);
    });
  }, 60_000);
});
