/** The status bar item of the running studies (text from studyStatus.ts), refreshed at most twice a second. */
import * as vscode from 'vscode';
import { commandIds } from '../commands/ids';
import type { StudyRegistry } from '../studies/studyRegistry';
import { createKeyedThrottle, type KeyedThrottle } from '../util/throttle';
import { statusModel } from './studyStatus';

export class StudyStatusBar implements vscode.Disposable {
  readonly #item = vscode.window.createStatusBarItem('rung.study', vscode.StatusBarAlignment.Left, 10);
  readonly #throttle: KeyedThrottle<string>;
  readonly #offs: Array<() => void>;
  /** Keys of studies this host started, most recent first: the status item shows the newest running one. */
  readonly #recent: string[] = [];
  /** Key of the study the item's click opens; undefined when it has no command. */
  #commandKey: string | undefined;

  constructor(private readonly registry: StudyRegistry) {
    this.#item.name = 'Rung study';
    this.#throttle = createKeyedThrottle(500, () => this.update());
    this.#offs = [
      registry.onDidChangeStudy.on((key) => this.#throttle.mark(key)),
      registry.onDidChangeList.on(() => this.#flushNow('')),
      // Only lifecycle events change what the item says (done/total, running, best); metric reports, the
      // flood, do not. Show those at once, so the item never lags behind the tree (it said "0/2 · 2 running"
      // for up to half a second after the tree showed a trial stopped).
      registry.onLiveEvent.on(({ entry, event }) => {
        if (event.event.type !== 'trial.reported') this.#flushNow(entry.key);
      }),
    ];
  }

  /** Puts a study first (called when this host starts or resumes it). */
  started(key: string): void {
    const at = this.#recent.indexOf(key);
    if (at >= 0) this.#recent.splice(at, 1);
    this.#recent.unshift(key);
    this.update();
  }

  #flushNow(key: string): void {
    this.#throttle.mark(key);
    this.#throttle.flush();
  }

  update(): void {
    const running = this.registry.list().filter((e) => e.isRunning);
    // Studies started here first (newest first), then the ones the CLI runs.
    const rank = (key: string): number => {
      const i = this.#recent.indexOf(key);
      return i < 0 ? Number.MAX_SAFE_INTEGER : i;
    };
    running.sort((a, b) => rank(a.key) - rank(b.key));
    const model = statusModel(running.map((e) => this.registry.viewInput(e)));
    if (!model) {
      this.#item.hide();
      return;
    }
    this.#item.text = model.text;
    this.#item.tooltip = model.tooltip;
    // A click opens the dashboard of the study the item names (the first; a node argument as from the tree).
    // Set only when that study changes: each assignment of a command with arguments makes VS Code drop the
    // old one, so a click that lands between a refresh and the next render found no command (it did nothing,
    // "Actual command not found" in the host's log) while a study reported twice a second.
    const shownKey = running[0]?.key;
    if (shownKey !== this.#commandKey) {
      this.#commandKey = shownKey;
      this.#item.command = shownKey === undefined
        ? undefined
        : { title: 'Open Dashboard', command: commandIds.openDashboard, arguments: [{ kind: 'study', key: shownKey }] };
    }
    this.#item.show();
  }

  dispose(): void {
    this.#throttle.dispose();
    for (const off of this.#offs) off();
    this.#item.dispose();
  }
}
