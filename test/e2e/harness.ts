/**
 * One VS Code session per test file: a temp workspace, code-server with Rung (from the repo, or from a
 * .vsix) plus the test-only probe extension, and a headless Chromium on the workbench. Screenshots go to
 * test/e2e/artifacts/<scenario>-NN-<step>.png; on failure the logs are attached to the error output.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { inject } from 'vitest';
import * as vsc from './driver/vscodeDriver';
import { artifactsDir, probeExtensionDir, repoRoot } from './paths';

export { vsc };

export interface ProbeReport {
  at: number;
  rung: { found: false } | { found: true; isActive: boolean; extensionPath: string; version: string };
  commands: string[];
  diagnostics: { path: string; items: { line: number; column: number; endLine: number; severity: string; message: string; source: string | null }[] }[];
  terminals: string[];
  activeTerminal: string | null;
}

export interface SessionOptions {
  /** Scenario name: prefixes the screenshots. */
  scenario: string;
  /** Files to write into the workspace (relative path -> content). */
  files?: Record<string, string>;
  /** Load Rung from an installed .vsix instead of the repo (extensionDevelopmentPath). */
  vsix?: string;
  settings?: Record<string, unknown>;
  /** Open the folder in Restricted Mode: Workspace Trust on, the folder not trusted, no trust prompt. */
  untrusted?: boolean;
}

export interface Session {
  page: Page;
  server: vsc.CodeServer;
  workspace: string;
  /** Full-page screenshot, numbered in order of the steps. */
  snap(step: string): Promise<string>;
  /** Run "E2E Probe: Snapshot" and return its report (fresh, written after the call). */
  probe(): Promise<ProbeReport>;
  /** Milliseconds since the session started, for the log. */
  elapsed(): string;
  close(failed: boolean): Promise<void>;
}

/** package.json of the repo (the extension manifest). */
export interface Manifest {
  name: string;
  publisher: string;
  version: string;
  activationEvents?: string[];
  contributes?: {
    commands?: { command: string; title: string; category?: string }[];
    viewsContainers?: { activitybar?: { id: string; title: string }[] };
    views?: Record<string, { id: string; name: string }[]>;
    menus?: Record<string, { command: string; when?: string }[]>;
  };
}

export function readManifest(): Manifest {
  return JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Manifest;
}

/** Title of Rung's activity-bar container (from package.json), or null while it is not contributed. */
export function rungContainerTitle(m: Manifest = readManifest()): string | null {
  return m.contributes?.viewsContainers?.activitybar?.find((c) => c.id === 'rung')?.title ?? null;
}

/** "Category: Title" of each contributed command, as the palette shows it. */
export function paletteTitle(c: { title: string; category?: string }): string {
  return c.category ? `${c.category}: ${c.title}` : c.title;
}

export async function startSession(opts: SessionOptions): Promise<Session> {
  const t0 = Date.now();
  const elapsed = (): string => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `rung-e2e-${opts.scenario}-`));
  const workspace = path.join(root, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  for (const [rel, content] of Object.entries(opts.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(workspace, rel)), { recursive: true });
    fs.writeFileSync(path.join(workspace, rel), content);
  }
  const probeFile = path.join(root, 'probe.json');
  fs.mkdirSync(artifactsDir, { recursive: true });
  for (const f of fs.readdirSync(artifactsDir)) if (f.startsWith(`${opts.scenario}-`)) fs.rmSync(path.join(artifactsDir, f), { force: true });

  const server = await vsc.startCodeServer({
    codeServerBin: inject('codeServerDir'),
    workDir: path.join(root, 'vscode'),
    folder: workspace,
    // The workbench URL's payload holds one extensionDevelopmentPath only (a second one replaces the
    // first), so the probe is linked into the extensions dir instead.
    extensionDevelopmentPath: opts.vsix ? undefined : repoRoot,
    linkExtensions: [probeExtensionDir],
    vsix: opts.vsix ? [opts.vsix] : [],
    settings: opts.untrusted
      ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'always', ...opts.settings }
      : opts.settings,
    workspaceTrust: opts.untrusted === true,
    env: { RUNG_E2E_PROBE_FILE: probeFile },
  });
  let browser: vsc.Browser | undefined;
  try {
    browser = await vsc.launchBrowser({ executablePath: inject('chromiumPath') });
    await vsc.openWorkbench(browser.page, server.workbenchUrl);
  } catch (e) {
    await browser?.close();
    await server.stop({ keepWorkDir: true });
    throw new Error(`${(e as Error).message}\n${vsc.collectLogs(server)}`);
  }
  const page = browser.page;
  let shot = 0;
  const session: Session = {
    page,
    server,
    workspace,
    elapsed,
    snap: (step) => vsc.screenshot(page, path.join(artifactsDir, `${opts.scenario}-${String(++shot).padStart(2, '0')}-${step}.png`)),
    async probe() {
      const before = Date.now();
      await vsc.runCommand(page, 'E2E Probe: Snapshot', { waitClosed: true });
      const deadline = Date.now() + 15_000;
      for (;;) {
        try {
          const report = JSON.parse(fs.readFileSync(probeFile, 'utf8')) as ProbeReport;
          if (report.at >= before) return report;
        } catch {
          /* not written yet */
        }
        if (Date.now() > deadline) throw new Error(`the probe wrote no report to ${probeFile}`);
        await vsc.sleep(100);
      }
    },
    async close(failed) {
      if (failed) {
        await vsc.screenshot(page, path.join(artifactsDir, `${opts.scenario}-FAIL.png`)).catch(() => {});
        const logs = vsc.collectLogs(server, 6000);
        fs.writeFileSync(path.join(artifactsDir, `${opts.scenario}-FAIL.log`), logs);
        console.error(`[${opts.scenario}] failed; logs:\n${logs}`);
      }
      await browser?.close();
      await server.stop({ keepWorkDir: true });
      if (!failed) fs.rmSync(root, { recursive: true, force: true });
      else console.error(`[${opts.scenario}] kept ${root}`);
    },
  };
  return session;
}

/**
 * The usual opening of a study scenario: waits for Rung's activity bar item, opens its view, runs
 * "Rung: Start Study" from the palette, picks `fileName` in the quick pick and waits for the study's row
 * (`studyName`) in the tree, which it returns.
 */
export async function startStudyFromPalette(s: Session, fileName: string, studyName: string): Promise<Locator> {
  const containerTitle = rungContainerTitle(readManifest()) ?? 'Rung';
  await s.page.locator(vsc.activityBarItem(containerTitle)).first().waitFor({ timeout: 60_000 });
  await vsc.openViewContainer(s.page, containerTitle);
  await vsc.runCommand(s.page, 'Rung: Start Study');
  await vsc.pickQuickPickItem(s.page, fileName);
  const studyRow = vsc.treeItem(s.page, studyName);
  await studyRow.waitFor({ timeout: 30_000 });
  return studyRow;
}

/** Poll `fn` until it returns a truthy value or the time runs out (then throws with `what`). */
export async function until<T>(what: string, fn: () => Promise<T> | T, { timeoutMs = 30_000, intervalMs = 250 }: { timeoutMs?: number; intervalMs?: number } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await vsc.sleep(intervalMs);
  }
}
