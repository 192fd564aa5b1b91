/**
 * The bundled Python helper (`python/rung`), run by a real interpreter; its output is read back with the
 * TS parser, as the runner does. Skipped only when no python3 exists at all.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createMetricParser } from '../../src/engine/metrics/createMetricParser';
import type { MetricRecord } from '../../src/engine/metrics/metricParser';

const pythonDir = fileURLToPath(new URL('../../python', import.meta.url));

function findPython(): string | undefined {
  if (existsSync('/usr/bin/python3')) return '/usr/bin/python3';
  const probe = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? 'python3' : undefined;
}

const python = findPython();

interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `code` with the helper importable and only the given RUNG_* variables set. */
function runPython(code: string, env: Record<string, string> = {}): RunResult {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RUNG_')));
  const result = spawnSync(python ?? 'python3', ['-c', code], {
    encoding: 'utf8',
    cwd: tmpdir(),
    env: { ...base, PYTHONPATH: pythonDir, PYTHONIOENCODING: 'ascii', ...env },
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function parseLines(stdout: string): (MetricRecord | undefined)[] {
  const parser = createMetricParser({ kind: 'auto' });
  return stdout.split('\n').filter((line) => line !== '').map((line) => parser.parse(line));
}

describe.skipIf(python === undefined)('python helper (rung)', () => {
  it('report() lines read back as records, non-finite values included', () => {
    const out = runPython(
      [
        'from rung import report',
        'import decimal, fractions',
        'report(step=1, val_loss=0.214, acc=0.93)',
        'report(epoch=2, loss=float("nan"), up=float("inf"), down=-float("inf"))',
        'report(step=3, epoch=1, ok=True, n=2**70, d=decimal.Decimal("0.5"), f=fractions.Fraction(1, 4))',
        'report(**{"val/loss": 0.5, "caf\\u00e9": 1, "__proto__": 2})',
        'report(step=4.5, lr=1e-300, tiny=5e-324, neg=-0.0)',
      ].join('\n'),
    );
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(out.stdout.split('\n')[0]).toBe('@@rung {"step": 1, "val_loss": 0.214, "acc": 0.93}');
    const records = parseLines(out.stdout);
    expect(records).toHaveLength(5);
    expect(records[0]).toEqual({ values: { step: 1, val_loss: 0.214, acc: 0.93 }, step: 1 });
    expect(records[1]).toEqual({ values: { epoch: 2, loss: NaN, up: Infinity, down: -Infinity }, step: 2 });
    // the explicit step argument outranks an epoch metric
    expect(records[2]).toEqual({ values: { step: 3, epoch: 1, ok: 1, n: 2 ** 70, d: 0.5, f: 0.25 }, step: 3 });
    const odd = records[3]?.values ?? {};
    expect(odd['val/loss']).toBe(0.5);
    expect(odd['café']).toBe(1);
    expect(Object.hasOwn(odd, '__proto__')).toBe(true);
    expect(records[4]).toEqual({ values: { step: 4.5, lr: 1e-300, tiny: 5e-324, neg: -0 }, step: 4.5 });
  });

  it('accepts numpy scalars when numpy is installed', () => {
    const hasNumpy = runPython('import numpy').status === 0;
    if (!hasNumpy) return;
    const out = runPython(
      'import numpy as np\nfrom rung import report\nreport(step=np.int64(3), loss=np.float32(0.5), acc=np.float64(0.25), bad=np.float32("nan"))',
    );
    expect(out.stderr).toBe('');
    expect(parseLines(out.stdout)).toEqual([{ values: { step: 3, loss: 0.5, acc: 0.25, bad: NaN }, step: 3 }]);
  });

  it('rejects values that are not numbers, and empty reports', () => {
    const out = runPython(
      [
        'from rung import report',
        'for kwargs in ({"loss": "0.5"}, {"loss": [1]}, {"loss": None}, {"loss": 1j}, {}):',
        '    try:',
        '        report(**kwargs)',
        '        print("accepted", kwargs)',
        '    except (TypeError, ValueError) as e:',
        '        print(type(e).__name__)',
      ].join('\n'),
    );
    expect(out.stderr).toBe('');
    expect(out.stdout.trim().split('\n')).toEqual(['TypeError', 'TypeError', 'TypeError', 'TypeError', 'ValueError']);
  });

  it('reads the trial settings from the environment', () => {
    const code = 'import json, rung\nprint(json.dumps([rung.params(), rung.trial_id(), rung.trial_dir(), rung.budget(), rung.is_resume()]))';
    const inside = runPython(code, {
      RUNG_PARAMS: '{"lr": 0.01, "optimizer": "sgd", "hidden": 64}',
      RUNG_TRIAL_ID: 't-0007',
      RUNG_TRIAL_DIR: '/tmp/rung-trial-7',
      RUNG_BUDGET: '9',
      RUNG_RESUME: '1',
    });
    expect(inside.stderr).toBe('');
    expect(JSON.parse(inside.stdout)).toEqual([{ lr: 0.01, optimizer: 'sgd', hidden: 64 }, 't-0007', '/tmp/rung-trial-7', 9, true]);

    const outside = runPython(code);
    expect(outside.stderr).toBe('');
    const [params, trialId, trialDir, budget, resume] = JSON.parse(outside.stdout) as unknown[];
    expect([params, trialId, budget, resume]).toEqual([{}, null, null, false]);
    expect(typeof trialDir).toBe('string'); // the working directory

    const budgets = runPython(
      'import json, os, rung\nout = []\nfor b in ("9.0", "2.5", "", "x", "1e3"):\n    os.environ["RUNG_BUDGET"] = b\n    out.append(rung.budget())\nprint(json.dumps(out))',
    );
    expect(JSON.parse(budgets.stdout)).toEqual([9, 2.5, null, null, 1000]);
    expect(runPython('import rung; print(rung.is_resume())', { RUNG_RESUME: '0' }).stdout.trim()).toBe('False');
  });

  it('fails clearly on a RUNG_PARAMS that is not an object', () => {
    const out = runPython('import rung\nrung.params()', { RUNG_PARAMS: '[1, 2]' });
    expect(out.status).not.toBe(0);
    expect(out.stderr).toMatch(/ValueError: RUNG_PARAMS is not a JSON object/);
  });

  it('keeps the line printable on an ASCII-only console', () => {
    const out = runPython('from rung import report\nreport(**{"\\u00fcber": 1.0})');
    expect(out.stdout).toBe('@@rung {"\\u00fcber": 1.0}\n');
    expect(parseLines(out.stdout)).toEqual([{ values: { über: 1 } }]);
  });
});
