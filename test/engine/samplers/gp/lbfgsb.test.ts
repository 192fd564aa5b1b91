import { describe, expect, it } from 'vitest';
import { minimizeInBox } from '../../../../src/engine/samplers/gp/lbfgsb';

describe('minimizeInBox (projected L-BFGS)', () => {
  it('minimises a bowl whose optimum lies outside the box, stopping on the active bound', () => {
    // f = (x − 2)² + 10(y + 0.5)², box [0, 1] × [−1, 1] → optimum (1, −0.5).
    const r = minimizeInBox(
      (x, g) => {
        const a = (x[0] ?? 0) - 2;
        const b = (x[1] ?? 0) + 0.5;
        g[0] = 2 * a;
        g[1] = 20 * b;
        return a * a + 10 * b * b;
      },
      Float64Array.of(0.2, 0.9),
      Float64Array.of(0, -1),
      Float64Array.of(1, 1),
      { maxIterations: 100 },
    );
    expect(r.x[0]).toBeCloseTo(1, 8);
    expect(r.x[1]).toBeCloseTo(-0.5, 6);
  });

  it('solves the Rosenbrock valley and respects the evaluation cap', () => {
    const f = (x: Float64Array, g: Float64Array): number => {
      const a = x[0] ?? 0;
      const b = x[1] ?? 0;
      g[0] = -400 * a * (b - a * a) - 2 * (1 - a);
      g[1] = 200 * (b - a * a);
      return 100 * (b - a * a) ** 2 + (1 - a) ** 2;
    };
    const lo = Float64Array.of(-2, -2);
    const hi = Float64Array.of(2, 2);
    const r = minimizeInBox(f, Float64Array.of(-1.2, 1), lo, hi, { maxIterations: 500, relativeTolerance: 0, gradientTolerance: 1e-10 });
    expect(r.value).toBeLessThan(1e-10);
    const capped = minimizeInBox(f, Float64Array.of(-1.2, 1), lo, hi, { maxIterations: 500, maxEvaluations: 7 });
    expect(capped.evaluations).toBeLessThanOrEqual(7);
  });

  it('returns the clamped start when the objective is not finite there', () => {
    const r = minimizeInBox(() => NaN, Float64Array.of(5), Float64Array.of(0), Float64Array.of(1), { maxIterations: 10 });
    expect(Array.from(r.x)).toEqual([1]);
    expect(r.value).toBe(Infinity);
  });
});
