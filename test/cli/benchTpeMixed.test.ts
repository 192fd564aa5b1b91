/**
 * bench/tpe_mixed_problems.py (`npm run bench:tpe-mixed`): a short run of Rung's `tpe` and `auto` against the built
 * dist/cli.js on a few of its conditional / categorical / integer problems, Rung's side only, so the benchmark
 * script does not rot between the runs whose figures are quoted. Real `rung ask-tell` processes driven by the shared
 * harness's loop (../shared/bench/benchlib, which checks every proposed config against the space). Skipped without
 * Debian's Python or without the shared harness next to the repository.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureCliBuilt } from '../helpers/cliProcess';
import { repoRoot } from '../helpers/studyFixture';

const python = '/usr/bin/python3';
const script = path.join(repoRoot, 'bench', 'tpe_mixed_problems.py');
const benchDir = process.env['RUNG_SHARED_BENCH'] ?? path.join(repoRoot, '..', 'shared', 'bench');
const runnable = existsSync(python) && existsSync(path.join(benchDir, 'benchlib', 'harness.py'));

beforeAll(ensureCliBuilt);

describe.skipIf(!runnable)('bench/tpe_mixed_problems.py', () => {
  it('checks that every problem attains its stated optimum and nothing lower is found', () => {
    const run = spawnSync(python, [script, '--check', '--bench-dir', benchDir], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).not.toContain('MISMATCH');
  });

  it('runs Rung tpe and auto on three problems and prints a row of finite median regrets each, with no invalid config', () => {
    const problems = ['model_choice', 'noisy_train', 'small_discrete'];
    const run = spawnSync(
      python,
      [script, '--cli', cli, '--methods', 'tpe,auto', '--seeds', '1', '--trials', '15', '--problems', problems.join(','), '--jobs', '1', '--bench-dir', benchDir],
      { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    for (const name of problems) {
      const row = run.stdout.split('\n').find((line) => line.startsWith(`| ${name} |`));
      const cells = row?.split('|').slice(2, 4).map(Number) ?? [];
      expect(cells.length, `${name}: ${row}`).toBe(2);
      for (const regret of cells) expect(Number.isFinite(regret) && regret >= 0, `${name}: ${row}`).toBe(true);
    }
    expect(run.stdout).toContain('Rung tpe @15');
    expect(run.stdout).toContain('invalid configs proposed: 0');
  });
});
