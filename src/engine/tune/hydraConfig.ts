/**
 * Reads the YAML config of a Hydra script (`@hydra.main(config_path=..., config_name=...)`, found by the static
 * reader) the way Hydra composes it, as far as "Tune This Script" needs: the primary config's scalar leaves by their
 * dotted paths (`optimizer.lr`), and the config groups its `defaults:` list selects (`- model: resnet`, where
 * `conf/model/` holds one `.yaml` per option) with the leaves of the selected option. Nothing is run and nothing is
 * resolved (interpolations stay text). Odd configs give notes, never exceptions: a proposal is still made.
 *
 * The Python reader does not parse YAML (it has no dependencies); this is the TypeScript side's `yaml` package.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';

/** What the reader found of `@hydra.main(...)`; `config` is added by inspectScript from the files. */
export interface HydraMain {
  /** 1-based line of the decorator. */
  readonly line: number;
  /** Absent: not given; null: given as None. */
  readonly configPath?: string | null;
  readonly configName?: string | null;
  readonly versionBase?: string | null;
  /** Arguments given as something other than a literal (`config_path=os.path.join(...)`). */
  readonly unknown: readonly string[];
  readonly config?: HydraConfig;
}

/** One scalar of a config file, by its dotted path in the composed config. */
export interface HydraLeaf {
  /** `optimizer.lr`: the path an override names. */
  readonly key: string;
  readonly value: number | boolean | string;
  /** The value as written (`1e-3`). */
  readonly text: string;
  /** int/float from how the number is written (`1.0` is a float); `???` (mandatory) is `missing`. */
  readonly type: 'int' | 'float' | 'bool' | 'str' | 'missing';
  /** The file, relative to the script's folder (`conf/config.yaml`), and the 1-based line. */
  readonly file: string;
  readonly line: number;
}

/** A config group selected by the primary config's defaults list (`- model: resnet`). */
export interface HydraGroup {
  /** The group's name, which is also its override key (`model=vit`). */
  readonly name: string;
  /** The option files of its folder, without `.yaml`, sorted. */
  readonly options: readonly string[];
  /** The option the defaults list selects; null for `???` (the run must choose one). */
  readonly selected: string | null;
  /** The selected option's leaves (keys in the composed config, under the group's package: `model.hidden`). */
  readonly leaves: readonly HydraLeaf[];
  /** The group folder, relative to the script's folder. */
  readonly folder: string;
}

/** What was read of a Hydra config. */
export interface HydraConfig {
  /** The primary config file, relative to the script's folder; undefined when it could not be located. */
  readonly primary?: string;
  readonly leaves: readonly HydraLeaf[];
  readonly groups: readonly HydraGroup[];
  /** Keys of values that are not tuned: text, lists, interpolations (`${...}`), null. */
  readonly untuned: readonly string[];
  /** What could not be read, in plain words. */
  readonly notes: readonly string[];
}

/** A key Hydra's override grammar takes unquoted, and Rung as a parameter name: `lr`, `max-len`. */
const KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Where Hydra looks for the config folder: `config_path` relative to the script's file (an absolute path as is).
 * Without `config_path`, Hydra 1.1 (no `version_base`, or one below 1.2) uses the script's folder and later
 * versions none. A string is the folder; anything else is a note saying why there is none.
 */
function configFolder(scriptDir: string, main: HydraMain): { dir: string } | { note: string } {
  if (main.unknown.includes('config_path')) return { note: '@hydra.main\'s config_path is not a literal, so Rung could not find the config folder' };
  let configPath = main.configPath;
  if (configPath === undefined) {
    const base = main.versionBase;
    const hydra11 = base === undefined || (typeof base === 'string' && compareVersions(base, '1.2') < 0);
    configPath = hydra11 ? '.' : null;
  }
  if (configPath === null) return { note: '@hydra.main has no config_path, so Hydra reads no config folder (only its ConfigStore, which Rung does not read)' };
  if (configPath.startsWith('pkg://')) return { note: `@hydra.main's config_path ${configPath} names a Python package, which Rung does not read` };
  const folder = configPath.startsWith('file://') ? configPath.slice('file://'.length) : configPath;
  return { dir: path.resolve(scriptDir, folder) };
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Reads the config `main` points at, relative to the script's folder. */
export function readHydraConfig(scriptDir: string, main: HydraMain): HydraConfig {
  const notes: string[] = [];
  const untuned: string[] = [];
  const empty = (note: string): HydraConfig => ({ leaves: [], groups: [], untuned: [], notes: [note] });
  const folder = configFolder(scriptDir, main);
  if ('note' in folder) return empty(folder.note);
  if (main.unknown.includes('config_name')) return empty('@hydra.main\'s config_name is not a literal, so Rung could not tell which config file is used');
  if (main.configName === undefined || main.configName === null) {
    return empty('@hydra.main has no config_name, so Hydra starts from an empty config: there is no config file to read');
  }
  const shown = (file: string): string => path.relative(scriptDir, file).split(path.sep).join('/') || '.';
  const primaryFile = path.join(folder.dir, /\.ya?ml$/.test(main.configName) ? main.configName : `${main.configName}.yaml`);
  const primary = loadYaml(primaryFile, shown(primaryFile));
  if ('note' in primary) return empty(primary.note);

  const leaves: HydraLeaf[] = [];
  const root = primary.doc;
  if (root !== null && !isMap(root)) return { primary: shown(primaryFile), leaves, groups: [], untuned, notes: [`${shown(primaryFile)} is not a mapping of keys to values`] };
  // The primary config's own `hydra:` section configures Hydra, not the job.
  collectLeaves(root, '', primary, leaves, untuned, new Set(['defaults', 'hydra']));

  const groups: HydraGroup[] = [];
  const defaults = root !== null && isMap(root) ? root.get('defaults', true) : undefined;
  if (defaults !== undefined && defaults !== null && !isSeq(defaults)) notes.push(`the defaults of ${shown(primaryFile)} are not a list: not read`);
  if (isSeq(defaults)) {
    const seen = new Set(leaves.map((l) => l.key));
    for (const item of defaults.items) {
      const entry = defaultsEntry(item as Node | null);
      if (entry === undefined) continue;
      if ('note' in entry) {
        notes.push(entry.note);
        continue;
      }
      if (entry.kind === 'config') {
        // `- base`: another config merged in (under the package of its folder, `db/mysql` → db). The primary's own values win.
        const file = path.join(folder.dir, `${entry.path}.yaml`);
        const loaded = loadYaml(file, shown(file));
        if ('note' in loaded) {
          notes.push(loaded.note);
          continue;
        }
        const extra: HydraLeaf[] = [];
        collectLeaves(loaded.doc, packagePrefix(loaded.header, entry.path.split('/').slice(0, -1).join('.')), loaded, extra, untuned, new Set(['defaults']));
        for (const leaf of extra) if (!seen.has(leaf.key)) { seen.add(leaf.key); leaves.push(leaf); }
        continue;
      }
      const group = readGroup(folder.dir, entry, shown, untuned, notes);
      if (group === undefined) continue;
      // A key the primary config also sets exists whatever the option: tuned once, without a condition.
      groups.push({ ...group, leaves: group.leaves.filter((l) => !seen.has(l.key)) });
    }
  }
  return { primary: shown(primaryFile), leaves, groups, untuned, notes };
}

type DefaultsEntry =
  | { readonly kind: 'group'; readonly group: string; readonly option: string | null; readonly optional: boolean }
  | { readonly kind: 'config'; readonly path: string }
  | { readonly note: string };

/** One item of a defaults list; undefined for what is not about the job's config (`_self_`, Hydra's own groups). */
function defaultsEntry(item: Node | null): DefaultsEntry | undefined {
  if (isScalar(item) && typeof item.value === 'string') {
    const name = item.value.replace(/^\//, '');
    if (name === '_self_' || name.startsWith('hydra/')) return undefined;
    if (!/^[A-Za-z0-9_./-]+$/.test(name)) return { note: `the defaults entry ${name} was not read` };
    return { kind: 'config', path: name };
  }
  if (!isMap(item) || item.items.length !== 1) return { note: 'a defaults entry that is not `- group: option` was not read' };
  const pair = item.items[0];
  const rawKey = isScalar(pair?.key) ? String(pair.key.value) : undefined;
  if (rawKey === undefined) return { note: 'a defaults entry with a key that is not text was not read' };
  if (rawKey.startsWith('override ')) return undefined; // changes another default (mostly Hydra's own groups): not a new group
  const optional = rawKey.startsWith('optional ');
  const group = (optional ? rawKey.slice('optional '.length) : rawKey).trim().replace(/^\//, '');
  if (group.startsWith('hydra/') || group === 'hydra') return undefined;
  if (group.includes('@')) return { note: `the config group ${group} is placed at another package (@), which Rung does not read: tune it by hand (${group}=OPTION)` };
  // A nested group's override key (`server/db=mysql`) has a `/`, which a parameter name cannot.
  if (!KEY.test(group)) return { note: `the config group ${group} was not read (a nested group or an unusual name): tune it by hand` };
  const value = isScalar(pair?.value) ? pair.value.value : pair?.value;
  if (value === null || value === undefined) return { note: `the config group ${group} is selected as null (no option) in the defaults: not tuned` };
  if (value === '???') return { kind: 'group', group, option: null, optional };
  if (typeof value !== 'string') return { note: `the config group ${group} selects several options (a list), which Rung does not tune` };
  return { kind: 'group', group, option: value, optional };
}

/** A group's folder, its options and the selected option's leaves; undefined (and a note) when there is no folder. */
function readGroup(
  configDir: string,
  entry: { readonly group: string; readonly option: string | null; readonly optional: boolean },
  shown: (file: string) => string,
  untuned: string[],
  notes: string[],
): Omit<HydraGroup, 'leaves'> & { leaves: HydraLeaf[] } | undefined {
  const dir = path.join(configDir, entry.group);
  if (!isDirectory(dir)) {
    if (!entry.optional) notes.push(`the config group ${entry.group} has no folder ${shown(dir)}: not read`);
    return undefined;
  }
  let options: string[];
  try {
    // Hydra reads `.yaml` files only; sub-folders are nested groups.
    options = readdirSync(dir).filter((f) => f.endsWith('.yaml') && !isDirectory(path.join(dir, f))).map((f) => f.slice(0, -'.yaml'.length)).sort();
  } catch (error) {
    notes.push(`the config group folder ${shown(dir)} could not be read (${(error as Error).message})`);
    return undefined;
  }
  const leaves: HydraLeaf[] = [];
  if (entry.option !== null) {
    const file = path.join(dir, `${entry.option}.yaml`);
    if (!options.includes(entry.option)) {
      if (!entry.optional) notes.push(`the config group ${entry.group} selects ${entry.option}, but ${shown(file)} does not exist`);
    } else {
      const loaded = loadYaml(file, shown(file));
      if ('note' in loaded) notes.push(loaded.note);
      else collectLeaves(loaded.doc, packagePrefix(loaded.header, entry.group), loaded, leaves, untuned, new Set(['defaults']));
    }
  }
  return { name: entry.group, options, selected: entry.option, leaves, folder: shown(dir) };
}

/** Where a file's keys go: its `# @package` header (`_global_`: the root), else the group's own package. */
function packagePrefix(header: string | undefined, groupPackage: string): string {
  if (header === undefined || header === '_group_') return groupPackage;
  if (header === '_global_') return '';
  if (header.startsWith('_global_.')) return header.slice('_global_.'.length);
  if (header.startsWith('_group_.')) return [groupPackage, header.slice('_group_.'.length)].filter((p) => p !== '').join('.');
  return header;
}

interface LoadedYaml {
  readonly doc: Node | null;
  readonly text: string;
  readonly file: string;
  /** The `# @package X` header, when the file starts with one. */
  readonly header?: string;
}

function loadYaml(file: string, shownName: string): LoadedYaml | { note: string } {
  if (!existsSync(file)) return { note: `the config file ${shownName} does not exist` };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { note: `the config file ${shownName} could not be read (${(error as Error).message})` };
  }
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) return { note: `the config file ${shownName} is not valid YAML (${doc.errors[0]?.message.split('\n')[0] ?? 'parse error'})` };
  const header = /^(?:\s*#[^\n]*\n|\s*\n)*?\s*#\s*@package\s+(\S+)/.exec(text)?.[1];
  return { doc: (doc.contents as Node | null) ?? null, text, file: shownName, ...(header !== undefined ? { header } : {}) };
}

/** Scalars of a mapping, recursively, by dotted path; what is not a number or a boolean is named in `untuned`. */
function collectLeaves(node: Node | null, prefix: string, from: LoadedYaml, out: HydraLeaf[], untuned: string[], skipTop: ReadonlySet<string>, depth = 0): void {
  if (!isMap(node) || depth > 20) return;
  for (const pair of node.items) {
    const rawKey = isScalar(pair.key) ? pair.key.value : undefined;
    if (typeof rawKey !== 'string' && typeof rawKey !== 'number') continue;
    const keyPart = String(rawKey);
    if (depth === 0 && skipTop.has(keyPart)) continue;
    // Keys Hydra's override grammar cannot name unquoted (spaces, `@`...) are left out altogether.
    if (!KEY.test(keyPart)) continue;
    const key = prefix === '' ? keyPart : `${prefix}.${keyPart}`;
    const value = pair.value as Node | null;
    if (isMap(value)) {
      collectLeaves(value, key, from, out, untuned, skipTop, depth + 1);
      continue;
    }
    if (!isScalar(value)) {
      untuned.push(key); // a list, or an empty value
      continue;
    }
    const line = lineOf(from.text, value.range?.[0] ?? 0);
    const text = typeof value.source === 'string' ? value.source : String(value.value);
    const v = value.value;
    if (typeof v === 'number' && Number.isFinite(v)) {
      // `1.0` and `1e3` are floats in OmegaConf too; a plain integer is an int.
      const type = /^[-+]?(?:0|[1-9][0-9_]*|0x[0-9a-fA-F_]+|0o[0-7_]+)$/.test(text.trim()) ? 'int' : 'float';
      out.push({ key, value: v, text, type, file: from.file, line });
    } else if (typeof v === 'boolean') {
      out.push({ key, value: v, text, type: 'bool', file: from.file, line });
    } else if (v === '???') {
      out.push({ key, value: '???', text, type: 'missing', file: from.file, line });
    } else {
      untuned.push(key);
    }
  }
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
