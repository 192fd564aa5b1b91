/** The `auto` sampler: its choice rules, the logged reason, delegation and the study-file defaults that feed it. */
import { describe, expect, it } from 'vitest';
import { GP_MAX_DIMS, chooseAutoSampler, createAutoSampler, describeAutoChoice } from '../../../src/engine/samplers/auto';
import { createBohbSampler } from '../../../src/engine/samplers/bohb';
import { createGpSampler } from '../../../src/engine/samplers/gp/gpSampler';
import type { AskResult, Observation, Sampler, SamplerFactory } from '../../../src/engine/samplers/sampler';
import { createTpeSampler } from '../../../src/engine/samplers/tpe/tpeSampler';
import { checkStudySpec } from '../../../src/engine/spec/parseStudySpec';
import { createSearchSpace } from '../../../src/engine/space/searchSpace';
import type { ParamSpec, SearchSpace } from '../../../src/engine/space/searchSpace';
import { flatSpace, mixedSpace, nestedSpace, requestFor } from '../../contracts/samplerContract';

const floats = (n: number): SearchSpace =>
  createSearchSpace(Array.from({ length: n }, (_, i): [string, ParamSpec] => [`x${i}`, { kind: 'float', low: 0, high: 1 }]));

describe('choice rules', () => {
  it('a successive-halving scheduler → bohb, whatever the space', () => {
    for (const scheduler of ['sha', 'hyperband', 'asha', 'bohb']) {
      for (const space of [flatSpace, mixedSpace, nestedSpace]) {
        expect(chooseAutoSampler(space, { trials: 30, scheduler }).type).toBe('bohb');
      }
    }
    expect(describeAutoChoice(mixedSpace, { scheduler: 'hyperband' })).toBe(
      'auto: bohb (hyperband scheduler: a TPE model per budget; 7 parameters: 2 float, 3 int, 2 categorical)',
    );
  });

  it('few numeric parameters and at most 100 trials → gp', () => {
    expect(chooseAutoSampler(floats(6), { trials: 50, scheduler: 'fifo' })).toEqual({ type: 'gp', options: {}, reason: 'auto: gp (6 float parameters, 50 trials)' });
    expect(chooseAutoSampler(floats(GP_MAX_DIMS), { trials: 100, scheduler: 'median' }).type).toBe('gp');
    const ints = createSearchSpace([
      ['x', { kind: 'float', low: 1e-4, high: 1, log: true }],
      ['n', { kind: 'int', low: 1, high: 1000 }],
    ]);
    expect(describeAutoChoice(ints, { trials: 20 })).toBe('auto: gp (2 parameters: 1 float, 1 int, 20 trials)');
  });

  it('otherwise multivariate tpe, with the reason gp was not picked', () => {
    const tpe = (space: SearchSpace, options: Readonly<Record<string, unknown>>): string => {
      const choice = chooseAutoSampler(space, options);
      expect(choice.type).toBe('tpe');
      expect(choice.options).toEqual({ multivariate: true });
      return choice.reason;
    };
    expect(tpe(mixedSpace, { trials: 50 })).toBe('auto: tpe multivariate (7 parameters: 2 float, 3 int, 2 categorical; gp is for numeric parameters only)');
    const conditionalNumeric = createSearchSpace([
      ['opt', { kind: 'categorical', choices: ['a'] }],
      ['m', { kind: 'float', low: 0, high: 1, when: { opt: ['a'] } }],
    ]);
    expect(tpe(conditionalNumeric, { trials: 50 })).toContain('categorical');
    expect(tpe(floats(GP_MAX_DIMS + 1), { trials: 50 })).toBe('auto: tpe multivariate (9 float parameters; gp is for at most 8)');
    expect(tpe(floats(3), { trials: 101 })).toBe('auto: tpe multivariate (3 float parameters, 101 trials; gp is for at most 100)');
    expect(tpe(floats(3), {})).toBe('auto: tpe multivariate (3 float parameters, trials not set; gp is for at most 100 trials)');
    const smallGrid = createSearchSpace([
      ['a', { kind: 'int', low: 1, high: 4 }],
      ['b', { kind: 'float', low: 0, high: 1, step: 0.25 }],
    ]);
    expect(tpe(smallGrid, { trials: 40 })).toBe('auto: tpe multivariate (2 parameters: 1 float, 1 int with only 20 distinct configs for 40 trials; tpe never repeats one)');
    expect(chooseAutoSampler(smallGrid, { trials: 10 }).type).toBe('gp');
  });

  it('rejects malformed inputs (the registry turns them into a Result)', () => {
    expect(() => chooseAutoSampler(flatSpace, { trials: 0 })).toThrow(/trials must be a positive integer/);
    expect(() => chooseAutoSampler(flatSpace, { scheduler: 3 })).toThrow(/scheduler/);
  });
});

describe('delegation', () => {
  const observe = (n: number, answer: AskResult): Observation | undefined => {
    if (answer.kind !== 'suggest') return undefined;
    const loss = Object.values(answer.config).reduce<number>((s, v) => s + (typeof v === 'number' ? Math.abs(v - 0.3) : String(v).length), 0);
    return { trialId: String(n), trialNumber: n, config: answer.config, budget: n % 3 === 0 ? 9 : 1, loss, status: 'completed' };
  };
  const drive = (sampler: Sampler, seed: number, trials: number): AskResult[] => {
    const answers: AskResult[] = [];
    for (let n = 0; n < trials; n++) {
      const answer = sampler.ask({ ...requestFor(seed, n), budget: n % 3 === 0 ? 9 : 1 });
      answers.push(answer);
      const o = observe(n, answer);
      if (o) sampler.tell(o);
    }
    return answers;
  };
  const cases: ReadonlyArray<readonly [string, SearchSpace, Readonly<Record<string, unknown>>, SamplerFactory, Readonly<Record<string, unknown>>]> = [
    ['gp', flatSpace, { trials: 30, scheduler: 'fifo' }, createGpSampler, {}],
    ['tpe', nestedSpace, { trials: 30, scheduler: 'fifo' }, createTpeSampler, { multivariate: true }],
    ['bohb', mixedSpace, { trials: 30, scheduler: 'asha' }, createBohbSampler, {}],
  ];
  for (const [name, space, options, factory, delegateOptions] of cases) {
    it(`asks exactly what ${name} asks; trial 0's note starts with the choice`, () => {
      const trials = name === 'gp' ? 14 : 30;
      const auto = drive(createAutoSampler(space, options, 7), 7, trials);
      const direct = drive(factory(space, delegateOptions, 7), 7, trials);
      const reason = describeAutoChoice(space, options);
      expect(reason.startsWith(`auto: ${name}`)).toBe(true);
      auto.forEach((answer, n) => {
        const expected = direct[n];
        if (n === 0 && answer.kind === 'suggest' && expected?.kind === 'suggest') {
          expect(answer.config).toEqual(expected.config);
          expect(answer.note).toBe(expected.note === undefined ? reason : `${reason}; ${expected.note}`);
        } else {
          expect(answer).toEqual(expected);
        }
      });
    });
  }

  it('is named auto', () => {
    expect(createAutoSampler(flatSpace, {}, 0).name).toBe('auto');
  });
});

describe('study file: the default sampler is auto, told trials and scheduler', () => {
  const FILE = '/home/u/proj/study.rung.yaml';
  const head = 'name: t\ncommand: run {args} --epochs {budget}\nmetric: loss\nparameters:\n  x: {type: float, low: 0, high: 1}\n  y: {type: float, low: 0, high: 1}\n';
  const spec = (tail: string) => {
    const checked = checkStudySpec(head + tail, FILE);
    if (!checked.spec) throw new Error(checked.issues.map((i) => i.message).join('\n'));
    return { spec: checked.spec, issues: checked.issues };
  };

  it('fills options {trials, scheduler} and the choice follows them', () => {
    const a = spec('trials: 40\nbudget: 9\n').spec;
    expect(a.sampler).toEqual({ type: 'auto', options: { trials: 40, scheduler: 'fifo' } });
    expect(describeAutoChoice(a.space, a.sampler.options)).toBe('auto: gp (2 float parameters, 40 trials)');
    const b = spec('scheduler: {type: asha, max_budget: 27}\n').spec;
    expect(b.sampler).toEqual({ type: 'auto', options: { scheduler: 'asha' } });
    expect(chooseAutoSampler(b.space, b.sampler.options).type).toBe('bohb');
    const c = spec('sampler: auto\nscheduler: {type: bohb, max_budget: 27}\ntrials: 10\n').spec;
    expect(c.sampler).toEqual({ type: 'auto', options: { trials: 10, scheduler: 'hyperband' } });
  });

  it('an explicit sampler is left alone', () => {
    expect(spec('sampler: random\ntrials: 40\nbudget: 3\n').spec.sampler).toEqual({ type: 'random', options: {} });
  });
});
