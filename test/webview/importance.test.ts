/** PED-ANOVA parameter importance (webview-ui/src/importance/pedAnova.ts) on synthetic studies with known effects. */
import { describe, expect, it } from 'vitest';
import type { CellValue, ParamColumn } from '../../src/shared/dashboardProtocol';
import type { TrialStatus } from '../../src/shared/ids';
import { computeImportance, type ImportanceTrial } from '../../webview-ui/src/importance/pedAnova';
import { generateStudy, mulberry32 } from '../fixtures/views/generatedStudy';

const uniform = (name: string): ParamColumn => ({ name, kind: 'float', log: false, low: 0, high: 1, conditional: false });

function study(n: number, seed: number, make: (rand: () => number) => { params: Record<string, CellValue>; value: number }): ImportanceTrial[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, (_, number) => ({ number, status: 'completed' as TrialStatus, step: 10, ...make(rand) }));
}

const share = (r: ReturnType<typeof computeImportance>, name: string): number => r.params.find((p) => p.name === name)!.importance;

describe('computeImportance (PED-ANOVA)', () => {
  const params = [uniform('x1'), uniform('x2'), uniform('x3')];
  const trials = study(1500, 7, (rand) => {
    const x1 = rand();
    const x2 = rand();
    const x3 = rand();
    return { params: { x1, x2, x3 }, value: 5 * x1 + x2 + 0.05 * rand() };
  });

  it('ranks a strong effect above a weak one above none, and the irrelevant one near 0', () => {
    const r = computeImportance({ params, trials, goal: 'minimize' });
    expect(r.params.map((p) => p.name)).toEqual(['x1', 'x2', 'x3']);
    expect(share(r, 'x1')).toBeGreaterThan(0.6);
    expect(share(r, 'x2')).toBeGreaterThan(2 * share(r, 'x3'));
    expect(share(r, 'x3')).toBeLessThan(0.05);
    expect(r.params.reduce((s, p) => s + p.importance, 0)).toBeCloseTo(1, 9);
    expect(r.used).toBe(1500);
    expect(r.top).toBe(150);
    // The best trials sit at small x1: the favoured region starts at the low end.
    expect(r.params[0]!.favoured).toMatch(/^0 … 0\.[0-3]/);
  });

  it('follows the goal: maximising the same values favours the other end', () => {
    const r = computeImportance({ params, trials, goal: 'maximize' });
    expect(r.params[0]!.name).toBe('x1');
    expect(r.params[0]!.favoured).toMatch(/… 1$/);
  });

  it('detects an effect that only a categorical parameter has', () => {
    const cat: ParamColumn = { name: 'opt', kind: 'categorical', log: false, choices: ['adam', 'sgd', 'rmsprop'], conditional: false };
    const r = computeImportance({
      params: [cat, uniform('noise')],
      trials: study(600, 3, (rand) => {
        const opt = (['adam', 'sgd', 'rmsprop'] as const)[Math.floor(rand() * 3)]!;
        return { params: { opt, noise: rand() }, value: (opt === 'adam' ? 0 : 1) + 0.5 * rand() };
      }),
      goal: 'minimize',
    });
    expect(r.params[0]).toMatchObject({ name: 'opt', favoured: 'adam' });
    expect(share(r, 'opt')).toBeGreaterThan(0.9);
  });

  it('is deterministic and independent of the order trials arrive in', () => {
    const a = computeImportance({ params, trials, goal: 'minimize' });
    const b = computeImportance({ params, trials: [...trials].reverse(), goal: 'minimize' });
    expect(b).toEqual(a);
  });

  it('handles conditional parameters: inactive is a cell of its own, and presence alone can matter', () => {
    // `momentum` exists only with sgd, and sgd is worse: the best trials mostly lack it.
    const opt: ParamColumn = { name: 'optimizer', kind: 'categorical', log: false, choices: ['adam', 'sgd'], conditional: false };
    const momentum: ParamColumn = { name: 'momentum', kind: 'float', log: false, low: 0, high: 1, conditional: true };
    const r = computeImportance({
      params: [opt, momentum, uniform('noise')],
      trials: study(800, 11, (rand) => {
        const sgd = rand() < 0.5;
        const p: Record<string, CellValue> = { optimizer: sgd ? 'sgd' : 'adam', noise: rand() };
        if (sgd) p.momentum = rand();
        return { params: p, value: (sgd ? 1 : 0) + rand() };
      }),
      goal: 'minimize',
    });
    expect(r.params.map((p) => p.name).slice(0, 2).sort()).toEqual(['momentum', 'optimizer']);
    expect(r.params.find((p) => p.name === 'momentum')!.favoured).toBe('inactive');
    expect(share(r, 'noise')).toBeLessThan(0.05);
    for (const p of r.params) expect(Number.isFinite(p.importance)).toBe(true);
  });

  it('ranks pruned trials below completed ones and leaves out failed, running and non-finite trials', () => {
    // Pruned trials have *better-looking* values (measured early) at bad x: they must not form the top set.
    const trials2: ImportanceTrial[] = study(400, 5, (rand) => {
      const x1 = rand();
      return { params: { x1, x2: rand(), x3: rand() }, value: x1 };
    }).map((t) => ((t.params.x1 as number) > 0.5 ? { ...t, status: 'pruned', step: 3, value: -1 } : t));
    const extra: ImportanceTrial[] = [
      { number: 1000, status: 'failed', params: { x1: 0.9, x2: 0.5, x3: 0.5 }, value: -100, step: 1 },
      { number: 1001, status: 'running', params: { x1: 0.9, x2: 0.5, x3: 0.5 }, value: -100, step: 1 },
      { number: 1002, status: 'completed', params: { x1: 0.9, x2: 0.5, x3: 0.5 }, value: Number.NaN, step: 10 },
    ];
    const r = computeImportance({ params, trials: [...trials2, ...extra], goal: 'minimize' });
    expect(r.used).toBe(400);
    expect(r.pruned).toBe(trials2.filter((t) => t.status === 'pruned').length);
    expect(r.params[0]!.name).toBe('x1');
    expect(r.params[0]!.favoured).toMatch(/^0 … 0\.[0-2]/);
  });

  it('makes no estimate from too few trials', () => {
    const r = computeImportance({ params, trials: trials.slice(0, 5), goal: 'minimize' });
    expect(r.params).toEqual([]);
    expect(r.used).toBe(5);
  });

  it('ranks lr first on the generated study (its value depends mostly on lr)', () => {
    const g = generateStudy({ trials: 300, reports: 20 });
    const r = computeImportance({ params: g.header.params, trials: g.trials, goal: g.header.goal });
    expect(r.params[0]!.name).toBe('lr');
    expect(r.params).toHaveLength(4);
  });
});
