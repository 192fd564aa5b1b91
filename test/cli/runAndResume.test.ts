/**
 * `rung run` / `rung resume` as a script or CI job sees them (the built dist/cli.js in real child processes):
 * - `--trials N` is part of how a study was run: `rung resume` keeps the budget the study last ran with
 *   (it used to fall back to the file's `trials` and run more trials than asked for), `resume --trials N`
 *   sets another one that later resumes keep, and the `auto` sampler chooses with the budget given on the
 *   command line, not the file's;
 * - the exit status says whether the study produced anything: 1 when every trial that ended failed;
 * - `validate` and `run` print a valid file's warnings, including what only the disk shows (a script
 *   that is not there, a missing cwd).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readStudyEvents } from '../../src/engine/store/jsonlStore';
import { fakeTrainer, tempDir } from '../helpers/studyFixture';
import { ensureCliBuilt, rung } from '../helpers/cliProcess';

beforeAll(ensureCliBuilt);

function studyFile(dir: string, name: string, lines: readonly string[]): string {
  const file = path.join(dir, `${name}.rung.yaml`);
  writeFileSync(
    file,
    [
      `name: ${name}`,
      `command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(fakeTrainer)}, "--lr={lr}", "--epochs", "1", "--delay", "0"]`,
      'metric: val_loss',
      'parameters:',
      '  lr: {type: float, low: 1.0e-4, high: 1.0, log: true}',
      ...lines,
      '',
    ].join('\n'),
  );
  return file;
}

/** Trials in the log; every run of the study must have ended it (study.ended last, the lock released). */
async function trialCount(dir: string, name: string): Promise<number> {
  const { events } = await readStudyEvents(path.join(dir, '.rung'), name);
  expect(events.at(-1)?.event.type).toBe('study.ended');
  expect(existsSync(path.join(dir, '.rung', name, 'study.lock'))).toBe(false);
  return events.filter((e) => e.event.type === 'trial.planned').length;
}

describe('the trial budget across run and resume', () => {
  it('resume keeps the --trials of the run, and resume --trials N sets a budget later resumes keep', async () => {
    const dir = tempDir();
    const file = studyFile(dir, 'budget', ['sampler: random', 'trials: 6', 'seed: 1']);

    const run = rung(['run', file, '--trials', '2', '--quiet'], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(await trialCount(dir, 'budget')).toBe(2);

    // Nothing left to do: the study ran its 2 trials (not the file's 6), and says so.
    const resumed = rung(['resume', 'budget'], dir);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/^study budget finished: trial budget reached — 2 completed/m);
    expect(resumed.stdout).toMatch(/^nothing was run: the study had already ended \(finished: trial budget reached\); --trials N \(more than 2\) runs more, rung run <study file> --fresh starts it over$/m);
    expect(await trialCount(dir, 'budget')).toBe(2);

    const more = rung(['resume', 'budget', '--trials', '4', '--quiet'], dir);
    expect(more.code, more.stderr).toBe(0);
    expect(await trialCount(dir, 'budget')).toBe(4);
    const again = rung(['resume', 'budget', '--quiet'], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(await trialCount(dir, 'budget')).toBe(4);

    // `rung run` of the file continues with the file's budget, as before.
    const file6 = rung(['run', file, '--quiet'], dir);
    expect(file6.code, file6.stderr).toBe(0);
    expect(file6.stdout).not.toContain('nothing was run');
    expect(await trialCount(dir, 'budget')).toBe(6);
    const rerun = rung(['run', file, '--quiet'], dir);
    expect(rerun.stdout).toMatch(/^nothing was run: .*--trials N \(more than 6\) runs more, --fresh starts it over$/m);
  });

  it('resume and a second run keep the --python of the run, unless --python or $RUNG_PYTHON names another', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'interp.rung.yaml');
    // `python3` stands for the interpreter: --python gives Node, which runs the fake trainer.
    writeFileSync(
      file,
      [
        'name: interp',
        `command: [python3, ${JSON.stringify(fakeTrainer)}, "--lr={lr}", "--epochs", "1", "--delay", "0"]`,
        'metric: val_loss',
        'parameters:',
        '  lr: {type: float, low: 1.0e-4, high: 1.0, log: true}',
        'sampler: random',
        'trials: 1',
        '',
      ].join('\n'),
    );
    const noInterpreter = { RUNG_PYTHON: '' };
    const run = rung(['run', file, '--python', process.execPath, '--quiet'], dir, noInterpreter);
    expect(run.code, run.stderr).toBe(0);
    // Before: resume ran `python3 <the .js trainer>` and every new trial failed.
    const resumed = rung(['resume', 'interp', '--trials', '2'], dir, noInterpreter);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`python: ${process.execPath}, as the study's last run`);
    const again = rung(['run', file, '--trials', '3', '--quiet'], dir, noInterpreter);
    expect(again.code, again.stderr).toBe(0);
    const { events } = await readStudyEvents(path.join(dir, '.rung'), 'interp');
    const launched = events.flatMap((e) => (e.event.type === 'trial.launched' ? [e.event] : []));
    expect(launched.map((e) => e.argv[0])).toEqual([process.execPath, process.execPath, process.execPath]);
    expect(events.filter((e) => e.event.type === 'trial.ended').every((e) => e.event.type === 'trial.ended' && e.event.status === 'completed')).toBe(true);
  });

  it('the auto sampler chooses with the --trials budget', async () => {
    const dir = tempDir();
    // No `trials:` in the file: auto would pick TPE for an open-ended study; 12 trials of one float is GP's regime.
    const file = studyFile(dir, 'autobudget', ['seed: 2']);
    const run = rung(['run', file, '--trials', '12'], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/sampler auto: gp \(1 float parameter[^)]*12 trials\)/);
    const { events } = await readStudyEvents(path.join(dir, '.rung'), 'autobudget');
    const first = events.find((e) => e.event.type === 'trial.asked')?.event;
    expect(first?.type === 'trial.asked' ? first.note : undefined).toMatch(/^auto: gp /);
  });
});

describe('the exit status of rung run', () => {
  it('is 1 when every trial failed, and the summary shows the first failure; 0 once one trial completes', () => {
    const dir = tempDir();
    const failing = path.join(dir, 'failing.rung.yaml');
    writeFileSync(
      failing,
      [
        'name: failing',
        `command: [${JSON.stringify(process.execPath)}, "-e", "console.log('boom: no such dataset'); process.exit(3)", "{lr}"]`,
        'metric: val_loss',
        'parameters:',
        '  lr: {type: float, low: 1.0e-4, high: 1.0, log: true}',
        'sampler: random',
        'trials: 2',
        '',
      ].join('\n'),
    );
    const run = rung(['run', failing], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/0 completed, 0 pruned, 2 failed/);
    expect(run.stdout).toMatch(/^first failure: trial #0: exit code 3 — boom: no such dataset$/m);

    const fine = studyFile(dir, 'fine', ['sampler: random', 'trials: 2']);
    const ok = rung(['run', fine, '--quiet'], dir);
    expect(ok.code, ok.stderr).toBe(0);
  });
});

describe('warnings of a valid study file', () => {
  it('validate prints the parser\'s warnings and the files the command names that are not there; the file stays valid', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'train.py'), 'print("loss=1")\n');
    const file = path.join(dir, 'typo.rung.yaml');
    writeFileSync(file, ['name: typo', 'command: python3 trian.py {args}', 'metric: loss', 'parameters:', '  x: {type: float, low: 0, high: 1, step: 0.3}', ''].join('\n'));
    const result = rung(['validate', file], dir);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/typo\.rung\.yaml: ok \(1 parameter, sampler auto, scheduler fifo\)/);
    expect(result.stderr).toMatch(/typo\.rung\.yaml:5:\d+: warning: step 0\.3 does not divide high - low \(1\): the largest value used is 0\.9, not 1/);
    expect(result.stderr).toContain(`typo.rung.yaml:2:18: warning: the command runs trian.py, which is not in ${dir} (did you mean "train.py"?)`);

    writeFileSync(file, ['name: typo', 'cwd: nowhere', 'command: python3 train.py {args}', 'metric: loss', 'parameters:', '  x: {type: float, low: 0, high: 1}', ''].join('\n'));
    const noCwd = rung(['validate', file], dir);
    expect(noCwd.code).toBe(0);
    expect(noCwd.stderr).toContain(`typo.rung.yaml:2:1: warning: the trials' folder ${path.join(dir, 'nowhere')} does not exist`);
  });

  it('validate warns when this machine has fewer GPUs than gpus_per_trial asks for (nvidia-smi on PATH says how many)', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'train.py'), 'print("loss=1")\n');
    const file = path.join(dir, 'gpu.rung.yaml');
    const study = (perTrial: number): string =>
      ['name: gpu', 'command: python3 train.py {args}', 'metric: loss', 'parameters:', '  x: {type: float, low: 0, high: 1}', `resources: {gpus_per_trial: ${perTrial}}`, ''].join('\n');
    // A stand-in nvidia-smi first on PATH: two GPUs, then one that fails as on a machine without a driver.
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    const smi = path.join(bin, 'nvidia-smi');
    const withFakeSmi = { PATH: `${bin}${path.delimiter}${process.env['PATH'] ?? ''}` };
    writeFileSync(smi, '#!/bin/sh\nprintf "0\\n1\\n"\n', { mode: 0o755 });

    writeFileSync(file, study(2));
    const enough = rung(['validate', file], dir, withFakeSmi);
    expect(enough.code, enough.stderr).toBe(0);
    expect(enough.stderr).not.toMatch(/gpus_per_trial/);

    writeFileSync(file, study(4));
    const tooFew = rung(['validate', file], dir, withFakeSmi);
    expect(tooFew.code, tooFew.stderr).toBe(0);
    expect(tooFew.stderr).toContain('gpu.rung.yaml:6:13: warning: resources.gpus_per_trial is 4 but only 2 GPU(s) were found on this machine (nvidia-smi): rung run would refuse to start here');

    writeFileSync(smi, '#!/bin/sh\necho "NVIDIA-SMI has failed" >&2\nexit 9\n', { mode: 0o755 });
    const none = rung(['validate', file], dir, withFakeSmi);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stderr).toMatch(/warning: resources\.gpus_per_trial is 4 but no NVIDIA GPU was found on this machine \(nvidia-smi\)/);
  });
});
