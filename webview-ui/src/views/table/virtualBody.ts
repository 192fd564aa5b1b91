/**
 * The table body, virtualised: every row is ROW_HEIGHT px high, the body element is as tall as all rows
 * together (so the scrollbar is right), and only the rows in the viewport plus an overscan exist in the
 * DOM, absolutely placed with a transform. Row elements are recycled as the viewport moves; a row is
 * rewritten only when its trial object, its position or its selection changed, so a patch costs as
 * many DOM writes as it has visible changed rows.
 */
import type { TrialRow } from '../../../../src/shared/dashboardProtocol';
import type { TrialId } from '../../../../src/shared/ids';
import type { Column } from './columns';
import { statusLook } from './format';

export const ROW_HEIGHT = 22;
const OVERSCAN = 4;

interface RowEl {
  readonly el: HTMLDivElement;
  readonly cells: HTMLElement[];
  /** One text node per cell, updated in place (cheaper than replacing it through textContent). */
  readonly texts: Text[];
  readonly stop: HTMLElement;
  trial: TrialRow | null;
  index: number;
  selected: boolean;
  version: number;
}

export class VirtualBody {
  readonly element = document.createElement('div');
  #columns: readonly Column[] = [];
  #rows: readonly TrialRow[] = [];
  /** Row index by trial id, rebuilt lazily after the rows change. */
  #pos: Map<TrialId, number> | null = null;
  #selected: TrialId | null = null;
  readonly #live = new Map<number, RowEl>();
  readonly #free: RowEl[] = [];
  #version = 0;
  #height = -1;

  /** `scroller` scrolls the body; `stickyHeight` is the height of the sticky header rows above it. */
  constructor(
    private readonly scroller: HTMLElement,
    private readonly stickyHeight: () => number,
  ) {
    this.element.className = 'table-body';
    this.element.setAttribute('role', 'rowgroup');
  }

  /** New columns: every row element is rebuilt with the new cells (a few dozen elements). */
  setColumns(columns: readonly Column[]): void {
    this.#columns = columns;
    this.#version++;
    for (const r of [...this.#live.values(), ...this.#free]) r.el.remove();
    this.#live.clear();
    this.#free.length = 0;
  }

  setRows(rows: readonly TrialRow[]): void {
    this.#rows = rows;
    this.#pos = null;
  }

  setSelected(id: TrialId | null): void {
    this.#selected = id;
  }

  indexOf(id: TrialId): number {
    if (!this.#pos) {
      this.#pos = new Map();
      for (let i = 0; i < this.#rows.length; i++) this.#pos.set(this.#rows[i]!.id, i);
    }
    return this.#pos.get(id) ?? -1;
  }

  /** Rows (by index) whose top is in the viewport: for keyboard paging. */
  viewportRows(): number {
    return Math.max(1, Math.floor((this.scroller.clientHeight - this.stickyHeight()) / ROW_HEIGHT));
  }

  /** Scrolls the least needed to show row `index` (or centres it, for a selection made elsewhere). */
  ensureVisible(index: number, center = false): void {
    if (index < 0) return;
    const view = this.scroller.clientHeight - this.stickyHeight();
    const top = index * ROW_HEIGHT;
    const st = this.scroller.scrollTop;
    if (top >= st && top + ROW_HEIGHT <= st + view) return;
    this.scroller.scrollTop = center ? top - view / 2 + ROW_HEIGHT / 2 : top < st ? top : top + ROW_HEIGHT - view;
  }

  /** Writes the visible rows. Cheap when nothing changed: a comparison per visible row. */
  render(): void {
    const n = this.#rows.length;
    const height = n * ROW_HEIGHT;
    if (height !== this.#height) {
      this.#height = height;
      this.element.style.height = `${height}px`;
    }
    const st = this.scroller.scrollTop;
    const view = Math.max(0, this.scroller.clientHeight - this.stickyHeight());
    const first = Math.max(0, Math.floor(st / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(n, Math.ceil((st + view) / ROW_HEIGHT) + OVERSCAN);
    // Rows that left the window are reused for rows that entered it, without being hidden in between
    // (a jump of the scrollbar reuses every row: no element is created or removed).
    const spare: RowEl[] = [];
    for (const [i, r] of this.#live) {
      if (i < first || i >= last) {
        this.#live.delete(i);
        spare.push(r);
      }
    }
    for (let i = first; i < last; i++) {
      let r = this.#live.get(i);
      if (!r) {
        r = spare.pop() ?? this.#free.pop() ?? this.#makeRow();
        if (r.el.hidden) r.el.hidden = false;
        this.#live.set(i, r);
      }
      this.#fill(r, this.#rows[i]!, i);
    }
    for (const r of spare) {
      r.el.hidden = true;
      r.trial = null;
      r.index = -1;
      this.#free.push(r);
    }
  }

  /** The row elements in the DOM that show a trial (for tests and the context menu's anchor). */
  rowElement(id: TrialId): HTMLElement | undefined {
    for (const r of this.#live.values()) if (r.trial?.id === id) return r.el;
    return undefined;
  }

  #makeRow(): RowEl {
    const el = document.createElement('div');
    el.className = 'trow';
    el.setAttribute('role', 'row');
    const cells: HTMLElement[] = [];
    const texts: Text[] = [];
    for (const col of this.#columns) {
      const cell = document.createElement('div');
      cell.className = `td${col.numeric ? ' num' : ''}`;
      cell.setAttribute('role', 'gridcell');
      const text = document.createTextNode('');
      if (col.key === 'status') {
        const icon = document.createElement('i');
        icon.setAttribute('aria-hidden', 'true');
        cell.append(icon, text);
      } else cell.append(text);
      cells.push(cell);
      texts.push(text);
      el.append(cell);
    }
    // Row actions, shown on hover and on the selected row (see table.css).
    const actions = document.createElement('div');
    actions.className = 'td row-actions';
    const button = (action: string, icon: string, label: string): HTMLElement => {
      const b = document.createElement('button');
      b.className = 'row-action';
      b.type = 'button';
      b.tabIndex = -1;
      b.dataset.action = action;
      b.title = label;
      b.setAttribute('aria-label', label);
      const i = document.createElement('i');
      i.className = `codicon codicon-${icon}`;
      i.setAttribute('aria-hidden', 'true');
      b.append(i);
      actions.append(b);
      return b;
    };
    button('output', 'terminal', 'Show output');
    const stop = button('stop', 'debug-stop', 'Stop trial');
    button('menu', 'ellipsis', 'More actions');
    el.append(actions);
    this.element.append(el);
    return { el, cells, texts, stop, trial: null, index: -1, selected: false, version: this.#version };
  }

  #fill(r: RowEl, t: TrialRow, index: number): void {
    if (r.index !== index) {
      r.index = index;
      r.el.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
      r.el.setAttribute('aria-rowindex', String(index + 2));
    }
    const selected = t.id === this.#selected;
    if (r.selected !== selected) {
      r.selected = selected;
      r.el.classList.toggle('selected', selected);
      r.el.setAttribute('aria-selected', String(selected));
    }
    if (r.trial === t && r.version === this.#version) return;
    r.trial = t;
    r.version = this.#version;
    r.el.dataset.trialId = t.id;
    if (r.el.dataset.status !== t.status) r.el.dataset.status = t.status;
    if (r.stop.hidden === t.canStop) r.stop.hidden = !t.canStop;
    for (let c = 0; c < this.#columns.length; c++) {
      const col = this.#columns[c]!;
      const node = r.texts[c]!;
      if (col.key === 'status') {
        const look = statusLook[t.status];
        const icon = r.cells[c]!.firstChild as HTMLElement;
        const className = `codicon codicon-${look.icon} status-icon status-${look.tone}`;
        if (icon.className !== className) icon.className = className;
      }
      const text = col.text(t);
      if (node.data !== text) node.data = text;
      // Long text is cut with an ellipsis; the title shows all of it.
      if (col.key === 'reason' && r.cells[c]!.title !== text) r.cells[c]!.title = text;
    }
  }
}
