/**
 * `npm run bench:engine`: what the study loop costs on top of the user's script.
 *  - overhead per trial: a study of tiny real commands (`/bin/echo val_loss=…`, parallel 1) against the
 *    same commands spawned back to back with child_process (the floor any launcher pays);
 *  - slot-to-launch: from a trial's exit being noticed to the next trial's process having started;
 *  - metric parser throughput per line format.
 * Figures are printed as a table and written to bench/results/engine.json. Not a test: no thresholds.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseStudySpec } from '../src/engine/spec/parseStudySpec';
import { createStudyRunner } from '../src/engine/study';
import type { SequencedEvent } from '../src/engine/store/events';
import { benchParser } from './parser';

const trialsPerRun = Number(process.env['BENCH_TRIALS'] ?? 200);
/** A sub-millisecond wall clock, so per-trial gaps are not rounded to whole milliseconds. */
const preciseClock = { now: () => performance.timeOrigin + performance.now() };

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[i] ?? Number.NaN;
}

async function rawSpawnMs(n: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    await new Promise<void>((resolve, reject) => {
      const child = spawn('/bin/echo', [`val_loss=${i}`], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.resume();
      child.stderr.resume();
      child.on('error', reject);
      child.on('close', () => resolve());
    });
  }
  return (performance.now() - start) / n;
}

async function loopRun(parallel: number): Promise<{ perTrialMs: number; slotToLaunchMs: number[] }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rung-bench-'));
  try {
    const file = path.join(dir, 'noop.rung.yaml');
    const text = [
      'name: noop',
      'command: /bin/echo val_loss={x}',
      'metric: {name: val_loss, goal: minimize}',
      'parameters:',
      '  x: {type: float, low: 0, high: 1}',
      `trials: ${trialsPerRun}`,
      `parallel: ${parallel}`,
      'seed: 1',
    ].join('\n');
    writeFileSync(file, text);
    const parsed = parseStudySpec(text, file);
    if (!parsed.ok) throw new Error(parsed.error.map((i) => i.message).join('; '));
    const events: SequencedEvent[] = [];
    const runner = createStudyRunner({
      spec: parsed.value,
      stored: { file, source: parsed.value.source, text },
      storeRoot: path.join(dir, '.rung'),
      clock: preciseClock,
    });
    runner.events.on((e) => events.push(e));
    const start = performance.now();
    await runner.start();
    const snapshot = await runner.done;
    const elapsed = performance.now() - start;
    const completed = snapshot.trials.filter((t) => t.status === 'completed').length;
    if (completed !== trialsPerRun) throw new Error(`expected ${trialsPerRun} completed trials, got ${completed}`);
    // Slot-to-launch: each trial.ended → the next trial.launched (with parallel 1 the next one is in that slot).
    const gaps: number[] = [];
    let lastEnd: number | undefined;
    for (const { event } of events) {
      if (event.type === 'trial.ended') lastEnd = event.at;
      if (event.type === 'trial.launched' && lastEnd !== undefined) {
        gaps.push(event.at - lastEnd);
        lastEnd = undefined;
      }
    }
    return { perTrialMs: elapsed / trialsPerRun, slotToLaunchMs: gaps.sort((a, b) => a - b) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const rawMs = await rawSpawnMs(trialsPerRun);
  const loop = await loopRun(1);
  const parser = benchParser();
  const results = {
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? '?', node: process.version },
    trials: trialsPerRun,
    rawSpawnMsPerProcess: rawMs,
    loopMsPerTrial: loop.perTrialMs,
    overheadMsPerTrial: loop.perTrialMs - rawMs,
    slotToLaunchMs: {
      median: quantile(loop.slotToLaunchMs, 0.5),
      p95: quantile(loop.slotToLaunchMs, 0.95),
      max: quantile(loop.slotToLaunchMs, 1),
    },
    parserLinesPerSecond: parser.linesPerSecond,
  };
  const f = (x: number): string => x.toFixed(2);
  const rows: Array<[string, string]> = [
    ['raw spawn of /bin/echo (floor)', `${f(rawMs)} ms/process`],
    ['study loop, no-op trial (launch → exit → fsynced)', `${f(loop.perTrialMs)} ms/trial`],
    ['loop overhead over the raw spawn', `${f(results.overheadMsPerTrial)} ms/trial`],
    ['slot freed → next launch, median', `${f(results.slotToLaunchMs.median)} ms`],
    ['slot freed → next launch, p95', `${f(results.slotToLaunchMs.p95)} ms`],
    ...Object.entries(parser.linesPerSecond).map(([k, v]): [string, string] => [`parser: ${k}`, `${(v / 1e6).toFixed(2)} M lines/s`]),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(`rung engine benchmark — ${trialsPerRun} trials, ${results.machine.cpu}, ${results.machine.cpus} cores, Node ${process.version}\n`);
  for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(width)}  ${v}\n`);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/engine.json', `${JSON.stringify(results, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
