/**
 * The static script reader (python/rung/inspect_script.py) run by a real interpreter through
 * inspectScript(), on fixture scripts under test/fixtures/scripts/. None of the fixtures is ever run:
 * side_effects.py proves it, and click/typer fixtures are read whether or not those libraries are installed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ScriptInspectionError,
  findInspectorScript,
  inspectScript,
  parseInspectorOutput,
  type ScriptArgument,
  type ScriptInspection,
} from '../../../src/engine/tune/inspectScript';
import { metricValue, parseAutoLine } from '../../../src/engine/metrics/createMetricParser';
import { parseKeyValueLine } from '../../../src/engine/metrics/formats/keyValue';
import { TableReader } from '../../../src/engine/metrics/formats/table';
import { findPython } from '../../helpers/python';
import { repoRoot, tempDir } from '../../helpers/studyFixture';

const python = findPython();
const readerPath = path.join(repoRoot, 'python', 'rung', 'inspect_script.py');
const fixture = (name: string): string => path.join(repoRoot, 'test', 'fixtures', 'scripts', name);

async function inspect(name: string, extra: { source?: string } = {}): Promise<ScriptInspection> {
  return inspectScript(fixture(name), { python: python ?? 'python3', readerPath, ...extra });
}

function arg(inspection: ScriptInspection, dest: string): ScriptArgument {
  const found = inspection.arguments.find((a) => a.dest === dest);
  if (found === undefined) throw new Error(`no argument ${dest} in ${inspection.arguments.map((a) => a.dest).join(', ')}`);
  return found;
}

describe.skipIf(python === undefined)('inspect_script.py', () => {
  it('is found next to the engine sources', () => {
    expect(findInspectorScript(path.join(repoRoot, 'src', 'engine', 'tune'))).toBe(readerPath);
    expect(findInspectorScript(path.join(repoRoot, 'dist'))).toBe(readerPath);
  });

  it('reads argparse types, defaults, choices, flags and set_defaults', async () => {
    const r = await inspect('argparse_full.py');
    expect(r.frameworks).toEqual(['argparse']);
    expect(arg(r, 'lr')).toMatchObject({ flags: ['--lr', '--learning-rate'], type: 'float', default: 3e-4, defaultText: 'DEFAULT_LR', help: 'peak learning rate' });
    expect(arg(r, 'hidden_size')).toMatchObject({ flags: ['--hidden-size'], type: 'int', default: 128 });
    expect(arg(r, 'num_layers').default).toBe(3); // set_defaults wins over default=2
    expect(arg(r, 'batch_size')).toMatchObject({ flags: ['-b', '--batch-size'], type: 'int', default: 64 });
    expect(arg(r, 'optimizer')).toMatchObject({ type: 'str', choices: ['adam', 'sgd', 'rmsprop'], default: 'adam' });
    expect(arg(r, 'activation')).toMatchObject({ type: 'str', choices: null, default: 'relu' });
    expect(arg(r, 'amp')).toMatchObject({ type: 'bool', flag: true, action: 'store_true', default: false });
    expect(arg(r, 'shuffle')).toMatchObject({ flags: ['--no-shuffle'], type: 'bool', flag: true, action: 'store_false', default: true });
    expect(arg(r, 'use_bn')).toMatchObject({ type: 'bool', flag: false, default: true, typeText: 'str2bool' });
    expect(arg(r, 'layer_sizes')).toMatchObject({ nargs: '+', default: [64, 32] });
    expect(arg(r, 'output')).toMatchObject({ required: true, hasDefault: false });
    expect(arg(r, 'warmup').default).toBe(0.125); // 2 ** -3 evaluated
    expect(arg(r, 'label_smoothing')).toMatchObject({ flags: ['--label-smoothing'], default: 0.05 }); // from an argument group
    expect(r.metrics.map((m) => m.name)).toEqual(['epoch', 'train_loss', 'val_loss', 'val_acc', 'val_f1']);
    expect(r.metrics.find((m) => m.name === 'val_loss')?.line).toBe(50);
  });

  it("reads the options of the argparse sub-command that looks like training, and marks the main parser's", async () => {
    const r = await inspect('argparse_subparsers.py');
    expect(r.subcommand).toBe('train');
    // --hidden comes from an argument group of the train parser; eval's --checkpoint is not read.
    expect(r.arguments.map((a) => [a.dest, a.beforeSubcommand ?? false])).toEqual([
      ['lr', true],
      ['epochs', false],
      ['hidden', false],
    ]);
    expect(r.warnings).toEqual(['the script has argparse sub-commands (train, eval): the command runs train (its name looks like training); the options of eval are not read']);
    expect(r.metrics.map((m) => m.name)).toEqual(['val_loss']);
  });

  it('follows sub-command parsers through helpers, parents=[...] and set_defaults, and else picks the one with the most numeric options', async () => {
    const r = await inspect('no_args.py', {
      source: [
        'import argparse',
        'def add_model_args(p):',
        '    g = p.add_argument_group("model")',
        '    g.add_argument("--hidden", type=int, default=64)',
        '    p.add_argument("--dropout", type=float, default=0.1)',
        'def build():',
        '    common = argparse.ArgumentParser(add_help=False)',
        '    common.add_argument("--seed", type=int, default=0)',
        '    parser = argparse.ArgumentParser()',
        '    parser.add_argument("--data", default="d")',
        '    sub = parser.add_subparsers(dest="cmd", required=True)',
        '    ev = sub.add_parser("evaluate", parents=[common])',
        '    ev.add_argument("--batch", type=int, default=8)',
        '    run = sub.add_parser("solve", parents=[common])',
        '    run.add_argument("--lr", type=float, default=1e-3)',
        '    run.set_defaults(lr=0.01)',
        '    add_model_args(run)',
        '    sub.add_parser("export").add_argument("--format", default="onnx")',
        '    return parser',
        '',
      ].join('\n'),
    });
    expect(r.subcommand).toBe('solve');
    expect(r.arguments.map((a) => [a.dest, a.default, a.beforeSubcommand ?? false])).toEqual([
      ['hidden', 64, false],
      ['dropout', 0.1, false],
      ['seed', 0, false], // from parents=[common]: an option of the sub-command, not of the main parser
      ['data', 'd', true],
      ['lr', 0.01, false], // run.set_defaults(lr=0.01) wins over default=1e-3
    ]);
    expect(r.warnings).toEqual([
      'the script has argparse sub-commands (evaluate, solve, export): the command runs solve (none is named like training; it has the most numeric options: check that it is the one that trains); the options of evaluate, export are not read',
    ]);
    // A name that says training wins over more numeric options; aliases count too.
    const named = await inspect('no_args.py', {
      source: 'import argparse\np = argparse.ArgumentParser()\ns = p.add_subparsers()\na = s.add_parser("bench")\na.add_argument("--n", type=int, default=1)\na.add_argument("--k", type=int, default=1)\nb = s.add_parser("go", aliases=["fine-tune"])\nb.add_argument("--lr", type=float, default=0.1)\n',
    });
    expect(named.subcommand).toBe('go');
    // `run` (a name that runs something) wins over more numeric options, but not over a training name.
    const running = await inspect('no_args.py', {
      source: 'import argparse\np = argparse.ArgumentParser()\ns = p.add_subparsers()\na = s.add_parser("bench")\na.add_argument("--n", type=int, default=1)\na.add_argument("--k", type=int, default=1)\nb = s.add_parser("run")\nb.add_argument("--lr", type=float, default=0.1)\n',
    });
    expect(running.subcommand).toBe('run');
    expect(running.warnings[0]).toMatch(/the command runs run \(none is named like training; its name says it runs something: check that it is the one that trains\)/);
    const both = await inspect('no_args.py', { source: 'import argparse\np = argparse.ArgumentParser()\ns = p.add_subparsers()\ns.add_parser("run").add_argument("--n", type=int, default=1)\ns.add_parser("fit").add_argument("--lr", type=float, default=0.1)\n' });
    expect(both.subcommand).toBe('fit');
    expect(named.arguments.map((a) => a.dest)).toEqual(['lr']);
  });

  it('reads options declared in a loop over a literal dict or list, and skips a loop over values only known at run time', async () => {
    const r = await inspect('propose/loop_options.py');
    expect(r.arguments.map((a) => [a.flags[0], a.type, a.default])).toEqual([
      ['--learning-rate-init', 'float', 0.001],
      ['--alpha', 'float', 0.0001],
      ['--batch-size', 'int', 64],
      ['--epochs', 'int', 10],
      ['--activation', 'str', 'relu'],
      ['--momentum', 'float', 0.9], // `0.9 if k == "momentum" else 0.2` for that item
      ['--validation_fraction', 'float', 0.2],
      ['--seed', 'int', 0],
    ]);
    expect(arg(r, 'learning_rate_init')).toMatchObject({ typeText: 'type(default)', help: 'learning_rate_init (default 0.001)', line: 24 });
    expect(r.warnings).toEqual([
      'skipped the options declared in a loop over extra.items() (line 29): its items are not literals, so their names and defaults are unknown; add them by hand',
    ]);
  });

  it('unrolls the usual spellings of an options loop (tuples, zip, enumerate, range, dict(), names bound in the function, %, format, str methods)', async () => {
    const r = await inspect('no_args.py', {
      source: [
        'import argparse',
        'SEARCH = {"lr": (float, 3e-4, "peak lr"), "warmup_steps": (int, 500, "warmup")}',
        'NAMES = ["dropout", "attn_dropout"]',
        'DEFAULTS = {"dropout": 0.1, "attn_dropout": 0.0}',
        'def build():',
        '    parser = argparse.ArgumentParser()',
        '    group = parser.add_argument_group("optim")',
        '    for name, (typ, default, help_) in SEARCH.items():',
        '        group.add_argument("--{}".format(name.replace("_", "-")), type=typ, default=default, help=help_)',
        '    for name in NAMES:',
        '        parser.add_argument(f"--{name}", type=float, default=DEFAULTS[name])',
        '    for flag, default in [("--num-layers", 6), ("--hidden-size", 512)]:',
        '        parser.add_argument(flag, type=int, default=default)',
        '    for opt, val in zip(["--batch-size", "--epochs"], [32, 20]):',
        '        parser.add_argument(opt, type=int, default=val)',
        '    defaults = dict(weight_decay=0.01, use_amp=False)',
        '    for k, v in sorted(defaults.items()):',
        '        parser.add_argument("--%s" % k, type=type(v), default=v)',
        '    for k in defaults.keys():',
        '        parser.add_argument("--" + k.upper(), type=str)',
        '    for outer in ["a", "b"]:',
        '        for inner in ["x", "y"]:',
        '            parser.add_argument(f"--{outer}-{inner}", type=float)',
        '    for k, v in vars(build).items():',
        '        parser.add_argument("--" + k, default=v)',
        '    for i, n in enumerate(["conv", "fc"]):',
        '        parser.add_argument(f"--{n}-dropout", type=float, default=0.1 * (i + 1))',
        '    for i in range(2):',
        '        parser.add_argument(f"--layer{i}-units", type=int, default=64)',
        '    return parser',
        '',
      ].join('\n'),
    });
    expect(r.arguments.map((a) => [a.flags[0], a.type, a.default])).toEqual([
      ['--lr', 'float', 3e-4],
      ['--warmup-steps', 'int', 500],
      ['--dropout', 'float', 0.1],
      ['--attn_dropout', 'float', 0],
      ['--num-layers', 'int', 6],
      ['--hidden-size', 'int', 512],
      ['--batch-size', 'int', 32],
      ['--epochs', 'int', 20],
      ['--use_amp', 'bool', false], // sorted(...): in the order of the keys
      ['--weight_decay', 'float', 0.01],
      ['--WEIGHT_DECAY', 'str', null],
      ['--USE_AMP', 'str', null],
      ['--a-x', 'float', null], // nested loops: once per combination of their items
      ['--a-y', 'float', null],
      ['--b-x', 'float', null],
      ['--b-y', 'float', null],
      ['--conv-dropout', 'float', 0.1],
      ['--fc-dropout', 'float', 0.2],
      ['--layer0-units', 'int', 64],
      ['--layer1-units', 'int', 64],
    ]);
    expect(arg(r, 'lr').help).toBe('peak lr');
    expect(r.warnings).toEqual([
      'skipped the options declared in a loop over vars(build).items() (line 24): its items are not literals, so their names and defaults are unknown; add them by hand',
    ]);
  });

  it('reads a nested argparse sub-command (`model train`): each parser\'s options go after its own name', async () => {
    const r = await inspect('propose/nested_subcommands.py');
    expect(r.subcommand).toBe('model train');
    expect(r.subcommandPath).toEqual(['model', 'train']);
    expect(r.arguments.map((a) => [a.dest, a.subcommandLevel, a.beforeSubcommand ?? false])).toEqual([
      ['seed', 0, true],
      ['data_dir', 0, true],
      ['loss', 1, true],
      ['alpha', 2, false],
      ['eta0', 2, false],
      ['epochs', 2, false],
    ]);
    expect(r.warnings).toEqual([
      'the script has argparse sub-commands (data download, model train, model evaluate): the command runs model train (its name looks like training); the options of data download, model evaluate are not read',
    ]);
  });

  it('reads a command of a nested click group and a command of a typer sub-app with their whole path', async () => {
    const click = await inspect('propose/click_groups.py');
    expect(click.subcommand).toBe('model train');
    expect(click.subcommandPath).toEqual(['model', 'train']);
    expect(click.arguments.map((a) => [a.dest, a.subcommandLevel])).toEqual([
      ['seed', 0],
      ['loss', 1],
      ['alpha', 2],
      ['eta0', 2],
      ['epochs', 2],
    ]);
    expect(click.warnings).toEqual(['several click commands (model train, model evaluate, export): the command runs the sub-command model train (its name looks like training)']);
    const typer = await inspect('propose/typer_subapp.py');
    expect(typer.subcommand).toBe('model fit');
    expect(typer.subcommandPath).toEqual(['model', 'fit']);
    expect(typer.arguments.map((a) => a.dest)).toEqual(['lr', 'weight_decay', 'warmup_ratio', 'epochs']);
    expect(typer.warnings).toEqual([expect.stringMatching(/^several typer commands \(download, fit_model, predict\); .* the sub-command model fit \(its name looks like training\)$/)]);
  });

  it("reads a typer app's callback options (`@app.callback()`, `typer.Typer(callback=...)`) as given before the command's name", async () => {
    const r = await inspect('propose/typer_callback.py');
    expect(r.subcommand).toBe('fit');
    expect(r.arguments.map((a) => [a.flags[0], a.default, a.beforeSubcommand ?? false])).toEqual([
      ['--seed', 0, true],
      ['--data-dir', 'data', true],
      ['--learning-rate', 3e-4, true],
      ['--weight-decay', 1e-4, false],
      ['--warmup-ratio', 0.1, false],
      ['--epochs', 5, false],
    ]);
    expect(arg(r, 'learning_rate').flags).toEqual(['--learning-rate', '--lr']);
    // A sub-app's callback: its options go between its name and the command's.
    const nested = await inspect('no_args.py', {
      source: [
        'import typer',
        'def common(seed: int = 0):',
        '    pass',
        'app = typer.Typer(callback=common)',
        'model_app = typer.Typer()',
        'app.add_typer(model_app, name="model")',
        '@model_app.callback()',
        'def model(ctx: typer.Context, arch: str = "mlp"):',
        '    pass',
        '@model_app.command()',
        'def train(lr: float = 0.01):',
        '    pass',
        '@app.command()',
        'def download(url: str = "x"):',
        '    pass',
        '',
      ].join('\n'),
    });
    expect(nested.subcommandPath).toEqual(['model', 'train']);
    expect(nested.arguments.map((a) => [a.dest, a.subcommandLevel, a.beforeSubcommand ?? false])).toEqual([
      ['seed', 0, true],
      ['arch', 1, true],
      ['lr', undefined, false],
    ]);
  });

  it('reads click options declared in loops: decorators that loop, lists of options applied with a loop or reduce, options added to the command later', async () => {
    const r = await inspect('propose/click_loop_options.py');
    // In the order click lists them (its --help): the decorators top-down, then those added to the command.
    expect(r.arguments.map((a) => [a.flags[0], a.type, a.default])).toEqual([
      ['--learning-rate-init', 'float', 0.001],
      ['--alpha', 'float', 0.0001],
      ['--seed', 'int', 0],
      ['--validation-fraction', 'float', 0.2],
      ['--epochs', 'int', 10],
      ['--batch-size', 'int', 64],
      ['--momentum', 'float', 0.9],
    ]);
    expect(r.warnings).toEqual([
      'skipped the options declared in a loop over EXTRA.items() (line 64): its items are not literals, so their names and defaults are unknown; add them by hand',
    ]);
    const shapes = await inspect('no_args.py', {
      source: [
        'import click',
        'from click import option',
        'lr_option = click.option("--lr", type=float, default=1e-3)',
        'COMMON = [option(f"--{n}", type=int, default=d) for n, d in {"batch-size": 32, "epochs": 5}.items() if n != "skip"]',
        'def add_options(options):',
        '    def decorate(func):',
        '        for one in reversed(options):',
        '            func = one(func)',
        '        return func',
        '    return decorate',
        'def float_option(name, default):',
        '    return click.option("--" + name, type=float, default=default)',
        'def runtime_options(func):',
        '    for one in load_options():',
        '        func = one(func)',
        '    return func',
        '@click.group()',
        '@add_options([click.option(f"--{n}", default=n) for n in ("data", "cache")])',
        'def cli(data, cache):',
        '    pass',
        '@cli.command()',
        '@lr_option',
        '@float_option("wd", 0.01)',
        '@add_options(COMMON)',
        '@runtime_options',
        'def fit(**kw):',
        '    pass',
        '',
      ].join('\n'),
    });
    expect(shapes.subcommand).toBe('fit');
    expect(shapes.arguments.map((a) => [a.flags[0], a.default, a.beforeSubcommand ?? false])).toEqual([
      ['--data', 'data', true],
      ['--cache', 'cache', true],
      ['--lr', 1e-3, false],
      ['--wd', 0.01, false],
      ['--batch-size', 32, false],
      ['--epochs', 5, false],
    ]);
    expect(shapes.warnings).toEqual(['skipped the options declared in a loop over load_options() (line 14): its items are not literals, so their names and defaults are unknown; add them by hand']);
  });

  it('reads argparse options declared in nested loops, the inner loop over items of the outer one', async () => {
    const r = await inspect('propose/nested_loops.py');
    expect(r.arguments.map((a) => [a.flags[0], a.default])).toEqual([
      ['--learning-rate-init', 0.001],
      ['--alpha', 0.0001],
      ['--momentum', 0.9],
      ['--hidden', 64],
      ['--activation', 'relu'],
      ['--first-dropout', 0.1],
      ['--first-units', 32],
      ['--second-dropout', 0.1],
      ['--second-units', 32],
      ['--epochs', 10],
      ['--seed', 0],
    ]);
    expect(arg(r, 'hidden')).toMatchObject({ type: 'int', help: 'model: hidden' });
    expect(r.warnings).toEqual([]);
  });

  it('follows helpers that declare options from their parameters, called with literals, in loops and from other helpers', async () => {
    const r = await inspect('propose/helper_loops.py');
    expect(r.arguments.map((a) => [a.flags[0], a.type, a.default])).toEqual([
      ['--learning_rate_init', 'float', 0.001],
      ['--alpha', 'float', 0.0001],
      ['--momentum', 'float', 0.9],
      ['--validation_fraction', 'float', 0.2],
      ['--batch-size', 'int', 32],
      ['--epochs', 'int', 10],
      ['--seed', 'int', 0],
    ]);
    expect(arg(r, 'momentum')).toMatchObject({ help: 'momentum (default 0.9)', line: 11 });
    expect(r.warnings).toEqual([]);
    // Each call's parser: a helper given two sub-commands' parsers declares each option on its own one.
    const sub = await inspect('no_args.py', {
      source: [
        'import argparse',
        'def add(p, name, default):',
        '    p.add_argument(f"--{name}", type=type(default), default=default)',
        'def again(p, name):',
        '    again(p, name)', // calls itself: not followed forever
        '    p.add_argument("--" + name)',
        'parser = argparse.ArgumentParser()',
        'sub = parser.add_subparsers()',
        'train = sub.add_parser("train")',
        'evaluate = sub.add_parser("evaluate")',
        'for n, d in [("lr", 0.1), ("epochs", 3)]:',
        '    add(train, n, d)',
        'add(evaluate, "checkpoint", "best.pt")',
        'add(parser, "seed", 0)',
        'again(train, "tag")',
        'for n, d in load_more():',
        '    add(train, n, d)',
        'add(train, *EXTRA)',
        '',
      ].join('\n'),
    });
    expect(sub.subcommand).toBe('train');
    expect(sub.arguments.map((a) => [a.dest, a.default, a.beforeSubcommand ?? false])).toEqual([
      ['lr', 0.1, false],
      ['epochs', 3, false],
      ['seed', 0, true],
      ['tag', null, false],
    ]);
    expect(sub.warnings).toEqual([
      expect.stringMatching(/^the script has argparse sub-commands \(train, evaluate\): the command runs train/),
      'skipped the options declared in a loop over load_more() (line 16): its items are not literals, so their names and defaults are unknown; add them by hand',
      "skipped the options add() declares (line 3) when called at line 18: the call's arguments cannot be matched to its parameters; add them by hand",
    ]);
  });

  it('decides an `if`/`else` or `continue` in an options loop per item, reads assignments in its body, and spreads a helper\'s *args and **kwargs', async () => {
    const r = await inspect('no_args.py', {
      source: [
        'import argparse',
        'DEFAULTS = {"lr": 1e-3, "amp": False, "epochs": 10, "seed": 0}',
        'SPACE = {"wd": {"default": 0.01, "help": "weight decay"}}',
        'def add(p, *flags, **kwargs):',
        '    p.add_argument(*flags, **kwargs)',
        'def build():',
        '    p = argparse.ArgumentParser()',
        '    for k, v in DEFAULTS.items():',
        '        if k == "seed":',
        '            continue',
        '        if isinstance(v, bool):',
        '            p.add_argument(f"--{k}", action="store_true")',
        '        elif type(v) is int:',
        '            p.add_argument(f"--{k}", type=int, default=v)',
        '        else:',
        '            p.add_argument(f"--{k}", type=type(v), default=v)',
        '    for name, spec in SPACE.items():',
        '        default = spec["default"]',
        '        p.add_argument("--" + name, type=type(default), default=default, help=spec["help"])',
        '    add(p, "--momentum", "-m", type=float, default=0.9)',
        '    return p',
        '',
      ].join('\n'),
    });
    // In the order the loop declares them, not the order of the lines that do.
    expect(r.arguments.map((a) => [a.flags, a.type, a.default, a.action])).toEqual([
      [['--lr'], 'float', 1e-3, 'store'],
      [['--amp'], 'bool', false, 'store_true'],
      [['--epochs'], 'int', 10, 'store'],
      [['--wd'], 'float', 0.01, 'store'],
      [['--momentum', '-m'], 'float', 0.9, 'store'],
    ]);
    expect(arg(r, 'wd').help).toBe('weight decay');
    expect(r.warnings).toEqual([]);
    // A helper is matched by how it is called: `seen.add(x)` is not a call of the function add().
    const named = await inspect('no_args.py', {
      source: 'import argparse\np = argparse.ArgumentParser()\ndef add(name, default):\n    p.add_argument(f"--{name}", default=default)\nseen = set()\nseen.add("x")\nadd("lr", 0.1)\n',
    });
    expect(named.arguments.map((a) => [a.dest, a.default])).toEqual([['lr', 0.1]]);
    expect(named.warnings).toEqual([]);
  });

  it('finds click and typer commands registered in a loop (`cli.add_command(c)`, `app.command(name)(fn)`)', async () => {
    const click = await inspect('no_args.py', {
      source: [
        'import click',
        '@click.group()',
        'def cli():',
        '    pass',
        '@click.command()',
        '@click.option("--ckpt", default="x")',
        'def evaluate(ckpt):',
        '    pass',
        '@click.command()',
        '@click.option("--lr", type=float, default=0.1)',
        'def train(lr):',
        '    pass',
        'for command in (evaluate, train):',
        '    cli.add_command(command)',
        'if __name__ == "__main__":',
        '    cli()',
        '',
      ].join('\n'),
    });
    expect(click.subcommand).toBe('train');
    expect(click.arguments.map((a) => a.dest)).toEqual(['lr']);
    const typer = await inspect('no_args.py', {
      source: [
        'import typer',
        'app = typer.Typer()',
        'def evaluate(checkpoint: str = "best.pt"):',
        '    pass',
        'def train(lr: float = 0.01, epochs: int = 3):',
        '    pass',
        'for name, fn in {"eval": evaluate, "fit": train}.items():',
        '    app.command(name)(fn)',
        '',
      ].join('\n'),
    });
    expect(typer.subcommand).toBe('fit');
    expect(typer.arguments.map((a) => [a.dest, a.default])).toEqual([
      ['lr', 0.01],
      ['epochs', 3],
    ]);
  });

  it('reads click options without importing click', async () => {
    const r = await inspect('click_script.py');
    expect(r.frameworks).toEqual(['click']);
    expect(arg(r, 'lr')).toMatchObject({ type: 'float', default: 0.001 });
    expect(arg(r, 'optimizer')).toMatchObject({ choices: ['adam', 'sgd'], default: 'adam' });
    expect(arg(r, 'units')).toMatchObject({ type: 'int', default: 64, min: 8, max: 100 });
    expect(arg(r, 'epochs')).toMatchObject({ type: 'int', default: 10 });
    expect(arg(r, 'verbose')).toMatchObject({ flags: ['--verbose', '--quiet'], flag: true, type: 'bool' });
    expect(arg(r, 'debug')).toMatchObject({ flag: true, type: 'bool' });
    expect(arg(r, 'data_dir')).toMatchObject({ positional: true, required: true, type: 'path' });
    expect(r.metrics.map((m) => m.name)).toContain('val_acc');
  });

  it('reads a typer command: plain defaults, typer.Option, Annotated and Enum choices', async () => {
    const r = await inspect('typer_script.py');
    expect(r.frameworks).toEqual(['typer']);
    expect(arg(r, 'data')).toMatchObject({ positional: true, required: true, type: 'path' });
    expect(arg(r, 'learning_rate')).toMatchObject({ flags: ['--learning-rate'], type: 'float', default: 0.01 });
    expect(arg(r, 'hidden_units')).toMatchObject({ flags: ['--hidden-units'], type: 'int', default: 128, help: 'hidden units' });
    expect(arg(r, 'optimizer')).toMatchObject({ choices: ['adam', 'sgd'], default: 'adam' });
    expect(arg(r, 'epochs')).toMatchObject({ flags: ['--epochs', '-e'], default: 20 });
    expect(arg(r, 'dropout')).toMatchObject({ default: 0.2, min: 0, max: 0.6 });
    expect(arg(r, 'amp')).toMatchObject({ flags: ['--amp', '--no-amp'], flag: true, type: 'bool' });
    expect(r.metrics.map((m) => m.name)).toEqual(['epoch', 'valid_loss', 'valid_acc']);
  });

  it('finds metric names in f-strings, % and format strings, print pieces, logging, json.dumps and report()', async () => {
    const r = await inspect('metrics_forms.py');
    const names = r.metrics.map((m) => m.name);
    for (const name of ['val_acc', 'test_loss', 'val_auc', 'valid_f1', 'val_mse', 'val_top1', 'val_ppl', 'val_recall']) expect(names).toContain(name);
    expect(names).not.toContain('train.py'); // `train.py: {err}` names a file
    expect(r.arguments).toEqual([]);
  });

  it('joins a data-split word to the key after it ("Val Loss:" is val_loss), as the engine\'s parser reads it', async () => {
    const r = await inspect('split_words.py');
    const names = r.metrics.map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(['train_loss', 'val_loss', 'val_acc']));
    expect(names).not.toContain('Loss');
    expect(names).not.toContain('Acc');
    // And what the reader names is what the engine reads from the printed line.
    const record = parseKeyValueLine('Epoch 1 | Train Loss: 1.0000 | Val Loss: 0.9000 | Val Acc: 0.500');
    for (const name of ['train_loss', 'val_loss', 'val_acc']) expect(record && metricValue(record, name)).toBeDefined();
  });

  it('reports a syntax error with its line, as an error, not a crash', async () => {
    const failure = await inspect('syntax_error.py').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ScriptInspectionError);
    const error = failure as ScriptInspectionError;
    expect(error.kind).toBe('syntax');
    expect(error.line).toBe(6);
    expect(error.message).toMatch(/syntax_error\.py has a syntax error at line 6/);
    // Which Python read it: a script for a newer Python fails on an older interpreter.
    expect(error.message).toMatch(/; read as Python 3\.\d+\)/);
  });

  describe('never runs the script', () => {
    const marker = path.join(tempDir('rung-inspect-'), 'ran.txt');
    afterEach(() => {
      delete process.env['RUNG_TEST_SIDE_EFFECT_MARKER'];
    });

    it('reads a script whose import would write a file, import a missing module and exit 3', async () => {
      process.env['RUNG_TEST_SIDE_EFFECT_MARKER'] = marker;
      // Control: running it for real does write the marker (so its absence below means something).
      const control = path.join(path.dirname(marker), 'control.txt');
      const ran = spawnSync(python ?? 'python3', [fixture('side_effects.py')], { env: { ...process.env, RUNG_TEST_SIDE_EFFECT_MARKER: control }, encoding: 'utf8' });
      expect(ran.status).not.toBe(0);
      expect(existsSync(control)).toBe(true);

      const r = await inspect('side_effects.py');
      expect(existsSync(marker)).toBe(false);
      expect(r.arguments.map((a) => [a.dest, a.default])).toEqual([
        ['lr', 0.05],
        ['epochs', 12],
      ]);
    });
  });

  it('reads unsaved text from stdin instead of the file', async () => {
    const r = await inspect('no_args.py', { source: 'import argparse\np = argparse.ArgumentParser()\np.add_argument("--gamma", type=float, default=0.5)\nprint(f"val_loss={1}")\n' });
    expect(r.arguments.map((a) => a.dest)).toEqual(['gamma']);
    expect(r.metrics.map((m) => m.name)).toEqual(['val_loss']);
  });

  it('honours a PEP 263 coding line and non-ASCII help text', async () => {
    const dir = tempDir('rung-inspect-');
    const file = path.join(dir, 'latin.py');
    writeFileSync(file, Buffer.concat([Buffer.from('# -*- coding: latin-1 -*-\nimport argparse\np = argparse.ArgumentParser()\np.add_argument("--lr", type=float, default=0.1, help="taux d\'apprentissage '), Buffer.from([0xe9]), Buffer.from('")\n')]));
    const r = await inspectScript(file, { python: python ?? 'python3', readerPath });
    expect(r.arguments[0]?.help).toBe("taux d'apprentissage é");
  });

  it('reads a big script quickly: source text is not re-split for every argument', async () => {
    // 400 arguments in a 20,000-line file took over 20 s (the CLI's limit) when each default's text
    // split the whole source again (ast.get_source_segment); it takes well under a second now.
    const lines = ['import argparse', 'p = argparse.ArgumentParser()'];
    for (let i = 0; i < 400; i++) lines.push(`p.add_argument('--opt${i}', type=float, default=${i}.5 * 2)`);
    for (let i = 0; i < 20_000; i++) lines.push(`x${i} = ${i}`);
    const started = Date.now();
    const r = await inspect('no_args.py', { source: `${lines.join('\n')}\n` });
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(r.arguments).toHaveLength(400);
    expect(r.arguments[399]).toMatchObject({ dest: 'opt399', default: 799, defaultText: '399.5 * 2' });
  });

  it('converts a text default through a numeric type=, as argparse and click do', async () => {
    const r = await inspect('no_args.py', {
      source: [
        'import argparse',
        'p = argparse.ArgumentParser()',
        'p.add_argument("--lr", default="1e-3", type=float)',
        'p.add_argument("--epochs", type=int, default="12")',
        'p.add_argument("--name", default="1e-3")',
        'p.add_argument("--wd", type=float, default="none")',
        '',
      ].join('\n'),
    });
    expect(arg(r, 'lr')).toMatchObject({ type: 'float', default: 0.001, defaultText: '"1e-3"' });
    expect(arg(r, 'epochs')).toMatchObject({ type: 'int', default: 12 });
    expect(arg(r, 'name')).toMatchObject({ type: 'str', default: '1e-3' });
    expect(arg(r, 'wd')).toMatchObject({ type: 'float', default: 'none' });
  });

  it('absl flags through any name of the flags module or its functions; required ones, lists and bounds', async () => {
    const r = await inspect('no_args.py', {
      source: [
        'import absl.flags',
        'import tensorflow as tf',
        'from absl import app',
        'from absl.flags import DEFINE_integer as define_int',
        'absl.flags.DEFINE_float("lr", 1e-3, "learning rate", upper_bound=1.0)',
        'tf.compat.v1.flags.DEFINE_string("data_dir", None, "data")',
        'define_int("layers", default=4, help="depth", lower_bound=1)',
        'absl.flags.DEFINE_list("sizes", ["64", "32"], "layer sizes")',
        'absl.flags.DEFINE_bool("amp", True, "mixed precision")',
        'absl.flags.DEFINE_string("run_name", None, "name", required=True)',
        'absl.flags.mark_flags_as_required(["data_dir"])',
        '',
      ].join('\n'),
    });
    expect(r.frameworks).toEqual(['absl']);
    expect(r.arguments.map((a) => a.dest)).toEqual(['lr', 'data_dir', 'layers', 'sizes', 'amp', 'run_name']);
    expect(arg(r, 'lr')).toMatchObject({ source: 'absl', flags: ['--lr'], type: 'float', default: 0.001, max: 1 });
    expect(arg(r, 'data_dir')).toMatchObject({ type: 'str', hasDefault: false, required: true });
    expect(arg(r, 'layers')).toMatchObject({ type: 'int', default: 4, min: 1 });
    expect(arg(r, 'sizes')).toMatchObject({ type: 'str', default: '64,32' }); // one word: --sizes=64,32
    expect(arg(r, 'amp')).toMatchObject({ type: 'bool', flag: true, flags: ['--amp', '--noamp'], action: 'boolean_optional', default: true });
    expect(arg(r, 'run_name')).toMatchObject({ required: true });
    expect(r.warnings).toEqual([]);
  });

  it('LightningCLI by keyword, through a subclass, with run=False, a base class\'s __init__; subclass mode and no model class are notes', async () => {
    const source = (call: string): string =>
      [
        'from pytorch_lightning.cli import LightningCLI as CLI',
        'import pytorch_lightning as pl',
        'class Base(pl.LightningModule):',
        '    def __init__(self, lr: float = 0.01, flag: bool = True, *args, **kwargs):',
        '        super().__init__()',
        'class Model(Base):',
        '    pass',
        'class Data(pl.LightningDataModule):',
        '    def __init__(self, batch_size=16):',
        '        super().__init__()',
        'class MyCLI(CLI):',
        '    pass',
        call,
        '',
      ].join('\n');
    const r = await inspect('no_args.py', { source: source('MyCLI(model_class=Model, datamodule_class=Data)') });
    expect(r.frameworks).toEqual(['lightning']);
    expect(r.subcommand).toBe('fit');
    expect(r.arguments.map((a) => [a.dest, a.flags[0], a.type, a.default])).toEqual([
      ['model.lr', '--model.lr', 'float', 0.01],
      ['model.flag', '--model.flag', 'bool', true],
      ['data.batch_size', '--data.batch_size', 'int', 16],
      ['trainer.max_epochs', '--trainer.max_epochs', 'int', null],
    ]);
    expect(arg(r, 'model.flag')).toMatchObject({ flag: false, action: 'store' }); // --model.flag=false, not an on/off option
    const defaults = await inspect('no_args.py', {
      source: source('TRAINER = {"max_epochs": 30}\nCLI(Model, trainer_defaults=TRAINER, parser_kwargs={"default_config_files": ["c.yaml"]})'),
    });
    expect(arg(defaults, 'trainer.max_epochs')).toMatchObject({ hasDefault: true, default: 30 });
    expect(defaults.warnings).toEqual([expect.stringMatching(/default config files .*not read/)]);
    const noRun = await inspect('no_args.py', { source: source('cli = CLI(Model, run=False)\ncli.trainer.fit(cli.model)') });
    expect(noRun.subcommand).toBeUndefined();
    expect(noRun.warnings).toEqual([expect.stringMatching(/run=False.*no sub-command/)]);
    const subclassMode = await inspect('no_args.py', { source: source('CLI(Model, Data, subclass_mode_model=True)') });
    expect(subclassMode.arguments.map((a) => a.dest)).toEqual(['data.batch_size', 'trainer.max_epochs']);
    expect(subclassMode.warnings).toEqual([expect.stringMatching(/subclass_mode_model=True.*not read/)]);
    const none = await inspect('no_args.py', { source: source('CLI()') });
    expect(none.warnings).toEqual([expect.stringMatching(/no model class/)]);
    const missing = await inspect('no_args.py', { source: source('from somewhere_installed import Net\nCLI(Net)') });
    expect(missing.warnings).toEqual([expect.stringMatching(/options of Net \(--model\.\*\) are not read/)]);
  });

  it('says when options come from a library it does not read (HfArgumentParser, absl, Hydra)', async () => {
    const hf = await inspect('no_args.py', {
      source: 'from transformers import HfArgumentParser\nfrom my_args import ModelArguments\nparser = HfArgumentParser((ModelArguments,))\n(args,) = parser.parse_args_into_dataclasses()\n',
    });
    expect(hf.arguments).toEqual([]);
    expect(hf.warnings).toEqual([expect.stringMatching(/ModelArguments come from a class that is not defined in this file/), expect.stringMatching(/HfArgumentParser .*does not read/)]);
    // absl flags are read (below); ml_collections' config files are an option whose values are not read, and said so.
    const absl = await inspect('no_args.py', { source: 'from absl import app, flags\nfrom ml_collections import config_flags\nconfig_flags.DEFINE_config_file("config")\n' });
    expect(absl.warnings).toEqual([expect.stringMatching(/^--config is an ml_collections config \(config_flags\.DEFINE_config_file\): its values are not read/)]);
    // Hydra's compose API (no @hydra.main, whose config Rung reads: see proposeHydra.test.ts).
    const hydra = await inspect('no_args.py', { source: 'from hydra import compose, initialize\nwith initialize(config_path="conf"):\n    cfg = compose(config_name="config")\n' });
    expect(hydra.warnings).toEqual([expect.stringMatching(/Hydra.*does not read/)]);
    expect(hydra.hydra).toBeUndefined();
    const plain = await inspect('no_args.py', { source: 'import json\nprint(json.dumps({"val_loss": 1}))\n' });
    expect(plain.warnings).toEqual([]);
  });

  it('does not take wandb.log keys for printed metrics, and says they are not printed', async () => {
    const r = await inspect('no_args.py', {
      source: [
        'import logging, wandb',
        'wandb.log({"val/loss": 0.1, "train/loss": 0.2})',
        'run = wandb.init()',
        'run.log({"val_acc": 0.9, "val_f1": 0.5})',
        'logging.log(logging.INFO, {"val_mae": 1.0})',
        'print(f"val_f1={0.5}")',
        'y = x.log()', // a tensor's log(): no arguments
        '',
      ].join('\n'),
    });
    expect(r.metrics.map((m) => m.name)).toEqual(['val_mae', 'val_f1']);
    expect(r.warnings).toEqual([]); // metrics were found: nothing to explain
    const only = await inspect('no_args.py', { source: 'import wandb\nwandb.log({"val/loss": 0.1, "train/loss": 0.2})\n' });
    expect(only.metrics).toEqual([]);
    expect(only.warnings).toEqual([expect.stringMatching(/^val\/loss, train\/loss are logged with \.log\(/)]);
    expect(only.logged).toEqual(['val/loss', 'train/loss']);
  });

  it("names what TensorBoard's add_scalar and MLflow's log_metric(s) log, which prints nothing, as `logged`", async () => {
    const tb = await inspect('no_args.py', {
      source: [
        'from torch.utils.tensorboard import SummaryWriter',
        'writer = SummaryWriter()',
        'writer.add_scalar("Loss/train", 0.3, 1)',
        'writer.add_scalar("Loss/val", 0.4, 1)',
        'import mlflow',
        'mlflow.log_metric("val_rmse", 1.0)',
        'mlflow.log_metrics({"val_r2": 0.5})',
        'mlflow.tracking.MlflowClient().log_metric("run-id", "val_mae", 0.2)',
        '',
      ].join('\n'),
    });
    expect(tb.metrics).toEqual([]);
    expect(tb.logged).toEqual(['Loss/train', 'Loss/val', 'val_rmse', 'val_r2', 'val_mae']);
    expect(tb.warnings).toEqual([expect.stringMatching(/^Loss\/train, Loss\/val, .* are logged with .*add_scalar.*log_metric/)]);
    // A script that prints a metric too: nothing logged is reported, it is not needed.
    const printed = await inspect('no_args.py', { source: 'import mlflow\nmlflow.log_metric("val_rmse", 1.0)\nprint(f"val_rmse={1.0}")\n' });
    expect(printed.metrics.map((m) => m.name)).toEqual(['val_rmse']);
    expect(printed.logged).toBeUndefined();
  });

  it("finds PyTorch Lightning's self.log(..., prog_bar=True) metrics (shown in the progress bar)", async () => {
    const r = await inspect('no_args.py', {
      source: [
        'import lightning as L',
        'class M(L.LightningModule):',
        '    def training_step(self, batch, i):',
        '        self.log("train_loss", 1.0)',
        '    def validation_step(self, batch, i):',
        '        self.log("val_loss", 0.5, prog_bar=True)',
        '        self.log_dict({"val_acc": 0.9}, prog_bar=True)',
        '',
      ].join('\n'),
    });
    expect(r.metrics.map((m) => [m.name, m.line])).toEqual([
      ['val_loss', 6],
      ['val_acc', 7],
    ]);
    const hidden = await inspect('no_args.py', { source: 'class M:\n    def validation_step(self, b, i):\n        self.log("val_loss", 0.5)\n' });
    expect(hidden.metrics).toEqual([]);
    expect(hidden.warnings).toEqual([expect.stringMatching(/^val_loss is logged with \.log\(.*Lightning without prog_bar=True/)]);
  });

  it('names the sub-command when the click command belongs to a group', async () => {
    const group = (decorator: string): string =>
      ['import click', '@click.group()', 'def cli():', '    pass', decorator, '@click.option("--lr", type=float, default=0.01)', 'def train_model(lr):', '    pass', ''].join('\n');
    expect((await inspect('no_args.py', { source: group('@cli.command()') })).subcommand).toBe('train-model');
    expect((await inspect('no_args.py', { source: group('@cli.command("fit")') })).subcommand).toBe('fit');
    expect((await inspect('no_args.py', { source: group('@cli.command(name="fit2")') })).subcommand).toBe('fit2');
    const standalone = await inspect('no_args.py', { source: group('@click.command()') });
    expect(standalone.subcommand).toBeUndefined();
    expect(standalone.arguments.map((a) => a.dest)).toEqual(['lr']);
  });

  it('names no click sub-command when __main__ calls the command itself, and names it when __main__ calls the group', async () => {
    const script = (main: string, extra: string[] = []): string =>
      [
        'import click',
        '@click.group()',
        '@click.option("--debug/--no-debug", default=False)',
        'def cli(debug):',
        '    pass',
        '@cli.command()',
        '@click.option("--ckpt", default="a.pt")',
        'def predict(ckpt):',
        '    pass',
        '@cli.command()',
        '@click.option("--lr", type=float, default=0.01)',
        'def train(lr):',
        '    print(f"val_loss={lr}")',
        ...extra,
        'if __name__ == "__main__":',
        `    ${main}`,
        '',
      ].join('\n');
    const direct = await inspect('no_args.py', { source: script('train()') });
    expect(direct.subcommand).toBeUndefined();
    expect(direct.arguments.map((a) => a.dest)).toEqual(['lr']); // the group's --debug is not on train's command line
    for (const main of ['cli()', 'cli.main(standalone_mode=True)', 'sys.exit(main())']) {
      const r = await inspect('no_args.py', { source: script(main, ['def main():', '    return cli(obj={})']) });
      expect(r.subcommand, main).toBe('train'); // named like training, though predict comes first
      expect(r.arguments.map((a) => [a.dest, a.beforeSubcommand ?? false]), main).toEqual([
        ['debug', true],
        ['lr', false],
      ]);
      expect(r.warnings, main).toEqual(['several click commands (predict, train): the command runs the sub-command train (its name looks like training)']);
    }
    // A command added with cli.add_command(fit, "fit-model") is a sub-command too, under the name given.
    const added = await inspect('no_args.py', {
      source: 'import click\n@click.group()\ndef cli():\n    pass\n@click.command()\n@click.option("--lr", type=float, default=0.1)\ndef fit(lr):\n    pass\ncli.add_command(fit, "fit-model")\nif __name__ == "__main__":\n    cli()\n',
    });
    expect(added.subcommand).toBe('fit-model');
  });

  it("finds the metrics of tqdm's set_postfix and of Keras' model.fit with validation data", async () => {
    const tqdm = await inspect('no_args.py', {
      source: 'from tqdm import tqdm\nbar = tqdm(range(3))\nfor i in bar:\n    bar.set_postfix(loss=1.0, val_acc=0.5, refresh=False)\n    bar.set_postfix({"val_f1": 1})\n',
    });
    expect(tqdm.metrics.map((m) => m.name)).toEqual(['loss', 'val_acc', 'val_f1']);
    const keras = await inspect('no_args.py', {
      source: [
        'from tensorflow import keras',
        'model = keras.Sequential([keras.layers.Dense(1)])',
        'model.compile(optimizer="adam", loss="mse", metrics=["mae"])',
        'history = model.fit(x, y, epochs=5, validation_split=0.2)',
        'print(history.history["val_loss"][-1])',
        '',
      ].join('\n'),
    });
    expect(keras.metrics.map((m) => [m.name, m.line])).toEqual([
      ['loss', 4],
      ['val_loss', 4],
      ['mae', 4],
      ['val_mae', 4],
    ]);
    const silent = await inspect('no_args.py', { source: 'import keras\nmodel.fit(x, y, validation_data=(a, b), verbose=0)\n' });
    expect(silent.metrics).toEqual([]);
  });

  it('finds metrics in strings joined with +', async () => {
    const r = await inspect('no_args.py', {
      source: 'acc = 1\nprint("val_acc: " + str(acc))\nprint("val_loss=" + str(1) + " val_f1=" + str(2))\nprint("a" + "b")\n',
    });
    expect(r.metrics.map((m) => [m.name, m.line])).toEqual([
      ['val_acc', 2],
      ['val_loss', 3],
      ['val_f1', 3],
    ]);
  });

  it("takes no metric from help texts, which a run never prints (the PyTorch ImageNet example's --arch help)", async () => {
    const r = await inspect('no_args.py', {
      source: [
        'import argparse',
        'names = ["resnet18", "vgg16"]',
        'p = argparse.ArgumentParser(description="accuracy: " + "best")',
        'p.add_argument("-a", "--arch", default="resnet18", help="model architecture: " + " | ".join(names) + " (default: resnet18)")',
        'p.add_argument("--lr", type=float, default=0.1, help=f"learning rate: {0.1}")',
        'print("val_acc: " + str(0.5))',
        '',
      ].join('\n'),
    });
    expect(r.metrics.map((m) => m.name)).toEqual(['val_acc']);
  });

  it('finds the names the parser reads without `=` or `:` (val loss 0.4, iter N: loss 2.3), and LightGBM-style valid_0_auc', async () => {
    const source = [
      'import logging',
      'for e in range(3):',
      '    t, v, acc, dt = 0.2, 0.1, 0.9, 0.02',
      '    print(f"epoch {e} | val loss {v:.3f}")',
      '    print(f"epoch {e} | train loss {t:.3f} | val loss {v:.3f} | val acc {acc:.1f}%")',
      '    print(f"iter {e}: loss {t:.4f}, time {dt*1000:.2f}ms, mfu {acc*100:.2f}%")',
      '    print(f"step {e}: train loss {t:.4f}, eval loss {v:.4f}")',
      '    print(f"[{e}]\\tvalid_0\'s auc: {acc}")',
      '    print("test acc %.3f" % acc)',
      '    logging.info("dev f1 %.3f", acc)',
      '    print("valid score", v)',
      '    print(f"Epoch {e} | ppl {v:.2f} | bleu {acc:.1f}")',
      // what the parser does not read, so no name: a unit after the value, words after it, no step prefix
      '    print(f"val mse {v}s")',
      '    print(f"the val rmse {v} is high")',
      '    print(f"train mae {t} after {e} epochs")',
      '    print(f"Step {e}: download {e} files")',
      '    print(f"lr {t}, wd {v}")',
      '    print(f"Epoch {e}: took {dt} seconds")',
    ].join('\n');
    const r = await inspect('no_args.py', { source });
    expect(r.metrics.map((m) => [m.name, m.line])).toEqual([
      ['val_loss', 4],
      ['train_loss', 5],
      ['val_acc', 5],
      ['loss', 6],
      ['mfu', 6],
      ['eval_loss', 7],
      ['valid_0_auc', 8],
      ['test_acc', 9],
      ['dev_f1', 10],
      ['valid_score', 11],
      ['ppl', 12],
      ['bleu', 12],
    ]);
    // And what the reader names is what the engine reads from the printed lines.
    const printed: readonly [string, readonly string[]][] = [
      ['epoch 2 | val loss 0.100', ['val_loss']],
      ['epoch 2 | train loss 0.200 | val loss 0.100 | val acc 0.9%', ['train_loss', 'val_loss', 'val_acc']],
      ['iter 2: loss 0.2000, time 20.00ms, mfu 90.00%', ['loss', 'mfu']],
      ['step 2: train loss 0.2000, eval loss 0.1000', ['train_loss', 'eval_loss']],
      ["[2]\tvalid_0's auc: 0.9", ['valid_0_auc']],
      ['test acc 0.900', ['test_acc']],
      ['valid score 0.1', ['valid_score']],
      ['Epoch 2 | ppl 0.10 | bleu 0.9', ['ppl', 'bleu']],
    ];
    for (const [line, names] of printed) {
      const record = parseKeyValueLine(line);
      for (const name of names) expect(record && metricValue(record, name), `${name} in ${line}`).toBeDefined();
    }
    for (const line of ['val mse 0.1s', 'the val rmse 0.1 is high', 'train mae 0.2 after 2 epochs', 'Step 2: download 2 files', 'lr 0.2, wd 0.1', 'Epoch 2: took 0.02 seconds']) {
      expect(parseKeyValueLine(line), line).toBeUndefined();
    }
  });

  it('evaluates items of module-level dicts and lists, and survives tuple keys', async () => {
    const r = await inspect('no_args.py', {
      source: [
        'import argparse',
        'DEFAULTS = dict(lr=0.1, depth=3)',
        'SIZES = [32, 64]',
        'TABLE = {(1, 2): "a"}',
        'p = argparse.ArgumentParser()',
        'p.add_argument("--lr", type=float, default=DEFAULTS["lr"])',
        'p.add_argument("--hidden", type=int, default=SIZES[-1])',
        'p.add_argument("--depth", type=int, default=DEFAULTS["nope"])',
        'p.add_argument("--x", choices=TABLE)',
        '',
      ].join('\n'),
    });
    expect(arg(r, 'lr')).toMatchObject({ default: 0.1, defaultText: 'DEFAULTS["lr"]' });
    expect(arg(r, 'hidden')).toMatchObject({ default: 64 });
    expect(arg(r, 'depth')).toMatchObject({ hasDefault: true, default: null });
    expect(arg(r, 'x')).toMatchObject({ choices: null, choicesText: 'TABLE' });
  });

  it('evaluates int(1e5) and float("1e-3") defaults', async () => {
    const r = await inspect('no_args.py', {
      source: 'import argparse\np = argparse.ArgumentParser()\np.add_argument("--buffer", type=int, default=int(1e5))\np.add_argument("--lr", type=float, default=float("1e-3"))\np.add_argument("--n", type=int, default=int(float("inf")))\n',
    });
    expect(arg(r, 'buffer')).toMatchObject({ default: 100000, defaultText: 'int(1e5)' });
    expect(arg(r, 'lr')).toMatchObject({ default: 0.001 });
    expect(arg(r, 'n')).toMatchObject({ hasDefault: true, default: null });
  });

  it('names the typer sub-command when the app has several commands or a callback', async () => {
    const app = (...extra: string[]): string =>
      ['import typer', 'app = typer.Typer()', ...extra, '@app.command()', 'def train_net(lr: float = 0.01):', '    pass', ''].join('\n');
    const single = await inspect('no_args.py', { source: app() });
    expect(single.subcommand).toBeUndefined();
    expect(single.arguments.map((a) => a.dest)).toEqual(['lr']);
    const withCallback = await inspect('no_args.py', { source: app('@app.callback()', 'def main(verbose: bool = False):', '    pass') });
    expect(withCallback.subcommand).toBe('train-net');
    // The callback's options are the app's: given before the command's name.
    expect(withCallback.arguments.map((a) => [a.dest, a.beforeSubcommand ?? false])).toEqual([
      ['verbose', true],
      ['lr', false],
    ]);
    const two = await inspect('no_args.py', { source: `${app()}@app.command("predict")\ndef predict(ckpt: str):\n    pass\n` });
    expect(two.subcommand).toBe('train-net');
    expect(two.arguments.map((a) => a.dest)).toEqual(['lr']);
    expect(two.warnings).toEqual([expect.stringMatching(/several typer commands \(train_net, predict\); the options of train_net are read and the command runs the sub-command train-net/)]);
  });

  it('says when the parser is built in an imported module', async () => {
    const imported = await inspect('no_args.py', { source: 'from config import get_parser\nargs, _ = get_parser().parse_known_args()\n' });
    expect(imported.warnings).toEqual([expect.stringMatching(/parses its arguments \(line 2\) but declares none in this file/)]);
    const local = await inspect('no_args.py', { source: 'import argparse\nargs = argparse.ArgumentParser().parse_args()\n' });
    expect(local.warnings).toEqual([]);
  });

  it('reads a parser built in a local module, without reading what else the script imports; a module that does not parse is a note', async () => {
    const dir = tempDir('rung-inspect-');
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'config.py'), 'import argparse\n\ndef parse():\n    p = argparse.ArgumentParser()\n    p.add_argument("--lr", type=float, default=0.1)\n    return p.parse_args()\n');
    writeFileSync(path.join(dir, 'model.py'), 'import os\n\ndef make():\n    print(f"val_acc={1}")\n    return int(os.environ.get("WIDTH", "8"))\n');
    writeFileSync(path.join(dir, 'broken.py'), 'def add_args(p:\n    p.add_argument("--x")\n');
    const script = path.join(dir, 'train.py');
    writeFileSync(script, 'import config\nimport model\nfrom broken import add_args\nargs = config.parse()\nadd_args(None)\nnet = model.make()\nprint(f"loss={0.5}")\n');
    const r = await inspectScript(script, { python: python ?? 'python3', readerPath });
    expect(r.arguments.map((a) => [a.dest, a.default])).toEqual([['lr', 0.1]]);
    expect(r.metrics.map((m) => m.name)).toEqual(['loss']);
    expect(r.warnings).toEqual([expect.stringMatching(/^skipped broken\.py, which the script imports: it does not parse \(line 1: /), 'read options from config.py (parse)']);
    // A folder above the script that is not a package is not where its imports come from.
    const nested = path.join(dir, 'sub', 'train.py');
    writeFileSync(nested, 'from config import parse\nargs = parse()\nargs2 = parse.__wrapped__().parse_args()\n');
    const outside = await inspectScript(nested, { python: python ?? 'python3', readerPath });
    expect(outside.arguments).toEqual([]);
    expect(outside.warnings).toEqual([expect.stringMatching(/its parser is built in an imported module, which is not read/)]);
  });

  it('finds the keys of a dict built in a variable and then printed or dumped', async () => {
    const r = await inspect('no_args.py', {
      source: [
        'import json',
        'cfg = {"loss": "mse", "lr": 0.1}',
        'print(cfg)',
        'm = {"epoch": 1, "val_loss": 0.5}',
        'm["val_acc"] = 0.9',
        'print(json.dumps(m))',
        'other = dict(val_f1=0.3)',
        'unused = {"val_mae": 1.0}',
        '',
      ].join('\n'),
    });
    expect(r.metrics.map((m) => [m.name, m.line])).toEqual([
      ['lr', 3],
      ['epoch', 6],
      ['val_loss', 6],
      ['val_acc', 6],
    ]);
  });

  it("names a nested dict's keys as the engine reads them: dotted in a JSON line, as they are in a printed repr", async () => {
    const r = await inspect('no_args.py', {
      source: [
        'import json',
        'v = 0.5',
        'print(json.dumps({"step": 1, "train": {"loss": v}, "val": {"loss": v, "top1": v}}))',
        'print({"eval": {"f1": v}})',
        '',
      ].join('\n'),
    });
    // Before: step, train, val and eval, none of which the engine reads (and so no metric could be chosen).
    expect(r.metrics.map((m) => m.name)).toEqual(['step', 'train.loss', 'val.loss', 'val.top1', 'f1']);
    // What the reader names is what the engine reads from the printed lines.
    const json = parseAutoLine(JSON.stringify({ step: 1, train: { loss: 0.5 }, val: { loss: 0.5, top1: 0.5 } }));
    for (const name of ['train.loss', 'val.loss', 'val.top1']) expect(json && metricValue(json, name)).toBe(0.5);
    const repr = parseAutoLine("{'eval': {'f1': 0.5}}");
    expect(repr && metricValue(repr, 'f1')).toBe(0.5);
  });

  it("finds the columns of fastai's table: valid_loss, the learner's metrics= (a class in snake case), train_loss", async () => {
    const r = await inspect('no_args.py', {
      source: [
        'from fastai.vision.all import *',
        'dls = ImageDataLoaders.from_folder(".")',
        'learn = vision_learner(dls, resnet34, metrics=[error_rate, F1Score()])',
        'learn.fine_tune(4, 1e-3)',
        '',
      ].join('\n'),
    });
    // Before: no metric at all, so the proposal fell back to a placeholder val_loss that fastai never prints.
    expect(r.metrics.map((m) => [m.name, m.line])).toEqual([
      ['valid_loss', 4],
      ['error_rate', 4],
      ['f1_score', 4],
      ['train_loss', 4],
    ]);
    const table = new TableReader();
    table.read('epoch     train_loss  valid_loss  error_rate  f1_score  time    ');
    const row = table.read('0         0.512345    0.432100    0.149000    0.851000  00:02     ');
    for (const m of r.metrics) expect(row && metricValue(row, m.name), m.name).toBeDefined();
  });

  it("reads TensorFlow's tutorials' `Epoch {e} Loss {l} Accuracy {a}` as the engine does, and not `Epoch {e} of {n}`", async () => {
    const r = await inspect('no_args.py', {
      source: [
        'e, l, a, n = 1, 0.5, 0.9, 10',
        "print(f'Epoch {e + 1} Batch {n} Loss {l:.4f} Accuracy {a:.4f}')",
        "print(f'Epoch {e} of {n} done')",
        "print('Epoch {} Val_loss {:.4f}, val_auc {:.2f}%'.format(e, l, a))",
        "print(f'best epoch {e} score {a}')",
        "print(f'Time taken for 1 epoch: {l:.2f} secs')",
        '',
      ].join('\n'),
    });
    expect(r.metrics.map((m) => m.name)).toEqual(['Batch', 'Loss', 'Accuracy', 'Val_loss', 'val_auc', 'epoch']);
    const record = parseAutoLine('Epoch 2 Val_loss 0.5000, val_auc 93.00%');
    expect(record).toEqual({ values: { Epoch: 2, Val_loss: 0.5, val_auc: 93 }, step: 2 });
  });

  it("names the metrics of a line headed by a data-split word as the engine does (PyTorch's MNIST example: test_loss)", async () => {
    const r = await inspect('no_args.py', {
      source: [
        'epoch, b, l, c = 1, 0, 0.5, 9',
        "print('Train Epoch: {} [{}/{}]\\tLoss: {:.6f}'.format(epoch, b, 60000, l))",
        "print('\\nTest set: Average loss: {:.4f}, Accuracy: {}/{}\\n'.format(l, c, 10000))",
        "print(f'Validation Results - Epoch[{epoch}] Avg accuracy: {l:.2f} Avg loss: {l:.2f}')",
        '',
      ].join('\n'),
    });
    // Before: Loss (training) and loss (the test set's), told apart by case only.
    expect(r.metrics.map((m) => m.name)).toEqual(['train_epoch', 'train_loss', 'test_loss', 'test_accuracy', 'validation_accuracy', 'validation_loss']);
    for (const [line, name] of [
      ['Train Epoch: 1 [0/60000]\tLoss: 0.500000', 'train_loss'],
      ['Test set: Average loss: 0.5000, Accuracy: 9/10000', 'test_loss'],
      ['Validation Results - Epoch[1] Avg accuracy: 0.50 Avg loss: 0.50', 'validation_loss'],
    ] as const) {
      const record = parseAutoLine(line);
      expect(record && metricValue(record, name), line).toBe(0.5);
    }
  });

  it('says clearly when the interpreter cannot be started', async () => {
    const failure = await inspectScript(fixture('argparse_full.py'), { python: '/nonexistent/python3', readerPath }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ScriptInspectionError);
    expect((failure as ScriptInspectionError).kind).toBe('python');
    expect((failure as ScriptInspectionError).message).toContain('/nonexistent/python3');
  });

  it('stops a reader that hangs at the timeout', async () => {
    const dir = tempDir('rung-inspect-');
    const slow = path.join(dir, 'slow_reader.py');
    writeFileSync(slow, 'import time\ntime.sleep(30)\n');
    const started = Date.now();
    const failure = await inspectScript(fixture('argparse_full.py'), { python: python ?? 'python3', readerPath: slow, timeoutMs: 500 }).catch((e: unknown) => e);
    expect((failure as ScriptInspectionError).kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('parseInspectorOutput', () => {
  it('rejects output that is not the reader\'s JSON', () => {
    expect(() => parseInspectorOutput('Traceback (most recent call last):', 'x.py')).toThrow(/not JSON/);
    expect(() => parseInspectorOutput('[]', 'x.py')).toThrow(/not an object/);
    expect(() => parseInspectorOutput('{"version": 2}', 'x.py')).toThrow(/unknown format/);
    expect(() => parseInspectorOutput('{"version": 1, "arguments": [{"source": "argparse"}]}', 'x.py')).toThrow(/arguments\[0\]/);
  });

  it('reads the words of a nested sub-command and each option\'s place among them; a path that is not the sub-command is dropped', () => {
    const arg = (dest: string, extra: string): string => `{"source": "argparse", "flags": ["--${dest}"], "dest": "${dest}"${extra}}`;
    const out = (path: string): string =>
      `{"version": 1, "subcommand": "model train", ${path} "arguments": [${arg('seed', ', "beforeSubcommand": true, "subcommandLevel": 0')}, ${arg('arch', ', "beforeSubcommand": true, "subcommandLevel": 1')}, ${arg('lr', ', "subcommandLevel": 2')}, ${arg('bad', ', "subcommandLevel": -1')}]}`;
    const r = parseInspectorOutput(out('"subcommandPath": ["model", "train"],'), 'x.py');
    expect(r.subcommand).toBe('model train');
    expect(r.subcommandPath).toEqual(['model', 'train']);
    expect(r.arguments.map((a) => [a.dest, a.subcommandLevel, a.beforeSubcommand ?? false])).toEqual([
      ['seed', 0, true],
      ['arch', 1, true],
      ['lr', 2, false],
      ['bad', undefined, false],
    ]);
    expect(parseInspectorOutput(out('"subcommandPath": ["model", "fit"],'), 'x.py').subcommandPath).toBeUndefined();
    expect(parseInspectorOutput(out(''), 'x.py').subcommandPath).toBeUndefined();
  });

  it('turns an error answer into a ScriptInspectionError of that kind', () => {
    try {
      parseInspectorOutput('{"version": 1, "error": {"kind": "read", "message": "cannot read x.py: gone"}}', 'x.py');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ScriptInspectionError);
      expect((e as ScriptInspectionError).kind).toBe('read');
      expect((e as ScriptInspectionError).message).toBe('cannot read x.py: gone');
    }
  });

  it('drops values JSON-unsafe or of unknown shape instead of trusting them', () => {
    const r = parseInspectorOutput(
      JSON.stringify({
        version: 1,
        arguments: [{ source: 'argparse', dest: 'lr', flags: ['--lr', 3], type: 'complex', default: { a: 1 }, choices: [1, [2]], line: 4 }],
        metrics: [{ name: 'val_loss', line: 2 }],
      }),
      'x.py',
    );
    expect(r.arguments[0]).toMatchObject({ dest: 'lr', flags: ['--lr'], type: null, default: null, choices: [1], line: 4 });
    expect(r.metrics).toEqual([{ name: 'val_loss', line: 2, text: null }]);
  });
});
