/**
 * Global setup of the e2e tier: installs code-server into .vscode-test/code-server (setup-code-server.sh,
 * idempotent: ~1 s when done, ~90 s cold; it apt-installs chromium, ripgrep and build deps when missing),
 * checks Chromium and the built extension. Any failure fails the tier with the reason; nothing is skipped.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { codeServerInstallDir, repoRoot } from './paths';

declare module 'vitest' {
  export interface ProvidedContext {
    codeServerDir: string;
    chromiumPath: string;
  }
}

export default function setup(project: TestProject): void {
  const t0 = Date.now();
  const script = path.join(repoRoot, 'test', 'e2e', 'setup-code-server.sh');
  const r = spawnSync('bash', [script, codeServerInstallDir], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 15 * 60_000 });
  if (r.status !== 0) {
    throw new Error(
      `e2e setup failed: ${script} ${codeServerInstallDir} exited with ${r.status ?? r.signal}` +
        ` (needs apt packages chromium, ripgrep and build tools: run as root or run .ci/run first)\n${r.stdout}\n${r.stderr}`,
    );
  }
  process.stdout.write(`[e2e setup] code-server ready in ${((Date.now() - t0) / 1000).toFixed(1)}s\n${r.stdout.trim().split('\n').slice(-2).join('\n')}\n`);

  const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  let chromiumVersion: string;
  try {
    chromiumVersion = execFileSync(chromiumPath, ['--version'], { encoding: 'utf8', timeout: 30_000 }).trim();
  } catch (e) {
    throw new Error(`e2e setup failed: Chromium at ${chromiumPath} does not run (apt-get install chromium, or set CHROMIUM_PATH): ${(e as Error).message}`);
  }
  process.stdout.write(`[e2e setup] ${chromiumVersion}\n`);

  for (const f of ['dist/extension.js', 'dist/studyWorker.js', 'dist/cli.js', 'dist/rung-study.schema.json']) {
    if (!fs.existsSync(path.join(repoRoot, f))) throw new Error(`e2e setup failed: ${f} is missing; run \`npm run build\` first`);
  }
  project.provide('codeServerDir', codeServerInstallDir);
  project.provide('chromiumPath', chromiumPath);
}
