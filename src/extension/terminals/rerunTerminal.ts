/**
 * The terminal of "Re-run Best Trial": a Pseudoterminal that runs the command itself (no shell, so a
 * parameter value is never read as shell syntax) and shows its output. Unlike a terminal whose process
 * is the command (shellPath), it stays open when the command exits, so a run that takes a second can
 * still be read; the output is also written to `<dir>/output.log`. Ctrl-C interrupts the run, and
 * closing the terminal ends it (it is the user's run, not a study's trial).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import * as vscode from 'vscode';
import { shellQuote } from '../../engine/index';
import { createTerminalFeeder } from './logTail';

const dim = (text: string): string => `\x1b[2m${text}\x1b[0m`;

/** What to run. */
export interface RerunRequest {
  readonly name: string;
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** Folder of this run: `output.log` goes there. */
  readonly dir: string;
  /** Called with the exit code (null when killed by a signal) once the command ended. */
  readonly onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

export function openRerunTerminal(request: RerunRequest): vscode.Terminal {
  const writeEmitter = new vscode.EventEmitter<string>();
  let child: ChildProcess | undefined;
  let exited = false;
  // Signals go to the whole process group (the command may start workers).
  const signal = (sig: NodeJS.Signals): void => {
    if (!child?.pid || exited) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  const pty: vscode.Pseudoterminal = {
    onDidWrite: writeEmitter.event,
    open: () => {
      const [program, ...args] = request.argv;
      const logFile = path.join(request.dir, 'output.log');
      writeEmitter.fire(dim(`Rung · ${request.name} · output also in ${logFile}\r\n`));
      writeEmitter.fire(dim(`$ cd ${shellQuote(request.cwd)} && ${request.argv.map(shellQuote).join(' ')}\r\n\r\n`));
      if (program === undefined) return;
      const log = createWriteStream(logFile, { flags: 'a' });
      const feed = createTerminalFeeder();
      const decoders = [new StringDecoder('utf8'), new StringDecoder('utf8')] as const;
      const onData = (i: 0 | 1) => (chunk: Buffer): void => {
        log.write(chunk);
        writeEmitter.fire(feed(decoders[i].write(chunk)));
      };
      child = spawn(program, args, { cwd: request.cwd, env: { ...process.env, ...request.env }, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
      child.stdout?.on('data', onData(0));
      child.stderr?.on('data', onData(1));
      child.on('error', (e) => {
        exited = true;
        writeEmitter.fire(`\r\n${dim(`[could not run ${program}: ${e.message}]`)}\r\n`);
        log.end();
      });
      child.on('close', (code, sig) => {
        exited = true;
        log.end();
        writeEmitter.fire(`\r\n${dim(`[${sig ? `ended by ${sig}` : `exit code ${code ?? '?'}`} · output in ${logFile}]`)}\r\n`);
        request.onExit?.(code, sig);
      });
    },
    close: () => {
      signal('SIGTERM');
      writeEmitter.dispose();
    },
    handleInput: (data) => {
      if (data === '\x03') signal('SIGINT');
      else if (!exited) child?.stdin?.write(data === '\r' ? '\n' : data);
    },
  };
  const terminal = vscode.window.createTerminal({ name: request.name, pty, iconPath: new vscode.ThemeIcon('run-all') });
  terminal.show();
  return terminal;
}
