import { describe, expect, it } from 'vitest';
import { createSampler, samplerFactories } from '../../../src/engine/samplers/registry';
import { flatSpace, mixedSpace, requestFor } from '../../contracts/samplerContract';

describe('sampler registry', () => {
  it('lists random, grid and sobol', () => {
    expect(Object.keys(samplerFactories)).toEqual(expect.arrayContaining(['random', 'grid', 'sobol']));
  });

  it('builds each sampler by name', () => {
    for (const type of ['random', 'sobol']) {
      const r = createSampler(type, mixedSpace, {}, 1);
      expect(r.ok).toBe(true);
      if (r.ok) {
        expect(r.value.name).toBe(type);
        expect(r.value.ask(requestFor(1, 0)).kind).toBe('suggest');
      }
    }
    const grid = createSampler('grid', flatSpace, { grid_points: 4 }, 1);
    expect(grid.ok && grid.value.name).toBe('grid');
  });

  it('rejects an unknown type, listing the available ones', () => {
    const r = createSampler('annealing', flatSpace, {}, 1);
    expect(r).toEqual({ ok: false, error: expect.stringContaining('unknown sampler "annealing"; available: ') });
    if (!r.ok) for (const name of ['grid', 'random', 'sobol']) expect(r.error).toContain(name);
    expect(createSampler('toString', flatSpace, {}, 1).ok).toBe(false);
  });

  it('returns the grid error naming the parameter instead of throwing', () => {
    const r = createSampler('grid', flatSpace, {}, 1);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/"x" needs `values` or `grid_points`/);
    expect(createSampler('grid', flatSpace, { grid_points: -1 }, 1).ok).toBe(false);
  });
});
