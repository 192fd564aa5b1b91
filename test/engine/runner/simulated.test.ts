/**
 * The simulated launcher and the virtual clock on their own (no study runner): virtual ordering across
 * parallel trials, stop, timeout, resume, failure points, curve fixtures, and slot utilisation.
 */
import { describe, expect, it } from 'vitest';
import type { ExitInfo, LaunchSpec, OutputLine, TrialHandle } from '../../../src/engine/runner/launcher';
import { createSimulatedLauncher, curveFromSpec, type LearningCurve, type SimulatedLauncherOptions } from '../../../src/engine/runner/simulated';
import type { Config } from '../../../src/engine/space/searchSpace';
import type { StudyEvent } from '../../../src/engine/store/events';
import { slotUtilisation } from '../../../src/engine/store/metricsFromLog';
import { createVirtualClock, type VirtualClock } from '../../../src/engine/util/virtualClock';
import { loadCurveFamily } from '../../helpers/simulatedStudy';

/** loss = 1 / epoch, scaled by the config's `scale` (default 1). */
const simpleCurve: LearningCurve = (config, epoch) => (typeof config['scale'] === 'number' ? config['scale'] : 1) / epoch;

function specFor(trialId: string, config: Config, budget: number, extra: Partial<LaunchSpec> & { resume?: boolean } = {}): LaunchSpec {
  const { resume, ...rest } = extra;
  return {
    trialId,
    argv: ['sim'],
    cwd: '/',
    env: {
      RUNG_TRIAL_ID: trialId,
      RUNG_PARAMS: JSON.stringify(config),
      RUNG_BUDGET: String(budget),
      ...(resume ? { RUNG_RESUME: '1' } : {}),
    },
    trialDir: '/nonexistent',
    killGraceMs: 10_000,
    ...rest,
  };
}

interface Seen {
  readonly trial: string;
  readonly text: string;
  readonly at: number;
  readonly readAt: number;
}

/** Reads a handle's lines into `seen` (with the virtual time they were read at); resolves with the exit and its virtual time. */
async function consume(
  clock: VirtualClock,
  trial: string,
  handle: TrialHandle,
  seen: Seen[],
  onLine?: (line: OutputLine, handle: TrialHandle) => void,
): Promise<{ exit: ExitInfo; at: number }> {
  for await (const line of handle.lines) {
    seen.push({ trial, text: line.text, at: line.at, readAt: clock.now() });
    onLine?.(line, handle);
  }
  const exit = await handle.exited;
  return { exit, at: clock.now() };
}

function setup(options: Partial<Omit<SimulatedLauncherOptions, 'clock'>> = {}) {
  const clock = createVirtualClock();
  const launcher = createSimulatedLauncher({ clock, curve: simpleCurve, ...options });
  return { clock, launcher };
}

describe('virtual clock', () => {
  it('runs events in time order, ties in scheduling order, and skips cancelled ones', async () => {
    const clock = createVirtualClock(1000);
    const order: string[] = [];
    clock.schedule(1500, () => order.push(`b@${clock.now()}`));
    clock.schedule(1200, () => order.push(`a@${clock.now()}`));
    clock.schedule(1500, () => order.push(`c@${clock.now()}`));
    const cancelled = clock.schedule(1300, () => order.push('never'));
    cancelled.cancel();
    cancelled.cancel();
    // In the past: clamped to now; scheduled from inside an event: runs after the ones already due.
    clock.schedule(0, () => {
      order.push(`past@${clock.now()}`);
      clock.after(0, () => order.push(`chained@${clock.now()}`));
    });
    expect(clock.pending).toBe(4);
    const stats = await clock.run();
    expect(order).toEqual(['past@1000', 'chained@1000', 'a@1200', 'b@1500', 'c@1500']);
    expect(stats).toMatchObject({ events: 5, now: 1500 });
    expect(clock.pending).toBe(0);
  });

  it('waits for idle checks before the next event and reports a stall with the reason', async () => {
    const clock = createVirtualClock();
    let busy = true;
    clock.addIdleCheck({ idle: () => !busy, why: () => 'still working' });
    const fired: number[] = [];
    clock.schedule(10, () => fired.push(clock.now()));
    // Turning idle without touch(): the driver's 10 ms re-check still notices.
    setTimeout(() => (busy = false), 30);
    await clock.run();
    expect(fired).toEqual([10]);

    busy = true;
    clock.schedule(20, () => fired.push(clock.now()));
    await expect(clock.run({ stallMs: 50 })).rejects.toThrow(/stalled at 10 ms .*still working/);
  });
});

describe('simulated launcher', () => {
  it('interleaves parallel trials in virtual time and exits each after its last epoch', async () => {
    // Per-trial epoch length from the config: 1 s, 1.5 s, 0.4 s.
    const { clock, launcher } = setup({ epochSeconds: (config) => Number(config['sec']), startupSeconds: 0.25 });
    const seen: Seen[] = [];
    const runs = await Promise.all(
      [
        { id: '0', sec: 1, budget: 4 },
        { id: '1', sec: 1.5, budget: 3 },
        { id: '2', sec: 0.4, budget: 5 },
      ].map(async ({ id, sec, budget }) => launcher.launch(specFor(id, { sec, scale: Number(id) + 1 }, budget))),
    );
    const done = Promise.all(runs.map((h, i) => consume(clock, String(i), h, seen)));
    await clock.run({ until: done });
    const exits = await done;

    // Every line was read at the virtual time it was printed, and globally in time order.
    for (const s of seen) expect(s.readAt).toBe(s.at);
    expect(seen.map((s) => s.at)).toEqual([...seen.map((s) => s.at)].sort((a, b) => a - b));
    expect(seen.filter((s) => s.trial === '1').map((s) => [s.at, s.text])).toEqual([
      [1750, 'epoch=1 val_loss=2'],
      [3250, 'epoch=2 val_loss=1'],
      [4750, `epoch=3 val_loss=${String(2 / 3)}`],
    ]);
    expect(seen.filter((s) => s.trial === '2').map((s) => s.at)).toEqual([650, 1050, 1450, 1850, 2250]);
    expect(exits.map((e) => e.at)).toEqual([4250, 4750, 2250]);
    for (const { exit } of exits) expect(exit).toEqual({ code: 0, signal: null, cause: 'exited' });
    expect(launcher.stats).toEqual({ launches: 3, lines: 12 });
    expect(runs[0]?.external).toEqual({ kind: 'none' });
    expect(() => runs[0]?.lines[Symbol.asyncIterator]()).toThrow(/only once/);
  });

  it('stops a trial at the current virtual time; a virtual stop delay is capped by the kill grace', async () => {
    const { clock, launcher } = setup({ stopDelayMs: 300 });
    const seen: Seen[] = [];
    const a = await launcher.launch(specFor('a', {}, 10));
    const b = await launcher.launch(specFor('b', {}, 10));
    const stopAt3 = (line: OutputLine, h: TrialHandle, grace?: number): void => {
      if (line.text.startsWith('epoch=3 ')) void h.stop(grace);
    };
    const done = Promise.all([
      consume(clock, 'a', a, seen, (l, h) => stopAt3(l, h)),
      consume(clock, 'b', b, seen, (l, h) => stopAt3(l, h, 100)),
    ]);
    await clock.run({ until: done });
    const [ea, eb] = await done;
    // a exits by itself 300 ms after SIGTERM; b's grace (100 ms) runs out first: SIGKILL.
    expect(ea).toEqual({ exit: { code: null, signal: 'SIGTERM', cause: 'stopped' }, at: 3300 });
    expect(eb).toEqual({ exit: { code: null, signal: 'SIGKILL', cause: 'stopped' }, at: 3100 });
    expect(seen.filter((s) => s.trial === 'a').map((s) => s.text.split(' ')[0])).toEqual(['epoch=1', 'epoch=2', 'epoch=3']);
    expect(clock.pending).toBe(0);
    // Idempotent, and fine after exit.
    await a.stop();
    expect(launcher.progress('a')).toBe(3);
  });

  it('times a trial out in virtual time', async () => {
    const { clock, launcher } = setup();
    const seen: Seen[] = [];
    const h = await launcher.launch(specFor('t', {}, 10, { timeoutMs: 2500 }));
    const done = consume(clock, 't', h, seen);
    await clock.run({ until: done });
    expect(await done).toEqual({ exit: { code: null, signal: 'SIGTERM', cause: 'timedOut' }, at: 2500 });
    expect(seen.map((s) => s.at)).toEqual([1000, 2000]);
  });

  it('resumes a trial from the last epoch it reached (RUNG_RESUME=1), and starts over without it', async () => {
    const { clock, launcher } = setup();
    const seen: Seen[] = [];
    const run = async (budget: number, resume: boolean): Promise<{ exit: ExitInfo; at: number }> => {
      const done = consume(clock, '7', await launcher.launch(specFor('7', {}, budget, { resume })), seen);
      await clock.run({ until: done });
      return done;
    };
    await run(3, false);
    expect(launcher.progress('7')).toBe(3);
    const promoted = await run(6, true);
    expect(promoted.exit.code).toBe(0);
    expect(seen.map((s) => `${s.at}:${s.text.split(' ')[0]}`)).toEqual([
      '1000:epoch=1',
      '2000:epoch=2',
      '3000:epoch=3',
      '4000:epoch=4',
      '5000:epoch=5',
      '6000:epoch=6',
    ]);
    // Nothing left to train: it reports the epoch it has and exits.
    seen.length = 0;
    await run(6, true);
    expect(seen.map((s) => s.text)).toEqual([`epoch=6 val_loss=${String(1 / 6)}`]);
    // Without RUNG_RESUME it trains from scratch.
    seen.length = 0;
    await run(2, false);
    expect(seen.map((s) => s.text.split(' ')[0])).toEqual(['epoch=1', 'epoch=2']);
    // ...and its checkpoint is now at epoch 2.
    expect(launcher.progress('7')).toBe(2);
  });

  it('simulates NaN, a missing metric, a crash, a throwing curve and a bad launch environment', async () => {
    const curve: LearningCurve = (config, epoch) => {
      switch (config['mode']) {
        case 'nan':
          return epoch >= 2 ? Number.NaN : 1;
        case 'missing':
          return { kind: 'missing' };
        case 'crash':
          return epoch === 2 ? { kind: 'crash', code: 3 } : 1;
        case 'inf':
          return Number.POSITIVE_INFINITY;
        default:
          throw new Error('no such mode');
      }
    };
    const clock = createVirtualClock();
    const launcher = createSimulatedLauncher({ clock, curve, metric: 'loss' });
    const seen: Seen[] = [];
    const modes = ['nan', 'missing', 'crash', 'inf', 'bogus'];
    const handles = await Promise.all(modes.map((mode) => launcher.launch(specFor(mode, { mode }, 3))));
    const bad = await launcher.launch({ ...specFor('bad', {}, 3), env: { RUNG_PARAMS: '{"x": 1}' } });
    const done = Promise.all([...handles.map((h, i) => consume(clock, modes[i] ?? '', h, seen)), consume(clock, 'bad', bad, seen)]);
    await clock.run({ until: done });
    const exits = await done;
    const texts = (trial: string): string[] => seen.filter((s) => s.trial === trial).map((s) => s.text);
    expect(texts('nan')).toEqual(['epoch=1 loss=1', 'epoch=2 loss=nan', 'epoch=3 loss=nan']);
    expect(texts('missing')).toEqual(['epoch=1 training', 'epoch=2 training', 'epoch=3 training']);
    expect(texts('crash')).toEqual(['epoch=1 loss=1', 'simulated crash at epoch 2']);
    expect(texts('inf')[0]).toBe('epoch=1 loss=inf');
    expect(texts('bogus')).toEqual(['simulated curve failed at epoch 1: no such mode']);
    expect(exits.map((e) => e.exit.code)).toEqual([0, 0, 3, 0, 1, null]);
    expect(exits[2]?.at).toBe(2000);
    expect(exits[5]?.exit).toMatchObject({ cause: 'launchFailed', detail: expect.stringMatching(/RUNG_BUDGET/) });
  });

  it('dispose stops every running trial at once', async () => {
    const { clock, launcher } = setup({ stopDelayMs: 5000 });
    const seen: Seen[] = [];
    const h = await launcher.launch(specFor('d', {}, 100));
    const done = consume(clock, 'd', h, seen, () => void launcher.dispose());
    await clock.run({ until: done });
    expect(await done).toEqual({ exit: { code: null, signal: 'SIGKILL', cause: 'stopped' }, at: 1000 });
    await expect((await launcher.launch(specFor('late', {}, 1))).exited).resolves.toMatchObject({ cause: 'launchFailed', detail: 'launcher disposed' });
  });
});

describe('learning-curve fixtures', () => {
  it('crossing: early leaders lose later, wider nets take longer per epoch, noise is reproducible', () => {
    const crossing = loadCurveFamily('crossing');
    const configs: Config[] = [];
    for (const width of [16, 32, 128, 512]) for (const lr of [1e-4, 1e-3, 1e-2, 1e-1, 1]) configs.push({ lr, width });
    const bestAt = (epoch: number): Config | undefined =>
      [...configs].sort((a, b) => crossing.clean(a, epoch) - crossing.clean(b, epoch))[0];
    expect(bestAt(1)).toEqual({ lr: 1, width: 32 });
    expect(bestAt(20)).toEqual({ lr: 1e-3, width: 512 });
    // The epoch-1 leader ends in the worse half.
    const finalRank = [...configs].sort((a, b) => crossing.clean(a, 20) - crossing.clean(b, 20)).findIndex((c) => c['lr'] === 1 && c['width'] === 32);
    expect(finalRank).toBeGreaterThanOrEqual(configs.length / 2);
    expect(crossing.epochSeconds?.({ lr: 0.1, width: 512 })).toBeCloseTo(2.548);
    expect(crossing.epochSeconds?.({ lr: 0.1, width: 16 })).toBeCloseTo(0.564);
    const noisy = crossing.curve({ lr: 0.01, width: 128 }, 5, 42);
    expect(noisy).toBe(crossing.curve({ lr: 0.01, width: 128 }, 5, 42));
    expect(noisy).not.toBe(crossing.curve({ lr: 0.01, width: 128 }, 5, 43));
    expect(Math.abs(Number(noisy) / crossing.clean({ lr: 0.01, width: 128 }, 5) - 1)).toBeLessThan(0.05);
  });

  it('flaky: failure rules by config', () => {
    const flaky = loadCurveFamily('flaky');
    expect(flaky.curve({ mode: 'nan', x: 0 }, 3, 0)).toBeNaN();
    expect(flaky.curve({ mode: 'nan', x: 0 }, 2, 0)).toBeCloseTo(0.2 + 1.8 * Math.exp(-1));
    expect(flaky.curve({ mode: 'missing', x: 0 }, 1, 0)).toEqual({ kind: 'missing' });
    expect(flaky.curve({ mode: 'crash', x: 0 }, 4, 0)).toEqual({ kind: 'crash', code: 3 });
  });

  it('rejects a malformed spec naming the field', () => {
    expect(() => curveFromSpec({ families: [] })).toThrow(/families must be a non-empty list/);
    expect(() => curveFromSpec({ families: [{ shape: 'cubic', start: 1, asymptote: 0, rate: 1 }] })).toThrow(/families\[0\]\.shape/);
    expect(() => curveFromSpec({ families: [{ shape: 'exp', start: 1, asymptote: { terms: [{ param: 'lr' }] }, rate: 1 }] })).toThrow(
      /families\[0\]\.asymptote\.terms\[0\] needs param/,
    );
    expect(() => curveFromSpec({ families: [{ shape: 'exp', start: 1, asymptote: 0, rate: 1, when: { lr: { above: 1 } } }] })).toThrow(
      /when\.lr\.above is not a condition/,
    );
    const noMatch = curveFromSpec({ families: [{ shape: 'exp', when: { a: 1 }, start: 1, asymptote: 0, rate: 1 }] });
    expect(() => noMatch.curve({ a: 2 }, 1, 0)).toThrow(/no curve family matches/);
  });
});

describe('slotUtilisation', () => {
  const launched = (trialId: string, at: number): StudyEvent => ({
    type: 'trial.launched',
    at,
    trialId,
    argv: ['x'],
    cwd: '/',
    trialDir: '/',
    budget: 1,
    resume: false,
    external: { kind: 'none' },
  });
  const ended = (trialId: string, at: number): StudyEvent => ({
    type: 'trial.ended',
    at,
    trialId,
    status: 'completed',
    exit: { code: 0, signal: null, cause: 'exited' },
    value: 1,
    step: 1,
  });

  it('sums launch-to-end intervals over slots × makespan, per launch, ignoring ends with no launch', () => {
    const events = [launched('0', 0), launched('1', 0), ended('0', 10), launched('2', 10), ended('1', 5), ended('2', 20), launched('0', 20), ended('0', 30), ended('9', 30)];
    // busy: 10 + 5 + 10 + 10 = 35 over 2 slots × 30.
    expect(slotUtilisation(events, 2)).toEqual({ slots: 2, launches: 4, busyMs: 35, makespanMs: 30, utilisation: 35 / 60 });
    expect(slotUtilisation(events.map((event, i) => ({ seq: i + 1, event })), 2).busyMs).toBe(35);
    // An open launch counts to the last timestamp.
    expect(slotUtilisation([launched('0', 0), launched('1', 4), ended('0', 10)], 2)).toMatchObject({ busyMs: 16, makespanMs: 10, utilisation: 0.8 });
    expect(slotUtilisation([], 4).utilisation).toBe(0);
  });
});
