/**
 * The `rung` CLI as a user runs it: the built dist/cli.js in real child processes, real study files,
 * real signals. `npm test` builds dist first; a missing bundle is built here for a lone `vitest run`.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REAPER_NAME } from '../../src/engine/runner/processTree';
import { readStudyEvents, trialDir } from '../../src/engine/store/jsonlStore';
import { fakeTrainer, grandchildPids, isAlive, repoRoot, tempDir, waitFor } from '../helpers/studyFixture';
import { cli, ensureCliBuilt, rung, twoTrialsReporting } from '../helpers/cliProcess';

const debianPython = '/usr/bin/python3';

beforeAll(ensureCliBuilt);

/** Stores of studies whose trials hang: whatever a failed assertion left running is killed afterwards. */
const hangingStores: Array<[store: string, study: string]> = [];
afterAll(async () => {
  for (const [store, study] of hangingStores) {
    for (const pid of await trialPids(store, study).catch(() => [])) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // not a group leader, or gone
      }
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
});

function rungInBackground(args: readonly string[], cwd: string): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [cli, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

function hangingStudy(dir: string, name: string): string {
  const file = path.join(dir, `${name}.rung.yaml`);
  hangingStores.push([path.join(dir, '.rung'), name]);
  writeFileSync(
    file,
    [
      `name: ${name}`,
      `command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(fakeTrainer)}, "--lr={lr}", "--epochs", "1", "--hang", "--spawn-grandchild", "--ignore-sigterm"]`,
      'metric: val_loss',
      'parameters:',
      '  lr: {type: float, low: 0.001, high: 0.1, log: true}',
      'trials: 6',
      'parallel: 2',
      'launcher: {kill_grace: 0.5}',
    ].join('\n'),
  );
  return file;
}

async function trialPids(store: string, study: string): Promise<number[]> {
  const { events } = await readStudyEvents(store, study);
  const pids: number[] = [];
  for (const { event } of events) {
    if (event.type === 'trial.launched' && event.external.kind === 'pid') {
      pids.push(event.external.pid, ...grandchildPids(trialDir(store, study, event.trialId)));
    }
  }
  return pids;
}

/** The pid of the reaper (processTree.ts) a study process started: its child whose command line names it. */
function reaperOf(parent: number): number {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent && readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').includes(REAPER_NAME)) return Number(name);
    } catch {
      // gone
    }
  }
  return -1;
}

describe('rung CLI', () => {
  it('validate prints positioned errors and fails', () => {
    const dir = tempDir();
    const file = path.join(dir, 'bad.rung.yaml');
    writeFileSync(file, ['name: bad', 'command: python3 train.py {args}', 'metric: loss', 'parameters:', '  lr: {type: float, low: 0.5, high: 0.1, lgo: true}'].join('\n'));
    const result = rung(['validate', file], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/bad\.rung\.yaml:5:\d+: error: .*low \(0\.5\) is greater than high \(0\.1\)/);
    expect(result.stderr).toMatch(/bad\.rung\.yaml:5:\d+: error: unknown key "lgo".*did you mean "log"/);
    const good = rung(['validate', path.join(repoRoot, 'examples', 'quadratic', 'quadratic.rung.yaml')], dir);
    expect(good.code).toBe(0);
  });

  it('runs the quadratic example; show ranks the trials and prints a command that reproduces the best value', () => {
    const dir = tempDir();
    const run = rung(['run', path.join(repoRoot, 'examples', 'quadratic', 'quadratic.rung.yaml'), '--trials', '4'], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/study quadratic finished: trial budget reached/);
    expect(run.stdout).toMatch(/best: trial #\d+ val_loss=/);

    const show = rung(['show', 'quadratic'], dir);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/trials: 4 \(/);
    const best = /best trial #(\d+): val_loss=([-\d.e]+)/.exec(show.stdout);
    expect(best).not.toBeNull();
    const command = show.stdout.split('reproduce it:\n')[1]?.split('\n')[0]?.trim() ?? '';
    expect(command).toMatch(/^cd .* && RUNG_PARAMS=.* node train\.mjs --lr=/);
    // Running the printed command by hand gives the same final value as the trial.
    const replay = spawnSync('bash', ['-c', command], { encoding: 'utf8' });
    const last = replay.stdout.trim().split('\n').at(-1) ?? '';
    const value = Number(/val_loss=([^\s]+)/.exec(last)?.[1]);
    const stored = JSON.parse(rung(['export', 'quadratic', '--format', 'json'], dir).stdout) as { best: { value: number } };
    expect(value).toBeCloseTo(stored.best.value, 4);
    expect(Number(best?.[2])).toBeCloseTo(stored.best.value, 3);
  });

  it.skipIf(spawnSync('python3', ['--version']).status !== 0)(
    "reproduces a trial that imports Rung's Python helper and reads launcher.env, from a plain shell",
    () => {
      const dir = tempDir();
      writeFileSync(
        path.join(dir, 'train.py'),
        [
          'import os, sys',
          'from rung import report',
          'lr = float(sys.argv[1].split("=")[1])',
          'report(step=1, val_loss=lr * float(os.environ["LOSS_SCALE"]))',
        ].join('\n'),
      );
      writeFileSync(
        path.join(dir, 'helper.rung.yaml'),
        [
          'name: helper',
          'command: python3 train.py {args}',
          'metric: val_loss',
          'parameters:',
          '  lr: {type: float, low: 0.1, high: 1}',
          'trials: 2',
          'seed: 1',
          'launcher: {env: {LOSS_SCALE: "3"}}',
        ].join('\n'),
      );
      const run = rung(['run', 'helper.rung.yaml'], dir);
      expect(run.code, run.stderr).toBe(0);
      const show = rung(['show', 'helper'], dir);
      const command = show.stdout.split('reproduce it:\n')[1]?.split('\n')[0]?.trim() ?? '';
      const stored = JSON.parse(rung(['export', 'helper', '--format', 'json'], dir).stdout) as { best: { value: number } };
      // A shell without Rung's PYTHONPATH or the study's environment, as a user's would be.
      const env: Record<string, string> = { ...process.env } as Record<string, string>;
      delete env['PYTHONPATH'];
      delete env['LOSS_SCALE'];
      const replay = spawnSync('bash', ['-c', command], { encoding: 'utf8', env });
      expect(replay.status, `${command}\n${replay.stderr}`).toBe(0);
      const value = Number(/"val_loss": ([^\s}]+)/.exec(replay.stdout)?.[1]);
      expect(value).toBeCloseTo(stored.best.value, 10);
    },
  );

  it('lists a study the index does not know (index lost, or the study folder copied in) from its own log', () => {
    const dir = tempDir();
    expect(rung(['run', path.join(repoRoot, 'examples', 'quadratic', 'quadratic.rung.yaml'), '--trials', '2', '--quiet'], dir).code).toBe(0);
    const best = (JSON.parse(rung(['export', 'quadratic', '--format', 'json'], dir).stdout) as { best: { trialId: string } }).best;
    // A study folder copied from another machine into a store whose index.json does not list it ...
    const copied = tempDir();
    execFileSync('cp', ['-r', path.join(dir, '.rung', 'quadratic'), path.join(copied, 'quadratic')]);
    writeFileSync(path.join(copied, 'index.json'), '{"v":1,"studies":{}}');
    // ... and a store whose index.json is corrupt (set aside and started empty).
    writeFileSync(path.join(dir, '.rung', 'index.json'), 'not json');
    for (const store of [copied, path.join(dir, '.rung')]) {
      const ls = rung(['ls', '--store', store], dir);
      expect(ls.code, ls.stderr).toBe(0);
      expect(ls.stdout).toMatch(new RegExp(`quadratic\\s+finished\\s+2\\s+2\\s+0\\s+0\\s+val_loss ↓\\s+\\S+ \\(#${best.trialId}\\)`));
    }
  });

  it('exports csv and json and lists the study', () => {
    const dir = tempDir();
    expect(rung(['run', path.join(repoRoot, 'examples', 'quadratic', 'quadratic.rung.yaml'), '--trials', '3', '--quiet'], dir).code).toBe(0);
    const csv = rung(['export', 'quadratic', '--format', 'csv'], dir);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('trial,status,val_loss,step,started_at,ended_at,duration_s,param_lr,param_batch_size,param_weight_decay,param_optimizer,param_momentum,param_hidden,reason');
    expect(lines).toHaveLength(4);
    const json = JSON.parse(rung(['export', 'quadratic', '--format', 'json'], dir).stdout) as { trials: Array<{ curve: unknown[]; params: Record<string, unknown> }> };
    expect(json.trials).toHaveLength(3);
    expect(json.trials[0]?.curve.length).toBe(20);
    const ls = rung(['ls'], dir);
    expect(ls.stdout).toMatch(/quadratic\s+finished\s+3\s+/);
    expect(rung(['export', 'quadratic', '--format', 'xml'], dir).code).toBe(2);
  });

  it('export --out never replaces an existing file without --force, and a write that fails leaves no half file', () => {
    const dir = tempDir();
    expect(rung(['run', path.join(repoRoot, 'examples', 'quadratic', 'quadratic.rung.yaml'), '--trials', '2', '--quiet'], dir).code).toBe(0);
    const expected = rung(['export', 'quadratic', '--format', 'csv'], dir).stdout;
    const strays = (): string[] => readdirSync(dir).filter((name) => name.endsWith('.tmp'));

    const fresh = rung(['export', 'quadratic', '--format', 'csv', '--out', 'new.csv'], dir);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'new.csv'), 'utf8')).toBe(expected);

    const existing = path.join(dir, 'results.csv');
    writeFileSync(existing, 'my notes\n');
    const refused = rung(['export', 'quadratic', '--format', 'csv', '--out', 'results.csv'], dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('rung: results.csv already exists; pass --force to overwrite it (nothing was written)');
    expect(readFileSync(existing, 'utf8')).toBe('my notes\n');

    const forced = rung(['export', 'quadratic', '--format', 'csv', '--out', 'results.csv', '--force'], dir);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(existing, 'utf8')).toBe(expected);
    expect(rung(['export', 'quadratic', '--force'], dir).code).toBe(2); // --force without --out
    expect(rung(['--help'], dir).stdout).toContain('[--out FILE [--force]]');

    // A write that fails halfway (here: a file size limit of 1 KiB, smaller than the JSON export) must leave
    // the old file as it was, and no file at all where there was none.
    writeFileSync(existing, 'my notes\n');
    const limited = (args: readonly string[]) =>
      spawnSync('bash', ['-c', 'ulimit -f 1 && exec "$0" "$@"', process.execPath, cli, ...args], { cwd: dir, encoding: 'utf8' });
    expect(rung(['export', 'quadratic', '--format', 'json'], dir).stdout.length).toBeGreaterThan(2048);
    const failedNew = limited(['export', 'quadratic', '--format', 'json', '--out', 'big.json']);
    expect(failedNew.status, failedNew.stderr).toBe(1);
    expect(failedNew.stderr).toMatch(/cannot write big\.json: EFBIG/);
    expect(existsSync(path.join(dir, 'big.json'))).toBe(false);
    const failedOver = limited(['export', 'quadratic', '--format', 'json', '--out', 'results.csv', '--force']);
    expect(failedOver.status, failedOver.stderr).toBe(1);
    expect(readFileSync(existing, 'utf8')).toBe('my notes\n');
    expect(strays()).toEqual([]);
  });

  it('run refuses to continue a study with a different seed; the same seed, or none, continues with the logged one', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'seeded.rung.yaml');
    const write = (seed: string, trials: number): void =>
      writeFileSync(
        file,
        [
          'name: seeded',
          `command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(fakeTrainer)}, "--lr={lr}", "--epochs", "1", "--delay", "0"]`,
          'metric: val_loss',
          'parameters:',
          '  lr: {type: float, low: 1.0e-4, high: 1.0, log: true}',
          'sampler: random',
          `trials: ${trials}`,
          seed,
        ].join('\n'),
      );
    write('seed: 7', 1);
    expect(rung(['run', file, '--quiet'], dir).code).toBe(0);
    write('seed: 8', 2);
    const refused = rung(['run', file, '--quiet'], dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `study "seeded" already exists in ${path.join(dir, '.rung')} with a different seed (8, the log has 7); run with --fresh to start over (the old log is kept aside), or rename the study`,
    );
    write('seed: 7', 2);
    const same = rung(['run', file, '--quiet'], dir);
    expect(same.code, same.stderr).toBe(0);
    write('', 3);
    const none = rung(['run', file, '--quiet'], dir);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stderr).not.toMatch(/no seed in the study file/);
    const events = (await readStudyEvents(path.join(dir, '.rung'), 'seeded')).events.map((e) => e.event);
    expect(events.filter((e) => e.type === 'trial.ended')).toHaveLength(3);
    expect(events.filter((e) => e.type === 'study.created')).toEqual([expect.objectContaining({ seed: 7 })]);
    expect(events.filter((e) => e.type === 'study.ended').map((e) => e.type === 'study.ended' && e.reason)).toEqual(['budgetExhausted', 'budgetExhausted', 'budgetExhausted']);
  });

  it('Ctrl-C in promotion mode leaves paused trials paused, and rung resume promotes them', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'sha.rung.yaml');
    writeFileSync(
      file,
      [
        'name: sha',
        `command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(fakeTrainer)}, "--curve={curve}", "--epochs", "{budget}", "--delay", "300"]`,
        'metric: val_loss',
        'parameters:',
        // Grid order: trial 0 (0.1) is the best of the nine at every rung.
        '  curve: {type: categorical, choices: ["0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9"]}',
        'sampler: grid',
        'scheduler: {type: sha, min_budget: 1, max_budget: 9, eta: 3}',
        'trials: 9',
        'parallel: 2',
      ].join('\n'),
    );
    const store = path.join(dir, '.rung');
    const ended = async (): Promise<Array<{ trialId: string; status: string; reason?: string }>> => {
      try {
        return (await readStudyEvents(store, 'sha')).events.flatMap(({ event }) => (event.type === 'trial.ended' ? [event] : []));
      } catch {
        return [];
      }
    };
    const first = rungInBackground(['run', file], dir);
    // Stop once trial 0 has paused at the first rung (each epoch takes 300 ms: the rung is far from closed).
    const deadline = Date.now() + 15_000;
    while (!(await ended()).some((e) => e.trialId === '0' && e.status === 'paused')) {
      if (Date.now() > deadline) throw new Error('timed out waiting for trial 0 to pause');
      await new Promise((r) => setTimeout(r, 25));
    }
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    const atStop = await ended();
    expect(atStop.filter((e) => e.trialId === '0').map((e) => e.status)).toEqual(['paused']);
    expect(atStop.filter((e) => e.status === 'pruned')).toEqual([]);
    expect(rung(['show', 'sha'], dir).stdout).not.toMatch(/never promoted/);

    const resumed = rung(['resume', 'sha', '--quiet'], dir);
    expect(resumed.code, resumed.stderr).toBe(0);
    const events = (await readStudyEvents(store, 'sha')).events.map((e) => e.event);
    const promotions = events.flatMap((e) => (e.type === 'trial.decided' && e.decision.kind === 'promote' && e.trialId === '0' ? [e.decision.budget] : []));
    expect(promotions).toEqual([3, 9]);
    const last = new Map((await ended()).map((e) => [e.trialId, e]));
    expect(last.size).toBe(9);
    expect(last.get('0')?.status).toBe('completed');
    expect([...last.values()].filter((e) => e.status === 'paused')).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: 'study.ended', reason: 'budgetExhausted' });
  });

  it('--json streams every event as a JSON line', () => {
    const dir = tempDir();
    const run = rung(['run', path.join(repoRoot, 'examples', 'quadratic', 'quadratic.rung.yaml'), '--trials', '2', '--json'], dir);
    expect(run.code).toBe(0);
    const events = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq?: number; event?: { type: string } });
    const types = events.flatMap((e) => (e.event ? [e.event.type] : []));
    expect(types[0]).toBe('study.created');
    expect(types.filter((t) => t === 'trial.ended')).toHaveLength(2);
    expect(types.at(-1)).toBe('study.ended');
  });

  it('rung stop ends a running study from another process and leaves no trial process behind', async () => {
    const dir = tempDir();
    const file = hangingStudy(dir, 'hang');
    const bg = rungInBackground(['run', file], dir);
    const store = path.join(dir, '.rung');
    await twoTrialsReporting(store, 'hang');
    // A second writer is refused with the owner's pid.
    const second = rung(['run', file], dir);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`already being run by process ${bg.child.pid}`));

    const pids = await trialPids(store, 'hang');
    expect(pids.length).toBe(4);
    const stop = rung(['stop', 'hang'], dir);
    expect(stop.code, stop.stderr).toBe(0);
    expect(await bg.exited).toBe(0);
    await waitFor(() => pids.every((p) => !isAlive(p)), 5_000, 'trial processes gone');
    const show = rung(['show', 'hang'], dir);
    expect(show.stdout).toMatch(/\(stopped by the user\)/);
  });

  it('a second writer of a study in another store is told the rung stop command with that --store', async () => {
    const dir = tempDir();
    const file = hangingStudy(dir, 'hang');
    const bg = rungInBackground(['run', file, '--store', 'my store'], dir);
    await twoTrialsReporting(path.join(dir, 'my store'), 'hang');
    const second = rung(['run', file, '--store', 'my store'], dir);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`stop it with "rung stop hang --store 'my store'" first`);
    expect(rung(['stop', 'hang', '--store', 'my store'], dir).code).toBe(0);
    expect(await bg.exited).toBe(0);
  });

  it('Ctrl-C (SIGINT) stops gracefully; a SIGKILLed study leaves no trial running (its reaper ends them); orphans that outlived the reaper too are ended by the next resume', async () => {
    const dir = tempDir();
    const file = hangingStudy(dir, 'crash');
    const store = path.join(dir, '.rung');
    const events = (): string => readFileSync(path.join(store, 'crash', 'events.jsonl'), 'utf8');
    const relaunches = (): number => (events().match(/"resume":true/g) ?? []).length;

    const first = rungInBackground(['run', file], dir);
    await twoTrialsReporting(store, 'crash');
    const firstPids = await trialPids(store, 'crash');
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    await waitFor(() => firstPids.every((p) => !isAlive(p)), 5_000, 'trial processes gone after SIGINT');
    expect(first.output()).toMatch(/stopping the study/);

    // Resume, then crash the study process itself (SIGKILL runs no exit hook): the reaper it started ends
    // its trials — leaders and the grandchildren they forked, which ignore SIGTERM — within its grace.
    const second = rungInBackground(['resume', 'crash'], dir);
    await waitFor(() => /resuming study crash: 0 finished trials kept, 2 unfinished to re-run/.test(second.output()), 15_000, 'resume message');
    await waitFor(() => relaunches() >= 2, 15_000, 'relaunch');
    await new Promise((r) => setTimeout(r, 300));
    const secondPids = (await trialPids(store, 'crash')).filter(isAlive);
    expect(secondPids.length).toBeGreaterThanOrEqual(2);
    const secondReaper = reaperOf(second.child.pid ?? -1);
    expect(secondReaper).toBeGreaterThan(0);
    second.child.kill('SIGKILL');
    await second.exited;
    await waitFor(() => secondPids.every((p) => !isAlive(p)), 15_000, 'the reaper ended the trials of the killed study');
    await waitFor(() => !isAlive(secondReaper), 5_000, 'the reaper exited');

    // When the reaper dies too (killed with the study, e.g. by an OOM killer), the trials are orphaned.
    const third = rungInBackground(['resume', 'crash'], dir);
    await waitFor(() => relaunches() >= 4, 15_000, 'second relaunch');
    const { events: relaunched } = await readStudyEvents(store, 'crash');
    const lastLaunch = relaunched.flatMap((e) => (e.event.type === 'trial.launched' && e.event.external.kind === 'pid' ? [e.event] : [])).at(-1);
    const leader = lastLaunch?.external.kind === 'pid' ? lastLaunch.external.pid : -1;
    // The relaunched trial prints its grandchild's pid once Node has started it; on a loaded machine that
    // takes longer than any fixed pause, so wait for it (an earlier attempt's dead pid is in the log too).
    const liveGrandchild = (): number => grandchildPids(trialDir(store, 'crash', lastLaunch?.trialId ?? '')).filter(isAlive).at(-1) ?? -1;
    await waitFor(() => liveGrandchild() > 0, 15_000, 'the relaunched trial forked its worker');
    const orphanedWorker = liveGrandchild();
    const orphans = (await trialPids(store, 'crash')).filter(isAlive);
    expect(orphans.length).toBeGreaterThanOrEqual(2);
    const thirdReaper = reaperOf(third.child.pid ?? -1);
    expect(thirdReaper).toBeGreaterThan(0); // never kill(-1, …): that signals every process
    process.kill(thirdReaper, 'SIGKILL');
    third.child.kill('SIGKILL');
    await third.exited;
    expect(orphans.some(isAlive)).toBe(true);
    // A leader often dies on its own once its runner is gone (a write to the dead pipe), leaving the
    // workers it forked behind: kill one leader so only its grandchild keeps the group alive.
    expect(leader).toBeGreaterThan(0);
    try {
      process.kill(leader, 'SIGKILL');
    } catch {
      // it already died of the dead pipe
    }
    await waitFor(() => !isAlive(leader), 5_000, 'leader gone');
    expect(isAlive(orphanedWorker)).toBe(true);

    // The next resume takes over the stale lock, ends the orphans and runs the trials again.
    const fourth = rungInBackground(['resume', 'crash'], dir);
    await waitFor(() => /ending \d+ trial process group\(s\) left running/.test(fourth.output()), 15_000, 'orphan reaping');
    await waitFor(() => orphans.every((p) => !isAlive(p)), 5_000, 'orphans gone');
    expect(isAlive(orphanedWorker)).toBe(false);
    // Stop it once it runs the study again (a stop during the clean-up itself is tested on its own).
    await waitFor(() => /resuming study crash: /.test(fourth.output()), 15_000, 'the resume');
    fourth.child.kill('SIGINT');
    expect(await fourth.exited, fourth.output()).toBe(0);
    const { events: all } = await readStudyEvents(store, 'crash');
    expect(all.some((e) => e.event.type === 'trial.ended' && e.event.status === 'lost')).toBe(true);
    const pids = await trialPids(store, 'crash');
    await waitFor(() => pids.every((p) => !isAlive(p)), 5_000, 'everything gone');
  }, 90_000);

  it('a Ctrl-C while a resume is still ending the orphans of a killed run stops the study like any Ctrl-C: exit 0, no orphan left, the log whole and resumable', async () => {
    const dir = tempDir();
    const file = hangingStudy(dir, 'orphanstop');
    // Orphans that outlast SIGTERM: the resume waits the whole kill_grace on them, the window for the Ctrl-C.
    // The grandchild holds no pipe, so it outlives a leader that dies writing to its dead runner's pipe.
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace('"--ignore-sigterm"]', '"--ignore-sigterm", "--grandchild-ignore-sigterm", "--grandchild-stdio", "ignore"]')
        .replace('kill_grace: 0.5', 'kill_grace: 3'),
    );
    const store = path.join(dir, '.rung');
    const launches = (): number => (readFileSync(path.join(store, 'orphanstop', 'events.jsonl'), 'utf8').match(/"type":"trial\.launched"/g) ?? []).length;

    // A run killed with its reaper leaves its trials running.
    const first = rungInBackground(['run', file], dir);
    await twoTrialsReporting(store, 'orphanstop');
    const workers = (): number[] => ['0', '1'].flatMap((id) => grandchildPids(trialDir(store, 'orphanstop', id)));
    await waitFor(() => workers().length >= 2, 15_000, 'both trials forked their workers');
    const reaper = reaperOf(first.child.pid ?? -1);
    expect(reaper).toBeGreaterThan(0); // never kill(-1, …)
    process.kill(reaper, 'SIGKILL');
    await waitFor(() => !isAlive(reaper), 5_000, 'the reaper gone');
    first.child.kill('SIGKILL');
    await first.exited;
    const orphans = (await trialPids(store, 'orphanstop')).filter(isAlive);
    expect(orphans.length).toBeGreaterThanOrEqual(2);
    const launchedBefore = launches();

    // Ctrl-C as soon as the resume says it is ending them: it is then waiting out their grace.
    const second = rungInBackground(['resume', 'orphanstop'], dir);
    await waitFor(() => /ending \d+ trial process group\(s\) left running/.test(second.output()), 15_000, 'orphan reaping');
    second.child.kill('SIGINT');
    expect(await second.exited, second.output()).toBe(0);
    expect(second.output()).toMatch(/stopping the study/);
    expect(second.output()).not.toMatch(/is closed|error/i);
    await waitFor(() => orphans.every((p) => !isAlive(p)), 5_000, 'orphans gone');
    // The stop came before any relaunch; the log records the lost trials, the resume and the user stop.
    expect(launches()).toBe(launchedBefore);
    const { events } = await readStudyEvents(store, 'orphanstop');
    expect(events.slice(-4).map((e) => (e.event.type === 'trial.ended' ? `${e.event.type}:${e.event.status}` : e.event.type))).toEqual([
      'trial.ended:lost',
      'trial.ended:lost',
      'study.started',
      'study.ended',
    ]);
    expect(events.at(-1)?.event).toMatchObject({ type: 'study.ended', reason: 'userStopped' });

    // And it resumes: the lost trials run again.
    const third = rungInBackground(['resume', 'orphanstop'], dir);
    await waitFor(() => /resuming study orphanstop: 0 finished trials kept, 2 unfinished to re-run/.test(third.output()), 15_000, 'the resume');
    await waitFor(() => launches() >= launchedBefore + 2, 15_000, 'relaunch');
    third.child.kill('SIGINT');
    expect(await third.exited, third.output()).toBe(0);
    const pids = await trialPids(store, 'orphanstop');
    await waitFor(() => pids.every((p) => !isAlive(p)), 5_000, 'everything gone');
  }, 90_000);

  it('a second Ctrl-C ends the trials at once and disarms the reaper: it signals nothing once rung has exited', async () => {
    const dir = tempDir();
    const file = hangingStudy(dir, 'forced');
    // A long grace: the first Ctrl-C's graceful stop is still waiting when the second one comes.
    writeFileSync(file, readFileSync(file, 'utf8').replace('kill_grace: 0.5', 'kill_grace: 60'));
    const store = path.join(dir, '.rung');
    const bg = rungInBackground(['run', file], dir);
    await twoTrialsReporting(store, 'forced');
    const reaper = reaperOf(bg.child.pid ?? -1);
    expect(reaper).toBeGreaterThan(0);
    bg.child.kill('SIGINT');
    await waitFor(() => /stopping the study/.test(bg.output()), 15_000, 'the graceful stop');
    bg.child.kill('SIGINT');
    expect(await bg.exited).toBe(130);
    const pids = await trialPids(store, 'forced');
    expect(pids.length).toBe(4);
    await waitFor(() => pids.every((p) => !isAlive(p)), 5_000, 'trial processes gone');

    // An armed reaper, at end of file, signals the groups it still lists and then runs `sleep` for its grace
    // (kill is a shell builtin, sleep is its only child). Disarmed, it exits without either. So watch it until
    // it is gone: a child of it seen in the meantime means it went on to signal the (reusable) group numbers.
    const childrenOf = (parent: number): number[] =>
      readdirSync('/proc').flatMap((name) => {
        if (!/^\d+$/.test(name)) return [];
        try {
          const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent ? [Number(name)] : [];
        } catch {
          return [];
        }
      });
    const seen = new Set<number>();
    await waitFor(
      () => {
        for (const child of childrenOf(reaper)) seen.add(child);
        return !isAlive(reaper);
      },
      10_000,
      'the reaper to exit',
    );
    expect([...seen]).toEqual([]);
  });

  it.skipIf(!existsSync(debianPython) || spawnSync(debianPython, ['-c', 'import sklearn']).status !== 0)(
    'runs the scikit-learn digits example with --python and reproduces its best trial',
    () => {
      const dir = tempDir();
      const run = rung(['run', path.join(repoRoot, 'examples', 'digits', 'digits.rung.yaml'), '--trials', '3', '--python', debianPython], dir);
      expect(run.code, run.stderr).toBe(0);
      const show = rung(['show', 'digits-mlp'], dir);
      expect(show.stdout).toMatch(/best trial #\d+: val_loss=/);
      const command = show.stdout.split('reproduce it:\n')[1]?.split('\n')[0]?.trim() ?? '';
      expect(command).toContain(`${debianPython} train.py --lr=`);
      const stored = JSON.parse(rung(['export', 'digits-mlp', '--format', 'json'], dir).stdout) as { best: { value: number } };
      const replay = spawnSync('bash', ['-c', command], { encoding: 'utf8' });
      const value = Number(/val_loss=([^\s]+)/.exec(replay.stdout.trim().split('\n').at(-1) ?? '')?.[1]);
      expect(value).toBeCloseTo(stored.best.value, 4);
    },
    120_000,
  );
});
