import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStudySpec, type StudySpec } from '../../src/engine/index';
import { applySettingsToSpec, readSettings, resolveStoreRoot, type RungSettings } from '../../src/extension/config/settings';

const spec = (extra = ''): StudySpec => {
  const parsed = parseStudySpec(`name: s\ncommand: python train.py {args}\nmetric: val_loss\nparameters:\n  lr: {type: float, low: 0.001, high: 0.1}\n${extra}`, '/w/s.rung.yaml');
  if (!parsed.ok) throw new Error(parsed.error.map((i) => i.message).join('\n'));
  return parsed.value;
};

const defaults: RungSettings = readSettings(() => undefined);

describe('readSettings', () => {
  it('has quiet defaults', () => {
    expect(defaults).toEqual({ storePath: '', python: '', autoOpenTerminals: 0, notifyNewBest: false, notifyTrialFailures: true });
  });

  it('reads valid values and ignores wrong types', () => {
    const values: Record<string, unknown> = {
      storePath: ' runs ',
      python: '/usr/bin/python3',
      killGraceSeconds: 3,
      defaultParallel: 4,
      autoOpenTerminals: 2.7,
      notifyNewBest: true,
      notifyTrialFailures: false,
    };
    expect(readSettings((k) => values[k])).toEqual({
      storePath: 'runs',
      python: '/usr/bin/python3',
      killGraceSeconds: 3,
      defaultParallel: 4,
      autoOpenTerminals: 2,
      notifyNewBest: true,
      notifyTrialFailures: false,
    });
    const wrong: Record<string, unknown> = { storePath: 3, killGraceSeconds: -1, defaultParallel: 1.5, autoOpenTerminals: 'x', notifyNewBest: 'yes' };
    expect(readSettings((k) => wrong[k])).toEqual(defaults);
    expect(readSettings((k) => (k === 'defaultParallel' ? 0 : undefined)).defaultParallel).toBe('auto');
  });
});

describe('resolveStoreRoot', () => {
  it('defaults to .rung in the workspace folder', () => {
    expect(resolveStoreRoot('', '/w', '/elsewhere')).toBe(path.join('/w', '.rung'));
    expect(resolveStoreRoot('', undefined, '/study/dir')).toBe(path.join('/study/dir', '.rung'));
  });

  it('resolves relative paths, ${workspaceFolder} and ~', () => {
    expect(resolveStoreRoot('runs/rung', '/w', '/x')).toBe(path.join('/w', 'runs', 'rung'));
    expect(resolveStoreRoot('${workspaceFolder}/../store', '/w/p', '/x')).toBe(path.join('/w', 'store'));
    expect(resolveStoreRoot('~/rung', '/w', '/x')).toBe(path.join(os.homedir(), 'rung'));
    expect(resolveStoreRoot('/abs/store', '/w', '/x')).toBe('/abs/store');
  });
});

describe('applySettingsToSpec', () => {
  it('uses rung.defaultParallel only when the file has no parallel:', () => {
    const settings = { ...defaults, defaultParallel: 6 } as const;
    expect(applySettingsToSpec(spec(), settings).parallel).toBe(6);
    expect(applySettingsToSpec(spec('parallel: 2\n'), settings).parallel).toBe(2);
    expect(applySettingsToSpec(spec(), { ...defaults, defaultParallel: 'auto' }).parallel).toBe('auto');
  });

  it('lets rung.killGraceSeconds override the file\'s kill grace', () => {
    const fromFile = spec('launcher: {kill_grace: 5}\n');
    expect(applySettingsToSpec(fromFile, defaults).launcher.killGraceSeconds).toBe(5);
    expect(applySettingsToSpec(fromFile, { ...defaults, killGraceSeconds: 1 }).launcher.killGraceSeconds).toBe(1);
  });

  it('never changes what a resume compares', () => {
    const original = spec();
    const changed = applySettingsToSpec(original, { ...defaults, defaultParallel: 3, killGraceSeconds: 2 });
    expect(changed.command).toBe(original.command);
    expect(changed.source).toBe(original.source);
    expect(changed.scheduler).toBe(original.scheduler);
    expect(applySettingsToSpec(original, defaults)).toBe(original);
  });
});
