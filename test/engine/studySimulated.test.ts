/**
 * The real study runner (sampler, scheduler, metric parser, JSONL store in a temp dir) with only the
 * launcher and the clock simulated: thousands of trials in virtual time, checked from the event log.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { runSimulatedStudy } from '../../src/engine/runner/simulated';
import { eventsFile, readStudyEvents, trialDir } from '../../src/engine/store/jsonlStore';
import { slotUtilisation } from '../../src/engine/store/metricsFromLog';
import type { SequencedEvent, StudyEvent } from '../../src/engine/store/events';
import { loadCurveFamily, startSimulatedStudy } from '../helpers/simulatedStudy';
import { tempDir, writeSpec } from '../helpers/studyFixture';

function studyText(name: string, lines: readonly string[]): string {
  return [
    `name: ${name}`,
    'command: sim --epochs {budget} {args}',
    'metric: {name: val_loss, goal: minimize}',
    'parameters:',
    '  lr: {type: float, low: 1.0e-4, high: 1.0, log: true}',
    '  width: {type: int, low: 16, high: 512, log: true}',
    ...lines,
  ].join('\n');
}

const crossing = loadCurveFamily('crossing');

describe('simulated studies through the real runner', () => {
  it('fifo: 2,000 trials × 20 epochs, parallel 4, in virtual time with a complete event log', async () => {
    const trials = 2000;
    const epochs = 20;
    const parallel = 4;
    const dir = tempDir('rung-sim-');
    const written = writeSpec(
      dir,
      'fifo2000',
      studyText('fifo2000', [`scheduler: {type: fifo, max_budget: ${epochs}}`, `trials: ${trials}`, `parallel: ${parallel}`, 'seed: 1']),
    );
    // Constant 1 s per epoch, so the makespan can be computed by hand.
    const study = startSimulatedStudy(dir, written, { curve: crossing.curve, epochSeconds: 1 });
    const t0 = performance.now();
    const { snapshot, stats } = await runSimulatedStudy(study.runner, study.launcher, study.clock);
    const wallMs = performance.now() - t0;

    expect(snapshot.endReason).toBe('budgetExhausted');
    expect(snapshot.trials).toHaveLength(trials);
    expect(snapshot.trials.every((t) => t.status === 'completed' && t.valueStep === epochs)).toBe(true);
    const values = snapshot.trials.map((t) => t.value ?? Number.POSITIVE_INFINITY);
    expect(snapshot.best?.value).toBe(Math.min(...values));
    // The recorded value is exactly what the curve printed at the last epoch.
    for (const t of snapshot.trials.slice(0, 50)) {
      expect(t.value).toBe(crossing.curve(t.config ?? {}, epochs, t.number));
    }

    const { events } = await readStudyEvents(study.storeRoot, 'fifo2000');
    expect(events.map((e) => e.seq)).toEqual(study.events.map((e) => e.seq));
    const count = (type: StudyEvent['type']): number => events.filter((e) => e.event.type === type).length;
    expect(count('trial.launched')).toBe(trials);
    expect(count('trial.reported')).toBe(trials * epochs);
    expect(count('trial.ended')).toBe(trials);
    // 2000 trials / 4 slots × 20 epochs × 1 s: every slot refilled at the instant its trial ended.
    const makespanMs = (trials / parallel) * epochs * 1000;
    expect(events.at(-1)?.event).toEqual({ type: 'study.ended', at: makespanMs, reason: 'budgetExhausted' });
    const util = slotUtilisation(events, parallel);
    expect(util).toEqual({ slots: parallel, launches: trials, busyMs: trials * epochs * 1000, makespanMs, utilisation: 1 });
    expect(study.clock.now()).toBe(makespanMs);
    expect(study.launcher.stats).toEqual({ launches: trials, lines: trials * epochs });

    console.log(
      `simulated fifo: ${trials} trials × ${epochs} epochs (parallel ${parallel}) in ${wallMs.toFixed(0)} ms wall ` +
        `= ${((trials / wallMs) * 1000).toFixed(0)} trials/s, ${stats.events} clock events, ${stats.turns} idle turns, ` +
        `virtual makespan ${makespanMs / 1000} s, slot utilisation ${(util.utilisation * 100).toFixed(1)}%`,
    );
  }, 120_000);

  it('is deterministic: the same study and seed write the identical event log, timestamps included', async () => {
    const logOf = async (conservative = false): Promise<string> => {
      const dir = tempDir('rung-sim-det-');
      const written = writeSpec(dir, 'det', studyText('det', ['scheduler: {type: fifo, max_budget: 12}', 'trials: 150', 'parallel: 3', 'seed: 5']));
      // Per-config epoch time (wider = slower) and noise: trials end at scattered times, slots refill out of order.
      const study = startSimulatedStudy(dir, written, {
        curve: crossing.curve,
        ...(crossing.epochSeconds ? { epochSeconds: crossing.epochSeconds } : {}),
        startupSeconds: 2,
        conservative,
      });
      const { snapshot } = await runSimulatedStudy(study.runner, study.launcher, study.clock);
      expect(snapshot.trials.filter((t) => t.status === 'completed')).toHaveLength(150);
      // The temp folder differs between runs; everything else must not.
      return readFileSync(eventsFile(study.storeRoot, 'det'), 'utf8').split(dir).join('<dir>');
    };
    const a = await logOf();
    const b = await logOf();
    expect(a.split('\n').length).toBeGreaterThan(150 * 14);
    expect(b).toBe(a);
    // Not waiting for disk I/O that cannot change the log (the default) changes nothing in it.
    expect(await logOf(true)).toBe(a);
    // Launches are staggered by per-config epoch times, not in lockstep.
    const launchTimes = new Set(a.split('\n').filter((l) => l.includes('"trial.launched"')).map((l) => (JSON.parse(l) as { event: { at: number } }).event.at));
    expect(launchTimes.size).toBeGreaterThan(100);
  }, 60_000);

  it('promotion mode: promoted trials resume where they paused, and the log is deterministic', async () => {
    const run = async (conservative: boolean): Promise<{ log: string; events: SequencedEvent[]; launches: number }> => {
      const dir = tempDir('rung-sim-promo-');
      const written = writeSpec(
        dir,
        'promo',
        studyText('promo', ['scheduler: {type: asha, min_budget: 1, max_budget: 27, eta: 3, mode: promotion}', 'trials: 120', 'parallel: 4', 'seed: 9']),
      );
      const study = startSimulatedStudy(dir, written, {
        curve: crossing.curve,
        ...(crossing.epochSeconds ? { epochSeconds: crossing.epochSeconds } : {}),
        conservative,
      });
      const { snapshot } = await runSimulatedStudy(study.runner, study.launcher, study.clock);
      expect(snapshot.endReason).toBe('budgetExhausted');
      expect(snapshot.trials.every((t) => t.status === 'completed' || t.status === 'pruned')).toBe(true);
      const { events } = await readStudyEvents(study.storeRoot, 'promo');
      return { log: readFileSync(eventsFile(study.storeRoot, 'promo'), 'utf8').split(dir).join('<dir>'), events, launches: study.launcher.stats.launches };
    };
    const a = await run(false);
    expect(a.launches).toBeGreaterThan(120);
    // Across a trial's launches its epochs continue (1..3, 4..9, 10..27): never repeated, never skipped.
    const steps = new Map<string, number[]>();
    for (const { event } of a.events) {
      if (event.type === 'trial.reported') steps.set(event.trialId, [...(steps.get(event.trialId) ?? []), event.step]);
    }
    for (const s of steps.values()) expect(s).toEqual(s.map((_, i) => i + 1));
    expect([...steps.values()].some((s) => s.length === 27)).toBe(true);
    const resumed = a.events.filter((e) => e.event.type === 'trial.launched' && e.event.resume);
    expect(resumed).toHaveLength(a.launches - 120);
    expect((await run(false)).log).toBe(a.log);
    expect((await run(true)).log).toBe(a.log);
  }, 60_000);

  it('records NaN, missing-metric, crash and trial-timeout failures, and writes output.log', async () => {
    const dir = tempDir('rung-sim-fail-');
    const written = writeSpec(
      dir,
      'flaky',
      [
        'name: flaky',
        'command: sim {args} --epochs {budget}',
        'metric: {name: val_loss, goal: minimize}',
        'parameters:',
        '  mode: {type: categorical, choices: [ok, nan, missing, crash, slow]}',
        '  x: {type: float, low: 0, high: 1, values: [0, 0.5, 1]}',
        'sampler: grid',
        'scheduler: {type: fifo, max_budget: 6}',
        'parallel: 2',
        // 6 epochs of 1 s fit; `slow` ones (3 s/epoch) do not.
        'launcher: {type: local, trial_timeout: 10}',
      ].join('\n'),
    );
    const flaky = loadCurveFamily('flaky');
    const study = startSimulatedStudy(dir, written, {
      curve: flaky.curve,
      epochSeconds: (config) => (config['mode'] === 'slow' ? 3 : 1),
      writeOutputLog: true,
    });
    const { snapshot } = await runSimulatedStudy(study.runner, study.launcher, study.clock);
    expect(snapshot.endReason).toBe('samplerExhausted');
    expect(snapshot.trials).toHaveLength(15);
    const byMode = (mode: string) => snapshot.trials.filter((t) => t.config?.['mode'] === mode);
    for (const t of byMode('ok')) expect(t).toMatchObject({ status: 'completed', valueStep: 6 });
    for (const t of byMode('nan')) {
      expect(t.status).toBe('failed');
      expect(t.reason).toMatch(/NaN/);
    }
    for (const t of byMode('missing')) expect(t).toMatchObject({ status: 'failed', reason: 'metric val_loss never reported', value: null });
    for (const t of byMode('crash')) {
      expect(t).toMatchObject({ status: 'failed', reason: 'exit code 3' });
      expect(t.tail?.at(-1)).toBe('simulated crash at epoch 4');
    }
    for (const t of byMode('slow')) expect(t).toMatchObject({ status: 'failed', reason: 'trial timed out after 10s', valueStep: 3 });
    // NaN never becomes the best: the best is the smallest completed value.
    const completed = byMode('ok').map((t) => t.value ?? Number.POSITIVE_INFINITY);
    expect(snapshot.best?.value).toBe(Math.min(...completed));
    const ok = byMode('ok')[0];
    const log = readFileSync(path.join(trialDir(study.storeRoot, 'flaky', ok?.id ?? ''), 'output.log'), 'utf8');
    expect(log.trim().split('\n')).toHaveLength(6);
    expect(log).toMatch(/^epoch=1 val_loss=/);
  });

  it('a study stopped at a virtual instant stops its running trials then', async () => {
    const dir = tempDir('rung-sim-stop-');
    const written = writeSpec(dir, 'stopme', studyText('stopme', ['scheduler: {type: fifo, max_budget: 20}', 'trials: 100', 'parallel: 4', 'seed: 2']));
    const study = startSimulatedStudy(dir, written, { curve: crossing.curve, epochSeconds: 1, stopDelayMs: 250 });
    // 50.5 s in: 2 rounds of 4 trials done, the third round 10 epochs in.
    study.clock.schedule(50_500, () => void study.runner.stop());
    const { snapshot } = await runSimulatedStudy(study.runner, study.launcher, study.clock);
    expect(snapshot.endReason).toBe('userStopped');
    expect(snapshot.trials.filter((t) => t.status === 'completed')).toHaveLength(8);
    const stopped = snapshot.trials.filter((t) => t.status === 'stopped');
    expect(stopped).toHaveLength(4);
    for (const t of stopped) expect(t.valueStep).toBe(10);
    const { events } = await readStudyEvents(study.storeRoot, 'stopme');
    const ends = events.flatMap((e) => (e.event.type === 'trial.ended' && e.event.status === 'stopped' ? [e.event] : []));
    for (const e of ends) expect(e).toMatchObject({ at: 50_750, exit: { cause: 'stopped', signal: 'SIGTERM' } });
    expect(events.at(-1)?.event).toMatchObject({ type: 'study.ended', at: 50_750, reason: 'userStopped' });
  });
});
