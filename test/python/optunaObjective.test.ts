/**
 * `python3 -m rung.optuna_objective SCRIPT FUNCTION`: an Optuna objective run as one Rung trial, by a real
 * interpreter. The scripts here do not import optuna (the runner must not need it): a stand-in `optuna` module with
 * a TrialPruned class is written beside the script where one is raised. Skipped only when no python3 exists at all.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createMetricParser } from '../../src/engine/metrics/createMetricParser';
import { findPython } from '../helpers/python';

const pythonDir = fileURLToPath(new URL('../../python', import.meta.url));
const python = findPython();

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Writes the files into a fresh folder and runs the runner on `args[0]` (a file of it) with RUNG_PARAMS = params. */
function runObjective(files: Record<string, string>, args: string[], params: Record<string, unknown>, env: Record<string, string> = {}): Run {
  const dir = mkdtempSync(path.join(tmpdir(), 'rung-optuna-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RUNG_')));
  const [script, ...rest] = args;
  const result = spawnSync(python ?? 'python3', ['-m', 'rung.optuna_objective', ...(script !== undefined ? [path.join(dir, script)] : []), ...rest], {
    encoding: 'utf8',
    // Another folder than the script's: the script's own modules must still import, as with `python dir/script.py`.
    cwd: tmpdir(),
    env: { ...base, PYTHONPATH: pythonDir, RUNG_PARAMS: JSON.stringify(params), RUNG_TRIAL_ID: '7', ...env },
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The report lines as Rung's parser reads them: [step, values]. */
function reports(stdout: string): [number | undefined, Record<string, number>][] {
  const parser = createMetricParser({ kind: 'auto' });
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('@@rung'))
    .map((line) => {
      const r = parser.parse(line);
      const { step: _step, ...values } = r?.values ?? {};
      return [r?.step, values];
    });
}

const SUGGESTS = `
import json
from helper_mod import scale

def objective(trial):
    a = trial.suggest_float("a", 0.0, 1.0)
    b = trial.suggest_float("b", 1e-5, 1.0, log=True)
    c = trial.suggest_float("c", 0.0, 1.0, step=0.25)
    n = trial.suggest_int("n", 1, 9)
    m = trial.suggest_int("m", 2, 64, log=True)
    s = trial.suggest_int("s", 0, 10, 2)
    k = trial.suggest_categorical("k", ["x", "y"])
    one = trial.suggest_categorical("one", [1.0, 1, True])
    u = trial.suggest_uniform("u", 0, 1)
    lu = trial.suggest_loguniform("lu", 1e-3, 1)
    du = trial.suggest_discrete_uniform("du", 0, 1, 0.5)
    trial.set_user_attr("note", "hi")
    print("SEEN", json.dumps({"a": a, "b": b, "c": c, "n": n, "m": m, "s": s, "k": k, "one": repr(one), "u": u, "lu": lu, "du": du,
        "number": trial.number, "params": sorted(trial.params), "attrs": trial.user_attrs, "prune": trial.should_prune(),
        "dist": trial.distributions["m"], "types": [type(v).__name__ for v in (a, n, m, s)]}))
    return scale(a + n)

if __name__ == "__main__":
    raise SystemExit("the main block must not run")
`;

const VALUES = { a: 0.5, b: 0.01, c: 0.25, n: 3, m: 8, s: 4, k: 'y', one: 1, u: 0.1, lu: 0.01, du: 0.5 };

describe.skipIf(python === undefined)('rung.optuna_objective', () => {
  it('answers every suggest form from RUNG_PARAMS, skips the main block, imports beside the script, reports the returned value', () => {
    const out = runObjective({ 'obj.py': SUGGESTS, 'helper_mod.py': 'def scale(v):\n    return v * 2\n' }, ['obj.py', 'objective'], VALUES);
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    const seen = JSON.parse(/^SEEN (.*)$/m.exec(out.stdout)?.[1] ?? '{}') as Record<string, unknown>;
    expect(seen).toMatchObject({ a: 0.5, b: 0.01, c: 0.25, n: 3, m: 8, s: 4, k: 'y', u: 0.1, lu: 0.01, du: 0.5, number: 7, prune: false });
    // Optuna returns the element of choices: 1 (the int) is not 1.0 or True.
    expect(seen['one']).toBe('1');
    expect(seen['types']).toEqual(['float', 'int', 'int', 'int']);
    expect(seen['params']).toEqual(['a', 'b', 'c', 'du', 'k', 'lu', 'm', 'n', 'one', 's', 'u']);
    expect(seen['attrs']).toEqual({ note: 'hi' });
    expect(seen['dist']).toMatchObject({ kind: 'int', low: 2, high: 64, log: true });
    expect(reports(out.stdout)).toEqual([[undefined, { value: 7 }]]);
  });

  it('trial.report(v, step) prints a report at that step; the returned value comes at the last step, under --metric', () => {
    const script = 'def objective(trial):\n    x = trial.suggest_float("x", 0, 1)\n    for step in range(3):\n        trial.report(x * step, step)\n        if trial.should_prune():\n            raise RuntimeError("never")\n    return 0.75\n';
    const out = runObjective({ 's.py': script }, ['s.py', 'objective', '--metric', 'accuracy'], { x: 0.5 });
    expect(out.status, out.stderr).toBe(0);
    expect(reports(out.stdout)).toEqual([
      // Optuna's steps count from 0, Rung's the steps done: range(3) reports at 1, 2, 3.
      [1, { accuracy: 0 }],
      [2, { accuracy: 0.5 }],
      [3, { accuracy: 1 }],
      [3, { accuracy: 0.75 }],
    ]);
  });

  it('the script is a module named after it, so worker processes (multiprocessing spawn) import what they are sent from it', () => {
    const script = [
      'import multiprocessing',
      '',
      'def square(v):',
      '    return v * v',
      '',
      'def objective(trial):',
      '    with multiprocessing.get_context("spawn").Pool(1) as pool:',
      '        squares = pool.map(square, [trial.suggest_int("n", 1, 5)])',
      '    print("NAME", __name__)',
      '    return squares[0]',
      '',
      'if __name__ == "__main__":',
      '    raise SystemExit("the main block must not run")',
    ].join('\n');
    const out = runObjective({ 'train_mp.py': script }, ['train_mp.py', 'objective'], { n: 3 });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/^NAME train_mp$/m);
    expect(reports(out.stdout)).toEqual([[undefined, { value: 9 }]]);
    // A script named like a module already loaded (json) gets another name; it still runs.
    const clash = runObjective({ 'json.py': 'def objective(trial):\n    print("NAME", __name__)\n    return 1\n' }, ['json.py', 'objective'], {});
    expect(clash.status, clash.stderr).toBe(0);
    expect(clash.stdout).toMatch(/^NAME __rung_objective__$/m);
  });

  it('a parameter Rung did not send is an error naming it and the ones sent', () => {
    const out = runObjective({ 's.py': SUGGESTS, 'helper_mod.py': 'def scale(v):\n    return v\n' }, ['s.py', 'objective'], { a: 0.5, b: 0.1 });
    expect(out.status).toBe(1);
    expect(out.stderr).toContain("the objective suggests float 'c', but Rung did not send it: the study file's parameters lack 'c'");
    expect(out.stderr).toContain('Parameters sent: a, b');
    expect(out.stderr).not.toContain('Traceback');
  });

  it('optuna.TrialPruned (found by name: optuna need not be installed) ends the trial with exit 0 after its reports', () => {
    const script = 'import optuna\n\ndef objective(trial):\n    trial.report(0.9, 0)\n    trial.report(0.8, 1)\n    raise optuna.TrialPruned()\n';
    const standIn = 'class TrialPruned(Exception):\n    pass\n';
    const out = runObjective({ 's.py': script, 'optuna.py': standIn }, ['s.py', 'objective'], {});
    expect(out.status).toBe(0);
    expect(reports(out.stdout)).toEqual([
      [1, { value: 0.9 }],
      [2, { value: 0.8 }],
    ]);
    expect(out.stderr).toContain('TrialPruned');
  });

  it('a tuple (multi-objective), None or a string return is a clear error; another exception is a traceback', () => {
    const cases: [string, RegExp][] = [
      ['return 0.1, 0.2', /returned 2 values \(a multi-objective study\); Rung tunes one metric/],
      ['return None', /returned None; it must return the number to optimize/],
      ['return "abc"', /returned 'abc', not a number/],
    ];
    for (const [line, message] of cases) {
      const out = runObjective({ 's.py': `def objective(trial):\n    ${line}\n` }, ['s.py', 'objective'], {});
      expect(out.status, line).toBe(1);
      expect(out.stderr).toMatch(message);
      expect(out.stdout).toBe('');
    }
    const crash = runObjective({ 's.py': 'def objective(trial):\n    raise ValueError("boom")\n' }, ['s.py', 'objective'], {});
    expect(crash.status).toBe(1);
    expect(crash.stderr).toMatch(/Traceback[\s\S]*ValueError: boom/);
  });

  it('an expression (a lambda wrapper) is evaluated among the module names; unknown functions and usage are explained', () => {
    const script = 'DATA = [1, 2, 3]\n\ndef objective(trial, data):\n    return trial.suggest_int("n", 1, 5) * len(data)\n';
    const lambda = runObjective({ 's.py': script }, ['s.py', 'lambda trial: objective(trial, DATA)'], { n: 2 });
    expect(lambda.status, lambda.stderr).toBe(0);
    expect(reports(lambda.stdout)).toEqual([[undefined, { value: 6 }]]);
    const missing = runObjective({ 's.py': script }, ['s.py', 'objectiv'], {});
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/s\.py has no 'objectiv'; its functions and classes: objective$/m);
    const usage = runObjective({ 's.py': script }, ['s.py'], {});
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('usage: python3 -m rung.optuna_objective');
  });
});
