/**
 * importSweep as a whole: which format a file is, errors for what it cannot tell, and a seeded sweep of
 * random W&B and NNI definitions — each must give positioned errors or a study file Rung's parser accepts,
 * never an exception or an "internal error".
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultStudyFile, importSweep, type ImportFs } from '../../../src/engine/importers/index';
import { parseStudySpec } from '../../../src/engine/spec/parseStudySpec';
import { createRng } from '../../../src/engine/util/rng';
import { firstError, fixture, fixtures, importErrors, importOk } from './importHelpers';

const file = path.join(fixtures, 'detect', 'input.yaml');
const noFiles: ImportFs = {
  readFile: () => {
    throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
  },
  listDir: () => [],
};

describe('format detection', () => {
  it('recognises W&B sweeps (YAML and JSON), NNI search spaces and NNI configs', () => {
    expect(importOk(fixture('wandb/nested.yaml').text, file).result.format).toBe('wandb');
    expect(importOk(fixture('wandb/sweep.json').text, path.join(fixtures, 'detect', 'sweep.json')).result.format).toBe('wandb');
    expect(importOk(fixture('nni/search_space.json').text, file, { fs: noFiles }).result.format).toBe('nni-search-space');
    expect(importOk('trialCommand: python3 t.py\nsearchSpace:\n  a: {_type: choice, _value: [1, 2]}\n', file, { fs: noFiles }).result.format).toBe('nni-config');
  });

  it('a sweep with only parameters and a metric is W&B', () => {
    expect(importOk('program: t.py\nmetric: {name: loss}\nparameters:\n  a: {values: [1, 2]}\n', file).result.format).toBe('wandb');
    expect(firstError(importErrors('metric: {name: loss}\nparameters:\n  a: {values: [1, 2]}\n', file)).message).toContain('missing "program"');
  });

  it('asks for --from when it cannot tell, and --from decides', () => {
    const e = firstError(importErrors('name: x\nfoo: 1\n', file));
    expect(e).toMatchObject({ file, line: 1, column: 1 });
    expect(e.message).toContain('use --from wandb or --from nni');
    // `tuner` marks an NNI config; --from wandb reads the same file as a sweep (and reports the key).
    const text = 'tuner: {name: TPE}\nparameters:\n  a: {values: [1, 2]}\nprogram: t.py\n';
    expect(importSweep(text, { file, from: 'wandb' }).ok).toBe(true);
    // One entry is no parameter: not recognisably anything, but --from nni reads it as a search space and says what is wrong.
    const odd = 'a: {_type: choice, _value: [1, 2]}\nb: 3\n';
    expect(firstError(importErrors(odd, file, { fs: noFiles })).message).toContain('use --from');
    expect(firstError(importErrors(odd, file, { from: 'nni', fs: noFiles }))).toMatchObject({ line: 2, column: 4, message: expect.stringContaining('expected {"_type": ..., "_value": [...]} for parameter "b"') });
  });

  it('rejects what is not a mapping, with a position', () => {
    expect(firstError(importErrors('- a\n- b\n', file)).message).toContain('expected a mapping');
    expect(firstError(importErrors('', file)).message).toContain('expected a mapping');
  });

  it('reports duplicate keys as syntax errors at the second key', () => {
    expect(firstError(importErrors('program: a.py\nprogram: b.py\nparameters:\n  x: {values: [1]}\n', file))).toMatchObject({ line: 2, column: 1 });
  });
});

describe('defaults', () => {
  it('writes <stem>.rung.yaml beside the input by default', () => {
    expect(defaultStudyFile('/a/b/sweep.yaml')).toBe('/a/b/sweep.rung.yaml');
    expect(defaultStudyFile('/a/b/search_space.json')).toBe('/a/b/search_space.rung.yaml');
    expect(defaultStudyFile('/a/b/config.yml')).toBe('/a/b/config.rung.yaml');
  });

  it('names the study after the study file when the source has no name', () => {
    const r = importSweep('program: t.py\nparameters:\n  a: {values: [1, 2]}\n', { file: '/w/proj/sweep.yaml', studyFile: '/w/proj/tuned.rung.yaml' });
    expect(r.ok && r.value.studyName).toBe('proj-tuned');
  });
});

/** A random W&B parameter definition, valid or not, from the whole vocabulary. */
function randomWandbParam(rng: ReturnType<typeof createRng>): string {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)] as T;
  const num = (): string => pick(['0', '1', '-1', '0.5', '3', '10', '1e-4', '0.1', '-9.2', '2.3', '100', '0.0', '7', '-0.3']);
  const dist = pick(['', 'constant', 'categorical', 'int_uniform', 'uniform', 'q_uniform', 'log_uniform', 'log_uniform_values', 'q_log_uniform', 'q_log_uniform_values', 'inv_log_uniform', 'inv_log_uniform_values', 'normal', 'q_normal', 'log_normal', 'q_log_normal', 'beta', 'q_beta']);
  const keys: string[] = [];
  if (dist !== '') keys.push(`distribution: ${dist}`);
  const choose = rng.next();
  if (choose < 0.25) keys.push(`values: [${pick(['1, 2', 'a, b', 'true, false', '1, a, true', '[1], [2]', '0.1, 0.01'])}]`);
  else if (choose < 0.35) keys.push(`value: ${num()}`);
  if (rng.next() < 0.6) keys.push(`min: ${num()}`, `max: ${num()}`);
  if (rng.next() < 0.3) keys.push(`q: ${pick(['1', '2', '0.5', '0.001', '8'])}`);
  if (rng.next() < 0.3) keys.push(`mu: ${num()}`, `sigma: ${pick(['0', '1', '0.5', '2'])}`);
  return `{${keys.join(', ')}}`;
}

function randomNniParam(rng: ReturnType<typeof createRng>): string {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)] as T;
  const num = (): number => pick([0, 1, -1, 0.5, 2, 3, 5, 10, 1e-4, 0.1, 32, 100, 0.001]);
  const type = pick(['choice', 'randint', 'uniform', 'quniform', 'loguniform', 'qloguniform', 'normal', 'qnormal', 'lognormal', 'qlognormal']);
  const n = type === 'choice' ? Math.floor(rng.next() * 4) : pick([1, 2, 3]);
  const values = Array.from({ length: n }, () => (type === 'choice' && rng.next() < 0.3 ? { _name: pick(['a', 'b']), x: { _type: 'uniform', _value: [0, num()] } } : num()));
  return JSON.stringify({ _type: type, _value: values });
}

describe('random definitions: positioned errors or a valid study file, never a crash', () => {
  it('W&B', () => {
    const rng = createRng(20240611);
    let valid = 0;
    for (let i = 0; i < 300; i++) {
      const method = ['grid', 'random', 'bayes'][i % 3] ?? 'random';
      const params = Array.from({ length: 1 + (i % 4) }, (_, k) => `  p${k}: ${randomWandbParam(rng)}`);
      const early = i % 5 === 0 ? ['early_terminate: {type: hyperband, min_iter: 2}'] : [];
      const text = ['program: t.py', `method: ${method}`, 'metric: {name: loss}', ...early, 'parameters:', ...params].join('\n');
      const r = importSweep(text, { file });
      if (r.ok) {
        valid++;
        const parsed = parseStudySpec(r.value.text, defaultStudyFile(file));
        expect(parsed.ok, `${text}\n---\n${r.value.text}`).toBe(true);
      } else {
        for (const issue of r.error) expect(issue.message, text).not.toContain('internal error');
        expect(r.error.some((e) => e.severity === 'error' && e.line >= 1)).toBe(true);
      }
    }
    expect(valid).toBeGreaterThan(50);
  });

  it('NNI', () => {
    const rng = createRng(7);
    let valid = 0;
    for (let i = 0; i < 300; i++) {
      const entries = Array.from({ length: 1 + (i % 3) }, (_, k) => `"p${k}": ${randomNniParam(rng)}`);
      const tuner = ['TPE', 'GridSearch', 'Random', 'Hyperband', 'BOHB'][i % 5] ?? 'TPE';
      const text = i % 2 === 0 ? `{${entries.join(', ')}}` : `trialCommand: python3 t.py\ntuner: {name: ${tuner}}\nsearchSpace: {${entries.join(', ')}}\n`;
      const r = importSweep(text, { file, fs: noFiles });
      if (r.ok) {
        valid++;
        expect(parseStudySpec(r.value.text, defaultStudyFile(file)).ok, `${text}\n---\n${r.value.text}`).toBe(true);
      } else {
        for (const issue of r.error) expect(issue.message, text).not.toContain('internal error');
      }
    }
    expect(valid).toBeGreaterThan(25);
  });
});

describe('golden study files (the whole text, comments included)', () => {
  it.each([
    ['wandb/all-distributions.yaml', 'golden/wandb-all-distributions.rung.yaml'],
    ['wandb/nested.yaml', 'golden/wandb-nested.rung.yaml'],
    ['nni/app/config.yml', 'golden/nni-config.rung.yaml'],
    ['nni/search_space.json', 'golden/nni-search-space.rung.yaml'],
  ])('%s', async (input, golden) => {
    const { text, file } = fixture(input);
    const { result } = importOk(text, file, { studyFile: path.join(fixtures, golden) });
    await expect(result.text).toMatchFileSnapshot(path.join(fixtures, golden));
  });
});
