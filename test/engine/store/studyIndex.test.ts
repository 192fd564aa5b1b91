import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStudyIndex, type StudySummary } from '../../../src/engine/store/studyIndex';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'rung-index-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function summary(name: string, overrides: Partial<StudySummary> = {}): StudySummary {
  return {
    name,
    file: `/work/${name}.rung.yaml`,
    status: 'running',
    trials: { total: 3, completed: 1, pruned: 1, failed: 0, running: 1 },
    best: { value: 0.25, trialId: '0' },
    goal: 'minimize',
    metric: 'val_loss',
    updatedAt: 1_700_000_000_000,
    pid: 1234,
    ...overrides,
  };
}

describe('studyIndex', () => {
  it('is empty before anything is written, without creating the file', async () => {
    const index = await openStudyIndex(path.join(root, 'store'));
    expect(await index.list()).toEqual([]);
    expect(await readdir(root)).toEqual([]);
  });

  it('round-trips upserts, replaces by name, removes, and lists sorted by name', async () => {
    const index = await openStudyIndex(path.join(root, 'store'));
    await index.upsert(summary('b'));
    await index.upsert(summary('a', { best: null, status: 'finished' }));
    await index.upsert(summary('b', { status: 'crashed', trials: { total: 9, completed: 9, pruned: 0, failed: 0, running: 0 } }));
    const listed = await index.list();
    expect(listed.map((s) => s.name)).toEqual(['a', 'b']);
    expect(listed[0]).toEqual(summary('a', { best: null, status: 'finished' }));
    expect(listed[1]).toMatchObject({ status: 'crashed', trials: { total: 9 } });

    // Another opener (or a later process) sees the same data.
    const reopened = await openStudyIndex(path.join(root, 'store'));
    expect(await reopened.list()).toEqual(listed);

    await reopened.remove('a');
    await reopened.remove('not-there');
    expect((await index.list()).map((s) => s.name)).toEqual(['b']);
    expect(JSON.parse(await readFile(path.join(root, 'store', 'index.json'), 'utf8'))).toMatchObject({ v: 1 });
  });

  it('re-reads before each update, so two writers keep each other\u2019s studies', async () => {
    // Two instances stand for two CLI processes running two studies.
    const first = await openStudyIndex(root);
    const second = await openStudyIndex(root);
    await first.upsert(summary('one'));
    await second.upsert(summary('two'));
    await first.upsert(summary('one', { status: 'finished' }));
    expect((await second.list()).map((s) => [s.name, s.status])).toEqual([
      ['one', 'finished'],
      ['two', 'running'],
    ]);
  });

  it('loses no update when many are issued at once in one process', async () => {
    const index = await openStudyIndex(root);
    const other = await openStudyIndex(root);
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? index : other).upsert(summary(`s${String(i).padStart(2, '0')}`))));
    expect(await index.list()).toHaveLength(40);
    // No temp files left behind.
    expect(await readdir(root)).toEqual(['index.json']);
  });

  it('recovers from a corrupt index.json instead of crashing, keeping the bad file aside', async () => {
    await writeFile(path.join(root, 'index.json'), '{"v":1,"studies":{"a":');
    const index = await openStudyIndex(root);
    expect(await index.list()).toEqual([]);
    await index.upsert(summary('fresh'));
    expect((await index.list()).map((s) => s.name)).toEqual(['fresh']);
    const files = await readdir(root);
    expect(files).toContain('index.json');
    expect(files.some((f) => f.startsWith('index.json.corrupt-'))).toBe(true);
  });

  it('treats an empty file as corrupt too', async () => {
    await writeFile(path.join(root, 'index.json'), '');
    const index = await openStudyIndex(root);
    expect(await index.list()).toEqual([]);
  });

  it('drops entries that are not summaries and ignores a wrong shape', async () => {
    await writeFile(
      path.join(root, 'index.json'),
      JSON.stringify({ v: 1, studies: { good: summary('good'), bad: { name: 'bad', status: 'weird' }, misnamed: summary('other') } }),
    );
    const index = await openStudyIndex(root);
    expect((await index.list()).map((s) => s.name)).toEqual(['good']);

    await writeFile(path.join(root, 'index.json'), '[1,2,3]');
    expect(await index.list()).toEqual([]);
  });

  it('sees a deleted index file as empty', async () => {
    const index = await openStudyIndex(root);
    await index.upsert(summary('a'));
    await rm(path.join(root, 'index.json'));
    expect(await index.list()).toEqual([]);
  });
});
