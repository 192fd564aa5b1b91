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

  describe("timm's train.py", () => {
    const pad = (x: number, width: number, digits = 3): string => x.toFixed(digits).padStart(width);
    /**
     * timm's log as train.py prints it: per epoch (from 0) Train lines every 50 updates of 120, then the
     * validation every 10 batches of 25 and the last (`[  24/24]`), the EMA model's with `ema`; Acc@1's running
     * average ends at `acc(epoch)`, the EMA's 1 above. `*** Best metric` at the end.
     */
    const timmLog = (epochs: readonly number[], acc: (epoch: number) => number, ema = false): string[] => {
      const lines = ['Scheduled epochs: 3. LR stepped per epoch.'];
      for (const e of epochs) {
        for (const u of [0, 50, 100, 119]) {
          if (u === 119) continue; // not a multiple of the log interval: not printed (the last Train line is at 100)
          const pct = ((100 * u) / 119).toFixed(0).padStart(3);
          lines.push(`Train: ${e} [${String(u).padStart(4)}/120 (${pct}%)]  Loss: ${(6.9 - e - u / 100).toPrecision(3)} (${(6.9 - e).toPrecision(3)})  Time: 0.312s,  820.51/s  (0.315s,  812.33/s)  LR: 1.000e-03  Data: 0.010 (0.012)`);
        }
        for (const [name, shift] of ema ? ([['Test', 0], ['Test (EMA)', 1]] as const) : ([['Test', 0]] as const)) {
          for (const b of [0, 10, 20, 24]) {
            const avg = acc(e) + shift - (24 - b) / 10; // rises to acc(e) + shift on the last batch
            lines.push(`${name}: [${String(b).padStart(4)}/24]  Time: 0.101 (0.120)  Loss: ${pad(1 / (e + 2), 7)} (${pad(1 / (e + 1 + b / 24), 6)})  Acc@1: ${pad(avg + 3, 7)} (${pad(avg, 7)})  Acc@5: ${pad(95, 7)} (${pad(94, 7)})`);
          }
        }
        lines.push('Current checkpoints:', ` ('./output/train/20240101-000000-resnet18-224/checkpoint-${e}.pth.tar', ${acc(e)})`);
      }
      lines.push(`*** Best metric: ${acc(epochs.at(-1) ?? 0)} (epoch ${epochs.at(-1) ?? 0})`);
      return lines;
    };
    const acc = (epoch: number): number => 50 + 10 * epoch;
    /** The reports of `metric` and the judgements a StepJudge makes of them (at once, and at the end). */
    const run = (lines: readonly string[], metric: string, fromZero = false) => {
      const reader = new TrialReportReader(createMetricParser({ kind: 'auto' }), metric, true, fromZero);
      const judge = new StepJudge();
      const reports: Array<{ step: number; value: number; provisional: boolean; epoch: number | undefined }> = [];
      const judged: Judgement[] = [];
      for (const line of lines) {
        const r = reader.read(line);
        if (!r) continue;
        expect(r.kind).toBe('report');
        reports.push({ step: r.step, value: r.value, provisional: r.provisional, epoch: r.values['epoch'] });
        judged.push(...judge.report(r.step, r.value, r.provisional));
      }
      const last = judge.end();
      if (last) judged.push(last);
      return { reader, reports, judged };
    };

    it('judges Acc@1 on the running average of the last validation batch, at the epochs done, at once', () => {
      const { reader, reports, judged } = run(timmLog([0, 1, 2], acc), 'Acc@1');
      // Steps are epochs done (`Train: 0` is the first epoch); the values keep timm's epoch as printed.
      expect(reports.map((r) => [r.step, r.epoch, r.provisional])).toEqual(
        [1, 2, 3].flatMap((step) => [
          [step, step - 1, true],
          [step, step - 1, true],
          [step, step - 1, true],
          [step, step - 1, false],
        ]),
      );
      expect(reports.map((r) => r.value)).toEqual([0, 1, 2].flatMap((e) => [acc(e) - 2.4, acc(e) - 1.4, acc(e) - 0.4, acc(e)]));
      // Each epoch judged once, on its validation's result, as soon as its last batch is printed.
      expect(judged).toEqual([
        { step: 1, value: 50 },
        { step: 2, value: 60 },
        { step: 3, value: 70 },
      ]);
      expect(reader.countsFromZero).toBe(true);
      expect([reader.reports, reader.lastStep, reader.lastValue]).toEqual([12, 3, 70]);
    });

    it('reads the EMA validation under test_ema_ names; Acc@1 and test_acc@1 stay the model’s own', () => {
      const lines = timmLog([0, 1], acc, true);
      expect(run(lines, 'Acc@1').judged).toEqual([
        { step: 1, value: 50 },
        { step: 2, value: 60 },
      ]);
      expect(run(lines, 'test_acc@1').judged).toEqual([
        { step: 1, value: 50 },
        { step: 2, value: 60 },
      ]);
      const ema = run(lines, 'test_ema_acc@1');
      expect(ema.judged).toEqual([
        { step: 1, value: 51 },
        { step: 2, value: 61 },
      ]);
      expect(ema.reports.map((r) => r.step)).toEqual([1, 1, 1, 1, 2, 2, 2, 2]);
    });

    it("gives `Train` no value: the train loss is judged on each epoch's last Train line, test_loss on the validation", () => {
      const lines = timmLog([0, 1, 2], acc);
      const train = run(lines, 'train_loss');
      expect(train.reports.map((r) => [r.step, r.epoch, r.provisional])).toEqual([1, 2, 3].flatMap((step) => [[step, step - 1, true], [step, step - 1, true], [step, step - 1, true]]));
      // Mid-epoch lines: each epoch on its last one (at 100 of 120), when the next epoch's first comes or at the end.
      expect(train.judged.map((j) => [j.step, Number(j.value.toFixed(2))])).toEqual([
        [1, 5.9],
        [2, 4.9],
        [3, 3.9],
      ]);
      expect(run(lines, 'test_loss').judged.map((j) => [j.step, j.value])).toEqual([
        [1, 0.5],
        [2, 0.333],
        [3, 0.25],
      ]);
      // `Loss` is on both: the train lines' (the batch's) and the validation's average; judged on the latter.
      expect(run(lines, 'Loss').judged.map((j) => [j.step, j.value])).toEqual([
        [1, 0.5],
        [2, 0.333],
        [3, 0.25],
      ]);
      expect(run(lines, 'Train').reports).toEqual([]);
    });

    it('keeps epochs counted from 0 for a relaunch that resumes at a later epoch', () => {
      expect(run(timmLog([2], acc), 'Acc@1', true).judged).toEqual([{ step: 3, value: 70 }]);
      // First seen at a later epoch without a launch before it: as printed (as Lightning's bar).
      expect(run(timmLog([2], acc), 'Acc@1').judged).toEqual([{ step: 2, value: 70 }]);
    });

    it('a running average that stays the same is a report, not a redraw', () => {
      const lines = ['Train: 0 [   0/10 (  0%)]  Loss: 2.30 (2.30)', ...[0, 5, 9].map((b) => `Test: [${String(b).padStart(4)}/9]  Acc@1: 100.000 (100.000)`)];
      expect(run(lines, 'Acc@1').reports.map((r) => [r.step, r.provisional])).toEqual([
        [1, true],
        [1, true],
        [1, false],
      ]);
    });

    it('without a Train line before, each validation (from its batch 0) is a step, judged on its last batch', () => {
      const block = [0, 10, 24].map((b) => `Test: [${String(b).padStart(4)}/24]  Acc@1: ${pad(70 + b / 10, 7)} (${pad(60 + b / 10, 7)})`);
      const { reports, judged } = run([...block, ...block], 'Acc@1');
      expect(reports.map((r) => r.step)).toEqual([1, 1, 1, 2, 2, 2]);
      expect(judged).toEqual([
        { step: 1, value: 62.4 },
        { step: 2, value: 62.4 },
      ]);
    });

    it('validate.py-style counters (`[b/len]`, never the last index) are judged on the last report, at the end', () => {
      const lines = ['Train: 0 [   0/10 (  0%)]  Loss: 2.30 (2.30)', 'Test: [   0/25]  Acc@1: 50.000 ( 50.000)', 'Test: [  24/25]  Acc@1: 60.000 ( 55.000)'];
      expect(run(lines, 'Acc@1').judged).toEqual([{ step: 1, value: 55 }]);
    });
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
