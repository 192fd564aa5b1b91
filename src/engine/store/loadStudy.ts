/** Reading a stored study back (for `rung show`, `rung export`, `rung resume` and the extension). */
import path from 'node:path';
import { parseStudySpec } from '../spec/parseStudySpec';
import { withTrialBudget, type StudySpec } from '../spec/studySpec';
import type { SequencedEvent } from './events';
import { readLock, readStudyEvents } from './jsonlStore';
import { StudyProjection, type StudySnapshot } from './project';

export interface LoadedStudy {
  readonly snapshot: StudySnapshot;
  readonly events: readonly SequencedEvent[];
  /**
   * The study file as it was when the study was created (re-parsed from the stored text), with the trial
   * budget it last ran with (a `--trials` given to `rung run` or `rung resume` is kept).
   */
  readonly spec: StudySpec;
  /** True when a live process holds the study's lock (it is running now). */
  readonly isRunning: boolean;
  readonly runnerPid?: number;
}

export async function loadStudy(root: string, study: string): Promise<LoadedStudy> {
  const { events } = await readStudyEvents(root, study);
  const created = events.find((e) => e.event.type === 'study.created')?.event;
  if (created?.type !== 'study.created' || created.spec.text === undefined) {
    throw new Error(`the log of study "${study}" has no study.created event with its study file`);
  }
  const file = created.spec.file ?? path.join(root, study, 'study.rung.yaml');
  const parsed = parseStudySpec(created.spec.text, file);
  if (!parsed.ok) {
    throw new Error(`the stored study file of "${study}" no longer parses: ${parsed.error.map((i) => i.message).join('; ')}`);
  }
  // The trial budget it last ran with (`rung run --trials N` overrides the file's): a resume keeps it.
  let lastBudget: number | undefined;
  for (const { event } of events) if (event.type === 'study.started' && event.trials !== undefined) lastBudget = event.trials;
  const spec = lastBudget !== undefined && lastBudget !== parsed.value.trials ? withTrialBudget(parsed.value, lastBudget) : parsed.value;
  const projection = new StudyProjection(study, parsed.value.metric.name, parsed.value.metric.goal);
  projection.applyAll(events);
  const lock = await readLock(root, study);
  const snapshot = projection.snapshot;
  // A log that says "running" without a live writer belongs to a study whose process died.
  if (snapshot.state === 'running' && !lock?.alive) snapshot.state = 'crashed';
  return {
    snapshot,
    events,
    spec,
    isRunning: lock?.alive === true,
    ...(lock?.alive ? { runnerPid: lock.pid } : {}),
  };
}
