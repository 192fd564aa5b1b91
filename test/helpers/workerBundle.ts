/**
 * The bundled study worker (dist/studyWorker.js) that createStudyRunnerInWorker starts. `npm test` builds
 * dist first; a lone `vitest run` builds it here when it is missing or older than the engine sources.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './studyFixture';

export const workerScript = path.join(repoRoot, 'dist', 'studyWorker.js');

/** Newest modification time of the .ts files under `dir`. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** Returns the path of dist/studyWorker.js, building dist (esbuild.mjs) when it is missing or stale. */
export function ensureWorkerBundle(): string {
  const built = statSync(workerScript, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const sources = Math.max(newestSource(path.join(repoRoot, 'src', 'engine')), newestSource(path.join(repoRoot, 'src', 'shared')));
  if (built < sources) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
  return workerScript;
}
