/**
 * A stop that arrives while `StudyRunner.start()` is still under way (opening the log, replaying it, ending
 * a killed run's leftovers, writing `study.started`): the study ends as after any user stop — start() and
 * stop() resolve, no trial is launched, the log ends with `study.ended` (userStopped) and can be resumed.
 * (The stop during the end of orphaned trial processes is in test/cli/cli.test.ts, which can kill a study.)
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StudyEvent } from '../../src/engine/store/events';
import { readStudyEvents } from '../../src/engine/store/jsonlStore';
import { fakeTrainer, startStudy, tempDir, waitFor, writeSpec } from '../helpers/studyFixture';

const node = JSON.stringify(process.execPath);
const trainer = JSON.stringify(fakeTrainer);

/** Two quick trials, or (`hang`) two that never end by themselves. */
function study(name: string, hang = false): string {
  return [
    `name: ${name}`,
    `command: [${node}, ${trainer}, "--lr={lr}", "--epochs", "2", "--delay", "5"${hang ? ', "--hang"' : ''}]`,
    'metric: val_loss',
    'parameters:',
    '  lr: {type: float, low: 0.001, high: 0.1, log: true}',
    'trials: 2',
    'parallel: 2',
    'launcher: {kill_grace: 0.5}',
  ].join('\n');
}

const types = (events: readonly { event: StudyEvent }[]): string[] => events.map((e) => e.event.type);

/** Starts a runner and stops it at `when`; checks that both calls resolve and the study ended as stopped. */
async function stopDuringStart(
  dir: string,
  written: ReturnType<typeof writeSpec>,
  when: 'at once' | 'replayed' | RegExp,
  extra: { fresh?: boolean } = {},
): Promise<{ logs: string[]; newEvents: StudyEvent[] }> {
  const logs: string[] = [];
  let stopped: Promise<void> | undefined;
  const started = startStudy(dir, written, {
    ...extra,
    // Both are called by start() itself, right before an await: the stop lands in the middle of startup.
    log: (m) => {
      logs.push(m);
      if (when instanceof RegExp && when.test(m)) stopped ??= started.runner.stop();
    },
    replayed: () => {
      if (when === 'replayed') stopped ??= started.runner.stop();
    },
  });
  const { runner } = started;
  const start = runner.start();
  if (when === 'at once') stopped = runner.stop();
  await start;
  expect(stopped, `no stop at ${String(when)}: ${logs.join(' | ')}`).toBeDefined();
  await stopped;
  const snapshot = await runner.done;
  expect(snapshot.endReason).toBe('userStopped');
  expect(types(started.events)).not.toContain('trial.launched');
  const onDisk = await readStudyEvents(started.storeRoot, written.spec.name);
  expect(onDisk.events.at(-1)?.event).toMatchObject({ type: 'study.ended', reason: 'userStopped' });
  expect(onDisk.events.map((e) => e.seq)).toEqual(onDisk.events.map((_, i) => i + 1));
  return { logs, newEvents: started.events.map((e) => e.event) };
}

/** Resumes the study and runs it to its end: what a stopped-during-start log must allow. */
async function resumeToEnd(dir: string, written: ReturnType<typeof writeSpec>): Promise<void> {
  const { runner } = startStudy(dir, written);
  await runner.start();
  const snapshot = await runner.done;
  expect(snapshot.endReason).toBe('budgetExhausted');
  expect(snapshot.trials.map((t) => t.status)).toEqual(['completed', 'completed']);
}

describe('a stop while the study is starting', () => {
  it('new study, stopped right after start(): nothing runs, the log is whole, and it resumes', async () => {
    const dir = tempDir();
    const written = writeSpec(dir, 'early', study('early'));
    const { newEvents } = await stopDuringStart(dir, written, 'at once');
    expect(newEvents.map((e) => e.type)).toEqual(['study.created', 'study.started', 'study.ended']);
    await resumeToEnd(dir, written);
  });

  it('new study, stopped while it logs its seed choice (before the first write)', async () => {
    const dir = tempDir();
    const written = writeSpec(dir, 'seedmsg', study('seedmsg'));
    const { newEvents } = await stopDuringStart(dir, written, /no seed in the study file/);
    expect(newEvents.map((e) => e.type)).toEqual(['study.created', 'study.started', 'study.ended']);
    await resumeToEnd(dir, written);
  });

  it('--fresh, stopped right after start(): the old log is set aside and the new one is whole', async () => {
    const dir = tempDir();
    const written = writeSpec(dir, 'freshstop', study('freshstop'));
    await resumeToEnd(dir, written);
    const { newEvents } = await stopDuringStart(dir, written, 'at once', { fresh: true });
    expect(newEvents.map((e) => e.type)).toEqual(['study.created', 'study.started', 'study.ended']);
  });

  it('resumed study with unfinished trials, stopped right after start(), after the replay and while logging the resume: they stay to re-run later', async () => {
    const dir = tempDir();
    // The first run is stopped while its trials hang: both are left unfinished, to re-run on resume.
    const hanging = writeSpec(dir, 'resumed', study('resumed', true));
    const first = startStudy(dir, hanging);
    await first.runner.start();
    await waitFor(() => first.runner.snapshot().trials.filter((t) => t.status === 'running' && t.lastValue !== undefined).length === 2, 15_000, 'two trials reporting');
    await first.runner.stop();
    expect((await first.runner.done).trials.map((t) => t.status)).toEqual(['stopped', 'stopped']);

    for (const when of ['at once', 'replayed', /^resuming study resumed: 0 finished trials kept, 2 unfinished to re-run$/] as const) {
      const { newEvents } = await stopDuringStart(dir, hanging, when);
      expect(newEvents.map((e) => e.type)).toEqual(['study.started', 'study.ended']);
      expect(newEvents[0]).toMatchObject({ type: 'study.started', resumed: true });
    }
    const { events } = await readStudyEvents(path.join(dir, '.rung'), 'resumed');
    expect(events.filter((e) => e.event.type === 'trial.launched')).toHaveLength(2);

    // Still resumable: the unfinished trials run again.
    const last = startStudy(dir, hanging);
    await last.runner.start();
    await waitFor(() => last.events.filter((e) => e.event.type === 'trial.launched').length === 2, 15_000, 'relaunch');
    expect(last.events.filter((e) => e.event.type === 'trial.launched').map((e) => e.event)).toEqual([
      expect.objectContaining({ resume: true }),
      expect.objectContaining({ resume: true }),
    ]);
    await last.runner.stop();
    expect((await last.runner.done).endReason).toBe('userStopped');
  });

  it('a second stop during startup resolves too; a start that fails leaves a pending stop nothing to wait for', async () => {
    const dir = tempDir();
    const written = writeSpec(dir, 'twice', study('twice'));
    const { runner } = startStudy(dir, written);
    const start = runner.start();
    const stops = [runner.stop(), runner.stop()];
    await start;
    await Promise.all(stops);
    expect((await runner.done).endReason).toBe('userStopped');

    // Another study under the same name: start() refuses it; a stop sent meanwhile must not hang or throw.
    const other = writeSpec(dir, 'twice', study('twice').replace('"--epochs", "2"', '"--epochs", "3"'));
    const refused = startStudy(dir, other);
    const failing = refused.runner.start();
    const stop = refused.runner.stop();
    await expect(failing).rejects.toThrow(/already exists .* with a different command/);
    await stop;
  });
});
