/**
 * Messages between the host's thread and the study worker (studyWorker.ts). Everything here goes through
 * structured clone: plain data only (the spec's search space is a Map, which clones).
 */
import type { TrialId } from '../../shared/ids';
import type { SequencedEvent } from '../store/events';
import type { StudyRunnerOptions } from '../study';

/** The runner options the worker gets as `workerData`: the serialisable ones (no functions, no injection). */
export type WorkerRunnerOptions = Pick<StudyRunnerOptions, 'spec' | 'stored' | 'storeRoot' | 'python' | 'pythonHelperDir' | 'fresh'>;

/** Host → worker. `call` numbers a request whose answer is a `reply` with the same number. */
export type ToWorker =
  | { readonly type: 'stopTrial'; readonly call: number; readonly trialId: TrialId }
  | { readonly type: 'stop'; readonly reason?: 'userStopped' };

/** Worker → host, in the order they happened (one port: postMessage keeps order). */
export type FromWorker =
  /** An event of the study, after it is written (as the runner emits it). */
  | { readonly type: 'event'; readonly event: SequencedEvent }
  /** On resume: the log the study was rebuilt from (in the snapshot, never emitted). */
  | { readonly type: 'replayed'; readonly events: readonly SequencedEvent[] }
  | { readonly type: 'log'; readonly message: string }
  | { readonly type: 'started' }
  | { readonly type: 'startFailed'; readonly message: string }
  | { readonly type: 'reply'; readonly call: number; readonly error?: string }
  /** The study ended and the worker holds nothing any more (log closed, reaper ended): terminate it. */
  | { readonly type: 'done' }
  | { readonly type: 'failed'; readonly message: string };
