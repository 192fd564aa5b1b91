/** The webview's store in Node: snapshots, revisioned patches, decision dedup, filters and selection. */
import { describe, expect, it } from 'vitest';
import type { DecisionRow, RungCheckView, TrialRow } from '../../src/shared/dashboardProtocol';
import { columnValue, DashboardStore, durationMs, type Change } from '../../webview-ui/src/state/store';
import { generateStudy } from '../fixtures/views/generatedStudy';

const study = generateStudy({ trials: 200, reports: 30, running: 4, seed: 7 });

function loaded(): { store: DashboardStore; changes: Change[] } {
  const store = new DashboardStore();
  const changes: Change[] = [];
  store.subscribe((c) => changes.push(c));
  store.applySnapshot({ rev: 3, header: study.header, trials: study.trials, decisions: study.decisions });
  changes.length = 0;
  return { store, changes };
}

const row = (id: string, store: DashboardStore): TrialRow => store.trials.get(id)!;

describe('snapshot', () => {
  it('replaces everything: trials by id and in number order, decisions by seq, header and revision', () => {
    const { store } = loaded();
    // A second, smaller snapshot (shuffled) replaces the first entirely.
    const small = generateStudy({ trials: 5, reports: 10, seed: 2 });
    const shuffled = [small.trials[3]!, small.trials[0]!, small.trials[4]!, small.trials[1]!, small.trials[2]!];
    const decisions = [...small.decisions].reverse();
    store.applySnapshot({ rev: 10, header: small.header, trials: shuffled, decisions });
    expect(store.rev).toBe(10);
    expect(store.header).toBe(small.header);
    expect(store.trials.size).toBe(5);
    expect(store.trialOrder.map((t) => t.number)).toEqual([0, 1, 2, 3, 4]);
    expect(store.decisions.map((d) => d.seq)).toEqual(small.decisions.map((d) => d.seq).sort((a, b) => a - b));
  });

  it('clears a selection whose trial is not in the new snapshot and keeps one that is', () => {
    const { store } = loaded();
    store.select('150');
    const few = study.trials.slice(0, 100);
    store.applySnapshot({ rev: 4, header: study.header, trials: few, decisions: [] });
    expect(store.selected).toBeNull();
    store.select('42');
    store.applySnapshot({ rev: 5, header: study.header, trials: few, decisions: [] });
    expect(store.selected).toBe('42');
  });
});

describe('patch', () => {
  it('applies on the right base revision: replaces rows in place, adds new trials in order, reports what changed', () => {
    const { store, changes } = loaded();
    const changed: TrialRow = { ...row('10', store), status: 'completed', value: 0.01, step: 30 };
    const added: TrialRow = { ...row('199', store), id: '200', number: 200, status: 'running', value: null };
    const header = { ...study.header, trialCount: 201 };
    expect(store.applyPatch({ rev: 4, baseRev: 3, header, upsertTrials: [changed, added] })).toBe(true);
    expect(store.rev).toBe(4);
    expect(store.header).toBe(header);
    expect(row('10', store)).toBe(changed);
    expect(store.trialOrder[10]).toBe(changed);
    expect(store.trialOrder.at(-1)).toBe(added);
    expect(store.trialOrder.length).toBe(201);
    expect(changes).toEqual([{ kind: 'patch', trialIds: ['10', '200'], decisions: [], headerChanged: true }]);
  });

  it('detects a revision gap: returns false and changes nothing', () => {
    const { store, changes } = loaded();
    const before = { rev: store.rev, header: store.header, order: [...store.trialOrder], decisions: store.decisions.length };
    const changed: TrialRow = { ...row('10', store), value: 123 };
    const decision: DecisionRow = { ...study.decisions[0]!, seq: 99_999 };
    expect(store.applyPatch({ rev: 6, baseRev: 5, upsertTrials: [changed], appendDecisions: [decision] })).toBe(false);
    expect(store.rev).toBe(before.rev);
    expect(store.header).toBe(before.header);
    expect(store.trialOrder).toEqual(before.order);
    expect(row('10', store).value).not.toBe(123);
    expect(store.decisions.length).toBe(before.decisions);
    expect(changes).toEqual([]);
    // Before any snapshot every patch is a gap.
    expect(new DashboardStore().applyPatch({ rev: 1, baseRev: 0 })).toBe(false);
  });

  it('dedups decisions by seq (a decision already in the snapshot or in an earlier patch is not added twice)', () => {
    const { store, changes } = loaded();
    const known = study.decisions[0]!;
    const fresh: DecisionRow = { ...known, seq: 50_000, text: 'new' };
    expect(store.applyPatch({ rev: 4, baseRev: 3, appendDecisions: [known, fresh] })).toBe(true);
    expect(store.applyPatch({ rev: 5, baseRev: 4, appendDecisions: [fresh] })).toBe(true);
    expect(store.decisions.length).toBe(study.decisions.length + 1);
    expect(store.decisions.filter((d) => d.seq === 50_000)).toHaveLength(1);
    expect(changes.map((c) => c.decisions?.map((d) => d.seq))).toEqual([[50_000], []]);
  });

  it('keeps number order when new trials come out of order or before the last one', () => {
    const { store } = loaded();
    const make = (n: number): TrialRow => ({ ...row('199', store), id: String(n), number: n });
    expect(store.applyPatch({ rev: 4, baseRev: 3, upsertTrials: [make(202), make(200), make(201)] })).toBe(true);
    expect(store.trialOrder.slice(-3).map((t) => t.number)).toEqual([200, 201, 202]);
    const gap = row('150', store);
    store.trials.delete('150');
    store.trialOrder = store.trialOrder.filter((t) => t !== gap);
    expect(store.applyPatch({ rev: 5, baseRev: 4, upsertTrials: [make(203), gap] })).toBe(true);
    expect(store.trialOrder.map((t) => t.number)).toEqual(Array.from({ length: 204 }, (_, i) => i));
  });
});

describe('early-stopping check', () => {
  const check: RungCheckView = {
    maxBudget: 30,
    rungs: [
      { rung: 0, budget: 3, tau: -0.2, n: 8, note: 'ranks trials poorly: it may stop the eventual best' },
      { rung: 1, budget: 10, tau: 0.6, n: 8, note: null },
    ],
    hint: 'learning curves seem to cross early; a later first rung (min_budget: 10) or scheduler hyperband would stop fewer eventual winners',
  };

  it('comes with a snapshot (none when absent) and is replaced or cleared only by a patch that carries it', () => {
    const { store, changes } = loaded();
    expect(store.rungCheck).toBeNull();
    store.applySnapshot({ rev: 4, header: study.header, trials: study.trials, decisions: study.decisions, rungCheck: check });
    expect(store.rungCheck).toBe(check);
    changes.length = 0;
    expect(store.applyPatch({ rev: 5, baseRev: 4, upsertTrials: [row('3', store)] })).toBe(true);
    expect(store.rungCheck).toBe(check);
    expect(changes.at(-1)?.rungCheckChanged).toBeUndefined();
    const next = { ...check, hint: null };
    expect(store.applyPatch({ rev: 6, baseRev: 5, rungCheck: next })).toBe(true);
    expect(store.rungCheck).toBe(next);
    expect(changes.at(-1)).toMatchObject({ kind: 'patch', rungCheckChanged: true });
    expect(store.applyPatch({ rev: 7, baseRev: 6, rungCheck: null })).toBe(true);
    expect(store.rungCheck).toBeNull();
    // A patch on the wrong base changes nothing.
    expect(store.applyPatch({ rev: 9, baseRev: 8, rungCheck: check })).toBe(false);
    expect(store.rungCheck).toBeNull();
  });
});

describe('filters', () => {
  it('re-evaluates after every filter change and for patched rows', () => {
    const { store } = loaded();
    const t = row('10', store);
    store.setFilters({ text: `${t.number}` });
    expect(store.passes(t)).toBe(true);
    store.setFilters({ text: 'no-such-text' });
    expect(store.passes(t)).toBe(false);
    const patched: TrialRow = { ...t, reason: 'No-Such-Text here' };
    expect(store.applyPatch({ rev: 4, baseRev: 3, upsertTrials: [patched] })).toBe(true);
    expect(store.passes(patched)).toBe(true);
    expect(store.passes(t)).toBe(false);
    store.setBrush('value', { min: Infinity });
    expect(store.passes(patched)).toBe(false);
    store.setBrush('value', undefined);
    expect(store.passes(patched)).toBe(true);
  });

  it('by status (several at once; none = all)', () => {
    const { store, changes } = loaded();
    store.setFilters({ statuses: new Set(['running', 'failed']) });
    const visible = store.visibleTrials();
    expect(visible.length).toBe(study.trials.filter((t) => t.status === 'running' || t.status === 'failed').length);
    expect(visible.length).toBeGreaterThan(0);
    expect(visible.every((t) => t.status === 'running' || t.status === 'failed')).toBe(true);
    expect(changes.at(-1)).toEqual({ kind: 'filters' });
    store.setFilters({ statuses: new Set() });
    expect(store.visibleTrials().length).toBe(200);
  });

  it('by free text over number, status, reason and param=value, case-insensitively', () => {
    const { store } = loaded();
    store.setFilters({ text: 'OPTIMIZER=SGD' });
    const sgd = store.visibleTrials();
    expect(sgd.length).toBe(study.trials.filter((t) => t.params.optimizer === 'sgd').length);
    store.setFilters({ text: 'exited with code' });
    const failed = study.trials.filter((t) => t.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(store.visibleTrials()).toEqual(failed);
    store.setFilters({ text: 'no such thing' });
    expect(store.visibleTrials()).toEqual([]);
  });

  it('by numeric range (inclusive) and categorical values; a missing conditional parameter fails a range', () => {
    const { store } = loaded();
    store.setFilters({ ranges: new Map([['param:layers', { min: 3, max: 5 }]]) });
    const mid = store.visibleTrials();
    expect(mid.length).toBe(study.trials.filter((t) => (t.params.layers as number) >= 3 && (t.params.layers as number) <= 5).length);
    expect(mid.some((t) => t.params.layers === 3) && mid.some((t) => t.params.layers === 5)).toBe(true);

    // momentum exists only for sgd: any range on it keeps sgd trials only, even an unbounded one.
    store.setFilters({ ranges: new Map([['param:momentum', { min: 0 }]]) });
    const withMomentum = store.visibleTrials();
    expect(withMomentum.length).toBe(study.trials.filter((t) => t.params.optimizer === 'sgd').length);
    expect(withMomentum.every((t) => t.params.momentum !== undefined)).toBe(true);

    store.setFilters({ ranges: new Map([['param:optimizer', { values: ['adam', 'rmsprop'] }]]) });
    expect(store.visibleTrials().every((t) => t.params.optimizer !== 'sgd')).toBe(true);

    // A null value (a trial that has reported nothing) fails a value range too.
    const t = { ...study.trials[0]!, value: null };
    store.setFilters({ ranges: new Map([['value', { max: 100 }]]) });
    expect(store.passes(t)).toBe(false);
    expect(store.passes(study.trials[0]!)).toBe(true);
  });

  it('sets and clears several ranges in one change, keeping the others (setRanges)', () => {
    const { store, changes } = loaded();
    store.setRanges({ 'param:layers': { min: 3 } });
    const layers = store.filters.ranges;
    store.setRanges({ rung: { min: 1, max: 1 }, bracket: { min: 0, max: 0 } });
    expect(changes.map((c) => c.kind)).toEqual(['filters', 'filters']);
    expect([...store.filters.ranges.keys()]).toEqual(['param:layers', 'rung', 'bracket']);
    expect(layers.has('rung')).toBe(false); // a new map each time: views compare filters objects
    store.setRanges({ rung: undefined, bracket: undefined });
    expect([...store.filters.ranges]).toEqual([['param:layers', { min: 3 }]]);
  });

  it('combines brushes from the parallel coordinates with the table filters', () => {
    const { store } = loaded();
    store.setBrush('value', { max: 0.5 });
    store.setFilters({ statuses: new Set(['completed']) });
    const expected = study.trials.filter((t) => t.status === 'completed' && t.value !== null && t.value <= 0.5);
    expect(store.visibleTrials().map((t) => t.id)).toEqual(expected.map((t) => t.id));
    expect(expected.length).toBeGreaterThan(0);
    store.setBrush('value', undefined);
    expect(store.filters.brushes.size).toBe(0);
    expect(store.visibleTrials().length).toBe(study.trials.filter((t) => t.status === 'completed').length);
  });
});

describe('selection', () => {
  it('emits once per change, says where it was made, and is cleared when its trial vanishes from a snapshot', () => {
    const { store, changes } = loaded();
    store.select('7');
    store.select('7');
    expect(changes).toEqual([{ kind: 'selection', trialIds: ['7'] }]);
    // Where a selection was made travels with it (views do not scroll to their own; the page does not echo the host's).
    store.select('8', 'table');
    expect(changes.at(-1)).toEqual({ kind: 'selection', trialIds: ['8'], source: 'table' });
    store.applySnapshot({ rev: 9, header: study.header, trials: study.trials.filter((t) => t.id !== '8'), decisions: [] });
    expect(store.selected).toBeNull();
  });
});

describe('columnValue', () => {
  it('reads parameters, row fields and the duration; undefined for an inactive parameter', () => {
    const t = study.trials.find((x) => x.params.optimizer === 'adam')!;
    expect(columnValue(t, 'param:optimizer')).toBe('adam');
    expect(columnValue(t, 'param:momentum')).toBeUndefined();
    expect(columnValue(t, 'value')).toBe(t.value);
    expect(columnValue(t, 'params')).toBeUndefined();
    expect(columnValue(t, 'duration')).toBe(t.endedAt! - t.startedAt!);
    // Relaunched (promoted) 10 s after it first started, having run 2 s before: 2 s + the 5 s since then,
    // not the 15 s since its first start.
    const running = { ...t, endedAt: null, runMs: 2000, runningSince: t.startedAt! + 10_000 };
    expect(durationMs(running, t.startedAt! + 15_000)).toBe(7000);
    expect(durationMs({ ...t, startedAt: null })).toBeUndefined();
  });
});
