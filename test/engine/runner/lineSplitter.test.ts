import { describe, expect, it } from 'vitest';
import { createLineSplitter } from '../../../src/engine/runner/lineSplitter';
import type { LineSplitterOptions } from '../../../src/engine/runner/lineSplitter';

/** Splits `chunks` (strings are UTF-8 encoded) and returns every emitted line, after end(). */
function split(chunks: readonly (string | Uint8Array)[], options?: LineSplitterOptions): string[] {
  const lines: string[] = [];
  const splitter = createLineSplitter((line) => lines.push(line), options);
  for (const chunk of chunks) splitter.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  splitter.end();
  return lines;
}

/** Feeds `input` one byte at a time: every possible chunk boundary is exercised. */
function splitBytewise(input: string | Uint8Array, options?: LineSplitterOptions): string[] {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i++) chunks.push(bytes.subarray(i, i + 1));
  return split(chunks, options);
}

describe('createLineSplitter', () => {
  it('splits on \\n, \\r\\n and bare \\r', () => {
    expect(split(['a\nb\r\nc\rd\n'])).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps a partial line until more data arrives, and emits it on end()', () => {
    const lines: string[] = [];
    const splitter = createLineSplitter((line) => lines.push(line));
    splitter.push(Buffer.from('epoch=1 val'));
    expect(lines).toEqual([]);
    splitter.push(Buffer.from('_loss=0.5\nepoch=2'));
    expect(lines).toEqual(['epoch=1 val_loss=0.5']);
    splitter.end();
    expect(lines).toEqual(['epoch=1 val_loss=0.5', 'epoch=2']);
    splitter.push(Buffer.from('ignored after end\n'));
    splitter.end();
    expect(lines).toHaveLength(2);
  });

  it('does not emit an extra empty line for \\r\\n split across chunks', () => {
    expect(split(['one\r', '\ntwo\r', '\n'])).toEqual(['one', 'two']);
    expect(split(['one\r', '', '\ntwo'])).toEqual(['one', 'two']);
  });

  it('emits a \\r-terminated line immediately (progress bars are live)', () => {
    const lines: string[] = [];
    const splitter = createLineSplitter((line) => lines.push(line));
    splitter.push(Buffer.from(' 10%|#  |\r'));
    expect(lines).toEqual([' 10%|#  |']);
  });

  it('turns each tqdm redraw into a line and skips the empty cursor-return segments', () => {
    expect(split(['\r  0%|   |\r 50%|#  |\r100%|###|\n', 'done\n'])).toEqual([
      '  0%|   |',
      ' 50%|#  |',
      '100%|###|',
      'done',
    ]);
  });

  it('keeps empty lines ended by \\n', () => {
    expect(split(['a\n\n\nb\n'])).toEqual(['a', '', '', 'b']);
    expect(split(['\r\n\r\n'])).toEqual(['', '']);
  });

  it('emits nothing for empty input or a trailing newline only', () => {
    expect(split([])).toEqual([]);
    expect(split(['x\n'])).toEqual(['x']);
  });

  it('decodes a multibyte character split across chunks', () => {
    const bytes = Buffer.from('loss=0.5 λ=0.1 🚀 done\n', 'utf8');
    expect(splitBytewise(bytes)).toEqual(['loss=0.5 λ=0.1 🚀 done']);
    const rocket = Buffer.from('🚀\n', 'utf8'); // 4 bytes + \n
    expect(split([rocket.subarray(0, 1), rocket.subarray(1, 3), rocket.subarray(3)])).toEqual(['🚀']);
  });

  it('replaces invalid UTF-8 with U+FFFD and never throws', () => {
    expect(split([new Uint8Array([0x61, 0xff, 0x62, 0x0a])])).toEqual(['a\ufffdb']);
    // A truncated multibyte sequence at the very end is flushed as U+FFFD by end().
    expect(split([new Uint8Array([0x61, 0xe2, 0x82])])).toEqual(['a\ufffd']);
    const random = new Uint8Array(50_000);
    let seed = 1;
    for (let i = 0; i < random.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      random[i] = seed >>> 24;
    }
    expect(() => split([random.subarray(0, 777), random.subarray(777)])).not.toThrow();
  });

  it('strips CSI colour sequences, OSC titles and 2-char escapes', () => {
    const input =
      '\u001b[1;31mred\u001b[0m plain\n' +
      '\u001b]0;window title\u0007after-bel\n' +
      '\u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\\n' +
      '\u001b7saved\u001b8\u001b(B\u001b[m\n' +
      '\u001b[2K\u001b[1Gcleared\n';
    const expected = ['red plain', 'after-bel', 'link', 'saved', 'cleared'];
    expect(split([input])).toEqual(expected);
    // Same result whatever the chunk boundaries (escape sequences cut in the middle).
    expect(splitBytewise(input)).toEqual(expected);
  });

  it('removes a stray ESC and an escape left unfinished at end()', () => {
    expect(split(['a\u001b\nb\n'])).toEqual(['a', 'b']);
    expect(split(['tail\u001b[3'])).toEqual(['tail']);
  });

  it('does not let an unterminated OSC swallow the following lines', () => {
    expect(split(['\u001b]0;title without end\nnext\n'])).toEqual(['', 'next']);
  });

  it('gives the same lines however the input is chunked', () => {
    const input = Buffer.concat([
      Buffer.from('start\r\n\u001b[1mbold\u001b[0m λ 🚀\r\n'),
      Buffer.from([0xff, 0x61, 0xe2, 0x82, 0x0a]),
      Buffer.from('\r 1%|\r 2%|\r\n\u001b]0;t\u0007x\u001b(B\n\n'),
      Buffer.from(`${'y'.repeat(50)}\r\n`),
      Buffer.from('tail \u001b[32mno newline'),
    ]);
    const options = { maxLineLength: 20 };
    const whole = split([input], options);
    expect(whole).toEqual([
      'start',
      'bold λ 🚀',
      '\ufffda\ufffd',
      ' 1%|',
      ' 2%|',
      'x',
      '',
      `${'y'.repeat(20)} …[truncated 30 chars]`,
      'tail no newline',
    ]);
    expect(splitBytewise(input, options)).toEqual(whole);
    let seed = 42;
    for (let round = 0; round < 200; round++) {
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < input.length; ) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        const size = 1 + (seed % 9);
        chunks.push(input.subarray(at, at + size));
        at += size;
      }
      expect(split(chunks, options)).toEqual(whole);
    }
  });

  it('cuts lines longer than maxLineLength and says how much was dropped', () => {
    expect(split(['abcdefghij\nok\n'], { maxLineLength: 4 })).toEqual(['abcd …[truncated 6 chars]', 'ok']);
    // The same across chunks, for an unterminated last line too.
    expect(split(['ab', 'cdef', 'gh\nxy', 'zzzzzz'], { maxLineLength: 4 })).toEqual([
      'abcd …[truncated 4 chars]',
      'xyzz …[truncated 4 chars]',
    ]);
    expect(split(['abcd\n'], { maxLineLength: 4 })).toEqual(['abcd']);
  });

  it('does not split a surrogate pair when cutting', () => {
    const [line] = split(['a🚀b\n'], { maxLineLength: 2 });
    expect(line).toBe('a …[truncated 3 chars]');
  });

  it('holds bounded memory for a huge line without a newline', () => {
    const lines: string[] = [];
    const splitter = createLineSplitter((line) => lines.push(line), { maxLineLength: 1000 });
    const chunk = Buffer.alloc(1 << 20, 0x78); // 1 MiB of 'x'
    for (let i = 0; i < 100; i++) splitter.push(chunk); // 100 MiB, never held
    splitter.push(Buffer.from('\nnext\n'));
    splitter.end();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(`${'x'.repeat(1000)} …[truncated ${100 * (1 << 20) - 1000} chars]`);
    expect(lines[1]).toBe('next');
  });

  it('is fast on the hot path (a regression guard, not a benchmark)', () => {
    const line = 'epoch=12 step=3400 val_loss=0.123456 acc=0.9876\n';
    const chunk = Buffer.from(line.repeat(1300)); // ~64 KiB, like a pipe read
    const chunks = 40;
    let count = 0;
    const splitter = createLineSplitter(() => {
      count++;
    });
    for (let i = 0; i < chunks; i++) splitter.push(chunk); // warm up the JIT
    let best = 0;
    for (let round = 0; round < 5; round++) {
      count = 0;
      const started = performance.now();
      for (let i = 0; i < chunks; i++) splitter.push(chunk);
      const seconds = (performance.now() - started) / 1000;
      expect(count).toBe(1300 * chunks);
      best = Math.max(best, count / seconds);
    }
    // Unloaded this runs at ~10M lines/s; the bound is low because test workers share CPUs.
    expect(best).toBeGreaterThan(300_000);
  });
});
