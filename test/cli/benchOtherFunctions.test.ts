/**
 * bench/gp_other_functions.py (`npm run bench:gp-other`, `bench:tpe-other`): a short run of each method against
 * the built dist/cli.js, Rung's side only (`--no-optuna`), so the benchmark script does not rot between the
 * runs whose figures the README quotes. Real `rung ask-tell` processes driven by the script. Skipped without
 * Debian's Python with numpy.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureCliBuilt } from '../helpers/cliProcess';
import { repoRoot } from '../helpers/studyFixture';

const python = '/usr/bin/python3';
const script = path.join(repoRoot, 'bench', 'gp_other_functions.py');
const hasNumpy = spawnSync(python, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;

beforeAll(ensureCliBuilt);

describe.skipIf(!hasNumpy)('bench/gp_other_functions.py', () => {
  it.each([
    ['gp', 'six_hump_camel,sumsqlog4', 12],
    ['tpe', 'ackley8,goldstein_price', 20],
  ])('runs Rung %s on %s and prints a row of finite median regrets per function', (method, functions, trials) => {
    const run = spawnSync(python, [script, '--cli', cli, '--method', String(method), '--seeds', '2', '--trials', String(trials), '--functions', String(functions), '--no-optuna', '--jobs', '1'], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.status, run.stderr).toBe(0);
    for (const name of String(functions).split(',')) {
      const row = run.stdout.split('\n').find((line) => line.startsWith(`| ${name} |`));
      const regret = Number(row?.split('|')[3]);
      expect(Number.isFinite(regret) && regret >= 0, `${name}: ${row}`).toBe(true);
    }
    expect(run.stdout).toContain(`Rung ${method} @${trials}`);
  });
});
