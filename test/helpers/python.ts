/** The Python interpreter tests run Rung's Python helpers with: Debian's (it has scikit-learn), else python3. */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export function findPython(): string | undefined {
  if (existsSync('/usr/bin/python3')) return '/usr/bin/python3';
  const probe = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? 'python3' : undefined;
}
