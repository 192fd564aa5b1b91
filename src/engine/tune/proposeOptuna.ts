/**
 * "Tune This Script" for an Optuna objective (`def objective(trial): trial.suggest_float(...)`): the study file runs
 * the objective unchanged, one call per trial, with Rung's `python3 -m rung.optuna_objective <script> <function>`
 * (python/rung/optuna_objective.py), which answers each `trial.suggest_*` with the value Rung chose.
 *
 * The search space is the objective's own: each suggest call's exact range (float/int low, high, log, step;
 * categorical choices), with `when:` from the `if <var> == "x":` branches on a suggest_categorical's variable the
 * reader found (python/rung/inspect_script.py, OptunaObjective). The goal is the study's `direction`, the trial count
 * its `n_trials`, the metric `value` or the returned variable's name when it names a metric (`return accuracy`).
 * `trial.report(v, step)` in a `for step in range(N)` loop gives ASHA with max_budget N in stopping mode: {budget} is
 * not passed, each trial runs its whole loop unless the scheduler ends it after a losing report.
 */
import type { OptunaObjectiveInfo, OptunaSuggest, ScriptInspection } from './inspectScript';
import type { ProposeStudyOptions, ProposedParameter, StudyProposal } from './proposeStudy';
import { PARAM_NAME_PATTERN, RESERVED_PLACEHOLDERS } from '../runner/commandTemplate';
import { proposalHeader } from './proposalHeader';
import { commandWord as quotedCommandWord, oneLine, templateText, yamlKey, yamlNumber, yamlScalar, yamlString } from '../spec/yamlText';

type Choice = string | number | boolean;

/** Words of a returned variable's name that say it is the metric (`accuracy`, `val_loss`, `rmse`). */
const METRIC_WORDS = /^(?:acc|accuracy|f1|auc|auroc|score|scores|r2|precision|recall|loss|error|err|mse|rmse|mae|logloss|nll|perplexity|ppl|reward|return|iou|dice|map|ndcg|cost|regret|bleu)$/;

/** The proposal for a script whose Optuna objective the reader found. */
export function proposeOptunaStudy(inspection: ScriptInspection, info: OptunaObjectiveInfo, options: ProposeStudyOptions): StudyProposal {
  const notes: string[] = [];
  const how = info.how === 'optimize' ? `given to study.optimize(${info.expression ?? info.function})` : 'named objective';
  notes.push(
    `The script is an Optuna objective: ${info.function} (line ${info.line}, ${how}). Each trial runs it once, unchanged, with \`python3 -m rung.optuna_objective\`: it loads the script without running its \`if __name__ == "__main__":\` block and answers each trial.suggest_* with the value Rung chose; the returned number is the trial's value.`,
  );

  // ---- parameters
  const parameters: ProposedParameter[] = [];
  const kept = new Map<string, OptunaSuggest>();
  for (const s of info.parameters) {
    if (!PARAM_NAME_PATTERN.test(s.name) || (RESERVED_PLACEHOLDERS as readonly string[]).includes(s.name)) {
      notes.push(`${s.name} (line ${s.line}) is no name a Rung parameter can have (letters, digits, _ . - and not ${RESERVED_PLACEHOLDERS.join('/')}): not proposed, and the objective will stop at it with an error naming it.`);
      continue;
    }
    const param = parameterOf(s, kept, notes);
    if (param === undefined) continue;
    kept.set(s.name, s);
    parameters.push(param);
  }
  // The reader's notes start in lower case (`line 14: ...`); one that starts with code (`study.optimize(...)`) stays as it is.
  for (const note of info.notes) notes.push(`${/^[a-z]+ /.test(note) ? `${note.charAt(0).toUpperCase()}${note.slice(1)}` : note}.`);
  let example = false;
  if (parameters.length === 0) {
    example = true;
    parameters.push({ name: 'x', dest: 'x', type: 'float', low: 0, high: 1, log: false, reason: 'an example: no trial.suggest_* call could be read; replace it with the objective\'s parameters' });
    notes.push('No trial.suggest_* call of the objective could be read, so `x` is an example parameter: give each name the objective suggests its range here.');
  }

  // ---- metric and goal
  const returned = info.returned;
  const metricName = returned !== undefined && returned.toLowerCase().split('_').some((w) => METRIC_WORDS.test(w)) ? returned : 'value';
  let goal: 'minimize' | 'maximize' = info.direction ?? 'minimize';
  let goalWhy = info.direction !== undefined ? `create_study(direction="${info.direction}")` : "Optuna's default (create_study without direction)";
  if (info.directions !== undefined) {
    const first = info.directions[0];
    goal = first === 'maximize' ? 'maximize' : 'minimize';
    goalWhy = `the first of create_study(directions=[${info.directions.join(', ')}])`;
    notes.push(
      `The study is multi-objective (directions=[${info.directions.join(', ')}]); Rung tunes one metric, and the runner stops with an error when the objective returns several values. Make it return the one to tune (report others with \`from rung import report\`).`,
    );
  } else if (info.direction === undefined) {
    notes.push(`No direction= in create_study, so the goal is Optuna's default, minimize${metricName !== 'value' ? ` (the objective returns ${metricName}: check that minimize is meant)` : ''}.`);
  }

  // ---- scheduler
  const steps = info.reports?.steps ?? null;
  let scheduler: 'asha' | 'fifo' = 'fifo';
  let budget: StudyProposal['budget'];
  if (info.reports !== undefined && steps !== null && steps >= 3) {
    scheduler = 'asha';
    budget = { flag: "the objective's trial.report steps", maxBudget: steps };
    notes.push(
      `The objective reports intermediate values (trial.report, line ${info.reports.line}) in a loop of ${steps} steps, so the scheduler is ASHA up to step ${steps}: each report is a Rung report at its step, and a trial that is losing at step ${rungList(steps)} is stopped by ending its process. ${info.prunes === true ? 'trial.should_prune() is always False under Rung (Rung prunes itself); ' : ''}{budget} is not passed: every trial is started to run its whole loop.`,
    );
  } else if (info.reports !== undefined) {
    notes.push(
      steps === null
        ? `The objective reports intermediate values (trial.report, line ${info.reports.line}), but not in a \`for step in range(N)\` loop Rung could read, so there is no early stopping (scheduler fifo). To stop losing trials early, set scheduler: {type: asha, min_budget: 1, max_budget: <the last step>}.`
        : `The objective reports only ${steps} step${steps === 1 ? '' : 's'} (trial.report, line ${info.reports.line}): too few for early stopping (scheduler fifo).`,
    );
  } else {
    notes.push('The objective reports no intermediate values (trial.report), so there is no early stopping (scheduler fifo): every trial runs to the end.');
  }

  // ---- command
  const target = info.expression !== undefined && !/^[A-Za-z_][A-Za-z0-9_.]*$/.test(info.expression) ? info.expression : info.function;
  const words = [options.program ?? 'python3', '-m', 'rung.optuna_objective', commandWord(options.scriptFile), commandWord(target)];
  if (metricName !== 'value') words.push('--metric', commandWord(metricName));
  const command = words.join(' ');
  if (target !== info.function) {
    notes.push(`The runner is given ${target}, as optimize is: an expression of the script's module, evaluated after the script is loaded.`);
  }
  const gpu = inspection.imports.find((i) => ['torch', 'tensorflow', 'jax', 'keras', 'cupy', 'lightning', 'pytorch_lightning', 'transformers'].includes(i));
  if (gpu !== undefined) notes.push(`The script imports ${gpu}: if each trial needs a GPU, uncomment resources: {gpus_per_trial: 1} and set parallel: auto (one trial per GPU).`);

  const trials = info.nTrials ?? Math.min(100, Math.max(20, 10 * parameters.length));
  const text = render({ options, notes, parameters, command, metricName, goal, goalWhy, scheduler, budget, trials, fromScript: info.nTrials !== undefined, example, gpu, info });
  return {
    text,
    notes,
    parameters,
    suggestions: [],
    metric: { name: metricName, goal, guessed: info.direction === undefined && info.directions === undefined },
    ...(budget !== undefined ? { budget } : {}),
    scheduler,
    command,
  };
}

/** One suggest call as a parameter; undefined (with a note) when it cannot be one. */
function parameterOf(s: OptunaSuggest, kept: ReadonlyMap<string, OptunaSuggest>, notes: string[]): ProposedParameter | undefined {
  const when = conditionOf(s, kept, notes);
  if (when === null) return undefined;
  const whenPart = when !== undefined ? { when } : {};
  const onlyWhen = when !== undefined ? `; only when ${Object.entries(when).map(([k, v]) => `${k} is ${Array.isArray(v) ? v.map(String).join(' or ') : String(v)}`).join(' and ')}` : '';
  if (s.type === 'categorical') {
    const choices = (s.choices ?? []).filter((c, i, all) => all.indexOf(c) === i);
    if (choices.length === 0) return undefined;
    return { name: s.name, dest: s.name, type: 'categorical', choices, reason: `suggest_categorical, line ${s.line}${onlyWhen}`, ...whenPart };
  }
  const integer = s.type === 'int';
  const log = s.log === true;
  let guessNote = '';
  let low: number;
  let high: number;
  if (s.low !== undefined && s.high !== undefined) {
    [low, high] = [s.low, s.high];
  } else {
    // A bound the script computes: a guess from the other bound (or a common range), said in the notes.
    if (s.low === undefined && s.high === undefined) [low, high] = integer ? [1, 100] : log ? [1e-5, 1] : [0, 1];
    else if (s.high !== undefined) [low, high] = [log ? s.high / 1000 : integer ? Math.min(1, s.high - 1) : Math.min(0, s.high - 1), s.high];
    else {
      const known = s.low ?? 0;
      [low, high] = [known, log ? known * 1000 : integer ? Math.max(known + 10, known * 10) : Math.max(known + 1, known * 10)];
    }
    if (integer) [low, high] = [Math.ceil(low), Math.floor(high)];
    guessNote = ' (a guess: see the notes)';
    notes.push(`${s.name} (line ${s.line}): ${(s.guessed ?? []).join(', ')} ${(s.guessed ?? []).length === 1 ? 'is' : 'are'} computed by the script, not a literal: the range ${yamlNumber(low)} to ${yamlNumber(high)} is a guess; set the real one.`);
  }
  if (!(low <= high)) {
    notes.push(`${s.name} (line ${s.line}): low ${low} is above high ${high}: not proposed.`);
    return undefined;
  }
  const step = s.step !== undefined && !log ? { step: s.step } : {};
  const what = `suggest_${s.type}, line ${s.line}${log ? ', log scale' : ''}${s.step !== undefined ? `, step ${s.step}` : ''}${guessNote}`;
  return { name: s.name, dest: s.name, type: s.type, low, high, log, ...step, reason: `${what}${onlyWhen}`, ...whenPart };
}

/**
 * The `when:` of a suggest call from the branches around it: undefined when unconditional, null when the branch
 * can never run (the parameter is left out). A parent that is not a proposed categorical is dropped (with a note).
 */
function conditionOf(s: OptunaSuggest, kept: ReadonlyMap<string, OptunaSuggest>, notes: string[]): Record<string, Choice | readonly Choice[]> | undefined | null {
  if (s.when === undefined) return undefined;
  const when: Record<string, Choice | readonly Choice[]> = {};
  for (const [parent, values] of Object.entries(s.when)) {
    const p = kept.get(parent);
    if (p === undefined || p.type !== 'categorical') {
      notes.push(`${s.name} (line ${s.line}) is suggested only for some values of ${parent}, which is not a proposed categorical parameter: proposed without that condition.`);
      continue;
    }
    const choices = p.choices ?? [];
    const allowed = choices.filter((c) => values.includes(c));
    if (allowed.length === 0) {
      notes.push(`${s.name} (line ${s.line}) is suggested under a branch no choice of ${parent} takes: not proposed.`);
      return null;
    }
    if (allowed.length === choices.length) continue; // every choice: no condition
    when[parent] = allowed.length === 1 ? (allowed[0] as Choice) : allowed;
  }
  return Object.keys(when).length > 0 ? when : undefined;
}

function rungList(max: number): string {
  const rungs: number[] = [];
  for (let b = 1; b < max; b *= 3) rungs.push(b);
  return rungs.length <= 1 ? rungs.join('') : `${rungs.slice(0, -1).join(', ')} or ${rungs[rungs.length - 1]}`;
}

function commandWord(word: string): string {
  return quotedCommandWord(templateText(word));
}

function flow(p: ProposedParameter): string {
  const value = (v: Choice | readonly Choice[] | null): string => (Array.isArray(v) ? `[${(v as readonly Choice[]).map(yamlScalar).join(', ')}]` : yamlScalar(v as Choice | null));
  const when = p.when !== undefined ? `, when: {${Object.entries(p.when).map(([k, v]) => `${yamlKey(k)}: ${value(v)}`).join(', ')}}` : '';
  if (p.type === 'categorical') return `{type: categorical, choices: [${p.choices.map(yamlScalar).join(', ')}]${when}}`;
  return `{type: ${p.type}, low: ${yamlNumber(p.low)}, high: ${yamlNumber(p.high)}${p.log ? ', log: true' : ''}${p.step !== undefined ? `, step: ${yamlNumber(p.step)}` : ''}${when}}`;
}

interface RenderInput {
  readonly options: ProposeStudyOptions;
  readonly notes: readonly string[];
  readonly parameters: readonly ProposedParameter[];
  readonly command: string;
  readonly metricName: string;
  readonly goal: 'minimize' | 'maximize';
  readonly goalWhy: string;
  readonly scheduler: 'asha' | 'fifo';
  readonly budget: StudyProposal['budget'];
  readonly trials: number;
  readonly fromScript: boolean;
  readonly example: boolean;
  readonly gpu: string | undefined;
  readonly info: OptunaObjectiveInfo;
}

function render(input: RenderInput): string {
  const { options, parameters, budget } = input;
  const out = proposalHeader(options.scriptFile, 'its Optuna objective was read', input.notes);
  const rows: [string, string][] = [];
  rows.push([`name: ${yamlScalar(options.studyName)}`, '']);
  rows.push([
    `command: ${yamlString(input.command)}`,
    `${options.program === undefined || options.program === 'python3' ? 'python3 = the interpreter Rung is set to use; ' : ''}calls ${input.info.function}(trial) once per trial`,
  ]);
  if (options.cwd !== undefined) rows.push([`cwd: ${yamlScalar(options.cwd)}`, "trials' working folder, relative to this file"]);
  rows.push([`metric: {name: ${yamlScalar(input.metricName)}, goal: ${input.goal}}`, `what ${input.info.function} returns; goal: ${input.goalWhy}`]);
  rows.push(['parameters:', input.example ? 'an example: see the notes above' : "the objective's trial.suggest_* calls, exact ranges; passed in RUNG_PARAMS"]);
  const width = Math.max(0, ...parameters.map((p) => yamlKey(p.name).length + 1));
  for (const p of parameters) rows.push([`  ${`${yamlKey(p.name)}:`.padEnd(width)} ${flow(p)}`, p.reason]);
  rows.push(['sampler: auto', 'bohb, gp or tpe, chosen from the space and the scheduler']);
  if (input.scheduler === 'asha' && budget !== undefined) {
    rows.push([`scheduler: {type: asha, min_budget: 1, max_budget: ${budget.maxBudget}}`, `trial.report steps; a losing trial stops at step ${rungList(budget.maxBudget)}`]);
  } else {
    rows.push(['scheduler: fifo', 'no early stopping']);
  }
  rows.push([`trials: ${input.trials}`, input.fromScript ? 'n_trials of study.optimize' : '']);
  rows.push(['parallel: 2', 'trials at once; auto = one per CPU core (or per GPU with resources)']);
  if (input.gpu !== undefined) rows.push(['# resources: {gpus_per_trial: 1}', 'uncomment if each trial needs a GPU']);
  const column = Math.min(72, Math.max(...rows.filter(([, c]) => c !== '').map(([t]) => t.length)) + 2);
  for (const [textPart, comment] of rows) out.push(comment === '' ? textPart : `${textPart.padEnd(column)} # ${oneLine(comment)}`);
  return `${out.join('\n')}\n`;
}
