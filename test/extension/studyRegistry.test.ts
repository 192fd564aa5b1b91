/**
 * The registry over real event logs written by the real engine: a finished study is read once; a study
 * run by another writer (here a runner in this process, standing in for the CLI) is followed live.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StudyRegistry, studyKey } from '../../src/extension/studies/studyRegistry';
import { fakeTrainer, startStudy, tempDir, writeSpec } from '../helpers/studyFixture';

const node = JSON.stringify(process.execPath);
const trainer = JSON.stringify(fakeTrainer);

function study(name: string, trials: number, delay = 5): string {
  return [
    `name: ${name}`,
    `command: [${node}, ${trainer}, "--lr={lr}", "--epochs", "{budget}", "--delay", "${delay}"]`,
    'metric: {name: val_loss, goal: minimize}',
    'parameters:',
    '  lr: {type: float, low: 1.0e-4, high: 1.0, log: true}',
    'scheduler: {type: fifo, max_budget: 3}',
    `trials: ${trials}`,
    'parallel: 2',
    'seed: 5',
  ].join('\n');
}

describe('StudyRegistry', () => {
  it('lists a finished study from its log with its spec, trials and best', async () => {
    const dir = tempDir('rung-registry-');
    const { runner, storeRoot } = startStudy(dir, writeSpec(dir, 'done', study('done', 3)));
    await runner.start();
    await runner.done;

    const registry = new StudyRegistry({ roots: () => [storeRoot] });
    await registry.refresh();
    const entries = registry.list();
    expect(entries.map((e) => e.name)).toEqual(['done']);
    const entry = entries[0]!;
    expect(entry.key).toBe(studyKey(storeRoot, 'done'));
    expect(entry.ownership).toBe('observed');
    expect(entry.isRunning).toBe(false);
    expect(entry.snapshot.trials).toHaveLength(3);
    expect(entry.snapshot.best).not.toBeNull();
    const view = registry.viewInput(entry);
    expect(view.metric).toEqual({ name: 'val_loss', goal: 'minimize' });
    expect(view.plannedTrials).toBe(3);
    expect(view.maxBudget).toBe(3);
    registry.dispose();
  });

  it('follows a study another writer is running, live, until it ends', async () => {
    const dir = tempDir('rung-registry-');
    const { runner, storeRoot } = startStudy(dir, writeSpec(dir, 'live', study('live', 4, 40)));
    await runner.start();

    const registry = new StudyRegistry({ roots: () => [storeRoot], pollMs: 20 });
    const changed: string[] = [];
    const liveTypes: string[] = [];
    registry.onDidChangeStudy.on((key) => changed.push(key));
    registry.onLiveEvent.on(({ event }) => liveTypes.push(event.event.type));
    await registry.refresh();
    const entry = registry.find(storeRoot, 'live');
    expect(entry?.isRunning).toBe(true);
    expect(entry?.runnerPid).toBe(process.pid);

    await runner.done;
    const deadline = Date.now() + 10_000;
    while (entry?.isRunning && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(entry?.isRunning).toBe(false);
    expect(entry?.snapshot.trials).toHaveLength(4);
    expect(entry?.snapshot.state).toBe('finished');
    expect(liveTypes).toContain('trial.reported');
    expect(liveTypes.at(-1)).toBe('study.ended');
    expect(changed.every((k) => k === studyKey(storeRoot, 'live'))).toBe(true);
    registry.dispose();
  });

  it('holds owned runners, replaces the observed entry of the same study and reports their events', async () => {
    const dir = tempDir('rung-registry-');
    const written = writeSpec(dir, 'own', study('own', 2));
    const first = startStudy(dir, written);
    await first.runner.start();
    await first.runner.done;

    const registry = new StudyRegistry({ roots: () => [first.storeRoot] });
    await registry.refresh();
    expect(registry.find(first.storeRoot, 'own')?.ownership).toBe('observed');

    // Run it again with more trials (a continuation), owned by the registry this time.
    const second = startStudy(dir, { ...written, spec: { ...written.spec, trials: 3 } });
    const entry = registry.addRunner(first.storeRoot, second.runner, written.spec);
    const live: string[] = [];
    registry.onLiveEvent.on(({ event }) => live.push(event.event.type));
    expect(registry.runningRunners()).toEqual([second.runner]);
    await second.runner.start();
    await second.runner.done;
    await new Promise((r) => setTimeout(r, 0));
    expect(entry.isRunning).toBe(false);
    expect(registry.runningRunners()).toEqual([]);
    expect(registry.find(first.storeRoot, 'own')).toBe(entry);
    expect(entry.snapshot.trials).toHaveLength(3);
    expect(live).toContain('study.started');
    // A refresh does not turn the owned entry back into an observed one.
    await registry.refresh();
    expect(registry.find(first.storeRoot, 'own')?.ownership).toBe('owned');
    registry.dispose();
  });

  it('has no studies for a missing store root', async () => {
    const registry = new StudyRegistry({ roots: () => [path.join(tempDir('rung-registry-'), 'nope')] });
    await registry.refresh();
    expect(registry.list()).toEqual([]);
  });
});
