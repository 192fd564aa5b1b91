import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderCommand } from '../../../src/engine/runner/commandTemplate';
import { checkStudySpec, formatSpecIssue, parseStudySpec, type SpecIssue } from '../../../src/engine/spec/parseStudySpec';
import type { StudySpec } from '../../../src/engine/spec/studySpec';

const FIXTURES = path.resolve(__dirname, '../../fixtures/specs');
const FILE = '/home/u/proj/study.rung.yaml';

function fixture(name: string): { text: string; file: string } {
  const file = path.join(FIXTURES, name);
  return { text: readFileSync(file, 'utf8'), file };
}

function parseOk(text: string, file = FILE): StudySpec {
  const result = parseStudySpec(text, file);
  if (!result.ok) throw new Error(`unexpected issues:\n${result.error.map((i) => formatSpecIssue(i)).join('\n')}`);
  return result.value;
}

function parseErr(text: string, file = FILE): SpecIssue[] {
  const result = parseStudySpec(text, file);
  if (result.ok) throw new Error('expected issues, got a spec');
  return result.error;
}

/** [line, column, endLine, endColumn, path, message] — compact form for exact-position assertions. */
type IssueRow = readonly [number, number, number, number, string, string];
const rows = (issues: readonly SpecIssue[]): IssueRow[] =>
  issues.map((i) => [i.line, i.column, i.endLine, i.endColumn, i.path, i.message] as const);

/** A valid three-line header; cases below append to it, so their own lines start at 4. */
const HEAD = 'name: t\ncommand: run {args}\nmetric: loss\n';
const P = 'parameters:\n  x: {type: float, low: 0, high: 1}\n';

describe('parseStudySpec: fixtures', () => {
  it('parses the complete YAML example', () => {
    const { text, file } = fixture('good.rung.yaml');
    const spec = parseOk(text, file);
    expect(spec).toMatchObject({
      name: 'digits-mlp',
      command: ['python3', 'train.py', '{args}', '--epochs', '{budget}'],
      cwd: path.join(FIXTURES, 'scripts'),
      file,
      metric: { name: 'val_loss', goal: 'minimize', format: { kind: 'regex', pattern: 'loss (?<val_loss>[\\d.]+)' } },
      sampler: { type: 'grid', options: { gridPoints: 4, shuffle: true } },
      scheduler: { type: 'fifo', maxBudget: 20, minBudget: 1, options: {} },
      trials: 50,
      parallel: 'auto',
      timeoutSeconds: 5400,
      seed: 7,
      launcher: { type: 'local', trialTimeoutSeconds: 600, killGraceSeconds: 5, env: { OMP_NUM_THREADS: '1', DEBUG: 'true', NAME: 'x' } },
      resources: { gpusPerTrial: 1 },
    });
    expect([...spec.space.params]).toEqual([
      ['lr', { kind: 'float', low: 1e-4, high: 0.3, log: true }],
      ['hidden', { kind: 'int', low: 16, high: 512, log: true }],
      ['optimizer', { kind: 'categorical', choices: ['adam', 'sgd'] }],
      ['momentum', { kind: 'float', low: 0, high: 0.99, when: { optimizer: ['sgd'] } }],
      ['width', { kind: 'int', low: 8, high: 64, step: 8, values: [8, 32, 64] }],
    ]);
    expect(spec.source).toMatchObject({ name: 'digits-mlp', command: 'python3 train.py {args} --epochs {budget}' });
  });

  it('parses JSON through the same parser, with defaults applied', () => {
    const { text, file } = fixture('good.rung.json');
    const spec = parseOk(text, file);
    expect(spec).toMatchObject({
      name: 'quadratic',
      command: ['node', 'quadratic.js', '--x={x}', '--kind={kind}', '--steps={budget}'],
      cwd: FIXTURES,
      metric: { name: 'loss', goal: 'minimize', format: { kind: 'auto' } },
      sampler: { type: 'auto', options: { scheduler: 'fifo' } },
      scheduler: { type: 'fifo', maxBudget: 10, options: {} },
      parallel: 2,
      launcher: { type: 'local', killGraceSeconds: 10, env: {} },
      resources: { gpusPerTrial: 0 },
    });
    expect(spec.seed).toBeUndefined();
    expect(spec.trials).toBeUndefined();
    expect(spec.timeoutSeconds).toBeUndefined();
    expect(spec.space.params.get('y')).toEqual({ kind: 'int', low: 1, high: 9, step: 2, when: { kind: ['a', 3] } });
  });

  const badFixtures: ReadonlyArray<readonly [string, readonly IssueRow[]]> = [
    [
      'bad-keys.rung.yaml',
      [
        [1, 1, 1, 15, '', 'missing required key "command" in the study file'],
        [1, 7, 1, 15, 'name', '"name" must use only ASCII letters, digits, ".", "_" and "-" (got "my study")'],
        [2, 1, 2, 7, 'comand', 'unknown key "comand" in the study file; allowed: $schema, name, command, cwd, metric, parameters, sampler, scheduler, budget, trials, parallel, timeout, seed, launcher, resources (did you mean "command"?)'],
        [5, 9, 5, 17, 'metric.goal', 'unknown value "maximise" for "goal"; allowed: minimize, maximize (did you mean "maximize"?)'],
        [7, 3, 7, 5, 'parameters.lr', 'missing required key "low" in parameter "lr"'],
        [7, 21, 7, 24, 'parameters.lr.lwo', 'unknown key "lwo" in parameter "lr"; allowed: type, low, high, log, step, values, grid_points, when (did you mean "low"?)'],
        [8, 3, 8, 5, 'parameters.lr', 'duplicate key "lr"; each key may appear only once'],
        [9, 17, 9, 24, 'parameters.depth.type', 'unknown type "integer" for parameter "depth"; allowed: float, int, categorical'],
        [10, 23, 10, 34, 'sampler.gird_points', 'unknown key "gird_points" in sampler "grid"; allowed: type, grid_points, shuffle (did you mean "grid_points"?)'],
        [11, 31, 11, 35, 'launcher.env.1BAD', 'invalid variable name "1BAD" in "env": names use only ASCII letters, digits and _, not starting with a digit'],
      ],
    ],
    [
      'bad-ranges.rung.yaml',
      [
        [2, 53, 2, 61, 'command', 'the command uses {budget} but no budget is set; add "budget: <max epochs or steps>" or scheduler.max_budget'],
        [5, 26, 5, 29, 'parameters.lr.low', 'low (0.5) is greater than high (0.1)'],
        [6, 29, 6, 30, 'parameters.decay.low', 'log scale needs low > 0 (got 0)'],
        [7, 27, 7, 30, 'parameters.units.low', 'expected an integer for "low", got number 1.5'],
        [7, 47, 7, 48, 'parameters.units.step', '"step" must be at least 1 (got 0)'],
        [8, 58, 8, 59, 'parameters.rate.step', '"step" cannot be combined with "log: true" (Optuna forbids it too: a log scale has no even step); remove one of them'],
        [9, 45, 9, 47, 'parameters.size.step', 'step (20) is larger than high - low (10); allowed: 0 < step <= 10'],
        [10, 60, 10, 61, 'parameters.grid.values[1]', 'value 3 is not on the step grid 0 + k*2'],
        [10, 63, 10, 65, 'parameters.grid.values[2]', 'value 12 is outside [low, high] = [0, 10]'],
        [11, 37, 11, 40, 'parameters.high.high', 'expected a number for "high", got string "abc"'],
        [12, 9, 12, 10, 'trials', '"trials" must be at least 1 (got 0)'],
        [13, 11, 13, 15, 'parallel', 'expected a positive integer or "auto" for "parallel", got string "many"'],
      ],
    ],
    [
      'bad-when.rung.yaml',
      [
        [2, 32, 2, 37, 'command', 'unknown placeholder "{lrr}" in command; allowed: {momentum}, {optimizer}, {beta}, {nesterov}, {lr}, {wd}, {budget}, {args}, {trial_id}, {trial_dir} (did you mean "lr"?)'],
        [5, 51, 5, 60, 'parameters.momentum.when.optimizer', '"when" parent "optimizer" must be declared before "momentum" (parameters are filled in file order); move "optimizer" up'],
        [6, 55, 6, 59, 'parameters.optimizer.choices[2]', 'duplicate choice "adam" in parameter "optimizer"; choices must all differ'],
        [7, 47, 7, 56, 'parameters.beta.when.optimiser', '"when" refers to unknown parameter "optimiser"; parameters: momentum, optimizer, beta, nesterov, lr, wd, budget (did you mean "optimizer"?)'],
        [8, 81, 8, 88, 'parameters.nesterov.when.optimizer[1]', '"rmsprop" is not a choice of "optimizer"; choices: "adam", "sgd"'],
        [9, 49, 9, 51, 'parameters.lr.when.lr', 'parameter "lr" cannot depend on itself in "when"'],
        [10, 45, 10, 49, 'parameters.wd.when.beta', '"when" parent "beta" must be categorical (it is float)'],
        [11, 3, 11, 9, 'parameters.budget', 'parameter name "budget" is reserved for the {budget} placeholder; rename the parameter'],
      ],
    ],
    ['bad-syntax.rung.yaml', [[5, 1, 5, 1, '', 'YAML syntax error: Missing closing "quote']]],
  ];
  it.each(badFixtures)('%s reports every issue at its exact position', (name, expected) => {
    const { text, file } = fixture(name);
    const issues = parseErr(text, file);
    expect(rows(issues)).toEqual(expected);
    for (const issue of issues) {
      expect(issue.file).toBe(file);
      expect(issue.severity).toBe('error');
    }
  });
});

describe('parseStudySpec: one problem at a time', () => {
  // [what, document, line, column, message]
  const cases: ReadonlyArray<readonly [string, string, number, number, RegExp]> = [
    ['root is a list', '- a\n- b\n', 1, 1, /expected a mapping of study settings .*got a list/],
    ['empty document', '', 1, 1, /got an empty document/],
    ['two documents', `${HEAD}${P}---\nname: u\n`, 6, 1, /YAML syntax error: .*multiple documents|YAML syntax error: Source contains multiple documents/],
    ['YAML duplicate key at top level', `${HEAD}${P}name: again\n`, 6, 1, /^duplicate key "name"/],
    ['name too long', `name: ${'a'.repeat(101)}\ncommand: run\nmetric: loss\n${P}`, 1, 7, /"name" is too long \(101 characters; at most 100\)/],
    ['name of dots', `name: ".."\ncommand: run\nmetric: loss\n${P}`, 1, 7, /cannot be only dots/],
    ['missing parameters', HEAD, 1, 1, /missing required key "parameters" in the study file/],
    ['empty parameters', `${HEAD}parameters: {}\n`, 4, 1, /"parameters" needs at least 1 parameter/],
    ['parameter not a mapping', `${HEAD}parameters:\n  x: 5\n`, 5, 6, /expected a mapping with "type" for parameter "x", got number 5/],
    ['parameter as a list', `${HEAD}parameters:\n  x: [1, adam, 0.5]\n`, 5, 6, /got a list; for a list of values to try, write \{type: categorical, choices: \[1, adam, 0\.5\]\}$/],
    ['parameter as a constant', `${HEAD}parameters:\n  x: 5\n`, 5, 6, /got number 5; a fixed value is no parameter to tune: write it in command$/],
    ['parameter as a type name', `${HEAD}parameters:\n  x: float\n`, 5, 6, /got string "float"; write \{type: float, low: \.\.\., high: \.\.\.\}$/],
    ['parameter without type', `${HEAD}parameters:\n  x: {low: 0, high: 1}\n`, 5, 3, /missing required key "type" in parameter "x"; allowed types: float, int, categorical/],
    ['type not a string', `${HEAD}parameters:\n  x: {type: [float], low: 0, high: 1}\n`, 5, 13, /expected a string for "type" in parameter "x", got a list/],
    ['invalid parameter name', `${HEAD}parameters:\n  1x: {type: float, low: 0, high: 1}\n`, 5, 3, /invalid parameter name "1x"/],
    ['parameter named args', `${HEAD}parameters:\n  args: {type: float, low: 0, high: 1}\n`, 5, 3, /"args" is reserved for the \{args\} placeholder/],
    ['categorical without choices', `${HEAD}parameters:\n  c: {type: categorical}\n`, 5, 3, /missing required key "choices" in parameter "c"/],
    ['empty choices', `${HEAD}parameters:\n  c: {type: categorical, choices: []}\n`, 5, 35, /"choices" needs at least 1 item/],
    ['null choice', `${HEAD}parameters:\n  c: {type: categorical, choices: [a, null]}\n`, 5, 39, /expected a string, number or boolean for item 2 of "choices", got null/],
    ['nested list choice', `${HEAD}parameters:\n  c: {type: categorical, choices: [a, [b]]}\n`, 5, 39, /got a list/],
    ['low/high on a categorical', `${HEAD}parameters:\n  c: {type: categorical, choices: [a], low: 1}\n`, 5, 40, /unknown key "low" in parameter "c"; allowed: type, choices, flag, when/],
    ['log not boolean', `${HEAD}parameters:\n  x: {type: float, low: 1, high: 2, log: yes}\n`, 5, 42, /expected true or false for "log", got string "yes"/],
    ['int with float step', `${HEAD}parameters:\n  x: {type: int, low: 1, high: 9, step: 0.5}\n`, 5, 41, /expected a positive integer for "step", got number 0.5/],
    ['float step zero', `${HEAD}parameters:\n  x: {type: float, low: 1, high: 9, step: 0}\n`, 5, 43, /"step" must be greater than 0 \(got 0\)/],
    ['int values not integers', `${HEAD}parameters:\n  x: {type: int, low: 1, high: 9, values: [1, 2.5]}\n`, 5, 47, /expected an integer for item 2 of "values", got number 2.5/],
    ['duplicate values', `${HEAD}parameters:\n  x: {type: int, low: 1, high: 9, values: [1, 1]}\n`, 5, 47, /duplicate value 1 in "values"/],
    ['values and grid_points', `${HEAD}parameters:\n  x: {type: int, low: 1, high: 9, values: [1], grid_points: 3}\n`, 5, 61, /give either "values" or "grid_points", not both/],
    ['grid_points too small', `${HEAD}parameters:\n  x: {type: float, low: 1, high: 9, grid_points: 1}\n`, 5, 50, /"grid_points" must be at least 2 \(got 1\)/],
    ['infinite bound', `${HEAD}parameters:\n  x: {type: float, low: 0, high: .inf}\n`, 5, 34, /expected a finite number for "high"/],
    ['when value not a choice (type matters)', `${HEAD}parameters:\n  n: {type: categorical, choices: [1, 2]}\n  x: {type: float, low: 0, high: 1, when: {n: "2"}}\n`, 6, 47, /"2" is not a choice of "n"; choices: 1, 2/],
    ['when empty list', `${HEAD}parameters:\n  n: {type: categorical, choices: [1, 2]}\n  x: {type: float, low: 0, high: 1, when: {n: []}}\n`, 6, 47, /needs at least 1 item/],
    ['when not a mapping', `${HEAD}parameters:\n  n: {type: categorical, choices: [1, 2]}\n  x: {type: float, low: 0, high: 1, when: n}\n`, 6, 43, /expected a mapping for "when", got string "n"/],
    ['metric missing', `name: t\ncommand: run\n${P}`, 1, 1, /missing required key "metric"/],
    ['metric name with spaces', `name: t\ncommand: run\nmetric: val loss\n${P}`, 3, 9, /"metric" must use only ASCII letters/],
    ['metric object without name', `name: t\ncommand: run\nmetric: {goal: maximize}\n${P}`, 3, 1, /missing required key "name" in "metric"/],
    ['metric pattern does not compile', `name: t\ncommand: run\nmetric: {name: loss, pattern: "(?<loss>[0-9"}\n${P}`, 3, 31, /invalid regular expression: /],
    ['metric pattern without the group', `name: t\ncommand: run\nmetric: {name: loss, pattern: "loss=([0-9.]+)"}\n${P}`, 3, 31, /pattern has no named group "loss" \(it has no named groups\); put \(\?<loss>\.\.\.\) around the number/],
    ['metric name unusable as a group', `name: t\ncommand: run\nmetric: {name: val/loss, pattern: "(?<loss>\\\\d+)"}\n${P}`, 3, 35, /a group name cannot be "val\/loss"/],
    ['command empty string', `name: t\ncommand: ""\nmetric: loss\n${P}`, 2, 10, /"command" must not be empty/],
    ['command only spaces', `name: t\ncommand: "   "\nmetric: loss\n${P}`, 2, 10, /the command needs a program to run first/],
    ['command empty list', `name: t\ncommand: []\nmetric: loss\n${P}`, 2, 10, /"command" needs at least 1 item/],
    ['command list with number', `name: t\ncommand: [run, 5]\nmetric: loss\n${P}`, 2, 16, /expected a string for item 2 of "command", got number 5/],
    ['command list empty program', `name: t\ncommand: ["", x]\nmetric: loss\n${P}`, 2, 11, /needs a program to run first/],
    ['command unterminated quote', `name: t\ncommand: run 'a\nmetric: loss\n${P}`, 2, 10, /unterminated single quote.*never run by a shell/],
    ['command bad brace in list item', `name: t\ncommand: [run, "{x"]\nmetric: loss\n${P}`, 2, 17, /unmatched "\{" in "\{x"; write \{\{ for a literal brace/],
    ['unknown placeholder in a list item', `name: t\ncommand: [run, "--y={y}"]\nmetric: loss\n${P}`, 2, 21, /unknown placeholder "\{y\}" in command; allowed: \{x\}, \{args\}, \{budget\}, \{trial_id\}, \{trial_dir\} \(did you mean "x"\?\)$/],
    ['{args} as the program', `name: t\ncommand: "{args} run"\nmetric: loss\n${P}`, 2, 11, /the program \(first word of the command\) cannot contain \{args\}/],
    ['${VAR} in the command', `name: t\ncommand: "run --data \${DATA}/x"\nmetric: loss\n${P}`, 2, 23, /unknown placeholder "\{DATA\}" in command; allowed: .*\. \$\{DATA\} is not expanded either: no shell runs a trial/],
    ['command of only environment assignments', `name: t\ncommand: OMP_NUM_THREADS=1 X=2\nmetric: loss\n${P}`, 2, 10, /sets environment variables but names no program after them/],
    ['{args} as the program after assignments', `name: t\ncommand: "A=1 {args} run"\nmetric: loss\n${P}`, 2, 15, /the program \(first word of the command\) cannot contain \{args\}/],
    ['sampler unknown', `${HEAD}${P}sampler: tpee\n`, 6, 10, /unknown sampler "tpee"; allowed: random, grid, sobol/],
    ['sampler option of another sampler', `${HEAD}${P}sampler: {type: random, shuffle: true}\n`, 6, 25, /unknown key "shuffle" in sampler "random"; allowed: type$/],
    // Without `type:` a sampler mapping means the default sampler (random), whose keys are checked.
    ['sampler mapping without type', `${HEAD}${P}sampler: {shuffle: true}\n`, 6, 11, /unknown key "shuffle" in sampler "auto"; allowed: type/],
    ['parameter without type', `${HEAD}${P.replace('{type: float, ', '{')}`, 5, 3, /missing required key "type"/],
    ['sampler as a number', `${HEAD}${P}sampler: 3\n`, 6, 10, /expected a sampler name \(random, grid, sobol[^)]*\) or a mapping with "type" for "sampler", got number 3/],
    ['scheduler not yet available', `${HEAD}${P}scheduler: pbt\n`, 6, 12, /unknown scheduler "pbt"; allowed: fifo, median, sha, hyperband, asha, bohb/],
    ['scheduler eta not above 1', `${HEAD}${P}scheduler: {type: asha, max_budget: 9, eta: 1}\n`, 6, 45, /"eta" must be greater than 1 \(got 1\)/],
    ['scheduler mode unknown', `${HEAD}${P}scheduler: {type: asha, max_budget: 9, mode: pause}\n`, 6, 46, /unknown value "pause" for .*allowed: stopping, promotion/],
    ['option of another scheduler', `${HEAD}${P}scheduler: {type: sha, max_budget: 9, min_trials: 2}\n`, 6, 39, /unknown key "min_trials" in scheduler "sha"/],
    ['scheduler budget not positive', `${HEAD}${P}scheduler: {type: fifo, max_budget: 0}\n`, 6, 37, /"max_budget" must be greater than 0 \(got 0\)/],
    ['budget conflicts with max_budget', `${HEAD}${P}budget: 5\nscheduler: {type: fifo, max_budget: 6}\n`, 6, 9, /"budget" \(5\) conflicts with scheduler.max_budget \(6\)/],
    ['min_budget above max_budget', `${HEAD}${P}scheduler: {type: fifo, max_budget: 6, min_budget: 7}\n`, 6, 52, /min_budget \(7\) is greater than max_budget \(6\)/],
    ['trials not an integer', `${HEAD}${P}trials: 2.5\n`, 6, 9, /expected a positive integer for "trials", got number 2.5/],
    ['parallel zero', `${HEAD}${P}parallel: 0\n`, 6, 11, /"parallel" must be at least 1 \(got 0\)/],
    ['timeout zero', `${HEAD}${P}timeout: 0s\n`, 6, 10, /"timeout" must be greater than 0 seconds \(got 0s\)/],
    ['timeout wrong unit order', `${HEAD}${P}timeout: 30m1h\n`, 6, 10, /expected a duration \(seconds, or a string like 90s, 30m, 2h, 1h30m\) for "timeout", got string "30m1h"/],
    ['seed too large', `${HEAD}${P}seed: 4294967296\n`, 6, 7, /"seed" must be at most 4294967295/],
    ['seed negative', `${HEAD}${P}seed: -1\n`, 6, 7, /"seed" must be at least 0 \(got -1\)/],
    ['launcher unknown', `${HEAD}${P}launcher: ssh\n`, 6, 11, /unknown launcher "ssh"; allowed: local, slurm/],
    ['slurm option on local', `${HEAD}${P}launcher: {type: local, partition: gpu}\n`, 6, 25, /unknown key "partition" in launcher "local"/],
    ['slurm with parallel auto', `${HEAD}${P}parallel: auto\nlauncher: slurm\n`, 6, 11, /"auto" counts this machine's GPUs or CPU cores; with launcher slurm, give the number of trials to run at once/],
    ['slurm mem with a unit word', `${HEAD}${P}launcher: {type: slurm, mem: 16GB}\n`, 6, 30, /"mem" must use only digits with an optional K, M, G or T suffix \(e\.g\. 16G\) \(got "16GB"\)/],
    ['slurm extra_args value apart', `${HEAD}${P}launcher: {type: slurm, extra_args: [-C, a100]}\n`, 6, 42, /item 2 of "extra_args" must use only one option starting with "-", a value joined with "="/],
    ['slurm partition with a space', `${HEAD}${P}launcher: {type: slurm, partition: "a b"}\n`, 6, 36, /"partition" must use only characters other than spaces/],
    ['slurm cpus_per_task zero', `${HEAD}${P}launcher: {type: slurm, cpus_per_task: 0}\n`, 6, 40, /"cpus_per_task" must be at least 1 \(got 0\)/],
    ['trial_timeout negative', `${HEAD}${P}launcher: {type: local, trial_timeout: -5}\n`, 6, 40, /expected a duration .* got number -5/],
    ['env value is a mapping', `${HEAD}${P}launcher: {type: local, env: {A: {b: 1}}}\n`, 6, 34, /expected a string, number or boolean for variable "A", got a mapping/],
    ['gpus fractional', `${HEAD}${P}resources: {gpus_per_trial: 0.5}\n`, 6, 29, /expected a non-negative integer for "gpus_per_trial", got number 0.5/],
    ['unknown top-level key with suggestion', `${HEAD}${P}trails: 5\n`, 6, 1, /unknown key "trails" in the study file; allowed: .* \(did you mean "trials"\?\)$/],
    ['alias to a bad value (positioned at the alias)', `${HEAD}${P}x: &a 0\ntrials: *a\n`, 7, 9, /"trials" must be at least 1/],
  ];
  it.each(cases)('%s', (_what, text, line, column, message) => {
    const issues = parseErr(text);
    const match = issues.find((i) => message.test(i.message));
    expect(match, `no issue matching ${String(message)} in:\n${issues.map((i) => formatSpecIssue(i)).join('\n')}`).toBeDefined();
    expect([match?.line, match?.column]).toEqual([line, column]);
  });

  it('a bad "when" does not hide the same parameter\'s range problems', () => {
    const issues = parseErr(`${HEAD}parameters:\n  x: {type: float, low: 2, high: 1, when: {nope: a}}\n`);
    expect(issues.map((i) => i.path)).toEqual(['parameters.x.low', 'parameters.x.when.nope']);
  });

  it('reports all problems, not only the first', () => {
    const issues = parseErr(`name: t\ncommand: run {nope}\nmetric: loss\nparameters:\n  x: {type: float, low: 2, high: 1}\ntrials: -1\nparallel: 0\n`);
    expect(issues.map((i) => i.path)).toEqual(['command', 'parameters.x.low', 'trials', 'parallel']);
  });
});

describe('parseStudySpec: values and defaults', () => {
  it('accepts the metric shorthand and maximize', () => {
    expect(parseOk(`${HEAD}${P}`).metric).toEqual({ name: 'loss', goal: 'minimize', format: { kind: 'auto' } });
    expect(parseOk(`name: t\ncommand: run\nmetric: {name: acc, goal: maximize}\n${P}`).metric.goal).toBe('maximize');
  });

  it('accepts metric names with a top-k or threshold suffix, as scripts print them', () => {
    expect(parseOk(`name: t\ncommand: run\nmetric: recall@10\n${P}`).metric.name).toBe('recall@10');
    expect(parseOk(`name: t\ncommand: run\nmetric: {name: "mAP@0.5:0.95", goal: maximize}\n${P}`).metric.name).toBe('mAP@0.5:0.95');
  });

  it('defaults: auto sampler (told the scheduler), fifo with max budget 1, parallel 1, local launcher', () => {
    const spec = parseOk(`${HEAD}${P}`);
    expect(spec.sampler).toEqual({ type: 'auto', options: { scheduler: 'fifo' } });
    expect(spec.scheduler).toEqual({ type: 'fifo', maxBudget: 1, options: {} });
    expect(spec.parallel).toBe(1);
    expect(spec.launcher).toEqual({ type: 'local', killGraceSeconds: 10, env: {} });
    expect(spec.cwd).toBe('/home/u/proj');
    expect(spec.seed).toBeUndefined();
  });

  it('applies the sampler table defaults to options (camelCase)', () => {
    expect(parseOk(`${HEAD}${P}sampler: {type: grid, grid_points: 3}\n`).sampler.options).toEqual({ gridPoints: 3, shuffle: false });
    expect(parseOk(`${HEAD}${P}sampler: sobol\n`).sampler).toEqual({ type: 'sobol', options: { scramble: true } });
  });

  it('points at each numeric parameter that the grid sampler cannot enumerate', () => {
    const issues = parseErr(`${HEAD}parameters:\n  x: {type: float, low: 0, high: 1}\n  c: {type: categorical, choices: [a, b]}\n  n: {type: int, low: 1, high: 9, values: [1, 5]}\nsampler: grid\n`);
    expect(issues.map((i) => [i.line, i.column, i.message])).toEqual([
      [5, 3, 'parameter "x" needs `values` or `grid_points` for the grid sampler (or set the sampler option grid_points)'],
    ]);
  });

  it.each([
    ['budget: 20\n', 20],
    ['scheduler: {type: fifo, max_budget: 7.5}\n', 7.5],
    ['budget: 9\nscheduler: {type: fifo, max_budget: 9}\n', 9],
  ])('max budget from %j', (extra, budget) => {
    expect(parseOk(`name: t\ncommand: run --epochs={budget}\nmetric: loss\n${P}${extra}`).scheduler.maxBudget).toBe(budget);
  });

  it.each([
    ['cwd: sub/dir\n', '/home/u/proj/sub/dir'],
    ['cwd: ../other\n', '/home/u/other'],
    ['cwd: /abs/path\n', '/abs/path'],
  ])('resolves %j against the study file folder', (extra, cwd) => {
    expect(parseOk(`${HEAD}${P}${extra}`).cwd).toBe(cwd);
  });

  it.each([
    ['90', 90],
    ['90s', 90],
    ['30m', 1800],
    ['2h', 7200],
    ['1h30m', 5400],
    ['1.5h', 5400],
    ['1d', 86400],
    ['"120"', 120],
  ])('timeout %s = %d seconds', (value, seconds) => {
    expect(parseOk(`${HEAD}${P}timeout: ${value}\n`).timeoutSeconds).toBe(seconds);
  });

  it('kill_grace may be 0 and env values become strings', () => {
    const spec = parseOk(`${HEAD}${P}launcher: {type: local, kill_grace: 0, env: {N: 1, B: false, S: "x y", F: 0.5}}\n`);
    expect(spec.launcher).toEqual({ type: 'local', killGraceSeconds: 0, env: { N: '1', B: 'false', S: 'x y', F: '0.5' } });
  });

  it('slurm launcher: every option, durations in seconds, mem as text', () => {
    const spec = parseOk(
      `${HEAD}${P}parallel: 8\nlauncher:\n  type: slurm\n  partition: gpu,gpu-long\n  account: proj1\n  qos: high\n  cpus_per_task: 4\n  mem: 16G\n  gpu_type: a100\n  constraint: "ib&a100"\n  time: 2h\n  trial_timeout: 90m\n  kill_grace: 30s\n  extra_args: [--reservation=r1, --exclusive]\n  env: {OMP_NUM_THREADS: 4}\nresources: {gpus_per_trial: 2}\n`,
    );
    expect(spec.launcher).toEqual({
      type: 'slurm',
      trialTimeoutSeconds: 5400,
      killGraceSeconds: 30,
      env: { OMP_NUM_THREADS: '4' },
      slurm: {
        partition: 'gpu,gpu-long',
        account: 'proj1',
        qos: 'high',
        cpusPerTask: 4,
        mem: '16G',
        gpuType: 'a100',
        constraint: 'ib&a100',
        timeSeconds: 7200,
        extraArgs: ['--reservation=r1', '--exclusive'],
      },
    });
    expect(spec.resources.gpusPerTrial).toBe(2);
    expect(spec.parallel).toBe(8);
  });

  it('slurm launcher shorthand: the cluster decides; mem in megabytes as a number', () => {
    expect(parseOk(`${HEAD}${P}launcher: slurm\n`).launcher).toEqual({ type: 'slurm', killGraceSeconds: 10, env: {}, slurm: { extraArgs: [] } });
    const spec = parseOk(`${HEAD}${P}launcher: {type: slurm, mem: 4000}\n`);
    expect(spec.launcher.type === 'slurm' && spec.launcher.slurm.mem).toBe('4000');
  });

  it('warns when the slurm time limit would end trials before trial_timeout does', () => {
    const checked = checkStudySpec(`${HEAD}${P}launcher: {type: slurm, time: 1h, trial_timeout: 1h}\n`, '/p/s.rung.yaml');
    expect(checked.spec).toBeDefined();
    expect(checked.issues.map((i) => [i.line, i.column, i.severity, i.message])).toEqual([
      [6, 31, 'warning', 'the job time limit (3600s) is shorter than trial_timeout + kill_grace (3610s): Slurm will end long trials before Rung does, and they fail instead of timing out'],
    ]);
    expect(checkStudySpec(`${HEAD}${P}launcher: {type: slurm, time: 2h, trial_timeout: 1h}\n`, '/p/s.rung.yaml').issues).toEqual([]);
  });

  it('warns that a placeholder in launcher.env is not replaced, and says how to pass a parameter in the environment', () => {
    const checked = checkStudySpec(`${HEAD}${P}launcher: {env: {LR: "{x}", RAW: "{{x}}", N: "1"}}\n`, '/p/s.rung.yaml');
    expect(checked.spec).toBeDefined();
    expect(checked.issues.map((i) => [i.line, i.column, i.severity, i.message])).toEqual([
      [6, 22, 'warning', 'launcher.env values reach every trial as written: "{x}" is not replaced; to pass a parameter in the environment, set it before the program in command: LR={x} python3 train.py'],
    ]);
  });

  it('warns that a numeric parameter\'s values are for the grid sampler only when another sampler is set', () => {
    const text = `${HEAD}parameters:\n  lr: {type: float, low: 0.001, high: 0.1, values: [0.001, 0.01]}\nsampler: tpe\n`;
    const checked = checkStudySpec(text, '/p/s.rung.yaml');
    expect(checked.spec).toBeDefined();
    expect(checked.issues.map((i) => [i.line, i.column, i.severity, i.message])).toEqual([
      [5, 52, 'warning', '"values" is read by the grid sampler only: sampler tpe draws "lr" from [0.001, 0.1]; to try only these values, use type: categorical, choices: [0.001, 0.01] (or sampler: grid)'],
    ]);
    expect(checkStudySpec(text.replace('sampler: tpe', 'sampler: grid'), '/p/s.rung.yaml').issues).toEqual([]);
  });

  it('launcher shorthand and parallel auto', () => {
    const spec = parseOk(`${HEAD}${P}launcher: local\nparallel: auto\nseed: 0\n`);
    expect(spec.launcher.type).toBe('local');
    expect(spec.parallel).toBe('auto');
    expect(spec.seed).toBe(0);
  });

  it('when accepts a scalar or a list, and YAML anchors/aliases', () => {
    const spec = parseOk(
      `${HEAD}parameters:\n  opt: {type: categorical, choices: [adam, sgd, rms]}\n  m: &m {type: float, low: 0, high: 1, when: {opt: [sgd, rms]}}\n  n: *m\n  b: {type: categorical, choices: [true, false], when: {opt: sgd}}\n  c: {type: int, low: 1, high: 4, when: {b: true, opt: sgd}}\n`,
    );
    expect(spec.space.params.get('m')?.when).toEqual({ opt: ['sgd', 'rms'] });
    expect(spec.space.params.get('n')).toEqual(spec.space.params.get('m'));
    expect(spec.space.params.get('c')?.when).toEqual({ b: [true], opt: ['sgd'] });
  });

  it('allows placeholders of conditional parameters and literal braces', () => {
    const spec = parseOk(
      `name: t\ncommand: 'run --cfg={{"a":1}} --m={m} {trial_dir} {trial_id}'\nmetric: loss\nparameters:\n  o: {type: categorical, choices: [a, b]}\n  m: {type: float, low: 0, high: 1, when: {o: b}}\n`,
    );
    expect(spec.command).toEqual(['run', '--cfg={{a:1}}', '--m={m}', '{trial_dir}', '{trial_id}']);
  });

  it('keeps shell syntax in the command literal, end to end', () => {
    const spec = parseOk(`name: t\ncommand: run {args} ; echo $HOME\nmetric: loss\nparameters:\n  tag: {type: categorical, choices: ["1; rm -rf ~", "$(touch x)"]}\n`);
    expect(renderCommand(spec.command, { config: { tag: '1; rm -rf ~' }, space: spec.space, trialId: 't', trialDir: '/d' })).toEqual([
      'run',
      '--tag=1; rm -rf ~',
      ';',
      'echo',
      '$HOME',
    ]);
    expect(renderCommand(['run', '{tag}'], { config: { tag: '$(touch x)' }, space: spec.space, trialId: 't', trialDir: '/d' })).toEqual([
      'run',
      '$(touch x)',
    ]);
  });

  it('a study file in Optuna / Ray Tune / W&B words gets Rung\'s words back, where they are written', () => {
    const text = `name: t\ncommand: run {args}\nmetric: {name: loss, direction: minimize}\nparameters:\n  x: {distribution: uniform, min: 0, max: 1}\nn_trials: 5\n`;
    const issues = parseErr(text, FILE);
    expect(issues.map((i) => [i.line, i.column, i.message])).toEqual([
      [3, 22, 'unknown key "direction" in "metric"; allowed: name, goal, pattern (did you mean "goal"? that is Rung\'s word for Optuna\'s direction)'],
      [5, 3, 'missing required key "type" in parameter "x"; allowed types: float, int, categorical (Rung\'s word for W&B\'s distribution is "type")'],
      [6, 1, expect.stringMatching(/^unknown key "n_trials" in the study file; .*\(did you mean "trials"\? that is Rung's word for Optuna's n_trials\)$/)],
    ]);
  });

  it("Optuna's study_name, pruner and top-level direction, Ray Tune's and NNI's distribution names get Rung's words back", () => {
    const text = `study_name: t\ncommand: run {args}\ndirection: maximize\nmetric: acc\nparameters:\n  x: {type: uniform, low: 0, high: 1}\n  y: {type: loguniform, low: 0.1, high: 1}\n  n: {type: randint, low: 1, high: 4}\npruner: median\n`;
    const messages = parseErr(text, FILE).map((i) => `${i.line}:${i.column}: ${i.message}`);
    expect(messages).toEqual([
      expect.stringMatching(/^1:1: unknown key "study_name" in the study file; .*\(did you mean "name"\? that is Rung's word for Optuna's study_name\)$/),
      '1:1: missing required key "name" in the study file',
      expect.stringMatching(/^3:1: unknown key "direction" in the study file; .*\(did you mean "metric"\? .*metric: \{name: val_loss, goal: minimize\}\)$/),
      expect.stringMatching(/^6:13: unknown type "uniform" for parameter "x"; .*did you mean "float"\?/),
      expect.stringMatching(/^7:13: unknown type "loguniform" for parameter "y"; .*did you mean "float"\? .*with log: true\)$/),
      expect.stringMatching(/^8:13: unknown type "randint" for parameter "n"; .*did you mean "int"\?/),
      expect.stringMatching(/^9:1: unknown key "pruner" in the study file; .*\(did you mean "scheduler"\? that is Rung's word for Optuna's pruner\)$/),
    ]);
  });

  it('warns when two choices reach the command as the same text ("1" and 1)', () => {
    const checked = checkStudySpec(`${HEAD}parameters:\n  c: {type: categorical, choices: [1, "1", true, "true"]}\n`, FILE);
    expect(checked.spec).toBeDefined();
    expect(checked.issues.map((i) => [i.path, i.severity, i.message])).toEqual([
      ['parameters.c.choices[1]', 'warning', 'choices 1 and "1" of parameter "c" reach the command as the same text "1"'],
      ['parameters.c.choices[3]', 'warning', 'choices true and "true" of parameter "c" reach the command as the same text "true"'],
    ]);
  });

  it('a flag parameter needs boolean choices', () => {
    expect(parseOk(`${HEAD}parameters:\n  bn: {type: categorical, choices: [true, false], flag: true}\n`).space.params.get('bn')).toEqual({
      kind: 'categorical',
      choices: [true, false],
      flag: true,
    });
    const issues = parseErr(`${HEAD}parameters:\n  bn: {type: categorical, choices: [on, off], flag: true}\n`, FILE);
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      ['parameters.bn.flag', 'flag: true needs boolean choices ([true, false]): parameter "bn" is passed as `--bn` when true and left out when false'],
    ]);
  });

  it('a YAML merge key says it is not supported, where it is written (not only "missing type")', () => {
    const text = `${HEAD}parameters:\n  x: &x {type: float, low: 0, high: 1}\n  y:\n    <<: *x\n    high: 2\n`;
    const issues = parseErr(text, FILE);
    const merge = issues.find((i) => /merge keys/.test(i.message));
    expect(merge?.message).toMatch(/^YAML merge keys \("<<: \*anchor"\) are not supported in study files/);
    expect([merge?.line, merge?.column]).toEqual([7, 5]);
  });

  it('JSON duplicate keys are reported', () => {
    const issues = parseErr('{"name": "a", "name": "b", "command": "run", "metric": "loss", "parameters": {"x": {"type": "float", "low": 0, "high": 1}}}', '/p/s.rung.json');
    expect(rows(issues)).toEqual([[1, 15, 1, 21, 'name', 'duplicate key "name"; each key may appear only once']]);
  });
});

describe('checkStudySpec warnings and formatSpecIssue', () => {
  it('warns, at the step, when a step does not divide the range (the last value is below high)', () => {
    const checked = checkStudySpec(`${HEAD}parameters:\n  x: {type: float, low: 0, high: 1, step: 0.3}\n  n: {type: int, low: 1, high: 10, step: 4}\n  ok: {type: float, low: 0, high: 1, step: 0.25}\n`, FILE);
    expect(checked.spec).toBeDefined();
    expect(checked.issues.map((i) => [i.path, i.severity, i.message])).toEqual([
      ['parameters.x.step', 'warning', 'step 0.3 does not divide high - low (1): the largest value used is 0.9, not 1'],
      ['parameters.n.step', 'warning', 'step 4 does not divide high - low (9): the largest value used is 9, not 10'],
    ]);
  });

  it('returns warnings alongside a valid spec', () => {
    const text = `${HEAD}parameters:\n  x: {type: float, low: 1, high: 1}\n`;
    const checked = checkStudySpec(text, FILE);
    expect(checked.spec).toBeDefined();
    expect(rows(checked.issues)).toEqual([[5, 34, 5, 35, 'parameters.x.high', 'low equals high (1): parameter "x" can take only one value']]);
    expect(checked.issues[0]?.severity).toBe('warning');
    expect(parseStudySpec(text, FILE).ok).toBe(true);
  });

  it('warns, on the word, about shell syntax in the command: no shell runs a trial, so the program gets it as it is', () => {
    const text = `name: t\ncommand: python3 train.py --data $DATA_DIR --out=~/runs {args} > log.txt\nmetric: loss\n${P}`;
    const checked = checkStudySpec(text, FILE);
    expect(checked.spec).toBeDefined();
    expect(checked.issues.map((i) => [i.line, i.column, i.severity, i.message.split(':')[0]])).toEqual([
      [2, 34, 'warning', '$DATA_DIR reaches the program as written'],
      [2, 50, 'warning', '"~" is not expanded'],
      [2, 64, 'warning', '">" reaches the program as an argument'],
    ]);
    // The list form is checked as well; ${...} in a quoted word, `a|b` inside a word and `->` are not shell syntax Rung warns about.
    const list = checkStudySpec(`name: t\ncommand: [python3, train.py, "$HOME/data", "--sep=a|b", "->", "{args}"]\nmetric: loss\n${P}`, FILE);
    expect(list.issues.map((i) => [i.line, i.column, i.message.split(' ')[0]])).toEqual([[2, 31, '$HOME']]);
    // Leading NAME=value words set the environment: no warning, and the program after them is checked as the program.
    expect(checkStudySpec(`name: t\ncommand: OMP_NUM_THREADS=1 LR={x} python3 train.py {args}\nmetric: loss\n${P}`, FILE).issues).toEqual([]);
  });

  it('formats file:line:col: severity: message, optionally relative', () => {
    const [issue] = parseErr(`${HEAD}${P}trials: 0\n`);
    if (!issue) throw new Error('no issue');
    expect(formatSpecIssue(issue)).toBe('/home/u/proj/study.rung.yaml:6:9: error: "trials" must be at least 1 (got 0)');
    expect(formatSpecIssue(issue, '/home/u')).toBe('proj/study.rung.yaml:6:9: error: "trials" must be at least 1 (got 0)');
  });
});
