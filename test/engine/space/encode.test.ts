import { describe, expect, it } from 'vitest';
import { createEncoder, createNumericCodec } from '../../../src/engine/space/encode';
import { createSearchSpace } from '../../../src/engine/space/searchSpace';
import type { Config, SearchSpace } from '../../../src/engine/space/searchSpace';
import { createConfigDrawer } from '../../../src/engine/samplers/random';
import { createRng } from '../../../src/engine/util/rng';
import { configProblems, contractSpaces, mixedSpace, nestedSpace } from '../../contracts/samplerContract';

const spaces: ReadonlyArray<readonly [string, SearchSpace]> = [
  ...contractSpaces,
  [
    'edge cases',
    createSearchSpace([
      ['fixed', { kind: 'float', low: 2, high: 2 }],
      ['one', { kind: 'int', low: 7, high: 7 }],
      ['coarse', { kind: 'float', low: 0.1, high: 1, step: 0.3 }],
      ['logstep', { kind: 'int', low: 1, high: 100, log: true, step: 5 }],
      ['single', { kind: 'categorical', choices: ['only'] }],
      ['numbers', { kind: 'categorical', choices: [1, 2, 3] }],
    ]),
  ],
];

function closeConfigs(a: Config, b: Config): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => {
    const x = a[k];
    const y = b[k];
    if (typeof x === 'number' && typeof y === 'number') return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x));
    return x === y;
  });
}

describe('createEncoder', () => {
  it('describes each dim: numeric dims, one-hot dims per choice, blocks in space order', () => {
    const enc = createEncoder(nestedSpace);
    expect(enc.dims).toBe(3 + 1 + 1 + 2 + 1 + 1);
    expect(enc.dimInfo[0]).toEqual({ param: 'optimizer', kind: 'categorical', log: false, choice: 'adam', choiceIndex: 0 });
    expect(enc.dimInfo[3]).toEqual({ param: 'lr', kind: 'float', log: true });
    expect(enc.dimInfo[7]).toEqual({ param: 'decay_steps', kind: 'int', log: true, levels: 991 });
    expect(enc.blocks.map((b) => [b.param, b.start, b.width])).toEqual([
      ['optimizer', 0, 3],
      ['lr', 3, 1],
      ['momentum', 4, 1],
      ['schedule', 5, 2],
      ['decay_steps', 7, 1],
      ['beta2', 8, 1],
    ]);
  });

  for (const [name, space] of spaces) {
    describe(name, () => {
      const enc = createEncoder(space);

      it('round-trips configs: decode(encode(c)) = c, every coordinate in [0, 1]', () => {
        const draw = createConfigDrawer(space);
        const rng = createRng(42);
        for (let i = 0; i < 500; i++) {
          const config = draw(rng);
          const point = enc.encode(config);
          expect(point.length).toBe(enc.dims);
          for (const x of point) expect(x >= 0 && x <= 1).toBe(true);
          const back = enc.decode(point);
          if (!closeConfigs(config, back)) expect(back).toEqual(config);
        }
      });

      it('decodes any point, even outside the cube or NaN, to a valid config', () => {
        const rng = createRng(7);
        for (let i = 0; i < 500; i++) {
          const point = new Float64Array(enc.dims).map(() => {
            const r = rng.next();
            return r < 0.05 ? Number.NaN : r < 0.1 ? -3 * rng.next() : r < 0.15 ? 1 + 3 * rng.next() : rng.next();
          });
          const config = enc.decode(point);
          expect(configProblems(space, config)).toEqual([]);
          // Decoding is idempotent through encode.
          expect(closeConfigs(enc.decode(enc.encode(config)), config)).toBe(true);
        }
      });
    });
  }

  it('encodes inactive params as 0.5 and drops them on decode', () => {
    const enc = createEncoder(nestedSpace);
    const point = enc.encode({ optimizer: 'adam', lr: 0.01, beta2: 0.95 });
    // momentum (dim 4), schedule (5, 6), decay_steps (7) are inactive for adam.
    expect([point[4], point[5], point[6], point[7]]).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect([point[0], point[1], point[2]]).toEqual([1, 0, 0]);
    // A point whose one-hot says sgd but whose schedule says cosine: decay_steps must be absent.
    const p = new Float64Array(enc.dims).fill(0.5);
    p.set([0, 1, 0], 0);
    p.set([0.9, 0.1], 5);
    const config = enc.decode(p);
    expect(Object.keys(config).sort()).toEqual(['lr', 'momentum', 'optimizer', 'schedule']);
    expect(config['schedule']).toBe('cosine');
    p.set([0.2, 0.8], 5);
    expect(Object.keys(enc.decode(p)).sort()).toEqual(['decay_steps', 'lr', 'momentum', 'optimizer', 'schedule']);
    p.set([1, 0, 0], 0);
    expect(Object.keys(enc.decode(p)).sort()).toEqual(['beta2', 'lr', 'optimizer']);
  });

  it('one-hot: round trip per choice, argmax on decode, ties go to the first choice', () => {
    const space = createSearchSpace([['c', { kind: 'categorical', choices: ['a', 'b', 'c', 'd'] }]]);
    const enc = createEncoder(space);
    for (const choice of ['a', 'b', 'c', 'd']) {
      const point = enc.encode({ c: choice });
      expect([...point].filter((x) => x === 1).length).toBe(1);
      expect(enc.decode(point)).toEqual({ c: choice });
    }
    expect(enc.decode([0.2, 0.7, 0.7, 0.1])).toEqual({ c: 'b' });
    expect(enc.decode([0.5, 0.5, 0.5, 0.5])).toEqual({ c: 'a' });
    expect(enc.dimInfo.map((d) => d.choice)).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('createNumericCodec', () => {
  it('log floats: equal steps in the cube are equal ratios in value', () => {
    const codec = createNumericCodec({ kind: 'float', low: 1e-4, high: 1, log: true });
    expect(codec.fromUnit(0)).toBeCloseTo(1e-4, 12);
    expect(codec.fromUnit(0.25)).toBeCloseTo(1e-3, 12);
    expect(codec.fromUnit(0.5)).toBeCloseTo(1e-2, 12);
    expect(codec.fromUnit(1)).toBe(1);
    expect(codec.toUnit(1e-3)).toBeCloseTo(0.25, 12);
  });

  it('step grids: values are low + k*step, never above high, and uniform points give uniform values', () => {
    const codec = createNumericCodec({ kind: 'float', low: 0, high: 1, step: 0.3 });
    expect(codec.levels).toBe(4);
    const counts = new Map<number, number>();
    const rng = createRng(3);
    for (let i = 0; i < 40_000; i++) {
      const v = codec.fromUnit(rng.next());
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([0, 0.3, 0.6, 0.9]);
    for (const c of counts.values()) expect(Math.abs(c - 10_000)).toBeLessThan(600);
    expect(codec.toUnit(0.6)).toBeCloseTo(0.625, 12);
    expect(codec.fromUnit(1)).toBe(0.9);
  });

  it('ints use equal bins: the unit interval maps uniformly onto every integer', () => {
    const codec = createNumericCodec({ kind: 'int', low: -2, high: 2 });
    expect([0, 0.19, 0.2, 0.5, 0.99, 1].map((t) => codec.fromUnit(t))).toEqual([-2, -2, -1, 0, 2, 2]);
    expect([-2, -1, 0, 1, 2].map((v) => codec.toUnit(v))).toEqual([0.1, 0.3, 0.5, 0.7, 0.9]);
  });

  it('log ints: uniform points are log-uniform over [low-0.5, high+0.5]', () => {
    const codec = createNumericCodec({ kind: 'int', low: 1, high: 1000, log: true });
    const rng = createRng(5);
    let small = 0;
    const n = 40_000;
    for (let i = 0; i < n; i++) if (codec.fromUnit(rng.next()) <= 31) small++;
    // P(x <= 31) = log(31.5/0.5) / log(1000.5/0.5) ≈ 0.545
    expect(small / n).toBeCloseTo(Math.log(31.5 / 0.5) / Math.log(1000.5 / 0.5), 1);
    for (const v of [1, 2, 17, 999, 1000]) expect(codec.fromUnit(codec.toUnit(v))).toBe(v);
  });

  it('clamps out-of-range values into the cube', () => {
    const codec = createNumericCodec({ kind: 'float', low: 0, high: 10 });
    expect(codec.toUnit(-5)).toBe(0);
    expect(codec.toUnit(50)).toBe(1);
    expect(codec.fromUnit(Number.NaN)).toBe(5);
  });
});

describe('mixed space sanity', () => {
  it('batch (step 16 up to 250) never exceeds high', () => {
    const enc = createEncoder(mixedSpace);
    const p = new Float64Array(enc.dims).fill(1);
    expect(enc.decode(p)['batch']).toBe(240);
  });
});
