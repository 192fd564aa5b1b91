/**
 * "Tune This Script" for Optuna objectives: the reader finds `def objective(trial): trial.suggest_*(...)` and the
 * study around it, and the proposal runs the objective unchanged with `python3 -m rung.optuna_objective`, with the
 * suggest calls' exact ranges, `when:` from the if/elif/else branches on a categorical, the study's direction and
 * n_trials, and ASHA for an objective that reports in a `for step in range(N)` loop.
 *
 * The last tests run proposals for real as Rung studies, with Optuna installed (Debian's python3-optuna): skipped,
 * saying so, when `import optuna` fails.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StudySpec } from '../../../src/engine/spec/studySpec';
import { inspectScript, parseInspectorOutput } from '../../../src/engine/tune/inspectScript';
import type { StudyProposal } from '../../../src/engine/tune/proposeStudy';
import { findPython } from '../../helpers/python';
import { checkedProposal, param } from '../../helpers/proposal';
import { repoRoot, startStudy, tempDir, writeSpec } from '../../helpers/studyFixture';

const python = findPython();
const readerPath = path.join(repoRoot, 'python', 'rung', 'inspect_script.py');
const fixtures = path.join(repoRoot, 'test/fixtures/scripts/propose/optuna');

async function propose(script: string): Promise<{ proposal: StudyProposal; spec: StudySpec }> {
  const inspection = await inspectScript(script, { python: python ?? 'python3', readerPath });
  return checkedProposal(inspection, path.basename(script), 'optuna-test', path.dirname(script));
}

/** A script with this text in a fresh folder. */
function script(text: string): string {
  const file = path.join(tempDir('rung-optuna-propose-'), 'objective.py');
  writeFileSync(file, text);
  return file;
}

/** The YAML line of a top-level key or a parameter, without its comment. */
function line(proposal: StudyProposal, start: string): string {
  const found = proposal.text.split('\n').find((l) => l.startsWith(start));
  if (found === undefined) throw new Error(`no line starting with ${start}:\n${proposal.text}`);
  return found.replace(/\s+#.*$/, '');
}

describe.skipIf(python === undefined)('proposals for Optuna objectives', () => {
  it('the scikit-learn example: a conditional classifier, exact ranges, direction maximize, n_trials, the returned name as the metric', async () => {
    const { proposal, spec } = await propose(path.join(fixtures, 'sklearn_objective.py'));
    expect(line(proposal, 'command:')).toBe('command: python3 -m rung.optuna_objective sklearn_objective.py objective --metric accuracy');
    expect(line(proposal, 'metric:')).toBe('metric: {name: accuracy, goal: maximize}');
    expect(line(proposal, '  classifier:')).toBe('  classifier:      {type: categorical, choices: [SVC, RandomForest]}');
    expect(line(proposal, '  svc_c:')).toBe('  svc_c:           {type: float, low: 1e-10, high: 10000000000, log: true, when: {classifier: SVC}}');
    expect(line(proposal, '  rf_max_depth:')).toBe('  rf_max_depth:    {type: int, low: 2, high: 32, log: true, when: {classifier: RandomForest}}');
    expect(line(proposal, '  rf_n_estimators:')).toBe('  rf_n_estimators: {type: int, low: 5, high: 20, step: 5, when: {classifier: RandomForest}}');
    expect(line(proposal, 'scheduler:')).toBe('scheduler: fifo');
    expect(line(proposal, 'trials:')).toBe('trials: 100');
    expect(spec.metric).toMatchObject({ name: 'accuracy', goal: 'maximize' });
    expect(param(spec, 'svc_c')).toMatchObject({ kind: 'float', low: 1e-10, high: 1e10, log: true, when: { classifier: ['SVC'] } });
    expect(param(spec, 'rf_n_estimators')).toMatchObject({ kind: 'int', low: 5, high: 20, step: 5 });
    expect(proposal.scheduler).toBe('fifo');
    expect(proposal.notes.join('\n')).toMatch(/Optuna objective: objective \(line 14, given to study\.optimize\(objective\)\)/);
    expect(proposal.notes.join('\n')).toMatch(/reports no intermediate values/);
  });

  it('report and should_prune in an epoch loop: ASHA up to the loop\'s length, in stopping mode; the default direction', async () => {
    const { proposal, spec } = await propose(path.join(fixtures, 'pruning_epochs.py'));
    expect(line(proposal, 'scheduler:')).toBe('scheduler: {type: asha, min_budget: 1, max_budget: 9}');
    expect(spec.scheduler).toMatchObject({ type: 'asha', maxBudget: 9, minBudget: 1 });
    expect(proposal.command).toBe('python3 -m rung.optuna_objective pruning_epochs.py objective --metric loss');
    expect(proposal.command).not.toContain('{budget}');
    expect(spec.metric).toMatchObject({ name: 'loss', goal: 'minimize' });
    expect(line(proposal, '  momentum:')).toBe('  momentum:  {type: float, low: 0, high: 0.99, when: {optimizer: sgd}}');
    expect(line(proposal, 'trials:')).toBe('trials: 20');
    const notes = proposal.notes.join('\n');
    expect(notes).toMatch(/loop of 9 steps, so the scheduler is ASHA up to step 9/);
    expect(notes).toMatch(/should_prune\(\) is always False under Rung/);
    expect(notes).toMatch(/\{budget\} is not passed/);
    expect(notes).toMatch(/No direction= in create_study, so the goal is Optuna's default, minimize/);
  });

  it('a lambda wrapper, elif chains with `in`, a helper given the trial, deprecated forms, a computed bound, names suggested in a loop', async () => {
    const { proposal, spec } = await propose(path.join(fixtures, 'lambda_study.py'));
    expect(proposal.command).toBe("python3 -m rung.optuna_objective lambda_study.py 'lambda trial: objective(trial, X, Y)'");
    expect(spec.metric.goal).toBe('maximize'); // direction=StudyDirection.MAXIMIZE
    expect(line(proposal, 'trials:')).toBe('trials: 30');
    expect(param(spec, 'momentum')).toMatchObject({ kind: 'float', low: 0, high: 0.9, step: 0.1, when: { optimizer: ['sgd'] } });
    expect(line(proposal, '  eps_scale:')).toMatch(/when: \{optimizer: \[adam, adamw\]\}\}$/);
    // Suggested in define_model(trial, kind), under the elif that calls it.
    expect(param(spec, 'n_layers')).toMatchObject({ kind: 'int', low: 1, high: 3, when: { optimizer: ['adam', 'adamw'] } });
    expect(param(spec, 'beta2')).toMatchObject({ kind: 'float', low: 0.9, high: 0.9999, log: true });
    // The else of `if == "sgd": elif in (adam, adamw)`: the one choice left.
    expect(param(spec, 'rho')).toMatchObject({ kind: 'float', low: 0.5, when: { optimizer: ['rmsprop'] } });
    // A bare truth test on a boolean categorical.
    expect(param(spec, 'bn_momentum')).toMatchObject({ when: { batch_norm: [true] } });
    const notes = proposal.notes.join('\n');
    expect(notes).toMatch(/rho \(line 28\): high=len\(x\) \* 0\.3 is computed by the script, not a literal: the range 0\.5 to 5 is a guess/);
    // f"n_units_l{i}" in `for i in range(n_layers)`: one parameter per possible i.
    for (const name of ['n_units_l0', 'n_units_l1', 'n_units_l2']) expect(param(spec, name)).toMatchObject({ kind: 'int', low: 4, high: 128, log: true, when: { optimizer: ['adam', 'adamw'] } });
    expect(spec.space.params.has('n_units_l3')).toBe(false);
    expect(notes).toMatch(/Line 14: f"n_units_l\{i\}" is suggested in a loop over range\(n_layers\), at most range\(3\): proposed as n_units_l0, n_units_l1, n_units_l2/);
    expect(notes).toMatch(/The runner is given lambda trial: objective\(trial, X, Y\)/);
  });

  it('a lambda over names made only in the main block, a class objective, no optimize, several directions: notes', async () => {
    const mainOnly = await propose(
      script(
        'import optuna\n\ndef objective(trial, data):\n    return trial.suggest_float("x", -1, 1) ** 2 + len(data)\n\nif __name__ == "__main__":\n    data = [1]\n    study = optuna.create_study(directions=["minimize", "maximize"])\n    study.optimize(lambda t: objective(t, data), n_trials=5)\n',
      ),
    );
    const notes = mainOnly.proposal.notes.join('\n');
    expect(notes).toMatch(/uses data, made only in the script's `if __name__ == "__main__":` block/);
    expect(notes).toMatch(/multi-objective \(directions=\[minimize, maximize\]\)/);
    expect(mainOnly.spec.metric.goal).toBe('minimize');

    const byClass = await propose(
      script(
        'import optuna\n\nclass Objective:\n    def __init__(self, n):\n        self.n = n\n\n    def __call__(self, trial):\n        return trial.suggest_float("x", 0, 1) * self.n\n\noptuna.create_study().optimize(Objective(3), n_trials=3)\n',
      ),
    );
    // An instance of a class with __call__: made per trial by a lambda the runner evaluates.
    expect(byClass.proposal.command).toBe("python3 -m rung.optuna_objective objective.py 'lambda trial: Objective(3)(trial)'");
    expect(param(byClass.spec, 'x')).toMatchObject({ kind: 'float', low: 0, high: 1 });
    expect(byClass.proposal.notes.join('\n')).toMatch(/study\.optimize\(\.\.\.\) \(line 10\) is at the module's top level, so it runs whenever the script is loaded/);

    const named = await propose(script('def objective(trial):\n    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)\n    return lr\n'));
    expect(named.proposal.command).toBe('python3 -m rung.optuna_objective objective.py objective');
    expect(named.spec.metric).toMatchObject({ name: 'value', goal: 'minimize' });
    expect(named.proposal.notes.join('\n')).toMatch(/named objective/);
  });

  it('conditions with !=, not in, and, or and nesting; a branch no choice takes; a parameter name Rung cannot have', async () => {
    const { proposal, spec } = await propose(
      script(
        [
          'def objective(trial):',
          '    model = trial.suggest_categorical("model", ["a", "b", "c"])',
          '    if model != "a":',
          '        act = trial.suggest_categorical("act", ["relu", "tanh"])',
          '        if act == "relu":',
          '            trial.suggest_float("slope", 0.0, 0.3)',
          '    if model not in ["a", "b"]:',
          '        trial.suggest_int("depth", 1, 4)',
          '    if model == "zzz":',
          '        trial.suggest_int("never", 1, 4)',
          '    trial.suggest_float("lr/head", 0.1, 1.0)',
          '    if model == "b" and act == "tanh":',
          '        trial.suggest_float("gain", 0.5, 2.0)',
          '    elif model == "a" or model == "b":',
          '        trial.suggest_float("warmup", 0.0, 0.1)',
          '    if trial.suggest_categorical("norm", [True, False]):',
          '        trial.suggest_float("norm_eps", 1e-6, 1e-3, log=True)',
          '    return 0.0',
        ].join('\n'),
      ),
    );
    expect(param(spec, 'act')).toMatchObject({ when: { model: ['b', 'c'] } });
    expect(param(spec, 'slope')).toMatchObject({ when: { model: ['b', 'c'], act: ['relu'] } });
    expect(param(spec, 'depth')).toMatchObject({ when: { model: ['c'] } });
    // `and` restricts the body by both tests; `or` on one parameter is either value; a suggest written in the test.
    expect(param(spec, 'gain')).toMatchObject({ when: { model: ['b'], act: ['tanh'] } });
    expect(param(spec, 'warmup')).toMatchObject({ when: { model: ['a', 'b'] } });
    expect(param(spec, 'norm_eps')).toMatchObject({ when: { norm: [true] } });
    expect(spec.space.params.has('never')).toBe(false);
    expect(spec.space.params.has('lr/head')).toBe(false);
    const notes = proposal.notes.join('\n');
    expect(notes).toMatch(/never \(line 10\) is suggested under a branch no choice of model takes: not proposed/);
    expect(notes).toMatch(/lr\/head \(line 11\) is no name a Rung parameter can have/);
  });

  it('a script without an Optuna objective is proposed as before; the reader\'s optuna object is read field by field', async () => {
    const plain = await inspectScript(script('import argparse\np = argparse.ArgumentParser()\np.add_argument("--lr", type=float, default=0.01)\np.parse_args()\n'), { python: python ?? 'python3', readerPath });
    expect(plain.optuna).toBeUndefined();
    // A helper that suggests, neither named objective nor given to optimize, is a library's, not an objective.
    const helper = await inspectScript(script('def suggest_space(trial, space):\n    return {n: trial.suggest_float(n, 0, 1) for n in space}\n'), { python: python ?? 'python3', readerPath });
    expect(helper.optuna).toBeUndefined();
    const base = { version: 1, script: 's.py', arguments: [], metrics: [], imports: [], warnings: [] };
    const odd = parseInspectorOutput(
      JSON.stringify({
        ...base,
        optuna: {
          function: 'objective', line: 2, how: 'optimize', direction: 'up', nTrials: -3, reports: { line: 4, steps: 'x' }, returned: 'a b',
          parameters: [{ name: 'x', type: 'float', low: 0, high: 1, when: { c: ['a', null] } }, { name: 'y', type: 'weird' }, 7],
        },
      }),
      's.py',
    );
    expect(odd.optuna).toEqual({
      function: 'objective', line: 2, how: 'optimize', reports: { line: 4, steps: null }, notes: [],
      parameters: [{ name: 'x', type: 'float', line: 0, low: 0, high: 1, when: { c: ['a'] } }],
    });
    expect(parseInspectorOutput(JSON.stringify({ ...base, optuna: { line: 3 } }), 's.py').optuna).toBeUndefined();
  });
});

const canImport = (modules: string): boolean => python !== undefined && spawnSync(python, ['-c', `import ${modules}`], { timeout: 60_000 }).status === 0;
const hasOptuna = canImport('optuna');
const hasSklearn = hasOptuna && canImport('sklearn');
const optunaMissing = `skipped: \`import optuna\` fails with ${python ?? 'no python3'} (install python3-optuna)`;
if (!hasOptuna) console.warn(`Optuna end-to-end studies ${optunaMissing}`);

/** Runs a proposal as a Rung study in a fresh folder holding a copy of the fixture, with the file's last lines replaced. */
async function runProposal(fixture: string, overrides: Record<string, string>) {
  const dir = tempDir('rung-optuna-study-');
  copyFileSync(path.join(fixtures, fixture), path.join(dir, fixture));
  const { proposal } = await propose(path.join(dir, fixture));
  let text = proposal.text;
  for (const [key, value] of Object.entries(overrides)) {
    const at = new RegExp(`^${key}:.*$`, 'm');
    text = at.test(text) ? text.replace(at, `${key}: ${value}`) : `${text}${key}: ${value}\n`;
  }
  const written = writeSpec(dir, 'optuna-study', text);
  const { runner } = startStudy(dir, written, { python: python ?? 'python3', pythonHelperDir: path.join(repoRoot, 'python') });
  await runner.start();
  return runner.done;
}

describe.skipIf(!hasOptuna)(`Optuna objectives run as Rung studies (import optuna at the top)${hasOptuna ? '' : `: ${optunaMissing}`}`, () => {
  it.skipIf(!hasSklearn)('the scikit-learn example: every trial completes with the objective\'s accuracy; the inactive classifier\'s parameters are absent', async () => {
    const snapshot = await runProposal('sklearn_objective.py', { trials: '4', parallel: '1', seed: '3', sampler: 'random' });
    expect(snapshot.trials).toHaveLength(4);
    for (const t of snapshot.trials) {
      expect(t.status, t.tail?.join('\n')).toBe('completed');
      expect(t.value).toBeGreaterThan(0);
      expect(t.value).toBeLessThanOrEqual(1);
      const config = t.config ?? {};
      const keys = Object.keys(config).sort();
      expect(keys).toEqual(config['classifier'] === 'SVC' ? ['classifier', 'svc_c'] : ['classifier', 'rf_max_depth', 'rf_n_estimators']);
    }
    // Both branches ran (by the seed).
    expect(new Set(snapshot.trials.map((t) => t.config?.['classifier']))).toEqual(new Set(['SVC', 'RandomForest']));
  }, 120_000);

  it('a lambda wrapper, deprecated suggest forms and names suggested in a loop: every trial completes', async () => {
    const snapshot = await runProposal('lambda_study.py', { trials: '4', parallel: '1', seed: '5', sampler: 'random' });
    expect(snapshot.trials).toHaveLength(4);
    for (const t of snapshot.trials) {
      expect(t.status, t.tail?.join('\n')).toBe('completed');
      expect(t.value).toBeCloseTo(2 / 3, 12);
    }
  }, 120_000);

  it('the epoch loop under ASHA: a losing trial is stopped by the scheduler before its last step; the others complete', async () => {
    // A fixed seed, the random sampler and one trial at a time: every trial's rank is the same at every step (see the
    // fixture), so a trial not among the best third of those before it at step 1 is stopped there; with 5 trials at
    // least one is (by the seed: the sampler does not adapt, so the test does not hang on another sampler's choices).
    const snapshot = await runProposal('pruning_epochs.py', { trials: '5', parallel: '1', seed: '11', sampler: 'random' });
    const byStatus = (s: string) => snapshot.trials.filter((t) => t.status === s);
    expect(byStatus('pruned').length, snapshot.trials.map((t) => `${t.status} ${JSON.stringify(t.curve)}`).join('\n')).toBeGreaterThanOrEqual(1);
    for (const t of byStatus('pruned')) expect(Math.max(...t.curve.map(([step]) => step))).toBeLessThan(9);
    expect(byStatus('completed').length).toBeGreaterThanOrEqual(1);
    for (const t of byStatus('completed')) {
      // The last report is the objective's return, at the loop's last step: range(9)'s step 8 is 9 epochs done.
      expect(t.valueStep).toBe(9);
      const lr = Number(t.config?.['lr']);
      expect(t.value).toBeCloseTo((Math.log10(lr) + 2) ** 2 + Number(t.config?.['momentum'] ?? 0) * 0.01 + 1 / 9, 9);
    }
    expect(snapshot.trials.every((t) => t.status === 'completed' || t.status === 'pruned')).toBe(true);
  }, 120_000);
});
