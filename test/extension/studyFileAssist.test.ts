import { describe, expect, it } from 'vitest';
import { studyFileCompletions, studyFileContext, studyFileHover } from '../../src/extension/editing/studyFileAssist';

/** Splits `text` at the `|` marking the cursor. */
function at(textWithCursor: string): [string, number] {
  const offset = textWithCursor.indexOf('|');
  return [textWithCursor.slice(0, offset) + textWithCursor.slice(offset + 1), offset];
}

function labels(textWithCursor: string): string[] {
  return studyFileCompletions(...at(textWithCursor)).map((c) => c.label);
}

const head = 'name: demo\ncommand: python train.py --lr {lr}\nmetric: val_loss\n';

describe('studyFileContext', () => {
  it('finds the path in a flow mapping and in a block mapping', () => {
    expect(studyFileContext(...at('scheduler: {type: asha, |'))?.path).toEqual(['scheduler']);
    expect(studyFileContext(...at('scheduler:\n  type: asha\n  |\nseed: 1\n'))?.path).toEqual(['scheduler']);
    const ctx = studyFileContext(...at('parameters:\n  lr:\n    type: float\n    |'));
    expect(ctx).toMatchObject({ path: ['parameters', 'lr'], position: 'key', prefix: '' });
    expect(ctx?.present.get('type')).toBe('float');
  });

  it('finds the path in a flow parameter nested in a block mapping', () => {
    const ctx = studyFileContext(...at('parameters:\n  lr: {type: float, lo|'));
    expect(ctx).toMatchObject({ path: ['parameters', 'lr'], position: 'key', prefix: 'lo', flow: true });
  });

  it('tells a value position with its key', () => {
    expect(studyFileContext(...at('sampler: tp|'))).toMatchObject({ path: [], position: 'value', key: 'sampler', prefix: 'tp' });
    expect(studyFileContext(...at('scheduler: {type: as|'))).toMatchObject({ path: ['scheduler'], position: 'value', key: 'type', prefix: 'as' });
  });

  it('gives nothing in a comment', () => {
    expect(studyFileContext(...at('# sampl|'))).toBeUndefined();
  });
});

describe('studyFileCompletions', () => {
  it('offers the missing top-level keys at column 0 of an empty line', () => {
    const got = labels(`${head}|\n`);
    expect(got).toEqual(expect.arrayContaining(['parameters', 'sampler', 'scheduler', 'trials', 'parallel', 'seed', 'launcher', 'resources']));
    expect(got).not.toContain('name');
    expect(got).not.toContain('metric');
  });

  it('filters keys by the typed prefix, with the description and default as documentation', () => {
    const items = studyFileCompletions(...at(`${head}sch|`));
    expect(items.map((c) => c.label)).toEqual(['scheduler']);
    expect(items[0]).toMatchObject({ insertText: 'scheduler: ', kind: 'property' });
    expect(items[0]!.documentation).toContain('stopped early');
    expect(items[0]!.documentation).toContain('Default: `fifo`');
    const [text, offset] = at(`${head}sch|`);
    expect(items[0]!.replaceStart).toBe(offset - 3);
    expect(text.slice(items[0]!.replaceStart, items[0]!.replaceEnd)).toBe('sch');
  });

  it('offers the keys of the scheduler variant named by type (plus the common budgets)', () => {
    const got = labels('scheduler: {type: asha, |');
    expect(got).toEqual(expect.arrayContaining(['eta', 'mode', 'min_budget', 'max_budget']));
    expect(got).not.toContain('type');
    expect(got).not.toContain('warmup_steps');
  });

  it('offers the same in a block scheduler mapping, without keys already present', () => {
    const got = labels('scheduler:\n  type: asha\n  eta: 3\n  |\n');
    expect(got).toEqual(expect.arrayContaining(['mode', 'min_budget', 'max_budget']));
    expect(got).not.toContain('eta');
  });

  it('offers type first in a tagged mapping without one', () => {
    expect(labels('sampler:\n  |')).toContain('type');
  });

  it('offers sampler names after `sampler: `', () => {
    const items = studyFileCompletions(...at(`${head}sampler: |`));
    expect(items.map((c) => c.label)).toEqual(['random', 'grid', 'sobol', 'tpe', 'gp', 'bohb', 'auto', 'cmaes', 'evolution']);
    expect(items.find((c) => c.label === 'tpe')!.documentation).toContain('Parzen');
    expect(labels('sampler: tp|')).toEqual(['tpe']);
  });

  it('adds the space when the cursor is right after the colon', () => {
    expect(studyFileCompletions(...at('sampler:|')).find((c) => c.label === 'tpe')?.insertText).toBe(' tpe');
  });

  it('offers scheduler names for the type inside a scheduler mapping', () => {
    expect(labels('scheduler: {type: |')).toEqual(['fifo', 'median', 'sha', 'hyperband', 'asha', 'bohb']);
  });

  it('offers the keys of a parameter mapping', () => {
    const got = labels('parameters:\n  lr:\n    type: float\n    |');
    expect(got).toEqual(expect.arrayContaining(['low', 'high', 'log', 'step', 'values', 'grid_points', 'when']));
    expect(got).not.toContain('choices');
    expect(labels('parameters:\n  opt:\n    type: categorical\n    |')).toEqual(expect.arrayContaining(['choices', 'when']));
    expect(labels('parameters:\n  lr: {type: int, |}')).toContain('low');
  });

  it('offers parameter types, goals and booleans as values', () => {
    expect(labels('parameters:\n  lr:\n    type: |')).toEqual(['float', 'int', 'categorical']);
    expect(labels('metric:\n  name: acc\n  goal: |')).toEqual(['minimize', 'maximize']);
    expect(labels('metric: {name: acc, goal: ma|}')).toEqual(['maximize']);
    expect(labels('parameters:\n  lr:\n    type: float\n    log: |')).toEqual(['true', 'false']);
    expect(labels('parallel: |')).toEqual(['auto']);
  });

  it('offers no keys for free-named mappings, and nothing inside a command', () => {
    expect(labels('parameters:\n  |')).toEqual([]);
    expect(labels('command: python train.py --lr {l|')).toEqual([]);
  });

  it('leaves out the colon when the key already has one', () => {
    expect(studyFileCompletions(...at('samp|: tpe')).find((c) => c.label === 'sampler')?.insertText).toBe('sampler');
  });
});

describe('studyFileHover', () => {
  it('describes eta with its default', () => {
    const [text, offset] = at('scheduler: {type: asha, e|ta: 3}');
    const hover = studyFileHover(text, offset);
    expect(hover?.contents).toContain('Reduction factor');
    expect(hover?.contents).toContain('Default: `3`');
    expect(text.slice(hover!.start, hover!.end)).toBe('eta');
    expect(studyFileHover(...at('scheduler:\n  type: asha\n  et|a: 3\n'))?.contents).toContain('Reduction factor');
  });

  it('lists the allowed values of an enum key', () => {
    expect(studyFileHover(...at('metric:\n  name: acc\n  go|al: maximize\n'))?.contents).toContain('`minimize`, `maximize`');
  });

  it('describes a variant name', () => {
    expect(studyFileHover(...at('sampler: tp|e\n'))?.contents).toContain('Parzen');
    expect(studyFileHover(...at('scheduler: {type: as|ha}'))?.contents).toContain('ASHA');
  });

  it('says nothing for unknown keys', () => {
    expect(studyFileHover(...at('bogu|s: 1\n'))).toBeUndefined();
  });
});
