/**
 * Parses and validates a study file (`*.rung.yaml`, or `*.rung.json`: YAML 1.2 reads JSON too) into a
 * StudySpec. Every problem becomes a positioned SpecIssue and all of them are reported, not only the first.
 *
 * Two layers: checkStructure.ts checks shapes against the description in schema.ts (the same
 * description the JSON Schema is generated from); this file checks what spans fields (ranges, `when`
 * parents, placeholders, budgets) and builds the StudySpec.
 */
import * as path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { compileMetricPattern } from '../metrics/formats/regex';
import { MULTI_FIDELITY_SCHEDULERS } from '../samplers/auto';
import { DEFAULT_ETA, LADDER_SCHEDULERS, ladderBudgets } from '../schedulers/registry';
import { createGrid } from '../space/grid';
import { stepCount, stepValue } from '../space/encode';
import type { MetricFormat } from '../metrics/metricParser';
import { PARAM_NAME_PATTERN, RESERVED_PLACEHOLDERS, formatParamValue, placeholdersIn, programIndex, splitCommand } from '../runner/commandTemplate';
import { createSearchSpace, type Condition, type ParamSpec, type ParamValue, type SearchSpace } from '../space/searchSpace';
import { err, ok, type Result } from '../util/result';
import { INVALID, StructureChecker, type CheckedMap, type CheckedObject } from './checkStructure';
import { didYouMean } from './didYouMean';
import { IssueSink, type SpecIssue } from './specIssue';
import { camelCase, LAUNCHERS, RESOURCE_FIELDS, SAMPLERS, SCHEDULERS, STUDY_FILE, type Fields, type TaggedVariant } from './schema';
import type { StudySpec } from './studySpec';

export { formatSpecIssue, type SpecIssue } from './specIssue';

/** Budget used when neither `budget` nor `scheduler.max_budget` is given and the command does not use {budget}. */
const DEFAULT_MAX_BUDGET = 1;

/** The parsed spec (when there are no errors) and every issue, warnings included. */
export interface StudySpecCheck {
  /** Present when no issue has severity `error`. */
  readonly spec?: StudySpec;
  /** Errors and warnings, in document order. */
  readonly issues: readonly SpecIssue[];
}

/**
 * Parses a study file. `file` is its absolute path: a relative `cwd:` resolves against its folder.
 * Returns the spec, or every issue found (errors and warnings) when there is at least one error.
 */
export function parseStudySpec(text: string, file: string): Result<StudySpec, SpecIssue[]> {
  const checked = checkStudySpec(text, file);
  return checked.spec ? ok(checked.spec) : err([...checked.issues]);
}

/** Like parseStudySpec, but also returns warnings alongside a valid spec (for editor diagnostics). */
export function checkStudySpec(text: string, file: string): StudySpecCheck {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const sink = new IssueSink(file, text, lineCounter);
  for (const e of doc.errors) sink.atOffsets(e.pos[0], e.pos[1], '', `YAML syntax error: ${firstLine(e.message)}`);
  for (const w of doc.warnings) sink.atOffsets(w.pos[0], w.pos[1], '', firstLine(w.message), 'warning');
  // Semantic checks on a document that did not parse would mostly repeat the syntax error.
  if (sink.hasErrors) return { issues: sorted(sink.issues) };

  const checker = new StructureChecker(doc, sink);
  const root = checker.checkRoot(STUDY_FILE);
  if (root === INVALID) return { issues: sorted(sink.issues) };
  const spec = new SpecBuilder(checker, sink, file).build(root, doc.toJS());
  return sink.hasErrors || !spec ? { issues: sorted(sink.issues) } : { spec, issues: sorted(sink.issues) };
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

function sorted(issues: readonly SpecIssue[]): SpecIssue[] {
  return [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
}

/** Cross-field checks and assembly of the StudySpec from structurally checked values. */
class SpecBuilder {
  constructor(
    private readonly checker: StructureChecker,
    private readonly sink: IssueSink,
    private readonly file: string,
  ) {}

  /** Issue on the value at `issuePath` (falling back to its key). */
  private at(issuePath: string, message: string, severity: SpecIssue['severity'] = 'error'): void {
    const node = this.checker.valueNodes.get(issuePath) ?? this.checker.keyNodes.get(issuePath) ?? null;
    this.sink.atNode(node, issuePath, message, severity);
  }

  /**
   * Issue on the first occurrence of `needle` in the source text of the value at `issuePath` (e.g. one
   * placeholder inside a command string), or on the whole value when the needle is not found verbatim.
   */
  private atText(issuePath: string, needle: string, message: string, severity: SpecIssue['severity'] = 'error'): void {
    const node = this.checker.valueNodes.get(issuePath) ?? null;
    const range = node?.range;
    const index = range ? this.sink.sourceText.slice(range[0], range[1]).indexOf(needle) : -1;
    if (range && index >= 0) this.sink.atOffsets(range[0] + index, range[0] + index + needle.length, issuePath, message, severity);
    else this.sink.atNode(node, issuePath, message, severity);
  }

  /** Issue on the key at `issuePath` (falling back to its value). */
  private atKey(issuePath: string, message: string): void {
    const node = this.checker.keyNodes.get(issuePath) ?? this.checker.valueNodes.get(issuePath) ?? null;
    this.sink.atNode(node, issuePath, message);
  }

  build(root: CheckedObject, source: unknown): StudySpec | undefined {
    const name = str(root['name']);
    // The name becomes a folder name: "." and ".." would point elsewhere.
    if (name !== undefined && /^\.+$/.test(name)) this.at('name', `"name" cannot be only dots (got "${name}"); it is used as a folder name`);
    const cwd = path.resolve(path.dirname(this.file), str(root['cwd']) ?? defaultOf(STUDY_FILE, 'cwd', '.'));
    const metric = this.metric(root['metric']);
    const paramsRaw = root['parameters'] instanceof Map ? (root['parameters'] as CheckedMap) : undefined;
    const space = paramsRaw ? this.space(paramsRaw) : undefined;
    const trials = num(root['trials']);
    const schedulerTagged = this.tagged(root['scheduler'], SCHEDULERS, defaultOf(STUDY_FILE, 'scheduler', 'fifo'), ['max_budget', 'min_budget']);
    // `scheduler: bohb` is a shortcut: Hyperband (same options) whose sampler defaults to bohb.
    const bohbShortcut = schedulerTagged?.type === 'bohb';
    const schedulerRaw = schedulerTagged && (bohbShortcut ? { ...schedulerTagged, type: 'hyperband' } : schedulerTagged);
    const samplerRaw = this.tagged(root['sampler'], SAMPLERS, bohbShortcut ? 'bohb' : defaultOf(STUDY_FILE, 'sampler', 'auto'), []);
    const sampler = samplerRaw && this.samplerSettings(samplerRaw, schedulerRaw?.type, bohbShortcut, trials);
    const command = this.command(root['command'], paramsRaw, space);
    const scheduler = schedulerRaw && this.budgets(root, schedulerRaw, command);
    const launcher = this.launcher(root['launcher'], root['parallel']);
    const resources = obj(root['resources']);
    const gpusPerTrial = num(resources?.['gpus_per_trial']) ?? defaultOf(RESOURCE_FIELDS, 'gpus_per_trial', 0);
    const parallelRaw = root['parallel'];
    const parallel = parallelRaw === 'auto' ? 'auto' : (num(parallelRaw) ?? defaultOf(STUDY_FILE, 'parallel', 1));
    const timeoutSeconds = num(root['timeout']);
    const seed = num(root['seed']);

    if (space && sampler?.type === 'grid') this.checkGrid(space, sampler.options);
    else if (space && sampler) this.warnGridOnly(space, sampler.type);

    if (name === undefined || !command || !metric || !space || !sampler || !scheduler || !launcher || invalidIn(root)) {
      return undefined;
    }
    return {
      name,
      command: command.tokens,
      cwd,
      file: this.file,
      source,
      metric,
      space,
      sampler,
      scheduler,
      ...(trials !== undefined ? { trials } : {}),
      parallel,
      ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
      ...(seed !== undefined ? { seed } : {}),
      launcher,
      resources: { gpusPerTrial },
    };
  }

  /**
   * The sampler's settings, with what `auto` needs to choose filled in (`trials`, `scheduler`: samplers/auto.ts),
   * and warnings for BOHB without a ladder of budgets (samplers/bohb.ts). `schedulerType` is after the `bohb`
   * shortcut became `hyperband`.
   */
  private samplerSettings(
    raw: { type: string; options: Record<string, unknown> },
    schedulerType: string | undefined,
    bohbShortcut: boolean,
    trials: number | undefined,
  ): StudySpec['sampler'] {
    if (bohbShortcut && raw.type !== 'bohb' && raw.type !== 'auto') {
      this.at(
        'sampler',
        `scheduler bohb means Hyperband with sampler bohb, but sampler "${raw.type}" is set: this study runs Hyperband with ${raw.type}; write scheduler: hyperband to say so, or drop the sampler line for BOHB`,
        'warning',
      );
    }
    if (raw.type === 'bohb' && schedulerType !== undefined && !MULTI_FIDELITY_SCHEDULERS.includes(schedulerType)) {
      this.at(
        'sampler',
        `sampler bohb models each budget of a successive-halving ladder, but scheduler ${schedulerType} has none (every trial is judged at its last step): this runs as multivariate TPE with 1/3 random trials; for BOHB use scheduler: {type: hyperband, max_budget: ...}`,
        'warning',
      );
    }
    if (raw.type !== 'auto') return { type: raw.type, options: raw.options };
    return {
      type: raw.type,
      options: { ...raw.options, ...(trials !== undefined ? { trials } : {}), ...(schedulerType !== undefined ? { scheduler: schedulerType } : {}) },
    };
  }

  /**
   * `values` (and `grid_points`) of a numeric parameter are read by the grid sampler only: another sampler draws
   * from [low, high], which someone coming from GridSearchCV or W&B's `values` may not expect.
   */
  private warnGridOnly(space: SearchSpace, samplerType: string): void {
    for (const [name, param] of space.params) {
      if (param.kind === 'categorical' || param.values === undefined) continue;
      this.at(
        `parameters.${name}.values`,
        `"values" is read by the grid sampler only: sampler ${samplerType} draws "${name}" from [${param.low}, ${param.high}]; to try only these values, use type: categorical, choices: [${param.values.join(', ')}] (or sampler: grid)`,
        'warning',
      );
    }
  }

  /** The grid sampler needs a finite set of values per numeric parameter: say which parameter lacks one. */
  private checkGrid(space: SearchSpace, options: Readonly<Record<string, unknown>>): void {
    const gridPoints = options['gridPoints'];
    const grid = createGrid(space, typeof gridPoints === 'number' ? { gridPoints } : {});
    if (grid.ok) return;
    for (const issue of grid.error) {
      if (issue.param !== undefined) this.atKey(`parameters.${issue.param}`, issue.message);
      else this.at('sampler', issue.message);
    }
  }

  private metric(raw: unknown): StudySpec['metric'] | undefined {
    if (typeof raw === 'string') return { name: raw, goal: 'minimize', format: { kind: 'auto' } };
    const m = obj(raw);
    const name = str(m?.['name']);
    if (!m || name === undefined) return undefined;
    const goalRaw = m['goal'];
    const goal = goalRaw === 'maximize' ? 'maximize' : goalRaw === 'minimize' || goalRaw === undefined ? 'minimize' : undefined;
    const pattern = m['pattern'];
    const patternOk = typeof pattern === 'string' ? this.checkPattern(pattern, name) : pattern !== INVALID;
    if (!patternOk || goal === undefined) return undefined;
    const format: MetricFormat = typeof pattern === 'string' ? { kind: 'regex', pattern } : { kind: 'auto' };
    return { name, goal, format };
  }

  private checkPattern(pattern: string, metricName: string): boolean {
    // The metric parser's own compiler, so the file is accepted exactly when the parser can use it
    // (it also understands Python's (?P<name>...) and a leading (?i)).
    const compiled = compileMetricPattern(pattern);
    if (!compiled.ok && compiled.error.startsWith('invalid regular expression')) {
      this.at('metric.pattern', compiled.error);
      return false;
    }
    const groups = compiled.ok ? compiled.value.groupNames : ['step'].filter((g) => pattern.includes(`<${g}>`));
    if (groups.includes(metricName)) return true;
    const found = groups.length > 0 ? `named groups found: ${groups.join(', ')}` : 'it has no named groups';
    const fix = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(metricName)
      ? `put (?<${metricName}>...) around the number (and optionally (?<step>...) around the step)`
      : `a group name cannot be "${metricName}"; rename the metric to letters, digits and _`;
    this.at('metric.pattern', `pattern has no named group "${metricName}" (${found}); ${fix}`);
    return false;
  }

  private space(raw: CheckedMap): StudySpec['space'] | undefined {
    const names = [...raw.keys()];
    const built = new Map<string, ParamSpec>();
    let complete = true;
    names.forEach((name, index) => {
      const p = `parameters.${name}`;
      if ((RESERVED_PLACEHOLDERS as readonly string[]).includes(name)) {
        this.atKey(p, `parameter name "${name}" is reserved for the {${name}} placeholder; rename the parameter`);
        complete = false;
      }
      const spec = this.param(name, index, obj(raw.get(name)), raw, built);
      if (spec && PARAM_NAME_PATTERN.test(name)) built.set(name, spec);
      else complete = false;
    });
    return complete ? createSearchSpace(built) : undefined;
  }

  private param(name: string, index: number, raw: CheckedObject | undefined, all: CheckedMap, built: ReadonlyMap<string, ParamSpec>): ParamSpec | undefined {
    if (!raw) return undefined;
    const p = `parameters.${name}`;
    const when = this.when(name, index, raw['when'], all, built);
    if (raw['type'] === 'categorical') {
      const choices = raw['choices'];
      if (!Array.isArray(choices) || choices.some((c) => c === INVALID)) return undefined;
      let ok = true;
      choices.forEach((choice, i) => {
        if (choices.indexOf(choice) !== i) {
          this.at(`${p}.choices[${i}]`, `duplicate choice ${show(choice)} in parameter "${name}"; choices must all differ`);
          ok = false;
        }
      });
      // "1" and 1 are different choices to the sampler but the same text on the command line.
      const rendered = new Map<string, number>();
      choices.forEach((choice, i) => {
        const text = formatParamValue(choice as ParamValue);
        const first = rendered.get(text);
        if (first === undefined) rendered.set(text, i);
        else if (choices.indexOf(choice) === i) {
          this.at(`${p}.choices[${i}]`, `choices ${show(choices[first])} and ${show(choice)} of parameter "${name}" reach the command as the same text "${text}"`, 'warning');
        }
      });
      const flag = raw['flag'] === true;
      if (flag && !choices.every((c) => typeof c === 'boolean')) {
        this.at(`${p}.flag`, `flag: true needs boolean choices ([true, false]): parameter "${name}" is passed as \`--${name}\` when true and left out when false`);
        ok = false;
      }
      return ok && when !== INVALID ? { kind: 'categorical', choices: choices as ParamValue[], ...(flag ? { flag } : {}), ...(when ? { when } : {}) } : undefined;
    }
    const kind = raw['type'] === 'int' ? 'int' : 'float';
    const low = num(raw['low']);
    const high = num(raw['high']);
    const log = raw['log'] === true;
    const step = num(raw['step']);
    const gridPoints = num(raw['grid_points']);
    const values = raw['values'];
    // A bad `when` (reported) must not hide range problems, so keep checking.
    const condition = when === INVALID ? undefined : when;
    let ok = !invalidIn(raw) && when !== INVALID && low !== undefined && high !== undefined;
    const fail = (at: string, message: string): void => {
      this.at(at, message);
      ok = false;
    };
    if (low !== undefined && high !== undefined && low > high) fail(`${p}.low`, `low (${low}) is greater than high (${high})`);
    if (log && low !== undefined && low <= 0) fail(`${p}.low`, `log scale needs low > 0 (got ${low})`);
    if (log && step !== undefined) {
      fail(`${p}.step`, '"step" cannot be combined with "log: true" (Optuna forbids it too: a log scale has no even step); remove one of them');
    }
    if (step !== undefined && low !== undefined && high !== undefined && high > low && step > high - low) {
      fail(`${p}.step`, `step (${step}) is larger than high - low (${high - low}); allowed: 0 < step <= ${high - low}`);
    }
    if (step !== undefined && step > 0 && low !== undefined && high !== undefined && high > low && step <= high - low && !onGrid(high, low, step)) {
      // As Optuna warns: the range ends at the last step below high, which the author may not expect.
      const last = stepValue(low, step, stepCount(low, high, step) - 1, kind === 'int');
      this.at(`${p}.step`, `step ${step} does not divide high - low (${high - low}): the largest value used is ${last}, not ${high}`, 'warning');
    }
    if (values !== undefined && gridPoints !== undefined) fail(`${p}.grid_points`, 'give either "values" or "grid_points", not both');
    if (low !== undefined && high !== undefined && low === high) {
      this.at(`${p}.high`, `low equals high (${low}): parameter "${name}" can take only one value`, 'warning');
    }
    const numbers: number[] = [];
    if (Array.isArray(values)) {
      values.forEach((v, i) => {
        if (typeof v !== 'number') return;
        numbers.push(v);
        const at = `${p}.values[${i}]`;
        if (low !== undefined && high !== undefined && (v < low || v > high)) {
          fail(at, `value ${v} is outside [low, high] = [${low}, ${high}]`);
        } else if (step !== undefined && low !== undefined && !onGrid(v, low, step)) {
          fail(at, `value ${v} is not on the step grid ${low} + k*${step}`);
        } else if (values.indexOf(v) !== i) {
          fail(at, `duplicate value ${v} in "values"`);
        }
      });
    }
    if (!ok || low === undefined || high === undefined) return undefined;
    const common = {
      low,
      high,
      ...(log ? { log } : {}),
      ...(step !== undefined ? { step } : {}),
      ...(Array.isArray(values) ? { values: numbers } : {}),
      ...(gridPoints !== undefined ? { gridPoints } : {}),
      ...(condition ? { when: condition } : {}),
    };
    return kind === 'int' ? { kind: 'int', ...common } : { kind: 'float', ...common };
  }

  /** The condition of `name`, undefined if unconditional, INVALID if it has problems (reported). */
  private when(name: string, index: number, raw: unknown, all: CheckedMap, built: ReadonlyMap<string, ParamSpec>): Condition | undefined | typeof INVALID {
    if (raw === undefined) return undefined;
    const names = [...all.keys()];
    if (!(raw instanceof Map)) return INVALID;
    const p = `parameters.${name}.when`;
    const condition: Record<string, readonly ParamValue[]> = {};
    let ok = true;
    for (const [parent, value] of raw as CheckedMap) {
      const at = `${p}.${parent}`;
      const parentIndex = names.indexOf(parent);
      if (value === INVALID || (Array.isArray(value) && value.includes(INVALID))) {
        ok = false;
        continue;
      }
      if (parent === name) {
        this.atKey(at, `parameter "${name}" cannot depend on itself in "when"`);
        ok = false;
        continue;
      }
      if (parentIndex < 0) {
        this.atKey(at, `"when" refers to unknown parameter "${parent}"; parameters: ${names.join(', ')}${didYouMean(parent, names)}`);
        ok = false;
        continue;
      }
      if (parentIndex > index) {
        this.atKey(at, `"when" parent "${parent}" must be declared before "${name}" (parameters are filled in file order); move "${parent}" up`);
        ok = false;
        continue;
      }
      // A parent with problems of its own is not built; its raw type and choices still allow these checks.
      const parentRaw = obj(all.get(parent));
      const parentKind = built.get(parent)?.kind ?? str(parentRaw?.['type']);
      if (parentKind === undefined) {
        ok = false;
        continue;
      }
      if (parentKind !== 'categorical') {
        this.atKey(at, `"when" parent "${parent}" must be categorical (it is ${parentKind})`);
        ok = false;
        continue;
      }
      const parentSpec = built.get(parent);
      const choicesRaw = parentSpec?.kind === 'categorical' ? parentSpec.choices : parentRaw?.['choices'];
      const choices = Array.isArray(choicesRaw) ? choicesRaw.filter((c) => c !== INVALID) : [];
      const allowed = (Array.isArray(value) ? value : [value]) as ParamValue[];
      allowed.forEach((v, i) => {
        if (!choices.some((c) => c === v)) {
          this.at(Array.isArray(value) ? `${at}[${i}]` : at, `${show(v)} is not a choice of "${parent}"; choices: ${[...new Set(choices)].map(show).join(', ')}`);
          ok = false;
        }
      });
      condition[parent] = allowed;
    }
    return ok ? condition : INVALID;
  }

  private command(raw: unknown, params: CheckedMap | undefined, space: StudySpec['space'] | undefined): { tokens: [string, ...string[]]; usesBudget: boolean } | undefined {
    let tokens: string[];
    const tokenPath = (i: number): string => (typeof raw === 'string' ? 'command' : `command[${i}]`);
    if (typeof raw === 'string') {
      const split = splitCommand(raw);
      if (!split.ok) {
        this.at('command', `${split.error}; the command is split like shell words (but never run by a shell)`);
        return undefined;
      }
      tokens = split.value;
    } else if (Array.isArray(raw) && raw.every((t): t is string => typeof t === 'string')) {
      tokens = raw;
    } else {
      return undefined;
    }
    const [first, ...rest] = tokens;
    // Leading NAME=value words are the trial's environment, as in a shell (see programIndex): the program follows.
    const programAt = programIndex(tokens);
    const program = tokens[programAt];
    if (first === undefined || program === undefined || program === '') {
      const message =
        programAt > 0
          ? 'the command sets environment variables but names no program after them, e.g. OMP_NUM_THREADS=1 python3 train.py {args}'
          : 'the command needs a program to run first, e.g. python3 train.py {args}';
      this.at(typeof raw === 'string' ? 'command' : `command[${Math.min(programAt, tokens.length - 1)}]`, message);
      return undefined;
    }
    const paramNames = params ? [...params.keys()] : [];
    const allowed = [...new Set([...paramNames, ...RESERVED_PLACEHOLDERS])];
    const { refs, errors } = placeholdersIn(tokens);
    let ok = errors.length === 0;
    for (const e of errors) this.atText(tokenPath(e.tokenIndex), tokens[e.tokenIndex] ?? '', e.message);
    for (const ref of refs) {
      if (!allowed.includes(ref.name)) {
        this.atText(
          tokenPath(ref.tokenIndex),
          `{${ref.name}}`,
          `unknown placeholder "{${ref.name}}" in command; allowed: ${allowed.map((a) => `{${a}}`).join(', ')}${didYouMean(ref.name, allowed)}${
            (tokens[ref.tokenIndex] ?? '').includes(`\${${ref.name}}`)
              ? `. \${${ref.name}} is not expanded either: no shell runs a trial; write the value, or set it for every trial in launcher.env and read it in the script`
              : ''
          }`,
        );
        ok = false;
      } else if (ref.tokenIndex === programAt && (ref.name === 'args' || space?.params.get(ref.name)?.when !== undefined)) {
        this.atText(tokenPath(programAt), program, `the program (first word of the command) cannot contain {${ref.name}}: it may expand to nothing or to several words`);
        ok = false;
      }
    }
    if (!ok) return undefined;
    tokens.forEach((token, i) => {
      const why = shellOnlyWord(token);
      if (why !== undefined) this.atText(tokenPath(i), why.needle, why.message, 'warning');
    });
    return { tokens: [first, ...rest], usesBudget: refs.some((r) => r.name === 'budget') };
  }

  /** Sampler / scheduler: a name or {type, ...options}; options in camelCase with the table's defaults. */
  private tagged(raw: unknown, table: Readonly<Record<string, TaggedVariant>>, fallback: string, lifted: readonly string[]): { type: string; options: Record<string, unknown>; lifted: Record<string, unknown> } | undefined {
    const value = raw === undefined ? { type: fallback } : obj(raw);
    const type = str(value?.['type']);
    if (!value || type === undefined || invalidIn(value)) return undefined;
    const variant = table[type];
    const options: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(variant?.fields ?? {})) if (field.default !== undefined) options[camelCase(key)] = field.default;
    const liftedValues: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (key === 'type') continue;
      if (lifted.includes(key)) liftedValues[key] = v;
      else options[camelCase(key)] = v;
    }
    return { type, options, lifted: liftedValues };
  }

  private budgets(root: CheckedObject, scheduler: { type: string; options: Record<string, unknown>; lifted: Record<string, unknown> }, command: { usesBudget: boolean } | undefined): StudySpec['scheduler'] | undefined {
    const fromScheduler = num(scheduler.lifted['max_budget']);
    const shorthand = num(root['budget']);
    const minBudget = num(scheduler.lifted['min_budget']);
    if (fromScheduler !== undefined && shorthand !== undefined && fromScheduler !== shorthand) {
      this.at('budget', `"budget" (${shorthand}) conflicts with scheduler.max_budget (${fromScheduler}); give only one of them`);
      return undefined;
    }
    const maxBudget = fromScheduler ?? shorthand;
    if (root['budget'] === INVALID) return undefined; // Already reported; "no budget" would repeat it.
    if (maxBudget === undefined && command?.usesBudget) {
      this.atText('command', '{budget}', 'the command uses {budget} but no budget is set; add "budget: <max epochs or steps>" or scheduler.max_budget');
      return undefined;
    }
    if (minBudget !== undefined && maxBudget !== undefined && minBudget > maxBudget) {
      this.at('scheduler.min_budget', `min_budget (${minBudget}) is greater than max_budget (${maxBudget})`);
      return undefined;
    }
    // A successive-halving ladder needs rungs below a full budget: checked here as `rung run` checks it when
    // it builds the scheduler, so `rung validate` (and the editor) say so instead of passing the file.
    if (LADDER_SCHEDULERS.includes(scheduler.type)) {
      const ladder = ladderBudgets(scheduler.type, minBudget, maxBudget, num(scheduler.options['eta']) ?? DEFAULT_ETA);
      if (!ladder.ok) {
        this.at(minBudget !== undefined && maxBudget !== undefined ? 'scheduler.min_budget' : 'scheduler', ladder.error);
        return undefined;
      }
    }
    return {
      type: scheduler.type,
      maxBudget: maxBudget ?? DEFAULT_MAX_BUDGET,
      ...(minBudget !== undefined ? { minBudget } : {}),
      options: scheduler.options,
    };
  }

  private launcher(raw: unknown, parallel: unknown): StudySpec['launcher'] | undefined {
    const value = raw === undefined ? { type: 'local' } : obj(raw);
    const type = value?.['type'];
    if (!value || (type !== 'local' && type !== 'slurm') || invalidIn(value)) return undefined;
    const env: Record<string, string> = {};
    const envRaw = value['env'];
    if (envRaw instanceof Map) {
      for (const [key, v] of envRaw as CheckedMap) {
        if (v === INVALID) return undefined;
        env[key] = String(v);
        const placeholder = /\{([A-Za-z_][A-Za-z0-9_.-]*)\}/.exec(env[key].replace(/\{\{|\}\}/g, ''))?.[0];
        if (placeholder !== undefined) {
          this.at(
            `launcher.env.${key}`,
            `launcher.env values reach every trial as written: "${placeholder}" is not replaced; to pass a parameter in the environment, set it before the program in command: ${key}=${placeholder} python3 train.py`,
            'warning',
          );
        }
      }
    }
    const trialTimeoutSeconds = num(value['trial_timeout']);
    const launcherFields: Fields = LAUNCHERS[type]?.fields ?? {};
    const common = {
      ...(trialTimeoutSeconds !== undefined ? { trialTimeoutSeconds } : {}),
      killGraceSeconds: num(value['kill_grace']) ?? defaultOf(launcherFields, 'kill_grace', 10),
      env,
    };
    if (type === 'local') return { type, ...common };
    if (parallel === 'auto') {
      // `auto` counts this machine's GPUs or cores, which says nothing about a cluster.
      this.at('parallel', '"auto" counts this machine\'s GPUs or CPU cores; with launcher slurm, give the number of trials to run at once');
      return undefined;
    }
    const text = (key: string): Record<string, string> => {
      const v = str(value[key]);
      return v !== undefined ? { [camelCase(key)]: v } : {};
    };
    const cpusPerTask = num(value['cpus_per_task']);
    const mem = value['mem'];
    const timeSeconds = num(value['time']);
    if (timeSeconds !== undefined && trialTimeoutSeconds !== undefined && timeSeconds < trialTimeoutSeconds + common.killGraceSeconds) {
      this.at(
        'launcher.time',
        `the job time limit (${timeSeconds}s) is shorter than trial_timeout + kill_grace (${trialTimeoutSeconds + common.killGraceSeconds}s): Slurm will end long trials before Rung does, and they fail instead of timing out`,
        'warning',
      );
    }
    const extraArgs = value['extra_args'];
    return {
      type,
      ...common,
      slurm: {
        ...text('partition'),
        ...text('account'),
        ...text('qos'),
        ...(cpusPerTask !== undefined ? { cpusPerTask } : {}),
        // A number is megabytes, Slurm's unit without a suffix.
        ...(typeof mem === 'number' || typeof mem === 'string' ? { mem: String(mem) } : {}),
        ...text('gpu_type'),
        ...text('constraint'),
        ...(timeSeconds !== undefined ? { timeSeconds } : {}),
        extraArgs: Array.isArray(extraArgs) ? extraArgs.filter((a): a is string => typeof a === 'string') : [],
      },
    };
  }
}

function defaultOf<T extends string | number | boolean>(fields: Fields, key: string, fallback: T): T {
  const d = fields[key]?.default;
  return typeof d === typeof fallback ? (d as T) : fallback;
}

function onGrid(value: number, low: number, step: number): boolean {
  const k = Math.round((value - low) / step);
  return Math.abs(low + k * step - value) <= 1e-9 * Math.max(Math.abs(value), Math.abs(low), step);
}

function obj(v: unknown): CheckedObject | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Map) ? (v as CheckedObject) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

/** Whether any direct value of a checked object failed a structural check. */
function invalidIn(o: CheckedObject): boolean {
  return Object.values(o).some((v) => v === INVALID || (Array.isArray(v) && v.includes(INVALID)));
}

function show(v: unknown): string {
  return typeof v === 'string' ? `"${v}"` : String(v);
}

/** Words a shell would act on, which a trial's command (run without one) passes to the program as they are. */
const SHELL_OPERATORS = new Set(['|', '||', '&&', ';', '&', '>', '>>', '<', '<<', '2>', '2>>', '&>', '2>&1', '|&']);
const SHELL_VARIABLE = /\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)/;

/**
 * Why `token` of a command probably means what it would in a shell (a redirection, a pipe, a variable, `~`),
 * for a warning: no shell runs a trial, so the program gets the word itself. A warning, not an error: a script
 * may take such a word on purpose.
 */
function shellOnlyWord(token: string): { readonly needle: string; readonly message: string } | undefined {
  if (SHELL_OPERATORS.has(token) || /^(2|&)?>>?[^>]/.test(token)) {
    return {
      needle: token,
      message: `"${token}" reaches the program as an argument: a trial's command runs without a shell (its output is kept in the trial's output.log anyway); for a pipeline or a redirection, write a script and run that`,
    };
  }
  const variable = SHELL_VARIABLE.exec(token)?.[0];
  if (variable !== undefined) {
    return {
      needle: variable,
      message: `${variable} reaches the program as written: a trial's command runs without a shell, so variables are not expanded; write the value, or set it for every trial in launcher.env and read it in the script`,
    };
  }
  if (token === '~' || token.startsWith('~/') || /^--?[A-Za-z0-9_.-]+=~\//.test(token)) {
    return { needle: '~', message: `"~" is not expanded: a trial's command runs without a shell; write the full path` };
  }
  return undefined;
}
