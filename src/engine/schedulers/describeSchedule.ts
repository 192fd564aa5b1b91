/**
 * The schedule a study file asks for, as the dashboard shows it: the scheduler built from the study's
 * `scheduler` settings through the registry (so the rungs are exactly the ones the runner uses), then
 * described. fifo and median have no rungs: their single "rung" at max budget is left out.
 */
import { createScheduler, type SchedulerSettings } from './registry';
import type { SchedulePlan } from './scheduler';

export interface ScheduleDescription {
  /** Scheduler type from the study file. */
  readonly scheduler: string;
  readonly mode: 'stopping' | 'promotion';
  readonly brackets: SchedulePlan['brackets'];
}

/** Undefined when the settings build no scheduler (the study file no longer parses as it did). */
export function describeSchedule(settings: SchedulerSettings, seed = 0): ScheduleDescription | undefined {
  const built = createScheduler(settings, seed);
  if (!built.ok) return undefined;
  const scheduler = built.value;
  const hasRungs = settings.type !== 'fifo' && settings.type !== 'median';
  const brackets = hasRungs ? scheduler.describe().brackets : [{ bracket: 0, rungs: [] }];
  return { scheduler: settings.type, mode: scheduler.mode, brackets };
}
