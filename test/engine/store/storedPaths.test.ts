/**
 * Paths in the event log (storedPaths.ts), through the real writer and readers on real files: inside the
 * project they are stored relative to the study folder and come back absolute from wherever the folder is
 * now; outside it they stay absolute; logs written before (every path absolute) read as they are.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SequencedEvent, StudyEvent } from '../../../src/engine/store/events';
import { eventsFile, openStudyWriter, readStudyEvents, trialDir, watchStudyEvents } from '../../../src/engine/store/jsonlStore';
import { loadStudy } from '../../../src/engine/store/loadStudy';

const fixture = path.join(__dirname, 'fixtures', 'absolute-paths', 'events.jsonl');
const temps: string[] = [];

afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rung-paths-'));
  temps.push(dir);
  return dir;
}

function created(file: string): StudyEvent {
  return { type: 'study.created', v: 1, at: 1, study: 's', spec: { file, source: {}, text: 'name: s' }, seed: 1 };
}

function launched(trialId: string, cwd: string, trialDir: string): StudyEvent {
  return { type: 'trial.launched', at: 2, trialId, argv: ['node', 'train.mjs'], cwd, trialDir, budget: 1, resume: false, external: { kind: 'none' } };
}

/** Writes the events as a study `s` in `<project>/.rung` would: absolute paths, as the runner has them. */
async function writeStudy(root: string, events: readonly StudyEvent[]): Promise<void> {
  const writer = await openStudyWriter(root, 's');
  try {
    await writer.append(events);
  } finally {
    await writer.close();
  }
}

const pathsOf = (events: readonly SequencedEvent[]): string[] =>
  events.flatMap(({ event }) =>
    event.type === 'study.created' ? [event.spec.file ?? ''] : event.type === 'trial.launched' ? [event.cwd, event.trialDir] : [],
  );

describe('paths in the event log', () => {
  it('stores paths inside the project relative to the study folder, and reads them back absolute from where the project is now', async () => {
    const project = path.join(tempDir(), 'project');
    const root = path.join(project, '.rung');
    await writeStudy(root, [created(path.join(project, 'conf', 's.rung.yaml')), launched('0', project, trialDir(root, 's', '0'))]);

    const raw = readFileSync(eventsFile(root, 's'), 'utf8');
    expect(raw).not.toContain(project);
    const stored = raw.trim().split('\n').map((line) => (JSON.parse(line) as SequencedEvent).event);
    expect(stored[0]).toMatchObject({ spec: { file: '../../conf/s.rung.yaml' } });
    expect(stored[1]).toMatchObject({ cwd: '../..', trialDir: 'trials/0' });
    expect(pathsOf((await readStudyEvents(root, 's')).events)).toEqual([path.join(project, 'conf', 's.rung.yaml'), project, trialDir(root, 's', '0')]);

    // Renamed (or moved, or cloned elsewhere): the same log now names the new place, for readers and watchers.
    const moved = path.join(tempDir(), 'renamed');
    renameSync(project, moved);
    const movedRoot = path.join(moved, '.rung');
    const expected = [path.join(moved, 'conf', 's.rung.yaml'), moved, trialDir(movedRoot, 's', '0')];
    expect(pathsOf((await readStudyEvents(movedRoot, 's')).events)).toEqual(expected);
    const abort = new AbortController();
    const watched: SequencedEvent[] = [];
    for await (const e of watchStudyEvents(movedRoot, 's', 0, abort.signal)) {
      watched.push(e);
      if (watched.length === 2) abort.abort();
    }
    expect(pathsOf(watched)).toEqual(expected);
  });

  it('reads a study set aside by --fresh (one level deeper, in .archive) with its own files where they are and the rest where they were', async () => {
    const project = path.join(tempDir(), 'project');
    const root = path.join(project, '.rung');
    await writeStudy(root, [created(path.join(project, 's.rung.yaml')), launched('0', project, trialDir(root, 's', '0'))]);
    const archive = path.join(root, '.archive');
    mkdirSync(archive);
    renameSync(path.join(root, 's'), path.join(archive, 's-2026-01-01T00-00-00-000Z'));
    expect(pathsOf((await readStudyEvents(archive, 's-2026-01-01T00-00-00-000Z')).events)).toEqual([
      path.join(project, 's.rung.yaml'),
      project,
      path.join(archive, 's-2026-01-01T00-00-00-000Z', 'trials', '0'),
    ]);
  });

  it('keeps a path outside the project absolute, so a store kept elsewhere still finds it', async () => {
    const base = tempDir();
    const project = path.join(base, 'project');
    const root = path.join(base, 'stores', 'rung');
    mkdirSync(project);
    await writeStudy(root, [created(path.join(project, 's.rung.yaml')), launched('0', project, trialDir(root, 's', '0'))]);
    const stored = readFileSync(eventsFile(root, 's'), 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as SequencedEvent).event);
    expect(stored[0]).toMatchObject({ spec: { file: path.join(project, 's.rung.yaml') } });
    expect(stored[1]).toMatchObject({ cwd: project, trialDir: 'trials/0' });

    // The store moves, the project stays: the project's paths are still right.
    const movedRoot = path.join(base, 'elsewhere', 'rung');
    mkdirSync(path.dirname(movedRoot));
    renameSync(root, movedRoot);
    expect(pathsOf((await readStudyEvents(movedRoot, 's')).events)).toEqual([path.join(project, 's.rung.yaml'), project, trialDir(movedRoot, 's', '0')]);
  });

  it('reads a log written before, with every path absolute, as it is', async () => {
    const root = path.join(tempDir(), '.rung');
    mkdirSync(path.join(root, 'quadratic'), { recursive: true });
    cpSync(fixture, eventsFile(root, 'quadratic'));
    const { events } = await readStudyEvents(root, 'quadratic');
    expect(pathsOf(events)).toEqual([
      '/home/alice/proj/quadratic.rung.yaml',
      '/home/alice/proj',
      '/home/alice/proj/.rung/quadratic/trials/0',
      '/home/alice/proj',
      '/home/alice/proj/.rung/quadratic/trials/1',
    ]);
    const study = await loadStudy(root, 'quadratic');
    expect(study.spec.cwd).toBe('/home/alice/proj');
    expect(study.snapshot.trials.map((t) => [t.status, t.cwd, t.trialDir])).toEqual([
      ['completed', '/home/alice/proj', '/home/alice/proj/.rung/quadratic/trials/0'],
      ['completed', '/home/alice/proj', '/home/alice/proj/.rung/quadratic/trials/1'],
    ]);
  });
});
