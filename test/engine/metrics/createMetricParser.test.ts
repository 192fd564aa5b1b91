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
    ['Epoch 3 | loss=0.5', rec({ Epoch: 3, loss: 0.5 }, 3)],
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

  // What common libraries print, as the auto format reads it: the step they print, and names for each split/set.
  const frameworkCases: readonly Case[] = [
    // scikit-learn MLPClassifier(verbose=True)
    ['Iteration 1, loss = 0.52339021', rec({ Iteration: 1, loss: 0.52339021 }, 1)],
    // logging.basicConfig + an f-string
    ['INFO:root:Epoch 5 - val_loss=0.42', rec({ Epoch: 5, val_loss: 0.42 }, 5)],
    // XGBoost (verbose_eval / the sklearn API's verbose): the round
    ['[0]\tvalidation_0-logloss:0.61734\tvalidation_1-logloss:0.62458', rec({ 'validation_0-logloss': 0.61734, 'validation_1-logloss': 0.62458 }, 0)],
    // LightGBM (log_evaluation(period=10)): the round, not a count of printed lines
    ["[10]\tvalid_0's binary_logloss: 0.312345", rec({ binary_logloss: 0.312345, valid_0_binary_logloss: 0.312345 }, 10)],
    // CatBoost (verbose=True)
    [
      '0:\tlearn: 0.6788712\ttest: 0.6812374\tbest: 0.6812374 (0)\ttotal: 5.12ms\tremaining: 5.11s',
      rec({ learn: 0.6788712, test: 0.6812374, best: 0.6812374 }, 0),
    ],
    // nanoGPT's eval line, and a tutorial's
    ['step 100: train loss 2.3456, val loss 2.4567', rec({ step: 100, train_loss: 2.3456, val_loss: 2.4567 }, 100)],
    // a step key and its number before the split word's form also give the step
    ['Epoch 2 val loss 0.5', rec({ Epoch: 2, val_loss: 0.5 }, 2)],
    ['epoch 2 val loss 0.5, val acc 91.2%', rec({ epoch: 2, val_loss: 0.5, val_acc: 91.2 }, 2)],
    ['Epoch 2 val loss 5 times', undefined],
    ['best epoch 2 val loss 0.5', rec({ val_loss: 0.5 })],
    ['epoch 3 | train loss 0.123 | val loss 0.234 | val acc 91.2%', rec({ epoch: 3, train_loss: 0.123, val_loss: 0.234, val_acc: 91.2 }, 3)],
    // and text near those forms
    ['[INFO] 2024-01-02 12:30:45 Starting', undefined],
    ['[1/3] Building wheel', undefined],
    ['Step 3: download the data', undefined],
    ['0: /dev/sda1', undefined],
    ['[12]', undefined],
    ['train 3 models', undefined],
    ['Iteration 1 of 10 done', undefined],
    ['test loss 5 times lower', undefined],
  ];

  it.each(frameworkCases)('%j', (line, expected) => {
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
    ['round prefixes', '[1]\t'.repeat(MB / 4)],
    ['round digits', '[' + '1'.repeat(MB)],
    ['iteration digits', '1'.repeat(MB) + ':\tloss=1'],
    ['step prefix digits', 'Epoch ' + '1'.repeat(MB)],
    ['split words', 'val '.repeat(MB / 4)],
    ['split pairs', 'val loss 1 '.repeat(MB / 11)],
    ['split value then blanks', 'val loss 1' + ' '.repeat(MB)],
    ['split value then commas', 'val loss 1' + ', '.repeat(MB / 2)],
    ['owners', "a's ".repeat(MB / 4)],
    ['ratios', 'a: 1/2 ('.repeat(MB / 8)],
    ['ratio total digits', 'a: 1/' + '2'.repeat(MB)],
    ['step then split pairs', 'epoch 1 val loss 1'.repeat(MB / 18)],
    ['step, split value then blanks', 'epoch 1 val loss 1' + ' '.repeat(MB)],
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
    const alphabet = ['a', 'Z', '_', '0', '9', '.', '-', '+', 'e', '=', ':', ' ', '\t', '%', ',', '{', '}', '[', ']', '"', "'", '\\', '@@rung ', 'nan', 'inf', '\u001b[', '\ufffd', '\u0000', '\r', 'epoch', 'step', '/', 'Infinity', 'NaN', 'true', 'null', 'val ', 'loss ', "'s ", 'Iteration ', ', ', ' - ', '|', '\t[', '1:\t'];
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

  it('reads joined keys on many lines (key cache) without mixing them up', () => {
    for (let k = 0; k < 3000; k++) {
      const split = ['Train', 'val', 'TEST', 'dev'][k % 4] ?? 'val';
      const name = `m${k % 900}`;
      const record = parseAutoLine(`${split} ${name}: ${k} | ${split} ${name} ${k + 1} | set${k % 700}'s ${name}: ${k + 2}`);
      expect(record?.values).toEqual({ [name]: k + 2, [`${split.toLowerCase()}_${name}`]: k + 1, [`set${k % 700}_${name}`]: k + 2 });
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
