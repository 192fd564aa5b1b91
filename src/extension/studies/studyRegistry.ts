/**
 * Every study the sidebar knows: the ones this extension host runs (owned: a StudyRunner) and the ones it
 * only observes (their event log under a store root, written by the `rung` CLI or an earlier session).
 * Observed logs are read once; a study whose lock names a live process is followed with
 * watchStudyEvents until it ends. The registry is a read-only observer of observed logs: only the
 * process holding a study's lock ever writes it.
 *
 * No `vscode` import: the tree, status bar and terminals subscribe to its plain events.
 */
import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  Emitter,
  listStudyDirs,
  parseStudySpec,
  readLock,
  readStudyEvents,
  StudyProjection,
  watchStudyEvents,
  type Listenable,
  type SequencedEvent,
  type StudyRunner,
  type StudySnapshot,
  type StudySpec,
} from '../../engine/index';
import type { StudyOwnership, StudyViewInput } from '../tree/studyTreeModel';

/** One study as the registry holds it. Mutable fields change as events arrive. */
export interface StudyEntry {
  /** `<root>::<name>`: unique across store roots. */
  readonly key: string;
  /** Absolute store root holding `<name>/events.jsonl`. */
  readonly root: string;
  readonly name: string;
  readonly ownership: StudyOwnership;
  /** The live projection (mutated in place as events are applied). */
  readonly snapshot: StudySnapshot;
  /** The runner, for owned studies. */
  readonly runner?: StudyRunner;
  /** The study file as parsed from the log (observed) or as started (owned); undefined if it no longer parses. */
  readonly spec?: StudySpec;
  /** True while a live process writes the log. */
  isRunning: boolean;
  /** The pid and host in study.lock (observed studies). */
  runnerPid?: number;
  runnerHost?: string;
}

/** A study event heard live (not the initial read of an existing log). */
export interface LiveStudyEvent {
  readonly entry: StudyEntry;
  readonly event: SequencedEvent;
}

/** Options of {@link StudyRegistry}. */
export interface StudyRegistryOptions {
  /** The store roots to list (absolute); re-read on every refresh, so settings changes apply. */
  readonly roots: () => readonly string[];
  /** Labels for roots when there are several (e.g. the workspace folder name). */
  readonly rootLabel?: (root: string) => string | undefined;
  /** Errors while reading a log (a corrupt line), reported once per study and refresh. */
  readonly onError?: (message: string) => void;
  /** Poll interval of followed logs (ms); default 250 (watchStudyEvents' default). */
  readonly pollMs?: number;
}

/** The key of a study under a root. */
export function studyKey(root: string, name: string): string {
  return `${path.resolve(root)}::${name}`;
}

interface ObservedState {
  size: number;
  mtimeMs: number;
  watch?: AbortController;
}

export class StudyRegistry {
  readonly #entries = new Map<string, StudyEntry>();
  readonly #observed = new Map<string, ObservedState>();
  readonly #changed = new Emitter<string>();
  readonly #listChanged = new Emitter<void>();
  readonly #live = new Emitter<LiveStudyEvent>();
  /** Projections of observed studies, kept so a followed log continues from where the read ended. */
  readonly #projections = new Map<string, StudyProjection>();
  #refreshing: Promise<void> | undefined;
  #refreshAgain = false;
  #disposed = false;

  constructor(private readonly options: StudyRegistryOptions) {}

  /** Fires with a study's key whenever its snapshot changed (once per event: throttle before drawing). */
  get onDidChangeStudy(): Listenable<string> {
    return this.#changed;
  }

  /** Fires when studies were added or removed. */
  get onDidChangeList(): Listenable<void> {
    return this.#listChanged;
  }

  /** Every event of an owned or followed study as it is written (never the initial read of a log). */
  get onLiveEvent(): Listenable<LiveStudyEvent> {
    return this.#live;
  }

  /** Studies sorted: running first, then by name. */
  list(): StudyEntry[] {
    return [...this.#entries.values()].sort((a, b) => Number(b.isRunning) - Number(a.isRunning) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  get(key: string): StudyEntry | undefined {
    return this.#entries.get(key);
  }

  find(root: string, name: string): StudyEntry | undefined {
    return this.#entries.get(studyKey(root, name));
  }

  /** The plain input the tree model and status bar build their rows from. */
  viewInput(entry: StudyEntry): StudyViewInput {
    const spec = entry.spec;
    const label = this.options.rootLabel?.(entry.root);
    return {
      key: entry.key,
      snapshot: entry.snapshot,
      ownership: entry.ownership,
      isRunning: entry.isRunning,
      ...(entry.runnerPid !== undefined && entry.ownership === 'observed' ? { runnerPid: entry.runnerPid } : {}),
      metric: spec ? { name: spec.metric.name, goal: spec.metric.goal } : { name: 'value', goal: 'minimize' },
      ...(spec?.trials !== undefined ? { plannedTrials: spec.trials } : {}),
      ...(spec ? { maxBudget: spec.scheduler.maxBudget } : {}),
      ...(label !== undefined ? { rootLabel: label } : {}),
    };
  }

  /**
   * Registers a runner this host is about to start (call before `runner.start()` so the tree shows the
   * study at once). Replaces an observed entry of the same study and stops following its log.
   */
  addRunner(root: string, runner: StudyRunner, spec: StudySpec): StudyEntry {
    const key = studyKey(root, runner.study);
    this.#stopFollowing(key);
    this.#observed.delete(key);
    const entry: StudyEntry = {
      key,
      root: path.resolve(root),
      name: runner.study,
      ownership: 'owned',
      snapshot: runner.snapshot(),
      runner,
      spec,
      isRunning: true,
    };
    this.#entries.set(key, entry);
    const off = runner.events.on((event) => {
      if (this.#entries.get(key) !== entry) return;
      this.#changed.emit(key);
      this.#live.emit({ entry, event });
    });
    const settle = (): void => {
      off();
      if (this.#entries.get(key) !== entry) return;
      entry.isRunning = false;
      this.#changed.emit(key);
      this.#listChanged.emit();
    };
    runner.done.then(settle, settle);
    this.#listChanged.emit();
    return entry;
  }

  /** Forgets an owned entry whose runner failed to start; the next refresh reads its log (if any) again. */
  removeRunner(entry: StudyEntry): void {
    if (this.#entries.get(entry.key) !== entry) return;
    this.#entries.delete(entry.key);
    this.#listChanged.emit();
  }

  /** Owned studies whose runner is still running. */
  runningRunners(): StudyRunner[] {
    return this.list().flatMap((e) => (e.ownership === 'owned' && e.isRunning && e.runner ? [e.runner] : []));
  }

  /**
   * Lists the store roots again: new study folders appear, logs changed by another process are re-read,
   * studies whose lock holder is alive are followed. Concurrent calls share one pass (plus one more if
   * a call arrived during it).
   */
  refresh(): Promise<void> {
    if (this.#refreshing) {
      this.#refreshAgain = true;
      return this.#refreshing;
    }
    const run = async (): Promise<void> => {
      try {
        do {
          this.#refreshAgain = false;
          await this.#scan();
        } while (this.#refreshAgain && !this.#disposed);
      } finally {
        this.#refreshing = undefined;
      }
    };
    this.#refreshing = run();
    return this.#refreshing;
  }

  /** Stops following logs. Owned runners are not stopped here (deactivate does that, bounded). */
  dispose(): void {
    this.#disposed = true;
    for (const key of this.#observed.keys()) this.#stopFollowing(key);
  }

  async #scan(): Promise<void> {
    const roots = [...new Set(this.options.roots().map((r) => path.resolve(r)))];
    const seen = new Set<string>();
    let listChanged = false;
    for (const root of roots) {
      let names: string[];
      try {
        names = await listStudyDirs(root);
      } catch (e) {
        this.options.onError?.(`cannot list studies in ${root}: ${(e as Error).message}`);
        continue;
      }
      for (const name of names) {
        const key = studyKey(root, name);
        seen.add(key);
        const existing = this.#entries.get(key);
        if (existing?.ownership === 'owned') continue;
        if (await this.#scanObserved(root, name, key)) listChanged = true;
      }
    }
    for (const [key, entry] of this.#entries) {
      // Owned entries stay until the session ends; observed ones vanish with their folder or root.
      if (entry.ownership === 'observed' && !seen.has(key)) {
        this.#stopFollowing(key);
        this.#observed.delete(key);
        this.#entries.delete(key);
        listChanged = true;
      }
    }
    if (listChanged) this.#listChanged.emit();
  }

  /** Reads or re-reads one observed study when its log changed; returns true when the entry was (re)created. */
  async #scanObserved(root: string, name: string, key: string): Promise<boolean> {
    const file = path.join(root, name, 'events.jsonl');
    let st;
    try {
      st = await stat(file);
    } catch {
      return false;
    }
    const lock = await readLock(root, name).catch(() => undefined);
    const alive = lock?.alive === true;
    const state = this.#observed.get(key);
    const entry = this.#entries.get(key);
    if (entry && state) {
      if (entry.isRunning !== alive || entry.runnerPid !== lock?.pid) {
        entry.isRunning = alive;
        if (lock) {
          entry.runnerPid = lock.pid;
          entry.runnerHost = lock.host;
        }
        this.#changed.emit(key);
      }
      if (alive && !state.watch) this.#follow(entry, state);
      if (state.watch || (st.size === state.size && st.mtimeMs === state.mtimeMs)) return false;
      // Changed while nobody followed it (e.g. run and finished between two scans): read it again.
    }
    const loaded = await this.#load(root, name);
    if (!loaded) return false;
    this.#stopFollowing(key);
    const created: StudyEntry = {
      key,
      root,
      name,
      ownership: 'observed',
      snapshot: loaded.projection.snapshot,
      ...(loaded.spec ? { spec: loaded.spec } : {}),
      isRunning: alive,
      ...(lock ? { runnerPid: lock.pid, runnerHost: lock.host } : {}),
    };
    const observed: ObservedState = { size: st.size, mtimeMs: st.mtimeMs };
    this.#observed.set(key, observed);
    this.#entries.set(key, created);
    if (alive) this.#follow(created, observed, loaded.projection);
    else this.#projections.set(key, loaded.projection);
    if (entry) this.#changed.emit(key);
    return true;
  }

  async #load(root: string, name: string): Promise<{ projection: StudyProjection; spec?: StudySpec } | undefined> {
    let events: SequencedEvent[];
    try {
      events = (await readStudyEvents(root, name)).events;
    } catch (e) {
      this.options.onError?.(`cannot read study "${name}": ${(e as Error).message}`);
      return undefined;
    }
    const created = events.find((e) => e.event.type === 'study.created')?.event;
    let spec: StudySpec | undefined;
    if (created?.type === 'study.created' && created.spec.text !== undefined) {
      const parsed = parseStudySpec(created.spec.text, created.spec.file ?? path.join(root, name, 'study.rung.yaml'));
      if (parsed.ok) spec = parsed.value;
    }
    const projection = new StudyProjection(name, spec?.metric.name ?? 'value', spec?.metric.goal ?? 'minimize');
    projection.applyAll(events);
    return { projection, ...(spec ? { spec } : {}) };
  }

  /** Follows a live study's log from where the snapshot is, until it ends or the lock holder dies. */
  #follow(entry: StudyEntry, state: ObservedState, projection?: StudyProjection): void {
    const p = projection ?? this.#projections.get(entry.key);
    if (!p) return;
    this.#projections.set(entry.key, p);
    const controller = new AbortController();
    state.watch = controller;
    const from = entry.snapshot.lastSeq;
    void (async () => {
      try {
        for await (const event of watchStudyEvents(entry.root, entry.name, from, controller.signal, this.options.pollMs !== undefined ? { pollMs: this.options.pollMs } : undefined)) {
          p.apply(event);
          this.#changed.emit(entry.key);
          this.#live.emit({ entry, event });
          if (event.event.type === 'study.ended') {
            entry.isRunning = false;
            controller.abort();
          }
        }
      } catch (e) {
        this.options.onError?.(`stopped following study "${entry.name}": ${(e as Error).message}`);
      } finally {
        if (state.watch === controller) delete state.watch;
        // What was read is now the baseline: the next scan re-reads only if the file changes again.
        const st = await stat(path.join(entry.root, entry.name, 'events.jsonl')).catch(() => undefined);
        if (st) {
          state.size = st.size;
          state.mtimeMs = st.mtimeMs;
        }
        this.#changed.emit(entry.key);
      }
    })();
  }

  #stopFollowing(key: string): void {
    this.#observed.get(key)?.watch?.abort();
  }
}

/** True when a lock's holder runs on this machine, so signalling its pid reaches the right process. */
export function isLocalHost(host: string | undefined): boolean {
  return host === undefined || host === os.hostname();
}
