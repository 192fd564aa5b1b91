import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseStudySpec } from '../../../src/engine/spec/parseStudySpec';
import { LAUNCHERS, PARAMETER_TYPES, SAMPLERS, SCHEDULERS, STUDY_FILE, studyFileJsonSchema, type Fields } from '../../../src/engine/spec/schema';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = Record<string, unknown>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A tiny draft-07 checker for exactly the keywords the generated schema uses; returns the failing paths.
 * Unknown keywords fail the test, so the generator cannot start using one this walk silently ignores.
 */
function schemaErrors(schema: Schema, value: Json, at = '$'): string[] {
  const known = new Set([
    '$schema', '$id', 'title', 'description', 'default', 'type', 'properties', 'required', 'additionalProperties',
    'propertyNames', 'minProperties', 'items', 'minItems', 'enum', 'const', 'anyOf', 'pattern', 'minLength',
    'maxLength', 'minimum', 'exclusiveMinimum', 'maximum',
  ]);
  for (const key of Object.keys(schema)) if (!known.has(key)) throw new Error(`schema walk does not know keyword ${key}`);
  const errors: string[] = [];
  const fail = (why: string): void => void errors.push(`${at}: ${why}`);
  const type = schema['type'];
  if (type !== undefined) {
    const types = Array.isArray(type) ? type : [type];
    const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value;
    const okType = types.some((t) => t === actual || (t === 'integer' && typeof value === 'number' && Number.isInteger(value)));
    if (!okType) return [`${at}: type ${actual} is not ${types.join('|')}`];
  }
  if (Array.isArray(schema['enum']) && !schema['enum'].includes(value)) fail('not in enum');
  if ('const' in schema && schema['const'] !== value) fail('not const');
  if (typeof value === 'string') {
    if (typeof schema['pattern'] === 'string' && !new RegExp(schema['pattern']).test(value)) fail('pattern');
    if (typeof schema['minLength'] === 'number' && value.length < schema['minLength']) fail('minLength');
    if (typeof schema['maxLength'] === 'number' && value.length > schema['maxLength']) fail('maxLength');
  }
  if (typeof value === 'number') {
    if (typeof schema['minimum'] === 'number' && value < schema['minimum']) fail('minimum');
    if (typeof schema['maximum'] === 'number' && value > schema['maximum']) fail('maximum');
    if (typeof schema['exclusiveMinimum'] === 'number' && value <= schema['exclusiveMinimum']) fail('exclusiveMinimum');
  }
  if (Array.isArray(value)) {
    if (typeof schema['minItems'] === 'number' && value.length < schema['minItems']) fail('minItems');
    const items = schema['items'];
    if (isObject(items)) value.forEach((v, i) => errors.push(...schemaErrors(items, v, `${at}[${i}]`)));
  }
  if (isObject(value) && !Array.isArray(value)) {
    const props = isObject(schema['properties']) ? schema['properties'] : {};
    const required = Array.isArray(schema['required']) ? schema['required'] : [];
    for (const r of required) if (!(String(r) in value)) fail(`missing ${String(r)}`);
    if (typeof schema['minProperties'] === 'number' && Object.keys(value).length < schema['minProperties']) fail('minProperties');
    const names = schema['propertyNames'];
    for (const [k, v] of Object.entries(value)) {
      if (isObject(names) && typeof names['pattern'] === 'string' && !new RegExp(names['pattern']).test(k)) fail(`property name ${k}`);
      const sub = props[k];
      if (isObject(sub)) errors.push(...schemaErrors(sub, v, `${at}.${k}`));
      else if (schema['additionalProperties'] === false) fail(`additional property ${k}`);
      else if (isObject(schema['additionalProperties'])) errors.push(...schemaErrors(schema['additionalProperties'], v, `${at}.${k}`));
    }
  }
  if (Array.isArray(schema['anyOf'])) {
    const passing = schema['anyOf'].filter((s) => isObject(s) && schemaErrors(s, value, at).length === 0);
    if (passing.length === 0) fail('no anyOf branch matches');
  }
  return errors;
}

const schema = studyFileJsonSchema();
const FIXTURES = path.resolve(__dirname, '../../fixtures/specs');

const base = {
  name: 's',
  command: 'python train.py {args}',
  metric: 'loss',
  parameters: { x: { type: 'float', low: 0, high: 1 } },
} as const;

const goodDocs: ReadonlyArray<readonly [string, Json]> = [
  ['fixture good.rung.yaml', parseYaml(readFileSync(path.join(FIXTURES, 'good.rung.yaml'), 'utf8')) as Json],
  ['fixture good.rung.json', JSON.parse(readFileSync(path.join(FIXTURES, 'good.rung.json'), 'utf8')) as Json],
  ['minimal', base],
  ['command as list', { ...base, command: ['python', 'train.py', '{args}'] }],
  ['metric object', { ...base, metric: { name: 'acc', goal: 'maximize', pattern: 'acc=(?<acc>[0-9.]+)' } }],
  ['samplers by name', { ...base, sampler: 'sobol' }],
  ['sampler grid options', { ...base, sampler: { type: 'grid', grid_points: 3, shuffle: false } }],
  ['scheduler mapping', { ...base, scheduler: { type: 'fifo', max_budget: 3 } }],
  ['mappings without type use the default kind', { ...base, scheduler: { max_budget: 3 }, launcher: { kill_grace: 5, trial_timeout: '1m' } }],
  ['parallel auto, durations', { ...base, parallel: 'auto', timeout: '2h', launcher: { type: 'local', trial_timeout: 30, kill_grace: 0 } }],
  ['int with step and values', { ...base, parameters: { n: { type: 'int', low: 0, high: 8, step: 2, values: [0, 4] } } }],
  [
    'conditional',
    {
      ...base,
      parameters: { o: { type: 'categorical', choices: ['a', 'b', 1, true] }, m: { type: 'float', low: 0, high: 1, when: { o: ['b', 1] } }, k: { type: 'int', low: 1, high: 2, when: { o: 'a' } } },
    },
  ],
  ['env of scalars', { ...base, launcher: { type: 'local', env: { A: '1', B: 2, C: false } } }],
  ['slurm by name', { ...base, launcher: 'slurm' }],
  [
    'slurm with every option',
    {
      ...base,
      parallel: 4,
      launcher: {
        type: 'slurm',
        partition: 'gpu',
        account: 'a',
        qos: 'q',
        cpus_per_task: 8,
        mem: '32G',
        gpu_type: 'a100',
        constraint: 'a100|h100',
        time: '1h30m',
        trial_timeout: 3600,
        kill_grace: 5,
        extra_args: ['--exclusive', '-Cfoo'],
        env: { A: 1 },
      },
      resources: { gpus_per_trial: 1 },
    },
  ],
  ['slurm mem in megabytes', { ...base, launcher: { type: 'slurm', mem: 4000 } }],
  ['$schema key', { ...base, $schema: './rung-study.schema.json' }],
];

// Structural problems: both the validator and the schema must reject each of these.
const badDocs: ReadonlyArray<readonly [string, Json]> = [
  ['unknown top-level key', { ...base, trails: 5 }],
  ['unknown parameter key', { ...base, parameters: { x: { type: 'float', low: 0, high: 1, lwo: 0 } } }],
  ['categorical key on a float', { ...base, parameters: { x: { type: 'float', low: 0, high: 1, choices: [1] } } }],
  ['unknown parameter type', { ...base, parameters: { x: { type: 'flaot', low: 0, high: 1 } } }],
  ['missing parameter type', { ...base, parameters: { x: { low: 0, high: 1 } } }],
  ['string bound', { ...base, parameters: { x: { type: 'float', low: 0, high: 'abc' } } }],
  ['int bound not integral', { ...base, parameters: { x: { type: 'int', low: 0.5, high: 3 } } }],
  ['empty choices', { ...base, parameters: { c: { type: 'categorical', choices: [] } } }],
  ['bad parameter name', { ...base, parameters: { '1x': { type: 'float', low: 0, high: 1 } } }],
  ['no parameters', { ...base, parameters: {} }],
  ['missing name', { command: 'run', metric: 'loss', parameters: base.parameters }],
  ['bad name', { ...base, name: 'a b' }],
  ['long name', { ...base, name: 'n'.repeat(101) }],
  ['command number', { ...base, command: 5 }],
  ['command empty list', { ...base, command: [] }],
  ['bad goal', { ...base, metric: { name: 'loss', goal: 'maximise' } }],
  ['unknown metric key', { ...base, metric: { name: 'loss', regex: 'x' } }],
  ['unknown sampler', { ...base, sampler: 'tpee' }],
  ['option of another sampler', { ...base, sampler: { type: 'random', shuffle: true } }],
  ['unknown scheduler', { ...base, scheduler: { type: 'pbt' } }],
  ['scheduler without type but an option of another', { ...base, scheduler: { shuffle: true } }],
  ['trials zero', { ...base, trials: 0 }],
  ['parallel word', { ...base, parallel: 'many' }],
  ['bad duration', { ...base, timeout: '2 hours' }],
  ['zero timeout', { ...base, timeout: 0 }],
  ['negative seed', { ...base, seed: -1 }],
  ['seed too big', { ...base, seed: 2 ** 32 }],
  ['bad env name', { ...base, launcher: { type: 'local', env: { '1A': 'x' } } }],
  ['env null', { ...base, launcher: { type: 'local', env: { A: null } } }],
  ['unknown resource', { ...base, resources: { gpus: 1 } }],
  ['slurm option on local', { ...base, launcher: { type: 'local', partition: 'gpu' } }],
  ['slurm mem with a unit word', { ...base, launcher: { type: 'slurm', mem: '16GB' } }],
  ['slurm mem negative', { ...base, launcher: { type: 'slurm', mem: -1 } }],
  ['slurm extra_args not an option', { ...base, launcher: { type: 'slurm', extra_args: ['a100'] } }],
  ['slurm extra_args bare --', { ...base, launcher: { type: 'slurm', extra_args: ['--'] } }],
  ['slurm partition with a space', { ...base, launcher: { type: 'slurm', partition: 'a b' } }],
  ['slurm time zero', { ...base, launcher: { type: 'slurm', time: 0 } }],
  ['log not boolean', { ...base, parameters: { x: { type: 'float', low: 1, high: 2, log: 'yes' } } }],
  ['grid_points 1', { ...base, parameters: { x: { type: 'float', low: 1, high: 2, grid_points: 1 } } }],
  ['when empty', { ...base, parameters: { x: { type: 'float', low: 1, high: 2, when: {} } } }],
];

const validatorAccepts = (doc: Json): boolean => parseStudySpec(JSON.stringify(doc), '/p/s.rung.json').ok;

describe('studyFileJsonSchema', () => {
  it('is draft-07, JSON-serializable, closed at the top', () => {
    expect(schema['$schema']).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema['additionalProperties']).toBe(false);
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
    expect(schema['required']).toEqual(['name', 'command', 'metric', 'parameters']);
  });

  it.each(goodDocs)('schema and validator both accept: %s', (_name, doc) => {
    expect(schemaErrors(schema, doc)).toEqual([]);
    expect(validatorAccepts(doc)).toBe(true);
  });

  it.each(badDocs)('schema and validator both reject: %s', (_name, doc) => {
    expect(schemaErrors(schema, doc)).not.toEqual([]);
    expect(validatorAccepts(doc)).toBe(false);
  });

  it('lists every key the validator knows, with a description, and closes every object', () => {
    const props = schema['properties'] as Record<string, Schema>;
    expect(Object.keys(props)).toEqual(Object.keys(STUDY_FILE));
    for (const p of Object.values(props)) expect(typeof p['description']).toBe('string');

    // Each tagged table entry appears as an anyOf branch with `type: {const}` and exactly its keys.
    const branchKeys = (prop: Schema, name: string): string[] => {
      const anyOf = prop['anyOf'] as Schema[];
      const branch = anyOf.find((b) => isObject(b['properties']) && (b['properties']['type'] as Schema | undefined)?.['const'] === name);
      expect(branch, name).toBeDefined();
      expect(branch?.['additionalProperties']).toBe(false);
      return Object.keys((branch?.['properties'] as Schema | undefined) ?? {});
    };
    const check = (prop: Schema | undefined, table: Readonly<Record<string, { fields: Fields }>>, common: readonly string[]): void => {
      if (!prop) throw new Error('missing property');
      for (const [name, variant] of Object.entries(table)) {
        expect(branchKeys(prop, name).sort()).toEqual(['type', ...common, ...Object.keys(variant.fields)].sort());
      }
    };
    check(props['sampler'], SAMPLERS, []);
    check(props['scheduler'], SCHEDULERS, ['max_budget', 'min_budget']);
    check(props['launcher'], LAUNCHERS, []);
    const paramSchema = (props['parameters'] as Schema)['additionalProperties'] as Schema;
    check(paramSchema, PARAMETER_TYPES, []);
  });

  it('offers shorthand names as enums for completion', () => {
    const props = schema['properties'] as Record<string, Schema>;
    const shorthand = (key: string): unknown => ((props[key]?.['anyOf'] as Schema[])[0] ?? {})['enum'];
    expect(shorthand('sampler')).toEqual(Object.keys(SAMPLERS));
    expect(shorthand('scheduler')).toEqual(Object.keys(SCHEDULERS));
    expect(shorthand('launcher')).toEqual(Object.keys(LAUNCHERS));
  });
});
