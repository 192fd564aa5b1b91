/**
 * Benchmark objectives shared by the samplers' quality tests, from /work/shared/bench/problems/SPEC.md
 * (Branin, Hartmann-6). All minimised; regret = best − fOpt.
 */
import { createSearchSpace } from '../../src/engine/space/searchSpace';
import type { Config, SearchSpace } from '../../src/engine/space/searchSpace';

/** A minimisation problem with its known optimum. */
export interface Problem {
  readonly name: string;
  readonly space: SearchSpace;
  readonly fOpt: number;
  evaluate(config: Config): number;
}

export const num = (config: Config, name: string): number => {
  const v = config[name];
  if (typeof v !== 'number') throw new Error(`missing ${name}`);
  return v;
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
