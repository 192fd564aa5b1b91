/**
 * The study file that the "new study" quick-pick flow writes, from the user's answers. Pure: the unit
 * tests check that every combination of answers yields a file the engine's parser accepts.
 */
import path from 'node:path';

/** One parameter as the user described it. */
export type NewParameter =
  | { readonly name: string; readonly type: 'float' | 'int'; readonly low: number; readonly high: number; readonly log: boolean }
  | { readonly name: string; readonly type: 'categorical'; readonly choices: readonly (string | number | boolean)[] };

/** Everything the flow asks. */
export interface NewStudyAnswers {
  readonly name: string;
  /** The command template, e.g. `python train.py {args}`. */
  readonly command: string;
  readonly metric: { readonly name: string; readonly goal: 'minimize' | 'maximize' };
  readonly parameters: readonly NewParameter[];
  readonly sampler: string;
  readonly scheduler: { readonly type: string; readonly maxBudget?: number; readonly minBudget?: number };
  readonly trials: number;
  readonly parallel: number | 'auto';
}

/** Samplers and schedulers the flow offers, with a line each for the quick pick. */
export const samplerChoices = [
  { id: 'tpe', detail: 'Tree-structured Parzen estimator: learns from finished trials (good default)' },
  { id: 'random', detail: 'Independent random draws' },
  { id: 'sobol', detail: 'Quasi-random, evenly spread over the space' },
  { id: 'gp', detail: 'Gaussian-process Bayesian optimisation: few, expensive trials' },
  { id: 'grid', detail: 'Every combination (numeric parameters get 5 points)' },
] as const;

export const schedulerChoices = [
  { id: 'fifo', detail: 'No early stopping: every trial runs to the end' },
  { id: 'asha', detail: 'Asynchronous successive halving: stops losers at rungs, never waits' },
  { id: 'hyperband', detail: 'Several ASHA brackets trading trial count against budget' },
  { id: 'median', detail: 'Median stopping rule: stops trials worse than the median so far' },
] as const;

/** Parameter names the study file accepts (the same rule as the engine's). */
export const parameterNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Study names the store accepts as a folder name. */
export const studyNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A study name from a script's file name: `train_mnist.py` → `train_mnist`. */
export function studyNameFromScript(script: string): string {
  const base = path.basename(script).replace(/\.[^.]*$/, '');
  const cleaned = base.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return cleaned === '' ? 'study' : cleaned;
}

/**
 * The command template for a script given relative to the study file's folder: Python and Node scripts
 * through their interpreter (`python` is replaced by the configured interpreter at launch), anything else
 * run directly. `{args}` passes every parameter as `--name=value`.
 */
export function commandForScript(relativeScript: string, budgetArgument?: string): string {
  const script = relativeScript.split(path.sep).join('/');
  const quoted = /[\s'"{}]/.test(script) ? `'${script.replace(/'/g, `'"'"'`)}'` : script;
  const ext = path.extname(script).toLowerCase();
  const program = ext === '.py' ? 'python ' : ext === '.js' || ext === '.mjs' || ext === '.cjs' ? 'node ' : script.includes('/') ? '' : './';
  const budget = budgetArgument && budgetArgument.trim() !== '' ? ` ${budgetArgument.trim()}` : '';
  return `${program}${quoted} {args}${budget}`;
}

/** `adam, sgd, 0.5, true` → `['adam', 'sgd', 0.5, true]`: numbers and booleans as such, the rest as strings. */
export function parseChoices(text: string): (string | number | boolean)[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => (s === 'true' ? true : s === 'false' ? false : s !== '' && Number.isFinite(Number(s)) ? Number(s) : s));
}

/** The YAML text of the study file. */
export function studyFileText(a: NewStudyAnswers): string {
  const lines = [
    `# Study file written by "Rung: Start Study". Reference: the README's "The study file" section.`,
    `name: ${scalar(a.name)}`,
    `command: ${scalar(a.command)}`,
    `metric: {name: ${flowScalar(a.metric.name)}, goal: ${a.metric.goal}}`,
    'parameters:',
  ];
  const width = Math.max(0, ...a.parameters.map((p) => p.name.length)) + 1;
  for (const p of a.parameters) {
    const key = `${p.name}:`.padEnd(width + 1);
    if (p.type === 'categorical') {
      lines.push(`  ${key} {type: categorical, choices: [${p.choices.map((c) => (typeof c === 'string' ? flowScalar(c) : String(c))).join(', ')}]}`);
    } else {
      const n = (v: number): string => (p.type === 'int' ? String(Math.round(v)) : floatText(v));
      lines.push(`  ${key} {type: ${p.type}, low: ${n(p.low)}, high: ${n(p.high)}${p.log ? ', log: true' : ''}}`);
    }
  }
  lines.push(`sampler: ${a.sampler}`);
  const s = a.scheduler;
  const budgets = [s.minBudget !== undefined ? `min_budget: ${s.minBudget}` : '', s.maxBudget !== undefined ? `max_budget: ${s.maxBudget}` : ''].filter((x) => x !== '');
  lines.push(budgets.length > 0 ? `scheduler: {type: ${s.type}, ${budgets.join(', ')}}` : `scheduler: ${s.type}`);
  lines.push(`trials: ${a.trials}`);
  lines.push(`parallel: ${a.parallel}`);
  return `${lines.join('\n')}\n`;
}

/** A float as YAML reads it back as a float (`1.0e-4`, `0.5`, `3.0`). */
function floatText(v: number): string {
  if (Number.isInteger(v)) return `${v}.0`;
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) {
    const [m = '', e = ''] = v.toExponential().split('e');
    return `${m.includes('.') ? m : `${m}.0`}e${e.startsWith('-') ? e : e.replace('+', '')}`;
  }
  return String(v);
}

/** A string as a YAML scalar: plain when unambiguous, else JSON-quoted (valid YAML double-quoted). */
function scalar(text: string): string {
  const plainSafe = /^[A-Za-z_./][A-Za-z0-9_ ./{}=-]*$/.test(text) && !/\s$/.test(text) && !/^(true|false|null|yes|no|on|off|~)$/i.test(text);
  return plainSafe ? text : JSON.stringify(text);
}

/** A string inside a flow collection (`{...}`, `[...]`), where `{}[],` end a plain scalar. */
function flowScalar(text: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(text) && !/^(true|false|null|yes|no|on|off)$/i.test(text) ? text : JSON.stringify(text);
}
