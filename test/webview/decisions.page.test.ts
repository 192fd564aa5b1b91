/**
 * The pruning-decisions view in the built page (headless Chromium): the plan grid with rung budgets and
 * counts, the virtualised decision log with each decision's reason, patches appending decisions once,
 * clicking a decision to compare the trial with its rung peers, and screenshots in three themes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionRow } from '../../src/shared/dashboardProtocol';
import { generateStudy } from '../fixtures/views/generatedStudy';
import { checkPage, screenshotThemes, sharedChromium } from '../helpers/pageTest';
import { launchChromium, openDashboardPage, saveScreenshot, sendSnapshot, type Browser, type DashboardPage } from '../helpers/webviewPage';

interface Row {
  seq: string;
  trialId: string;
  text: string;
  selected: boolean;
}

/** The log's rendered rows (visible or overscan), in display order. */
async function rows(dash: DashboardPage): Promise<Row[]> {
  return dash.page.$$eval('#decisions .decision:not([hidden])', (els) =>
    els
      .map((e) => ({
        index: Number(e.getAttribute('data-index')),
        seq: e.getAttribute('data-seq') ?? '',
        trialId: e.getAttribute('data-trial-id') ?? '',
        text: e.querySelector('.decision-text')?.textContent ?? '',
        selected: e.classList.contains('selected'),
      }))
      .sort((a, b) => a.index - b.index)
      .map(({ seq, trialId, text, selected }) => ({ seq, trialId, text, selected })),
  );
}

const countText = (dash: DashboardPage): Promise<string> => dash.page.$eval('#decisions .decision-count', (e) => e.textContent ?? '');

/**
 * The row under the keyboard cursor, read in one go (index, seq and trial together) without waiting: null
 * while no shown row has it. Rows are recycled and a hidden spare keeps the classes it last had, so only
 * shown rows count.
 */
const cursorRow = (dash: DashboardPage): Promise<{ index: string; seq: string; trialId: string } | null> =>
  dash.page.$$eval('#decisions .decision.cursor:not([hidden])', (els) =>
    els.length === 1
      ? { index: els[0]!.getAttribute('data-index') ?? '', seq: els[0]!.getAttribute('data-seq') ?? '', trialId: els[0]!.getAttribute('data-trial-id') ?? '' }
      : null,
  );

/** Pixels drawn on the comparison's canvas, and those in the threshold's orange (#d18616 in the dark theme). */
const comparisonInk = (dash: DashboardPage): Promise<{ inked: number; orange: number }> =>
  dash.page.$eval('#decisions .peer-chart canvas', (c) => {
    const canvas = c as unknown as { width: number; height: number; getContext(t: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
    if (canvas.width === 0 || canvas.height === 0) return { inked: 0, orange: 0 };
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    let orange = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3]! > 0) inked++;
      if (data[i + 3]! > 200 && data[i]! > 180 && data[i + 1]! > 110 && data[i + 1]! < 155 && data[i + 2]! < 60) orange++;
    }
    return { inked, orange };
  });

describe('pruning decisions view', () => {
  let browser: Browser;
  let dash: DashboardPage;
  const study = generateStudy({ trials: 400, reports: 20, running: 6, seed: 3 });

  beforeAll(async () => {
    browser = await launchChromium();
    dash = await openDashboardPage({ browser });
    await sendSnapshot(dash, study);
    await dash.page.locator('#decisions .decision').first().waitFor();
  }, 60_000);
  afterAll(async () => {
    await dash?.close();
    await browser?.close();
  });

  it('lists every decision newest first with its reason, rendering only the rows in view', async () => {
    const shown = await rows(dash);
    const newest = study.decisions.at(-1)!;
    expect(shown[0]).toMatchObject({ seq: String(newest.seq), trialId: newest.trialId, text: newest.text });
    expect(shown[0]!.text).toMatch(/^trial \d+ stopped at rung \d \(epoch \d+\): val_loss [\d.]+ > cutoff [\d.]+, rank \d+ of \d+$/);
    expect(shown[1]!.seq).toBe(String(study.decisions.at(-2)!.seq));
    expect(study.decisions.length).toBeGreaterThan(200);
    // Virtualised: a few dozen rows in the DOM, not one per decision.
    expect(await dash.page.locator('#decisions .decision').count()).toBeLessThan(60);
    expect(await countText(dash)).toBe(`${study.decisions.length} decisions`);
    // The kind icon is a codicon.
    expect(await dash.page.locator('#decisions .decision .codicon-debug-stop').count()).toBeGreaterThan(0);
  });

  it('scrolls through the whole log, reusing rows', async () => {
    await dash.page.$eval('#decisions .decision-scroll', (e) => {
      e.scrollTop = e.scrollHeight;
    });
    await expect.poll(async () => (await rows(dash)).at(-1)?.seq).toBe(String(study.decisions[0]!.seq));
    expect(await dash.page.locator('#decisions .decision').count()).toBeLessThan(60);
    await dash.page.$eval('#decisions .decision-scroll', (e) => {
      e.scrollTop = 0;
    });
    await expect.poll(async () => (await rows(dash))[0]?.seq).toBe(String(study.decisions.at(-1)!.seq));
  });

  it('shows the plan: one cell per rung with its budget, and how many trials reached, stopped at and run at it', async () => {
    const cells = await dash.page.$$eval('#decisions .plan-cell', (els) =>
      els.map((e) => ({ rung: e.getAttribute('data-rung'), text: (e.textContent ?? '').replace(/\s+/g, ' ') })),
    );
    const rungs = study.header.plan.brackets[0]!.rungs;
    const live = new Set(['launching', 'running', 'stopping']);
    for (const [r, budget] of rungs.entries()) {
      const reached = study.trials.filter((t) => t.rung !== null && t.rung >= r).length;
      const stopped = study.trials.filter((t) => t.status === 'pruned' && t.rung === r).length;
      const running = study.trials.filter((t) => live.has(t.status) && t.rung === r).length;
      const cell = cells.find((c) => c.rung === String(r))!;
      expect(cell.text).toContain(`epoch ${budget}`);
      expect(cell.text).toContain(`${reached} reached`);
      if (stopped) expect(cell.text).toContain(`${stopped} stopped`);
      if (running) expect(cell.text).toContain(`${running} running`);
    }
    const before = study.trials.filter((t) => t.rung === null).length;
    expect(cells.find((c) => c.rung === '-1')!.text).toContain(`${before} not yet`);
  });

  it('filters the log to a rung when its cell is clicked, and back when clicked again', async () => {
    const atRung1 = study.decisions.filter((d) => d.rung === 1);
    await dash.page.click('#decisions .plan-cell[data-rung="1"]');
    await expect.poll(() => countText(dash)).toBe(`${atRung1.length} of ${study.decisions.length}`);
    // The count is written with the filter; the rows on the next frame.
    await expect.poll(async () => (await rows(dash))[0]?.seq).toBe(String(atRung1.at(-1)!.seq));
    expect(await dash.page.locator('#decisions .plan-cell.picked').count()).toBe(1);
    await dash.page.click('#decisions .plan-cell[data-rung="1"]');
    await expect.poll(() => countText(dash)).toBe(`${study.decisions.length} decisions`);
  });

  it('filters by text', async () => {
    const needle = `trial ${study.decisions[5]!.trialId} stopped`;
    await dash.page.locator('#decisions .decision-search input').fill(needle);
    await expect.poll(async () => (await rows(dash)).map((r) => r.trialId)).toEqual([study.decisions[5]!.trialId]);
    await dash.page.locator('#decisions .decision-search input').fill('');
    await expect.poll(() => countText(dash)).toBe(`${study.decisions.length} decisions`);
  });

  it('filters by kind: this ASHA study stopped trials and promoted none', async () => {
    const setKind = (kind: string): Promise<void> =>
      dash.page.$eval(
        '#decisions .decision-kind',
        (e, k) => {
          const select = e as unknown as { value: string; dispatchEvent(ev: unknown): boolean };
          select.value = k;
          select.dispatchEvent(new (globalThis as unknown as { Event: new (type: string) => unknown }).Event('change'));
        },
        kind,
      );
    await setKind('promote');
    await expect.poll(() => countText(dash)).toBe(`0 of ${study.decisions.length}`);
    expect(await dash.page.locator('#decisions .decision-empty').textContent()).toBe('No decision matches the filters.');
    await setKind('stop');
    await expect.poll(() => countText(dash)).toBe(`${study.decisions.length} decisions`);
    await setKind('all');
  });

  it('appends a decision from a patch once, even when the same seq arrives twice', async () => {
    const trial = study.trials.find((t) => t.status === 'running')!;
    const decision: DecisionRow = {
      seq: 100_000,
      trialId: trial.id,
      kind: 'stop',
      rule: 'rung',
      rung: 0,
      step: 2,
      value: 1.5,
      threshold: 1.4,
      rank: 4,
      cohort: 4,
      peers: ['0', '1', '2'],
      text: `trial ${trial.id} stopped at rung 0 (epoch 2): val_loss 1.5 > cutoff 1.4, rank 4 of 4`,
      at: Date.UTC(2026, 10, 23, 13),
    };
    const pruned = { ...trial, status: 'pruned' as const, rung: 0, prunedAtStep: 2, reason: decision.text };
    await dash.send('study/patch', { rev: 2, baseRev: 1, upsertTrials: [pruned], appendDecisions: [decision] });
    await dash.send('study/patch', { rev: 3, baseRev: 2, appendDecisions: [decision] });
    await expect.poll(async () => (await rows(dash))[0]?.text).toBe(decision.text);
    const shown = await rows(dash);
    expect(shown.filter((r) => r.seq === '100000')).toHaveLength(1);
    expect(shown[1]!.seq).toBe(String(study.decisions.at(-1)!.seq));
    expect(await countText(dash)).toBe(`${study.decisions.length + 1} decisions`);
    expect((await dash.posted()).some((m) => m.type === 'study/resync')).toBe(false);
  });

  it('selects the trial of a clicked decision, asks for its and its peers\' curves, and draws the comparison', async () => {
    const target = [...study.decisions].reverse().find((d) => d.peers.length >= 3)!;
    await dash.page.locator('#decisions .decision-search input').fill(target.text);
    await expect.poll(async () => (await rows(dash)).length).toBe(1);
    const before = (await dash.posted()).length;
    await dash.page.click(`#decisions .decision[data-seq="${target.seq}"]`);
    await expect.poll(async () => (await dash.posted()).slice(before).map((m) => m.type)).toContain('trial/requestCurves');
    const posted = (await dash.posted()).slice(before);
    expect(posted).toContainEqual({ type: 'trial/selected', payload: { trialId: target.trialId } });
    const asked = posted.filter((m) => m.type === 'trial/requestCurves').flatMap((m) => (m.payload as { trialIds: string[] }).trialIds);
    expect(new Set(asked)).toEqual(new Set([target.trialId, ...target.peers]));

    const compare = dash.page.locator('#decisions .decision-compare');
    await expect.poll(() => compare.isVisible()).toBe(true);
    expect(await compare.textContent()).toContain('loading');
    await dash.send('trial/curves', { curves: asked.map((id) => study.curves.get(id)!) });
    await expect.poll(() => compare.getAttribute('data-curves')).toBe(String(1 + target.peers.length));
    await expect.poll(async () => (await compare.textContent()) ?? '').not.toContain('loading');
    expect(await compare.textContent()).toContain(`Trial ${target.trialId} against ${target.peers.length} peers at rung ${target.rung}`);
    // Something was drawn on the canvas (Chart.js under the strict CSP, no eval), with the threshold line in
    // orange. Chart.js redraws on its own frame when its box changes size (the pane was just shown): poll.
    await expect.poll(async () => (await comparisonInk(dash)).inked).toBeGreaterThan(500);
    await expect.poll(async () => (await comparisonInk(dash)).orange).toBeGreaterThan(30);
    await expect.poll(async () => (await rows(dash))[0]?.selected).toBe(true);
    await saveScreenshot(dash.page, 'decisions-compare-dark.png');
    await dash.page.locator('#decisions .decision-search input').fill('');
  });

  it('opens decisions from the keyboard', async () => {
    // The whole log (the last test cleared its filter; a filter left over would hide the rows this one needs).
    await expect.poll(() => countText(dash)).toBe(`${study.decisions.length + 1} decisions`);
    // Start from another selection, so that opening the decision changes it (and is posted to the host).
    const first = study.decisions[0]!.trialId;
    await dash.send('trial/select', { trialId: first });
    // The log highlights (and scrolls to) that trial's decisions on the next frame: let it settle first.
    await expect.poll(async () => (await rows(dash)).filter((r) => r.selected).map((r) => r.trialId)).toContain(first);
    const before = (await dash.posted()).length;
    await dash.page.focus('#decisions .decision-scroll');
    // Keys go to the focused element: make sure it is the log before pressing any.
    await expect.poll(() => dash.page.evaluate(() => (globalThis as unknown as { document: { activeElement: { className: string } | null } }).document.activeElement?.className)).toBe('decision-scroll');
    await dash.page.keyboard.press('Home');
    await dash.page.keyboard.press('ArrowDown');
    await dash.page.keyboard.press('ArrowDown');
    await dash.page.keyboard.press('ArrowUp');
    // The cursor is drawn on the next frame. Read without waiting (a locator's getAttribute would wait for
    // the row, up to 30 s, inside the poll) and in one go, so that index, seq and trial belong to one row.
    // A shown row may briefly have its index before its decision is filled in (seq empty): wait for both.
    await expect.poll(async () => {
      const row = await cursorRow(dash);
      return row !== null && row.seq !== '' ? row.index : undefined;
    }).toBe('1');
    const { seq, trialId } = (await cursorRow(dash))!;
    expect(seq).toBe(String(study.decisions.at(-1)!.seq)); // newest first: the patch's decision, then the study's newest
    await dash.page.keyboard.press('Enter');
    await expect.poll(async () => (await dash.posted()).slice(before)).toContainEqual({ type: 'trial/selected', payload: { trialId } });
    // The highlight is drawn on the next frame after the selection, like the selection above: wait for it.
    await expect.poll(() => dash.page.locator(`#decisions .decision.active:not([hidden])[data-seq="${seq}"]`).count()).toBe(1);
  });

  it('highlights the decisions of a trial selected elsewhere', async () => {
    const other = study.decisions[10]!;
    await dash.send('trial/select', { trialId: other.trialId });
    await expect.poll(async () => (await rows(dash)).filter((r) => r.selected).map((r) => r.trialId)).toEqual([other.trialId]);
    expect(await dash.problems()).toEqual([]);
  });
});

describe('pruning decisions view in three themes', () => {
  const browser = sharedChromium();

  screenshotThemes(
    (theme) => `renders cleanly in the ${theme} theme`,
    (theme) => openDashboardPage({ browser: browser(), theme }),
    async (dash, theme) => {
      const study = generateStudy({ trials: 120, reports: 20, running: 4, seed: 5 });
      await sendSnapshot(dash, study);
      await dash.page.locator('#decisions .decision').first().waitFor();
      const d = study.decisions.at(-1)!;
      await dash.page.click(`#decisions .decision[data-seq="${d.seq}"]`);
      await dash.send('trial/curves', { curves: [d.trialId, ...d.peers].map((id) => study.curves.get(id)!) });
      await expect.poll(() => dash.page.locator('#decisions .decision-compare').getAttribute('data-curves')).toBe(String(1 + d.peers.length));
      await dash.page.waitForTimeout(100);
      await saveScreenshot(dash.page.locator('#side'), `decisions-${theme}.png`);
    },
    60_000,
  );

  it('explains schedulers without rungs in a sentence', async () => {
    await checkPage(await openDashboardPage({ browser: browser() }), async (dash) => {
      const study = generateStudy({ trials: 20, reports: 10 });
      const header = { ...study.header, plan: { scheduler: 'median', mode: 'stopping' as const, brackets: [{ bracket: 0, rungs: [10] }] } };
      await dash.send('study/snapshot', { rev: 1, header, trials: study.trials, decisions: [] });
      await expect.poll(() => dash.page.locator('#decisions .plan-sentence').textContent()).toContain('Median stopping');
      expect(await dash.page.locator('#decisions .plan-cell').count()).toBe(0);
      expect(await dash.page.locator('#decisions .decision-empty').textContent()).toContain('No decisions yet');
    });
  }, 60_000);
});
