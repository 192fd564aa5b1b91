/**
 * bench/protocol_audit.py, the behaviour checks of `rung ask-tell` on problems that use the corners of
 * hpo-jsonl/1 the shipped benchmark problems do not: a short run of its fastest scenarios against the built
 * dist/cli.js (bad inits, spaces that run out, all-failing objectives). The whole audit (`--seeds 2`, about
 * 5 minutes) is run by hand. Skipped when /usr/bin/python3 is not there.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/studyFixture';

const cli = path.join(repoRoot, 'dist', 'cli.js');
const python = '/usr/bin/python3';

beforeAll(() => {
  if (!existsSync(cli)) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
});

describe.skipIf(!existsSync(python))('bench/protocol_audit.py', () => {
  it('passes its errors, exhaust and allfail scenarios against dist/cli.js', () => {
    const result = spawnSync(python, [path.join(repoRoot, 'bench', 'protocol_audit.py'), '--cli', cli, '--only', 'errors,exhaust,allfail', '--seeds', '1'], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^protocol_audit: 0 failed checks/m);
  }, 150_000);
});
