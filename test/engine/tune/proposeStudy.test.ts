/**
 * Proposed study files: every one must parse with the engine's own parser, and the ranges must follow
 * the heuristics (log scale around defaults, powers of two for batch sizes, epochs as the budget...).
 * Inspections come from the real reader on fixtures and examples, plus hand-built ones for edge cases.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StudySpec } from '../../../src/engine/spec/studySpec';
import { renderCommand, splitEnvAssignments } from '../../../src/engine/runner/commandTemplate';
import { parseAutoLine } from '../../../src/engine/metrics/createMetricParser';
import { inspectScript, type ScriptArgument, type ScriptInspection } from '../../../src/engine/tune/inspectScript';
import { proposeStudy, studyFileNameFor, studyNameFor, subcommandLevelOf, type StudyProposal } from '../../../src/engine/tune/proposeStudy';
import { findPython } from '../../helpers/python';
import { checkedProposal, param } from '../../helpers/proposal';
import { repoRoot, tempDir } from '../../helpers/studyFixture';

const python = findPython();
const readerPath = path.join(repoRoot, 'python', 'rung', 'inspect_script.py');

async function proposeFor(relative: string): Promise<{ proposal: StudyProposal; spec: StudySpec }> {
  const script = path.join(repoRoot, relative);
  const inspection = await inspectScript(script, { python: python ?? 'python3', readerPath });
  return checked(inspection, path.basename(script), studyNameFor(script));
}

/** Proposes, then parses the text as a study file beside the script; fails with the parser's messages. */
function checked(inspection: ScriptInspection, scriptFile: string, studyName = 'test-study'): { proposal: StudyProposal; spec: StudySpec } {
  return checkedProposal(inspection, scriptFile, studyName, repoRoot);
}

function argument(partial: Partial<ScriptArgument> & { dest: string }): ScriptArgument {
  return {
    source: 'argparse',
    flags: [`--${partial.dest}`],
    positional: false,
    type: null,
    typeText: null,
    action: 'store',
    flag: false,
    hasDefault: partial.default !== undefined,
    default: null,
    defaultText: partial.default !== undefined && partial.default !== null ? String(partial.default) : null,
    choices: null,
    help: null,
    nargs: null,
    required: false,
    line: 1,
    ...partial,
  };
}

function inspection(args: readonly ScriptArgument[], metrics: readonly string[] = [], extra: Partial<ScriptInspection> = {}): ScriptInspection {
  return {
    script: 'train.py',
    python: '3.11.0',
    frameworks: ['argparse'],
    arguments: args,
    metrics: metrics.map((name, i) => ({ name, line: 10 + i, text: null })),
    imports: [],
    warnings: [],
    ...extra,
  };
}

describe.skipIf(python === undefined)('proposals from real scripts', () => {
  it('examples/digits/train.py: log ranges around defaults, choices, batch powers of two, epochs as the ASHA budget', async () => {
    const { proposal, spec } = await proposeFor('examples/digits/train.py');
    expect(spec.name).toBe('digits-train');
    expect(spec.command).toEqual(['python3', 'train.py', '{args}', '--epochs', '{budget}']);
    expect(spec.metric).toMatchObject({ name: 'val_loss', goal: 'minimize' });
    expect(spec.scheduler).toMatchObject({ type: 'asha', minBudget: 1, maxBudget: 15 });
    expect([...spec.space.params.keys()]).toEqual(['lr', 'hidden', 'layers', 'alpha', 'batch_size', 'optimizer', 'momentum']);
    expect(param(spec, 'lr')).toMatchObject({ kind: 'float', low: 3.3e-5, high: 0.03, log: true });
    expect(param(spec, 'hidden')).toMatchObject({ kind: 'int', low: 16, high: 256, log: true });
    expect(param(spec, 'layers')).toMatchObject({ kind: 'categorical', choices: [1, 2, 3] });
    expect(param(spec, 'alpha')).toMatchObject({ kind: 'float', low: 3.3e-6, high: 0.003, log: true });
    expect(param(spec, 'batch_size')).toMatchObject({ kind: 'categorical', choices: [8, 16, 32, 64, 128] });
    expect(param(spec, 'optimizer')).toMatchObject({ kind: 'categorical', choices: ['adam', 'sgd'] });
    // "Nesterov momentum, sgd only": only sampled when it matters.
    expect(param(spec, 'momentum')).toMatchObject({ kind: 'float', low: 0, high: 0.99, when: { optimizer: ['sgd'] } });
    expect(proposal.notes.join('\n')).toContain('--seed (a random seed)');
    expect(proposal.text).toMatch(/^# Proposed by Rung/);
  });

  it('argparse_full.py: exclusions, flags, required options and suggestions are reported', async () => {
    const { proposal, spec } = await proposeFor('test/fixtures/scripts/argparse_full.py');
    const names = [...spec.space.params.keys()];
    expect(names).toEqual(expect.arrayContaining(['lr', 'weight_decay', 'hidden-size', 'num_layers', 'batch-size', 'dropout', 'optimizer', 'momentum', 'use_bn', 'label-smoothing']));
    for (const excluded of ['seed', 'data_dir', 'device', 'num_workers', 'log_interval', 'amp', 'shuffle', 'no-shuffle', 'epochs', 'layer_sizes', 'output', 'activation', 'patience', 'temperature']) {
      expect(names).not.toContain(excluded);
    }
    // --layer_sizes 64 32 (nargs="+"): one parameter per value, passed together; {args} cannot, so every option has its own word.
    expect(names).toEqual(expect.arrayContaining(['layer_sizes_1', 'layer_sizes_2']));
    expect(param(spec, 'layer_sizes_1')).toMatchObject({ kind: 'int', log: true, low: 16, high: 256 });
    expect(spec.command.slice(0, 4)).toEqual(['python3', 'argparse_full.py', '--output', 'OUTPUT']);
    expect(spec.command.join(' ')).toContain('--lr={lr} ');
    expect(spec.command.join(' ')).toContain(' --layer_sizes {layer_sizes_1} {layer_sizes_2} ');
    expect(spec.command.slice(-2)).toEqual(['--epochs', '{budget}']);
    expect(param(spec, 'lr')).toMatchObject({ kind: 'float', log: true, low: 1e-5, high: 0.009 });
    expect(param(spec, 'weight_decay')).toMatchObject({ kind: 'float', log: true, low: 1e-6, high: 0.1 });
    expect(param(spec, 'hidden-size')).toMatchObject({ kind: 'int', log: true, low: 32, high: 512 });
    expect(param(spec, 'num_layers')).toMatchObject({ kind: 'int', low: 2, high: 6 });
    expect(param(spec, 'batch-size')).toMatchObject({ kind: 'categorical', choices: [16, 32, 64, 128, 256] });
    expect(param(spec, 'dropout')).toMatchObject({ kind: 'float', low: 0, high: 0.5 });
    expect(param(spec, 'use_bn')).toMatchObject({ kind: 'categorical', choices: [true, false] });
    expect(param(spec, 'momentum').when).toEqual({ optimizer: ['sgd'] });
    expect(spec.scheduler).toMatchObject({ type: 'asha', maxBudget: 30 });
    const notes = proposal.notes.join('\n');
    expect(notes).toContain('--output');
    expect(notes).toContain('On/off flags are not tuned: --no-shuffle');
    expect(notes).toContain('--activation');
    expect(notes).toContain('--patience (early stopping: when to stop, not how to train)');
    expect(notes).toContain('left at their defaults: --temperature');
    // Unrecognised numeric options are offered commented out.
    expect(proposal.text).toMatch(/^ {2}# temperature: +\{type: float/m);
    expect(proposal.suggestions.map((s) => s.name)).toEqual(['activation', 'temperature']);
  });

  it('click_script.py: Choice, IntRange bounds, a positional argument in the command', async () => {
    const { proposal, spec } = await proposeFor('test/fixtures/scripts/click_script.py');
    expect(spec.command).toEqual(['python3', 'click_script.py', 'DATA_DIR', '{args}', '--epochs', '{budget}']);
    expect(param(spec, 'optimizer')).toMatchObject({ kind: 'categorical', choices: ['adam', 'sgd'] });
    expect(param(spec, 'units')).toMatchObject({ kind: 'int', low: 16, high: 100, log: true }); // clipped to IntRange(8, 100)
    expect(spec.metric).toMatchObject({ name: 'val_acc', goal: 'maximize' });
    expect(proposal.notes.join('\n')).toMatch(/replace DATA_DIR/);
    expect(proposal.notes.join('\n')).toMatch(/--verbose \(logging or bookkeeping\), --debug \(logging or bookkeeping\)/);
  });

  it('typer_script.py: dashed option names, Enum choices, typer bounds', async () => {
    const { spec } = await proposeFor('test/fixtures/scripts/typer_script.py');
    expect(spec.command).toEqual(['python3', 'typer_script.py', 'DATA', '{args}', '--epochs', '{budget}']);
    expect(param(spec, 'learning-rate')).toMatchObject({ kind: 'float', log: true, low: 3.3e-4, high: 0.3 });
    expect(param(spec, 'hidden-units')).toMatchObject({ kind: 'int', low: 32, high: 512 });
    expect(param(spec, 'optimizer')).toMatchObject({ kind: 'categorical', choices: ['adam', 'sgd'] });
    expect(param(spec, 'dropout')).toMatchObject({ kind: 'float', low: 0, high: 0.5 });
    expect(spec.metric).toMatchObject({ name: 'valid_loss', goal: 'minimize' });
    expect(spec.scheduler).toMatchObject({ type: 'asha', maxBudget: 20 });
  });

  it("argparse_subparsers.py: runs the train sub-command with the main parser's options before its name", async () => {
    const { proposal, spec } = await proposeFor('test/fixtures/scripts/argparse_subparsers.py');
    expect([...spec.space.params.keys()]).toEqual(['lr', 'hidden']);
    // argparse reads --lr only before `train` and --hidden/--epochs only after it: each parameter by its own word.
    expect(spec.command).toEqual(['python3', 'argparse_subparsers.py', '--lr={lr}', 'train', '--hidden={hidden}', '--epochs', '{budget}']);
    expect(spec.scheduler).toMatchObject({ type: 'asha', maxBudget: 5 });
    expect(proposal.notes.join('\n')).toMatch(/sub-commands \(train, eval\): the command runs train \(its name looks like training\); the options of eval are not read/);
  });

  it('no_args.py: a valid file with an example parameter and a placeholder metric, both explained', async () => {
    const { proposal, spec } = await proposeFor('test/fixtures/scripts/no_args.py');
    expect(spec.command).toEqual(['python3', 'no_args.py']);
    expect([...spec.space.params.keys()]).toEqual(['lr']);
    expect(spec.metric).toMatchObject({ name: 'val_loss', goal: 'minimize' });
    expect(proposal.metric.guessed).toBe(true);
    const notes = proposal.notes.join('\n');
    expect(notes).toMatch(/No command-line arguments found/);
    expect(notes).toMatch(/example parameter/);
    expect(notes).toMatch(/No metric found/);
    // The command has no {args}: the parameters line must not say they are passed by it.
    expect(proposal.text).toMatch(/^parameters: +# the command passes none/m);
    expect(proposal.text).not.toMatch(/by \{args\}/);
  });
});

/** Proposes for a script written to a temp folder, renders the command for `config` and runs it there for real. */
async function proposeAndRun(fileName: string, source: string, config: Record<string, unknown>, budget?: number): Promise<{ proposal: StudyProposal; spec: StudySpec; argv: string[]; stdout: string; stderr: string; status: number | null; dir: string }> {
  const dir = tempDir('rung-propose-');
  const file = path.join(dir, fileName);
  writeFileSync(file, source);
  const { proposal, spec } = checked(await inspectScript(file, { python: python ?? 'python3', readerPath }), fileName);
  const argv = renderCommand(spec.command, { config: config as never, space: spec.space, trialId: '1', trialDir: dir, ...(budget !== undefined ? { budget } : {}) });
  const ran = spawnSync(python ?? 'python3', argv.slice(1), { cwd: dir, encoding: 'utf8', timeout: 20_000 });
  return { proposal, spec, argv, stdout: ran.stdout, stderr: ran.stderr, status: ran.status, dir };
}

const hasClick = python !== undefined && spawnSync(python, ['-c', 'import click']).status === 0;

describe.skipIf(python === undefined)('proposed commands run the script for real', () => {
  it("nanoGPT's exec(open('configurator.py').read()): the module-level settings before it are --name=value options, True/False ones kept; run for real", async () => {
    const dir = tempDir('rung-propose-');
    writeFileSync(
      path.join(dir, 'configurator.py'),
      [
        'import sys',
        'from ast import literal_eval',
        'for arg in sys.argv[1:]:',
        "    if '=' not in arg:",
        "        assert not arg.startswith('--')",
        '        exec(open(arg).read())',
        '    else:',
        "        assert arg.startswith('--')",
        "        key, val = arg.split('=')",
        '        key = key[2:]',
        '        if key in globals():',
        '            try:',
        '                attempt = literal_eval(val)',
        '            except (SyntaxError, ValueError):',
        '                attempt = val',
        '            assert type(attempt) == type(globals()[key])',
        '            globals()[key] = attempt',
        '        else:',
        '            raise ValueError(f"Unknown config key: {key}")',
        '',
      ].join('\n'),
    );
    const source = [
      'import os',
      "out_dir = 'out'",
      'eval_interval = 2000',
      'batch_size = 12',
      'block_size = 1024',
      'n_layer = 12',
      'dropout = 0.0',
      'learning_rate = 6e-4',
      'weight_decay = 1e-1',
      'compile = True',
      "exec(open('configurator.py').read())",
      'os.makedirs(out_dir, exist_ok=True)',
      'print(f"step 0: train loss {learning_rate * n_layer:.4f}, val loss {learning_rate * batch_size:.4f}")',
      '',
    ].join('\n');
    writeFileSync(path.join(dir, 'train.py'), source);
    const read = await inspectScript(path.join(dir, 'train.py'), { python: python ?? 'python3', readerPath });
    expect(read.frameworks).toEqual(['configurator']);
    const { proposal, spec } = checked(read, 'train.py');
    expect(spec.command).toEqual(['python3', 'train.py', '--out_dir={trial_dir}/out', '{args}']);
    expect([...spec.space.params.keys()]).toEqual(['batch_size', 'n_layer', 'dropout', 'learning_rate', 'weight_decay']);
    expect(spec.metric).toMatchObject({ name: 'val_loss', goal: 'minimize' });
    const notes = proposal.notes.join('\n');
    expect(notes).toContain('--block_size (a data shape)');
    expect(notes).toContain('True/False ones are not tuned: compile');
    const argv = renderCommand(spec.command, { config: { batch_size: 32, n_layer: 6, dropout: 0.1, learning_rate: 0.001, weight_decay: 0.01 } as never, space: spec.space, trialId: '1', trialDir: dir });
    const ran = spawnSync(python ?? 'python3', argv.slice(1), { cwd: dir, encoding: 'utf8', timeout: 20_000 });
    expect(ran.stderr).toBe('');
    expect(ran.status).toBe(0);
    expect(ran.stdout).toBe('step 0: train loss 0.0060, val loss 0.0320\n');
  });

  it('an output folder with a default (--save-dir checkpoints) gets a folder in {trial_dir}, which the script can makedirs; model_dir and a None default are left alone', async () => {
    const source = [
      'import argparse, os',
      'p = argparse.ArgumentParser()',
      'p.add_argument("--lr", type=float, default=0.01)',
      'p.add_argument("--save-dir", default="runs/exp/")',
      'p.add_argument("--log_dir", default=".")',
      'p.add_argument("--model_dir", default="pretrained")',
      'p.add_argument("--output_dir", default=None)',
      'a = p.parse_args()',
      'os.makedirs(a.save_dir)  # fails on a folder that exists, as {trial_dir} does',
      'os.makedirs(a.log_dir, exist_ok=True)',
      'open(os.path.join(a.save_dir, "last.txt"), "w").write(str(a.lr))',
      'print(f"val_loss={a.lr}")',
      '',
    ].join('\n');
    const r = await proposeAndRun('train.py', source, { lr: 0.1 });
    expect(r.spec.command).toEqual(['python3', 'train.py', '--save-dir', '{trial_dir}/exp', '--log_dir', '{trial_dir}/log_dir', '{args}']);
    expect(r.argv).toEqual(['python3', 'train.py', '--save-dir', path.join(r.dir, 'exp'), '--log_dir', path.join(r.dir, 'log_dir'), '--lr=0.1']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const notes = r.proposal.notes.join('\n');
    expect(notes).toContain('--save-dir (default runs/exp/: one folder for all trials), --log_dir (default .: one folder for all trials) are given {trial_dir}');
    expect(notes).toMatch(/Not tuned, kept at the script's defaults: --model_dir \(a path\), --output_dir \(a path\)/);
  });

  it("a script that reads Rung's params(): those names are the parameters, the command passes none, epochs is no budget", async () => {
    const source = [
      'import math',
      'import rung',
      'from rung import report, params as hp',
      'p = hp()',
      'lr = float(p.get("lr", 0.01))',
      'hidden = int(p["hidden"]) if "hidden" in p else 64',
      'dropout = hp().get("dropout", 0.1)',
      'epochs = int(rung.params().get("epochs", 5))',
      'report(epoch=epochs, val_loss=lr + dropout)',
      '',
    ].join('\n');
    const r = await proposeAndRun('train.py', source, { lr: 0.1, hidden: 32, dropout: 0.3 });
    // Before: "No command-line arguments found" and an example `lr` that the script did not read under that name.
    expect([...r.spec.space.params.keys()].sort()).toEqual(['dropout', 'hidden', 'lr']);
    expect(param(r.spec, 'lr')).toMatchObject({ kind: 'float', low: 3.3e-4, high: 0.3, log: true });
    expect(param(r.spec, 'dropout')).toMatchObject({ kind: 'float', low: 0 });
    expect(param(r.spec, 'hidden')).toMatchObject({ kind: 'int' });
    expect(r.spec.command).toEqual(['python3', 'train.py']);
    expect(r.spec.scheduler).toMatchObject({ type: 'fifo' });
    expect(r.spec.metric).toMatchObject({ name: 'val_loss', goal: 'minimize' });
    const notes = r.proposal.notes.join('\n');
    expect(notes).toContain('params()["epochs"] looks like the number of epochs');
    expect(notes).toContain('`from rung import params`');
    expect(notes).not.toContain('No command-line arguments found');
    expect(r.proposal.text).toMatch(/^parameters: +# the command passes none: the script reads them with Rung's params\(\)/m);
    // As a trial runs it: the values in RUNG_PARAMS, the helper on PYTHONPATH.
    const ran = spawnSync(python ?? 'python3', r.argv.slice(1), {
      cwd: r.dir,
      env: { ...process.env, PYTHONPATH: path.join(repoRoot, 'python'), RUNG_PARAMS: JSON.stringify({ lr: 0.1, hidden: 32, dropout: 0.3 }) },
      encoding: 'utf8',
    });
    expect(ran.status, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('"val_loss": 0.4');
  });

  it("a params() script that also reads Rung's own RUNG_* variables: those are no settings, and do not hide params()", async () => {
    const source = [
      'import os',
      'from rung import report, params',
      'p = params()',
      'lr = float(p.get("lr", 0.01))',
      'dropout = p.get("dropout", 0.1)',
      'epochs = int(os.environ.get("RUNG_BUDGET", "5"))',
      'out = os.environ["RUNG_TRIAL_DIR"]',
      'dev = os.environ.get("CUDA_VISIBLE_DEVICES", "0")',
      'for e in range(1, epochs + 1):',
      '    report(epoch=e, val_loss=lr + dropout)',
      '',
    ].join('\n');
    const r = await proposeAndRun('train.py', source, { lr: 0.1, dropout: 0.3 });
    // Before: $RUNG_BUDGET and $RUNG_TRIAL_DIR were read as environment options (rung_budget, rung_trial_dir), and
    // finding them skipped params(): "Nothing to tune was found" with an example lr.
    expect([...r.spec.space.params.keys()].sort()).toEqual(['dropout', 'lr']);
    expect(r.spec.command).toEqual(['python3', 'train.py']);
    expect(r.proposal.text).not.toMatch(/(rung_budget|rung_trial_dir|cuda_visible_devices):/);
    expect(r.proposal.notes.join('\n')).toContain('$RUNG_BUDGET');
  });

  it('argparse sub-commands: the main options before the name, the sub-command\'s after it, the training one chosen', async () => {
    const source = [
      'import argparse',
      'parser = argparse.ArgumentParser()',
      'parser.add_argument("--lr", type=float, default=0.01)',
      'sub = parser.add_subparsers(dest="cmd", required=True)',
      'ev = sub.add_parser("evaluate")',
      'ev.add_argument("--checkpoint", default="best.pt")',
      'tr = sub.add_parser("train")',
      'tr.add_argument("--dropout", type=float, default=0.1)',
      'tr.add_argument("--hidden", type=int, default=32)',
      'tr.add_argument("--epochs", type=int, default=6)',
      'args = parser.parse_args()',
      'print(f"cmd={args.cmd} lr={args.lr} dropout={args.dropout} hidden={args.hidden} epochs={args.epochs} val_loss={args.lr}")',
      '',
    ].join('\n');
    const r = await proposeAndRun('train.py', source, { lr: 0.1, dropout: 0.3, hidden: 64 }, 2);
    expect(r.spec.command).toEqual(['python3', 'train.py', '--lr={lr}', 'train', '--dropout={dropout}', '--hidden={hidden}', '--epochs', '{budget}']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('cmd=train lr=0.1 dropout=0.3 hidden=64 epochs=2 val_loss=0.1');
    // Only sub-command options tuned: {args} after the name.
    const only = await proposeAndRun('train.py', source.replace('parser.add_argument("--lr", type=float, default=0.01)', 'parser.add_argument("--lr", type=float, default=0.01, choices=[0.01])'), { dropout: 0.2, hidden: 16 }, 3);
    expect(only.spec.command).toEqual(['python3', 'train.py', 'train', '{args}', '--epochs', '{budget}']);
    expect(only.status).toBe(0);
    expect(only.stdout.trim()).toBe('cmd=train lr=0.01 dropout=0.2 hidden=16 epochs=3 val_loss=0.01');
  });

  it('reads an option by its option strings too when dest says something else (--learning-rate with dest="alpha")', async () => {
    const source = [
      'import argparse',
      'p = argparse.ArgumentParser()',
      'p.add_argument("--learning-rate", dest="alpha", type=float, default=0.1)',
      'p.add_argument("--base-lr", dest="step", type=float, default=0.1)',
      'p.add_argument("--batch-size", dest="b", type=int, default=32)',
      'p.add_argument("--hidden-units", dest="h", type=int, default=64)',
      'p.add_argument("--num-epochs", dest="n", type=int, default=9)',
      'p.add_argument("--random-seed", dest="rs", type=int, default=0)',
      'p.add_argument("--eval-only", dest="mode", action="store_true")',
      'p.add_argument("--stop-loss", dest="threshold", type=float, default=1e-3)',
      'args = p.parse_args()',
      'print(f"stop_loss={args.threshold}")', // the option's value, printed under its option name: not a metric
      'print(f"n={args.n} train_loss={args.alpha * args.step}")',
      '',
    ].join('\n');
    const r = await proposeAndRun('opts.py', source, { 'learning-rate': 0.01, 'base-lr': 0.5, 'batch-size': 16, 'hidden-units': 100 }, 2);
    expect([...r.spec.space.params.keys()]).toEqual(['learning-rate', 'base-lr', 'batch-size', 'hidden-units']);
    const lr = r.proposal.parameters.find((p) => p.name === 'learning-rate');
    expect(lr).toMatchObject({ type: 'float', low: 0.0033, high: 1, log: true }); // a learning rate's range stops at 1
    expect(lr?.reason).toMatch(/learning rate: log scale/);
    expect(param(r.spec, 'base-lr')).toMatchObject({ kind: 'float', low: 0.0033, high: 1, log: true });
    expect(param(r.spec, 'batch-size')).toMatchObject({ kind: 'categorical', choices: [8, 16, 32, 64, 128] });
    expect(param(r.spec, 'hidden-units')).toMatchObject({ kind: 'int', low: 16, high: 256, log: true });
    expect(r.spec.command).toEqual(['python3', 'opts.py', '{args}', '--num-epochs', '{budget}']);
    expect(r.spec.scheduler).toMatchObject({ type: 'asha', maxBudget: 9 });
    expect(r.spec.metric).toMatchObject({ name: 'train_loss', goal: 'minimize' });
    const notes = r.proposal.notes.join('\n');
    expect(notes).toContain('--random-seed (a random seed)');
    expect(notes).toContain('--eval-only (a switch that changes what the script does)');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^n=2 train_loss=0\.005$/m);
  });

  it.skipIf(!hasClick)('click: no sub-command name when __main__ calls the command itself, the name when it calls the group', async () => {
    const script = (main: string, groupOption: boolean): string =>
      [
        'import click',
        '@click.group()',
        ...(groupOption ? ['@click.option("--weight-decay", type=float, default=1e-4)'] : []),
        '@click.pass_context',
        `def cli(ctx${groupOption ? ', weight_decay' : ''}):`,
        `    ctx.obj = ${groupOption ? 'weight_decay' : '"group"'}`,
        '@cli.command()',
        '@click.option("--lr", type=float, default=0.01)',
        '@click.option("--epochs", type=int, default=5)',
        '@click.pass_context',
        'def train(ctx, lr, epochs):',
        '    click.echo(f"lr={lr} epochs={epochs} group={ctx.obj} val_loss={lr}")',
        'if __name__ == "__main__":',
        `    ${main}`,
        '',
      ].join('\n');
    // train() runs the command on its own: a `train` word would be an unexpected extra argument.
    const direct = await proposeAndRun('cli.py', script('train()', false), { lr: 0.2 }, 4);
    expect(direct.spec.command).toEqual(['python3', 'cli.py', '{args}', '--epochs', '{budget}']);
    expect(direct.stderr).toBe('');
    expect(direct.stdout.trim()).toBe('lr=0.2 epochs=4 group=None val_loss=0.2');
    const viaGroup = await proposeAndRun('cli.py', script('cli()', false), { lr: 0.2 }, 4);
    expect(viaGroup.spec.command).toEqual(['python3', 'cli.py', 'train', '{args}', '--epochs', '{budget}']);
    expect(viaGroup.stderr).toBe('');
    expect(viaGroup.stdout.trim()).toBe('lr=0.2 epochs=4 group=group val_loss=0.2');
    // The group's own option goes before the sub-command's name, where click reads it.
    const groupOption = await proposeAndRun('cli.py', script('cli()', true), { lr: 0.2, 'weight-decay': 0.001 }, 4);
    expect(groupOption.spec.command).toEqual(['python3', 'cli.py', '--weight-decay={weight-decay}', 'train', '--lr={lr}', '--epochs', '{budget}']);
    expect(groupOption.stderr).toBe('');
    expect(groupOption.stdout.trim()).toBe('lr=0.2 epochs=4 group=0.001 val_loss=0.2');
    const directWithGroupOption = await proposeAndRun('cli.py', script('train()', true), { lr: 0.2 }, 4);
    expect(directWithGroupOption.spec.command).toEqual(['python3', 'cli.py', '{args}', '--epochs', '{budget}']);
    expect(directWithGroupOption.status).toBe(0);
  });
});

describe('nested sub-commands', () => {
  it('puts each option after the sub-command word of its parser and before the next: `--data X model --arch={arch} train --lr={lr}`', () => {
    const args = [
      argument({ dest: 'data', required: true, beforeSubcommand: true, subcommandLevel: 0 }),
      argument({ dest: 'seed', type: 'int', default: 0, beforeSubcommand: true, subcommandLevel: 0 }),
      argument({ dest: 'arch', type: 'str', default: 'small', choices: ['small', 'base'], beforeSubcommand: true, subcommandLevel: 1 }),
      argument({ dest: 'lr', type: 'float', default: 0.01, subcommandLevel: 2 }),
      argument({ dest: 'epochs', type: 'int', default: 10, subcommandLevel: 2 }),
    ];
    const { spec } = checked(inspection(args, ['val_loss'], { subcommand: 'model train', subcommandPath: ['model', 'train'] }), 'cli.py');
    expect(spec.command).toEqual(['python3', 'cli.py', '--data', 'DATA', 'model', '--arch={arch}', 'train', '--lr={lr}', '--epochs', '{budget}']);
    // Only the last word's options tuned: {args} right after it.
    const last = checked(inspection(args.filter((a) => a.dest !== 'arch'), ['val_loss'], { subcommand: 'model train', subcommandPath: ['model', 'train'] }), 'cli.py');
    expect(last.spec.command).toEqual(['python3', 'cli.py', '--data', 'DATA', 'model', 'train', '{args}', '--epochs', '{budget}']);
  });

  it('reads a one-word sub-command by beforeSubcommand, as before', () => {
    expect(subcommandLevelOf(argument({ dest: 'seed', beforeSubcommand: true }), 1)).toBe(0);
    expect(subcommandLevelOf(argument({ dest: 'lr' }), 1)).toBe(1);
    expect(subcommandLevelOf(argument({ dest: 'lr', subcommandLevel: 5 }), 2)).toBe(2);
    expect(subcommandLevelOf(argument({ dest: 'lr', beforeSubcommand: true }), 0)).toBe(0);
  });
});

describe('proposal heuristics', () => {
  it('clips learning rates at 1 and keeps the default inside every range', () => {
    const { spec } = checked(
      inspection([
        argument({ dest: 'lr', type: 'float', default: 0.1 }),
        argument({ dest: 'eps', type: 'float', default: 1e-8 }),
        argument({ dest: 'beta2', type: 'float', default: 0.999 }),
        argument({ dest: 'units', type: 'int', default: 3 }),
        argument({ dest: 'bs', type: 'int', default: 100 }),
      ], ['val_loss']),
      'train.py',
    );
    expect(param(spec, 'lr')).toMatchObject({ low: 0.0033, high: 1, log: true });
    expect(param(spec, 'eps')).toMatchObject({ low: 3.3e-10, high: 3e-7, log: true });
    expect(param(spec, 'beta2')).toMatchObject({ kind: 'float', low: 0.99, high: 0.9999 });
    expect(param(spec, 'units')).toMatchObject({ kind: 'int', low: 1, high: 12 });
    // 100 is not a power of two: kept among the powers around it.
    expect(param(spec, 'bs')).toMatchObject({ kind: 'categorical', choices: [32, 64, 100, 128, 256, 512] });
  });

  it("tunes elastic net's l1_ratio in [0, 1], not as a regularisation strength on a log scale", () => {
    const { spec } = checked(
      inspection([
        argument({ dest: 'alpha', type: 'float', default: 1e-3 }),
        argument({ dest: 'l1_ratio', type: 'float', default: 0.5 }),
        argument({ dest: 'l1-ratio', flags: ['--l1-ratio'], type: 'float', default: 0.15 }),
        argument({ dest: 'l2', type: 'float', default: 1e-4 }),
      ], ['val_mse']),
      'train.py',
    );
    expect(param(spec, 'alpha')).toMatchObject({ kind: 'float', low: 3.3e-5, high: 0.03, log: true });
    // Before: 0.017 to 15 on a log scale, so most trials gave scikit-learn an invalid l1_ratio (it must be in [0, 1]).
    expect(param(spec, 'l1_ratio')).toMatchObject({ kind: 'float', low: 0, high: 1 });
    expect(param(spec, 'l1_ratio')).not.toHaveProperty('log', true);
    expect(param(spec, 'l1-ratio')).toMatchObject({ kind: 'float', low: 0, high: 1 });
    expect(param(spec, 'l1_ratio')).not.toHaveProperty('log', true);
    expect(param(spec, 'l2')).toMatchObject({ kind: 'float', log: true });
  });

  it('uses common ranges when there is no default', () => {
    const { spec } = checked(
      inspection([
        argument({ dest: 'learning_rate', type: 'float' }),
        argument({ dest: 'hidden', type: 'int' }),
        argument({ dest: 'batch_size', type: 'int' }),
      ], ['val_loss']),
      'train.py',
    );
    expect(param(spec, 'learning_rate')).toMatchObject({ low: 1e-5, high: 0.1, log: true });
    expect(param(spec, 'hidden')).toMatchObject({ low: 16, high: 512, log: true });
    expect(param(spec, 'batch_size')).toMatchObject({ choices: [16, 32, 64, 128, 256] });
  });

  it('passes each parameter by its own word when a flag has no long form', () => {
    const { spec } = checked(
      inspection([argument({ dest: 'lr', flags: ['-l'], type: 'float', default: 0.01 }), argument({ dest: 'dropout', type: 'float', default: 0.2 })], ['val_loss']),
      'my train.py',
    );
    expect(spec.command).toEqual(['python3', 'my train.py', '-l', '{lr}', '--dropout={dropout}']);
  });

  it('makes epochs the budget, with fifo when there are too few', () => {
    const few = checked(inspection([argument({ dest: 'lr', type: 'float', default: 0.01 }), argument({ dest: 'num_epochs', type: 'int', default: 2 })], ['val_loss']), 'train.py');
    expect(few.spec.scheduler).toMatchObject({ type: 'fifo', maxBudget: 2 });
    expect(few.spec.command).toEqual(['python3', 'train.py', '{args}', '--num_epochs', '{budget}']);
    const none = checked(inspection([argument({ dest: 'lr', type: 'float', default: 0.01 }), argument({ dest: 'max_epochs', type: 'int' })], ['val_loss']), 'train.py');
    expect(none.spec.scheduler).toMatchObject({ type: 'asha', maxBudget: 10 });
    expect(none.proposal.notes.join('\n')).toMatch(/--max_epochs has no usable default/);
    // Hugging Face's example scripts: --num_train_epochs.
    const hf = checked(inspection([argument({ dest: 'learning_rate', type: 'float', default: 5e-5 }), argument({ dest: 'num_train_epochs', type: 'int', default: 3 })], ['eval_loss']), 'run_glue.py');
    expect(hf.spec.command).toEqual(['python3', 'run_glue.py', '{args}', '--num_train_epochs', '{budget}']);
    expect(hf.spec.scheduler).toMatchObject({ type: 'asha', maxBudget: 3 });
  });

  it('picks a validation loss over other metrics, then validation scores, and says when it had to settle', () => {
    const pick = (metrics: string[]): StudyProposal['metric'] => proposeStudy(inspection([argument({ dest: 'lr', type: 'float', default: 0.01 })], metrics), { scriptFile: 'train.py', studyName: 's' }).metric;
    expect(pick(['epoch', 'train_loss', 'val_acc', 'val_loss'])).toMatchObject({ name: 'val_loss', goal: 'minimize' });
    expect(pick(['epoch', 'train_loss', 'val_acc'])).toMatchObject({ name: 'val_acc', goal: 'maximize' });
    expect(pick(['step', 'test_f1', 'loss'])).toMatchObject({ name: 'test_f1', goal: 'maximize' });
    expect(pick(['epoch', 'lr', 'Error'])).toMatchObject({ name: 'val_loss', guessed: true });
    // Image and language metrics: a script printing only these must not get the val_loss placeholder.
    expect(pick(['epoch', 'val_psnr', 'val_lpips'])).toMatchObject({ name: 'val_psnr', goal: 'maximize', guessed: false });
    expect(pick(['val_lpips'])).toMatchObject({ name: 'val_lpips', goal: 'minimize', guessed: false });
    expect(pick(['val_ssim'])).toMatchObject({ name: 'val_ssim', goal: 'maximize', guessed: false });
    expect(pick(['train_loss', 'val_bpb'])).toMatchObject({ name: 'val_bpb', goal: 'minimize' });
    expect(pick(['eval_mcc'])).toMatchObject({ name: 'eval_mcc', goal: 'maximize' });
    // Detection and segmentation: mAP, mIoU (camel case that is not two words), mAP50.
    expect(pick(['epoch', 'val_mAP'])).toMatchObject({ name: 'val_mAP', goal: 'maximize', guessed: false });
    expect(pick(['val_mIoU'])).toMatchObject({ name: 'val_mIoU', goal: 'maximize', guessed: false });
    expect(pick(['val_mAP50'])).toMatchObject({ name: 'val_mAP50', goal: 'maximize', guessed: false });
    expect(pick(['valLoss', 'valAcc'])).toMatchObject({ name: 'valLoss', goal: 'minimize' });
    // A cross-validation score is a validation metric: no "training metric" warning, and it beats a training loss.
    const cv = proposeStudy(inspection([argument({ dest: 'lr', type: 'float', default: 0.01 })], ['train_loss', 'cv_accuracy']), { scriptFile: 'train.py', studyName: 's' });
    expect(cv.metric).toMatchObject({ name: 'cv_accuracy', goal: 'maximize' });
    expect(cv.notes.join('\n')).not.toMatch(/No validation metric/);
    const training = proposeStudy(inspection([argument({ dest: 'lr', type: 'float', default: 0.01 })], ['train_loss']), { scriptFile: 'train.py', studyName: 's' });
    expect(training.metric.name).toBe('train_loss');
    expect(training.notes.join('\n')).toMatch(/No validation metric/);
  });

  it('takes the placeholder metric from what the script only logs (wandb, TensorBoard, MLflow), and says to print it', () => {
    const logged = checked(inspection([argument({ dest: 'lr', type: 'float', default: 0.01 })], [], { logged: ['epoch', 'train/loss', 'val/loss', 'val/acc'] }), 'train.py');
    expect(logged.spec.metric).toMatchObject({ name: 'val/loss', goal: 'minimize' });
    expect(logged.proposal.text).toMatch(/^metric: \{name: val\/loss, goal: minimize\} +# a guess: see the notes above$/m);
    expect(logged.proposal.notes.join('\n')).toContain('so the metric is val/loss (minimize), which it logs (wandb, TensorBoard, MLflow...) but does not print');
    expect(logged.proposal.notes.join('\n')).toContain('`print(f"val/loss={value}")`');
    const tb = checked(inspection([], [], { logged: ['Loss/train', 'Loss/val', 'Accuracy/val'] }), 'train.py');
    expect(tb.spec.metric).toMatchObject({ name: 'Loss/val', goal: 'minimize' });
    // Nothing like a loss or a score among them: the usual placeholder.
    const none = checked(inspection([], [], { logged: ['epoch', 'lr'] }), 'train.py');
    expect(none.spec.metric).toMatchObject({ name: 'val_loss', goal: 'minimize' });
    // The engine reads the printed form of such a name.
    expect(parseAutoLine('Loss/val=0.25')).toEqual({ values: { 'Loss/val': 0.25 } });
  });

  it('keeps data splits out but tunes ratios that are hyperparameters (l1_ratio, warmup_ratio)', () => {
    const { proposal, spec } = checked(
      inspection([
        argument({ dest: 'l1_ratio', type: 'float', default: 0.15, min: 0, max: 1 }),
        argument({ dest: 'warmup_ratio', type: 'float', default: 0.1 }),
        argument({ dest: 'val_ratio', type: 'float', default: 0.2 }),
        argument({ dest: 'train_frac', type: 'float', default: 0.8 }),
        argument({ dest: 'val_split', type: 'float', default: 0.1 }),
        argument({ dest: 'min_samples_split', type: 'int', default: 2 }),
        argument({ dest: 'min_split_gain', type: 'float', default: 0.0 }),
      ], ['val_loss']),
      'train.py',
    );
    // A tree's node-split settings are hyperparameters (suggested), not data splits.
    expect(proposal.text).toMatch(/^ {2}# min_samples_split: /m);
    expect(proposal.notes.join('\n')).toMatch(/--val_split \(a data split/);
    expect(proposal.notes.join('\n')).not.toMatch(/min_samples_split \(a data split|min_split_gain \(a data split/);
    expect(param(spec, 'l1_ratio')).toMatchObject({ kind: 'float', high: 1 });
    expect(param(spec, 'warmup_ratio')).toMatchObject({ kind: 'float', low: 0, high: 0.5 });
    expect([...spec.space.params.keys()]).toEqual(['l1_ratio', 'warmup_ratio']);
    expect(proposal.notes.join('\n')).toMatch(/--val_ratio \(a data split.*--train_frac \(a data split/);
  });

  it('tunes an unknown fraction linearly from 0, but only suggests a log range for a small default', () => {
    const { proposal, spec } = checked(
      inspection([argument({ dest: 'gamma', type: 'float', default: 0.5 }), argument({ dest: 'tol', type: 'float', default: 1e-3 })], ['val_loss']),
      'train.py',
    );
    expect(param(spec, 'gamma')).toMatchObject({ kind: 'float', low: 0, high: 0.9 });
    expect([...spec.space.params.keys()]).toEqual(['gamma']);
    expect(proposal.suggestions).toMatchObject([{ name: 'tol', low: 1e-4, high: 0.01, log: true }]);
  });

  it('reads eta and eta0 (XGBoost, scikit-learn SGD) as learning rates, but not an int eta', () => {
    const { spec } = checked(
      inspection([argument({ dest: 'eta0', type: 'float', default: 0.01 }), argument({ dest: 'eta', type: 'float', default: 0.3 })], ['val_rmse']),
      'train.py',
    );
    expect(param(spec, 'eta0')).toMatchObject({ kind: 'float', low: 3.3e-4, high: 0.3, log: true });
    expect(param(spec, 'eta')).toMatchObject({ kind: 'float', low: 0.01, high: 1, log: true });
    const hyperband = checked(inspection([argument({ dest: 'eta', type: 'int', default: 3 })], ['val_rmse']), 'train.py');
    expect(hyperband.proposal.parameters).toEqual([expect.objectContaining({ name: 'lr' })]); // only the example
  });

  it("reads a float max_features (scikit-learn's forests) as a fraction in (0, 1], an int one as a count", () => {
    const { spec } = checked(
      inspection(
        [
          argument({ dest: 'max_features', type: 'float', default: 0.3 }),
          argument({ dest: 'n_features', type: 'int', default: 64 }),
        ],
        ['val_accuracy'],
      ),
      'train.py',
    );
    expect(param(spec, 'max_features')).toMatchObject({ kind: 'float', low: 0.3, high: 1 });
    // typer's Annotated[float, typer.Option(min=0.1, max=1.0)] = 0.5: was a size on a log scale, clipped to [0.5, 1].
    const typer = checked(inspection([argument({ source: 'typer', dest: 'max_features', flags: ['--max-features'], type: 'float', default: 0.5, min: 0.1, max: 1 })], ['cv_accuracy']), 'train.py');
    expect(param(typer.spec, 'max-features')).toMatchObject({ kind: 'float', low: 0.5, high: 1 });
    expect(typer.proposal.text).toMatch(/max-features: \{type: float, low: 0\.5, high: 1\}.*a sampling fraction/);
    expect(param(spec, 'n_features')).toMatchObject({ kind: 'int', low: 16, high: 256, log: true });
  });

  it("XGBoost's own CLI names: num_round is a training length, nthread parallelism, min_child_weight a regulariser on a log scale", () => {
    const { proposal, spec } = checked(
      inspection(
        [
          argument({ dest: 'min_child_weight', type: 'float', default: 1 }),
          argument({ dest: 'num_round', type: 'int', default: 200 }),
          argument({ dest: 'nthread', type: 'int', default: 4 }),
        ],
        ['valid-auc'],
      ),
      'train.py',
    );
    expect(param(spec, 'min_child_weight')).toMatchObject({ kind: 'float', low: 0.033, high: 30, log: true });
    expect([...spec.space.params.keys()]).toEqual(['min_child_weight']);
    const notes = proposal.notes.join('\n');
    expect(notes).toContain('--nthread (parallelism)');
    expect(notes).toContain('--num_round looks like a training length');
  });

  it('runs the sub-command of a click group whose options it read', () => {
    const { spec } = checked(
      inspection([argument({ dest: 'ckpt', source: 'click', flags: [], positional: true, required: true }), argument({ dest: 'lr', source: 'click', type: 'float', default: 0.01 })], ['val_loss'], {
        frameworks: ['click'],
        subcommand: 'train',
      }),
      'cli.py',
    );
    expect(spec.command).toEqual(['python3', 'cli.py', 'train', 'CKPT', '{args}']);
  });

  it("puts the main parser's options, values and budget before the sub-command's name, and its own after it", () => {
    const { spec } = checked(
      inspection(
        [
          argument({ dest: 'config', type: 'str', required: true, beforeSubcommand: true }),
          argument({ dest: 'lr', type: 'float', default: 0.01, beforeSubcommand: true }),
          argument({ dest: 'data', flags: [], positional: true, required: true }),
          argument({ dest: 'epochs', type: 'int', default: 8, beforeSubcommand: true }),
        ],
        ['val_loss'],
        { subcommand: 'train' },
      ),
      'main.py',
    );
    expect(spec.command).toEqual(['python3', 'main.py', '--config', 'CONFIG', '{args}', '--epochs', '{budget}', 'train', 'DATA']);
    // Without a sub-command the mark means nothing: one command line, as before.
    const plain = checked(inspection([argument({ dest: 'config', type: 'str', required: true, beforeSubcommand: true }), argument({ dest: 'lr', type: 'float', default: 0.01 })], ['val_loss']), 'main.py');
    expect(plain.spec.command).toEqual(['python3', 'main.py', '--config', 'CONFIG', '{args}']);
  });

  it('tunes a required option it recognises instead of asking for a value', () => {
    const { proposal, spec } = checked(
      inspection([
        argument({ dest: 'lr', type: 'float', required: true }),
        argument({ dest: 'optimizer', type: 'str', choices: ['adam', 'sgd'], required: true }),
        argument({ dest: 'epochs', type: 'int', required: true }),
        argument({ dest: 'data', type: 'str', required: true }),
      ], ['val_loss']),
      'train.py',
    );
    expect(spec.command).toEqual(['python3', 'train.py', '--data', 'DATA', '{args}', '--epochs', '{budget}']);
    expect(param(spec, 'lr')).toMatchObject({ low: 1e-5, high: 0.1, log: true });
    expect(param(spec, 'optimizer')).toMatchObject({ choices: ['adam', 'sgd'] });
    expect(proposal.notes.join('\n')).toMatch(/The script needs --data: replace DATA/);
  });

  it('renames a parameter whose name is a reserved placeholder and passes it by its own word', () => {
    const { spec } = checked(
      inspection([argument({ dest: 'budget', type: 'float', default: 0.5 }), argument({ dest: 'lr', type: 'float', default: 0.01 }), argument({ dest: 'epochs', type: 'int', default: 9 })], ['val_loss']),
      'train.py',
    );
    expect([...spec.space.params.keys()]).toEqual(['budget_param', 'lr']);
    expect(spec.command).toEqual(['python3', 'train.py', '--budget={budget_param}', '--lr={lr}', '--epochs', '{budget}']);
    expect(renderCommand(spec.command, { config: { budget_param: 0.25, lr: 0.1 }, space: spec.space, trialId: '1', trialDir: '/t', budget: 3 })).toEqual([
      'python3',
      'train.py',
      '--budget=0.25',
      '--lr=0.1',
      '--epochs',
      '3',
    ]);
  });

  it('proposes an int range for choices=range(...) with many values, a categorical for a few', () => {
    const { spec } = checked(
      inspection([
        argument({ dest: 'k', type: 'int', default: 5, choices: Array.from({ length: 100 }, (_, i) => i + 1) }),
        argument({ dest: 'heads', type: 'int', default: 4, choices: [1, 2, 3, 4] }),
      ], ['val_loss']),
      'train.py',
    );
    expect(param(spec, 'k')).toMatchObject({ kind: 'int', low: 1, high: 100 });
    expect(param(spec, 'heads')).toMatchObject({ kind: 'categorical', choices: [1, 2, 3, 4] });
  });

  it('tunes store_true flags as flag parameters, but not switches of what runs nor flags on by default', () => {
    const flagArg = (dest: string, action: string, flags = [`--${dest}`]): ScriptArgument =>
      argument({ dest, flags, type: 'bool', flag: true, action, hasDefault: true, default: action === 'store_false' });
    const { proposal, spec } = checked(
      inspection([
        argument({ dest: 'lr', type: 'float', default: 0.01 }),
        flagArg('use-bn', 'store_true'),
        flagArg('augment', 'store_true'),
        flagArg('eval-only', 'store_true'),
        flagArg('shuffle', 'store_false', ['--no-shuffle']),
        flagArg('dummy', 'store_true'), // the PyTorch ImageNet example's "use fake data to benchmark"
        flagArg('synthetic', 'store_true'),
      ], ['val_loss']),
      'train.py',
    );
    expect(param(spec, 'use-bn')).toMatchObject({ kind: 'categorical', choices: [false, true], flag: true });
    expect([...spec.space.params.keys()]).toEqual(['lr', 'use-bn', 'augment']);
    expect(spec.command).toEqual(['python3', 'train.py', '{args}']);
    expect(renderCommand(spec.command, { config: { lr: 0.1, 'use-bn': true, augment: false }, space: spec.space, trialId: '1', trialDir: '/t' })).toEqual([
      'python3',
      'train.py',
      '--lr=0.1',
      '--use-bn',
    ]);
    const notes = proposal.notes.join('\n');
    expect(notes).toMatch(/--eval-only \(a switch that changes what the script does\)/);
    expect(notes).toMatch(/--dummy \(a switch that changes what the script does\), --synthetic \(a switch/);
    expect(notes).toMatch(/On\/off flags are not tuned: --no-shuffle/);
    // With each parameter by its own word (a short option elsewhere), a flag is a token that is only {name}.
    const explicit = checked(inspection([argument({ dest: 'lr', flags: ['-l'], type: 'float', default: 0.01 }), flagArg('augment', 'store_true')], ['val_loss']), 'train.py');
    expect(explicit.spec.command).toEqual(['python3', 'train.py', '-l', '{lr}', '{augment}']);
  });

  it('mentions GPU libraries and offers resources commented out', () => {
    const { proposal } = checked(inspection([argument({ dest: 'lr', type: 'float', default: 0.01 })], ['val_loss'], { imports: ['os', 'torch'] }), 'train.py');
    expect(proposal.text).toMatch(/^# resources: \{gpus_per_trial: 1\}/m);
    expect(proposal.notes.join('\n')).toMatch(/imports torch/);
  });

  it('quotes what YAML or the command splitter would misread', () => {
    const { spec } = checked(
      inspection([argument({ dest: 'mode', type: 'str', choices: ['yes', 'no', 'a b', '1.5'], default: 'yes' })], ['val_loss']),
      "it's {weird}.py",
    );
    expect(param(spec, 'mode')).toMatchObject({ choices: ['yes', 'no', 'a b', '1.5'] });
    // Braces in the file name are doubled in the template, so the rendered argv names the file as it is.
    expect(renderCommand(spec.command, { config: { mode: 'a b' }, space: spec.space, trialId: '1', trialDir: '/t' })).toEqual(['python3', "it's {weird}.py", '--mode=a b']);
  });
});

describe('names', () => {
  it('names the study after the folder and the script', () => {
    expect(studyNameFor('/w/examples/digits/train.py')).toBe('digits-train');
    expect(studyNameFor('/w/my project/train v2.py')).toBe('my-project-train-v2');
    expect(studyNameFor('train.py')).toBe('train');
    expect(studyNameFor('/w/digits/train.py', 'train-2.rung.yaml')).toBe('digits-train-2');
  });

  it('never reuses an existing study file name', () => {
    const taken = new Set(['train.rung.yaml', 'train-2.rung.yaml']);
    expect(studyFileNameFor('/w/train.py', (f) => taken.has(f))).toBe('train-3.rung.yaml');
    expect(studyFileNameFor('/w/train.py', () => false)).toBe('train.rung.yaml');
  });
});

describe.skipIf(python === undefined)('rung propose', () => {
  it('prints the proposal on stdout and the notes on stderr', async () => {
    const { main } = await import('../../../src/engine/cli/main');
    let stdout = '';
    let stderr = '';
    const code = await main(['propose', path.join(repoRoot, 'examples', 'digits', 'train.py'), '--python', python ?? 'python3'], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      isTty: false,
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^name: digits-train$/m);
    expect(stdout).toMatch(/^command: python3 train\.py \{args\} --epochs \{budget\}/m);
    expect(stderr).toMatch(/^note: Not tuned, kept at the script's defaults: --seed/m);
  });

  it('refuses a script with a syntax error with the line in the message', async () => {
    const { main } = await import('../../../src/engine/cli/main');
    let stderr = '';
    const code = await main(['propose', path.join(repoRoot, 'test', 'fixtures', 'scripts', 'syntax_error.py'), '--python', python ?? 'python3'], {
      stdout: () => undefined,
      stderr: (t) => (stderr += t),
      isTty: false,
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/syntax_error\.py has a syntax error at line 6/);
  });
});

/** Proposes for a fixture of test/fixtures/scripts/propose and runs the rendered command there (Debian's python3 has scikit-learn). */
async function runFixture(name: string, config: Record<string, unknown>, budget?: number, replace: Record<string, string> = {}): Promise<{ proposal: StudyProposal; spec: StudySpec; argv: string[]; stdout: string; status: number | null; stderr: string }> {
  const { proposal, spec } = await proposeFor(`test/fixtures/scripts/propose/${name}`);
  const rendered = renderCommand(spec.command, { config: config as never, space: spec.space, trialId: '1', trialDir: tempDir('rung-trial-'), ...(budget !== undefined ? { budget } : {}) });
  // As the study runs it: leading NAME=value words are the environment, then the program.
  const { env, argv: words } = splitEnvAssignments(rendered);
  const argv = words.map((w) => replace[w] ?? (w === 'python3' ? (python ?? 'python3') : w));
  const ran = spawnSync(argv[0] as string, argv.slice(1), { cwd: path.join(repoRoot, 'test/fixtures/scripts/propose'), encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  return { proposal, spec, argv, stdout: ran.stdout, stderr: ran.stderr, status: ran.status };
}

const hasSklearn = python !== undefined && spawnSync(python, ['-c', 'import sklearn, tqdm']).status === 0;

describe.skipIf(!hasSklearn)('proposals for varied real scripts, run for real', () => {
  it('argparse through parents=[...], groups, a helper, type=lambda and a custom type; --adam/--sgd sharing a dest is no warning', async () => {
    const r = await runFixture('argparse_parents.py', { 'hidden-size': 32, activation: 'tanh', alpha: 0.001, 'learning-rate-init': 0.01, 'batch-size': 64 }, 2);
    expect([...r.spec.space.params.keys()]).toEqual(['hidden-size', 'activation', 'alpha', 'learning-rate-init', 'batch-size']);
    expect(param(r.spec, 'learning-rate-init')).toMatchObject({ kind: 'float', log: true });
    expect(r.spec.metric).toMatchObject({ name: 'val_acc', goal: 'maximize' });
    expect(r.proposal.notes.join('\n')).not.toMatch(/declared more than once/);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/epoch 2 \| train_loss=[0-9.]+ \| val_acc=/);
  });

  it('options declared in loops over a dict and a list: each one tuned by its name and literal default; a loop over runtime values is named in the notes', async () => {
    const r = await runFixture('loop_options.py', { 'learning-rate-init': 0.01, alpha: 0.001, 'batch-size': 32, momentum: 0.8 }, 2);
    expect(r.spec.command).toEqual(['python3', 'loop_options.py', '{args}', '--epochs', '{budget}']);
    expect([...r.spec.space.params.keys()]).toEqual(['learning-rate-init', 'alpha', 'batch-size', 'momentum']);
    expect(param(r.spec, 'learning-rate-init')).toMatchObject({ kind: 'float', log: true, low: 3.3e-5, high: 0.03 });
    expect(r.spec.metric).toMatchObject({ name: 'val_acc', goal: 'maximize' });
    expect(r.proposal.notes.join('\n')).toContain('The reader skipped the options declared in a loop over extra.items() (line 29): its items are not literals');
    expect(r.proposal.text).toMatch(/^# .*loop over extra\.items\(\)/m);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^epoch 2 train_loss=[0-9.]+ val_acc=0\.\d+$/m);
  });

  it('config_dict.py: `for key, value in CONFIG.items(): add_argument(f"--{key}", type=type(value), default=value)` at module level', async () => {
    const r = await runFixture('config_dict.py', { learning_rate: 0.2, n_estimators: 30, max_depth: 2, subsample: 0.8 });
    expect(r.spec.command).toEqual(['python3', 'config_dict.py', '{args}']);
    expect([...r.spec.space.params.keys()]).toEqual(['learning_rate', 'n_estimators', 'max_depth', 'subsample']);
    expect(param(r.spec, 'n_estimators')).toMatchObject({ kind: 'int', log: true, low: 25, high: 400 });
    expect(r.proposal.text).toMatch(/^ {2}# min_samples_split: /m);
    expect(r.proposal.notes.join('\n')).not.toMatch(/not literals/);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^val_accuracy=0\.\d+ val_logloss=/m);
  });

  it('options declared in nested loops: one parameter per combination of the loops\' items', async () => {
    const r = await runFixture('nested_loops.py', { 'learning-rate-init': 0.01, alpha: 0.001, momentum: 0.8, hidden: 32, 'first-dropout': 0.2, 'first-units': 16, 'second-dropout': 0.1, 'second-units': 16 }, 2);
    expect(r.spec.command).toEqual(['python3', 'nested_loops.py', '{args}', '--epochs', '{budget}']);
    expect([...r.spec.space.params.keys()]).toEqual(['learning-rate-init', 'alpha', 'momentum', 'hidden', 'first-dropout', 'first-units', 'second-dropout', 'second-units']);
    expect(param(r.spec, 'first-units')).toMatchObject({ kind: 'int', log: true });
    expect(r.proposal.notes.join('\n')).not.toMatch(/loop/);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^epoch 2 train_loss=[0-9.]+ val_acc=0\.\d+$/m);
  });

  it('options declared by helpers called in loops and with literals: tuned by name, seeds and data splits kept', async () => {
    const r = await runFixture('helper_loops.py', { learning_rate_init: 0.01, alpha: 0.001, momentum: 0.8, 'batch-size': 64 }, 2);
    expect(r.spec.command).toEqual(['python3', 'helper_loops.py', '{args}', '--epochs', '{budget}']);
    expect([...r.spec.space.params.keys()]).toEqual(['learning_rate_init', 'alpha', 'momentum', 'batch-size']);
    expect(r.proposal.notes.join('\n')).toMatch(/Not tuned, kept at the script's defaults: --validation_fraction .*--seed \(a random seed\)/);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^epoch 2 train_loss=[0-9.]+ val_acc=0\.\d+$/m);
  });

  it.skipIf(!hasClick)('click options from loops, option lists and decorators; a loop over runtime values is named in the notes', async () => {
    const r = await runFixture('click_loop_options.py', { 'learning-rate-init': 0.01, alpha: 0.001, 'batch-size': 32, momentum: 0.8 }, 2);
    expect(r.spec.command).toEqual(['python3', 'click_loop_options.py', '{args}', '--epochs', '{budget}']);
    expect([...r.spec.space.params.keys()]).toEqual(['learning-rate-init', 'alpha', 'batch-size', 'momentum']);
    const notes = r.proposal.notes.join('\n');
    expect(notes).toMatch(/Not tuned, kept at the script's defaults: --seed \(a random seed\), --validation-fraction/);
    expect(notes).toContain('The reader skipped the options declared in a loop over EXTRA.items() (line 64): its items are not literals');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^epoch 2 train_loss=[0-9.]+ val_acc=0\.\d+$/m);
  });

  it('a nested argparse sub-command: `model train` on the command line, each parser\'s options after its own name', async () => {
    const r = await runFixture('nested_subcommands.py', { loss: 'log_loss', alpha: 0.001, eta0: 0.05 }, 2);
    expect(r.spec.command).toEqual(['python3', 'nested_subcommands.py', 'model', '--loss={loss}', 'train', '--alpha={alpha}', '--eta0={eta0}', '--epochs', '{budget}']);
    expect(r.proposal.notes.join('\n')).toContain('the command runs model train (its name looks like training); the options of data download, model evaluate are not read');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^epoch=2 val_acc=0\.\d+$/m);
  });

  it.skipIf(!hasClick)('a command of a nested click group: the group options between the names', async () => {
    const r = await runFixture('click_groups.py', { loss: 'modified_huber', alpha: 0.001, eta0: 0.05 }, 2);
    expect(r.spec.command).toEqual(['python3', 'click_groups.py', 'model', '--loss={loss}', 'train', '--alpha={alpha}', '--eta0={eta0}', '--epochs', '{budget}']);
    expect(r.proposal.notes.join('\n')).toContain('several click commands (model train, model evaluate, export): the command runs the sub-command model train');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^epoch=2 val_acc=0\.\d+$/m);
  });

  it('loguru: the names of f-string and lazy `{}` messages; the engine reads them (and the epoch) behind loguru\'s prefix', async () => {
    const { spec, proposal } = await proposeFor('test/fixtures/scripts/propose/loguru_train.py');
    expect(spec.metric).toMatchObject({ name: 'val_loss', goal: 'minimize' });
    expect(proposal.text).toMatch(/^metric: .*also printed: train_loss/m);
    expect(spec.command).toEqual(['python3', 'loguru_train.py', '{args}', '--epochs', '{budget}']);
    // What loguru prints to stderr with its default format for lines 23 and 24.
    const debug = parseAutoLine('2024-01-02 12:34:56.789 | DEBUG    | __main__:train:23 - epoch 3 train_loss=0.3833');
    const info = parseAutoLine('2024-01-02 12:34:56.789 | INFO     | __main__:train:24 - epoch 3 val_loss=0.3670');
    expect(debug).toEqual({ values: { epoch: 3, train_loss: 0.3833 }, step: 3 });
    expect(info).toEqual({ values: { epoch: 3, val_loss: 0.367 }, step: 3 });
    expect(parseAutoLine('2024-01-02 12:34:56.789 | SUCCESS  | __main__:train:27 - new best model at epoch 3')).toBeUndefined();
  });

  it("a typer app's callback options: before the command's name, tuned or kept by the same rules as the command's", async () => {
    const { spec, proposal } = await proposeFor('test/fixtures/scripts/propose/typer_callback.py');
    expect(spec.command).toEqual(['python3', 'typer_callback.py', '--learning-rate={learning-rate}', 'fit', '--weight-decay={weight-decay}', '--warmup-ratio={warmup-ratio}', '--epochs', '{budget}']);
    expect(param(spec, 'learning-rate')).toMatchObject({ kind: 'float', log: true, low: 1e-5, high: 0.009 });
    expect(proposal.notes.join('\n')).toContain('Not tuned, kept at the script\'s defaults: --seed (a random seed), --data-dir (a path)');
  });

  it('a command of a typer sub-app: both names in the command', async () => {
    const { spec } = await proposeFor('test/fixtures/scripts/propose/typer_subapp.py');
    expect(spec.command).toEqual(['python3', 'typer_subapp.py', 'model', 'fit', '{args}', '--epochs', '{budget}']);
    expect([...spec.space.params.keys()]).toEqual(['lr', 'weight-decay', 'warmup-ratio']);
  });

  it('nargs="+" hidden sizes: one parameter per value, passed together after the option', async () => {
    const r = await runFixture('nargs_hidden.py', { 'hidden-sizes_1': 32, 'hidden-sizes_2': 16, lr: 0.001, 'weight-decay': 0.0001, shuffle: false, momentum: 0.5 }, 2);
    expect(param(r.spec, 'hidden-sizes_1')).toMatchObject({ kind: 'int', log: true, low: 32, high: 512 });
    expect(param(r.spec, 'hidden-sizes_2')).toMatchObject({ kind: 'int', log: true, low: 16, high: 256 });
    expect(r.argv.slice(2, 5)).toEqual(['--hidden-sizes', '32', '16']);
    expect(r.spec.metric).toMatchObject({ name: 'valid_mse', goal: 'minimize' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Epoch 1: train loss [0-9.]+, valid mse [0-9.]+$/m);
  });

  it('sys.argv words: a tuned one as {name} in its place, one without a default as a placeholder; cross-validation reads as validation', async () => {
    const r = await runFixture('sys_argv.py', { C: 0.5 }, undefined, { MAX_ITER: '500' });
    expect(r.spec.command).toEqual(['python3', 'sys_argv.py', '{C}', 'MAX_ITER']);
    expect(param(r.spec, 'C')).toMatchObject({ kind: 'float', log: true, low: 0.01, high: 100 });
    const notes = r.proposal.notes.join('\n');
    expect(notes).toContain('sys.argv[2] with no default: replace MAX_ITER');
    expect(notes).toContain('so accuracy is taken as a validation score');
    expect(notes).not.toMatch(/No validation metric/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^cv accuracy: 0\.\d+$/m);
  });

  it('environment variables: tuned ones set as NAME=value words before the interpreter', async () => {
    const r = await runFixture('env_vars.py', { n_estimators: 20, max_depth: 4, min_samples_leaf: 2 });
    expect(r.spec.command).toEqual(['N_ESTIMATORS={n_estimators}', 'MAX_DEPTH={max_depth}', 'MIN_SAMPLES_LEAF={min_samples_leaf}', 'python3', 'env_vars.py']);
    expect(param(r.spec, 'n_estimators')).toMatchObject({ kind: 'int', log: true, low: 25, high: 400 });
    expect(r.spec.metric).toMatchObject({ name: 'cv_accuracy', goal: 'maximize' });
    const notes = r.proposal.notes.join('\n');
    expect(notes).toContain('$SEED (a random seed)');
    expect(notes).toMatch(/sets them before the interpreter/);
    // The python3 after the assignments is still the one Rung's --python replaces.
    expect(r.proposal.text).toMatch(/python3 = the interpreter/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^cv_accuracy=0\.\d+ cv_std=/m);
  });

  it("scikit-learn's C on a log scale; CV folds and n_jobs are not tuned; a cross-validated F1 is the metric", async () => {
    const r = await runFixture('sklearn_cv.py', { C: 3, kernel: 'linear' });
    expect(param(r.spec, 'C')).toMatchObject({ kind: 'float', log: true, low: 0.033, high: 30 });
    expect(r.spec.metric).toMatchObject({ name: 'F1', goal: 'maximize' });
    expect(r.proposal.notes.join('\n')).toContain('--folds (cross-validation folds');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^F1: 0\.\d+/m);
  });
});

const hasAbsl = hasSklearn && spawnSync(python ?? 'python3', ['-c', 'import absl.flags']).status === 0;

describe.skipIf(python === undefined)('absl flags', () => {
  it('DEFINE_float/integer/enum/enum_class/bool/multi_* (by alias, keywords): tuned by name, --name=value, bools on/off, required --out_dir {trial_dir}', async () => {
    const { proposal, spec } = await proposeFor('test/fixtures/scripts/propose/absl_train.py');
    expect(spec.command).toEqual([
      'python3', 'absl_train.py', '--out_dir', '{trial_dir}', '--eta0={eta0}', '--alpha={alpha}', '--batch_size={batch_size}', '--penalty={penalty}', '--loss={loss}', '{average}', '--hidden', '{hidden_1}', '--epochs', '{budget}',
    ]);
    expect(param(spec, 'eta0')).toMatchObject({ kind: 'float', log: true });
    expect(param(spec, 'penalty')).toMatchObject({ kind: 'categorical', choices: ['l2', 'l1', 'elasticnet'] });
    expect(param(spec, 'loss')).toMatchObject({ kind: 'categorical', choices: ['HINGE', 'LOG_LOSS'] }); // absl takes enum_class members by name
    expect(param(spec, 'average')).toMatchObject({ kind: 'categorical', flag: true });
    expect(spec.metric).toMatchObject({ name: 'val_acc', goal: 'maximize' });
    const notes = proposal.notes.join('\n');
    expect(notes).toContain('--seed (a random seed)');
    expect(notes).toMatch(/On\/off flags are not tuned: --shuffle/);
    expect(notes).not.toMatch(/does not read/);
  });

  it.skipIf(!hasAbsl)('the proposed command runs the absl script for real', async () => {
    const r = await runFixture('absl_train.py', { eta0: 0.01, alpha: 0.0001, batch_size: 32, penalty: 'l1', loss: 'LOG_LOSS', average: true, hidden_1: 16 }, 2);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^epoch=2 val_acc=0\.\d+$/m);
  });
});

describe.skipIf(python === undefined)('LightningCLI (read only: lightning is not installed)', () => {
  it('the model\'s (from model.py) and the datamodule\'s __init__ parameters as --model.* and --data.*, `fit`, --trainer.max_epochs as the budget', async () => {
    const { proposal, spec } = await proposeFor('test/fixtures/scripts/propose/lightning_cli/train.py');
    expect(spec.command).toEqual(['python3', 'train.py', 'fit', '{args}', '--trainer.max_epochs', '{budget}']);
    expect([...spec.space.params.keys()]).toEqual(['model.hidden_dim', 'model.learning_rate', 'model.weight_decay', 'model.dropout', 'model.optimizer', 'model.use_batchnorm', 'data.batch_size']);
    expect(param(spec, 'model.learning_rate')).toMatchObject({ kind: 'float', log: true, low: 3.3e-5, high: 0.03 });
    expect(param(spec, 'model.optimizer')).toMatchObject({ kind: 'categorical', choices: ['adam', 'sgd'] });
    expect(param(spec, 'model.use_batchnorm')).toMatchObject({ kind: 'categorical', choices: [true, false] }); // --model.use_batchnorm=true|false
    expect(param(spec, 'data.batch_size')).toMatchObject({ kind: 'categorical', choices: [8, 16, 32, 64, 128] });
    expect(spec.scheduler).toMatchObject({ type: 'asha', maxBudget: 20 }); // trainer_defaults={"max_epochs": 20}
    expect(spec.metric).toMatchObject({ name: 'val_loss', goal: 'minimize' }); // self.log(..., prog_bar=True) in model.py
    expect(proposal.text).toMatch(/^metric: .*# printed at model\.py line 34; also printed: val_acc$/m);
    const notes = proposal.notes.join('\n');
    expect(notes).toContain('--data.seed (a random seed)');
    expect(notes).toContain('read the options of LitClassifier from model.py');
    // {args} renders what jsonargparse takes: --model.learning_rate=0.01 after `fit`.
    const argv = renderCommand(spec.command, { config: { 'model.hidden_dim': 64, 'model.learning_rate': 0.01, 'model.weight_decay': 0.001, 'model.dropout': 0.2, 'model.optimizer': 'sgd', 'model.use_batchnorm': true, 'data.batch_size': 16 } as never, space: spec.space, trialId: '1', trialDir: '/tmp/t', budget: 3 });
    expect(argv.slice(2, 5)).toEqual(['fit', '--model.hidden_dim=64', '--model.learning_rate=0.01']);
    expect(argv).toContain('--model.use_batchnorm=true');
    expect(argv.slice(-2)).toEqual(['--trainer.max_epochs', '3']);
  });
});

describe.skipIf(python === undefined)('proposals for varied scripts, read only (their libraries are not installed)', () => {
  it('HfArgumentParser dataclasses: fields as options, TrainingArguments\' usual ones, --output_dir {trial_dir}, eval_loss', async () => {
    const { proposal, spec } = await proposeFor('test/fixtures/scripts/propose/hf_dataclass.py');
    expect(spec.command).toEqual(['python3', 'hf_dataclass.py', '--output_dir', '{trial_dir}', '{args}', '--num_train_epochs', '{budget}']);
    expect([...spec.space.params.keys()]).toEqual(expect.arrayContaining(['dropout', 'learning_rate', 'weight_decay', 'per_device_train_batch_size']));
    expect(param(spec, 'per_device_train_batch_size')).toMatchObject({ kind: 'categorical', choices: [2, 4, 8, 16, 32] });
    expect(spec.metric).toMatchObject({ name: 'eval_loss', goal: 'minimize' });
    expect(proposal.notes.join('\n')).toMatch(/--eval_strategy epoch/);
  });

  it("HfArgumentParser in a run_glue-style script (`if training_args.do_train:`): the command passes --do_train and --do_eval", async () => {
    const source = [
      'from dataclasses import dataclass, field',
      'from transformers import HfArgumentParser, Trainer, TrainingArguments',
      '@dataclass',
      'class ModelArguments:',
      '    model_name_or_path: str = field(default="distilbert-base-uncased")',
      '    dropout: float = 0.1',
      'def main():',
      '    parser = HfArgumentParser((ModelArguments, TrainingArguments))',
      '    model_args, training_args = parser.parse_args_into_dataclasses()',
      '    trainer = Trainer(model=None, args=training_args)',
      '    if training_args.do_train:',
      '        trainer.train()',
      '    if training_args.do_eval:',
      '        metrics = trainer.evaluate()',
      '        trainer.log_metrics("eval", metrics)',
      'main()',
      '',
    ].join('\n');
    const script = path.join(repoRoot, 'test/fixtures/scripts/propose/hf_dataclass.py');
    const read = await inspectScript(script, { python: python ?? 'python3', readerPath, source });
    const { proposal, spec } = checked(read, 'run_glue.py');
    expect(spec.command).toEqual(['python3', 'run_glue.py', '--output_dir', '{trial_dir}', '--do_train', '--do_eval', '{args}', '--num_train_epochs', '{budget}']);
    expect([...spec.space.params.keys()]).not.toContain('do_train');
    const notes = proposal.notes.join('\n');
    expect(notes).toContain('The command passes --do_train and --do_eval');
    expect(notes).not.toMatch(/replace .* in command/);
  });

  it("flax's examples: a required --workdir gets {trial_dir}, a required ml_collections --config a placeholder, and the notes say how to tune its values", async () => {
    const source = [
      'from absl import app, flags',
      'from ml_collections import config_flags',
      'FLAGS = flags.FLAGS',
      "flags.DEFINE_string('workdir', None, 'Directory to store model data.')",
      "config_flags.DEFINE_config_file('config', None, 'File path to the training hyperparameter configuration.', lock_config=True)",
      'def main(argv):',
      '    for epoch in range(1, FLAGS.config.num_epochs + 1):',
      "        print(f'epoch: {epoch}, val_loss: {0.1:.4f}')",
      "if __name__ == '__main__':",
      "    flags.mark_flags_as_required(['config', 'workdir'])",
      '    app.run(main)',
      '',
    ].join('\n');
    const script = path.join(repoRoot, 'test/fixtures/scripts/propose/absl_train.py');
    const read = await inspectScript(script, { python: python ?? 'python3', readerPath, source });
    expect(read.arguments.map((a) => [a.dest, a.type, a.required, a.hasDefault])).toEqual([
      ['workdir', 'str', true, false],
      ['config', 'path', true, false],
    ]);
    const { proposal, spec } = checked(read, 'main.py');
    expect(spec.command).toEqual(['python3', 'main.py', '--workdir', '{trial_dir}', '--config', 'CONFIG']);
    const notes = proposal.notes.join('\n');
    expect(notes).toContain('The script needs --config: replace CONFIG');
    expect(notes).toContain('--config is an ml_collections config (config_flags.DEFINE_config_file): its values are not read');
    expect(notes).toContain('--config.learning_rate={config.learning_rate}');
  });

  it('tyro and simple_parsing dataclasses, python-fire functions', async () => {
    const tyro = await proposeFor('test/fixtures/scripts/propose/tyro_config.py');
    expect(tyro.spec.command).toEqual(['python3', 'tyro_config.py', '--out-dir', '{trial_dir}/cnn', '{args}', '--epochs', '{budget}']); // out_dir: str = "runs/cnn"
    expect([...tyro.spec.space.params.keys()]).toEqual(['lr', 'weight-decay', 'batch-size', 'num-layers', 'optimizer']);
    expect(param(tyro.spec, 'optimizer')).toMatchObject({ kind: 'categorical', choices: ['adamw', 'sgd'] });
    const sp = await proposeFor('test/fixtures/scripts/propose/simple_parsing_cfg.py');
    expect([...sp.spec.space.params.keys()]).toEqual(['learning_rate', 'batch_size', 'hidden_units', 'dropout']);
    expect(sp.spec.command).toEqual(['python3', 'simple_parsing_cfg.py', '{args}', '--num_epochs', '{budget}']);
    const fire = await proposeFor('test/fixtures/scripts/propose/fire_train.py');
    expect([...fire.spec.space.params.keys()]).toEqual(['lr', 'batch_size', 'dropout', 'l2']);
    expect(fire.spec.command).toEqual(['python3', 'fire_train.py', '{args}', '--epochs', '{budget}']);
    expect(fire.proposal.notes.join('\n')).not.toMatch(/does not read/);
  });

  it('XGBoost and LightGBM: the printed eval metric, sampling fractions in [0.5, 1], boosting rounds and early stopping left alone', async () => {
    const xgb = await proposeFor('test/fixtures/scripts/propose/xgboost_train.py');
    expect(xgb.spec.metric).toMatchObject({ name: 'eval-rmse', goal: 'minimize' });
    expect(param(xgb.spec, 'subsample')).toMatchObject({ kind: 'float', low: 0.5, high: 1 });
    const xgbNotes = xgb.proposal.notes.join('\n');
    expect(xgbNotes).toContain('--early_stopping_rounds (early stopping');
    expect(xgbNotes).toContain('--num_boost_round looks like a training length');
    const lgb = await proposeFor('test/fixtures/scripts/propose/lightgbm_train.py');
    expect(lgb.spec.metric).toMatchObject({ name: 'valid_auc', goal: 'maximize' });
    expect(param(lgb.spec, 'feature-fraction')).toMatchObject({ kind: 'float', low: 0.5, high: 1 });
    expect(param(lgb.spec, 'min-data-in-leaf')).toMatchObject({ kind: 'int', log: true, low: 5, high: 80 });
  });

  it('Keras fit, Lightning prog_bar logs, typer Annotated, click ranges: the metric each prints', async () => {
    expect((await proposeFor('test/fixtures/scripts/propose/keras_fit.py')).spec.metric).toMatchObject({ name: 'val_loss' });
    expect((await proposeFor('test/fixtures/scripts/propose/lightning_module.py')).spec.command).toEqual(['python3', 'lightning_module.py', '{args}', '--max_epochs', '{budget}']);
    const typer = await proposeFor('test/fixtures/scripts/propose/typer_annotated.py');
    expect(typer.spec.command).toEqual(['python3', 'typer_annotated.py', 'train', 'DATA', '{args}', '--epochs', '{budget}']);
    expect(typer.spec.metric).toMatchObject({ name: 'val_top1', goal: 'maximize' });
    expect((await proposeFor('test/fixtures/scripts/propose/click_torch.py')).spec.metric).toMatchObject({ name: 'val_loss', goal: 'minimize' });
  });
});

describe.skipIf(python === undefined)('options declared in the script\'s own modules', () => {
  it('get_parser() imported from options.py: its options and its helper\'s, not those of a parser train.py does not use; run for real', async () => {
    const { proposal, spec } = await proposeFor('test/fixtures/scripts/propose/imported_parser/train.py');
    expect(spec.command).toEqual(['python3', 'train.py', '{args}', '--epochs', '{budget}']);
    expect([...spec.space.params.keys()]).toEqual(['weight-decay', 'dropout', 'lr']);
    expect(param(spec, 'lr')).toMatchObject({ kind: 'float', log: true });
    expect(spec.metric).toMatchObject({ name: 'val_loss', goal: 'minimize' });
    const notes = proposal.notes.join('\n');
    expect(notes).toContain('Also read options from options.py (get_parser).');
    expect(notes).not.toMatch(/checkpoint|not read/);
    const rendered = renderCommand(spec.command, { config: { 'weight-decay': 0.001, dropout: 0.2, lr: 0.1 } as never, space: spec.space, trialId: '1', trialDir: tempDir('rung-trial-'), budget: 2 });
    const ran = spawnSync(python ?? 'python3', rendered.slice(1), { cwd: path.join(repoRoot, 'test/fixtures/scripts/propose/imported_parser'), encoding: 'utf8', timeout: 20_000 });
    expect(ran.stderr).toBe('');
    expect(ran.status).toBe(0);
    expect(ran.stdout).toMatch(/^epoch 2 train_loss=[0-9.]+ val_loss=[0-9.]+$/m);
  });

  it('helpers from a package: re-exported by utils/__init__.py, through `import utils.optim as optim`, and one that module imports', async () => {
    const { proposal, spec } = await proposeFor('test/fixtures/scripts/propose/pkg_args/train.py');
    expect(spec.command).toEqual(['python3', 'train.py', '{args}', '--epochs', '{budget}']);
    expect([...spec.space.params.keys()]).toEqual(['hidden', 'activation', 'lr', 'momentum']);
    expect(proposal.text).toContain('warmup-steps'); // read from utils/schedule.py, kept at its default
    expect(param(spec, 'activation')).toMatchObject({ kind: 'categorical', choices: ['relu', 'tanh'] });
    const notes = proposal.notes.join('\n');
    expect(notes).toContain('read options from utils/optim.py (add_optim_args)');
    expect(notes).toContain('read options from utils/args.py (add_model_args)');
  });

  it('relative imports in a package: a module-level parser of a sibling module and a helper from the package above', async () => {
    const script = path.join(repoRoot, 'test/fixtures/scripts/propose/pkg_args/trainer/fit.py');
    const inspection = await inspectScript(script, { python: python ?? 'python3', readerPath });
    expect(inspection.arguments.map((a) => a.dest)).toEqual(['hidden', 'activation', 'batch_size', 'label_smoothing']);
    expect(inspection.warnings).toContain('read options from hparams.py (parser)');
  });
});
