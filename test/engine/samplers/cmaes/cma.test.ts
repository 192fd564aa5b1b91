import { describe, expect, it } from 'vitest';
import { cmaCondition, cmaDefaultPopulation, cmaSample, cmaTell, cmaTermination, createCmaState, mirrorUnit } from '../../../../src/engine/samplers/cmaes/cma';
import type { CmaState } from '../../../../src/engine/samplers/cmaes/cma';
import { symmetricEigen } from '../../../../src/engine/samplers/cmaes/jacobi';
import { createRng } from '../../../../src/engine/util/rng';

function randomSymmetric(n: number, seed: number): number[][] {
  const rng = createRng(seed);
  const a = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = rng.normal();
      (a[i] as number[])[j] = v;
      (a[j] as number[])[i] = v;
    }
  }
  return a;
}

/** Runs CMA-ES alone (no sampler) on f over the cube for `generations`; returns the state and best value. */
function minimise(f: (x: readonly number[]) => number, dim: number, generations: number, seed: number): { state: CmaState; best: number } {
  let state = createCmaState({ dim, sigma: 0.3 });
  const rng = createRng(seed);
  let best = Infinity;
  for (let g = 0; g < generations; g++) {
    const solutions = Array.from({ length: state.lambda }, (_, k) => {
      const { x } = cmaSample(state, rng.fork(`${g}:${k}`));
      return { x, value: f(x) };
    });
    solutions.sort((a, b) => a.value - b.value);
    best = Math.min(best, solutions[0]?.value ?? Infinity);
    state = cmaTell(state, solutions);
  }
  return { state, best };
}

describe('symmetricEigen (Jacobi)', () => {
  it('reconstructs random symmetric matrices with orthonormal eigenvectors', () => {
    for (const n of [1, 2, 5, 12]) {
      const a = randomSymmetric(n, n);
      const { values, vectors } = symmetricEigen(a);
      for (let i = 1; i < n; i++) expect(values[i] ?? 0).toBeGreaterThanOrEqual(values[i - 1] ?? 0);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let rebuilt = 0;
          let dot = 0;
          for (let k = 0; k < n; k++) {
            rebuilt += (vectors[i]?.[k] ?? 0) * (values[k] ?? 0) * (vectors[j]?.[k] ?? 0);
            dot += (vectors[k]?.[i] ?? 0) * (vectors[k]?.[j] ?? 0);
          }
          expect(rebuilt).toBeCloseTo(a[i]?.[j] ?? 0, 10);
          expect(dot).toBeCloseTo(i === j ? 1 : 0, 10);
        }
      }
    }
  });

  it('handles diagonal, degenerate and badly scaled matrices', () => {
    expect(symmetricEigen([[3, 0], [0, 1]]).values).toEqual([1, 3]);
    expect(symmetricEigen([[2, 0, 0], [0, 2, 0], [0, 0, 2]]).values).toEqual([2, 2, 2]);
    const scaled = symmetricEigen([[1e12, 1e-3], [1e-3, 1e-12]]);
    expect(scaled.values[1]).toBeCloseTo(1e12, -2);
    expect(scaled.values[0]).toBeGreaterThan(-1e-12);
    expect(symmetricEigen([]).values).toEqual([]);
  });
});

describe('CMA-ES state machine', () => {
  it("uses Hansen's default population and strategy constants", () => {
    expect(cmaDefaultPopulation(1)).toBe(4);
    expect(cmaDefaultPopulation(2)).toBe(6);
    expect(cmaDefaultPopulation(5)).toBe(8);
    expect(cmaDefaultPopulation(10)).toBe(10);
    const s = createCmaState({ dim: 10, sigma: 0.3 });
    expect(s.lambda).toBe(10);
    expect(s.mu).toBe(5);
    expect(s.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(s.weights[0] ?? 0).toBeGreaterThan(s.weights[4] ?? 1);
    expect(s.muEff).toBeGreaterThan(3);
    expect(s.muEff).toBeLessThan(4);
    expect(s.c1 + s.cMu).toBeLessThanOrEqual(1);
    expect(s.mean).toEqual(new Array<number>(10).fill(0.5));
  });

  it('samples inside the unit cube, mirroring when every redraw fails', () => {
    const corner = createCmaState({ dim: 3, sigma: 1, mean: [0, 1, 0.5] });
    const rng = createRng(3);
    let mirrored = 0;
    for (let i = 0; i < 200; i++) {
      const c = cmaSample(corner, rng, 1);
      if (c.mirrored) mirrored++;
      for (const v of c.x) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
    }
    expect(mirrored).toBeGreaterThan(100);
    expect([mirrorUnit(1.2), mirrorUnit(-0.3), mirrorUnit(2.5), mirrorUnit(-1.25), mirrorUnit(0.4)]).toEqual([
      expect.closeTo(0.8, 12),
      expect.closeTo(0.3, 12),
      expect.closeTo(0.5, 12),
      expect.closeTo(0.75, 12),
      0.4,
    ]);
  });

  it('converges on a sphere and adapts C to an ill-conditioned ellipsoid', () => {
    const sphere = minimise((x) => ((x[0] ?? 0) - 0.3) ** 2 + ((x[1] ?? 0) - 0.8) ** 2, 2, 120, 1);
    expect(sphere.best).toBeLessThan(1e-12);
    expect(sphere.state.mean[0]).toBeCloseTo(0.3, 5);
    // Ellipsoid with axis ratio 100 (condition 1e4): C learns the scaling.
    const ellipsoid = minimise((x) => ((x[0] ?? 0) - 0.5) ** 2 + 1e4 * ((x[1] ?? 0) - 0.5) ** 2, 2, 150, 2);
    expect(ellipsoid.best).toBeLessThan(1e-10);
    const c = ellipsoid.state.cov;
    expect((c[0]?.[0] ?? 0) / (c[1]?.[1] ?? 1)).toBeGreaterThan(100);
  });

  it('is plain JSON: a state that went through JSON.stringify continues identically', () => {
    let state = createCmaState({ dim: 4, sigma: 0.3 });
    const rng = createRng(8);
    const f = (x: readonly number[]): number => x.reduce((s, v, i) => s + (i + 1) * (v - 0.2) ** 2, 0);
    for (let g = 0; g < 5; g++) {
      const solutions = Array.from({ length: state.lambda }, () => {
        const { x } = cmaSample(state, rng);
        return { x, value: f(x) };
      }).sort((a, b) => a.value - b.value);
      state = cmaTell(state, solutions);
    }
    const copy = JSON.parse(JSON.stringify(state)) as CmaState;
    expect(copy).toEqual(state);
    const a = cmaSample(state, createRng(1));
    const b = cmaSample(copy, createRng(1));
    expect(b).toEqual(a);
    const solutions = [a, b, a, b, a, b, a, b].map((c, i) => ({ x: c.x, value: i }));
    expect(cmaTell(copy, solutions)).toEqual(cmaTell(state, solutions));
  });

  it('terminates on a flat objective (TolFun), a collapsed step size (TolX) and an exploding condition number', () => {
    let state = createCmaState({ dim: 2, sigma: 0.3 });
    const rng = createRng(5);
    let reason: string | undefined;
    let generations = 0;
    while (reason === undefined && generations < 200) {
      const solutions = Array.from({ length: state.lambda }, () => ({ x: cmaSample(state, rng).x, value: 7 }));
      state = cmaTell(state, solutions);
      generations++;
      reason = cmaTermination(state, { tolX: [1e-9, 1e-9] });
    }
    expect(reason).toMatch(/flat/);
    expect(generations).toBe(state.historyLength);

    const tiny = { ...createCmaState({ dim: 2, sigma: 1e-9 }) };
    expect(cmaTermination(tiny, { tolX: [1e-6, 1e-6] })).toMatch(/step size converged/);
    expect(cmaTermination(tiny, { tolX: [1e-6, 1e-12] })).toBeUndefined();

    const skewed: CmaState = { ...createCmaState({ dim: 2, sigma: 0.3 }), axisLengths: [1, 1e-8] };
    expect(cmaCondition(skewed)).toBeCloseTo(1e16, -6);
    expect(cmaTermination(skewed, { tolX: [1e-9, 1e-9] })).toMatch(/condition number/);
    expect(cmaTermination({ ...skewed, sigma: Number.NaN }, { tolX: [1e-9, 1e-9] })).toMatch(/numerical/);
  });

  it('keeps the mean inside the cube when the optimum lies outside it', () => {
    const out = minimise((x) => ((x[0] ?? 0) + 1) ** 2 + ((x[1] ?? 0) - 0.5) ** 2, 2, 60, 4);
    expect(out.state.mean[0]).toBeGreaterThanOrEqual(0);
    expect(out.state.mean[0]).toBeLessThan(0.01);
    expect(out.best).toBeLessThan(1.0001);
  });
});
