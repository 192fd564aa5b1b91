/**
 * W&B sweep configuration (YAML or JSON) → Rung study draft. The semantics follow W&B's sweep docs
 * ("Sweep configuration options") and its sweeps library:
 * - `method`: grid → grid, random → random, bayes → gp (W&B's bayes is Gaussian-process Bayesian
 *   optimisation, and so is Rung's gp; W&B says it suits few continuous parameters, the regime gp is built for).
 * - parameters: `values` → categorical, `value` → a fixed argument in the command (W&B never searches a
 *   constant, so it is no parameter in Rung either), `min`/`max` → int when both are integer literals else
 *   float, and every `distribution` (log_uniform takes natural logs: exp(min)..exp(max); inv_log_uniform is a
 *   log-uniform range too; normal-family distributions become mu ± 3 sigma, said so in the file); nested
 *   `parameters` → dotted names (`optimizer.lr`).
 * - `command` macros → argv tokens with {args}; `early_terminate: hyperband` → ASHA in stopping mode (W&B's
 *   hyperband stops a run at each band unless it is in the top 1/eta there — one bracket, no promotion).
 * - `run_cap` → trials.
 */
import path from 'node:path';
import type { Node } from 'yaml';
import { closestMatch } from '../spec/didYouMean';
import {
  jsonKind,
  logNormalRange,
  normalRange,
  Notes,
  ParamNames,
  quantizedLogRange,
  quantizedRange,
  scalarChoices,
  cwdFor,
  studyName,
  withGridPoints,
  type ImportContext,
  type RangeResult,
} from './common';
import { describeNode, type SourceEntry, type SourceFile } from './sourceFile';
import type { DraftParam, DraftSpec, OptionValue, StudyDraft } from './studyDraft';
import { clean, cleanExp, templateText, yamlNumber } from '../spec/yamlText';

/** Top-level keys W&B documents (the sweeps library's JSON Schema). */
const WANDB_KEYS = [
  'program',
  'command',
  'method',
  'metric',
  'metrics',
  'parameters',
  'early_terminate',
  'run_cap',
  'name',
  'description',
  'entity',
  'project',
  'controller',
  'job',
  'image_uri',
  'scheduler',
  'apiVersion',
  'kind',
] as const;

const DISTRIBUTIONS = [
  'constant',
  'categorical',
  'categorical_w_probabilities',
  'int_uniform',
  'uniform',
  'q_uniform',
  'log_uniform',
  'log_uniform_values',
  'q_log_uniform',
  'q_log_uniform_values',
  'inv_log_uniform',
  'inv_log_uniform_values',
  'normal',
  'q_normal',
  'log_normal',
  'q_log_normal',
  'beta',
  'q_beta',
] as const;

/** Keys each distribution reads (besides `distribution`); anything else in the parameter is reported. */
const KEYS_OF: Readonly<Record<string, readonly string[]>> = {
  constant: ['value'],
  categorical: ['values', 'probabilities'],
  categorical_w_probabilities: ['values', 'probabilities'],
  int_uniform: ['min', 'max'],
  uniform: ['min', 'max'],
  q_uniform: ['min', 'max', 'q'],
  log_uniform: ['min', 'max'],
  log_uniform_values: ['min', 'max'],
  q_log_uniform: ['min', 'max', 'q'],
  q_log_uniform_values: ['min', 'max', 'q'],
  inv_log_uniform: ['min', 'max'],
  inv_log_uniform_values: ['min', 'max'],
  normal: ['mu', 'sigma'],
  q_normal: ['mu', 'sigma', 'q'],
  log_normal: ['mu', 'sigma'],
  q_log_normal: ['mu', 'sigma', 'q'],
  beta: ['a', 'b'],
  q_beta: ['a', 'b', 'q'],
};

/** W&B's default command. */
const DEFAULT_COMMAND = ['${env}', '${interpreter}', '${program}', '${args}'];

/** A leaf of the parameter tree: searched (a Rung parameter) or a constant (a fixed argument). */
type Leaf =
  | { readonly kind: 'search'; readonly name: string; readonly param: DraftParam }
  | { readonly kind: 'constant'; readonly name: string; readonly value: unknown };

/** The parameters as W&B nests them (for `${args_json}`), leaves in file order. */
type Tree = Array<{ readonly key: string; readonly leaf?: Leaf; readonly children?: Tree }>;

interface Numbers {
  readonly value: number;
  readonly intLiteral: boolean;
}

export function importWandb(src: SourceFile, ctx: ImportContext): StudyDraft | undefined {
  const root = src.root;
  if (!src.isMapping(root)) {
    src.error(root, '', `expected a W&B sweep configuration (a mapping with program, method, metric and parameters), got ${describeNode(root)}`);
    return undefined;
  }
  const notes = new Notes();
  const top = new Map<string, SourceEntry>();
  for (const e of src.entries(root, '')) {
    if (top.has(e.key)) continue; // the YAML reader reports duplicate keys
    top.set(e.key, e);
  }

  for (const [key, e] of top) {
    if ((WANDB_KEYS as readonly string[]).includes(key)) continue;
    const near = closestMatch(key, WANDB_KEYS);
    notes.add(src, e.keyNode, e.path, `unknown W&B sweep key "${key}" is not imported${near !== undefined ? ` (did you mean "${near}"?)` : ''}`);
  }
  const text = (key: string): string | undefined => {
    const e = top.get(key);
    if (!e) return undefined;
    const s = src.scalar(e.value);
    if (s === undefined || s.value === null || typeof s.value === 'object') {
      src.error(e.value ?? e.keyNode, e.path, `expected a string for "${key}", got ${describeNode(e.value)}`);
      return undefined;
    }
    return String(s.value);
  };

  for (const key of ['entity', 'project'] as const) {
    const e = top.get(key);
    if (e) notes.add(src, e.keyNode, e.path, `${key} "${String(src.plain(e.value))}" is not used: Rung keeps studies on this machine (.rung/), not in a W&B ${key}`);
  }
  for (const [key, why] of [
    ['controller', 'Rung runs the search itself, in this process'],
    ['job', 'W&B Launch jobs have no Rung equivalent; the command runs locally'],
    ['image_uri', 'W&B Launch images have no Rung equivalent; the command runs locally'],
    ['scheduler', 'custom W&B/Optuna/Ax scheduler engines have no Rung equivalent'],
    ['metrics', top.has('metric') ? 'Rung optimises one metric: "metric" is used' : 'Rung optimises one metric: the first of "metrics" is used'],
    ['apiVersion', 'not needed'],
    ['kind', 'not needed'],
  ] as const) {
    const e = top.get(key);
    if (e) notes.add(src, e.keyNode, e.path, `${key} is not imported: ${why}`);
  }

  // ---- parameters
  const names = new ParamNames();
  const leaves: Leaf[] = [];
  const paramsEntry = top.get('parameters');
  let tree: Tree = [];
  if (!paramsEntry) src.error(root, '', 'missing "parameters": a W&B sweep lists the hyperparameters to search under "parameters"');
  else if (!src.isMapping(paramsEntry.value)) {
    src.error(paramsEntry.value ?? paramsEntry.keyNode, paramsEntry.path, `expected a mapping of parameters under "parameters", got ${describeNode(paramsEntry.value)}`);
  } else if (src.entries(paramsEntry.value, paramsEntry.path).length === 0) {
    src.error(paramsEntry.value, paramsEntry.path, '"parameters" is empty: a study needs at least one parameter to search');
  } else {
    tree = readParameters(src, paramsEntry.value, 'parameters', '', names, notes, leaves);
  }

  // ---- method → sampler
  const methodEntry = top.get('method');
  const method = text('method');
  const sampler = samplerFor(method, src, methodEntry, notes);
  const flagsWanted = commandUsesMacro(src, top.get('command'), 'args_no_boolean_flags');
  let params = leaves.flatMap((l) => (l.kind === 'search' ? [l.param] : []));
  if (flagsWanted) {
    params = params.map((p) => (p.spec.type === 'categorical' && p.spec.choices.every((c) => typeof c === 'boolean') ? { ...p, spec: { ...p.spec, flag: true }, comment: `W&B values; on/off as \${args_no_boolean_flags} passed it: --${p.name} when true, nothing when false` } : p));
  }
  if (sampler.type === 'grid') {
    params = withGridPoints(params, 'W&B', (p, why) => notes.add(src, methodEntry?.value, 'method', `parameter "${p.name}": ${why}`));
  }
  const byName = new Map(params.map((p) => [p.name, p]));
  const searched: Leaf[] = leaves.map((l) => (l.kind === 'search' ? { ...l, param: byName.get(l.name) ?? l.param } : l));
  if (paramsEntry && src.isMapping(paramsEntry.value) && params.length === 0 && !src.hasErrors) {
    src.error(paramsEntry.keyNode, paramsEntry.path, 'no parameter to search: every W&B parameter here is a constant ("value"); a study needs at least one parameter with values or a range');
  }

  // ---- command
  const program = text('program');
  const command = buildCommand(src, top.get('command'), program, searched, tree, notes, root);

  // ---- metric
  const metric = readMetric(src, top.get('metric'), top.get('metrics'), notes, root);

  // ---- early_terminate → scheduler
  const scheduler = readEarlyTerminate(src, top.get('early_terminate'), searched, notes);

  // ---- run_cap → trials
  let trials: StudyDraft['trials'];
  const runCap = top.get('run_cap');
  if (runCap) {
    const s = src.scalar(runCap.value);
    if (typeof s?.value !== 'number' || !Number.isInteger(s.value) || s.value < 1) {
      src.error(runCap.value ?? runCap.keyNode, runCap.path, `expected a positive integer for "run_cap", got ${describeNode(runCap.value)}`);
    } else trials = { value: s.value, comment: 'W&B run_cap' };
  } else if (sampler.type !== 'grid') {
    trials = { value: 50, comment: 'W&B had no run_cap (the sweep ran until stopped): uncomment to cap it', suggestion: true };
  }

  const description = text('description');
  const nameText = text('name');
  if (src.hasErrors || !command || !metric) return undefined;

  const guide: string[] = [];
  if (description !== undefined) guide.push(`W&B description: ${description}`);
  guide.push(...command.guide);
  guide.push(
    `The metric: W&B took ${metric.name} from wandb.log; Rung reads it from what the script prints. Print it once per epoch next to the wandb.log call, e.g. \`print(f"epoch={epoch} ${metric.name}={value}")\`, or use the helper Rung puts on the trial's PYTHONPATH: \`from rung import report; report(step=epoch, ${metric.pythonName}=value)\`.`,
    '`wandb.init()` still logs each trial to W&B when you are logged in; to keep trials local, uncomment the launcher line at the end (WANDB_MODE=offline).',
  );

  const inputDir = path.dirname(ctx.inputFile);
  const cwd = cwdFor(ctx, inputDir);
  return {
    origin: `${path.basename(ctx.inputFile)} (a W&B sweep configuration)`,
    guide,
    notCarried: notes.list,
    name: studyName(nameText, ctx, 'the W&B sweep name'),
    command: { tokens: command.tokens, comment: command.comment },
    ...(cwd !== undefined ? { cwd: { value: cwd, comment: "the sweep file's folder, where W&B's agent ran the program" } } : {}),
    metric: { name: metric.name, goal: metric.goal, comment: metric.comment },
    parametersComment: command.parametersComment,
    params,
    sampler,
    ...(scheduler ? { scheduler } : {}),
    ...(trials ? { trials } : {}),
    parallel: { value: 1, comment: 'W&B ran one run per agent: parallel N is like N agents' },
    suggestions: [{ text: 'launcher: {env: {WANDB_MODE: offline}}', comment: 'keeps wandb.log local to the machine' }],
  };
}

// ---------------------------------------------------------------------------------------------- parameters

function readParameters(src: SourceFile, node: Node | null, at: string, prefix: string, names: ParamNames, notes: Notes, leaves: Leaf[]): Tree {
  const tree: Tree = [];
  for (const e of src.entries(node, at)) {
    const raw = `${prefix}${e.key}`;
    if (!src.isMapping(e.value)) {
      src.error(e.value ?? e.keyNode, e.path, `expected a mapping for parameter "${raw}" (values, value, min/max or distribution), got ${describeNode(e.value)}`);
      continue;
    }
    const fields = new Map(src.entries(e.value, e.path).map((f) => [f.key, f]));
    const nested = fields.get('parameters');
    if (nested) {
      for (const [key, f] of fields) {
        if (key !== 'parameters') notes.add(src, f.keyNode, f.path, `"${key}" beside nested "parameters" of "${raw}" is ignored (W&B allows only "parameters" there)`);
      }
      if (!src.isMapping(nested.value)) {
        src.error(nested.value ?? nested.keyNode, nested.path, `expected a mapping of parameters under "${raw}.parameters", got ${describeNode(nested.value)}`);
        continue;
      }
      tree.push({ key: e.key, children: readParameters(src, nested.value, nested.path, `${raw}.`, names, notes, leaves) });
      continue;
    }
    const leaf = readParameter(src, e, raw, fields, names, notes);
    if (leaf) {
      leaves.push(leaf);
      tree.push({ key: e.key, leaf });
    }
  }
  return tree;
}

function readParameter(src: SourceFile, e: SourceEntry, raw: string, fields: ReadonlyMap<string, SourceEntry>, names: ParamNames, notes: Notes): Leaf | undefined {
  const field = (key: string): SourceEntry | undefined => fields.get(key);
  const distEntry = field('distribution');
  let dist: string | undefined;
  if (distEntry) {
    const s = src.scalar(distEntry.value);
    dist = typeof s?.value === 'string' ? s.value : undefined;
    if (dist === undefined || !(DISTRIBUTIONS as readonly string[]).includes(dist)) {
      const near = dist !== undefined ? closestMatch(dist, DISTRIBUTIONS) : undefined;
      src.error(distEntry.value ?? distEntry.keyNode, distEntry.path, `unknown W&B distribution ${describeNode(distEntry.value)} for parameter "${raw}"; known: ${DISTRIBUTIONS.join(', ')}${near !== undefined ? ` (did you mean "${near}"?)` : ''}`);
      return undefined;
    }
  } else if (field('values')) dist = 'categorical';
  else if (field('value')) dist = 'constant';
  else if (field('min') && field('max')) {
    // W&B: int_uniform when both bounds are integers, uniform otherwise (3.0 is a float in W&B's YAML/JSON).
    const min = src.scalar(field('min')?.value ?? null);
    const max = src.scalar(field('max')?.value ?? null);
    dist = min?.intLiteral === true && max?.intLiteral === true ? 'int_uniform' : 'uniform';
  } else {
    src.error(e.keyNode, e.path, `parameter "${raw}" needs "values", "value", "min" and "max", or a "distribution" (W&B infers the distribution from these)`);
    return undefined;
  }
  const allowed = KEYS_OF[dist] ?? [];
  for (const [key, f] of fields) {
    if (key === 'distribution' || allowed.includes(key)) continue;
    notes.add(src, f.keyNode, f.path, `"${key}" is not a setting of the ${dist} distribution; ignored in parameter "${raw}"`);
  }

  if (dist === 'constant') {
    const v = field('value');
    if (!v) {
      src.error(distEntry?.keyNode ?? e.keyNode, e.path, `parameter "${raw}" has distribution constant but no "value"`);
      return undefined;
    }
    return { kind: 'constant', name: raw, value: src.plain(v.value) };
  }

  const number = (key: string, fallback?: number): Numbers | undefined => {
    const f = field(key);
    if (!f) {
      if (fallback !== undefined) return { value: fallback, intLiteral: Number.isInteger(fallback) };
      src.error(e.keyNode, e.path, `parameter "${raw}" (${dist}) needs "${key}"`);
      return undefined;
    }
    const s = src.scalar(f.value);
    if (typeof s?.value !== 'number' || !Number.isFinite(s.value)) {
      src.error(f.value ?? f.keyNode, f.path, `expected a finite number for "${key}" of parameter "${raw}", got ${describeNode(f.value)}`);
      return undefined;
    }
    return { value: s.value, intLiteral: s.intLiteral };
  };
  const bounds = (): { min: Numbers; max: Numbers } | undefined => {
    const min = number('min');
    const max = number('max');
    if (!min || !max) return undefined;
    if (min.value > max.value) {
      const f = field('min');
      src.error(f?.value ?? e.keyNode, f?.path ?? e.path, `min (${min.value}) is greater than max (${max.value}) in parameter "${raw}"`);
      return undefined;
    }
    return { min, max };
  };
  const positive = (key: 'min' | 'max', n: Numbers): boolean => {
    if (n.value > 0) return true;
    const f = field(key);
    src.error(f?.value ?? e.keyNode, f?.path ?? e.path, `${dist} needs ${key} > 0 (the values themselves, on a log scale), got ${n.value} in parameter "${raw}"`);
    return false;
  };
  const quantum = (): Numbers | undefined => {
    const q = number('q', 1);
    if (q && q.value <= 0) {
      const f = field('q');
      src.error(f?.value ?? e.keyNode, f?.path ?? e.path, `q must be greater than 0, got ${q.value} in parameter "${raw}"`);
      return undefined;
    }
    return q;
  };
  const sigmaOf = (): { mu: Numbers; sigma: Numbers } | undefined => {
    const mu = number('mu', 0);
    const sigma = number('sigma', 1);
    if (!mu || !sigma) return undefined;
    if (sigma.value < 0) {
      const f = field('sigma');
      src.error(f?.value ?? e.keyNode, f?.path ?? e.path, `sigma must be at least 0, got ${sigma.value} in parameter "${raw}"`);
      return undefined;
    }
    return { mu, sigma };
  };

  /**
   * The normal family (normal, log_normal and their q_ forms): mu and sigma, and q when `quantized`, read and
   * checked, then made a range by `toRange` (normalRange: mu ± 3 sigma; logNormalRange: exp of it, log scale).
   */
  const normalFamily = (toRange: typeof normalRange, quantized: boolean): RangeResult | undefined => {
    const m = sigmaOf();
    const q = quantized ? quantum() : undefined;
    if (!m || (quantized && !q)) return undefined;
    return toRange(m.mu.value, m.sigma.value, q?.value, q?.intLiteral ?? false);
  };

  let range: RangeResult | undefined;
  let lostExtra: string[] = [];
  switch (dist) {
    case 'categorical':
    case 'categorical_w_probabilities': {
      const v = field('values');
      const items = v ? src.items(v.value) : [];
      if (!v || !src.isList(v.value) || items.length === 0) {
        src.error(v?.value ?? e.keyNode, v?.path ?? e.path, `expected a non-empty list for "values" of parameter "${raw}", got ${describeNode(v?.value ?? null)}`);
        return undefined;
      }
      const { choices, lost } = scalarChoices(items.map((i) => src.plain(i)));
      lostExtra = lost;
      const probabilities = field('probabilities');
      if (probabilities) lostExtra.push('its "probabilities" are dropped: Rung draws the choices evenly (samplers then favour the good ones)');
      range = { spec: { type: 'categorical', choices }, detail: 'W&B values' };
      if (choices.every((c) => typeof c === 'boolean')) {
        range = { ...range, detail: 'W&B values (W&B passed True/False; Rung passes true/false)' };
      }
      break;
    }
    case 'int_uniform': {
      const b = bounds();
      if (!b) return undefined;
      if (!Number.isInteger(b.min.value) || !Number.isInteger(b.max.value)) {
        const f = Number.isInteger(b.min.value) ? field('max') : field('min');
        src.error(f?.value ?? e.keyNode, f?.path ?? e.path, `int_uniform needs integer min and max in parameter "${raw}"`);
        return undefined;
      }
      range = { spec: { type: 'int', low: b.min.value, high: b.max.value }, detail: `W&B ${distEntry ? 'int_uniform' : 'min/max (integers: int_uniform)'}` };
      break;
    }
    case 'uniform': {
      const b = bounds();
      if (!b) return undefined;
      range = { spec: { type: 'float', low: b.min.value, high: b.max.value }, detail: `W&B ${distEntry ? 'uniform' : 'min/max (not both integers: uniform)'}` };
      break;
    }
    case 'q_uniform': {
      const b = bounds();
      const q = quantum();
      if (!b || !q) return undefined;
      // W&B returns ints when q is an int.
      const r = quantizedRange(b.min.value, b.max.value, q.value, q.intLiteral, false);
      range = { ...r, detail: `W&B q_uniform: ${r.detail}` };
      break;
    }
    case 'log_uniform': {
      const b = bounds();
      if (!b) return undefined;
      const low = cleanExp(Math.exp(b.min.value));
      const high = cleanExp(Math.exp(b.max.value));
      range = { spec: { type: 'float', low, high, log: true }, detail: `W&B log_uniform takes natural logs: [exp(${yamlNumber(b.min.value)}), exp(${yamlNumber(b.max.value)})]` };
      break;
    }
    case 'log_uniform_values':
    case 'inv_log_uniform_values': {
      const b = bounds();
      if (!b || !positive('min', b.min)) return undefined;
      // inv_log_uniform_values: log(1/x) uniform in [log(1/max), log(1/min)], i.e. log(x) uniform in [log(min), log(max)].
      range = { spec: { type: 'float', low: b.min.value, high: b.max.value, log: true }, detail: `W&B ${dist}${dist === 'inv_log_uniform_values' ? ' (the same log-uniform range)' : ''}` };
      break;
    }
    case 'inv_log_uniform': {
      const b = bounds();
      if (!b) return undefined;
      // log(1/x) uniform in [min, max] → x = exp(-u): log-uniform on [exp(-max), exp(-min)].
      const low = cleanExp(Math.exp(-b.max.value));
      const high = cleanExp(Math.exp(-b.min.value));
      range = { spec: { type: 'float', low, high, log: true }, detail: `W&B inv_log_uniform: log(1/x) in [${yamlNumber(b.min.value)}, ${yamlNumber(b.max.value)}] is x log-uniform in [exp(-max), exp(-min)]` };
      break;
    }
    case 'q_log_uniform': {
      const b = bounds();
      const q = quantum();
      if (!b || !q) return undefined;
      const r = quantizedLogRange(cleanExp(Math.exp(b.min.value)), cleanExp(Math.exp(b.max.value)), q.value, q.intLiteral);
      range = { ...r, detail: `W&B q_log_uniform (natural-log bounds): ${r.detail}` };
      break;
    }
    case 'q_log_uniform_values': {
      const b = bounds();
      const q = quantum();
      if (!b || !q || !positive('min', b.min)) return undefined;
      const r = quantizedLogRange(b.min.value, b.max.value, q.value, q.intLiteral);
      range = { ...r, detail: `W&B q_log_uniform_values: ${r.detail}` };
      break;
    }
    case 'normal':
    case 'q_normal':
    case 'log_normal':
    case 'q_log_normal': {
      const r = normalFamily(dist === 'log_normal' || dist === 'q_log_normal' ? logNormalRange : normalRange, dist.startsWith('q_'));
      if (!r) return undefined;
      range = { ...r, detail: `W&B ${dist}: ${r.detail}` };
      break;
    }
    case 'beta':
    case 'q_beta': {
      const a = number('a', 1);
      const b = number('b', 1);
      const q = dist === 'q_beta' ? quantum() : undefined;
      if (!a || !b || (dist === 'q_beta' && !q)) return undefined;
      const lost = `beta(a ${yamlNumber(a.value)}, b ${yamlNumber(b.value)}) has no exact Rung form: it became [0, 1], sampled evenly`;
      if (q) {
        const r = quantizedRange(0, 1, q.value, false, true);
        range = { ...r, detail: `W&B q_beta: [0, 1], ${r.detail}`, lost };
      } else range = { spec: { type: 'float', low: 0, high: 1 }, detail: 'W&B beta: its support [0, 1]', lost };
      break;
    }
  }
  if (!range) return undefined;
  const name = names.take(raw, (renamed, why) => {
    lostExtra.push(`is named "${renamed}" in Rung (${why}): the script now gets --${renamed}=...`);
  });
  const where = distEntry?.keyNode ?? e.keyNode;
  for (const l of [...(range.lost !== undefined ? [range.lost] : []), ...lostExtra]) notes.add(src, where, e.path, `parameter "${raw}": ${l}`);
  const spec: DraftSpec = range.spec.type === 'float' ? { ...range.spec, low: clean(range.spec.low), high: clean(range.spec.high) } : range.spec;
  return { kind: 'search', name, param: { name, spec, comment: range.detail } };
}

// ---------------------------------------------------------------------------------------------- method, metric, early stopping

function samplerFor(method: string | undefined, src: SourceFile, entry: SourceEntry | undefined, notes: Notes): StudyDraft['sampler'] {
  switch (method) {
    case 'grid':
      return { type: 'grid', options: [], comment: 'W&B method grid: every combination' };
    case 'random':
      return { type: 'random', options: [], comment: 'W&B method random' };
    case 'bayes':
      return { type: 'gp', options: [], comment: "W&B bayes is Gaussian-process Bayesian optimisation, and so is Rung's gp (for many or categorical parameters, try tpe or auto)" };
    case undefined:
      if (!entry) notes.add(src, src.root, '', 'no "method" (W&B requires one): sampler auto lets Rung choose');
      return { type: 'auto', options: [], comment: 'Rung picks gp, tpe or bohb from the space' };
    default:
      notes.add(src, entry?.value, entry?.path ?? 'method', `method "${method}" has no Rung equivalent (W&B knows grid, random, bayes; custom runs another engine): sampler auto`);
      return { type: 'auto', options: [], comment: `W&B method ${method}: Rung picks gp, tpe or bohb from the space` };
  }
}

interface Metric {
  readonly name: string;
  /** The name as a Python keyword argument for report(...) in the guide. */
  readonly pythonName: string;
  readonly goal: 'minimize' | 'maximize';
  readonly comment: string;
}

function readMetric(src: SourceFile, entry: SourceEntry | undefined, multi: SourceEntry | undefined, notes: Notes, root: Node | null): Metric | undefined {
  let node = entry?.value ?? null;
  let at = entry?.path ?? 'metric';
  if (!entry && multi && src.isList(multi.value)) {
    node = src.items(multi.value)[0] ?? null;
    at = 'metrics[0]';
  }
  if (!entry && !node) {
    notes.add(src, root, '', 'no "metric" (W&B allows none for grid and random): Rung needs the name the script prints; "loss" (minimized) is a placeholder to replace');
    return { name: 'loss', pythonName: 'loss', goal: 'minimize', comment: 'a placeholder: W&B had no metric; write the name the script prints' };
  }
  if (!src.isMapping(node)) {
    src.error(node ?? entry?.keyNode, at, `expected a mapping {name, goal} for "metric", got ${describeNode(node)}`);
    return undefined;
  }
  const fields = new Map(src.entries(node, at).map((f) => [f.key, f]));
  const nameEntry = fields.get('name');
  const nameValue = src.scalar(nameEntry?.value ?? null)?.value;
  if (!nameEntry || typeof nameValue !== 'string' || nameValue === '') {
    src.error(nameEntry?.value ?? node, nameEntry?.path ?? at, `"metric" needs a "name" (the key logged with wandb.log), got ${describeNode(nameEntry?.value ?? null)}`);
    return undefined;
  }
  let goal: 'minimize' | 'maximize' = 'minimize';
  const goalEntry = fields.get('goal');
  if (goalEntry) {
    const g = src.scalar(goalEntry.value)?.value;
    if (g !== 'minimize' && g !== 'maximize') {
      src.error(goalEntry.value ?? goalEntry.keyNode, goalEntry.path, `expected minimize or maximize for "goal", got ${describeNode(goalEntry.value)}`);
      return undefined;
    }
    goal = g;
  }
  for (const [key, f] of fields) {
    if (key === 'name' || key === 'goal') continue;
    const why: Record<string, string> = {
      target: 'Rung does not stop a study when a value is reached; set trials or timeout',
      impute: 'failed trials never count as values in Rung (the samplers treat them as the worst seen)',
      impute_while_running: 'Rung models running trials itself (constant liar)',
    };
    notes.add(src, f.keyNode, f.path, `metric.${key} is not imported: ${why[key] ?? 'not a W&B metric setting'}`);
  }
  // Rung's metric names: letters, digits, _ . / - and no leading digit (W&B allows any logged key).
  let name = nameValue.replace(/[^A-Za-z0-9_./-]/g, '_');
  if (!/^[A-Za-z_]/.test(name)) name = `_${name}`;
  if (name !== nameValue) notes.add(src, nameEntry.value, nameEntry.path, `metric "${nameValue}" is "${name}" in Rung (metric names use letters, digits, _ . / -): print it under that name`);
  return { name, pythonName: /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : 'value', goal, comment: `W&B metric, goal ${goal}` };
}

function readEarlyTerminate(src: SourceFile, entry: SourceEntry | undefined, leaves: readonly Leaf[], notes: Notes): StudyDraft['scheduler'] | undefined {
  if (!entry) return undefined;
  if (!src.isMapping(entry.value)) {
    src.error(entry.value ?? entry.keyNode, entry.path, `expected a mapping {type: hyperband, ...} for "early_terminate", got ${describeNode(entry.value)}`);
    return undefined;
  }
  const fields = new Map(src.entries(entry.value, entry.path).map((f) => [f.key, f]));
  const type = src.scalar(fields.get('type')?.value ?? null)?.value;
  if (type !== 'hyperband') {
    notes.add(src, fields.get('type')?.value ?? entry.keyNode, entry.path, `early_terminate type ${type === undefined ? '(missing)' : `"${String(type)}"`} is not imported (W&B knows hyperband): no early stopping`);
    return undefined;
  }
  const int = (key: string): number | undefined => {
    const f = fields.get(key);
    if (!f) return undefined;
    const v = src.scalar(f.value)?.value;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      src.error(f.value ?? f.keyNode, f.path, `expected a positive number for early_terminate.${key}, got ${describeNode(f.value)}`);
      return undefined;
    }
    return v;
  };
  const etaRaw = int('eta');
  const eta = etaRaw ?? 3;
  if (etaRaw !== undefined && etaRaw <= 1) {
    const f = fields.get('eta');
    src.error(f?.value, f?.path ?? entry.path, `early_terminate.eta must be greater than 1, got ${etaRaw}`);
    return undefined;
  }
  const minIter = int('min_iter');
  const maxIter = int('max_iter');
  let s = int('s');
  for (const [key, f] of fields) {
    if (['type', 'min_iter', 'max_iter', 's', 'eta'].includes(key)) continue;
    notes.add(
      src,
      f.keyNode,
      f.path,
      key === 'strict'
        ? "early_terminate.strict is not imported: Rung's ASHA keeps the top 1/eta at each rung, with no stricter variant"
        : `early_terminate.${key} is not a W&B hyperband setting; ignored`,
    );
  }
  if (src.hasErrors) return undefined;
  const unit = 'W&B counts iterations as the logged values of the metric; Rung uses the step a line reports (epoch=...) or counts the lines';
  let minBudget: number;
  let maxBudget: number;
  let comment: string;
  if (maxIter !== undefined) {
    // W&B: bands at max_iter / eta^k for k = 1..s; the lowest is the first rung.
    if (s === undefined) {
      s = Math.max(1, Math.floor(Math.log(maxIter) / Math.log(eta) + 1e-9));
      notes.add(src, fields.get('max_iter')?.keyNode, `${entry.path}.max_iter`, `early_terminate has max_iter but no s (W&B requires it): ${s} bands assumed, down to max_iter/eta^${s}`);
    }
    minBudget = Math.max(1, Math.floor(maxIter / eta ** s));
    maxBudget = maxIter;
    comment = `W&B hyperband (max_iter ${maxIter}, s ${s}, eta ${eta}): the same bands, top 1/eta go on`;
  } else if (minIter !== undefined) {
    minBudget = minIter;
    const epochs = epochsOf(leaves);
    if (epochs !== undefined && epochs.value > minIter) {
      maxBudget = epochs.value;
      comment = `W&B hyperband (min_iter ${minIter}, eta ${eta}); max_budget from ${epochs.from}`;
    } else {
      maxBudget = minIter * eta ** 3;
      comment = `W&B hyperband (min_iter ${minIter}, eta ${eta}): bands every eta times; max_budget is a guess`;
      notes.add(src, fields.get('min_iter')?.keyNode, `${entry.path}.min_iter`, `early_terminate has min_iter only (W&B's bands then go on without end): max_budget ${maxBudget} (min_iter·eta³) is a guess; set it to the epochs a trial runs`);
    }
  } else {
    src.error(entry.keyNode, entry.path, 'early_terminate hyperband needs min_iter, or max_iter and s');
    return undefined;
  }
  notes.add(src, entry.keyNode, entry.path, `early_terminate hyperband became ASHA in stopping mode (one bracket, like W&B's bands); ${unit}`);
  const options: Array<[string, OptionValue]> = [['min_budget', minBudget], ['max_budget', maxBudget], ['eta', eta]];
  return { type: 'asha', options, comment };
}

/** The epochs a trial runs, when a parameter says so (`epochs: {value: 30}`), for the scheduler's max_budget. */
function epochsOf(leaves: readonly Leaf[]): { value: number; from: string } | undefined {
  for (const l of leaves) {
    if (!/(^|\.)(?:n_|num_|max_|total_)?epochs?$/i.test(l.name)) continue;
    if (l.kind === 'constant' && typeof l.value === 'number') return { value: l.value, from: `${l.name}: ${l.value}` };
    if (l.kind === 'search') {
      const s = l.param.spec;
      if (s.type !== 'categorical') return { value: s.high, from: `the largest ${l.name}` };
      const numbers = s.choices.filter((c): c is number => typeof c === 'number');
      if (numbers.length > 0) return { value: Math.max(...numbers), from: `the largest ${l.name}` };
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------- command

interface BuiltCommand {
  readonly tokens: string[];
  readonly comment: string;
  readonly parametersComment: string;
  readonly guide: string[];
}

function commandUsesMacro(src: SourceFile, entry: SourceEntry | undefined, macro: string): boolean {
  if (!entry) return false;
  return src.items(entry.value).some((i) => {
    const v = src.scalar(i)?.value;
    return typeof v === 'string' && v.includes(`\${${macro}}`);
  });
}

function buildCommand(src: SourceFile, entry: SourceEntry | undefined, program: string | undefined, leaves: readonly Leaf[], tree: Tree, notes: Notes, root: Node | null): BuiltCommand | undefined {
  let words: Array<{ text: string; node: Node | null; at: string }>;
  if (entry) {
    if (!src.isList(entry.value)) {
      src.error(entry.value ?? entry.keyNode, entry.path, `expected a list of strings for "command" (W&B's argv, with macros such as \${program} and \${args}), got ${describeNode(entry.value)}`);
      return undefined;
    }
    words = [];
    src.items(entry.value).forEach((item, i) => {
      const s = src.scalar(item);
      if (s === undefined || s.value === null) {
        src.error(item ?? entry.value, `${entry.path}[${i}]`, `expected a string in "command", got ${describeNode(item)}`);
        return;
      }
      words.push({ text: String(s.value), node: item, at: `${entry.path}[${i}]` });
    });
  } else {
    words = DEFAULT_COMMAND.map((text) => ({ text, node: root, at: '' }));
  }
  const searched = leaves.filter((l): l is Extract<Leaf, { kind: 'search' }> => l.kind === 'search');
  const constants = leaves.filter((l): l is Extract<Leaf, { kind: 'constant' }> => l.kind === 'constant');
  const macrosUsed = new Set<string>();
  const tokens: string[] = [];
  let ok = true;

  for (const word of words) {
    let expanded: string[] | undefined; // a whole-token macro that expands to several argv items
    const re = /\$\{([A-Za-z_]+)(?::([^}]*))?\}/g;
    let last = 0;
    let text = '';
    let match: RegExpExecArray | null;
    const whole = /^\$\{[A-Za-z_]+(?::[^}]*)?\}$/.test(word.text);
    while ((match = re.exec(word.text)) !== null) {
      text += templateText(word.text.slice(last, match.index));
      last = match.index + match[0].length;
      const macro = match[1] ?? '';
      macrosUsed.add(macro);
      const items = expandMacro(macro, match[2], { src, word, program, searched, constants, tree, notes });
      if (items === undefined) {
        ok = false;
        continue;
      }
      if (whole) expanded = items;
      else text += items.join(' ');
    }
    if (expanded !== undefined) {
      tokens.push(...expanded);
      continue;
    }
    text += templateText(word.text.slice(last));
    if (text !== '') tokens.push(text);
  }
  if (!ok) return undefined;
  if (tokens.length === 0 || tokens[0] === '') {
    src.error(entry?.value ?? root, entry?.path ?? '', 'the command has no program to run once ${env} is left out');
    return undefined;
  }
  if (/\{args\}|\{[A-Za-z_][A-Za-z0-9_.-]*\}/.test(tokens[0] ?? '') && !/^\{\{/.test(tokens[0] ?? '')) {
    src.error(entry?.value ?? root, entry?.path ?? '', 'the command starts with the parameters: put the program first');
    return undefined;
  }

  const passes = ['args', 'args_no_boolean_flags', 'args_no_hyphens', 'args_json', 'args_json_file'].filter((m) => macrosUsed.has(m));
  const guide: string[] = [];
  let parametersComment: string;
  if (passes.length === 0) {
    parametersComment = 'the command passes none: the script reads them from $RUNG_PARAMS (JSON)';
    guide.push(
      "Parameters: the W&B command passed no ${args}, so the script read wandb.config as W&B's agent filled it. Outside an agent wandb.config stays empty: read the trial's parameters with `from rung import params` (`params()[\"lr\"]`) or `json.loads(os.environ[\"RUNG_PARAMS\"])`, or add {args} to the command and parse --name=value arguments.",
    );
    if (constants.length > 0) {
      notes.add(src, entry?.keyNode ?? root, entry?.path ?? '', `the constants ${constants.map((c) => c.name).join(', ')} reach the script nowhere (the command passes no arguments): set them in the script`);
    }
  } else if (passes.includes('args_json') || passes.includes('args_json_file')) {
    parametersComment = passes.includes('args_json') ? 'passed as one JSON argument, as W&B ${args_json} did' : 'written to {trial_dir}/params.json, as W&B ${args_json_file} did';
    guide.push('Parameters reach the script as W&B passed them (see the command), and in $RUNG_PARAMS (JSON) as well.');
  } else {
    parametersComment = passes.includes('args_no_hyphens') ? 'passed as name=value, as W&B ${args_no_hyphens} did' : 'passed as --name=value by {args}, as W&B ${args} did';
    guide.push(
      "Parameters reach the script as W&B passed them (see the command), and in $RUNG_PARAMS (JSON) as well. A script that reads wandb.config instead of its arguments relied on W&B's agent to fill it; outside an agent it stays empty: parse the arguments and pass them in (`wandb.init(config=vars(args))`), or read `from rung import params`.",
    );
  }
  if (searched.some((l) => l.name.includes('.'))) {
    guide.push(
      'Nested W&B parameters are flattened to dotted names (optimizer.lr): the script receives --optimizer.lr=... (and "optimizer.lr" in RUNG_PARAMS) instead of a nested wandb.config entry.',
    );
  }
  const interpreter = macrosUsed.has('interpreter') ? ' python3 = the interpreter Rung is set to use;' : '';
  const from = entry ? 'the W&B command' : "W&B's default ${env} ${interpreter} ${program} ${args}";
  return { tokens, comment: `${from}:${interpreter} argv, no shell`, parametersComment, guide };
}

interface MacroContext {
  readonly src: SourceFile;
  readonly word: { readonly text: string; readonly node: Node | null; readonly at: string };
  readonly program: string | undefined;
  readonly searched: ReadonlyArray<Extract<Leaf, { kind: 'search' }>>;
  readonly constants: ReadonlyArray<Extract<Leaf, { kind: 'constant' }>>;
  readonly tree: Tree;
  readonly notes: Notes;
}

/** The argv items (as Rung template text) a W&B macro stands for; undefined after an error. */
function expandMacro(macro: string, argument: string | undefined, m: MacroContext): string[] | undefined {
  const { src, word, notes } = m;
  switch (macro) {
    case 'env':
      return []; // /usr/bin/env only finds the interpreter on PATH; Rung runs the program directly.
    case 'interpreter':
      return ['python3'];
    case 'program':
      if (m.program === undefined) {
        src.error(word.node, word.at, word.at === '' ? 'missing "program": the training script W&B runs (W&B requires it)' : 'the command uses ${program} but the sweep has no "program"');
        return undefined;
      }
      return [templateText(m.program)];
    case 'args':
    case 'args_no_boolean_flags':
      return ['{args}', ...m.constants.flatMap((c) => constantArg(c, macro === 'args_no_boolean_flags', '--'))];
    case 'args_no_hyphens':
      return [...m.searched.map((l) => `${l.name}={${l.name}}`), ...m.constants.flatMap((c) => constantArg(c, false, ''))];
    case 'args_json':
      return [jsonTemplate(m.tree, m, word)];
    case 'args_json_file':
      if (m.constants.length > 0 || m.searched.some((l) => l.name.includes('.'))) {
        notes.add(
          src,
          word.node,
          word.at,
          `\${args_json_file} became {trial_dir}/params.json, which holds the searched parameters only, flat (${[...m.constants.map((c) => c.name), ...m.searched.filter((l) => l.name.includes('.')).map((l) => l.name)].join(', ')} differ from W&B's file)`,
        );
      }
      return ['{trial_dir}/params.json'];
    case 'envvar': {
      const name = argument ?? '';
      notes.add(src, word.node, word.at, `\${envvar:${name}} is passed as the literal text $${name}: Rung runs no shell and does not expand variables; write the value in its place`);
      return [`$${name}`];
    }
    default:
      notes.add(src, word.node, word.at, `unknown W&B command macro \${${macro}} is kept as literal text`);
      return [templateText(`\${${macro}${argument !== undefined ? `:${argument}` : ''}}`)];
  }
}

/** A constant as W&B's args render it: `--name=value` (`--name` / nothing for a boolean with ${args_no_boolean_flags}). */
function constantArg(c: { readonly name: string; readonly value: unknown }, booleanFlags: boolean, dashes: string): string[] {
  if (booleanFlags && typeof c.value === 'boolean') return c.value ? [`${dashes}${templateText(c.name)}`] : [];
  const text = typeof c.value === 'string' ? c.value : typeof c.value === 'number' || typeof c.value === 'boolean' ? String(c.value) : JSON.stringify(c.value);
  return [`${dashes}${templateText(c.name)}=${templateText(text)}`];
}

/** `${args_json}` as one template token: the nested JSON object with each searched value as a placeholder. */
function jsonTemplate(tree: Tree, m: MacroContext, word: MacroContext['word']): string {
  const lossy: string[] = [];
  const render = (nodes: Tree): string => {
    const parts = nodes.map((n) => {
      const key = JSON.stringify(n.key);
      if (n.children) return `${key}: ${render(n.children)}`;
      const leaf = n.leaf;
      if (!leaf) return `${key}: null`;
      if (leaf.kind === 'constant') return `${key}: ${templateText(JSON.stringify(leaf.value) ?? 'null')}`;
      const kind = jsonKind(leaf.param.spec);
      if (kind === 'mixed') lossy.push(leaf.name);
      const spec = leaf.param.spec;
      // eslint-disable-next-line no-control-regex -- control characters cannot sit inside a JSON template's quotes
      if (spec.type === 'categorical' && spec.choices.some((c) => typeof c === 'string' && /["\\\u0000-\u001f]/.test(c))) lossy.push(leaf.name);
      return kind === 'string' || kind === 'mixed' ? `${key}: "{${leaf.name}}"` : `${key}: {${leaf.name}}`;
    });
    return `{{${parts.join(', ')}}}`;
  };
  const token = render(tree);
  if (lossy.length > 0) {
    m.notes.add(m.src, word.node, word.at, `\${args_json}: ${lossy.join(', ')} ${lossy.length === 1 ? 'is' : 'are'} written as JSON strings (mixed-type or quoted choices); parse them in the script or read $RUNG_PARAMS`);
  }
  return token;
}
