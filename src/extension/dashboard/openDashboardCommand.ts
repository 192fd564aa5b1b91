/**
 * "Rung: Open Dashboard": from a study row (inline button or context menu), a trial row (opens its
 * study's dashboard with that trial selected) or the palette (a quick pick; running studies come first,
 * so the running one is preselected, and a single study opens directly).
 */
import * as vscode from 'vscode';
import { resolveStudy } from '../commands/pickers';
import type { RungServices } from '../services';
import type { StudyEntry } from '../studies/studyRegistry';
import { isRungNode } from '../tree/nodes';
import type { DashboardPanels } from './dashboardPanel';

export async function openDashboardCommand(s: RungServices, panels: DashboardPanels, arg: unknown): Promise<void> {
  const trialId = isRungNode(arg) && arg.kind === 'trial' ? arg.trialId : undefined;
  const entry = await resolveStudy(s, arg, () => true, {
    placeHolder: 'Select the study whose dashboard to open',
    none: 'No study yet: start one with "Rung: Start Study".',
  });
  if (!entry) return;
  panels.show(entry, trialId !== undefined ? { trialId } : {});
}

/** Remembered when the user answers "Don't Show Again" to the offer below. */
const offerKey = 'rung.dashboard.offerOnStart';

/**
 * When this window starts a study, offer its dashboard (a notification with a button, not an editor
 * that appears by itself: starting a study should not rearrange the user's editors). The study row in
 * the tree, revealed at start, carries the same action inline.
 */
export async function offerDashboard(s: RungServices, panels: DashboardPanels, entry: StudyEntry): Promise<void> {
  if (panels.isOpen(entry.key) || s.context.globalState.get<boolean>(offerKey) === false) return;
  const open = 'Open Dashboard';
  const never = "Don't Show Again";
  const choice = await vscode.window.showInformationMessage(`Study ${entry.name} is running.`, open, never);
  if (choice === open) {
    const current = s.registry.get(entry.key) ?? entry;
    panels.show(current);
  } else if (choice === never) {
    await s.context.globalState.update(offerKey, false);
  }
}
