import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, parseJsonLine, readJsonObject } from '../../../src/engine/metrics/formats/jsonLine';
import { findTaggedObject, parseTaggedLine } from '../../../src/engine/metrics/formats/tagged';
import type { MetricRecord } from '../../../src/engine/metrics/metricParser';

type Case = readonly [line: string, expected: MetricRecord | undefined];

const rec = (values: Record<string, number>, step?: number): MetricRecord =>
  step === undefined ? { values } : { values, step };

describe('parseJsonLine', () => {
  const cases: readonly Case[] = [
    ['{"epoch": 3, "val_loss": 0.214}', rec({ epoch: 3, val_loss: 0.214 }, 3)],
    ['  {"loss":0.5}  \r', rec({ loss: 0.5 })],
    ['{}', undefined],
    ['{"msg": "loss=0.5", "ok": true, "none": null}', undefined],
    // numbers as strings
    ['{"loss": "0.2", "a": "NaN", "b": "-inf", "c": "93%", "d": " 7 "}', rec({ loss: 0.2, a: NaN, b: -Infinity, c: 93, d: 7 })],
    ['{"id": "3abc", "t": "12:30:45", "v": "1.2.3", "e": ""}', undefined],
    // Python's json.dumps tokens
    ['{"a": NaN, "b": Infinity, "c": -Infinity}', rec({ a: NaN, b: Infinity, c: -Infinity })],
    // nesting: flattened with dots, arrays ignored, step only from the top level
    ['{"train": {"loss": 0.5, "inner": {"acc": 0.9}}, "epoch": 2}', rec({ 'train.loss': 0.5, 'train.inner.acc': 0.9, epoch: 2 }, 2)],
    ['{"meta": {"epoch": 9}, "loss": 1}', rec({ 'meta.epoch': 9, loss: 1 })],
    ['{"hist": [1, 2, {"x": 3}, [4, [5]]], "loss": 1}', rec({ loss: 1 })],
    ['{"empty": {}, "list": [], "loss": 1}', rec({ loss: 1 })],
    // numbers
    ['{"a": -1.5e-3, "b": 2E+4, "c": 0, "d": -0.0}', rec({ a: -0.0015, b: 20000, c: 0, d: -0 })],
    // escapes in keys and strings
    ['{"val\\u005floss": 0.3, "s": "a\\"b", "q\\"k": 1}', rec({ val_loss: 0.3, 'q"k': 1 })],
    ['{"__proto__": 1, "constructor": 2}', rec({ ['__proto__']: 1, constructor: 2 })],
    ['{"loss": 1, "loss": 2}', rec({ loss: 2 })],
  ];

  it.each(cases)('%j', (line, expected) => {
    expect(parseJsonLine(line)).toEqual(expected);
  });

  it('stores `__proto__` as an own key', () => {
    const values = parseJsonLine('{"__proto__": 1}')?.values ?? {};
    expect(Object.hasOwn(values, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
  });

  const invalid: readonly string[] = [
    '{"loss": 0.5',
    '{"loss": 0.5,}',
    '{"loss": 0.5} trailing',
    '{"loss": 0.5}{"acc": 1}',
    "{'loss': 0.5}",
    '{loss: 0.5}',
    '{"loss" 0.5}',
    '{"loss": 0.5s}',
    '{"loss": 5%}',
    '{"loss": tru}',
    '{"s": "unterminated}',
    '{"s": "bad \\u12 escape"}',
    '{"a": [1, 2}',
    '{"a": {"b": 1}',
    '[1, 2]',
  ];

  it.each(invalid)('rejects malformed %j', (line) => {
    const start = line.indexOf('{');
    if (start >= 0) expect(readJsonObject(line, start).ok).toBe(false);
    expect(parseJsonLine(line)).toBeUndefined();
  });

  it('rejects nesting deeper than the limit without overflowing the stack', () => {
    const deep = '{"a": '.repeat(100_000) + '1' + '}'.repeat(100_000);
    expect(readJsonObject(deep, 0)).toMatchObject({ ok: false });
    const arrays = '{"a": ' + '['.repeat(500_000) + ']'.repeat(500_000) + ', "loss": 1}';
    expect(readJsonObject(arrays, 0)).toMatchObject({ ok: false });
    const ok = '{"a": '.repeat(MAX_JSON_DEPTH - 1) + '1' + '}'.repeat(MAX_JSON_DEPTH - 1);
    expect(readJsonObject(ok, 0)).toMatchObject({ ok: true });
  });

  it('reports where the object broke', () => {
    expect(readJsonObject('{"loss": x}', 0)).toEqual({ ok: false, error: 'expected a value at column 10' });
  });
});

describe('tagged lines', () => {
  const cases: readonly Case[] = [
    ['@@rung {"step": 3, "val_loss": 0.214, "acc": 0.93}', rec({ step: 3, val_loss: 0.214, acc: 0.93 }, 3)],
    ['@@rung {"val_loss": NaN, "x": Infinity, "y": -Infinity}', rec({ val_loss: NaN, x: Infinity, y: -Infinity })],
    // `step` (the helper's argument) outranks `epoch` here, unlike in plain key=value lines
    ['@@rung {"step": 5, "epoch": 2, "loss": 1}', rec({ step: 5, epoch: 2, loss: 1 }, 5)],
    ['@@rung {"step": NaN, "epoch": 2, "loss": 1}', rec({ step: NaN, epoch: 2, loss: 1 }, 2)],
    ['@@rung {"epoch": 2, "loss": 1}', rec({ epoch: 2, loss: 1 }, 2)],
    // prefixes added by wrappers, blanks and line-end remnants
    ['[rank0]: @@rung {"loss": 1}', rec({ loss: 1 })],
    ['(pid=123) @@rung\t{"loss": 1}  \r', rec({ loss: 1 })],
    ['  @@rung {"loss": 1}', rec({ loss: 1 })],
    // mentions that are not tags
    ['@@rung', undefined],
    ['@@rung{"loss": 1}', undefined],
    ['see @@rung lines', undefined],
    ['@@rungs {"loss": 1}', undefined],
    // malformed: nothing, not a key=value fallback
    ['@@rung {"loss": 1', undefined],
    ['@@rung {"loss": 1} extra=2', undefined],
    ['@@rung {}', undefined],
    ['@@rung {"note": "done"}', undefined],
  ];

  it.each(cases)('%j', (line, expected) => {
    expect(parseTaggedLine(line)).toEqual(expected);
  });

  it('skips a mention before the real tag', () => {
    const line = 'about @@rung: @@rung {"loss": 1}';
    expect(findTaggedObject(line)).toBe(line.lastIndexOf('{'));
    expect(parseTaggedLine(line)).toEqual(rec({ loss: 1 }));
  });
});
