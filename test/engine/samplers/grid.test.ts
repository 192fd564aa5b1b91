import { describe, expect, it } from 'vitest';
import { createGridSampler, createIndexPermutation, parseGridSamplerOptions } from '../../../src/engine/samplers/grid';
import type { AskResult } from '../../../src/engine/samplers/sampler';
import { createSearchSpace } from '../../../src/engine/space/searchSpace';
import { requestFor } from '../../contracts/samplerContract';

// 2 × 3 × 4 = 24 points.
const space = createSearchSpace([
  ['opt', { kind: 'categorical', choices: ['adam', 'sgd'] }],
  ['lr', { kind: 'float', low: 1e-3, high: 1e-1, log: true }],
  ['units', { kind: 'int', low: 8, high: 64, values: [8, 16, 32, 64] }],
]);

function askAll(options: Readonly<Record<string, unknown>>, seed: number, count: number): AskResult[] {
  const sampler = createGridSampler(space, options, seed);
  return Array.from({ length: count }, (_, n) => sampler.ask(requestFor(seed, n)));
}

describe('createGridSampler', () => {
  it('gives trial n grid point n in odometer order, with a note, then exhausts', () => {
    const answers = askAll({ grid_points: 3 }, 1, 26);
    expect(answers[0]).toEqual({ kind: 'suggest', config: { opt: 'adam', lr: 1e-3, units: 8 }, note: 'grid point 1/24' });
    expect(answers[1]).toMatchObject({ config: { opt: 'adam', lr: 1e-3, units: 16 } });
    expect(answers[4]).toMatchObject({ note: 'grid point 5/24' });
    expect(answers[4]).toMatchObject({ config: { opt: 'adam', units: 8 } });
    const fifth = answers[4];
    expect(fifth?.kind === 'suggest' ? fifth.config['lr'] : undefined).toBeCloseTo(1e-2, 12);
    expect(answers[23]).toMatchObject({ config: { opt: 'sgd', lr: 1e-1, units: 64 } });
    expect(answers[24]).toEqual({ kind: 'exhausted', reason: 'grid exhausted: all 24 points assigned' });
    expect(answers[25]?.kind).toBe('exhausted');
  });

  it('shuffle: a seeded permutation of the same points', () => {
    const plain = askAll({ grid_points: 3 }, 1, 24).map((a) => JSON.stringify(a.kind === 'suggest' ? a.config : null));
    const shuffled = askAll({ grid_points: 3, shuffle: true }, 1, 24).map((a) => JSON.stringify(a.kind === 'suggest' ? a.config : null));
    const again = askAll({ grid_points: 3, shuffle: true }, 1, 24).map((a) => JSON.stringify(a.kind === 'suggest' ? a.config : null));
    const other = askAll({ grid_points: 3, shuffle: true }, 2, 24).map((a) => JSON.stringify(a.kind === 'suggest' ? a.config : null));
    expect([...shuffled].sort()).toEqual([...plain].sort());
    expect(shuffled).not.toEqual(plain);
    expect(again).toEqual(shuffled);
    expect(other).not.toEqual(shuffled);
  });

  it('throws, naming the parameter, when a numeric param has no values and no grid_points', () => {
    expect(() => createGridSampler(space, {}, 0)).toThrow(/"lr" needs `values` or `grid_points`/);
  });

  it('validates its options', () => {
    expect(parseGridSamplerOptions({ grid_points: 0 }).ok).toBe(false);
    expect(parseGridSamplerOptions({ grid_points: 2.5 }).ok).toBe(false);
    expect(parseGridSamplerOptions({ shuffle: 'yes' }).ok).toBe(false);
    expect(parseGridSamplerOptions({ gridPoints: 4, shuffle: true })).toEqual({ ok: true, value: { gridPoints: 4, shuffle: true } });
  });
});

describe('createIndexPermutation', () => {
  it('is a bijection of [0, size) for every small size and seed', () => {
    for (let size = 1; size <= 300; size++) {
      for (const seed of [0, 1, 99]) {
        const perm = createIndexPermutation(size, seed);
        const seen = new Set<number>();
        for (let i = 0; i < size; i++) {
          const j = perm(i);
          expect(Number.isInteger(j) && j >= 0 && j < size).toBe(true);
          seen.add(j);
        }
        expect(seen.size).toBe(size);
      }
    }
  });

  it('works on huge sizes without materialising', () => {
    const size = 1e12 + 7;
    const perm = createIndexPermutation(size, 5);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const j = perm(i);
      expect(j >= 0 && j < size).toBe(true);
      seen.add(j);
    }
    expect(seen.size).toBe(2000);
  });
});
