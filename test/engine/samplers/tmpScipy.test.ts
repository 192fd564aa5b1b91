import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { createSobolSequence } from '../../../src/engine/samplers/sobol';
it('matches scipy', () => {
  const ref = JSON.parse(readFileSync('/tmp/sobref.json', 'utf8')) as number[][];
  const seq = createSobolSequence(256, { scramble: false, seed: 0 });
  let bad = 0;
  ref.forEach((row, i) => {
    const g = i ^ (i >>> 1);
    const p = seq.point(g);
    row.forEach((v, d) => { if (Math.abs((p[d] ?? -1) - v) > 1e-12) bad++; });
  });
  expect(bad).toBe(0);
});
it('matches scipy far out', () => {
  const ref = JSON.parse(readFileSync('/tmp/sobref2.json', 'utf8')) as Array<[number, number[]]>;
  const seq = createSobolSequence(256, { scramble: false, seed: 0 });
  for (const [n, row] of ref) {
    const g = Number((BigInt(n) ^ (BigInt(n) >> 1n)));
    const p = seq.point(g);
    row.forEach((v, d) => expect(p[d]).toBeCloseTo(v, 12));
  }
});
