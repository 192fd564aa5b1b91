/**
 * Chart.js charts in side tabs (curves, history, a decision's comparison) draw once when their tab is
 * shown, at the size the tab gives them. Two things draw on a show: the view's own catch-up render
 * (visibility.ts) and Chart.js's ResizeObserver on the chart's box, which acts a frame later; when the box
 * had no size yet (a chart mounted in a hidden tab) or changed size while hidden, the catch-up render used
 * to draw at the old size and Chart.js drew again at the new one.
 *
 * Draws are counted from outside the page: Chart.js starts every draw by clearing its whole canvas, so a
 * `clearRect(0, 0, width, height)` on a tab's canvas is one draw.
 */
import { describe, expect, it } from 'vitest';
import type { TrialCurve, TrialRow } from '../../src/shared/dashboardProtocol';
import { generateStudy } from '../fixtures/views/generatedStudy';
import { checkPage, sharedChromium } from '../helpers/pageTest';
import { openDashboardPage, openTab, sendSnapshot, type DashboardPage } from '../helpers/webviewPage';

type Tab = 'decisions' | 'curves' | 'history';
interface Draw {
  readonly tab: Tab;
  readonly width: number;
  readonly height: number;
}

/** Page-side globals (the test tsconfig's DOM lib is for webview modules: structural types here). */
interface PageCanvas {
  width: number;
  height: number;
  closest(selector: string): { id: string } | null;
}
interface DrawWindow {
  __draws: Draw[];
  CanvasRenderingContext2D: { prototype: { clearRect(this: { canvas: PageCanvas }, x: number, y: number, w: number, h: number): void } };
  ResizeObserver: new (cb: (entries: Array<{ contentRect: { width: number; height: number } }>) => void) => { observe(el: unknown): void; disconnect(): void };
  document: { querySelector(selector: string): unknown };
  requestAnimationFrame(f: () => void): number;
}

/** Records each whole-canvas clear (a Chart.js draw) on a canvas in a side tab, with the canvas size. */
async function countDraws(dash: DashboardPage): Promise<void> {
  await dash.page.evaluate(() => {
    const w = globalThis as unknown as DrawWindow;
    w.__draws = [];
    const proto = w.CanvasRenderingContext2D.prototype;
    const clearRect = proto.clearRect;
    proto.clearRect = function (x, y, width, height) {
      const c = this.canvas;
      const tab = c.closest('.tabbody')?.id as Tab | undefined;
      if (tab !== undefined && x === 0 && y === 0 && width === c.width && height === c.height) w.__draws.push({ tab, width, height });
      clearRect.call(this, x, y, width, height);
    };
  });
}

/** The draws recorded since the last call (and forgets them). */
const takeDraws = (dash: DashboardPage): Promise<Draw[]> =>
  dash.page.evaluate(() => {
    const w = globalThis as unknown as DrawWindow;
    const draws = w.__draws;
    w.__draws = [];
    return draws;
  });

/**
 * Resolves once Chart.js has had its chance to redraw for the box's size: a ResizeObserver of our own on
 * the same box reports (in the same step as Chart.js's, which then redraws on the next animation frame),
 * then two more frames pass.
 */
async function resizeSettled(dash: DashboardPage, box: string): Promise<void> {
  await dash.page.evaluate(
    (selector) =>
      new Promise<void>((resolve) => {
        const w = globalThis as unknown as DrawWindow;
        const observer = new w.ResizeObserver((entries) => {
          if (entries.every((e) => e.contentRect.width === 0 && e.contentRect.height === 0)) return;
          observer.disconnect();
          w.requestAnimationFrame(() => w.requestAnimationFrame(() => resolve()));
        });
        observer.observe(w.document.querySelector(selector));
      }),
    box,
  );
}

/** Two animation frames: what a message or a hidden view's state change does is done by then. */
const frames = (dash: DashboardPage): Promise<void> =>
  dash.page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));

const canvasSize = (dash: DashboardPage, selector: string): Promise<{ width: number; height: number }> =>
  dash.page.$eval(selector, (c) => ({ width: (c as unknown as PageCanvas).width, height: (c as unknown as PageCanvas).height }));

describe('charts in side tabs', () => {
  const browser = sharedChromium();
  const study = generateStudy({ trials: 150, reports: 20, running: 4, seed: 11 });
  const curveOf = (id: string): TrialCurve => study.curves.get(id) ?? { trialId: id, points: [[1, 1]] };

  /** Answers every curve request posted since `from`, in one message. */
  async function answerCurves(dash: DashboardPage, from = 0): Promise<void> {
    const asked = (await dash.posted()).slice(from).flatMap((m) => (m.type === 'trial/requestCurves' ? m.payload.trialIds : []));
    if (asked.length > 0) await dash.send('trial/curves', { curves: asked.map(curveOf) });
  }

  /** Shows `name`'s tab and returns the draws of its chart until Chart.js's resize handling has run. */
  async function showAndCount(dash: DashboardPage, name: string, tab: Tab, box: string): Promise<Draw[]> {
    await takeDraws(dash);
    const settled = resizeSettled(dash, box);
    await openTab(dash.page, name);
    await settled;
    return (await takeDraws(dash)).filter((d) => d.tab === tab);
  }

  it('draws each chart once when its tab is shown: the first time, and after the panel was resized while hidden', async () => {
    await checkPage(await openDashboardPage({ browser: browser() }), async (dash) => {
      await countDraws(dash);
      await sendSnapshot(dash, study);
      // A decision's comparison, open in the shown Decisions tab, with its curves (and the curves tab's, asked for while hidden).
      const decision = study.decisions.at(-1)!;
      await dash.page.click(`#decisions .decision[data-seq="${decision.seq}"]`);
      const best5 = study.trials
        .filter((t) => t.status === 'completed')
        .sort((a, b) => a.value! - b.value!)
        .slice(0, 5)
        .map((t) => t.id);
      const askedFor = async (ids: readonly string[]): Promise<boolean> => {
        const asked = new Set((await dash.posted()).flatMap((m) => (m.type === 'trial/requestCurves' ? m.payload.trialIds : [])));
        return ids.every((id) => asked.has(id));
      };
      await expect.poll(() => askedFor([decision.trialId, ...best5])).toBe(true);
      await answerCurves(dash);
      const compare = dash.page.locator('#decisions .decision-compare');
      await expect.poll(() => compare.getAttribute('data-curves')).toBe(String(1 + decision.peers.length));
      await frames(dash);

      // First show: these charts were mounted in hidden tabs and never had a size.
      const curvesFirst = await showAndCount(dash, 'Curves', 'curves', '#curves .chart-box');
      expect(await dash.page.getAttribute('#curves', 'data-curves')).toBe('6');
      const curvesSize = await canvasSize(dash, '#curves canvas');
      expect(curvesSize.width).toBeGreaterThan(0);
      expect(curvesFirst).toEqual([{ tab: 'curves', ...curvesSize }]);
      const historyFirst = await showAndCount(dash, 'History', 'history', '#history .chart-box');
      const historySize = await canvasSize(dash, '#history canvas');
      expect(historySize.width).toBeGreaterThan(0);
      expect(historyFirst).toEqual([{ tab: 'history', ...historySize }]);

      // All three charts hidden (Importance has none); the panel shrinks; a snapshot with one more trial
      // makes each of them redraw on its next show.
      await openTab(dash.page, 'Importance');
      await frames(dash);
      await dash.page.setViewportSize({ width: 1150, height: 760 });
      const extra: TrialRow = { ...study.trials[0]!, id: '150', number: 150, status: 'completed', value: 1e-4, bestValue: 1e-4 };
      const header = { ...study.header, trialCount: 151 };
      const before = (await dash.posted()).length;
      await dash.send('study/snapshot', { rev: 2, header, trials: [...study.trials, extra], decisions: study.decisions });
      await expect.poll(() => dash.page.textContent('#header .study-trials')).toMatch(/^151 /);
      // The new best trial's curve, asked for by the hidden curves view.
      await expect.poll(async () => (await dash.posted()).slice(before).some((m) => m.type === 'trial/requestCurves' && m.payload.trialIds.includes('150'))).toBe(true);
      await answerCurves(dash, before);
      await frames(dash);

      for (const [name, tab, box, canvas, old] of [
        ['Decisions', 'decisions', '#decisions .peer-chart', '#decisions .peer-chart canvas', null],
        ['Curves', 'curves', '#curves .chart-box', '#curves canvas', curvesSize],
        ['History', 'history', '#history .chart-box', '#history canvas', historySize],
      ] as const) {
        const draws = await showAndCount(dash, name, tab, box);
        const size = await canvasSize(dash, canvas);
        if (old) expect(size).not.toEqual(old);
        expect(draws).toEqual([{ tab, ...size }]);
        if (tab === 'decisions') expect(await compare.isVisible()).toBe(true);
      }
      expect(await dash.page.getAttribute('#curves canvas', 'aria-label')).toContain('#150');
    });
  }, 60_000);
});
