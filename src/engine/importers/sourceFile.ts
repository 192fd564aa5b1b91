/**
 * The input of an importer (a W&B sweep, an NNI search space or experiment config), read with positions:
 * every error and every "not carried over" warning points at file:line:col, exactly like the study file's
 * own issues (spec/specIssue.ts). YAML 1.2 reads JSON too, so one reader serves `.yaml`, `.yml` and `.json`.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { IssueSink, type SpecIssue } from '../spec/specIssue';
import { describe } from '../spec/checkStructure';

/** One `key: value` of a mapping, with the nodes to point at. */
export interface SourceEntry {
  readonly key: string;
  readonly keyNode: Node;
  /** Null for `key:` with no value. */
  readonly value: Node | null;
  /** Dotted path in the document (`parameters.lr.min`), for the issue's `path`. */
  readonly path: string;
}

/** A scalar as written: its JS value and whether the source text is an integer literal (`3`, not `3.0`). */
export interface SourceScalar {
  readonly value: string | number | boolean | null;
  readonly intLiteral: boolean;
}

export class SourceFile {
  readonly sink: IssueSink;
  /** The document's top node; null for an empty file or one with syntax errors. */
  readonly root: Node | null;
  private readonly doc: Document;

  constructor(
    /** Path shown in issues (as given: absolute in the CLI and the extension). */
    readonly file: string,
    readonly text: string,
  ) {
    const lineCounter = new LineCounter();
    this.doc = parseDocument(text, { lineCounter, prettyErrors: false });
    this.sink = new IssueSink(file, text, lineCounter);
    for (const e of this.doc.errors) this.sink.atOffsets(e.pos[0], e.pos[1], '', `${syntaxWord(file)} syntax error: ${firstLine(e.message)}`);
    this.root = this.sink.hasErrors ? null : this.resolve(this.doc.contents);
  }

  get issues(): readonly SpecIssue[] {
    return this.sink.issues;
  }

  get hasErrors(): boolean {
    return this.sink.hasErrors;
  }

  error(node: Node | null | undefined, path: string, message: string): void {
    this.sink.atNode(node, path, message, 'error');
  }

  warn(node: Node | null | undefined, path: string, message: string): void {
    this.sink.atNode(node, path, message, 'warning');
  }

  /** Follows an alias (`*name`) to its anchor; anything that is not a node is null. */
  resolve(raw: unknown): Node | null {
    if (isAlias(raw)) return this.resolve(raw.resolve(this.doc));
    if (isScalar(raw) || isMap(raw) || isSeq(raw)) return raw;
    return null;
  }

  isMapping(node: Node | null): boolean {
    return isMap(node);
  }

  isList(node: Node | null): boolean {
    return isSeq(node);
  }

  /** The entries of a mapping (empty for anything else); a key that is not a plain scalar is an error. */
  entries(node: Node | null, path: string): SourceEntry[] {
    if (!isMap(node)) return [];
    const out: SourceEntry[] = [];
    for (const pair of node.items) {
      const keyNode = this.resolve(pair.key);
      if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
        this.error(keyNode ?? node, path, 'keys must be plain names');
        continue;
      }
      const key = String(keyNode.value);
      out.push({ key, keyNode, value: this.resolve(pair.value), path: path === '' ? key : `${path}.${key}` });
    }
    return out;
  }

  /** The items of a list (empty for anything else). */
  items(node: Node | null): Array<Node | null> {
    return isSeq(node) ? node.items.map((i) => this.resolve(i)) : [];
  }

  /** A scalar's value, or undefined when the node is a mapping or a list. */
  scalar(node: Node | null): SourceScalar | undefined {
    if (!isScalar(node)) return undefined;
    const v = node.value;
    const value = typeof v === 'bigint' ? Number(v) : v === undefined ? null : (v as SourceScalar['value']);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean' && value !== null) return undefined;
    const range = node.range;
    const source = range ? this.text.slice(range[0], range[1]).trim() : '';
    return { value, intLiteral: typeof value === 'number' && Number.isInteger(value) && /^[-+]?[0-9]+$/.test(source) };
  }

  /** The node as plain JSON-like data (aliases resolved). */
  plain(node: Node | null): unknown {
    if (node === null) return null;
    return node.toJS(this.doc) as unknown;
  }
}

/** "got ..." words for messages: `string "abc"`, `number 3`, `a list`, `a mapping`, `nothing`. */
export function describeNode(node: Node | null): string {
  return describe(node, 'nothing');
}

function syntaxWord(file: string): string {
  return /\.json$/i.test(file) ? 'JSON/YAML' : 'YAML';
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
