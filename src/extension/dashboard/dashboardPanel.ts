/**
 * The dashboard's webview panels: one per study (opening it again reveals it), each fed by a
 * DashboardPublisher. The page may load only the extension's `dist/webview` files (localResourceRoots),
 * under the strict CSP of dashboardHtml.ts. Its context is not retained while hidden (a 10,000-trial page
 * holds real memory): it reloads when shown and asks for a snapshot.
 *
 * What the page asks for is validated (guards.ts) and carried out through the same commands as the
 * studies tree's context menu, so a trial stopped from the dashboard stops exactly as from the tree.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import type { HostEnvelope, WebviewEnvelope } from '../../shared/dashboardProtocol';
import { copyTrialCommandCommand, rerunTrial, showTrialOutputCommand, stopTrialCommand } from '../commands/studyCommands';
import { viewIds } from '../commands/ids';
import type { RungServices } from '../services';
import type { StudyEntry } from '../studies/studyRegistry';
import { dashboardHtml, makeNonce } from './dashboardHtml';
import { describeRejected, parseWebviewMessage } from './guards';
import { DashboardPublisher } from './publisher';

interface OpenPanel {
  readonly panel: vscode.WebviewPanel;
  readonly publisher: DashboardPublisher;
}

export interface ShowDashboardOptions {
  /** Select this trial once the page has the study. */
  readonly trialId?: string;
  /** Open without taking focus (e.g. when offered alongside the editor). */
  readonly preserveFocus?: boolean;
  readonly column?: vscode.ViewColumn;
}

export class DashboardPanels implements vscode.Disposable {
  readonly #open = new Map<string, OpenPanel>();
  readonly #disposables: vscode.Disposable[] = [];

  constructor(private readonly s: RungServices) {
    // A trial selected in the studies tree is selected in its study's dashboard too.
    this.#disposables.push(
      s.treeView.onDidChangeSelection((e) => {
        const node = e.selection[0];
        if (node?.kind === 'trial') this.#open.get(node.key)?.publisher.select(node.trialId);
      }),
    );
  }

  isOpen(key: string): boolean {
    return this.#open.has(key);
  }

  /** Opens the study's dashboard, or reveals it when it is open. */
  show(entry: StudyEntry, options: ShowDashboardOptions = {}): void {
    const existing = this.#open.get(entry.key);
    if (existing) {
      existing.panel.reveal(options.column ?? existing.panel.viewColumn, options.preserveFocus ?? false);
      if (options.trialId !== undefined) existing.publisher.select(options.trialId);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      viewIds.dashboard,
      `Rung: ${entry.name}`,
      { viewColumn: options.column ?? vscode.ViewColumn.Active, preserveFocus: options.preserveFocus ?? false },
      { ...this.#webviewOptions(), retainContextWhenHidden: false, enableFindWidget: true },
    );
    this.#attach(panel, entry, options);
  }

  /**
   * Reconnects a dashboard tab VS Code restored after a window reload (the panel serializer registered in
   * extension.ts). `state` is the page's webview state, which names the study (`studyKey`, see host.ts);
   * a tab whose study is no longer in any store is closed.
   */
  async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const key = typeof state === 'object' && state !== null ? (state as { studyKey?: unknown }).studyKey : undefined;
    let entry = typeof key === 'string' ? this.s.registry.get(key) : undefined;
    if (!entry && typeof key === 'string') {
      // At activation the stores may not have been read yet.
      await this.s.registry.refresh();
      entry = this.s.registry.get(key);
    }
    if (!entry || this.#open.has(entry.key)) {
      this.s.log.info(`dashboard: a restored tab was closed (${entry ? 'already open' : `study ${String(key)} not found`})`);
      panel.dispose();
      return;
    }
    panel.webview.options = this.#webviewOptions();
    this.#attach(panel, entry, {});
  }

  #webviewOptions(): vscode.WebviewOptions {
    return { enableScripts: true, localResourceRoots: [this.#webviewRoot()] };
  }

  #webviewRoot(): vscode.Uri {
    return vscode.Uri.file(path.join(this.s.context.extensionPath, 'dist', 'webview'));
  }

  /** Wires a panel (new or restored) to its study: publisher, page messages, visibility, HTML. */
  #attach(panel: vscode.WebviewPanel, entry: StudyEntry, options: ShowDashboardOptions): void {
    const webviewRoot = this.#webviewRoot();
    panel.iconPath = vscode.Uri.file(path.join(this.s.context.extensionPath, 'media', 'rung.svg'));
    const webview = panel.webview;
    const asset = (name: string): string => webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot, name)).toString();
    const key = entry.key;
    const publisher = new DashboardPublisher({
      source: this.s.registry,
      key,
      // A post to a page that is reloading or gone is dropped by VS Code; the next ready/snapshot repairs it.
      post: (message: HostEnvelope) => void webview.postMessage(message).then(undefined, () => undefined),
    });
    this.#open.set(key, { panel, publisher });
    if (options.trialId !== undefined) publisher.select(options.trialId);

    const subscriptions: vscode.Disposable[] = [
      webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseWebviewMessage(raw);
        if (!message) {
          this.s.log.warn(`[${entry.name}] dashboard: ignored a message: ${describeRejected(raw)}`);
          return;
        }
        if (publisher.receive(message)) return;
        void this.#act(key, message).catch((e: unknown) => {
          const text = e instanceof Error ? e.message : String(e);
          this.s.log.error(`[${entry.name}] dashboard ${message.type}: ${text}`);
          void vscode.window.showErrorMessage(`Rung: ${text}`);
        });
      }),
      panel.onDidChangeViewState((e) => publisher.setVisible(e.webviewPanel.visible)),
    ];
    panel.onDidDispose(() => {
      publisher.dispose();
      for (const d of subscriptions) d.dispose();
      if (this.#open.get(key)?.panel === panel) this.#open.delete(key);
    });
    webview.html = dashboardHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: asset('dashboard.js'),
      styleUri: asset('dashboard.css'),
      codiconUri: asset('codicon.css'),
      title: entry.name,
      studyKey: key,
    });
  }

  /** The actions a page may ask for, each through the command the tree uses for it. */
  async #act(key: string, message: WebviewEnvelope): Promise<void> {
    const s = this.s;
    switch (message.type) {
      case 'trial/stop':
        return stopTrialCommand(s, s.tree.trialNode(key, message.payload.trialId));
      case 'trial/showOutput':
        return showTrialOutputCommand(s, s.tree.trialNode(key, message.payload.trialId));
      case 'trial/copyCommand':
        return copyTrialCommandCommand(s, s.tree.trialNode(key, message.payload.trialId));
      case 'trial/rerun': {
        const entry = s.registry.get(key);
        const trial = entry?.snapshot.trials.find((t) => t.id === message.payload.trialId);
        if (!entry || !trial) return;
        const budget = message.payload.fullBudget ? entry.spec?.scheduler.maxBudget : (trial.budget ?? trial.plan?.budget ?? entry.spec?.scheduler.maxBudget);
        if (budget === undefined) {
          void vscode.window.showErrorMessage(`Study ${entry.name} has no stored study file to re-run trial #${trial.id} from.`);
          return;
        }
        return rerunTrial(s, entry, trial, budget);
      }
      case 'trial/selected': {
        // Only when the studies view is showing: revealing would otherwise switch the side bar away from
        // what the user is looking at.
        if (!s.treeView.visible) return;
        await s.treeView.reveal(s.tree.trialNode(key, message.payload.trialId), { select: true, focus: false, expand: false });
        return;
      }
      case 'webview/ready':
      case 'study/resync':
      case 'trial/requestCurves':
        // The publisher's (handled before this is called).
        return;
    }
  }

  dispose(): void {
    for (const { panel } of [...this.#open.values()]) panel.dispose();
    this.#open.clear();
    for (const d of this.#disposables) d.dispose();
  }
}
