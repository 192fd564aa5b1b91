/**
 * Benchmark objectives for the GP sampler's quality tests, from /work/shared/bench/problems/SPEC.md
 * (Branin, Hartmann-6, in test/helpers/objectives.ts) plus a shifted, anisotropic 2-D quadratic. All
 * minimised; regret = best − fOpt.
 */
import { createSearchSpace } from '../../../../src/engine/space/searchSpace';
import { num, type Problem } from '../../../helpers/objectives';

export { branin, hartmann6, type Problem } from '../../../helpers/objectives';

/** (x − 1.3)² + 3·(y + 0.7)² on x ∈ [−5, 5], y ∈ [−3, 3]; f_opt = 0. */
export const quadratic2d: Problem = {
  name: 'quadratic2d',
  space: createSearchSpace([
    ['x', { kind: 'float', low: -5, high: 5 }],
    ['y', { kind: 'float', low: -3, high: 3 }],
  ]),
  fOpt: 0,
  evaluate(config) {
    return (num(config, 'x') - 1.3) ** 2 + 3 * (num(config, 'y') + 0.7) ** 2;
  },
};
