import { describe, expect, it } from 'vitest';
import { createSearchSpace, type Config } from '../../../src/engine/space/searchSpace';
import { validateConfig } from '../../../src/engine/space/validateConfig';

const space = createSearchSpace([
  ['lr', { kind: 'float', low: 1e-4, high: 0.3, log: true }],
  ['dropout', { kind: 'float', low: 0, high: 0.5, step: 0.1 }],
  ['hidden', { kind: 'int', low: 16, high: 512 }],
  ['width', { kind: 'int', low: 8, high: 64, step: 8 }],
  ['optimizer', { kind: 'categorical', choices: ['adam', 'sgd', 'rmsprop'] }],
  ['momentum', { kind: 'float', low: 0, high: 0.99, when: { optimizer: ['sgd', 'rmsprop'] } }],
  ['nesterov', { kind: 'categorical', choices: [true, false], when: { optimizer: ['sgd'] } }],
]);

const base = { lr: 0.01, dropout: 0.3, hidden: 64, width: 16 } as const;

describe('validateConfig', () => {
  const good: ReadonlyArray<readonly [string, Config]> = [
    ['unconditional only', { ...base, optimizer: 'adam' }],
    ['active conditionals', { ...base, optimizer: 'sgd', momentum: 0.9, nesterov: true }],
    ['one of two conditionals', { ...base, optimizer: 'rmsprop', momentum: 0 }],
    ['bounds inclusive', { lr: 1e-4, dropout: 0.5, hidden: 512, width: 64, optimizer: 'adam' }],
    ['float step grid with rounding error', { ...base, dropout: 0.1 + 0.2, optimizer: 'adam' }],
    ['high slightly overshot by low + k*step', { ...base, dropout: 5 * 0.1, optimizer: 'adam' }],
  ];
  it.each(good)('accepts %s', (_name, config) => {
    expect(validateConfig(space, config).ok).toBe(true);
  });

  it('returns keys in space order', () => {
    const result = validateConfig(space, { nesterov: false, momentum: 0.5, optimizer: 'sgd', width: 8, hidden: 16, dropout: 0, lr: 0.1 });
    expect(result.ok && Object.keys(result.value)).toEqual(['lr', 'dropout', 'hidden', 'width', 'optimizer', 'momentum', 'nesterov']);
  });

  const bad: ReadonlyArray<readonly [string, Config, readonly RegExp[]]> = [
    ['missing active param', { lr: 0.01, dropout: 0.3, hidden: 64, optimizer: 'adam' }, [/missing value for active parameter "width"/]],
    ['missing active conditional', { ...base, optimizer: 'sgd', momentum: 0.9 }, [/missing value for active parameter "nesterov"/]],
    ['inactive present', { ...base, optimizer: 'adam', momentum: 0.9 }, [/"momentum" is inactive \(needs optimizer in \[sgd, rmsprop\]\)/]],
    ['unknown name', { ...base, optimizer: 'adam', extra: 1 }, [/unknown parameter "extra"/]],
    ['float below low', { ...base, lr: 0, optimizer: 'adam' }, [/"lr": 0 is outside \[0.0001, 0.3\]/]],
    ['float above high', { ...base, lr: 0.31, optimizer: 'adam' }, [/outside/]],
    ['float off grid', { ...base, dropout: 0.25, optimizer: 'adam' }, [/0.25 is not on the grid 0 \+ k\*0.1/]],
    ['float NaN', { ...base, lr: Number.NaN, optimizer: 'adam' }, [/expected a finite number/]],
    ['float as string', { ...base, lr: '0.1', optimizer: 'adam' }, [/expected a finite number, got "0.1"/]],
    ['int not integral', { ...base, hidden: 64.5, optimizer: 'adam' }, [/expected an integer, got 64.5/]],
    ['int out of range', { ...base, hidden: 513, optimizer: 'adam' }, [/outside \[16, 512\]/]],
    ['int off step', { ...base, width: 12, optimizer: 'adam' }, [/12 is not on the grid 8 \+ k\*8/]],
    ['categorical not a choice', { ...base, optimizer: 'Adam' }, [/"Adam" is not one of the choices "adam", "sgd", "rmsprop"/]],
    ['categorical strict types', { ...base, optimizer: 'sgd', momentum: 0.9, nesterov: 'true' }, [/"true" is not one of the choices true, false/]],
    ['several problems at once', { ...base, hidden: 1, width: 9, optimizer: 'x' }, [/hidden/, /width/, /optimizer/]],
  ];
  it.each(bad)('rejects %s', (_name, config, messages) => {
    const result = validateConfig(space, config);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toHaveLength(messages.length);
    messages.forEach((m, i) => expect(result.error[i]).toMatch(m));
  });
});
