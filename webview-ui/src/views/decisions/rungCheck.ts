/**
 * The early-stopping check of `rung show`, under the plan: for each rung below the full budget, Kendall's
 * τ between the trials' values there and their final values, over the trials that ran to the full budget,
 * how many trials that is, and — when a rung ranks them poorly — the CLI's note and hint. The host computes
 * all of it (and every word of the note and the hint) from the engine's rule; this only lays it out.
 *
 * A disclosure (`<details>`): its summary is one line (τ per rung, or why there is none yet) and stays
 * visible when it is closed; it opens by itself while a rung is weak, until the user opens or closes it
 * (remembered). The numbers are a real table (caption, column and row headers) for screen readers.
 */
import type { RungCheckView, StudyHeader } from '../../../../src/shared/dashboardProtocol';

/** Fewest trials a τ is shown for (one pair); the host sends null below it. */
const MIN_TRIALS = 2;
export const NOT_ENOUGH = 'not enough finished trials yet';

export interface RungCheckState {
  /** The user's open/closed choice; absent until they make one. */
  readonly open?: boolean;
}

export class RungCheckPanel {
  readonly element = document.createElement('details');
  readonly #summary = document.createElement('summary');
  readonly #digest = document.createElement('span');
  readonly #body = document.createElement('div');
  /** What the panel last set `open` to; a toggle that disagrees with it was the user's. */
  #setOpen = false;
  #userOpen: boolean | undefined;
  #key = '';

  constructor(saved: RungCheckState | undefined, private readonly persist: (state: RungCheckState) => void) {
    this.#userOpen = saved?.open;
    this.element.className = 'rung-check';
    this.element.hidden = true;
    const title = document.createElement('span');
    title.className = 'rung-check-title';
    title.textContent = 'Early-stopping check';
    this.#digest.className = 'rung-check-digest';
    this.#summary.append(title, this.#digest);
    this.#body.className = 'rung-check-body';
    this.element.append(this.#summary, this.#body);
    this.element.addEventListener('toggle', () => {
      if (this.element.open === this.#setOpen) return;
      this.#setOpen = this.element.open;
      this.#userOpen = this.element.open;
      this.persist({ open: this.element.open });
    });
  }

  /** Renders the check (hidden when there is none: fifo, median, no study file); skips an unchanged one. */
  update(header: StudyHeader | null, check: RungCheckView | null): void {
    const key = JSON.stringify([check, header?.stepUnit]);
    if (key === this.#key) return;
    this.#key = key;
    this.element.hidden = check === null || header === null;
    if (check === null || header === null) return;
    const unit = header.stepUnit;
    const ranked = check.rungs.filter((r) => r.n >= MIN_TRIALS && r.tau !== null);
    const weak = check.rungs.some((r) => r.note !== null);
    this.element.classList.toggle('weak', weak);
    this.#renderDigest(check, ranked, unit, weak);
    if (ranked.length === 0) {
      const p = document.createElement('p');
      p.className = 'rung-check-empty';
      p.textContent = `${capitalised(NOT_ENOUGH)}: τ needs at least ${MIN_TRIALS} trials that ran to ${unit} ${check.maxBudget}.`;
      this.#body.replaceChildren(p);
    } else {
      this.#body.replaceChildren(this.#table(check, unit), ...this.#hint(check));
    }
    const open = this.#userOpen ?? weak;
    if (this.element.open !== open) {
      this.#setOpen = open;
      this.element.open = open;
    }
  }

  /** The one line the closed panel shows: "τ over 8 trials: epoch 1 −0.20 · epoch 3 0.50", or why there is none. */
  #renderDigest(check: RungCheckView, ranked: RungCheckView['rungs'], unit: string, weak: boolean): void {
    const parts: Node[] = [];
    if (weak) parts.push(icon('warning'));
    if (ranked.length === 0) {
      parts.push(document.createTextNode(NOT_ENOUGH));
    } else {
      const counts = new Set(ranked.map((r) => r.n));
      parts.push(document.createTextNode(counts.size === 1 ? `τ over ${ranked[0]!.n} trials: ` : 'τ: '));
      ranked.forEach((r, i) => {
        if (i > 0) parts.push(document.createTextNode(' · '));
        const span = document.createElement('span');
        span.textContent = `${unit} ${r.budget} ${formatTau(r.tau)}${counts.size === 1 ? '' : ` (${r.n})`}`;
        if (r.note !== null) {
          span.className = 'rung-check-weak';
          // The colour says "weak" to the eye; this says it to a screen reader.
          const said = document.createElement('span');
          said.className = 'rung-check-sr';
          said.textContent = ` (${r.note})`;
          span.append(said);
        }
        parts.push(span);
      });
    }
    this.#digest.replaceChildren(...parts);
    this.#summary.title = weak ? (check.hint ?? '') : `Kendall's τ between a rung's values and the final ones, over trials that ran to ${unit} ${check.maxBudget}`;
  }

  #table(check: RungCheckView, unit: string): HTMLTableElement {
    const table = document.createElement('table');
    table.className = 'rung-check-table';
    const caption = table.createCaption();
    caption.textContent = `Kendall's τ between a rung's values and the final ones, over trials that ran to ${unit} ${check.maxBudget}`;
    caption.title =
      'The trials that ran to the end survived every rung, so they are the good end of the range and τ reads low even for a sound rung: a warning sign to read with its number of trials, not a verdict.';
    const head = table.createTHead().insertRow();
    for (const [text, className] of [
      ['Rung', 'rung-check-rung'],
      ['Budget', 'rung-check-budget'],
      ['τ', 'rung-check-tau'],
      ['Trials', 'rung-check-n'],
      ['Note', 'rung-check-note'],
    ] as const) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.className = className;
      th.textContent = text;
      if (text === 'τ') th.title = "Kendall's τ-b: 1 ranks trials exactly as their final values do, 0 at random, below 0 in reverse";
      head.append(th);
    }
    const body = table.createTBody();
    for (const r of check.rungs) {
      const row = body.insertRow();
      row.dataset.rung = String(r.rung);
      row.dataset.budget = String(r.budget);
      if (r.note !== null) row.className = 'weak';
      const th = document.createElement('th');
      th.scope = 'row';
      th.className = 'rung-check-rung';
      th.textContent = `rung ${r.rung}`;
      row.append(th);
      cell(row, 'rung-check-budget', `${unit} ${r.budget}`);
      const tau = cell(row, 'rung-check-tau', r.n < MIN_TRIALS ? NOT_ENOUGH : formatTau(r.tau));
      if (r.n >= MIN_TRIALS && r.tau === null) tau.title = 'undefined: the values are all tied';
      cell(row, 'rung-check-n', String(r.n));
      const note = cell(row, 'rung-check-note', '');
      if (r.note !== null) note.append(icon('warning'), document.createTextNode(r.note));
    }
    return table;
  }

  #hint(check: RungCheckView): HTMLElement[] {
    if (check.hint === null) return [];
    const p = document.createElement('p');
    p.className = 'rung-check-hint';
    p.setAttribute('role', 'note');
    const label = document.createElement('strong');
    label.textContent = 'Hint: ';
    const text = document.createElement('span');
    text.className = 'rung-check-hint-text';
    text.textContent = check.hint;
    p.append(icon('lightbulb'), label, text);
    return [p];
  }
}

/** τ as `rung show` prints it (two decimals); "—" when undefined. */
export function formatTau(tau: number | null): string {
  return tau === null ? '—' : tau.toFixed(2);
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function cell(row: HTMLTableRowElement, className: string, text: string): HTMLTableCellElement {
  const td = row.insertCell();
  td.className = className;
  td.textContent = text;
  return td;
}

function icon(name: string): HTMLElement {
  const i = document.createElement('i');
  i.className = `codicon codicon-${name}`;
  i.setAttribute('aria-hidden', 'true');
  return i;
}
