/**
 * The built CLI (`dist/cli.js`) in real child processes, as the CLI tests drive it: built first when missing
 * (a lone test file run before `npm run build`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fakeTrainer, repoRoot, waitFor } from './studyFixture';

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

/** Resolves once the event log of `study` under `store` holds two reports (a study under way with trials reporting). */
export async function twoTrialsReporting(store: string, study: string): Promise<void> {
  await waitFor(
    () => {
      try {
        const text = readFileSync(path.join(store, study, 'events.jsonl'), 'utf8');
        return (text.match(/"trial.reported"/g) ?? []).length >= 2;
      } catch {
        return false;
      }
    },
    15_000,
    'two trials reporting',
  );
}

/**
 * Writes `<dir>/<name>.rung.yaml`: 50 trials of the fake trainer, 20 epochs of 200 ms each, two at a time — a
 * study still under way when a test interrupts it. Returns the file's path.
 */
export function longStudyFile(dir: string, name: string): string {
  const file = path.join(dir, `${name}.rung.yaml`);
  writeFileSync(
    file,
    [
      `name: ${name}`,
      `command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(fakeTrainer)}, "--lr={lr}", "--epochs", "20", "--delay", "200"]`,
      'metric: val_loss',
      'parameters:',
      '  lr: {type: float, low: 0.001, high: 0.1, log: true}',
      'trials: 50',
      'parallel: 2',
    ].join('\n'),
  );
  return file;
}
