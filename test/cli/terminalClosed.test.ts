/**
 * The terminal running `rung run` is closed: rung gets SIGHUP and its terminal is gone. The study stops as on
 * a Ctrl-C — its trials end, the log says stopped, `rung resume` continues it — instead of rung dying of the
 * signal and leaving a "crashed" study. A real pseudo-terminal (util-linux `script`, from Debian's essential
 * bsdutils), closed by killing its owner, built dist/cli.js, real trial processes.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readLock, readStudyEvents } from '../../src/engine/store/jsonlStore';
import { isAlive, tempDir, waitFor } from '../helpers/studyFixture';
import { cli, ensureCliBuilt, longStudyFile, twoTrialsReporting } from '../helpers/cliProcess';

beforeAll(ensureCliBuilt);

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

describe.skipIf(process.platform === 'win32' || !hasScript)('rung run in a terminal that is closed', () => {
  it('stops the study gracefully on SIGHUP: trials ended, the log says stopped', async () => {
    const dir = tempDir();
    const file = longStudyFile(dir, 'hup');
    const store = path.join(dir, '.rung');
    // `script` gives rung a pseudo-terminal as its controlling terminal (`exec`: rung leads the session).
    const command = `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} run ${JSON.stringify(file)}`;
    const terminal = spawn('script', ['-qfec', command, '/dev/null'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    terminal.stdout.resume();
    terminal.stderr.resume();
    await twoTrialsReporting(store, 'hup');
    const lock = await readLock(store, 'hup');
    expect(lock?.pid).toBeDefined();
    const rungPid = lock?.pid ?? 0;

    // Closing the terminal: its owner dies, the pseudo-terminal hangs up and rung gets SIGHUP.
    terminal.kill('SIGKILL');
    await waitFor(() => !isAlive(rungPid), 20_000, 'rung ended after the hangup');

    const { events } = await readStudyEvents(store, 'hup');
    expect(events.at(-1)?.event).toMatchObject({ type: 'study.ended', reason: 'userStopped' });
    const launched = new Set(events.flatMap(({ event }) => (event.type === 'trial.launched' ? [event.trialId] : [])));
    const ended = events.flatMap(({ event }) => (event.type === 'trial.ended' ? [event] : []));
    expect([...launched].every((id) => ended.some((e) => e.trialId === id))).toBe(true);
    const pids = events.flatMap(({ event }) => (event.type === 'trial.launched' && event.external.kind === 'pid' ? [event.external.pid] : []));
    expect(pids.length).toBeGreaterThan(0);
    expect(pids.filter(isAlive)).toEqual([]);
    const ls = spawnSync(process.execPath, [cli, 'ls'], { cwd: dir, encoding: 'utf8' });
    expect(ls.stdout).toMatch(/hup\s+stopped/);
  }, 60_000);
});
