/**
 * "Rung: Import Sweep (W&B, NNI)…": takes a W&B sweep configuration, an NNI search space or an NNI
 * experiment config — the file the command was invoked on (Explorer), else the active editor's YAML/JSON
 * file (not a study file), else one picked in the open dialog — turns it into a study file with the
 * engine's importers, writes it beside the input as `<name>.rung.yaml` (`<name>-2.rung.yaml`... when taken:
 * never over an existing file) and opens it for review. Malformed input is reported with its position and a
 * button to go there.
 *
 * It runs nothing (it reads and writes files), so it works in Restricted Mode too. VS Code glue only: the
 * mapping lives in src/engine/importers.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { studyFileNameFor, type SpecIssue } from '../../engine/index';
import { IMPORT_FORMAT_LABELS, importSweep } from '../../engine/index';
import { commandIds } from './ids';


/** Registers `rung.importSweep`. The returned disposable unregisters it. */
export function registerImportSweep(): vscode.Disposable {
  return vscode.commands.registerCommand(commandIds.importSweep, async (resource?: unknown) => {
    try {
      await importSweepCommand(resource);
    } catch (error) {
      // Expected failures are reported inside; this is the last resort so a bug never fails silently.
      void vscode.window.showErrorMessage(`Rung: Import Sweep failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}

async function importSweepCommand(resource: unknown): Promise<void> {
  const input = resource instanceof vscode.Uri && resource.scheme === 'file' ? resource : (activeSweepFile() ?? (await pickInput()));
  if (input === undefined) return;
  const inputPath = input.fsPath;
  const inputName = path.basename(inputPath);
  // An open editor may hold unsaved changes: import what the user sees.
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === input.toString());
  let text: string;
  try {
    text = open?.isDirty === true ? open.getText() : await readFile(inputPath, 'utf8');
  } catch (error) {
    void vscode.window.showErrorMessage(`Rung: cannot read ${inputName}: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }

  const dir = path.dirname(inputPath);
  const fileName = studyFileNameFor(inputPath, (candidate) => existsSync(path.join(dir, candidate)));
  const target = path.join(dir, fileName);
  const result = importSweep(text, { file: inputPath, studyFile: target });
  if (!result.ok) {
    await reportErrors(result.error, inputName);
    return;
  }
  try {
    // `wx`: a file created since the name was chosen is never overwritten.
    await writeFile(target, result.value.text, { encoding: 'utf8', flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    void vscode.window.showErrorMessage(
      code === 'EEXIST'
        ? `Rung: ${fileName} appeared while it was being written; nothing was overwritten. Run Import Sweep again.`
        : `Rung: cannot write ${fileName}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return;
  }

  await vscode.window.showTextDocument(vscode.Uri.file(target), { preview: false });
  const { format, parameters, warnings } = result.value;
  const changed = warnings.length === 0 ? '' : ` ${warnings.length} thing${warnings.length === 1 ? '' : 's'} did not carry over exactly: see the list at the top of the file.`;
  void vscode.window.showInformationMessage(
    `Rung imported ${IMPORT_FORMAT_LABELS[format]} from ${inputName} as ${fileName} (${parameters} parameter${parameters === 1 ? '' : 's'}).${changed} Review it, then start it.`,
  );
}

/** YAML or JSON on disk that is not itself a study file: what the palette command imports from the active editor. */
const SWEEP_FILE = /\.(?:ya?ml|json)$/i;
const STUDY_FILE = /\.rung\.(?:ya?ml|json)$/i;

/** The active editor's file when it can be a sweep definition (as Tune This Script takes the active `.py`). */
function activeSweepFile(): vscode.Uri | undefined {
  const uri = vscode.window.activeTextEditor?.document.uri;
  if (uri === undefined || uri.scheme !== 'file') return undefined;
  return SWEEP_FILE.test(uri.fsPath) && !STUDY_FILE.test(uri.fsPath) ? uri : undefined;
}

async function pickInput(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: 'Import a W&B sweep, an NNI search space or an NNI experiment config',
    openLabel: 'Import',
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: false,
    filters: { 'Sweep definitions': ['yaml', 'yml', 'json'], 'All files': ['*'] },
    ...(vscode.workspace.workspaceFolders?.[0] !== undefined ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
  });
  const uri = picked?.[0];
  return uri !== undefined && uri.scheme === 'file' ? uri : undefined;
}

/** The first error in a message (the rest are counted), with a button that goes to it. */
async function reportErrors(issues: readonly SpecIssue[], inputName: string): Promise<void> {
  const errors = issues.filter((i) => i.severity === 'error');
  const first = errors[0];
  if (first === undefined) return;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  const where = `${path.basename(first.file)}:${first.line}:${first.column}`;
  const goTo = 'Go to Error';
  const choice = await vscode.window.showErrorMessage(`Rung: cannot import ${inputName}: ${where}: ${first.message}${more}. Nothing was written.`, goTo);
  if (choice !== goTo) return;
  const start = new vscode.Position(Math.max(0, first.line - 1), Math.max(0, first.column - 1));
  const end = new vscode.Position(Math.max(0, first.endLine - 1), Math.max(0, first.endColumn - 1));
  await vscode.window.showTextDocument(vscode.Uri.file(first.file), { selection: new vscode.Range(start, end.isBefore(start) ? start : end) });
}
