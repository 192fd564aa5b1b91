/**
 * (e) `npm run package` builds a .vsix that holds only what the extension runs, code-server's
 * `--install-extension` installs it, and the installed copy activates on a Rung command (not before).
 */
import { execFileSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { commandIds } from '../../src/extension/commands/ids';
import { readManifest, startSession, until, vsc, type Session } from './harness';
import { artifactsDir, repoRoot } from './paths';
import { zipEntryNames } from './zipList';

const manifest = readManifest();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rung-e2e-vsix-'));
const vsixPath = path.join(tmp, `${manifest.name}-${manifest.version}.vsix`);

/** Files under a folder of the repo whose names pass `keep`, as repo-relative paths (no __pycache__). */
function repoFiles(rel: string, keep: (name: string) => boolean): string[] {
  const dir = path.join(repoRoot, rel);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return e.name === '__pycache__' ? [] : repoFiles(`${rel}/${e.name}`, keep);
    return keep(e.name) ? [`${rel}/${e.name}`] : [];
  });
}
/** python/**\/*.py: the Python helper and whatever ships with it. */
const pythonFiles = (): string[] => repoFiles('python', (n) => n.endsWith('.py'));
/** media/**: the icons package.json points at. */
const mediaFiles = (): string[] => repoFiles('media', () => true);

describe('packaging: npm run package -> .vsix -> code-server --install-extension', () => {
  let entries: string[] = [];

  beforeAll(() => {
    const t0 = Date.now();
    // `npm run package` rebuilds dist (production) and runs vsce; the e2e files run one at a time.
    execFileSync('npm', ['run', 'package', '--', '--out', vsixPath], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    console.log(`[packaging] npm run package: ${((Date.now() - t0) / 1000).toFixed(1)}s, ${(fs.statSync(vsixPath).size / 1024).toFixed(0)} KiB`);
    entries = zipEntryNames(vsixPath).sort();
    fs.mkdirSync(artifactsDir, { recursive: true });
    fs.writeFileSync(path.join(artifactsDir, 'packaging-vsix-files.txt'), `${entries.join('\n')}\n`);
  }, 180_000);

  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('contains only the bundles, the dashboard page, the schema, the Python helper, the icons, the manifest and the docs', () => {
    const expected = [
      '[Content_Types].xml',
      'extension.vsixmanifest',
      'extension/package.json',
      'extension/readme.md',
      'extension/changelog.md',
      'extension/LICENSE.txt',
      'extension/dist/extension.js',
      // The worker thread each study runs in (createStudyRunnerInWorker).
      'extension/dist/studyWorker.js',
      'extension/dist/cli.js',
      'extension/dist/rung-study.schema.json',
      // The dashboard page: what dashboardPanel.ts loads (no source maps).
      'extension/dist/webview/dashboard.js',
      'extension/dist/webview/dashboard.css',
      'extension/dist/webview/codicon.css',
      'extension/dist/webview/codicon.ttf',
      ...pythonFiles().map((p) => `extension/${p}`),
      ...mediaFiles().map((p) => `extension/${p}`),
    ].sort();
    expect(pythonFiles()).toContain('python/rung/__init__.py');
    expect(entries).toEqual(expected);
  });

  it('holds every file package.json points at (main, icons, schemas)', () => {
    const text = fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8');
    const referenced = new Set([...text.matchAll(/"(?:main|icon|url)"\s*:\s*"\.?\/?((?:dist|media|python)\/[^"]+)"/g)].map((m) => m[1] ?? ''));
    expect(referenced).toContain('dist/extension.js');
    for (const f of referenced) expect(entries, `${f} is referenced by package.json`).toContain(`extension/${f}`);
  });

  it('the bundled extension and its study worker need nothing but vscode and Node built-ins at run time (no node_modules ship)', () => {
    // The zip's dist/extension.js and dist/studyWorker.js are the ones just built into dist/ by `npm run package`.
    for (const bundle of ['extension.js', 'studyWorker.js']) {
      const code = fs.readFileSync(path.join(repoRoot, 'dist', bundle), 'utf8');
      const required = new Set([...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? ''));
      const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
      const foreign = [...required].filter((m) => m !== 'vscode' && !builtins.has(m) && !m.startsWith('./') && !m.startsWith('../'));
      expect(foreign, bundle).toEqual([]);
    }
  });

  describe('installed into code-server', () => {
    let s: Session;
    let failed = false;

    beforeAll(async () => {
      s = await startSession({ scenario: 'packaging', vsix: vsixPath, files: { 'README.md': '# empty workspace\n' } });
    }, 180_000);
    afterAll(async () => {
      await s?.close(failed);
    }, 60_000);

    it('installs with --install-extension into the extensions dir', () => {
      onTestFailed(() => {
        failed = true;
      });
      expect(s.server.installOutput.join('\n')).toMatch(/successfully installed/i);
      const dirName = `${manifest.publisher}.${manifest.name}-${manifest.version}`.toLowerCase();
      const installed = path.join(s.server.extensionsDir, dirName);
      expect(fs.existsSync(path.join(installed, 'package.json'))).toBe(true);
      expect(fs.existsSync(path.join(installed, 'dist', 'extension.js'))).toBe(true);
    });

    it('loads without activating, then activates on a Rung command', async () => {
      onTestFailed(() => {
        failed = true;
      });
      const before = await until('the probe to see the installed Rung extension', async () => {
        const r = await s.probe();
        return r.rung.found ? r : null;
      });
      expect(before.rung).toMatchObject({ found: true, isActive: false, version: manifest.version });
      if (before.rung.found) expect(before.rung.extensionPath.startsWith(s.server.extensionsDir)).toBe(true);
      expect(vsc.extensionProblems(s.server)).toEqual([]);
      await s.snap('installed');

      // Refresh Studies has no side effects; it is a contributed command, so running it activates Rung.
      const refresh = manifest.contributes?.commands?.find((c) => c.command === commandIds.refreshStudies);
      expect(refresh, `package.json contributes ${commandIds.refreshStudies}`).toBeDefined();
      await vsc.runCommand(s.page, `${refresh?.category ? `${refresh.category}: ` : ''}${refresh?.title}`);
      await vsc.closeQuickInput(s.page);
      const after = await until('Rung to be active after running a command', async () => {
        const r = await s.probe();
        return r.rung.found && r.rung.isActive ? r : null;
      });
      expect(after.commands).toEqual(expect.arrayContaining(Object.values(commandIds)));
      expect(vsc.extensionHostLog(s.server)).toMatch(/_doActivateExtension rung\.rung\b.*onCommand:rung\.refreshStudies/);
      await s.snap('activated');
    });
  });
});
