import { describe, expect, it } from 'vitest';
import { checkStudySpec } from '../../src/engine/index';
import { commandForScript, parseChoices, studyFileText, studyNameFromScript, type NewStudyAnswers } from '../../src/extension/commands/studyFileText';

const base: NewStudyAnswers = {
  name: 'train',
  command: 'python train.py {args}',
  metric: { name: 'val_loss', goal: 'minimize' },
  parameters: [
    { name: 'lr', type: 'float', low: 0.0001, high: 0.3, log: true },
    { name: 'hidden', type: 'int', low: 16, high: 512, log: true },
    { name: 'dropout', type: 'float', low: 0, high: 0.5, log: false },
    { name: 'optimizer', type: 'categorical', choices: ['adam', 'sgd'] },
  ],
  sampler: 'tpe',
  scheduler: { type: 'fifo' },
  trials: 20,
  parallel: 2,
};

function parse(answers: NewStudyAnswers): ReturnType<typeof checkStudySpec> {
  return checkStudySpec(studyFileText(answers), '/w/train.rung.yaml');
}

describe('studyFileText', () => {
  it('writes a study file the engine accepts, with the answers in it', () => {
    const check = parse(base);
    expect(check.issues.filter((i) => i.severity === 'error')).toEqual([]);
    const spec = check.spec!;
    expect(spec.name).toBe('train');
    expect(spec.command).toEqual(['python', 'train.py', '{args}']);
    expect(spec.metric.goal).toBe('minimize');
    expect([...spec.space.params.keys()]).toEqual(['lr', 'hidden', 'dropout', 'optimizer']);
    expect(spec.sampler.type).toBe('tpe');
    expect(spec.trials).toBe(20);
    expect(spec.parallel).toBe(2);
  });

  it.each(['asha', 'hyperband'])('writes budgets for %s with the budget argument in the command', (type) => {
    const check = parse({ ...base, command: commandForScript('train.py', '--epochs {budget}'), scheduler: { type, maxBudget: 27, minBudget: 1 }, parallel: 'auto' });
    expect(check.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(check.spec?.scheduler.maxBudget).toBe(27);
    expect(check.spec?.command).toEqual(['python', 'train.py', '{args}', '--epochs', '{budget}']);
    expect(check.spec?.parallel).toBe('auto');
  });

  it('quotes what YAML would misread', () => {
    const check = parse({
      ...base,
      metric: { name: 'val/loss', goal: 'maximize' },
      parameters: [{ name: 'act', type: 'categorical', choices: ['relu', 'yes', 'a b', 0.5, true] }],
      sampler: 'random',
    });
    expect(check.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(check.spec?.metric.name).toBe('val/loss');
    const act = check.spec?.space.params.get('act');
    expect(act?.kind === 'categorical' ? act.choices : undefined).toEqual(['relu', 'yes', 'a b', 0.5, true]);
  });

  it('keeps small float bounds floats', () => {
    const check = parse({ ...base, parameters: [{ name: 'wd', type: 'float', low: 1e-6, high: 1, log: true }] });
    expect(check.issues.filter((i) => i.severity === 'error')).toEqual([]);
    const wd = check.spec?.space.params.get('wd');
    expect(wd?.kind === 'float' ? [wd.low, wd.high] : undefined).toEqual([1e-6, 1]);
  });
});

describe('helpers', () => {
  it('derives a study name and command from the script', () => {
    expect(studyNameFromScript('src/train_mnist.py')).toBe('train_mnist');
    expect(studyNameFromScript('my script!.py')).toBe('my-script-');
    expect(commandForScript('train.py')).toBe('python train.py {args}');
    expect(commandForScript('train.mjs')).toBe('node train.mjs {args}');
    expect(commandForScript('run.sh')).toBe('./run.sh {args}');
    expect(commandForScript('my train.py')).toBe("python 'my train.py' {args}");
  });

  it('parses comma-separated choices into numbers, booleans and strings', () => {
    expect(parseChoices('adam, sgd , 0.5, true, 1e-3,')).toEqual(['adam', 'sgd', 0.5, true, 0.001]);
  });
});
