/**
 * Resolving a command's target: the tree node it was invoked on, or, from the command palette, a quick
 * pick over the studies/trials that qualify (skipped when exactly one does).
 */
import * as vscode from 'vscode';
import { formatNumber, type TrialSnapshot } from '../../engine/index';
import type { RungServices } from '../services';
import type { StudyEntry } from '../studies/studyRegistry';
import { isRungNode } from '../tree/nodes';
import { studyItem, trialLabel, trialsInOrder } from '../tree/studyTreeModel';

/** The study a command applies to, or undefined when the user cancelled or none qualifies (after saying so). */
export async function resolveStudy(
  s: RungServices,
  arg: unknown,
  qualifies: (entry: StudyEntry) => boolean,
  texts: { readonly placeHolder: string; readonly none: string },
): Promise<StudyEntry | undefined> {
  if (isRungNode(arg)) return s.registry.get(arg.key);
  await s.registry.refresh();
  const candidates = s.registry.list().filter(qualifies);
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(texts.none);
    return undefined;
  }
  if (candidates.length === 1) return candidates[0];
  const picked = await vscode.window.showQuickPick(
    candidates.map((entry) => {
      const model = studyItem(s.registry.viewInput(entry));
      return { label: entry.name, description: model.description, entry };
    }),
    { placeHolder: texts.placeHolder, matchOnDescription: true },
  );
  return picked?.entry;
}

/** The trial a command applies to. From the palette: a study, then one of its qualifying trials. */
export async function resolveTrial(
  s: RungServices,
  arg: unknown,
  qualifies: (entry: StudyEntry, trial: TrialSnapshot) => boolean,
  texts: { readonly placeHolder: string; readonly none: string },
): Promise<{ entry: StudyEntry; trial: TrialSnapshot } | undefined> {
  if (isRungNode(arg) && arg.kind === 'trial') {
    const entry = s.registry.get(arg.key);
    const trial = entry?.snapshot.trials.find((t) => t.id === arg.trialId);
    return entry && trial ? { entry, trial } : undefined;
  }
  const entry = await resolveStudy(s, arg, (e) => e.snapshot.trials.some((t) => qualifies(e, t)), { placeHolder: 'Select a study', none: texts.none });
  if (!entry) return undefined;
  const trials = trialsInOrder(entry.snapshot).filter((t) => qualifies(entry, t));
  if (trials.length === 1 && trials[0]) return { entry, trial: trials[0] };
  const picked = await vscode.window.showQuickPick(
    trials.map((trial) => ({
      label: trialLabel(trial.id, trial.config ?? {}, 80),
      description: `${trial.status}${(trial.value ?? trial.lastValue) !== null ? ` · ${formatNumber(trial.value ?? trial.lastValue)}` : ''}`,
      trial,
    })),
    { placeHolder: texts.placeHolder, matchOnDescription: true },
  );
  return picked ? { entry, trial: picked.trial } : undefined;
}
