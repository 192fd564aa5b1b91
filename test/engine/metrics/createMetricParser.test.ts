import { describe, expect, it } from 'vitest';
import { createMetricParser, metricValue, parseAutoLine } from '../../../src/engine/metrics/createMetricParser';
import type { MetricRecord } from '../../../src/engine/metrics/metricParser';

type Case = readonly [line: string, expected: MetricRecord | undefined];

const rec = (values: Record<string, number>, step?: number): MetricRecord =>
  step === undefined ? { values } : { values, step };

describe('auto format', () => {
  const parser = createMetricParser({ kind: 'auto' });

  const cases: readonly Case[] = [
    // precedence: tag, then JSON, then pairs
    ['@@rung {"step": 1, "loss": 0.5}', rec({ step: 1, loss: 0.5 }, 1)],
    ['epoch=9 @@rung {"loss": 0.5}', rec({ loss: 0.5 })],
    ['@@rung {"loss": 0.5', undefined],
    ['{"epoch": 3, "val_loss": 0.214}', rec({ epoch: 3, val_loss: 0.214 }, 3)],
    ['{"epoch": 3, "loss": NaN}', rec({ epoch: 3, loss: NaN }, 3)],
    // a valid JSON object is not mined for pairs inside its strings
    ['{"event": "epoch done loss=0.5", "level": "info"}', undefined],
    // brace-wrapped but not JSON: read as pairs (Python dict reprs, truncated objects)
    ["{'loss': 0.6931, 'learning_rate': 4.5e-05, 'epoch': 0.33}", rec({ loss: 0.6931, learning_rate: 4.5e-5, epoch: 0.33 }, 0.33)],
    ["{'loss': nan, 'epoch': 1}", rec({ loss: NaN, epoch: 1 }, 1)],
    ['{"loss": 0.5, "acc": 0.9', rec({ loss: 0.5, acc: 0.9 })],
    ['{epoch=3, loss=0.5}', rec({ epoch: 3, loss: 0.5 }, 3)],
    // pairs
    ['epoch=3 val_loss=0.214 acc=0.93', rec({ epoch: 3, val_loss: 0.214, acc: 0.93 }, 3)],
    ['val_loss: 0.214, acc: 0.93', rec({ val_loss: 0.214, acc: 0.93 })],
    ['Epoch 3 | loss=0.5', rec({ loss: 0.5 })],
    // nothing
    ['https://host:8080/x', undefined],
    ['time: 12:30:45', undefined],
    ['Note: something', undefined],
    ['[1, 2, 3]', undefined],
    ['', undefined],
  ];

  it.each(cases)('%j', (line, expected) => {
    expect(parser.parse(line)).toEqual(expected);
  });

  it('is the same function as parseAutoLine', () => {
    expect(parser.parse('a=1')).toEqual(parseAutoLine('a=1'));
  });
});

describe('metricValue', () => {
  it('reads own values only', () => {
    const record = rec({ loss: 0.5 });
    expect(metricValue(record, 'loss')).toBe(0.5);
    expect(metricValue(record, 'constructor')).toBeUndefined();
    expect(metricValue(record, 'toString')).toBeUndefined();
    expect(metricValue(parseAutoLine('constructor=3') ?? rec({}), 'constructor')).toBe(3);
  });
});

describe('robustness', () => {
  const parsers = [
    ['auto', createMetricParser({ kind: 'auto' })],
    ['regex', createMetricParser({ kind: 'regex', pattern: String.raw`loss[=:]\s*(?<loss>\S+)` })],
  ] as const;

  /** Each of these must return within the budget below, without throwing. */
  const MB = 1 << 20;
  const hugeLines: readonly (readonly [string, string])[] = [
    ['letters', 'a'.repeat(MB)],
    ['digits', '7'.repeat(MB)],
    ['pairs', 'loss=0.5 '.repeat(MB / 9)],
    ['distinct pairs', Array.from({ length: MB / 12 }, (_, k) => `k${k}=${k}`).join(' ')],
    ['separators', '=:'.repeat(MB / 2)],
    ['key then blanks', 'loss' + ' '.repeat(MB)],
    ['open braces', '{'.repeat(MB)],
    ['JSON prefix', '{"a": '.repeat(MB / 6)],
    ['JSON array', '{"a": [' + '1,'.repeat(MB / 2) + '1], "loss": 2}'],
    ['one string', '{"a": "' + 'x'.repeat(MB) + '", "loss": 2}'],
    ['backslashes', '{"a": "' + '\\'.repeat(MB) + '"}'],
    ['tag mentions', '@@rung '.repeat(MB / 7)],
    ['tag with huge object', '@@rung {"loss": 1, "pad": "' + 'y'.repeat(MB) + '"}'],
    ['replacement chars', '\ufffd'.repeat(MB)],
    ['control chars', Array.from({ length: MB }, (_, k) => String.fromCharCode(k % 32)).join('')],
    ['escape sequences', '\u001b['.repeat(MB / 2)],
    ['long number', 'loss=' + '1'.repeat(MB)],
    ['long decimal', 'loss=0.' + '1'.repeat(MB)],
  ];

  for (const [format, parser] of parsers) {
    it.each(hugeLines)(`${format}: 1 MB of %s returns quickly`, (_name, line) => {
      const start = performance.now();
      expect(() => parser.parse(line)).not.toThrow();
      expect(performance.now() - start).toBeLessThan(1000);
    });
  }

  it('reads metrics on a 1 MB line and caps their count', () => {
    const record = parseAutoLine('loss=0.5 '.repeat(MB / 9));
    expect(record).toEqual(rec({ loss: 0.5 }));
    expect(parseAutoLine('{"a": [' + '1,'.repeat(MB / 2) + '1], "loss": 2}')).toEqual(rec({ loss: 2 }));
    expect(parseAutoLine('loss=' + '1'.repeat(400))?.values.loss).toBe(Number('1'.repeat(400)));
    expect(parseAutoLine('loss=' + '1'.repeat(MB))?.values.loss).toBe(Infinity);
  });

  it('never throws on random input (fuzz with a fixed seed)', () => {
    const alphabet = ['a', 'Z', '_', '0', '9', '.', '-', '+', 'e', '=', ':', ' ', '\t', '%', ',', '{', '}', '[', ']', '"', "'", '\\', '@@rung ', 'nan', 'inf', '\u001b[', '\ufffd', '\u0000', '\r', 'epoch', 'step', '/', 'Infinity', 'NaN', 'true', 'null'];
    let seed = 12345;
    const next = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    const auto = createMetricParser({ kind: 'auto' });
    for (let k = 0; k < 20_000; k++) {
      let line = '';
      const length = next() % 40;
      for (let c = 0; c < length; c++) line += alphabet[next() % alphabet.length] ?? '';
      const record = auto.parse(line);
      if (record !== undefined) {
        // Every record has at least one value, and a step is always finite.
        expect(Object.keys(record.values).length).toBeGreaterThan(0);
        if (record.step !== undefined) expect(Number.isFinite(record.step)).toBe(true);
        for (const value of Object.values(record.values)) expect(typeof value).toBe('number');
      }
    }
  });

  it('agrees with Number() on decimal values (fast path is exact)', () => {
    let seed = 99;
    const next = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    for (let k = 0; k < 20_000; k++) {
      const digits = String(next()) + String(next());
      const cut = next() % digits.length;
      const exponent = (next() % 60) - 30;
      const text = `${digits.slice(0, cut)}.${digits.slice(cut)}${k % 2 === 0 ? `e${exponent}` : ''}`;
      expect(parseAutoLine(`x=${text}`)?.values.x).toBe(Number(text));
    }
  });
});
