/**
 * The study worker's entry (bundled as dist/studyWorker.js): runs the real createStudyRunner in this
 * worker thread, so the sampler's synchronous `ask` (a GP fit takes up to ~0.6 s) never blocks the host's
 * thread. It starts the study at once with the options in `workerData` and forwards, in order, every
 * event, log message and the outcome of start/done to the host (createStudyRunnerInWorker); the host
 * sends stopTrial/stop.
 *
 * Trial processes are started from this thread: processTree's reaper is this thread's child and its
 * `process.on('exit')` hook is this thread's (it does not run when the host terminates the thread). Once
 * the study is over the reaper is ended and its exit awaited before `done` is posted, so terminating the
 * thread leaves no unreaped child behind.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { closeReaper } from '../runner/processTree';
import { createStudyRunner } from '../study';
import type { FromWorker, ToWorker, WorkerRunnerOptions } from './protocol';

const port = parentPort;
if (!port) throw new Error('studyWorker.js runs only as a worker thread (createStudyRunnerInWorker)');

const post = (message: FromWorker): void => port.postMessage(message);
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const options = workerData as WorkerRunnerOptions;
const runner = createStudyRunner({
  ...options,
  log: (message) => post({ type: 'log', message }),
  replayed: (events) => post({ type: 'replayed', events }),
});
runner.events.on((event) => post({ type: 'event', event }));

void runner.start().then(
  () => post({ type: 'started' }),
  async (error: unknown) => {
    // Nothing runs (a start failure happens before or while the first trials are planned): end the reaper
    // if a launch started one, and let the host terminate this thread.
    await closeReaper();
    post({ type: 'startFailed', message: messageOf(error) });
  },
);

runner.done.then(
  async () => {
    await closeReaper();
    post({ type: 'done' });
  },
  async (error: unknown) => {
    await closeReaper();
    post({ type: 'failed', message: messageOf(error) });
  },
);

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'stopTrial':
      runner.stopTrial(message.trialId).then(
        () => post({ type: 'reply', call: message.call }),
        (error: unknown) => post({ type: 'reply', call: message.call, error: messageOf(error) }),
      );
      return;
    case 'stop':
      // At once, also while the study is starting: StudyRunner.stop() then lets start() finish its writes and
      // end the study before any trial runs (and does nothing if the start fails).
      void runner.stop(message.reason).catch(() => undefined);
      return;
  }
});
