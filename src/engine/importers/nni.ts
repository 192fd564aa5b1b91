/**
 * NNI → Rung study draft: a search space (`search_space.json`: `{"name": {"_type": ..., "_value": [...]}}`)
 * alone, or an experiment config (`config.yml`, the v2 schema and the older v1 one) with its search space
 * inline or in `searchSpaceFile`. Semantics from NNI's "Search Space" and "Experiment Config Reference":
 * - choice → categorical; a choice of mappings with `_name` (a nested search space) → a categorical of the
 *   names and conditional children (`when:`) named `<parent>.<child>`; randint [lower, upper) → int up to
 *   upper - 1; quniform/qloguniform → stepped ranges (NNI clips to [low, high]); loguniform takes the values
 *   themselves; normal-family types become mu ± 3 sigma, said so in the file.
 * - trialCommand → command (argv: NNI ran it in bash, Rung runs no shell; leading `VAR=x` → launcher.env,
 *   `cd dir &&` → cwd), trialCodeDirectory → cwd, trialConcurrency → parallel, maxTrialNumber → trials,
 *   maxExperimentDuration → timeout, maxTrialDuration → launcher.trial_timeout, trialGpuNumber → resources.
 * - tuner → sampler (TPE → tpe, Random → random, GridSearch → grid, Evolution → evolution, GPTuner → gp,
 *   Anneal → tpe, SMAC/Metis/DNGO → gp, Hyperband → random + synchronous hyperband, BOHB → bohb);
 *   assessor Medianstop → median, Curvefitting → median (the nearest stopping rule Rung has).
 * NNI hands parameters to the script through nni.get_next_parameter() and takes metrics through
 * nni.report_*_result(); the file's header says what to change in the script for Rung.
 */
import path from 'node:path';
import type { Node } from 'yaml';
import { splitCommand } from '../runner/commandTemplate';
import { closestMatch } from '../spec/didYouMean';
import { parseDuration } from '../spec/duration';
import type { ParamValue } from '../space/searchSpace';
import {
  cwdFor,
  logNormalRange,
  normalRange,
  Notes,
  ParamNames,
  quantizedLogRange,
  quantizedRange,
  scalarChoices,
  studyName,
  withGridPoints,
  type ImportContext,
  type RangeResult,
} from './common';
import { describeNode, SourceFile, type SourceEntry } from './sourceFile';
import type { DraftParam, OptionValue, StudyDraft } from './studyDraft';
import { clean, templateText, yamlNumber } from '../spec/yamlText';

export const NNI_TYPES = ['choice', 'randint', 'uniform', 'quniform', 'loguniform', 'qloguniform', 'normal', 'qnormal', 'lognormal', 'qlognormal'] as const;

/** NNI's metric has no name (report_final_result(x), or the dict's "default" key): Rung reads it as `default`. */
const METRIC = 'default';

/** Keys of an experiment config: v2 (camelCase) and v1. Values: how each is used. */
const CONFIG_KEYS = [
  'experimentName',
  'searchSpaceFile',
  'searchSpace',
  'trialCommand',
  'trialCodeDirectory',
  'trialConcurrency',
  'trialGpuNumber',
  'maxExperimentDuration',
  'maxTrialNumber',
  'maxTrialDuration',
  'tuner',
  'assessor',
  'advisor',
  'trainingService',
  'useAnnotation',
  'nniManagerIp',
  'debug',
  'logLevel',
  'experimentWorkingDirectory',
  'tunerGpuIndices',
  'sharedStorage',
  'experimentType',
  // v1
  'authorName',
  'maxExecDuration',
  'maxTrialNum',
  'trainingServicePlatform',
  'searchSpacePath',
  'trial',
  'localConfig',
  'logDir',
  'multiThread',
  'versionCheck',
  'logCollection',
] as const;

/** Keys that mark a mapping as an NNI experiment config (for format detection). */
export const NNI_CONFIG_MARKERS = ['trialCommand', 'searchSpaceFile', 'searchSpace', 'trialConcurrency', 'maxTrialNumber', 'trainingService', 'trialCodeDirectory', 'searchSpacePath', 'trainingServicePlatform', 'maxTrialNum', 'maxExecDuration', 'authorName', 'experimentName', 'tuner', 'assessor', 'advisor', 'trial'];

interface Space {
  readonly params: DraftParam[];
  readonly nested: boolean;
}

// ---------------------------------------------------------------------------------------------- search space

/** Reads a search space mapping into parameters (in file order, parents before their children). */
function readSearchSpace(src: SourceFile, node: Node | null, at: string, notes: Notes): Space | undefined {
  if (!src.isMapping(node)) {
    src.error(node, at, `expected an NNI search space (a mapping of {"_type": ..., "_value": [...]}), got ${describeNode(node)}`);
    return undefined;
  }
  const out: DraftParam[] = [];
  const names = new ParamNames();
  const state = { nested: false };
  for (const e of src.entries(node, at)) readParam(src, e.key, e, undefined, out, names, notes, state);
  if (src.hasErrors) return undefined;
  if (out.length === 0) {
    // The warnings say why each was left out; an error alone would hide them from a caller that shows only errors.
    const why = notes.list.length > 0 ? ` (${notes.list.join('; ')})` : '';
    src.error(node, at, `the search space has no parameter Rung can search${why}`);
    return undefined;
  }
  return { params: out, nested: state.nested };
}

function readParam(
  src: SourceFile,
  raw: string,
  e: Pick<SourceEntry, 'keyNode' | 'value' | 'path'>,
  when: Readonly<Record<string, readonly ParamValue[]>> | undefined,
  out: DraftParam[],
  names: ParamNames,
  notes: Notes,
  state: { nested: boolean },
): void {
  if (!src.isMapping(e.value)) {
    src.error(e.value ?? e.keyNode, e.path, `expected {"_type": ..., "_value": [...]} for parameter "${raw}", got ${describeNode(e.value)}`);
    return;
  }
  const fields = new Map(src.entries(e.value, e.path).map((f) => [f.key, f]));
  const typeEntry = fields.get('_type');
  const valueEntry = fields.get('_value');
  for (const [key, f] of fields) {
    if (key !== '_type' && key !== '_value') notes.add(src, f.keyNode, f.path, `"${key}" in parameter "${raw}" is not an NNI search-space key; ignored`);
  }
  const type = src.scalar(typeEntry?.value ?? null)?.value;
  if (!typeEntry || typeof type !== 'string') {
    src.error(typeEntry?.value ?? e.keyNode, typeEntry?.path ?? e.path, `parameter "${raw}" needs "_type" (one of ${NNI_TYPES.join(', ')})`);
    return;
  }
  if (!(NNI_TYPES as readonly string[]).includes(type)) {
    const near = closestMatch(type, NNI_TYPES);
    notes.add(src, typeEntry.value, typeEntry.path, `parameter "${raw}" is left out: _type "${type}" is not a search-space type Rung knows (${NNI_TYPES.join(', ')})${near !== undefined ? `; did you mean "${near}"?` : ''}`);
    return;
  }
  if (!valueEntry || !src.isList(valueEntry.value)) {
    src.error(valueEntry?.value ?? e.keyNode, valueEntry?.path ?? e.path, `parameter "${raw}" needs "_value" as a list, got ${describeNode(valueEntry?.value ?? null)}`);
    return;
  }
  const items = src.items(valueEntry.value);
  const itemsAt = valueEntry.path;

  /** `_value` as numbers: exactly `counts` items (one of), each finite. */
  const numbers = (counts: readonly number[], what: string): Array<{ value: number; intLiteral: boolean }> | undefined => {
    if (!counts.includes(items.length)) {
      src.error(valueEntry.value, itemsAt, `_value of ${type} parameter "${raw}" must be ${what}, got ${items.length} item${items.length === 1 ? '' : 's'}`);
      return undefined;
    }
    const out2: Array<{ value: number; intLiteral: boolean }> = [];
    items.forEach((item, i) => {
      const s = src.scalar(item);
      if (typeof s?.value !== 'number' || !Number.isFinite(s.value)) {
        src.error(item ?? valueEntry.value, `${itemsAt}[${i}]`, `expected a number in _value of parameter "${raw}", got ${describeNode(item)}`);
        return;
      }
      out2.push({ value: s.value, intLiteral: s.intLiteral });
    });
    return out2.length === items.length ? out2 : undefined;
  };
  const ordered = (low: number, high: number): boolean => {
    if (low <= high) return true;
    src.error(items[0] ?? valueEntry.value, `${itemsAt}[0]`, `low (${low}) is greater than high (${high}) in parameter "${raw}"`);
    return false;
  };
  const positiveQ = (q: number): boolean => {
    if (q > 0) return true;
    src.error(items[2] ?? valueEntry.value, `${itemsAt}[2]`, `q must be greater than 0, got ${q} in parameter "${raw}"`);
    return false;
  };
  const sigmaOk = (sigma: number): boolean => {
    if (sigma >= 0) return true;
    src.error(items[1] ?? valueEntry.value, `${itemsAt}[1]`, `sigma must be at least 0, got ${sigma} in parameter "${raw}"`);
    return false;
  };

  let range: RangeResult | undefined;
  let children: Array<{ key: string; options: string[]; entry: SourceEntry }> = [];
  switch (type) {
    case 'choice': {
      if (items.length === 0) {
        src.error(valueEntry.value, itemsAt, `_value of choice parameter "${raw}" must list at least one option`);
        return;
      }
      const values: unknown[] = [];
      const subs: Array<{ option: string; entry: SourceEntry }> = [];
      items.forEach((item, i) => {
        if (!src.isMapping(item)) {
          values.push(src.plain(item));
          return;
        }
        // A nested sub-search-space: `_name` names the option, the other keys are its own parameters.
        state.nested = true;
        const sub = src.entries(item, `${itemsAt}[${i}]`);
        const nameEntry = sub.find((s) => s.key === '_name');
        const nameValue = src.scalar(nameEntry?.value ?? null)?.value;
        let option: string;
        if (nameEntry && (typeof nameValue === 'string' || typeof nameValue === 'number')) option = String(nameValue);
        else {
          option = `option_${i}`;
          notes.add(src, item, `${itemsAt}[${i}]`, `option ${i + 1} of choice "${raw}" has no "_name" (NNI's built-in tuners require one): it is called "${option}" in Rung`);
        }
        values.push(option);
        for (const s of sub) if (s.key !== '_name') subs.push({ option, entry: s });
      });
      const { choices, lost } = scalarChoices(values);
      for (const l of lost) notes.add(src, valueEntry.value, itemsAt, `parameter "${raw}": ${l}`);
      range = { spec: { type: 'categorical', choices }, detail: subs.length > 0 ? 'NNI nested choice: the options\' _name' : 'NNI choice' };
      // Children with the same key and the same definition in several options are one parameter active for all of them.
      const byKey = new Map<string, Array<{ options: string[]; entry: SourceEntry; canon: string }>>();
      for (const s of subs) {
        const canon = stableJson(src.plain(s.entry.value));
        const groups = byKey.get(s.entry.key) ?? [];
        const same = groups.find((g) => g.canon === canon);
        if (same) same.options.push(s.option);
        else groups.push({ options: [s.option], entry: s.entry, canon });
        byKey.set(s.entry.key, groups);
      }
      children = [...byKey].flatMap(([key, groups]) =>
        groups.map((g) => ({ key: groups.length === 1 ? key : `${g.options[0] ?? 'option'}.${key}`, options: g.options, entry: g.entry })),
      );
      break;
    }
    case 'randint': {
      // [lower, upper): upper excluded. The oldest form was [upper] (from 0).
      const n = numbers([1, 2], '[lower, upper]');
      if (!n) return;
      const [lowerRaw, upperRaw] = n.length === 1 ? [{ value: 0, intLiteral: true }, n[0]] : [n[0], n[1]];
      const lower = lowerRaw?.value ?? 0;
      const upper = upperRaw?.value ?? 0;
      if (!Number.isInteger(lower) || !Number.isInteger(upper)) {
        src.error(valueEntry.value, itemsAt, `randint bounds must be integers in parameter "${raw}"`);
        return;
      }
      if (upper - 1 < lower) {
        src.error(valueEntry.value, itemsAt, `randint [${lower}, ${upper}) of parameter "${raw}" is empty (upper is excluded)`);
        return;
      }
      range = { spec: { type: 'int', low: lower, high: upper - 1 }, detail: `NNI randint [${lower}, ${upper}): upper excluded` };
      break;
    }
    case 'uniform': {
      const n = numbers([2], '[low, high]');
      if (!n || !ordered(n[0]?.value ?? 0, n[1]?.value ?? 0)) return;
      range = { spec: { type: 'float', low: n[0]?.value ?? 0, high: n[1]?.value ?? 0 }, detail: 'NNI uniform' };
      break;
    }
    case 'quniform': {
      const n = numbers([3], '[low, high, q]');
      if (!n) return;
      const [low, high, q] = n.map((x) => x.value) as [number, number, number];
      if (!ordered(low, high) || !positiveQ(q)) return;
      const r = quantizedRange(low, high, q, Number.isInteger(low) && Number.isInteger(high) && Number.isInteger(q), true);
      range = { ...r, detail: `NNI quniform: ${r.detail}` };
      break;
    }
    case 'loguniform': {
      const n = numbers([2], '[low, high]');
      if (!n) return;
      const [low, high] = n.map((x) => x.value) as [number, number];
      if (!ordered(low, high)) return;
      if (low <= 0) {
        src.error(items[0] ?? valueEntry.value, `${itemsAt}[0]`, `loguniform needs low > 0 (the values themselves, not their logs), got ${low} in parameter "${raw}"`);
        return;
      }
      range = { spec: { type: 'float', low, high, log: true }, detail: 'NNI loguniform' };
      break;
    }
    case 'qloguniform': {
      const n = numbers([3], '[low, high, q]');
      if (!n) return;
      const [low, high, q] = n.map((x) => x.value) as [number, number, number];
      if (!ordered(low, high) || !positiveQ(q)) return;
      if (low <= 0) {
        src.error(items[0] ?? valueEntry.value, `${itemsAt}[0]`, `qloguniform needs low > 0, got ${low} in parameter "${raw}"`);
        return;
      }
      const r = quantizedLogRange(low, high, q, Number.isInteger(q));
      range = { ...r, detail: `NNI qloguniform: ${r.detail}` };
      break;
    }
    case 'normal':
    case 'qnormal':
    case 'lognormal':
    case 'qlognormal': {
      const quantized = type.startsWith('q');
      const n = numbers(quantized ? [3] : [2], quantized ? '[mu, sigma, q]' : '[mu, sigma]');
      if (!n) return;
      const [mu, sigma, q] = n.map((x) => x.value) as [number, number, number | undefined];
      if (!sigmaOk(sigma) || (q !== undefined && !positiveQ(q))) return;
      const r = type === 'normal' || type === 'qnormal' ? normalRange(mu, sigma, q, q !== undefined && Number.isInteger(q)) : logNormalRange(mu, sigma, q, q !== undefined && Number.isInteger(q));
      range = { ...r, detail: `NNI ${type}: ${r.detail}` };
      break;
    }
  }
  if (!range) return;
  const lost: string[] = range.lost !== undefined ? [range.lost] : [];
  const name = names.take(raw, (renamed, why) => lost.push(`is named "${renamed}" in Rung (${why}): read it under that name`));
  for (const l of lost) notes.add(src, typeEntry.value, typeEntry.path, `parameter "${raw}": ${l}`);
  const spec = range.spec.type === 'float' ? { ...range.spec, low: clean(range.spec.low), high: clean(range.spec.high) } : range.spec;
  out.push({ name, spec, ...(when ? { when } : {}), comment: range.detail });
  for (const child of children) {
    readParam(src, `${name}.${child.key}`, child.entry, { [name]: child.options }, out, names, notes, state);
  }
}

/** JSON with sorted keys, to compare two definitions whatever their key order. */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

// ---------------------------------------------------------------------------------------------- guide

function guideFor(space: Space, passesArgs: boolean, budgetFromRung: boolean): string[] {
  const guide = [
    `Parameters: NNI handed them to the script through nni.get_next_parameter(); Rung puts the same keys in $RUNG_PARAMS (JSON)${passesArgs ? ' and passes them as --name=value ({args})' : ''}. In the script, replace \`params = nni.get_next_parameter()\` with \`from rung import params; params = params()\` (Rung's helper is on every trial's PYTHONPATH), or parse the arguments with argparse after adding {args} to the command.`,
  ];
  if (space.nested) {
    guide.push(
      'A nested choice arrives flat: {"layer0": "Conv", "layer0.kernel_size": 2} instead of NNI\'s {"layer0": {"_name": "Conv", "kernel_size": 2}}; an option\'s parameters are absent when another option is chosen.',
    );
  }
  guide.push(
    `The metric: NNI's has no name; Rung reads "${METRIC}" from what the script prints. Replace \`nni.report_intermediate_result(acc)\` with \`print(f"epoch={epoch} ${METRIC}={acc}")\` (or \`from rung import report; report(step=epoch, ${METRIC}=acc)\`). A trial's value is its last report, so \`nni.report_final_result(acc)\` becomes the same print once more. Rename the metric here and in the prints if you like.`,
  );
  if (budgetFromRung) {
    guide.push(
      "The budget: NNI's Hyperband/BOHB put it in the parameters (TRIAL_BUDGET); Rung passes it in $RUNG_BUDGET (`from rung import budget`). A promoted trial is launched again with a larger budget in the same {trial_dir}, with RUNG_RESUME=1: a script that saves a checkpoint there can continue instead of starting over.",
    );
  }
  return guide;
}

// ---------------------------------------------------------------------------------------------- search space file alone

/** A bare search_space.json: parameters only; the command names the trial script found next to it, if one. */
export function importNniSearchSpace(src: SourceFile, ctx: ImportContext): StudyDraft | undefined {
  const notes = new Notes();
  const space = readSearchSpace(src, src.root, '', notes);
  if (!space) return undefined;
  const dir = path.dirname(ctx.inputFile);
  const found = findTrialScript(dir, ctx);
  let command: StudyDraft['command'];
  if (found.script !== undefined) {
    command = { tokens: ['python3', templateText(found.script)], comment: `${found.script} calls nni.get_next_parameter(); python3 = the interpreter Rung is set to use` };
  } else {
    command = { tokens: ['python3', 'train.py'], comment: 'a placeholder: write the trial script NNI ran (its trialCommand)' };
    notes.add(src, src.root, '', `a search space has no trial command; ${found.why}: "python3 train.py" is a placeholder to replace`);
  }
  notes.add(src, src.root, '', 'a search space has no goal: goal minimize is assumed (NNI\'s tuners default differently); set maximize if the script reports accuracy');
  const cwd = cwdFor(ctx, dir);
  return {
    origin: `${path.basename(ctx.inputFile)} (an NNI search space)`,
    guide: guideFor(space, false, false),
    notCarried: notes.list,
    name: studyName(undefined, ctx, ''),
    command,
    ...(cwd !== undefined ? { cwd: { value: cwd, comment: "the search space's folder" } } : {}),
    metric: { name: METRIC, goal: 'minimize', comment: "NNI's unnamed metric (report_*_result); goal assumed" },
    parametersComment: 'in $RUNG_PARAMS (JSON), as nni.get_next_parameter() returned them',
    params: space.params,
    sampler: { type: 'tpe', options: [], comment: "NNI's default tuner is TPE" },
    trials: { value: 50, comment: 'a search space sets no trial limit: uncomment to cap it', suggestion: true },
    parallel: { value: 1, comment: 'NNI trialConcurrency' },
  };
}

/** The one .py file next to the search space that calls nni.get_next_parameter(), if exactly one does. */
function findTrialScript(dir: string, ctx: ImportContext): { script?: string; why: string } {
  let names: readonly string[];
  try {
    names = ctx.fs.listDir(dir).filter((n) => n.endsWith('.py')).sort();
  } catch {
    return { why: 'its folder could not be listed' };
  }
  const callers: string[] = [];
  for (const name of names.slice(0, 200)) {
    try {
      const text = ctx.fs.readFile(path.join(dir, name));
      if (text.length < 2_000_000 && text.includes('get_next_parameter')) callers.push(name);
    } catch {
      // unreadable: not the one
    }
  }
  if (callers.length === 1) return { script: callers[0] ?? '', why: '' };
  return { why: callers.length === 0 ? 'no .py file beside it calls nni.get_next_parameter()' : `several .py files beside it call nni.get_next_parameter() (${callers.join(', ')})` };
}

// ---------------------------------------------------------------------------------------------- experiment config

interface Algorithm {
  readonly role: 'tuner' | 'assessor' | 'advisor';
  readonly entry: SourceEntry;
  /** Built-in name, lower case (`tpe`, `gptuner`), or undefined for a custom class. */
  readonly name?: string;
  readonly displayName: string;
  readonly classArgs: Map<string, SourceEntry>;
}

/** An experiment config (`config.yml`): `sources` collects the search space file when it is read. */
export function importNniConfig(src: SourceFile, ctx: ImportContext, sources: SourceFile[]): StudyDraft | undefined {
  const root = src.root;
  if (!src.isMapping(root)) {
    src.error(root, '', `expected an NNI experiment config (a mapping with trialCommand, searchSpaceFile...), got ${describeNode(root)}`);
    return undefined;
  }
  const notes = new Notes();
  const top = new Map<string, SourceEntry>();
  for (const e of src.entries(root, '')) if (!top.has(e.key)) top.set(e.key, e);
  const configDir = path.dirname(ctx.inputFile);

  for (const [key, e] of top) {
    if ((CONFIG_KEYS as readonly string[]).includes(key)) continue;
    const near = closestMatch(key, CONFIG_KEYS);
    notes.add(src, e.keyNode, e.path, `unknown NNI config key "${key}" is not imported${near !== undefined ? ` (did you mean "${near}"?)` : ''}`);
  }
  for (const [key, why] of [
    ['nniManagerIp', "Rung's trials run on this machine"],
    ['debug', 'Rung has no debug mode'],
    ['logLevel', 'Rung keeps every trial\'s output in its output.log'],
    ['experimentWorkingDirectory', 'studies live in the store (.rung/, or --store)'],
    ['logDir', 'studies live in the store (.rung/, or --store)'],
    ['tunerGpuIndices', 'Rung\'s samplers run on the CPU'],
    ['sharedStorage', 'Rung\'s trials run on this machine'],
    ['experimentType', 'not needed'],
    ['authorName', 'not needed'],
    ['localConfig', 'use resources.gpus_per_trial (Rung assigns GPUs from nvidia-smi)'],
    ['multiThread', 'not needed'],
    ['versionCheck', 'not needed'],
    ['logCollection', 'Rung keeps every trial\'s output in its output.log'],
  ] as const) {
    const e = top.get(key);
    if (e) notes.add(src, e.keyNode, e.path, `${key} is not imported: ${why}`);
  }

  const str = (e: SourceEntry | undefined): string | undefined => {
    if (!e) return undefined;
    const s = src.scalar(e.value);
    if (typeof s?.value !== 'string' || s.value === '') {
      src.error(e.value ?? e.keyNode, e.path, `expected a string for "${e.key}", got ${describeNode(e.value)}`);
      return undefined;
    }
    return s.value;
  };
  const positiveInt = (e: SourceEntry | undefined, zeroOk = false): number | undefined => {
    if (!e) return undefined;
    const v = src.scalar(e.value)?.value;
    if (v === null && zeroOk) return 0;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < (zeroOk ? 0 : 1)) {
      src.error(e.value ?? e.keyNode, e.path, `expected a ${zeroOk ? 'non-negative' : 'positive'} integer for "${e.key}", got ${describeNode(e.value)}`);
      return undefined;
    }
    return v;
  };
  const duration = (e: SourceEntry | undefined): number | string | undefined => {
    if (!e) return undefined;
    const v = src.scalar(e.value)?.value;
    const seconds = typeof v === 'number' || typeof v === 'string' ? parseDuration(v) : undefined;
    if (seconds === undefined || seconds <= 0) {
      src.error(e.value ?? e.keyNode, e.path, `expected a duration (a number and s, m, h or d, like 10m or 0.5h) for "${e.key}", got ${describeNode(e.value)}`);
      return undefined;
    }
    return v as number | string;
  };

  // v1's trial section: {command, codeDir, gpuNum}.
  const trialEntry = top.get('trial');
  const trial = new Map<string, SourceEntry>();
  if (trialEntry) {
    if (!src.isMapping(trialEntry.value)) src.error(trialEntry.value ?? trialEntry.keyNode, trialEntry.path, `expected a mapping {command, codeDir, gpuNum} for "trial", got ${describeNode(trialEntry.value)}`);
    for (const f of src.entries(trialEntry.value, trialEntry.path)) {
      if (['command', 'codeDir', 'gpuNum'].includes(f.key)) trial.set(f.key, f);
      else notes.add(src, f.keyNode, f.path, `trial.${f.key} is not imported`);
    }
  }

  // ---- search space
  let space: Space | undefined;
  const inline = top.get('searchSpace');
  const fileEntry = top.get('searchSpaceFile') ?? top.get('searchSpacePath');
  const annotation = top.get('useAnnotation');
  const usesAnnotation = src.scalar(annotation?.value ?? null)?.value === true;
  if (inline && fileEntry) src.error(fileEntry.keyNode, fileEntry.path, 'give either searchSpace or searchSpaceFile, not both (NNI requires one of them)');
  else if (inline) space = readSearchSpace(src, inline.value, inline.path, notes);
  else if (fileEntry) {
    const file = str(fileEntry);
    if (file !== undefined) {
      const absolute = path.resolve(configDir, file.replace(/^~(?=$|\/)/, process.env['HOME'] ?? '~'));
      let text: string | undefined;
      try {
        text = ctx.fs.readFile(absolute);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException | undefined)?.code;
        src.error(fileEntry.value, fileEntry.path, `cannot read the search space file ${file}${code !== undefined ? ` (${code})` : ''}`);
      }
      if (text !== undefined) {
        const spaceSrc = new SourceFile(absolute, text);
        sources.push(spaceSrc);
        if (!spaceSrc.hasErrors) space = readSearchSpace(spaceSrc, spaceSrc.root, '', notes);
      }
    }
  } else if (usesAnnotation) {
    src.error(annotation?.value, annotation?.path ?? 'useAnnotation', 'this experiment takes its search space from annotations in the code (useAnnotation): rung import needs searchSpace or searchSpaceFile');
  } else {
    src.error(root, '', 'missing searchSpaceFile (or an inline searchSpace): the parameters to search');
  }
  if (usesAnnotation && (inline || fileEntry)) notes.add(src, annotation?.keyNode, annotation?.path ?? 'useAnnotation', 'useAnnotation is not imported: Rung reads no annotations; the search space given here is used');

  // ---- algorithms
  const tuner = readAlgorithm(src, top.get('tuner'), 'tuner', notes);
  const advisor = readAlgorithm(src, top.get('advisor'), 'advisor', notes);
  const assessor = readAlgorithm(src, top.get('assessor'), 'assessor', notes);
  const searcher = advisor ?? tuner;
  if (advisor && tuner) notes.add(src, tuner.entry.keyNode, tuner.entry.path, `tuner ${tuner.displayName} is not imported: the advisor ${advisor.displayName} decides (NNI allows only one of them)`);

  let goal: 'minimize' | 'maximize' | undefined;
  let goalFrom = '';
  for (const algo of [searcher, assessor]) {
    const mode = algo?.classArgs.get('optimize_mode');
    if (!algo || !mode || goal !== undefined) continue;
    const v = src.scalar(mode.value)?.value;
    if (v !== 'minimize' && v !== 'maximize') {
      src.error(mode.value ?? mode.keyNode, mode.path, `expected minimize or maximize for optimize_mode, got ${describeNode(mode.value)}`);
      continue;
    }
    goal = v;
    goalFrom = `${algo.role} optimize_mode`;
  }
  if (goal === undefined) {
    notes.add(src, searcher?.entry.keyNode ?? root, searcher?.entry.path ?? '', 'no optimize_mode: goal minimize is assumed (NNI\'s tuners differ in their default); set maximize if the script reports accuracy');
  }
  const searchMap = mapSearcher(src, searcher, notes);
  const scheduler = searchMap.scheduler ?? mapAssessor(src, assessor, notes);
  if (searchMap.scheduler && assessor) notes.add(src, assessor.entry.keyNode, assessor.entry.path, `assessor ${assessor.displayName} is not imported: ${searcher?.displayName ?? 'the tuner'} already stops trials early`);

  // ---- command and folder
  const commandEntry = top.get('trialCommand') ?? trial.get('command');
  const codeDirEntry = top.get('trialCodeDirectory') ?? trial.get('codeDir');
  const codeDir = path.resolve(configDir, str(codeDirEntry) ?? '.');
  let command: { tokens: string[]; env: Array<[string, string]>; cd?: string } | undefined;
  if (!commandEntry) src.error(root, '', 'missing trialCommand: the command that runs one trial');
  else {
    const text = str(commandEntry);
    if (text !== undefined) command = readTrialCommand(src, commandEntry, text, notes);
  }

  // ---- limits and resources
  const parallel = positiveInt(top.get('trialConcurrency'));
  const trials = positiveInt(top.get('maxTrialNumber') ?? top.get('maxTrialNum'));
  const timeoutEntry = top.get('maxExperimentDuration') ?? top.get('maxExecDuration');
  const timeout = duration(timeoutEntry);
  const trialTimeout = duration(top.get('maxTrialDuration'));
  const gpuEntry = top.get('trialGpuNumber') ?? trial.get('gpuNum');
  const gpus = positiveInt(gpuEntry, true);
  readTrainingService(src, top.get('trainingService'), top.get('trainingServicePlatform'), notes);

  const name = str(top.get('experimentName'));
  if (src.hasErrors || sources.some((s) => s.hasErrors) || !space || !command) return undefined;

  const tunerEntry = searcher?.entry;
  const params =
    searchMap.sampler.type === 'grid'
      ? withGridPoints(space.params, 'NNI GridSearch', (p, why) => notes.add(src, tunerEntry?.keyNode, tunerEntry?.path ?? '', `parameter "${p.name}": ${why}`))
      : space.params;
  const cwd = cwdFor(ctx, command.cd !== undefined ? path.resolve(codeDir, command.cd) : codeDir);
  const env = command.env;
  const budgetFromRung = scheduler?.type === 'hyperband' || scheduler?.type === 'bohb';
  return {
    origin: `${path.basename(ctx.inputFile)} (an NNI experiment config)`,
    guide: guideFor(space, false, budgetFromRung),
    notCarried: notes.list,
    name: studyName(name, ctx, 'NNI experimentName'),
    command: { tokens: command.tokens, comment: 'NNI trialCommand; argv, no shell (NNI ran it in bash)' },
    ...(cwd !== undefined ? { cwd: { value: cwd, comment: 'NNI trialCodeDirectory' } } : {}),
    metric: { name: METRIC, goal: goal ?? 'minimize', comment: goal !== undefined ? `NNI's unnamed metric; goal from the ${goalFrom}` : "NNI's unnamed metric; goal assumed" },
    parametersComment: 'in $RUNG_PARAMS (JSON), as nni.get_next_parameter() returned them',
    params,
    sampler: searchMap.sampler,
    ...(scheduler ? { scheduler } : {}),
    ...(trials !== undefined ? { trials: { value: trials, comment: 'NNI maxTrialNumber' } } : { trials: { value: 50, comment: 'NNI had no maxTrialNumber: uncomment to cap the study', suggestion: true } }),
    parallel: { value: parallel ?? 1, comment: parallel !== undefined ? 'NNI trialConcurrency' : 'NNI default concurrency' },
    ...(timeout !== undefined ? { timeout: { value: timeout, comment: 'NNI maxExperimentDuration (Rung also stops the running trials)' } } : {}),
    ...(searchMap.seed !== undefined ? { seed: { value: searchMap.seed, comment: `${searcher?.displayName ?? 'tuner'} seed` } } : {}),
    ...(trialTimeout !== undefined || env.length > 0
      ? {
          launcher: {
            ...(trialTimeout !== undefined ? { trialTimeout } : {}),
            ...(env.length > 0 ? { env } : {}),
            comment: [trialTimeout !== undefined ? 'NNI maxTrialDuration' : '', env.length > 0 ? 'variables the trialCommand set' : ''].filter((s) => s !== '').join('; '),
          },
        }
      : {}),
    ...(gpus !== undefined && gpus > 0 ? { resources: { gpusPerTrial: gpus, comment: 'NNI trialGpuNumber; Rung sets CUDA_VISIBLE_DEVICES per trial' } } : {}),
  };
}

function readAlgorithm(src: SourceFile, entry: SourceEntry | undefined, role: Algorithm['role'], notes: Notes): Algorithm | undefined {
  if (!entry) return undefined;
  if (!src.isMapping(entry.value)) {
    src.error(entry.value ?? entry.keyNode, entry.path, `expected a mapping {name, classArgs} for "${role}", got ${describeNode(entry.value)}`);
    return undefined;
  }
  const builtinKey = role === 'tuner' ? 'builtinTunerName' : role === 'assessor' ? 'builtinAssessorName' : 'builtinAdvisorName';
  let name: string | undefined;
  let displayName = '';
  const classArgs = new Map<string, SourceEntry>();
  for (const f of src.entries(entry.value, entry.path)) {
    if (f.key === 'name' || f.key === builtinKey) {
      const v = src.scalar(f.value)?.value;
      if (typeof v === 'string' && v !== '') {
        name = v.toLowerCase();
        displayName = v;
      } else src.error(f.value ?? f.keyNode, f.path, `expected a string for ${role}.${f.key}, got ${describeNode(f.value)}`);
    } else if (f.key === 'classArgs') {
      if (!src.isMapping(f.value) && src.scalar(f.value)?.value !== null) src.error(f.value ?? f.keyNode, f.path, `expected a mapping for ${role}.classArgs, got ${describeNode(f.value)}`);
      for (const a of src.entries(f.value, f.path)) classArgs.set(a.key, a);
    } else if (['className', 'codeDirectory', 'codeDir', 'classFileName'].includes(f.key)) {
      if (f.key === 'className') displayName = String(src.scalar(f.value)?.value ?? 'custom');
    } else if (f.key === 'gpuIndices' || f.key === 'includeIntermediateResults') {
      notes.add(src, f.keyNode, f.path, `${role}.${f.key} is not imported`);
    } else {
      notes.add(src, f.keyNode, f.path, `"${f.key}" is not an NNI ${role} setting; ignored`);
    }
  }
  if (name === undefined && displayName === '') displayName = 'custom';
  return { role, entry, ...(name !== undefined ? { name } : {}), displayName: displayName === '' ? role : displayName, classArgs };
}

interface SearcherMap {
  readonly sampler: StudyDraft['sampler'];
  readonly scheduler?: StudyDraft['scheduler'];
  readonly seed?: number;
}

/** tuner/advisor → sampler (and, for Hyperband and BOHB, scheduler). Every classArg is used or reported. */
function mapSearcher(src: SourceFile, algo: Algorithm | undefined, notes: Notes): SearcherMap {
  if (!algo) {
    return { sampler: { type: 'auto', options: [], comment: 'no NNI tuner given: Rung picks gp, tpe or bohb from the space' } };
  }
  const used = new Set<string>(['optimize_mode']);
  const args = algo.classArgs;
  const num = (key: string, check: (v: number) => boolean, what: string): number | undefined => {
    const e = args.get(key);
    if (!e) return undefined;
    used.add(key);
    const v = src.scalar(e.value)?.value;
    if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) {
      notes.add(src, e.value ?? e.keyNode, e.path, `${algo.role}.classArgs.${key} ${describeNode(e.value)} is not imported: expected ${what}`);
      return undefined;
    }
    return v;
  };
  const seedOf = (): number | undefined => num('seed', (v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff, 'an integer from 0 to 4294967295');
  const name = (algo.name ?? '').replace(/[^a-z]/g, '');
  const options: Array<[string, OptionValue]> = [];
  let result: SearcherMap;
  switch (name) {
    case 'tpe': {
      const seed = seedOf();
      const tpeArgs = args.get('tpe_args');
      if (tpeArgs) {
        used.add('tpe_args');
        for (const f of src.entries(tpeArgs.value, tpeArgs.path)) {
          const v = src.scalar(f.value)?.value;
          const rung: Record<string, string> = { n_startup_jobs: 'n_startup_trials', n_ei_candidates: 'n_ei_candidates', gamma: 'gamma', prior_weight: 'prior_weight' };
          const target = rung[f.key];
          if (target !== undefined && typeof v === 'number' && Number.isFinite(v) && v > 0) options.push([target, v]);
          else notes.add(src, f.keyNode, f.path, `tuner.classArgs.tpe_args.${f.key} is not imported (Rung's TPE has no such setting)`);
        }
      }
      result = { sampler: { type: 'tpe', options, comment: 'NNI TPE' }, ...(seed !== undefined ? { seed } : {}) };
      break;
    }
    case 'random':
    case 'randomsearch': {
      const seed = seedOf();
      result = { sampler: { type: 'random', options, comment: 'NNI Random' }, ...(seed !== undefined ? { seed } : {}) };
      break;
    }
    case 'gridsearch':
    case 'grid':
      result = { sampler: { type: 'grid', options, comment: 'NNI GridSearch: every combination' } };
      break;
    case 'anneal':
      result = { sampler: { type: 'tpe', options, comment: "NNI Anneal: Rung has no annealing; TPE likewise narrows sampling around the best trials so far" } };
      notes.add(src, algo.entry.keyNode, algo.entry.path, 'tuner Anneal became sampler tpe: Rung has no simulated annealing');
      break;
    case 'evolution': {
      const population = num('population_size', (v) => Number.isInteger(v) && v >= 2, 'an integer of at least 2');
      if (population !== undefined) options.push(['population_size', population]);
      result = { sampler: { type: 'evolution', options, comment: 'NNI Evolution' } };
      break;
    }
    case 'gptuner':
    case 'gp': {
      const cold = num('cold_start_num', (v) => Number.isInteger(v) && v >= 1, 'a positive integer');
      if (cold !== undefined) options.push(['n_startup_trials', cold]);
      result = { sampler: { type: 'gp', options, comment: 'NNI GPTuner: Gaussian-process Bayesian optimisation' } };
      break;
    }
    case 'smac':
    case 'metistuner':
    case 'metis':
    case 'dngotuner':
    case 'dngo':
      result = { sampler: { type: 'gp', options, comment: `NNI ${algo.displayName}: model-based Bayesian optimisation; Rung's is gp` } };
      notes.add(src, algo.entry.keyNode, algo.entry.path, `tuner ${algo.displayName} became sampler gp (Rung's model-based Bayesian optimisation)`);
      break;
    case 'hyperband': {
      const R = num('R', (v) => v >= 1, 'a number of at least 1') ?? 60;
      const eta = num('eta', (v) => v > 1, 'a number greater than 1') ?? 3;
      if (args.has('exec_mode')) {
        used.add('exec_mode');
        notes.add(src, args.get('exec_mode')?.keyNode, args.get('exec_mode')?.path ?? '', 'Hyperband exec_mode is not imported: Rung starts the next bracket\'s trials whenever a slot is free');
      }
      result = {
        sampler: { type: 'random', options, comment: "NNI Hyperband draws its configurations at random" },
        scheduler: { type: 'hyperband', options: [['min_budget', 1], ['max_budget', R], ['eta', eta], ['async', false]], comment: `NNI Hyperband (R ${yamlNumber(R)}, eta ${yamlNumber(eta)}): synchronous brackets, trials relaunched with a larger {budget}` },
      };
      break;
    }
    case 'bohb': {
      const minBudget = num('min_budget', (v) => v > 0, 'a positive number') ?? 1;
      const maxBudget = num('max_budget', (v) => v >= minBudget, 'a number of at least min_budget') ?? 3;
      const eta = num('eta', (v) => v > 1, 'a number greater than 1') ?? 3;
      const minPoints = num('min_points_in_model', (v) => Number.isInteger(v) && v >= 1, 'a positive integer');
      const random = num('random_fraction', (v) => v >= 0 && v <= 1, 'a number from 0 to 1');
      const top = num('top_n_percent', (v) => v > 0 && v < 100, 'a percentage');
      const samples = num('num_samples', (v) => Number.isInteger(v) && v >= 1, 'a positive integer');
      if (minPoints !== undefined) options.push(['min_points_in_model', minPoints]);
      if (random !== undefined) options.push(['random_fraction', random]);
      if (top !== undefined) options.push(['gamma', clean(top / 100)]);
      if (samples !== undefined) options.push(['n_ei_candidates', samples]);
      result = {
        sampler: { type: 'bohb', options, comment: 'NNI BOHB: TPE per budget (top_n_percent → gamma, num_samples → n_ei_candidates)' },
        scheduler: { type: 'hyperband', options: [['min_budget', minBudget], ['max_budget', maxBudget], ['eta', eta], ['async', false]], comment: 'NNI BOHB brackets: synchronous, trials relaunched with a larger {budget}' },
      };
      break;
    }
    default: {
      const what = algo.name === undefined ? `the custom ${algo.role} ${algo.displayName}` : `${algo.role} ${algo.displayName}`;
      const why: Record<string, string> = {
        pbttuner: 'population-based training has no Rung equivalent',
        pbt: 'population-based training has no Rung equivalent',
        batchtuner: 'Rung cannot list whole configurations; make the combinations a grid',
        batch: 'Rung cannot list whole configurations; make the combinations a grid',
      };
      notes.add(src, algo.entry.keyNode, algo.entry.path, `${what} is not imported (${why[name] ?? 'no Rung equivalent'}): sampler auto`);
      result = { sampler: { type: 'auto', options: [], comment: `NNI ${algo.displayName}: Rung picks gp, tpe or bohb from the space` } };
      return result;
    }
  }
  for (const [key, e] of args) {
    if (!used.has(key)) notes.add(src, e.keyNode, e.path, `${algo.role}.classArgs.${key} is not imported (Rung's ${result.sampler.type} has no such setting)`);
  }
  return result;
}

/** assessor → scheduler. */
function mapAssessor(src: SourceFile, algo: Algorithm | undefined, notes: Notes): StudyDraft['scheduler'] | undefined {
  if (!algo) return undefined;
  const used = new Set<string>(['optimize_mode']);
  const args = algo.classArgs;
  const int = (key: string, min: number): number | undefined => {
    const e = args.get(key);
    if (!e) return undefined;
    used.add(key);
    const v = src.scalar(e.value)?.value;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      notes.add(src, e.value ?? e.keyNode, e.path, `assessor.classArgs.${key} ${describeNode(e.value)} is not imported: expected an integer of at least ${min}`);
      return undefined;
    }
    return v;
  };
  const name = (algo.name ?? '').replace(/[^a-z]/g, '');
  let scheduler: StudyDraft['scheduler'];
  if (name === 'medianstop') {
    const start = int('start_step', 0);
    scheduler = { type: 'median', options: start !== undefined && start > 0 ? [['warmup_steps', start]] : [], comment: 'NNI Medianstop assessor: the median stopping rule' };
  } else if (name === 'curvefitting') {
    const epochs = int('epoch_num', 1);
    const start = int('start_step', 0);
    const options: Array<[string, OptionValue]> = [];
    if (start !== undefined && start > 0) options.push(['warmup_steps', start]);
    if (epochs !== undefined) options.push(['max_budget', epochs]);
    scheduler = { type: 'median', options, comment: 'NNI Curvefitting: Rung has no curve extrapolation; the median rule also stops trials behind the others at the same step' };
    notes.add(src, algo.entry.keyNode, algo.entry.path, 'assessor Curvefitting became the median stopping rule: Rung does not extrapolate learning curves');
  } else {
    notes.add(src, algo.entry.keyNode, algo.entry.path, `assessor ${algo.displayName} is not imported (Rung has medianstop-like median, asha, hyperband): no early stopping`);
    return undefined;
  }
  for (const [key, e] of args) {
    if (!used.has(key)) notes.add(src, e.keyNode, e.path, `assessor.classArgs.${key} is not imported (Rung's ${scheduler.type} has no such setting)`);
  }
  return scheduler;
}

function readTrainingService(src: SourceFile, entry: SourceEntry | undefined, v1Platform: SourceEntry | undefined, notes: Notes): void {
  const platformOf = (e: SourceEntry | undefined): string | undefined => {
    const v = src.scalar(e?.value ?? null)?.value;
    return typeof v === 'string' ? v : undefined;
  };
  if (v1Platform) {
    const p = platformOf(v1Platform);
    if (p !== 'local') notes.add(src, v1Platform.value, v1Platform.path, `trainingServicePlatform ${p ?? '?'} is not imported: Rung runs trials on this machine`);
  }
  if (!entry) return;
  const services = src.isList(entry.value) ? src.items(entry.value) : [entry.value];
  services.forEach((service, i) => {
    const at = src.isList(entry.value) ? `${entry.path}[${i}]` : entry.path;
    for (const f of src.entries(service, at)) {
      if (f.key === 'platform') {
        const p = platformOf(f);
        if (p !== 'local') notes.add(src, f.value, f.path, `trainingService platform ${p ?? '?'} is not imported: Rung runs trials on this machine`);
      } else {
        const why: Record<string, string> = {
          useActiveGpu: 'Rung assigns every GPU nvidia-smi lists',
          maxTrialNumberPerGpu: 'one trial per GPU with resources.gpus_per_trial',
          gpuIndices: 'Rung assigns GPUs from nvidia-smi; set CUDA_VISIBLE_DEVICES before starting Rung to limit them',
        };
        notes.add(src, f.keyNode, f.path, `trainingService.${f.key} is not imported${why[f.key] !== undefined ? `: ${why[f.key]}` : ''}`);
      }
    }
  });
}

/**
 * NNI runs trialCommand through bash; Rung runs argv without a shell. Leading `NAME=value` words become
 * launcher.env and a leading `cd dir &&` the working folder; any other shell syntax stays literal and is reported.
 */
function readTrialCommand(src: SourceFile, entry: SourceEntry, text: string, notes: Notes): { tokens: string[]; env: Array<[string, string]>; cd?: string } | undefined {
  const split = splitCommand(text);
  if (!split.ok) {
    src.error(entry.value, entry.path, `${split.error} (the command is split like shell words)`);
    return undefined;
  }
  let words = split.value;
  let cd: string | undefined;
  if (words[0] === 'cd' && words[1] !== undefined && words[2] === '&&') {
    cd = words[1];
    words = words.slice(3);
  }
  const env: Array<[string, string]> = [];
  while (words[0] !== undefined && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) {
    const [key, ...rest] = words[0].split('=');
    env.push([key ?? '', rest.join('=')]);
    words = words.slice(1);
  }
  if (words.length === 0) {
    src.error(entry.value, entry.path, 'trialCommand has no program to run');
    return undefined;
  }
  const shellish = words.filter((w) => /^(?:&&|\|\||;|\||&|>|>>|<|2>&1|2>)$/.test(w) || /[$`]/.test(w));
  if (shellish.length > 0) {
    notes.add(src, entry.value, entry.path, `trialCommand uses shell syntax (${[...new Set(shellish)].join(' ')}): NNI ran it in bash, Rung passes these words to the program as they are; put the steps in a script, or run bash -c '...' explicitly`);
  }
  return { tokens: words.map(templateText), env, ...(cd !== undefined ? { cd } : {}) };
}
