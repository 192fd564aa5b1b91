/**
 * The VS Code extension's composition root: it builds the study registry, the studies tree, terminals,
 * status bar, diagnostics and commands, and wires them together. No logic of its own beyond wiring: study
 * logic is in the engine (imported through src/engine/index.ts only), and what the UI shows is built by
 * plain modules (tree/studyTreeModel.ts, status/studyStatus.ts, …) that are unit-tested without VS Code.
 *
 * Activation is cheap on purpose (commands, the view, or a YAML/JSON file being opened): the store is
 * read only when the studies view first shows or a command needs it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { commandIds, internalCommandIds, viewIds } from './commands/ids';
import { resumeStudyCommand, startStudyCommand, startStudyFile } from './commands/startStudy';
import { registerImportSweep } from './commands/importSweep';
import { registerTuneThisScript } from './commands/tuneThisScript';
import {
  copyTrialCommandCommand,
  refreshStudiesCommand,
  rerunBestTrialCommand,
  showTrialOutputCommand,
  stopStudyCommand,
  stopTrialCommand,
} from './commands/studyCommands';
import { resolvePython } from './config/python';
import { readSettings, resolveStoreRoot, type RungSettings, type SettingKey } from './config/settings';
import { DashboardPanels } from './dashboard/dashboardPanel';
import { offerDashboard, openDashboardCommand } from './dashboard/openDashboardCommand';
import { SpecDiagnostics } from './diagnostics/specDiagnostics';
import { registerStudyFileProviders } from './editing/studyFileProviders';
import type { RungServices } from './services';
import { StudyStatusBar } from './status/statusBar';
import { createStudyNotifier, type StudyNotification } from './status/studyStatus';
import { StudyRegistry } from './studies/studyRegistry';
import { TrialTerminals } from './terminals/trialTerminal';
import type { RungNode } from './tree/nodes';
import { SettledSelection } from './tree/settledSelection';
import { StudiesTree } from './tree/studiesTree';

/** How long deactivate waits for running studies to stop gracefully before killing what is left. */
const deactivateBoundMs = 5000;

let activeRegistry: StudyRegistry | undefined;

export function activate(context: vscode.ExtensionContext): RungServices {
  const log = vscode.window.createOutputChannel('Rung', { log: true });
  const settings = (resource?: vscode.Uri): RungSettings => {
    // null: "any resource" (the window's value), as VS Code asks for resource-scoped settings.
    const config = vscode.workspace.getConfiguration('rung', resource ?? null);
    return readSettings((key: SettingKey) => config.get<unknown>(key));
  };
  const storeRootFor = (resource?: vscode.Uri): string => {
    const folder = (resource ? vscode.workspace.getWorkspaceFolder(resource) : undefined) ?? vscode.workspace.workspaceFolders?.[0];
    const fallback = resource ? path.dirname(resource.fsPath) : process.cwd();
    return resolveStoreRoot(settings(folder?.uri ?? resource).storePath, folder?.uri.fsPath, fallback);
  };
  const folderRoots = (): string[] => (vscode.workspace.workspaceFolders ?? []).map((f) => storeRootFor(f.uri));

  const registry = new StudyRegistry({
    roots: folderRoots,
    rootLabel: (root) => {
      const folders = vscode.workspace.workspaceFolders ?? [];
      if (folders.length < 2) return undefined;
      return folders.find((f) => storeRootFor(f.uri) === root)?.name ?? path.basename(path.dirname(root));
    },
    onError: (message) => log.warn(message),
  });
  activeRegistry = registry;

  const tree = new StudiesTree(registry);
  const treeView = vscode.window.createTreeView<RungNode>(viewIds.studies, { treeDataProvider: tree, showCollapseAll: true });
  tree.setVisible(treeView.visible);
  const terminals = new TrialTerminals(registry);
  const diagnostics = new SpecDiagnostics();
  const statusBar = new StudyStatusBar(registry);
  const helperDir = path.join(context.extensionPath, 'python');

  const services: RungServices = {
    context,
    registry,
    tree,
    treeView,
    terminals,
    diagnostics,
    statusBar,
    log,
    settings,
    storeRootFor,
    pythonFor: (resource) => resolvePython(settings(resource).python, resource),
    pythonHelperDir: existsSync(path.join(helperDir, 'rung', '__init__.py')) ? helperDir : undefined,
    requireTrust: (what) => {
      if (vscode.workspace.isTrusted) return true;
      void vscode.window
        .showWarningMessage(`Rung does not ${what} in Restricted Mode: a study runs commands from this workspace. Trust the workspace to run studies.`, 'Manage Workspace Trust')
        .then((choice) => (choice ? vscode.commands.executeCommand('workbench.trust.manage') : undefined));
      return false;
    },
    startStudyFile: (uri) => startStudyFile(services, uri),
  };

  const notifier = createStudyNotifier({
    notifyNewBest: () => settings().notifyNewBest,
    notifyTrialFailures: () => settings().notifyTrialFailures,
    now: () => Date.now(),
    show: (n) => void showNotification(services, n),
  });

  const register = (id: string, handler: (arg: unknown) => Promise<void>): void => {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (arg: unknown) => {
        try {
          await handler(arg);
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          log.error(`${id}: ${message}`);
          void vscode.window.showErrorMessage(`Rung: ${message}`);
        }
      }),
    );
  };
  register(commandIds.startStudy, (arg) => startStudyCommand(services, arg));
  register(commandIds.stopStudy, (arg) => stopStudyCommand(services, arg));
  register(commandIds.resumeStudy, (arg) => resumeStudyCommand(services, arg));
  register(commandIds.showTrialOutput, (arg) => showTrialOutputCommand(services, arg));
  const rowSelection = new SettledSelection(treeView);
  context.subscriptions.push(rowSelection);
  register(internalCommandIds.showSelectedTrialOutput, async () => showTrialOutputCommand(services, selectedTrial(await rowSelection.selection())));
  register(commandIds.stopTrial, (arg) => stopTrialCommand(services, arg));
  register(commandIds.copyTrialCommand, (arg) => copyTrialCommandCommand(services, arg));
  register(commandIds.rerunBestTrial, (arg) => rerunBestTrialCommand(services, arg));
  register(commandIds.refreshStudies, () => refreshStudiesCommand(services));
  const dashboards = new DashboardPanels(services);
  register(commandIds.openDashboard, (arg) => openDashboardCommand(services, dashboards, arg));
  // Dashboard tabs open when the window reloads come back connected to their study.
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(viewIds.dashboard, {
      deserializeWebviewPanel: (panel, state: unknown) =>
        dashboards.restore(panel, state).catch((e: unknown) => {
          log.error(`dashboard restore: ${e instanceof Error ? e.message : String(e)}`);
          panel.dispose();
        }),
    }),
  );

  const offLive = registry.onLiveEvent.on(({ entry, event }) => {
    // Notifications and auto-opened terminals are for studies this window runs, not for CLI runs.
    if (entry.ownership !== 'owned') return;
    notifier.observe(registry.viewInput(entry), event);
    if (event.event.type === 'study.started') void offerDashboard(services, dashboards, entry);
    if (event.event.type === 'trial.launched') {
      const trialId = event.event.trialId;
      const trial = entry.snapshot.trials.find((t) => t.id === trialId);
      const autoOpen = settings(entry.spec?.file !== undefined ? vscode.Uri.file(entry.spec.file) : undefined).autoOpenTerminals;
      if (trial && trial.launches === 1 && trial.number < autoOpen) terminals.show(entry, trialId, true);
    }
  });

  context.subscriptions.push(
    log,
    treeView,
    tree,
    terminals,
    diagnostics,
    registerStudyFileProviders(),
    statusBar,
    dashboards,
    treeView.onDidChangeVisibility((e) => {
      tree.setVisible(e.visible);
      if (e.visible) void registry.refresh();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('rung.storePath')) void registry.refresh();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void registry.refresh()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => tree.refreshAll()),
    { dispose: offLive },
    { dispose: () => registry.dispose() },
  );

  // "Import Sweep" only reads and writes files (W&B / NNI definitions to a study file), so it needs no trust.
  context.subscriptions.push(registerImportSweep());
  // "Tune This Script" lives in its own module; it starts the reviewed file through the same path as Start Study.
  context.subscriptions.push(
    registerTuneThisScript(context, {
      pythonPath: () => services.pythonFor(vscode.window.activeTextEditor?.document.uri),
      startStudyFile: (uri) => services.startStudyFile(uri),
      isTrusted: () => vscode.workspace.isTrusted,
    }),
  );
  return services;
}

/** The trial row a click selected (the tree's single selected trial), else undefined (a picker asks). */
function selectedTrial(selection: readonly RungNode[]): RungNode | undefined {
  return selection.length === 1 && selection[0]?.kind === 'trial' ? selection[0] : undefined;
}

async function showNotification(s: RungServices, n: StudyNotification): Promise<void> {
  const entry = s.registry.get(n.key);
  switch (n.kind) {
    case 'studyEnded': {
      const show = 'Show Studies';
      const choice = n.isError ? await vscode.window.showErrorMessage(n.message, show) : await vscode.window.showInformationMessage(n.message, show);
      if (choice === show) await vscode.commands.executeCommand(`${viewIds.studies}.focus`);
      return;
    }
    case 'newBest':
    case 'trialFailed': {
      const output = 'Show Output';
      const choice = n.kind === 'newBest' ? await vscode.window.showInformationMessage(n.message, output) : await vscode.window.showWarningMessage(n.message, output);
      if (choice === output && entry) s.terminals.show(entry, n.trialId);
      return;
    }
  }
}

/**
 * Stops the studies this window runs, gracefully (runner.stop: SIGTERM, kill grace, study.ended in the
 * log), waiting at most a few seconds; trials still alive after that are killed by their process group
 * so none outlives the window. A resumed study re-runs what was cut short. Each study runs in a worker
 * thread: stop() is carried to it and resolves once the study ended there and the thread is gone; the
 * pids come from the snapshot this thread keeps (and the worker's reaper ends whatever is left).
 */
export async function deactivate(): Promise<void> {
  const registry = activeRegistry;
  activeRegistry = undefined;
  if (!registry) return;
  const runners = registry.runningRunners();
  if (runners.length === 0) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), deactivateBoundMs);
  });
  const stopped = Promise.all(runners.map((r) => r.stop().catch(() => undefined)));
  const outcome = await Promise.race([stopped.then(() => 'stopped' as const), bound]);
  if (timer) clearTimeout(timer);
  if (outcome === 'timeout') {
    for (const runner of runners) {
      for (const t of runner.snapshot().trials) {
        if ((t.status === 'running' || t.status === 'stopping') && t.pid !== undefined) {
          try {
            // Each local trial leads its own process group: the whole group goes.
            process.kill(-t.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
    }
  }
}
