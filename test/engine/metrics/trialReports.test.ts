/**
 * TrialReportReader: a trial's lines in order → its reports of the objective, with the state that needs the lines
 * before (steps carried over, Keras' epoch line, fastai's table, redraws). The study loop's use of it, with real
 * processes, is in test/engine/studyMetricLines.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createMetricParser } from '../../../src/engine/metrics/createMetricParser';
import { TrialReportReader } from '../../../src/engine/metrics/trialReports';

function readAll(lines: readonly string[], metric = 'val_loss'): { reader: TrialReportReader; out: Array<[string, number, number]> } {
  const reader = new TrialReportReader(createMetricParser({ kind: 'auto' }), metric, true);
  const out: Array<[string, number, number]> = [];
  for (const line of lines) {
    const r = reader.read(line);
    if (r) out.push([r.kind, r.step, r.value]);
  }
  return { reader, out };
}

describe('TrialReportReader', () => {
  it('takes printed steps, carries the last one to lines without, and counts when none is ever printed', () => {
    expect(readAll(['epoch=2 val_loss=0.5', 'val_loss=0.4', 'epoch=3 val_loss=0.3']).out).toEqual([
      ['report', 2, 0.5],
      ['report', 2, 0.4],
      ['report', 3, 0.3],
    ]);
    const counted = readAll(['val_loss=0.5', 'noise', 'val_loss=0.4']);
    expect(counted.out).toEqual([
      ['report', 1, 0.5],
      ['report', 2, 0.4],
    ]);
    expect([counted.reader.reports, counted.reader.lastStep, counted.reader.lastValue]).toEqual([2, 2, 0.4]);
  });

  it("a progress bar repeating the last value under the next epoch's prefix is a redraw at the report's step", () => {
    const { reader, out } = readAll([
      'Epoch 0: 100%|████| 50/50 [00:01<00:00, val_loss=0.876]',
      'Epoch 1:  40%|██  | 20/50 [00:00<00:01, val_loss=0.876]',
      'Epoch 1: 100%|████| 50/50 [00:01<00:00, val_loss=0.512]',
    ]);
    expect(out).toEqual([
      ['report', 0, 0.876],
      ['redraw', 0, 0.876],
      ['report', 1, 0.512],
    ]);
    expect(reader.reports).toBe(2);
  });

  it("Keras: the Epoch N/M line gives the bar's step, a bar mid-epoch is no report, and the report says epoch", () => {
    const reader = new TrialReportReader(createMetricParser({ kind: 'auto' }), 'val_loss', true);
    expect(reader.read('Epoch 3/10')).toBeUndefined();
    expect(reader.read(' 5/32 [===>..........................] - ETA: 0s - loss: 0.61 - val_loss: 0.70')).toBeUndefined();
    const report = reader.read('32/32 [==============================] - 0s 2ms/step - loss: 0.4 - val_loss: 0.5');
    expect(report).toMatchObject({ kind: 'report', step: 3, value: 0.5, values: { epoch: 3, loss: 0.4, val_loss: 0.5 } });
  });

  it("keeps the other metrics printed before the first report, for a trial that never reports the objective", () => {
    const { reader, out } = readAll(['epoch=1 loss=0.5 val_los=0.6']);
    expect(out).toEqual([]);
    expect(reader.reports).toBe(0);
    expect(reader.otherKeys.describe('val_loss')).toContain('val_los');
  });
});
