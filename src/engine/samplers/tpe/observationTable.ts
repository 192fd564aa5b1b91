/**
 * The TPE sampler's memory (Bergstra et al. 2011): the latest observation of each trial, kept sorted two ways
 * and updated per `tell` (binary search + splice), so an `ask` reads the good/bad split off the front of the
 * ranking instead of re-sorting the history (the per-ask cost problem of Optuna #2172).
 *
 * Ranking (best first), Optuna's convention for single-objective TPE:
 * 1. completed trials with a loss, by loss ascending;
 * 2. pruned trials, by the budget they reached descending, then loss ascending (a missing loss last);
 * 3. failed trials (status `failed`, or no loss although completed), which never enter the good group.
 * Ties go to the lower trial number, so the ranking does not depend on the order of the tells.
 * A trial told again (promotion mode: a later rung, or a pruned trial's final tell) replaces its earlier entry.
 */
import type { Config } from '../../space/searchSpace';
import type { Observation } from '../sampler';

/** One trial's latest observation, with its encoded row. */
export interface TableEntry {
  /** The trial. */
  readonly trialId: string;
  /** Its number (orders the weights: older observations may weigh less). */
  readonly trialNumber: number;
  /** 0 completed, 1 pruned, 2 failed. */
  readonly tier: 0 | 1 | 2;
  /** Budget of the observation (ranks pruned trials). */
  readonly budget: number;
  /** Loss; +Infinity when missing. */
  readonly loss: number;
  /** The config as told. */
  readonly config: Config;
  /** Dimension values per parameter in space order (NaN = inactive); see paramModel.ts. */
  readonly row: Float64Array;
  /** Scratch mark used by `ask` to flag the good group; not part of the ranking. */
  mark: number;
}

/** Ranking order of the file comment: negative when `a` ranks before (is better than) `b`. */
export function compareRank(a: TableEntry, b: TableEntry): number {
  if (a.tier !== b.tier) return a.tier - b.tier;
  if (a.tier === 1 && a.budget !== b.budget) return b.budget - a.budget;
  if (a.tier !== 2 && a.loss !== b.loss) return a.loss < b.loss ? -1 : 1;
  return compareNumber(a, b);
}

function compareNumber(a: TableEntry, b: TableEntry): number {
  if (a.trialNumber !== b.trialNumber) return a.trialNumber - b.trialNumber;
  return a.trialId < b.trialId ? -1 : a.trialId > b.trialId ? 1 : 0;
}

/** The tier of an observation. */
export function tierOf(observation: Observation): 0 | 1 | 2 {
  const hasLoss = observation.loss !== null && Number.isFinite(observation.loss);
  if (observation.status === 'failed') return 2;
  if (observation.status === 'pruned') return 1;
  return hasLoss ? 0 : 2;
}

/** Latest observation per trial, ranked and in trial-number order. */
export interface ObservationTable {
  /** Entries best first (see the file comment). */
  readonly ranked: readonly TableEntry[];
  /** Entries by trial number (then trial id). */
  readonly byNumber: readonly TableEntry[];
  /** Number of entries that are not failed (completed or pruned). */
  readonly rankable: number;
  /** Inserts an entry, replacing the earlier entry of the same trial. */
  upsert(entry: TableEntry): void;
}

/** First index in `list` whose element does not come before `entry` under `compare`. */
function lowerBound(list: readonly TableEntry[], entry: TableEntry, compare: (a: TableEntry, b: TableEntry) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const other = list[mid];
    if (other !== undefined && compare(other, entry) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function removeFrom(list: TableEntry[], entry: TableEntry, compare: (a: TableEntry, b: TableEntry) => number): void {
  for (let i = lowerBound(list, entry, compare); i < list.length; i++) {
    if (list[i] === entry) {
      list.splice(i, 1);
      return;
    }
  }
}

/** An empty table. */
export function createObservationTable(): ObservationTable {
  const ranked: TableEntry[] = [];
  const byNumber: TableEntry[] = [];
  const byId = new Map<string, TableEntry>();
  let rankable = 0;
  return {
    ranked,
    byNumber,
    get rankable() {
      return rankable;
    },
    upsert(entry) {
      const old = byId.get(entry.trialId);
      if (old !== undefined) {
        removeFrom(ranked, old, compareRank);
        removeFrom(byNumber, old, compareNumber);
        if (old.tier !== 2) rankable--;
      }
      byId.set(entry.trialId, entry);
      ranked.splice(lowerBound(ranked, entry, compareRank), 0, entry);
      byNumber.splice(lowerBound(byNumber, entry, compareNumber), 0, entry);
      if (entry.tier !== 2) rankable++;
    },
  };
}
