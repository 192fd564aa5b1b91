/**
 * W&B sweep configurations → study files. Every case goes through importOk, which parses the result with
 * Rung's own parser and checks that each warning is also a comment in the file.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { argvFor, firstError, fixtures, importErrors, importFixture, importOk, param, warningsOf } from './importHelpers';

const sweepFile = path.join(fixtures, 'wandb', 'inline.yaml');

/** A small sweep around `parameters` (YAML lines, indented under `parameters:`). */
function sweep(lines: readonly string[], head: readonly string[] = ['program: train.py', 'method: random', 'metric: {name: loss, goal: minimize}']): string {
  return [...head, 'parameters:', ...lines.map((l) => `  ${l}`)].join('\n');
}

describe('W&B parameters and distributions', () => {
  const { spec, result } = importFixture('wandb/all-distributions.yaml');

  it('maps values to categoricals and keeps the choices in order', () => {
    expect(param(spec, 'batch_size')).toEqual({ kind: 'categorical', choices: [16, 32, 64] });
    expect(param(spec, 'optimizer')).toEqual({ kind: 'categorical', choices: ['adam', 'sgd'] });
    expect(warningsOf(result).some((w) => w.includes('"optimizer"') && w.includes('probabilities'))).toBe(true);
  });

  it('makes min/max an int when both are integer literals, else a float (0.0 is a float in W&B)', () => {
    expect(param(spec, 'layers')).toEqual({ kind: 'int', low: 1, high: 4 });
    expect(param(spec, 'dropout')).toEqual({ kind: 'float', low: 0, high: 0.5 });
    expect(param(spec, 'width')).toEqual({ kind: 'int', low: 8, high: 64 });
    expect(param(spec, 'momentum')).toEqual({ kind: 'float', low: 0.8, high: 0.99 });
  });

  it('keeps a constant out of the search space: it is a fixed argument of the command', () => {
    expect(spec.space.params.has('epochs')).toBe(false);
    expect(spec.command).toContain('--epochs=10');
  });

  it('quantizes q_uniform with a step (an int when q is an int)', () => {
    expect(param(spec, 'steps')).toEqual({ kind: 'int', low: 10, high: 100, step: 10 });
    expect(param(spec, 'ratio')).toEqual({ kind: 'float', low: 0, high: 1, step: 0.25 });
  });

  it('reads log_uniform bounds as natural logs and log_uniform_values as the values', () => {
    const lr = param(spec, 'lr');
    expect(lr.kind).toBe('float');
    if (lr.kind !== 'float') return;
    expect(lr.log).toBe(true);
    expect(lr.low).toBeCloseTo(1e-4, 9);
    expect(lr.high).toBeCloseTo(0.1, 6);
    expect(param(spec, 'lr_values')).toEqual({ kind: 'float', low: 1e-4, high: 0.1, log: true });
    expect(result.text).toMatch(/^ {2}lr: .*# W&B log_uniform takes natural logs: \[exp\(-9\.210340372\), exp\(-2\.302585093\)\]$/m);
  });

  it('maps inv_log_uniform(_values) to the log-uniform range they describe', () => {
    const inv = param(spec, 'inv');
    expect(inv.kind === 'float' && inv.log).toBe(true);
    if (inv.kind !== 'float') return;
    // log(1/x) uniform in [ln 10, ln 10000] → x in [1e-4, 0.1].
    expect(inv.low).toBeCloseTo(1e-4, 9);
    expect(inv.high).toBeCloseTo(0.1, 6);
    expect(param(spec, 'inv_values')).toEqual({ kind: 'float', low: 1e-4, high: 0.1, log: true });
  });

  it('keeps quantized log ranges as ints on a log scale when q is 1, and says what is lost otherwise', () => {
    expect(param(spec, 'hidden')).toEqual({ kind: 'int', low: 16, high: 256, log: true });
    expect(param(spec, 'hidden8')).toEqual({ kind: 'int', low: 16, high: 256, log: true });
    expect(param(spec, 'decay_q')).toEqual({ kind: 'float', low: 0.001, high: 1, log: true });
    expect(param(spec, 'units')).toEqual({ kind: 'int', low: 8, high: 512, log: true });
    const w = warningsOf(result);
    expect(w.some((m) => m.includes('"hidden8"') && m.includes('multiples of 8'))).toBe(true);
    expect(w.some((m) => m.includes('"decay_q"') && m.includes('rounding to multiples of 0.001'))).toBe(true);
    expect(w.some((m) => m.includes('"hidden"'))).toBe(false);
  });

  it('bounds normal-family distributions to mu ± 3 sigma and says so', () => {
    expect(param(spec, 'noise')).toEqual({ kind: 'float', low: -0.5, high: 2.5 });
    expect(param(spec, 'noise_default')).toEqual({ kind: 'float', low: -3, high: 3 });
    expect(param(spec, 'offset')).toEqual({ kind: 'int', low: 4, high: 16, step: 2 });
    const scale = param(spec, 'scale');
    expect(scale.kind === 'float' && scale.log).toBe(true);
    if (scale.kind === 'float') {
      expect(scale.low).toBeCloseTo(Math.exp(-3), 5);
      expect(scale.high).toBeCloseTo(Math.exp(3), 3);
    }
    const scaleQ = param(spec, 'scale_q');
    expect(scaleQ).toEqual({ kind: 'int', low: Math.round(Math.exp(1.5)), high: Math.round(Math.exp(4.5)), log: true });
    const w = warningsOf(result);
    for (const name of ['noise', 'noise_default', 'offset', 'scale', 'scale_q']) {
      expect(w.some((m) => m.includes(`"${name}"`) && m.includes('3 sigma')), name).toBe(true);
    }
  });

  it('maps beta to its support [0, 1]', () => {
    expect(param(spec, 'mix')).toEqual({ kind: 'float', low: 0, high: 1 });
    expect(param(spec, 'mix_q')).toEqual({ kind: 'float', low: 0, high: 1, step: 0.1 });
    expect(warningsOf(result).some((m) => m.includes('beta(a 2, b 5)'))).toBe(true);
  });

  it('takes the name, the sampler and the trial cap from the sweep', () => {
    expect(spec.name).toBe('all-distributions');
    expect(spec.sampler.type).toBe('random');
    expect(spec.trials).toBe(30);
    expect(result.format).toBe('wandb');
    expect(result.studyName).toBe('all-distributions');
  });

  it("runs W&B's default command as python3 <program> {args} with the constants after them", () => {
    expect(spec.command).toEqual(['python3', 'train.py', '{args}', '--epochs=10']);
    const argv = argvFor(spec, { batch_size: 32, layers: 2 } as never);
    expect(argv.slice(0, 2)).toEqual(['python3', 'train.py']);
    expect(argv).toContain('--batch_size=32');
    expect(argv).toContain('--layers=2');
    expect(argv[argv.length - 1]).toBe('--epochs=10');
  });
});

describe('W&B command macros', () => {
  const params = ['lr: {min: 0.001, max: 0.1}', 'opt: {values: [adam, sgd]}', 'bn: {values: [true, false]}', 'seed: {value: 3}', 'tag: {value: "a b"}'];
  const config = { lr: 0.01, opt: 'sgd', bn: true };

  function withCommand(command: readonly string[]): ReturnType<typeof importOk> {
    return importOk(sweep(params, ['program: train.py', 'method: random', 'metric: {name: loss}', 'command:', ...command.map((c) => `  - ${JSON.stringify(c)}`)]), sweepFile);
  }

  it('drops ${env}, runs ${interpreter} as python3 and expands ${program} and ${args}', () => {
    const { spec } = withCommand(['${env}', '${interpreter}', '${program}', '--fixed', '${args}']);
    expect(argvFor(spec, config)).toEqual(['python3', 'train.py', '--fixed', '--lr=0.01', '--opt=sgd', '--bn=true', '--seed=3', '--tag=a b']);
  });

  it('${args_no_boolean_flags}: booleans become on/off flags, a false constant is left out', () => {
    const { spec } = importOk(
      sweep(['bn: {values: [true, false]}', 'lr: {min: 0.1, max: 1.0}', 'on: {value: true}', 'off: {value: false}'], ['program: t.py', 'method: random', 'metric: {name: loss}', 'command: [python3, "${program}", "${args_no_boolean_flags}"]']),
      sweepFile,
    );
    expect(param(spec, 'bn')).toEqual({ kind: 'categorical', choices: [true, false], flag: true });
    expect(argvFor(spec, { bn: true, lr: 0.5 })).toEqual(['python3', 't.py', '--bn', '--lr=0.5', '--on']);
    expect(argvFor(spec, { bn: false, lr: 0.5 })).toEqual(['python3', 't.py', '--lr=0.5', '--on']);
  });

  it('${args_no_hyphens} passes name=value words', () => {
    const { spec } = withCommand(['python3', '${program}', '${args_no_hyphens}']);
    expect(argvFor(spec, config)).toEqual(['python3', 'train.py', 'lr=0.01', 'opt=sgd', 'bn=true', 'seed=3', 'tag=a b']);
  });

  it('${args_json} is one argument holding the parameters as JSON, constants included', () => {
    const { spec } = withCommand(['python3', '${program}', '--config', '${args_json}']);
    const argv = argvFor(spec, config);
    expect(argv.slice(0, 3)).toEqual(['python3', 'train.py', '--config']);
    expect(JSON.parse(argv[3] ?? '')).toEqual({ lr: 0.01, opt: 'sgd', bn: true, seed: 3, tag: 'a b' });
  });

  it('${args_json} keeps W&B nesting', () => {
    const { spec } = importOk(
      sweep(['optimizer:', '  parameters:', '    lr: {min: 0.001, max: 0.1}', '    kind: {values: [adam, sgd]}', '    fixed: {value: [1, 2]}', 'bs: {values: [8, 16]}'], [
        'program: t.py',
        'method: random',
        'metric: {name: loss}',
        'command: [python3, "${program}", "${args_json}"]',
      ]),
      sweepFile,
    );
    expect(JSON.parse(argvFor(spec, { 'optimizer.lr': 0.05, 'optimizer.kind': 'adam', bs: 8 })[2] ?? '')).toEqual({ optimizer: { lr: 0.05, kind: 'adam', fixed: [1, 2] }, bs: 8 });
  });

  it('${args_json_file} is the params.json Rung writes in each trial folder', () => {
    const { spec, result } = withCommand(['python3', '${program}', '--params', '${args_json_file}']);
    expect(argvFor(spec, config, '/store/t/7')).toEqual(['python3', 'train.py', '--params', '/store/t/7/params.json']);
    expect(warningsOf(result).some((w) => w.includes('params.json') && w.includes('seed'))).toBe(true);
  });

  it('${envvar:NAME} and unknown macros stay literal text, with a warning', () => {
    const { spec, result } = withCommand(['python3', '${program}', '--data=${envvar:DATA}', '${mystery}', '{literal}']);
    expect(argvFor(spec, config)).toEqual(['python3', 'train.py', '--data=$DATA', '${mystery}', '{literal}']);
    const w = warningsOf(result);
    expect(w.some((m) => m.includes('${envvar:DATA}'))).toBe(true);
    expect(w.some((m) => m.includes('${mystery}'))).toBe(true);
  });

  it('a command that passes no arguments tells the script to read RUNG_PARAMS, and where the constants went', () => {
    const { spec, result, comments } = withCommand(['python3', '${program}']);
    expect(spec.command).toEqual(['python3', 'train.py']);
    expect(comments).toContain('RUNG_PARAMS');
    expect(warningsOf(result).some((w) => w.includes('seed, tag'))).toBe(true);
  });

  it('a program path with spaces or braces stays one literal argv item', () => {
    const { spec } = importOk(sweep(['lr: {min: 0.1, max: 1.0}'], ['program: "my dir/{v2} train.py"', 'method: random', 'metric: {name: loss}']), sweepFile);
    expect(argvFor(spec, { lr: 0.5 })).toEqual(['python3', 'my dir/{v2} train.py', '--lr=0.5']);
  });

  it('uses the first of "metrics" when there is no "metric", and says Rung optimises one', () => {
    const { spec, result } = importOk(sweep(['lr: {min: 0.1, max: 1.0}'], ['program: t.py', 'method: random', 'metrics:', '  - {name: acc, goal: maximize}', '  - {name: latency}']), sweepFile);
    expect(spec.metric).toMatchObject({ name: 'acc', goal: 'maximize' });
    expect(warningsOf(result).some((w) => w.includes('the first of "metrics" is used'))).toBe(true);
  });

  it('W&B command macros with several words stay one argv item each', () => {
    const { spec } = withCommand(['python3', '${program}', '--name', 'run one', '${args}']);
    expect(argvFor(spec, config).slice(0, 4)).toEqual(['python3', 'train.py', '--name', 'run one']);
  });

  it('rejects ${program} without a program, and a command that is not a list', () => {
    const noProgram = importErrors(sweep(params, ['method: random', 'metric: {name: loss}', 'command: ["${interpreter}", "${program}"]']), sweepFile);
    expect(firstError(noProgram)).toMatchObject({ line: 3, message: expect.stringContaining('no "program"') });
    const notList = importErrors(sweep(params, ['program: t.py', 'method: random', 'metric: {name: loss}', 'command: python t.py']), sweepFile);
    expect(firstError(notList)).toMatchObject({ line: 4, column: 10, message: expect.stringContaining('expected a list of strings for "command"') });
  });
});

describe('W&B nested parameters', () => {
  const { spec, comments, result } = importFixture('wandb/nested.yaml');

  it('flattens them to dotted names, which {args} passes as --optimizer.lr=...', () => {
    expect([...spec.space.params.keys()]).toEqual(['batch_size', 'optimizer.lr', 'optimizer.nadam.beta']);
    expect(argvFor(spec, { batch_size: 32, 'optimizer.lr': 0.001, 'optimizer.nadam.beta': 0.9 })).toEqual([
      'python3',
      'train_nested.py',
      '--batch_size=32',
      '--optimizer.lr=0.001',
      '--optimizer.nadam.beta=0.9',
    ]);
    expect(comments).toContain('dotted names');
    expect(comments).toContain('W&B description: sweep using nested params');
    expect(warningsOf(result).some((w) => w.startsWith('project "nested-examples"'))).toBe(true);
  });

  it('uses the grid sampler, which walks the categoricals', () => {
    expect(spec.sampler.type).toBe('grid');
    expect(spec.trials).toBeUndefined();
  });
});

describe('W&B method, metric, early stopping and limits', () => {
  it('maps method grid, random, bayes (gp) and falls back to auto with a warning', () => {
    const p = ['x: {values: [1, 2]}'];
    for (const [method, sampler] of [['grid', 'grid'], ['random', 'random'], ['bayes', 'gp']] as const) {
      expect(importOk(sweep(p, ['program: t.py', `method: ${method}`, 'metric: {name: loss}']), sweepFile).spec.sampler.type).toBe(sampler);
    }
    const custom = importOk(sweep(p, ['program: t.py', 'method: custom', 'metric: {name: loss}']), sweepFile);
    expect(custom.spec.sampler.type).toBe('auto');
    expect(firstWarning(custom, 'method "custom"')).toMatchObject({ line: 2, column: 9 });
    const missing = importOk(sweep(p, ['program: t.py', 'metric: {name: loss}']), sweepFile);
    expect(missing.spec.sampler.type).toBe('auto');
    expect(warningsOf(missing.result).some((w) => w.includes('no "method"'))).toBe(true);
  });

  it('gives a grid over continuous or long ranges 5 points, so the grid sampler accepts it', () => {
    const { spec, result } = importOk(sweep(['lr: {min: 0.001, max: 0.1}', 'n: {min: 1, max: 1000}', 'k: {min: 1, max: 10}'], ['program: t.py', 'method: grid', 'metric: {name: loss}']), sweepFile);
    expect(param(spec, 'lr')).toMatchObject({ kind: 'float', gridPoints: 5 });
    expect(param(spec, 'n')).toMatchObject({ kind: 'int', gridPoints: 5 });
    expect(param(spec, 'k')).toEqual({ kind: 'int', low: 1, high: 10 });
    expect(warningsOf(result).filter((w) => w.includes('grid_points'))).toHaveLength(2);
  });

  it('reads metric name and goal; target and impute are reported', () => {
    const { spec, result } = importOk(sweep(['x: {values: [1, 2]}'], ['program: t.py', 'method: random', 'metric: {name: val/acc, goal: maximize, target: 0.99, impute: worst}']), sweepFile);
    expect(spec.metric).toMatchObject({ name: 'val/acc', goal: 'maximize' });
    const w = warningsOf(result);
    expect(w.some((m) => m.startsWith('metric.target'))).toBe(true);
    expect(w.some((m) => m.startsWith('metric.impute'))).toBe(true);
  });

  it('a sweep without a metric gets a placeholder, and says so', () => {
    const { spec, result } = importOk(sweep(['x: {values: [1, 2]}'], ['program: t.py', 'method: grid']), sweepFile);
    expect(spec.metric.name).toBe('loss');
    expect(warningsOf(result).some((w) => w.includes('no "metric"'))).toBe(true);
  });

  it('makes a metric name Rung cannot read folder-safe, with a warning', () => {
    const { spec, result } = importOk(sweep(['x: {values: [1, 2]}'], ['program: t.py', 'method: grid', 'metric: {name: "val loss"}']), sweepFile);
    expect(spec.metric.name).toBe('val_loss');
    expect(firstWarning({ result }, 'metric "val loss"')).toMatchObject({ line: 3 });
  });

  it('early_terminate hyperband with min_iter becomes ASHA, max_budget from an epochs constant', () => {
    const { spec, comments } = importOk(sweep(['lr: {min: 0.001, max: 0.1}', 'epochs: {value: 30}'], ['program: t.py', 'method: bayes', 'metric: {name: loss}', 'early_terminate: {type: hyperband, min_iter: 3, eta: 2}']), sweepFile);
    expect(spec.scheduler).toMatchObject({ type: 'asha', minBudget: 3, maxBudget: 30, options: { eta: 2, mode: 'stopping' } });
    expect(comments).toContain('ASHA in stopping mode');
  });

  it('early_terminate with max_iter and s: the lowest band is max_iter / eta^s', () => {
    const { spec, result } = importFixture('wandb/sweep.json');
    expect(result.format).toBe('wandb');
    expect(spec.scheduler).toMatchObject({ type: 'asha', minBudget: 3, maxBudget: 27, options: { eta: 3 } });
    expect(spec.sampler.type).toBe('gp');
    expect(spec.metric).toMatchObject({ name: 'val_acc', goal: 'maximize' });
    expect(spec.trials).toBe(12);
  });

  it('early_terminate with min_iter only guesses max_budget and warns; strict and other types are reported', () => {
    const guessed = importOk(sweep(['lr: {min: 0.001, max: 0.1}'], ['program: t.py', 'method: random', 'metric: {name: loss}', 'early_terminate: {type: hyperband, min_iter: 2, strict: true}']), sweepFile);
    expect(guessed.spec.scheduler).toMatchObject({ type: 'asha', minBudget: 2, maxBudget: 54 });
    const w = warningsOf(guessed.result);
    expect(w.some((m) => m.includes('is a guess'))).toBe(true);
    expect(w.some((m) => m.startsWith('early_terminate.strict'))).toBe(true);
    const other = importOk(sweep(['lr: {min: 0.001, max: 0.1}'], ['program: t.py', 'method: random', 'metric: {name: loss}', 'early_terminate: {type: envelope}']), sweepFile);
    expect(other.spec.scheduler.type).toBe('fifo');
    expect(warningsOf(other.result).some((m) => m.includes('"envelope"'))).toBe(true);
  });

  it('without run_cap the trial cap is a commented-out suggestion (W&B ran until stopped)', () => {
    const { spec, result } = importOk(sweep(['lr: {min: 0.001, max: 0.1}']), sweepFile);
    expect(spec.trials).toBeUndefined();
    expect(result.text).toMatch(/^# trials: 50 +# W&B had no run_cap/m);
  });
});

describe('W&B keys that do not carry over', () => {
  it('reports unknown keys with a did-you-mean, and entity, project, controller', () => {
    const { result, comments } = importOk(
      sweep(['lr: {min: 0.001, max: 0.1}'], ['program: t.py', 'method: random', 'metric: {name: loss}', 'entity: me', 'project: p', 'controller: {type: local}', 'run_caps: 3']),
      sweepFile,
    );
    const w = warningsOf(result);
    expect(w).toContain('unknown W&B sweep key "run_caps" is not imported (did you mean "run_cap"?)');
    expect(w.some((m) => m.startsWith('entity "me"'))).toBe(true);
    expect(w.some((m) => m.startsWith('controller is not imported'))).toBe(true);
    expect(comments).toContain('run_caps');
    expect(result.warnings.find((i) => i.message.includes('run_caps'))).toMatchObject({ line: 7, column: 1 });
  });

  it('reports keys a distribution does not read', () => {
    const { result } = importOk(sweep(['lr: {distribution: uniform, min: 0.1, max: 0.2, q: 3}']), sweepFile);
    expect(result.warnings.find((w) => w.message.startsWith('"q" is not a setting'))).toMatchObject({ line: 5, column: 51 });
  });

  it('turns non-scalar choices into their JSON text and drops duplicates, with warnings', () => {
    const { spec, result } = importOk(sweep(['shape: {values: [[1, 2], [3, 4], null, 5, 5]}']), sweepFile);
    expect(param(spec, 'shape')).toEqual({ kind: 'categorical', choices: ['[1,2]', '[3,4]', 'null', 5] });
    expect(warningsOf(result).filter((w) => w.includes('"shape"'))).toHaveLength(4);
  });

  it('renames a parameter named after a placeholder and says what the script gets', () => {
    const { spec, result } = importOk(sweep(['budget: {values: [1, 2]}', 'lr: {min: 0.1, max: 0.2}']), sweepFile);
    expect(spec.space.params.has('budget_param')).toBe(true);
    expect(warningsOf(result).some((w) => w.includes('--budget_param='))).toBe(true);
  });
});

describe('W&B study name and working folder', () => {
  it('makes the sweep name folder-safe, else derives it from the file', () => {
    expect(importOk(sweep(['x: {values: [1]}'], ['name: "My sweep #2"', 'program: t.py', 'method: grid', 'metric: {name: loss}']), sweepFile).spec.name).toBe('My-sweep-2');
    expect(importOk(sweep(['x: {values: [1]}']), sweepFile).spec.name).toBe('wandb-inline');
    expect(importOk(sweep(['x: {values: [1]}']), sweepFile, { studyName: 'chosen' }).spec.name).toBe('chosen');
  });

  it("runs trials in the sweep file's folder when the study file is written elsewhere", () => {
    const studyFile = path.join(fixtures, 'out', 'sweep.rung.yaml');
    const { spec, result } = importOk(sweep(['x: {values: [1]}']), sweepFile, { studyFile });
    expect(result.text).toMatch(/^cwd: "?\.\.\/wandb"?/m);
    expect(spec.cwd).toBe(path.join(fixtures, 'wandb'));
    expect(importOk(sweep(['x: {values: [1]}']), sweepFile).result.text).not.toMatch(/^cwd:/m);
  });
});

describe('malformed W&B sweeps: positioned errors', () => {
  it('points at a YAML syntax error', () => {
    const e = firstError(importErrors('program: t.py\nparameters:\n  lr: {min: 0.1, max: 0.2\n', sweepFile));
    expect(e.file).toBe(sweepFile);
    expect(e.message).toMatch(/^YAML syntax error/);
    expect(e.line).toBeGreaterThanOrEqual(3);
  });

  it('points at an unknown distribution with a did-you-mean', () => {
    const e = firstError(importErrors(sweep(['lr:', '  distribution: log_unifrom', '  min: 0.1', '  max: 1']), sweepFile));
    expect(e).toMatchObject({ line: 6, column: 19 });
    expect(e.message).toContain('did you mean "log_uniform"?');
  });

  it('points at min > max, a non-number bound, and a log range that is not positive', () => {
    expect(firstError(importErrors(sweep(['lr: {min: 0.5, max: 0.1}']), sweepFile))).toMatchObject({ line: 5, column: 13, message: expect.stringContaining('min (0.5) is greater than max (0.1)') });
    expect(firstError(importErrors(sweep(['lr: {min: low, max: 0.1}']), sweepFile))).toMatchObject({ line: 5, column: 13, message: expect.stringContaining('expected a finite number for "min"') });
    expect(firstError(importErrors(sweep(['lr: {distribution: log_uniform_values, min: 0, max: 0.1}']), sweepFile))).toMatchObject({ line: 5, message: expect.stringContaining('needs min > 0') });
    expect(firstError(importErrors(sweep(['n: {distribution: int_uniform, min: 1.5, max: 4}']), sweepFile)).message).toContain('integer min and max');
  });

  it('points at a negative sigma and a q that is not positive, in each normal-family distribution', () => {
    for (const dist of ['normal', 'q_normal', 'log_normal', 'q_log_normal']) {
      const e = firstError(importErrors(sweep([`x: {distribution: ${dist}, mu: 1, sigma: -2}`]), sweepFile));
      expect(e, dist).toMatchObject({ line: 5, column: 37 + dist.length, message: 'sigma must be at least 0, got -2 in parameter "x"' });
    }
    for (const dist of ['q_normal', 'q_log_normal']) {
      const e = firstError(importErrors(sweep([`x: {distribution: ${dist}, mu: 1, sigma: 2, q: 0}`]), sweepFile));
      expect(e, dist).toMatchObject({ line: 5, message: 'q must be greater than 0, got 0 in parameter "x"' });
      // Both checks run: a sweep with both mistakes gets both errors at once.
      const both = importErrors(sweep([`x: {distribution: ${dist}, sigma: -1, q: -3}`]), sweepFile).map((i) => i.message);
      expect(both, dist).toEqual(expect.arrayContaining([expect.stringContaining('sigma must be at least 0'), expect.stringContaining('q must be greater than 0')]));
    }
    // Without q, the q_ forms round to whole numbers (q defaults to 1, as in W&B).
    const { spec } = importOk(sweep(['a: {distribution: q_normal, mu: 10, sigma: 2}', 'b: {distribution: q_log_normal, mu: 2, sigma: 0.5}']), sweepFile);
    expect(param(spec, 'a')).toEqual({ kind: 'int', low: 4, high: 16 });
    expect(param(spec, 'b')).toMatchObject({ kind: 'int', log: true });
  });

  it('requires parameters, and at least one that is searched', () => {
    expect(firstError(importErrors('program: t.py\nmethod: grid\n', sweepFile)).message).toContain('missing "parameters"');
    expect(firstError(importErrors(sweep(['a: {value: 1}', 'b: {value: 2}']), sweepFile)).message).toContain('every W&B parameter here is a constant');
    expect(firstError(importErrors(sweep(['a: 3']), sweepFile))).toMatchObject({ line: 5, column: 6, message: expect.stringContaining('expected a mapping for parameter "a"') });
    expect(firstError(importErrors(sweep(['a: {q: 2}']), sweepFile)).message).toContain('needs "values", "value", "min" and "max"');
  });

  it('points at empty parameters', () => {
    expect(firstError(importErrors('program: t.py\nparameters: {}\n', sweepFile))).toMatchObject({ line: 2, column: 13, message: expect.stringContaining('"parameters" is empty') });
  });

  it('points at a bad metric goal and a bad run_cap', () => {
    expect(firstError(importErrors(sweep(['x: {values: [1]}'], ['program: t.py', 'method: grid', 'metric: {name: loss, goal: up}']), sweepFile))).toMatchObject({ line: 3, column: 28 });
    expect(firstError(importErrors(sweep(['x: {values: [1]}'], ['program: t.py', 'method: grid', 'metric: {name: loss}', 'run_cap: 0']), sweepFile))).toMatchObject({ line: 4, column: 10 });
  });
});

function firstWarning(imported: { result: { warnings: ReadonlyArray<{ message: string; line: number; column: number }> } }, fragment: string): { message: string; line: number; column: number } | undefined {
  return imported.result.warnings.find((w) => w.message.includes(fragment));
}
