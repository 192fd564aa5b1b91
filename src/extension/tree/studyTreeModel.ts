/**
 * What the studies sidebar shows, as plain data built from a StudySnapshot: labels, descriptions,
 * tooltips, codicon names and context values. studiesTree.ts only copies these into vscode.TreeItems, so
 * everything a user reads in the tree is unit-tested without VS Code.
 */
import type { TrialStatus } from '../../shared/ids';
import type { StudySnapshot, TrialSnapshot } from '../../engine/index';
import { formatNumber } from '../../engine/index';
import { compactConfig } from '../util/format';

/** Whether the extension host runs the study or only watches a log written by someone else (the CLI). */
export type StudyOwnership = 'owned' | 'observed';

/** The facts about one study that the tree needs besides its snapshot. */
export interface StudyViewInput {
  /** Unique across store roots; used as the tree item id. */
  readonly key: string;
  readonly snapshot: StudySnapshot;
  readonly ownership: StudyOwnership;
  /** True while a live process writes the log (this extension host, or the CLI's pid in study.lock). */
  readonly isRunning: boolean;
  /** The pid of the CLI process running an observed study. */
  readonly runnerPid?: number;
  readonly metric: { readonly name: string; readonly goal: 'minimize' | 'maximize' };
  /** `trials:` of the study file, when it sets one. */
  readonly plannedTrials?: number;
  /** The budget a trial runs to (`scheduler.max_budget`), for "epoch 9/20". */
  readonly maxBudget?: number;
  /** Shown when studies from several store roots (workspace folders) are listed. */
  readonly rootLabel?: string;
}

/** A codicon with an optional theme color id. */
export interface IconModel {
  /** Codicon id, e.g. `loading~spin`, `pass`. */
  readonly id: string;
  /** Theme color id, e.g. `testing.iconPassed`. */
  readonly color?: string;
}

/** A tree row as plain data. */
export interface TreeItemModel {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  /** Markdown. */
  readonly tooltip: string;
  readonly icon: IconModel;
  /** Matched by `contributes.menus` `when` clauses (`viewItem =~ /^rungTrial:live:owned/`). */
  readonly contextValue: string;
}

/** The state a study row shows (the log's state, corrected for a dead writer). */
export type StudyRowState = 'running' | 'finished' | 'stopped' | 'crashed' | 'new';

const statusIcons: Readonly<Record<TrialStatus, IconModel>> = {
  queued: { id: 'clock' },
  launching: { id: 'loading~spin' },
  running: { id: 'loading~spin' },
  stopping: { id: 'loading~spin', color: 'disabledForeground' },
  paused: { id: 'debug-pause', color: 'charts.blue' },
  completed: { id: 'pass', color: 'testing.iconPassed' },
  pruned: { id: 'filter', color: 'charts.yellow' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  stopped: { id: 'circle-slash', color: 'disabledForeground' },
  lost: { id: 'warning', color: 'list.warningForeground' },
};

/** The codicon for a trial status. */
export function trialIcon(status: TrialStatus): IconModel {
  return statusIcons[status];
}

/** Whether a trial's process may still be running (a stop applies to it). */
export function isLiveStatus(status: TrialStatus): boolean {
  return status === 'queued' || status === 'launching' || status === 'running' || status === 'stopping';
}

/** The row state: a log that says "running" with no live writer belongs to a process that died. */
export function studyRowState(input: StudyViewInput): StudyRowState {
  const state = input.snapshot.state;
  if (state === 'running' || state === 'new') return input.isRunning ? 'running' : input.snapshot.createdAt === null ? 'new' : 'crashed';
  return input.isRunning ? 'running' : state;
}

const studyIcons: Readonly<Record<StudyRowState, IconModel>> = {
  running: { id: 'loading~spin' },
  finished: { id: 'pass-filled', color: 'testing.iconPassed' },
  stopped: { id: 'circle-slash', color: 'disabledForeground' },
  crashed: { id: 'error', color: 'testing.iconFailed' },
  new: { id: 'clock' },
};

/** Counts shown on a study row and in the status bar. */
export interface StudyProgress {
  /** Trials that reached a final state (completed, pruned, failed, stopped, lost) or paused at a rung. */
  readonly done: number;
  readonly running: number;
  readonly failed: number;
  readonly total: number;
  /** `trials:` of the study file, else the number of trials so far. */
  readonly planned: number;
}

export function studyProgress(snapshot: StudySnapshot, plannedTrials?: number): StudyProgress {
  let done = 0;
  let running = 0;
  let failed = 0;
  for (const t of snapshot.trials) {
    if (isLiveStatus(t.status)) running++;
    else done++;
    if (t.status === 'failed') failed++;
  }
  const total = snapshot.trials.length;
  return { done, running, failed, total, planned: Math.max(plannedTrials ?? total, total) };
}

/** `val_loss 0.0703 (#12)` or undefined when no trial completed with a finite value. */
export function bestText(snapshot: StudySnapshot, metricName: string): string | undefined {
  const best = snapshot.best;
  return best ? `${metricName} ${formatNumber(best.value)} (#${best.trialId})` : undefined;
}

/** The row of a study. */
export function studyItem(input: StudyViewInput): TreeItemModel {
  const { snapshot } = input;
  const state = studyRowState(input);
  const progress = studyProgress(snapshot, input.plannedTrials);
  const best = bestText(snapshot, input.metric.name);
  const parts = [`${progress.done}/${progress.planned}`];
  if (progress.running > 0) parts.push(`${progress.running} running`);
  if (best) parts.push(`best ${best}`);
  if (state !== 'running') parts.push(state);
  else if (input.ownership === 'observed') parts.push(`CLI${input.runnerPid !== undefined ? ` pid ${input.runnerPid}` : ''}`);
  if (input.rootLabel) parts.push(input.rootLabel);

  const runState = state === 'running' ? 'running' : state === 'finished' ? 'finished' : 'idle';
  const contextValue = `rungStudy:${runState}:${input.ownership}${snapshot.best ? ':best' : ''}`;

  const tooltip = [
    `**${escapeMarkdown(snapshot.study)}** — ${state}${input.ownership === 'observed' && state === 'running' ? ` (run by the rung CLI${input.runnerPid !== undefined ? `, pid ${input.runnerPid}` : ''})` : ''}`,
    '',
    `${input.metric.name} (${input.metric.goal}) · ${progress.done} of ${progress.planned} trials done, ${progress.running} running, ${progress.failed} failed`,
    best ? `\n\nbest: ${escapeMarkdown(best)}` : '',
    snapshot.endReason && state !== 'running' ? `\n\nended: ${escapeMarkdown(snapshot.endReason)}${snapshot.endDetail ? ` — ${escapeMarkdown(snapshot.endDetail)}` : ''}` : '',
    snapshot.file ? `\n\nfile: \`${snapshot.file}\`` : '',
  ].join('');

  return {
    id: `study:${input.key}`,
    label: snapshot.study,
    description: parts.join(' · '),
    tooltip,
    icon: studyIcons[state],
    contextValue,
  };
}

/** The row of a trial. */
export function trialItem(input: StudyViewInput, trial: TrialSnapshot): TreeItemModel {
  const { snapshot } = input;
  const isBest = snapshot.best?.trialId === trial.id;
  const unit = snapshot.stepUnit ?? 'step';
  const live = isLiveStatus(trial.status);
  const value = trial.value ?? (live || trial.status === 'paused' || trial.status === 'stopped' ? trial.lastValue : null);
  const step = trial.valueStep ?? trial.lastStep;
  const parts: string[] = [];
  if (value !== null) parts.push(formatNumber(value));
  if (step !== null) parts.push(`${unit} ${formatNumber(step)}${input.maxBudget !== undefined ? `/${formatNumber(input.maxBudget)}` : ''}`);
  if (isBest) parts.push('★ best');
  if (!live && trial.status !== 'completed') parts.push(trial.status);
  // Parameters last: the tree cuts a long description at its end, and the value matters most.
  const configText = compactConfig(trial.config ?? {});
  if (configText !== '') parts.push(configText);

  const config = trial.config ?? {};
  const configLines = Object.entries(config).map(([k, v]) => `| ${escapeMarkdown(k)} | \`${String(v)}\` |`);
  const tooltipParts = [`**trial #${trial.id}** — ${trial.status}${isBest ? ' ★ best' : ''}`];
  if (value !== null) tooltipParts.push(`${input.metric.name} = ${formatNumber(value)}${step !== null ? ` at ${unit} ${formatNumber(step)}` : ''}`);
  if (configLines.length > 0) tooltipParts.push(['| parameter | value |', '|---|---|', ...configLines].join('\n'));
  // For pruned trials `reason` is the scheduler's decision in words; for failed ones why it failed.
  if (trial.reason) tooltipParts.push(`${trial.status === 'pruned' ? 'pruned: ' : ''}${escapeMarkdown(trial.reason)}`);
  if (trial.samplerNote) tooltipParts.push(`sampler: ${escapeMarkdown(trial.samplerNote)}`);

  const hasLog = trial.trialDir !== undefined;
  const contextValue = `rungTrial:${live ? 'live' : 'ended'}:${input.ownership}:${hasLog ? 'log' : 'nolog'}`;
  return {
    id: `trial:${input.key}:${trial.id}`,
    label: `#${trial.id}`,
    description: parts.join(' · '),
    tooltip: tooltipParts.join('\n\n'),
    icon: isBest && trial.status === 'completed' ? { id: 'star-full', color: 'charts.yellow' } : trialIcon(trial.status),
    contextValue,
  };
}

/**
 * `#17 lr=3e-4 hidden=64`, cut to `maxLength` characters with an ellipsis: the terminal name and the
 * tree label of a trial.
 */
export function trialLabel(trialId: string, config: Readonly<Record<string, string | number | boolean>>, maxLength = 40): string {
  const text = `#${trialId}${Object.keys(config).length > 0 ? ` ${compactConfig(config)}` : ''}`;
  return text.length <= maxLength ? text : `${text.slice(0, Math.max(1, maxLength - 1))}…`;
}

/** The trials of a study in tree order (by number). */
export function trialsInOrder(snapshot: StudySnapshot): TrialSnapshot[] {
  return [...snapshot.trials].sort((a, b) => a.number - b.number);
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>]/g, (c) => `\\${c}`);
}
