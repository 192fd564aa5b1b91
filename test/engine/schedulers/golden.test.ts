/**
 * Golden traces: the crossing learning curves of the scheduler contract (40 trials, 4 slots, two crashing
 * trials) through each scheduler; the decision log is written to test/golden/<scheduler>/<scenario>.jsonl
 * (first line: the run's figures) and compared line by line. After an intended behaviour change,
 * regenerate with `UPDATE_GOLDEN=1 npx vitest run test/engine/schedulers/golden.test.ts` and review the diff.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createScheduler, type SchedulerSettings } from '../../../src/engine/schedulers/registry';
import { simulateSchedule } from '../../../src/engine/schedulers/simulate';
import { crossingCurve, epochSecondsOf, failAtOf } from '../../contracts/schedulerContract';

const GOLDEN = path.resolve(__dirname, '../../golden');
const update = process.env['UPDATE_GOLDEN'] === '1';

/** Numbers to 10 significant digits (stable text across platforms); non-finite ones as strings. */
function line(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'number') return v;
    if (!Number.isFinite(v)) return String(v);
    return Number(v.toPrecision(10));
  });
}

const budgets = { maxBudget: 27, minBudget: 1 };
const scenarios: ReadonlyArray<readonly [string, string, SchedulerSettings]> = [
  ['fifo', 'crossing', { type: 'fifo', maxBudget: 27, options: {} }],
  ['median', 'crossing', { type: 'median', maxBudget: 27, options: { minTrials: 3, warmupSteps: 0 } }],
  ['asha', 'crossing', { type: 'asha', ...budgets, options: { eta: 3, mode: 'stopping' } }],
  ['asha', 'crossing-promotion', { type: 'asha', ...budgets, options: { eta: 3, mode: 'promotion' } }],
  ['sha', 'crossing', { type: 'sha', ...budgets, options: { eta: 3 } }],
  ['hyperband', 'crossing', { type: 'hyperband', ...budgets, options: { eta: 3, async: true } }],
  ['hyperband', 'crossing-sync', { type: 'hyperband', ...budgets, options: { eta: 3, async: false } }],
];

describe('golden traces', () => {
  it.each(scenarios)('%s / %s', (name, scenario, settings) => {
    const built = createScheduler(settings, 0);
    if (!built.ok) throw new Error(built.error);
    const result = simulateSchedule({ scheduler: built.value, slots: 4, trials: 40, curve: crossingCurve, epochSeconds: epochSecondsOf, failAt: failAtOf, seed: 7 });
    const { log, ...figures } = result;
    const text = [line({ scheduler: name, scenario, settings, ...figures }), ...log.map(line)].join('\n') + '\n';
    const file = path.join(GOLDEN, name, `${scenario}.jsonl`);
    if (update || !existsSync(file)) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
    expect(text.split('\n')).toEqual(readFileSync(file, 'utf8').split('\n'));
  });
});
