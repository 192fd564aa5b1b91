/**
 * The dashboard publisher on a fake clock, driven by real study events (hand-written ones through the
 * engine's projection, and a whole simulated ASHA study through the real StudyRegistry), with the
 * messages it posts recorded and replayed into a reducer that behaves like the webview's store.
 */
import { describe, expect, it } from 'vitest';
import { Emitter, type SequencedEvent } from '../../src/engine/index';
import { runSimulatedStudy } from '../../src/engine/runner/simulated';
import { rungReliability } from '../../src/engine/schedulers/rungReliability';
import { parseStudySpec } from '../../src/engine/spec/parseStudySpec';
import { MAX_TRACKED_CURVES, PATCH_INTERVAL_MS, DashboardPublisher, type StudySource } from '../../src/extension/dashboard/publisher';
import { StudyRegistry, type LiveStudyEvent, type StudyEntry } from '../../src/extension/studies/studyRegistry';
import { DASHBOARD_PROTOCOL_VERSION, type DecisionRow, type HostEnvelope, type HostMessages, type RungCheckView, type StudyHeader, type TrialRow } from '../../src/shared/dashboardProtocol';
import { FakeTimers } from './fakeTimers';
import { loadCurveFamily, startSimulatedStudy } from '../helpers/simulatedStudy';
import { tempDir, writeSpec } from '../helpers/studyFixture';
import { SnapshotBuilder } from './snapshotBuilder';

const demoSpec = (() => {
  const parsed = parseStudySpec(
    ['name: demo', 'command: node t.mjs {args}', 'metric: {name: val_loss, goal: minimize}', 'parameters:', '  lr: {type: float, low: 0.001, high: 1}', 'scheduler: {type: asha, max_budget: 9}'].join('\n'),
    '/root/demo.rung.yaml',
  );
  if (!parsed.ok) throw new Error('bad spec');
  return parsed.value;
})();

/** A study source over a SnapshotBuilder: every applied event is announced like the registry does. */
class BuiltStudy implements StudySource {
  readonly builder = new SnapshotBuilder();
  readonly live = new Emitter<LiveStudyEvent>();
  readonly changed = new Emitter<string>();
  entry: StudyEntry = { key: 'root::demo', root: '/root', name: 'demo', ownership: 'owned', snapshot: this.builder.snapshot, spec: demoSpec, isRunning: true };
  get(key: string): StudyEntry | undefined {
    return key === this.entry.key ? this.entry : undefined;
  }
  get onLiveEvent(): Emitter<LiveStudyEvent> {
    return this.live;
  }
  get onDidChangeStudy(): Emitter<string> {
    return this.changed;
  }
  /** Runs a builder step and announces the events it applied. */
  step(apply: (b: SnapshotBuilder) => void): void {
    const applied: SequencedEvent[] = [];
    const original = this.builder.apply.bind(this.builder);
    this.builder.apply = (event) => {
      const e = original(event);
      applied.push(e);
      return e;
    };
    try {
      apply(this.builder);
    } finally {
      this.builder.apply = original;
    }
    for (const event of applied) {
      this.changed.emit(this.entry.key);
      this.live.emit({ entry: this.entry, event });
    }
  }
}

/** What the webview's store does with snapshots and patches (gap → resync), reduced to the data. */
class PageModel {
  rev: number | null = null;
  header: StudyHeader | undefined;
  rungCheck: RungCheckView | null = null;
  readonly trials = new Map<string, TrialRow>();
  readonly decisions = new Map<number, DecisionRow>();
  gaps = 0;
  apply(message: HostEnvelope): void {
    if (message.type === 'study/snapshot') {
      this.rev = message.payload.rev;
      this.header = message.payload.header;
      this.rungCheck = message.payload.rungCheck ?? null;
      this.trials.clear();
      for (const t of message.payload.trials) this.trials.set(t.id, t);
      this.decisions.clear();
      for (const d of message.payload.decisions) this.decisions.set(d.seq, d);
    } else if (message.type === 'study/patch') {
      if (message.payload.baseRev !== this.rev) {
        this.gaps++;
        return;
      }
      this.rev = message.payload.rev;
      if (message.payload.header) this.header = message.payload.header;
      if (message.payload.rungCheck !== undefined) this.rungCheck = message.payload.rungCheck;
      for (const t of message.payload.upsertTrials ?? []) this.trials.set(t.id, t);
      for (const d of message.payload.appendDecisions ?? []) {
        expect(this.decisions.has(d.seq)).toBe(false);
        this.decisions.set(d.seq, d);
      }
    }
  }
}

function setup(study: StudySource & { entry?: StudyEntry }, key = 'root::demo', reliability?: typeof rungReliability) {
  const timers = new FakeTimers();
  const posted: HostEnvelope[] = [];
  const publisher = new DashboardPublisher({ source: study, key, post: (m) => posted.push(m), timers, ...(reliability ? { rungReliability: reliability } : {}) });
  const of = <K extends keyof HostMessages>(type: K): Array<HostMessages[K]> =>
    posted.filter((m) => m.type === type).map((m) => m.payload as HostMessages[K]);
  return { timers, posted, publisher, of };
}

const ready = { type: 'webview/ready', payload: { protocol: DASHBOARD_PROTOCOL_VERSION, haveRev: null } } as const;

describe('DashboardPublisher', () => {
  it('sends nothing before ready, a snapshot on ready, then one patch per interval with only what changed', () => {
    const study = new BuiltStudy();
    study.step((b) => {
      b.launch(0, { lr: 0.1 });
      b.launch(1, { lr: 0.2 });
    });
    const { timers, posted, publisher, of } = setup(study);
    study.step((b) => b.report(0, 1, 0.9));
    timers.advance(1000);
    expect(posted).toEqual([]);

    expect(publisher.receive(ready)).toBe(true);
    const [snapshot] = of('study/snapshot');
    expect(snapshot?.rev).toBe(1);
    expect(snapshot?.trials.map((t) => [t.id, t.value])).toEqual([
      ['0', 0.9],
      ['1', null],
    ]);

    // Changes are batched: one patch at the end of the interval that the first change started.
    study.step((b) => b.report(1, 1, 0.8));
    timers.advance(PATCH_INTERVAL_MS);
    expect(of('study/patch')).toHaveLength(1);
    for (let step = 2; step <= 6; step++) study.step((b) => b.report(0, step, 1 / step));
    timers.advance(PATCH_INTERVAL_MS - 1);
    expect(of('study/patch')).toHaveLength(1);
    timers.advance(1);
    const patches = of('study/patch');
    expect(patches).toHaveLength(2);
    expect(patches.map((p) => [p.baseRev, p.rev])).toEqual([
      [1, 2],
      [2, 3],
    ]);
    expect(patches[0]?.upsertTrials?.map((t) => [t.id, t.value])).toEqual([['1', 0.8]]);
    expect(patches[1]?.upsertTrials?.map((t) => [t.id, t.reports, t.value])).toEqual([['0', 6, 1 / 6]]);
    // The header follows the spend (steps) and counts.
    expect(patches[0]?.header?.totalSteps).toBe(2);
    expect(patches[1]?.header?.totalSteps).toBe(7);
    expect(timers.pending).toBe(0);

    // Nothing new, nothing sent.
    timers.advance(10_000);
    expect(of('study/patch')).toHaveLength(2);
  });

  it('appends each decision once, with its log seq, and a snapshot carries all of them', () => {
    const study = new BuiltStudy();
    const { timers, publisher, of } = setup(study);
    publisher.receive(ready);
    study.step((b) => {
      b.launch(0, { lr: 0.1 }, 9);
      b.report(0, 1, 2.0);
      b.apply({ type: 'trial.decided', at: 9, trialId: '0', decision: { kind: 'stop', evidence: { rule: 'rung', rung: 0, resource: 1, loss: 2, cutoff: 1, rank: 2, cohort: 2 } } });
      b.end(0, 'pruned', 2, 1);
    });
    timers.advance(PATCH_INTERVAL_MS);
    const appended = of('study/patch').flatMap((p) => p.appendDecisions ?? []);
    expect(appended).toHaveLength(1);
    expect(appended[0]?.seq).toBe(study.builder.snapshot.decisionLog[0]?.seq);
    expect(appended[0]?.text).toBe('trial 0 stopped at rung 0 (epoch 1): val_loss 2 > cutoff 1, rank 2 of 2');
    const row = of('study/patch').flatMap((p) => p.upsertTrials ?? []).at(-1);
    expect(row).toMatchObject({ id: '0', status: 'pruned', reason: appended[0]?.text, prunedAtStep: 1 });

    publisher.receive({ type: 'study/resync', payload: { haveRev: 0 } });
    const snapshots = of('study/snapshot');
    expect(snapshots).toHaveLength(2);
    expect(snapshots[1]?.decisions.map((d) => d.seq)).toEqual([appended[0]?.seq]);
    expect(snapshots[1]?.rev).toBeGreaterThan(snapshots[0]!.rev);
  });

  it('drops patches while hidden and sends a fresh snapshot when shown again', () => {
    const study = new BuiltStudy();
    const { timers, posted, publisher, of } = setup(study);
    publisher.receive(ready);
    study.step((b) => b.launch(0, { lr: 0.1 }));
    study.step((b) => b.report(0, 1, 0.5));
    publisher.setVisible(false);
    const sentBeforeHide = posted.length;
    study.step((b) => b.report(0, 2, 0.4));
    study.step((b) => b.launch(1, { lr: 0.3 }));
    timers.advance(5000);
    expect(posted.length).toBe(sentBeforeHide);

    publisher.setVisible(true);
    const last = posted.at(-1);
    expect(last?.type).toBe('study/snapshot');
    if (last?.type !== 'study/snapshot') return;
    expect(last.payload.trials.map((t) => [t.id, t.reports])).toEqual([
      ['0', 2],
      ['1', 0],
    ]);
    // Patches continue from the snapshot's revision.
    study.step((b) => b.report(1, 1, 0.2));
    timers.advance(PATCH_INTERVAL_MS);
    expect(of('study/patch').at(-1)?.baseRev).toBe(last.payload.rev);
  });

  it('answers curve requests and re-sends the curves of requested trials when they change', () => {
    const study = new BuiltStudy();
    const { timers, publisher, of } = setup(study);
    study.step((b) => {
      b.launch(0, { lr: 0.1 });
      b.launch(1, { lr: 0.2 });
      b.report(0, 1, 0.5);
    });
    publisher.receive(ready);
    publisher.receive({ type: 'trial/requestCurves', payload: { trialIds: ['0', '42'] } });
    expect(of('trial/curves')).toEqual([{ curves: [{ trialId: '0', points: [[1, 0.5]] }] }]);

    timers.advance(1000);
    study.step((b) => b.report(1, 1, 0.7));
    expect(of('trial/curves')).toHaveLength(1);
    study.step((b) => b.report(0, 2, 0.25));
    timers.advance(PATCH_INTERVAL_MS);
    expect(of('trial/curves').at(-1)).toEqual({ curves: [{ trialId: '0', points: [[1, 0.5], [2, 0.25]] }] });

    // Only the most recently requested trials stay tracked.
    for (let i = 0; i < MAX_TRACKED_CURVES; i++) publisher.receive({ type: 'trial/requestCurves', payload: { trialIds: [String(1000 + i)] } });
    const before = of('trial/curves').length;
    timers.advance(1000);
    study.step((b) => b.report(0, 3, 0.2));
    timers.advance(PATCH_INTERVAL_MS);
    expect(of('trial/curves')).toHaveLength(before);
  });

  it('selects a trial after the snapshot when asked before the page is ready', () => {
    const study = new BuiltStudy();
    study.step((b) => b.launch(0, { lr: 0.1 }));
    const { posted, publisher } = setup(study);
    publisher.select('0');
    expect(posted).toEqual([]);
    publisher.receive(ready);
    expect(posted.map((m) => m.type)).toEqual(['study/snapshot', 'trial/select']);
    publisher.select('0');
    expect(posted.map((m) => m.type)).toEqual(['study/snapshot', 'trial/select', 'trial/select']);
  });

  it('sends a snapshot when the study was re-read (a new snapshot object), and an error when it is gone', () => {
    const study = new BuiltStudy();
    const { timers, posted, publisher, of } = setup(study);
    publisher.receive(ready);
    const replacement = new SnapshotBuilder();
    replacement.launch(5, { lr: 0.5 });
    study.entry = { ...study.entry, snapshot: replacement.snapshot, isRunning: false };
    study.changed.emit(study.entry.key);
    timers.advance(PATCH_INTERVAL_MS);
    expect(of('study/snapshot').at(-1)?.trials.map((t) => t.id)).toEqual(['5']);

    const other = setup(study, 'root::gone');
    other.publisher.receive(ready);
    expect(other.posted.map((m) => m.type)).toEqual(['host/error']);
    expect(posted.every((m) => m.type !== 'host/error')).toBe(true);
  });

  it('reports a protocol mismatch', () => {
    const study = new BuiltStudy();
    const { posted, publisher } = setup(study);
    publisher.receive({ type: 'webview/ready', payload: { protocol: 99, haveRev: null } });
    expect(posted.map((m) => m.type)).toEqual(['host/error', 'study/snapshot']);
  });

  it('computes the early-stopping check only when the trials that ran to the end change, and sends it only then', () => {
    const study = new BuiltStudy();
    let calls = 0;
    const counted: typeof rungReliability = (...args) => {
      calls++;
      return rungReliability(...args);
    };
    // Eight trials; the one leading at epoch 1 ends last (curves that cross), the order at epoch 3 is final.
    study.step((b) => {
      for (let i = 0; i < 8; i++) {
        b.launch(i, { lr: 0.001 * (i + 1) }, 9);
        b.report(i, 1, 1 - i * 0.1);
        b.report(i, 3, 0.5 + i * 0.05);
      }
      for (let i = 0; i < 5; i++) {
        b.report(i, 9, 0.2 + i * 0.01);
        b.end(i, 'completed', 0.2 + i * 0.01, 9);
      }
    });
    const { timers, publisher, of } = setup(study, 'root::demo', counted);
    publisher.receive(ready);
    expect(calls).toBe(1);
    const first = of('study/snapshot')[0]?.rungCheck;
    expect(first).toMatchObject({ maxBudget: 9, hint: null });
    expect(first?.rungs.map((r) => [r.budget, r.tau, r.n])).toEqual([
      [1, -1, 5],
      [3, 1, 5],
    ]);

    // Running trials report for many patches: no recomputation, no check in the patches.
    for (let step = 4; step <= 8; step++) {
      study.step((b) => {
        for (let i = 5; i < 8; i++) b.report(i, step, 0.5 - step * 0.01 + i * 0.01);
      });
      timers.advance(PATCH_INTERVAL_MS);
    }
    // A trial that fails is not one that ran to the end either.
    study.step((b) => b.end(7, 'failed', null, null, 'exit code 1'));
    timers.advance(PATCH_INTERVAL_MS);
    expect(of('study/patch')).toHaveLength(6);
    expect(of('study/patch').every((p) => p.rungCheck === undefined)).toBe(true);
    expect(calls).toBe(1);

    // The sixth trial completes: computed again, sent once; the first rung is now weak, with the CLI's hint.
    study.step((b) => {
      b.report(5, 9, 0.25);
      b.end(5, 'completed', 0.25, 9);
    });
    timers.advance(PATCH_INTERVAL_MS);
    expect(calls).toBe(2);
    const changed = of('study/patch').at(-1)?.rungCheck;
    expect(changed?.rungs.map((r) => [r.budget, r.n, r.note])).toEqual([
      [1, 6, 'ranks trials poorly: it may stop the eventual best'],
      [3, 6, null],
    ]);
    expect(changed?.hint).toBe('learning curves seem to cross early; a later first rung (min_budget: 3) or scheduler hyperband would stop fewer eventual winners');

    // Later patches, a resync and a hide/show snapshot reuse it.
    study.step((b) => b.report(6, 9, 0.3));
    timers.advance(PATCH_INTERVAL_MS);
    expect(of('study/patch').at(-1)?.rungCheck).toBeUndefined();
    publisher.receive({ type: 'study/resync', payload: { haveRev: 0 } });
    publisher.setVisible(false);
    publisher.setVisible(true);
    expect(of('study/snapshot').map((s) => s.rungCheck)).toEqual([first, changed, changed]);
    expect(calls).toBe(2);
    publisher.dispose();
  });

  it('keeps a page exactly in step with a whole simulated ASHA study run through the registry', async () => {
    const dir = tempDir('rung-dash-pub-');
    const text = [
      'name: live',
      'command: sim --epochs {budget} {args}',
      'metric: {name: val_loss, goal: minimize}',
      'parameters:',
      '  lr: {type: float, low: 1.0e-4, high: 1.0, log: true}',
      '  width: {type: int, low: 16, high: 512, log: true}',
      'scheduler: {type: asha, min_budget: 1, max_budget: 9, eta: 3}',
      'trials: 30',
      'parallel: 3',
      'seed: 4',
    ].join('\n');
    const written = writeSpec(dir, 'live', text);
    const study = startSimulatedStudy(dir, written, { curve: loadCurveFamily('crossing').curve, epochSeconds: 1 });
    const registry = new StudyRegistry({ roots: () => [] });
    const entry = registry.addRunner(study.storeRoot, study.runner, written.spec);
    const timers = new FakeTimers();
    const page = new PageModel();
    let posts = 0;
    const publisher = new DashboardPublisher({
      source: registry,
      key: entry.key,
      post: (m) => {
        posts++;
        page.apply(m);
      },
      timers,
    });
    publisher.receive(ready);
    // The clock moves every few events, so the run produces many patches, not one.
    let events = 0;
    registry.onLiveEvent.on(() => {
      if (++events % 7 === 0) timers.advance(PATCH_INTERVAL_MS);
    });
    await runSimulatedStudy(study.runner, study.launcher, study.clock);
    await study.runner.done;
    timers.advance(PATCH_INTERVAL_MS);

    expect(page.gaps).toBe(0);
    expect(posts).toBeGreaterThan(20);
    expect(posts).toBeLessThan(events);
    // What the page holds equals a fresh snapshot of the finished study.
    const fresh = new PageModel();
    const check = new DashboardPublisher({ source: registry, key: entry.key, post: (m) => fresh.apply(m), timers: new FakeTimers() });
    check.receive(ready);
    expect([...page.trials.values()].sort((a, b) => a.number - b.number)).toEqual([...fresh.trials.values()]);
    expect([...page.decisions.keys()]).toEqual([...fresh.decisions.keys()]);
    expect(page.decisions.size).toBeGreaterThan(0);
    expect(page.header).toEqual(fresh.header);
    // The early-stopping check followed the trials that completed (crossing curves: the first rung may be weak).
    expect(page.rungCheck).toEqual(fresh.rungCheck);
    expect(page.rungCheck?.rungs.map((r) => r.budget)).toEqual([1, 3]);
    expect(page.rungCheck?.rungs[0]?.n).toBe([...page.trials.values()].filter((t) => t.status === 'completed' && t.step === 9).length);
    expect(page.header?.live).toBe(false);
    expect(page.header?.state).toBe('finished');
    publisher.dispose();
    check.dispose();
    registry.dispose();
  });
});
