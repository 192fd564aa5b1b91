/**
 * Walks YAML nodes against the declarative description in schema.ts: unknown and duplicate keys,
 * missing keys, types, enums, ranges, patterns. Produces plain values for the semantic checks, with
 * INVALID in place of anything already reported (so later checks skip it instead of repeating it).
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type Pair, type Scalar } from 'yaml';
import { closestMatch, didYouMean, synonymFromOtherTools } from './didYouMean';
import { parseDuration } from './duration';
import type { IssueSink } from './specIssue';
import type { Field, Fields, FieldType, TaggedVariant } from './schema';

/** YAML 1.1's merge key: the study file is YAML 1.2, where `<<` would be a plain key that silently does nothing. */
const MERGE_KEY = '<<';
const MERGE_KEY_UNSUPPORTED =
  'YAML merge keys ("<<: *anchor") are not supported in study files: write the keys out, or use an alias for the whole value (key: *anchor)';

/** Stands for a value that failed a structural check (already reported). */
export const INVALID: unique symbol = Symbol('invalid');

/** A checked mapping with fixed keys: only keys that were present; values may be INVALID. */
export type CheckedObject = Readonly<Record<string, unknown>>;
/** A checked free-key mapping, in document order (a Map: keys such as `__proto__` stay plain data). */
export type CheckedMap = ReadonlyMap<string, unknown>;

type Shape = 'string' | 'number' | 'boolean' | 'null' | 'list' | 'mapping';

export class StructureChecker {
  /** Value node of every checked path (`parameters.lr.low`, `command[1]`). */
  readonly valueNodes = new Map<string, Node>();
  /** Key node of every checked mapping entry, by the entry's path. */
  readonly keyNodes = new Map<string, Node>();

  constructor(
    private readonly doc: Document,
    private readonly sink: IssueSink,
  ) {}

  /** Checks the document's root mapping against `fields`. */
  checkRoot(fields: Fields): CheckedObject | typeof INVALID {
    const root = this.resolve(this.doc.contents);
    if (!isMap(root)) {
      const got = root === null ? 'an empty document' : describe(root);
      this.sink.atNode(root, '', `expected a mapping of study settings (name, command, metric, parameters, ...), got ${got}`);
      return INVALID;
    }
    return this.checkObject(root, fields, '', 'the study file', undefined);
  }

  /** Checks one value against a type; `label` names it in messages (`"high"`, `parameter "lr"`). */
  check(raw: unknown, type: FieldType, path: string, label: string, anchor: Node | undefined): unknown {
    const node = this.resolve(raw);
    // An alias's problems are reported where the alias is used, not at its anchor.
    const here = isAlias(raw) ? raw : node;
    if (here) this.valueNodes.set(path, here);
    const shape = shapeOf(node);
    if (!accepts(type, shape)) {
      this.sink.atNode(here ?? anchor, path, `expected ${expected(type)} for ${label}, got ${describe(node)}${parameterShapeHint(type, label, node)}`);
      return INVALID;
    }
    switch (type.kind) {
      case 'string':
        return this.checkString(scalarValue(node), type, path, label, here);
      case 'enum': {
        const value = String(scalarValue(node));
        if (type.values.includes(value)) return value;
        this.sink.atNode(here, path, `unknown value "${value}" for ${label}; allowed: ${type.values.join(', ')}${didYouMean(value, type.values)}`);
        return INVALID;
      }
      case 'number':
        return this.checkNumber(Number(scalarValue(node)), type, path, label, here);
      case 'boolean':
      case 'scalar':
        return scalarValue(node);
      case 'duration': {
        const value = scalarValue(node);
        const seconds = typeof value === 'number' || typeof value === 'string' ? parseDuration(value) : undefined;
        if (seconds === undefined) {
          this.sink.atNode(here, path, `expected ${expected(type)} for ${label}, got ${describe(node)}`);
          return INVALID;
        }
        if (type.positive && seconds <= 0) {
          this.sink.atNode(here, path, `${label} must be greater than 0 seconds (got ${String(value)})`);
          return INVALID;
        }
        return seconds;
      }
      case 'list': {
        if (!isSeq(node)) return INVALID;
        const items = node.items.map((item, i) => this.check(item, type.items, `${path}[${i}]`, `item ${i + 1} of ${label}`, node));
        if (type.minItems !== undefined && items.length < type.minItems) {
          this.sink.atNode(here, path, `${label} needs at least ${type.minItems} item${type.minItems === 1 ? '' : 's'}`);
          return INVALID;
        }
        return items;
      }
      case 'object':
        return isMap(node) ? this.checkObject(node, type.fields, path, label, anchor) : INVALID;
      case 'map':
        return this.checkMap(node, type, path, label, anchor);
      case 'anyOf': {
        const variant = type.variants.find((v) => accepts(v, shape));
        // A string that is not the one allowed word (parallel: many) reads better as a type error.
        if (variant?.kind === 'enum' && !variant.values.includes(String(scalarValue(node)))) {
          this.sink.atNode(here, path, `expected ${expected(type)} for ${label}, got ${describe(node)}`);
          return INVALID;
        }
        return variant ? this.check(node, variant, path, label, anchor) : INVALID;
      }
      case 'tagged':
        return this.checkTagged(node, type, path, label, anchor);
    }
  }

  private checkString(value: unknown, type: FieldType & { kind: 'string' }, path: string, label: string, node: Node | null): unknown {
    const text = String(value);
    if (type.minLength !== undefined && text.length < type.minLength) {
      this.sink.atNode(node, path, `${label} must not be empty`);
      return INVALID;
    }
    if (type.maxLength !== undefined && text.length > type.maxLength) {
      this.sink.atNode(node, path, `${label} is too long (${text.length} characters; at most ${type.maxLength})`);
      return INVALID;
    }
    if (type.pattern !== undefined && !new RegExp(type.pattern).test(text)) {
      const rule = type.patternHint !== undefined ? `use only ${type.patternHint}` : `match ${type.pattern}`;
      this.sink.atNode(node, path, `${label} must ${rule} (got "${text}")`);
      return INVALID;
    }
    return text;
  }

  private checkNumber(value: number, type: FieldType & { kind: 'number' }, path: string, label: string, node: Node | null): unknown {
    let problem: string | undefined;
    if (!Number.isFinite(value)) problem = `expected a finite number for ${label}, got number ${value}`;
    else if (type.integer && !Number.isInteger(value)) problem = `expected ${expected(type)} for ${label}, got number ${value}`;
    else if (type.minimum !== undefined && value < type.minimum) problem = `${label} must be at least ${type.minimum} (got ${value})`;
    else if (type.exclusiveMinimum !== undefined && value <= type.exclusiveMinimum) {
      problem = `${label} must be greater than ${type.exclusiveMinimum} (got ${value})`;
    } else if (type.maximum !== undefined && value > type.maximum) problem = `${label} must be at most ${type.maximum} (got ${value})`;
    if (problem === undefined) return value;
    this.sink.atNode(node, path, problem);
    return INVALID;
  }

  private checkObject(node: Node, fields: Fields, path: string, label: string, anchor: Node | undefined): CheckedObject {
    const out: Record<string, unknown> = {};
    const allowed = Object.keys(fields);
    for (const [key, keyNode, pair] of this.entries(node, path)) {
      const childPath = join(path, key);
      const field: Field | undefined = Object.prototype.hasOwnProperty.call(fields, key) ? fields[key] : undefined;
      if (field === undefined) {
        this.sink.atNode(keyNode, childPath, `unknown key "${key}" in ${label}; allowed: ${allowed.join(', ')}${didYouMean(key, allowed)}`);
        continue;
      }
      this.keyNodes.set(childPath, keyNode);
      out[key] = this.check(pair.value, field.type, childPath, `"${key}"`, keyNode);
    }
    for (const [key, field] of Object.entries(fields)) {
      if (field.required && !(key in out)) {
        this.sink.atNode(anchor ?? node, path, `missing required key "${key}" in ${label}`);
      }
    }
    return out;
  }

  private checkMap(node: Node | null, type: FieldType & { kind: 'map' }, path: string, label: string, anchor: Node | undefined): CheckedMap | typeof INVALID {
    if (!isMap(node)) return INVALID;
    const out = new Map<string, unknown>();
    const noun = type.entryNoun ?? 'key';
    for (const [key, keyNode, pair] of this.entries(node, path)) {
      const childPath = join(path, key);
      this.keyNodes.set(childPath, keyNode);
      if (type.keyPattern !== undefined && !new RegExp(type.keyPattern).test(key)) {
        const rule = type.keyHint !== undefined ? `use only ${type.keyHint}` : `match ${type.keyPattern}`;
        this.sink.atNode(keyNode, childPath, `invalid ${noun} name "${key}" in ${label}: names ${rule}`);
      }
      const childLabel = type.entryNoun !== undefined ? `${type.entryNoun} "${key}"` : `"${key}"`;
      out.set(key, this.check(pair.value, type.values, childPath, childLabel, keyNode));
    }
    if (type.minEntries !== undefined && out.size < type.minEntries) {
      this.sink.atNode(node.items.length === 0 ? (anchor ?? node) : node, path, `${label} needs at least ${type.minEntries} ${noun}${type.minEntries === 1 ? '' : 's'}`);
      return INVALID;
    }
    return out;
  }

  private checkTagged(node: Node | null, type: FieldType & { kind: 'tagged' }, path: string, label: string, anchor: Node | undefined): unknown {
    const names = Object.keys(type.variants);
    const unknownType = (name: string, at: Node | null, atPath: string): typeof INVALID => {
      const what = type.noun !== undefined ? `unknown ${type.noun} "${name}"` : `unknown type "${name}" for ${label}`;
      this.sink.atNode(at, atPath, `${what}; allowed: ${names.join(', ')}${didYouMean(name, names)}`);
      return INVALID;
    };
    if (isScalar(node)) {
      const name = String(node.value);
      return variantOf(type.variants, name) ? { type: name } : unknownType(name, node, path);
    }
    if (!isMap(node)) return INVALID;
    const typePair = node.items.find((p) => isScalar(p.key) && p.key.value === 'type');
    const mergePair = node.items.find((p) => isScalar(p.key) && p.key.value === MERGE_KEY);
    if (!typePair && mergePair) {
      // The "type" is probably in the merged mapping: say why it is not seen, not only that it is missing.
      this.sink.atNode(mergePair.key as Node, path, MERGE_KEY_UNSUPPORTED);
      return INVALID;
    }
    if (!typePair) {
      const fallback = type.defaultType !== undefined ? variantOf(type.variants, type.defaultType) : undefined;
      if (type.defaultType !== undefined && fallback) {
        const fields: Fields = {
          type: { type: { kind: 'enum', values: names }, description: '' },
          ...type.common,
          ...fallback.fields,
        };
        const checked = this.checkObject(node, fields, path, type.noun !== undefined ? `${type.noun} "${type.defaultType}"` : label, anchor);
        return { type: type.defaultType, ...checked };
      }
      // Another tool's word for "type" (W&B's distribution, NNI's _type) says why it was not seen.
      const foreign = node.items
        .map((p) => (isScalar(p.key) ? String(p.key.value) : ''))
        .map((key) => ({ key, synonym: synonymFromOtherTools(key, ['type']) }))
        .find((k) => k.synonym !== undefined);
      // A misspelt "type" (`typ`, `tpye`, `Type`) is why it is missing: point at it and say so.
      const known = new Set(['type', ...Object.keys(type.common ?? {}), ...Object.values(type.variants).flatMap((v) => Object.keys(v.fields))]);
      const misspelt = foreign?.synonym
        ? undefined
        : node.items
            .map((p) => this.resolve(p.key))
            .find((k): k is Scalar => isScalar(k) && !known.has(String(k.value)) && closestMatch(String(k.value), ['type']) === 'type');
      const hint = foreign?.synonym
        ? ` (Rung's word for ${foreign.synonym.origin} is "type")`
        : misspelt
          ? ` (did you mean "type" for "${String(misspelt.value)}"?)`
          : '';
      this.sink.atNode(misspelt ?? anchor ?? node, path, `missing required key "type" in ${label}; allowed types: ${names.join(', ')}${hint}`);
      return INVALID;
    }
    const typeNode = this.resolve(typePair.value);
    if (!isScalar(typeNode) || typeof typeNode.value !== 'string') {
      this.sink.atNode(typeNode ?? node, join(path, 'type'), `expected a string for "type" in ${label}, got ${describe(typeNode)}; allowed: ${names.join(', ')}`);
      return INVALID;
    }
    const variant = variantOf(type.variants, typeNode.value);
    if (!variant) return unknownType(typeNode.value, typeNode, join(path, 'type'));
    const fields: Fields = {
      type: { type: { kind: 'enum', values: names }, description: '', required: true },
      ...type.common,
      ...variant.fields,
    };
    const containerLabel = type.noun !== undefined ? `${type.noun} "${typeNode.value}"` : label;
    return this.checkObject(node, fields, path, containerLabel, anchor);
  }

  /** Entries of a mapping with string keys; reports duplicate and non-scalar keys. */
  private entries(node: Node, path: string): Array<[string, Node, Pair]> {
    if (!isMap(node)) return [];
    const out: Array<[string, Node, Pair]> = [];
    const seen = new Set<string>();
    for (const pair of node.items) {
      const keyNode = this.resolve(pair.key);
      if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
        this.sink.atNode(keyNode ?? node, path, `keys must be plain names, got ${describe(keyNode)}`);
        continue;
      }
      const key = String(keyNode.value);
      if (key === MERGE_KEY) {
        this.sink.atNode(keyNode, path, MERGE_KEY_UNSUPPORTED);
        continue;
      }
      if (seen.has(key)) {
        this.sink.atNode(keyNode, join(path, key), `duplicate key "${key}"; each key may appear only once`);
        continue;
      }
      seen.add(key);
      out.push([key, keyNode, pair]);
    }
    return out;
  }

  private resolve(raw: unknown): Node | null {
    if (isAlias(raw)) return raw.resolve(this.doc) ?? null;
    if (isScalar(raw) || isMap(raw) || isSeq(raw)) return raw;
    return null;
  }
}

function variantOf(variants: Readonly<Record<string, TaggedVariant>>, name: string): TaggedVariant | undefined {
  return Object.prototype.hasOwnProperty.call(variants, name) ? variants[name] : undefined;
}

export function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function scalarValue(node: Node | null): unknown {
  return isScalar(node) ? node.value : undefined;
}

function shapeOf(node: Node | null): Shape {
  if (isMap(node)) return 'mapping';
  if (isSeq(node)) return 'list';
  if (!isScalar(node)) return 'null';
  const value = node.value;
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number' || typeof value === 'bigint') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  return 'null';
}

function accepts(type: FieldType, shape: Shape): boolean {
  switch (type.kind) {
    case 'string':
    case 'enum':
      return shape === 'string';
    case 'number':
      return shape === 'number';
    case 'boolean':
      return shape === 'boolean';
    case 'scalar':
      return shape === 'string' || shape === 'number' || shape === 'boolean';
    case 'duration':
      return shape === 'number' || shape === 'string';
    case 'list':
      return shape === 'list';
    case 'object':
    case 'map':
      return shape === 'mapping';
    case 'tagged':
      return shape === 'mapping' || (type.shorthand && shape === 'string');
    case 'anyOf':
      return type.variants.some((v) => accepts(v, shape));
  }
}

/**
 * For a parameter written in another tool's short form: a list (W&B's `values`, Ray Tune's `grid_search`,
 * scikit-learn's `param_grid`) is a categorical; a single value is no search at all.
 */
function parameterShapeHint(type: FieldType, label: string, node: Node | null): string {
  if (type.kind !== 'tagged' || !label.startsWith('parameter ')) return '';
  if (isSeq(node)) {
    const items = node.items.map((item) => (isScalar(item) ? String(item.source ?? item.value) : '…')).join(', ');
    return `; for a list of values to try, write {type: categorical, choices: [${items}]}`;
  }
  if (isScalar(node) && node.value !== null && node.value !== undefined) {
    const name = String(node.value);
    if (Object.hasOwn(type.variants, name)) {
      return name === 'categorical' ? '; write {type: categorical, choices: [a, b]}' : `; write {type: ${name}, low: ..., high: ...}`;
    }
    return '; a fixed value is no parameter to tune: write it in command';
  }
  return '';
}

/** What a type accepts, for "expected ... got ..." messages. */
export function expected(type: FieldType): string {
  switch (type.kind) {
    case 'string':
      return 'a string';
    case 'enum':
      return type.values.length === 1 ? `"${type.values[0] ?? ''}"` : `one of ${type.values.join(', ')}`;
    case 'number': {
      const what = type.integer ? 'integer' : 'number';
      if (type.minimum === 1 || type.exclusiveMinimum === 0) return `a positive ${what}`;
      if (type.minimum === 0) return `a non-negative ${what}`;
      return type.integer ? 'an integer' : 'a number';
    }
    case 'boolean':
      return 'true or false';
    case 'scalar':
      return 'a string, number or boolean';
    case 'duration':
      return 'a duration (seconds, or a string like 90s, 30m, 2h, 1h30m)';
    case 'list':
      return `a list of ${plural(expected(type.items))}`;
    case 'object':
    case 'map':
      return 'a mapping';
    case 'tagged':
      return type.shorthand ? `a ${type.noun ?? 'type'} name (${Object.keys(type.variants).join(', ')}) or a mapping with "type"` : 'a mapping with "type"';
    case 'anyOf':
      return type.variants.map(expected).join(' or ');
  }
}

function plural(phrase: string): string {
  // "a string" -> "strings", "a string, number or boolean" -> "strings, numbers or booleans".
  return phrase.replace(/^an? /, '').replace(/\b(string|number|integer|boolean|mapping)\b/g, '$1s');
}

/** A node for "got ..." messages: `string "abc"`, `number 3`, `a list`, `null` (or `absentWord` for no value). */
export function describe(node: Node | null, absentWord = 'null'): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (!isScalar(node) || node.value === null || node.value === undefined) return absentWord;
  const value = node.value;
  if (typeof value === 'string') return `string "${value.length > 40 ? `${value.slice(0, 40)}...` : value}"`;
  if (typeof value === 'number' || typeof value === 'bigint') return `number ${String(value)}`;
  if (typeof value === 'boolean') return `boolean ${String(value)}`;
  return 'a value';
}
