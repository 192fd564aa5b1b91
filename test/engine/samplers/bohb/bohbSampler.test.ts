/** BOHB's sampler (Falkner, Klein & Hutter 2018): options, per-budget memory, model choice, notes, replay. */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RANDOM_FRACTION,
  createBohbObservations,
  createBohbSampler,
  parseBohbSamplerOptions,
} from '../../../../src/engine/samplers/bohb';
import { createSampler } from '../../../../src/engine/samplers/registry';
import type { AskResult, Observation, Sampler } from '../../../../src/engine/samplers/sampler';
import { defaultTpeSamplerOptions } from '../../../../src/engine/samplers/tpe/tpeSampler';
import type { TableEntry } from '../../../../src/engine/samplers/tpe/observationTable';
import { createSearchSpace } from '../../../../src/engine/space/searchSpace';
import type { Config } from '../../../../src/engine/space/searchSpace';
import { configProblems, flatSpace, mixedSpace, requestFor } from '../../../contracts/samplerContract';

function suggested(answer: AskResult): { config: Config; note: string } {
  if (answer.kind !== 'suggest') throw new Error(`unexpected exhaustion: ${answer.reason}`);
  return { config: answer.config, note: answer.note ?? '' };
}

function obs(n: number, budget: number, loss: number | null, status: Observation['status'] = loss === null ? 'failed' : 'completed', config: Config = { x: 0, y: 0 }): Observation {
  return { trialId: String(n), trialNumber: n, config, budget, loss, status };
}

/** The table entry TPE would build for `o` (only the fields BOHB's memory reads matter). */
function entryOf(o: Observation): TableEntry {
  const tier = o.status === 'failed' || o.loss === null ? 2 : o.status === 'pruned' ? 1 : 0;
  return { trialId: o.trialId, trialNumber: o.trialNumber, tier, budget: o.budget, loss: o.loss ?? Infinity, config: o.config, row: new Float64Array(0), mark: 0 };
}

describe('options', () => {
  it('defaults: min_points_in_model = d + 1, random_fraction 1/3, multivariate TPE with gamma 0.15 and 64 candidates', () => {
    const r = parseBohbSamplerOptions(mixedSpace, {});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.minPointsInModel).toBe(mixedSpace.params.size + 1);
    expect(r.value.randomFraction).toBe(DEFAULT_RANDOM_FRACTION);
    expect(r.value.tpe).toMatchObject({ gamma: 0.15, nEiCandidates: 64, multivariate: true, constantLiar: true, priorWeight: defaultTpeSamplerOptions.priorWeight });
    // TPE's bandwidths, clip and weights; no fallback to Optuna's model once trials are pruned.
    const { bandwidth, minBandwidth, magicClipExponent, weighting } = defaultTpeSamplerOptions;
    expect(r.value.tpe).toMatchObject({ bandwidth, minBandwidth, magicClipExponent, weighting, optunaModelWhenPruned: false });
  });

  it('the Scott-rule model of the paper stays available', () => {
    const r = parseBohbSamplerOptions(flatSpace, { bandwidth: 'scott', min_bandwidth: 0, magic_clip_exponent: 1, weighting: 'uniform' });
    expect(r.ok && r.value.tpe).toMatchObject({ bandwidth: 'scott', minBandwidth: 0, magicClipExponent: 1, weighting: 'uniform' });
  });

  it('reads snake_case and camelCase keys; a user value beats the BOHB default', () => {
    const r = parseBohbSamplerOptions(flatSpace, { min_points_in_model: 5, randomFraction: 0.2, n_ei_candidates: 12, multivariate: false, gamma: 0.3 });
    expect(r.ok && r.value).toMatchObject({ minPointsInModel: 5, randomFraction: 0.2, tpe: { nEiCandidates: 12, multivariate: false, gamma: 0.3 } });
  });

  it('rejects bad values with messages naming the options (a Result from the registry)', () => {
    const r = parseBohbSamplerOptions(flatSpace, { min_points_in_model: 0, random_fraction: 1.5, gamma: 0 });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toContain('min_points_in_model');
      expect(r.error).toContain('random_fraction');
      expect(r.error).toContain('gamma');
    }
    const created = createSampler('bohb', flatSpace, { random_fraction: -1 }, 0);
    expect(created.ok).toBe(false);
    if (!created.ok) expect(created.error).toMatch(/^sampler bohb: .*random_fraction/);
  });
});

describe('per-budget memory', () => {
  it('keeps the latest tell per trial and budget; a budget counts its trials and the survivors past it', () => {
    const memory = createBohbObservations(3, 0, 'bohb');
    const tell = (o: Observation): void => memory.tell(entryOf(o), o);
    // Promotion mode: trial 0 told at 1, 3 and 9; trial 1 at 1 and 3; trial 2 at 1 (twice: the second supersedes).
    tell(obs(0, 1, 0.5));
    tell(obs(0, 3, 0.4));
    tell(obs(0, 9, 0.3));
    tell(obs(1, 1, 0.6));
    tell(obs(1, 3, 0.55));
    tell(obs(2, 1, 0.9));
    tell(obs(2, 1, 0.1));
    expect(memory.budgets()).toEqual([1, 3, 9]);
    expect([memory.count(1), memory.count(3), memory.count(9)]).toEqual([3, 2, 1]);
    const at1 = memory.tableAt(1);
    expect(at1.ranked.map((e) => [e.trialId, e.loss])).toEqual([
      ['2', 0.1],
      ['0', 0.5],
      ['1', 0.6],
    ]);
    expect(at1.byNumber.map((e) => e.trialId)).toEqual(['0', '1', '2']);
    expect(memory.modelBudget(3)).toBe(1);
    expect(memory.modelBudget(2)).toBe(3);
    expect(memory.modelBudget(1)).toBe(9);
    expect(memory.modelBudget(4)).toBeUndefined();
  });

  it('stopping mode: a trial told only at a larger budget ranks as a survivor, ahead of those pruned there', () => {
    const memory = createBohbObservations(2, 0, 'bohb');
    const tell = (o: Observation): void => memory.tell(entryOf(o), o);
    tell(obs(0, 3, 0.2, 'pruned'));
    tell(obs(1, 3, 0.7, 'pruned'));
    tell(obs(2, 27, 0.9, 'completed')); // ran to the end: worse loss at 27 than 0 at 3, but it survived rung 3
    tell(obs(3, 9, 0.5, 'pruned'));
    tell(obs(4, 1, null, 'failed'));
    expect(memory.count(3)).toBe(4);
    expect(memory.count(9)).toBe(2);
    expect(memory.count(27)).toBe(1);
    expect(memory.tableAt(3).ranked.map((e) => e.trialId)).toEqual(['2', '3', '0', '1', '4']);
    // Trials stopped below a budget follow the ones that reached it (by budget reached, then loss), failed trials
    // come last; only the trials that reached the budget count (n, and so the good group, are the paper's D_b).
    expect(memory.tableAt(27).ranked.map((e) => [e.trialId, e.tier])).toEqual([
      ['2', 0],
      ['3', 1],
      ['0', 1],
      ['1', 1],
      ['4', 2],
    ]);
    expect(memory.tableAt(27).rankable).toBe(1);
    expect(memory.modelBudget(2)).toBe(9);
  });

  it('a failed relaunch leaves the rungs the trial did complete', () => {
    const memory = createBohbObservations(1, 0, 'bohb');
    const tell = (o: Observation): void => memory.tell(entryOf(o), o);
    tell(obs(0, 1, 0.4));
    tell(obs(0, 2, null, 'failed'));
    tell(obs(1, 3, 0.5));
    expect(memory.budgets()).toEqual([1, 3]);
    expect(memory.tableAt(1).ranked.map((e) => [e.trialId, e.tier])).toEqual([
      ['0', 0],
      ['1', 1],
    ]);
    expect(memory.tableAt(3).ranked.map((e) => [e.trialId, e.tier])).toEqual([
      ['1', 0],
      ['0', 2],
    ]);
    expect(memory.tableAt(3).rankable).toBe(1);
  });
});

describe('asks', () => {
  const space = flatSpace;
  const seed = 17;
  /** Sampler with trials 0..n-1 told: loss = distance to (1, 0.5) at budget 1, and the best third also at budget 9. */
  function primed(options: Readonly<Record<string, unknown>>, n: number): Sampler {
    const sampler = createBohbSampler(space, options, seed);
    const told: Array<{ n: number; config: Config; loss: number }> = [];
    for (let i = 0; i < n; i++) {
      const { config } = suggested(sampler.ask({ ...requestFor(seed, i), budget: 1 }));
      const loss = Math.hypot(Number(config['x']) - 1, Number(config['y']) - 0.5);
      told.push({ n: i, config, loss });
      sampler.tell(obs(i, 1, loss, 'completed', config));
    }
    for (const t of [...told].sort((a, b) => a.loss - b.loss).slice(0, Math.floor(n / 3))) {
      sampler.tell(obs(t.n, 9, t.loss / 2, 'completed', t.config));
    }
    return sampler;
  }

  it('is random until a budget has min_points_in_model trials, and says so', () => {
    const sampler = createBohbSampler(space, { random_fraction: 0 }, seed);
    expect(suggested(sampler.ask({ ...requestFor(seed, 0), budget: 1 })).note).toBe('bohb: random until a budget has 3 trials for a trial at budget 1');
    sampler.tell(obs(0, 1, 0.5));
    sampler.tell(obs(1, 1, 0.4));
    expect(suggested(sampler.ask({ ...requestFor(seed, 2), budget: 3 })).note).toBe('bohb: random until a budget has 3 trials; most: 2 at budget 1 for a trial at budget 3');
    sampler.tell(obs(2, 1, 0.3));
    expect(suggested(sampler.ask(requestFor(seed, 3))).note).toMatch(/^bohb: tpe on budget 1 \(gamma 1 of 3\)$/);
  });

  it('fits the largest budget with enough trials, whatever the trial budget, and names it in the note', () => {
    const sampler = primed({ random_fraction: 0 }, 12); // 12 at budget 1, 4 at budget 9: min 3 → budget 9
    const { note } = suggested(sampler.ask({ ...requestFor(seed, 12), budget: 1 }));
    expect(note).toBe('bohb: tpe on budget 9 (8 trials stopped below it as bad) for a trial at budget 1 (gamma 1 of 4)');
    const few = primed({ random_fraction: 0, min_points_in_model: 5 }, 12); // budget 9 has 4 < 5 → budget 1 (12)
    expect(suggested(few.ask({ ...requestFor(seed, 12), budget: 9 })).note).toBe('bohb: tpe on budget 1 for a trial at budget 9 (gamma 2 of 12)');
  });

  it('draws about random_fraction of the asks at random, decided by the trial stream', () => {
    const sampler = primed({}, 12);
    let random = 0;
    const total = 600;
    for (let n = 12; n < 12 + total; n++) {
      const { note } = suggested(sampler.ask({ ...requestFor(seed, n), budget: 1 }));
      if (note.startsWith('bohb: random (random_fraction 0.333)')) random++;
    }
    expect(random / total).toBeGreaterThan(0.27);
    expect(random / total).toBeLessThan(0.4);
    const always = primed({ random_fraction: 1 }, 12);
    expect(suggested(always.ask(requestFor(seed, 40))).note).toBe('bohb: random (random_fraction 1)');
  });

  it('rebuilds by replaying multi-budget tells, superseded ones included', () => {
    const live = primed({}, 15);
    const replayed = createBohbSampler(space, {}, seed);
    // The same tells as primed(), replayed without the asks.
    const probe = createBohbSampler(space, {}, seed);
    const tells: Observation[] = [];
    for (let i = 0; i < 15; i++) {
      const { config } = suggested(probe.ask({ ...requestFor(seed, i), budget: 1 }));
      const loss = Math.hypot(Number(config['x']) - 1, Number(config['y']) - 0.5);
      const o = obs(i, 1, loss, 'completed', config);
      tells.push(o);
      probe.tell(o);
    }
    for (const t of [...tells].sort((a, b) => (a.loss ?? 0) - (b.loss ?? 0)).slice(0, 5)) tells.push({ ...t, budget: 9, loss: (t.loss ?? 0) / 2 });
    for (const t of tells) replayed.tell(t);
    for (let n = 15; n < 20; n++) {
      // A fresh request (and Rng) for each sampler: an ask consumes its request's stream.
      const request = () => ({ ...requestFor(seed, n), budget: 3, bracket: 1 });
      expect(replayed.ask(request())).toEqual(live.ask(request()));
    }
  });

  it('stays valid on mixed and conditional spaces with pending trials', () => {
    const sampler = createBohbSampler(mixedSpace, { min_points_in_model: 4 }, 3);
    const pending: Config[] = [];
    for (let n = 0; n < 30; n++) {
      const { config } = suggested(sampler.ask({ ...requestFor(3, n, pending), budget: n % 3 === 0 ? 9 : 1 }));
      expect(configProblems(mixedSpace, config)).toEqual([]);
      if (n % 4 === 0) pending.push(config);
      else sampler.tell(obs(n, n % 2 === 0 ? 9 : 1, n % 7, 'completed', config));
    }
  });

  it('never repeats a config of a discrete space and ends with exhausted', () => {
    const tiny = createSearchSpace([
      ['a', { kind: 'categorical', choices: ['p', 'q', 'r'] }],
      ['k', { kind: 'int', low: 1, high: 3 }],
    ]);
    const sampler = createBohbSampler(tiny, { min_points_in_model: 2 }, 1);
    const seen = new Set<string>();
    for (let n = 0; n < 9; n++) {
      const { config } = suggested(sampler.ask({ ...requestFor(1, n), budget: 1 }));
      const key = JSON.stringify(config);
      expect(seen.has(key)).toBe(false);
      seen.add(key);
      sampler.tell(obs(n, 1, n, 'completed', config));
    }
    expect(sampler.ask(requestFor(1, 9)).kind).toBe('exhausted');
  });
});
