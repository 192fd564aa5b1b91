import { describe, expect, it } from 'vitest';
import { compileMetricPattern, createRegexParser, MAX_REGEX_INPUT } from '../../../src/engine/metrics/formats/regex';
import { createMetricParser, tryCreateMetricParser } from '../../../src/engine/metrics/createMetricParser';
import type { MetricRecord } from '../../../src/engine/metrics/metricParser';

type Case = readonly [pattern: string, line: string, expected: MetricRecord | undefined];

const rec = (values: Record<string, number>, step?: number): MetricRecord =>
  step === undefined ? { values } : { values, step };

describe('regex format', () => {
  const cases: readonly Case[] = [
    // with a step group: the step is not a value
    [String.raw`Epoch (?<step>\d+)/\d+ .*validation loss (?<val_loss>\S+)`, 'Epoch 3/10 - validation loss 0.214', rec({ val_loss: 0.214 }, 3)],
    // without one
    [String.raw`val (?<val_loss>[-+.\deE]+) acc (?<acc>[\d.]+%)`, 'val 1e-3 acc 93.5%', rec({ val_loss: 0.001, acc: 93.5 })],
    // no match, and a match whose captures are not numbers
    [String.raw`loss (?<loss>\S+)`, 'nothing here', undefined],
    [String.raw`loss (?<loss>\S+)`, 'loss abc', undefined],
    [String.raw`loss (?<loss>\S+) acc (?<acc>\S+)`, 'loss abc acc 0.5', rec({ acc: 0.5 })],
    // a step group alone matching is not a metric
    [String.raw`step (?<step>\d+)(?: loss (?<loss>\S+))?`, 'step 4', undefined],
    [String.raw`step (?<step>\d+)(?: loss (?<loss>\S+))?`, 'step 4 loss 1', rec({ loss: 1 }, 4)],
    // non-finite step: kept out of the step, values as printed
    [String.raw`step (?<step>\S+) loss (?<loss>\S+)`, 'step nan loss -inf', rec({ loss: -Infinity })],
    [String.raw`loss=(?<loss>\S+)`, 'loss=NaN', rec({ loss: NaN })],
    // first match on the line
    [String.raw`loss=(?<loss>[\d.]+)`, 'loss=1 loss=2', rec({ loss: 1 })],
    // Python conveniences
    [String.raw`(?i)LOSS (?P<loss>[\d.]+)`, 'loss 0.5', rec({ loss: 0.5 })],
    [String.raw`\(?P<x>(?P<loss>[\d.]+)`, 'P<x>0.5', rec({ loss: 0.5 })],
    [String.raw`[(?P<](?<loss>\d)`, 'P5', rec({ loss: 5 })],
    // captures with blanks around them
    [String.raw`loss:(?<loss>.*)$`, 'loss:  0.25  ', rec({ loss: 0.25 })],
  ];

  it.each(cases)('%s on %j', (pattern, line, expected) => {
    expect(createMetricParser({ kind: 'regex', pattern }).parse(line)).toEqual(expected);
  });

  it('compiles the pattern once and lists its named groups', () => {
    const compiled = compileMetricPattern(String.raw`(?<step>\d+) (?P<loss>\S+) (?<=x)(?<acc>\d)`);
    expect(compiled.ok && compiled.value.groupNames).toEqual(['step', 'loss', 'acc']);
  });

  it('explains invalid patterns instead of throwing', () => {
    const bad = tryCreateMetricParser({ kind: 'regex', pattern: '(?<loss>[' });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/^invalid regular expression/);
    const noGroup = tryCreateMetricParser({ kind: 'regex', pattern: String.raw`loss (\S+)` });
    expect(!noGroup.ok && noGroup.error).toMatch(/named group/);
    const stepOnly = tryCreateMetricParser({ kind: 'regex', pattern: String.raw`(?<step>\d+)` });
    expect(stepOnly.ok).toBe(false);
    expect(() => createMetricParser({ kind: 'regex', pattern: '(' })).toThrow(SyntaxError);
  });

  it('matches only the head of a huge line', () => {
    const compiled = compileMetricPattern(String.raw`loss=(?<loss>\d+)`);
    if (!compiled.ok) throw new Error(compiled.error);
    const parser = createRegexParser(compiled.value);
    expect(parser.parse('x'.repeat(MAX_REGEX_INPUT) + 'loss=1')).toBeUndefined();
    expect(parser.parse('loss=1' + 'x'.repeat(2 * MAX_REGEX_INPUT))).toEqual(rec({ loss: 1 }));
  });
});
