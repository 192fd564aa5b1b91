/**
 * Stop Study, Show Trial Output, Stop Trial, Copy Trial Command, Re-run Best Trial and Refresh. Each
 * takes a tree node (context menu) or asks with a quick pick (command palette).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { readLock, renderCommand, reproduceCommand, splitEnvAssignments, trialEnvironment, type TrialSnapshot } from '../../engine/index';
import type { RungServices } from '../services';
import { isLocalHost, type StudyEntry } from '../studies/studyRegistry';
import { isLiveStatus, trialLabel } from '../tree/studyTreeModel';
import { openRerunTerminal } from '../terminals/rerunTerminal';
import { resolveStudy, resolveTrial } from './pickers';

/**
 * "Rung: Stop Study": a study run here stops gracefully through its runner; one run by the CLI gets
 * SIGINT, exactly what `rung stop` sends (its runner treats it like Ctrl-C: trials get SIGTERM, then
 * SIGKILL after the kill grace, and the log records study.ended).
 */
export async function stopStudyCommand(s: RungServices, arg: unknown): Promise<void> {
  // Signalling a pid read from a file of this workspace is acting on the workspace's word: trusted only.
  if (!s.requireTrust('stop a study')) return;
  const entry = await resolveStudy(s, arg, (e) => e.isRunning, { placeHolder: 'Select the study to stop', none: 'No study is running.' });
  if (!entry) return;
  if (entry.ownership === 'owned' && entry.runner) {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Stopping study ${entry.name} (trials get SIGTERM, then SIGKILL after the kill grace)…` },
      () => entry.runner?.stop() ?? Promise.resolve(),
    );
    return;
  }
  await stopObservedStudy(entry);
}

async function stopObservedStudy(entry: StudyEntry): Promise<void> {
  // Read the lock again now: the pid must be the study's current writer, not one remembered from a scan.
  const lock = await readLock(entry.root, entry.name);
  if (!lock?.alive) {
    void vscode.window.showInformationMessage(`Study ${entry.name} is not running.`);
    return;
  }
  if (!isLocalHost(lock.host)) {
    void vscode.window.showErrorMessage(`Study ${entry.name} runs on host ${lock.host} (process ${lock.pid}); stop it there with "rung stop ${entry.name}".`);
    return;
  }
  try {
    process.kill(lock.pid, 'SIGINT');
  } catch (e) {
    void vscode.window.showErrorMessage(`Could not signal process ${lock.pid} running study ${entry.name}: ${(e as Error).message}`);
    return;
  }
  void vscode.window.showInformationMessage(`Asked process ${lock.pid} (rung CLI) to stop study ${entry.name}.`);
}

/** "Rung: Show Trial Output": the trial's terminal (history, then live output). */
export async function showTrialOutputCommand(s: RungServices, arg: unknown): Promise<void> {
  const target = await resolveTrial(s, arg, (_e, t) => t.trialDir !== undefined, {
    placeHolder: 'Select the trial whose output to show',
    none: 'No trial has started yet.',
  });
  if (target) s.terminals.show(target.entry, target.trial.id);
}

/** "Rung: Stop Trial": the trial ends as `stopped`; the study goes on. */
export async function stopTrialCommand(s: RungServices, arg: unknown): Promise<void> {
  if (!s.requireTrust('stop a trial')) return;
  const target = await resolveTrial(s, arg, (e, t) => e.isRunning && isLiveStatus(t.status), {
    placeHolder: 'Select the trial to stop',
    none: 'No trial is running.',
  });
  if (!target) return;
  const { entry, trial } = target;
  if (!isLiveStatus(trial.status)) {
    void vscode.window.showInformationMessage(`Trial #${trial.id} is not running (${trial.status}).`);
    return;
  }
  if (entry.ownership !== 'owned' || !entry.runner) {
    // Only the study's own runner may end a trial: a signal from here would be recorded as a failure.
    void vscode.window.showInformationMessage(
      `Study ${entry.name} is run by the rung CLI (process ${entry.runnerPid ?? '?'}); trials of it can only be stopped together: use Stop Study.`,
    );
    return;
  }
  await entry.runner.stopTrial(trial.id);
}

/** "Rung: Copy Trial Command": the exact command, runnable from a shell (as `rung show` prints it). */
export async function copyTrialCommandCommand(s: RungServices, arg: unknown): Promise<void> {
  const target = await resolveTrial(s, arg, (_e, t) => t.argv !== undefined, {
    placeHolder: 'Select the trial whose command to copy',
    none: 'No trial has started yet.',
  });
  if (!target) return;
  await vscode.env.clipboard.writeText(reproduceCommand(target.trial, target.entry.spec?.launcher.env));
  void vscode.window.showInformationMessage(`Copied the command of trial #${target.trial.id}.`);
}

/**
 * "Rung: Re-run Best Trial": the best trial's parameters at the full budget, in an integrated terminal.
 * No shell: the terminal runs the command itself (terminals/rerunTerminal.ts), so a parameter value can
 * never be read as shell syntax. It runs in its own folder under the study
 * (`reruns/<trial>-<time>`), so the best trial's checkpoints stay untouched.
 */
export async function rerunBestTrialCommand(s: RungServices, arg: unknown): Promise<void> {
  if (!s.requireTrust('run a trial')) return;
  const entry = await resolveStudy(s, arg, (e) => e.snapshot.best !== null, {
    placeHolder: 'Select the study whose best trial to re-run',
    none: 'No study has a completed trial yet.',
  });
  if (!entry) return;
  const bestId = entry.snapshot.best?.trialId;
  const best = entry.snapshot.trials.find((t) => t.id === bestId);
  if (!best?.config || !entry.spec) {
    void vscode.window.showErrorMessage(`Study ${entry.name} has no best trial with a stored configuration.`);
    return;
  }
  await rerunTrial(s, entry, best, entry.spec.scheduler.maxBudget);
}

/**
 * Runs one trial's parameters again at `budget` in a terminal of its own (also the dashboard's "Re-run",
 * at the trial's own budget or the full one).
 */
export async function rerunTrial(s: RungServices, entry: StudyEntry, best: TrialSnapshot, budget: number): Promise<void> {
  if (!s.requireTrust('run a trial')) return;
  const spec = entry.spec;
  if (!best.config || !spec) {
    void vscode.window.showErrorMessage(`Trial #${best.id} of study ${entry.name} has no stored configuration to re-run.`);
    return;
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = path.join(entry.root, entry.name, 'reruns', `${best.id}-${stamp}`);
  mkdirSync(dir, { recursive: true });
  const words = renderCommand(spec.command, { config: best.config, space: spec.space, budget, trialId: best.id, trialDir: dir });
  const { env: commandEnv, argv } = splitEnvAssignments(words);
  const resource = spec.file !== undefined ? vscode.Uri.file(spec.file) : undefined;
  if (argv[0] === 'python' || argv[0] === 'python3') argv[0] = await s.pythonFor(resource);
  const env = trialEnvironment({
    studyName: spec.name,
    launcherEnv: spec.launcher.env,
    commandEnv,
    trialId: best.id,
    trialDir: dir,
    config: best.config,
    budget,
    ...(s.pythonHelperDir !== undefined ? { pythonHelperDir: s.pythonHelperDir } : {}),
  });
  // A Pseudoterminal that runs the command (no shell) and stays open after it exits: with shellPath the
  // terminal closed as soon as a short run ended, taking its output with it.
  openRerunTerminal({
    name: `Re-run ${trialLabel(best.id, best.config, 32)}`,
    argv,
    cwd: spec.cwd,
    env,
    dir,
    onExit: (code, signal) => s.log.info(`[${entry.name}] re-run of trial #${best.id} ended (${signal ?? `exit code ${code ?? '?'}`})`),
  });
  s.log.info(`[${entry.name}] re-running trial #${best.id} at budget ${budget} in ${dir}: ${argv.join(' ')}`);
}

/** "Rung: Refresh": lists the store roots again and redraws the tree. */
export async function refreshStudiesCommand(s: RungServices): Promise<void> {
  await s.registry.refresh();
  s.tree.refreshAll();
}
