/**
 * A second Ctrl-C on `rung run` kills the trials at once; the study's log must still say what happened:
 * the trials stopped and the study stopped by the user — not a "crashed" study with its trials left
 * "stopping" and no end. Built dist/cli.js, real processes (trials that ignore SIGTERM), real signals.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStudyEvents, trialDir } from '../../src/engine/store/jsonlStore';
import { fakeTrainer, grandchildPids, isAlive, tempDir, waitFor } from '../helpers/studyFixture';
import { cli, ensureCliBuilt, twoTrialsReporting } from '../helpers/cliProcess';

beforeAll(ensureCliBuilt);

/** Trial processes (leaders and their grandchildren) of the study; killed after the test whatever happened. */
let launchedPids: number[] = [];
afterAll(() => {
  for (const pid of launchedPids) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // gone, or not a group leader
      }
    }
  }
});

async function trialPids(store: string, study: string): Promise<number[]> {
  const { events } = await readStudyEvents(store, study);
  return events.flatMap(({ event }) =>
    event.type === 'trial.launched' && event.external.kind === 'pid' ? [event.external.pid, ...grandchildPids(trialDir(store, study, event.trialId))] : [],
  );
}

describe('a second Ctrl-C', () => {
  it('exits 130 with no trial left, and logs the trials stopped and the study stopped, not crashed', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'forced.rung.yaml');
    writeFileSync(
      file,
      [
        'name: forced',
        `command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(fakeTrainer)}, "--lr={lr}", "--epochs", "1", "--hang", "--spawn-grandchild", "--ignore-sigterm"]`,
        'metric: val_loss',
        'parameters:',
        '  lr: {type: float, low: 0.001, high: 0.1, log: true}',
        'trials: 4',
        'parallel: 2',
        // The first Ctrl-C's graceful stop is still waiting for these trials when the second comes.
        'launcher: {kill_grace: 60}',
      ].join('\n'),
    );
    const store = path.join(dir, '.rung');
    const child = spawn(process.execPath, [cli, 'run', file], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await twoTrialsReporting(store, 'forced');
    launchedPids = await trialPids(store, 'forced');
    child.kill('SIGINT');
    await waitFor(() => /stopping the study/.test(output), 15_000, 'the graceful stop');
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const pids = await trialPids(store, 'forced');
    await waitFor(() => pids.every((p) => !isAlive(p)), 5_000, 'trial processes gone');

    const { events } = await readStudyEvents(store, 'forced');
    const ends = events.flatMap(({ event }) => (event.type === 'trial.ended' ? [event.status] : []));
    expect(ends).toEqual(['stopped', 'stopped']);
    expect(events.at(-1)?.event).toMatchObject({ type: 'study.ended', reason: 'userStopped' });
    expect(output).toMatch(/study forced stopped by the user/);
  }, 60_000);
});
