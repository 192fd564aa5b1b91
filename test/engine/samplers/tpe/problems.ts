/**
 * Synthetic objectives for the TPE quality smoke tests (formulas from /work/shared/bench/problems/SPEC.md)
 * and a sequential ask → tell driver.
 */
import type { Observation, SamplerFactory } from '../../../../src/engine/samplers/sampler';
import { createSearchSpace } from '../../../../src/engine/space/searchSpace';
import { num, type Problem } from '../../../helpers/objectives';
import { requestFor } from '../../../contracts/samplerContract';

export { branin, hartmann6, type Problem } from '../../../helpers/objectives';

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
