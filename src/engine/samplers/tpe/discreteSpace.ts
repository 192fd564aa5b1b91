/**
 * Book-keeping for TPE on fully discrete spaces (every parameter categorical, int or stepped): a canonical
 * key per config, the number of distinct configs (conditions make it a tree: a child only multiplies the
 * branches where it is active), and enumeration of small spaces. The TPE sampler (Bergstra et al. 2011)
 * uses them never to propose a config twice and to answer `exhausted` once every config has been tried.
 */
import { isActive } from '../../space/searchSpace';
import type { ParamValue, SearchSpace } from '../../space/searchSpace';
import type { ParamModel } from './paramModel';

/** Canonical key of a row of dimension values (NaN = inactive): domain indices joined, '-' for inactive. */
export function rowKey(models: readonly ParamModel[], row: Float64Array): string {
  let key = '';
  for (let p = 0; p < models.length; p++) {
    const x = row[p] ?? Number.NaN;
    if (p > 0) key += ',';
    key += Number.isNaN(x) ? '-' : String(models[p]?.indexOf(x) ?? '-');
  }
  return key;
}

/** For each position i, the parents named by the `when` of any parameter at i or later. */
function parentsReferencedFrom(space: SearchSpace, models: readonly ParamModel[]): string[][] {
  const out: string[][] = [];
  const refs = new Set<string>();
  for (let i = models.length - 1; i >= 0; i--) {
    const when = space.params.get(models[i]?.name ?? '')?.when;
    if (when) for (const parent of Object.keys(when)) refs.add(parent);
    out[i] = [...refs].sort();
  }
  return out;
}

/**
 * Number of distinct configs of a discrete space (Infinity when some parameter is continuous or the count
 * exceeds 2^53). Parameters that later conditions depend on must be categorical (the space model's rule).
 */
export function countDiscreteConfigs(space: SearchSpace, models: readonly ParamModel[]): number {
  if (models.some((m) => !Number.isFinite(m.domainSize))) return Infinity;
  const refs = parentsReferencedFrom(space, models);
  const memo = new Map<string, number>();
  const partial: Record<string, ParamValue> = {};
  const count = (i: number): number => {
    const model = models[i];
    if (model === undefined) return 1;
    const key = `${i}|${JSON.stringify((refs[i] ?? []).map((r) => (Object.hasOwn(partial, r) ? partial[r] : null)))}`;
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    let total: number;
    if (!isActive(space, model.name, partial)) total = count(i + 1);
    else if (!(refs[i + 1] ?? []).includes(model.name)) total = model.domainSize * count(i + 1);
    else {
      total = 0;
      for (let k = 0; k < model.domainSize; k++) {
        partial[model.name] = model.decode(model.atIndex(k));
        total += count(i + 1);
      }
      delete partial[model.name];
    }
    memo.set(key, total);
    return total;
  };
  const total = count(0);
  return total > Number.MAX_SAFE_INTEGER ? Infinity : total;
}

/**
 * Calls `visit` with the row of dimension values (NaN = inactive) of every config of a discrete space, in
 * odometer order (last parameter fastest). The row is reused between calls: copy it to keep it.
 */
export function forEachDiscreteConfig(space: SearchSpace, models: readonly ParamModel[], visit: (row: Float64Array) => void): void {
  const row = new Float64Array(models.length).fill(Number.NaN);
  const partial: Record<string, ParamValue> = {};
  const walk = (i: number): void => {
    const model = models[i];
    if (model === undefined) {
      visit(row);
      return;
    }
    if (!isActive(space, model.name, partial)) {
      row[i] = Number.NaN;
      walk(i + 1);
      return;
    }
    for (let k = 0; k < model.domainSize; k++) {
      const x = model.atIndex(k);
      row[i] = x;
      partial[model.name] = model.decode(x);
      walk(i + 1);
    }
    delete partial[model.name];
    row[i] = Number.NaN;
  };
  walk(0);
}
