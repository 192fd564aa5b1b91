/**
 * Inputs a benchmark problem may bring that a robustness sweep of `rung ask-tell` found answered with an init
 * error or with out-of-range budgets: the grid method on continuous spaces, a fidelity whose min equals its max,
 * a scheduler min_budget below the fidelity's first step, and a fidelity starting at 0. Each runs a real session.
 */
import { describe, expect, it } from 'vitest';
import { createAskTellSession, type AskTellOptions } from '../../../src/engine/askTell/askTellServer';
import { spaceFromProtocol } from '../../../src/engine/askTell/spaceFromProtocol';
import { validateConfig } from '../../../src/engine/space/validateConfig';

type Json = Record<string, unknown>;

function driver(options: AskTellOptions = {}): (request: Json) => Json {
  const session = createAskTellSession(options);
  return (request) => {
    const out = session.handleLine(JSON.stringify(request));
    if (!out) throw new Error('no reply');
    return JSON.parse(out.reply) as Json;
  };
}

function init(space: Json, extra: Json = {}, problem: Json = {}): Json {
  return {
    op: 'init',
    protocol: 'hpo-jsonl/1',
    problem: { name: 'p', kind: 'single', direction: 'minimize', space, ...problem },
    seed: 3,
    max_trials: 20,
    method: 'grid',
    options: {},
    ...extra,
  };
}

const continuous2 = { params: [{ name: 'x', type: 'float', low: -5, high: 10 }, { name: 'y', type: 'float', low: 1e-3, high: 15, log: true }] };

describe('ask-tell: grid on spaces without a finite set of values', () => {
  it('walks ceil(max_trials^(1/d)) points per numeric parameter, like the harness grid, then answers done', () => {
    const space = spaceFromProtocol(continuous2);
    if (!space.ok) throw new Error('space');
    const runOnce = (): Json[] => {
      const send = driver();
      expect(send(init(continuous2, { max_trials: 9 }))).toMatchObject({ ok: true, engine: { sampler: 'grid', sampler_options: { grid_points: 3 } } });
      const asks: Json[] = [];
      for (let n = 0; n < 12; n++) {
        const reply = send({ op: 'ask' });
        asks.push(reply);
        if (reply['done'] === true) break;
        expect(validateConfig(space.value, reply['params'] as Json as never).ok).toBe(true);
        expect(send({ op: 'tell', trial: reply['trial'], state: 'complete', value: n })).toEqual({ ok: true });
      }
      return asks;
    };
    const asks = runOnce();
    expect(asks).toHaveLength(10);
    expect(asks.at(-1)).toEqual({ done: true });
    const points = asks.slice(0, 9).map((a) => JSON.stringify(a['params']));
    expect(new Set(points).size).toBe(9);
    expect(points).toContain(JSON.stringify({ x: -5, y: 1e-3 }));
    expect(points).toContain(JSON.stringify({ x: 10, y: 15 }));
    expect(runOnce()).toEqual(asks);
  });

  it('shuffles a grid larger than the run, and keeps an explicit grid_points and enumerable spaces as they were', () => {
    const big = { params: [...continuous2.params, { name: 'n', type: 'int', low: 0, high: 1000 }, { name: 'c', type: 'categorical', choices: ['a', 'b'] }] };
    const send = driver();
    // 3 numeric + 1 categorical, 10 trials: 2 points each → 2^3 · 2 = 16 points > 10 → shuffled.
    expect(send(init(big, { max_trials: 10 }))).toMatchObject({ ok: true, engine: { sampler_options: { grid_points: 2, shuffle: true } } });
    const first = send({ op: 'ask' });
    expect(first).toHaveProperty('params');

    expect(driver()(init(continuous2, { max_trials: 9, options: { sampler: { grid_points: 4 } } }))).toMatchObject({ ok: true, engine: { sampler_options: { grid_points: 4 } } });
    const enumerable = { params: [{ name: 'k', type: 'int', low: 1, high: 5 }] };
    const reply = driver()(init(enumerable, { max_trials: 2 }));
    expect(reply).toMatchObject({ ok: true, engine: { sampler_options: {} } });
    expect((reply['engine'] as Json)['sampler_options']).not.toHaveProperty('grid_points');
  });
});

describe('ask-tell: fidelity ranges a ladder scheduler cannot split', () => {
  const x = { params: [{ name: 'x', type: 'float', low: 0, high: 1 }] };
  const mf = (method: string, min: number, max: number, extra: Json = {}): Json =>
    init(x, { method, max_trials: 12, ...extra }, { kind: 'multifidelity', fidelity: { name: 'epoch', min, max, type: 'int' } });

  it('runs every trial to the end (fifo) when the fidelity min equals its max', () => {
    for (const method of ['random_asha', 'random_sha', 'tpe_hyperband', 'random_hyperband_sync', 'random_asha_promotion', 'bohb']) {
      const logs: string[] = [];
      const send = driver({ log: (m) => logs.push(m) });
      expect(send(mf(method, 3, 3))).toMatchObject({ ok: true, engine: { scheduler: 'fifo' } });
      expect(logs.join('\n')).toContain('every trial runs to 3');
      const a = send({ op: 'ask' });
      expect(a).toHaveProperty('params');
      expect(a).not.toHaveProperty('max_step');
      expect(send({ op: 'report', trial: a['trial'], step: 3, value: 1 })).toEqual({ prune: false });
      expect(send({ op: 'tell', trial: a['trial'], state: 'complete', value: 1 })).toEqual({ ok: true });
    }
  });

  it('never asks for a max_step before the fidelity min, even with a smaller min_budget option', () => {
    const send = driver();
    // Fidelity 10..90, eta 3: rungs 10, 30, 90 (min_budget 2 would have made 2, 6, 18, 54, 90).
    expect(send(mf('random_sha', 10, 90, { options: { scheduler: { min_budget: 2 } } }))).toMatchObject({ ok: true, engine: { scheduler: 'sha' } });
    const a = send({ op: 'ask' });
    expect(a).toMatchObject({ trial: 0, max_step: 10 });
    // The option still counts when it lies inside the fidelity range.
    const send2 = driver();
    send2(mf('random_sha', 10, 90, { options: { scheduler: { min_budget: 30 } } }));
    expect(send2({ op: 'ask' })).toMatchObject({ trial: 0, max_step: 30 });
    // min_budget at the fidelity max: nothing to halve.
    expect(driver()(mf('random_sha', 1, 9, { options: { scheduler: { min_budget: 9 } } }))).toMatchObject({ ok: true, engine: { scheduler: 'fifo' } });
  });

  it('asks for whole steps when a non-integer eta or min_budget makes fractional rungs', () => {
    // min_budget 1.5, eta 3 on 1..27: rungs 1.5, 4.5, 13.5, 27 → max_step 2, then resumes to 5 (not 1.5, 4.5).
    const send = driver();
    expect(send(mf('random_sha', 1, 27, { options: { scheduler: { min_budget: 1.5, initial_trials: 2 } } }))).toMatchObject({ ok: true });
    for (const [trial, value] of [[0, 2], [1, 1]] as const) {
      expect(send({ op: 'ask' })).toMatchObject({ trial, max_step: 2 });
      for (const step of [1, 2]) expect(send({ op: 'report', trial, step, value })).toEqual({ prune: false });
      expect(send({ op: 'tell', trial, state: 'paused', value })).toEqual({ ok: true });
    }
    expect(send({ op: 'ask' })).toEqual({ trial: 1, resume: true, max_step: 5 });
    // eta 2.5 on 1..27 (asha promotion): rungs 1, 2.5, 6.25, 15.625, 27 → every max_step an integer.
    const asha = driver();
    asha(mf('random_asha_promotion', 1, 27, { max_trials: 30, options: { scheduler: { eta: 2.5 } } }));
    const steps: unknown[] = [];
    const last = new Map<unknown, number>();
    for (let guard = 0; guard < 80; guard++) {
      const a = asha({ op: 'ask' });
      if (a['done'] === true) break;
      const trial = a['trial'];
      const to = (a['max_step'] as number | undefined) ?? 27;
      steps.push(to);
      const from = (last.get(trial) ?? 0) + 1;
      for (let step = from; step <= to; step++) asha({ op: 'report', trial, step, value: 1 / (1 + Number(trial)) });
      last.set(trial, to);
      expect(asha({ op: 'tell', trial, state: to < 27 ? 'paused' : 'complete', value: 1 / (1 + Number(trial)) })).toEqual({ ok: true });
    }
    expect(steps.every((m) => Number.isInteger(m))).toBe(true);
    expect(new Set(steps)).toEqual(new Set([1, 3, 7, 16, 27]));
  });

  it('accepts a fidelity starting at 0, with the first rung at step 1', () => {
    const send = driver();
    expect(send(mf('random_sha', 0, 9))).toMatchObject({ ok: true, engine: { scheduler: 'sha' } });
    const a = send({ op: 'ask' });
    expect(a).toMatchObject({ trial: 0, max_step: 1 });
    expect(driver()(mf('random_asha', 0, 0))).toMatchObject({ ok: true, engine: { scheduler: 'fifo' } });
  });
});
