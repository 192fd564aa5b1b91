import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/engine/util/rng';

const draws = (seed: number, label?: string): number[] => {
  const rng = label === undefined ? createRng(seed) : createRng(seed).fork(label);
  return Array.from({ length: 4 }, () => rng.next());
};

describe('createRng', () => {
  it('gives the same stream for the same seed and label, and a stream in [0, 1)', () => {
    expect(draws(42)).toEqual(draws(42));
    expect(draws(42, 'trial-3')).toEqual(draws(42, 'trial-3'));
    expect(draws(42, 'trial-3')).not.toEqual(draws(42, 'trial-4'));
    for (const v of draws(7)) expect(v >= 0 && v < 1).toBe(true);
  });

  it('keeps seeds beyond 32 bits and negative seeds apart from the 32-bit seed they share their low bits with', () => {
    // ask-tell's protocol takes any integer seed; these used to be the same streams (the seed was taken mod 2³²).
    expect(draws(2 ** 32 + 5)).not.toEqual(draws(5));
    expect(draws(2 ** 32 + 5, 'x')).not.toEqual(draws(5, 'x'));
    expect(draws(-1)).not.toEqual(draws(2 ** 32 - 1));
    expect(draws(2 ** 40)).not.toEqual(draws(0));
    expect(draws(2 ** 40)).toEqual(draws(2 ** 40));
    // A 32-bit seed keeps its stream (studies and benchmark figures stay reproducible) and says what it is.
    expect(createRng(2 ** 32 - 1).seed).toBe(2 ** 32 - 1);
  });
});
