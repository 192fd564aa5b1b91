/**
 * `<root>/index.json`: a small lowdb index of the studies under a store root, for `rung ls` and the
 * sidebar. It is a cache, not history: every fact in it can be rebuilt from the studies' event logs.
 *
 * - Each update re-reads the file, changes one entry and writes the whole (small) file back
 *   atomically (a temp file with a per-process name, then rename), so two CLIs running two studies
 *   each keep the other's entries. Within a process, updates of one file are serialized.
 * - Limit: across processes it is last-writer-wins. Two processes updating at the same instant can
 *   lose one of the two updates (until its writer's next update, which runs about once a second while
 *   a study runs). Never a torn file.
 * - A corrupt index.json is set aside as `index.json.corrupt-<time>` and the index starts empty,
 *   instead of failing: writers re-add their studies on their next update.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Low, type Adapter } from 'lowdb';
import { countTrials, type StudySnapshot } from './project';
import { indexFile } from './storePaths';

/** A study's state as the index shows it. */
export type StudyIndexStatus = 'running' | 'finished' | 'stopped' | 'crashed';

/** One study in the index. */
export interface StudySummary {
  /** The study's name (its folder under the store root). */
  readonly name: string;
  /** The study file it was started from. */
  readonly file?: string;
  readonly status: StudyIndexStatus;
  readonly trials: {
    readonly total: number;
    readonly completed: number;
    readonly pruned: number;
    readonly failed: number;
    readonly running: number;
  };
  /** The best trial so far; null (or absent) when none has a value yet. */
  readonly best?: { readonly value: number; readonly trialId: string } | null;
  readonly goal: 'minimize' | 'maximize';
  readonly metric: string;
  /** Epoch milliseconds of the last update. */
  readonly updatedAt: number;
  /** The writer's pid while running. */
  readonly pid?: number;
}

/**
 * A study's index entry from its projection: what the running study writes, and what `rung ls` rebuilds
 * from the log of a study the index lacks.
 */
export function summaryOfSnapshot(
  snapshot: StudySnapshot,
  study: { readonly name: string; readonly file?: string; readonly metric: { readonly name: string; readonly goal: 'minimize' | 'maximize' } },
  updatedAt: number,
): StudySummary {
  const counts = countTrials(snapshot);
  const { best, state } = snapshot;
  return {
    name: study.name,
    ...(study.file !== undefined ? { file: study.file } : {}),
    status: state === 'new' ? 'running' : state,
    trials: { total: counts.total, completed: counts.completed, pruned: counts.pruned, failed: counts.failed, running: counts.running },
    best: best ? { value: best.value, trialId: best.trialId } : null,
    goal: study.metric.goal,
    metric: study.metric.name,
    updatedAt,
  };
}

/** The index of studies under one store root. */
export interface StudyIndex {
  /** All studies, sorted by name (re-read from disk each time). */
  list(): Promise<StudySummary[]>;
  /** Adds or replaces the entry named `summary.name`. */
  upsert(summary: StudySummary): Promise<void>;
  /** Removes the entry; no-op if absent. */
  remove(name: string): Promise<void>;
}

interface IndexData {
  v: 1;
  studies: Record<string, StudySummary>;
}

const statuses: readonly string[] = ['running', 'finished', 'stopped', 'crashed'];

// Per index file: serializes read-modify-write within this process.
const queues = new Map<string, Promise<unknown>>();

/** Opens (without creating) the index of `root`; the file is created by the first update. */
export async function openStudyIndex(root: string): Promise<StudyIndex> {
  const file = path.resolve(indexFile(root));
  const db = new Low<IndexData>(new JsonFileAdapter(file), emptyIndex());

  const load = async (): Promise<void> => {
    db.data = emptyIndex(); // lowdb keeps the old data when the file is missing
    try {
      await db.read();
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
      await setAside(file);
      db.data = emptyIndex();
      return;
    }
    db.data = sanitize(db.data);
  };

  const serialized = <T>(fn: () => Promise<T>): Promise<T> => {
    const prev = queues.get(file) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.catch(() => undefined);
    queues.set(file, settled);
    void settled.then(() => {
      if (queues.get(file) === settled) queues.delete(file);
    });
    return next;
  };

  const update = (change: (data: IndexData) => void): Promise<void> =>
    serialized(async () => {
      await load();
      change(db.data);
      await mkdir(path.dirname(file), { recursive: true });
      await db.write();
    });

  return {
    list: () =>
      serialized(async () => {
        await load();
        return Object.values(db.data.studies).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      }),
    upsert: (summary) =>
      update((data) => {
        data.studies[summary.name] = summary;
      }),
    remove: (name) =>
      update((data) => {
        delete data.studies[name];
      }),
  };
}

function emptyIndex(): IndexData {
  return { v: 1, studies: {} };
}

/** Keeps only entries that look like summaries: a hand-edited or older file must not crash the sidebar. */
function sanitize(data: unknown): IndexData {
  const out = emptyIndex();
  if (typeof data !== 'object' || data === null) return out;
  const studies = (data as { studies?: unknown }).studies;
  if (typeof studies !== 'object' || studies === null || Array.isArray(studies)) return out;
  for (const [name, entry] of Object.entries(studies as Record<string, unknown>)) {
    if (isSummary(entry) && entry.name === name) out.studies[name] = entry;
  }
  return out;
}

function isSummary(value: unknown): value is StudySummary {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  const trials = s['trials'];
  return (
    typeof s['name'] === 'string' &&
    typeof s['status'] === 'string' &&
    statuses.includes(s['status']) &&
    (s['goal'] === 'minimize' || s['goal'] === 'maximize') &&
    typeof s['metric'] === 'string' &&
    typeof s['updatedAt'] === 'number' &&
    typeof trials === 'object' &&
    trials !== null
  );
}

async function setAside(file: string): Promise<void> {
  await rename(file, `${file}.corrupt-${Date.now()}`).catch(() => undefined);
}

/**
 * lowdb adapter: JSON file written atomically through a temp file named per process and write.
 * lowdb's own JSONFile (steno) uses one fixed temp name, which two processes writing at once would
 * share, and one could rename the other's half-written temp into place.
 */
class JsonFileAdapter<T> implements Adapter<T> {
  constructor(private readonly file: string) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    // An empty file is as corrupt as a half-written one.
    return JSON.parse(text) as T;
  }

  async write(data: T): Promise<void> {
    const temp = path.join(path.dirname(this.file), `.${path.basename(this.file)}.${process.pid}.${randomUUID()}.tmp`);
    await writeFile(temp, JSON.stringify(data, null, 2) + '\n');
    try {
      await renameWithRetry(temp, this.file);
    } catch (e) {
      await unlink(temp).catch(() => undefined);
      throw e;
    }
  }
}

async function renameWithRetry(from: string, to: string): Promise<void> {
  // Windows refuses to replace a file another process has open for a moment (EPERM/EBUSY/EACCES).
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (attempt >= 10 || (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES')) throw e;
      await new Promise((resolve) => setTimeout(resolve, 20 * (attempt + 1)));
    }
  }
}
