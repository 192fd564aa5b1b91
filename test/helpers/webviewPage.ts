/**
 * The built dashboard page (dist/webview) in headless Chromium, with a stand-in for the VS Code host:
 * a tiny HTTP server serves the same HTML the extension serves (dashboardHtml, same strict CSP), and a
 * prelude script defines `acquireVsCodeApi` so that every message the page posts is recorded. Tests post
 * host messages with `host.send(...)` and read what the page posted with `host.posted()`.
 * CSP violations and page errors are collected: a test should assert there are none.
 *
 * Needs `npm run build` (dist/webview) and Chromium (/usr/bin/chromium or $CHROMIUM_PATH).
 *
 * Views render on animation frames, and a loaded machine (CI: 2 cores, the whole suite in parallel) gives the
 * page its frames late, so a test must wait for what it reads (`expect.poll`, a locator's auto-wait, `settled`)
 * rather than for a number of frames. RUNG_PAGE_LATE_FRAMES_MS=<ms> makes every frame that late (each
 * requestAnimationFrame callback waits that long first, in order): a test that passes with it set to 100
 * does not race the page's rendering.
 */
import { mkdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import type { DecisionRow, HostEnvelope, HostMessages, StudyHeader, TrialRow, WebviewEnvelope } from '../../src/shared/dashboardProtocol';
import { dashboardHtml, makeNonce } from '../../src/extension/dashboard/dashboardHtml';

const distWebview = path.resolve(__dirname, '../../dist/webview');
/** Where the page tests save their screenshots for review. */
export const artifactsDir = path.resolve(__dirname, '../webview/artifacts');
export type { Browser };
/** The registry key the test pages are served with (the page keeps it in its webview state). */
export const testStudyKey = '/tmp/store::test-study';
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const types: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.map': 'application/json' };

/** Records posts and exposes them on window; the page's state survives in window.__rungState. */
const prelude = `
window.__posted = [];
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
window.acquireVsCodeApi = () => ({
  postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
  getState: () => window.__rungState,
  setState: (s) => { window.__rungState = s; },
});`;

export interface DashboardPage {
  readonly page: Page;
  readonly url: string;
  /** Posts a host message to the page (as VS Code's webview.postMessage would). */
  send<K extends keyof HostMessages & string>(type: K, payload: HostMessages[K]): Promise<void>;
  /** Every message the page has posted so far. */
  posted(): Promise<WebviewEnvelope[]>;
  /** CSP violations and uncaught page errors so far. */
  problems(): Promise<string[]>;
  close(): Promise<void>;
}

/** The three theme kinds the page tests render in. */
export const pageThemes = ['dark', 'light', 'high-contrast'] as const;
export type PageTheme = (typeof pageThemes)[number];

export interface OpenOptions {
  readonly width?: number;
  readonly height?: number;
  /** Extra CSS variables on <html> (e.g. a theme); defaults approximate VS Code's Dark+ theme. */
  readonly theme?: PageTheme;
  /** Reuse a browser across pages of one test file. */
  readonly browser?: Browser;
}

const themes: Record<NonNullable<OpenOptions['theme']>, string> = {
  dark: '--vscode-foreground:#cccccc;--vscode-editor-background:#1e1e1e;--vscode-panel-border:#80808059;--vscode-focusBorder:#007fd4;--vscode-font-family:system-ui,sans-serif;--vscode-font-size:13px;--vscode-editor-font-family:monospace;--vscode-list-hoverBackground:#2a2d2e;--vscode-list-activeSelectionBackground:#04395e;--vscode-list-activeSelectionForeground:#ffffff;--vscode-descriptionForeground:#cccccccc;--vscode-errorForeground:#f48771;--vscode-charts-red:#f14c4c;--vscode-charts-blue:#3794ff;--vscode-charts-green:#89d185;--vscode-charts-yellow:#cca700;--vscode-charts-orange:#d18616;--vscode-charts-purple:#b180d7;--vscode-charts-foreground:#cccccc;--vscode-charts-lines:#cccccc80;--vscode-input-background:#3c3c3c;--vscode-input-foreground:#cccccc;--vscode-button-background:#0e639c;--vscode-button-foreground:#ffffff;--vscode-editorWidget-background:#252526;--vscode-widget-border:#303031;--vscode-textLink-foreground:#3794ff',
  light: '--vscode-foreground:#616161;--vscode-editor-background:#ffffff;--vscode-panel-border:#80808059;--vscode-focusBorder:#0090f1;--vscode-font-family:system-ui,sans-serif;--vscode-font-size:13px;--vscode-editor-font-family:monospace;--vscode-list-hoverBackground:#e8e8e8;--vscode-list-activeSelectionBackground:#0060c0;--vscode-list-activeSelectionForeground:#ffffff;--vscode-descriptionForeground:#717171;--vscode-errorForeground:#a1260d;--vscode-charts-red:#e51400;--vscode-charts-blue:#1a85ff;--vscode-charts-green:#388a34;--vscode-charts-yellow:#bf8803;--vscode-charts-orange:#d18616;--vscode-charts-purple:#652d90;--vscode-charts-foreground:#616161;--vscode-charts-lines:#61616180;--vscode-input-background:#ffffff;--vscode-input-foreground:#616161;--vscode-button-background:#007acc;--vscode-button-foreground:#ffffff;--vscode-editorWidget-background:#f3f3f3;--vscode-widget-border:#c8c8c8;--vscode-textLink-foreground:#006ab1',
  'high-contrast': '--vscode-foreground:#ffffff;--vscode-editor-background:#000000;--vscode-panel-border:#6fc3df;--vscode-focusBorder:#f38518;--vscode-contrastBorder:#6fc3df;--vscode-font-family:system-ui,sans-serif;--vscode-font-size:13px;--vscode-editor-font-family:monospace;--vscode-list-hoverBackground:#000000;--vscode-list-activeSelectionBackground:#000000;--vscode-list-activeSelectionForeground:#ffffff;--vscode-descriptionForeground:#ffffff;--vscode-errorForeground:#f48771;--vscode-charts-red:#f14c4c;--vscode-charts-blue:#3794ff;--vscode-charts-green:#89d185;--vscode-charts-yellow:#ffd700;--vscode-charts-orange:#d18616;--vscode-charts-purple:#b180d7;--vscode-charts-foreground:#ffffff;--vscode-charts-lines:#ffffff80;--vscode-input-background:#000000;--vscode-input-foreground:#ffffff;--vscode-button-background:#000000;--vscode-button-foreground:#ffffff;--vscode-editorWidget-background:#0c141f;--vscode-widget-border:#6fc3df;--vscode-textLink-foreground:#21a6ff',
};

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
}

export async function openDashboardPage(options: OpenOptions = {}): Promise<DashboardPage> {
  const theme = options.theme ?? 'dark';
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/') {
        const origin = `http://${req.headers.host ?? 'localhost'}`;
        const html = dashboardHtml({
          cspSource: origin,
          nonce: makeNonce(),
          scriptUri: `${origin}/dashboard.js`,
          styleUri: `${origin}/dashboard.css`,
          codiconUri: `${origin}/codicon.css`,
          title: 'test-study',
          studyKey: testStudyKey,
          preludeScript: prelude,
        })
          .replace('<html lang="en">', `<html lang="en" class="vscode-${theme === 'high-contrast' ? 'high-contrast' : theme}">`)
          .replace('<body>', `<body class="vscode-${theme === 'high-contrast' ? 'high-contrast' : theme}" data-vscode-theme-kind="vscode-${theme}">`);
        // VS Code puts the theme variables on <html style>; the test server injects them as a header-free
        // stylesheet so the page's strict CSP (no inline styles) is the one VS Code uses.
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(html.replace('</head>', `<link rel="stylesheet" href="${origin}/__theme.css">\n</head>`));
        return;
      }
      if (url.pathname === '/favicon.ico') {
        res.writeHead(204);
        res.end();
        return;
      }
      if (url.pathname === '/__theme.css') {
        res.writeHead(200, { 'content-type': 'text/css' });
        res.end(`:root{${themes[theme]}}`);
        return;
      }
      const file = path.join(distWebview, path.normalize(url.pathname).replace(/^([/\\])+/, ''));
      if (!file.startsWith(distWebview)) throw new Error('outside');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    })().catch(() => {
      res.writeHead(404);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const ownBrowser = options.browser === undefined;
  const browser = options.browser ?? (await launchChromium());
  const page = await browser.newPage({ viewport: { width: options.width ?? 1400, height: options.height ?? 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  const lateFrames = Number(process.env.RUNG_PAGE_LATE_FRAMES_MS ?? 0);
  if (lateFrames > 0) {
    await page.addInitScript((ms) => {
      const w = globalThis as unknown as { requestAnimationFrame(f: (t: number) => void): number; setTimeout(f: () => void, ms: number): number };
      const raf = w.requestAnimationFrame.bind(w);
      let id = 0;
      // The page never cancels a frame request, so ids need not map to the browser's.
      w.requestAnimationFrame = (f) => {
        w.setTimeout(() => raf(f), ms);
        return ++id;
      };
    }, lateFrames);
  }
  await page.goto(url);
  await page.waitForFunction(() => (globalThis as unknown as { __posted: unknown[] }).__posted.length > 0);
  return {
    page,
    url,
    send: async (type, payload) => {
      const message = { type, payload } as HostEnvelope;
      await page.evaluate((m) => (globalThis as unknown as { postMessage(m: unknown, origin: string): void }).postMessage(m, '*'), message);
    },
    posted: () => page.evaluate(() => (globalThis as unknown as { __posted: WebviewEnvelope[] }).__posted),
    problems: async () => [...errors, ...(await page.evaluate(() => (globalThis as unknown as { __violations: string[] }).__violations))],
    close: async () => {
      await page.close();
      if (ownBrowser) await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Sends the study as a `study/snapshot` (revision `rev`, 1 unless given). */
export async function sendSnapshot(
  dash: DashboardPage,
  study: { readonly header: StudyHeader; readonly trials: TrialRow[]; readonly decisions: DecisionRow[] },
  rev = 1,
): Promise<void> {
  await dash.send('study/snapshot', { rev, header: study.header, trials: study.trials, decisions: study.decisions });
}

/** The page's webview state now (what it last gave `setState`). */
export async function webviewState(dash: DashboardPage): Promise<unknown> {
  return dash.page.evaluate(() => (globalThis as unknown as { __rungState: unknown }).__rungState);
}

/**
 * Reloads the page as VS Code does when a hidden dashboard panel is shown again, or restores one after a
 * window reload: VS Code keeps the webview state and loads the page afresh, whose `getState()` returns it.
 * `state` is the state the new page gets (default: the page's state now). Resolves once the page has
 * posted again (`webview/ready`); the host's snapshot is the test's to send. Each reload adds an init
 * script, and later ones win, so a plain `page.reload()` afterwards gets the last state given here.
 */
export async function reloadWithState(dash: DashboardPage, state?: unknown): Promise<void> {
  const kept = state === undefined ? await webviewState(dash) : state;
  await dash.page.addInitScript((s) => {
    (globalThis as unknown as { __rungState: unknown }).__rungState = s;
  }, kept);
  await dash.page.reload();
  await dash.page.waitForFunction(() => (globalThis as unknown as { __posted: unknown[] }).__posted.length > 0);
}

/** Clicks the side panel's tab header with this text (Curves, History, Importance, …). */
export async function openTab(page: Page, name: string): Promise<void> {
  await page.locator('vscode-tab-header', { hasText: name }).click();
}

/**
 * Resolves once the DOM under `selector` has settled: two animation frames in a row went by without a change
 * under it. What a test waits for (a count, a row) can be written a frame before the rest of a view is final:
 * a render can change the layout, and the view's ResizeObserver renders again on the next frame. Rejects
 * when it keeps changing for `timeoutMs`.
 */
export async function settled(page: Page, selector: string, timeoutMs = 5_000): Promise<void> {
  await page.evaluate(
    ([sel, timeout]) =>
      new Promise<void>((resolve, reject) => {
        const w = globalThis as unknown as {
          document: { querySelector(s: string): unknown };
          MutationObserver: new (cb: () => void) => { observe(target: unknown, options: Record<string, boolean>): void; disconnect(): void };
          requestAnimationFrame(f: () => void): number;
          performance: { now(): number };
        };
        const target = w.document.querySelector(sel);
        if (!target) return reject(new Error(`settled: nothing matches ${sel}`));
        let changed = false;
        let quiet = 0;
        const observer = new w.MutationObserver(() => {
          changed = true;
        });
        observer.observe(target, { subtree: true, childList: true, attributes: true, characterData: true });
        const started = w.performance.now();
        const tick = (): void => {
          w.requestAnimationFrame(() => {
            quiet = changed ? 0 : quiet + 1;
            changed = false;
            if (quiet >= 2) {
              observer.disconnect();
              resolve();
            } else if (w.performance.now() - started > timeout) {
              observer.disconnect();
              reject(new Error(`settled: ${sel} still changing after ${timeout} ms`));
            } else tick();
          });
        };
        tick();
      }),
    [selector, timeoutMs] as const,
  );
}

/** Pixels of a canvas that are not fully transparent (0 while the canvas has no size yet, e.g. a tab just shown). */
export async function inkedPixels(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (el) => {
    const c = el as unknown as { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
    if (c.width === 0 || c.height === 0) return 0;
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
    return n;
  });
}

/** A screenshot of the page or of one element, saved as `artifactsDir/<name>`. */
export async function saveScreenshot(target: Page | Locator, name: string): Promise<void> {
  await mkdir(artifactsDir, { recursive: true });
  await target.screenshot({ path: path.join(artifactsDir, name) });
}
