import { describe, expect, it } from 'vitest';
import { createScheduler, schedulerNames, type SchedulerSettings } from '../../../src/engine/schedulers/registry';
import type { Scheduler } from '../../../src/engine/schedulers/scheduler';
import { formatSpecIssue, parseStudySpec } from '../../../src/engine/spec/parseStudySpec';

function build(settings: SchedulerSettings): Scheduler {
  const result = createScheduler(settings, 0);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

describe('scheduler registry', () => {
  it('knows every scheduler', () => {
    expect(schedulerNames).toEqual(['fifo', 'median', 'sha', 'hyperband', 'asha']);
  });

  it.each([
    ['fifo', {}, 'stopping', undefined],
    ['median', {}, 'stopping', undefined],
    ['asha', {}, 'stopping', undefined],
    ['asha', { mode: 'promotion' }, 'promotion', 1],
    ['sha', {}, 'promotion', 1],
    ['hyperband', {}, 'stopping', undefined],
    ['hyperband', { async: false }, 'promotion', 1],
    ['hyperband', { mode: 'promotion' }, 'promotion', undefined],
  ] as const)('%s %j → %s mode', (type, options, mode, firstBudget) => {
    const s = build({ type, maxBudget: 27, options });
    expect(s.name).toBe(type);
    expect(s.mode).toBe(mode);
    expect(typeof s.onSlotFree === 'function').toBe(mode === 'promotion');
    if (firstBudget !== undefined) expect(s.describe().brackets[0]?.rungs[0]).toBe(firstBudget);
  });

  it('min_budget defaults to 1 and eta to 3', () => {
    expect(build({ type: 'asha', maxBudget: 27, options: {} }).describe().brackets[0]?.rungs).toEqual([1, 3, 9, 27]);
    expect(build({ type: 'asha', maxBudget: 27, minBudget: 2, options: { eta: 2 } }).describe().brackets[0]?.rungs).toEqual([2, 4, 8, 16, 27]);
  });

  it.each([
    [{ type: 'bohb', maxBudget: 9, options: {} }, /unknown scheduler "bohb"; available: fifo, median, sha, hyperband, asha/],
    [{ type: 'sha', maxBudget: 1, options: {} }, /scheduler sha needs min_budget < max_budget \(got min_budget 1, max_budget 1\)/],
    [{ type: 'asha', maxBudget: 9, minBudget: 9, options: {} }, /needs min_budget < max_budget/],
    [{ type: 'asha', options: {} }, /scheduler asha needs max_budget/],
    [{ type: 'asha', maxBudget: 9, options: { eta: 1 } }, /"eta" must be a number greater than 1 \(got 1\)/],
    [{ type: 'asha', maxBudget: 9, options: { mode: 'pause' } }, /"mode" must be "stopping" or "promotion" \(got "pause"\)/],
    [{ type: 'sha', maxBudget: 9, options: { initialTrials: 0 } }, /"initial_trials" must be a positive integer/],
    [{ type: 'hyperband', maxBudget: 9, options: { async: false, mode: 'stopping' } }, /synchronous Hyperband \(async: false\) runs in promotion mode/],
    [{ type: 'hyperband', maxBudget: 9, options: { async: 'yes' } }, /"async" must be true or false/],
    [{ type: 'median', maxBudget: 9, options: { minTrials: 0 } }, /"min_trials" must be a positive integer/],
    [{ type: 'median', maxBudget: 9, options: { warmupSteps: -1 } }, /"warmup_steps" must be a number >= 0/],
    [{ type: 'hyperband', maxBudget: 1000, options: { eta: 1.01 } }, /more than 40 rungs/],
  ] as const)('rejects %j', (settings, message) => {
    const result = createScheduler(settings, 0);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });

  it.each([
    ['scheduler: {type: asha, min_budget: 1, max_budget: 27, eta: 3}', 'asha', 'stopping'],
    ['scheduler: {type: asha, max_budget: 27, mode: promotion}', 'asha', 'promotion'],
    ['scheduler: {type: sha, max_budget: 16, eta: 2, initial_trials: 8}', 'sha', 'promotion'],
    ['scheduler: {type: hyperband, max_budget: 81, async: false}', 'hyperband', 'promotion'],
    ['scheduler: {type: hyperband, max_budget: 81}', 'hyperband', 'stopping'],
    ['scheduler: {type: median, max_budget: 20, min_trials: 5, warmup_steps: 2}', 'median', 'stopping'],
    ['budget: 9\nscheduler: sha', 'sha', 'promotion'],
  ])('from a study file: %s', (line, name, mode) => {
    const text = `name: t\ncommand: run {args} --epochs {budget}\nmetric: loss\nparameters:\n  x: {type: float, low: 0, high: 1}\n${line}\n`;
    const parsed = parseStudySpec(text, '/tmp/t.rung.yaml');
    if (!parsed.ok) throw new Error(parsed.error.map((i) => formatSpecIssue(i)).join('\n'));
    const s = build(parsed.value.scheduler);
    expect([s.name, s.mode]).toEqual([name, mode]);
  });

  it('the parsed options reach the scheduler (sha initial_trials)', () => {
    const text = 'name: t\ncommand: run {args} --epochs {budget}\nmetric: loss\nparameters:\n  x: {type: float, low: 0, high: 1}\nscheduler: {type: sha, max_budget: 16, eta: 2, initial_trials: 8}\n';
    const parsed = parseStudySpec(text, '/tmp/t.rung.yaml');
    if (!parsed.ok) throw new Error('parse failed');
    expect(parsed.value.scheduler).toEqual({ type: 'sha', maxBudget: 16, options: { eta: 2, initialTrials: 8 } });
    expect(build(parsed.value.scheduler).describe().brackets[0]?.trialsPerRung).toEqual([8, 4, 2, 1, 1]);
  });
});
