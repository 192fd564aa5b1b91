/**
 * The slurm launcher against a real Slurm: a one-node cluster on this machine (test/slurm/start-local-slurm.sh,
 * started in beforeAll). Every trial is a real job (salloc + srun) running test/slurm/trial.mjs. Without Slurm
 * installed these tests skip, except under CI, where they fail (CI installs it). The pure parts (the command
 * line, the environment) are tested without Slurm.
 */
import { randomUUID } from 'node:crypto';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Launcher, LaunchSpec, OutputLine, TrialHandle } from '../../../src/engine/runner/launcher';
import { createSlurmLauncher, endLeftoverJobs, slurmCommand, slurmJobName, slurmTimeLimit, submitEnvironment } from '../../../src/engine/runner/slurm';
import type { SlurmJobOptions } from '../../../src/engine/runner/slurm';
import { parseStudySpec } from '../../../src/engine/spec/parseStudySpec';
import { readStudyEvents } from '../../../src/engine/store/jsonlStore';
import { createStudyRunner } from '../../../src/engine/study';
import { ensureLocalSlurm, jobName, jobState, processesWith, reapersOf, slurmInstalled, slurmRequired, trialScript } from '../../slurm/localSlurm';
import { fakeTrainer, repoRoot } from '../../helpers/studyFixture';

const NODE = process.execPath;
const root = mkdtempSync(path.join(tmpdir(), 'rung-slurm-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let trials = 0;
/** A trial in its own folder; trial ids differ across concurrent test runs, so job names do too. */
function baseSpec(extra: Partial<LaunchSpec> = {}): LaunchSpec {
  const dir = mkdtempSync(path.join(root, 't-'));
  const trialId = `${process.pid}-${++trials}`;
  return { trialId, argv: [NODE, trialScript], cwd: dir, env: {}, trialDir: dir, killGraceMs: 2000, ...extra };
}

describe('the job command and environment', () => {
  it('puts resources on salloc, the cwd and environment on srun, and the argv last, untouched', () => {
    const spec = baseSpec({ argv: ['python3', 'train.py', '--lr=0.1', '1; rm -rf ~'], cwd: '/work/x', timeoutMs: 90_000, killGraceMs: 10_000 });
    const job: SlurmJobOptions = {
      partition: 'gpu',
      account: 'proj',
      qos: 'high',
      cpusPerTask: 4,
      mem: '16G',
      gpus: 2,
      gpuType: 'a100',
      constraint: 'ib',
      extraArgs: ['--reservation=r1', '--exclusive'],
    };
    expect(slurmCommand(spec, job, 'rung:s:t1')).toEqual([
      'salloc',
      '--job-name=rung:s:t1',
      '--nodes=1',
      '--ntasks=1',
      '--partition=gpu',
      '--account=proj',
      '--qos=high',
      '--cpus-per-task=4',
      '--mem=16G',
      '--gres=gpu:a100:2',
      '--constraint=ib',
      // trial_timeout 90 s + kill_grace 10 s + a minute's margin
      '--time=0-00:02:40',
      '--reservation=r1',
      '--exclusive',
      '--',
      'srun',
      '--ntasks=1',
      '--chdir=/work/x',
      '--export=ALL',
      '--cpus-per-task=4',
      '--',
      'python3',
      'train.py',
      '--lr=0.1',
      '1; rm -rf ~',
    ]);
  });

  it('adds only what is asked: no time limit without one, gpus without a type, an explicit time over the timeout', () => {
    const spec = baseSpec({ argv: ['prog'], cwd: '/c' });
    expect(slurmCommand(spec, {}, 'n')).toEqual(['salloc', '--job-name=n', '--nodes=1', '--ntasks=1', '--', 'srun', '--ntasks=1', '--chdir=/c', '--export=ALL', '--', 'prog']);
    expect(slurmCommand(spec, { gpus: 1 }, 'n')).toContain('--gres=gpu:1');
    expect(slurmCommand(spec, { gpus: 0 }, 'n').some((a) => a.startsWith('--gres'))).toBe(false);
    expect(slurmCommand({ ...spec, timeoutMs: 1000 }, { timeSeconds: 2 * 86_400 + 3661 }, 'n')).toContain('--time=2-01:01:01');
  });

  it('formats time limits and job names', () => {
    expect(slurmTimeLimit(59.2)).toBe('0-00:01:00');
    expect(slurmTimeLimit(0)).toBe('0-00:00:01');
    expect(slurmTimeLimit(86_400 * 3 + 7200)).toBe('3-02:00:00');
    expect(slurmJobName('my study', '0007')).toBe('rung:my_study:0007');
  });

  it('drops an enclosing job’s SLURM_* and SRUN_* variables but keeps SLURM_CONF, the rest, and the trial’s own', () => {
    const env = submitEnvironment(
      { PATH: '/bin', SLURM_JOB_ID: '5', SLURM_CPUS_PER_TASK: '8', SRUN_CPUS_PER_TASK: '8', SLURM_CONF: '/etc/s.conf', SALLOC_PARTITION: 'p', HOME: undefined },
      { RUNG_TRIAL_ID: 't', SLURM_EXPORT_ENV: 'ALL' },
    );
    expect(env).toEqual({ PATH: '/bin', SLURM_CONF: '/etc/s.conf', SALLOC_PARTITION: 'p', RUNG_TRIAL_ID: 't', SLURM_EXPORT_ENV: 'ALL' });
  });
});

describe('the output of salloc (a stand-in salloc on PATH, no cluster)', () => {
  /** A folder with an executable `salloc` shell script whose body is `body`. */
  function fakeSalloc(body: string): string {
    const dir = mkdtempSync(path.join(root, 'bin-'));
    writeFileSync(path.join(dir, 'salloc'), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return dir;
  }

  it("a pipe that closes emits its last partial line then, before the other stream's later lines, as the local launcher does", async () => {
    // stdout ends without a newline and closes first; stderr goes on for a while, then ends unterminated too.
    const bin = fakeSalloc(["printf 'out tail'", 'exec 1>&-', 'sleep 0.3', "printf 'err line\\n' >&2", "printf 'err tail' >&2"].join('\n'));
    const spec = baseSpec({ env: { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` } });
    const launcher = createSlurmLauncher({ study: 'slurmtest', job: {} });
    try {
      const handle = await launcher.launch(spec);
      const lines: string[] = [];
      for await (const line of handle.lines) lines.push(`${line.stream}:${line.text}`);
      expect(await handle.exited).toEqual({ code: 0, signal: null, cause: 'exited' });
      expect(lines).toEqual(['stdout:out tail', 'stderr:err line', 'stderr:err tail']);
      expect(readFileSync(path.join(spec.trialDir, 'output.log'), 'utf8')).toBe('out tail\nerr line\nerr tail\n');
    } finally {
      await launcher.dispose();
    }
  });

  it("sees a revocation that salloc printed right after the trial's last stderr line without a newline, and ends salloc", async () => {
    // salloc shares stderr with the trial: its message lands on the trial's unterminated line. A salloc that then
    // hangs must still be ended once Slurm (a stand-in squeue that lists nothing) no longer knows the job.
    const bin = fakeSalloc(
      ["printf 'salloc: Granted job allocation 987654321\\n' >&2", "printf 'err tail' >&2", "printf 'salloc: Job allocation 987654321 has been revoked.\\n' >&2", 'exec sleep 60'].join('\n'),
    );
    writeFileSync(path.join(bin, 'squeue'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}:${savedPath ?? '/usr/bin:/bin'}`;
    const spec = baseSpec({ env: { PATH: process.env.PATH } });
    const launcher = createSlurmLauncher({ study: 'slurmtest', job: {} });
    try {
      const handle = await launcher.launch(spec);
      const lines: string[] = [];
      const started = Date.now();
      for await (const line of handle.lines) lines.push(line.text);
      const exit = await handle.exited;
      // The message is split off the trial's line, in the handle's lines and in output.log.
      expect(lines.slice(-2)).toEqual(['err tail', 'salloc: Job allocation 987654321 has been revoked.']);
      expect(readFileSync(path.join(spec.trialDir, 'output.log'), 'utf8')).toContain('err tail\nsalloc: Job allocation 987654321 has been revoked.\n');
      expect(exit.signal).toBe('SIGKILL');
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      process.env.PATH = savedPath;
      await launcher.dispose();
    }
  }, 40_000);
});

const installed = slurmInstalled();
if (!installed && !slurmRequired) {
  describe('slurm launcher on a local cluster', () => {
    it.skip('skipped: Slurm is not installed (test/slurm/start-local-slurm.sh installs it; CI runs it)', () => undefined);
  });
}

describe.runIf(installed || slurmRequired)('slurm launcher on a local cluster', () => {
  const launchers: Launcher[] = [];

  beforeAll(() => ensureLocalSlurm(), 180_000);
  afterEach(async () => {
    // A failing test must not leave jobs behind.
    await Promise.all(launchers.splice(0).map((launcher) => launcher.dispose()));
  });

  function launcher(job: SlurmJobOptions = {}): Launcher {
    const created = createSlurmLauncher({ study: 'slurmtest', job });
    launchers.push(created);
    return created;
  }

  /** A spec whose processes carry a unique marker variable, to find them in /proc. */
  function markedSpec(args: readonly string[], extra: Partial<LaunchSpec> = {}): { spec: LaunchSpec; marker: string } {
    const marker = randomUUID();
    const spec = baseSpec({ argv: [NODE, trialScript, ...args], ...extra });
    return { spec: { ...spec, env: { ...spec.env, RUNG_TEST_MARKER: marker } }, marker };
  }

  function jobIdOf(handle: TrialHandle): string {
    expect(handle.external.kind).toBe('slurm');
    return handle.external.kind === 'slurm' ? handle.external.jobId : '';
  }

  async function collect(lines: AsyncIterable<OutputLine>): Promise<OutputLine[]> {
    const out: OutputLine[] = [];
    for await (const line of lines) out.push(line);
    return out;
  }

  /** Reads lines until one equals `text`; the rest keeps draining in the background. */
  async function readUntil(handle: TrialHandle, text: string): Promise<{ seen: OutputLine[]; rest: Promise<OutputLine[]> }> {
    const iterator = handle.lines[Symbol.asyncIterator]();
    const seen: OutputLine[] = [];
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) throw new Error(`output ended before "${text}"; saw ${JSON.stringify(seen.map((l) => l.text))}`);
      seen.push(next.value);
      if (next.value.text === text) break;
    }
    const rest = (async () => {
      const more: OutputLine[] = [];
      for (;;) {
        const next = await iterator.next();
        if (next.done === true) return more;
        more.push(next.value);
      }
    })();
    return { seen, rest };
  }

  /** The job and every process of the trial (salloc, srun, the script, its child) are gone. */
  async function expectAllGone(jobId: string, marker: string): Promise<void> {
    await expect.poll(() => jobState(jobId), { timeout: 20_000, interval: 100 }).toBeUndefined();
    await expect.poll(() => processesWith('RUNG_TEST_MARKER', marker), { timeout: 20_000, interval: 100 }).toEqual([]);
  }

  it('streams stdout lines while the job runs, names the job after study and trial, and appends to output.log', async () => {
    const gate = path.join(root, `gate-${randomUUID()}`);
    const { spec } = markedSpec(['--say', 'epoch=1 val_loss=0.5', '--gate', gate, '--say', 'epoch=2 val_loss=0.25']);
    const handle = await launcher().launch(spec);
    const jobId = jobIdOf(handle);
    expect(jobId).toMatch(/^\d+$/);

    // The first line arrives while the trial is blocked on the gate: it was streamed, not collected at exit.
    const { seen, rest } = await readUntil(handle, 'epoch=1 val_loss=0.5');
    expect(existsSync(gate)).toBe(false);
    expect(seen.some((l) => l.stream === 'stderr' && l.text === `salloc: Granted job allocation ${jobId}`)).toBe(true);
    expect(jobName(jobId)).toBe(slurmJobName('slurmtest', spec.trialId));
    writeFileSync(gate, '');

    const after = await rest;
    expect(after.map((l) => l.text)).toEqual(expect.arrayContaining(['gate open', 'epoch=2 val_loss=0.25']));
    expect(await handle.exited).toEqual({ code: 0, signal: null, cause: 'exited' });
    const log = readFileSync(path.join(spec.trialDir, 'output.log'), 'utf8');
    expect(log).toContain('epoch=1 val_loss=0.5\n');
    expect(log).toContain('epoch=2 val_loss=0.25\n');
    expect(log).toContain(`salloc: Granted job allocation ${jobId}\n`);
  });

  it('reports the exit code and keeps stderr apart', async () => {
    const { spec } = markedSpec(['--say', 'out', '--say-err', 'err', '--exit', '3']);
    const handle = await launcher().launch(spec);
    const lines = await collect(handle.lines);
    expect(await handle.exited).toMatchObject({ code: 3, signal: null, cause: 'exited' });
    expect(lines.find((l) => l.text === 'out')?.stream).toBe('stdout');
    expect(lines.find((l) => l.text === 'err')?.stream).toBe('stderr');
  });

  it("a trial's unterminated last stdout line is its own last line, in lines and output.log", async () => {
    const { spec } = markedSpec(['--say', 'epoch=1 val_loss=0.5', '--write', 'epoch=2 val_loss=0.25', '--write-err', 'err tail']);
    const handle = await launcher().launch(spec);
    const jobId = jobIdOf(handle);
    const lines = await collect(handle.lines);
    expect(await handle.exited).toEqual({ code: 0, signal: null, cause: 'exited' });
    expect(lines.filter((l) => l.stream === 'stdout').map((l) => l.text)).toEqual(['epoch=1 val_loss=0.5', 'epoch=2 val_loss=0.25']);
    // stderr is shared with salloc, which writes its own last messages (Relinquishing job allocation N, or
    // Job allocation N has been revoked) after the task has ended: they land on the trial's unterminated last
    // stderr line, and are split off it, so that line stays the trial's own and the message follows it.
    const stderr = lines.filter((l) => l.stream === 'stderr').map((l) => l.text);
    const tail = stderr.indexOf('err tail');
    expect(tail, stderr.join(' | ')).toBeGreaterThanOrEqual(0);
    expect(stderr[tail + 1], stderr.join(' | ')).toMatch(new RegExp(`^salloc: .*${jobId}`));
    const log = readFileSync(path.join(spec.trialDir, 'output.log'), 'utf8');
    // Both pipes close when salloc exits: which stream's last line comes first is not fixed here.
    for (const line of lines) expect(log).toContain(`${line.text}\n`);
    expect(log.split('\n')).toContain('epoch=2 val_loss=0.25');
  });

  it('passes the trial environment (commas and all) and runs in the cwd; SLURM_JOB_ID is the job', async () => {
    const cwd = mkdtempSync(path.join(root, 'cwd-'));
    const params = JSON.stringify({ lr: 0.1, layers: [1, 2] });
    const { spec } = markedSpec(['--print-env', 'RUNG_PARAMS,RUNG_TRIAL_ID,OTHER,SLURM_JOB_ID'], {
      cwd,
      env: { RUNG_PARAMS: params, RUNG_TRIAL_ID: 't1', OTHER: 'a b,c=d' },
    });
    const handle = await launcher().launch(spec);
    const lines = await collect(handle.lines);
    expect(await handle.exited).toMatchObject({ code: 0, cause: 'exited' });
    const printed = lines.find((l) => l.text.startsWith('{'));
    expect(JSON.parse(printed?.text ?? 'null')).toEqual({
      cwd,
      env: { RUNG_PARAMS: params, RUNG_TRIAL_ID: 't1', OTHER: 'a b,c=d', SLURM_JOB_ID: jobIdOf(handle) },
    });
  });

  it('stop: the trial gets SIGTERM, the job is cancelled, and no process of it remains', async () => {
    const { spec, marker } = markedSpec(['--child', '--hang']);
    const handle = await launcher().launch(spec);
    const jobId = jobIdOf(handle);
    const { rest } = await readUntil(handle, 'ready');
    expect(jobState(jobId)).toBe('RUNNING');

    await handle.stop();
    expect(await handle.exited).toMatchObject({ cause: 'stopped' });
    expect((await rest).map((l) => l.text)).toContain('got SIGTERM');
    await expectAllGone(jobId, marker);
  });

  it('stop: a trial that ignores SIGTERM is killed after the grace', async () => {
    const { spec, marker } = markedSpec(['--ignore-sigterm', '--hang'], { killGraceMs: 500 });
    const handle = await launcher().launch(spec);
    const { rest } = await readUntil(handle, 'ready');
    await handle.stop();
    expect(await handle.exited).toMatchObject({ cause: 'stopped' });
    expect((await rest).map((l) => l.text)).toContain('ignoring SIGTERM');
    await expectAllGone(jobIdOf(handle), marker);
  });

  it('a job cancelled outside Rung (scancel, an admin, the time limit) ends the trial as exited, not stopped', async () => {
    const { spec, marker } = markedSpec(['--hang']);
    const handle = await launcher().launch(spec);
    const jobId = jobIdOf(handle);
    const { rest } = await readUntil(handle, 'ready');
    execFileSync('scancel', [jobId]);
    const exit = await handle.exited;
    expect(exit.cause).toBe('exited');
    expect(exit.code).not.toBe(0);
    expect((await rest).map((l) => l.text)).toContain(`salloc: Job allocation ${jobId} has been revoked.`);
    await expectAllGone(jobId, marker);
  });

  it('a trial over its timeout is ended as timedOut', async () => {
    const { spec, marker } = markedSpec(['--hang'], { timeoutMs: 1000 });
    const handle = await launcher().launch(spec);
    await collect(handle.lines);
    expect(await handle.exited).toMatchObject({ cause: 'timedOut' });
    await expectAllGone(jobIdOf(handle), marker);
  });

  it('a program the node cannot run, a job Slurm refuses, or a missing cwd is a failed launch with the reason', async () => {
    const slurm = launcher();
    const missing = await slurm.launch(baseSpec({ argv: ['/nonexistent/train'] }));
    await collect(missing.lines);
    expect(await missing.exited).toMatchObject({ cause: 'launchFailed', detail: expect.stringMatching(/execve\(\): \/nonexistent\/train: No such file or directory/) });

    const refused = await launcher({ partition: 'no-such-partition' }).launch(baseSpec());
    expect(refused.external).toEqual({ kind: 'none' });
    await collect(refused.lines);
    expect(await refused.exited).toMatchObject({ cause: 'launchFailed', detail: expect.stringMatching(/^job not submitted: .*partition/i) });

    const noCwd = await slurm.launch(baseSpec({ cwd: path.join(root, 'does-not-exist') }));
    expect(await noCwd.exited).toMatchObject({ cause: 'launchFailed', detail: expect.stringContaining('working directory not found') });
  });

  it('dispose cancels every job, running or still queued', async () => {
    const slurm = launcher();
    const first = markedSpec(['--hang']);
    const running = await slurm.launch(first.spec);
    await readUntil(running, 'ready');
    // Held: it stays in the queue whatever else the cluster runs.
    const held = launcher({ extraArgs: ['--hold'] });
    const second = markedSpec(['--hang']);
    const queued = await held.launch(second.spec);
    const queuedId = jobIdOf(queued);
    expect(jobState(queuedId)).toBe('PENDING');

    await Promise.all([slurm.dispose(), held.dispose()]);
    expect(await running.exited).toMatchObject({ cause: 'stopped' });
    expect(await queued.exited).toMatchObject({ cause: 'stopped' });
    await expectAllGone(jobIdOf(running), first.marker);
    await expectAllGone(queuedId, second.marker);
    expect(await (await slurm.launch(baseSpec())).exited).toMatchObject({ cause: 'launchFailed', detail: 'launcher disposed' });
  });

  it('endLeftoverJobs ends a job left by an earlier process, and only under its name', async () => {
    const { spec, marker } = markedSpec(['--hang']);
    const handle = await launcher().launch(spec);
    const jobId = jobIdOf(handle);
    await readUntil(handle, 'ready');
    expect(await endLeftoverJobs([{ jobId, jobName: slurmJobName('other', spec.trialId) }], 500)).toEqual([]);
    expect(jobState(jobId)).toBe('RUNNING');
    expect(await endLeftoverJobs([{ jobId, jobName: slurmJobName('slurmtest', spec.trialId) }], 500)).toEqual([jobId]);
    await handle.exited;
    await expectAllGone(jobId, marker);
  });

  describe('rung run with launcher: slurm', () => {
    const cli = path.join(repoRoot, 'dist', 'cli.js');
    beforeAll(() => {
      if (!existsSync(cli)) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
    }, 120_000);

    function studyFile(dir: string, name: string, lines: readonly string[]): string {
      const file = path.join(dir, `${name}.rung.yaml`);
      writeFileSync(file, [`name: ${name}`, 'metric: val_loss', 'parameters:', '  lr: {type: float, low: 1.0e-4, high: 1.0, log: true}', ...lines, ''].join('\n'));
      return file;
    }

    it('runs a study to completion, one job per trial', async () => {
      const dir = mkdtempSync(path.join(root, 'study-'));
      const file = studyFile(dir, 'slurmstudy', [
        `command: [${JSON.stringify(NODE)}, ${JSON.stringify(fakeTrainer)}, "--lr={lr}", "--epochs", "2", "--delay", "0"]`,
        'sampler: random',
        'trials: 3',
        'parallel: 2',
        'seed: 1',
        'launcher: {type: slurm, partition: debug, cpus_per_task: 1, time: 10m, kill_grace: 2}',
      ]);
      const result = spawnSync(process.execPath, [cli, 'run', file, '--quiet'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
      expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);

      const { events } = await readStudyEvents(path.join(dir, '.rung'), 'slurmstudy');
      const launched = events.flatMap((e) => (e.event.type === 'trial.launched' ? [e.event] : []));
      expect(launched).toHaveLength(3);
      for (const e of launched) expect(e.external).toEqual({ kind: 'slurm', jobId: expect.stringMatching(/^\d+$/) });
      const ended = events.flatMap((e) => (e.event.type === 'trial.ended' ? [e.event.status] : []));
      expect(ended).toEqual(['completed', 'completed', 'completed']);
      expect(events.at(-1)?.event.type).toBe('study.ended');
    });

    it('a study process killed with SIGKILL leaves no job behind', async () => {
      const dir = mkdtempSync(path.join(root, 'study-'));
      const marker = randomUUID();
      const file = studyFile(dir, 'killed', [
        `command: [${JSON.stringify(NODE)}, ${JSON.stringify(trialScript)}, "--hang", "{lr}"]`,
        'trials: 1',
        `launcher: {type: slurm, env: {RUNG_TEST_MARKER: ${JSON.stringify(marker)}}}`,
      ]);
      const study = spawn(process.execPath, [cli, 'run', file, '--quiet'], { cwd: dir, stdio: 'ignore' });
      const log = (): string => {
        try {
          return readFileSync(path.join(dir, '.rung', 'killed', 'trials', '0', 'output.log'), 'utf8');
        } catch {
          return '';
        }
      };
      // Running: its job is up and the trial printed "ready" through srun.
      await expect.poll(log, { timeout: 20_000, interval: 100 }).toContain('ready');
      const jobId = /Granted job allocation (\d+)/.exec(log())?.[1] ?? '';
      expect(jobState(jobId)).toBe('RUNNING');
      // srun would keep the job running without its reader: the launcher's reaper is what ends it.
      expect(reapersOf(study.pid ?? -1)).toHaveLength(1);
      study.kill('SIGKILL');
      await expectAllGone(jobId, marker);
    });

    it('resume cancels a job the killed study process left running, then runs the trial again', async () => {
      const dir = mkdtempSync(path.join(root, 'study-'));
      const marker = randomUUID();
      const file = studyFile(dir, 'left', [
        `command: [${JSON.stringify(NODE)}, ${JSON.stringify(trialScript)}, "--say", "val_loss=0.5", "--hang-first", "{lr}"]`,
        'trials: 1',
        `launcher: {type: slurm, kill_grace: 1, env: {RUNG_TEST_MARKER: ${JSON.stringify(marker)}}}`,
      ]);
      const study = spawn(process.execPath, [cli, 'run', file, '--quiet'], { cwd: dir, stdio: 'ignore' });
      const logFile = path.join(dir, '.rung', 'left', 'trials', '0', 'output.log');
      await expect.poll(() => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''), { timeout: 20_000, interval: 100 }).toContain('ready');
      const jobId = /Granted job allocation (\d+)/.exec(readFileSync(logFile, 'utf8'))?.[1] ?? '';
      // Kill the reaper first, as if the whole machine side had gone: only the event log knows the job now.
      const reapers = reapersOf(study.pid ?? -1);
      expect(reapers).toHaveLength(1);
      for (const pid of reapers) process.kill(pid, 'SIGKILL');
      study.kill('SIGKILL');
      await new Promise((resolve) => study.once('exit', resolve));
      expect(jobState(jobId)).toBe('RUNNING');

      const resumed = spawnSync(process.execPath, [cli, 'resume', 'left'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      expect(resumed.status, `${resumed.stdout}\n${resumed.stderr}`).toBe(0);
      expect(resumed.stdout + resumed.stderr).toContain(`cancelled Slurm job(s) ${jobId} left by the previous study process`);
      expect(jobState(jobId)).toBeUndefined();
      const { events } = await readStudyEvents(path.join(dir, '.rung'), 'left');
      const ended = events.flatMap((e) => (e.event.type === 'trial.ended' ? [e.event.status] : []));
      expect(ended).toEqual(['lost', 'completed']);
      await expect.poll(() => processesWith('RUNG_TEST_MARKER', marker), { timeout: 20_000, interval: 100 }).toEqual([]);
    });

    it('a stop while the resume is still cancelling the leftover job ends the study as stopped, with the job gone', async () => {
      const dir = mkdtempSync(path.join(root, 'study-'));
      const marker = randomUUID();
      // The trial ignores SIGTERM: cancelling the leftover job waits out kill_grace, with the stop pending.
      const file = studyFile(dir, 'leftstop', [
        `command: [${JSON.stringify(NODE)}, ${JSON.stringify(trialScript)}, "--ignore-sigterm", "--hang", "{lr}"]`,
        'trials: 1',
        `launcher: {type: slurm, kill_grace: 2, env: {RUNG_TEST_MARKER: ${JSON.stringify(marker)}}}`,
      ]);
      const study = spawn(process.execPath, [cli, 'run', file, '--quiet'], { cwd: dir, stdio: 'ignore' });
      const logFile = path.join(dir, '.rung', 'leftstop', 'trials', '0', 'output.log');
      await expect.poll(() => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''), { timeout: 20_000, interval: 100 }).toContain('ready');
      const jobId = /Granted job allocation (\d+)/.exec(readFileSync(logFile, 'utf8'))?.[1] ?? '';
      for (const pid of reapersOf(study.pid ?? -1)) process.kill(pid, 'SIGKILL');
      study.kill('SIGKILL');
      await new Promise((resolve) => study.once('exit', resolve));
      expect(jobState(jobId)).toBe('RUNNING');

      const text = readFileSync(file, 'utf8');
      const parsed = parseStudySpec(text, file);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
      const logs: string[] = [];
      let stopped: Promise<void> | undefined;
      const runner = createStudyRunner({
        spec: parsed.value,
        stored: { file, source: parsed.value.source, text },
        storeRoot: path.join(dir, '.rung'),
        log: (m) => logs.push(m),
        // Called by start() right before it ends the leftovers: the stop arrives during that wait.
        replayed: () => (stopped = runner.stop()),
      });
      await runner.start();
      await stopped;
      expect((await runner.done).endReason).toBe('userStopped');
      expect(logs.join('\n')).toContain(`cancelled Slurm job(s) ${jobId} left by the previous study process`);
      expect(jobState(jobId)).toBeUndefined();
      const { events } = await readStudyEvents(path.join(dir, '.rung'), 'leftstop');
      expect(events.filter((e) => e.event.type === 'trial.launched')).toHaveLength(1);
      expect(events.flatMap((e) => (e.event.type === 'trial.ended' ? [e.event.status] : []))).toEqual(['lost']);
      expect(events.at(-1)?.event).toMatchObject({ type: 'study.ended', reason: 'userStopped' });
      await expect.poll(() => processesWith('RUNG_TEST_MARKER', marker), { timeout: 20_000, interval: 100 }).toEqual([]);
    });
  });
});
