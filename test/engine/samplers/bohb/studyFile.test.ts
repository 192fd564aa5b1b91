/** BOHB in the study file: `sampler: bohb` + a Hyperband scheduler, the `scheduler: bohb` shortcut, and the warnings. */
import { describe, expect, it } from 'vitest';
import { checkStudySpec } from '../../../../src/engine/spec/parseStudySpec';
import type { SpecIssue } from '../../../../src/engine/spec/parseStudySpec';

const FILE = '/home/u/proj/study.rung.yaml';
const HEAD = 'name: t\ncommand: run {args} --epochs {budget}\nmetric: loss\nparameters:\n  x: {type: float, low: 0, high: 1}\n';

function check(tail: string): ReturnType<typeof checkStudySpec> & { warnings: SpecIssue[] } {
  const checked = checkStudySpec(HEAD + tail, FILE);
  return { ...checked, warnings: checked.issues.filter((i) => i.severity === 'warning') };
}

describe('study file', () => {
  it('sampler: bohb with scheduler hyperband is BOHB, no warning; the options get their defaults', () => {
    const r = check('sampler: bohb\nscheduler: {type: hyperband, min_budget: 1, max_budget: 27, eta: 3}\n');
    expect(r.issues).toEqual([]);
    expect(r.spec?.sampler).toEqual({
      type: 'bohb',
      options: { randomFraction: 1 / 3, gamma: 0.15, nEiCandidates: 64, priorWeight: 1, multivariate: true, constantLiar: true },
    });
    expect(r.spec?.scheduler).toMatchObject({ type: 'hyperband', maxBudget: 27, minBudget: 1 });
  });

  it('scheduler: bohb is Hyperband (same options) with sampler bohb', () => {
    const r = check('scheduler: {type: bohb, max_budget: 27, async: false}\n');
    expect(r.issues).toEqual([]);
    expect(r.spec?.scheduler).toEqual({ type: 'hyperband', maxBudget: 27, options: { eta: 3, async: false } });
    expect(r.spec?.sampler.type).toBe('bohb');
    expect(check('scheduler: bohb\nbudget: 9\n').spec?.scheduler.type).toBe('hyperband');
  });

  it('scheduler: bohb with another sampler warns on the sampler line and runs Hyperband with it', () => {
    const r = check('sampler: tpe\nscheduler: {type: bohb, max_budget: 27}\n');
    expect(r.spec?.sampler.type).toBe('tpe');
    expect(r.warnings.map((w) => [w.line, w.path])).toEqual([[6, 'sampler']]);
    expect(r.warnings[0]?.message).toMatch(/scheduler bohb means Hyperband with sampler bohb, but sampler "tpe" is set/);
  });

  it('sampler: bohb without a successive-halving scheduler warns where the sampler is written', () => {
    for (const scheduler of ['fifo', 'median']) {
      const r = check(`trials: 20\nsampler: {type: bohb, random_fraction: 0.2}\nscheduler: ${scheduler}\nbudget: 9\n`);
      expect(r.spec).toBeDefined();
      expect(r.warnings.map((w) => [w.line, w.column, w.path])).toEqual([[7, 10, 'sampler']]);
      expect(r.warnings[0]?.message).toContain(`scheduler ${scheduler} has none`);
      expect(r.warnings[0]?.message).toContain('scheduler: {type: hyperband');
    }
    expect(check('sampler: bohb\n').warnings).toHaveLength(1); // fifo by default
    expect(check('sampler: bohb\nscheduler: {type: asha, max_budget: 9}\n').warnings).toEqual([]);
  });

  it('rejects unknown bohb options like any other sampler', () => {
    const r = check('sampler: {type: bohb, n_startup_trials: 5}\nscheduler: {type: hyperband, max_budget: 9}\n');
    expect(r.spec).toBeUndefined();
    expect(r.issues.map((i) => i.message)).toEqual([expect.stringMatching(/unknown key "n_startup_trials" in sampler "bohb"/)]);
  });
});
