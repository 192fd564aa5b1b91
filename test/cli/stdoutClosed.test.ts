/**
 * `rung run --json | head -n 3`: when the reader of stdout goes away, the study stops as on a Ctrl-C — its
 * trials end, the log says stopped — instead of rung dying of EPIPE and leaving a "crashed" study with its
 * trials' ends unwritten. Built dist/cli.js, real processes, a real pipe closed by its reader.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readStudyEvents } from '../../src/engine/store/jsonlStore';
import { tempDir } from '../helpers/studyFixture';
import { cli, ensureCliBuilt, longStudyFile } from '../helpers/cliProcess';

beforeAll(ensureCliBuilt);

describe('rung run --json with its reader gone', () => {
  it('stops the study gracefully and logs it stopped, not crashed', async () => {
    const dir = tempDir();
    const file = longStudyFile(dir, 'piped');
    const child = spawn(process.execPath, [cli, 'run', file, '--json'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Like `head`: read until a trial reported, then close the pipe.
    await new Promise<void>((resolve) => {
      let seen = '';
      const onData = (d: Buffer): void => {
        seen += d.toString();
        if (seen.includes('"trial.reported"')) {
          child.stdout.off('data', onData);
          child.stdout.destroy();
          resolve();
        }
      };
      child.stdout.on('data', onData);
    });
    expect(await exited, stderr).toBe(0);
    expect(stderr).not.toMatch(/EPIPE/);

    const { events } = await readStudyEvents(path.join(dir, '.rung'), 'piped');
    expect(events.at(-1)?.event).toMatchObject({ type: 'study.ended', reason: 'userStopped' });
    const launched = new Set(events.flatMap(({ event }) => (event.type === 'trial.launched' ? [event.trialId] : [])));
    const ended = new Set(events.flatMap(({ event }) => (event.type === 'trial.ended' ? [event.trialId] : [])));
    expect([...launched].every((id) => ended.has(id))).toBe(true);
    expect(launched.size).toBeLessThan(50);
    const ls = spawnSync(process.execPath, [cli, 'ls'], { cwd: dir, encoding: 'utf8' });
    expect(ls.stdout).toMatch(/piped\s+stopped/);
  }, 60_000);
});
