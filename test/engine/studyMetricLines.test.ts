/**
 * Metric lines as real training scripts print them, read by the study loop from real processes.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SequencedEvent } from '../../src/engine/store/events';
import { readStudyEvents } from '../../src/engine/store/jsonlStore';
import { findPython } from '../helpers/python';
import { repoRoot, startStudy, tempDir, waitFor, writeSpec } from '../helpers/studyFixture';

const node = JSON.stringify(process.execPath);
const python = findPython();

/** The steps of each trial's `trial.reported` events, in log order, by the trial's `mode` parameter. */
function stepsByMode(events: readonly SequencedEvent[], modeOf: (trialId: string) => unknown): Map<unknown, number[]> {
  const steps = new Map<unknown, number[]>();
  for (const { event } of events) {
    if (event.type !== 'trial.reported') continue;
    const mode = modeOf(event.trialId);
    steps.set(mode, [...(steps.get(mode) ?? []), event.step]);
  }
  return steps;
}

/**
 * A script that prints each epoch's metric twice: once with the epoch (`mixed`: `epoch=N val_loss=…`,
 * then a plain `val_loss=…` line), or never with a step (`plain`).
 */
const MIXED_STEPS = `
const mode = process.argv[2];
for (let e = 1; e <= 3; e++) {
  const loss = 1 / (e + 1);
  console.log(mode === 'mixed' ? 'epoch=' + e + ' val_loss=' + loss : 'val_loss=' + loss);
  console.log('val_loss=' + (loss - 0.05));
}
`;

/** The same with Rung's Python helper: \`report(step=epoch, …)\`, and a plain print of the same metric. */
const PY_MIXED_STEPS = `
from rung import report
for epoch in range(1, 4):
    loss = 1 / (epoch + 1)
    report(step=epoch, val_loss=loss)
    print("val_loss=%g" % (loss - 0.05), flush=True)
`;

/**
 * PyTorch Lightning's progress bar: one tqdm bar per epoch on stderr, redrawn with `\r`, named
 * `Epoch N` (0-based), whose postfix repeats the last `val_loss` on every redraw.
 */
const LIGHTNING_LIKE = `
const epochs = Number(process.argv[process.argv.indexOf('--max_epochs') + 1]);
const lr = Number(process.argv[process.argv.indexOf('--lr') + 1]);
let val;
for (let e = 0; e < epochs; e++) {
  for (let b = 0; b <= 20; b += 5) {
    const post = 'v_num=0' + (val === undefined ? '' : ', val_loss=' + val.toFixed(4));
    process.stderr.write('\\rEpoch ' + e + ': ' + b * 5 + '%|#####| ' + b + '/20 [00:00<00:00, 99.00it/s, ' + post + ']');
  }
  val = Math.abs(Math.log10(lr) + 2) + 1 / (e + 1);
  process.stderr.write('\\rEpoch ' + e + ': 100%|#####| 20/20 [00:00<00:00, 99.00it/s, v_num=0, val_loss=' + val.toFixed(4) + ']\\n');
}
`;

/**
 * Lightning's bar (epochs from 0) in a script that saves a checkpoint after each epoch in its trial folder and,
 * relaunched with RUNG_RESUME=1, goes on from it: its first bar is then `Epoch 1` or later.
 */
const LIGHTNING_RESUMABLE = `
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
const arg = (name) => Number(process.argv[process.argv.indexOf(name) + 1]);
const epochs = arg('--max_epochs');
const ckpt = path.join(process.env.RUNG_TRIAL_DIR, 'ckpt.json');
const start = process.env.RUNG_RESUME === '1' && existsSync(ckpt) ? JSON.parse(readFileSync(ckpt, 'utf8')).done : 0;
for (let e = start; e < epochs; e++) {
  process.stderr.write('\\rEpoch ' + e + ':  50%|##   | 10/20 [00:00<00:00, v_num=0]');
  await new Promise((r) => setTimeout(r, arg('--delay')));
  writeFileSync(ckpt, JSON.stringify({ done: e + 1 }));
  const val = arg('--q') + 1 / (e + 1);
  process.stderr.write('\\rEpoch ' + e + ': 100%|#####| 20/20 [00:00<00:00, v_num=0, val_loss=' + val.toFixed(4) + ']\\n');
}
`;

/**
 * LightGBM with `early_stopping(10)` and `log_evaluation(10)`: its own log lines, a round every 10, then the
 * best round reprinted after `Early stopping, best iteration is:`, so the last step goes back (50, then 42).
 */
const LIGHTGBM_EARLY_STOPPING = `
const out = (s) => process.stdout.write(s + '\\n');
out('[LightGBM] [Info] Number of positive: 3140, number of negative: 3373');
out('[LightGBM] [Info] Total Bins 6143');
out("Training until validation scores don't improve for 10 rounds");
const auc = { 10: 0.9, 20: 0.91, 30: 0.92, 40: 0.929, 50: 0.925 };
for (const round of [10, 20, 30, 40, 50]) out('[' + round + "]\\tvalid_0's auc: " + auc[round]);
out('Early stopping, best iteration is:');
out("[42]\\tvalid_0's auc: 0.93");
`;

/**
 * A per-batch print, `epoch=E batch=B loss=…` five times an epoch: `steady` at 0.5, `mid` at 0.6, `late`
 * falling from 0.9 to 0.3 within every epoch (its first report of an epoch is its worst).
 */
const PER_BATCH = `
const mode = process.argv[2];
const epochs = Number(process.argv[3]);
for (let e = 1; e <= epochs; e++) {
  for (let b = 1; b <= 5; b++) {
    const loss = mode === 'late' ? 0.9 - (b - 1) * 0.15 : mode === 'mid' ? 0.6 : 0.5;
    console.log('epoch=' + e + ' batch=' + b + ' loss=' + loss.toFixed(2));
  }
}
`;

/**
 * timm's train.py (logging to stderr, INFO lines bare), with `--epochs {budget}`: per epoch (from 0) Train lines
 * every 50 updates, then the validation every 20 batches and its last (`[  49/49]`, timm prints the last index),
 * then the EMA model's. Acc@1's running average starts 30 below and ends at 80 - 10·|log10(lr) + 2| - 20/(epoch + 1)
 * (the EMA's 1 above), so a trial judged on a first batch, or on the EMA, or an epoch late, would be seen.
 */
const TIMM_LIKE = `
const arg = (name) => Number(process.argv[process.argv.indexOf(name) + 1]);
const epochs = arg('--epochs');
const lr = arg('--lr');
const log = (s) => process.stderr.write(s + '\\n');
const f = (x, w) => x.toFixed(3).padStart(w);
log('Model resnet18 created, param count:11689512');
log('Scheduled epochs: ' + epochs + '. LR stepped per epoch.');
let best = -1;
let bestEpoch = 0;
for (let e = 0; e < epochs; e++) {
  for (const u of [0, 50, 100]) {
    log('Train: ' + e + ' [' + String(u).padStart(4) + '/125 (' + Math.round((100 * u) / 124).toString().padStart(3) + '%)]  Loss: ' + (6.9 - e - u / 1000).toPrecision(3) + ' (' + (6.9 - e).toPrecision(3) + ')  Time: 0.312s,  820.51/s  (0.315s,  812.33/s)  LR: ' + lr.toExponential(3) + '  Data: 0.010 (0.012)');
  }
  const top1 = 80 - 10 * Math.abs(Math.log10(lr) + 2) - 20 / (e + 1);
  for (const [name, shift] of [['Test', 0], ['Test (EMA)', 1]]) {
    for (const b of [0, 20, 40, 49]) {
      const avg = top1 + shift - (30 * (49 - b)) / 49;
      log(name + ': [' + String(b).padStart(4) + '/49]  Time: 0.101 (0.120)  Loss: ' + f(1 / (e + 2), 7) + ' (' + f(1 / (e + 2), 6) + ')  Acc@1: ' + f(avg + 5, 7) + ' (' + f(avg, 7) + ')  Acc@5: ' + f(95, 7) + ' (' + f(94, 7) + ')');
    }
  }
  if (top1 > best) [best, bestEpoch] = [top1, e];
  log('Current checkpoints:');
  log(" ('./output/train/20240101-000000-resnet18-224/checkpoint-" + bestEpoch + ".pth.tar', " + best + ')');
}
log('*** Best metric: ' + best + ' (epoch ' + bestEpoch + ')');
`;

describe('metric lines from real scripts', () => {
  it("judges a step printed once per batch on the step's last report, live and when a resume replays the log", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'batches.mjs'), PER_BATCH);
    const spec = (trials: number): ReturnType<typeof writeSpec> =>
      writeSpec(
        dir,
        'batches',
        [
          'name: batches',
          `command: [${node}, batches.mjs, "{mode}", "{budget}"]`,
          'metric: loss',
          'parameters:',
          '  mode: {type: categorical, choices: [steady, late, mid]}',
          'sampler: grid',
          'scheduler: {type: asha, eta: 2, min_budget: 1, max_budget: 4}',
          'parallel: 1',
          `trials: ${trials}`,
        ].join('\n'),
      );
    const first = startStudy(dir, spec(2));
    await first.runner.start();
    const before = await first.runner.done;
    // Judged on its first report of epoch 1 (0.9 against steady's 0.5), `late` would be stopped at rung 0;
    // judged on epoch 1's last (0.3), it leads.
    expect(before.trials.map((t) => [t.config?.['mode'], t.status, t.value])).toEqual([
      ['steady', 'completed', 0.5],
      ['late', 'completed', 0.3],
    ]);
    expect(before.decisionLog).toEqual([]);
    const late = first.events.flatMap((e) => (e.event.type === 'trial.reported' && e.event.trialId === before.trials[1]?.id ? [e.event] : []));
    expect(late.length).toBe(20);
    expect(late.every((r) => r.provisional === true)).toBe(true);

    // The resume rebuilds rung 0 from the log as it was judged ({0.5, 0.3}, not late's first 0.9): `mid` (0.6)
    // ranks 3rd of 3 and is stopped against the cutoff 0.5 (against {0.5, 0.9} it would go on).
    const second = startStudy(dir, spec(3));
    await second.runner.start();
    const after = await second.runner.done;
    const mid = after.trials.find((t) => t.config?.['mode'] === 'mid');
    expect(mid?.status).toBe('pruned');
    expect(mid?.reason).toMatch(/loss 0\.6 > cutoff 0\.5, rank 3 of 3$/);
  });


  it("takes the step of a Lightning-style progress bar from its `Epoch N:`, not from the count of redraws", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'train.mjs'), LIGHTNING_LIKE);
    const written = writeSpec(
      dir,
      'bar',
      [
        'name: bar',
        `command: [${node}, train.mjs, "--lr", "{lr}", "--max_epochs", "{budget}"]`,
        'metric: val_loss',
        'parameters:',
        '  lr: {type: float, low: 1.0e-4, high: 1.0, log: true}',
        'scheduler: {type: asha, min_budget: 1, max_budget: 9, eta: 3}',
        'sampler: random',
        'trials: 4',
        'seed: 5',
      ].join('\n'),
    );
    const { runner, events } = startStudy(dir, written);
    await runner.start();
    const snapshot = await runner.done;

    const reportedSteps = events.flatMap((e) => (e.event.type === 'trial.reported' ? [e.event.step] : []));
    expect(reportedSteps.length).toBeGreaterThan(0);
    // Every step is an epoch the bar named (0 … 8, counted from 0: steps 1 … 9), never a count of redraws (which
    // reaches 49).
    expect(Math.min(...reportedSteps)).toBe(1);
    expect(Math.max(...reportedSteps)).toBeLessThanOrEqual(9);
    const completed = snapshot.trials.filter((t) => t.status === 'completed');
    expect(completed.length).toBeGreaterThan(0);
    // The step is the epochs done, as `--max_epochs {budget}` counts them.
    for (const t of completed) expect(t.valueStep).toBe(9);
    // A trial stopped at rung 0 (epoch 1) was judged after one epoch (its bar's `Epoch 0`), not two: the report
    // logged just before each stop is at the rung's epoch.
    const decidedAfter = events.flatMap((e, k) => {
      if (e.event.type !== 'trial.decided') return [];
      const id = e.event.trialId;
      const before = events.slice(0, k).reverse().find((p) => p.event.type === 'trial.reported' && p.event.trialId === id)?.event;
      return before?.type === 'trial.reported' ? [{ step: before.step, epoch: before.values['Epoch'] }] : [];
    });
    expect(decidedAfter.length).toBeGreaterThan(0);
    for (const { step, epoch } of decidedAfter) {
      expect([1, 3]).toContain(step);
      expect(epoch).toBe(step - 1);
    }
    // Decisions name the unit the bar printed: "stopped at rung 0 (epoch 1)".
    expect(snapshot.stepUnit).toBe('epoch');
    // Every report is the value of the epoch it is logged at: the bar's redraws during epoch N, which still
    // show epoch N-1's val_loss, are never reported (and judged) as epoch N's.
    const lrOf = new Map(snapshot.trials.map((t) => [t.id, Number(t.config?.['lr'])]));
    const reports = events.flatMap((e) => (e.event.type === 'trial.reported' ? [e.event] : []));
    for (const r of reports) {
      const lr = lrOf.get(r.trialId) ?? Number.NaN;
      expect(r.values['val_loss'], `trial ${r.trialId} step ${r.step}`).toBeCloseTo(Math.abs(Math.log10(lr) + 2) + 1 / r.step, 3);
    }
  });

  it("keeps a trial's epochs counted from 0 when it is promoted and resumes from its checkpoint at `Epoch 1`", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'train.mjs'), LIGHTNING_RESUMABLE);
    const written = writeSpec(
      dir,
      'promoted',
      [
        'name: promoted',
        `command: [${node}, train.mjs, "--q", "{q}", "--max_epochs", "{budget}", "--delay", "0"]`,
        'metric: val_loss',
        'parameters:',
        '  q: {type: categorical, choices: [0.1, 0.5]}',
        'sampler: grid',
        'scheduler: {type: sha, eta: 2, min_budget: 1, max_budget: 2}',
        'parallel: 1',
      ].join('\n'),
    );
    const { runner, events } = startStudy(dir, written);
    await runner.start();
    const snapshot = await runner.done;
    const winner = snapshot.trials.find((t) => t.status === 'completed');
    const reported = events.flatMap((e) => (e.event.type === 'trial.reported' && e.event.trialId === winner?.id ? [[e.event.step, e.event.values['Epoch']]] : []));
    // Budget 1: `Epoch 0`, one epoch done (step 1). Promoted to 2, it resumes at `Epoch 1`: two epochs done, step 2.
    expect(reported).toEqual([
      [1, 0],
      [2, 1],
    ]);
    expect(winner).toMatchObject({ valueStep: 2, launches: 2 });
  });

  it('keeps epochs counted from 0 for a trial relaunched when a stopped study resumes', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'train.mjs'), LIGHTNING_RESUMABLE);
    const written = writeSpec(
      dir,
      'resumed',
      ['name: resumed', `command: [${node}, train.mjs, "--q", "{q}", "--max_epochs", "3", "--delay", "300"]`, 'metric: val_loss', 'parameters:', '  q: {type: float, low: 0.1, high: 0.1}', 'trials: 1'].join('\n'),
    );
    const first = startStudy(dir, written);
    await first.runner.start();
    await waitFor(() => (first.runner.snapshot().trials[0]?.curve.length ?? 0) > 0, 10_000, 'a first report');
    await first.runner.stop();
    await first.runner.done;
    const second = startStudy(dir, written);
    await second.runner.start();
    const snapshot = await second.runner.done;
    expect(snapshot.trials[0]).toMatchObject({ status: 'completed', valueStep: 3, launches: 2 });
    // The relaunch goes on at `Epoch 1` (or 2): steps 2 and 3 as in the first launch, not 1 and 2 again.
    const steps = (await readStudyEvents(path.join(dir, '.rung'), 'resumed')).events.flatMap((e) => (e.event.type === 'trial.reported' ? [e.event.step] : []));
    expect(steps).toEqual([1, 2, 3]);
  });

  it('does not count the redraws of a tqdm bar over epochs as steps when no step is printed', async () => {
    const dir = tempDir();
    // `for epoch in tqdm(range(4), desc="Training")` with `pbar.set_postfix(val_loss=…)` after each epoch:
    // the bar is redrawn when the next epoch starts (with the last postfix), then with the new value.
    writeFileSync(
      path.join(dir, 'tq.mjs'),
      `
let post = '';
for (let e = 0; e < 4; e++) {
  process.stderr.write('\\rTraining: ' + e * 25 + '%|##   | ' + e + '/4 [00:00<00:01,  3.00it/s' + post + ']');
  process.stderr.write('\\rTraining: ' + e * 25 + '%|##   | ' + e + '/4 [00:00<00:01,  3.00it/s' + post + ']');
  post = ', train_loss=0.9, val_loss=' + (1 / (e + 1)).toFixed(3);
  process.stderr.write('\\rTraining: ' + (e + 1) * 25 + '%|##   | ' + (e + 1) + '/4 [00:00<00:01,  3.00it/s' + post + ']');
}
process.stderr.write('\\n');
`,
    );
    const written = writeSpec(dir, 'tq', ['name: tq', `command: [${node}, tq.mjs, "--x={x}"]`, 'metric: val_loss', 'parameters:', '  x: {type: int, low: 1, high: 1}', 'trials: 1'].join('\n'));
    const { runner, events } = startStudy(dir, written);
    await runner.start();
    const snapshot = await runner.done;
    const reported = events.flatMap((e) => (e.event.type === 'trial.reported' ? [[e.event.step, e.event.values['val_loss']]] : []));
    // One step per new value (before: 1 … 10, the redraws counted too); a held redraw is logged at its report's step.
    expect(reported).toEqual([
      [1, 1],
      [1, 1],
      [2, 0.5],
      [2, 0.5],
      [3, 0.333],
      [3, 0.333],
      [4, 0.25],
    ]);
    expect(snapshot.trials[0]).toMatchObject({ status: 'completed', value: 0.25, valueStep: 4 });
  });

  it("takes LightGBM's reprinted best round after early stopping as the trial's value, at that round's step", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'lgb.mjs'), LIGHTGBM_EARLY_STOPPING);
    const written = writeSpec(
      dir,
      'lgb',
      ['name: lgb', `command: [${node}, lgb.mjs, "--x={x}"]`, 'metric: {name: valid_0_auc, goal: maximize}', 'parameters:', '  x: {type: int, low: 1, high: 1}', 'trials: 1'].join('\n'),
    );
    const { runner, events } = startStudy(dir, written);
    await runner.start();
    const snapshot = await runner.done;
    const reported = events.flatMap((e) => (e.event.type === 'trial.reported' ? [[e.event.step, e.event.values['valid_0_auc']]] : []));
    // Every round as printed (not counted 1, 2, 3), then the best one again: the step goes back to 42.
    expect(reported).toEqual([
      [10, 0.9],
      [20, 0.91],
      [30, 0.92],
      [40, 0.929],
      [50, 0.925],
      [42, 0.93],
    ]);
    // The value is the last reported one: the best round's, which is the model lgb.train returns.
    expect(snapshot.trials[0]).toMatchObject({ status: 'completed', value: 0.93, valueStep: 42 });
  });

  it("logs a progress bar's redraws of one value at one step as its first and last line, not one event per redraw", async () => {
    const dir = tempDir();
    // 200 redraws per epoch, each with a new running train_loss; val_loss changes once per epoch.
    writeFileSync(
      path.join(dir, 'bar.mjs'),
      `
let val;
let seen = 0;
for (let e = 0; e < 3; e++) {
  for (let b = 0; b < 200; b++) {
    seen++;
    process.stderr.write('\\rEpoch ' + e + ': ' + b + '/200 [train_loss=' + (1 / seen).toFixed(6) + (val === undefined ? '' : ', val_loss=' + val) + ']');
  }
  val = (0.5 / (e + 1)).toFixed(4);
  process.stderr.write('\\rEpoch ' + e + ': 200/200 [train_loss=' + (1 / seen).toFixed(6) + ', val_loss=' + val + ']\\n');
}
`,
    );
    const written = writeSpec(dir, 'redraws', ['name: redraws', `command: [${node}, bar.mjs, "--x={x}"]`, 'metric: val_loss', 'parameters:', '  x: {type: int, low: 1, high: 1}', 'trials: 1'].join('\n'));
    const { runner, storeRoot } = startStudy(dir, written);
    await runner.start();
    const snapshot = await runner.done;
    const reported = (await readStudyEvents(storeRoot, 'redraws')).events.flatMap((e) => (e.event.type === 'trial.reported' ? [e.event] : []));
    // Epoch 0: the bar's final line (first val_loss). Epochs 1 and 2: the bar's redraws still show the previous
    // epoch's val_loss, so they are redraws of that epoch's report: the last of them is held back and logged
    // at that epoch when the value changes (never at the new epoch, where a scheduler would judge a trial by
    // the epoch before), then the epoch's own value.
    // (The bar counts epochs from 0: `Epoch 0` is step 1.)
    expect(reported.map((r) => [r.step, r.values['val_loss']])).toEqual([
      [1, 0.5],
      [1, 0.5],
      [2, 0.25],
      [2, 0.25],
      [3, 0.1667],
    ]);
    // The held-back line keeps the values of the last redraw (the running train_loss as of then).
    expect(reported[1]?.values['train_loss']).toBeCloseTo(1 / 400, 6);
    expect(snapshot.trials[0]).toMatchObject({ status: 'completed', valueStep: 3 });
    expect(snapshot.trials[0]?.value).toBeCloseTo(0.1667, 6);
  });

  it("reads timm's train.py: Acc@1's validation average judged at each epoch done, at once, in an ASHA study", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'timm.mjs'), TIMM_LIKE);
    const written = writeSpec(
      dir,
      'timm',
      [
        'name: timm',
        `command: [${node}, timm.mjs, "--lr", "{lr}", "--epochs", "{budget}"]`,
        'metric: {name: "Acc@1", goal: maximize}',
        'parameters:',
        '  lr: {type: categorical, choices: [0.01, 0.1, 1.0]}',
        'sampler: grid',
        'scheduler: {type: asha, eta: 2, min_budget: 1, max_budget: 4}',
        'parallel: 1',
      ].join('\n'),
    );
    const { runner, events } = startStudy(dir, written);
    await runner.start();
    const snapshot = await runner.done;
    const top1 = (lr: number, epoch: number): number => Number((80 - 10 * Math.abs(Math.log10(lr) + 2) - 20 / (epoch + 1)).toFixed(3));
    const lrOf = new Map(snapshot.trials.map((t) => [t.id, Number(t.config?.['lr'])]));
    const reports = events.flatMap((e) => (e.event.type === 'trial.reported' ? [e.event] : []));
    // Four Test lines an epoch (never the EMA's, never a Train line); the step is the epochs done, `epoch` as timm printed it.
    expect(reports.length).toBeGreaterThan(0);
    for (const r of reports) {
      expect(r.values['epoch']).toBe(r.step - 1);
      expect(r.redraw).toBeUndefined();
    }
    // Only the last batch's line is judged at once (its running average is the validation's result): the others are provisional.
    const judgedAtOnce = reports.filter((r) => r.provisional !== true);
    expect(judgedAtOnce.length * 4).toBe(reports.length);
    for (const r of judgedAtOnce) expect(r.values['Acc@1']).toBe(top1(lrOf.get(r.trialId) ?? Number.NaN, r.step - 1));
    // Each stop is decided right after a validation's last line, at a rung (epochs 1 or 2), on that validation's result.
    const decided = events.flatMap((e, k) => {
      if (e.event.type !== 'trial.decided') return [];
      const id = e.event.trialId;
      const before = events.slice(0, k).reverse().find((p) => p.event.type === 'trial.reported' && p.event.trialId === id)?.event;
      return before?.type === 'trial.reported' ? [before] : [];
    });
    expect(decided.length).toBeGreaterThan(0);
    for (const r of decided) {
      expect([1, 2]).toContain(r.step);
      expect(r.provisional).toBeUndefined();
    }
    // Rung 0 ranks the first epoch's results, 60, 50, 40 (judged on a first batch they would be 30, 20, 10).
    const reasons = new Map(snapshot.trials.filter((t) => t.status === 'pruned').map((t) => [t.config?.['lr'], t.reason]));
    expect(reasons.get(0.1)).toMatch(/stopped at rung 0 \(epoch 1\): Acc@1 50 < cutoff 60, rank 2 of 2$/);
    expect(reasons.get(1.0)).toMatch(/stopped at rung 0 \(epoch 1\): Acc@1 40 < cutoff 50, rank 3 of 3$/);
    // A completed trial's value is its last epoch's validation result (not `*** Best metric`, not the EMA's).
    const completed = snapshot.trials.filter((t) => t.status === 'completed');
    expect(completed.length).toBeGreaterThan(0);
    for (const t of completed) expect(t).toMatchObject({ value: top1(Number(t.config?.['lr']), 3), valueStep: 4 });
    expect(snapshot.stepUnit).toBe('epoch');
  });

  it("reads fastai's table (a header, then a row per epoch) with the step from its epoch column, counted from 0", async () => {
    const dir = tempDir();
    // fastprogress' console output: the bar is redrawn with \r, the table's header once, then one row per epoch.
    writeFileSync(
      path.join(dir, 'fastai.mjs'),
      `
const out = (s) => process.stdout.write(s + '\\n');
out('epoch     train_loss  valid_loss  accuracy  time    ');
for (let e = 0; e < 3; e++) {
  process.stdout.write('\\r |█████---------------| 25.00% [' + e + '/3 00:01<00:02]');
  process.stdout.write('\\r');
  out(String(e).padEnd(10) + (0.9 / (e + 1)).toFixed(6).padEnd(12) + (0.8 / (e + 1)).toFixed(6).padEnd(12) + (0.5 + e / 10).toFixed(6).padEnd(10) + '00:02');
}
`,
    );
    const written = writeSpec(dir, 'fastai', ['name: fastai', `command: [${node}, fastai.mjs, "--x={x}"]`, 'metric: valid_loss', 'parameters:', '  x: {type: int, low: 1, high: 1}', 'trials: 1'].join('\n'));
    const { runner, events } = startStudy(dir, written);
    await runner.start();
    const snapshot = await runner.done;
    const reported = events.flatMap((e) => (e.event.type === 'trial.reported' ? [[e.event.step, e.event.values['valid_loss'], e.event.values['accuracy']]] : []));
    // fastai counts epochs from 0: row 0 holds the first epoch's results, so the steps are the epochs done.
    expect(reported).toEqual([
      [1, 0.8, 0.5],
      [2, 0.4, 0.6],
      [3, 0.266667, 0.7],
    ]);
    expect(snapshot.trials[0]).toMatchObject({ status: 'completed', value: 0.266667, valueStep: 3 });
  });

  it("reads tf.keras' fit: the step from `Epoch N/M`, the epoch's values from its last bar, not from every batch's redraw", async () => {
    const dir = tempDir();
    // tf.keras' Progbar on Linux redraws after every batch with backspaces and `\r`, also into a pipe; the
    // `Epoch N/M` line comes before the bar and the bar's lines print no epoch.
    writeFileSync(
      path.join(dir, 'keras.mjs'),
      `
const out = (s) => process.stdout.write(s);
let prev = 0;
for (let e = 1; e <= 3; e++) {
  out('Epoch ' + e + '/3\\n');
  for (let b = 1; b <= 8; b++) {
    const loss = (1 / e + (8 - b) / 100).toFixed(4);
    const text = String(b).padStart(1) + '/8 [' + '='.repeat(b * 3) + (b < 8 ? '>' : '') + '.'.repeat(24 - b * 3) + ']' + (b < 8 ? ' - ETA: 0s - loss: ' + loss : ' - 0s 2ms/step - loss: ' + loss + ' - val_loss: ' + (1.1 / e).toFixed(4));
    out('\\b'.repeat(prev) + '\\r' + text);
    prev = text.length;
  }
  out('\\n');
  prev = 0;
}
out('8/8 [========================] - 0s 1ms/step - loss: 0.9000\\n');
`,
    );
    const written = writeSpec(dir, 'keras', ['name: keras', `command: [${node}, keras.mjs, "--x={x}"]`, 'metric: loss', 'parameters:', '  x: {type: int, low: 1, high: 1}', 'trials: 1'].join('\n'));
    const { runner, events } = startStudy(dir, written);
    await runner.start();
    const snapshot = await runner.done;
    const reported = events.flatMap((e) => (e.event.type === 'trial.reported' ? [[e.event.step, e.event.values['loss'], e.event.values['val_loss']]] : []));
    // Before: 25 reports at steps 1 … 25, one per batch, each a running average of the epoch so far.
    expect(reported).toEqual([
      [1, 1, 1.1],
      [2, 0.5, 0.55],
      [3, 0.3333, 0.3667],
      // model.evaluate after fit: a finished bar too; as always, the last line with the metric gives the value.
      [3, 0.9, undefined],
    ]);
    expect(snapshot.trials[0]).toMatchObject({ status: 'completed', value: 0.9, valueStep: 3 });
    // The step is an epoch, as decisions and charts say ("stopped at rung 0 (epoch 1)").
    expect(snapshot.stepUnit).toBe('epoch');
  });

  it('gives a line without a step the last step a line printed (not the count of reports)', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'mixed.mjs'), MIXED_STEPS);
    const written = writeSpec(
      dir,
      'mixed',
      [
        'name: mixed',
        `command: [${node}, mixed.mjs, "{mode}"]`,
        'metric: val_loss',
        'parameters:',
        '  mode: {type: categorical, choices: [mixed, plain]}',
        'sampler: grid',
      ].join('\n'),
    );
    const { runner, storeRoot } = startStudy(dir, written);
    await runner.start();
    const snapshot = await runner.done;
    const modeOf = (id: string): unknown => snapshot.trials.find((t) => t.id === id)?.config?.['mode'];
    const steps = stepsByMode((await readStudyEvents(storeRoot, 'mixed')).events, modeOf);
    // Before: the plain lines took the count of reports, 1,2,2,4,3,6.
    expect(steps.get('mixed')).toEqual([1, 1, 2, 2, 3, 3]);
    // With no step ever printed, the count of reports.
    expect(steps.get('plain')).toEqual([1, 2, 3, 4, 5, 6]);
    const mixed = snapshot.trials.find((t) => t.config?.['mode'] === 'mixed');
    expect(mixed).toMatchObject({ status: 'completed', valueStep: 3 });
    expect(mixed?.value).toBeCloseTo(0.2, 12);
  });

  it.skipIf(python === undefined)("gives a plain line printed after the helper's report(step=…) the helper's step", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'train.py'), PY_MIXED_STEPS);
    const written = writeSpec(
      dir,
      'pymixed',
      [
        'name: pymixed',
        'command: python3 train.py --seed={seed}',
        'metric: val_loss',
        'parameters:',
        '  seed: {type: int, low: 1, high: 1}',
        'trials: 1',
      ].join('\n'),
    );
    const { runner, events } = startStudy(dir, written, { python: python ?? 'python3', pythonHelperDir: path.join(repoRoot, 'python') });
    await runner.start();
    const snapshot = await runner.done;
    expect(snapshot.trials[0]?.status, snapshot.trials[0]?.tail?.join('\n')).toBe('completed');
    expect(events.flatMap((e) => (e.event.type === 'trial.reported' ? [e.event.step] : []))).toEqual([1, 1, 2, 2, 3, 3]);
    expect(snapshot.trials[0]?.curve.map(([step]) => step)).toEqual([1, 1, 2, 2, 3, 3]);
    expect(snapshot.trials[0]?.valueStep).toBe(3);
  });
});
