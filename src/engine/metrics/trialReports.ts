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
 * - several reports at one step (a per-batch `epoch=2 batch=10 loss=0.53`, a tqdm bar's `Epoch 2: 40%|…| loss=0.53`):
 *   a scheduler judges a step on one report, and it should be the step's final value, not a mid-epoch one. A
 *   trial that reports once per step is judged at each report, at once (no decision waits). Once a trial has
 *   shown two reports at one step, or a line that prints its step and shows itself mid-step (a bar under 100%,
 *   `Epoch 2: 40%|`, but not a bar over the epochs themselves; a `batch` counter), its reports are
 *   `provisional`: {@link StepJudge} holds the last one and judges its step when the next report comes at
 *   another step, or when the process exits by itself with code 0 (a crash or a stop judges nothing more). So
 *   the first step of a script that repeats it with no such sign is judged on its first report (nothing tells
 *   yet that more will come); every later step on its last. A non-finite value is never provisional: a
 *   diverged trial is stopped at once. The trial's value stays its last report, whatever was judged. The study
 *   logs `provisional` (and `redraw`) on the report events, so a resume replays the same judgements with a
 *   StepJudge of its own.
 * - epochs counted from 0: PyTorch Lightning's bar says `Epoch 0:` while it trains the first epoch (rich's
 *   `Epoch 0/9`), and a tqdm `desc=f"Epoch {epoch}"` over `range(n)` does the same, so with `--max_epochs
 *   {budget}` the value at `Epoch 2` is after 3 epochs and a rung at step 2 would judge 3 epochs. The same holds
 *   for fastai's table (its row `0` is the first epoch's results), XGBoost's `[0]` and CatBoost's `0:` (the
 *   first boosting round's; `n_estimators={budget}` counts rounds). When a trial's first report that prints a
 *   step is one of these at 0 (a progress bar with `Epoch`/`epoch` 0 as its step, a table row, a keyless
 *   round) its steps count from 0: every printed step gets 1 added (the values keep `Epoch` as printed), so a
 *   step is the epochs or rounds done, as `{budget}` counts them. A relaunch of the trial (promotion, resume)
 *   keeps it, as it may resume at `Epoch 3`. A step key printed with a pair does not decide:
 *   `epoch=0 val_loss=2.3` before `epoch=1 …` (an evaluation before training) stays at step 0; LightGBM's
 *   rounds start at `[1]`.
 * - timm's `train.py` (formats/timm.ts): its `Train: N [b/B (p%)]` lines give the epoch (counted from 0, so a
 *   first `Train: 0` counts the steps from 0 as above) also when they do not carry the objective, and are
 *   mid-epoch (provisional); its `Test: [b/B]` lines (the validation's running averages, after the epoch's
 *   training) take the last Train line's step and `epoch`, are provisional before the last batch (`b < B`) and
 *   judged at once on it (`b = B`: timm prints the last batch's index), so a rung judges the epoch's validation
 *   result as soon as it is printed. Such a line repeating the last value is a report (a running average may
 *   stay), never a redraw. Without a Train line before, a Test block (from its batch 0) counts as a step.
 * - the metrics printed instead of the objective, for the failure of a trial that never reports it.
 */
import { metricValue } from './createMetricParser';
import { TableReader } from './formats/table';
import type { MetricParser } from './metricParser';
import { OtherMetricKeys } from './otherKeys';
import { isProgressBarLine, isUnfinishedKerasBar, kerasEpochHeader } from './progressBar';
import { type TimmEvalHead, timmEvalHead, timmTrainHead } from './formats/timm';
import { stepKeyRank } from './recordBuilder';

/** A report of the objective (`redraw`: the last report's value again, at its step). */
export interface TrialReport {
  readonly kind: 'report' | 'redraw';
  readonly step: number;
  /** The step may get more reports: judge it on its last one (see {@link StepJudge}); false for a redraw. */
  readonly provisional: boolean;
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
  /** The trial reports several times per step: its reports are provisional. */
  #severalPerStep = false;
  /** Its steps count from 0 (its first printed step was one {@link startsFromZero} names): printed step + 1. */
  #fromZero: boolean | undefined;
  /** timm's epoch as its last `Train: N [` line printed it (the `epoch` of the Test lines after it). */
  #timmEpoch: number | undefined;
  /** timm's `Test: [0/B]` blocks seen: the step of Test lines when no Train line came before. */
  #timmEvals = 0;
  readonly #table: TableReader | undefined;

  constructor(
    private readonly parser: MetricParser,
    private readonly metric: string,
    /** The metric format is `auto` (not a user's regex): the forms above that guess apply. */
    private readonly autoFormat: boolean,
    /** An earlier launch of this trial counted its epochs from 0 (a relaunch may resume at `Epoch 3`). */
    fromZero = false,
  ) {
    this.#table = autoFormat ? new TableReader() : undefined;
    if (fromZero) this.#fromZero = true;
  }

  /** The trial's epochs count from 0: its steps are the printed epochs + 1. */
  get countsFromZero(): boolean {
    return this.#fromZero === true;
  }

  /** The report `text` makes, if any. */
  read(text: string): TrialReport | undefined {
    const parsed = this.parser.parse(text);
    const record = parsed ?? this.#table?.read(text);
    if (!record) {
      // Keras' `Epoch 3/10` before the epoch's bar: the step of the bar's lines, which print none.
      const epoch = this.autoFormat ? kerasEpochHeader(text) : undefined;
      if (epoch !== undefined) {
        this.#lastExplicitStep = epoch;
        this.#stepFromEpochLine = true;
      }
      return undefined;
    }
    // timm's train.py (see the header): the epoch of its Train lines, also for the Test lines after them.
    let timmEval: TimmEvalHead | undefined;
    let timmTrain = false;
    if (this.autoFormat && parsed !== undefined && text.charCodeAt(0) === CH_UPPER_T) {
      if (record.step !== undefined && timmTrainHead(text) !== undefined) {
        timmTrain = true;
        this.#fromZero ??= record.step === 0;
        this.#timmEpoch = record.step;
        this.#lastExplicitStep = this.#fromZero ? record.step + 1 : record.step;
        this.#stepFromEpochLine = false;
      } else if ((timmEval = timmEvalHead(text)) !== undefined && timmEval.batch === 0 && timmEval.model === undefined) {
        this.#timmEvals++;
      }
    }
    const value = metricValue(record, this.metric);
    // No objective, or a Keras bar mid-epoch: at most a hint for the failure message.
    if (value === undefined || (this.autoFormat && isUnfinishedKerasBar(text))) {
      if (this.reports === 0) this.otherKeys.add(record);
      return undefined;
    }
    let printed = record.step;
    if (printed !== undefined) {
      // Decided at the first report that prints a step, and kept (see the header).
      this.#fromZero ??= this.autoFormat && printed === 0 && startsFromZero(text, record.values, parsed === undefined);
      if (this.#fromZero) printed++;
      this.#lastExplicitStep = printed;
      this.#stepFromEpochLine = false;
    }
    // The step key goes with the values, as `Epoch 3:` gives `Epoch`: the curve and decisions say "epoch".
    const values =
      this.#stepFromEpochLine && printed === undefined && this.#lastExplicitStep !== undefined
        ? { epoch: this.#lastExplicitStep, ...record.values }
        : timmEval !== undefined && this.#timmEpoch !== undefined
          ? { epoch: this.#timmEpoch, ...record.values }
          : record.values;
    // A redraw (Object.is: a repeated NaN is one too): the same value at the same printed step, or a progress
    // bar repeating the last value whatever step it shows.
    if (
      this.reports > 0 &&
      timmEval === undefined &&
      Object.is(this.lastValue, value) &&
      ((this.#lastExplicitStep !== undefined && this.lastStep === (printed ?? this.#lastExplicitStep)) || isProgressBarLine(text))
    ) {
      return { kind: 'redraw', step: this.lastStep, provisional: false, value, values };
    }
    const step = printed ?? this.#lastExplicitStep ?? (timmEval !== undefined ? Math.max(this.#timmEvals, 1) : this.reports + 1);
    // timm's Test lines: the last batch's holds the validation's result, judged at once; the others are mid-step.
    const timmFinal = timmEval !== undefined && timmEval.batch >= timmEval.last;
    if (
      !this.#severalPerStep &&
      ((this.reports > 0 && step === this.lastStep) ||
        (timmEval !== undefined && !timmFinal) ||
        (this.autoFormat && printed !== undefined && (timmTrain || isMidStep(text, record.values))))
    ) {
      this.#severalPerStep = true;
    }
    this.reports++;
    this.lastValue = value;
    this.lastStep = step;
    return { kind: 'report', step, provisional: this.#severalPerStep && !timmFinal && Number.isFinite(value), value, values };
  }
}


/**
 * Whether a report at printed step 0 counts its steps from 0 (see the header): a row of a table (fastai's), a
 * progress bar named `Epoch 0` (Lightning's, a tqdm `desc`: the epoch it trains), or a keyless boosting round
 * (XGBoost's `[0]`, CatBoost's `0:`, the rounds done: a record with a step but no step key among its values).
 */
function startsFromZero(text: string, values: Readonly<Record<string, number>>, fromTable: boolean): boolean {
  if (fromTable) return true;
  if ((values['Epoch'] === 0 || values['epoch'] === 0) && isProgressBarLine(text)) return true;
  for (const key in values) if (stepKeyRank(key) >= 0) return false;
  return true;
}

/**
 * A line that prints its step and shows itself mid-step: a progress bar under 100% (tqdm's `40%|`: one or two
 * digits before `%|`; a bar with no step, over the epochs themselves, is not), or a `batch` counter. Asked of
 * every report that prints a step until the trial shows several per step.
 */
function isMidStep(text: string, values: Readonly<Record<string, number>>): boolean {
  if (Object.hasOwn(values, 'batch') || Object.hasOwn(values, 'Batch')) return true;
  const bar = text.indexOf('%|');
  if (bar < 1 || !isDigit(text.charCodeAt(bar - 1))) return false;
  return !isDigit(text.charCodeAt(bar - 2)) || !isDigit(text.charCodeAt(bar - 3)); // NaN before the line: no digit
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

const CH_UPPER_T = 0x54;

/** A step to judge, with its final value. */
export interface Judgement {
  readonly step: number;
  readonly value: number;
}

const NONE: readonly Judgement[] = [];

/**
 * When a trial's reports are judged (the header above): a report that is not provisional at once; a provisional
 * one, the last of its step, when a report at another step comes ({@link report}) or the trial ends by itself
 * ({@link end}). A step is judged once. The study loop feeds it its reader's reports; a resume feeds it the
 * logged ones (redraws left out), so both make the same scheduler calls.
 */
export class StepJudge {
  #pending: Judgement | undefined;
  #judgedStep: number | undefined;

  /** The judgements due now, in order: the step before (its final value), then this report if not provisional. */
  report(step: number, value: number, provisional: boolean): readonly Judgement[] {
    let due = NONE;
    const pending = this.#pending;
    if (pending !== undefined && (pending.step !== step || !provisional)) {
      this.#pending = undefined;
      // At the same step, a non-finite value judged at once replaces it: a step is judged once.
      if (pending.step !== step) {
        this.#judgedStep = pending.step;
        due = [pending];
      }
    }
    if (!provisional) {
      this.#judgedStep = step;
      return due === NONE ? [{ step, value }] : [...due, { step, value }];
    }
    if (step !== this.#judgedStep) this.#pending = { step, value };
    return due;
  }

  /** The last step's judgement, when it is still due (the trial exited by itself, code 0). */
  end(): Judgement | undefined {
    const pending = this.#pending;
    this.#pending = undefined;
    return pending;
  }
}
