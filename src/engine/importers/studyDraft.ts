/**
 * What an importer builds: a study file in Rung's terms plus, for every line, a short comment on where it
 * came from, and the list of what did not carry over. `renderDraft` writes it as YAML that parseStudySpec
 * accepts (the importers check that before they return it).
 */
import type { ParamValue } from '../space/searchSpace';
import { commandWord, flowMap, oneLine, wrap, yamlKey, yamlNumber, yamlScalar, yamlString } from '../spec/yamlText';

export type DraftSpec =
  | {
      readonly type: 'float' | 'int';
      readonly low: number;
      readonly high: number;
      readonly log?: boolean;
      readonly step?: number;
      readonly gridPoints?: number;
    }
  | { readonly type: 'categorical'; readonly choices: readonly ParamValue[]; readonly flag?: boolean };

export interface DraftParam {
  /** The parameter's name in the study file (dotted for nested parameters). */
  readonly name: string;
  readonly spec: DraftSpec;
  readonly when?: Readonly<Record<string, readonly ParamValue[]>>;
  /** Where it came from (the line's comment). */
  readonly comment: string;
}

/** A value of a sampler/scheduler/launcher option. */
export type OptionValue = number | string | boolean;

export interface StudyDraft {
  /** First header line: what was imported, e.g. "sweep.yaml (a W&B sweep configuration)". */
  readonly origin: string;
  /** Header paragraphs: what the user must change in the script, how the metric is read. */
  readonly guide: readonly string[];
  /** What did not carry over, one sentence each (each is also a positioned warning). */
  readonly notCarried: readonly string[];
  readonly name: { readonly value: string; readonly comment: string };
  /** Command template tokens (placeholders in braces, literal braces doubled). */
  readonly command: { readonly tokens: readonly string[]; readonly comment: string };
  readonly cwd?: { readonly value: string; readonly comment: string };
  readonly metric: { readonly name: string; readonly goal: 'minimize' | 'maximize'; readonly comment: string };
  readonly parametersComment: string;
  readonly params: readonly DraftParam[];
  readonly sampler: { readonly type: string; readonly options: ReadonlyArray<readonly [string, OptionValue]>; readonly comment: string };
  readonly scheduler?: { readonly type: string; readonly options: ReadonlyArray<readonly [string, OptionValue]>; readonly comment: string };
  /** A number, or a commented-out suggestion when the source had no limit. */
  readonly trials?: { readonly value: number; readonly comment: string; readonly suggestion?: boolean };
  readonly parallel?: { readonly value: number | 'auto'; readonly comment: string };
  readonly timeout?: { readonly value: number | string; readonly comment: string };
  readonly seed?: { readonly value: number; readonly comment: string };
  readonly launcher?: {
    readonly trialTimeout?: number | string;
    readonly env?: ReadonlyArray<readonly [string, string]>;
    readonly comment: string;
  };
  readonly resources?: { readonly gpusPerTrial: number; readonly comment: string };
  /** Commented-out lines offered at the end (`# launcher: {env: {WANDB_MODE: offline}}`). */
  readonly suggestions?: ReadonlyArray<{ readonly text: string; readonly comment: string }>;
}

/** The study file's text. */
export function renderDraft(draft: StudyDraft): string {
  const out: string[] = [];
  out.push(`# Imported by \`rung import\` from ${oneLine(draft.origin)}.`);
  out.push('# Review it, then start the study (Rung: Start Study, or `rung run <this file>`).');
  for (const paragraph of draft.guide) {
    out.push('#');
    out.push(...wrap(paragraph, 100).map((line) => `# ${line}`));
  }
  if (draft.notCarried.length > 0) {
    out.push('#', '# Not carried over, or changed on the way (Rung has no exact equivalent):');
    for (const note of draft.notCarried) out.push(...wrap(note, 96).map((line, i) => `#${i === 0 ? '   - ' : '     '}${line}`));
  }

  const rows: Array<[string, string]> = [];
  rows.push([`name: ${yamlScalar(draft.name.value)}`, draft.name.comment]);
  rows.push([`command: ${commandYaml(draft.command.tokens)}`, draft.command.comment]);
  if (draft.cwd) rows.push([`cwd: ${yamlScalar(draft.cwd.value)}`, draft.cwd.comment]);
  rows.push([`metric: ${flowMap([['name', yamlScalar(draft.metric.name)], ['goal', draft.metric.goal]])}`, draft.metric.comment]);
  rows.push(['parameters:', draft.parametersComment]);
  const width = Math.max(0, ...draft.params.map((p) => yamlKey(p.name).length + 1));
  for (const p of draft.params) rows.push([`  ${`${yamlKey(p.name)}:`.padEnd(width)} ${paramFlow(p)}`, p.comment]);
  rows.push([`sampler: ${tagged(draft.sampler.type, draft.sampler.options)}`, draft.sampler.comment]);
  if (draft.scheduler) rows.push([`scheduler: ${tagged(draft.scheduler.type, draft.scheduler.options)}`, draft.scheduler.comment]);
  if (draft.trials) rows.push([`${draft.trials.suggestion ? '# ' : ''}trials: ${draft.trials.value}`, draft.trials.comment]);
  if (draft.parallel) rows.push([`parallel: ${draft.parallel.value === 'auto' ? 'auto' : draft.parallel.value}`, draft.parallel.comment]);
  if (draft.timeout) rows.push([`timeout: ${typeof draft.timeout.value === 'number' ? yamlNumber(draft.timeout.value) : yamlScalar(draft.timeout.value)}`, draft.timeout.comment]);
  if (draft.seed) rows.push([`seed: ${draft.seed.value}`, draft.seed.comment]);
  if (draft.launcher) {
    const entries: Array<[string, string]> = [];
    if (draft.launcher.trialTimeout !== undefined) {
      entries.push(['trial_timeout', typeof draft.launcher.trialTimeout === 'number' ? yamlNumber(draft.launcher.trialTimeout) : yamlScalar(draft.launcher.trialTimeout)]);
    }
    if (draft.launcher.env && draft.launcher.env.length > 0) {
      // Environment values are strings: quoted so `1` or `true` stay text.
      entries.push(['env', flowMap(draft.launcher.env.map(([k, v]) => [k, JSON.stringify(v)] as const))]);
    }
    if (entries.length > 0) rows.push([`launcher: ${flowMap(entries)}`, draft.launcher.comment]);
  }
  if (draft.resources) rows.push([`resources: {gpus_per_trial: ${draft.resources.gpusPerTrial}}`, draft.resources.comment]);
  for (const s of draft.suggestions ?? []) rows.push([`# ${s.text}`, s.comment]);

  const column = Math.min(72, Math.max(0, ...rows.filter(([, c]) => c !== '').map(([t]) => t.length)) + 2);
  for (const [text, comment] of rows) out.push(comment === '' ? text : `${text.padEnd(column)} # ${oneLine(comment)}`);
  return `${out.join('\n')}\n`;
}

/**
 * The command as one string when no word needs shell quoting (`python3 train.py {args}`), else as a list of
 * argv words, which reads better than quotes inside quotes.
 */
function commandYaml(tokens: readonly string[]): string {
  if (tokens.every((t) => commandWord(t) === t)) return yamlString(tokens.join(' '));
  return `[${tokens.map(flowItem).join(', ')}]`;
}

/** A string item of a flow list: plain when unambiguous, else single-quoted (only `'` is escaped there). */
function flowItem(text: string): string {
  const plain = (/^[A-Za-z_/][A-Za-z0-9_./=+-]*$/.test(text) || /^--?[A-Za-z][A-Za-z0-9_./=+-]*$/.test(text)) && !/^(?:true|false|yes|no|on|off|null|y|n)$/i.test(text);
  if (plain) return text;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
  if (/[\u0000-\u001f]/.test(text)) return JSON.stringify(text);
  return `'${text.replace(/'/g, "''")}'`;
}

function paramFlow(p: DraftParam): string {
  const entries: Array<[string, string]> = [];
  const s = p.spec;
  if (s.type === 'categorical') {
    entries.push(['type', 'categorical'], ['choices', `[${s.choices.map(yamlScalar).join(', ')}]`]);
    if (s.flag) entries.push(['flag', 'true']);
  } else {
    entries.push(['type', s.type], ['low', yamlNumber(s.low)], ['high', yamlNumber(s.high)]);
    if (s.log) entries.push(['log', 'true']);
    if (s.step !== undefined) entries.push(['step', yamlNumber(s.step)]);
    if (s.gridPoints !== undefined) entries.push(['grid_points', String(s.gridPoints)]);
  }
  if (p.when) {
    const when = Object.entries(p.when).map(([parent, values]) => [parent, values.length === 1 ? yamlScalar(values[0] as ParamValue) : `[${values.map(yamlScalar).join(', ')}]`] as const);
    entries.push(['when', flowMap(when)]);
  }
  return flowMap(entries);
}

function tagged(type: string, options: ReadonlyArray<readonly [string, OptionValue]>): string {
  if (options.length === 0) return type;
  return flowMap([['type', type], ...options.map(([k, v]) => [k, typeof v === 'string' ? yamlScalar(v) : typeof v === 'number' ? yamlNumber(v) : String(v)] as const)]);
}
