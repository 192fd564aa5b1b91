/**
 * "Tune This Script" for Hydra scripts: the reader finds `@hydra.main(...)`, inspectScript reads the YAML config
 * beside the script, and the proposal tunes its values by their dotted paths with Hydra's override words
 * (`optimizer.lr={optimizer.lr}`, `model={model}`), the default option's values of a config group only when it is
 * chosen (`when:`), the epochs value as the budget, and `hydra.run.dir` set to each trial's folder.
 *
 * The proposals are checked without Hydra. One test also runs the fixture for real: with hydra-core when it is
 * installed, else with the test-only stand-in of test/fixtures/hydra_standin (which needs PyYAML).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StudySpec } from '../../../src/engine/spec/studySpec';
import { renderCommand } from '../../../src/engine/runner/commandTemplate';
import { inspectScript, parseInspectorOutput } from '../../../src/engine/tune/inspectScript';
import type { StudyProposal } from '../../../src/engine/tune/proposeStudy';
import { findPython } from '../../helpers/python';
import { checkedProposal, param } from '../../helpers/proposal';
import { repoRoot, tempDir } from '../../helpers/studyFixture';

const python = findPython();
const readerPath = path.join(repoRoot, 'python', 'rung', 'inspect_script.py');
const appDir = path.join(repoRoot, 'test/fixtures/scripts/propose/hydra_app');

async function propose(script: string): Promise<{ proposal: StudyProposal; spec: StudySpec }> {
  const inspection = await inspectScript(script, { python: python ?? 'python3', readerPath });
  return checkedProposal(inspection, path.basename(script), 'hydra-test', path.dirname(script));
}

/** A script and its config files in a fresh folder: `files` maps relative paths to text. */
function project(files: Record<string, string>): string {
  const dir = tempDir('rung-hydra-');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return path.join(dir, 'train.py');
}

const SCRIPT = (decorator: string, imports = 'import hydra'): string =>
  `${imports}\n\n${decorator}\ndef main(cfg):\n    for epoch in range(cfg.epochs):\n        print(f"epoch={epoch} val_loss={cfg.lr}")\n\n\nif __name__ == "__main__":\n    main()\n`;

describe('the reader finds @hydra.main', () => {
  it('by keyword, positionally, through `from hydra import main` and aliases; None and non-literal arguments', async () => {
    const cases: [string, string, Record<string, unknown>][] = [
      ['import hydra', '@hydra.main(config_path="conf", config_name="config", version_base=None)', { configPath: 'conf', configName: 'config', versionBase: null, unknown: [] }],
      ['import hydra as h', '@h.main("cfg", "train")', { configPath: 'cfg', configName: 'train', unknown: [] }],
      ['from hydra import main as hydra_main\nCONF = "conf"', '@hydra_main(config_path=CONF, config_name="c", version_base="1.3")', { configPath: 'conf', configName: 'c', versionBase: '1.3', unknown: [] }],
      ['from hydra import main', '@main(config_path=None, config_name="c")', { configPath: null, configName: 'c', unknown: [] }],
      ['import hydra, os', '@hydra.main(config_path=os.getcwd(), config_name="c")', { configName: 'c', unknown: ['config_path'] }],
    ];
    for (const [imports, decorator, expected] of cases) {
      const script = project({ 'train.py': SCRIPT(decorator, imports) });
      const inspection = await inspectScript(script, { python: python ?? 'python3', readerPath });
      expect(inspection.frameworks).toContain('hydra');
      const { config: _config, ...main } = inspection.hydra ?? { line: -1, unknown: [] };
      expect(main).toEqual({ line: imports.split('\n').length + 2, ...expected });
      // Hydra is read, so it is no longer "a library Rung does not read".
      expect(inspection.warnings.join('\n')).not.toMatch(/does not read/);
    }
  });

  it('the JSON stays version 1: an answer without `hydra` has none, a malformed one is ignored field by field', () => {
    const base = { version: 1, script: 'train.py', arguments: [], metrics: [], imports: [], warnings: [] };
    expect(parseInspectorOutput(JSON.stringify(base), 'train.py').hydra).toBeUndefined();
    const odd = parseInspectorOutput(JSON.stringify({ ...base, hydra: { line: 3, configPath: 7, configName: 'c', unknown: 'x' } }), 'train.py');
    expect(odd.hydra).toEqual({ line: 3, configName: 'c', unknown: [] });
  });
});

describe('proposals for Hydra scripts', () => {
  it('the fixture app: dotted leaves, a config group as a categorical, its default option\'s values under when:, epochs as the budget', async () => {
    const { proposal, spec } = await propose(path.join(appDir, 'train.py'));
    expect([...spec.space.params.keys()]).toEqual([
      'augment',
      'loss.label_smoothing',
      'data.batch_size',
      'model',
      'model.hidden',
      'model.dropout',
      'optimizer.lr',
      'optimizer.weight_decay',
    ]);
    expect(param(spec, 'augment')).toMatchObject({ kind: 'categorical', choices: [true, false] });
    expect(param(spec, 'data.batch_size')).toMatchObject({ kind: 'categorical', choices: [16, 32, 64, 128, 256] });
    expect(param(spec, 'model')).toMatchObject({ kind: 'categorical', choices: ['cnn', 'mlp'] });
    expect(param(spec, 'model.hidden')).toMatchObject({ kind: 'int', low: 32, high: 512, log: true, when: { model: ['mlp'] } });
    expect(param(spec, 'model.dropout')).toMatchObject({ kind: 'float', when: { model: ['mlp'] } });
    // The same heuristics as for argparse: log scale around a learning rate's and weight decay's default.
    expect(param(spec, 'optimizer.lr')).toMatchObject({ kind: 'float', log: true, low: 3.3e-5, high: 0.03 });
    expect(param(spec, 'optimizer.weight_decay')).toMatchObject({ kind: 'float', log: true, low: 3.3e-7, high: 3e-4 });
    expect(spec.command).toEqual([
      'python3',
      'train.py',
      'augment={augment}',
      'loss.label_smoothing={loss.label_smoothing}',
      'data.batch_size={data.batch_size}',
      'model={model}',
      'model.hidden={model.hidden}',
      'model.dropout={model.dropout}',
      'optimizer.lr={optimizer.lr}',
      'optimizer.weight_decay={optimizer.weight_decay}',
      'trainer.max_epochs={budget}',
      "hydra.run.dir='{trial_dir}'",
    ]);
    expect(proposal.budget).toEqual({ flag: 'trainer.max_epochs', maxBudget: 9 });
    expect(spec.scheduler).toMatchObject({ type: 'asha', maxBudget: 9 });
    expect(spec.metric).toMatchObject({ name: 'val_loss', goal: 'minimize' });
    const notes = proposal.notes.join('\n');
    expect(notes).toContain('read its config conf/config.yaml and the config groups model (conf/model/), optimizer (conf/optimizer/), trainer (conf/trainer/)');
    expect(notes).toContain('Not tuned, kept at the script\'s defaults: seed (a random seed), data.num_workers (parallelism), optimizer (a config group with one option, adam), trainer (a config group with one option, default)');
    expect(notes).toContain('Text values, lists and interpolations of the config are not tuned: data.path, data.splits, model.name, optimizer.betas.');
    expect(notes).toContain('add its override to command (`trainer.gradient_clip_val={trainer.gradient_clip_val}`)');
    expect(notes).toContain('hydra.run.dir is given {trial_dir}');
    expect(notes).not.toMatch(/does not read/);
    expect(proposal.text).toMatch(/^ {2}# trainer\.gradient_clip_val: +\{type: float, low: 0\.1, high: 10, log: true\}/m);
  });

  it('renders words Hydra parses: 1e-05 and other floats, ints, booleans; an inactive option\'s values are left out', async () => {
    const { spec } = await propose(path.join(appDir, 'train.py'));
    const config = { augment: true, 'loss.label_smoothing': 0.1, 'data.batch_size': 32, model: 'cnn', 'optimizer.lr': 1e-5, 'optimizer.weight_decay': 1e-7 };
    const argv = renderCommand(spec.command, { config, space: spec.space, budget: 3, trialId: '1', trialDir: '/tmp/a b,c' });
    expect(argv).toEqual([
      'python3',
      'train.py',
      'augment=true',
      'loss.label_smoothing=0.1',
      'data.batch_size=32',
      'model=cnn',
      'optimizer.lr=0.00001',
      'optimizer.weight_decay=1e-7',
      'trainer.max_epochs=3',
      "hydra.run.dir='/tmp/a b,c'",
    ]);
    // Hydra's grammar: FLOAT is [+-]?(digits.digits | digits(.digits)?[eE][+-]?digits); BOOL true/false; INT digits.
    for (const word of argv.slice(2, -1)) expect(word).toMatch(/^[a-z_.]+=(?:[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|[a-z]+)$/);
  });

  it('odd configs: config_path=None, no config_name, a missing config file, invalid YAML; notes, an example parameter, never a throw', async () => {
    const none = await propose(project({ 'train.py': SCRIPT('@hydra.main(config_path=None, config_name="config", version_base=None)'), 'config.yaml': 'lr: 0.1\n' }));
    expect(none.proposal.notes.join('\n')).toContain('Hydra: @hydra.main has no config_path, so Hydra reads no config folder');
    expect(none.proposal.notes.join('\n')).toContain('Rename it to a key of the Hydra config');
    expect(none.spec.command).toEqual(['python3', 'train.py', "hydra.run.dir='{trial_dir}'"]);

    // Without version_base, Hydra 1.1's defaults: no config_path means the script's own folder.
    const legacy = await propose(project({ 'train.py': SCRIPT('@hydra.main(config_name="config")'), 'config.yaml': 'lr: 0.1\nepochs: 5\n' }));
    expect(legacy.spec.command).toEqual(['python3', 'train.py', 'lr={lr}', 'epochs={budget}', "hydra.run.dir='{trial_dir}'"]);

    const pkg = await propose(project({ 'train.py': SCRIPT('@hydra.main(config_path="pkg://my_app.conf", config_name="config", version_base=None)') }));
    expect(pkg.proposal.notes.join('\n')).toContain('names a Python package, which Rung does not read');

    const noName = await propose(project({ 'train.py': SCRIPT('@hydra.main(config_path="conf", version_base=None)') }));
    expect(noName.proposal.notes.join('\n')).toContain('has no config_name');

    const missing = await propose(project({ 'train.py': SCRIPT('@hydra.main(config_path="conf", config_name="config", version_base=None)') }));
    expect(missing.proposal.notes.join('\n')).toContain('Hydra: the config file conf/config.yaml does not exist.');
    expect(missing.proposal.parameters.map((p) => p.name)).toEqual(['lr']);

    const invalid = await propose(project({ 'train.py': SCRIPT('@hydra.main(config_path="conf", config_name="config", version_base=None)'), 'conf/config.yaml': 'lr: [1, 2\n' }));
    expect(invalid.proposal.notes.join('\n')).toMatch(/Hydra: the config file conf\/config\.yaml is not valid YAML/);
  });

  it('nested dicts, ??? values, a group with one option, a group with ??? as its default, a missing group folder or option file', async () => {
    const script = project({
      'train.py': SCRIPT('@hydra.main(config_path="conf", config_name="config", version_base=None)'),
      'conf/config.yaml': [
        'defaults:',
        '  - optim: sgd',
        '  - model: ???',
        '  - data: mnist',
        '  - optional aug: none',
        '  - sched: cosine',
        '  - _self_',
        'data_dir: ???',
        'net:',
        '  encoder:',
        '    block:',
        '      dropout: 0.2',
        '      layers: 4',
        'train:',
        '  num_epochs: 12',
        'eval:',
        '  batch_size: 256',
        'dataset:',
        '  seed: 3',
        '',
      ].join('\n'),
      'conf/optim/sgd.yaml': 'lr: 0.1\nmomentum: 0.9\n',
      'conf/model/small.yaml': 'width: 64\n',
      'conf/model/large.yaml': 'width: 512\n',
      'conf/sched/step.yaml': 'gamma: 0.1\n',
      'conf/sched/linear.yaml': 'warmup: 0\n',
    });
    const { proposal, spec } = await propose(script);
    expect([...spec.space.params.keys()]).toEqual(['net.encoder.block.dropout', 'net.encoder.block.layers', 'optim.lr', 'optim.momentum', 'model', 'sched']);
    // One option: its values are tuned without a condition; ??? as the default: each trial picks an option, no values.
    expect(param(spec, 'optim.lr').when).toBeUndefined();
    expect(param(spec, 'model')).toMatchObject({ kind: 'categorical', choices: ['large', 'small'] });
    // Named by the key (and its parent's, to leave out eval.batch_size and dataset.seed), not by the whole path:
    // `block` makes no depth of net.encoder.block.dropout.
    expect(param(spec, 'net.encoder.block.layers')).toMatchObject({ kind: 'int', low: 2, high: 8 });
    expect(param(spec, 'net.encoder.block.dropout')).toMatchObject({ kind: 'float', low: 0, high: 0.5 });
    expect(proposal.budget).toEqual({ flag: 'train.num_epochs', maxBudget: 12 });
    expect(spec.command).toContain('data_dir=DATA_DIR');
    expect(spec.command).toContain('train.num_epochs={budget}');
    const notes = proposal.notes.join('\n');
    expect(notes).toContain('Not tuned, kept at the script\'s defaults: eval.batch_size (evaluation only), dataset.seed (a random seed), optim (a config group with one option, sgd).');
    expect(notes).toContain('The script needs data_dir (??? in conf/config.yaml): replace data_dir=DATA_DIR in command: with real values.');
    expect(notes).toContain('Hydra: the config group data has no folder conf/data: not read.');
    expect(notes).toContain('Hydra: the config group sched selects cosine, but conf/sched/cosine.yaml does not exist.');
    expect(notes).not.toMatch(/\baug\b/); // optional: a missing folder is no surprise
    expect(proposal.text).toMatch(/^ {2}model: +\{type: categorical, choices: \[large, small\]\} +# config group conf\/model\/: 2 options, no default \(\?\?\?\)/m);
  });

  it('the budget in a group option another option lacks is passed with ++ (set or add); # @package _global_ puts values at the root', async () => {
    const script = project({
      'train.py': SCRIPT('@main(version_base="1.1", config_path="conf", config_name="config")', 'from hydra import main'),
      'conf/config.yaml': 'defaults:\n  - trainer: gpu\n  - preset: fast\n  - _self_\n',
      'conf/trainer/gpu.yaml': 'max_epochs: 27\nprecision_bits: 16\n',
      'conf/trainer/cpu.yaml': 'threads: 4\n',
      'conf/preset/fast.yaml': '# @package _global_\nlearning_rate: 0.01\n',
      'conf/preset/slow.yaml': '# @package _global_\nlearning_rate: 0.001\n',
    });
    const { spec, proposal } = await propose(script);
    expect(spec.command).toEqual(['python3', 'train.py', 'trainer={trainer}', 'preset={preset}', 'learning_rate={learning_rate}', '++trainer.max_epochs={budget}', "hydra.run.dir='{trial_dir}'"]);
    expect(param(spec, 'learning_rate')).toMatchObject({ kind: 'float', log: true, when: { preset: ['fast'] } });
    expect(proposal.scheduler).toBe('asha');
  });
});

const hasHydra = python !== undefined && spawnSync(python, ['-c', 'import hydra']).status === 0;
const hasYaml = python !== undefined && spawnSync(python, ['-c', 'import yaml']).status === 0;

describe.skipIf(!hasHydra && !hasYaml)('a proposed Hydra command, run for real (hydra-core, else the test-only stand-in)', () => {
  it('runs with the default option\'s values and with another option (whose values are left out); Hydra\'s outputs go to the trial folder', async () => {
    const { spec } = await propose(path.join(appDir, 'train.py'));
    const env = { ...process.env, ...(hasHydra ? {} : { PYTHONPATH: path.join(repoRoot, 'test/fixtures/hydra_standin') }) };
    const configs: Record<string, string | number | boolean>[] = [
      { augment: false, 'loss.label_smoothing': 0.1, 'data.batch_size': 64, model: 'mlp', 'model.hidden': 256, 'model.dropout': 0.2, 'optimizer.lr': 1e-5, 'optimizer.weight_decay': 1e-5 },
      { augment: true, 'loss.label_smoothing': 0.0, 'data.batch_size': 16, model: 'cnn', 'optimizer.lr': 0.03, 'optimizer.weight_decay': 3e-7 },
    ];
    for (const config of configs) {
      const trialDir = path.join(tempDir('rung-hydra-trial-'), 'trial 1');
      const argv = renderCommand(spec.command, { config, space: spec.space, budget: 2, trialId: '1', trialDir });
      const ran = spawnSync(python ?? 'python3', argv.slice(1), { cwd: appDir, encoding: 'utf8', timeout: 60_000, env });
      expect(ran.stderr).not.toMatch(/Error/);
      expect(ran.status).toBe(0);
      expect(ran.stdout).toMatch(/^epoch=2 val_loss=\d+\.\d+$/m);
      expect(existsSync(path.join(trialDir, '.hydra', 'overrides.yaml'))).toBe(true);
      expect(readFileSync(path.join(trialDir, '.hydra', 'overrides.yaml'), 'utf8')).toContain(`model=${String(config.model)}`);
    }
  });
});
