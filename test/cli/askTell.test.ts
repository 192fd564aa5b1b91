/**
 * `rung ask-tell` as a harness runs it: the built dist/cli.js in a child process, requests on stdin, replies on
 * stdout, logs on stderr; and end to end under the shared benchmark harness (run_external.py, stdlib Python
 * only for synthetic problems), skipped when /usr/bin/python3 or the harness is not there.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../helpers/studyFixture';

const cli = path.join(repoRoot, 'dist', 'cli.js');
const python = '/usr/bin/python3';
const harness = path.resolve(process.env['RUNG_BENCH_HARNESS'] ?? path.join(repoRoot, '..', 'shared', 'bench'));
const haveHarness = existsSync(python) && existsSync(path.join(harness, 'run_external.py'));

beforeAll(() => {
  if (!existsSync(cli)) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
});

function askTell(args: readonly string[], requests: readonly object[] | string): { code: number; replies: Array<Record<string, unknown>>; stdout: string; stderr: string } {
  const input = typeof requests === 'string' ? requests : requests.map((r) => `${JSON.stringify(r)}\n`).join('');
  const result = spawnSync(process.execPath, [cli, 'ask-tell', ...args], { input, encoding: 'utf8', timeout: 60_000 });
  const lines = result.stdout.split('\n').filter((l) => l !== '');
  return { code: result.status ?? -1, replies: lines.map((l) => JSON.parse(l) as Record<string, unknown>), stdout: result.stdout, stderr: result.stderr };
}

const space = { params: [{ name: 'x', type: 'float', low: -5, high: 10 }, { name: 'y', type: 'float', low: 0, high: 15 }] };
const init = { op: 'init', protocol: 'hpo-jsonl/1', problem: { name: 'branin', kind: 'single', direction: 'minimize', space }, seed: 0, max_trials: 5, method: 'tpe', options: {} };

describe('rung ask-tell (process)', () => {
  it('writes one JSON reply per request on stdout and logs on stderr only', () => {
    const { code, replies, stderr } = askTell([], [init, { op: 'ask' }, { op: 'tell', trial: 0, state: 'complete', value: 3.2 }, { op: 'bogus' }, { op: 'shutdown' }]);
    expect(code).toBe(0);
    expect(replies).toHaveLength(5);
    expect(replies[0]).toMatchObject({ ok: true, engine: { name: 'rung', sampler: 'tpe' } });
    expect(replies[1]).toMatchObject({ trial: 0 });
    expect(replies[3]?.['error']).toContain('unknown op');
    expect(replies[4]).toEqual({ ok: true });
    expect(stderr).toContain('rung ask-tell: branin');
  });

  it('ends cleanly when stdin closes without shutdown', () => {
    const { code, replies } = askTell(['--sampler', 'random'], [init, { op: 'ask' }]);
    expect(code).toBe(0);
    expect(replies[0]).toMatchObject({ engine: { sampler: 'random' } });
    expect(replies).toHaveLength(2);
  });

  it('rejects unknown flags and names with exit code 2', () => {
    expect(askTell(['--sampler', 'bogus'], []).code).toBe(2);
    expect(askTell(['--scheduler', 'bogus'], []).code).toBe(2);
    expect(askTell(['--frobnicate'], []).code).toBe(2);
    expect(askTell(['--seed', '-1'], []).code).toBe(2);
  });

  it('takes the space from --space: protocol JSON or a study file with its sampler and seed', () => {
    const dir = tempDir('rung-asktell-');
    const json = path.join(dir, 'space.json');
    writeFileSync(json, JSON.stringify(space));
    const fromJson = askTell(['--space', json], [{ op: 'init' }, { op: 'ask' }]);
    expect(Object.keys((fromJson.replies[1]?.['params'] as object | undefined) ?? {})).toEqual(['x', 'y']);

    const yaml = path.join(dir, 'tune.rung.yaml');
    writeFileSync(
      yaml,
      ['name: tune', 'command: python train.py {args}', 'metric: {name: acc, goal: maximize}', 'parameters:', '  lr: {type: float, low: 1.0e-4, high: 0.1, log: true}', 'sampler: sobol', 'seed: 11', 'trials: 1'].join('\n'),
    );
    const fromYaml = askTell(['--space', yaml], [{ op: 'init' }, { op: 'ask' }, { op: 'ask' }]);
    expect(fromYaml.replies[0]).toMatchObject({ ok: true, engine: { sampler: 'sobol', seed: 11 } });
    expect(Object.keys((fromYaml.replies[1]?.['params'] as object | undefined) ?? {})).toEqual(['lr']);
    expect(fromYaml.replies[2]).toEqual({ done: true });
    expect(fromYaml.stderr).toContain('maximize');

    const missing = askTell(['--space', path.join(dir, 'nope.json')], []);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file');
  });
});

describe.skipIf(!haveHarness)('rung ask-tell under the shared harness (run_external.py)', () => {
  function runExternal(method: string, problem: string, kinds: string, out: string): void {
    const result = spawnSync(
      python,
      [path.join(harness, 'run_external.py'), `${process.execPath} ${cli} ask-tell`, '--label', 'rung', '--method', method, '--problems', problem, '--kinds', kinds, '--seeds', '1', '--jobs', '1', '--out', out, '--no-summary'],
      { encoding: 'utf8', timeout: 120_000, cwd: harness },
    );
    expect(result.status, result.stderr + result.stdout).toBe(0);
  }

  function resultOf(out: string, problem: string, method: string): { runs: Array<Record<string, unknown> & { final?: Record<string, unknown> }> } {
    return JSON.parse(readFileSync(path.join(out, `rung__${problem}__${method}.json`), 'utf8')) as { runs: Array<Record<string, unknown> & { final?: Record<string, unknown> }> };
  }

  it('runs TPE on branin: 100 valid trials, better than a coarse guess', () => {
    const out = tempDir('rung-bench-');
    runExternal('tpe', 'branin', 'single', out);
    const [run] = resultOf(out, 'branin', 'tpe').runs;
    expect(run?.['error']).toBeUndefined();
    expect(run?.final).toMatchObject({ n_trials: 100, n_invalid: 0 });
    expect(run?.final?.['regret']).toBeLessThan(0.5);
  });

  it('runs synchronous successive halving with pause/resume on lcsynth', () => {
    const out = tempDir('rung-bench-');
    runExternal('random_sha', 'lcsynth', 'multifidelity', out);
    const [run] = resultOf(out, 'lcsynth', 'random_sha').runs;
    expect(run?.['error']).toBeUndefined();
    const final = run?.final as { n_trials: number; n_invalid: number; states: Record<string, number>; total_steps: number; full_fidelity_steps: number };
    expect(final.n_trials).toBe(100);
    expect(final.n_invalid).toBe(0);
    expect(final.states['complete']).toBeGreaterThanOrEqual(1);
    expect(final.total_steps).toBeLessThan(final.full_fidelity_steps / 4);
  });
});
