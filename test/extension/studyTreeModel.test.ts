import { describe, expect, it } from 'vitest';
import {
  isLiveStatus,
  studyItem,
  studyProgress,
  studyRowState,
  trialIcon,
  trialItem,
  trialLabel,
  trialsInOrder,
  type StudyViewInput,
} from '../../src/extension/tree/studyTreeModel';
import { compactConfig, compactValue } from '../../src/extension/util/format';
import { SnapshotBuilder } from './snapshotBuilder';

function input(b: SnapshotBuilder, extra: Partial<StudyViewInput> = {}): StudyViewInput {
  return {
    key: '/w/.rung::demo',
    snapshot: b.snapshot,
    ownership: 'owned',
    isRunning: true,
    metric: { name: 'val_loss', goal: 'minimize' },
    plannedTrials: 10,
    maxBudget: 20,
    ...extra,
  };
}

describe('compact names', () => {
  it('writes parameter values short enough for a terminal tab', () => {
    expect(compactValue(0.0003)).toBe('3e-4');
    expect(compactValue(0.000312)).toBe('3.12e-4');
    expect(compactValue(0.0123456)).toBe('0.0123');
    expect(compactValue(64)).toBe('64');
    expect(compactValue(2.5e7)).toBe('2.5e7');
    expect(compactValue('adam')).toBe('adam');
    expect(compactValue(true)).toBe('true');
    expect(compactConfig({ lr: 0.0003, hidden: 64 })).toBe('lr=3e-4 hidden=64');
  });

  it('names a trial like "#17 lr=3e-4 hidden=64" and cuts long names with an ellipsis', () => {
    expect(trialLabel('17', { lr: 0.0003, hidden: 64 })).toBe('#17 lr=3e-4 hidden=64');
    const long = trialLabel('3', { learning_rate: 0.0003, hidden_units: 512, optimizer: 'adam', weight_decay: 0.00001 }, 30);
    expect(long).toHaveLength(30);
    expect(long.endsWith('…')).toBe(true);
    expect(trialLabel('0', {})).toBe('#0');
  });
});

describe('trial rows', () => {
  it('uses the status codicons, a spinner while running', () => {
    expect(trialIcon('running').id).toBe('loading~spin');
    expect(trialIcon('completed').id).toBe('pass');
    expect(trialIcon('pruned').id).toBe('filter');
    expect(trialIcon('failed').id).toBe('error');
    expect(trialIcon('paused').id).toBe('debug-pause');
    expect(trialIcon('stopped').id).toBe('circle-slash');
    expect(trialIcon('queued').id).toBe('clock');
    expect(isLiveStatus('stopping')).toBe(true);
    expect(isLiveStatus('paused')).toBe(false);
  });

  it('shows the latest value and the budget reached while running', () => {
    const b = new SnapshotBuilder();
    b.launch(0, { lr: 0.0003, hidden: 64 });
    b.report(0, 1, 0.9);
    b.report(0, 9, 0.41234);
    const item = trialItem(input(b), b.snapshot.trials[0]!);
    expect(item.label).toBe('#0');
    expect(item.description).toBe('0.41234 · epoch 9/20 · lr=3e-4 hidden=64');
    expect(item.icon.id).toBe('loading~spin');
    expect(item.contextValue).toBe('rungTrial:live:owned:log');
    expect(item.tooltip).toContain('| lr | `0.0003` |');
  });

  it('puts the scheduler\'s reason in a pruned trial\'s tooltip and marks the best trial', () => {
    const b = new SnapshotBuilder();
    b.launch(0, { lr: 0.01 });
    b.report(0, 20, 0.2);
    b.end(0, 'completed', 0.2, 20);
    b.launch(1, { lr: 0.5 });
    b.report(1, 3, 0.9);
    const reason = 'trial 1 stopped at rung 1 (epoch 3): val_loss 0.9 > cutoff 0.3, rank 2 of 2';
    b.end(1, 'pruned', 0.9, 3, reason);
    const view = input(b, { isRunning: false });
    const best = trialItem(view, b.snapshot.trials[0]!);
    expect(best.description).toBe('0.2 · epoch 20/20 · ★ best · lr=0.01');
    expect(best.icon.id).toBe('star-full');
    expect(best.contextValue).toBe('rungTrial:ended:owned:log');
    const pruned = trialItem(view, b.snapshot.trials[1]!);
    expect(pruned.description).toBe('0.9 · epoch 3/20 · pruned · lr=0.5');
    expect(pruned.tooltip).toContain('pruned: trial 1 stopped at rung 1 \\(epoch 3\\): val\\_loss 0.9 \\> cutoff 0.3, rank 2 of 2');
  });

  it('keeps trials in number order', () => {
    const b = new SnapshotBuilder();
    b.launch(1, { lr: 0.1 });
    b.launch(0, { lr: 0.2 });
    expect(trialsInOrder(b.snapshot).map((t) => t.id)).toEqual(['0', '1']);
  });
});

describe('study rows', () => {
  it('summarises progress, running trials and the best value', () => {
    const b = new SnapshotBuilder();
    b.launch(0, { lr: 0.01 });
    b.end(0, 'completed', 0.0703, 20);
    b.launch(1, { lr: 0.1 });
    b.launch(2, { lr: 0.2 });
    b.end(2, 'failed', null, null, 'exit code 1');
    const item = studyItem(input(b));
    expect(item.label).toBe('demo');
    expect(item.description).toBe('2/10 · 1 running · best val_loss 0.0703 (#0)');
    expect(item.icon.id).toBe('loading~spin');
    expect(item.contextValue).toBe('rungStudy:running:owned:best');
    expect(studyProgress(b.snapshot, 10)).toEqual({ done: 2, running: 1, failed: 1, total: 3, planned: 10 });
  });

  it('tells a CLI-run study and a crashed one apart', () => {
    const b = new SnapshotBuilder();
    b.launch(0, { lr: 0.01 });
    const observed = studyItem(input(b, { ownership: 'observed', runnerPid: 777 }));
    expect(observed.description).toContain('CLI pid 777');
    expect(observed.contextValue).toBe('rungStudy:running:observed');
    // The log says running but nobody holds the lock: the process died.
    const crashed = input(b, { ownership: 'observed', isRunning: false });
    expect(studyRowState(crashed)).toBe('crashed');
    expect(studyItem(crashed).contextValue).toBe('rungStudy:idle:observed');
    expect(studyItem(crashed).icon.id).toBe('error');
  });

  it('shows finished and stopped studies with their own icons and context values', () => {
    const finished = new SnapshotBuilder();
    finished.endStudy('budgetExhausted');
    expect(studyItem(input(finished, { isRunning: false })).contextValue).toBe('rungStudy:finished:owned');
    const stopped = new SnapshotBuilder();
    stopped.endStudy('userStopped');
    const item = studyItem(input(stopped, { isRunning: false }));
    expect(item.contextValue).toBe('rungStudy:idle:owned');
    expect(item.icon.id).toBe('circle-slash');
    expect(item.description).toContain('stopped');
  });
});
