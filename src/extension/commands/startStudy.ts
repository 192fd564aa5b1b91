/**
 * "Rung: Start Study" and "Rung: Resume Study": validate a study file (problems go to the Problems view,
 * nothing starts), then run the study in a worker thread of this extension host (createStudyRunnerInWorker:
 * a sampler's slow ask, such as a GP fit, never blocks the host; dist/studyWorker.js). A study that
 * already has a log continues where it was (like `rung run` on the same file); one whose file changed
 * in a way that makes the old trials incomparable offers to start fresh (the old log is archived).
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { checkStudySpec, createStudyRunnerInWorker, loadStudy, type StudySpec } from '../../engine/index';
import { applySettingsToSpec } from '../config/settings';
import { isStudyFileName } from '../diagnostics/issueRanges';
import type { RungServices } from '../services';
import type { StudyEntry } from '../studies/studyRegistry';
import { runNewStudyFlow } from './newStudyFlow';
import { resolveStudy } from './pickers';

const studyFileGlob = '**/*.rung.{yaml,yml,json}';
const excludedFolders = '**/{node_modules,.git,.rung,.venv,venv}/**';

/** The command: a study file from the argument (explorer/editor menus), the active editor, or a pick. */
export async function startStudyCommand(s: RungServices, arg: unknown): Promise<void> {
  if (!s.requireTrust('start a study')) return;
  let uri = arg instanceof vscode.Uri ? arg : undefined;
  if (!uri) {
    const files = await vscode.workspace.findFiles(studyFileGlob, excludedFolders, 500);
    if (files.length === 0) {
      // No study file yet: build one with a short quick-pick flow.
      await runNewStudyFlow(s);
      return;
    }
    const active = vscode.window.activeTextEditor?.document.uri;
    const newItem = { label: '$(add) New study file…', description: 'answer a few questions and write a *.rung.yaml', uri: undefined };
    const items = files
      .sort((a, b) => (a.fsPath < b.fsPath ? -1 : 1))
      .map((f) => ({ label: vscode.workspace.asRelativePath(f), description: active?.toString() === f.toString() ? 'active editor' : '', uri: f as vscode.Uri | undefined }));
    // The file open in the editor first: the usual case is "start the study I am looking at".
    items.sort((a, b) => Number(b.description !== '') - Number(a.description !== ''));
    const picked = await vscode.window.showQuickPick([...items, newItem], { placeHolder: 'Select the study file to start' });
    if (!picked) return;
    if (!picked.uri) {
      await runNewStudyFlow(s);
      return;
    }
    uri = picked.uri;
  }
  await startStudyFile(s, uri);
}

/** Validates and starts one study file (no questions asked unless it is invalid or incompatible). */
export async function startStudyFile(s: RungServices, uri: vscode.Uri, fresh = false): Promise<void> {
  if (!s.requireTrust('start a study')) return;
  if (!isStudyFileName(uri.path)) {
    void vscode.window.showErrorMessage(`${path.basename(uri.fsPath)} is not a study file (*.rung.yaml, *.rung.yml or *.rung.json).`);
    return;
  }
  const doc = await vscode.workspace.openTextDocument(uri);
  // The stored study file must be what is on disk, so `rung resume` and the CLI see the same study.
  if (doc.isDirty) await doc.save();
  const text = doc.getText();
  s.diagnostics.validate(doc);
  const check = checkStudySpec(text, uri.fsPath);
  if (!check.spec) {
    const errors = check.issues.filter((i) => i.severity === 'error');
    const first = errors[0];
    const choice = await vscode.window.showErrorMessage(
      `${path.basename(uri.fsPath)} has ${errors.length} error${errors.length === 1 ? '' : 's'}${first ? ` (line ${first.line}: ${first.message})` : ''}. Fix ${errors.length === 1 ? 'it' : 'them'} to start the study.`,
      'Show Problems',
    );
    if (choice === 'Show Problems') {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.actions.view.problems');
    }
    return;
  }
  const spec = applySettingsToSpec(check.spec, s.settings(uri));
  await launchStudy(s, { root: s.storeRootFor(uri), spec, stored: { file: uri.fsPath, source: check.spec.source, text }, fresh, resource: uri });
}

/** What launchStudy needs. */
interface LaunchRequest {
  readonly root: string;
  readonly spec: StudySpec;
  readonly stored: { readonly file?: string; readonly source: unknown; readonly text: string };
  readonly fresh: boolean;
  readonly resource: vscode.Uri | undefined;
}

/** Creates the runner, registers it (the tree shows it at once) and starts it. */
async function launchStudy(s: RungServices, request: LaunchRequest): Promise<void> {
  const { root, spec } = request;
  const existing = s.registry.find(root, spec.name);
  if (existing?.isRunning) {
    const who = existing.ownership === 'owned' ? 'in this window' : `by process ${existing.runnerPid ?? '?'} (the rung CLI)`;
    void vscode.window.showInformationMessage(`Study ${spec.name} is already running ${who}.`);
    await reveal(s, existing);
    return;
  }
  const python = await s.pythonFor(request.resource);
  // The worker's script is dist/studyWorker.js, next to this bundle (the default).
  const runner = createStudyRunnerInWorker({
    spec,
    stored: request.stored,
    storeRoot: root,
    python,
    ...(s.pythonHelperDir !== undefined ? { pythonHelperDir: s.pythonHelperDir } : {}),
    fresh: request.fresh,
    log: (message) => s.log.info(`[${spec.name}] ${message}`),
  });
  const entry = s.registry.addRunner(root, runner, spec);
  s.statusBar.started(entry.key);
  try {
    await runner.start();
  } catch (e) {
    s.registry.removeRunner(entry);
    void s.registry.refresh();
    const message = e instanceof Error ? e.message : String(e);
    s.log.error(`[${spec.name}] could not start: ${message}`);
    // The engine's wording for "same name, different study": offer the CLI's --fresh.
    if (/already exists in .* with (?:a )?different/.test(message)) {
      const fresh = 'Start Fresh';
      const choice = await vscode.window.showWarningMessage(
        `Study ${spec.name} already exists in ${vscode.workspace.asRelativePath(root)} with ${message.match(/with ((?:a )?different [^;]+);/)?.[1] ?? 'a different definition'}. Start it fresh? The old log is moved to .archive, not deleted.`,
        { modal: true },
        fresh,
      );
      if (choice === fresh) await launchStudy(s, { ...request, fresh: true });
      return;
    }
    void vscode.window.showErrorMessage(`Could not start study ${spec.name}: ${message}`);
    return;
  }
  runner.done.catch((e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    s.log.error(`[${spec.name}] ended with an error: ${message}`);
    void vscode.window.showErrorMessage(`Study ${spec.name} stopped with an error: ${message}`);
  });
  s.log.info(`[${spec.name}] started (store ${root})`);
  await reveal(s, entry);
}

async function reveal(s: RungServices, entry: StudyEntry): Promise<void> {
  try {
    await vscode.commands.executeCommand('rung.studies.focus');
    await s.treeView.reveal(s.tree.studyNode(entry.key), { expand: true, select: false, focus: false });
  } catch {
    // The view may not be resolvable yet; the study still runs and the status bar shows it.
  }
}

/** "Rung: Resume Study": continues a stopped or crashed study from its stored study file (like `rung resume`). */
export async function resumeStudyCommand(s: RungServices, arg: unknown): Promise<void> {
  if (!s.requireTrust('resume a study')) return;
  const entry = await resolveStudy(s, arg, (e) => !e.isRunning && (e.snapshot.state === 'stopped' || e.snapshot.state === 'running' || e.snapshot.state === 'crashed'), {
    placeHolder: 'Select the study to resume',
    none: 'No stopped or crashed study to resume.',
  });
  if (!entry) return;
  if (entry.isRunning) {
    void vscode.window.showInformationMessage(`Study ${entry.name} is running.`);
    return;
  }
  let loaded;
  try {
    loaded = await loadStudy(entry.root, entry.name);
  } catch (e) {
    void vscode.window.showErrorMessage(`Cannot resume ${entry.name}: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  const created = loaded.events.find((e) => e.event.type === 'study.created')?.event;
  if (created?.type !== 'study.created' || created.spec.text === undefined) {
    void vscode.window.showErrorMessage(`Cannot resume ${entry.name}: its log has no stored study file.`);
    return;
  }
  const resource = loaded.spec.file !== undefined ? vscode.Uri.file(loaded.spec.file) : undefined;
  const spec = applySettingsToSpec(loaded.spec, s.settings(resource));
  await launchStudy(s, {
    root: entry.root,
    spec,
    stored: { ...(created.spec.file !== undefined ? { file: created.spec.file } : {}), source: created.spec.source, text: created.spec.text },
    fresh: false,
    resource,
  });
}
