/**
 * TrialReportReader: a trial's lines in order → its reports of the objective, with the state that needs the lines
 * before (steps carried over, Keras' epoch line, fastai's table, redraws, several reports per step), and StepJudge:
 * which reports a scheduler judges. The study loop's use of them, with real processes, is in
 * test/engine/studyMetricLines.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createMetricParser } from '../../../src/engine/metrics/createMetricParser';
import { type Judgement, StepJudge, TrialReportReader } from '../../../src/engine/metrics/trialReports';

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
    // Lightning's epochs count from 0: the value at `Epoch 0` is after one epoch, step 1.
    expect(out).toEqual([
      ['report', 1, 0.876],
      ['redraw', 1, 0.876],
      ['report', 2, 0.512],
    ]);
    expect(reader.reports).toBe(2);
  });

  it('counts epochs from 0 when the first report with a step is a bar at `Epoch 0`, not an evaluation before training', () => {
    const steps = (lines: readonly string[], fromZero = false): number[] => {
      const reader = new TrialReportReader(createMetricParser({ kind: 'auto' }), 'val_loss', true, fromZero);
      return lines.flatMap((l) => {
        const r = reader.read(l);
        return r?.kind === 'report' ? [r.step] : [];
      });
    };
    // Lightning's tqdm bar and its rich bar (`Epoch 0/2`): steps are epochs done; the values keep `Epoch` as printed.
    expect(steps(['Epoch 0: 100%|████| 50/50 [00:01<00:00, val_loss=0.9]', 'Epoch 1: 100%|████| 50/50 [00:01<00:00, val_loss=0.8]', 'val_loss=0.7'])).toEqual([1, 2, 2]);
    expect(steps(['Epoch 0/2 ━━━━━━━━━━ 50/50 0:00:01 • 0:00:00 40.00it/s v_num: 0 val_loss: 0.9'])).toEqual([1]);
    const reader = new TrialReportReader(createMetricParser({ kind: 'auto' }), 'val_loss', true);
    expect(reader.read('Epoch 0: 100%|████| 50/50 [00:01<00:00, val_loss=0.9]')).toMatchObject({ step: 1, values: { Epoch: 0, val_loss: 0.9 } });
    expect(reader.countsFromZero).toBe(true);
    // An evaluation before training, a bar counted from 1, a bar first seen at a later epoch: as printed.
    expect(steps(['epoch=0 val_loss=2.3', 'Epoch 1: 100%|████| 50/50 [00:01<00:00, val_loss=0.8]'])).toEqual([0, 1]);
    expect(steps(['Epoch 1: 100%|████| 50/50 [00:01<00:00, val_loss=0.8]', 'Epoch 2: 100%|████| 50/50 [00:01<00:00, val_loss=0.7]'])).toEqual([1, 2]);
    // A relaunch of a trial that counted from 0 resumes at `Epoch 3`: still counted from 0.
    expect(steps(['Epoch 3: 100%|████| 50/50 [00:01<00:00, val_loss=0.5]'], true)).toEqual([4]);
  });

  it('counts boosting rounds and table rows from 0 when the first is 0, so a step is the rounds or epochs done', () => {
    const steps = (metric: string, lines: readonly string[]): number[] => {
      const reader = new TrialReportReader(createMetricParser({ kind: 'auto' }), metric, true);
      return lines.flatMap((l) => {
        const r = reader.read(l);
        return r?.kind === 'report' ? [r.step] : [];
      });
    };
    // XGBoost prints `[0]` after the first tree and every `verbose_eval` rounds, the last one too.
    expect(steps('validation_0-rmse', ['[0]\tvalidation_0-rmse:0.51\tvalidation_1-rmse:0.50', '[10]\tvalidation_0-rmse:0.31', '[19]\tvalidation_0-rmse:0.29'])).toEqual([1, 11, 20]);
    // CatBoost's `0:` the same; LightGBM's rounds start at `[1]`: as printed.
    expect(steps('test', ['0:\tlearn: 0.68\ttest: 0.69\tbest: 0.69 (0)\ttotal: 5ms\tremaining: 5s', '1:\tlearn: 0.60\ttest: 0.62'])).toEqual([1, 2]);
    expect(steps("valid_0_auc", ["[1]\tvalid_0's auc: 0.81", "[2]\tvalid_0's auc: 0.84"])).toEqual([1, 2]);
    // fastai's table: row 0 holds the first epoch's results.
    const table = ['epoch     train_loss  valid_loss  accuracy  time', '0         0.512345    0.432100    0.851000  00:02', '1         0.41        0.40        0.86      00:02'];
    expect(steps('valid_loss', table)).toEqual([1, 2]);
    // A round with a step key on the line: the key decides, as printed.
    expect(steps('loss', ['[0]\tepoch=0 loss=0.5', '[1]\tepoch=1 loss=0.4'])).toEqual([0, 1]);
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

  it('suggests the same metric in other words: "Validation loss: 0.4" for val_loss, val_accuracy for val_acc', () => {
    const { reader } = readAll(['Epoch 1 - Validation loss: 0.4', 'train_loss=0.5 val_accuracy=0.9']);
    expect(reader.otherKeys.describe('val_loss')).toContain('did you mean "validation_loss"?');
    expect(reader.otherKeys.describe('val_acc')).toContain('did you mean "val_accuracy"?');
    expect(reader.otherKeys.describe('test_loss')).not.toContain('did you mean');
  });

  it('marks reports provisional once a step got two, or a line shows itself mid-step; a non-finite value never', () => {
    const provisional = (lines: readonly string[], metric = 'loss'): boolean[] => {
      const reader = new TrialReportReader(createMetricParser({ kind: 'auto' }), metric, true);
      return lines.flatMap((l) => {
        const r = reader.read(l);
        return r ? [r.provisional] : [];
      });
    };
    // Once per step: judged at once, every one.
    expect(provisional(['epoch=1 loss=0.5', 'epoch=2 loss=0.4', 'epoch=3 loss=0.3'])).toEqual([false, false, false]);
    expect(provisional(['loss=0.5', 'loss=0.4'])).toEqual([false, false]);
    // A second report at step 1: from there on provisional (the first was judged already).
    expect(provisional(['epoch=1 loss=0.5', 'epoch=1 loss=0.4', 'epoch=2 loss=0.3'])).toEqual([false, true, true]);
    // A batch counter, a tqdm bar under 100%: provisional from the first report.
    expect(provisional(['epoch=1 batch=10 loss=0.5', 'epoch=1 batch=20 loss=0.4'])).toEqual([true, true]);
    expect(provisional(['Epoch 1:  40%|████      | 20/50 [00:10<00:15, loss=0.53]'])).toEqual([true]);
    expect(provisional(['Epoch 1: 100%|██████████| 50/50 [00:10<00:00, loss=0.53]'])).toEqual([false]);
    expect(provisional(['Epoch 3: 5%|█         | 2/50 [00:10<00:15, loss=0.53]'])).toEqual([true]);
    // A bar over the epochs themselves (no step printed: each value is an epoch's) is judged at once.
    expect(provisional(['Training:  25%|##   | 1/4 [00:00<00:01, loss=0.5]', 'Training:  50%|##   | 2/4 [00:00<00:01, loss=0.4]'])).toEqual([false, false]);
    expect(provisional(['45%|████      | 20/50 [00:10<00:15, loss=0.53]'])).toEqual([false]);
    expect(provisional(['epoch=1 batch=10 loss=0.5', 'epoch=1 batch=20 loss=nan'])).toEqual([true, false]);
  });

  it('StepJudge: judges a provisional step on its last report when another step comes or the trial ends', () => {
    const judge = new StepJudge();
    const seen: Judgement[][] = [];
    const feed = (step: number, value: number, provisional: boolean): void => void seen.push([...judge.report(step, value, provisional)]);
    feed(1, 0.5, false); // once per step so far: at once
    feed(1, 0.45, true); // step 1 was judged: not again
    feed(2, 0.4, true);
    feed(2, 0.35, true);
    feed(3, 0.3, true); // closes step 2 on its last value
    feed(3, Number.NaN, false); // non-finite: at once, and step 3 is not judged again
    feed(4, 0.2, true);
    expect(seen).toEqual([[{ step: 1, value: 0.5 }], [], [], [], [{ step: 2, value: 0.35 }], [{ step: 3, value: Number.NaN }], []]);
    expect(judge.end()).toEqual({ step: 4, value: 0.2 });
    expect(judge.end()).toBeUndefined();
  });
});
