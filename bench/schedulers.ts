/**
 * `npm run bench:schedulers`: what early stopping buys, and what it costs.
 *  1. Simulated (virtual time, real runner and event log): 200 trials with crossing learning curves
 *     (test/fixtures/curves/crossing.json: early leaders that later lose), 4 slots, the same 200
 *     configs for every scheduler (random sampler, one seed). Busy slot-time, epochs consumed, the
 *     final loss of the best trial and how far it is from the best of the same 200 configs run to the
 *     end (the oracle), and the virtual time the study took.
 *  2. Real: the scikit-learn digits example (examples/digits) under fifo, ASHA and Hyperband with the
 *     same configs: epochs consumed, best val_loss, wall time. Skipped without python3-sklearn.
 *  3. Real: latency from the metric line that triggers a stop to SIGTERM arriving in the trial.
 * Figures are printed and written to bench/results/schedulers.json. Not a test: no thresholds.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createSimulatedLauncher, curveFromSpec, runSimulatedStudy } from '../src/engine/runner/simulated';
import { parseStudySpec } from '../src/engine/spec/parseStudySpec';
import type { SequencedEvent } from '../src/engine/store/events';
import { slotUtilisation } from '../src/engine/store/metricsFromLog';
import { createStudyRunner } from '../src/engine/study';
import { createVirtualClock } from '../src/engine/util/virtualClock';

const repo = process.cwd();
const trials = Number(process.env['BENCH_TRIALS'] ?? 200);
const maxBudget = 27;

const schedulers: ReadonlyArray<readonly [label: string, yaml: string]> = [
  ['fifo (no stopping)', `{type: fifo, max_budget: ${maxBudget}}`],
  ['median stopping', `{type: median, max_budget: ${maxBudget}}`],
  ['asha, stopping', `{type: asha, eta: 3, min_budget: 1, max_budget: ${maxBudget}}`],
  ['asha, promotion', `{type: asha, mode: promotion, eta: 3, min_budget: 1, max_budget: ${maxBudget}}`],
  ['sha (synchronous)', `{type: sha, eta: 3, min_budget: 1, max_budget: ${maxBudget}}`],
  ['hyperband, async (ASHA brackets)', `{type: hyperband, eta: 3, min_budget: 1, max_budget: ${maxBudget}}`],
  ['hyperband, synchronous', `{type: hyperband, async: false, eta: 3, min_budget: 1, max_budget: ${maxBudget}}`],
];

function parse(dir: string, name: string, text: string) {
  const file = path.join(dir, `${name}.rung.yaml`);
  writeFileSync(file, text);
  const parsed = parseStudySpec(text, file);
  if (!parsed.ok) throw new Error(parsed.error.map((i) => `${i.line}:${i.column} ${i.message}`).join('\n'));
  return { spec: parsed.value, file, text };
}

/** Epochs run = objective reports (a promoted trial that resumes reports each epoch once). */
function epochsConsumed(events: readonly SequencedEvent[]): number {
  return events.filter((e) => e.event.type === 'trial.reported').length;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))] ?? Number.NaN;
}

interface SimRow {
  scheduler: string;
  /** Busy slot-time while trials were waiting to start (until the last launch). */
  busyPercent: number;
  /** Busy slot-time over the whole study, including the tail when fewer trials than slots remain. */
  busyPercentWithTail: number;
  epochs: number;
  epochsVsFifo: number;
  bestFinal: number | null;
  oracleFinal: number;
  virtualHours: number;
  completed: number;
  pruned: number;
  wallMs: number;
}

async function simulated(): Promise<SimRow[]> {
  const compiled = curveFromSpec(JSON.parse(readFileSync(path.join(repo, 'test', 'fixtures', 'curves', 'crossing.json'), 'utf8')) as unknown);
  const rows: SimRow[] = [];
  for (const [label, scheduler] of schedulers) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rung-bench-sched-'));
    try {
      const text = [
        'name: sim',
        'command: simulated {args} --epochs {budget}',
        'metric: val_loss',
        'parameters:',
        '  lr: {type: float, low: 1.0e-4, high: 1.0, log: true}',
        '  width: {type: int, low: 16, high: 512, log: true}',
        `scheduler: ${scheduler}`,
        `trials: ${trials}`,
        'parallel: 4',
        'seed: 11',
      ].join('\n');
      const written = parse(dir, 'sim', text);
      const clock = createVirtualClock();
      const launcher = createSimulatedLauncher({
        clock,
        curve: compiled.curve,
        ...(compiled.epochSeconds ? { epochSeconds: compiled.epochSeconds } : {}),
      });
      const events: SequencedEvent[] = [];
      const runner = createStudyRunner({
        spec: written.spec,
        stored: { file: written.file, source: written.spec.source, text },
        storeRoot: path.join(dir, '.rung'),
        launcher,
        clock,
      });
      runner.events.on((e) => events.push(e));
      const start = performance.now();
      const { snapshot } = await runSimulatedStudy(runner, launcher, clock, { stallMs: 120_000 });
      const wallMs = performance.now() - start;
      const use = slotUtilisation(events, 4);
      const whileWaiting = slotUtilisation(events, 4, { until: 'lastLaunch' });
      // The best that any of these configs would have reached at the full budget (noise-free).
      const oracle = Math.min(...snapshot.trials.map((t) => (t.config ? compiled.clean(t.config, maxBudget) : Number.POSITIVE_INFINITY)));
      const best = snapshot.trials.find((t) => t.id === snapshot.best?.trialId);
      rows.push({
        scheduler: label,
        busyPercent: whileWaiting.utilisation * 100,
        busyPercentWithTail: use.utilisation * 100,
        epochs: epochsConsumed(events),
        epochsVsFifo: 0,
        bestFinal: best?.config ? compiled.clean(best.config, maxBudget) : null,
        oracleFinal: oracle,
        virtualHours: use.makespanMs / 3_600_000,
        completed: snapshot.trials.filter((t) => t.status === 'completed').length,
        pruned: snapshot.trials.filter((t) => t.status === 'pruned').length,
        wallMs,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const fifo = rows[0]?.epochs ?? 1;
  for (const row of rows) row.epochsVsFifo = row.epochs / fifo;
  return rows;
}

interface RealRow {
  scheduler: string;
  epochs: number;
  bestValLoss: number | null;
  wallSeconds: number;
  completed: number;
  pruned: number;
}

async function runReal(text: string, name: string, python?: string): Promise<{ events: SequencedEvent[]; wallMs: number; dir: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rung-bench-real-'));
  const written = parse(dir, name, text);
  const events: SequencedEvent[] = [];
  const runner = createStudyRunner({
    spec: written.spec,
    stored: { file: written.file, source: written.spec.source, text },
    storeRoot: path.join(dir, '.rung'),
    ...(python ? { python } : {}),
  });
  runner.events.on((e) => events.push(e));
  const start = performance.now();
  await runner.start();
  await runner.done;
  return { events, wallMs: performance.now() - start, dir };
}

async function digits(): Promise<RealRow[] | string> {
  const python = '/usr/bin/python3';
  if (!existsSync(python) || spawnSync(python, ['-c', 'import sklearn']).status !== 0) return 'skipped: no /usr/bin/python3 with scikit-learn';
  const script = path.join(repo, 'examples', 'digits', 'train.py');
  const digitsTrials = Number(process.env['BENCH_DIGITS_TRIALS'] ?? 27);
  const rows: RealRow[] = [];
  const variants: ReadonlyArray<readonly [string, string]> = [
    ['fifo (no stopping)', '{type: fifo, max_budget: 27}'],
    ['asha, stopping', '{type: asha, eta: 3, min_budget: 1, max_budget: 27}'],
    ['hyperband, async', '{type: hyperband, eta: 3, min_budget: 1, max_budget: 27}'],
  ];
  for (const [label, scheduler] of variants) {
    const text = [
      'name: digits-bench',
      `command: python3 ${JSON.stringify(script)} {args} --epochs {budget}`,
      'metric: val_loss',
      'parameters:',
      '  lr: {type: float, low: 1.0e-4, high: 0.5, log: true}',
      '  hidden: {type: int, low: 16, high: 256, log: true}',
      '  alpha: {type: float, low: 1.0e-6, high: 1.0, log: true}',
      '  optimizer: {type: categorical, choices: [adam, sgd]}',
      '  momentum: {type: float, low: 0.5, high: 0.99, when: {optimizer: sgd}}',
      `scheduler: ${scheduler}`,
      `trials: ${digitsTrials}`,
      'parallel: 2',
      'seed: 5',
    ].join('\n');
    const { events, wallMs, dir } = await runReal(text, 'digits-bench', python);
    const ended = events.flatMap((e) => (e.event.type === 'trial.ended' ? [e.event] : []));
    const completedValues = ended.filter((e) => e.status === 'completed' && e.value !== null).map((e) => e.value ?? Number.NaN);
    rows.push({
      scheduler: label,
      epochs: epochsConsumed(events),
      bestValLoss: completedValues.length > 0 ? Math.min(...completedValues) : null,
      wallSeconds: wallMs / 1000,
      completed: ended.filter((e) => e.status === 'completed').length,
      pruned: ended.filter((e) => e.status === 'pruned').length,
    });
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/** Per stopped trial: SIGTERM arrival minus the time the deciding line was printed (same machine clock). */
async function stopLatency(): Promise<{ samples: number; p50: number; p95: number; max: number }> {
  const trainer = path.join(repo, 'bench', 'fixtures', 'latency-trainer.mjs');
  const text = [
    'name: latency',
    `command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(trainer)}, "--quality={quality}", "--epochs={budget}", "--delay=40"]`,
    'metric: val_loss',
    'parameters:',
    '  quality: {type: float, low: 0, high: 1}',
    'scheduler: {type: asha, eta: 3, min_budget: 1, max_budget: 9}',
    `trials: ${Number(process.env['BENCH_LATENCY_TRIALS'] ?? 60)}`,
    'parallel: 4',
    'seed: 2',
  ].join('\n');
  const { events, dir } = await runReal(text, 'latency');
  const latencies: number[] = [];
  for (const { event } of events) {
    if (event.type !== 'trial.decided' || event.decision.kind !== 'stop') continue;
    const evidence = event.decision.evidence;
    if (evidence.rule !== 'rung') continue;
    const file = path.join(dir, '.rung', 'latency', 'trials', event.trialId, 'latency.json');
    if (!existsSync(file)) continue;
    const record = JSON.parse(readFileSync(file, 'utf8')) as { printed: Record<string, number>; sigtermAt: number };
    const printedAt = record.printed[String(evidence.resource)];
    if (printedAt !== undefined) latencies.push(record.sigtermAt - printedAt);
  }
  rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  return { samples: latencies.length, p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95), max: quantile(latencies, 1) };
}

async function main(): Promise<void> {
  const f = (x: number | null, d = 3): string => (x === null || !Number.isFinite(x) ? '-' : x.toFixed(d));
  const sim = await simulated();
  process.stdout.write(`\nSimulated: ${trials} trials, crossing curves, 4 slots, budget 1..${maxBudget} epochs, same configs for all\n`);
  process.stdout.write(
    '| scheduler | busy slot-time while work waits | (whole study) | epochs | vs fifo | best trial final loss | oracle of same configs | virtual time | completed / pruned |\n|---|---|---|---|---|---|---|---|---|\n',
  );
  for (const r of sim) {
    process.stdout.write(
      `| ${r.scheduler} | ${r.busyPercent.toFixed(1)} % | ${r.busyPercentWithTail.toFixed(1)} % | ${r.epochs} | ${(r.epochsVsFifo * 100).toFixed(0)} % | ${f(r.bestFinal)} | ${f(r.oracleFinal)} | ${r.virtualHours.toFixed(2)} h | ${r.completed} / ${r.pruned} |\n`,
    );
  }
  const real = await digits();
  if (typeof real === 'string') process.stdout.write(`\nDigits: ${real}\n`);
  else {
    process.stdout.write('\nReal: examples/digits (scikit-learn MLP), same configs, 2 slots, up to 27 epochs\n');
    process.stdout.write('| scheduler | epochs | best val_loss | wall time | completed / pruned |\n|---|---|---|---|---|\n');
    for (const r of real) process.stdout.write(`| ${r.scheduler} | ${r.epochs} | ${f(r.bestValLoss, 4)} | ${r.wallSeconds.toFixed(1)} s | ${r.completed} / ${r.pruned} |\n`);
  }
  const latency = await stopLatency();
  process.stdout.write(
    `\nStop latency (deciding line printed → SIGTERM received), ${latency.samples} stops: p50 ${f(latency.p50, 1)} ms, p95 ${f(latency.p95, 1)} ms, max ${f(latency.max, 1)} ms\n`,
  );
  mkdirSync(path.join(repo, 'bench', 'results'), { recursive: true });
  writeFileSync(
    path.join(repo, 'bench', 'results', 'schedulers.json'),
    `${JSON.stringify({ machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version }, simulated: sim, digits: real, stopLatency: latency }, null, 2)}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
