/**
 * Early stopping with real processes: ASHA kills losing trials (and their grandchildren) right after the
 * deciding line; successive halving in promotion mode relaunches the best trials with a larger budget
 * and the example script continues from its checkpoint. `rung show` explains every decision.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/engine/cli/main';
import { trialDir } from '../../src/engine/store/jsonlStore';
import { fakeTrainer, grandchildPids, isAlive, repoRoot, startStudy, tempDir, waitFor, writeSpec } from '../helpers/studyFixture';

const node = JSON.stringify(process.execPath);

async function show(storeRoot: string, study: string): Promise<string> {
  let out = '';
  const code = await main(['show', study, '--store', storeRoot], { stdout: (t) => (out += t), stderr: (t) => (out += t), isTty: false });
  expect(code).toBe(0);
  return out;
}

describe('schedulers with real processes', () => {
  it('asha (stopping) kills a losing trial and its grandchild right after the deciding line', async () => {
    const dir = tempDir();
    const written = writeSpec(
      dir,
      'asha',
      [
        'name: asha',
        `command: [${node}, ${JSON.stringify(fakeTrainer)}, "--curve={curve}", "--epochs", "{budget}", "--delay", "300", "--spawn-grandchild"]`,
        'metric: {name: val_loss, goal: minimize}',
        'parameters:',
        // The first (grid order) trial is the best at every epoch; the others lose at the first rung.
        '  curve: {type: categorical, choices: ["0.2,0.15,0.1,0.1", "0.9,0.8,0.7,0.6", "0.7,0.6,0.5,0.4"]}',
        'sampler: grid',
        'scheduler: {type: asha, eta: 2, min_budget: 1, max_budget: 4}',
        'parallel: 1',
        'launcher: {kill_grace: 2}',
      ].join('\n'),
    );
    const { runner, storeRoot } = startStudy(dir, written);
    await runner.start();
    const snapshot = await runner.done;
    const [best, loser1, loser2] = [...snapshot.trials].sort((a, b) => a.number - b.number);
    expect(best?.status).toBe('completed');
    expect(best?.value).toBe(0.1);
    // Stopping-mode ASHA keeps the best ceil(n/eta) at a rung: 0.9 loses at epoch 1 against {0.2};
    // 0.7 survives epoch 1 against {0.2, 0.9} (2nd of 3) and loses at epoch 2 against {0.15}.
    const expectations = [
      { loser: loser1, epoch: 1, text: /^trial 1 stopped at rung \d+ \(epoch 1\): val_loss 0\.9 > cutoff 0\.2, rank 2 of 2$/ },
      { loser: loser2, epoch: 2, text: /^trial 2 stopped at rung \d+ \(epoch 2\): val_loss 0\.6 > cutoff 0\.15, rank 2 of 2$/ },
    ];
    for (const { loser, epoch, text } of expectations) {
      expect(loser?.status).toBe('pruned');
      expect(loser?.reason).toMatch(text);
      const folder = trialDir(storeRoot, 'asha', loser?.id ?? '');
      const log = readFileSync(path.join(folder, 'output.log'), 'utf8');
      // Killed after the deciding line, long before the next epoch would have been printed (300 ms later).
      expect(log).toContain(`epoch=${epoch} val_loss=`);
      expect(log).not.toContain(`epoch=${epoch + 1}`);
      const pids = [loser?.pid ?? -1, ...grandchildPids(folder)];
      expect(pids.length).toBe(2);
      await waitFor(() => pids.every((p) => !isAlive(p)), 5_000, 'pruned trial processes gone');
    }
    const text = await show(storeRoot, 'asha');
    expect(text).toMatch(/scheduler asha: rungs @ 1 → @ 2 → @ 4/);
    expect(text).toMatch(/decisions \(2\):/);
    expect(text).toMatch(/trial 1 stopped at rung \d+ \(epoch 1\): val_loss 0\.9 > cutoff 0\.2, rank 2 of 2/);
  });

  it('successive halving (promotion) relaunches the best trials with more budget and the script resumes from its checkpoint', async () => {
    const dir = tempDir();
    const written = writeSpec(
      dir,
      'sha',
      [
        'name: sha',
        `command: [${node}, ${JSON.stringify(path.join(repoRoot, 'examples', 'quadratic', 'train.mjs'))}, "{args}", "--epochs", "{budget}"]`,
        'metric: val_loss',
        'parameters:',
        '  lr: {type: float, low: 0.001, high: 0.1, log: true}',
        '  optimizer: {type: categorical, choices: [adam]}',
        'scheduler: {type: sha, eta: 2, min_budget: 2, max_budget: 8}',
        'trials: 4',
        'parallel: 2',
        'seed: 4',
      ].join('\n'),
    );
    const { runner, events, storeRoot } = startStudy(dir, written);
    await runner.start();
    const snapshot = await runner.done;

    const launches = events.flatMap(({ event }) => (event.type === 'trial.launched' ? [event] : []));
    // 4 trials at budget 2, the best 2 again at 4, the best 1 again at 8.
    expect(launches.map((l) => l.budget ?? 0).sort((a, b) => a - b)).toEqual([2, 2, 2, 2, 4, 4, 8]);
    const completed = snapshot.trials.filter((t) => t.status === 'completed');
    expect(completed).toHaveLength(1);
    const winner = completed[0];
    expect(snapshot.best?.trialId).toBe(winner?.id);
    const winnerLaunches = launches.filter((l) => l.trialId === winner?.id);
    expect(winnerLaunches.map((l) => [l.budget, l.resume])).toEqual([
      [2, false],
      [4, true],
      [8, true],
    ]);
    // The promoted trial's log continues from the previous epoch instead of starting over.
    const log = readFileSync(path.join(trialDir(storeRoot, 'sha', winner?.id ?? ''), 'output.log'), 'utf8');
    const epochs = [...log.matchAll(/^epoch=(\d+) /gm)].map((m) => Number(m[1]));
    expect(epochs).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // The others end pruned, each with a reason; nothing is left paused.
    const others = snapshot.trials.filter((t) => t.id !== winner?.id);
    expect(others.every((t) => t.status === 'pruned' && /never promoted/.test(t.reason ?? ''))).toBe(true);
    const decided = events.filter((e) => e.event.type === 'trial.decided');
    expect(decided.filter((e) => e.event.type === 'trial.decided' && e.event.decision.kind === 'promote')).toHaveLength(3);

    const text = await show(storeRoot, 'sha');
    expect(text).toMatch(/promoted to rung \d+ \(epoch 4\)/);
    expect(text).toMatch(/promoted to rung \d+ \(epoch 8\)/);
    expect(text).toMatch(/never promoted/);
  });

  it('rung show checks how well each rung ranked the trials that ran to the end, and hints at a later first rung when curves cross', async () => {
    const dir = tempDir();
    // In grid order each trial leads all earlier ones at epoch 1, the one rung that decides (so ASHA lets
    // every one go on), and ends behind them: epoch 1 reverses the final order (τ −1).
    const curves = ['0.9,0.1', '0.8,0.2', '0.7,0.3', '0.6,0.4', '0.5,0.5', '0.4,0.6'];
    const written = writeSpec(
      dir,
      'crossing',
      [
        'name: crossing',
        `command: [${node}, ${JSON.stringify(fakeTrainer)}, "--curve={curve}", "--epochs", "{budget}", "--delay", "0"]`,
        'metric: {name: val_loss, goal: minimize}',
        'parameters:',
        `  curve: {type: categorical, choices: [${curves.map((c) => JSON.stringify(c)).join(', ')}]}`,
        'sampler: grid',
        'scheduler: {type: asha, eta: 9, min_budget: 1, max_budget: 9}',
        'parallel: 1',
      ].join('\n'),
    );
    const { runner, storeRoot } = startStudy(dir, written);
    await runner.start();
    const snapshot = await runner.done;
    expect(snapshot.trials.filter((t) => t.status === 'completed')).toHaveLength(curves.length);
    const text = await show(storeRoot, 'crossing');
    expect(text).toMatch(/^early-stopping check \(Kendall's τ between a rung's values and the final ones, over trials that ran to epoch 9\):$/m);
    expect(text).toMatch(/^ {2}epoch 1: τ -1\.00 over 6 trials — ranks trials poorly: it may stop the eventual best$/m);
    expect(text).toMatch(/^ {2}hint: learning curves seem to cross; a later first rung \(min_budget\) or scheduler hyperband/m);
  });
});
