/**
 * `npm run bench:dashboard`: the dashboard webview at 10,000 trials × 50 reports (generateStudy), in
 * headless Chromium through the page tests' harness (the built page, its strict CSP, a stand-in host):
 *  (a) first paint: from posting the snapshot to the table and the parallel coordinates having rendered
 *      (two animation frames after both are drawn), and the total counted from navigation;
 *  (b) a patch of 20 changed trials: from posting it until the next frame has been painted (20 patches);
 *  (c) scrolling the table from top to bottom with the mouse wheel (1200 px a step), and
 *  (d) dragging a brush on the first PCP axis, both while recording long tasks;
 *  (e) the page's JS heap after a garbage collection, and its DOM node count.
 * BENCH_PROFILE=1 also prints the top self-time functions of each phase (CDP CPU profile), and per source
 * file when the page was built unminified (RUNG_WEBVIEW_UNMINIFIED=1 npm run build).
 * Prints a markdown table and writes bench/results/dashboard.json. Not a test: the targets (first paint
 * < 1 s, patch < 100 ms, no long task > 50 ms) are printed next to the figures, nothing fails.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { HostMessages, TrialRow } from '../src/shared/dashboardProtocol';
import { generateStudy } from '../test/fixtures/views/generatedStudy';
import { openDashboardPage, type DashboardPage } from '../test/helpers/webviewPage';

const TRIALS = Number(process.env['BENCH_TRIALS'] ?? 10_000);
const REPORTS = 50;
const PATCHES = 20;
const PATCH_SIZE = 20;

interface LongTasks {
  readonly count: number;
  readonly maxMs: number;
  readonly over50: number;
  /** Who ran in the long animation frames (> 50 ms): script invoker and its ms, summed over frames. */
  readonly frameScripts: Record<string, number>;
}

/** Page-side globals the bench installs (the test tsconfig has no DOM lib: structural types only). */
interface BenchWindow {
  __snap: HostMessages['study/snapshot'];
  __long: Array<{ duration: number }>;
  __loaf: Array<{ duration: number; scripts: Array<{ invoker: string; duration: number }> }>;
  postMessage(m: unknown, origin: string): void;
  addEventListener(type: 'message', f: () => void, opts?: { once: boolean }): void;
  requestAnimationFrame(f: (t: number) => void): number;
  setTimeout(f: () => void, ms: number): number;
  performance: { now(): number; getEntriesByType(t: string): Array<Record<string, number>> };
  document: { querySelector(s: string): { dataset: Record<string, string | undefined>; scrollTop: number; scrollHeight: number; clientHeight: number } | null };
  PerformanceObserver: new (
    cb: (list: { getEntries(): Array<{ duration: number; scripts?: Array<{ invoker: string; duration: number }> }> }) => void,
  ) => { observe(o: { type: string }): void };
  MessageChannel: new () => { port1: { onmessage: (() => void) | null }; port2: { postMessage(m: unknown): void } };
}

const PROFILE = process.env['BENCH_PROFILE'] === '1';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number; readonly columnNumber: number };
}

/**
 * The source file of each line of the page bundle, from the `// path/to/file.ts` comments esbuild writes
 * before each module when not minifying (RUNG_WEBVIEW_UNMINIFIED=1 npm run build): self time per view.
 */
function moduleOfLine(): (line: number) => string {
  let text = '';
  try {
    text = readFileSync(path.join('dist', 'webview', 'dashboard.js'), 'utf8');
  } catch {
    return () => 'dashboard.js';
  }
  const starts: Array<[number, string]> = [];
  text.split('\n').forEach((l, i) => {
    const m = /^\/\/ (\S+\.(?:ts|js))$/.exec(l);
    if (m) starts.push([i, m[1]!]);
  });
  return (line) => {
    let found = 'dashboard.js';
    for (const [at, file] of starts) {
      if (at > line) break;
      found = file;
    }
    return found;
  };
}

/** Self time per function and per source file (top 12 each) from a CDP CPU profile. */
function topSelfTime(profile: { nodes: ProfileNode[]; samples?: number[]; timeDeltas?: number[] }): string[] {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const perFile = new Map<string, number>();
  const fileOf = moduleOfLine();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const f = byNode.get(samples[i]!)!.callFrame;
    const ms = (deltas[i] ?? 0) / 1000;
    const key = `${f.functionName || '(anonymous)'} ${path.basename(f.url)}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + ms);
    const file = f.url.endsWith('dashboard.js') ? fileOf(f.lineNumber) : f.functionName || f.url || '(native)';
    perFile.set(file, (perFile.get(file) ?? 0) + ms);
  }
  const top = (m: Map<string, number>): string[] =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, ms]) => `${ms.toFixed(1).padStart(8)} ms  ${k}`);
  return ['by function:', ...top(self), 'by source file:', ...top(perFile)];
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]!;
}

type Cdp = Awaited<ReturnType<ReturnType<DashboardPage['page']['context']>['newCDPSession']>>;

async function profiled<T>(cdp: Cdp, label: string, run: () => Promise<T>): Promise<T> {
  if (!PROFILE) return run();
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const result = await run();
  const { profile } = await cdp.send('Profiler.stop');
  console.log(`\nCPU profile, ${label} (self time):\n${topSelfTime(profile as never).join('\n')}`);
  return result;
}

async function startLongTasks(dash: DashboardPage): Promise<void> {
  await dash.page.evaluate(() => {
    const w = globalThis as unknown as BenchWindow;
    w.__long = [];
    w.__loaf = [];
    new w.PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__long.push({ duration: e.duration });
    }).observe({ type: 'longtask' });
    // Long animation frames say which script (event handler, frame callback, timer…) a slow frame ran.
    new w.PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__loaf.push({ duration: e.duration, scripts: (e.scripts ?? []).map((x) => ({ invoker: x.invoker, duration: x.duration })) });
    }).observe({ type: 'long-animation-frame' });
  });
}

async function takeLongTasks(dash: DashboardPage): Promise<LongTasks> {
  // Long tasks are reported after they end: let one more task and frame pass.
  await dash.page.waitForTimeout(100);
  const { durations, loaf } = await dash.page.evaluate(() => {
    const w = globalThis as unknown as BenchWindow;
    const d = { durations: w.__long.map((e) => e.duration), loaf: w.__loaf };
    w.__long = [];
    w.__loaf = [];
    return d;
  });
  const frameScripts: Record<string, number> = {};
  for (const frame of loaf) for (const x of frame.scripts) frameScripts[x.invoker] = Math.round((frameScripts[x.invoker] ?? 0) + x.duration);
  return { count: durations.length, maxMs: durations.length ? Math.max(...durations) : 0, over50: durations.filter((d) => d > 50).length, frameScripts };
}

async function main(): Promise<void> {
  const study = generateStudy({ trials: TRIALS, reports: REPORTS, running: 20, seed: 1 });
  const dash = await openDashboardPage({ width: 1400, height: 900 });
  const cdp = await dash.page.context().newCDPSession(dash.page);
  await cdp.send('Performance.enable');
  try {
    // ── (a) first paint. The snapshot is handed to the page first, so only the page's own work is timed
    // (and the structured clone of postMessage, as in VS Code).
    await dash.page.evaluate((s) => {
      (globalThis as unknown as BenchWindow).__snap = s;
    }, { rev: 1, header: study.header, trials: study.trials, decisions: study.decisions } satisfies HostMessages['study/snapshot']);
    await startLongTasks(dash);
    const paint = await profiled(cdp, 'first paint', () => dash.page.evaluate(
      () =>
        new Promise<{ snapshotToPaint: number; navToReady: number }>((resolve) => {
          const w = globalThis as unknown as BenchWindow;
          const nav = w.performance.getEntriesByType('navigation')[0] ?? {};
          const draws = Number(w.document.querySelector('#pcp')?.dataset.draws ?? 0);
          const t0 = w.performance.now();
          w.postMessage({ type: 'study/snapshot', payload: w.__snap }, '*');
          const done = (): boolean =>
            w.document.querySelector('#table .trow[data-trial-id]') !== null &&
            Number(w.document.querySelector('#pcp')?.dataset.draws ?? 0) > draws;
          const frame = (): void => {
            if (!done()) {
              w.requestAnimationFrame(frame);
              return;
            }
            w.requestAnimationFrame(() =>
              w.requestAnimationFrame(() => {
                const t = w.performance.now();
                resolve({ snapshotToPaint: t - t0, navToReady: nav['domContentLoadedEventEnd'] ?? Number.NaN });
              }),
            );
          };
          w.requestAnimationFrame(frame);
        }),
    ));
    const paintLong = await takeLongTasks(dash);
    await dash.page.waitForTimeout(500);

    // ── (b) patches of 20 changed trials: new values for running trials and a few finishing.
    const trials = [...study.trials];
    let rev = 1;
    const patchMs: number[] = [];
    await startLongTasks(dash);
    await profiled(cdp, 'patches', async () => {
    for (let p = 0; p < PATCHES; p++) {
      const upsert: TrialRow[] = [];
      for (let k = 0; k < PATCH_SIZE; k++) {
        const i = (p * 7919 + k * 104_729) % trials.length;
        const t = trials[i]!;
        const value = (t.value ?? 1) * (0.9 + ((p + k) % 10) / 50);
        const next: TrialRow = { ...t, value, bestValue: Math.min(t.bestValue ?? value, value), step: Math.min(REPORTS, (t.step ?? 0) + 1), status: k % 5 === 0 ? 'completed' : t.status };
        trials[i] = next;
        upsert.push(next);
      }
      const patch: HostMessages['study/patch'] = { rev: rev + 1, baseRev: rev, upsertTrials: upsert };
      rev++;
      const ms = await dash.page.evaluate(
        (m) =>
          new Promise<number>((resolve) => {
            const w = globalThis as unknown as BenchWindow;
            const t0 = w.performance.now();
            // This listener runs after the page's own (added later), so its frame request comes after the
            // views' ones; the message-channel task after that frame runs once the frame is painted.
            w.addEventListener(
              'message',
              () =>
                w.requestAnimationFrame(() => {
                  const ch = new w.MessageChannel();
                  ch.port1.onmessage = () => resolve(w.performance.now() - t0);
                  ch.port2.postMessage(0);
                }),
              { once: true },
            );
            w.postMessage({ type: 'study/patch', payload: m }, '*');
          }),
        patch,
      );
      patchMs.push(ms);
      await dash.page.waitForTimeout(150); // the host's patch throttle
    }
    });
    const patchLong = await takeLongTasks(dash);
    const resyncs = (await dash.posted()).filter((m) => m.type === 'study/resync').length;
    patchMs.sort((a, b) => a - b);

    // ── (c) scroll the table from top to bottom, one step per frame (after the patches' redraws settle).
    await dash.page.waitForTimeout(1500);
    await startLongTasks(dash);
    // Mouse-wheel steps of 1200 px (about 55 rows: every step replaces every visible row), each followed
    // by a frame; the page's frame times are recorded meanwhile.
    const table = (await dash.page.locator('#table .table-scroll').boundingBox())!;
    await dash.page.mouse.move(table.x + table.width / 2, table.y + table.height / 2);
    await dash.page.evaluate(() => {
      const w = globalThis as unknown as BenchWindow & { __frames: number[]; __stop: boolean };
      w.__frames = [];
      w.__stop = false;
      let last = w.performance.now();
      const tick = (): void => {
        const now = w.performance.now();
        w.__frames.push(now - last);
        last = now;
        if (!w.__stop) w.requestAnimationFrame(tick);
      };
      w.requestAnimationFrame(tick);
    });
    const scrollStart = Date.now();
    const scroll = await profiled(cdp, 'scroll', async () => {
      let steps = 0;
      for (;;) {
        const atEnd = await dash.page.locator('#table .table-scroll').evaluate((el) => {
          const s = el as unknown as { scrollTop: number; scrollHeight: number; clientHeight: number };
          return s.scrollTop + s.clientHeight >= s.scrollHeight - 1;
        });
        if (atEnd || steps > 1000) break;
        await dash.page.mouse.wheel(0, 1200);
        steps++;
      }
      const frames = await dash.page.evaluate(() => {
        const w = globalThis as unknown as { __frames: number[]; __stop: boolean };
        w.__stop = true;
        return w.__frames;
      });
      return { frames: steps, maxFrameMs: Math.max(...frames.slice(1)), ms: Date.now() - scrollStart };
    });
    const lastRowShown = await dash.page.locator(`#table .trow[data-trial-id="${TRIALS - 1}"]`).count();
    const scrollLong = await takeLongTasks(dash);

    // ── (d) brush: drag vertically on the first PCP axis.
    await dash.page.waitForTimeout(500);
    let brush: { ms: number; rowsAfter: string | null; long: LongTasks } | { skipped: string };
    const overlay = dash.page.locator('#pcp canvas.pcp-overlay, #pcp canvas').last();
    const firstAxis = dash.page.locator('#pcp [data-axis]').first();
    if ((await overlay.count()) === 0 || (await firstAxis.count()) === 0) {
      brush = { skipped: 'no PCP canvas or axis label in the page' };
    } else {
      const box = (await overlay.boundingBox())!;
      const label = (await firstAxis.boundingBox())!;
      const x = label.x + label.width / 2;
      await startLongTasks(dash);
      const t0 = Date.now();
      await profiled(cdp, 'brush', async () => {
        await dash.page.mouse.move(x, box.y + box.height * 0.25);
        await dash.page.mouse.down();
        await dash.page.mouse.move(x, box.y + box.height * 0.6, { steps: 25 });
        await dash.page.mouse.up();
        await dash.page.waitForTimeout(400);
      });
      const ms = Date.now() - t0;
      brush = { ms, rowsAfter: await dash.page.locator('#table .table-count').textContent(), long: await takeLongTasks(dash) };
    }

    // ── (e) memory after a collection.
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const metric = (name: string): number => metrics.find((m) => m.name === name)?.value ?? Number.NaN;
    const heapMb = metric('JSHeapUsedSize') / 2 ** 20;
    const nodes = metric('Nodes');

    const results = {
      trials: TRIALS,
      reports: REPORTS,
      firstPaint: { snapshotToPaintMs: paint.snapshotToPaint, navigationToReadyMs: paint.navToReady, totalFromNavigationMs: paint.navToReady + paint.snapshotToPaint, longTasks: paintLong },
      patch: { size: PATCH_SIZE, count: PATCHES, medianMs: quantile(patchMs, 0.5), p95Ms: quantile(patchMs, 0.95), maxMs: patchMs.at(-1), resyncs, longTasks: patchLong },
      scroll: { ...scroll, lastRowShown: lastRowShown === 1, longTasks: scrollLong },
      brush,
      memory: { jsHeapUsedMb: heapMb, domNodes: nodes },
      problems: await dash.problems(),
    };
    mkdirSync(path.join('bench', 'results'), { recursive: true });
    writeFileSync(path.join('bench', 'results', 'dashboard.json'), `${JSON.stringify(results, null, 2)}\n`);

    const f = (n: number | undefined): string => (n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(1));
    const lt = (l: LongTasks): string => {
      const who = Object.entries(l.frameScripts).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, ms]) => `${k} ${ms} ms`);
      return `${l.count} long tasks, max ${f(l.maxMs)} ms${who.length ? ` (slow frames ran: ${who.join(', ')})` : ''}`;
    };
    const ok = (pass: boolean): string => (pass ? 'ok' : '**missed**');
    const lines = [
      `Dashboard webview, ${TRIALS} trials × ${REPORTS} reports, headless Chromium (${process.platform}, 1400×900)`,
      '',
      '| measure | figure | target |',
      '|---|---|---|',
      `| first paint (snapshot posted → table + PCP painted) | ${f(paint.snapshotToPaint)} ms | < 1000 ms ${ok(paint.snapshotToPaint < 1000)} |`,
      `| … total from navigation (page ready ${f(paint.navToReady)} ms + first paint) | ${f(paint.navToReady + paint.snapshotToPaint)} ms | |`,
      `| … during first paint | ${lt(paintLong)} | |`,
      `| patch of ${PATCH_SIZE} trials → next frame painted | median ${f(quantile(patchMs, 0.5))} ms, p95 ${f(quantile(patchMs, 0.95))} ms, max ${f(patchMs.at(-1))} ms | < 100 ms ${ok(quantile(patchMs, 0.95) < 100)} |`,
      `| … during ${PATCHES} patches | ${lt(patchLong)} | |`,
      `| scroll table top → bottom (${scroll.frames} wheel steps of 1200 px) | ${lt(scrollLong)}; longest frame ${f(scroll.maxFrameMs)} ms | no long task > 50 ms ${ok(scrollLong.over50 === 0)} |`,
      'skipped' in brush
        ? `| brush on the first PCP axis | skipped: ${brush.skipped} | |`
        : `| brush on the first PCP axis (drag + settle ${brush.ms} ms; table: ${brush.rowsAfter}) | ${lt(brush.long)} | no long task > 50 ms ${ok(brush.long.over50 === 0)} |`,
      `| JS heap after GC | ${f(heapMb)} MB (${nodes} DOM nodes) | reported |`,
    ];
    console.log(lines.join('\n'));
    if (results.problems.length > 0) console.log(`\npage problems: ${results.problems.join('; ')}`);
    console.log('\nwritten to bench/results/dashboard.json');
  } finally {
    await dash.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
