/**
 * Benchmark objectives for the GP sampler's quality tests, from /work/shared/bench/problems/SPEC.md
 * (Branin, Hartmann-6) plus a shifted, anisotropic 2-D quadratic. All minimised; `optimum` is f_opt, so
 * regret = best − optimum.
 */
import { createSearchSpace } from '../../../../src/engine/space/searchSpace';
import type { Config, SearchSpace } from '../../../../src/engine/space/searchSpace';

/** A minimisation problem over a search space. */
export interface Problem {
  readonly name: string;
  readonly space: SearchSpace;
  readonly optimum: number;
  evaluate(config: Config): number;
}

const num = (config: Config, key: string): number => {
  const v = config[key];
  if (typeof v !== 'number') throw new Error(`missing ${key}`);
  return v;
};

/** Branin on x0 ∈ [−5, 10], x1 ∈ [0, 15]; f_opt = 5/(4π). */
export const branin: Problem = {
  name: 'branin',
  space: createSearchSpace([
    ['x0', { kind: 'float', low: -5, high: 10 }],
    ['x1', { kind: 'float', low: 0, high: 15 }],
  ]),
  optimum: 5 / (4 * Math.PI),
  evaluate(config) {
    const x0 = num(config, 'x0');
    const x1 = num(config, 'x1');
    const b = 5.1 / (4 * Math.PI * Math.PI);
    const c = 5 / Math.PI;
    const t = 1 / (8 * Math.PI);
    return (x1 - b * x0 * x0 + c * x0 - 6) ** 2 + 10 * (1 - t) * Math.cos(x0) + 10;
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

/** Hartmann-6 on [0, 1]^6; f_opt = −3.322368011415515. */
export const hartmann6: Problem = {
  name: 'hartmann6',
  space: createSearchSpace(Array.from({ length: 6 }, (_, j) => [`x${j}`, { kind: 'float', low: 0, high: 1 }] as const)),
  optimum: -3.322368011415515,
  evaluate(config) {
    let f = 0;
    for (let i = 0; i < 4; i++) {
      let s = 0;
      for (let j = 0; j < 6; j++) {
        const d = num(config, `x${j}`) - (H6_P[i]?.[j] ?? 0);
        s += (H6_A[i]?.[j] ?? 0) * d * d;
      }
      f -= (H6_ALPHA[i] ?? 0) * Math.exp(-s);
    }
    return f;
  },
};

/** (x − 1.3)² + 3·(y + 0.7)² on x ∈ [−5, 5], y ∈ [−3, 3]; f_opt = 0. */
export const quadratic2d: Problem = {
  name: 'quadratic2d',
  space: createSearchSpace([
    ['x', { kind: 'float', low: -5, high: 5 }],
    ['y', { kind: 'float', low: -3, high: 3 }],
  ]),
  optimum: 0,
  evaluate(config) {
    return (num(config, 'x') - 1.3) ** 2 + 3 * (num(config, 'y') + 0.7) ** 2;
  },
};
