import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OutputLine } from '../../../src/engine/runner/launcher';
import { createTrialOutput, endedLines } from '../../../src/engine/runner/trialOutput';

const root = mkdtempSync(path.join(tmpdir(), 'rung-output-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let now = 0;
const clock = { now: () => ++now };

describe('trial output', () => {
  it('splits both streams into lines, in arrival order, and appends them to an existing output.log', async () => {
    const dir = mkdtempSync(path.join(root, 't-'));
    writeFileSync(path.join(dir, 'output.log'), 'earlier run\n');
    const output = createTrialOutput(dir, clock);
    const seen: OutputLine[] = [];
    output.onLine((line) => seen.push(line));
    output.push('stdout', Buffer.from('a\nb'));
    output.push('stderr', Buffer.from('\u001b[31merr\u001b[0m\r\n'));
    output.push('stdout', Buffer.from('c\rd\n'));
    output.push('stdout', Buffer.from('tail without newline'));
    expect(await output.close()).toBeUndefined();
    output.push('stdout', Buffer.from('after close\n'));

    const lines: OutputLine[] = [];
    for await (const line of output.lines) lines.push(line);
    expect(lines.map((l) => [l.stream, l.text])).toEqual([
      ['stdout', 'a'],
      ['stderr', 'err'],
      ['stdout', 'bc'],
      ['stdout', 'd'],
      ['stdout', 'tail without newline'],
    ]);
    expect(seen).toEqual(lines);
    expect(lines.map((l) => l.at)).toEqual([...lines.map((l) => l.at)].sort((x, y) => x - y));
    expect(readFileSync(path.join(dir, 'output.log'), 'utf8')).toBe('earlier run\na\nerr\nbc\nd\ntail without newline\n');
  });

  it('hands lines to a reader waiting for them, and can be iterated only once', async () => {
    const dir = mkdtempSync(path.join(root, 't-'));
    const output = createTrialOutput(dir, clock);
    const iterator = output.lines[Symbol.asyncIterator]();
    const next = iterator.next();
    output.push('stdout', Buffer.from('x\n'));
    expect(await next).toEqual({ value: expect.objectContaining({ text: 'x' }), done: false });
    expect(() => output.lines[Symbol.asyncIterator]()).toThrow(/only once/);
    await output.close();
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });

  it('a reader that leaves early drops the rest; the log still has it', async () => {
    const dir = mkdtempSync(path.join(root, 't-'));
    const output = createTrialOutput(dir, clock);
    output.push('stdout', Buffer.from('1\n2\n3\n'));
    for await (const line of output.lines) if (line.text === '1') break;
    output.push('stdout', Buffer.from('4\n'));
    await output.close();
    expect(readFileSync(path.join(dir, 'output.log'), 'utf8')).toBe('1\n2\n3\n4\n');
  });

  it("splits a tool's message off a stderr line it was appended to, and nothing else", async () => {
    const dir = mkdtempSync(path.join(root, 't-'));
    const output = createTrialOutput(dir, clock, undefined, 'salloc: ');
    const seen: string[] = [];
    output.onLine((line) => seen.push(`${line.stream}:${line.text}`));
    // The trial's last stderr line had no newline; salloc's message follows in a later chunk.
    output.push('stderr', Buffer.from('loss=0.5\nerr tail'));
    output.push('stderr', Buffer.from('salloc: Relinquishing job allocation 7\nsalloc: Job allocation 7 has been revoked.\n'));
    output.push('stdout', Buffer.from('echo salloc: stays on stdout\n'));
    await output.close();
    const lines: string[] = [];
    for await (const line of output.lines) lines.push(`${line.stream}:${line.text}`);
    const expected = [
      'stderr:loss=0.5',
      'stderr:err tail',
      'stderr:salloc: Relinquishing job allocation 7',
      'stderr:salloc: Job allocation 7 has been revoked.',
      'stdout:echo salloc: stays on stdout',
    ];
    expect(lines).toEqual(expected);
    expect(seen).toEqual(expected);
    expect(readFileSync(path.join(dir, 'output.log'), 'utf8')).toBe(`${expected.map((l) => l.slice(l.indexOf(':') + 1)).join('\n')}\n`);
  });

  it('reports a log it cannot write, and keeps the lines', async () => {
    const output = createTrialOutput(path.join(root, 'no-such-dir'), clock);
    output.push('stdout', Buffer.from('kept\n'));
    expect(await output.close()).toMatch(/^cannot write output\.log: ENOENT/);
    const lines: string[] = [];
    for await (const line of output.lines) lines.push(line.text);
    expect(lines).toEqual(['kept']);
  });

  it("a stream that ends emits its partial line before the other stream's later lines", async () => {
    const dir = mkdtempSync(path.join(root, 't-'));
    const output = createTrialOutput(dir, clock);
    output.push('stdout', Buffer.from('out tail'));
    output.push('stderr', Buffer.from('err tail'));
    output.end('stdout');
    output.push('stdout', Buffer.from('after end\n'));
    output.push('stderr', Buffer.from(' continued\n'));
    await output.close();
    const lines: string[] = [];
    for await (const line of output.lines) lines.push(`${line.stream}:${line.text}`);
    expect(lines).toEqual(['stdout:out tail', 'stderr:err tail continued']);
    expect(readFileSync(path.join(dir, 'output.log'), 'utf8')).toBe('out tail\nerr tail continued\n');
  });

  it('endedLines is empty', async () => {
    const lines: OutputLine[] = [];
    for await (const line of endedLines()) lines.push(line);
    expect(lines).toEqual([]);
  });
});
