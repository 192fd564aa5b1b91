/**
 * Throughput of the metric parser (`auto` format) on the line shapes a trial prints. Bundled by esbuild
 * and called from `npm run bench:engine`; also runnable alone:
 * `npx esbuild bench/parser.ts --bundle --platform=node --format=esm --outfile=/tmp/parser.mjs`
 * then `node -e "import('/tmp/parser.mjs').then(m => console.log(m.benchParser()))"`.
 */
import { createMetricParser } from '../src/engine/metrics/createMetricParser';
import type { MetricParser } from '../src/engine/metrics/metricParser';

/** Line shapes measured; each case cycles through a few variants so no single string is cached hot. */
const CASES: Readonly<Record<string, readonly string[]>> = {
  keyValue: [
    'epoch=12 step=3400 loss=0.41235 val_loss=0.3871 acc=0.8812',
    'epoch=13 step=3700 loss=0.40112 val_loss=0.3802 acc=0.8850',
    'epoch=14 step=4000 loss=0.39876 val_loss=0.3799 acc=0.8861',
    'epoch=15 step=4300 loss=0.38001 val_loss=0.3788 acc=0.8903',
  ],
  json: [
    '{"epoch": 12, "step": 3400, "loss": 0.41235, "val_loss": 0.3871, "acc": 0.8812}',
    '{"epoch": 13, "step": 3700, "loss": 0.40112, "val_loss": 0.3802, "acc": 0.8850}',
    '{"epoch": 14, "step": 4000, "loss": 0.39876, "val_loss": 0.3799, "acc": 0.8861}',
    '{"epoch": 15, "step": 4300, "loss": 0.38001, "val_loss": 0.3788, "acc": 0.8903}',
  ],
  tagged: [
    '@@rung {"step": 12, "loss": 0.41235, "val_loss": 0.3871, "acc": 0.8812}',
    '@@rung {"step": 13, "loss": 0.40112, "val_loss": NaN, "acc": 0.8850}',
    '@@rung {"step": 14, "loss": 0.39876, "val_loss": 0.3799, "acc": 0.8861}',
    '@@rung {"step": 15, "loss": 0.38001, "val_loss": Infinity, "acc": 0.8903}',
  ],
  plainText: [
    '2024-05-01 12:30:45 INFO Loading dataset from /data/digits (1797 samples)',
    'Downloading https://example.org/models/resnet18.pth to /root/.cache/torch',
    '  warnings.warn("The given NumPy array is not writable, and PyTorch does not support', 
    'Note: training will resume from the last checkpoint if one exists.',
  ],
};

/** Minimum measuring time per case. */
const MIN_MS = 1000;

/**
 * Measures each case for at least one second (after a short warm-up).
 *
 * @returns lines per second by case name: `keyValue`, `json`, `tagged`, `plainText`.
 */
export function benchParser(): { linesPerSecond: Record<string, number> } {
  const parser = createMetricParser({ kind: 'auto' });
  const linesPerSecond: Record<string, number> = {};
  for (const [name, lines] of Object.entries(CASES)) {
    measure(parser, lines, 200); // warm-up: let the JIT see this shape
    linesPerSecond[name] = Math.round(measure(parser, lines, MIN_MS));
  }
  return { linesPerSecond };
}

/** Parses the lines in batches until `minMs` have passed; returns lines per second. */
function measure(parser: MetricParser, lines: readonly string[], minMs: number): number {
  const batch = 10_000;
  let parsed = 0;
  let found = 0; // consumed below so the work can't be optimised away
  const start = process.hrtime.bigint();
  let elapsedMs = 0;
  while (elapsedMs < minMs) {
    for (let k = 0; k < batch; k++) {
      if (parser.parse(lines[k % lines.length] ?? '') !== undefined) found++;
    }
    parsed += batch;
    elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  }
  if (found < 0) console.log(found);
  return (parsed / elapsedMs) * 1000;
}
