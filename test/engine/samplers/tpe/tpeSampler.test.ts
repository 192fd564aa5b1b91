import { describe, expect, it } from 'vitest';
import { createRandomSampler } from '../../../../src/engine/samplers/random';
import { createSampler } from '../../../../src/engine/samplers/registry';
import type { AskResult, Observation, Sampler } from '../../../../src/engine/samplers/sampler';
import { createTpeSampler, defaultTpeSamplerOptions, defaultWeights, parseTpeSamplerOptions, tpeGroups } from '../../../../src/engine/samplers/tpe/tpeSampler';
import { createSearchSpace } from '../../../../src/engine/space/searchSpace';
import type { Config } from '../../../../src/engine/space/searchSpace';
import { configProblems, nestedSpace, requestFor } from '../../../contracts/samplerContract';
import { bestRegret, branin, hartmann6, median, quadratic2d } from './problems';
import type { Problem } from './problems';

function suggested(answer: AskResult): Config {
  if (answer.kind !== 'suggest') throw new Error(`unexpected exhaustion: ${answer.reason}`);
  return answer.config;
}

function completed(n: number, config: Config, loss: number | null, extra: Partial<Observation> = {}): Observation {
  return { trialId: String(n), trialNumber: n, config, budget: 1, loss, status: loss === null ? 'failed' : 'completed', ...extra };
}

/** Sequential ask → tell on a problem; returns every config asked. */
function run(sampler: Sampler, problem: Problem, seed: number, trials: number): Config[] {
  const configs: Config[] = [];
  for (let n = 0; n < trials; n++) {
    const config = suggested(sampler.ask(requestFor(seed, n)));
    configs.push(config);
    sampler.tell(completed(n, config, problem.evaluate(config)));
  }
  return configs;
}

describe('options', () => {
  it('fills defaults and reads camelCase or snake_case keys', () => {
    expect(parseTpeSamplerOptions({})).toEqual({ ok: true, value: defaultTpeSamplerOptions });
    const r = parseTpeSamplerOptions({
      n_startup_trials: 5,
      nEiCandidates: 48,
      gamma: 0.25,
      gamma_max: 10,
      priorWeight: 2,
      multivariate: false,
      constant_liar: false,
      bandwidth: 'scott',
      min_bandwidth: 0,
      magicClipExponent: 1,
      weighting: 'uniform',
      optuna_model_when_pruned: false,
      conditional_split: 'global',
    });
    expect(r).toEqual({
      ok: true,
      value: {
        nStartupTrials: 5,
        nEiCandidates: 48,
        gamma: 0.25,
        gammaMax: 10,
        priorWeight: 2,
        multivariate: false,
        constantLiar: false,
        bandwidth: 'scott',
        minBandwidth: 0,
        magicClipExponent: 1,
        weighting: 'uniform',
        optunaModelWhenPruned: false,
        conditionalSplit: 'global',
      },
    });
  });
  it('defaults to the model of Watanabe 2023: multivariate, neighbour bandwidths floored at 3 % of the range, EI weights', () => {
    expect(defaultTpeSamplerOptions).toMatchObject({ multivariate: true, bandwidth: 'neighbour', minBandwidth: 0.03, magicClipExponent: 2, weighting: 'ei', nEiCandidates: 24, gamma: 0.1, gammaMax: 25, nStartupTrials: 10 });
  });
  it('rejects invalid values with a message naming the option (a Result from the registry)', () => {
    const r = parseTpeSamplerOptions({ gamma: 0, n_ei_candidates: 2.5, multivariate: 'yes', bandwidth: 'silverman', min_bandwidth: 2, magic_clip_exponent: -1, weighting: 'rank', conditional_split: 'trial' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      for (const name of ['gamma', 'n_ei_candidates', 'multivariate', 'bandwidth', 'min_bandwidth', 'magic_clip_exponent', 'weighting', 'conditional_split']) expect(r.error).toContain(name);
    }
    const created = createSampler('tpe', quadratic2d.space, { prior_weight: -1 }, 1);
    expect(created.ok).toBe(false);
    expect(createSampler('tpe', quadratic2d.space, {}, 1).ok).toBe(true);
  });
  it("default weights are Optuna's: flat up to 25, older ones ramped beyond", () => {
    expect([...defaultWeights(3)]).toEqual([1, 1, 1]);
    const w = defaultWeights(30);
    expect(w[0]).toBeCloseTo(1 / 30, 12);
    expect(w[4]).toBeCloseTo(1, 12);
    expect([...w.slice(5)].every((x) => x === 1)).toBe(true);
  });
});

describe('tpe sampler', () => {
  it('starts with random draws from request.rng (like the random sampler), then uses the model, saying so', () => {
    const tpe = createTpeSampler(quadratic2d.space, { n_startup_trials: 3 }, 1);
    const random = createRandomSampler(quadratic2d.space, {}, 1);
    const notes: string[] = [];
    for (let n = 0; n < 5; n++) {
      const answer = tpe.ask(requestFor(7, n));
      if (n < 3) expect(answer).toEqual({ ...random.ask(requestFor(7, n)), note: `random startup ${n + 1}/3` });
      notes.push(answer.kind === 'suggest' ? (answer.note ?? '') : '');
      const config = suggested(answer);
      tpe.tell(completed(n, config, quadratic2d.evaluate(config)));
    }
    expect(notes.slice(3)).toEqual(['tpe multivariate (gamma 1 of 3)', 'tpe multivariate (gamma 1 of 4)']);
    const uni = createTpeSampler(quadratic2d.space, { n_startup_trials: 0, multivariate: false }, 1);
    expect(uni.ask(requestFor(1, 0, [{ x: 0, y: 0 }]))).toMatchObject({ note: 'tpe (gamma 0 of 0, 1 running as liars)' });
  });

  it('failed trials count neither towards n nor the start-up, and a re-told trial counts once (latest tell)', () => {
    const tpe = createTpeSampler(quadratic2d.space, { n_startup_trials: 2 }, 1);
    tpe.tell(completed(0, { x: 0, y: 0 }, null));
    tpe.tell(completed(1, { x: 1, y: 1 }, 3));
    expect(tpe.ask(requestFor(1, 2))).toMatchObject({ note: 'random startup 2/2' });
    tpe.tell(completed(1, { x: 1, y: 1 }, 2, { budget: 3 }));
    expect(tpe.ask(requestFor(1, 2))).toMatchObject({ note: 'random startup 2/2' });
    tpe.tell(completed(2, { x: 2, y: 1 }, 5, { status: 'pruned' }));
    expect(tpe.ask(requestFor(1, 3))).toMatchObject({ note: 'tpe multivariate (gamma 1 of 2; trials were pruned: Optuna 3.1 univariate model)' });
    const keep = createTpeSampler(quadratic2d.space, { n_startup_trials: 2, optuna_model_when_pruned: false }, 1);
    keep.tell(completed(1, { x: 1, y: 1 }, 2));
    keep.tell(completed(2, { x: 2, y: 1 }, 5, { status: 'pruned' }));
    expect(keep.ask(requestFor(1, 3))).toMatchObject({ note: 'tpe multivariate (gamma 1 of 2)' });
  });

  it('models the completed best first: a pruned trial with a lower loss does not pull the search', () => {
    // Completed trials near (3, 3); a pruned trial at (-4, -4) with a far lower loss, at a lower budget.
    const tpe = createTpeSampler(quadratic2d.space, { n_startup_trials: 0, gamma: 0.5, gamma_max: 2 }, 1);
    tpe.tell(completed(0, { x: -4, y: -4 }, 0.001, { status: 'pruned', budget: 1 }));
    tpe.tell(completed(1, { x: 3, y: 3 }, 1, { budget: 9 }));
    tpe.tell(completed(2, { x: 3.1, y: 2.9 }, 1.1, { budget: 9 }));
    tpe.tell(completed(3, { x: 0, y: 4 }, 9, { budget: 9 }));
    const near = Array.from({ length: 20 }, (_, i) => suggested(tpe.ask(requestFor(2, 4 + i)))).filter(
      (c) => Math.hypot((c['x'] as number) - 3, (c['y'] as number) - 3) < 2,
    );
    expect(near.length).toBeGreaterThanOrEqual(14);
  });

  it('EI weighting pulls l(x) towards the best of the good group; uniform weighting splits it evenly', () => {
    // Good group: (3, 3) with loss 0 and (-3, -3) with loss 0.9; the split (the best bad loss) is 1.
    const nearBest = (weighting: string): number => {
      const tpe = createTpeSampler(quadratic2d.space, { n_startup_trials: 0, gamma: 0.5, gamma_max: 2, weighting }, 1);
      tpe.tell(completed(0, { x: 3, y: 3 }, 0));
      tpe.tell(completed(1, { x: -3, y: -3 }, 0.9));
      tpe.tell(completed(2, { x: 0, y: 4.5 }, 1));
      tpe.tell(completed(3, { x: 4.5, y: -4.5 }, 2));
      return Array.from({ length: 40 }, (_, i) => suggested(tpe.ask(requestFor(3, 4 + i)))).filter(
        (c) => Math.hypot((c['x'] as number) - 3, (c['y'] as number) - 3) < 2,
      ).length;
    };
    const ei = nearBest('ei');
    expect(ei).toBeGreaterThanOrEqual(30);
    expect(ei).toBeGreaterThan(nearBest('uniform'));
  });

  it('groups parameters: one each in univariate mode, by activation condition in multivariate mode', () => {
    expect(tpeGroups(nestedSpace, false)).toEqual([[0], [1], [2], [3], [4], [5]]);
    // optimizer+lr unconditional; momentum (sgd); schedule (sgd|rmsprop); decay_steps (schedule=step); beta2 (adam).
    expect(tpeGroups(nestedSpace, true)).toEqual([[0, 1], [2], [3], [4], [5]]);
  });

  it('handles conditional parameters: learns the branch and the child that only exists there', () => {
    const space = createSearchSpace([
      ['optimizer', { kind: 'categorical', choices: ['adam', 'sgd', 'rmsprop'] }],
      ['momentum', { kind: 'float', low: 0, high: 0.99, when: { optimizer: ['sgd'] } }],
      ['beta2', { kind: 'float', low: 0.9, high: 0.9999, when: { optimizer: ['adam'] } }],
      ['lr', { kind: 'float', low: 1e-4, high: 1, log: true }],
    ]);
    const problem: Problem = {
      name: 'conditional',
      space,
      fOpt: 0,
      evaluate: (c) => (Math.log10(c['lr'] as number) + 2) ** 2 + (c['optimizer'] === 'sgd' ? ((c['momentum'] as number) - 0.9) ** 2 * 10 : 2),
    };
    for (const multivariate of [false, true]) {
      const configs = run(createTpeSampler(space, { multivariate }, 3), problem, 3, 60);
      for (const c of configs) expect(configProblems(space, c)).toEqual([]);
      const late = configs.slice(40);
      const sgd = late.filter((c) => c['optimizer'] === 'sgd');
      expect(sgd.length).toBeGreaterThanOrEqual(12);
      const m = median(sgd.map((c) => Math.abs((c['momentum'] as number) - 0.9)));
      expect(m).toBeLessThan(0.15);
    }
  });

  it('splits a conditional group among the trials where it was active: a branch no top trial took still learns its best child value', () => {
    // Branch a holds every globally good trial; branch b's trials are all worse, the best of them at x_b = 0.8.
    // Globally split (Optuna 3.1), x_b's good density is the prior alone and the asks avoid every b trial seen,
    // 0.8 included; split among b's own trials, its good density sits on 0.8. (Running trials in branch a, as
    // liars, make the asks take branch b: otherwise TPE would hardly ever leave branch a here.)
    const space = createSearchSpace([
      ['branch', { kind: 'categorical', choices: ['a', 'b'] }],
      ['x_a', { kind: 'float', low: 0, high: 1, when: { branch: ['a'] } }],
      ['x_b', { kind: 'float', low: 0, high: 1, when: { branch: ['b'] } }],
    ]);
    const distancesToBest = (conditionalSplit: string, multivariate: boolean): number[] => {
      const tpe = createTpeSampler(space, { n_startup_trials: 0, conditional_split: conditionalSplit, multivariate }, 5);
      let n = 0;
      for (let i = 0; i < 10; i++) tpe.tell(completed(n++, { branch: 'a', x_a: i / 10 }, i / 10));
      const others = [0.02, 0.12, 0.22, 0.32, 0.42, 0.52, 0.62, 0.95, 0.99];
      tpe.tell(completed(n++, { branch: 'b', x_b: 0.8 }, 5));
      others.forEach((x, i) => tpe.tell(completed(n++, { branch: 'b', x_b: x }, 6 + i)));
      const running = Array.from({ length: 40 }, (_, i) => ({ branch: 'a', x_a: i / 40 }));
      const xs: number[] = [];
      for (let i = 0; i < 400 && xs.length < 40; i++) {
        const c = suggested(tpe.ask(requestFor(7, n + i, running)));
        if (c['branch'] === 'b') xs.push(Math.abs((c['x_b'] as number) - 0.8));
      }
      expect(xs.length).toBeGreaterThanOrEqual(20);
      return xs;
    };
    for (const multivariate of [true, false]) {
      const group = median(distancesToBest('group', multivariate));
      const global = median(distancesToBest('global', multivariate));
      expect(group).toBeLessThan(0.05);
      expect(global).toBeGreaterThan(2 * group);
    }
  });

  it('never repeats a config on a discrete space (told or pending) and then answers exhausted', () => {
    const space = createSearchSpace([
      ['act', { kind: 'categorical', choices: ['relu', 'tanh', 'gelu'] }],
      ['layers', { kind: 'int', low: 1, high: 4 }],
      ['width', { kind: 'int', low: 16, high: 64, step: 16, when: { act: ['relu'] } }],
    ]);
    // relu: 4 · 4, tanh: 4, gelu: 4 → 24 configs.
    for (const multivariate of [false, true]) {
      const tpe = createTpeSampler(space, { multivariate, n_startup_trials: 4 }, 1);
      const seen = new Set<string>();
      const pending: Config[] = [];
      for (let n = 0; n < 24; n++) {
        const config = suggested(tpe.ask(requestFor(1, n, pending)));
        expect(configProblems(space, config)).toEqual([]);
        const key = JSON.stringify(config);
        expect(seen.has(key)).toBe(false);
        seen.add(key);
        // Keep two trials running at a time.
        pending.push(config);
        if (pending.length > 2) {
          const done = pending.shift() as Config;
          tpe.tell(completed(n, done, (done['layers'] as number) + (done['act'] === 'relu' ? 0 : 1)));
        }
      }
      const answer = tpe.ask(requestFor(1, 24, pending));
      expect(answer.kind).toBe('exhausted');
      if (answer.kind === 'exhausted') expect(answer.reason).toContain('running');
      for (const [i, done] of pending.entries()) tpe.tell(completed(100 + i, done, 1));
      expect(tpe.ask(requestFor(1, 25)).kind).toBe('exhausted');
    }
  });

  it('spreads parallel asks out (constant liar): 8 asks with pending are not near-copies', () => {
    for (const multivariate of [false, true]) {
      for (const seed of [1, 2, 3, 4, 5]) {
        const tpe = createTpeSampler(quadratic2d.space, { multivariate }, seed);
        run(tpe, quadratic2d, seed, 40);
        const withLiars: Config[] = [];
        const without: Config[] = [];
        for (let n = 40; n < 48; n++) {
          withLiars.push(suggested(tpe.ask(requestFor(seed, n, withLiars))));
          without.push(suggested(tpe.ask(requestFor(seed, n))));
        }
        const distances = (cs: Config[]): number[] =>
          cs.flatMap((a, i) => cs.slice(i + 1).map((b) => Math.hypot((a['x'] as number) - (b['x'] as number), (a['y'] as number) - (b['y'] as number))));
        const minWith = Math.min(...distances(withLiars));
        // The box is 10 × 10: no two of the 8 closer than 0.2; without liars some pairs nearly coincide.
        expect(minWith).toBeGreaterThan(0.2);
        expect(minWith).toBeGreaterThan(Math.min(...distances(without)));
      }
    }
  });

  it('rebuilds by replay with pruned, failed, re-told and pending observations', () => {
    for (const multivariate of [false, true]) {
      const live = createTpeSampler(nestedSpace, { multivariate, n_startup_trials: 5 }, 1);
      const tells: Observation[] = [];
      for (let n = 0; n < 30; n++) {
        const config = suggested(live.ask(requestFor(4, n)));
        const status = n % 7 === 3 ? 'pruned' : n % 9 === 5 ? 'failed' : 'completed';
        const o: Observation = { trialId: String(n), trialNumber: n, config, budget: status === 'pruned' ? 1 : 3, loss: status === 'failed' ? null : (n * 37) % 11, status };
        live.tell(o);
        tells.push(o);
        if (n % 6 === 0) {
          const again = { ...o, budget: 9, loss: ((n * 13) % 5) as number, status: 'completed' as const };
          live.tell(again);
          tells.push(again);
        }
      }
      const replayed = createTpeSampler(nestedSpace, { multivariate, n_startup_trials: 5 }, 1);
      for (const t of tells) replayed.tell(t);
      const pending = [tells[0]?.config ?? {}, tells[1]?.config ?? {}];
      expect(replayed.ask(requestFor(4, 30, pending))).toEqual(live.ask(requestFor(4, 30, pending)));
    }
  });
});

describe('quality smoke (fixed seeds, loose thresholds, not timed)', () => {
  const seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  for (const problem of [quadratic2d, branin, hartmann6]) {
    it(`median best regret after 100 trials beats random clearly on ${problem.name}`, () => {
      const random = median(seeds.map((s) => bestRegret(createRandomSampler, {}, problem, s, 100)));
      const uni = median(seeds.map((s) => bestRegret(createTpeSampler, {}, problem, s, 100)));
      const multi = median(seeds.map((s) => bestRegret(createTpeSampler, { multivariate: true }, problem, s, 100)));
      expect(uni).toBeLessThan(0.5 * random);
      expect(multi).toBeLessThan(0.5 * random);
    });
  }
});
