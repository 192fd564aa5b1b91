/**
 * Views in hidden side tabs (decisions, curves, history, importance) in the built page (headless Chromium):
 * while a study patches, a hidden view does no DOM or canvas work — watched from outside, by a
 * MutationObserver on each tab body and by counting 2D-context drawing calls per canvas — yet keeps its
 * state (selection, requested curves), and shows the current study as soon as its tab is selected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionRow, HostMessages, TrialCurve, TrialRow } from '../../src/shared/dashboardProtocol';
import { generateStudy } from '../fixtures/views/generatedStudy';
import { launchChromium, openDashboardPage, openTab, sendSnapshot, type Browser, type DashboardPage } from '../helpers/webviewPage';

const TABS = ['decisions', 'curves', 'history', 'importance'] as const;
type Tab = (typeof TABS)[number];
type Counts = Record<Tab, { mutations: number; draws: number }>;

/** Page-side globals of the watch (the test tsconfig has no DOM lib: structural types only). */
interface WatchWindow {
  __watch: Counts;
  document: { getElementById(id: string): unknown };
  MutationObserver: new (cb: (records: unknown[]) => void) => { observe(target: unknown, options: Record<string, boolean>): void };
  CanvasRenderingContext2D: { prototype: Record<string, unknown> };
  requestAnimationFrame(f: () => void): number;
}

/**
 * Counts, per tab body, DOM mutations under it and drawing calls on its canvases (from now on). Installed
 * once per page; `resetWatch` zeroes the counts.
 */
async function watchTabs(dash: DashboardPage): Promise<void> {
  await dash.page.evaluate((tabs) => {
    const w = globalThis as unknown as WatchWindow;
    w.__watch = Object.fromEntries(tabs.map((t) => [t, { mutations: 0, draws: 0 }])) as Counts;
    for (const tab of tabs) {
      new w.MutationObserver((records) => {
        w.__watch[tab as Tab].mutations += records.length;
      }).observe(w.document.getElementById(tab), { subtree: true, childList: true, attributes: true, characterData: true });
    }
    const proto = w.CanvasRenderingContext2D.prototype;
    for (const name of ['clearRect', 'fillRect', 'stroke', 'fill', 'fillText', 'strokeText', 'drawImage']) {
      const original = proto[name] as (...args: unknown[]) => unknown;
      proto[name] = function (this: { canvas: { closest(s: string): { id: string } | null } }, ...args: unknown[]) {
        const tab = this.canvas.closest('.tabbody')?.id as Tab | undefined;
        if (tab !== undefined && tab in w.__watch) w.__watch[tab].draws++;
        return original.apply(this, args);
      };
    }
  }, TABS);
}

async function resetWatch(dash: DashboardPage): Promise<void> {
  await dash.page.evaluate(() => {
    const w = globalThis as unknown as WatchWindow;
    for (const c of Object.values(w.__watch)) {
      c.mutations = 0;
      c.draws = 0;
    }
  });
}

const counts = (dash: DashboardPage): Promise<Counts> => dash.page.evaluate(() => (globalThis as unknown as WatchWindow).__watch);

/** Waits for two animation frames: what a view does on becoming visible (or on a patch) is painted by then. */
async function frames(dash: DashboardPage): Promise<void> {
  await dash.page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const w = globalThis as unknown as WatchWindow;
        w.requestAnimationFrame(() => w.requestAnimationFrame(() => resolve()));
      }),
  );
}

const attr = (dash: DashboardPage, selector: string, name: string): Promise<string | null> => dash.page.getAttribute(selector, name);
const text = (dash: DashboardPage, selector: string): Promise<string> => dash.page.$eval(selector, (e) => e.textContent ?? '');

describe('views in hidden tabs', () => {
  let browser: Browser;
  let dash: DashboardPage;
  const study = generateStudy({ trials: 300, reports: 20, running: 6, seed: 5 });
  /** The live study as the host would send it: rows by id, decisions, revision. */
  const trials = new Map(study.trials.map((t) => [t.id, t]));
  const decisions: DecisionRow[] = [...study.decisions];
  let rev = 1;
  let seq = Math.max(...study.decisions.map((d) => d.seq)) + 1;

  /** A patch adding one finished trial (a copy of an existing one's configuration) and one decision. */
  function patch(value: number): HostMessages['study/patch'] {
    const n = trials.size;
    const template = study.trials[n % 200]!;
    const row: TrialRow = { ...template, id: String(n), number: n, status: 'completed', value, bestValue: value, step: 20, rung: 2, prunedAtStep: null, reason: null };
    trials.set(row.id, row);
    const about = study.decisions[n % study.decisions.length]!;
    const decision: DecisionRow = { ...about, seq: seq++, text: `${about.text} (again, #${n})` };
    decisions.push(decision);
    return { rev: rev + 1, baseRev: rev++, upsertTrials: [row], appendDecisions: [decision] };
  }

  async function sendPatches(count: number, value: (i: number) => number): Promise<void> {
    for (let i = 0; i < count; i++) {
      await dash.send('study/patch', patch(value(i)));
      if (i % 10 === 9) await dash.page.waitForTimeout(60); // let frames and throttles run between patches
    }
    await dash.page.waitForTimeout(600); // past the history's 250 ms throttle and the PCP's redraw delay
    await frames(dash);
  }

  const curveOf = (id: string): TrialCurve => study.curves.get(id) ?? { trialId: id, points: Array.from({ length: 20 }, (_, s) => [s + 1, 0.5 / (s + 1)] as const) };

  /** Answers the curve requests posted since `from` (index into posted()). */
  async function answerCurves(from: number): Promise<string[]> {
    const asked = (await dash.posted()).slice(from).flatMap((m) => (m.type === 'trial/requestCurves' ? m.payload.trialIds : []));
    if (asked.length > 0) await dash.send('trial/curves', { curves: asked.map(curveOf) });
    return asked;
  }

  const withValue = (): number => [...trials.values()].filter((t) => t.value !== null && t.status !== 'failed').length;

  beforeAll(async () => {
    browser = await launchChromium();
    dash = await openDashboardPage({ browser });
    await watchTabs(dash);
    await sendSnapshot(dash, study);
    // Every view draws once while shown, so each has something on screen to keep or replace.
    for (const tab of ['Curves', 'History', 'Importance', 'Decisions']) {
      await openTab(dash.page, tab);
      await answerCurves(0);
      await frames(dash);
    }
    await dash.page.locator('#importance .importance-row').nth(3).waitFor({ state: 'attached', timeout: 10_000 });
    // The history draws every point at most 4 times a second: wait for the last of them (a hook: no expect.poll).
    await dash.page.waitForFunction(
      (n) => (globalThis as unknown as { document: { getElementById(id: string): { getAttribute(a: string): string | null } | null } }).document.getElementById('history')?.getAttribute('data-points') === n,
      String(withValue()),
      { timeout: 10_000 },
    );
    await dash.page.waitForTimeout(300); // past the history's and the PCP's throttles, so that the watch starts quiet
  }, 60_000);
  afterAll(async () => {
    await dash?.close();
    await browser?.close();
  });

  it('skips DOM and canvas work in hidden tabs across 40 patches, while the shown tab keeps up', async () => {
    await resetWatch(dash);
    const before = (await dash.posted()).length;
    // Values worse than the study's best, except one new best half-way.
    await sendPatches(40, (i) => (i === 20 ? 1e-4 : 5 + i));
    const c = await counts(dash);
    expect(c.curves).toEqual({ mutations: 0, draws: 0 });
    expect(c.history).toEqual({ mutations: 0, draws: 0 });
    expect(c.importance).toEqual({ mutations: 0, draws: 0 });
    // The decisions tab is shown: it appended the 40 decisions.
    expect(c.decisions.mutations).toBeGreaterThan(0);
    expect(await text(dash, '#decisions .decision-count')).toBe(`${decisions.length} decisions`);
    // State is kept while hidden: the curves view asked for the new best trial's curve (a frame after the
    // patch, and the request goes out on the frame after that).
    const newBest = String(study.trials.length + 20);
    const askedSince = async (from: number): Promise<string[]> =>
      (await dash.posted()).slice(from).flatMap((m) => (m.type === 'trial/requestCurves' ? m.payload.trialIds : []));
    await expect.poll(() => askedSince(before)).toContain(newBest);
    const asked = await answerCurves(before);
    expect(asked).toContain(newBest);
    expect((await dash.posted()).some((m) => m.type === 'study/resync')).toBe(false);
  }, 60_000);

  it('renders a hidden view once, as soon as its tab is shown', async () => {
    // History: every trial's point, at once (not after its 4 Hz throttle), and drawn.
    await resetWatch(dash);
    await openTab(dash.page, 'History');
    await frames(dash);
    expect(await attr(dash, '#history', 'data-points')).toBe(String(withValue()));
    expect((await counts(dash)).history.draws).toBeGreaterThan(0);

    // Curves: the new best trial's curve (asked for while hidden) is drawn at once.
    await openTab(dash.page, 'Curves');
    await frames(dash);
    const label = await attr(dash, '#curves canvas', 'aria-label');
    expect(label).toContain(`#${study.trials.length + 20}`);
    expect(await attr(dash, '#curves', 'data-curves')).toBe('5');

    // Importance: computed on show (in its worker), with every finished trial.
    await openTab(dash.page, 'Importance');
    const finished = [...trials.values()].filter((t) => t.status === 'completed' || t.status === 'pruned').length;
    await expect.poll(() => text(dash, '#importance .importance-summary'), { timeout: 10_000 }).toContain(`of ${finished} finished trials`);
  }, 60_000);

  it('keeps the decisions log in step while hidden and reveals a selection made meanwhile when shown', async () => {
    await openTab(dash.page, 'History');
    await frames(dash);
    await dash.page.waitForTimeout(300);
    await resetWatch(dash);
    await sendPatches(30, (i) => 6 + i);
    // A selection from the host while the log is hidden: a trial with one old decision, far down the
    // newest-first log.
    const old = decisions.find((d, i) => decisions.findIndex((e, j) => j > i && e.trialId === d.trialId) === -1)!;
    expect(decisions.length - decisions.indexOf(old)).toBeGreaterThan(100);
    const before = (await dash.posted()).length;
    await dash.send('trial/select', { trialId: old.trialId });
    await frames(dash);
    const c = await counts(dash);
    expect(c.decisions).toEqual({ mutations: 0, draws: 0 });
    expect(c.curves).toEqual({ mutations: 0, draws: 0 });
    expect(c.importance).toEqual({ mutations: 0, draws: 0 });
    expect(c.history.draws).toBeGreaterThan(0); // the shown tab keeps drawing

    await openTab(dash.page, 'Decisions');
    expect(await text(dash, '#decisions .decision-count')).toBe(`${decisions.length} decisions`);
    // The selected trial's decision was scrolled to and is marked (its row is drawn on the next frame).
    const scroller = await dash.page.$eval('#decisions .decision-scroll', (e) => (e as unknown as { scrollTop: number }).scrollTop);
    expect(scroller).toBeGreaterThan(0);
    const shownSelected = (): Promise<number[]> =>
      dash.page.$$eval('#decisions .decision.selected:not([hidden])', (els) => els.map((e) => Number(e.getAttribute('data-seq'))));
    await expect.poll(shownSelected).toContain(old.seq);
    // The host's own selection is not echoed back to it.
    expect((await dash.posted()).slice(before).some((m) => m.type === 'trial/selected')).toBe(false);
    expect(await dash.problems()).toEqual([]);
  }, 60_000);
});
