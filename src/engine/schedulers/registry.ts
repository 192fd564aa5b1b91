/** Scheduler names → constructors. Later schedulers (median, sha, hyperband, asha) add one entry each. */
import { err, ok, type Result } from '../util/result';
import { createFifoScheduler } from './fifo';
import type { Scheduler } from './scheduler';

export interface SchedulerSettings {
  readonly type: string;
  readonly maxBudget?: number;
  readonly minBudget?: number;
  readonly options: Readonly<Record<string, unknown>>;
}

const schedulerFactories: Readonly<Record<string, (settings: SchedulerSettings, seed: number) => Scheduler>> = {
  fifo: (settings) => createFifoScheduler(settings.maxBudget ?? 0),
};

export function createScheduler(settings: SchedulerSettings, seed: number): Result<Scheduler, string> {
  const factory = schedulerFactories[settings.type];
  if (!factory) {
    return err(`unknown scheduler "${settings.type}"; available: ${Object.keys(schedulerFactories).join(', ')}`);
  }
  return ok(factory(settings, seed));
}
