/**
 * Shared checks of the importer tests: every import must give a study file that Rung's own parser accepts,
 * and every warning must also be in the file (as a comment), so nothing is dropped silently.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { defaultStudyFile, importSweep, type ImportOptions, type ImportResult } from '../../../src/engine/importers/index';
import { renderCommand } from '../../../src/engine/runner/commandTemplate';
import { formatSpecIssue, parseStudySpec } from '../../../src/engine/spec/parseStudySpec';
import type { SpecIssue } from '../../../src/engine/spec/specIssue';
import type { StudySpec } from '../../../src/engine/spec/studySpec';
import type { Config, ParamSpec } from '../../../src/engine/space/searchSpace';
import { repoRoot } from '../../helpers/studyFixture';

export const fixtures = path.join(repoRoot, 'test', 'fixtures', 'importers');

export function fixture(relative: string): { file: string; text: string } {
  const file = path.join(fixtures, relative);
  return { file, text: readFileSync(file, 'utf8') };
}

export interface Imported {
  readonly result: ImportResult;
  readonly spec: StudySpec;
  /** The file's comments as one line of text (wrapping undone). */
  readonly comments: string;
}

/** Imports `text` as `file`, checks the result with parseStudySpec and that every warning is in the file. */
export function importOk(text: string, file: string, options: Omit<ImportOptions, 'file'> = {}): Imported {
  const r = importSweep(text, { file, ...options });
  if (!r.ok) throw new Error(`import failed:\n${r.error.map((i) => formatSpecIssue(i)).join('\n')}`);
  const studyFile = options.studyFile ?? defaultStudyFile(file);
  const parsed = parseStudySpec(r.value.text, studyFile);
  if (!parsed.ok) throw new Error(`imported study does not parse:\n${parsed.error.map((i) => formatSpecIssue(i)).join('\n')}\n---\n${r.value.text}`);
  const comments = commentText(r.value.text);
  for (const w of r.value.warnings) {
    expect(w.severity).toBe('warning');
    expect(comments, `warning not in the file: ${w.message}\n---\n${r.value.text}`).toContain(oneLine(w.message));
  }
  expect(r.value.parameters).toBe(parsed.value.space.params.size);
  return { result: r.value, spec: parsed.value, comments };
}

/** Imports a fixture file. */
export function importFixture(relative: string, options: Omit<ImportOptions, 'file'> = {}): Imported {
  const { file, text } = fixture(relative);
  return importOk(text, file, options);
}

/** Imports `text`, expecting errors; returns them. */
export function importErrors(text: string, file: string, options: Omit<ImportOptions, 'file'> = {}): SpecIssue[] {
  const r = importSweep(text, { file, ...options });
  if (r.ok) throw new Error(`expected errors, got a study file:\n${r.value.text}`);
  for (const i of r.error) expect(i.line).toBeGreaterThanOrEqual(1);
  expect(r.error.some((i) => i.severity === 'error')).toBe(true);
  return r.error;
}

/** The one error (or the first) as `line:col message`. */
export function firstError(issues: readonly SpecIssue[]): SpecIssue {
  const e = issues.find((i) => i.severity === 'error');
  if (!e) throw new Error('no error');
  return e;
}

export function param(spec: StudySpec, name: string): ParamSpec {
  const p = spec.space.params.get(name);
  if (p === undefined) throw new Error(`no parameter ${name}; have ${[...spec.space.params.keys()].join(', ')}`);
  return p;
}

/** The argv a trial with `config` runs. */
export function argvFor(spec: StudySpec, config: Config, trialDir = '/trials/0'): string[] {
  return renderCommand(spec.command, { config, space: spec.space, budget: spec.scheduler.maxBudget, trialId: '0', trialDir });
}

export function warningsOf(result: ImportResult): string[] {
  return result.warnings.map((w) => w.message);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function commentText(text: string): string {
  const lines = text
    .split('\n')
    .filter((l) => l.startsWith('#'))
    .map((l) => l.replace(/^#\s*(?:- )?/, ''));
  return oneLine(lines.join(' '));
}
