/**
 * Dashboard rows from real projections: a simulated ASHA / Hyperband study run through the real runner
 * (virtual clock), checked against its own event log, and hand-written event sequences for the edge
 * cases (conditional parameters, values of running vs ended trials, maximize, failures).
 */
import { describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import { StudyProjection, type StudyEvent } from '../../src/engine/index';
import { runSimulatedStudy } from '../../src/engine/runner/simulated';
import type { StudySpec } from '../../src/engine/spec/studySpec';
import { parseStudySpec } from '../../src/engine/spec/parseStudySpec';
import { rungReliability, WEAK_RUNG_NOTE } from '../../src/engine/schedulers/rungReliability';
import {
  decisionRows,
  RungCheckCache,
  rungCheckView,
  studyHeader,
  studyViewContext,
  trialRow,
  trialRows,
  type StudyViewSource,
} from '../../src/extension/dashboard/toViews';
import { loadCurveFamily, startSimulatedStudy } from '../helpers/simulatedStudy';
import { tempDir, writeSpec } from '../helpers/studyFixture';
import { crossingCurves, SnapshotBuilder } from './snapshotBuilder';

const crossing = loadCurveFamily('crossing');

function studyText(name: string, lines: readonly string[], goal = 'minimize'): string {
  return [
    `name: ${name}`,
    'command: sim --epochs {budget} {args}',
    `metric: {name: val_loss, goal: ${goal}}`,
    'parameters:',
    '  lr: {type: float, low: 1.0e-4, high: 1.0, log: true}',
    '  width: {type: int, low: 16, high: 512, log: true}',
    ...lines,
  ].join('\n');
}

async function runSimulated(name: string, scheduler: string, trials: number): Promise<StudyViewSource & { events: ReturnType<typeof startSimulatedStudy>['events'] }> {
  const dir = tempDir('rung-dash-');
  const written = writeSpec(dir, name, studyText(name, [`scheduler: ${scheduler}`, `trials: ${trials}`, 'parallel: 4', 'seed: 3']));
  const study = startSimulatedStudy(dir, written, { curve: crossing.curve, epochSeconds: 1 });
  const { snapshot } = await runSimulatedStudy(study.runner, study.launcher, study.clock);
  return { snapshot, spec: written.spec, live: false, owned: true, events: study.events };
}

function specOf(text: string): StudySpec {
  const parsed = parseStudySpec(text, '/work/project/demo.rung.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  return parsed.value;
}

describe('dashboard rows from a simulated ASHA study', () => {
  it('explains every pruned trial with the decision text and its rung, and lists decisions with log seqs', async () => {
    const source = await runSimulated('ashaDash', '{type: asha, min_budget: 1, max_budget: 27, eta: 3}', 40);
    const context = studyViewContext(source);
    expect(context.plan).toEqual({ scheduler: 'asha', mode: 'stopping', brackets: [{ bracket: 0, rungs: [1, 3, 9, 27] }] });

    const rows = trialRows(source, context);
    expect(rows).toHaveLength(40);
    const pruned = rows.filter((r) => r.status === 'pruned');
    expect(pruned.length).toBeGreaterThan(5);
    for (const row of pruned) {
      expect(row.reason).toMatch(new RegExp(`^trial ${row.id} stopped at rung \\d \\(epoch \\d+\\): val_loss \\S+ > cutoff`));
      // The rung in the text is the rung the row says it reached, and the prune mark is that rung's budget.
      const rung = Number(/rung (\d)/.exec(row.reason ?? '')?.[1]);
      expect(row.rung).toBe(rung);
      expect(row.prunedAtStep).toBe([1, 3, 9, 27][rung]);
      expect(row.canStop).toBe(false);
    }
    for (const row of rows.filter((r) => r.status === 'completed')) {
      expect(row.reason).toBeNull();
      expect(row.rung).toBe(3);
      expect(row.step).toBe(27);
      expect(row.bestValue).not.toBeNull();
      expect(row.bestValue!).toBeLessThanOrEqual(row.value!);
      expect(Object.keys(row.params).sort()).toEqual(['lr', 'width']);
    }

    // Decisions: one row per trial.decided event, carrying that event's seq, in log order.
    const decided = source.events.filter((e) => e.event.type === 'trial.decided');
    const decisions = decisionRows(source, context);
    expect(decisions.map((d) => d.seq)).toEqual(decided.map((e) => e.seq));
    expect(decisions.map((d) => d.trialId)).toEqual(decided.map((e) => (e.event.type === 'trial.decided' ? e.event.trialId : '')));
    for (const d of decisions.filter((x) => x.rule === 'rung')) {
      // Minimize: a stopped trial's value is worse (greater) than the cutoff, shown as the text says.
      expect(d.value!).toBeGreaterThan(d.threshold!);
      expect(d.text).toContain(`val_loss ${String(Number(d.value!.toPrecision(4)))}`);
      expect(d.rank!).toBeLessThanOrEqual(d.cohort!);
    }
    // Only the tail from an index (what a patch appends).
    expect(decisionRows(source, context, decisions.length - 2).map((d) => d.seq)).toEqual(decisions.slice(-2).map((d) => d.seq));

    const header = studyHeader(source, context);
    expect(header.counts).toEqual({ completed: rows.filter((r) => r.status === 'completed').length, pruned: pruned.length });
    expect(header.trialCount).toBe(40);
    expect(header.maxTrials).toBe(40);
    expect(header.stepUnit).toBe('epoch');
    expect(header.best?.trialId).toBe(source.snapshot.best?.trialId);
    expect(header.totalSteps).toBe(rows.reduce((sum, r) => sum + (r.step ?? 0), 0));
    expect(header.params.map((p) => [p.name, p.kind, p.log])).toEqual([
      ['lr', 'float', true],
      ['width', 'int', true],
    ]);
    // The whole thing is JSON-safe (postMessage clones it; NaN would silently become null).
    expect(JSON.parse(JSON.stringify({ rows, decisions, header }))).toEqual({ rows, decisions, header });
  });

  it('numbers rungs by the ladder in Hyperband brackets that start higher up', async () => {
    const source = await runSimulated('hbDash', '{type: hyperband, min_budget: 1, max_budget: 9, eta: 3}', 40);
    const context = studyViewContext(source);
    expect(context.plan.brackets.map((b) => b.rungs)).toEqual([
      [1, 3, 9],
      [3, 9],
      [9],
    ]);
    const rows = trialRows(source, context);
    const laterBracket = rows.filter((r) => r.bracket === 1 && r.status === 'completed');
    expect(laterBracket.length).toBeGreaterThan(0);
    // Bracket 1's first rung (budget 3) is ladder rung 1; a completed trial reached budget 9 = rung 2.
    for (const row of laterBracket) expect(row.rung).toBe(2);
    for (const row of rows.filter((r) => r.status === 'pruned')) {
      expect(row.reason).toContain(`stopped at rung ${row.rung} `);
    }
  });
});

describe('dashboard rows from hand-written events', () => {
  const conditionalSpec = specOf(
    [
      'name: demo',
      'command: node train.mjs {args} --epochs {budget}',
      'metric: {name: accuracy, goal: maximize}',
      'parameters:',
      '  optimizer: {type: categorical, choices: [sgd, momentum]}',
      '  momentum: {type: float, low: 0.5, high: 0.99, when: {optimizer: momentum}}',
      'scheduler: {type: fifo, max_budget: 20}',
      'trials: 5',
    ].join('\n'),
  );

  it('shows a running trial by its last value, an ended one by its recorded value, in the user direction', () => {
    const b = new SnapshotBuilder('demo', 'accuracy', 'maximize');
    b.launch(0, { optimizer: 'sgd' });
    b.apply({ type: 'trial.reported', at: 1, trialId: '0', step: 1, values: { accuracy: 0.5 } });
    b.apply({ type: 'trial.reported', at: 2, trialId: '0', step: 2, values: { accuracy: 0.7 } });
    b.apply({ type: 'trial.reported', at: 3, trialId: '0', step: 3, values: { accuracy: 0.6 } });
    b.launch(1, { optimizer: 'momentum', momentum: 0.9 });
    b.apply({ type: 'trial.reported', at: 4, trialId: '1', step: 1, values: { accuracy: 'NaN' } });

    const live: StudyViewSource = { snapshot: b.snapshot, spec: conditionalSpec, live: true, owned: true };
    const context = studyViewContext(live);
    expect(context.plan).toEqual({ scheduler: 'fifo', mode: 'stopping', brackets: [{ bracket: 0, rungs: [] }] });
    expect(context.params).toEqual([
      { name: 'optimizer', kind: 'categorical', log: false, choices: ['sgd', 'momentum'], conditional: false },
      { name: 'momentum', kind: 'float', log: false, low: 0.5, high: 0.99, conditional: true },
    ]);
    const [t0, t1] = trialRows(live, context);
    expect(t0).toMatchObject({ status: 'running', value: 0.6, step: 3, bestValue: 0.7, reports: 3, rung: null, canStop: true, reason: null });
    // The inactive conditional parameter is absent, not null.
    expect(t0!.params).toEqual({ optimizer: 'sgd' });
    expect(t1).toMatchObject({ value: null, bestValue: null, reports: 1, params: { optimizer: 'momentum', momentum: 0.9 } });

    b.end(0, 'completed', 0.7, 2);
    b.end(1, 'failed', null, null, 'exit code 2');
    const ended = trialRows({ ...live, live: false }, context);
    expect(ended[0]).toMatchObject({ status: 'completed', value: 0.7, step: 2, canStop: false });
    expect(ended[1]).toMatchObject({ status: 'failed', value: null, reason: 'exit code 2' });
    // A study watched from the CLI: its trials cannot be stopped from here.
    b.launch(2, { optimizer: 'sgd' });
    expect(trialRow({ ...live, owned: false }, context, b.snapshot.trials[2]!).canStop).toBe(false);
  });

  it('converts evidence to the user direction for a maximized metric and keeps promotions', () => {
    const b = new SnapshotBuilder('demo', 'accuracy', 'maximize');
    b.launch(0, { optimizer: 'sgd' }, 3);
    b.apply({ type: 'trial.reported', at: 5, trialId: '0', step: 3, values: { accuracy: 0.4 } });
    b.apply({
      type: 'trial.decided',
      at: 6,
      trialId: '0',
      decision: { kind: 'stop', evidence: { rule: 'rung', rung: 1, resource: 3, loss: -0.4, cutoff: -0.55, rank: 3, cohort: 3, peers: ['1', '2'] } },
    });
    b.launch(1, { optimizer: 'sgd' }, 1);
    b.apply({
      type: 'trial.decided',
      at: 7,
      trialId: '1',
      decision: { kind: 'promote', rung: 1, budget: 3, evidence: { rung: 0, loss: -0.8, rank: 1, cohort: 3, cutoff: -0.6 } },
    });
    b.end(0, 'pruned', 0.4, 3);
    const ashaSpec = specOf(
      ['name: demo', 'command: node t.mjs {budget}', 'metric: {name: accuracy, goal: maximize}', 'parameters:', '  optimizer: {type: categorical, choices: [sgd]}', 'scheduler: {type: asha, min_budget: 1, max_budget: 9, eta: 3, mode: promotion}'].join('\n'),
    );
    const source: StudyViewSource = { snapshot: b.snapshot, spec: ashaSpec, live: true, owned: true };
    const context = studyViewContext(source);
    const [stop, promote] = decisionRows(source, context);
    expect(stop).toMatchObject({ kind: 'stop', rule: 'rung', rung: 1, step: 3, value: 0.4, threshold: 0.55, rank: 3, cohort: 3, peers: ['1', '2'], at: 6 });
    expect(stop!.text).toBe('trial 0 stopped at rung 1 (step 3): accuracy 0.4 < cutoff 0.55, rank 3 of 3');
    expect(promote).toMatchObject({ kind: 'promote', rule: 'promote', rung: 0, step: 1, value: 0.8, threshold: 0.6, rank: 1, cohort: 3 });
    expect(stop!.seq).toBeLessThan(promote!.seq);
    const pruned = trialRows(source, context, ['0'])[0]!;
    expect(pruned).toMatchObject({ status: 'pruned', reason: stop!.text, prunedAtStep: 3, rung: 1 });
  });

  it('without a study file, reads the columns from the configs', () => {
    const b = new SnapshotBuilder();
    b.launch(0, { lr: 0.1, layers: 2, act: 'relu' });
    b.launch(1, { lr: 0.01, layers: 3, act: 'tanh', dropout: 0.5 });
    const source: StudyViewSource = { snapshot: b.snapshot, live: false, owned: false };
    const context = studyViewContext(source);
    expect(context.params.map((p) => [p.name, p.kind, p.conditional])).toEqual([
      ['lr', 'float', false],
      ['layers', 'int', false],
      ['act', 'categorical', false],
      ['dropout', 'float', true],
    ]);
    expect(studyHeader(source, context)).toMatchObject({ metric: 'value', goal: 'minimize', plan: { scheduler: 'unknown', brackets: [] } });
  });
});

describe('dashboard rows at scale', () => {
  it('builds the snapshot rows of 10,000 trials × 50 reports', () => {
    const projection = new StudyProjection('big', 'val_loss', 'minimize');
    let seq = 0;
    const apply = (event: StudyEvent): void => projection.apply({ seq: ++seq, event });
    apply({ type: 'study.created', v: 1, at: 0, study: 'big', spec: { source: {} }, seed: 1 });
    for (let i = 0; i < 10_000; i++) {
      const trialId = String(i);
      apply({ type: 'trial.planned', at: i, trialId, number: i, plan: { bracket: 0, budget: 50 } });
      apply({ type: 'trial.asked', at: i, trialId, config: { lr: 10 ** -(i % 5), width: 16 + (i % 100) } });
      for (let step = 1; step <= 50; step++) apply({ type: 'trial.reported', at: i, trialId, step, values: { val_loss: 1 / step + (i % 7) / 10 } });
      if (i % 3 === 0) {
        apply({ type: 'trial.decided', at: i, trialId, decision: { kind: 'stop', evidence: { rule: 'rung', rung: 1, resource: 3, loss: 1, cutoff: 0.5, rank: 3, cohort: 4 } } });
      }
    }
    const spec = specOf(
      ['name: big', 'command: x {args}', 'metric: {name: val_loss, goal: minimize}', 'parameters:', '  lr: {type: float, low: 1.0e-5, high: 1, log: true}', '  width: {type: int, low: 16, high: 128}', 'scheduler: {type: asha, max_budget: 50}'].join('\n'),
    );
    const source: StudyViewSource = { snapshot: projection.snapshot, spec, live: true, owned: true };
    const t0 = performance.now();
    const context = studyViewContext(source);
    const rows = trialRows(source, context);
    const decisions = decisionRows(source, context);
    const header = studyHeader(source, context);
    const ms = performance.now() - t0;
    expect(rows).toHaveLength(10_000);
    expect(decisions).toHaveLength(3334);
    expect(header.totalSteps).toBe(500_000);
    // Reported, not asserted (timings belong in benchmarks): about 150 ms on an idle 2-core machine.
    console.log(`dashboard snapshot rows: 10,000 trials × 50 reports + ${decisions.length} decisions in ${ms.toFixed(0)} ms`);
  });
});

describe('the early-stopping check (rung show\'s τ per rung)', () => {
  const ashaSpec = specOf(
    ['name: demo', 'command: node t.mjs {budget}', 'metric: {name: val_loss, goal: minimize}', 'parameters:', '  lr: {type: float, low: 0.001, high: 1}', 'scheduler: {type: asha, min_budget: 1, max_budget: 9, eta: 3}'].join('\n'),
  );

  it('flags a first rung that ranks trials in reverse and suggests the next one, in the CLI\'s words', () => {
    const b = crossingCurves(8, 8);
    const source: StudyViewSource = { snapshot: b.snapshot, spec: ashaSpec, live: false, owned: true };
    const context = studyViewContext(source);
    expect(context.ladder).toEqual([1, 3, 9]);
    expect(context.maxBudget).toBe(9);
    const check = rungCheckView(source, context);
    expect(check).toEqual({
      maxBudget: 9,
      rungs: [
        { rung: 0, budget: 1, tau: -1, n: 8, note: WEAK_RUNG_NOTE },
        { rung: 1, budget: 3, tau: 1, n: 8, note: null },
      ],
      hint: 'learning curves seem to cross early; a later first rung (min_budget: 3) or scheduler hyperband would stop fewer eventual winners',
    });
    // JSON-safe (no NaN), as postMessage needs.
    expect(JSON.parse(JSON.stringify(check))).toEqual(check);
  });

  it('says nothing is weak with fewer than 6 finished trials, and has no τ below 2', () => {
    const five = crossingCurves(8, 5);
    const source: StudyViewSource = { snapshot: five.snapshot, spec: ashaSpec, live: true, owned: true };
    const check = rungCheckView(source, studyViewContext(source));
    expect(check?.rungs.map((r) => [r.budget, r.tau, r.n, r.note])).toEqual([
      [1, -1, 5, null],
      [3, 1, 5, null],
    ]);
    expect(check?.hint).toBeNull();

    const one = crossingCurves(3, 1);
    const early: StudyViewSource = { snapshot: one.snapshot, spec: ashaSpec, live: true, owned: true };
    expect(rungCheckView(early, studyViewContext(early))?.rungs.map((r) => [r.tau, r.n])).toEqual([
      [null, 1],
      [null, 1],
    ]);
  });

  it('is null for schedulers without rungs and without a study file', () => {
    const b = crossingCurves(8, 8);
    const fifo = specOf(['name: demo', 'command: x {args}', 'metric: {name: val_loss, goal: minimize}', 'parameters:', '  lr: {type: float, low: 0.001, high: 1}', 'scheduler: {type: fifo, max_budget: 9}'].join('\n'));
    const median = specOf(['name: demo', 'command: x {args}', 'metric: {name: val_loss, goal: minimize}', 'parameters:', '  lr: {type: float, low: 0.001, high: 1}', 'scheduler: {type: median, max_budget: 9}'].join('\n'));
    for (const spec of [fifo, median, undefined]) {
      const source: StudyViewSource = { snapshot: b.snapshot, ...(spec ? { spec } : {}), live: false, owned: true };
      expect(rungCheckView(source, studyViewContext(source))).toBeNull();
    }
  });

  it('is computed again only when the completed trials (or their reports) changed', () => {
    const b = crossingCurves(8, 6);
    let calls = 0;
    const counted: typeof rungReliability = (...args) => {
      calls++;
      return rungReliability(...args);
    };
    const cache = new RungCheckCache(counted);
    const source = (): StudyViewSource => ({ snapshot: b.snapshot, spec: ashaSpec, live: true, owned: true });
    const context = studyViewContext(source());
    const first = cache.get(source(), context);
    expect(first?.rungs[0]?.n).toBe(6);
    expect(calls).toBe(1);
    // Running trials report, a new trial starts: the same object back, nothing computed.
    b.report(6, 4, 0.4);
    b.report(7, 4, 0.45);
    b.launch(8, { lr: 0.5 }, 9);
    b.report(8, 1, 0.9);
    expect(cache.get(source(), context)).toBe(first);
    expect(calls).toBe(1);
    // A trial completes: computed again, over 7 trials.
    b.report(6, 9, 0.26);
    b.end(6, 'completed', 0.26, 9);
    const second = cache.get(source(), context);
    expect(second?.rungs[0]?.n).toBe(7);
    expect(calls).toBe(2);
    expect(cache.get(source(), context)).toBe(second);
    // A late report of a completed trial is a change too, and so is a trial that stops being completed.
    b.report(6, 10, 0.25);
    cache.get(source(), context);
    expect(calls).toBe(3);
    b.apply({ type: 'trial.launched', at: 1, trialId: '6', argv: ['x'], cwd: '/', trialDir: '/t/6', budget: 9, resume: true, external: { kind: 'pid', pid: 9 } });
    expect(cache.get(source(), context)?.rungs[0]?.n).toBe(6);
    expect(calls).toBe(4);
    // A new context (the study file changed) starts over; one without rungs computes nothing.
    cache.get(source(), studyViewContext(source()));
    expect(calls).toBe(5);
    const noFile: StudyViewSource = { snapshot: b.snapshot, live: true, owned: true };
    expect(cache.get(noFile, studyViewContext(noFile))).toBeNull();
    expect(calls).toBe(5);
    expect(cache.computations).toBe(5);
  });

  it('answers from the cache at 10,000 trials without computing again (both timings reported)', () => {
    const b = new SnapshotBuilder();
    for (let i = 0; i < 10_000; i++) {
      b.launch(i, { lr: 0.001 }, 9);
      for (const step of [1, 3, 9]) b.report(i, step, Math.sin(i * (step + 1)) + step);
      if (i % 3 === 0) b.end(i, 'completed', Math.sin(i * 10) + 9, 9);
    }
    const source: StudyViewSource = { snapshot: b.snapshot, spec: ashaSpec, live: true, owned: true };
    const context = studyViewContext(source);
    const cache = new RungCheckCache();
    let t0 = performance.now();
    const check = cache.get(source, context);
    const computeMs = performance.now() - t0;
    expect(check?.rungs.map((r) => r.n)).toEqual([3334, 3334]);
    t0 = performance.now();
    for (let i = 0; i < 100; i++) cache.get(source, context);
    const cachedMs = (performance.now() - t0) / 100;
    expect(cache.computations).toBe(1);
    // Reported, not asserted (timings belong in benchmarks).
    console.log(`early-stopping check at 10,000 trials (3,334 finished): computed in ${computeMs.toFixed(0)} ms, from the cache in ${cachedMs.toFixed(2)} ms`);
  });
});
