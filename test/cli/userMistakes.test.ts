/**
 * Mistakes a new user makes in a study file, through the built `rung` CLI (real child processes, real
 * study files, real scripts): the message must say what was wrong and what was meant.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/studyFixture';
import { ensureCliBuilt, rung } from '../helpers/cliProcess';

const node = JSON.stringify(process.execPath);

beforeAll(ensureCliBuilt);

describe('a metric name the script never prints', () => {
  /** Prints a Keras-like line, a JSON line with the metric nested under "metrics", and a step-only line. */
  const SCRIPT = [
    "console.log('Epoch 1/1 - loss: 0.41 - val_loss: 0.52');",
    'console.log(JSON.stringify({ epoch: 1, metrics: { val_acc: 0.9 } }));',
    "console.log('epoch=1');",
  ].join('\n');

  function study(dir: string, metric: string): string {
    writeFileSync(path.join(dir, 'train.mjs'), SCRIPT);
    const file = path.join(dir, 'typo.rung.yaml');
    writeFileSync(
      file,
      [
        'name: typo',
        `command: [${node}, train.mjs, "--x={x}"]`,
        `metric: ${metric}`,
        'parameters:',
        '  x: {type: float, low: 0, high: 1}',
        'trials: 1',
        'seed: 1',
      ].join('\n'),
    );
    return file;
  }

  it('fails the trial naming the metrics it did print and the closest one', () => {
    const dir = tempDir();
    const { code, stderr } = rung(['run', study(dir, 'val_los')], dir);
    expect(code).toBe(1);
    // The step key is no metric; the spelling that was meant is suggested.
    expect(stderr).toContain('metric val_los never reported; the output had loss, val_loss, metrics.val_acc — did you mean "val_loss"?');
  });

  it('suggests the nested key when the JSON nested the metric', () => {
    const dir = tempDir();
    const { code, stderr } = rung(['run', study(dir, '{name: val_acc, goal: maximize}')], dir);
    expect(code).toBe(1);
    expect(stderr).toContain('metric val_acc never reported; the output had loss, val_loss, metrics.val_acc — did you mean "metrics.val_acc"?');
  });
});

describe('a misspelt "type" in a parameter', () => {
  it('is named at its own position with a did-you-mean, not only reported as a missing "type"', () => {
    const dir = tempDir();
    const file = path.join(dir, 'typ.rung.yaml');
    writeFileSync(
      file,
      ['name: typ', 'command: python3 train.py {args}', 'metric: loss', 'parameters:', '  lr: {type: float, low: 0.001, high: 1}', '  drop: {typ: float, low: 0, high: 0.5}', '  act: {Type: categorical, choices: [relu, tanh]}'].join('\n'),
    );
    const { code, stderr } = rung(['validate', file], dir);
    expect(code).toBe(1);
    // Line 6, column 10: the `typ` key itself.
    expect(stderr).toContain(`${file}:6:10: error: missing required key "type" in parameter "drop"; allowed types: float, int, categorical (did you mean "type" for "typ"?)`);
    expect(stderr).toContain(`${file}:7:9: error: missing required key "type" in parameter "act"; allowed types: float, int, categorical (did you mean "type" for "Type"?)`);
  });
});

describe('an early-stopping scheduler without a ladder of budgets', () => {
  const file = (dir: string, scheduler: string): string => {
    const f = path.join(dir, 'ladder.rung.yaml');
    // The command does not use {budget} (the script knows its epochs), so nothing else asks for a budget.
    writeFileSync(f, ['name: ladder', 'command: python3 train.py {args}', 'metric: val_loss', 'parameters:', '  lr: {type: float, low: 0.001, high: 1}', `scheduler: ${scheduler}`].join('\n'));
    return f;
  };

  it('is an error of rung validate, as it is of rung run, positioned on the scheduler', () => {
    const dir = tempDir();
    const noBudget = file(dir, 'asha');
    const validate = rung(['validate', noBudget], dir);
    expect(validate.code).toBe(1);
    expect(validate.stderr).toContain(`${noBudget}:6:12: error: scheduler asha needs max_budget: the full training length in epochs or steps (scheduler.max_budget or budget:), above min_budget (1)`);
    // rung run refuses the same file before any trial starts.
    const run = rung(['run', noBudget], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/scheduler asha needs max_budget/);

    const equal = file(dir, '{type: sha, min_budget: 9, max_budget: 9}');
    expect(rung(['validate', equal], dir).stderr).toContain(`${equal}:6:36: error: scheduler sha needs min_budget < max_budget (got min_budget 9, max_budget 9)`);
    const good = file(dir, '{type: hyperband, max_budget: 9}');
    expect(rung(['validate', good], dir).code).toBe(0);
  });
});

describe('rung export --out to a place that cannot take the file', () => {
  it('says what is wrong with the path given, not with a temp file the user never named', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'train.mjs'), "console.log('loss=0.5');");
    writeFileSync(path.join(dir, 'ex.rung.yaml'), ['name: ex', `command: [${node}, train.mjs, "{x}"]`, 'metric: loss', 'parameters:', '  x: {type: int, low: 1, high: 2}', 'trials: 1'].join('\n'));
    expect(rung(['run', 'ex.rung.yaml'], dir).code).toBe(0);

    const missing = rung(['export', 'ex', '--format', 'csv', '--out', 'results/ex.csv'], dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(`rung: cannot write results/ex.csv: the folder ${path.join(dir, 'results')} does not exist (nothing was written)`);
    // A folder is not "already there, pass --force": --force cannot help.
    for (const force of [[], ['--force']]) {
      const folder = rung(['export', 'ex', '--format', 'json', '--out', '.rung', ...force], dir);
      expect(folder.code).toBe(1);
      expect(folder.stderr.trim()).toBe('rung: cannot write .rung: it is a folder; give a file name (nothing was written)');
    }
  });
});

describe('asking for one command\'s help', () => {
  it('`rung show --help`, `rung help export` and `rung import -h` print that command\'s usage on stdout and exit 0', () => {
    const dir = tempDir();
    const show = rung(['show', '--help'], dir);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain('  rung show <study> [--store DIR] [--top N]');
    expect(show.stdout).not.toContain('rung ls');
    expect(show.stderr).toBe('');
    const exportHelp = rung(['help', 'export'], dir);
    expect(exportHelp.code).toBe(0);
    expect(exportHelp.stdout).toContain('(--out never replaces an existing FILE; --force does)');
    // Even after other arguments, and before anything is read or run.
    const run = rung(['run', 'missing.rung.yaml', '-h'], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('  rung run <study.rung.yaml>');
    // import keeps its longer help.
    const importHelp = rung(['import', '-h'], dir);
    expect(importHelp.code).toBe(0);
    expect(importHelp.stdout).toContain("Turns another tool's sweep definition into a Rung study file");
    // Help for a command that does not exist is a usage error, with the one meant.
    const unknown = rung(['help', 'exprot'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^rung: unknown command "exprot" \(did you mean "export"\?\)\n/);
  });
});

describe('a mistyped command line', () => {
  it('names the mistyped option or command and the one meant, and shows only that command\'s usage', () => {
    const dir = tempDir();
    const option = rung(['run', 'study.rung.yaml', '--trails', '3'], dir);
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/^rung: unknown option --trails \(did you mean --trials\?\)\n/);
    expect(option.stderr).toContain('  rung run <study.rung.yaml>');
    expect(option.stderr).not.toContain('rung ls');
    expect(option.stderr).toContain('rung --help lists every command');
    // A usage line's continuation comes with it.
    expect(rung(['export'], dir).stderr).toContain('(--out never replaces an existing FILE; --force does)');
    const command = rung(['shwo', 'x'], dir);
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(/^rung: unknown command "shwo" \(did you mean "show"\?\)\n/);
    // An unknown command gets the whole list.
    expect(command.stderr).toContain('rung ls');
    // The commands with parsers of their own say it the same way.
    const askTell = rung(['ask-tell', '--smapler', 'tpe'], dir);
    expect(askTell.code).toBe(2);
    expect(askTell.stderr).toContain('unknown option --smapler (did you mean --sampler?)');
    expect(rung(['import', 'sweep.yaml', '--form', 'wandb'], dir).stderr).toContain('unknown option --form (did you mean --from?)');
  });
});

describe('a mistyped study name', () => {
  it('is named with the study meant, for show and stop alike; a study that is there but idle is "not running"', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'quad.rung.yaml'), ['name: quadratic', `command: [${node}, -e, "console.log('val_loss=' + process.argv[1].split('=')[1])", "--", "--x={x}"]`, 'metric: val_loss', 'parameters:', '  x: {type: float, low: 0, high: 1}', 'trials: 1'].join('\n'));
    expect(rung(['run', 'quad.rung.yaml', '--quiet'], dir).code).toBe(0);
    for (const command of ['show', 'stop']) {
      const result = rung([command, 'quadratik'], dir);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('rung: no study "quadratik" under .rung (did you mean "quadratic"?)\n');
    }
    expect(rung(['stop', 'quadratic'], dir).stderr).toBe('rung: study "quadratic" is not running\n');
    expect(rung(['show', 'zzz'], dir).stderr).toBe('rung: no study "zzz" under .rung; studies there: quadratic\n');
  });
});
