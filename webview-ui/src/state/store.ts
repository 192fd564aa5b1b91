/**
 * The dashboard's state, framework-free: the study as the host last described it (header, trials by id,
 * decisions by seq, curves on demand) plus the UI's own intent (selection, table filters, axis brushes).
 * Views subscribe and re-render what changed; nothing here touches the DOM, so it is tested in Node.
 *
 * Revisions: a snapshot replaces everything; a patch applies only when its `baseRev` equals our `rev`,
 * otherwise the store reports a gap and the caller posts `study/resync`.
 */
import type {
  CellValue,
  DecisionRow,
  HostMessages,
  RungCheckView,
  StudyHeader,
  TrialCurve,
  TrialRow,
} from '../../../src/shared/dashboardProtocol';
import type { TrialId, TrialStatus } from '../../../src/shared/ids';

/** A numeric range filter (inclusive); for categorical columns `values` lists the kept values. */
export interface RangeFilter {
  readonly min?: number;
  readonly max?: number;
  readonly values?: readonly CellValue[];
}

export interface Filters {
  /** Statuses shown; empty = all. */
  readonly statuses: ReadonlySet<TrialStatus>;
  /** Free text matched against trial number, status, reason and parameter values. */
  readonly text: string;
  /** Per-column ranges from the table's filter row, by column key (`param:<name>`, `value`, ...). */
  readonly ranges: ReadonlyMap<string, RangeFilter>;
  /** Per-axis brushes from the parallel-coordinates plot, by axis key (same keys as `ranges`). */
  readonly brushes: ReadonlyMap<string, RangeFilter>;
}

/**
 * Who made a selection: the host (the trial was picked in the Rung view) or the view it was made in. A view
 * does not scroll to a selection it made itself, and the page does not echo the host's back to it.
 */
export type SelectionSource = 'host' | 'table' | 'decisions' | 'pcp' | 'curves' | 'history' | 'best';

/** What changed in one dispatch, so views redraw only what they must. */
export interface Change {
  /** 'snapshot': everything; 'patch': the listed trials/decisions; 'ui': selection/filters. */
  readonly kind: 'snapshot' | 'patch' | 'curves' | 'selection' | 'filters';
  readonly trialIds?: readonly TrialId[];
  readonly decisions?: readonly DecisionRow[];
  readonly headerChanged?: boolean;
  /** A patch brought a new early-stopping check (present only then; a snapshot always may). */
  readonly rungCheckChanged?: boolean;
  /** For 'selection': where it was made (absent when the caller did not say). */
  readonly source?: SelectionSource;
}

export type Listener = (change: Change) => void;

export class DashboardStore {
  rev: number | null = null;
  header: StudyHeader | null = null;
  /** Trials by id; `trialOrder` keeps them by number. */
  readonly trials = new Map<TrialId, TrialRow>();
  trialOrder: TrialRow[] = [];
  decisions: DecisionRow[] = [];
  /** The early-stopping check (τ per rung), null when the scheduler has none. */
  rungCheck: RungCheckView | null = null;
  readonly curves = new Map<TrialId, TrialCurve>();
  selected: TrialId | null = null;
  filters: Filters = { statuses: new Set(), text: '', ranges: new Map(), brushes: new Map() };
  readonly #listeners = new Set<Listener>();
  readonly #decisionSeqs = new Set<number>();
  /** `passes` results by row, valid for the filters object `#passFilters` (rows are immutable; a patch brings new objects). */
  #passCache = new WeakMap<TrialRow, boolean>();
  #passFilters: Filters | null = null;
  /** The filters' text needle, lower-cased once per filters object. */
  #needle = '';
  /** True when a range or brush filters on `duration`, which grows while a trial runs (so no caching for those). */
  #durationFiltered = false;
  /** Each row's lower-cased free-text haystack. */
  readonly #haystacks = new WeakMap<TrialRow, string>();

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(change: Change): void {
    for (const l of this.#listeners) l(change);
  }

  applySnapshot(s: HostMessages['study/snapshot']): void {
    this.rev = s.rev;
    this.header = s.header;
    this.trials.clear();
    for (const t of s.trials) this.trials.set(t.id, t);
    this.trialOrder = [...s.trials].sort((a, b) => a.number - b.number);
    this.decisions = [...s.decisions].sort((a, b) => a.seq - b.seq);
    this.#decisionSeqs.clear();
    for (const d of this.decisions) this.#decisionSeqs.add(d.seq);
    this.rungCheck = s.rungCheck ?? null;
    if (this.selected !== null && !this.trials.has(this.selected)) this.selected = null;
    this.#emit({ kind: 'snapshot', headerChanged: true });
  }

  /** Applies a patch; returns false (and changes nothing) on a revision gap: the caller asks for a resync. */
  applyPatch(p: HostMessages['study/patch']): boolean {
    if (this.rev === null || p.baseRev !== this.rev) return false;
    this.rev = p.rev;
    if (p.header) this.header = p.header;
    const ids: TrialId[] = [];
    const addedIds = new Set<TrialId>();
    for (const t of p.upsertTrials ?? []) {
      const old = this.trials.get(t.id);
      this.trials.set(t.id, t);
      ids.push(t.id);
      if (old) this.trialOrder[this.#indexOf(old)] = t;
      else addedIds.add(t.id);
    }
    if (addedIds.size > 0) this.#addToOrder(addedIds);
    const fresh = (p.appendDecisions ?? []).filter((d) => !this.#decisionSeqs.has(d.seq));
    for (const d of fresh) {
      this.#decisionSeqs.add(d.seq);
      this.decisions.push(d);
    }
    if (p.rungCheck !== undefined) this.rungCheck = p.rungCheck;
    this.#emit({
      kind: 'patch',
      trialIds: ids,
      decisions: fresh,
      headerChanged: p.header !== undefined,
      ...(p.rungCheck !== undefined ? { rungCheckChanged: true } : {}),
    });
    return true;
  }

  /**
   * Puts newly added trials into `trialOrder` (a new array): appended in number order when they all come
   * after the current last trial (the live case), else by sorting every trial.
   */
  #addToOrder(addedIds: ReadonlySet<TrialId>): void {
    const added = [...addedIds].map((id) => this.trials.get(id)!).sort((a, b) => a.number - b.number);
    const last = this.trialOrder[this.trialOrder.length - 1];
    if (last === undefined || added[0]!.number > last.number) this.trialOrder = this.trialOrder.concat(added);
    else this.trialOrder = [...this.trials.values()].sort((a, b) => a.number - b.number);
  }

  /** Binary search by trial number (trialOrder is sorted by number). */
  #indexOf(row: TrialRow): number {
    let lo = 0;
    let hi = this.trialOrder.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const n = this.trialOrder[mid]!.number;
      if (n === row.number) return mid;
      if (n < row.number) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  applyCurves(m: HostMessages['trial/curves']): void {
    for (const c of m.curves) this.curves.set(c.trialId, c);
    this.#emit({ kind: 'curves', trialIds: m.curves.map((c) => c.trialId) });
  }

  select(id: TrialId | null, source?: SelectionSource): void {
    if (this.selected === id) return;
    this.selected = id;
    this.#emit({ kind: 'selection', trialIds: id === null ? [] : [id], ...(source !== undefined ? { source } : {}) });
  }

  setFilters(update: Partial<Filters>): void {
    this.filters = { ...this.filters, ...update };
    this.#emit({ kind: 'filters' });
  }

  /**
   * Sets or clears (undefined) the named range filters, in one change: the table's filter row sets one, the
   * decisions' rung pick sets the rung and bracket together.
   */
  setRanges(update: Readonly<Record<string, RangeFilter | undefined>>): void {
    const ranges = new Map(this.filters.ranges);
    for (const [key, range] of Object.entries(update)) {
      if (range) ranges.set(key, range);
      else ranges.delete(key);
    }
    this.setFilters({ ranges });
  }

  /** Sets or clears (undefined) one axis brush. */
  setBrush(key: string, range: RangeFilter | undefined): void {
    const brushes = new Map(this.filters.brushes);
    if (range) brushes.set(key, range);
    else brushes.delete(key);
    this.setFilters({ brushes });
  }

  /**
   * True when the trial passes the status, text, range and brush filters. Memoised per row for the current
   * filters object (a new one on every setFilters/setBrush); a running trial under a duration filter is
   * always re-checked, since its duration grows.
   */
  passes(t: TrialRow): boolean {
    const f = this.filters;
    if (f !== this.#passFilters) {
      this.#passFilters = f;
      this.#passCache = new WeakMap();
      this.#needle = f.text.toLowerCase();
      this.#durationFiltered = f.ranges.has('duration') || f.brushes.has('duration');
    }
    const cached = this.#passCache.get(t);
    if (cached !== undefined) return cached;
    const result = this.#check(t, f);
    if (!(this.#durationFiltered && t.runningSince !== null)) this.#passCache.set(t, result);
    return result;
  }

  #check(t: TrialRow, f: Filters): boolean {
    if (f.statuses.size > 0 && !f.statuses.has(t.status)) return false;
    for (const [key, r] of f.ranges) if (!inRange(columnValue(t, key), r)) return false;
    for (const [key, r] of f.brushes) if (!inRange(columnValue(t, key), r)) return false;
    if (f.text && !this.#haystack(t).includes(this.#needle)) return false;
    return true;
  }

  /** The row's free text (number, status, reason, `name=value` per parameter), lower-cased; cached per row. */
  #haystack(t: TrialRow): string {
    let hay = this.#haystacks.get(t);
    if (hay === undefined) {
      hay = [String(t.number), t.status, t.reason ?? '', ...Object.entries(t.params).map(([k, v]) => `${k}=${String(v)}`)]
        .join(' ')
        .toLowerCase();
      this.#haystacks.set(t, hay);
    }
    return hay;
  }

  /** The trials passing every filter, in trial-number order. */
  visibleTrials(): TrialRow[] {
    return this.trialOrder.filter((t) => this.passes(t));
  }
}

/**
 * A trial's value in a column, by column key: `param:<name>` for parameters, otherwise a TrialRow field
 * (`value`, `bestValue`, `step`, `number`, `rung`, ...) or `duration`. Undefined when missing (inactive parameter).
 */
export function columnValue(t: TrialRow, key: string): CellValue | null | undefined {
  if (key.startsWith('param:')) return t.params[key.slice(6)];
  if (key === 'duration') return durationMs(t);
  const v = (t as unknown as Record<string, unknown>)[key];
  return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v === null ? v : undefined;
}

/**
 * How long the trial's command has run in ms, summed over its launches (to now for the launch under way);
 * undefined before its first launch. Time paused at a rung does not count.
 */
export function durationMs(t: TrialRow, now = Date.now()): number | undefined {
  if (t.startedAt === null) return undefined;
  return t.runMs + (t.runningSince !== null ? Math.max(0, now - t.runningSince) : 0);
}

function inRange(v: CellValue | null | undefined, r: RangeFilter): boolean {
  if (r.values) return v !== undefined && v !== null && r.values.includes(v);
  if (typeof v !== 'number') return false;
  if (r.min !== undefined && v < r.min) return false;
  if (r.max !== undefined && v > r.max) return false;
  return true;
}
