import { describe, expect, it } from 'vitest';
import { createRandomSampler } from '../../../src/engine/samplers/random';
import type { Sampler } from '../../../src/engine/samplers/sampler';
import { createSearchSpace } from '../../../src/engine/space/searchSpace';
import type { Config } from '../../../src/engine/space/searchSpace';
import { mixedSpace, nestedSpace, requestFor } from '../../contracts/samplerContract';

function configOf(sampler: Sampler, seed: number, n: number): Config {
  const answer = sampler.ask(requestFor(seed, n));
  if (answer.kind !== 'suggest') throw new Error('random sampler never exhausts');
  return answer.config;
}

describe('createRandomSampler', () => {
  it('depends only on the seed and trial number, not on ask order or tells', () => {
    const a = createRandomSampler(mixedSpace, {}, 1);
    const forward = [0, 1, 2, 3, 4].map((n) => configOf(a, 8, n));
    const b = createRandomSampler(mixedSpace, {}, 1);
    b.tell({ trialId: '0', trialNumber: 0, config: forward[0] ?? {}, budget: 1, loss: 0.5, status: 'completed' });
    const backward = [4, 3, 2, 1, 0].map((n) => configOf(b, 8, n)).reverse();
    expect(backward).toEqual(forward);
    expect(configOf(a, 9, 0)).not.toEqual(forward[0]);
  });

  it('draws uniform, log-uniform, stepped and categorical values with the right frequencies', () => {
    const space = createSearchSpace([
      ['u', { kind: 'float', low: -1, high: 1 }],
      ['lg', { kind: 'float', low: 1e-6, high: 1, log: true }],
      ['k', { kind: 'int', low: 0, high: 3 }],
      ['s', { kind: 'float', low: 0, high: 1, step: 0.25 }],
      ['c', { kind: 'categorical', choices: ['a', 'b'] }],
    ]);
    const sampler = createRandomSampler(space, {}, 0);
    const n = 20_000;
    let sumU = 0;
    let smallLog = 0;
    const ks = [0, 0, 0, 0];
    const steps = new Map<number, number>();
    let countA = 0;
    for (let i = 0; i < n; i++) {
      const c = configOf(sampler, 3, i);
      sumU += Number(c['u']);
      if (Number(c['lg']) < 1e-3) smallLog++;
      const k = Number(c['k']);
      ks[k] = (ks[k] ?? 0) + 1;
      steps.set(Number(c['s']), (steps.get(Number(c['s'])) ?? 0) + 1);
      if (c['c'] === 'a') countA++;
    }
    expect(Math.abs(sumU / n)).toBeLessThan(0.03);
    expect(smallLog / n).toBeCloseTo(0.5, 1);
    for (const count of ks) expect(Math.abs(count / n - 0.25)).toBeLessThan(0.02);
    expect([...steps.keys()].sort()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    for (const count of steps.values()) expect(Math.abs(count / n - 0.2)).toBeLessThan(0.02);
    expect(countA / n).toBeCloseTo(0.5, 1);
  });

  it('includes conditional params exactly when active', () => {
    const sampler = createRandomSampler(nestedSpace, {}, 0);
    let sgd = 0;
    for (let i = 0; i < 3000; i++) {
      const c = configOf(sampler, 1, i);
      expect('momentum' in c).toBe(c['optimizer'] === 'sgd');
      expect('beta2' in c).toBe(c['optimizer'] === 'adam');
      expect('decay_steps' in c).toBe(c['schedule'] === 'step');
      if (c['optimizer'] === 'sgd') sgd++;
    }
    expect(sgd / 3000).toBeCloseTo(1 / 3, 1);
  });
});
