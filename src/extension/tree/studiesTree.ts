/**
 * The `rung.studies` view: studies → trials. Rows come from studyTreeModel.ts; this file only adapts
 * them to vscode.TreeItems and throttles refreshes: events mark their study dirty, and at most every
 * 250 ms the dirty study nodes (only those) are refreshed, so 100 trials reporting every 100 ms cost a
 * handful of redraws a second.
 */
import * as vscode from 'vscode';
import { internalCommandIds } from '../commands/ids';
import type { StudyRegistry } from '../studies/studyRegistry';
import { createKeyedThrottle, type KeyedThrottle } from '../util/throttle';
import type { RungNode, StudyNode, TrialNode } from './nodes';
import { studyItem, trialItem, trialsInOrder, type TreeItemModel } from './studyTreeModel';

/** Refresh interval of the tree (ms). */
const refreshIntervalMs = 250;
/** How often the store roots are listed again while the view is visible (new CLI studies appear). */
const discoveryIntervalMs = 3000;
/** The throttle key that stands for "the list of studies changed". */
const wholeTree = '\0all';

export class StudiesTree implements vscode.TreeDataProvider<RungNode>, vscode.Disposable {
  readonly #changed = new vscode.EventEmitter<RungNode | undefined>();
  readonly onDidChangeTreeData = this.#changed.event;
  readonly #studyNodes = new Map<string, StudyNode>();
  readonly #trialNodes = new Map<string, TrialNode>();
  readonly #throttle: KeyedThrottle<string>;
  readonly #disposables: Array<() => void> = [];
  #firstScan: Promise<void> | undefined;
  #discovery: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly registry: StudyRegistry) {
    this.#throttle = createKeyedThrottle(refreshIntervalMs, (keys) => {
      if (keys.has(wholeTree)) {
        this.#changed.fire(undefined);
        return;
      }
      for (const key of keys) {
        const node = this.#studyNodes.get(key);
        if (node) this.#changed.fire(node);
      }
    });
    this.#disposables.push(
      registry.onDidChangeStudy.on((key) => this.#throttle.mark(key)),
      registry.onDidChangeList.on(() => this.#throttle.mark(wholeTree)),
    );
  }

  /** Keeps listing the store roots while the view is visible (so `rung run` in a terminal shows up). */
  setVisible(visible: boolean): void {
    if (visible && !this.#discovery) {
      this.#discovery = setInterval(() => void this.registry.refresh(), discoveryIntervalMs);
    } else if (!visible && this.#discovery) {
      clearInterval(this.#discovery);
      this.#discovery = undefined;
    }
  }

  studyNode(key: string): StudyNode {
    let node = this.#studyNodes.get(key);
    if (!node) {
      node = { kind: 'study', key };
      this.#studyNodes.set(key, node);
    }
    return node;
  }

  trialNode(key: string, trialId: string): TrialNode {
    const id = `${key}::${trialId}`;
    let node = this.#trialNodes.get(id);
    if (!node) {
      node = { kind: 'trial', key, trialId };
      this.#trialNodes.set(id, node);
    }
    return node;
  }

  async getChildren(element?: RungNode): Promise<RungNode[]> {
    if (!element) {
      // Lazy: the store is read the first time the view shows, not at activation.
      this.#firstScan ??= this.registry.refresh();
      await this.#firstScan;
      return this.registry.list().map((e) => this.studyNode(e.key));
    }
    if (element.kind === 'trial') return [];
    const entry = this.registry.get(element.key);
    if (!entry) return [];
    return trialsInOrder(entry.snapshot).map((t) => this.trialNode(entry.key, t.id));
  }

  getParent(element: RungNode): RungNode | undefined {
    return element.kind === 'trial' ? this.studyNode(element.key) : undefined;
  }

  getTreeItem(element: RungNode): vscode.TreeItem {
    const entry = this.registry.get(element.key);
    if (!entry) return new vscode.TreeItem('(gone)');
    const input = this.registry.viewInput(entry);
    if (element.kind === 'study') {
      return toTreeItem(studyItem(input), vscode.TreeItemCollapsibleState.Collapsed);
    }
    const trial = entry.snapshot.trials.find((t) => t.id === element.trialId);
    if (!trial) return new vscode.TreeItem(`#${element.trialId}`);
    const item = toTreeItem(trialItem(input, trial), vscode.TreeItemCollapsibleState.None);
    // A click shows the output, the most common thing to want from a trial row. No arguments: the
    // command reads the selection (why: internalCommandIds in commands/ids.ts).
    if (trial.trialDir !== undefined) item.command = { command: internalCommandIds.showSelectedTrialOutput, title: 'Show Trial Output' };
    return item;
  }

  /** Refreshes everything now (the Refresh command). */
  refreshAll(): void {
    this.#changed.fire(undefined);
  }

  dispose(): void {
    this.setVisible(false);
    this.#throttle.dispose();
    for (const off of this.#disposables) off();
    this.#changed.dispose();
  }
}

function toTreeItem(model: TreeItemModel, collapsible: vscode.TreeItemCollapsibleState): vscode.TreeItem {
  const item = new vscode.TreeItem(model.label, collapsible);
  item.id = model.id;
  item.description = model.description;
  item.tooltip = new vscode.MarkdownString(model.tooltip);
  item.iconPath = model.icon.color ? new vscode.ThemeIcon(model.icon.id, new vscode.ThemeColor(model.icon.color)) : new vscode.ThemeIcon(model.icon.id);
  item.contextValue = model.contextValue;
  return item;
}
