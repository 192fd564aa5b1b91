import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTerminalFeeder, tailLog } from '../../src/extension/terminals/logTail';
import { tempDir } from '../helpers/studyFixture';

const until = async (check: () => boolean, ms = 5000): Promise<void> => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('createTerminalFeeder', () => {
  it('turns bare line feeds into CRLF, keeps CRLF and tqdm\'s lone CR', () => {
    const feed = createTerminalFeeder();
    expect(feed('a\nb\r\nc\rd')).toBe('a\r\nb\r\nc\rd');
    expect(feed('\n\n')).toBe('\r\n\r\n');
  });

  it('does not double a CR when CRLF is split across chunks', () => {
    const feed = createTerminalFeeder();
    expect(feed('line\r')).toBe('line\r');
    expect(feed('\nnext\n')).toBe('\nnext\r\n');
  });
});

describe('tailLog', () => {
  it('shows the history, then appended output, and ends once the trial is no longer live', async () => {
    const dir = tempDir('rung-tail-');
    const file = path.join(dir, 'output.log');
    writeFileSync(file, 'epoch=1 val_loss=0.9\n');
    let live = true;
    let text = '';
    let ended = false;
    const tail = tailLog({ file, isLive: () => live, onData: (t) => (text += t), onEnd: () => (ended = true), pollMs: 20 });
    await until(() => text.includes('epoch=1'));
    appendFileSync(file, 'epoch=2 val_loss=0.5\n');
    await until(() => text.includes('epoch=2'));
    appendFileSync(file, 'epoch=3 val_');
    appendFileSync(file, 'loss=0.3\n');
    live = false;
    await tail.finished;
    expect(ended).toBe(true);
    expect(text).toBe('epoch=1 val_loss=0.9\nepoch=2 val_loss=0.5\nepoch=3 val_loss=0.3\n');
  });

  it('waits for a log that does not exist yet', async () => {
    const dir = tempDir('rung-tail-');
    const file = path.join(dir, 'output.log');
    let text = '';
    let live = true;
    const tail = tailLog({ file, isLive: () => live, onData: (t) => (text += t), pollMs: 20 });
    await new Promise((r) => setTimeout(r, 60));
    writeFileSync(file, 'hello\n');
    await until(() => text === 'hello\n');
    live = false;
    await tail.finished;
  });

  it('shows only the end of a large log, starting at a whole line', async () => {
    const dir = tempDir('rung-tail-');
    const file = path.join(dir, 'output.log');
    const lines = Array.from({ length: 2000 }, (_, i) => `line ${i} ${'x'.repeat(40)}`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    let text = '';
    const tail = tailLog({ file, isLive: () => false, onData: (t) => (text += t), historyBytes: 4096 });
    await tail.finished;
    expect(text).toMatch(/^… \(\d+ KiB of earlier output are in .*output\.log\)\r\n/);
    const shown = text.split('\r\n')[1] ?? '';
    expect(shown).toMatch(/^line \d+ x+\nline/);
    expect(text.endsWith('line 1999 ' + 'x'.repeat(40) + '\n')).toBe(true);
    expect(text.length).toBeLessThan(4096 + 200);
  });

  it('keeps a multi-byte character split across reads whole', async () => {
    const dir = tempDir('rung-tail-');
    const file = path.join(dir, 'output.log');
    const euro = Buffer.from('€\n', 'utf8');
    writeFileSync(file, euro.subarray(0, 1));
    let text = '';
    let live = true;
    const tail = tailLog({ file, isLive: () => live, onData: (t) => (text += t), pollMs: 20 });
    await new Promise((r) => setTimeout(r, 60));
    appendFileSync(file, euro.subarray(1));
    await until(() => text === '€\n');
    live = false;
    await tail.finished;
  });

  it('stops on dispose without calling onEnd', async () => {
    const dir = tempDir('rung-tail-');
    const file = path.join(dir, 'output.log');
    writeFileSync(file, 'x\n');
    let ended = false;
    const tail = tailLog({ file, isLive: () => true, onData: () => undefined, onEnd: () => (ended = true), pollMs: 20 });
    await new Promise((r) => setTimeout(r, 50));
    tail.dispose();
    await tail.finished;
    expect(ended).toBe(false);
  });
});
