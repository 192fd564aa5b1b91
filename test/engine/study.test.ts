/**
 * The study loop end to end with real processes (the fake trainer), real event logs and real kills.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStudyEvents, trialDir } from '../../src/engine/store/jsonlStore';
import type { StudyEvent } from '../../src/engine/store/events';
import { fakeTrainer, grandchildPids, isAlive, startStudy, tempDir, waitFor, writeSpec } from '../helpers/studyFixture';

const node = JSON.stringify(process.execPath);
const trainer = JSON.stringify(fakeTrainer);

function lrStudy(name: string, extra: string, args = '"--lr={lr}", "--epochs", "{budget}", "--delay", "5"'): string {
  return [
    `name: ${name}`,
    `command: [${node}, ${trainer}, ${args}]`,
    'metric: {name: val_loss, goal: minimize}',
    'parameters:',
    '  lr: {type: float, low: 1.0e-4, high: 1.0, log: true}',
    'scheduler: {type: fifo, max_budget: 3}',
    extra,
  ].join('\n');
}

describe('study loop', () => {
  it('runs every trial to completion in parallel, keeps them on disk and finds the best', async () => {
    const dir = tempDir();
    const written = writeSpec(dir, 'basic', lrStudy('basic', 'trials: 6\nparallel: 2\nseed: 3'));
    const { runner, events, storeRoot } = startStudy(dir, written);
    let maxRunning = 0;
    runner.events.on(() => {
      const running = runner.snapshot().trials.filter((t) => t.status === 'running').length;
      maxRunning = Math.max(maxRunning, running);
    });
    await runner.start();
    const snapshot = await runner.done;

    expect(snapshot.trials).toHaveLength(6);
    expect(snapshot.trials.every((t) => t.status === 'completed')).toBe(true);
    expect(maxRunning).toBe(2);
    // The fake trainer's loss is smallest near lr = 0.01; the best is the completed minimum.
    const values = snapshot.trials.map((t) => t.value ?? Number.POSITIVE_INFINITY);
    expect(snapshot.best?.value).toBe(Math.min(...values));
    for (const t of snapshot.trials) {
      expect(t.valueStep).toBe(3);
      const log = readFileSync(path.join(trialDir(storeRoot, 'basic', t.id), 'output.log'), 'utf8');
      expect(log).toContain('epoch=3 val_loss=');
    }
    // What listeners saw is exactly what is on disk, in order, ending with study.ended.
    const onDisk = await readStudyEvents(storeRoot, 'basic');
    expect(onDisk.events.map((e) => e.seq)).toEqual(events.map((e) => e.seq));
    expect(onDisk.events.at(-1)?.event).toMatchObject({ type: 'study.ended', reason: 'budgetExhausted' });
    // Every trial.ended reached listeners only after it was written: its seq is on disk.
    const ended = events.filter((e) => e.event.type === 'trial.ended');
    expect(ended).toHaveLength(6);
  });

  it('gives the same configs for the same seed, and different ones for another seed', async () => {
    const configs = async (seed: number): Promise<unknown[]> => {
      const dir = tempDir();
      const written = writeSpec(dir, 's', lrStudy('s', `trials: 4\nparallel: 2\nseed: ${seed}`));
      const { runner } = startStudy(dir, written);
      await runner.start();
      const snapshot = await runner.done;
      return [...snapshot.trials].sort((a, b) => a.number - b.number).map((t) => t.config);
    };
    const a = await configs(11);
    const b = await configs(11);
    const c = await configs(12);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('turns bad commands into failed trials with reasons, and the study goes on', async () => {
    const dir = tempDir();
    const written = writeSpec(
      dir,
      'failures',
      [
        'name: failures',
        `command: [${node}, ${trainer}, "--epochs", "3", "--delay", "1", "{mode}"]`,
        'metric: {name: val_loss, goal: minimize}',
        'parameters:',
        '  mode: {type: categorical, choices: ["--exit-code=3", "--no-metric", "--nan-at=3", "--curve=0.5,0.4,0.3"]}',
        'sampler: grid',
        'parallel: 2',
      ].join('\n'),
    );
    const { runner } = startStudy(dir, written);
    await runner.start();
    const snapshot = await runner.done;
    expect(snapshot.endReason).toBe('samplerExhausted');
    const byMode = new Map(snapshot.trials.map((t) => [t.config?.['mode'], t]));
    expect(byMode.get('--exit-code=3')).toMatchObject({ status: 'failed', reason: 'exit code 3' });
    expect(byMode.get('--exit-code=3')?.tail?.some((l) => l.includes('epoch=3'))).toBe(true);
    const noMetric = byMode.get('--no-metric');
    expect(noMetric).toMatchObject({ status: 'failed', reason: 'metric val_loss never reported', value: null });
    expect(noMetric?.tail?.at(-1)).toContain('epoch=3 training');
    const nan = byMode.get('--nan-at=3');
    expect(nan?.status).toBe('failed');
    expect(nan?.reason).toMatch(/NaN/);
    expect(byMode.get('--curve=0.5,0.4,0.3')).toMatchObject({ status: 'completed', value: 0.3 });
    // NaN never becomes the best.
    expect(snapshot.best?.value).toBe(0.3);
  });

  it('fails a trial whose program cannot start with the OS reason', async () => {
    const dir = tempDir();
    const written = writeSpec(
      dir,
      'nostart',
      ['name: nostart', 'command: ./no-such-program --x={x}', 'metric: val_loss', 'parameters:', '  x: {type: int, low: 1, high: 3}', 'trials: 2'].join('\n'),
    );
    const { runner } = startStudy(dir, written);
    await runner.start();
    const snapshot = await runner.done;
    expect(snapshot.trials).toHaveLength(2);
    for (const t of snapshot.trials) {
      expect(t.status).toBe('failed');
      expect(t.reason).toMatch(/could not start: .*ENOENT/);
    }
    expect(snapshot.endReason).toBe('budgetExhausted');
  });

  it('passes hostile parameter values as single literal arguments and sets the RUNG_ environment', async () => {
    const dir = tempDir();
    const written = writeSpec(
      dir,
      'inject',
      [
        'name: inject',
        `command: [${node}, ${trainer}, "--print-argv", "--epochs", "1", "{payload}", "{args}"]`,
        'metric: val_loss',
        'parameters:',
        '  payload: {type: categorical, choices: ["1; rm -rf ~", "$(touch pwned)", "`id`"]}',
        'sampler: grid',
      ].join('\n'),
    );
    const { runner, storeRoot } = startStudy(dir, written);
    await runner.start();
    const snapshot = await runner.done;
    expect(snapshot.trials).toHaveLength(3);
    for (const t of snapshot.trials) {
      expect(t.status).toBe('completed');
      const first = readFileSync(path.join(trialDir(storeRoot, 'inject', t.id), 'output.log'), 'utf8').split('\n')[0] ?? '';
      const printed = JSON.parse(first) as { argv: string[]; env: Record<string, string> };
      const payload = String(t.config?.['payload']);
      expect(printed.argv).toContain(payload);
      expect(printed.argv).toContain(`--payload=${payload}`);
      expect(printed.env['RUNG_TRIAL_ID']).toBe(t.id);
      expect(printed.env['RUNG_TRIAL_DIR']).toBe(trialDir(storeRoot, 'inject', t.id));
      expect(JSON.parse(printed.env['RUNG_PARAMS'] ?? '{}')).toEqual(t.config);
    }
    expect(existsSync(path.join(dir, 'pwned'))).toBe(false);
  });

  it('passes the budget in RUNG_BUDGET: the study file\'s, 1 when it sets none (every trial runs once, to budget 1)', async () => {
    const budgetEnv = async (name: string, budgetLine: string): Promise<Array<string | undefined>> => {
      const dir = tempDir();
      const written = writeSpec(
        dir,
        name,
        [`name: ${name}`, `command: [${node}, ${trainer}, "--print-argv", "--epochs", "1"]`, 'metric: val_loss', 'parameters:', '  lr: {type: float, low: 0.001, high: 0.1}', 'trials: 2', budgetLine].join('\n'),
      );
      const { runner, storeRoot } = startStudy(dir, written);
      await runner.start();
      const snapshot = await runner.done;
      return snapshot.trials.map((t) => {
        const first = readFileSync(path.join(trialDir(storeRoot, name, t.id), 'output.log'), 'utf8').split('\n')[0] ?? '';
        return (JSON.parse(first) as { env: Record<string, string> }).env['RUNG_BUDGET'];
      });
    };
    expect(await budgetEnv('nobudget', '')).toEqual(['1', '1']);
    expect(await budgetEnv('budget', 'budget: 7')).toEqual(['7', '7']);
    expect(await budgetEnv('maxbudget', 'scheduler: {type: fifo, max_budget: 5}')).toEqual(['5', '5']);
  });

  it('passes a flag parameter to an argparse store_true option as --name or not at all', async () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'train.py'),
      [
        'import argparse',
        'p = argparse.ArgumentParser()',
        "p.add_argument('--lr', type=float, required=True)",
        "p.add_argument('--use_bn', action='store_true')",
        'a = p.parse_args()',  // exits 2 on `--use_bn=true`
        "print(f'val_loss={0.1 if a.use_bn else 0.2}')",
      ].join('\n'),
    );
    const written = writeSpec(
      dir,
      'flags',
      [
        'name: flags',
        'command: /usr/bin/python3 train.py {args}',
        'metric: val_loss',
        'parameters:',
        '  lr: {type: float, low: 0.1, high: 0.2, values: [0.1]}',
        '  use_bn: {type: categorical, choices: [true, false], flag: true}',
        'sampler: grid',
      ].join('\n'),
    );
    const { runner } = startStudy(dir, written);
    await runner.start();
    const snapshot = await runner.done;
    const byFlag = new Map(snapshot.trials.map((t) => [t.config?.['use_bn'], t]));
    expect(byFlag.get(true)?.argv?.slice(2)).toEqual(['--lr=0.1', '--use_bn']);
    expect(byFlag.get(false)?.argv?.slice(2)).toEqual(['--lr=0.1']);
    expect([byFlag.get(true)?.status, byFlag.get(true)?.value]).toEqual(['completed', 0.1]);
    expect([byFlag.get(false)?.status, byFlag.get(false)?.value]).toEqual(['completed', 0.2]);
  });

  it('stops the whole study gracefully: no trial process or grandchild survives', async () => {
    const dir = tempDir();
    const written = writeSpec(
      dir,
      'stopme',
      lrStudy(
        'stopme',
        'trials: 10\nparallel: 2\nlauncher: {kill_grace: 0.5}',
        '"--lr={lr}", "--epochs", "2", "--hang", "--spawn-grandchild", "--ignore-sigterm", "--grandchild-ignore-sigterm"',
      ),
    );
    const { runner, storeRoot } = startStudy(dir, written);
    await runner.start();
    await waitFor(() => runner.snapshot().trials.filter((t) => t.lastStep === 2).length === 2, 10_000, 'two trials reporting');
    const running = runner.snapshot().trials.filter((t) => t.status === 'running');
    const pids = running.flatMap((t) => [t.pid ?? -1, ...grandchildPids(trialDir(storeRoot, 'stopme', t.id))]);
    expect(pids.filter((p) => p > 0).length).toBe(4);
    expect(pids.every(isAlive)).toBe(true);

    await runner.stop();
    const snapshot = await runner.done;
    expect(snapshot.endReason).toBe('userStopped');
    expect(snapshot.trials).toHaveLength(2);
    expect(snapshot.trials.every((t) => t.status === 'stopped')).toBe(true);
    await waitFor(() => pids.every((p) => !isAlive(p)), 5_000, 'all trial processes gone');
  });

  it('stops a single trial on request and keeps the study running', async () => {
    const dir = tempDir();
    const written = writeSpec(dir, 'one', lrStudy('one', 'trials: 3\nparallel: 1', '"--lr={lr}", "--epochs", "1", "--hang"'));
    const { runner } = startStudy(dir, written);
    await runner.start();
    for (let i = 0; i < 3; i++) {
      await waitFor(() => runner.snapshot().trials.some((t) => t.status === 'running' && t.lastStep === 1), 10_000, 'a running trial');
      const t = runner.snapshot().trials.find((x) => x.status === 'running');
      await runner.stopTrial(t?.id ?? '');
      await waitFor(() => t?.status === 'stopped', 10_000, 'trial stopped');
    }
    const snapshot = await runner.done;
    expect(snapshot.trials.map((t) => t.status)).toEqual(['stopped', 'stopped', 'stopped']);
    expect(snapshot.trials.every((t) => t.reason === 'stopped by user')).toBe(true);
    expect(snapshot.endReason).toBe('budgetExhausted');
  });

  it('fails a trial that exceeds trial_timeout and ends the study at its timeout', async () => {
    const dir = tempDir();
    const written = writeSpec(
      dir,
      'slow',
      lrStudy('slow', 'trials: 4\nparallel: 1\ntimeout: 1.5\nlauncher: {trial_timeout: 0.5, kill_grace: 0.2}', '"--lr={lr}", "--epochs", "1", "--hang"'),
    );
    const { runner } = startStudy(dir, written);
    await runner.start();
    const snapshot = await runner.done;
    const failed = snapshot.trials.filter((t) => t.status === 'failed');
    expect(failed.length).toBeGreaterThanOrEqual(2);
    expect(failed[0]?.reason).toMatch(/timed out/);
    expect(snapshot.endReason).toBe('timeout');
    expect(snapshot.trials.length).toBeLessThan(4);
  });

  it('resumes a stopped study: finished trials kept, unfinished ones re-run with RUNG_RESUME=1, sampler replayed', async () => {
    const dir = tempDir();
    // Grid order (last parameter fastest): two fast trials, then two slow ones.
    const written = writeSpec(
      dir,
      'resumable',
      [
        'name: resumable',
        `command: [${node}, ${trainer}, "--lr={lr}", "--epochs", "2", "--delay", "{delay}", "--print-argv"]`,
        'metric: {name: val_loss, goal: minimize}',
        'parameters:',
        '  delay: {type: categorical, choices: [5, 5000]}',
        '  lr: {type: float, low: 0.001, high: 0.1, values: [0.01, 0.1]}',
        'sampler: grid',
        'parallel: 2',
      ].join('\n'),
    );
    const first = startStudy(dir, written);
    await first.runner.start();
    // Wait until a fast trial finished and a slow one is running, then stop.
    await waitFor(
      () => first.runner.snapshot().trials.some((t) => t.status === 'completed') && first.runner.snapshot().trials.some((t) => t.status === 'running' && t.config?.['delay'] === 5000),
      20_000,
      'one finished and one slow running trial',
    );
    await first.runner.stop();
    const stopped = await first.runner.done;
    const finishedBefore = stopped.trials.filter((t) => t.status === 'completed').map((t) => ({ id: t.id, value: t.value, config: t.config }));
    const unfinished = stopped.trials.filter((t) => t.status === 'stopped').map((t) => t.id);
    expect(unfinished.length).toBeGreaterThan(0);

    const logs: string[] = [];
    const second = startStudy(dir, written, { log: (m) => logs.push(m) });
    // The slow trials would take 10 s; let them run a moment to see the relaunch, then check.
    await second.runner.start();
    expect(logs.join('\n')).toMatch(/resuming study resumable: \d+ finished trials kept, \d+ unfinished to re-run/);
    await waitFor(() => unfinished.every((id) => (second.runner.snapshot().trials.find((t) => t.id === id)?.launches ?? 0) >= 2), 10_000, 'relaunch');
    const relaunched: StudyEvent[] = second.events.map((e) => e.event).filter((e) => e.type === 'trial.launched');
    for (const id of unfinished) {
      const launch = relaunched.find((e) => e.type === 'trial.launched' && e.trialId === id);
      expect(launch).toMatchObject({ resume: true });
    }
    await second.runner.stop();
    const after = await second.runner.done;
    // Finished trials are untouched by the resume.
    for (const f of finishedBefore) {
      expect(after.trials.find((t) => t.id === f.id)).toMatchObject({ status: 'completed', value: f.value, config: f.config });
    }
    // Numbering continues: no trial id is reused for a different config.
    const ids = after.trials.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses to resume into a study whose parameters changed', async () => {
    const dir = tempDir();
    const written = writeSpec(dir, 'changed', lrStudy('changed', 'trials: 1'));
    const first = startStudy(dir, written);
    await first.runner.start();
    await first.runner.done;
    const refusal = (what: string): string =>
      `study "changed" already exists in ${first.storeRoot} with ${what}; run with --fresh to start over (the old log is kept aside), or rename the study`;
    const altered = writeSpec(dir, 'changed', lrStudy('changed', 'trials: 1').replace('high: 1.0', 'high: 2.0'));
    const second = startStudy(dir, altered);
    await expect(second.runner.start()).rejects.toThrow(refusal('different parameters'));
    // One other field: "a different command"; several: "different command, metric".
    const command = writeSpec(dir, 'changed', lrStudy('changed', 'trials: 1').replace('"--delay", "5"', '"--delay", "6"'));
    await expect(startStudy(dir, command).runner.start()).rejects.toThrow(refusal('a different command'));
    const two = writeSpec(dir, 'changed', lrStudy('changed', 'trials: 1').replace('"--delay", "5"', '"--delay", "6"').replace('goal: minimize', 'goal: maximize'));
    await expect(startStudy(dir, two).runner.start()).rejects.toThrow(refusal('different command, metric'));
    const withParameters = writeSpec(dir, 'changed', lrStudy('changed', 'trials: 1').replace('"--delay", "5"', '"--delay", "6"').replace('high: 1.0', 'high: 2.0'));
    await expect(startStudy(dir, withParameters).runner.start()).rejects.toThrow(refusal('different command, parameters'));
  });

  it('exhausts a grid and says so', async () => {
    const dir = tempDir();
    const written = writeSpec(
      dir,
      'grid',
      [
        'name: grid',
        `command: [${node}, ${trainer}, "--lr={lr}", "--epochs", "1", "--delay", "0"]`,
        'metric: val_loss',
        'parameters:',
        '  lr: {type: float, low: 0.001, high: 0.1, log: true, values: [0.001, 0.01, 0.1]}',
        'sampler: grid',
        'trials: 50',
        'parallel: 2',
      ].join('\n'),
    );
    const { runner } = startStudy(dir, written);
    await runner.start();
    const snapshot = await runner.done;
    expect(snapshot.trials.map((t) => t.config?.['lr']).sort()).toEqual([0.001, 0.01, 0.1]);
    expect(snapshot.endReason).toBe('samplerExhausted');
    expect(snapshot.best?.trialId).toBe(snapshot.trials.find((t) => t.config?.['lr'] === 0.01)?.id);
  });
});
