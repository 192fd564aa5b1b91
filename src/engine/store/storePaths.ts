/**
 * Where a study's files live under a store root (default `<workspace>/.rung`):
 *
 * ```
 * <root>/index.json                      lowdb index of studies (studyIndex.ts)
 * <root>/<study>/events.jsonl            append-only event log (jsonlStore.ts)
 * <root>/<study>/study.lock              single-writer lock (studyLock.ts)
 * <root>/<study>/trials/<trialId>/       per-trial folder ({trial_dir})
 * ```
 */
import path from 'node:path';

/** The store root's default folder name inside a workspace. */
export const defaultStoreDirName = '.rung';

/**
 * Throws unless `name` can be used as one path segment. Study names and trial ids become folder names,
 * so a name like `../x` or `a/b` must never escape the store root.
 */
export function assertSafeName(kind: 'study' | 'trial', name: string): void {
  if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name) || name.trim() !== name) {
    throw new Error(`invalid ${kind} name ${JSON.stringify(name)}: it must be a single folder name (no "/", "\\", "." or "..")`);
  }
}

/** `<root>/<study>`: the folder holding one study's log, lock and trial folders. */
export function studyDir(root: string, study: string): string {
  assertSafeName('study', study);
  return path.join(root, study);
}

/** `<root>/<study>/events.jsonl`: the study's append-only event log. */
export function eventsFile(root: string, study: string): string {
  return path.join(studyDir(root, study), 'events.jsonl');
}

/** `<root>/<study>/study.lock`: present while a process is the study's writer. */
export function lockFile(root: string, study: string): string {
  return path.join(studyDir(root, study), 'study.lock');
}

/** `<root>/<study>/trials/<trialId>`: a trial's own folder (checkpoints, output); not created here. */
export function trialDir(root: string, study: string, trialId: string): string {
  assertSafeName('trial', trialId);
  return path.join(studyDir(root, study), 'trials', trialId);
}

/** `<root>/index.json`: the small lowdb index of studies. */
export function indexFile(root: string): string {
  return path.join(root, 'index.json');
}

/** A path for messages: relative to the working directory when inside it, else absolute. */
export function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}
