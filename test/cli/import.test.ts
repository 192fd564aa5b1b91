/**
 * `rung import`: the command itself (called directly with a CliIo: main.ts wires it in separately), and
 * studies imported from a W&B sweep and an NNI config that then run end to end with the real CLI on tiny
 * Python scripts (/usr/bin/python3), real processes, real files.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importCommand } from '../../src/engine/cli/importCommand';
import type { CliIo } from '../../src/engine/cli/main';
import { parseStudySpec } from '../../src/engine/spec/parseStudySpec';
import { readStudyEvents } from '../../src/engine/store/jsonlStore';
import { findPython } from '../helpers/python';
import { tempDir } from '../helpers/studyFixture';
import { ensureCliBuilt, rung } from '../helpers/cliProcess';

const python = findPython();

beforeAll(ensureCliBuilt);

/** Runs importCommand with captured output. */
async function rungImport(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTty: false };
  const code = await importCommand(args, io);
  return { code, stdout, stderr };
}

const SWEEP = `program: train.py
name: tiny-wandb
method: random
metric:
  name: val_loss
  goal: minimize
parameters:
  lr:
    distribution: log_uniform_values
    min: 0.0001
    max: 0.1
  batch_size:
    values: [16, 32]
  epochs:
    value: 4
  optimizer:
    parameters:
      name:
        values: [adam, sgd]
early_terminate:
  type: hyperband
  min_iter: 1
  eta: 2
entity: someone
run_cap: 6
`;

/** An argparse script as W&B's agent would run it (--name=value, dotted names for nested parameters). */
const TRAIN_PY = `import argparse, math
p = argparse.ArgumentParser()
p.add_argument("--lr", type=float, required=True)
p.add_argument("--batch_size", type=int, required=True)
p.add_argument("--epochs", type=int, required=True)
p.add_argument("--optimizer.name", dest="optimizer_name", required=True)
a = p.parse_args()
for epoch in range(1, a.epochs + 1):
    loss = (math.log10(a.lr) + 2.5) ** 2 + 1.0 / epoch + (0.1 if a.optimizer_name == "sgd" else 0.0) + a.batch_size / 1000
    print(f"epoch={epoch} val_loss={loss:.6f}", flush=True)
`;

describe('rung import (the command)', () => {
  it('prints the study file on stdout and the warnings and a summary on stderr', async () => {
    const dir = tempDir('rung-import-');
    writeFileSync(path.join(dir, 'sweep.yaml'), SWEEP);
    const r = await rungImport([path.join(dir, 'sweep.yaml')]);
    expect(r.code).toBe(0);
    expect(parseStudySpec(r.stdout, path.join(dir, 'sweep.rung.yaml')).ok).toBe(true);
    expect(r.stdout).toMatch(/^name: tiny-wandb/m);
    expect(r.stderr).toMatch(/sweep\.yaml:\d+:1: warning: entity "someone" is not used/);
    expect(r.stderr).toContain('imported a W&B sweep configuration as study "tiny-wandb" (3 parameters); 2 warnings');
    // A file outside the working folder is named by its absolute path, not ../../tmp/...
    expect(r.stderr).toContain(`${path.join(dir, 'sweep.yaml')}:`);
    expect(existsSync(path.join(dir, 'sweep.rung.yaml'))).toBe(false);
  });

  it('writes --out, and never over an existing file', async () => {
    const dir = tempDir('rung-import-');
    writeFileSync(path.join(dir, 'sweep.yaml'), SWEEP);
    const out = path.join(dir, 'tuned.rung.yaml');
    const first = await rungImport([path.join(dir, 'sweep.yaml'), '--out', out]);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('');
    expect(first.stderr).toContain(`next: review it, then rung run ${out}`);
    const written = readFileSync(out, 'utf8');
    expect(parseStudySpec(written, out).ok).toBe(true);
    const again = await rungImport([path.join(dir, 'sweep.yaml'), '--out', out]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists; choose another --out (nothing was overwritten)');
    expect(readFileSync(out, 'utf8')).toBe(written);
  });

  it('--out in another folder runs the trials where the sweep file is', async () => {
    const dir = tempDir('rung-import-');
    mkdirSync(path.join(dir, 'studies'));
    writeFileSync(path.join(dir, 'sweep.yaml'), SWEEP);
    const out = path.join(dir, 'studies', 'sweep.rung.yaml');
    expect((await rungImport([path.join(dir, 'sweep.yaml'), '--out', out])).code).toBe(0);
    const parsed = parseStudySpec(readFileSync(out, 'utf8'), out);
    expect(parsed.ok && parsed.value.cwd).toBe(dir);
  });

  it('prints positioned errors for malformed input and writes nothing', async () => {
    const dir = tempDir('rung-import-');
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'program: t.py\nmethod: random\nparameters:\n  lr: {distribution: log_uniform_values, min: 0.5, max: 0.1}\n');
    const out = path.join(dir, 'bad.rung.yaml');
    const r = await rungImport([file, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.yaml:4:\d+: error: min \(0\.5\) is greater than max \(0\.1\)/);
    expect(r.stderr).toContain('1 error in');
    expect(existsSync(out)).toBe(false);
  });

  it('detects NNI files, and --from forces the tool', async () => {
    const dir = tempDir('rung-import-');
    const space = path.join(dir, 'search_space.json');
    writeFileSync(space, '{"lr": {"_type": "loguniform", "_value": [0.0001, 0.1]}}');
    const r = await rungImport([space]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('imported an NNI search space');
    const ambiguous = path.join(dir, 'odd.yaml');
    writeFileSync(ambiguous, 'a: {_type: choice, _value: [1, 2]}\nb: 3\n');
    const unknown = await rungImport([ambiguous]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('use --from wandb or --from nni');
    const forced = await rungImport([ambiguous, '--from', 'nni']);
    expect(forced.code).toBe(1);
    expect(forced.stderr).toMatch(/odd\.yaml:2:4: error: expected \{"_type"/);
  });

  it('usage errors exit with 2; --help with 0; a missing file with 1', async () => {
    expect((await rungImport([])).code).toBe(2);
    const badFrom = await rungImport(['x.yaml', '--from', 'optuna']);
    expect(badFrom.code).toBe(2);
    expect(badFrom.stderr).toContain('--from must be wandb or nni, got "optuna"');
    expect((await rungImport(['a.yaml', 'b.yaml'])).code).toBe(2);
    expect((await rungImport(['x.yaml', '--bogus'])).code).toBe(2);
    const helpText = await rungImport(['--help']);
    expect(helpText.code).toBe(0);
    expect(helpText.stdout).toContain('rung import <sweep.yaml|config.yml|search_space.json> [--from wandb|nni] [--out FILE]');
    const missing = await rungImport([path.join(tempDir('rung-import-'), 'nope.yaml')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file');
  });
});

describe.skipIf(python === undefined)('imported studies run end to end with the CLI', () => {
  it('a W&B sweep: argparse script, nested parameter, constant epochs, hyperband as ASHA', async () => {
    const dir = tempDir('rung-import-e2e-');
    writeFileSync(path.join(dir, 'sweep.yaml'), SWEEP);
    writeFileSync(path.join(dir, 'train.py'), TRAIN_PY);
    const study = path.join(dir, 'sweep.rung.yaml');
    expect((await rungImport([path.join(dir, 'sweep.yaml'), '--out', study])).code).toBe(0);
    const store = path.join(dir, '.rung');
    const run = rung(['run', study, '--python', python ?? 'python3', '--store', store, '--parallel', '2'], dir);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/study tiny-wandb finished: trial budget reached — \d+ completed, \d+ pruned, 0 failed/);
    expect(run.stdout).toMatch(/best: trial #\d+ val_loss=/);
    const { events } = await readStudyEvents(store, 'tiny-wandb');
    const launched = events.flatMap(({ event }) => (event.type === 'trial.launched' ? [event] : []));
    expect(launched).toHaveLength(6);
    for (const { argv } of launched) {
      expect(argv[1]).toBe('train.py');
      expect(argv).toContain('--epochs=4');
      expect(argv.some((a) => /^--optimizer\.name=(adam|sgd)$/.test(a))).toBe(true);
    }
  });

  it('an NNI config: the script reads RUNG_PARAMS with the helper and prints default=...', async () => {
    const dir = tempDir('rung-import-e2e-');
    mkdirSync(path.join(dir, 'src'));
    writeFileSync(
      path.join(dir, 'src', 'search_space.json'),
      JSON.stringify({
        lr: { _type: 'loguniform', _value: [0.0001, 0.1] },
        model: { _type: 'choice', _value: [{ _name: 'small' }, { _name: 'big', width: { _type: 'quniform', _value: [16, 64, 16] } }] },
      }),
    );
    writeFileSync(
      path.join(dir, 'src', 'trial.py'),
      [
        '# Ported from NNI: params = nni.get_next_parameter() -> params(); nni.report_* -> print.',
        'import math, os',
        'from rung import params',
        'p = params()',
        'assert os.environ.get("SEEN") == "yes", "launcher env from trialCommand"',
        'width = p.get("model.width", 8) if p["model"] == "big" else 8',
        'for epoch in range(1, 4):',
        '    acc = 1.0 / (1.0 + (math.log10(p["lr"]) + 2.5) ** 2) * epoch / 3 + width / 1000',
        '    print(f"epoch={epoch} default={acc:.6f}", flush=True)',
        '',
      ].join('\n'),
    );
    writeFileSync(
      path.join(dir, 'config.yml'),
      ['experimentName: tiny-nni', 'searchSpaceFile: src/search_space.json', 'trialCommand: SEEN=yes python3 trial.py', 'trialCodeDirectory: src', 'trialConcurrency: 2', 'maxTrialNumber: 5', 'tuner:', '  name: Random', '  classArgs: {optimize_mode: maximize, seed: 3}', ''].join('\n'),
    );
    const study = path.join(dir, 'tiny.rung.yaml');
    const imported = await rungImport([path.join(dir, 'config.yml'), '--out', study]);
    expect(imported.code, imported.stderr).toBe(0);
    const store = path.join(dir, '.rung');
    const run = rung(['run', study, '--python', python ?? 'python3', '--store', store], dir);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/study tiny-nni finished: trial budget reached — 5 completed, 0 pruned, 0 failed/);
    expect(run.stdout).toMatch(/best: trial #\d+ default=/);
  });
});
