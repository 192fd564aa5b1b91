import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { appendFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SequencedEvent, StudyEvent } from '../../../src/engine/store/events';
import {
  CorruptLogError,
  eventsFile,
  listStudyDirs,
  openStudyWriter,
  readLock,
  readStudyEvents,
  StudyLockedError,
  StudyNotFoundError,
  studyDir,
  trialDir,
  watchStudyEvents,
  type StudyWriter,
} from '../../../src/engine/store/jsonlStore';

let root: string;
const open: StudyWriter[] = [];
const children: ChildProcess[] = [];

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'rung-store-'));
});

afterEach(async () => {
  for (const w of open.splice(0)) await w.close().catch(() => undefined);
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await rm(root, { recursive: true, force: true });
});

async function writer(study = 'digits'): Promise<StudyWriter> {
  const w = await openStudyWriter(root, study);
  open.push(w);
  return w;
}

function reported(step: number, trialId = '0'): StudyEvent {
  return { type: 'trial.reported', at: 1000 + step, trialId, step, values: { loss: 1 / (step + 1) } };
}

const steps = (events: readonly SequencedEvent[]): number[] =>
  events.map((e) => (e.event.type === 'trial.reported' ? e.event.step : -1));

async function lines(study = 'digits'): Promise<string[]> {
  return (await readFile(eventsFile(root, study), 'utf8')).split('\n');
}

describe('paths', () => {
  it('lays out a study under the root', () => {
    expect(studyDir(root, 'digits')).toBe(path.join(root, 'digits'));
    expect(eventsFile(root, 'digits')).toBe(path.join(root, 'digits', 'events.jsonl'));
    expect(trialDir(root, 'digits', '7')).toBe(path.join(root, 'digits', 'trials', '7'));
  });

  it('refuses names that would leave the root', () => {
    for (const bad of ['', '.', '..', '../x', 'a/b', 'a\\b']) expect(() => studyDir(root, bad)).toThrow(/invalid study name/);
    expect(() => trialDir(root, 'digits', '../1')).toThrow(/invalid trial name/);
  });
});

describe('append and read', () => {
  it('round-trips events and continues numbering after reopening', async () => {
    const w = await writer();
    expect(w.lastSeq).toBe(0);
    expect(w.dir).toBe(path.join(root, 'digits'));
    expect(await w.append([reported(0), reported(1)])).toBe(2);
    expect(await w.append([reported(2)])).toBe(3);
    expect(w.lastSeq).toBe(3);
    await w.close();

    const first = await readStudyEvents(root, 'digits');
    expect(first.tornTail).toBe(false);
    expect(first.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(first.events[0]).toEqual({ seq: 1, event: reported(0) });

    const again = await writer();
    expect(again.lastSeq).toBe(3);
    expect(again.droppedTailBytes).toBe(0);
    expect(await again.append([reported(3)])).toBe(4);
    await again.close();

    const { events } = await readStudyEvents(root, 'digits');
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(steps(events)).toEqual([0, 1, 2, 3]);
    // One line per event, the SequencedEvent itself.
    expect(JSON.parse((await lines())[0] ?? '')).toEqual({ seq: 1, event: reported(0) });
  });

  it('keeps call order for appends that are not awaited', async () => {
    const w = await writer();
    const pending: Promise<number>[] = [];
    let step = 0;
    for (let i = 0; i < 300; i++) {
      const batch = Array.from({ length: (i % 3) + 1 }, () => reported(step++));
      pending.push(w.append(batch, { sync: i % 50 === 0 }));
    }
    const seqs = await Promise.all(pending);
    // Each promise resolves with its own batch's last seq.
    let expected = 0;
    seqs.forEach((seq, i) => {
      expected += (i % 3) + 1;
      expect(seq).toBe(expected);
    });
    await w.close();
    const { events } = await readStudyEvents(root, 'digits');
    expect(events).toHaveLength(step);
    expect(steps(events)).toEqual(Array.from({ length: step }, (_, i) => i));
  });

  it('snapshots events at append time', async () => {
    const w = await writer();
    const values: Record<string, number> = { loss: 1 };
    const p = w.append([{ type: 'trial.reported', at: 1, trialId: '0', step: 0, values }]);
    values['loss'] = 2;
    await p;
    await w.close();
    const { events } = await readStudyEvents(root, 'digits');
    expect(events[0]?.event).toMatchObject({ values: { loss: 1 } });
  });

  it('syncs when asked and the event is in the file when the promise resolves', async () => {
    const w = await writer();
    const ended: StudyEvent = {
      type: 'trial.ended',
      at: 5,
      trialId: '0',
      status: 'completed',
      exit: { code: 0, signal: null, cause: 'exited' },
      value: 0.5,
      step: 3,
    };
    expect(await w.append([reported(0), ended], { sync: true })).toBe(2);
    // Read while the writer is still open: nothing is buffered in memory.
    const { events } = await readStudyEvents(root, 'digits');
    expect(events.map((e) => e.event.type)).toEqual(['trial.reported', 'trial.ended']);
  });

  it('answers an empty append with the current last seq', async () => {
    const w = await writer();
    void w.append([reported(0)]);
    expect(await w.append([])).toBe(1);
    expect(await w.append([], { sync: true })).toBe(1);
  });

  it('an empty append on an idle writer (a barrier) does not stall the appends after it', async () => {
    const w = await writer();
    expect(await w.append([])).toBe(0);
    expect(await w.append([reported(0)], { sync: true })).toBe(1);
    await w.close();
    expect((await readStudyEvents(root, 'digits')).events).toHaveLength(1);
  });

  it('close waits for appends that were not awaited', async () => {
    const w = await writer();
    for (let i = 0; i < 50; i++) void w.append([reported(i)]);
    await w.close();
    expect((await readStudyEvents(root, 'digits')).events).toHaveLength(50);
  });

  it('rejects appends after close, and close is idempotent', async () => {
    const w = await writer();
    await w.append([reported(0)]);
    await Promise.all([w.close(), w.close()]);
    await expect(w.append([reported(1)])).rejects.toThrow(/closed/);
  });

  it('writes thousands of single-event appends quickly', async () => {
    const w = await writer();
    const started = performance.now();
    const pending: Promise<number>[] = [];
    for (let i = 0; i < 20_000; i++) pending.push(w.append([reported(i)]));
    expect(await Promise.all(pending).then((s) => s.at(-1))).toBe(20_000);
    await w.close();
    const ms = performance.now() - started;
    expect(ms).toBeLessThan(10_000); // typically well under a second; generous for slow CI disks
    expect((await readStudyEvents(root, 'digits')).events).toHaveLength(20_000);
  });

  it('says clearly when there is no such study', async () => {
    await expect(readStudyEvents(root, 'nope')).rejects.toBeInstanceOf(StudyNotFoundError);
    await expect(readStudyEvents(root, 'nope')).rejects.toThrow(`no study "nope" under ${root}`);
  });

  it('lists the studies that have a log', async () => {
    expect(await listStudyDirs(path.join(root, 'missing'))).toEqual([]);
    await (await writer('b')).close();
    await (await writer('a')).close();
    await mkdir(path.join(root, 'empty'));
    await writeFile(path.join(root, 'index.json'), '{}');
    expect(await listStudyDirs(root)).toEqual(['a', 'b']);
  });
});

describe('torn tail', () => {
  async function logWithTornTail(tail: string): Promise<void> {
    const w = await writer();
    await w.append([reported(0), reported(1)]);
    await w.close();
    await appendFile(eventsFile(root, 'digits'), tail);
  }

  it('is ignored by the reader and truncated by the next writer; numbering continues', async () => {
    await logWithTornTail('{"seq":3,"event":{"type":"trial.rep');
    const read = await readStudyEvents(root, 'digits');
    expect(read.tornTail).toBe(true);
    expect(read.events.map((e) => e.seq)).toEqual([1, 2]);

    const w = await writer();
    expect(w.lastSeq).toBe(2);
    expect(w.droppedTailBytes).toBe('{"seq":3,"event":{"type":"trial.rep'.length);
    expect(await w.append([reported(2)])).toBe(3);
    await w.close();

    const after = await readStudyEvents(root, 'digits');
    expect(after.tornTail).toBe(false);
    expect(steps(after.events)).toEqual([0, 1, 2]);
    const text = await lines();
    expect(text).toHaveLength(4); // three lines and the final ""
    for (const line of text.slice(0, 3)) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('treats a complete but unterminated last line as torn (a line counts once its newline is written)', async () => {
    await logWithTornTail(JSON.stringify({ seq: 3, event: reported(2) }));
    const read = await readStudyEvents(root, 'digits');
    expect(read.tornTail).toBe(true);
    expect(read.events).toHaveLength(2);
  });

  it('tolerates a garbled final line such as the zero bytes a crash leaves', async () => {
    await logWithTornTail('\0\0\0\0\n');
    const read = await readStudyEvents(root, 'digits');
    expect(read.tornTail).toBe(true);
    expect(read.events).toHaveLength(2);
    const w = await writer();
    expect(w.droppedTailBytes).toBe(5);
    expect(await w.append([reported(2)])).toBe(3);
  });

  it('rejects a bad line in the middle, naming it, for readers and writers', async () => {
    await logWithTornTail('not json\n' + JSON.stringify({ seq: 3, event: reported(2) }) + '\n');
    const error = await readStudyEvents(root, 'digits').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptLogError);
    expect((error as CorruptLogError).line).toBe(3);
    expect((error as Error).message).toMatch(/line 3: invalid JSON/);
    await expect(openStudyWriter(root, 'digits')).rejects.toBeInstanceOf(CorruptLogError);
    // The failed open released its lock.
    expect(await readLock(root, 'digits')).toBeUndefined();
  });

  it('rejects broken seq numbering', async () => {
    await logWithTornTail(JSON.stringify({ seq: 5, event: reported(2) }) + '\n');
    await expect(readStudyEvents(root, 'digits')).rejects.toThrow(/line 3: expected seq 3, found 5/);
  });

  it('skips blank lines', async () => {
    await logWithTornTail('\n' + JSON.stringify({ seq: 3, event: reported(2) }) + '\n\n');
    const read = await readStudyEvents(root, 'digits');
    expect(read.tornTail).toBe(false);
    expect(read.events.map((e) => e.seq)).toEqual([1, 2, 3]);
  });
});

describe('lock', () => {
  const lockPath = (): string => path.join(root, 'digits', 'study.lock');

  async function writeLock(content: string): Promise<void> {
    await mkdir(path.join(root, 'digits'), { recursive: true });
    await writeFile(lockPath(), content);
  }

  async function liveChild(): Promise<ChildProcess & { pid: number }> {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    children.push(child);
    await once(child, 'spawn');
    if (child.pid === undefined) throw new Error('no pid');
    return child as ChildProcess & { pid: number };
  }

  it('refuses a second writer in the same process, then allows one after close', async () => {
    const w = await writer();
    const lock = JSON.parse(await readFile(lockPath(), 'utf8')) as Record<string, unknown>;
    expect(lock).toMatchObject({ pid: process.pid, host: os.hostname() });
    expect(typeof lock['startedAt']).toBe('number');
    expect(await readLock(root, 'digits')).toMatchObject({ pid: process.pid, alive: true });

    const error = await openStudyWriter(root, 'digits').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StudyLockedError);
    expect((error as Error).message).toContain(`study "digits" is already being run by process ${process.pid}`);
    expect((error as Error).message).toContain('stop it with "rung stop digits" first');

    await w.close();
    expect(await readLock(root, 'digits')).toBeUndefined();
    await (await writer()).close();
  });

  it('refuses while another live process holds the lock, and takes over once it is dead', async () => {
    const child = await liveChild();
    await writeLock(JSON.stringify({ pid: child.pid, host: os.hostname(), startedAt: Date.now() }));
    expect(await readLock(root, 'digits')).toMatchObject({ pid: child.pid, alive: true });

    const error = await openStudyWriter(root, 'digits').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StudyLockedError);
    expect(error).toMatchObject({ pid: child.pid, study: 'digits' });
    expect((error as Error).message).toMatch(new RegExp(`by process ${child.pid} \\(lock .*study\\.lock\\)`));

    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(await readLock(root, 'digits')).toMatchObject({ pid: child.pid, alive: false });

    const w = await writer();
    expect(await readLock(root, 'digits')).toMatchObject({ pid: process.pid, alive: true });
    await w.append([reported(0)]);
  });

  it('refuses a writer while another process runs the study through this store, until SIGINT stops it', async () => {
    // Bundle a tiny runner that opens the study with this module, like the CLI does.
    const entry = path.join(root, 'holder.ts');
    const bundle = path.join(root, 'holder.cjs');
    const storeModule = path.resolve(__dirname, '../../../src/engine/store/jsonlStore.ts');
    await writeFile(
      entry,
      `import { openStudyWriter } from ${JSON.stringify(storeModule)};
      void (async () => {
        const w = await openStudyWriter(process.argv[2] ?? '', 'digits');
        await w.append([{ type: 'study.started', at: 1, pid: process.pid, resumed: false }], { sync: true });
        process.once('SIGINT', () => void w.close().then(() => process.exit(0)));
        console.log('ready');
        setInterval(() => {}, 1000);
      })();`,
    );
    await build({ entryPoints: [entry], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', logLevel: 'silent' });
    const child = spawn(process.execPath, [bundle, root], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    const [first] = (await once(child.stdout ?? child, 'data')) as [Buffer];
    expect(first.toString()).toContain('ready');

    await expect(openStudyWriter(root, 'digits')).rejects.toThrow(`already being run by process ${child.pid}`);
    const lock = await readLock(root, 'digits');
    expect(lock).toMatchObject({ pid: child.pid, alive: true });

    process.kill(lock?.pid ?? 0, 'SIGINT'); // what `rung stop` does
    await once(child, 'exit');
    expect(await readLock(root, 'digits')).toBeUndefined();
    const w = await writer();
    expect(w.lastSeq).toBe(1);
  });

  it('refuses a lock held from another host, which it cannot check', async () => {
    await writeLock(JSON.stringify({ pid: 999999, host: 'some-other-host', startedAt: 1 }));
    await expect(openStudyWriter(root, 'digits')).rejects.toThrow(/on host some-other-host/);
  });

  it('takes over a garbage or empty lock file', async () => {
    await writeLock('garbage{');
    expect(await readLock(root, 'digits')).toBeUndefined();
    const w = await writer();
    expect(await readLock(root, 'digits')).toMatchObject({ pid: process.pid, alive: true });
    await w.close();

    await writeLock('');
    await (await writer()).close();
  });

  it('takes over a lock with its own pid that it does not hold (a reused pid)', async () => {
    await writeLock(JSON.stringify({ pid: process.pid, host: os.hostname(), startedAt: 1, token: 'previous-run' }));
    expect(await readLock(root, 'digits')).toMatchObject({ alive: false });
    const w = await writer();
    expect(await readLock(root, 'digits')).toMatchObject({ alive: true });
    await w.close();
  });

  it('does not delete a lock on close that someone else has taken over', async () => {
    const w = await writer();
    const other = JSON.stringify({ pid: 424242, host: os.hostname(), startedAt: 2, token: 'theirs' });
    await writeFile(lockPath(), other);
    await w.close();
    expect(await readFile(lockPath(), 'utf8')).toBe(other);
  });

  it('leaves no temp files behind', async () => {
    await writeLock('garbage');
    const w = await writer();
    await openStudyWriter(root, 'digits').catch(() => undefined);
    await w.close();
    expect((await readdir(path.join(root, 'digits'))).sort()).toEqual(['events.jsonl']);
  });
});

describe('watch', () => {
  async function collect(iter: AsyncIterable<SequencedEvent>, out: SequencedEvent[]): Promise<void> {
    for await (const e of iter) out.push(e);
  }

  async function until(check: () => boolean, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('timed out waiting');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('yields existing events after fromSeq, then appends, and stops on abort', async () => {
    const w = await writer();
    await w.append([reported(0), reported(1), reported(2)]);

    const controller = new AbortController();
    const seen: SequencedEvent[] = [];
    const done = collect(watchStudyEvents(root, 'digits', 1, controller.signal), seen);
    await until(() => seen.length === 2);
    expect(seen.map((e) => e.seq)).toEqual([2, 3]);

    await w.append([reported(3)]);
    await w.append([reported(4), reported(5)]);
    await until(() => seen.length === 5);
    expect(steps(seen)).toEqual([1, 2, 3, 4, 5]);

    controller.abort();
    await done; // ends without error
    await w.append([reported(6)]);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toHaveLength(5);
  });

  it('holds back a partial line until its newline arrives', async () => {
    const w = await writer();
    await w.append([reported(0)]);
    await w.close();
    const controller = new AbortController();
    const seen: SequencedEvent[] = [];
    const done = collect(watchStudyEvents(root, 'digits', 0, controller.signal, { pollMs: 20 }), seen);
    await until(() => seen.length === 1);

    const line = JSON.stringify({ seq: 2, event: reported(1) }) + '\n';
    await appendFile(eventsFile(root, 'digits'), line.slice(0, 10));
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toHaveLength(1);
    await appendFile(eventsFile(root, 'digits'), line.slice(10));
    await until(() => seen.length === 2);
    expect(seen[1]).toEqual({ seq: 2, event: reported(1) });
    controller.abort();
    await done;
  });

  it('sees events written after a crash left a torn tail and a new writer repaired it', async () => {
    const w = await writer();
    await w.append([reported(0)]);
    await w.close();
    await appendFile(eventsFile(root, 'digits'), '{"seq":2,"ev');
    const controller = new AbortController();
    const seen: SequencedEvent[] = [];
    const done = collect(watchStudyEvents(root, 'digits', 0, controller.signal, { pollMs: 20 }), seen);
    await until(() => seen.length === 1);

    const next = await writer();
    await next.append([reported(1), reported(2)]);
    await until(() => seen.length === 3);
    expect(seen.map((e) => e.seq)).toEqual([1, 2, 3]);
    controller.abort();
    await done;
  });

  it('waits for a study that does not exist yet', async () => {
    const controller = new AbortController();
    const seen: SequencedEvent[] = [];
    const done = collect(watchStudyEvents(root, 'later', 0, controller.signal, { pollMs: 20 }), seen);
    await new Promise((r) => setTimeout(r, 50));
    const w = await writer('later');
    await w.append([reported(0)]);
    await until(() => seen.length === 1);
    controller.abort();
    await done;
  });

  it('ends at once when the signal is already aborted', async () => {
    const w = await writer();
    await w.append([reported(0)]);
    const seen: SequencedEvent[] = [];
    await collect(watchStudyEvents(root, 'digits', 0, AbortSignal.abort()), seen);
    expect(seen).toEqual([]);
  });

  it('stops cleanly when the consumer breaks out', async () => {
    const w = await writer();
    await w.append([reported(0), reported(1)]);
    const controller = new AbortController();
    for await (const e of watchStudyEvents(root, 'digits', 0, controller.signal)) {
      expect(e.seq).toBe(1);
      break;
    }
  });
});
