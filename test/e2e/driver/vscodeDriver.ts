/**
 * Drive a real VS Code workbench (served by code-server) from Playwright with Debian's Chromium.
 * Nothing here downloads anything. Adapted from the project's shared recipe (../shared/e2e,
 * vscode-driver.mjs): same waits, ported to TypeScript, plus `terminalTabNames` and `problemsRows`.
 *
 *   const server = await startCodeServer({ codeServerBin, folder, extensionDevelopmentPath: repoRoot });
 *   const { page, close } = await launchBrowser();
 *   await openWorkbench(page, server.workbenchUrl, { ready: activityBarItem('Rung') });
 *   await runCommand(page, 'Rung: Start Study');
 *   await close(); await server.stop();
 *
 * Pitfalls learnt the hard way (see the recipe's README): wait for a contributed UI element before
 * using the palette (commands register 2-4 s after the workbench); use `.quick-input-box input`;
 * read terminals from the DOM renderer (gpuAcceleration off); a fresh port, process group and
 * XDG/TMPDIR per server, killed and awaited, or the next run may talk to the old server.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type FrameLocator, type Locator, type Page } from 'playwright-core';

/** User settings that make the workbench quiet and deterministic in tests. */
export const DEFAULT_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false, // no "Do you trust the authors" dialog
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
  'terminal.integrated.gpuAcceleration': 'off', // xterm DOM renderer => terminal text is in the DOM
  'terminal.integrated.enablePersistentSessions': false,
  'window.confirmBeforeClose': 'never',
};

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const debug = (...a: unknown[]): void => {
  if (process.env.VSCODE_DRIVER_DEBUG) console.error('[vscode-driver]', ...a);
};

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** All descendants of `pid` (children first), read from /proc. Linux only. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) comes after the ")" that closes the command name.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      /* process vanished */
    }
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const c of children.get(p) ?? []) {
      walk(c);
      out.push(c);
    }
  };
  walk(pid);
  return out;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** RegExp matching exactly `text` (Playwright's hasText otherwise matches substrings). */
export const exactly = (text: string): RegExp => new RegExp(`^\\s*${escapeRe(text)}\\s*$`);

export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function resolveCodeServerBin(bin: string | undefined): string {
  const cand = bin ?? process.env.CODE_SERVER_BIN;
  if (!cand) throw new Error('startCodeServer: pass codeServerBin or set CODE_SERVER_BIN');
  const inDir = path.join(cand, 'node_modules', '.bin', 'code-server');
  if (fs.existsSync(inDir)) return inDir;
  if (fs.existsSync(cand)) return cand;
  throw new Error(`code-server not found at ${cand}`);
}

export interface CodeServerOptions {
  /** .../node_modules/.bin/code-server, or the install dir made by setup-code-server.sh */
  codeServerBin?: string;
  /** Workspace folder to open (created if missing). */
  folder?: string;
  /**
   * An extension folder loaded as in F5 debugging (through the workbench URL's payload). One only: with
   * two payload entries the web workbench keeps the last. Load others with linkExtensions.
   */
  extensionDevelopmentPath?: string;
  /** Extension folders symlinked into the extensions dir. */
  linkExtensions?: string[];
  /** .vsix files installed with --install-extension before the server starts. */
  vsix?: string[];
  extensionsDir?: string;
  /** Extra user settings (over DEFAULT_SETTINGS). */
  settings?: Record<string, unknown>;
  /** Scratch dir (default: a fresh mkdtemp, deleted by stop()). */
  workDir?: string;
  port?: number;
  /** Extra environment for code-server (so for terminals and the extension host). */
  env?: Record<string, string>;
  startTimeoutMs?: number;
  /**
   * Keep Workspace Trust working (default: off, `--disable-workspace-trust`, every folder trusted). With it
   * on, set `security.workspace.trust.enabled` (and e.g. `startupPrompt: never` to open it untrusted).
   */
  workspaceTrust?: boolean;
}

export interface CodeServer {
  url: string;
  workbenchUrl: string;
  port: number;
  pid: number;
  workDir: string;
  userDataDir: string;
  extensionsDir: string;
  folder: string;
  logFile: string;
  /** Output of each --install-extension call. */
  installOutput: string[];
  log(): string;
  stop(opts?: { keepWorkDir?: boolean }): Promise<void>;
}

/** Start code-server on 127.0.0.1 with a throw-away user-data-dir and extensions-dir. */
export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  const bin = resolveCodeServerBin(options.codeServerBin);
  const ownWorkDir = !options.workDir;
  const workDir = options.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'vscode-e2e-'));
  fs.mkdirSync(workDir, { recursive: true });
  const userDataDir = path.join(workDir, 'user-data');
  const extensionsDir = options.extensionsDir ?? path.join(workDir, 'extensions');
  const xdg = path.join(workDir, 'xdg');
  for (const d of [userDataDir, extensionsDir, path.join(userDataDir, 'User'), xdg]) fs.mkdirSync(d, { recursive: true });
  const folder = options.folder ?? path.join(workDir, 'workspace');
  fs.mkdirSync(folder, { recursive: true });

  const settings = { ...DEFAULT_SETTINGS, ...(options.settings ?? {}) };
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));

  // An empty config file stops code-server from writing ~/.config/code-server/config.yaml; the XDG_*
  // variables keep its logs out of $HOME. VS Code leaves IPC sockets in TMPDIR/XDG_RUNTIME_DIR: give it
  // a private, short-named dir (unix socket paths must stay under 108 bytes) that stop() deletes.
  const configFile = path.join(workDir, 'code-server.yaml');
  fs.writeFileSync(configFile, '');
  const runtimeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vsc-rt-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TMPDIR: runtimeDir,
    XDG_RUNTIME_DIR: runtimeDir,
    XDG_CONFIG_HOME: path.join(xdg, 'config'),
    XDG_DATA_HOME: path.join(xdg, 'data'),
    XDG_CACHE_HOME: path.join(xdg, 'cache'),
    ...(options.env ?? {}),
  };
  // These override CLI flags; the VITEST* ones would make child node processes think they are tests.
  for (const k of Object.keys(env)) if (/^(PASSWORD|HASHED_PASSWORD|PORT|VITEST.*|TEST|NODE_ENV)$/.test(k)) delete env[k];
  const common = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  for (const ext of options.linkExtensions ?? []) {
    const pkg = JSON.parse(fs.readFileSync(path.join(ext, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
    const link = path.join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`.toLowerCase());
    fs.rmSync(link, { force: true, recursive: true });
    fs.symlinkSync(path.resolve(ext), link, 'dir');
  }
  const installOutput: string[] = [];
  for (const vsix of options.vsix ?? []) {
    const r = spawnSync(bin, [...common, '--force', '--install-extension', path.resolve(vsix)], { env, encoding: 'utf8' });
    installOutput.push(`${r.stdout}${r.stderr}`);
    if (r.status !== 0) throw new Error(`--install-extension ${vsix} failed (status ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }

  const port = options.port ?? (await freePort());
  const logFile = path.join(workDir, 'code-server.log');
  const logFd = fs.openSync(logFile, 'w');
  const args = [
    ...common,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  // detached => own process group, so stop() can signal the whole tree.
  const child = spawn(bin, args, { env, stdio: ['ignore', logFd, logFd], detached: true });
  fs.closeSync(logFd);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });

  const url = `http://127.0.0.1:${port}/`;
  const log = (): string => {
    try {
      return fs.readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };

  // SIGTERM to the process group, then SIGKILL whatever is left after 10 s (extension hosts, pty host,
  // shells, trials). A workDir created here is deleted unless keepWorkDir is set.
  const stop = async ({ keepWorkDir = !ownWorkDir }: { keepWorkDir?: boolean } = {}): Promise<void> => {
    const pid = child.pid;
    if (pid) {
      const tree = [pid, ...descendants(pid)]; // snapshot: children get re-parented once pid exits
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        /* group gone */
      }
      for (let i = 0; i < 100 && tree.some(alive); i++) await sleep(100);
      for (const p of tree.filter(alive)) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    fs.rmSync(runtimeDir, { recursive: true, force: true });
    if (!keepWorkDir) fs.rmSync(workDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  for (;;) {
    if (exited) throw new Error(`code-server exited early (${JSON.stringify(exited)}):\n${log()}`);
    try {
      const res = await fetch(new URL('healthz', url));
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not start:\n${log()}`);
    }
    await sleep(100);
  }

  // Dev extensions travel in the workbench URL's "payload" (-> extensionDevelopmentPath).
  const query = new URLSearchParams({ folder });
  if (options.extensionDevelopmentPath) {
    const payload = [['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${path.resolve(options.extensionDevelopmentPath)}`]];
    query.set('payload', JSON.stringify(payload));
  }
  const workbenchUrl = `${url}?${query}`;
  return { url, workbenchUrl, port, pid: child.pid ?? 0, workDir, userDataDir, extensionsDir, folder, logFile, installOutput, log, stop };
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Launch the system Chromium headless with a fresh profile. */
export async function launchBrowser(options: { executablePath?: string; headless?: boolean; timeoutMs?: number } = {}): Promise<Browser> {
  const executablePath = options.executablePath ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'vscode-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: options.headless ?? true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage',
    ],
    permissions: ['clipboard-read', 'clipboard-write'],
    // Chromium writes "Crash Reports" under $XDG_CONFIG_HOME even with a custom profile dir.
    env: { ...process.env, XDG_CONFIG_HOME: path.join(profile, 'xdg-config'), XDG_CACHE_HOME: path.join(profile, 'xdg-cache') } as Record<string, string>,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(options.timeoutMs ?? 30_000);
  const close = async (): Promise<void> => {
    await context.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  };
  return { context, page, close };
}

/**
 * Open the workbench and wait for the UI. Extensions register a few seconds later: pass `ready` (a
 * selector or Locator for something the extension contributes, e.g. its activity-bar icon).
 */
export async function openWorkbench(page: Page, workbenchUrl: string, { timeoutMs = 90_000, ready }: { timeoutMs?: number; ready?: string | Locator } = {}): Promise<void> {
  await page.goto(workbenchUrl);
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: timeoutMs });
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: timeoutMs });
  if (ready) await (typeof ready === 'string' ? page.locator(ready) : ready).first().waitFor({ timeout: timeoutMs });
}

const activityBarLink = (title: string): string => `a.action-label[aria-label^="${title.replace(/"/g, '\\"')}"]`;
/** Selector for an activity-bar (view container) icon by its title. */
export const activityBarItem = (title: string): string => `.part.activitybar ${activityBarLink(title)}`;

/** Close any open quick input (palette) without touching editors. */
export async function closeQuickInput(page: Page): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  if (await widget.isVisible().catch(() => false)) {
    await page.keyboard.press('Escape');
    await widget.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
  }
}

const paletteInput = (page: Page): Locator => page.locator('.quick-input-widget .quick-input-box input');
const paletteRows = (page: Page): Locator => page.locator('.quick-input-widget .quick-input-list .monaco-list-row');

/** Open the command palette (retrying: the first key press may land before the workbench listens). */
export async function openPalette(page: Page, prefix = '>'): Promise<Locator> {
  const input = paletteInput(page);
  for (let attempt = 0; ; attempt++) {
    await closeQuickInput(page);
    await page.keyboard.press(attempt % 2 === 0 ? 'F1' : 'Control+Shift+P');
    try {
      await input.waitFor({ state: 'visible', timeout: 3000 });
      await input.fill(prefix);
      return input;
    } catch (e) {
      if (attempt >= 5) throw e;
    }
  }
}

/**
 * Run a command through the palette by its full title ("Rung: Start Study"), clicking the exact row (never
 * a "recently used" one). The palette computes its list when it opens, so a command registered a moment
 * later is missing until it is reopened: retry until `timeoutMs`.
 */
export async function runCommand(page: Page, title: string, { timeoutMs = 30_000, waitClosed = false }: { timeoutMs?: number; waitClosed?: boolean } = {}): Promise<void> {
  const input = paletteInput(page);
  const row = paletteRows(page).filter({ has: page.locator('.quick-input-list-label .label-name', { hasText: exactly(title) }) }).first();
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    await closeQuickInput(page);
    await page.keyboard.press(attempt % 2 === 0 ? 'F1' : 'Control+Shift+P');
    try {
      await input.waitFor({ state: 'visible', timeout: 3000 });
      // Short: something taking focus (a terminal a click just opened) closes the palette; reopen it then.
      await input.fill(`>${title}`, { timeout: 3000 });
      await row.waitFor({ state: 'visible', timeout: 2000 });
      // Short as well: the palette may close between finding the row and clicking it (a terminal taking focus
      // as it opens); a click that times out clicked nothing, so reopening cannot run the command twice.
      await row.click({ timeout: 3000 });
      break;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`command "${title}" not found in the palette: ${(e as Error).message}`);
      debug(`palette attempt ${attempt + 1} for "${title}" failed, reopening`);
    }
  }
  // A command may open its own quick pick right away (same widget): only wait for it to close on request.
  if (waitClosed) await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
}

/** Labels of the palette rows for `filter` (the list is virtualised: use a narrow filter). */
export async function paletteLabels(page: Page, filter: string): Promise<string[]> {
  const input = await openPalette(page);
  await input.fill(`>${filter}`);
  await sleep(300);
  await paletteRows(page).first().waitFor({ timeout: 5000 }).catch(() => {});
  const labels = await page.locator('.quick-input-widget .quick-input-list .monaco-list-row .quick-input-list-label .label-name').allInnerTexts();
  await closeQuickInput(page);
  return labels.map((l) => l.trim());
}

/** Rows of the open quick pick (an extension's showQuickPick), as label texts. */
export async function quickPickLabels(page: Page, { timeoutMs = 15_000 }: { timeoutMs?: number } = {}): Promise<string[]> {
  await paletteRows(page).first().waitFor({ timeout: timeoutMs });
  return (await paletteRows(page).locator('.quick-input-list-label .label-name').allInnerTexts()).map((l) => l.trim());
}

/** Click the quick-pick row whose label matches `label` (string: substring; RegExp: pattern). */
export async function pickQuickPickItem(page: Page, label: string | RegExp, { timeoutMs = 15_000 }: { timeoutMs?: number } = {}): Promise<void> {
  const row = paletteRows(page).filter({ has: page.locator('.quick-input-list-label .label-name', { hasText: label }) }).first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  await row.click();
}

/**
 * Show a view container of the activity bar (no-op if it is already showing). Clicking a checked item
 * hides the side bar, and an extension may reveal its view at the same moment: so check, click, re-check.
 */
export async function openViewContainer(page: Page, title: string, { timeoutMs = 15_000 }: { timeoutMs?: number } = {}): Promise<void> {
  const item = page.locator('.part.activitybar .action-item').filter({ has: page.locator(activityBarLink(title)) }).first();
  await item.waitFor({ timeout: timeoutMs });
  const showing = async (): Promise<boolean> =>
    ((await item.getAttribute('class')) ?? '').split(/\s+/).includes('checked') && (await page.locator('.part.sidebar').isVisible());
  const deadline = Date.now() + timeoutMs;
  while (!(await showing())) {
    if (Date.now() > deadline) throw new Error(`view container "${title}" did not show`);
    await item.locator('a.action-label').click();
    await sleep(500);
  }
}

/** Row of a tree/list item in the side bar whose label is exactly `label` (or matches a RegExp). */
export function treeItem(page: Page, label: string | RegExp): Locator {
  return page.locator('.part.sidebar .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: typeof label === 'string' ? exactly(label) : label }) }).first();
}

/**
 * Expand a collapsible tree row (no-op when expanded). Clicks the twistie and checks aria-expanded, again
 * if a refresh of the tree re-rendered the row in between.
 */
export async function expandTreeItem(row: Locator, { timeoutMs = 15_000 }: { timeoutMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await row.getAttribute('aria-expanded')) !== 'true') {
    if (Date.now() > deadline) throw new Error(`tree row did not expand: ${await row.innerText().catch(() => '?')}`);
    await row.locator('.monaco-tl-twistie').click();
    await sleep(300);
  }
}

/**
 * Right-click `target` and choose the context-menu entry `label`. The menu ignores a click that comes
 * right after it opened (it guards against the release of the opening right-click), so wait a moment and
 * click again while the menu stays open. `beforeClick` runs with the menu showing (e.g. a screenshot).
 */
export async function chooseContextMenuItem(page: Page, target: Locator, label: string, { beforeClick }: { beforeClick?: () => Promise<unknown> } = {}): Promise<void> {
  await target.click({ button: 'right' });
  const menu = page.locator('.monaco-menu').first();
  const item = menu.locator('.action-item').filter({ hasText: exactly(label) }).first();
  await item.waitFor({ timeout: 10_000 });
  await sleep(300);
  await beforeClick?.();
  for (let attempt = 0; attempt < 5; attempt++) {
    if (!(await item.isVisible().catch(() => false))) {
      // The menu closed before the entry was clicked (a live tree re-rendered the row under it): open it again,
      // or the command would silently never run.
      await target.click({ button: 'right' });
      await item.waitFor({ timeout: 10_000 });
    }
    const clicked = await item.click({ timeout: 2000 }).then(
      () => true,
      () => false,
    );
    await menu.waitFor({ state: 'hidden', timeout: 2000 }).catch(() => {});
    if (clicked && !(await item.isVisible().catch(() => false))) return;
  }
  throw new Error(`context-menu entry "${label}" could not be clicked`);
}

/** FrameLocator for the content of the webview panel whose editor tab is titled `title`. */
export async function webviewFrame(page: Page, title: string, { timeoutMs = 20_000 }: { timeoutMs?: number } = {}): Promise<FrameLocator> {
  const tab = page.locator('.part.editor .tabs-container .tab').filter({ has: page.locator('.label-name', { hasText: exactly(title) }) }).first();
  await tab.waitFor({ timeout: timeoutMs });
  if (!((await tab.getAttribute('class')) ?? '').split(/\s+/).includes('active')) await tab.click();
  const group = tab.locator('xpath=ancestor::div[contains(concat(" ", normalize-space(@class), " "), " editor-group-container ")][1]');
  const host = group.locator('[id^="webview-editor-element-"]').first();
  await host.waitFor({ state: 'attached', timeout: timeoutMs });
  const id = await host.getAttribute('id');
  const outer = page.locator(`[data-parent-flow-to-element-id="${id}"] iframe.webview.ready`).locator('visible=true').first();
  await outer.waitFor({ timeout: timeoutMs });
  const inner = outer.contentFrame().locator('iframe#active-frame');
  await inner.waitFor({ state: 'attached', timeout: timeoutMs });
  return inner.contentFrame();
}

/** Visible text of the active integrated terminal, read from xterm's DOM renderer (viewport rows only). */
export async function terminalText(page: Page): Promise<string> {
  const res = await page.evaluate(() => {
    const wrappers = [...document.querySelectorAll<HTMLElement>('.part.panel .terminal-wrapper')];
    const active = wrappers.find((w) => w.classList.contains('active') && w.offsetParent) ?? wrappers.find((w) => w.offsetParent);
    if (!active) return { text: '', state: 'no-terminal' };
    if (active.querySelector('.xterm-screen canvas:not(.xterm-link-layer)')) return { text: '', state: 'canvas' };
    const rows = active.querySelector('.xterm-rows');
    if (!rows) return { text: '', state: 'empty' };
    const text = [...rows.children].map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()).join('\n').replace(/\n+$/, '');
    return { text, state: 'dom' };
  });
  if (res.state === 'canvas') throw new Error('terminal is drawn on a canvas: set "terminal.integrated.gpuAcceleration": "off"');
  return res.text;
}

/** Poll the active terminal until `pattern` appears; returns the text. */
export async function waitForTerminalText(page: Page, pattern: string | RegExp, { timeoutMs = 20_000 }: { timeoutMs?: number } = {}): Promise<string> {
  const re = typeof pattern === 'string' ? new RegExp(escapeRe(pattern)) : pattern;
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = await terminalText(page);
    if (re.test(text)) return text;
    await sleep(200);
  }
  throw new Error(`terminal never showed ${re}; last text:\n${text}`);
}

/**
 * Names of the open terminals: the tabs list when it shows (2+ terminals), else the single terminal's
 * name in the panel's title/dropdown. Read from aria labels and visible text, whichever exists.
 */
export async function terminalNames(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const names = new Set<string>();
    for (const el of document.querySelectorAll<HTMLElement>('.part.panel .terminal-tabs-entry .label-name, .part.panel .tabs-list .monaco-list-row .label-name')) {
      const t = (el.textContent ?? '').trim();
      if (t) names.add(t);
    }
    for (const el of document.querySelectorAll<HTMLElement>('.part.panel .single-terminal-tab, .part.panel .monaco-select-box, .part.panel .terminal-tab')) {
      const t = (el.textContent ?? '').trim();
      if (t) names.add(t);
    }
    for (const el of document.querySelectorAll<HTMLElement>('.part.panel .terminal-wrapper .xterm-helper-textarea, .part.panel .terminal-wrapper [aria-label]')) {
      const t = el.getAttribute('aria-label') ?? '';
      if (t) names.add(t.trim());
    }
    return [...names];
  });
}

/** Whole buffer (scrollback included) of the focused terminal, through Select All + copy + clipboard. */
export async function terminalBufferText(page: Page): Promise<string> {
  await page.evaluate(() => navigator.clipboard.writeText(''));
  await runCommand(page, 'Terminal: Select All', { waitClosed: true });
  await page.keyboard.press('Control+Shift+C');
  const deadline = Date.now() + 5000;
  let text = '';
  while (!text && Date.now() < deadline) {
    text = await page.evaluate(() => navigator.clipboard.readText());
    if (!text) await sleep(100);
  }
  return text;
}

/** Wait for a notification toast containing `text`. */
export async function waitForNotification(page: Page, text: string | RegExp, { timeoutMs = 15_000 }: { timeoutMs?: number } = {}): Promise<Locator> {
  const toast = page.locator('.notifications-toasts .notification-list-item').filter({ hasText: text }).first();
  await toast.waitFor({ timeout: timeoutMs });
  return toast;
}

/** Texts of the rows of the Problems panel (open it first with "View: Focus Problems"/"Problems: Focus..."). */
export async function problemsRows(page: Page): Promise<string[]> {
  return (await page.locator('.part.panel .markers-panel .monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

/** PNG screenshot of the whole page; creates the directory. Returns the path. */
export async function screenshot(page: Page, file: string): Promise<string> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file });
  return file;
}

/** Tails of code-server's log and the extension-host logs (activation errors, console output). */
export function collectLogs(server: CodeServer, maxChars = 4000): string {
  const parts: [string, string][] = [['code-server.log', server.logFile]];
  const logsRoot = path.join(server.userDataDir, 'logs');
  try {
    for (const f of fs.readdirSync(logsRoot, { recursive: true }) as string[]) {
      if (/(remoteagent|remoteexthost|exthost)\.log$/.test(f) || /Rung\.log$/i.test(f)) parts.push([f, path.join(logsRoot, f)]);
    }
  } catch {
    /* no logs yet */
  }
  return parts
    .map(([name, file]) => {
      let text = '';
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch {
        /* unreadable */
      }
      return `----- ${name} -----\n${text.slice(-maxChars)}`;
    })
    .join('\n');
}

/** The remote extension host's log (activation lines: "ExtensionService#_doActivateExtension <id>, ..."). */
export function extensionHostLog(server: CodeServer): string {
  const logsRoot = path.join(server.userDataDir, 'logs');
  let out = '';
  try {
    for (const f of fs.readdirSync(logsRoot, { recursive: true }) as string[]) {
      if (/(remoteexthost|exthost)\.log$/.test(f)) out += fs.readFileSync(path.join(logsRoot, f), 'utf8');
    }
  } catch {
    /* no logs yet */
  }
  return out;
}

/** Lines of the code-server log that say an extension was rejected or failed. */
export function extensionProblems(server: CodeServer): string[] {
  return server.log().split('\n').filter((l) => /not compatible|Cannot activate|Activating extension .* failed|Error: Cannot find module/i.test(l));
}
