/**
 * Does a rung rank trials the way their final values do? For each rung below the full budget: Kendall's
 * τ-b between the trials' values at the rung (their first report at or past its budget) and their final
 * values, over the trials that ran to the full budget. A rung with τ near 0 judges on noise, a negative τ
 * stops the eventual winners (learning curves that cross: a high learning rate leads early, loses late);
 * the remedy is a later first rung (`min_budget`) or Hyperband's late-starting brackets.
 *
 * Only trials that reached the full budget count, and in stopping mode those survived every rung: the
 * sample is the better end of the range, which lowers τ even for a rung that ranks well. So the figure
 * is a warning sign to read with its n, not a verdict; `rung show` prints it with a hint when it is weak.
 */
import type { TrialSnapshot } from '../store/project';

export interface RungReliability {
  /** The rung's budget (epochs or steps). */
  readonly budget: number;
  /** Kendall's τ-b between values at the rung and final values; NaN when undefined (all tied, n < 2). */
  readonly tau: number;
  /** Trials that ran to the full budget and reported at or past the rung. */
  readonly n: number;
}

/** Fewest full-budget trials for a hint. */
export const MIN_TRIALS_FOR_HINT = 6;
/** τ below this is a weak ranking: the hint suggests a later first rung. */
export const WEAK_TAU = 0.3;

/** What `rung show` and the dashboard say after a weak rung's τ. */
export const WEAK_RUNG_NOTE = 'ranks trials poorly: it may stop the eventual best';

/** The hint for a weak check (without a "hint:" label); `minBudget` is the suggested first rung, already formatted. */
export function firstRungHint(minBudget: string | undefined): string {
  return minBudget !== undefined
    ? `learning curves seem to cross early; a later first rung (min_budget: ${minBudget}) or scheduler hyperband would stop fewer eventual winners`
    : 'learning curves seem to cross; a later first rung (min_budget) or scheduler hyperband would stop fewer eventual winners';
}

/** τ-b per rung budget in `rungs` (the full budget itself is skipped), from `trials`' curves. */
export function rungReliability(trials: readonly TrialSnapshot[], rungs: readonly number[], maxBudget: number): RungReliability[] {
  const finished = trials.filter(
    (t) => t.status === 'completed' && t.value !== null && t.valueStep !== null && t.valueStep >= maxBudget,
  );
  const out: RungReliability[] = [];
  for (const budget of rungs) {
    if (budget >= maxBudget) continue;
    const xs: number[] = [];
    const ys: number[] = [];
    for (const t of finished) {
      // The value judged there: the last one of the first step at or past the rung (a step printed several
      // times, once per batch, is judged on its last report: trialReports.ts).
      let atRung: readonly [number, number | null] | undefined;
      for (const point of t.curve) {
        if (point[0] < budget || point[1] === null) continue;
        if (atRung !== undefined && point[0] !== atRung[0]) break;
        atRung = point;
      }
      if (!atRung || atRung[1] === null || t.value === null) continue;
      xs.push(atRung[1]);
      ys.push(t.value);
    }
    out.push({ budget, tau: kendallTauB(xs, ys), n: xs.length });
  }
  return out;
}

/** Kendall's τ-b (ties corrected); NaN when either side is all ties or there are fewer than 2 pairs. */
export function kendallTauB(xs: readonly number[], ys: readonly number[]): number {
  let concordant = 0;
  let discordant = 0;
  let tiedX = 0;
  let tiedY = 0;
  for (let i = 0; i < xs.length; i++) {
    for (let j = i + 1; j < xs.length; j++) {
      const dx = Math.sign((xs[i] ?? 0) - (xs[j] ?? 0));
      const dy = Math.sign((ys[i] ?? 0) - (ys[j] ?? 0));
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) tiedX++;
      else if (dy === 0) tiedY++;
      else if (dx === dy) concordant++;
      else discordant++;
    }
  }
  const denominator = Math.sqrt((concordant + discordant + tiedX) * (concordant + discordant + tiedY));
  return denominator > 0 ? (concordant - discordant) / denominator : Number.NaN;
}

/** A rung whose ranking is weak enough to warn about (enough trials, τ below WEAK_TAU). */
export function isWeakRung(r: RungReliability): boolean {
  return r.n >= MIN_TRIALS_FOR_HINT && r.tau < WEAK_TAU;
}

/**
 * When some rung ranks poorly: the lowest rung that ranks well with no weak rung above it (a first rung to
 * suggest as `min_budget`), or undefined when no such rung exists. `weak` is false when nothing is weak.
 */
export function suggestFirstRung(checks: readonly RungReliability[]): { readonly weak: boolean; readonly minBudget?: number } {
  if (!checks.some(isWeakRung)) return { weak: false };
  const trusted = checks.find(
    (r) => r.n >= MIN_TRIALS_FOR_HINT && r.tau >= WEAK_TAU && !checks.some((w) => isWeakRung(w) && w.budget > r.budget),
  );
  return trusted ? { weak: true, minBudget: trusted.budget } : { weak: true };
}
