import { describe, expect, it } from 'vitest';
import { createSobolSampler, createSobolSequence, parseSobolSamplerOptions, sobolMaxDims } from '../../../src/engine/samplers/sobol';
import type { AskResult } from '../../../src/engine/samplers/sampler';
import { createSearchSpace } from '../../../src/engine/space/searchSpace';
import type { Config, ParamSpec } from '../../../src/engine/space/searchSpace';
import { requestFor } from '../../contracts/samplerContract';

/** Exactly one point in each of the 2^a × 2^b elementary boxes, for every a + b = k. */
function isZeroNet2d(points: ReadonlyArray<readonly [number, number]>, k: number): boolean {
  for (let a = 0; a <= k; a++) {
    const b = k - a;
    const cells = new Set<number>();
    for (const [x, y] of points) cells.add(Math.floor(x * 2 ** a) * 2 ** b + Math.floor(y * 2 ** b));
    if (cells.size !== 2 ** k) return false;
  }
  return true;
}

function isStratified1d(values: readonly number[], k: number): boolean {
  return new Set(values.map((x) => Math.floor(x * 2 ** k))).size === 2 ** k && values.length === 2 ** k;
}

function configs(answers: readonly AskResult[]): Config[] {
  return answers.map((a) => {
    if (a.kind !== 'suggest') throw new Error('unexpected exhaustion');
    return a.config;
  });
}

describe('createSobolSequence', () => {
  it('reproduces the Joe–Kuo sequence unscrambled (reference values from scipy.stats.qmc.Sobol)', () => {
    const seq = createSobolSequence(sobolMaxDims, { scramble: false, seed: 0 });
    const dims = [0, 1, 2, 63, 127, 255];
    expect(dims.map((d) => seq.point(777)[d])).toEqual([0.5654296875, 0.1884765625, 0.8916015625, 0.8544921875, 0.7568359375, 0.2158203125]);
    const far = seq.point(1000003);
    const expected = [0.7588338851928711, 0.5641183853149414, 0.8032026290893555, 0.3421621322631836, 0.019225120544433594, 0.18065357208251953];
    dims.forEach((d, i) => expect(far[d]).toBeCloseTo(expected[i] ?? -1, 15));
    expect([0, 1, 2, 3].map((n) => [...seq.point(n).slice(0, 2)])).toEqual([
      [0, 0],
      [0.5, 0.5],
      [0.25, 0.75],
      [0.75, 0.25],
    ]);
  });

  it('scrambled: every dimension stays stratified for the first 2^k points', () => {
    for (const seed of [1, 2, 3]) {
      const seq = createSobolSequence(sobolMaxDims, { scramble: true, seed });
      const points = Array.from({ length: 256 }, (_, n) => seq.point(n));
      for (let d = 0; d < sobolMaxDims; d++) {
        for (const k of [1, 4, 8]) expect(isStratified1d(points.slice(0, 2 ** k).map((p) => p[d] ?? -1), k)).toBe(true);
      }
    }
  });

  it('scrambled: the first two dimensions form a (0, k, 2)-net for the first 2^k points', () => {
    for (const seed of [1, 7, 12345]) {
      const seq = createSobolSequence(2, { scramble: true, seed });
      const points = Array.from({ length: 1024 }, (_, n) => {
        const p = seq.point(n);
        return [p[0] ?? -1, p[1] ?? -1] as const;
      });
      for (let k = 1; k <= 10; k++) expect(isZeroNet2d(points.slice(0, 2 ** k), k)).toBe(true);
      // Stratification holds for any aligned block of 2^k consecutive indices, too.
      expect(isZeroNet2d(points.slice(512, 768), 8)).toBe(true);
    }
  });

  it('is deterministic per seed and differs across seeds; index 0 is not the corner', () => {
    const a = createSobolSequence(5, { scramble: true, seed: 42 });
    const b = createSobolSequence(5, { scramble: true, seed: 42 });
    const c = createSobolSequence(5, { scramble: true, seed: 43 });
    expect([...a.point(9)]).toEqual([...b.point(9)]);
    expect([...a.point(9)]).not.toEqual([...c.point(9)]);
    expect([...a.point(0)].some((x) => x > 0)).toBe(true);
    expect(() => a.point(2 ** 32)).toThrow(RangeError);
  });
});

describe('createSobolSampler', () => {
  const ask = (space: ReturnType<typeof createSearchSpace>, options: Readonly<Record<string, unknown>>, seed: number, count: number): AskResult[] => {
    const sampler = createSobolSampler(space, options, seed);
    return Array.from({ length: count }, (_, n) => sampler.ask(requestFor(seed, n)));
  };

  it('1-D: the first 2^k suggestions hit every 1/2^k interval once', () => {
    const space = createSearchSpace([['x', { kind: 'float', low: 0, high: 1 }]]);
    const xs = configs(ask(space, {}, 3, 64)).map((c) => Number(c['x']));
    for (let k = 0; k <= 6; k++) expect(isStratified1d(xs.slice(0, 2 ** k), k)).toBe(true);
  });

  it('2-D: the first 2^k suggestions form a (0, k, 2)-net after scaling', () => {
    const space = createSearchSpace([
      ['x', { kind: 'float', low: -5, high: 5 }],
      ['y', { kind: 'float', low: 10, high: 20 }],
    ]);
    const pts = configs(ask(space, {}, 8, 256)).map((c) => [(Number(c['x']) + 5) / 10, (Number(c['y']) - 10) / 10] as const);
    for (let k = 1; k <= 8; k++) expect(isZeroNet2d(pts.slice(0, 2 ** k), k)).toBe(true);
  });

  it('maps a categorical to one dimension: balanced choices, one per trial slice', () => {
    const space = createSearchSpace([['c', { kind: 'categorical', choices: ['a', 'b', 'c', 'd'] }]]);
    const cs = configs(ask(space, {}, 2, 16)).map((c) => c['c']);
    for (const choice of ['a', 'b', 'c', 'd']) expect(cs.filter((c) => c === choice).length).toBe(4);
    expect(new Set(cs.slice(0, 4)).size).toBe(4);
  });

  it('notes the point index; unscrambled skips the corner at index 0', () => {
    const space = createSearchSpace([['x', { kind: 'float', low: 0, high: 1 }]]);
    expect(ask(space, { scramble: false }, 0, 2)).toEqual([
      { kind: 'suggest', config: { x: 0.5 }, note: 'sobol point 1' },
      { kind: 'suggest', config: { x: 0.25 }, note: 'sobol point 2' },
    ]);
    expect(ask(space, {}, 0, 1)[0]).toMatchObject({ note: 'sobol point 0' });
  });

  it('is deterministic per seed and differs across seeds', () => {
    const space = createSearchSpace([
      ['x', { kind: 'float', low: 0, high: 1 }],
      ['k', { kind: 'int', low: 1, high: 100, log: true }],
    ]);
    expect(ask(space, {}, 5, 10)).toEqual(ask(space, {}, 5, 10));
    expect(ask(space, {}, 5, 10)).not.toEqual(ask(space, {}, 6, 10));
  });

  it(`draws parameters beyond the ${sobolMaxDims}th from the trial rng, and says so`, () => {
    const entries: Array<[string, ParamSpec]> = [];
    for (let i = 0; i < sobolMaxDims + 4; i++) entries.push([`p${i}`, { kind: 'float', low: 0, high: 1 }]);
    const answers = ask(createSearchSpace(entries), {}, 1, 3);
    for (const a of answers) {
      expect(a.kind).toBe('suggest');
      if (a.kind === 'suggest') {
        expect(Object.keys(a.config).length).toBe(sobolMaxDims + 4);
        expect(a.note).toContain('drawn at random');
      }
    }
  });

  it('validates its options', () => {
    expect(parseSobolSamplerOptions({ scramble: 'no' }).ok).toBe(false);
    expect(() => createSobolSampler(createSearchSpace([]), { scramble: 1 }, 0)).toThrow(/scramble/);
  });
});
