/**
 * Progress bars in a trial's output, for the study loop's reading of reports (the metric parser itself
 * reads each line alone):
 * - {@link isProgressBarLine}: a redraw of a bar that may repeat the last reported value (tqdm, Lightning).
 * - {@link kerasEpochHeader}: Keras' `Epoch 3/10` line before each epoch's bar: the step of the lines after it.
 * - {@link isUnfinishedKerasBar}: a Keras bar mid-epoch (` 5/32 [=====>....] - ETA: 0s - loss: 0.6931`), whose
 *   values are running averages over the batches so far, not the epoch's.
 */

const BAR_RE = /\d%\||\d\/\d+ \[|━/;

/**
 * Whether a line looks like a progress bar's redraw: tqdm's `45%|████▌     |` or its `20/50 [` counter
 * before the `[elapsed<remaining, rate, postfix]` part (Lightning's bar, tqdm's `set_postfix`), or a
 * rich/Keras 3 bar's `━`. Such a bar keeps showing the last validation value in its postfix while the next
 * epoch trains, so a value it repeats is no new report (see the study loop). Only called for lines that
 * repeat the last reported value, so its cost does not matter for ordinary lines.
 */
export function isProgressBarLine(line: string): boolean {
  return BAR_RE.test(line);
}

const KERAS_EPOCH_RE = /^\s*Epoch (\d{1,9})\/\d{1,9}\s*$/;

/**
 * The epoch of Keras' `Epoch 3/10` line (printed alone before each epoch of `model.fit`), or undefined. Its
 * bar's lines print no epoch, so without it their step would be a count of reports. Only lines that gave no
 * record are asked.
 */
export function kerasEpochHeader(line: string): number | undefined {
  if (line.length > 40) return undefined;
  const m = KERAS_EPOCH_RE.exec(line);
  return m ? Number(m[1]) : undefined;
}

// `  5/32 [=====>........................] - ETA: 0s - loss: …` (tf.keras) or `  5/32 ━━━━━━━━━━━━━━━━━━━━ 0s …`
// (Keras 3, once the launcher stripped its colours).
const KERAS_BAR_RE = /^\s*(\d{1,12})\/(\d{1,12}) (?:\[[=>.]*\]|━)/;

/**
 * Whether `line` is a Keras progress bar before its last batch (`5/32`). tf.keras redraws it after every batch
 * (with `\b` and `\r`, also into a pipe on Linux), with the running loss and metrics of the epoch so far; only
 * the `32/32` line (with the validation metrics, at the epoch's end) holds the epoch's values.
 */
export function isUnfinishedKerasBar(line: string): boolean {
  const m = KERAS_BAR_RE.exec(line);
  return m !== null && Number(m[1]) < Number(m[2]);
}
