/**
 * The tree's selection as of a click on a row. A row's click command carries no arguments (a command with
 * arguments gets an id that the row's next refresh retires, losing the click), so its handler reads the
 * selection instead. But the click's command and the new selection reach the extension host as separate
 * messages, and under load the command can come first: the selection then still names the row clicked before.
 *
 * So: a selection that changed just before the command (within `freshMs`) is the click's. Otherwise either the
 * row clicked was already selected (no change will come) or the change is still on its way: wait for it, at
 * most `waitMs`, then take the selection as it is. Clicking the selected row again costs that wait, once.
 */
import type * as vscode from 'vscode';

export class SettledSelection<T> implements vscode.Disposable {
  #changedAt = -Infinity;
  #waiters: (() => void)[] = [];
  readonly #subscription: vscode.Disposable;

  constructor(
    private readonly view: Pick<vscode.TreeView<T>, 'selection' | 'onDidChangeSelection'>,
    private readonly now: () => number = Date.now,
    private readonly freshMs = 250,
    private readonly waitMs = 250,
  ) {
    this.#subscription = view.onDidChangeSelection(() => {
      this.#changedAt = this.now();
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const wake of waiters) wake();
    });
  }

  /** The selection the click that ran a row's command made. */
  async selection(): Promise<readonly T[]> {
    if (this.now() - this.#changedAt > this.freshMs) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.#waiters = this.#waiters.filter((w) => w !== wake);
          resolve();
        }, this.waitMs);
        const wake = (): void => {
          clearTimeout(timer);
          resolve();
        };
        this.#waiters.push(wake);
      });
    }
    return this.view.selection;
  }

  dispose(): void {
    this.#subscription.dispose();
    this.#waiters = [];
  }
}
