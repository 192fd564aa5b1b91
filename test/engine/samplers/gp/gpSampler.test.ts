import { describe, expect, it } from 'vitest';
import {
  autoLogOffset,
  createGpSampler,
  fitBudget,
  gpSamplerDefaults,
  parseGpSamplerOptions,
  selectObservations,
  selectWarpByEvidence,
  transformLosses,
  warpLosses,
  warpSelectionCap,
} from '../../../../src/engine/samplers/gp/gpSampler';
import { createRng } from '../../../../src/engine/util/rng';
import { createSampler } from '../../../../src/engine/samplers/registry';
import type { Sampler } from '../../../../src/engine/samplers/sampler';
import { createSobolSampler } from '../../../../src/engine/samplers/sobol';
import type { Config } from '../../../../src/engine/space/searchSpace';
import { configProblems, mixedSpace, nestedSpace, requestFor } from '../../../contracts/samplerContract';
import { branin } from './problems';

function feed(sampler: Sampler, seed: number, trials: number, loss: (c: Config) => number | null): Config[] {
  const configs: Config[] = [];
  for (let n = 0; n < trials; n++) {
    const a = sampler.ask(requestFor(seed, n));
    if (a.kind !== 'suggest') throw new Error('exhausted');
    const l = loss(a.config);
    sampler.tell({ trialId: String(n), trialNumber: n, config: a.config, budget: 1, loss: l, status: l === null ? 'failed' : 'completed' });
    configs.push(a.config);
  }
  return configs;
}

describe('gp sampler options', () => {
  it('has documented defaults and accepts camelCase or snake_case', () => {
    expect(parseGpSamplerOptions({})).toEqual({ ok: true, value: gpSamplerDefaults });
    expect(gpSamplerDefaults).toEqual({ nStartupTrials: 10, nCandidates: 2048, maxObservations: 200, outputTransform: 'auto', additive: true });
    const r = parseGpSamplerOptions({ n_startup_trials: 4, nCandidates: 64, max_observations: 50, outputTransform: 'rank', additive: false });
    expect(r).toEqual({ ok: true, value: { nStartupTrials: 4, nCandidates: 64, maxObservations: 50, outputTransform: 'rank', additive: false } });
  });

  it('rejects bad values with the option name, through the registry too', () => {
    expect(parseGpSamplerOptions({ nStartupTrials: 0 })).toEqual({ ok: false, error: expect.stringContaining('n_startup_trials') });
    expect(parseGpSamplerOptions({ nCandidates: 2.5 }).ok).toBe(false);
    expect(parseGpSamplerOptions({ outputTransform: 'boxcox' })).toEqual({ ok: true, value: { ...gpSamplerDefaults, outputTransform: 'boxcox' } });
    expect(parseGpSamplerOptions({ outputTransform: 'sqrt' })).toEqual({ ok: false, error: expect.stringContaining('output_transform') });
    expect(parseGpSamplerOptions({ additive: 'yes' })).toEqual({ ok: false, error: expect.stringContaining('additive') });
    const bad = createSampler('gp', mixedSpace, { maxObservations: 3 }, 1);
    expect(bad).toEqual({ ok: false, error: expect.stringContaining('max_observations') });
    const good = createSampler('gp', mixedSpace, {}, 1);
    expect(good.ok && good.value.name).toBe('gp');
  });
});

describe('gp sampler helpers', () => {
  it('auto-warps by the GP evidence: a log for a loss spanning decades, none for a rippled bowl', () => {
    const dims = 2;
    const pts: number[][] = [];
    for (let i = 0; i < 7; i++) for (let j = 0; j < 7; j++) pts.push([(i + 0.5) / 7, (j + 0.37 * i + 0.5) % 7 / 7]);
    const x = Float64Array.from(pts.flat());
    // Rosenbrock on [-2, 2]²: a smooth function of its log, orders of magnitude between valley and corners.
    const rosen = pts.map(([a = 0, b = 0]) => {
      const u = 4 * a - 2;
      const v = 4 * b - 2;
      return 100 * (v - u * u) ** 2 + (1 - u) ** 2;
    });
    expect(Number.isFinite(selectWarpByEvidence(x, rosen, dims, createRng(1)).eps)).toBe(true);
    // A plain quadratic bowl is smoothest unwarped (a log would put a kink at its minimum).
    const bowl = pts.map(([a = 0, b = 0]) => (a - 0.3) ** 2 + (b - 0.6) ** 2 + 1);
    const bowlChoice = selectWarpByEvidence(x, bowl, dims, createRng(1));
    expect(bowlChoice.eps).toBeGreaterThanOrEqual(1);
    expect(bowlChoice.subsampled).toBe(false);
    // Deterministic for the same stream, and the Jacobian makes the no-warp score z-scoring invariant.
    expect(selectWarpByEvidence(x, bowl, dims, createRng(1)).eps).toBe(bowlChoice.eps);
    expect(selectWarpByEvidence(x, bowl.map((v) => 3 * v + 5), dims, createRng(1)).eps).toBe(bowlChoice.eps);
    const w = warpLosses([1, 2, 4], Infinity);
    expect(w.y.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12);
    expect(warpSelectionCap).toBeGreaterThanOrEqual(20);
  });

  it('past the cap, chooses the warp on a subsample with one L-BFGS run per warp, and picks it as the full budget would', () => {
    const dims = 3;
    const rng = createRng(5);
    const n = warpSelectionCap + 30;
    const x = Float64Array.from({ length: n * dims }, () => rng.next());
    // Spans decades (a log suits it) and has a smooth bowl: both kinds of warp are in play.
    const losses = Array.from({ length: n }, (_, i) => {
      let s = 0;
      for (let d = 0; d < dims; d++) s += ((x[i * dims + d] ?? 0) - 0.3) ** 2;
      return Math.exp(6 * s);
    });
    const choice = selectWarpByEvidence(x, losses, dims, createRng(1));
    expect(choice.subsampled).toBe(true);
    // One run from the prior's centre: no screening draws, at most one run's evaluations.
    expect(choice.fit.evaluations).toBeLessThanOrEqual(fitBudget(warpSelectionCap, dims).maxEvaluations);
    // The same subsample fitted with the full budget (restarts and screening) ranks the warps the same way here.
    const rows = selectObservations(losses, warpSelectionCap);
    const sub = Float64Array.from(rows.flatMap((i) => Array.from(x.subarray(i * dims, (i + 1) * dims))));
    const full = selectWarpByEvidence(sub, rows.map((i) => losses[i] ?? 0), dims, createRng(1));
    expect(full.subsampled).toBe(false);
    expect(full.fit.evaluations).toBeGreaterThan(fitBudget(warpSelectionCap, dims).maxEvaluations);
    expect(choice.eps).toBe(full.eps);
    expect(Number.isFinite(choice.eps)).toBe(true);
  });

  it('standardises, log-warps and rank-warps losses', () => {
    const z = transformLosses([1, 2, 3, 1000], 'standardize');
    expect(z.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12);
    const logged = transformLosses([1, 2, 3, 1000], 'log');
    // The log warp pulls the outlier in: the gap between 3 and 1000 shrinks relative to 1→3.
    expect(((logged[3] ?? 0) - (logged[2] ?? 0)) / ((logged[2] ?? 0) - (logged[0] ?? 0))).toBeLessThan(((z[3] ?? 0) - (z[2] ?? 0)) / ((z[2] ?? 0) - (z[0] ?? 0)));
    const ranked = transformLosses([5, 1, 5, 9], 'rank');
    expect(ranked[0]).toBe(ranked[2]);
    expect(ranked[1]).toBeLessThan(ranked[0] ?? 0);
    expect(Array.from(transformLosses([2, 2, 2], 'standardize'))).toEqual([0, 0, 0]);
  });

  it('auto-warps by maximum likelihood: a strong log for losses spanning decades, none for a symmetric spread', () => {
    // Rosenbrock-like: most losses within a decade of the best, a few orders of magnitude above.
    const heavy = [3, 5, 8, 12, 20, 40, 90, 300, 2000, 40000];
    expect(autoLogOffset(heavy)).toBeLessThanOrEqual(0.01);
    // Evenly spread losses: no warp (or only a mild one) is the most likely.
    const even = Array.from({ length: 20 }, (_, i) => -3 + 0.1 * i);
    expect(autoLogOffset(even)).toBeGreaterThanOrEqual(1);
    // Shift and scale invariant (the warp acts on (y − min)/range).
    expect(autoLogOffset(heavy.map((v) => 7 * v - 100))).toBe(autoLogOffset(heavy));
    // Too few or constant losses: no warp.
    expect(autoLogOffset([1, 2])).toBe(Infinity);
    expect(autoLogOffset([4, 4, 4, 4])).toBe(Infinity);
    const warped = transformLosses(heavy, 'auto');
    expect(warped.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 10);
    // Order is kept, the outlier is pulled in and the good losses, flat in raw z-scores, are spread out.
    const raw = transformLosses(heavy, 'standardize');
    for (let i = 1; i < heavy.length; i++) expect(warped[i] ?? 0).toBeGreaterThan(warped[i - 1] ?? 0);
    expect(warped[9] ?? 0).toBeLessThan((raw[9] ?? 0) - 0.3);
    expect((warped[7] ?? 0) - (warped[0] ?? 0)).toBeGreaterThan((raw[7] ?? 0) - (raw[0] ?? 0) + 0.5);
  });

  it('keeps the better half and the most recent observations beyond the cap', () => {
    expect(selectObservations([3, 1, 2], 5)).toEqual([0, 1, 2]);
    // cap 4: best two (indices 1 and 4), then the most recent others (7, 6).
    expect(selectObservations([5, 0, 9, 8, 1, null, 7, 6], 4)).toEqual([1, 4, 6, 7]);
  });

  it('spends fewer likelihood evaluations as n grows, within fixed bounds', () => {
    const small = fitBudget(20, 2);
    const large = fitBudget(200, 6);
    expect(small.restarts * small.maxEvaluations).toBeGreaterThan(large.restarts * large.maxEvaluations);
    expect(large.restarts).toBe(1);
    expect(large.maxEvaluations).toBeGreaterThanOrEqual(30);
  });
});

describe('gp sampler behaviour', () => {
  it('starts with the study Sobol sequence', () => {
    const gp = createGpSampler(branin.space, { nStartupTrials: 6 }, 7);
    const sobol = createSobolSampler(branin.space, { scramble: true }, 7);
    const configs = feed(gp, 7, 6, (c) => branin.evaluate(c));
    configs.forEach((c, n) => {
      const s = sobol.ask(requestFor(7, n));
      expect(s.kind === 'suggest' && s.config).toEqual(c);
    });
  });

  it('suggests different points for parallel asks (kriging believer over pending trials)', () => {
    const gp = createGpSampler(branin.space, { nStartupTrials: 8, nCandidates: 512 }, 3);
    feed(gp, 3, 12, (c) => branin.evaluate(c));
    const pending: Config[] = [];
    for (let k = 0; k < 4; k++) {
      // The same rng for every ask: only `pending` differs.
      const a = gp.ask(requestFor(3, 12, pending));
      expect(a.kind).toBe('suggest');
      if (a.kind !== 'suggest') return;
      expect(a.note).toContain('gp: log EI');
      for (const p of pending) expect(a.config).not.toEqual(p);
      pending.push(a.config);
    }
  });

  it('treats failed trials as the worst loss and steers away from where they fail', () => {
    const failing = (c: Config): number | null => ((c['x0'] as number) > 2.5 ? null : branin.evaluate(c));
    const gp = createGpSampler(branin.space, { nStartupTrials: 10, nCandidates: 512 }, 5);
    const configs = feed(gp, 5, 30, failing);
    const late = configs.slice(15);
    expect(late.filter((c) => failing(c) === null).length).toBeLessThanOrEqual(3);
  });

  it('stays inside mixed and conditional spaces after the startup phase', () => {
    for (const space of [mixedSpace, nestedSpace]) {
      const gp = createGpSampler(space, { nStartupTrials: 4, nCandidates: 128 }, 2);
      const configs = feed(gp, 2, 14, (c) => Object.values(c).reduce<number>((s, v) => s + (typeof v === 'number' ? Math.abs(Math.log(Math.abs(v) + 1e-3)) : String(v).length), 0));
      for (const c of configs) expect(configProblems(space, c)).toEqual([]);
    }
  });
});
