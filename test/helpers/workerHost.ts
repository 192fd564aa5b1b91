/**
 * A stand-in for the extension host, bundled and run as its own Node process by the worker-runner tests:
 * it runs one study file with createStudyRunnerInWorker and prints `launched <trialId> <pid>` per trial.
 * A line `exit` on its stdin makes it call process.exit(0) at once (no stop); the tests also SIGKILL it.
 *
 *   node workerHost.cjs <study file> <store root> <worker script>
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseStudySpec } from '../../src/engine/spec/parseStudySpec';
import { createStudyRunnerInWorker } from '../../src/engine/worker/workerStudyRunner';

const [file = '', storeRoot = '', workerScript = ''] = process.argv.slice(2);
const text = readFileSync(file, 'utf8');
const parsed = parseStudySpec(text, file);
if (!parsed.ok) throw new Error(parsed.error.map((i) => i.message).join('; '));
const runner = createStudyRunnerInWorker({ spec: parsed.value, stored: { file, source: parsed.value.source, text }, storeRoot, workerScript });
runner.events.on(({ event }) => {
  if (event.type === 'trial.launched' && event.external.kind === 'pid') process.stdout.write(`launched ${event.trialId} ${event.external.pid}\n`);
});
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'exit') process.exit(0);
});
runner.start().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
