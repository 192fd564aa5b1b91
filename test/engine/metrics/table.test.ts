import { describe, expect, it } from 'vitest';
import { TableReader } from '../../../src/engine/metrics/formats/table';
import type { MetricRecord } from '../../../src/engine/metrics/metricParser';

const readAll = (lines: readonly string[]): (MetricRecord | undefined)[] => {
  const reader = new TableReader();
  return lines.map((line) => reader.read(line));
};

describe('TableReader', () => {
  it("reads fastai's table: a header, then a row of numbers per epoch (a time column gives nothing)", () => {
    expect(
      readAll([
        'epoch     train_loss  valid_loss  accuracy  time    ',
        '0         0.512345    0.432100    0.851000  00:02     ',
        '1         0.412345    0.392100    0.871000  00:02     ',
      ]),
    ).toEqual([
      undefined,
      { values: { epoch: 0, train_loss: 0.512345, valid_loss: 0.4321, accuracy: 0.851 }, step: 0 },
      { values: { epoch: 1, train_loss: 0.412345, valid_loss: 0.3921, accuracy: 0.871 }, step: 1 },
    ]);
  });

  it("skips fastai's #na# and a progress bar between rows; reads nan, percents and a DataFrame's index column", () => {
    expect(
      readAll([
        'epoch     train_loss  valid_loss  error_rate  time    ',
        ' |████████████--------| 60.00% [3/5 00:01<00:01]',
        '0         1.2         #na#        nan         00:01',
        '   epoch      loss  val_loss  val_acc',
        '0      1  0.693100  0.701200   51.00%',
      ]),
    ).toEqual([
      undefined,
      undefined,
      { values: { epoch: 0, train_loss: 1.2, error_rate: Number.NaN }, step: 0 },
      undefined,
      { values: { epoch: 1, loss: 0.6931, val_loss: 0.7012, val_acc: 51 }, step: 1 },
    ]);
  });

  it('reads nothing without a header whose first column is a step, or from rows that do not fit it', () => {
    expect(
      readAll([
        '0         0.512345    0.432100',
        'train_loss  valid_loss  accuracy',
        '0         0.512345    0.432100',
        'Training until validation scores improve',
        'Saving model at step',
        '3 0.5 0.25',
        'loss epoch valid_loss',
        '1 0.5 0.4',
        'epoch train_loss valid_loss',
        '1 0.5',
        '1 0.5 0.4 0.3 0.2',
        'x 0.5 0.4',
        '1 00:01 00:02',
        'Epoch 3: val_loss=0.5 acc=0.9',
      ]),
    ).toEqual(Array(14).fill(undefined));
  });
});
