/** Builds real study files in a temp folder and runs them with the real engine (real processes, real files). */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseStudySpec } from '../../src/engine/spec/parseStudySpec';
import type { StudySpec } from '../../src/engine/spec/studySpec';
import type { SequencedEvent } from '../../src/engine/store/events';
import { createStudyRunner, type StudyRunner, type StudyRunnerOptions } from '../../src/engine/study';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const fakeTrainer = path.join(repoRoot, 'test', 'fixtures', 'fake-trainer.mjs');

export function tempDir(prefix = 'rung-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes `text` as `<dir>/<name>.rung.yaml` and parses it; throws with the positioned issues if invalid. */
export function writeSpec(dir: string, name: string, text: string): { spec: StudySpec; file: string; text: string } {
  const file = path.join(dir, `${name}.rung.yaml`);
  writeFileSync(file, text);
  const parsed = parseStudySpec(text, file);
  if (!parsed.ok) throw new Error(parsed.error.map((i) => `${i.line}:${i.column} ${i.message}`).join('\n'));
  return { spec: parsed.value, file, text };
}

export interface RunningStudy {
  readonly runner: StudyRunner;
  readonly events: SequencedEvent[];
  readonly storeRoot: string;
}

export function startStudy(
  dir: string,
  written: { spec: StudySpec; file: string; text: string },
  extra: Partial<StudyRunnerOptions> = {},
): RunningStudy {
  const storeRoot = path.join(dir, '.rung');
  const events: SequencedEvent[] = [];
  const runner = createStudyRunner({
    spec: written.spec,
    stored: { file: written.file, source: written.spec.source, text: written.text },
    storeRoot,
    ...extra,
  });
  runner.events.on((e) => events.push(e));
  return { runner, events, storeRoot };
}

/** Whether a process exists (a zombie counts as gone: it runs nothing). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

export async function waitFor(check: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Pids printed as `grandchild_pid=N` by the fake trainer into a trial's output.log. */
export function grandchildPids(trialDir: string): number[] {
  let text = '';
  try {
    text = readFileSync(path.join(trialDir, 'output.log'), 'utf8');
  } catch {
    return [];
  }
  return [...text.matchAll(/grandchild_pid=(\d+)/g)].map((m) => Number(m[1]));
}
