/**
 * createStudyRunnerInWorker: the study loop in a worker thread (dist/studyWorker.js), with real processes,
 * real event logs and real kills. It must give what the in-process runner gives, carry stops both ways,
 * report start failures in the engine's words, leave no trial running however the worker or its host
 * ends, and keep the calling thread free while the sampler fits.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REAPER_NAME } from '../../../src/engine/runner/processTree';
import type { SequencedEvent } from '../../../src/engine/store/events';
import { openStudyWriter, readLock, readStudyEvents, trialDir } from '../../../src/engine/store/jsonlStore';
import { StudyProjection, type StudySnapshot, type TrialSnapshot } from '../../../src/engine/store/project';
import { createStudyRunnerInWorker, type WorkerStudyRunner } from '../../../src/engine/worker/workerStudyRunner';
import { fakeTrainer, grandchildPids, isAlive, repoRoot, startStudy, tempDir, waitFor, writeSpec } from '../../helpers/studyFixture';
import { ensureWorkerBundle } from '../../helpers/workerBundle';

const node = JSON.stringify(process.execPath);
const trainer = JSON.stringify(fakeTrainer);
let workerScript = '';

beforeAll(() => {
  workerScript = ensureWorkerBundle();
}, 120_000);

/** Every pid a test saw: whatever a failed assertion left running is killed afterwards. */
const seenPids: number[] = [];
afterAll(() => {
  for (const pid of seenPids) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
});

type Written = ReturnType<typeof writeSpec>;

function startInWorker(dir: string, written: Written, extra: { fresh?: boolean; workerScript?: string } = {}): { runner: WorkerStudyRunner; events: SequencedEvent[]; logs: string[]; storeRoot: string } {
  const storeRoot = path.join(dir, '.rung');
  const events: SequencedEvent[] = [];
  const logs: string[] = [];
  const runner = createStudyRunnerInWorker({
    spec: written.spec,
    stored: { file: written.file, source: written.spec.source, text: written.text },
    storeRoot,
    workerScript,
    log: (m) => logs.push(m),
    ...extra,
  });
  runner.events.on((e) => {
    events.push(e);
    if (e.event.type === 'trial.launched' && e.event.external.kind === 'pid') seenPids.push(e.event.external.pid);
  });
  return { runner, events, logs, storeRoot };
}

function projectionOf(written: Written, events: readonly SequencedEvent[]): StudySnapshot {
  const p = new StudyProjection(written.spec.name, written.spec.metric.name, written.spec.metric.goal);
  p.applyAll(events);
  return p.snapshot;
}

/** What two runs of one spec and seed must share (paths, pids and times differ). */
function essence(t: TrialSnapshot): unknown {
  return { id: t.id, number: t.number, status: t.status, config: t.config, plan: t.plan, budget: t.budget, curve: t.curve, value: t.value, valueStep: t.valueStep, launches: t.launches };
}

/** A study whose trials hang after one epoch, ignore SIGTERM and fork a grandchild into their group. */
function hangingStudy(dir: string, name: string, trials = 3, parallel = 2): Written {
  return writeSpec(
    dir,
    name,
    [
      `name: ${name}`,
      `command: [${node}, ${trainer}, "--lr={lr}", "--epochs", "1", "--delay", "1", "--hang", "--spawn-grandchild", "--ignore-sigterm"]`,
      'metric: val_loss',
      'parameters:',
      '  lr: {type: float, low: 0.001, high: 0.1, log: true}',
      `trials: ${trials}`,
      `parallel: ${parallel}`,
      'seed: 4',
      'launcher: {kill_grace: 0.5}',
    ].join('\n'),
  );
}

/** A trial's leader and the grandchild it printed, once both are known. */
async function trialProcesses(storeRoot: string, study: string, t: TrialSnapshot | undefined): Promise<number[]> {
  if (t?.pid === undefined) throw new Error('trial has no pid');
  const dir = trialDir(storeRoot, study, t.id);
  await waitFor(() => grandchildPids(dir).length > 0, 10_000, `trial ${t.id} printed its grandchild`);
  const pids = [t.pid, ...grandchildPids(dir)];
  seenPids.push(...pids);
  return pids;
}

const running = (s: StudySnapshot): TrialSnapshot[] => s.trials.filter((t) => t.status === 'running');

/** Reapers (processTree.ts) whose parent is `parent`; `zombie`: exited, never waited for. */
function reapersOf(parent: number): Array<{ pid: number; zombie: boolean }> {
  const found: Array<{ pid: number; zombie: boolean }> = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) !== parent) continue;
      // A zombie's cmdline is empty: its name in stat is the shell's.
      const zombie = state === 'Z';
      if (zombie ? stat.includes('(sh)') : readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').includes(REAPER_NAME)) found.push({ pid: Number(name), zombie });
    } catch {
      // gone
    }
  }
  return found;
}

/** The live reaper whose parent is `parent`, or -1. */
const reaperOf = (parent: number): number => reapersOf(parent).find((r) => !r.zombie)?.pid ?? -1;

describe('createStudyRunnerInWorker', () => {
  it('gives the same trials, configs and values as the in-process runner; events arrive in order and snapshot() follows them', async () => {
    const spec = (name: string): string =>
      [
        `name: ${name}`,
        `command: [${node}, ${trainer}, "--lr={lr}", "--epochs", "{budget}", "--delay", "1"]`,
        'metric: {name: val_loss, goal: minimize}',
        'parameters:',
        '  lr: {type: float, low: 1.0e-4, high: 1.0, log: true}',
        '  width: {type: int, low: 1, high: 9}',
        'sampler: {type: tpe, n_startup_trials: 2}',
        'scheduler: {type: fifo, max_budget: 2}',
        'trials: 5',
        'parallel: 1',
        'seed: 21',
      ].join('\n');
    const inProcessDir = tempDir();
    const inProcessSpec = writeSpec(inProcessDir, 'same', spec('same'));
    const local = startStudy(inProcessDir, inProcessSpec);
    await local.runner.start();
    const expected = await local.runner.done;

    const dir = tempDir();
    const written = writeSpec(dir, 'same', spec('same'));
    const { runner, events, storeRoot } = startInWorker(dir, written);
    /** At each event, the snapshot already holds it and nothing later. */
    const lagging: string[] = [];
    runner.events.on((e) => {
      if (runner.snapshot().lastSeq !== e.seq) lagging.push(`${e.seq}: snapshot at ${runner.snapshot().lastSeq}`);
    });
    expect(runner.snapshot()).toMatchObject({ state: 'new', trials: [], lastSeq: 0 });
    await runner.start();
    expect(runner.snapshot().state).toBe('running');
    const snapshot = await runner.done;

    expect(snapshot.trials).toHaveLength(5);
    expect(snapshot.trials.map(essence)).toEqual(expected.trials.map(essence));
    expect(snapshot.seed).toBe(21);
    expect(snapshot.best).toEqual(expected.best);
    expect(snapshot.endReason).toBe('budgetExhausted');
    expect(events.map((e) => e.event.type)).toEqual(local.events.map((e) => e.event.type));
    // In order, none missing, none twice; the snapshot is exactly the events delivered.
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(lagging).toEqual([]);
    expect(runner.snapshot()).toBe(snapshot);
    expect(snapshot).toEqual(projectionOf(written, events));
    // And what was delivered is what is on disk.
    const onDisk = await readStudyEvents(storeRoot, 'same');
    expect(onDisk.events).toEqual(events);
    expect(await readLock(storeRoot, 'same')).toBeUndefined();

    // Resumed (two more trials): the snapshot holds the earlier trials too, though only new events are emitted.
    const more = writeSpec(dir, 'same', spec('same').replace('trials: 5', 'trials: 7'));
    const resumed = startInWorker(dir, more);
    await resumed.runner.start();
    expect(resumed.runner.snapshot().trials.length).toBeGreaterThanOrEqual(5);
    const after = await resumed.runner.done;
    expect(after.trials).toHaveLength(7);
    expect(after.trials.slice(0, 5).map(essence)).toEqual(expected.trials.map(essence));
    expect(resumed.events[0]?.seq).toBe(events.length + 1);
    expect(resumed.logs.some((m) => m.startsWith('resuming study same: 5 finished trials kept'))).toBe(true);
    expect(after).toEqual(projectionOf(more, (await readStudyEvents(storeRoot, 'same')).events));
  }, 90_000);

  it('stops one trial and then the study through the worker; their processes are gone; the lock shows the study running meanwhile', async () => {
    const dir = tempDir();
    const written = hangingStudy(dir, 'stops');
    const reapersBefore = reapersOf(process.pid).map((r) => r.pid);
    const { runner, events, storeRoot } = startInWorker(dir, written);
    await runner.start();
    await waitFor(() => running(runner.snapshot()).length === 2, 15_000, 'two trials running');
    // The worker started a reaper of its own (a child of this process).
    expect(reapersOf(process.pid).filter((r) => !reapersBefore.includes(r.pid))).toHaveLength(1);
    // Other threads of this process (the host's) see the worker's lock as held.
    expect(await readLock(storeRoot, 'stops')).toMatchObject({ pid: process.pid, alive: true });

    const [first, second] = running(runner.snapshot());
    const firstPids = await trialProcesses(storeRoot, 'stops', first);
    await runner.stopTrial(first?.id ?? '');
    for (const pid of firstPids) expect(isAlive(pid), `pid ${pid} of trial ${first?.id}`).toBe(false);
    await waitFor(() => runner.snapshot().trials.find((t) => t.id === first?.id)?.status === 'stopped', 5_000, 'the stopped trial ended');
    expect(runner.snapshot().trials.find((t) => t.id === first?.id)).toMatchObject({ status: 'stopped', reason: 'stopped by user' });
    // The study goes on: the freed slot runs the third trial.
    await waitFor(() => running(runner.snapshot()).length === 2, 15_000, 'the third trial running');

    const pids = [...(await trialProcesses(storeRoot, 'stops', second)), ...(await trialProcesses(storeRoot, 'stops', runner.snapshot().trials.find((t) => t.id === '2')))];
    await runner.stop();
    for (const pid of pids) expect(isAlive(pid), `pid ${pid}`).toBe(false);
    const snapshot = await runner.done;
    expect(snapshot.state).toBe('stopped');
    expect(snapshot.trials.map((t) => t.status)).toEqual(['stopped', 'stopped', 'stopped']);
    expect(events.at(-1)?.event).toMatchObject({ type: 'study.ended', reason: 'userStopped' });
    expect(await readLock(storeRoot, 'stops')).toBeUndefined();
    // The worker ended the reaper it started, and saw it exit, before it was terminated: neither a reaper
    // nor an unreaped (zombie) one is left behind in this process.
    expect(reapersOf(process.pid).filter((r) => !reapersBefore.includes(r.pid))).toEqual([]);
    // Stopping an ended study is a no-op.
    await runner.stop();
    await runner.stopTrial('0');
  }, 60_000);

  it('a stop sent right after start() ends the study while it starts: no trial is asked or launched, the log is whole, and it resumes', async () => {
    const dir = tempDir();
    const written = hangingStudy(dir, 'earlystop');
    const reapersBefore = reapersOf(process.pid).map((r) => r.pid);
    const { runner, events, storeRoot } = startInWorker(dir, written);
    const start = runner.start();
    // The worker gets the stop while StudyRunner.start() is still opening the log: the runner takes it
    // from there (it starts no trial and ends the study), not once the study is up and its first trials
    // are launched.
    const stopped = runner.stop();
    await start;
    await stopped;
    const snapshot = await runner.done;
    expect(snapshot.state).toBe('stopped');
    expect(snapshot.endReason).toBe('userStopped');
    expect(snapshot.trials).toEqual([]);
    expect(events.map((e) => e.event.type)).toEqual(['study.created', 'study.started', 'study.ended']);
    const onDisk = await readStudyEvents(storeRoot, 'earlystop');
    expect(onDisk.events).toEqual(events);
    expect(await readLock(storeRoot, 'earlystop')).toBeUndefined();
    expect(reapersOf(process.pid).filter((r) => !reapersBefore.includes(r.pid))).toEqual([]);

    // The stopped study resumes and runs its trials (stopped again once they run).
    const resumed = startInWorker(dir, written);
    await resumed.runner.start();
    await waitFor(() => running(resumed.runner.snapshot()).length === 2, 15_000, 'the resumed study runs its trials');
    await resumed.runner.stop();
    expect((await resumed.runner.done).state).toBe('stopped');
  }, 60_000);

  it('rejects start() (and done) with the engine message when the study cannot start', async () => {
    const dir = tempDir();
    const written = hangingStudy(dir, 'locked', 1, 1);
    const storeRoot = path.join(dir, '.rung');

    // Locked by this thread: a worker thread of the same process must not take the lock over.
    const holder = await openStudyWriter(storeRoot, 'locked');
    const locked = startInWorker(dir, written);
    await expect(locked.runner.start()).rejects.toThrow(`study "locked" is already being run by process ${process.pid}`);
    await expect(locked.runner.done).rejects.toThrow('already being run');
    await holder.close();

    // Run it once; then the same name with another command is a different study.
    const quick = (epochs: number): string =>
      ['name: other', `command: [${node}, ${trainer}, "--lr={lr}", "--epochs", "${epochs}", "--delay", "1"]`, 'metric: val_loss', 'parameters:', '  lr: {type: float, low: 0.001, high: 0.1}', 'trials: 1'].join('\n');
    const first = startInWorker(dir, writeSpec(dir, 'other', quick(1)));
    await first.runner.start();
    await first.runner.done;
    const changed = writeSpec(dir, 'other', quick(2));
    const mismatch = startInWorker(dir, changed);
    await expect(mismatch.runner.start()).rejects.toThrow(/study "other" already exists in .* with a different command; run with --fresh/);
    await expect(mismatch.runner.done).rejects.toThrow('with a different command');
    // The failed start released the lock: the study can be started fresh from this process.
    const fresh = startInWorker(dir, changed, { fresh: true });
    await fresh.runner.start();
    expect((await fresh.runner.done).trials).toHaveLength(1);

    // No bundle: a clear message rather than a thread that never answers.
    const missing = startInWorker(dir, written, { workerScript: path.join(dir, 'no-such-worker.js') });
    await expect(missing.runner.start()).rejects.toThrow(/study worker .*no-such-worker\.js is missing/);
    await expect(missing.runner.done).rejects.toThrow('is missing');
  }, 60_000);

  it('a terminated worker leaves no trial running and no lock: done rejects, and the study resumes', async () => {
    const dir = tempDir();
    const written = hangingStudy(dir, 'killed');
    const { runner, storeRoot } = startInWorker(dir, written);
    await runner.start();
    await waitFor(() => running(runner.snapshot()).length === 2, 15_000, 'two trials running');
    const pids = (await Promise.all(running(runner.snapshot()).map((t) => trialProcesses(storeRoot, 'killed', t)))).flat();
    expect(pids).toHaveLength(4);

    await runner.terminate();
    await expect(runner.done).rejects.toThrow('the study worker was terminated before the study ended');
    for (const pid of pids) expect(isAlive(pid), `pid ${pid}`).toBe(false);
    expect(await readLock(storeRoot, 'killed')).toBeUndefined();

    // Resume from this process: the two cut-short trials run again (then stop it).
    const resumed = startInWorker(dir, written);
    await resumed.runner.start();
    expect(resumed.runner.snapshot().trials.map((t) => t.id).slice(0, 2)).toEqual(['0', '1']);
    await waitFor(() => running(resumed.runner.snapshot()).length === 2, 15_000, 'the lost trials running again');
    expect(running(resumed.runner.snapshot()).map((t) => t.launches)).toEqual([2, 2]);
    await resumed.runner.stop();
    expect((await resumed.runner.done).state).toBe('stopped');
  }, 60_000);

  describe('when the host process ends', () => {
    let host = '';
    beforeAll(async () => {
      host = path.join(tempDir('rung-worker-host-'), 'workerHost.cjs');
      await build({ entryPoints: [path.join(repoRoot, 'test', 'helpers', 'workerHost.ts')], outfile: host, bundle: true, platform: 'node', format: 'cjs', logLevel: 'silent' });
    }, 60_000);

    async function hostWithTwoTrials(name: string): Promise<{ child: ReturnType<typeof spawn>; pids: number[] }> {
      const dir = tempDir();
      const written = hangingStudy(dir, name);
      const storeRoot = path.join(dir, '.rung');
      const child = spawn(process.execPath, [host, written.file, storeRoot, workerScript], { stdio: ['pipe', 'pipe', 'inherit'] });
      let out = '';
      child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
      await waitFor(() => (out.match(/^launched /gm) ?? []).length >= 2, 20_000, 'the host launched two trials');
      const launched = [...out.matchAll(/^launched (\d+) (\d+)$/gm)];
      const pids: number[] = [];
      for (const [, id = '', pid = ''] of launched) {
        seenPids.push(Number(pid));
        const tdir = trialDir(storeRoot, name, id);
        await waitFor(() => grandchildPids(tdir).length > 0, 10_000, `trial ${id} printed its grandchild`);
        pids.push(Number(pid), ...grandchildPids(tdir));
      }
      seenPids.push(...pids);
      return { child, pids };
    }

    it('SIGKILLed (no exit hook runs): the reaper the worker started ends the trials', async () => {
      const { child, pids } = await hostWithTwoTrials('hostkilled');
      expect(reaperOf(child.pid ?? -1)).toBeGreaterThan(0);
      child.kill('SIGKILL');
      await once(child, 'exit');
      // The reaper sends SIGTERM to each group and SIGKILL 3 s later (the leaders ignore SIGTERM).
      await waitFor(() => pids.every((p) => !isAlive(p)), 15_000, 'the reaper ended the trials of the killed host');
    }, 60_000);

    it('process.exit() with the reaper gone: the exit hook on the host thread ends the trials', async () => {
      const { child, pids } = await hostWithTwoTrials('hostexit');
      const reaper = reaperOf(child.pid ?? -1);
      expect(reaper).toBeGreaterThan(0);
      process.kill(reaper, 'SIGKILL');
      await waitFor(() => !isAlive(reaper), 5_000, 'the reaper is gone');
      child.stdin?.write('exit\n');
      await once(child, 'exit');
      await waitFor(() => pids.every((p) => !isAlive(p)), 5_000, 'the exit hook ended the trials');
    }, 60_000);
  });

  describe('a slow sampler does not block the calling thread', () => {
    /** A GP study of fast trials, one at a time, so each ask sits between a trial's end and the next ask. */
    function gpStudy(dir: string, name: string, trials: number): Written {
      return writeSpec(
        dir,
        name,
        [
          `name: ${name}`,
          'command: [/bin/echo, "x={x}", "val_loss={y}"]',
          'metric: val_loss',
          'parameters:',
          '  x: {type: float, low: 0, high: 1}',
          '  y: {type: float, low: 0, high: 1}',
          '  z: {type: float, low: 0, high: 1}',
          'sampler: {type: gp, n_startup_trials: 5}',
          `trials: ${trials}`,
          'parallel: 1',
          'seed: 9',
        ].join('\n'),
      );
    }

    /**
     * Runs `run` while a 2 ms interval on this thread records when it ticks, then counts the ticks that fell
     * strictly inside each model-based ask: from a trial's `trial.ended` to the next `trial.asked`, the loop
     * runs synchronously (tell, scheduler, ask), so on the thread that runs it no tick can land in between.
     */
    async function ticksDuringAsks(run: () => Promise<SequencedEvent[]>): Promise<Array<{ ms: number; ticks: number }>> {
      const ticks: number[] = [];
      const timer = setInterval(() => ticks.push(Date.now()), 2);
      let events: SequencedEvent[];
      try {
        events = await run();
      } finally {
        clearInterval(timer);
      }
      const asks: Array<{ ms: number; ticks: number }> = [];
      let endedAt: number | undefined;
      for (const { event } of events) {
        if (event.type === 'trial.ended') endedAt = event.at;
        if (event.type === 'trial.asked' && endedAt !== undefined && Number(event.trialId) >= 5) {
          const from = endedAt;
          asks.push({ ms: event.at - from, ticks: ticks.filter((t) => t > from && t < event.at).length });
        }
      }
      return asks;
    }

    it('control: with the in-process runner, no tick lands inside an ask', async () => {
      const dir = tempDir();
      const asks = await ticksDuringAsks(async () => {
        const { runner, events } = startStudy(dir, gpStudy(dir, 'gplocal', 12));
        await runner.start();
        await runner.done;
        return events;
      });
      expect(asks).toHaveLength(7);
      // Some asks are long enough for many ticks, yet none lands: the measure sees a blocked thread.
      expect(asks.some((a) => a.ms >= 5)).toBe(true);
      expect(asks.map((a) => a.ticks)).toEqual(asks.map(() => 0));
    }, 90_000);

    it('in the worker, this thread keeps ticking during the GP asks', async () => {
      const dir = tempDir();
      const asks = await ticksDuringAsks(async () => {
        const { runner, events } = startInWorker(dir, gpStudy(dir, 'gpworker', 30));
        await runner.start();
        await runner.done;
        return events;
      });
      expect(asks).toHaveLength(25);
      // The slower half of the asks that took 10 ms or more: a tick every 2 ms on an idle thread; this
      // machine may be loaded, so at least a third of them must see one (in-process: none does).
      const slow = asks.filter((a) => a.ms >= 10).sort((a, b) => b.ms - a.ms);
      const measured = slow.slice(0, Math.max(3, Math.ceil(slow.length / 2)));
      expect(measured.length, `asks of 10 ms or more: ${JSON.stringify(asks)}`).toBeGreaterThanOrEqual(3);
      const seen = measured.filter((a) => a.ticks > 0).length;
      expect(seen, `asks (ms, ticks inside): ${JSON.stringify(measured)}`).toBeGreaterThanOrEqual(Math.ceil(measured.length / 3));
    }, 120_000);
  });
});
