/**
 * Quality smoke test (ARCHITECTURE.md, sampler tier): over 10 seeds at 50 trials, the GP sampler's median simple
 * regret must beat random search's by a wide margin on Branin, Hartmann-6 and a 2-D quadratic. Thresholds are
 * loose on purpose (no exact values); the medians measured with the defaults of 2026-11-24 (additive kernel part,
 * `auto` warp) are in the test names; the README has the harness figures.
 */
import { describe, expect, it } from 'vitest';
import { createGpSampler } from '../../../../src/engine/samplers/gp/gpSampler';
import { createRandomSampler } from '../../../../src/engine/samplers/random';
import type { SamplerFactory } from '../../../../src/engine/samplers/sampler';
import { requestFor } from '../../../contracts/samplerContract';
import { branin, hartmann6, quadratic2d } from './problems';
import type { Problem } from './problems';

const SEEDS = 10;
const TRIALS = 50;

function medianRegret(factory: SamplerFactory, problem: Problem): number {
  const regrets: number[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    const sampler = factory(problem.space, {}, seed);
    let best = Infinity;
    for (let n = 0; n < TRIALS; n++) {
      const a = sampler.ask(requestFor(seed, n));
      if (a.kind !== 'suggest') throw new Error('exhausted');
      const loss = problem.evaluate(a.config);
      best = Math.min(best, loss);
      sampler.tell({ trialId: String(n), trialNumber: n, config: a.config, budget: 1, loss, status: 'completed' });
    }
    regrets.push(best - problem.fOpt);
  }
  regrets.sort((a, b) => a - b);
  return ((regrets[SEEDS / 2 - 1] ?? 0) + (regrets[SEEDS / 2] ?? 0)) / 2;
}

// Generous timeouts: 10 × 50 GP asks per test took 131 s once while other jobs loaded the 2-core machine (load 13).
describe('gp sampler quality (10 seeds × 50 trials, median regret)', () => {
  it('branin: far below random (measured: gp ≈ 3e-5, random ≈ 0.97)', { timeout: 300_000 }, () => {
    const gp = medianRegret(createGpSampler, branin);
    expect(gp).toBeLessThan(0.01);
    expect(gp).toBeLessThan(medianRegret(createRandomSampler, branin) / 20);
  });

  it('hartmann6: well below random (measured: gp ≈ 0.12, bimodal: some seeds reach ~1e-3, the rest sit in the 0.12 local basin; random ≈ 1.45)', { timeout: 300_000 }, () => {
    const gp = medianRegret(createGpSampler, hartmann6);
    expect(gp).toBeLessThan(0.25);
    expect(gp).toBeLessThan(medianRegret(createRandomSampler, hartmann6) / 4);
  });

  it('2-D quadratic: far below random (measured: gp ≈ 1.4e-6, random ≈ 0.75)', { timeout: 300_000 }, () => {
    const gp = medianRegret(createGpSampler, quadratic2d);
    expect(gp).toBeLessThan(0.01);
    expect(gp).toBeLessThan(medianRegret(createRandomSampler, quadratic2d) / 20);
  });
});
