/**
 * Test objectives for the CMA-ES and evolution samplers (sphere, Rosenbrock, a flat function, a mixed conditional
 * space) and a sequential ask → tell driver that records the best loss.
 */
import type { Observation, Sampler, SamplerFactory } from '../../../../src/engine/samplers/sampler';
import { createSearchSpace } from '../../../../src/engine/space/searchSpace';
import type { Config, SearchSpace } from '../../../../src/engine/space/searchSpace';
import { requestFor } from '../../../contracts/samplerContract';

/** A minimisation problem. */
export interface Problem {
  readonly name: string;
  readonly space: SearchSpace;
  /** The loss of a config; null = the trial fails. */
  evaluate(config: Config): number | null;
}

const num = (config: Config, name: string): number => {
  const v = config[name];
  if (typeof v !== 'number') throw new Error(`missing ${name}`);
  return v;
};

const floats = (n: number, low: number, high: number): SearchSpace =>
  createSearchSpace(Array.from({ length: n }, (_, i) => [`x${i}`, { kind: 'float' as const, low, high }] as const));

/** Σ (x_i − c_i)² on [−5, 5]^n, optimum off-centre at c_i = 1.5 − 0.7 i. */
export function sphere(n: number): Problem {
  return {
    name: `sphere${n}d`,
    space: floats(n, -5, 5),
    evaluate: (c) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += (num(c, `x${i}`) - (1.5 - 0.7 * i)) ** 2;
      return s;
    },
  };
}

/** Rosenbrock Σ 100 (x_{i+1} − x_i²)² + (1 − x_i)² on [−2, 2]^n, optimum 0 at (1, …, 1). */
export function rosenbrock(n: number): Problem {
  return {
    name: `rosenbrock${n}d`,
    space: floats(n, -2, 2),
    evaluate: (c) => {
      let s = 0;
      for (let i = 0; i + 1 < n; i++) s += 100 * (num(c, `x${i + 1}`) - num(c, `x${i}`) ** 2) ** 2 + (1 - num(c, `x${i}`)) ** 2;
      return s;
    },
  };
}

/** A constant objective (every trial scores 1). */
export const flat: Problem = { name: 'flat', space: floats(2, 0, 1), evaluate: () => 1 };

/**
 * A mixed, conditional space: optimizer (categorical) decides which of momentum / beta2 is active, plus a log
 * float, a log int, a stepped float and a categorical. The optimum is sgd, momentum 0.9, lr 0.01, hidden 128,
 * dropout 0.2, activation gelu; adam is worse by a constant offset; lr > 0.3 with sgd fails.
 */
export const mixedConditional: Problem = {
  name: 'mixed-conditional',
  space: createSearchSpace([
    ['optimizer', { kind: 'categorical', choices: ['adam', 'sgd', 'rmsprop'] }],
    ['lr', { kind: 'float', low: 1e-5, high: 1, log: true }],
    ['momentum', { kind: 'float', low: 0, high: 0.99, when: { optimizer: ['sgd'] } }],
    ['beta2', { kind: 'float', low: 0.9, high: 0.9999, when: { optimizer: ['adam'] } }],
    ['hidden', { kind: 'int', low: 8, high: 1024, log: true }],
    ['dropout', { kind: 'float', low: 0, high: 0.5, step: 0.05 }],
    ['activation', { kind: 'categorical', choices: ['relu', 'tanh', 'gelu', 'sigmoid'] }],
  ]),
  evaluate: (c) => {
    const opt = c['optimizer'];
    const lr = num(c, 'lr');
    if (opt === 'sgd' && lr > 0.3) return null;
    let loss = (Math.log10(lr) + 2) ** 2 + (Math.log2(num(c, 'hidden')) - 7) ** 2 / 4 + 10 * (num(c, 'dropout') - 0.2) ** 2;
    loss += c['activation'] === 'gelu' ? 0 : c['activation'] === 'relu' ? 0.3 : 1;
    if (opt === 'sgd') loss += 4 * (num(c, 'momentum') - 0.9) ** 2;
    else if (opt === 'adam') loss += 0.5 + 100 * (num(c, 'beta2') - 0.999) ** 2;
    else loss += 1;
    return loss;
  },
};

/** What `run` returns. */
export interface RunResult {
  readonly best: number;
  readonly configs: Config[];
  readonly notes: string[];
  readonly tells: Observation[];
}

/** Runs `trials` sequential ask → tell rounds (trial ids "0", "1", …, rng as the study forks it). */
export function run(factory: SamplerFactory, problem: Problem, seed: number, trials: number, options: Readonly<Record<string, unknown>> = {}): RunResult & { sampler: Sampler } {
  const sampler = factory(problem.space, options, seed);
  let best = Infinity;
  const configs: Config[] = [];
  const notes: string[] = [];
  const tells: Observation[] = [];
  for (let n = 0; n < trials; n++) {
    const answer = sampler.ask(requestFor(seed, n));
    if (answer.kind !== 'suggest') break;
    configs.push(answer.config);
    notes.push(answer.note ?? '');
    const loss = problem.evaluate(answer.config);
    if (loss !== null) best = Math.min(best, loss);
    const o: Observation = { trialId: String(n), trialNumber: n, config: answer.config, budget: 1, loss, status: loss === null ? 'failed' : 'completed' };
    sampler.tell(o);
    tells.push(o);
  }
  return { best, configs, notes, tells, sampler };
}

/** The median of a list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}
