/**
 * One trial's output lines → its reports of the objective: what the study loop logs and shows the scheduler.
 * The per-line parser (createMetricParser) reads one line alone; this reader keeps what needs the lines
 * before it:
 * - the step: from epoch/step/iteration when the line prints one; a line without one (a script that mixes
 *   the helper's `report(step=…)` with plain prints, a Keras bar under its `Epoch 3/10` line) belongs to the
 *   last printed step; with none ever printed, the count of objective reports;
 * - fastai's table (a header line, then a line of numbers per epoch), for lines no other auto form read;
 * - a Keras bar mid-epoch (running values of the batches so far) is no report;
 * - redraws: a progress bar (Lightning, tqdm's postfix) redraws the last validation value many times a second,
 *   at the same step and, while the next epoch trains, under the next epoch's `Epoch N:`. Such a line is a
 *   `redraw` of the last report, at that report's step: it is neither judged at the new epoch nor counted as a
 *   new step. (A value really the same after the next epoch is then judged at the epoch after, one step late.)
 * - the metrics printed instead of the objective, for the failure of a trial that never reports it.
 */
import { metricValue } from './createMetricParser';
import { TableReader } from './formats/table';
import type { MetricParser } from './metricParser';
import { OtherMetricKeys } from './otherKeys';
import { isProgressBarLine, isUnfinishedKerasBar, kerasEpochHeader } from './progressBar';

/** A report of the objective (`redraw`: the last report's value again, at its step). */
export interface TrialReport {
  readonly kind: 'report' | 'redraw';
  readonly step: number;
  /** The objective as printed (NaN and infinities included). */
  readonly value: number;
  /** Every value the line carried (NaN and infinities included). */
  readonly values: Readonly<Record<string, number>>;
}

export class TrialReportReader {
  /** Reports of the objective so far (redraws not counted). */
  reports = 0;
  /** The last report's objective and step (step 0 before any). */
  lastValue: number | undefined;
  lastStep = 0;
  /** What the script printed before its first report, for a trial that never reports the objective. */
  readonly otherKeys = new OtherMetricKeys();
  /** The last step a line printed itself (epoch=, step=, the helper's step, Keras' `Epoch N/M`). */
  #lastExplicitStep: number | undefined;
  /** #lastExplicitStep came from Keras' `Epoch N/M` line: the reports under it also get `epoch: N`. */
  #stepFromEpochLine = false;
  readonly #table: TableReader | undefined;

  constructor(
    private readonly parser: MetricParser,
    private readonly metric: string,
    /** The metric format is `auto` (not a user's regex): the forms above that guess apply. */
    private readonly autoFormat: boolean,
  ) {
    this.#table = autoFormat ? new TableReader() : undefined;
  }

  /** The report `text` makes, if any. */
  read(text: string): TrialReport | undefined {
    const record = this.parser.parse(text) ?? this.#table?.read(text);
    if (!record) {
      // Keras' `Epoch 3/10` before the epoch's bar: the step of the bar's lines, which print none.
      const epoch = this.autoFormat ? kerasEpochHeader(text) : undefined;
      if (epoch !== undefined) {
        this.#lastExplicitStep = epoch;
        this.#stepFromEpochLine = true;
      }
      return undefined;
    }
    const value = metricValue(record, this.metric);
    // No objective, or a Keras bar mid-epoch: at most a hint for the failure message.
    if (value === undefined || (this.autoFormat && isUnfinishedKerasBar(text))) {
      if (this.reports === 0) this.otherKeys.add(record);
      return undefined;
    }
    if (record.step !== undefined) {
      this.#lastExplicitStep = record.step;
      this.#stepFromEpochLine = false;
    }
    // The step key goes with the values, as `Epoch 3:` gives `Epoch`: the curve and decisions say "epoch".
    const values =
      this.#stepFromEpochLine && record.step === undefined && this.#lastExplicitStep !== undefined
        ? { epoch: this.#lastExplicitStep, ...record.values }
        : record.values;
    // A redraw (Object.is: a repeated NaN is one too): the same value at the same printed step, or a progress
    // bar repeating the last value whatever step it shows.
    if (
      this.reports > 0 &&
      Object.is(this.lastValue, value) &&
      ((this.#lastExplicitStep !== undefined && this.lastStep === (record.step ?? this.#lastExplicitStep)) || isProgressBarLine(text))
    ) {
      return { kind: 'redraw', step: this.lastStep, value, values };
    }
    this.reports++;
    this.lastValue = value;
    this.lastStep = record.step ?? this.#lastExplicitStep ?? this.reports;
    return { kind: 'report', step: this.lastStep, value, values };
  }
}
