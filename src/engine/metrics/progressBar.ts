/**
 * Whether a line looks like a progress bar's redraw: tqdm's `45%|████▌     |` or its `20/50 [` counter
 * before the `[elapsed<remaining, rate, postfix]` part (Lightning's bar, tqdm's `set_postfix`), or a
 * rich/Keras 3 bar's `━`. Such a bar keeps showing the last validation value in its postfix while the next
 * epoch trains, so a value it repeats is no new report (see the study loop). Only called for lines that
 * repeat the last reported value, so its cost does not matter for ordinary lines.
 */
const BAR_RE = /\d%\||\d\/\d+ \[|━/;

export function isProgressBarLine(line: string): boolean {
  return BAR_RE.test(line);
}
