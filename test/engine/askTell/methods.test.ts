import { describe, expect, it } from 'vitest';
import { parseMethod } from '../../../src/engine/askTell/methods';

describe('parseMethod', () => {
  it.each([
    ['tpe', { sampler: { type: 'tpe', options: {} } }],
    ['gp', { sampler: { type: 'gp', options: {} } }],
    ['qmc', { sampler: { type: 'sobol', options: {} } }],
    ['tpe_mv', { sampler: { type: 'tpe', options: { multivariate: true } } }],
    ['asha', { scheduler: { type: 'asha', options: { mode: 'stopping' } } }],
    ['tpe_hyperband', { sampler: { type: 'tpe', options: {} }, scheduler: { type: 'hyperband', options: { async: true, mode: 'stopping' } } }],
    ['random_median', { sampler: { type: 'random', options: {} }, scheduler: { type: 'median', options: {} } }],
    ['tpe_sha', { sampler: { type: 'tpe', options: {} }, scheduler: { type: 'sha', options: {} } }],
    ['tpe_mv_hyperband_sync', { sampler: { type: 'tpe', options: { multivariate: true } }, scheduler: { type: 'hyperband', options: { async: false } } }],
    ['tpe_asha_promotion', { sampler: { type: 'tpe', options: {} }, scheduler: { type: 'asha', options: { mode: 'promotion' } } }],
    ['bohb', { sampler: { type: 'bohb', options: {} }, scheduler: { type: 'hyperband', options: { async: true, mode: 'stopping' } } }],
    ['bohb_hyperband_sync', { sampler: { type: 'bohb', options: {} }, scheduler: { type: 'hyperband', options: { async: false } } }],
    ['default', {}],
    ['', {}],
  ])('%s', (method, expected) => {
    expect(parseMethod(method)).toEqual({ ok: true, value: expected });
  });

  it('names the forms understood for an unknown method', () => {
    const parsed = parseMethod('tpe_bogus');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(/unknown method "tpe_bogus".*schedulers: fifo/);
  });
});
