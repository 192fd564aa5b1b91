/**
 * `rung ls` on a study whose process was killed (kill -9) before any trial ended: the index only has what
 * the study wrote when it started (0 trials), so the counts come from the study's log. Built dist/cli.js,
 * real processes, a real SIGKILL.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStudyEvents } from '../../src/engine/store/jsonlStore';
import { fakeTrainer, isAlive, tempDir, waitFor } from '../helpers/studyFixture';
import { cli, ensureCliBuilt, twoTrialsReporting } from '../helpers/cliProcess';

beforeAll(ensureCliBuilt);

let trialPids: number[] = [];
afterAll(() => {
  for (const pid of trialPids) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone (the reaper ended it)
    }
  }
});

describe('rung ls', () => {
  it('counts the trials of a study killed before its first trial ended from its log', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'killed.rung.yaml');
    writeFileSync(
      file,
      [
        'name: killed',
        `command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(fakeTrainer)}, "--lr={lr}", "--epochs", "1", "--hang"]`,
        'metric: val_loss',
        'parameters:',
        '  lr: {type: float, low: 0.001, high: 0.1, log: true}',
        'trials: 4',
        'parallel: 2',
      ].join('\n'),
    );
    const store = path.join(dir, '.rung');
    const child = spawn(process.execPath, [cli, 'run', file], { cwd: dir, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await twoTrialsReporting(store, 'killed');
    const { events } = await readStudyEvents(store, 'killed');
    trialPids = events.flatMap(({ event }) => (event.type === 'trial.launched' && event.external.kind === 'pid' ? [event.external.pid] : []));
    child.kill('SIGKILL');
    await exited;

    const ls = spawnSync(process.execPath, [cli, 'ls'], { cwd: dir, encoding: 'utf8' });
    expect(ls.status, ls.stderr).toBe(0);
    const row = ls.stdout.split('\n').find((l) => l.startsWith('killed '))?.trim().split(/\s+/);
    // study, status, trials, done, pruned, failed
    expect(row?.slice(0, 6)).toEqual(['killed', 'crashed', '2', '0', '0', '0']);
    // The reaper ends the trials of the killed study.
    await waitFor(() => trialPids.every((p) => !isAlive(p)), 10_000, 'trials ended by the reaper');
  }, 40_000);
});
