/**
 * `rung ls` while a study runs: the counts of its index must catch up with trials that ended within the
 * same second (they are written at the end of that second, not dropped until the next trial ends) and
 * include the trials running. Built dist/cli.js, real processes, real files.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir, waitFor } from '../helpers/studyFixture';
import { cli, ensureCliBuilt } from '../helpers/cliProcess';

beforeAll(ensureCliBuilt);

/** Trials 0 and 1 report at once and exit; later trials report and then wait a minute (until stopped). */
const SCRIPT = `
console.log('loss=' + (Number(process.env.RUNG_TRIAL_ID) + 1));
if (Number(process.env.RUNG_TRIAL_ID) >= 2) setTimeout(() => undefined, 60_000);
`;

describe('rung ls while a study runs', () => {
  it('counts two trials that ended together, and the two running, while the next trials run for long', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'train.mjs'), SCRIPT);
    writeFileSync(
      path.join(dir, 'live.rung.yaml'),
      ['name: live', `command: [${JSON.stringify(process.execPath)}, train.mjs, "{x}"]`, 'metric: loss', 'parameters:', '  x: {type: float, low: 0, high: 1}', 'trials: 4', 'parallel: 2', 'seed: 1'].join('\n'),
    );
    const child = spawn(process.execPath, [cli, 'run', 'live.rung.yaml'], { cwd: dir, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const log = path.join(dir, '.rung', 'live', 'events.jsonl');
      const count = (type: string): number => {
        try {
          return readFileSync(log, 'utf8').split(`"type":"${type}"`).length - 1;
        } catch {
          return 0;
        }
      };
      await waitFor(() => count('trial.ended') >= 2 && count('trial.reported') >= 4, 20_000, 'two trials ended and two more reporting');
      // The index's trailing write lands within a second of the last one.
      let row: string[] | undefined;
      await waitFor(
        () => {
          const ls = spawnSync(process.execPath, [cli, 'ls'], { cwd: dir, encoding: 'utf8' });
          row = ls.stdout.split('\n').find((l) => l.startsWith('live '))?.trim().split(/\s+/);
          return row?.[3] === '2';
        },
        5_000,
        'rung ls to show 2 done',
      );
      // study, status, trials, done, pruned, failed
      expect(row?.slice(0, 6)).toEqual(['live', 'running', '4', '2', '0', '0']);
    } finally {
      child.kill('SIGINT');
      await exited;
    }
  }, 40_000);
});
