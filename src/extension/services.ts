/**
 * What the command handlers (and the "Tune This Script" command) get from the composition root. Plain
 * object, no container: extension.ts builds one and passes it down.
 */
import type * as vscode from 'vscode';
import type { RungSettings } from './config/settings';
import type { SpecDiagnostics } from './diagnostics/specDiagnostics';
import type { StudyStatusBar } from './status/statusBar';
import type { StudyRegistry } from './studies/studyRegistry';
import type { TrialTerminals } from './terminals/trialTerminal';
import type { RungNode } from './tree/nodes';
import type { StudiesTree } from './tree/studiesTree';

export interface RungServices {
  readonly context: vscode.ExtensionContext;
  readonly registry: StudyRegistry;
  readonly tree: StudiesTree;
  readonly treeView: vscode.TreeView<RungNode>;
  readonly terminals: TrialTerminals;
  readonly diagnostics: SpecDiagnostics;
  readonly statusBar: StudyStatusBar;
  /** The "Rung" output channel: runner messages (resume, seed, GPUs) and errors. */
  readonly log: vscode.LogOutputChannel;
  /** The `rung.*` settings for a resource (a study file) or the window. */
  settings(resource?: vscode.Uri): RungSettings;
  /** The absolute store root for a study file (its workspace folder's `rung.storePath`). */
  storeRootFor(resource?: vscode.Uri): string;
  /** The interpreter for `python`/`python3` commands: `rung.python`, else the Python extension's, else `python3`. */
  pythonFor(resource?: vscode.Uri): Promise<string>;
  /** `<extension>/python` when it holds the `rung` helper (put on every trial's PYTHONPATH). */
  readonly pythonHelperDir: string | undefined;
  /**
   * True in a trusted workspace. Otherwise tells the user that Rung runs nothing in Restricted Mode
   * (`what` names the refused action, e.g. "start a study") and returns false.
   */
  requireTrust(what: string): boolean;
  /**
   * Validates a study file, shows its problems if any, and starts (or continues) its study in this
   * window. Asks for nothing; refuses in an untrusted workspace. Used by "Tune This Script" after review.
   */
  startStudyFile(uri: vscode.Uri): Promise<void>;
}
