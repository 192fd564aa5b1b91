/**
 * Process-level checks of the example training scripts in examples/: output format, determinism,
 * resume from checkpoint (RUNG_RESUME=1) and that hyperparameters matter. The digits test needs a
 * Python with scikit-learn (RUNG_PYTHON, else /usr/bin/python3, else python3) and is skipped without one.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const quadraticDir = path.join(root, 'examples/quadratic');
const digitsDir = path.join(root, 'examples/digits');
const tmpDirs: string[] = [];

function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rung-examples-'));
  tmpDirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true });
});

interface Run {
  status: number | null;
  lines: string[];
  stderr: string;
}

function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Run {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, RUNG_TRIAL_DIR: '', RUNG_RESUME: '', ...env },
    timeout: 60_000,
  });
  return { status: r.status, lines: r.stdout.trim().split('\n').filter(Boolean), stderr: r.stderr };
}

function metric(line: string | undefined, name: string): number {
  const m = new RegExp(`(?:^|\\s)${name}=(\\S+)`).exec(line ?? '');
  if (!m) throw new Error(`no ${name} in ${JSON.stringify(line)}`);
  return Number(m[1]);
}

describe('examples/quadratic/train.mjs', () => {
  const node = process.execPath;
  const script = (args: string[], env?: Record<string, string>) => run(node, ['train.mjs', ...args], quadraticDir, env);

  it('prints one epoch line per epoch and is deterministic', () => {
    const a = script(['--lr=0.03', '--optimizer=adam', '--epochs', '20']);
    expect(a.status).toBe(0);
    expect(a.lines).toHaveLength(20);
    a.lines.forEach((line, i) =>
      expect(line).toMatch(new RegExp(`^epoch=${i + 1} train_loss=\\S+ val_loss=\\d\\S*$`)),
    );
    expect(script(['--lr', '0.03', '--optimizer', 'adam', '--epochs=20']).lines).toEqual(a.lines);
  });

  it('rewards tuning: a good config beats a too-slow one, a too-fast one diverges', () => {
    const good = script(['--lr=0.03', '--optimizer=adam', '--hidden=64', '--batch_size=16', '--epochs=20']);
    const slow = script(['--lr=0.0003', '--optimizer=sgd', '--epochs=20']);
    expect(metric(good.lines.at(-1), 'val_loss')).toBeLessThan(0.2);
    expect(metric(slow.lines.at(-1), 'val_loss')).toBeGreaterThan(1);
    const wild = script(['--lr=3', '--optimizer=sgd', '--epochs=20']);
    expect(wild.status).toBe(1);
    expect(wild.lines.at(-1)).toMatch(/val_loss=nan$/);
  });

  it('resumes from its checkpoint and continues the same curve', () => {
    const dir = tmpDir();
    const cfg = ['--lr=0.01', '--optimizer=momentum', '--momentum=0.9', '--batch_size=16', '--hidden=24'];
    expect(script([...cfg, '--epochs=5'], { RUNG_TRIAL_DIR: dir }).lines).toHaveLength(5);
    expect(fs.existsSync(path.join(dir, 'checkpoint.json'))).toBe(true);
    const resumed = script([...cfg, '--epochs=10'], { RUNG_TRIAL_DIR: dir, RUNG_RESUME: '1' });
    expect(resumed.status).toBe(0);
    expect(resumed.lines[0]).toMatch(/^epoch=6 /);
    expect(resumed.lines).toEqual(script([...cfg, '--epochs=10']).lines.slice(5));
  });

  it('rejects unknown flags', () => {
    expect(script(['--nope=1']).status).toBe(2);
  });
});

function findSklearnPython(): string | undefined {
  for (const py of [process.env.RUNG_PYTHON, '/usr/bin/python3', 'python3']) {
    if (py && spawnSync(py, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0) return py;
  }
  return undefined;
}
const python = findSklearnPython();

describe.skipIf(!python)('examples/digits/train.py', () => {
  const script = (args: string[], env?: Record<string, string>) =>
    run(python!, ['train.py', ...args], digitsDir, env);

  it('prints epoch, val_loss and val_acc per epoch and resumes from its checkpoint', () => {
    const dir = tmpDir();
    const cfg = ['--lr=0.02', '--optimizer=sgd', '--momentum=0.9', '--hidden=32', '--layers=2', '--batch_size=64'];
    const first = script([...cfg, '--epochs', '2'], { RUNG_TRIAL_DIR: dir });
    expect(first.status).toBe(0);
    expect(first.lines).toHaveLength(2);
    first.lines.forEach((line, i) =>
      expect(line).toMatch(new RegExp(`^epoch=${i + 1} train_loss=\\S+ val_loss=\\S+ val_acc=0\\.\\d{4}$`)),
    );
    const resumed = script([...cfg, '--epochs', '4'], { RUNG_TRIAL_DIR: dir, RUNG_RESUME: '1' });
    expect(resumed.status).toBe(0);
    expect(resumed.lines.map((l) => l.split(' ')[0])).toEqual(['epoch=3', 'epoch=4']);
    expect(resumed.lines).toEqual(script([...cfg, '--epochs', '4']).lines.slice(2));
    expect(metric(resumed.lines.at(-1), 'val_acc')).toBeGreaterThan(0.9);
  });
});
