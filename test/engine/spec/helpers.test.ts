import { describe, expect, it } from 'vitest';
import { closestMatch, didYouMean, editDistance } from '../../../src/engine/spec/didYouMean';
import { parseDuration } from '../../../src/engine/spec/duration';

describe('words from other tools', () => {
  it("suggests Rung's word for another tool's, only where that word is allowed", () => {
    expect(didYouMean('direction', ['name', 'goal', 'pattern'])).toBe(` (did you mean "goal"? that is Rung's word for Optuna's direction)`);
    expect(didYouMean('grace_period', ['type', 'max_budget', 'min_budget', 'eta', 'mode'])).toBe(
      ` (did you mean "min_budget"? that is Rung's word for Ray Tune's grace_period)`,
    );
    expect(didYouMean('TPESampler', ['random', 'tpe', 'gp'])).toBe(` (did you mean "tpe"? that is Rung's word for Optuna's TPESampler)`);
    // One word, two tools: Ray Tune's mode="min" as a goal, W&B's min as a parameter's low end.
    expect(didYouMean('min', ['minimize', 'maximize'])).toContain('"minimize"');
    expect(didYouMean('min', ['type', 'low', 'high', 'log'])).toBe(` (did you mean "low"? that is Rung's word for W&B's min)`);
    // Not allowed here: back to spelling distance.
    expect(didYouMean('direction', ['sampler', 'scheduler'])).toBe('');
    // `scheduler: none`, as one would write for no pruning.
    expect(didYouMean('none', ['fifo', 'median', 'asha'])).toBe(` (did you mean "fifo"? that is Rung's word for no early stopping)`);
    expect(didYouMean('none', ['float', 'int', 'categorical'])).toBe('');
  });
});

describe('editDistance / didYouMean', () => {
  it.each([
    ['', '', 0],
    ['abc', 'abc', 0],
    ['lwo', 'low', 1], // a swap of neighbours counts once
    ['lgo', 'log', 1],
    ['ca', 'abc', 3], // optimal string alignment: no edits of a swapped pair
    ['optimiser', 'optimizer', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ] as const)('%j vs %j = %d', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });

  it('suggests the closest candidate within distance 2 only', () => {
    expect(closestMatch('smapler', ['sampler', 'scheduler'])).toBe('sampler');
    expect(closestMatch('Trials', ['trials'])).toBe('trials');
    expect(closestMatch('zzz', ['sampler'])).toBeUndefined();
    // An abbreviation of exactly one candidate; none when it starts several.
    expect(closestMatch('n_startup', ['n_ei_candidates', 'n_startup_trials', 'gamma'])).toBe('n_startup_trials');
    expect(closestMatch('val', ['val_loss', 'val_acc'])).toBeUndefined();
    expect(closestMatch('va', ['value_loss'])).toBeUndefined();
    expect(didYouMean('lwo', ['type', 'low', 'high'])).toBe(' (did you mean "low"?)');
    expect(didYouMean('qqqq', ['type', 'low'])).toBe('');
  });
});

describe('parseDuration', () => {
  it.each([
    [90, 90],
    [0, 0],
    ['45', 45],
    ['2.5', 2.5],
    ['90s', 90],
    ['30m', 1800],
    ['2h', 7200],
    ['1h30m', 5400],
    ['1d2h3m4s', 93784],
    ['0.5m', 30],
  ] as const)('%j -> %d s', (input, seconds) => {
    expect(parseDuration(input)).toBe(seconds);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, '', 'h', '1x', '2 h', '30m1h', '1h1h', '-5s', '1e3'])('rejects %j', (input) => {
    expect(parseDuration(input)).toBeUndefined();
  });
});
