/**
 * Regression tests for what bench/protocol_audit.py (problems that use the corners of hpo-jsonl/1 the shipped
 * benchmark problems do not) found wrong in `rung ask-tell`. Each runs a real session the way the harness does.
 */
import { describe, expect, it } from 'vitest';
import { createAskTellSession } from '../../../src/engine/askTell/askTellServer';

type Json = Record<string, unknown>;

function driver(): (request: Json) => Json {
  const session = createAskTellSession();
  return (request) => {
    const out = session.handleLine(JSON.stringify(request));
    if (!out) throw new Error('no reply');
    return JSON.parse(out.reply) as Json;
  };
}

interface Trial {
  params: Json;
  state: string;
  lastStep: number;
}

/**
 * A multi-fidelity session as benchlib/harness.py runs it: every step reported (from `from`, then from the last
 * step + 1), pruned / paused / complete told with the last value, a new trial past max_trials told failed.
 * `curve(params, step)` is the value at a step; NaN makes the harness tell the trial failed.
 */
function runMf(
  init: Json,
  fidelity: { min: number; max: number },
  curve: (params: Json, step: number) => number,
  from = Math.max(1, fidelity.min),
): { trials: Map<string, Trial>; asks: Json[]; ended: string } {
  const send = driver();
  expect(send(init)).toMatchObject({ ok: true });
  const maxTrials = init['max_trials'] as number;
  const trials = new Map<string, Trial>();
  const asks: Json[] = [];
  for (let guard = 0; guard < 50 * maxTrials + 50; guard++) {
    const ask = send({ op: 'ask' });
    asks.push(ask);
    if (ask['done'] === true) return { trials, asks, ended: 'done' };
    expect(ask['error']).toBeUndefined();
    const key = String(ask['trial']);
    let t = trials.get(key);
    if (ask['resume'] === true) {
      expect(t?.state).toBe('paused');
    } else {
      expect(t).toBeUndefined();
      if (trials.size >= maxTrials) {
        send({ op: 'tell', trial: ask['trial'], state: 'failed', value: null });
        return { trials, asks, ended: 'max_trials' };
      }
      t = { params: ask['params'] as Json, state: 'running', lastStep: from - 1 };
      trials.set(key, t);
    }
    if (!t) throw new Error('unreachable');
    const maxStep = (ask['max_step'] as number | undefined) ?? fidelity.max;
    let state: string | undefined;
    let value: number | null = null;
    for (let step = t.lastStep + 1; step <= maxStep; step++) {
      const v = curve(t.params, step);
      if (!Number.isFinite(v)) {
        state = 'failed';
        value = null;
        break;
      }
      value = v;
      t.lastStep = step;
      const reply = send({ op: 'report', trial: ask['trial'], step, value: v });
      if (reply['prune'] === true) {
        state = 'pruned';
        break;
      }
    }
    state ??= t.lastStep >= fidelity.max ? 'complete' : 'paused';
    t.state = state;
    expect(send({ op: 'tell', trial: ask['trial'], state, value })).toEqual({ ok: true });
    if (trials.size >= maxTrials && ![...trials.values()].some((x) => x.state === 'paused')) return { trials, asks, ended: 'max_trials' };
  }
  throw new Error('session did not end');
}

function states(trials: Map<string, Trial>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of trials.values()) out[t.state] = (out[t.state] ?? 0) + 1;
  return out;
}

describe('ask-tell: a discrete space smaller than the budget, with pause/resume', () => {
  const tiny = { params: [{ name: 'c', type: 'categorical', choices: ['a', 'b'] }, { name: 'i', type: 'int', low: 0, high: 2, step: 2 }] };
  const curve = (p: Json, step: number): number => (p['c'] === 'a' ? 0 : 1) + (p['i'] as number) + 1 / step;

  it.each(['grid_sha', 'tpe_sha', 'grid_hyperband_sync', 'tpe_asha_promotion', 'grid_hyperband_promotion'])(
    '%s: once the sampler runs out, the paused trials are promoted and the best one completes',
    (method) => {
      const fidelity = { min: 1, max: 27 };
      const init = {
        op: 'init',
        protocol: 'hpo-jsonl/1',
        problem: { name: 'tiny', kind: 'multifidelity', direction: 'minimize', space: tiny, fidelity: { name: 'epoch', ...fidelity, type: 'int' } },
        seed: 1,
        max_trials: 10,
        method,
        options: {},
      };
      const { trials, asks, ended } = runMf(init, fidelity, curve);
      // All 4 configs ran and the best one (a, 0) went on to the end; the rung's losers may stay paused.
      expect(trials.size).toBe(4);
      expect(ended).toBe('done');
      expect(asks.at(-1)).toEqual({ done: true });
      expect(states(trials)['complete'] ?? 0).toBeGreaterThanOrEqual(1);
      const best = [...trials.values()].find((t) => t.params['c'] === 'a' && t.params['i'] === 0);
      expect(best?.state).toBe('complete');
    },
  );
});

describe('ask-tell: a fidelity whose min is not 1, reported from step 1 as run_external.py does', () => {
  const space = { params: [{ name: 'x', type: 'float', low: 0, high: 1 }] };
  const init = (method: string, options: Json = {}): Json => ({
    op: 'init',
    protocol: 'hpo-jsonl/1',
    problem: { name: 'p', kind: 'multifidelity', direction: 'minimize', space, fidelity: { name: 'epoch', min: 10, max: 200, type: 'int' } },
    seed: 0,
    max_trials: 20,
    method,
    options,
  });
  /** Which steps trials were pruned at, running every trial from step 1 (benchlib/harness.py). */
  const prunedAt = (request: Json): number[] => {
    const { trials } = runMf(request, { min: 10, max: 200 }, (p, step) => (p['x'] as number) + 1 / step, 1);
    return [...trials.values()].filter((t) => t.state === 'pruned').map((t) => t.lastStep);
  };

  it.each(['random_median', 'tpe_median', 'random_asha', 'random_hyperband', 'bohb'])('%s stops no trial before step 10', (method) => {
    const steps = prunedAt(init(method));
    expect(steps.length).toBeGreaterThan(0);
    expect(Math.min(...steps)).toBeGreaterThanOrEqual(10);
  });

  it('median keeps a larger warmup_steps option, and raises a smaller one to the fidelity min', () => {
    expect(Math.min(...prunedAt(init('random_median', { scheduler: { warmup_steps: 40 } })))).toBeGreaterThanOrEqual(40);
    expect(Math.min(...prunedAt(init('random_median', { scheduler: { warmup_steps: 2 } })))).toBeGreaterThanOrEqual(10);
  });
});

describe('ask-tell: a stepped float grid through 0', () => {
  const space = { params: [{ name: 'x', type: 'float', low: -0.3, high: 0.9, step: 0.1 }, { name: 'y', type: 'float', low: -1, high: 1, step: 0.25 }] };
  const gridX = Array.from({ length: 13 }, (_, k) => Number((-0.3 + 0.1 * k).toFixed(1)));
  const gridY = Array.from({ length: 9 }, (_, k) => -1 + 0.25 * k);

  it.each(['random', 'sobol', 'grid', 'tpe', 'gp', 'cmaes', 'evolution', 'bohb'])('%s proposes the decimal grid values, 0 included, not 5.6e-17', (method) => {
    const send = driver();
    expect(send({ op: 'init', protocol: 'hpo-jsonl/1', problem: { name: 'p', kind: 'single', space }, seed: 2, max_trials: 30, method, options: {} })).toMatchObject({ ok: true });
    const xs = new Set<number>();
    for (let n = 0; n < 30; n++) {
      const ask = send({ op: 'ask' });
      if (ask['done'] === true) break;
      const { x, y } = ask['params'] as { x: number; y: number };
      expect(gridX).toContain(x);
      expect(gridY).toContain(y);
      xs.add(x);
      send({ op: 'tell', trial: ask['trial'], state: 'complete', value: Math.abs(x) + Math.abs(y) });
    }
    // The minimum is at x = 0: every method that searches should have proposed it.
    if (method !== 'random' && method !== 'sobol') expect([...xs]).toContain(0);
  });
});

describe('ask-tell: no prune at the fidelity max', () => {
  const space = { params: [{ name: 'x', type: 'float', low: 0, high: 1 }] };
  it.each([
    [5, 5],
    [0, 1],
    [1, 3],
  ])('median on fidelity %i..%i: a trial that reached the max completes, whatever the rule says', (min, max) => {
    const init = {
      op: 'init',
      protocol: 'hpo-jsonl/1',
      problem: { name: 'p', kind: 'multifidelity', direction: 'minimize', space, fidelity: { name: 'epoch', min, max, type: 'int' } },
      seed: 0,
      max_trials: 20,
      method: 'random_median',
      options: {},
    };
    const { trials } = runMf(init, { min, max }, (p) => p['x'] as number);
    for (const t of trials.values()) if (t.state === 'pruned') expect(t.lastStep).toBeLessThan(max);
    expect(states(trials)['complete']).toBeGreaterThan(0);
  });
});

describe('ask-tell: a float range wider than the largest double', () => {
  const space = { params: [{ name: 'a', type: 'float', low: -1e308, high: 1e308 }] };
  it.each(['random', 'sobol', 'grid', 'tpe', 'cmaes', 'evolution', 'bohb'])('%s spreads over -1e308..1e308 instead of sitting on a bound', (method) => {
    const send = driver();
    expect(send({ op: 'init', protocol: 'hpo-jsonl/1', problem: { name: 'p', kind: 'single', space }, seed: 0, max_trials: 20, method, options: {} })).toMatchObject({ ok: true });
    const values: number[] = [];
    for (let n = 0; n < 20; n++) {
      const ask = send({ op: 'ask' });
      const a = (ask['params'] as { a: number }).a;
      expect(Number.isFinite(a) && a >= -1e308 && a <= 1e308).toBe(true);
      values.push(a);
      send({ op: 'tell', trial: ask['trial'], state: 'complete', value: Math.abs(a / 1e308 - 0.3) });
    }
    expect(values.filter((a) => Math.abs(a) < 1e308).length).toBeGreaterThan(10);
  });
});

describe('ask-tell: init.options keys it does not read', () => {
  it('names them on stderr and in the init reply instead of ignoring them silently', () => {
    const logs: string[] = [];
    const session = createAskTellSession({ log: (m) => logs.push(m) });
    const space = { params: [{ name: 'x', type: 'float', low: 0, high: 1 }] };
    const out = session.handleLine(
      JSON.stringify({ op: 'init', problem: { kind: 'single', space }, seed: 0, max_trials: 5, method: 'tpe', options: { n_startup_trials: 5, sampler: { n_startup_trials: 3 } } }),
    );
    expect(JSON.parse(out?.reply ?? '{}')).toMatchObject({ ok: true, engine: { ignored_options: ['n_startup_trials'], sampler_options: { n_startup_trials: 3 } } });
    expect(logs.some((m) => m.includes('"n_startup_trials" ignored') && m.includes('options.sampler'))).toBe(true);
  });

  it("names the keys of options.sampler and options.scheduler that are no option of the chosen method (snake_case or camelCase are both options)", () => {
    const logs: string[] = [];
    const session = createAskTellSession({ log: (m) => logs.push(m) });
    const space = { params: [{ name: 'x', type: 'float', low: 0, high: 1 }] };
    const problem = { kind: 'multifidelity', space, fidelity: { name: 'epoch', min: 1, max: 27, type: 'int' } };
    const options = { sampler: { n_startup_trials: 3, nEiCandidates: 12, n_startup: 5 }, scheduler: { eta: 3, grace_period: 2, min_budget: 1 } };
    const out = session.handleLine(JSON.stringify({ op: 'init', problem, seed: 0, max_trials: 5, method: 'tpe_asha', options }));
    expect(JSON.parse(out?.reply ?? '{}')).toMatchObject({ ok: true, engine: { ignored_options: ['sampler.n_startup', 'scheduler.grace_period'] } });
    expect(logs.some((m) => m.includes('"sampler.n_startup", "scheduler.grace_period" ignored: not an option of sampler tpe or scheduler asha'))).toBe(true);
  });
});

describe('ask-tell: grid on a space too large to grid', () => {
  it('answers init with one short error saying so, not a complaint per parameter', () => {
    const params = Array.from({ length: 60 }, (_, i) => ({ name: `x${i}`, type: 'float', low: 0, high: 1 }));
    const send = driver();
    const reply = send({ op: 'init', problem: { kind: 'single', space: { params } }, seed: 0, max_trials: 100, method: 'grid', options: {} });
    expect(reply['error']).toMatch(/^grid: with 2 points per numeric parameter, .*more than \d+ points.*use another sampler/);
    expect(String(reply['error']).length).toBeLessThan(300);
  });
});

describe('ask-tell: parameter names', () => {
  it('takes names that are Object.prototype keys, dots, spaces and digits', () => {
    const names = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'a.b', 'x y', '0', 'ü'];
    const send = driver();
    const space = { params: names.map((name) => ({ name, type: 'float', low: 0, high: 1 })) };
    expect(send({ op: 'init', problem: { kind: 'single', space }, seed: 0, max_trials: 3, method: 'tpe', options: {} })).toMatchObject({ ok: true });
    const ask = send({ op: 'ask' });
    expect(Object.keys(ask['params'] as Json).sort()).toEqual([...names].sort());
  });

  it('rejects "__proto__" at init with a clear error instead of failing every ask', () => {
    const send = driver();
    const space = { params: [{ name: '__proto__', type: 'float', low: 0, high: 1 }] };
    const reply = send(JSON.parse(`{"op": "init", "problem": {"kind": "single", "space": ${JSON.stringify(space)}}, "max_trials": 3, "method": "tpe", "options": {}}`) as Json);
    expect(reply['error']).toContain('"__proto__" is not supported');
  });
});
