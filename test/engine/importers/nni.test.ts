/**
 * NNI search spaces and experiment configs → study files. Every case goes through importOk (parses with
 * Rung's own parser; every warning is a comment in the file).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImportFs } from '../../../src/engine/importers/index';
import { argvFor, firstError, fixture, fixtures, importErrors, importFixture, importOk, param, warningsOf } from './importHelpers';

const spaceFile = path.join(fixtures, 'nni', 'inline', 'search_space.json');
const configFile = path.join(fixtures, 'nni', 'inline', 'config.yml');

/** A file system with only `files` (absolute path → text), for configs and trial-script discovery. */
function fakeFs(files: Readonly<Record<string, string>>): ImportFs {
  return {
    readFile: (p) => {
      const text = files[p];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
      return text;
    },
    listDir: (dir) => Object.keys(files).filter((f) => path.dirname(f) === dir).map((f) => path.basename(f)),
  };
}

const noFiles = fakeFs({});

/** A config around `lines`, with a small inline search space. */
function config(lines: readonly string[], space: readonly string[] = ['  lr: {_type: loguniform, _value: [0.001, 0.1]}']): string {
  return [...lines, 'searchSpace:', ...space].join('\n');
}

describe('NNI search space types', () => {
  const { spec, result } = importFixture('nni/search_space.json', { fs: noFiles });

  it('maps uniform, choice, randint and loguniform', () => {
    expect(result.format).toBe('nni-search-space');
    expect(param(spec, 'dropout_rate')).toEqual({ kind: 'float', low: 0.1, high: 0.5 });
    expect(param(spec, 'conv_size')).toEqual({ kind: 'categorical', choices: [2, 3, 5, 7] });
    // randint's upper bound is excluded.
    expect(param(spec, 'batch_size')).toEqual({ kind: 'int', low: 16, high: 128 });
    expect(param(spec, 'learning_rate')).toEqual({ kind: 'float', low: 1e-4, high: 0.1, log: true });
  });

  it('maps quniform to a step when the values are evenly spaced, else to the clipped values as choices', () => {
    // clip(round(x/5)*5, 2, 10): 2, 5, 10.
    expect(param(spec, 'epochs')).toEqual({ kind: 'categorical', choices: [2, 5, 10] });
    expect(param(spec, 'width')).toEqual({ kind: 'int', low: 0, high: 256, step: 32 });
  });

  it('maps qloguniform with q 1 to an int on a log scale, and drops other quantizations with a warning', () => {
    expect(param(spec, 'units')).toEqual({ kind: 'int', low: 8, high: 512, log: true });
    expect(param(spec, 'decay')).toEqual({ kind: 'float', low: 0.001, high: 1, log: true });
    expect(warningsOf(result).some((w) => w.includes('"decay"') && w.includes('0.001'))).toBe(true);
  });

  it('bounds normal-family types to mu ± 3 sigma, with warnings', () => {
    expect(param(spec, 'shift')).toEqual({ kind: 'float', low: -3, high: 3 });
    expect(param(spec, 'shift_q')).toEqual({ kind: 'int', low: 4, high: 16 });
    const scale = param(spec, 'scale');
    expect(scale.kind === 'float' && scale.log).toBe(true);
    expect(param(spec, 'scale_q')).toEqual({ kind: 'int', low: 4, high: 90, log: true });
    for (const name of ['shift', 'shift_q', 'scale', 'scale_q']) expect(warningsOf(result).some((w) => w.includes(`"${name}"`) && w.includes('3 sigma')), name).toBe(true);
  });

  it('turns a nested choice into a categorical of the _names with conditional children', () => {
    expect(param(spec, 'layer0')).toEqual({ kind: 'categorical', choices: ['Empty', 'Conv', 'Max_pool', 'Avg_pool'] });
    expect(param(spec, 'layer0.kernel_size')).toEqual({ kind: 'categorical', choices: [1, 2, 3, 5], when: { 'layer0': ['Conv'] } });
    // The same child in two options is one parameter active for both.
    expect(param(spec, 'layer0.pooling_size')).toEqual({ kind: 'categorical', choices: [2, 3, 5], when: { 'layer0': ['Max_pool', 'Avg_pool'] } });
    expect(result.text).toContain('A nested choice arrives flat');
  });

  it('has no trial command of its own: a placeholder, and a warning', () => {
    expect(spec.command).toEqual(['python3', 'train.py']);
    expect(warningsOf(result).some((w) => w.includes('placeholder'))).toBe(true);
    expect(spec.metric).toMatchObject({ name: 'default', goal: 'minimize' });
    expect(warningsOf(result).some((w) => w.includes('no goal'))).toBe(true);
    expect(spec.sampler.type).toBe('tpe');
    expect(spec.trials).toBeUndefined();
  });

  it('tells the script what to change: RUNG_PARAMS instead of get_next_parameter, prints instead of report_*', () => {
    // Code is never broken across lines, so it can be copied from the file.
    expect(result.text).toContain('`params = nni.get_next_parameter()`');
    expect(result.text).toContain('`from rung import params; params = params()`');
    expect(result.text).toContain('`nni.report_intermediate_result(acc)`');
    expect(result.text).toContain('`print(f"epoch={epoch} default={acc}")`');
  });
});

describe('NNI nested choices', () => {
  it('names children that differ between options after the option, and nests deeper choices', () => {
    const space = JSON.stringify({
      model: {
        _type: 'choice',
        _value: [
          { _name: 'mlp', width: { _type: 'randint', _value: [8, 65] }, act: { _type: 'choice', _value: [{ _name: 'relu' }, { _name: 'leaky', slope: { _type: 'uniform', _value: [0.01, 0.3] } }] } },
          { _name: 'cnn', width: { _type: 'choice', _value: [16, 32] } },
          'linear',
        ],
      },
    });
    const { spec } = importOk(space, spaceFile, { fs: noFiles });
    expect([...spec.space.params.keys()]).toEqual(['model', 'model.mlp.width', 'model.cnn.width', 'model.act', 'model.act.slope']);
    expect(param(spec, 'model')).toEqual({ kind: 'categorical', choices: ['mlp', 'cnn', 'linear'] });
    expect(param(spec, 'model.mlp.width')).toEqual({ kind: 'int', low: 8, high: 64, when: { model: ['mlp'] } });
    expect(param(spec, 'model.cnn.width')).toEqual({ kind: 'categorical', choices: [16, 32], when: { model: ['cnn'] } });
    expect(param(spec, 'model.act.slope')).toEqual({ kind: 'float', low: 0.01, high: 0.3, when: { 'model.act': ['leaky'] } });
  });

  it('names an option without _name by its position, with a warning', () => {
    const { spec, result } = importOk(JSON.stringify({ opt: { _type: 'choice', _value: [{ lr: { _type: 'uniform', _value: [0, 1] } }, { _name: 'b' }] } }), spaceFile, { fs: noFiles });
    expect(param(spec, 'opt')).toEqual({ kind: 'categorical', choices: ['option_0', 'b'] });
    expect(warningsOf(result).some((w) => w.includes('no "_name"'))).toBe(true);
  });
});

describe('NNI search space: what does not carry over, and errors', () => {
  it('leaves out an unknown _type with a warning, and makes names Rung accepts', () => {
    const { spec, result } = importOk(
      JSON.stringify({ 'learning rate': { _type: 'uniform', _value: [0, 1] }, layer: { _type: 'mutable_layer', _value: [] }, n: { _type: 'choice', _value: [[1, 2], 'x'], _extra: 1 } }),
      spaceFile,
      { fs: noFiles },
    );
    expect([...spec.space.params.keys()]).toEqual(['learning_rate', 'n']);
    expect(param(spec, 'n')).toEqual({ kind: 'categorical', choices: ['[1,2]', 'x'] });
    const w = warningsOf(result);
    expect(w.some((m) => m.includes('"mutable_layer"'))).toBe(true);
    expect(w.some((m) => m.includes('"learning_rate"'))).toBe(true);
    expect(w.some((m) => m.includes('"_extra"'))).toBe(true);
    expect(w.some((m) => m.includes('[1,2]'))).toBe(true);
  });

  it('accepts the old randint [upper] form', () => {
    expect(param(importOk('{"seed": {"_type": "randint", "_value": [10]}}', spaceFile, { fs: noFiles }).spec, 'seed')).toEqual({ kind: 'int', low: 0, high: 9 });
  });

  it('points at a wrong _value', () => {
    const arity = firstError(importErrors('{\n  "lr": {"_type": "uniform", "_value": [0.1]}\n}', spaceFile));
    expect(arity).toMatchObject({ file: spaceFile, line: 2, column: 40, message: expect.stringContaining('must be [low, high], got 1 item') });
    const order = firstError(importErrors('{\n  "lr": {"_type": "uniform", "_value": [0.5, 0.1]}\n}', spaceFile));
    expect(order).toMatchObject({ line: 2, column: 41, message: expect.stringContaining('low (0.5) is greater than high (0.1)') });
    const log = firstError(importErrors('{"lr": {"_type": "loguniform", "_value": [0, 1]}}', spaceFile));
    expect(log.message).toContain('loguniform needs low > 0');
    const word = firstError(importErrors('{"lr": {"_type": "uniform", "_value": [0, "one"]}}', spaceFile));
    expect(word).toMatchObject({ line: 1, column: 43, message: expect.stringContaining('expected a number') });
    const empty = firstError(importErrors('{"n": {"_type": "randint", "_value": [3, 3]}}', spaceFile));
    expect(empty.message).toContain('is empty (upper is excluded)');
    const notType = firstError(importErrors('{"lr": {"_value": [0, 1]}}', spaceFile, { from: 'nni' }));
    expect(notType.message).toContain('needs "_type"');
  });

  it('points at a JSON syntax error', () => {
    const e = firstError(importErrors('{\n  "lr": {"_type": "uniform", "_value": [0, 1]},,\n}', spaceFile, { from: 'nni' }));
    expect(e.message).toMatch(/syntax error/);
    expect(e.line).toBe(2);
  });

  it('errors when no parameter is left', () => {
    const message = firstError(importErrors('{"a": {"_type": "layer_choice", "_value": []}}', spaceFile, { fs: noFiles })).message;
    expect(message).toContain('no parameter Rung can search');
    // The reason each parameter was left out is in the error itself, not only in warnings.
    expect(message).toContain('_type "layer_choice" is not a search-space type Rung knows');
  });
});

describe('NNI trial script next to a search space', () => {
  const dir = path.dirname(spaceFile);
  const space = '{"lr": {"_type": "uniform", "_value": [0, 1]}}';

  it('uses the one .py file that calls nni.get_next_parameter()', () => {
    const fs = fakeFs({ [path.join(dir, 'trial.py')]: 'import nni\np = nni.get_next_parameter()\n', [path.join(dir, 'util.py')]: 'x = 1\n' });
    const { spec, result } = importOk(space, spaceFile, { fs });
    expect(spec.command).toEqual(['python3', 'trial.py']);
    expect(warningsOf(result).some((w) => w.includes('placeholder'))).toBe(false);
  });

  it('says which files it found when several call it', () => {
    const fs = fakeFs({ [path.join(dir, 'a.py')]: 'nni.get_next_parameter()', [path.join(dir, 'b.py')]: 'nni.get_next_parameter()' });
    const { spec, result } = importOk(space, spaceFile, { fs });
    expect(spec.command).toEqual(['python3', 'train.py']);
    expect(warningsOf(result).some((w) => w.includes('a.py, b.py'))).toBe(true);
  });

  it('finds the fixture trial script on disk', () => {
    const { spec } = importFixture('nni/app/search_space.json');
    expect(spec.command).toEqual(['python3', 'mnist.py']);
  });
});

describe('NNI experiment config (v2)', () => {
  const { spec, result, comments } = importFixture('nni/app/config.yml');

  it('reads the search space file and the trial settings', () => {
    expect(result.format).toBe('nni-config');
    expect(spec.name).toBe('mnist-example');
    expect(spec.space.params.size).toBe(16);
    expect(spec.command).toEqual(['python3', 'mnist.py']);
    expect(spec.launcher.env).toEqual({ CUDA_LAUNCH_BLOCKING: '1' });
    expect(spec.cwd).toBe(path.join(fixtures, 'nni', 'app'));
    expect(spec.parallel).toBe(2);
    expect(spec.trials).toBe(24);
    expect(spec.timeoutSeconds).toBe(1800);
    expect(spec.launcher.trialTimeoutSeconds).toBe(600);
    expect(spec.resources.gpusPerTrial).toBe(1);
  });

  it('maps the tuner, its seed and known tpe_args, and the Medianstop assessor', () => {
    expect(spec.metric).toMatchObject({ name: 'default', goal: 'maximize' });
    expect(spec.sampler).toMatchObject({ type: 'tpe', options: { nStartupTrials: 8 } });
    expect(spec.seed).toBe(42);
    expect(spec.scheduler).toMatchObject({ type: 'median', options: { warmupSteps: 3 } });
    const w = warningsOf(result);
    expect(w.some((m) => m.includes('linear_forgetting'))).toBe(true);
    expect(w.some((m) => m.includes('useActiveGpu'))).toBe(true);
    expect(comments).toContain('nni.report_final_result(acc)');
  });

  it('puts cwd relative to the study file when it is written elsewhere', () => {
    const studyFile = path.join(fixtures, 'nni', 'study.rung.yaml');
    const { spec: elsewhere, result: r } = importFixture('nni/app/config.yml', { studyFile });
    expect(r.text).toMatch(/^cwd: app +#/m);
    expect(elsewhere.cwd).toBe(path.join(fixtures, 'nni', 'app'));
  });

  it('points into the search space file when it is malformed', () => {
    const fs = fakeFs({ [path.join(path.dirname(configFile), 'space.json')]: '{\n  "lr": {"_type": "uniform", "_value": [1]}\n}' });
    const errors = importErrors(['searchSpaceFile: space.json', 'trialCommand: python3 t.py', 'trialConcurrency: 1'].join('\n'), configFile, { fs });
    expect(firstError(errors)).toMatchObject({ file: path.join(path.dirname(configFile), 'space.json'), line: 2 });
  });

  it('points at a search space file that cannot be read', () => {
    const errors = importErrors(['trialCommand: python3 t.py', 'searchSpaceFile: missing.json', 'trialConcurrency: 1'].join('\n'), configFile, { fs: noFiles });
    expect(firstError(errors)).toMatchObject({ file: configFile, line: 2, column: 18, message: expect.stringContaining('cannot read the search space file missing.json (ENOENT)') });
  });
});

describe('NNI experiment config (v1)', () => {
  it('reads trial.command, codeDir, searchSpacePath, maxTrialNum, maxExecDuration and builtinTunerName', () => {
    const { spec, result } = importFixture('nni/config-v1.yml');
    expect(spec.command).toEqual(['python3', 'mnist.py']);
    expect(spec.cwd).toBe(path.join(fixtures, 'nni', 'app'));
    expect(spec.trials).toBe(10);
    expect(spec.timeoutSeconds).toBe(3600);
    expect(spec.sampler).toMatchObject({ type: 'evolution', options: { populationSize: 16 } });
    expect(spec.metric.goal).toBe('maximize');
    expect(warningsOf(result).some((w) => w.startsWith('authorName'))).toBe(true);
  });
});

describe('NNI tuners and assessors', () => {
  function withTuner(tuner: readonly string[], extra: readonly string[] = []): ReturnType<typeof importOk> {
    return importOk(config(['trialCommand: python3 t.py', 'trialConcurrency: 1', 'tuner:', ...tuner.map((l) => `  ${l}`), ...extra]), configFile, { fs: noFiles });
  }

  it.each([
    ['TPE', 'tpe'],
    ['Random', 'random'],
    ['GridSearch', 'grid'],
    ['Anneal', 'tpe'],
    ['Evolution', 'evolution'],
    ['GPTuner', 'gp'],
    ['SMAC', 'gp'],
    ['MetisTuner', 'gp'],
    ['DNGOTuner', 'gp'],
    ['PBTTuner', 'auto'],
    ['BatchTuner', 'auto'],
  ])('tuner %s → sampler %s', (name, sampler) => {
    const { spec } = withTuner([`name: ${name}`, 'classArgs: {optimize_mode: maximize}']);
    expect(spec.sampler.type).toBe(sampler);
    expect(spec.metric.goal).toBe('maximize');
  });

  it('gives GridSearch continuous ranges grid points', () => {
    const { spec, result } = withTuner(['name: GridSearch']);
    expect(param(spec, 'lr')).toMatchObject({ gridPoints: 5 });
    expect(warningsOf(result).some((w) => w.includes('grid_points'))).toBe(true);
  });

  it('maps tuner class args it knows and reports the others', () => {
    const gp = withTuner(['name: GPTuner', 'classArgs: {optimize_mode: minimize, cold_start_num: 7, kappa: 5}']);
    expect(gp.spec.sampler).toMatchObject({ type: 'gp', options: { nStartupTrials: 7 } });
    expect(warningsOf(gp.result).some((w) => w.includes('classArgs.kappa'))).toBe(true);
    const random = withTuner(['name: Random', 'classArgs: {seed: 5}']);
    expect(random.spec.seed).toBe(5);
  });

  it('Hyperband: random configurations and synchronous Hyperband up to R, the budget in RUNG_BUDGET', () => {
    const { spec, result } = withTuner(['name: Hyperband', 'classArgs: {optimize_mode: maximize, R: 27, eta: 3, exec_mode: parallelism}']);
    expect(spec.sampler.type).toBe('random');
    expect(spec.scheduler).toMatchObject({ type: 'hyperband', minBudget: 1, maxBudget: 27, options: { eta: 3, async: false } });
    expect(result.text).toContain('RUNG_BUDGET');
    expect(warningsOf(result).some((w) => w.includes('exec_mode'))).toBe(true);
  });

  it('BOHB: sampler bohb over synchronous Hyperband, with its budgets and model settings', () => {
    const { spec } = withTuner(['name: BOHB', 'classArgs: {optimize_mode: minimize, min_budget: 1, max_budget: 9, eta: 3, min_points_in_model: 5, top_n_percent: 20, num_samples: 32, random_fraction: 0.2}']);
    expect(spec.sampler).toMatchObject({ type: 'bohb', options: { minPointsInModel: 5, gamma: 0.2, nEiCandidates: 32, randomFraction: 0.2 } });
    expect(spec.scheduler).toMatchObject({ type: 'hyperband', minBudget: 1, maxBudget: 9, options: { async: false } });
  });

  it('a custom tuner class falls back to auto with a warning', () => {
    const { spec, result } = withTuner(['className: my_tuner.MyTuner', 'codeDirectory: tuners']);
    expect(spec.sampler.type).toBe('auto');
    expect(warningsOf(result).some((w) => w.includes('custom tuner my_tuner.MyTuner'))).toBe(true);
  });

  it('Curvefitting becomes the median rule with its epochs and start step, and says so', () => {
    const { spec, result } = withTuner(['name: TPE'], ['assessor:', '  name: Curvefitting', '  classArgs: {epoch_num: 20, start_step: 6, threshold: 0.95}']);
    expect(spec.scheduler).toMatchObject({ type: 'median', maxBudget: 20, options: { warmupSteps: 6 } });
    const w = warningsOf(result);
    expect(w.some((m) => m.includes('Curvefitting became the median stopping rule'))).toBe(true);
    expect(w.some((m) => m.includes('classArgs.threshold'))).toBe(true);
  });

  it('an assessor next to Hyperband is reported and not used', () => {
    const { spec, result } = withTuner(['name: Hyperband'], ['assessor:', '  name: Medianstop']);
    expect(spec.scheduler.type).toBe('hyperband');
    expect(warningsOf(result).some((w) => w.startsWith('assessor Medianstop is not imported'))).toBe(true);
  });

  it('the deprecated advisor section works like a tuner', () => {
    const { spec } = importOk(config(['trialCommand: python3 t.py', 'advisor:', '  name: BOHB', '  classArgs: {max_budget: 27}']), configFile, { fs: noFiles });
    expect(spec.sampler.type).toBe('bohb');
    expect(spec.scheduler.maxBudget).toBe(27);
  });
});

describe('NNI trial commands and the rest of the config', () => {
  it('turns a leading cd into the working folder and reports shell syntax', () => {
    const { spec, result } = importOk(config(['trialCommand: cd src && python3 train.py --out $HOME/x 2>&1 | tee log', 'trialCodeDirectory: code']), configFile, { fs: noFiles });
    expect(spec.cwd).toBe(path.join(path.dirname(configFile), 'code', 'src'));
    expect(argvFor(spec, { lr: 0.01 }).slice(0, 3)).toEqual(['python3', 'train.py', '--out']);
    expect(warningsOf(result).some((w) => w.includes('shell syntax') && w.includes('$HOME/x'))).toBe(true);
  });

  it('reports unknown keys, other platforms and settings Rung has no use for', () => {
    const { result } = importOk(
      config(['trialCommand: python3 t.py', 'trialConcurency: 2', 'nniManagerIp: 1.2.3.4', 'trainingService:', '  platform: remote', '  machineList: []']),
      configFile,
      { fs: noFiles },
    );
    const w = warningsOf(result);
    expect(w).toContain('unknown NNI config key "trialConcurency" is not imported (did you mean "trialConcurrency"?)');
    expect(w.some((m) => m.startsWith('nniManagerIp'))).toBe(true);
    expect(w.some((m) => m.includes('platform remote'))).toBe(true);
    expect(w.some((m) => m.startsWith('trainingService.machineList'))).toBe(true);
  });

  it('errors on a missing trialCommand, a bad duration, both search space forms, annotations only', () => {
    expect(firstError(importErrors(config(['trialConcurrency: 1']), configFile, { fs: noFiles })).message).toContain('missing trialCommand');
    expect(firstError(importErrors(config(['trialCommand: python3 t.py', 'maxExperimentDuration: soon']), configFile, { fs: noFiles }))).toMatchObject({ line: 2, column: 24 });
    expect(firstError(importErrors(config(['trialCommand: python3 t.py', 'searchSpaceFile: s.json']), configFile, { fs: noFiles })).message).toContain('not both');
    expect(firstError(importErrors(['trialCommand: python3 t.py', 'useAnnotation: true'].join('\n'), configFile, { fs: noFiles })).message).toContain('annotations');
    expect(firstError(importErrors(config(['trialCommand: "python3 \'t.py"']), configFile, { fs: noFiles })).message).toContain('unterminated');
  });

  it('without optimize_mode assumes minimize and says so', () => {
    const { spec, result } = importOk(config(['trialCommand: python3 t.py', 'tuner: {name: TPE}']), configFile, { fs: noFiles });
    expect(spec.metric.goal).toBe('minimize');
    expect(warningsOf(result).some((w) => w.includes('no optimize_mode'))).toBe(true);
  });

  it('reads the fixture search space the same way from a config and alone', () => {
    const alone = importFixture('nni/app/search_space.json').spec;
    const fromConfig = importFixture('nni/app/config.yml').spec;
    expect([...fromConfig.space.params]).toEqual([...alone.space.params]);
    expect(fixture('nni/app/search_space.json').text).toBe(fixture('nni/search_space.json').text);
  });
});
