/**
 * The time `rung show` and `rung export` give a trial is how long its command ran, summed over its
 * launches — not endedAt - startedAt, which for a trial paused at a rung (promotion mode) and pruned at
 * the study's end includes all the time it waited. Built dist/cli.js, real processes, real files. (The
 * projection's bookkeeping itself: test/engine/store/project.test.ts.)
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt, rung } from '../helpers/cliProcess';
import { tempDir } from '../helpers/studyFixture';

const node = JSON.stringify(process.execPath);

beforeAll(ensureCliBuilt);

/** Epochs of 300 ms from the checkpoint in its trial folder on; the loss is the `x` it is given. */
const SCRIPT = `
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
const x = Number(process.argv[2]);
const budget = Number(process.argv[3]);
const ck = path.join(process.env.RUNG_TRIAL_DIR, 'ck');
let epoch = existsSync(ck) ? Number(readFileSync(ck, 'utf8')) : 0;
while (epoch < budget) {
  await new Promise((r) => setTimeout(r, 300));
  epoch++;
  writeFileSync(ck, String(epoch));
  console.log('epoch=' + epoch + ' loss=' + x);
}
`;

describe('trial time', () => {
  it('of a trial paused at a rung and never promoted is its run, not the wait until the study ended', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'train.mjs'), SCRIPT);
    writeFileSync(
      path.join(dir, 'paused.rung.yaml'),
      [
        'name: paused',
        `command: [${node}, train.mjs, "{x}", "{budget}"]`,
        'metric: loss',
        'parameters:',
        '  x: {type: categorical, choices: [1, 2, 3]}',
        'sampler: grid',
        'scheduler: {type: sha, eta: 3, min_budget: 1, max_budget: 3}',
        'trials: 3',
        'parallel: 1',
        'seed: 1',
      ].join('\n'),
    );
    const run = rung(['run', 'paused.rung.yaml'], dir);
    expect(run.code, run.stderr).toBe(0);
    const csv = rung(['export', 'paused', '--format', 'csv'], dir).stdout.trim().split('\n');
    const header = csv[0]?.split(',') ?? [];
    const col = (row: string, name: string): string => row.split(',')[header.indexOf(name)] ?? '';
    const rows = csv.slice(1);
    expect(rows.map((r) => col(r, 'status')).sort()).toEqual(['completed', 'pruned', 'pruned']);
    for (const row of rows.filter((r) => col(r, 'status') === 'pruned')) {
      const duration = Number(col(row, 'duration_s'));
      const span = (Date.parse(col(row, 'ended_at')) - Date.parse(col(row, 'started_at'))) / 1000;
      // One epoch of 0.3 s ran; it then waited at least for the promoted trial's two more epochs.
      expect(duration).toBeGreaterThanOrEqual(0.3);
      expect(duration).toBeLessThan(span - 0.5);
    }
    const json = JSON.parse(rung(['export', 'paused', '--format', 'json'], dir).stdout) as { trials: Array<{ status: string; runSeconds: number }> };
    const completed = json.trials.find((t) => t.status === 'completed');
    // Three epochs over two launches (1, then 2 more from the checkpoint).
    expect(completed?.runSeconds).toBeGreaterThanOrEqual(0.9);
  });
});
