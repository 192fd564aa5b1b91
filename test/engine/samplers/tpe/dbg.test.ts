import { it } from 'vitest';
import { createSampler } from '../../../../src/engine/samplers/registry';
import { createTpeSampler } from '../../../../src/engine/samplers/tpe/tpeSampler';
import { createSearchSpace } from '../../../../src/engine/space/searchSpace';
import { requestFor } from '../../../contracts/samplerContract';
import { quadratic2d } from './problems';
it('dbg', () => {
  console.log(JSON.stringify(createSampler('tpe', quadratic2d.space, {}, 1)));
  const space = createSearchSpace([
    ['optimizer', { kind: 'categorical', choices: ['adam', 'sgd', 'rmsprop'] }],
    ['momentum', { kind: 'float', low: 0, high: 0.99, when: { optimizer: ['sgd'] } }],
    ['beta2', { kind: 'float', low: 0.9, high: 0.9999, when: { optimizer: ['adam'] } }],
    ['lr', { kind: 'float', low: 1e-4, high: 1, log: true }],
  ]);
  const ev = (c: any) => (Math.log10(c['lr'] as number) + 2) ** 2 + (c['optimizer'] === 'sgd' ? ((c['momentum'] as number) - 0.9) ** 2 * 10 : 0.5);
  const s = createTpeSampler(space, {}, 3);
  for (let n = 0; n < 60; n++) { const a = s.ask(requestFor(3, n)); if (a.kind !== 'suggest') throw 0; const l = ev(a.config); s.tell({ trialId: String(n), trialNumber: n, config: a.config, budget: 1, loss: l, status: 'completed' }); console.log(n, a.note, a.config['optimizer'], (a.config['momentum'] as number)?.toFixed(2), (a.config['lr'] as number).toExponential(1), l.toFixed(3)); }
});
