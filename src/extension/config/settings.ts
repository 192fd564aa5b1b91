/**
 * The `rung.*` settings, read through a plain getter and mapped onto engine options. Pure: extension.ts
 * passes `(key) => vscode.workspace.getConfiguration('rung', uri).get(key)`, tests pass a record.
 */
import os from 'node:os';
import path from 'node:path';
import type { StudySpec } from '../../engine/index';

/** The settings as the extension uses them (validated; wrong types fall back to defaults). */
export interface RungSettings {
  /** `rung.storePath` as written; empty means `<workspace folder>/.rung`. */
  readonly storePath: string;
  /** `rung.python`; empty means the Python extension's interpreter, else `python3`. */
  readonly python: string;
  /** `rung.killGraceSeconds`: overrides the study file's `launcher.kill_grace` when set. */
  readonly killGraceSeconds?: number;
  /** `rung.defaultParallel`: trials at a time when the study file has no `parallel:` (0 = auto). */
  readonly defaultParallel?: number | 'auto';
  /** `rung.autoOpenTerminals`: how many of a study's first trials get their terminal opened automatically. */
  readonly autoOpenTerminals: number;
  /** `rung.notifyNewBest`: a notification whenever a trial becomes the new best (opt-in). */
  readonly notifyNewBest: boolean;
  /** `rung.notifyTrialFailures`: a notification when a trial fails (on by default). */
  readonly notifyTrialFailures: boolean;
}

/** Every setting key under `rung.` (package.json `contributes.configuration` declares exactly these). */
export const settingKeys = ['storePath', 'python', 'killGraceSeconds', 'defaultParallel', 'autoOpenTerminals', 'notifyNewBest', 'notifyTrialFailures'] as const;

export type SettingKey = (typeof settingKeys)[number];

/** Reads and validates the settings; `get` returns the raw value of `rung.<key>` (undefined if unset). */
export function readSettings(get: (key: SettingKey) => unknown): RungSettings {
  const str = (key: SettingKey): string => {
    const v = get(key);
    return typeof v === 'string' ? v.trim() : '';
  };
  const nonNegative = (key: SettingKey): number | undefined => {
    const v = get(key);
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
  };
  const killGrace = nonNegative('killGraceSeconds');
  const parallelRaw = get('defaultParallel');
  const parallel =
    parallelRaw === 'auto' || parallelRaw === 0 ? 'auto' : typeof parallelRaw === 'number' && Number.isInteger(parallelRaw) && parallelRaw > 0 ? parallelRaw : undefined;
  const failures = get('notifyTrialFailures');
  return {
    storePath: str('storePath'),
    python: str('python'),
    ...(killGrace !== undefined ? { killGraceSeconds: killGrace } : {}),
    ...(parallel !== undefined ? { defaultParallel: parallel } : {}),
    autoOpenTerminals: Math.floor(nonNegative('autoOpenTerminals') ?? 0),
    notifyNewBest: get('notifyNewBest') === true,
    notifyTrialFailures: failures !== false,
  };
}

/**
 * The absolute store root: `rung.storePath` with `${workspaceFolder}` and a leading `~` expanded, a
 * relative path taken from the workspace folder; empty means `<workspace folder>/.rung`. Without a
 * workspace folder, `fallbackDir` (the study file's folder) stands in for it.
 */
export function resolveStoreRoot(storePath: string, workspaceFolder: string | undefined, fallbackDir: string): string {
  const base = workspaceFolder ?? fallbackDir;
  if (storePath === '') return path.join(base, '.rung');
  let p = storePath.replace(/\$\{workspaceFolder\}/g, base);
  if (p === '~' || p.startsWith('~/') || p.startsWith('~\\')) p = path.join(os.homedir(), p.slice(1));
  return path.resolve(base, p);
}

/** Whether the study file sets `key` at its top level (its parsed document is kept as `spec.source`). */
export function fileSets(spec: StudySpec, key: string): boolean {
  const source = spec.source;
  return typeof source === 'object' && source !== null && !Array.isArray(source) && Object.prototype.hasOwnProperty.call(source, key);
}

/**
 * The spec the extension runs: `rung.defaultParallel` when the file has no `parallel:`, and
 * `rung.killGraceSeconds` (when set) over the file's kill grace. The identity fields a resume compares
 * (command, metric, parameters, sampler, scheduler) are never changed.
 */
export function applySettingsToSpec(spec: StudySpec, settings: RungSettings): StudySpec {
  const parallel = settings.defaultParallel !== undefined && !fileSets(spec, 'parallel') ? settings.defaultParallel : spec.parallel;
  const killGraceSeconds = settings.killGraceSeconds ?? spec.launcher.killGraceSeconds;
  if (parallel === spec.parallel && killGraceSeconds === spec.launcher.killGraceSeconds) return spec;
  return { ...spec, parallel, launcher: { ...spec.launcher, killGraceSeconds } };
}

