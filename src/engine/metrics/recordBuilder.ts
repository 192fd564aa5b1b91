/**
 * Collects the metrics of one line and picks its step; shared by the key=value, JSON and tagged formats
 * so that every format caps, de-duplicates and chooses the step the same way.
 */
import type { MetricRecord } from './metricParser';

/** At most this many metrics are read from one line; a line with more is almost surely not a metric line. */
export const MAX_VALUES_PER_LINE = 1024;

/** Longer keys are skipped: a metric name is a short identifier, and this bounds the record's size. */
export const MAX_KEY_LENGTH = 256;

/** Priority of the keys a step is taken from; case-insensitive, first entry wins. */
export const STEP_KEYS: readonly string[] = ['epoch', 'step', 'iteration', 'iter'];

const NO_STEP = STEP_KEYS.length + 1;

/**
 * The rank of `key` in {@link STEP_KEYS} (0 = `epoch`), or -1. Checked on every key of every line, so
 * it compares by length and char code instead of lower-casing.
 */
export function stepKeyRank(key: string): number {
  const first = key.charCodeAt(0) | 0x20; // most keys are ruled out by length and first letter
  switch (key.length) {
    case 4:
      if (first === 0x73) return equalsIgnoreCase(key, 'step') ? 1 : -1;
      return first === 0x69 && equalsIgnoreCase(key, 'iter') ? 3 : -1;
    case 5:
      return first === 0x65 && equalsIgnoreCase(key, 'epoch') ? 0 : -1;
    case 9:
      return first === 0x69 && equalsIgnoreCase(key, 'iteration') ? 2 : -1;
    default:
      return -1;
  }
}

/** `lower` is all lower-case ASCII letters, so `c | 0x20` matches exactly its two cases. */
function equalsIgnoreCase(key: string, lower: string): boolean {
  for (let k = 0; k < lower.length; k++) {
    if ((key.charCodeAt(k) | 0x20) !== lower.charCodeAt(k)) return false;
  }
  return true;
}

/** Mutable accumulator for one line; `build()` freezes nothing, the record type is read-only already. */
export class RecordBuilder {
  // A plain object: twice as fast to fill as a null-prototype one (which V8 keeps in dictionary mode).
  // Readers use `Object.hasOwn` (see `metricValue`) so inherited names like `constructor` never leak in.
  private readonly values: Record<string, number> = {};
  private count = 0;
  private stepRank = NO_STEP;
  private step = 0;

  /**
   * @param exactStepKey a key (matched exactly) that outranks {@link STEP_KEYS}; the tagged format uses
   *   `step`, because the Python helper's `report(step=...)` argument names the step explicitly.
   */
  constructor(private readonly exactStepKey?: string) {}

  /** True once {@link MAX_VALUES_PER_LINE} metrics were added; later ones are dropped. */
  get full(): boolean {
    return this.count >= MAX_VALUES_PER_LINE;
  }

  /**
   * Adds one metric (a later duplicate replaces an earlier one, as in `JSON.parse`).
   *
   * @param stepCandidate whether this key may give the step (top-level keys only; `train.epoch` may not).
   */
  add(key: string, value: number, stepCandidate: boolean): void {
    if (this.count >= MAX_VALUES_PER_LINE || key.length === 0 || key.length > MAX_KEY_LENGTH) return;
    if (key === '__proto__') {
      // An assignment would set the prototype; define it as the own data property it is.
      Object.defineProperty(this.values, key, { value, enumerable: true, writable: true, configurable: true });
    } else {
      this.values[key] = value;
    }
    this.count++;
    if (!stepCandidate || !Number.isFinite(value)) return;
    // -1 ranks above every STEP_KEYS entry; equal ranks: the later occurrence wins, like the values.
    const rank = key === this.exactStepKey ? -1 : stepKeyRank(key);
    if ((rank >= 0 || key === this.exactStepKey) && rank <= this.stepRank) {
      this.stepRank = rank;
      this.step = value;
    }
  }

  /**
   * Adds the key of a qualified pair as printed (`Loss` of `Val Loss: 0.4`, besides `val_loss`): like
   * {@link add}, but never over a value the line gave that key itself (`loss: 0.5 - val loss: 0.4` keeps
   * `loss` 0.5); over another qualified pair's (`Train Loss: 0.5 | Val Loss: 0.4`), the last one wins.
   */
  addQualified(key: string, value: number): void {
    if (Object.hasOwn(this.values, key)) {
      const at = this.qualifiedKeys?.indexOf(key) ?? -1;
      // Set by a plain pair, or by one after the last qualified one (`Val Loss: 0.4, loss: 0.5`).
      if (at < 0 || !Object.is(this.values[key], this.qualifiedValues?.[at])) return;
      (this.qualifiedValues as number[])[at] = value;
    } else {
      (this.qualifiedKeys ??= []).push(key);
      (this.qualifiedValues ??= []).push(value);
    }
    this.add(key, value, true);
  }

  /** The keys {@link addQualified} set and the values it set them to (few per line: arrays, made on demand). */
  private qualifiedKeys: string[] | undefined;
  private qualifiedValues: number[] | undefined;

  /**
   * A step printed without a key: the `[10]` before XGBoost's and LightGBM's metrics, the `10:` before
   * CatBoost's. It ranks below every {@link STEP_KEYS} entry, and adds no value.
   */
  setUnnamedStep(value: number): void {
    if (STEP_KEYS.length <= this.stepRank) {
      this.stepRank = STEP_KEYS.length;
      this.step = value;
    }
  }

  /** The record, or undefined when nothing was added. */
  build(): MetricRecord | undefined {
    if (this.count === 0) return undefined;
    return this.stepRank === NO_STEP ? { values: this.values } : { values: this.values, step: this.step };
  }
}
