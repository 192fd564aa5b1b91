import { describe, expect, it } from 'vitest';
import { countDiscreteConfigs, forEachDiscreteConfig, rowKey } from '../../../../src/engine/samplers/tpe/discreteSpace';
import { compareRank, createObservationTable } from '../../../../src/engine/samplers/tpe/observationTable';
import type { TableEntry } from '../../../../src/engine/samplers/tpe/observationTable';
import { binCentre } from '../../../../src/engine/samplers/tpe/parzenEstimator';
import { createParamModels, discreteBins } from '../../../../src/engine/samplers/tpe/paramModel';
import { createNumericCodec } from '../../../../src/engine/space/encode';
import { createSearchSpace } from '../../../../src/engine/space/searchSpace';
import type { FloatParam, IntParam } from '../../../../src/engine/space/searchSpace';
import { nestedSpace } from '../../../contracts/samplerContract';

describe('discreteBins', () => {
  const specs: Array<FloatParam | IntParam> = [
    { kind: 'int', low: 1, high: 4 },
    { kind: 'int', low: 16, high: 512, log: true },
    { kind: 'int', low: 1, high: 10, step: 4, log: true },
    { kind: 'int', low: 16, high: 250, step: 16 },
    { kind: 'float', low: 0, high: 0.5, step: 0.1 },
    { kind: 'float', low: 0.001, high: 1, step: 0.3, log: true },
    { kind: 'int', low: 3, high: 3 },
  ];
  it('matches the bins of space/encode.ts: centres, edges and values', () => {
    for (const spec of specs) {
      const bins = discreteBins(spec);
      const codec = createNumericCodec(spec);
      if (bins === undefined) throw new Error('expected bins');
      expect(bins.levels).toBe(codec.levels);
      for (let k = 0; k < bins.levels; k++) {
        const value = codec.fromUnit(binCentre(bins, k));
        expect(codec.toUnit(value)).toBeCloseTo(binCentre(bins, k), 12);
        expect(bins.binOf(bins.lower(k) + 1e-9)).toBe(k);
        expect(bins.binOf(bins.upper(k) - 1e-9)).toBe(k);
      }
      expect(bins.lower(0)).toBe(0);
      expect(bins.upper(bins.levels - 1)).toBe(1);
    }
  });
  it('is undefined for a continuous float', () => {
    expect(discreteBins({ kind: 'float', low: 0, high: 1 })).toBeUndefined();
  });
});

describe('discrete space book-keeping', () => {
  const tiny = createSearchSpace([
    ['mode', { kind: 'categorical', choices: ['a', 'b'] }],
    ['k', { kind: 'int', low: 1, high: 2, when: { mode: ['b'] } }],
  ]);
  it('counts configs as a tree product and enumerates exactly them', () => {
    const models = createParamModels(tiny);
    expect(countDiscreteConfigs(tiny, models)).toBe(3);
    const keys: string[] = [];
    forEachDiscreteConfig(tiny, models, (row) => keys.push(rowKey(models, row)));
    expect(keys).toEqual(['0,-', '1,0', '1,1']);
  });
  it('nested conditions multiply only their branches; continuous spaces are infinite', () => {
    const space = createSearchSpace([
      ['opt', { kind: 'categorical', choices: ['adam', 'sgd', 'rms'] }],
      ['nesterov', { kind: 'categorical', choices: [true, false], when: { opt: ['sgd'] } }],
      ['sched', { kind: 'categorical', choices: ['cos', 'step'], when: { opt: ['sgd', 'rms'] } }],
      ['steps', { kind: 'int', low: 1, high: 5, when: { sched: ['step'] } }],
      ['layers', { kind: 'int', low: 1, high: 3 }],
    ]);
    const models = createParamModels(space);
    // adam: 1; sgd: 2 · (1 + 5); rms: (1 + 5) → 19 branches, times 3 layers.
    expect(countDiscreteConfigs(space, models)).toBe(57);
    let n = 0;
    forEachDiscreteConfig(space, models, () => n++);
    expect(n).toBe(57);
    expect(countDiscreteConfigs(nestedSpace, createParamModels(nestedSpace))).toBe(Infinity);
  });
});

describe('observation table', () => {
  const entry = (trialNumber: number, tier: 0 | 1 | 2, loss: number, budget = 1): TableEntry => ({
    trialId: String(trialNumber),
    trialNumber,
    tier,
    loss,
    budget,
    config: {},
    row: new Float64Array(0),
    mark: 0,
  });
  it('ranks completed by loss, then pruned by budget desc and loss, then failed', () => {
    const table = createObservationTable();
    const entries = [entry(0, 2, Infinity), entry(1, 1, 0.1, 3), entry(2, 0, 0.5), entry(3, 1, 0.05, 9), entry(4, 0, 0.7), entry(5, 1, 0.01, 3), entry(6, 1, Infinity, 9)];
    for (const e of entries) table.upsert(e);
    expect(table.ranked.map((e) => e.trialNumber)).toEqual([2, 4, 3, 6, 5, 1, 0]);
    expect(table.byNumber.map((e) => e.trialNumber)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(table.rankable).toBe(6);
    expect(compareRank(entries[2] as TableEntry, entries[3] as TableEntry)).toBeLessThan(0);
  });
  it('a trial told again replaces its earlier entry (promotion mode: latest tell wins)', () => {
    const table = createObservationTable();
    table.upsert(entry(0, 0, 0.2));
    table.upsert(entry(1, 0, 0.5));
    table.upsert(entry(0, 0, 0.9, 3));
    expect(table.ranked.map((e) => [e.trialNumber, e.loss])).toEqual([
      [1, 0.5],
      [0, 0.9],
    ]);
    table.upsert(entry(1, 2, Infinity));
    expect(table.rankable).toBe(1);
    expect(table.byNumber.length).toBe(2);
  });
});
