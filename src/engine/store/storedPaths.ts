/**
 * Paths in a study's event log, so that a project can be moved, renamed or cloned with its studies.
 *
 * The paths a log holds — the study file (`study.created`), a trial's folder and working directory
 * (`trial.launched`) — are written relative to the study folder `<root>/<study>` when they lie inside the
 * folder that holds the store (the project, for the default `<project>/.rung`): `trials/3`, `../..`,
 * `../../train.rung.yaml`, with `/` separators. A path outside it (a project elsewhere than a store kept
 * outside it) stays absolute, so such a store can still move on its own. Readers get absolute paths back
 * (resolved against where the study folder is now), so nothing above the store sees the difference. Logs
 * written before this stored every path absolute; those are read as they are.
 *
 * A study that `rung run --fresh` set aside in `<root>/.archive/<study>-<time>` sits one level deeper than it
 * was written: its own files (`trials/3`) are read from where it is, paths that climb out of it (`../..`) from
 * where it was, `<root>/<study>`.
 *
 * A trial's argv is stored as it ran (a `{trial_dir}` in it keeps the absolute folder of that run).
 */
import path from 'node:path';
import type { StudyEvent } from './events';
import { studyDir } from './storePaths';

/** Where one study's paths are stored relative to: its folder, for paths inside `projectDir`. */
export interface StoredPathBase {
  /** The study folder, absolute. */
  readonly studyDir: string;
  /** The folder holding the store, absolute; undefined when that is the file system's root (nothing is relative then). */
  readonly projectDir: string | undefined;
}

export function storedPathBase(root: string, study: string): StoredPathBase {
  const absoluteRoot = path.resolve(root);
  const projectDir = path.dirname(absoluteRoot);
  return { studyDir: studyDir(absoluteRoot, study), projectDir: path.dirname(projectDir) === projectDir ? undefined : projectDir };
}

function isInside(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** `p` as the log stores it: relative to the study folder when inside the project, else absolute. */
export function toStoredPath(p: string, base: StoredPathBase): string {
  // A relative path in memory (a store root given as `.rung`) means one from this process's folder.
  const absolute = path.resolve(p);
  if (base.projectDir === undefined || !isInside(absolute, base.projectDir)) return absolute;
  const rel = path.relative(base.studyDir, absolute);
  return rel === '' ? '.' : rel.split(path.sep).join('/');
}

/** Where a log's relative paths are read from: the study folder now, and where it was written (see above). */
export interface ReadPathBase {
  readonly studyDir: string;
  readonly writtenAt: string;
}

/** The folder `rung run --fresh` moves an old study into, under the store root (study.ts, archiveExisting). */
const ARCHIVE_DIR = '.archive';

export function readPathBase(root: string, study: string): ReadPathBase {
  const here = studyDir(path.resolve(root), study);
  const parent = path.dirname(here);
  const writtenAt = path.basename(parent) === ARCHIVE_DIR ? path.join(path.dirname(parent), path.basename(here)) : here;
  return { studyDir: here, writtenAt };
}

/** A stored path as an absolute one: relative ones are taken from the study folder's current place. */
export function fromStoredPath(p: string, base: ReadPathBase): string {
  if (path.isAbsolute(p)) return p;
  const climbs = p === '..' || p.startsWith('../');
  return path.resolve(climbs ? base.writtenAt : base.studyDir, p);
}

/** The event as written to the log (a new object only when it holds a path). */
export function eventToStored(event: StudyEvent, base: StoredPathBase): StudyEvent {
  switch (event.type) {
    case 'study.created':
      return event.spec.file === undefined ? event : { ...event, spec: { ...event.spec, file: toStoredPath(event.spec.file, base) } };
    case 'trial.launched':
      return { ...event, cwd: toStoredPath(event.cwd, base), trialDir: toStoredPath(event.trialDir, base) };
    default:
      return event;
  }
}

/** The event as read from the log, its paths absolute again. */
export function eventFromStored(event: StudyEvent, base: ReadPathBase): StudyEvent {
  switch (event.type) {
    // Only the envelope of a line is checked when read: a field that is not a string is left for the reader to judge.
    case 'study.created':
      return typeof event.spec?.file !== 'string' ? event : { ...event, spec: { ...event.spec, file: fromStoredPath(event.spec.file, base) } };
    case 'trial.launched':
      return {
        ...event,
        ...(typeof event.cwd === 'string' ? { cwd: fromStoredPath(event.cwd, base) } : {}),
        ...(typeof event.trialDir === 'string' ? { trialDir: fromStoredPath(event.trialDir, base) } : {}),
      };
    default:
      return event;
  }
}
