/**
 * bench/fuzz_ask_tell.py, the random-session fuzzer of `rung ask-tell`: a short run against the built
 * dist/cli.js must pass, and fake engines (a Python script written here) must make it fail, so this cannot
 * pass with checks that never fire: one suggests out-of-range params, one never answers `ask` (the session
 * timeout must end it and leave no process behind). Skipped when /usr/bin/python3 is not there.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isAlive, repoRoot, tempDir } from '../helpers/studyFixture';

const cli = path.join(repoRoot, 'dist', 'cli.js');
const python = '/usr/bin/python3';
const fuzzer = path.join(repoRoot, 'bench', 'fuzz_ask_tell.py');

beforeAll(() => {
  if (!existsSync(cli)) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
});

function fuzz(args: readonly string[]): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(python, [fuzzer, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** An hpo-jsonl/1 engine that writes its pid to argv[2], then in mode `out-of-range` suggests every
 * unconditional number at high + 1 and every unconditional categorical as a value not in its choices; in
 * mode `hang` it never answers `ask`. */
const fakeEngine = `
import json, os, sys, time
mode, pid_file = sys.argv[1], sys.argv[2]
with open(pid_file, 'w') as f:
    f.write(str(os.getpid()))
space = None
while True:
    line = sys.stdin.readline()
    if not line:
        break
    op = json.loads(line)['op']
    if op == 'init':
        space = json.loads(line)['problem']['space']
        reply = {'ok': True, 'engine': {'name': 'fake'}}
    elif op == 'ask':
        if mode == 'hang':
            time.sleep(3600)
        params = {p['name']: 'not-a-choice' if p['type'] == 'categorical' else p['high'] + 1
                  for p in space['params'] if 'condition' not in p}
        reply = {'trial': 0, 'params': params}
    else:
        reply = {'ok': True}
    print(json.dumps(reply), flush=True)
    if op == 'shutdown':
        break
`;

describe.skipIf(!existsSync(python))('bench/fuzz_ask_tell.py', () => {
  it('passes 12 random sessions against dist/cli.js', () => {
    const { code, stdout, stderr } = fuzz(['--cli', cli, '--start', '0', '--sessions', '12']);
    expect(code, stdout + stderr).toBe(0);
    expect(stdout).toMatch(/^fuzz_ask_tell: 12 sessions \(seeds 0-11\), 0 failed, /m);
    expect(stdout).not.toContain('FAIL');
  });

  it('fails every session of an engine that suggests out-of-range params, naming the parameter', () => {
    const dir = tempDir('rung-fuzz-');
    const script = path.join(dir, 'fake_engine.py');
    writeFileSync(script, fakeEngine);
    const { code, stdout, stderr } = fuzz(['--engine-cmd', `${python} ${script} out-of-range ${path.join(dir, 'pid')}`, '--sessions', '3']);
    expect(code, stdout + stderr).toBe(1);
    const failures = stdout.split('\n').filter((l) => l.startsWith('FAIL '));
    expect(failures).toHaveLength(3);
    for (const line of failures) expect(line).toMatch(/seed=\d+ .*bad params for trial 0 \(p0=.* (outside \[|not in choices)/);
    expect(stdout).toContain('3 sessions (seeds 0-2), 3 failed');
  });

  it('ends a session whose engine hangs after --timeout and leaves no engine process behind', () => {
    const dir = tempDir('rung-fuzz-');
    const script = path.join(dir, 'fake_engine.py');
    const pidFile = path.join(dir, 'pid');
    writeFileSync(script, fakeEngine);
    const started = Date.now();
    const { code, stdout, stderr } = fuzz(['--engine-cmd', `${python} ${script} hang ${pidFile}`, '--sessions', '1', '--timeout', '2']);
    expect(code, stdout + stderr).toBe(1);
    expect(stdout).toMatch(/^FAIL .*no reply to ask: session timeout \(2 s\), engine killed/m);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(isAlive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });
});
