import { describe, expect, it } from 'vitest';
import {
  formatParamValue,
  parseTemplateToken,
  placeholdersIn,
  programIndex,
  renderCommand,
  splitCommand,
  splitEnvAssignments,
  type RenderContext,
} from '../../../src/engine/runner/commandTemplate';
import { createSearchSpace, type Config, type SearchSpace } from '../../../src/engine/space/searchSpace';

describe('splitCommand', () => {
  const cases: ReadonlyArray<readonly [string, string[]]> = [
    ['python3 train.py', ['python3', 'train.py']],
    ['  a   b\tc\nd  ', ['a', 'b', 'c', 'd']],
    ['', []],
    ['   ', []],
    ["echo 'a b' c", ['echo', 'a b', 'c']],
    ['echo "a b" c', ['echo', 'a b', 'c']],
    ["echo 'it''s'", ['echo', 'its']],
    ['echo "say \\"hi\\""', ['echo', 'say "hi"']],
    ['echo "back\\\\slash"', ['echo', 'back\\slash']],
    ['echo "keep \\n as is"', ['echo', 'keep \\n as is']],
    ["echo 'no \\escape'", ['echo', 'no \\escape']],
    ['echo a\\ b', ['echo', 'a b']],
    ['echo \\"x', ['echo', '"x']],
    ['echo a\\\nb', ['echo', 'ab']],
    ["echo '' \"\"", ['echo', '', '']],
    ['echo pre"mid dle"post', ['echo', 'premid dlepost']],
    ['echo $HOME ~ *.py', ['echo', '$HOME', '~', '*.py']],
    ['a; rm -rf ~ | cat && b > out # c', ['a;', 'rm', '-rf', '~', '|', 'cat', '&&', 'b', '>', 'out', '#', 'c']],
    ['echo "$(touch x)" `id`', ['echo', '$(touch x)', '`id`']],
    ['python train.py {args} --epochs={budget}', ['python', 'train.py', '{args}', '--epochs={budget}']],
  ];
  it.each(cases)('splits %j', (command, words) => {
    expect(splitCommand(command)).toEqual({ ok: true, value: words });
  });

  it.each([
    ["echo 'open", /unterminated single quote starting at character 6/],
    ['echo "open', /unterminated double quote starting at character 6/],
    ['echo a\\', /lone backslash/],
  ])('rejects %j', (command, message) => {
    const result = splitCommand(command);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });
});

describe('parseTemplateToken / placeholdersIn', () => {
  it('separates text and placeholders, with {{ }} as literal braces', () => {
    expect(parseTemplateToken('--lr={lr}')).toEqual({
      ok: true,
      value: [
        { kind: 'text', text: '--lr=' },
        { kind: 'placeholder', name: 'lr' },
      ],
    });
    expect(parseTemplateToken('{{"a": {x}}}')).toEqual({
      ok: true,
      value: [
        { kind: 'text', text: '{"a": ' },
        { kind: 'placeholder', name: 'x' },
        { kind: 'text', text: '}' },
      ],
    });
    expect(parseTemplateToken('plain')).toEqual({ ok: true, value: [{ kind: 'text', text: 'plain' }] });
  });

  it.each([
    ['{lr', /unmatched "\{"/],
    ['lr}', /unmatched "\}"/],
    ['{}', /invalid placeholder "\{\}"/],
    ['{ lr }', /invalid placeholder/],
    ['{"a":1}', /invalid placeholder/],
  ])('rejects %j', (token, message) => {
    const result = parseTemplateToken(token);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });

  it('lists placeholders with their token index and errors per token', () => {
    const scan = placeholdersIn(['python', '{args}', '--out={trial_dir}/{trial_id}.pt', 'bad{']);
    expect(scan.refs).toEqual([
      { name: 'args', tokenIndex: 1, wholeToken: true },
      { name: 'trial_dir', tokenIndex: 2, wholeToken: false },
      { name: 'trial_id', tokenIndex: 2, wholeToken: false },
    ]);
    expect(scan.errors).toHaveLength(1);
    expect(scan.errors[0]?.tokenIndex).toBe(3);
  });
});

describe('formatParamValue', () => {
  it.each([
    [0.1, '0.1'],
    [1e-7, '1e-7'],
    [3, '3'],
    [-2, '-2'],
    [123456789012, '123456789012'],
    [1e21, '1000000000000000000000'],
    [0.30000000000000004, '0.30000000000000004'],
    [true, 'true'],
    [false, 'false'],
    ['adam', 'adam'],
  ] as const)('%j -> %s', (value, text) => {
    expect(formatParamValue(value)).toBe(text);
  });

  it("keeps a float parameter's whole value a float, as Python prints one (literal-parsing scripts would get an int)", () => {
    const float = { kind: 'float', low: 0, high: 10 } as const;
    expect(formatParamValue(0, float)).toBe('0.0');
    expect(formatParamValue(1, float)).toBe('1.0');
    expect(formatParamValue(-3, float)).toBe('-3.0');
    expect(formatParamValue(0.5, float)).toBe('0.5');
    expect(formatParamValue(1e-7, float)).toBe('1e-7');
    expect(formatParamValue(1e21, float)).toBe('1000000000000000000000');
    // ints and categoricals are printed as they are
    expect(formatParamValue(3, { kind: 'int', low: 0, high: 10 })).toBe('3');
    expect(formatParamValue(1, { kind: 'categorical', choices: [1, 2.5] })).toBe('1');
  });
});

describe('leading environment assignments (programIndex / splitEnvAssignments)', () => {
  it.each([
    [['python3', 'train.py', 'A=1'], 0, {}],
    [['OMP_NUM_THREADS=1', 'python3', 'train.py'], 1, { OMP_NUM_THREADS: '1' }],
    [['A=1', 'B=x=y', 'C=', 'python3'], 3, { A: '1', B: 'x=y', C: '' }],
    [['env', 'LR=0.1', 'python3', 'train.py'], 2, { LR: '0.1' }],
    [['/usr/bin/env', 'LR=0.1', 'python3'], 2, { LR: '0.1' }],
    // env with options, or with no assignment, is a program like any other.
    [['env', '-i', 'A=1', 'python3'], 0, {}],
    [['env', 'python3'], 0, {}],
    // Not assignments: an option, a word starting with a digit or holding a space before `=`.
    [['--lr=1', 'python3'], 0, {}],
    [['1A=2', 'python3'], 0, {}],
  ] as const)('%j: the program at %i, environment %j', (words, index, env) => {
    expect(programIndex(words)).toBe(index);
    const split = splitEnvAssignments(words);
    expect(split.env).toEqual(env);
    expect(split.argv).toEqual(words.slice(index));
  });

  it('throws when nothing follows the assignments (the parser rejects such a command)', () => {
    expect(programIndex(['A=1', 'B=2'])).toBe(2);
    expect(() => splitEnvAssignments(['A=1', 'B=2'])).toThrow(/no program/);
  });
});

describe('renderCommand', () => {
  const space: SearchSpace = createSearchSpace([
    ['lr', { kind: 'float', low: 1e-4, high: 0.3, log: true }],
    ['hidden', { kind: 'int', low: 16, high: 512 }],
    ['optimizer', { kind: 'categorical', choices: ['adam', 'sgd'] }],
    ['momentum', { kind: 'float', low: 0, high: 0.99, when: { optimizer: ['sgd'] } }],
  ]);
  const sgd: Config = { lr: 0.01, hidden: 64, optimizer: 'sgd', momentum: 0.9 };
  const adam: Config = { lr: 0.01, hidden: 64, optimizer: 'adam' };
  const ctx = (config: Config, extra: Partial<RenderContext> = {}): RenderContext => ({
    config,
    space,
    budget: 20,
    trialId: 't0007',
    trialDir: '/runs/t0007',
    ...extra,
  });

  const cases: ReadonlyArray<readonly [string, readonly string[], Config, readonly string[]]> = [
    [
      '{args} as its own token expands to one token per active param, in space order',
      ['python', 'train.py', '{args}', '--epochs', '{budget}'],
      sgd,
      ['python', 'train.py', '--lr=0.01', '--hidden=64', '--optimizer=sgd', '--momentum=0.9', '--epochs', '20'],
    ],
    [
      '{args} skips inactive params',
      ['python', '{args}'],
      adam,
      ['python', '--lr=0.01', '--hidden=64', '--optimizer=adam'],
    ],
    ['{args} inside a token joins with spaces', ['run', 'ARGS={args}'], adam, ['run', 'ARGS=--lr=0.01 --hidden=64 --optimizer=adam']],
    [
      'a float at a whole number keeps its .0, in {args} and in a named placeholder',
      ['python', '{args}', 'M={momentum}'],
      { ...sgd, momentum: 0 },
      ['python', '--lr=0.01', '--hidden=64', '--optimizer=sgd', '--momentum=0.0', 'M=0.0'],
    ],
    [
      'named placeholders, trial id and dir',
      ['run', '--lr={lr}', '{hidden}', '--ckpt={trial_dir}/model.pt', '--name', 'trial-{trial_id}'],
      adam,
      ['run', '--lr=0.01', '64', '--ckpt=/runs/t0007/model.pt', '--name', 'trial-t0007'],
    ],
    ['an inactive param drops its token', ['run', '--momentum={momentum}', '--x'], adam, ['run', '--x']],
    ['an inactive param drops its token and a bare option before it', ['run', '--momentum', '{momentum}', '--x'], adam, ['run', '--x']],
    ['a short bare option is dropped too', ['run', '-m', '{momentum}'], adam, ['run']],
    ['an option with = before it stays', ['run', '--a=1', '{momentum}'], adam, ['run', '--a=1']],
    ['an active conditional param renders normally', ['run', '--momentum', '{momentum}'], sgd, ['run', '--momentum', '0.9']],
    ['literal braces', ['run', '{{"lr": {lr}}}'], adam, ['run', '{"lr": 0.01}']],
  ];
  it.each(cases)('%s', (_name, template, config, argv) => {
    expect(renderCommand(template, ctx(config))).toEqual(argv);
  });

  it('keeps shell metacharacters in values as single literal arguments (no injection)', () => {
    const injSpace = createSearchSpace([['tag', { kind: 'categorical', choices: ['1; rm -rf ~', '$(touch x)', '`id` && echo'] }]]);
    for (const tag of ['1; rm -rf ~', '$(touch x)', '`id` && echo']) {
      const argv = renderCommand(['python', 'train.py', '--tag', '{tag}', '{args}'], {
        config: { tag },
        space: injSpace,
        trialId: 't1',
        trialDir: '/d',
      });
      expect(argv).toEqual(['python', 'train.py', '--tag', tag, `--tag=${tag}`]);
    }
  });

  it('formats numbers and booleans', () => {
    const s = createSearchSpace([
      ['big', { kind: 'int', low: 0, high: 1e22 }],
      ['tiny', { kind: 'float', low: 0, high: 1 }],
      ['flag', { kind: 'categorical', choices: [true, false] }],
    ]);
    expect(renderCommand(['x', '{args}'], { config: { big: 1e21, tiny: 1e-7, flag: false }, space: s, trialId: 't', trialDir: 'd' })).toEqual([
      'x',
      '--big=1000000000000000000000',
      '--tiny=1e-7',
      '--flag=false',
    ]);
  });

  it('passes a flag parameter as --name when true and leaves it out when false, in {args} and as its own token', () => {
    const s = createSearchSpace([
      ['lr', { kind: 'float', low: 0, high: 1 }],
      ['use_bn', { kind: 'categorical', choices: [true, false], flag: true }],
    ]);
    const render = (template: string[], use_bn: boolean): string[] =>
      renderCommand(template, { config: { lr: 0.5, use_bn }, space: s, trialId: 't', trialDir: 'd' });
    expect(render(['x', '{args}'], true)).toEqual(['x', '--lr=0.5', '--use_bn']);
    expect(render(['x', '{args}'], false)).toEqual(['x', '--lr=0.5']);
    expect(render(['x', '--lr={lr}', '{use_bn}', '--epochs', '3'], true)).toEqual(['x', '--lr=0.5', '--use_bn', '--epochs', '3']);
    expect(render(['x', '--lr={lr}', '{use_bn}', '--epochs', '3'], false)).toEqual(['x', '--lr=0.5', '--epochs', '3']);
    // Inside a longer token the value is text, as for any parameter.
    expect(render(['x', 'bn={use_bn}'], false)).toEqual(['x', 'bn=false']);
  });

  it('throws on templates the validator would reject', () => {
    expect(() => renderCommand(['run', '{nope}'], ctx(adam))).toThrow(/\{nope\}/);
    expect(() => renderCommand(['run', '{budget}'], ctx(adam, { budget: undefined }))).toThrow(/budget/);
    expect(() => renderCommand(['run', '{oops'], ctx(adam))).toThrow(/invalid command template/);
    expect(() => renderCommand(['{momentum}'], ctx(adam))).toThrow(/empty/);
  });
});
