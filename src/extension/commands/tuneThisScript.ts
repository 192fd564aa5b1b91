/**
 * "Rung: Tune This Script" (explorer and editor context menus on `.py` files, and the palette for the
 * active editor): reads the script's arguments and metric prints with the engine's static reader
 * (Python's `ast` with the workspace's interpreter — the script itself is never run), writes a proposed
 * `<stem>.rung.yaml` next to it, opens it for review and offers to start it.
 *
 * VS Code glue only: reading the script and building the proposal live in the engine (src/engine/tune).
 */
import { writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import {
  ScriptInspectionError,
  inspectScript,
  proposeStudy,
  studyFileNameFor,
  studyNameFor,
  type ScriptInspection,
  type StudyProposal,
} from '../../engine/index';
import { commandIds } from './ids';

/** What the command needs from the rest of the extension. */
export interface TuneThisScriptDeps {
  /** The workspace's Python interpreter (setting, or the Python extension's selection, else python3). */
  readonly pythonPath: () => Promise<string>;
  /** Starts a study from a study file (the same path as "Rung: Start Study"). */
  readonly startStudyFile: (file: vscode.Uri) => Promise<void>;
  /** Whether the workspace is trusted; nothing runs otherwise. */
  readonly isTrusted: () => boolean;
}

/** At most this many notes are listed in the notification; the file's header has them all. */
const NOTES_IN_MESSAGE = 3;

/** Registers `rung.tuneThisScript`. The returned disposable unregisters it. */
export function registerTuneThisScript(context: vscode.ExtensionContext, deps: TuneThisScriptDeps): vscode.Disposable {
  const readerPath = path.join(context.extensionPath, 'python', 'rung', 'inspect_script.py');
  return vscode.commands.registerCommand(commandIds.tuneThisScript, async (resource?: unknown) => {
    try {
      await tuneThisScript(resource, readerPath, deps);
    } catch (error) {
      // Every expected failure is reported inside; this is the last resort so a bug never fails silently.
      void vscode.window.showErrorMessage(`Rung: Tune This Script failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}

async function tuneThisScript(resource: unknown, readerPath: string, deps: TuneThisScriptDeps): Promise<void> {
  if (!deps.isTrusted()) {
    // Reading runs the workspace's interpreter, and the study runs the script: neither in an untrusted workspace.
    const manage = 'Manage Workspace Trust';
    const choice = await vscode.window.showWarningMessage('Rung runs nothing in an untrusted workspace. Trust this workspace to tune its scripts.', manage);
    if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
    return;
  }
  const script = scriptUri(resource);
  if (script === undefined) {
    void vscode.window.showErrorMessage('Rung: Tune This Script works on a Python file (.py) on disk: right-click one in the Explorer, or open it in the editor.');
    return;
  }
  const scriptPath = script.fsPath;
  const scriptName = path.basename(scriptPath);
  // An open editor may hold unsaved changes: read those, so the proposal matches what the user sees.
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === script.toString());
  const source = open?.isDirty === true ? open.getText() : undefined;

  const python = await deps.pythonPath();
  const abort = new AbortController();
  let inspection: ScriptInspection;
  try {
    inspection = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Rung: reading ${scriptName}…`, cancellable: true },
      async (_progress, token) => {
        const subscription = token.onCancellationRequested(() => abort.abort());
        try {
          return await inspectScript(scriptPath, { python, readerPath, signal: abort.signal, ...(source !== undefined ? { source } : {}) });
        } finally {
          subscription.dispose();
        }
      },
    );
  } catch (error) {
    if (!abort.signal.aborted) await reportFailure(error, script, python);
    return;
  }

  const dir = path.dirname(scriptPath);
  const target = await chooseTarget(dir, studyFileNameFor(scriptPath, (candidate) => existsSync(path.join(dir, candidate))), scriptPath);
  if (target === undefined) return;
  if (!target.fresh) {
    await vscode.window.showTextDocument(vscode.Uri.file(target.file), { preview: false });
    return;
  }
  // The study name follows the file name, so a second proposal (train-2.rung.yaml) gets a study of its own.
  const proposal = proposeStudy(inspection, { scriptFile: scriptName, studyName: studyNameFor(scriptPath, path.basename(target.file)) });
  try {
    await writeNew(target.file, proposal.text);
  } catch (error) {
    await reportFailure(error, script, python);
    return;
  }
  await review(proposal, target.file, deps);
}

/**
 * Where to write: the free name from studyFileNameFor. When `<stem>.rung.yaml` already exists (so the free
 * name is a numbered one), ask: open the existing file, or write the new one beside it.
 */
async function chooseTarget(dir: string, fileName: string, scriptPath: string): Promise<{ file: string; fresh: boolean } | undefined> {
  const first = studyFileNameFor(scriptPath, () => false);
  if (fileName === first) return { file: path.join(dir, fileName), fresh: true };
  const openExisting = `Open ${first}`;
  const writeAnother = `Write ${fileName}`;
  const choice = await vscode.window.showInformationMessage(
    `Rung: ${first} already exists next to ${path.basename(scriptPath)}.`,
    openExisting,
    writeAnother,
  );
  if (choice === openExisting) return { file: path.join(dir, first), fresh: false };
  if (choice === writeAnother) return { file: path.join(dir, fileName), fresh: true };
  return undefined;
}

/** Writes a file that must not exist yet (`wx`): a file created meanwhile is never overwritten. */
async function writeNew(file: string, text: string): Promise<void> {
  await writeFile(file, text, { encoding: 'utf8', flag: 'wx' });
}

/** Opens the proposal and offers to start it, listing what could not be inferred. */
async function review(proposal: StudyProposal, file: string, deps: TuneThisScriptDeps): Promise<void> {
  const uri = vscode.Uri.file(file);
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: false });
  const fileName = path.basename(file);
  const summary = `Rung proposed ${fileName}: ${proposal.parameters.length} parameter${proposal.parameters.length === 1 ? '' : 's'}, metric ${proposal.metric.name} (${proposal.metric.goal})${proposal.scheduler === 'asha' && proposal.budget ? `, early stopping on ${proposal.budget.flag}` : ''}. Review it, then start.`;
  const shown = proposal.notes.slice(0, NOTES_IN_MESSAGE);
  const more = proposal.notes.length - shown.length;
  const notes =
    proposal.notes.length === 0
      ? ''
      : ` Could not infer: ${shown.join(' ')}${more > 0 ? ` (${more} more at the top of the file.)` : ''}`;
  const start = 'Start Study';
  const choice = await vscode.window.showInformationMessage(`${summary}${notes}`, start, 'Not now');
  if (choice !== start) return;
  if (!deps.isTrusted()) return; // Trust can be withdrawn while the message is open.
  // The user may have edited the proposal while the message was open: start what they see.
  if (document.isDirty) await document.save();
  await deps.startStudyFile(uri);
}

/** The `.py` file the command was invoked on: the explorer/editor context Uri, else the active editor's file. */
function scriptUri(resource: unknown): vscode.Uri | undefined {
  const uri = resource instanceof vscode.Uri ? resource : vscode.window.activeTextEditor?.document.uri;
  if (uri === undefined || uri.scheme !== 'file') return undefined;
  return /\.pyw?$/i.test(uri.fsPath) ? uri : undefined;
}

async function reportFailure(error: unknown, script: vscode.Uri, python: string): Promise<void> {
  if (error instanceof ScriptInspectionError && error.kind === 'syntax' && error.line !== undefined) {
    const goTo = 'Go to Error';
    const choice = await vscode.window.showErrorMessage(`Rung: ${error.message}`, goTo);
    if (choice === goTo) {
      const position = new vscode.Position(Math.max(0, error.line - 1), Math.max(0, (error.column ?? 1) - 1));
      await vscode.window.showTextDocument(script, { selection: new vscode.Range(position, position) });
    }
    return;
  }
  if (error instanceof ScriptInspectionError && error.kind === 'python') {
    void vscode.window.showErrorMessage(`Rung: ${error.message}. The interpreter is "${python}": select another one (Python extension) or set Rung's Python setting.`);
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EEXIST') {
    void vscode.window.showErrorMessage('Rung: the study file appeared while it was being written; nothing was overwritten. Run Tune This Script again.');
    return;
  }
  void vscode.window.showErrorMessage(`Rung: could not propose a study for ${path.basename(script.fsPath)}: ${message}`);
}
