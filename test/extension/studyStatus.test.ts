import { describe, expect, it } from 'vitest';
import { createStudyNotifier, statusModel, type StudyNotification } from '../../src/extension/status/studyStatus';
import type { StudyViewInput } from '../../src/extension/tree/studyTreeModel';
import { SnapshotBuilder } from './snapshotBuilder';

const view = (b: SnapshotBuilder, key = 'k1'): StudyViewInput => ({
  key,
  snapshot: b.snapshot,
  ownership: 'owned',
  isRunning: true,
  metric: { name: 'val_loss', goal: 'minimize' },
  plannedTrials: 20,
});

describe('statusModel', () => {
  it('is hidden with nothing running', () => {
    expect(statusModel([])).toBeUndefined();
  });

  it('shows done/total, running and best of the first study and counts the others', () => {
    const b = new SnapshotBuilder('quadratic');
    b.launch(0, { lr: 0.1 });
    b.end(0, 'completed', 0.0703, 20);
    b.launch(1, { lr: 0.2 });
    b.launch(2, { lr: 0.3 });
    const other = new SnapshotBuilder('digits');
    const model = statusModel([view(b), view(other, 'k2')]);
    expect(model?.text).toBe('$(loading~spin) quadratic 1/20 · 2 running · best 0.0703 (+1)');
    expect(model?.key).toBe('k1');
    expect(model?.tooltip).toContain('digits: 0 of 20 trials done');
  });
});

describe('createStudyNotifier', () => {
  const setup = (notifyNewBest = false) => {
    const shown: StudyNotification[] = [];
    let now = 0;
    const notifier = createStudyNotifier({
      notifyNewBest: () => notifyNewBest,
      notifyTrialFailures: () => true,
      show: (n) => shown.push(n),
      now: () => now,
    });
    return { shown, notifier, tick: (ms: number) => (now += ms) };
  };

  it('notifies a new best only when opted in', () => {
    for (const optIn of [false, true]) {
      const { shown, notifier } = setup(optIn);
      const b = new SnapshotBuilder();
      b.launch(0, { lr: 0.1 });
      notifier.observe(view(b), b.end(0, 'completed', 0.5, 20));
      b.launch(1, { lr: 0.1 });
      notifier.observe(view(b), b.end(1, 'completed', 0.7, 20));
      const bests = shown.filter((n) => n.kind === 'newBest');
      expect(bests.map((n) => n.message)).toEqual(optIn ? ['demo: new best val_loss 0.5 from trial #0'] : []);
    }
  });

  it('notifies failures with their reason, at most 3 a minute per study, and sums up the rest at the end', () => {
    const { shown, notifier, tick } = setup();
    const b = new SnapshotBuilder();
    for (let i = 0; i < 6; i++) {
      b.launch(i, { lr: 0.1 });
      notifier.observe(view(b), b.end(i, 'failed', null, null, 'exit code 2'));
      tick(1000);
    }
    const failures = shown.filter((n) => n.kind === 'trialFailed');
    expect(failures).toHaveLength(3);
    expect(failures[0]?.message).toBe('demo: trial #0 failed: exit code 2');
    tick(60_000);
    b.launch(6, { lr: 0.1 });
    notifier.observe(view(b), b.end(6, 'failed', null, null, 'metric val_loss never reported'));
    expect(shown.filter((n) => n.kind === 'trialFailed')).toHaveLength(4);
    notifier.observe(view(b), b.endStudy('budgetExhausted'));
    const ended = shown.find((n) => n.kind === 'studyEnded');
    expect(ended?.message).toBe('Study demo finished: 0 completed, 0 pruned, 7 failed. No trial completed with a value. (3 more trial failures were not notified.)');
  });

  it('says how a study ended and its best', () => {
    const { shown, notifier } = setup();
    const b = new SnapshotBuilder();
    b.launch(0, { lr: 0.1 });
    b.end(0, 'completed', 0.25, 20);
    notifier.observe(view(b), b.endStudy('userStopped'));
    expect(shown).toEqual([
      { kind: 'studyEnded', key: 'k1', isError: false, message: 'Study demo stopped: 1 completed, 0 pruned, 0 failed. Best val_loss 0.25 (trial #0).' },
    ]);
  });
});
