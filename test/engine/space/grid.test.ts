import { describe, expect, it } from 'vitest';
import { createGrid, evenlySpacedValues, gridValuesOf } from '../../../src/engine/space/grid';
import type { Grid } from '../../../src/engine/space/grid';
import { createSearchSpace } from '../../../src/engine/space/searchSpace';
import type { Config, SearchSpace } from '../../../src/engine/space/searchSpace';
import { configProblems, nestedSpace } from '../../contracts/samplerContract';

function mustGrid(space: SearchSpace, gridPoints?: number): Grid {
  const r = gridPoints === undefined ? createGrid(space) : createGrid(space, { gridPoints });
  if (!r.ok) throw new Error(r.error.map((i) => i.message).join('; '));
  return r.value;
}

function all(grid: Grid): Config[] {
  return Array.from({ length: grid.size }, (_, i) => grid.configAt(i));
}

describe('evenlySpacedValues', () => {
  it('spaces linearly or logarithmically, including both ends', () => {
    expect(evenlySpacedValues({ kind: 'float', low: 0, high: 1 }, 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const logs = evenlySpacedValues({ kind: 'float', low: 1e-4, high: 1, log: true }, 5);
    [1e-4, 1e-3, 1e-2, 1e-1, 1].forEach((v, i) => expect(logs[i]).toBeCloseTo(v, 12));
    expect(evenlySpacedValues({ kind: 'float', low: 3, high: 9 }, 1)).toEqual([3]);
  });

  it('rounds to ints and steps, deduplicates, never exceeds high', () => {
    expect(evenlySpacedValues({ kind: 'int', low: 1, high: 4 }, 10)).toEqual([1, 2, 3, 4]);
    expect(evenlySpacedValues({ kind: 'int', low: 1, high: 1024, log: true }, 11)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]);
    expect(evenlySpacedValues({ kind: 'float', low: 0, high: 1, step: 0.3 }, 3)).toEqual([0, 0.6, 0.9]);
    expect(evenlySpacedValues({ kind: 'int', low: 16, high: 250, step: 16 }, 3)).toEqual([16, 128, 240]);
  });
});

describe('gridValuesOf', () => {
  it('prefers explicit values, then the param gridPoints, then the default', () => {
    const spec = { kind: 'float', low: 0, high: 1, values: [0.1, 0.5, 0.1], gridPoints: 2 } as const;
    expect(gridValuesOf('a', spec, { gridPoints: 9 })).toEqual({ ok: true, value: [0.1, 0.5] });
    expect(gridValuesOf('a', { kind: 'float', low: 0, high: 1, gridPoints: 2 }, { gridPoints: 9 })).toEqual({ ok: true, value: [0, 1] });
    expect(gridValuesOf('a', { kind: 'float', low: 0, high: 1 }, { gridPoints: 3 })).toEqual({ ok: true, value: [0, 0.5, 1] });
  });

  it('names the parameter that needs values or grid_points: a continuous float, or an int range too long to walk whole', () => {
    const r = createGrid(
      createSearchSpace([
        ['lr', { kind: 'float', low: 0, high: 1 }],
        ['opt', { kind: 'categorical', choices: ['a'] }],
        ['units', { kind: 'int', low: 1, high: 9 }],
        ['width', { kind: 'int', low: 1, high: 1000 }],
      ]),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.map((i) => i.param)).toEqual(['lr', 'width']);
    expect(r.error[0]?.message).toContain('"lr" needs `values` or `grid_points`');
    expect(r.error[1]?.message).toContain('(it has 1000 values; only a range of at most 100 is walked whole)');
  });

  it('walks an int or stepped float range whole when it has no values or grid_points (log scale included)', () => {
    const grid = mustGrid(
      createSearchSpace([
        ['n', { kind: 'int', low: 1, high: 9, step: 4 }],
        ['x', { kind: 'float', low: 0, high: 1, step: 0.25 }],
        ['k', { kind: 'int', low: 2, high: 70, log: true }],
      ]),
    );
    expect(gridValuesOf('n', { kind: 'int', low: 1, high: 9, step: 4 })).toEqual({ ok: true, value: [1, 5, 9] });
    expect(gridValuesOf('x', { kind: 'float', low: 0, high: 1, step: 0.25 })).toEqual({ ok: true, value: [0, 0.25, 0.5, 0.75, 1] });
    const k = gridValuesOf('k', { kind: 'int', low: 2, high: 70, log: true });
    expect(k.ok && k.value).toEqual(Array.from({ length: 69 }, (_, i) => i + 2));
    expect(grid.size).toBe(3 * 5 * 69);
    // A sampler-wide grid_points still decides for every numeric parameter without its own values.
    expect(gridValuesOf('n', { kind: 'int', low: 1, high: 9 }, { gridPoints: 3 })).toEqual({ ok: true, value: [1, 5, 9] });
  });
});

describe('createGrid', () => {
  it('flat: full product in odometer order (last param fastest)', () => {
    const grid = mustGrid(
      createSearchSpace([
        ['a', { kind: 'categorical', choices: ['x', 'y'] }],
        ['b', { kind: 'int', low: 1, high: 3, gridPoints: 3 }],
      ]),
    );
    expect(grid.size).toBe(6);
    expect(all(grid)).toEqual([
      { a: 'x', b: 1 },
      { a: 'x', b: 2 },
      { a: 'x', b: 3 },
      { a: 'y', b: 1 },
      { a: 'y', b: 2 },
      { a: 'y', b: 3 },
    ]);
  });

  it('conditions form a tree product: children multiply only their branches', () => {
    const grid = mustGrid(nestedSpace, 3);
    // adam: lr 3 × beta2 3 = 9; sgd: lr 3 × momentum 3 × (cosine 1 + step 3) = 36; rmsprop: lr 3 × 4 = 12.
    expect(grid.size).toBe(57);
    const configs = all(grid);
    for (const c of configs) expect(configProblems(nestedSpace, c)).toEqual([]);
    expect(new Set(configs.map((c) => JSON.stringify(c))).size).toBe(57);
    expect(configs.filter((c) => c['optimizer'] === 'adam').length).toBe(9);
    expect(configs.filter((c) => c['optimizer'] === 'sgd').length).toBe(36);
    expect(configs.filter((c) => c['schedule'] === 'step').length).toBe(3 * 3 * 3 + 3 * 3);
    expect(configs[0]).toEqual({ optimizer: 'adam', lr: 1e-4, beta2: 0.9 });
    expect(configs[56]).toMatchObject({ optimizer: 'rmsprop', schedule: 'step', decay_steps: 1000 });
  });

  it('counts huge grids without materialising them', () => {
    const entries: Array<[string, { kind: 'int'; low: number; high: number; gridPoints: number }]> = [];
    for (let i = 0; i < 12; i++) entries.push([`p${i}`, { kind: 'int', low: 0, high: 100, gridPoints: 10 }]);
    const grid = mustGrid(createSearchSpace(entries));
    expect(grid.size).toBe(1e12);
    const last = grid.configAt(1e12 - 1);
    expect(Object.values(last).every((v) => v === 100)).toBe(true);
    expect(grid.configAt(1)).toMatchObject({ p10: 0, p11: 11 });
  });

  it('rejects grids beyond exact integer range and out-of-range indices', () => {
    const entries: Array<[string, { kind: 'float'; low: number; high: number; gridPoints: number }]> = [];
    for (let i = 0; i < 20; i++) entries.push([`p${i}`, { kind: 'float', low: 0, high: 1, gridPoints: 10 }]);
    const r = createGrid(createSearchSpace(entries));
    expect(r.ok).toBe(false);
    const grid = mustGrid(createSearchSpace([['a', { kind: 'categorical', choices: [1, 2] }]]));
    expect(() => grid.configAt(2)).toThrow(RangeError);
    expect(() => grid.configAt(-1)).toThrow(RangeError);
  });

  it('handles a deeper chain of conditional categoricals', () => {
    const space = createSearchSpace([
      ['a', { kind: 'categorical', choices: ['on', 'off'] }],
      ['b', { kind: 'categorical', choices: ['x', 'y', 'z'], when: { a: ['on'] } }],
      ['c', { kind: 'categorical', choices: [1, 2], when: { b: ['y', 'z'] } }],
      ['d', { kind: 'int', low: 0, high: 1, values: [0, 1], when: { c: [2] } }],
      ['e', { kind: 'categorical', choices: [true, false] }],
    ]);
    const grid = mustGrid(space);
    // off: 1; on: x 1 + y (c1 1 + c2 2) + z (1 + 2) = 7; times e (2) → 16.
    expect(grid.size).toBe(16);
    const configs = all(grid);
    expect(new Set(configs.map((c) => JSON.stringify(c))).size).toBe(16);
    for (const c of configs) expect(configProblems(space, c)).toEqual([]);
  });
});
