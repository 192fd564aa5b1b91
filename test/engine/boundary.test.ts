/**
 * The engine must never import `vscode`: its tsconfig has only Node's types, so such an import is a
 * compile error (see types/no-vscode.d.ts). This test proves the rule has teeth by compiling a probe file under the engine's
 * settings (it must fail) and, as a control, under the extension's (it must pass).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../helpers/studyFixture';

const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

function compileProbe(layer: 'engine' | 'extension'): { ok: boolean; output: string } {
  const dir = tempDir('rung-boundary-');
  writeFileSync(path.join(dir, 'probe.ts'), "import * as vscode from 'vscode';\nexport const n: number = vscode ? 1 : 0;\n");
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: path.join(repoRoot, 'src', layer, 'tsconfig.json'),
      compilerOptions: { typeRoots: [path.join(repoRoot, 'node_modules', '@types')] },
      include: [path.join(dir, 'probe.ts')],
    }),
  );
  try {
    const output = execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
    return { ok: true, output };
  } catch (error) {
    const e = error as { stdout?: string };
    return { ok: false, output: e.stdout ?? String(error) };
  }
}

describe('layer boundary', () => {
  it('rejects `import "vscode"` under the engine tsconfig', () => {
    const result = compileProbe('engine');
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/TS2306: File '.*no-vscode.d.ts' is not a module/);
  });

  it('accepts the same import under the extension tsconfig (the probe itself is valid)', () => {
    const result = compileProbe('extension');
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });
});
