/**
 * Synthetic objectives for the TPE quality smoke tests (formulas from /work/shared/bench/problems/SPEC.md)
 * and a sequential ask → tell driver.
 */
import type { Observation, SamplerFactory } from '../../../../src/engine/samplers/sampler';
import { createSearchSpace } from '../../../../src/engine/space/searchSpace';
import type { Config, SearchSpace } from '../../../../src/engine/space/searchSpace';
import { requestFor } from '../../../contracts/samplerContract';

/** A minimisation problem with its known optimum. */
export interface Problem {
  readonly name: string;
  readonly space: SearchSpace;
  readonly fOpt: number;
  evaluate(config: Config): number;
}

const num = (config: Config, name: string): number => {
  const v = config[name];
  if (typeof v !== 'number') throw new Error(`missing ${name}`);
  return v;
};

/** (x − 1)² + (y + 2)² on [−5, 5]². */
export const quadratic2d: Problem = {
  name: 'quadratic2d',
  space: createSearchSpace([
    ['x', { kind: 'float', low: -5, high: 5 }],
    ['y', { kind: 'float', low: -5, high: 5 }],
  ]),
  fOpt: 0,
  evaluate: (c) => (num(c, 'x') - 1) ** 2 + (num(c, 'y') + 2) ** 2,
};

/** Branin on x0 ∈ [−5, 10], x1 ∈ [0, 15]. */
export const branin: Problem = {
  name: 'branin',
  space: createSearchSpace([
    ['x0', { kind: 'float', low: -5, high: 10 }],
    ['x1', { kind: 'float', low: 0, high: 15 }],
  ]),
  fOpt: 5 / (4 * Math.PI),
  evaluate: (c) => {
    const x0 = num(c, 'x0');
    const x1 = num(c, 'x1');
    const b = 5.1 / (4 * Math.PI ** 2);
    const cc = 5 / Math.PI;
    const t = 1 / (8 * Math.PI);
    return (x1 - b * x0 ** 2 + cc * x0 - 6) ** 2 + 10 * (1 - t) * Math.cos(x0) + 10;
  },
};

const H6_ALPHA = [1.0, 1.2, 3.0, 3.2];
const H6_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const H6_P = [
  [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
  [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
  [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.665],
  [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
];

/** Hartmann-6 on [0, 1]^6. */
export const hartmann6: Problem = {
  name: 'hartmann6',
  space: createSearchSpace([0, 1, 2, 3, 4, 5].map((i) => [`x${i}`, { kind: 'float', low: 0, high: 1 }] as const)),
  fOpt: -3.322368011415515,
  evaluate: (c) => {
    let f = 0;
    for (let i = 0; i < 4; i++) {
      let s = 0;
      for (let j = 0; j < 6; j++) s += (H6_A[i]?.[j] ?? 0) * (num(c, `x${j}`) - (H6_P[i]?.[j] ?? 0)) ** 2;
      f -= (H6_ALPHA[i] ?? 0) * Math.exp(-s);
    }
    return f;
  },
};

/** Runs `trials` sequential ask → tell rounds and returns the best regret (best loss − fOpt). */
export function bestRegret(factory: SamplerFactory, options: Readonly<Record<string, unknown>>, problem: Problem, seed: number, trials: number): number {
  const sampler = factory(problem.space, options, seed);
  let best = Infinity;
  for (let n = 0; n < trials; n++) {
    const answer = sampler.ask(requestFor(seed, n));
    if (answer.kind !== 'suggest') break;
    const loss = problem.evaluate(answer.config);
    best = Math.min(best, loss);
    const observation: Observation = { trialId: String(n), trialNumber: n, config: answer.config, budget: 1, loss, status: 'completed' };
    sampler.tell(observation);
  }
  return best - problem.fOpt;
}

/** Median of a list of numbers. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}
