/**
 * `rung show`'s "reproduce it:" line, run from a plain shell: for a command that sets variables with
 * `env NAME={name} python3 …` (what `rung propose` writes for a script that reads os.environ) it must give the
 * trial's value; for a script that writes into its trial folder (RUNG_TRIAL_DIR, `{trial_dir}`) it must run and
 * leave the stored trial's files alone. Built dist/cli.js in real child processes, real scripts.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/studyFixture';
import { ensureCliBuilt, rung } from '../helpers/cliProcess';

beforeAll(ensureCliBuilt);

describe('reproducing a trial whose command sets environment variables', () => {
  // `LR={lr} python3 …` is what `rung propose` writes for a script that reads os.environ; `env LR={lr} …` what it
  // wrote before. Rung applies the assignments itself (no shell runs a trial) and the reproduce line keeps them.
  it.skipIf(spawnSync('python3', ['--version']).status !== 0).each([
    ['LR={lr} python3 train.py', / PYTHONPATH=.* LR=[\d.]+ python3 train\.py$/],
    ['env LR={lr} python3 train.py', / PYTHONPATH=.* LR=[\d.]+ python3 train\.py$/],
  ])("%s: keeps Rung's PYTHONPATH, so the script's `from rung import report` works from a plain shell", (studyCommand, reproduced) => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'train.py'), ['import os', 'from rung import report', 'report(epoch=1, val_loss=float(os.environ["LR"]) * 2)'].join('\n'));
    writeFileSync(
      path.join(dir, 'envstudy.rung.yaml'),
      ['name: envstudy', `command: ${studyCommand}`, 'metric: val_loss', 'parameters:', '  lr: {type: float, low: 0.1, high: 1}', 'trials: 2', 'seed: 1'].join('\n'),
    );
    const run = rung(['run', 'envstudy.rung.yaml'], dir);
    expect(run.code, run.stderr).toBe(0);
    const show = rung(['show', 'envstudy'], dir);
    const command = show.stdout.split('reproduce it:\n')[1]?.split('\n')[0]?.trim() ?? '';
    expect(command).toMatch(reproduced);
    const stored = JSON.parse(rung(['export', 'envstudy', '--format', 'json'], dir).stdout) as { best: { value: number } };
    // A user's shell, without the PYTHONPATH Rung gave the trial.
    const env: Record<string, string> = { ...process.env } as Record<string, string>;
    delete env['PYTHONPATH'];
    const replay = spawnSync('bash', ['-c', command], { encoding: 'utf8', env });
    expect(replay.status, `${command}\n${replay.stderr}`).toBe(0);
    expect(Number(/"val_loss": ([^\s}]+)/.exec(replay.stdout)?.[1])).toBeCloseTo(stored.best.value, 10);
  });

  it.skipIf(spawnSync('python3', ['--version']).status !== 0)(
    'runs the program after the assignments with them in its environment, --python replacing the python3 there',
    () => {
      const dir = tempDir();
      // The script fails unless it runs under the --python wrapper with both variables set.
      writeFileSync(
        path.join(dir, 'train.py'),
        ['import os', 'assert os.environ.get("WRAPPED") == "1", "not run by --python"', 'assert os.environ["OMP_NUM_THREADS"] == "3"', 'print(f"val_loss={float(os.environ[\'LR\'])}")'].join('\n'),
      );
      const wrapper = path.join(dir, 'python-wrapper');
      writeFileSync(wrapper, '#!/bin/sh\nWRAPPED=1 exec python3 "$@"\n', { mode: 0o755 });
      writeFileSync(
        path.join(dir, 'assign.rung.yaml'),
        ['name: assign', 'command: OMP_NUM_THREADS=3 LR={lr} python3 train.py', 'metric: val_loss', 'parameters:', '  lr: {type: float, low: 0.1, high: 1}', 'trials: 2', 'seed: 1'].join('\n'),
      );
      const run = rung(['run', 'assign.rung.yaml', '--python', wrapper], dir);
      expect(run.code, run.stderr).toBe(0);
      const stored = JSON.parse(rung(['export', 'assign', '--format', 'json'], dir).stdout) as {
        best: { value: number; trialId: string };
        trials: { id: string; status: string; params: { lr: number } }[];
      };
      expect(stored.trials.map((t) => t.status)).toEqual(['completed', 'completed']);
      const lr = stored.trials.find((t) => t.id === stored.best.trialId)?.params.lr;
      expect(stored.best.value).toBeCloseTo(lr ?? NaN, 10);
      const command = rung(['show', 'assign'], dir).stdout.split('reproduce it:\n')[1]?.split('\n')[0]?.trim() ?? '';
      expect(command).toContain(` OMP_NUM_THREADS=3 LR=${String(lr)} ${wrapper} train.py`);
    },
  );

  it('gives a script that writes into its trial folder a fresh one, and never writes over the stored trial', () => {
    const dir = tempDir();
    // Saves a "model" into RUNG_TRIAL_DIR and a log into the --out folder ({trial_dir}), then prints its loss.
    writeFileSync(
      path.join(dir, 'train.mjs'),
      [
        "import { writeFileSync } from 'node:fs';",
        "import path from 'node:path';",
        "const x = Number(process.argv[2].split('=')[1]);",
        "const out = process.argv[3].split('=')[1];",
        "writeFileSync(path.join(process.env.RUNG_TRIAL_DIR, 'model.txt'), `trial ${process.env.RUNG_TRIAL_ID} at ${Date.now()}`);",
        "writeFileSync(path.join(out, 'log.txt'), 'rerun? ' + String(Date.now()));",
        "console.log(`val_loss=${(x - 0.3) ** 2}`);",
      ].join('\n'),
    );
    writeFileSync(
      path.join(dir, 'dirs.rung.yaml'),
      ['name: dirs', `command: [${JSON.stringify(process.execPath)}, train.mjs, "--x={x}", "--out={trial_dir}"]`, 'metric: val_loss', 'parameters:', '  x: {type: float, low: 0, high: 1}', 'trials: 2', 'seed: 1'].join('\n'),
    );
    const run = rung(['run', 'dirs.rung.yaml'], dir);
    expect(run.code, run.stderr).toBe(0);
    const stored = JSON.parse(rung(['export', 'dirs', '--format', 'json'], dir).stdout) as { best: { value: number; trialId: string } };
    const bestDir = path.join(dir, '.rung', 'dirs', 'trials', stored.best.trialId);
    const before = ['model.txt', 'log.txt'].map((f) => readFileSync(path.join(bestDir, f), 'utf8'));
    const command = rung(['show', 'dirs'], dir).stdout.split('reproduce it:\n')[1]?.split('\n')[0]?.trim() ?? '';
    expect(command).toContain('RUNG_TRIAL_DIR="$(mktemp -d)"');
    const replay = spawnSync('bash', ['-c', command], { encoding: 'utf8' });
    expect(replay.status, `${command}\n${replay.stderr}`).toBe(0);
    expect(Number(/val_loss=(\S+)/.exec(replay.stdout)?.[1])).toBeCloseTo(stored.best.value, 10);
    expect(['model.txt', 'log.txt'].map((f) => readFileSync(path.join(bestDir, f), 'utf8'))).toEqual(before);
  });
});
