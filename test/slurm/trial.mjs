#!/usr/bin/env node
/**
 * A trial for the slurm launcher's tests, run by srun on the local test cluster. Flags, in this order:
 *
 *   --print-env NAME,...   first prints {"cwd", "env": {NAME: value}} as one JSON line
 *   --say TEXT             prints TEXT (stdout); repeatable
 *   --say-err TEXT         prints TEXT on stderr; repeatable
 *   --write TEXT           writes TEXT to stdout with no newline (a partial line); repeatable
 *   --write-err TEXT       writes TEXT to stderr with no newline; repeatable
 *   --gate FILE            then waits until FILE exists (polls), and prints "gate open"
 *   --child                starts a child process that sleeps until killed (prints child_pid=N)
 *   --ignore-sigterm       ignores SIGTERM (prints "ignoring SIGTERM" when one arrives)
 *   --hang                 prints "ready", then stays alive until a signal ends it (prints "got SIGTERM")
 *   --hang-first           --hang, unless this is a relaunch (RUNG_RESUME=1)
 *   --exit N               exit status at the end (default 0)
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const args = process.argv.slice(2);
const value = (i) => args[i + 1] ?? '';
let exitCode = 0;
let hang = false;
let ignoreTerm = false;
const steps = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--print-env') steps.push({ env: value(i++).split(',') });
  else if (a === '--say') steps.push({ say: value(i++) });
  else if (a === '--say-err') steps.push({ sayErr: value(i++) });
  else if (a === '--write') steps.push({ write: value(i++) });
  else if (a === '--write-err') steps.push({ writeErr: value(i++) });
  else if (a === '--gate') steps.push({ gate: value(i++) });
  else if (a === '--child') steps.push({ child: true });
  else if (a === '--ignore-sigterm') ignoreTerm = true;
  else if (a === '--hang') hang = true;
  else if (a === '--hang-first') hang = process.env.RUNG_RESUME !== '1';
  else if (a === '--exit') exitCode = Number(value(i++));
}

process.on('SIGTERM', () => {
  if (ignoreTerm) {
    console.log('ignoring SIGTERM');
    return;
  }
  console.log('got SIGTERM');
  process.exit(143);
});

for (const step of steps) {
  if (step.env) {
    const env = Object.fromEntries(step.env.map((name) => [name, process.env[name] ?? null]));
    console.log(JSON.stringify({ cwd: process.cwd(), env }));
  } else if (step.say !== undefined) {
    console.log(step.say);
  } else if (step.sayErr !== undefined) {
    console.error(step.sayErr);
  } else if (step.write !== undefined) {
    process.stdout.write(step.write);
  } else if (step.writeErr !== undefined) {
    process.stderr.write(step.writeErr);
  } else if (step.gate) {
    // The test opens the gate only after it has read the lines printed so far: proof they streamed.
    while (!existsSync(step.gate)) await new Promise((resolve) => setTimeout(resolve, 20));
    console.log('gate open');
  } else if (step.child) {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore' });
    console.log(`child_pid=${child.pid}`);
  }
}

if (hang) {
  console.log('ready');
  setInterval(() => {}, 1 << 30);
} else {
  process.exitCode = exitCode;
}
