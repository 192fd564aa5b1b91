/**
 * The decision log, virtualised: a 10,000-trial study has thousands of decisions, so rows have a fixed
 * height, only the visible ones (plus a little overscan) exist in the DOM, and they are reused as the list
 * scrolls. The filtered list is kept in log (seq) order; "newest first" only maps display index → entry,
 * so appending a decision is a push, not a rebuild.
 */
import type { DecisionRow } from '../../../../src/shared/dashboardProtocol';
import type { TrialId } from '../../../../src/shared/ids';
import { rafOnce } from '../../frames';

/** Row height in px; must match `.decision` in decisions.css. */
export const ROW_HEIGHT = 40;
const OVERSCAN = 6;

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

const ruleLabels: Record<DecisionRow['rule'], string> = {
  rung: 'rung cutoff',
  median: 'median rule',
  nonFinite: 'non-finite value',
  maxResource: 'maximum budget',
  notPromoted: 'never promoted',
  promote: 'promoted',
};

function iconFor(d: DecisionRow): string {
  if (d.kind === 'promote') return 'codicon-arrow-up';
  return d.rule === 'nonFinite' ? 'codicon-warning' : 'codicon-debug-stop';
}

export interface LogCallbacks {
  /** A row was clicked or picked with Enter. */
  open(d: DecisionRow): void;
}

export class DecisionLog {
  readonly element = document.createElement('div');
  readonly #spacer = document.createElement('div');
  readonly #pool: HTMLElement[] = [];
  /** Filtered decisions in seq order. */
  #items: DecisionRow[] = [];
  #newestFirst = true;
  #selectedTrial: TrialId | null = null;
  #activeSeq: number | null = null;
  /** Keyboard cursor, a display index. */
  #cursor = -1;
  /** Scrolls, resizes and updates ask for a render; it happens once, on the next frame. */
  readonly #schedule = rafOnce(() => this.render());

  constructor(private readonly callbacks: LogCallbacks) {
    this.element.className = 'decision-scroll';
    this.element.tabIndex = 0;
    this.element.setAttribute('role', 'listbox');
    this.element.setAttribute('aria-label', 'Scheduler decisions');
    this.#spacer.className = 'decision-spacer';
    this.element.append(this.#spacer);
    this.element.addEventListener('scroll', () => this.#schedule(), { passive: true });
    this.element.addEventListener('click', (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>('.decision');
      if (!row) return;
      const index = Number(row.dataset.index);
      this.#cursor = index;
      const d = this.at(index);
      if (d) this.callbacks.open(d);
    });
    this.element.addEventListener('keydown', (e) => this.#onKey(e));
    new ResizeObserver(() => this.#schedule()).observe(this.element);
  }

  get size(): number {
    return this.#items.length;
  }

  /** The entry at a display index. */
  at(index: number): DecisionRow | undefined {
    return this.#items[this.#newestFirst ? this.#items.length - 1 - index : index];
  }

  setItems(items: DecisionRow[]): void {
    this.#items = items;
    this.#cursor = Math.min(this.#cursor, items.length - 1);
    this.#spacer.style.height = `${items.length * ROW_HEIGHT}px`;
    this.#invalidate();
  }

  /** Appends decisions that passed the view's filters (already in seq order, newer than every item). */
  append(items: readonly DecisionRow[]): void {
    if (items.length === 0) return;
    this.#items.push(...items);
    this.#spacer.style.height = `${this.#items.length * ROW_HEIGHT}px`;
    // Newest first and scrolled down: keep the rows the user is reading where they are.
    if (this.#newestFirst && this.element.scrollTop > 0) {
      this.element.scrollTop += items.length * ROW_HEIGHT;
      if (this.#cursor >= 0) this.#cursor += items.length;
    }
    this.#invalidate();
  }

  setNewestFirst(on: boolean): void {
    if (on === this.#newestFirst) return;
    this.#newestFirst = on;
    this.#cursor = -1;
    this.element.scrollTop = 0;
    this.#invalidate();
  }

  get newestFirst(): boolean {
    return this.#newestFirst;
  }

  setSelectedTrial(id: TrialId | null): void {
    this.#selectedTrial = id;
    this.#invalidate();
  }

  setActive(seq: number | null): void {
    this.#activeSeq = seq;
    this.#invalidate();
  }

  /** Scrolls so that the newest decision about `id` is visible (if it is not already); false if none. */
  reveal(id: TrialId): boolean {
    for (let i = 0; i < this.#items.length; i++) {
      const index = this.#newestFirst ? i : this.#items.length - 1 - i;
      if (this.at(index)?.trialId === id) {
        this.#scrollIntoView(index);
        return true;
      }
    }
    return false;
  }

  #scrollIntoView(index: number): void {
    const top = index * ROW_HEIGHT;
    const el = this.element;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
    this.#schedule();
  }

  /** Forces every pooled row to be rewritten on the next frame (content or classes changed). */
  #invalidate(): void {
    for (const row of this.#pool) row.dataset.seq = '';
    this.#schedule();
  }

  /** Positions and fills the rows in view. */
  render(): void {
    const el = this.element;
    const height = el.clientHeight || 400;
    const first = Math.max(0, Math.floor(el.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.#items.length, Math.ceil((el.scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
    const needed = Math.max(0, last - first);
    while (this.#pool.length < needed) {
      const row = makeRow();
      this.#pool.push(row);
      el.append(row);
    }
    for (let i = 0; i < this.#pool.length; i++) {
      const row = this.#pool[i]!;
      const index = first + i;
      const d = i < needed ? this.at(index) : undefined;
      if (!d) {
        row.hidden = true;
        row.dataset.seq = '';
        continue;
      }
      row.hidden = false;
      if (row.dataset.index !== String(index)) {
        row.dataset.index = String(index);
        row.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
      }
      const cursor = index === this.#cursor;
      if (row.dataset.seq === String(d.seq) && row.classList.contains('cursor') === cursor) continue;
      fillRow(row, d);
      row.classList.toggle('selected', d.trialId === this.#selectedTrial);
      row.classList.toggle('active', d.seq === this.#activeSeq);
      row.classList.toggle('cursor', cursor);
      row.setAttribute('aria-selected', String(d.seq === this.#activeSeq));
    }
  }

  #onKey(e: KeyboardEvent): void {
    const n = this.#items.length;
    if (n === 0) return;
    const page = Math.max(1, Math.floor(this.element.clientHeight / ROW_HEIGHT) - 1);
    let next = this.#cursor;
    switch (e.key) {
      case 'ArrowDown': next = Math.min(n - 1, next + 1); break;
      case 'ArrowUp': next = Math.max(0, next - 1); break;
      case 'PageDown': next = Math.min(n - 1, next + page); break;
      case 'PageUp': next = Math.max(0, next - page); break;
      case 'Home': next = 0; break;
      case 'End': next = n - 1; break;
      case 'Enter':
      case ' ': {
        const d = this.at(this.#cursor);
        if (d) this.callbacks.open(d);
        e.preventDefault();
        return;
      }
      default: return;
    }
    e.preventDefault();
    this.#cursor = next;
    this.#scrollIntoView(next);
    this.#invalidate();
  }
}

function makeRow(): HTMLElement {
  const row = document.createElement('div');
  row.className = 'decision';
  row.setAttribute('role', 'option');
  const line = document.createElement('div');
  line.className = 'decision-line';
  const icon = document.createElement('i');
  const title = document.createElement('span');
  title.className = 'decision-title';
  const time = document.createElement('span');
  time.className = 'decision-time';
  line.append(icon, title, time);
  const text = document.createElement('div');
  text.className = 'decision-text';
  row.append(line, text);
  return row;
}

function fillRow(row: HTMLElement, d: DecisionRow): void {
  row.dataset.seq = String(d.seq);
  row.dataset.trialId = d.trialId;
  row.dataset.kind = d.kind;
  const [line, text] = row.children as unknown as [HTMLElement, HTMLElement];
  const [icon, title, time] = line.children as unknown as [HTMLElement, HTMLElement, HTMLElement];
  icon.className = `codicon ${iconFor(d)} decision-icon`;
  const where = d.rung !== null ? ` · rung ${d.rung}` : '';
  title.textContent = `trial ${d.trialId} · ${d.kind === 'stop' ? 'stopped' : 'promoted'}${where} · ${ruleLabels[d.rule]}`;
  time.textContent = d.at !== null ? timeFormat.format(d.at) : '';
  time.title = d.at !== null ? dateFormat.format(d.at) : '';
  text.textContent = d.text;
  row.title = d.text;
}
