/**
 * Metric lines as real training scripts print them, read by the study loop from real processes.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startStudy, tempDir, writeSpec } from '../helpers/studyFixture';

const node = JSON.stringify(process.execPath);

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

describe('metric lines from real scripts', () => {
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
    // Every step is an epoch the bar named (0 … 8), never a count of redraws (which reaches 49).
    expect(Math.max(...reportedSteps)).toBeLessThanOrEqual(8);
    const completed = snapshot.trials.filter((t) => t.status === 'completed');
    expect(completed.length).toBeGreaterThan(0);
    for (const t of completed) expect(t.valueStep).toBe(8);
    // Decisions name the unit the bar printed: "stopped at rung 0 (epoch 1)".
    expect(snapshot.stepUnit).toBe('epoch');
  });
});
