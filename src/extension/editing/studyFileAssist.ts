/**
 * Completion and hover for study files (`*.rung.yaml`), driven by the engine's schema tables (STUDY_FILE and
 * the sampler/scheduler/launcher/parameter variants) so no YAML extension is needed. Pure: text and offsets
 * in, plain objects out; studyFileProviders.ts turns them into VS Code items.
 *
 * Where the cursor is: a flow mapping (`scheduler: {type: asha, |`) is found from yaml's node ranges (with a
 * same-line textual fallback when the parse gives none) and read with a small scanner from its `{`; block
 * context comes from indentation, because while typing on a fresh line the block mapping's node range does
 * not reach the cursor yet.
 */
import { isMap, isNode, isPair, isScalar, parseDocument, type Node } from 'yaml';
import { STUDY_FILE, type Field, type FieldType, type Fields, type TaggedVariant } from '../../engine/index';

/** What the cursor is on. */
export interface CursorContext {
  /** Keys from the root to the mapping the cursor is in (e.g. ['scheduler'], ['parameters', 'lr']). */
  readonly path: readonly string[];
  /** A key of that mapping, or the value of `key`. */
  readonly position: 'key' | 'value';
  /** At a value position: the key whose value it is. */
  readonly key?: string;
  /** The word typed so far, before the cursor. */
  readonly prefix: string;
  /** Offset where the prefix starts. */
  readonly replaceStart: number;
  /** Offset where the word under the cursor ends. */
  readonly replaceEnd: number;
  /** Keys already in the mapping (not counting the one on the cursor's line in block style), with their scalar text. */
  readonly present: ReadonlyMap<string, string>;
  /** Inside a flow mapping (`{...}`). */
  readonly flow: boolean;
  /** The text after the word is `:` (the key is already followed by its colon). */
  readonly colonFollows: boolean;
  /** A value position right after the colon, with no space yet. */
  readonly needsSpace: boolean;
}

export interface AssistCompletion {
  readonly label: string;
  readonly kind: 'property' | 'value';
  readonly insertText: string;
  /** One-line summary (the value's type, or the variant's noun). */
  readonly detail: string;
  /** Markdown. */
  readonly documentation: string;
  readonly replaceStart: number;
  readonly replaceEnd: number;
  /** Required keys sort first. */
  readonly sortText: string;
}

export interface AssistHover {
  /** Markdown. */
  readonly contents: string;
  readonly start: number;
  readonly end: number;
}

const WORD = /[A-Za-z0-9_$.\-/]/;
const KEY_LINE = /^(\s*)([A-Za-z0-9_$.\-/]+|"[^"]*"|'[^']*')\s*:(?:\s+(.*))?$/;

// ---------------------------------------------------------------------------------------------------------
// Cursor context
// ---------------------------------------------------------------------------------------------------------

/** The YAML path and position at `offset`, or undefined where nothing can be offered (a comment, a list, a multi-line scalar...). */
export function studyFileContext(text: string, offset: number): CursorContext | undefined {
  offset = Math.max(0, Math.min(offset, text.length));
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEndIdx = text.indexOf('\n', offset);
  const line = text.slice(lineStart, lineEndIdx === -1 ? text.length : lineEndIdx);
  const col = offset - lineStart;
  const lineBefore = line.slice(0, col);
  if (/(^|\s)#/.test(stripQuoted(lineBefore))) return undefined;

  let wordEnd = offset;
  while (wordEnd < text.length && WORD.test(text[wordEnd] ?? '')) wordEnd++;
  const colonFollows = /^\s*["']?\s*:/.test(text.slice(wordEnd, wordEnd + 4));

  const flow = yamlFlowAt(text, offset) ?? textualFlowAt(text, lineStart, lineBefore, offset);
  if (flow) {
    const scanned = scanFlow(text.slice(flow.start, offset));
    if (!scanned) return undefined;
    const present = new Map(scanned.present);
    if (scanned.path.length === 0) for (const [k, v] of flow.present) if (!present.has(k)) present.set(k, v);
    if (scanned.position === 'key' && scanned.key === undefined) present.delete(scanned.prefix);
    return {
      path: [...flow.path, ...scanned.path],
      position: scanned.position,
      ...(scanned.key !== undefined ? { key: scanned.key } : {}),
      prefix: scanned.prefix,
      replaceStart: offset - scanned.prefix.length,
      replaceEnd: wordEnd,
      present,
      flow: true,
      colonFollows,
      needsSpace: false,
    };
  }

  const lines = text.split('\n');
  const lineIdx = countNewlines(text, lineStart);
  const keyMatch = /^(\s*)(["']?)([A-Za-z0-9_$.\-/]*)$/.exec(lineBefore);
  if (keyMatch) {
    const indent = keyMatch[1]!.length;
    const block = blockPath(lines, lineIdx, indent);
    if (!block) return undefined;
    const prefix = keyMatch[3]!;
    return {
      path: block.path,
      position: 'key',
      prefix,
      replaceStart: offset - prefix.length,
      replaceEnd: wordEnd,
      present: blockSiblings(lines, block.parentLine, indent, lineIdx),
      flow: false,
      colonFollows,
      needsSpace: false,
    };
  }
  const valueMatch = /^(\s*)([A-Za-z0-9_$.\-/]+|"[^"]*"|'[^']*')\s*:(\s*)(["']?)([A-Za-z0-9_$.\-/]*)$/.exec(lineBefore);
  if (valueMatch) {
    const indent = valueMatch[1]!.length;
    const block = blockPath(lines, lineIdx, indent);
    if (!block) return undefined;
    const prefix = valueMatch[5]!;
    return {
      path: block.path,
      position: 'value',
      key: unquote(valueMatch[2]!),
      prefix,
      replaceStart: offset - prefix.length,
      replaceEnd: wordEnd,
      present: blockSiblings(lines, block.parentLine, indent, lineIdx),
      flow: false,
      colonFollows: false,
      needsSpace: valueMatch[3] === '' && valueMatch[4] === '' && prefix === '',
    };
  }
  return undefined;
}

interface FlowStart {
  /** Offset of the `{`. */
  readonly start: number;
  /** Path of the flow mapping. */
  readonly path: readonly string[];
  /** Its keys as the parser saw them (including those after the cursor). */
  readonly present: ReadonlyMap<string, string>;
}

/** The innermost flow mapping containing `offset`, from yaml's node ranges. */
function yamlFlowAt(text: string, offset: number): FlowStart | undefined {
  let doc;
  try {
    doc = parseDocument(text, { keepSourceTokens: true, prettyErrors: false });
  } catch {
    return undefined;
  }
  let found: FlowStart | undefined;
  const visit = (node: unknown, path: readonly string[]): void => {
    if (!isMap(node) || !node.range) return;
    if (node.flow && flowContains(text, node.range, offset)) {
      const present = new Map<string, string>();
      for (const item of node.items) {
        if (isScalar(item.key)) present.set(String(item.key.value), isScalar(item.value) ? String(item.value.value ?? '') : '');
      }
      found = { start: node.range[0], path, present };
    }
    for (const item of node.items) {
      if (!isPair(item) || !isScalar(item.key)) continue;
      const value = item.value;
      if (isNode(value) && (value as Node).range) {
        const [s, , e] = (value as Node).range!;
        if (s <= offset && offset <= e) visit(value, [...path, String(item.key.value)]);
      }
    }
  };
  visit(doc.contents, []);
  return found;
}

function flowContains(text: string, range: readonly [number, number, number], offset: number): boolean {
  if (offset <= range[0]) return false;
  const closed = /[}\]]$/.test(text.slice(range[0], range[1]).trimEnd());
  return closed ? offset < range[1] : offset <= Math.max(range[2], range[1]);
}

/** `key: {` earlier on the cursor's line, when the parser gave no flow mapping. */
function textualFlowAt(text: string, lineStart: number, lineBefore: string, offset: number): FlowStart | undefined {
  const m = /^(\s*)([A-Za-z0-9_$.\-/]+|"[^"]*"|'[^']*')\s*:\s*\{/.exec(lineBefore);
  if (!m) return undefined;
  const braceAt = lineStart + m[0].length - 1;
  const scanned = scanFlow(text.slice(braceAt, offset));
  if (!scanned) return undefined;
  const lines = text.split('\n');
  const block = blockPath(lines, countNewlines(text, lineStart), m[1]!.length);
  if (!block) return undefined;
  return { start: braceAt, path: [...block.path, unquote(m[2]!)], present: new Map() };
}

interface FlowScan {
  readonly path: readonly string[];
  readonly position: 'key' | 'value';
  readonly key?: string;
  readonly prefix: string;
  readonly present: ReadonlyMap<string, string>;
}

interface Frame {
  readonly kind: 'map' | 'seq';
  readonly parentKey: string | undefined;
  readonly entries: Map<string, string>;
  key: string | undefined;
  buf: string;
}

/** Reads a flow collection from its opening bracket to the cursor: the nested keys, the position and the prefix. */
function scanFlow(s: string): FlowScan | undefined {
  const stack: Frame[] = [];
  const top = (): Frame | undefined => stack[stack.length - 1];
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const frame = top();
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < s.length && s[j] !== ch) j += ch === '"' && s[j] === '\\' ? 2 : 1;
      if (frame) frame.buf += s.slice(i, Math.min(j + 1, s.length));
      i = j;
    } else if (ch === '#' && (i === 0 || /\s/.test(s[i - 1]!))) {
      const nl = s.indexOf('\n', i);
      if (nl === -1) return undefined; // the cursor is in a comment
      i = nl;
    } else if (ch === '{' || ch === '[') {
      const parentKey = frame?.kind === 'map' && frame.key !== undefined ? frame.key : undefined;
      stack.push({ kind: ch === '{' ? 'map' : 'seq', parentKey, entries: new Map(), key: undefined, buf: '' });
    } else if (ch === '}' || ch === ']') {
      stack.pop();
      const outer = top();
      if (!outer) return undefined; // the cursor is after the collection
      outer.buf = '\u0000'; // a collection value: not a scalar
    } else if (!frame) {
      continue;
    } else if (ch === ',') {
      if (frame.kind === 'map') {
        if (frame.key !== undefined) frame.entries.set(frame.key, scalarText(frame.buf));
        else if (frame.buf.trim() !== '') frame.entries.set(unquote(frame.buf.trim()), '');
      }
      frame.key = undefined;
      frame.buf = '';
    } else if (ch === ':' && frame.kind === 'map' && frame.key === undefined && (i + 1 >= s.length || /[\s,{}[\]]/.test(s[i + 1]!) || /["']\s*$/.test(frame.buf))) {
      frame.key = unquote(frame.buf.trim());
      frame.buf = '';
    } else {
      frame.buf += ch;
    }
  }
  const frame = top();
  if (!frame || frame.kind !== 'map' || stack.some((f) => f.kind !== 'map')) return undefined;
  const path = stack.slice(1).map((f) => f.parentKey);
  if (path.some((k) => k === undefined)) return undefined;
  const rest = frame.buf.replace(/^\s+/, '').replace(/^["']/, '');
  if (!/^[A-Za-z0-9_$.\-/]*$/.test(rest)) return undefined;
  return {
    path: path as string[],
    position: frame.key === undefined ? 'key' : 'value',
    ...(frame.key !== undefined ? { key: frame.key } : {}),
    prefix: rest,
    present: frame.entries,
  };
}

/** Keys of the block mappings enclosing a line indented by `indent`: the `key:` lines above it with less indentation. */
function blockPath(lines: readonly string[], lineIdx: number, indent: number): { path: string[]; parentLine: number } | undefined {
  const path: string[] = [];
  let parentLine = -1;
  let current = indent;
  for (let i = lineIdx - 1; i >= 0 && current > 0; i--) {
    const t = lines[i]!;
    if (/^\s*(#.*)?$/.test(t)) continue;
    const ind = t.length - t.trimStart().length;
    if (ind >= current) continue;
    const m = KEY_LINE.exec(t);
    if (!m || scalarText(m[3] ?? '') !== '') return undefined; // inside a list or a multi-line scalar
    path.unshift(unquote(m[2]!));
    if (parentLine === -1) parentLine = i;
    current = ind;
  }
  return { path, parentLine };
}

/** The `key: value` lines of the block mapping after `parentLine`, at `indent`, except the cursor's line. */
function blockSiblings(lines: readonly string[], parentLine: number, indent: number, cursorLine: number): Map<string, string> {
  const present = new Map<string, string>();
  for (let i = parentLine + 1; i < lines.length; i++) {
    const t = lines[i]!;
    if (/^\s*(#.*)?$/.test(t)) continue;
    const ind = t.length - t.trimStart().length;
    if (ind < indent && i !== cursorLine) break;
    if (ind !== indent || i === cursorLine) continue;
    const m = KEY_LINE.exec(t);
    if (m) present.set(unquote(m[2]!), scalarText(m[3] ?? ''));
  }
  return present;
}

function scalarText(raw: string): string {
  const text = raw.replace(/(^|\s)#.*$/, '').trim();
  return text === '\u0000' ? '' : unquote(text);
}

function unquote(s: string): string {
  return /^(["']).*\1$/.test(s) ? s.slice(1, -1) : s;
}

function stripQuoted(s: string): string {
  return s.replace(/"(?:[^"\\]|\\.)*"?|'[^']*'?/g, '""');
}

function countNewlines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

// ---------------------------------------------------------------------------------------------------------
// Schema lookup
// ---------------------------------------------------------------------------------------------------------

const ROOT: FieldType = { kind: 'object', fields: STUDY_FILE };

/** The type of the value at `path` (type names of tagged mappings along the way: their default, else any variant). */
function typeAt(path: readonly string[]): FieldType | undefined {
  let type: FieldType = ROOT;
  for (const key of path) {
    const mapping = mappingOf(type);
    if (!mapping) return undefined;
    if (mapping.kind === 'map') {
      type = mapping.values;
      continue;
    }
    const field = fieldsOf(mapping, undefined)[key];
    if (!field) return undefined;
    type = field.type;
  }
  return type;
}

type MappingType = Extract<FieldType, { kind: 'object' | 'tagged' | 'map' }>;

/** The mapping alternative of a type (an `anyOf` such as `metric` has a string and an object form). */
function mappingOf(type: FieldType): MappingType | undefined {
  if (type.kind === 'object' || type.kind === 'tagged' || type.kind === 'map') return type;
  if (type.kind === 'anyOf') {
    for (const v of type.variants) {
      const m = mappingOf(v);
      if (m) return m;
    }
  }
  return undefined;
}

/** The keys a mapping allows; for a tagged one, `type` plus the common keys and those of the variant named (all variants' when unknown). */
function fieldsOf(mapping: MappingType, typeName: string | undefined): Fields {
  if (mapping.kind === 'object') return mapping.fields;
  if (mapping.kind === 'map') return {};
  const name = typeName !== undefined && typeName in mapping.variants ? typeName : mapping.defaultType;
  const variants: TaggedVariant[] = name !== undefined ? [mapping.variants[name]!] : Object.values(mapping.variants);
  const fields: Record<string, Field> = { type: typeField(mapping), ...(mapping.common ?? {}) };
  for (const v of variants) for (const [k, f] of Object.entries(v.fields)) if (!(k in fields)) fields[k] = f;
  return fields;
}

function typeField(mapping: Extract<FieldType, { kind: 'tagged' }>): Field {
  const noun = mapping.noun ?? 'kind';
  return {
    type: { kind: 'enum', values: Object.keys(mapping.variants) },
    description: `Which ${noun}: ${Object.keys(mapping.variants).join(', ')}.`,
    required: mapping.defaultType === undefined,
    ...(mapping.defaultType !== undefined ? { default: mapping.defaultType } : {}),
  };
}

interface Choice {
  readonly value: string;
  readonly description: string;
}

/** The values offered for a field: enum values, booleans, variant names. */
function choicesFor(type: FieldType, key: string, parent: MappingType | undefined, field: Field | undefined): Choice[] {
  if (parent?.kind === 'tagged' && key === 'type') return variantChoices(parent);
  const own = field?.description ?? '';
  switch (type.kind) {
    case 'enum':
      return type.values.map((value) => ({ value, description: own }));
    case 'boolean':
      return ['true', 'false'].map((value) => ({ value, description: own }));
    case 'tagged':
      return type.shorthand ? variantChoices(type) : [];
    case 'anyOf':
      return type.variants.flatMap((v) => choicesFor(v, key, undefined, field));
    default:
      return [];
  }
}

function variantChoices(type: Extract<FieldType, { kind: 'tagged' }>): Choice[] {
  return Object.entries(type.variants).map(([value, v]) => ({ value, description: v.description }));
}

/** One-line summary of a type, for completion details. */
export function typeSummary(type: FieldType): string {
  switch (type.kind) {
    case 'string':
      return 'string';
    case 'enum':
      return type.values.join(' | ');
    case 'number': {
      const bounds: string[] = [];
      if (type.minimum !== undefined) bounds.push(`≥ ${type.minimum}`);
      if (type.exclusiveMinimum !== undefined) bounds.push(`> ${type.exclusiveMinimum}`);
      if (type.maximum !== undefined) bounds.push(`≤ ${type.maximum}`);
      return [type.integer ? 'integer' : 'number', ...bounds].join(' ');
    }
    case 'boolean':
      return 'boolean';
    case 'scalar':
      return 'string | number | boolean';
    case 'duration':
      return 'seconds or duration (90s, 1h30m)';
    case 'list':
      return `list of ${typeSummary(type.items)}`;
    case 'object':
      return 'mapping';
    case 'map':
      return 'mapping of names';
    case 'anyOf':
      return type.variants.map(typeSummary).join(' | ');
    case 'tagged':
      return `${type.shorthand ? 'name or ' : ''}{type: ${Object.keys(type.variants).join(' | ')}, ...}`;
  }
}

function fieldDoc(key: string, field: Field): string {
  const parts = [`**${key}** — ${field.description}`];
  if (field.required) parts.push('Required.');
  if (field.default !== undefined) parts.push(`Default: \`${formatDefault(field.default)}\``);
  const values = allowedValues(field.type);
  if (values.length > 0) parts.push(`Values: ${values.map((v) => `\`${v}\``).join(', ')}`);
  else parts.push(`Type: ${typeSummary(field.type)}`);
  return parts.join('\n\n');
}

function allowedValues(type: FieldType): string[] {
  switch (type.kind) {
    case 'enum':
      return [...type.values];
    case 'boolean':
      return ['true', 'false'];
    case 'tagged':
      return Object.keys(type.variants);
    case 'anyOf':
      return type.variants.flatMap(allowedValues);
    default:
      return [];
  }
}

function formatDefault(value: string | number | boolean): string {
  return typeof value === 'number' && !Number.isInteger(value) ? String(Number(value.toPrecision(6))) : String(value);
}

// ---------------------------------------------------------------------------------------------------------
// Completion and hover
// ---------------------------------------------------------------------------------------------------------

/** The mapping type at a context's path, with the variant named by its sibling `type:`. */
function mappingAt(ctx: CursorContext): { mapping: MappingType; fields: Fields } | undefined {
  const type = typeAt(ctx.path);
  const mapping = type ? mappingOf(type) : undefined;
  if (!mapping) return undefined;
  return { mapping, fields: fieldsOf(mapping, ctx.present.get('type')) };
}

/** Completion items at `offset`: missing keys at a key position, enum values / variant names at a value position. */
export function studyFileCompletions(text: string, offset: number): AssistCompletion[] {
  const ctx = studyFileContext(text, offset);
  if (!ctx) return [];
  const at = mappingAt(ctx);
  if (!at) return [];
  const prefix = ctx.prefix.toLowerCase();
  if (ctx.position === 'key') {
    return Object.entries(at.fields)
      .filter(([key]) => !ctx.present.has(key) && key.toLowerCase().startsWith(prefix))
      .map(([key, field]) => ({
        label: key,
        kind: 'property',
        insertText: ctx.colonFollows ? key : `${key}: `,
        detail: typeSummary(field.type),
        documentation: fieldDoc(key, field),
        replaceStart: ctx.replaceStart,
        replaceEnd: ctx.replaceEnd,
        sortText: `${key === 'type' ? 0 : field.required ? 1 : 2}${key}`,
      }));
  }
  const key = ctx.key!;
  const field = at.fields[key];
  if (!field && at.mapping.kind !== 'map') return [];
  const valueType = field?.type ?? (at.mapping.kind === 'map' ? at.mapping.values : undefined);
  if (!valueType) return [];
  const noun = at.mapping.kind === 'tagged' && key === 'type' ? (at.mapping.noun ?? 'type') : key;
  return choicesFor(valueType, key, at.mapping, field)
    .filter((c) => c.value.toLowerCase().startsWith(prefix))
    .map((c, i) => ({
      label: c.value,
      kind: 'value',
      insertText: ctx.needsSpace ? ` ${c.value}` : c.value,
      detail: field?.default !== undefined && String(field.default) === c.value ? `${noun} (default)` : noun,
      documentation: c.description !== '' ? `**${c.value}** — ${c.description}` : `**${c.value}**`,
      replaceStart: ctx.replaceStart,
      replaceEnd: ctx.replaceEnd,
      sortText: String(i).padStart(3, '0'),
    }));
}

/** Hover for the key (its description, default and allowed values) or variant name (its description) under `offset`. */
export function studyFileHover(text: string, offset: number): AssistHover | undefined {
  let start = offset;
  while (start > 0 && WORD.test(text[start - 1] ?? '')) start--;
  let end = offset;
  while (end < text.length && WORD.test(text[end] ?? '')) end++;
  if (start === end) return undefined;
  const word = text.slice(start, end);
  const ctx = studyFileContext(text, start);
  if (!ctx) return undefined;
  const at = mappingAt(ctx);
  if (!at) return undefined;
  if (ctx.position === 'key') {
    const field = at.fields[word];
    return field ? { contents: fieldDoc(word, field), start, end } : undefined;
  }
  const key = ctx.key!;
  const field = at.fields[key];
  const valueType = field?.type ?? (at.mapping.kind === 'map' ? at.mapping.values : undefined);
  if (!valueType) return undefined;
  const choice = choicesFor(valueType, key, at.mapping, field).find((c) => c.value === word);
  if (!choice) return undefined;
  const label = at.mapping.kind === 'tagged' && key === 'type' ? `${at.mapping.noun ?? key} ${word}` : `${key}: ${word}`;
  return { contents: choice.description !== '' ? `**${label}** — ${choice.description}` : `**${label}**`, start, end };
}
