/**
 * The built CLI (`dist/cli.js`) in real child processes, as the CLI tests drive it: built first when missing
 * (a lone test file run before `npm run build`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './studyFixture';

export const cli = path.join(repoRoot, 'dist', 'cli.js');

export function ensureCliBuilt(): void {
  if (!existsSync(cli)) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `rung <args>` in `cwd`, to its end; `env` is added to this process's environment. */
export function rung(args: readonly string[], cwd: string, env: Readonly<Record<string, string>> = {}, timeoutMs = 120_000): CliResult {
  ensureCliBuilt();
  const result = spawnSync(process.execPath, [cli, ...args], { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: timeoutMs });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
