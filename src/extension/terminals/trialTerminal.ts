/**
 * One integrated terminal per trial, mirroring its `output.log` through a Pseudoterminal: the history
 * first, then live output until the trial can no longer write. The terminal only reads the log, so
 * closing it never stops the trial or loses output (it is all in `output.log`, and Show Trial Output
 * opens a fresh mirror).
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { formatNumber, shellQuote } from '../../engine/index';
import type { StudyEntry, StudyRegistry } from '../studies/studyRegistry';
import { isLiveStatus, trialLabel } from '../tree/studyTreeModel';
import { createTerminalFeeder, tailLog, type LogTail } from './logTail';

const dim = (text: string): string => `\x1b[2m${text}\x1b[0m`;

export class TrialTerminals implements vscode.Disposable {
  readonly #open = new Map<string, vscode.Terminal>();
  readonly #subscription: vscode.Disposable;

  constructor(private readonly registry: StudyRegistry) {
    this.#subscription = vscode.window.onDidCloseTerminal((closed) => {
      for (const [id, terminal] of this.#open) if (terminal === closed) this.#open.delete(id);
    });
  }

  /** Shows the trial's terminal, creating it (and its log mirror) when it is not open. */
  show(entry: StudyEntry, trialId: string, preserveFocus = false): void {
    const id = `${entry.key}::${trialId}`;
    const existing = this.#open.get(id);
    if (existing) {
      existing.show(preserveFocus);
      return;
    }
    const trial = entry.snapshot.trials.find((t) => t.id === trialId);
    if (!trial?.trialDir) {
      void vscode.window.showInformationMessage(`Trial #${trialId} of ${entry.name} has not started yet, so it has no output.`);
      return;
    }
    const logFile = path.join(trial.trialDir, 'output.log');
    const key = entry.key;
    const registry = this.registry;
    /** Whether the trial may still write: running, or paused at a rung while its study runs (promotion). */
    const isLive = (): boolean => {
      const current = registry.get(key);
      const t = current?.snapshot.trials.find((x) => x.id === trialId);
      if (!current || !t) return false;
      return current.isRunning && (isLiveStatus(t.status) || t.status === 'paused');
    };
    const writeEmitter = new vscode.EventEmitter<string>();
    let tail: LogTail | undefined;
    const pty: vscode.Pseudoterminal = {
      onDidWrite: writeEmitter.event,
      open: () => {
        const argv = trial.argv ? trial.argv.map(shellQuote).join(' ') : '';
        writeEmitter.fire(dim(`Rung · study ${entry.name} · trial #${trialId} · ${logFile}\r\n`));
        if (argv) writeEmitter.fire(dim(`$ ${argv}\r\n`));
        writeEmitter.fire(dim('(read-only mirror of the trial\'s output; closing this terminal does not stop the trial)\r\n\r\n'));
        const feed = createTerminalFeeder();
        tail = tailLog({
          file: logFile,
          isLive,
          onData: (text) => writeEmitter.fire(feed(text)),
          onEnd: () => {
            const t = registry.get(key)?.snapshot.trials.find((x) => x.id === trialId);
            const value = t?.value ?? t?.lastValue ?? null;
            const summary = t ? `trial #${trialId} ${t.status}${value !== null ? ` · ${formatNumber(value)}` : ''}${t.reason ? ` · ${t.reason}` : ''}` : `trial #${trialId} ended`;
            writeEmitter.fire(`\r\n${dim(`[${summary}]`)}\r\n`);
          },
        });
      },
      close: () => {
        tail?.dispose();
        writeEmitter.dispose();
      },
      // Read-only: keystrokes are ignored (Ctrl-C here must not reach the trial; Stop Trial does that).
      handleInput: () => undefined,
    };
    const terminal = vscode.window.createTerminal({
      name: trialLabel(trialId, trial.config ?? {}, 40),
      pty,
      iconPath: new vscode.ThemeIcon('beaker'),
      isTransient: true,
    });
    this.#open.set(id, terminal);
    terminal.show(preserveFocus);
  }

  dispose(): void {
    this.#subscription.dispose();
    // Mirrors only: disposing them leaves every trial running.
    for (const terminal of this.#open.values()) terminal.dispose();
    this.#open.clear();
  }
}
