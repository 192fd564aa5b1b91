/** The parallel-coordinates model: axes, value ⇄ position, missing values, colours, brushes ⇄ filters, picking. */
import { describe, expect, it } from 'vitest';
import type { StudyHeader } from '../../src/shared/dashboardProtocol';
import {
  axisPosition,
  axisTicks,
  brushToRange,
  bucketColors,
  buildAxes,
  colorBucket,
  COLOR_BUCKETS,
  fitsAxes,
  layoutAxes,
  MISSING,
  mixRgb,
  moveAxis,
  nearestLine,
  rangeToBrush,
  rankGoodness,
  sameScales,
  visibleAxes,
  yAt,
  type PcpAxis,
} from '../../webview-ui/src/views/pcp/pcpModel';
import { generateStudy } from '../fixtures/views/generatedStudy';

const study = generateStudy({ trials: 200, reports: 27, seed: 5 });
const axes = buildAxes(study.header, study.trials);
const axis = (key: string): PcpAxis => axes.find((a) => a.key === key)!;

describe('buildAxes', () => {
  it('makes one axis per parameter, then the rung, then the objective last', () => {
    expect(axes.map((a) => a.key)).toEqual(['param:lr', 'param:layers', 'param:optimizer', 'param:momentum', 'rung', 'value']);
    expect(axes.map((a) => a.kind)).toEqual(['log', 'int', 'categorical', 'float', 'rung', 'objective']);
    expect(axis('param:optimizer').choices).toEqual(['adam', 'sgd', 'rmsprop']);
    expect(axis('param:momentum').mayBeMissing).toBe(true);
    expect(axis('param:lr').mayBeMissing).toBe(false);
    expect(axis('value').label).toBe('val_loss ↓');
    // Rung labels carry their budget in the study's step unit.
    expect(axis('rung').choiceLabels).toEqual(['0 · 3 epoch', '1 · 9 epoch', '2 · 27 epoch']);
  });

  it('spans the objective over the values seen and the parameters over the study file ranges', () => {
    const values = study.trials.map((t) => t.value).filter((v): v is number => v !== null);
    expect(axis('value').min).toBe(Math.min(...values));
    expect(axis('value').max).toBe(Math.max(...values));
    expect([axis('param:lr').min, axis('param:lr').max]).toEqual([1e-5, 0.1]);
  });

  it('adds categorical values missing from the choices, and leaves out the rung axis without rungs', () => {
    const header: StudyHeader = { ...study.header, plan: { scheduler: 'fifo', mode: 'stopping', brackets: [{ bracket: 0, rungs: [] }] } };
    const odd = { ...study.trials[0]!, params: { ...study.trials[0]!.params, optimizer: 'lion' } };
    const a = buildAxes(header, [odd]);
    expect(a.map((x) => x.key)).not.toContain('rung');
    expect(a.find((x) => x.key === 'param:optimizer')!.choices).toEqual(['adam', 'sgd', 'rmsprop', 'lion']);
  });

  it('falls back to a linear axis for a log parameter whose range reaches 0', () => {
    const header: StudyHeader = { ...study.header, params: [{ name: 'wd', kind: 'float', log: true, low: 0, high: 1, conditional: false }] };
    expect(buildAxes(header, [])[0]!.kind).toBe('float');
  });
});

describe('axisPosition', () => {
  it('maps a log axis by decades', () => {
    const lr = axis('param:lr'); // 1e-5 … 1e-1: four decades
    expect(axisPosition(lr, 1e-5)).toBeCloseTo(0);
    expect(axisPosition(lr, 1e-3)).toBeCloseTo(0.5);
    expect(axisPosition(lr, 1e-1)).toBeCloseTo(1);
    expect(axisPosition(lr, 0)).toBe(MISSING);
  });

  it('maps int axes linearly and spaces categorical choices evenly with half-slot margins', () => {
    const layers = axis('param:layers'); // 1 … 8
    expect(axisPosition(layers, 1)).toBe(0);
    expect(axisPosition(layers, 8)).toBe(1);
    expect(axisPosition(layers, 4.5)).toBeCloseTo(0.5);
    const opt = axis('param:optimizer');
    expect(['adam', 'sgd', 'rmsprop'].map((c) => axisPosition(opt, c))).toEqual([1 / 6, 3 / 6, 5 / 6]);
    expect(axisPosition(opt, 'lion')).toBe(MISSING);
  });

  it('puts a missing conditional parameter (and a null value) on the missing lane below the axis', () => {
    const momentum = axis('param:momentum');
    const adam = study.trials.find((t) => t.params.optimizer === 'adam')!;
    expect(axisPosition(momentum, adam.params.momentum)).toBe(MISSING);
    expect(axisPosition(axis('value'), null)).toBe(MISSING);
    const layout = layoutAxes(6, 600, 300);
    expect(yAt(layout, MISSING)).toBeGreaterThan(yAt(layout, 0));
    expect(yAt(layout, 1)).toBeLessThan(yAt(layout, 0));
  });

  it('knows when new values leave the scales unchanged', () => {
    expect(study.trials.every((t) => fitsAxes(axes, t))).toBe(true);
    expect(fitsAxes(axes, { ...study.trials[0]!, value: axis('value').max + 1 })).toBe(false);
    expect(sameScales(axes, buildAxes(study.header, study.trials))).toBe(true);
    expect(sameScales(axes, buildAxes(study.header, study.trials.slice(0, 10)))).toBe(false);
  });
});

describe('ticks', () => {
  it('labels decades on log axes, every integer of short int axes, every choice of categorical axes', () => {
    expect(axisTicks(axis('param:lr'), String).map((t) => t.label)).toEqual(['0.00001', '0.0001', '0.001', '0.01', '0.1']);
    expect(axisTicks(axis('param:layers'), String).map((t) => t.label)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    expect(axisTicks(axis('param:optimizer'), String).map((t) => [t.label, t.t])).toEqual([['adam', 1 / 6], ['sgd', 0.5], ['rmsprop', 5 / 6]]);
  });
});

describe('colour scale', () => {
  it('goes from bad to good in the goal direction', () => {
    const sorted = Float64Array.from([0.1, 0.2, 0.3, 50]);
    expect(rankGoodness(sorted, 0.1, 'minimize')).toBe(1);
    expect(rankGoodness(sorted, 50, 'minimize')).toBe(0);
    // By rank, not by value: one far-off value does not squeeze the others to one end.
    expect(rankGoodness(sorted, 0.2, 'minimize')).toBeCloseTo(2 / 3);
    expect(rankGoodness(sorted, 0.2, 'maximize')).toBeCloseTo(1 / 3);
  });

  it('has the bad colour at one end and the good colour at the other', () => {
    const bad = [200, 100, 0] as const;
    const good = [0, 100, 255] as const;
    expect(mixRgb(bad, good, 0)).toEqual([200, 100, 0]);
    expect(mixRgb(bad, good, 1)).toEqual([0, 100, 255]);
    expect(colorBucket(0)).toBe(0);
    expect(colorBucket(1)).toBe(COLOR_BUCKETS - 1);
    const colors = bucketColors(bad, good);
    expect(colors).toHaveLength(COLOR_BUCKETS);
    expect(colors[0]![0]).toBeGreaterThan(190);
    expect(colors[COLOR_BUCKETS - 1]![2]).toBeGreaterThan(240);
  });
});

describe('brushes', () => {
  it('turns a numeric brush into a value range, and back', () => {
    const lr = axis('param:lr');
    const range = brushToRange(lr, 0.75, 0.25)!;
    expect(range.min).toBeCloseTo(1e-4);
    expect(range.max).toBeCloseTo(1e-2);
    const [lo, hi] = rangeToBrush(lr, range)!;
    expect(lo).toBeCloseTo(0.25);
    expect(hi).toBeCloseTo(0.75);
  });

  it('turns a categorical brush into the covered choices, and an empty one into no filter', () => {
    const opt = axis('param:optimizer');
    expect(brushToRange(opt, 0.1, 0.55)).toEqual({ values: ['adam', 'sgd'] });
    expect(brushToRange(opt, 0.2, 0.3)).toBeUndefined();
    const [lo, hi] = rangeToBrush(opt, { values: ['sgd'] })!;
    expect(lo).toBeCloseTo(1 / 3);
    expect(hi).toBeCloseTo(2 / 3);
    expect(brushToRange(axis('rung'), 0.4, 1)).toEqual({ min: 1, max: 2 });
  });

  it('keeps exactly the trials whose values lie in the brushed range', () => {
    const layers = axis('param:layers');
    const range = brushToRange(layers, 0, 3 / 7)!; // layers 1 … 4
    const kept = study.trials.filter((t) => (t.params.layers as number) >= range.min! && (t.params.layers as number) <= range.max!);
    expect(new Set(kept.map((t) => t.params.layers))).toEqual(new Set([1, 2, 3, 4]));
  });
});

describe('picking and axis order', () => {
  it('finds the line nearest a click between two axes', () => {
    const layout = layoutAxes(2, 300, 200);
    // Line 0 goes bottom → top; line 1 stays at the middle.
    const positions = [0, 1, 0.5, 0.5];
    const midX = (layout.xs[0]! + layout.xs[1]!) / 2;
    expect(nearestLine(positions, 2, 2, layout, midX, yAt(layout, 0.5), 4)).toBeGreaterThanOrEqual(0);
    expect(nearestLine(positions, 2, 2, layout, layout.xs[0]!, yAt(layout, 0), 4)).toBe(0);
    expect(nearestLine(positions, 2, 2, layout, layout.xs[1]!, yAt(layout, 0.5) + 3, 4)).toBe(1);
    expect(nearestLine(positions, 2, 2, layout, layout.xs[1]!, yAt(layout, 0.2), 4)).toBe(-1);
  });

  it('keeps the saved order, appends new axes and leaves hidden ones out', () => {
    const keys = visibleAxes(axes, ['value', 'param:layers', 'param:gone'], new Set(['param:momentum'])).map((a) => a.key);
    expect(keys).toEqual(['value', 'param:layers', 'param:lr', 'param:optimizer', 'rung']);
    expect(moveAxis(['a', 'b', 'c', 'd'], 'a', 2)).toEqual(['b', 'c', 'a', 'd']);
    expect(moveAxis(['a', 'b', 'c'], 'c', 0)).toEqual(['c', 'a', 'b']);
  });
});

