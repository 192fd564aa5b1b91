/**
 * A measurement, not a timed test (set PCP_PERF=1 to run it): a 10,000-trial × 50-report snapshot in
 * the built page, then a brush on an axis. Prints how long the plot took to draw, its longest slice of
 * work, and every long task (> 50 ms, PerformanceObserver 'longtask') the page had — those include the
 * other views' work on the same snapshot, so they bound the plot's share from above.
 */
import { describe, expect, it } from 'vitest';
import { generateStudy } from '../fixtures/views/generatedStudy';
import { openDashboardPage } from '../helpers/webviewPage';

describe.skipIf(!process.env.PCP_PERF)('parallel coordinates at 10,000 trials', () => {
  it('draws and brushes; prints the long tasks', async () => {
    const dash = await openDashboardPage();
    const { page } = dash;
    try {
      await page.evaluate(() => {
        const g = globalThis as unknown as { __long: Array<{ start: number; ms: number }>; PerformanceObserver: new (cb: (l: { getEntries(): Array<{ startTime: number; duration: number }> }) => void) => { observe(o: object): void } };
        g.__long = [];
        new g.PerformanceObserver((list) => {
          for (const e of list.getEntries()) g.__long.push({ start: Math.round(e.startTime), ms: Math.round(e.duration) });
        }).observe({ type: 'longtask', buffered: true });
      });
      const longTasks = (): Promise<Array<{ start: number; ms: number }>> => page.evaluate(() => (globalThis as unknown as { __long: Array<{ start: number; ms: number }> }).__long.splice(0));
      await longTasks();
      const study = generateStudy({ trials: 10_000, reports: 50, running: 8 });
      const t0 = Date.now();
      await dash.send('study/snapshot', { rev: 1, header: study.header, trials: study.trials, decisions: study.decisions });
      await page.waitForSelector('#pcp[data-draws="1"]', { timeout: 30_000 });
      const firstDraw = Date.now() - t0;
      const attrs = async (): Promise<Record<string, string>> =>
        page.$eval('#pcp', (e) => ({ ...(e as unknown as { dataset: Record<string, string> }).dataset }));
      const snap = await attrs();
      await page.waitForTimeout(1500);
      const snapshotLong = await longTasks();

      const label = (await page.locator('.pcp-axis-label[data-axis="param:layers"]').boundingBox())!;
      const plot = (await page.locator('#pcp .pcp-overlay').boundingBox())!;
      const x = label.x + label.width / 2;
      await page.mouse.move(x, plot.y + 14);
      await page.mouse.down();
      await page.mouse.move(x, plot.y + plot.height / 2, { steps: 10 });
      const t1 = Date.now();
      await page.mouse.up();
      await page.waitForSelector('#pcp[data-draws="2"]', { timeout: 30_000 });
      const brushDraw = Date.now() - t1;
      await page.waitForTimeout(1500);
      const brushLong = await longTasks();
      const after = await attrs();

      console.log(
        JSON.stringify(
          {
            snapshotToFirstFullDrawMs: firstDraw,
            pcpSnapshotHandlerMs: Number(snap.snapshotMs),
            pcpDrawMs: Number(snap.drawMs),
            pcpLongestSliceMs: Number(after.maxSliceMs),
            pageLongTasksAfterSnapshot: snapshotLong,
            brushToRedrawnMs: brushDraw,
            pcpBrushDrawMs: Number(after.drawMs),
            pageLongTasksDuringBrush: brushLong,
            passing: after.passing,
          },
          null,
          1,
        ),
      );
      expect(snap.lines).toBe('10000');
      expect(Number(after.passing)).toBeLessThan(10_000);
    } finally {
      await dash.close();
    }
  }, 120_000);
});
