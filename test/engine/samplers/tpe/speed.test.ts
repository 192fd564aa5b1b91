/**
 * Time per ask + tell of the TPE sampler at 100, 1000 and 2000 trials on a 6-D mixed space. It only prints
 * (no timed assertions) and runs only with RUNG_TPE_SPEED=1:
 *   RUNG_TPE_SPEED=1 npx vitest run test/engine/samplers/tpe/speed.test.ts
 */
import { describe, it } from 'vitest';
import { createTpeSampler } from '../../../../src/engine/samplers/tpe/tpeSampler';
import { createSearchSpace } from '../../../../src/engine/space/searchSpace';
import type { Config } from '../../../../src/engine/space/searchSpace';
import { requestFor } from '../../../contracts/samplerContract';

const space = createSearchSpace([
  ['lr', { kind: 'float', low: 1e-5, high: 1, log: true }],
  ['hidden', { kind: 'int', low: 16, high: 1024, log: true }],
  ['layers', { kind: 'int', low: 1, high: 8 }],
  ['dropout', { kind: 'float', low: 0, high: 0.5 }],
  ['batch', { kind: 'int', low: 16, high: 256, step: 16 }],
  ['activation', { kind: 'categorical', choices: ['relu', 'tanh', 'gelu'] }],
]);

function loss(c: Config): number {
  const n = (k: string): number => (typeof c[k] === 'number' ? (c[k] as number) : 0);
  return (Math.log10(n('lr')) + 3) ** 2 + (Math.log2(n('hidden')) - 7) ** 2 / 4 + (n('layers') - 3) ** 2 / 10 + (n('dropout') - 0.2) ** 2 + ((n('batch') - 64) / 64) ** 2 + (c['activation'] === 'gelu' ? 0 : 0.3);
}

describe.skipIf(process.env['RUNG_TPE_SPEED'] !== '1')('tpe speed (prints only)', () => {
  for (const multivariate of [false, true]) {
    it(`ask + tell time, ${multivariate ? 'multivariate' : 'univariate'}`, () => {
      const sampler = createTpeSampler(space, { multivariate }, 1);
      const marks = [100, 1000, 2000];
      const window = 20;
      const times: number[] = [];
      for (let n = 0; n < 2000; n++) {
        const t0 = performance.now();
        const answer = sampler.ask(requestFor(1, n));
        if (answer.kind !== 'suggest') throw new Error('exhausted');
        sampler.tell({ trialId: String(n), trialNumber: n, config: answer.config, budget: 1, loss: loss(answer.config), status: 'completed' });
        times.push(performance.now() - t0);
      }
      const rows = marks.map((m) => {
        const slice = times.slice(m - window, m).sort((a, b) => a - b);
        return `${m} trials: median ${(slice[window >> 1] ?? NaN).toFixed(3)} ms per ask+tell`;
      });
      const total = times.reduce((a, b) => a + b, 0) / 1000;
      console.log(`tpe ${multivariate ? 'multivariate' : 'univariate'} (6-D mixed): ${rows.join('; ')}; 2000 trials in ${total.toFixed(2)} s`);
    }, 300_000);
  }
});
