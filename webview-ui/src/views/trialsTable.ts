/**
 * The trials table: every trial of the study, virtualised (see table/virtualBody.ts), sortable by any
 * column, filtered by the store's filters (status chips, free text, the filter row's ranges and value picks,
 * and the parallel-coordinates brushes, which share the store's column keys), with a column chooser and
 * an "only parameters that vary" switch. A row click selects the trial everywhere; arrows move the
 * selection, Enter shows the trial's output, and each row has actions (hover buttons and a context menu).
 *
 * Live updates stay cheap: a patch removes the changed trials from the sorted, filtered list and inserts
 * them again at their sorted place (binary search), then only the visible rows whose trial changed are
 * rewritten. Snapshots and filter changes re-filter and re-sort the whole list (a few ms for 10,000 rows).
 */
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import type { CellValue, TrialRow } from '../../../src/shared/dashboardProtocol';
import type { TrialId, TrialStatus } from '../../../src/shared/ids';
import { rafOnce } from '../frames';
import type { HostApi } from '../host';
import type { DashboardStore } from '../state/store';
import { buildColumns, compareRows, compareValues, type Column } from './table/columns';
import { formatCell, statusIcon, statusOrder } from './table/format';
import { checkItem, menuItem, Popover } from './table/popover';
import { formatRange, parseRange } from './table/rangeText';
import { VirtualBody } from './table/virtualBody';

interface TableUiState {
  readonly hidden: readonly string[];
  readonly sort: { readonly key: string; readonly dir: 1 | -1 };
  readonly varyOnly: boolean;
  readonly showFilters: boolean;
}

const UI_KEY = 'table';
/** Heights of the sticky header and filter rows (fixed in table.css), so rendering never reads layout. */
const HEAD_HEIGHT = 24;
const FILTER_HEIGHT = 26;
/** Above this many changed trials a patch re-sorts everything instead of inserting one by one. */
const INCREMENTAL_LIMIT = 1000;
/** The row actions' column (three 22px buttons). */
const ACTIONS_WIDTH = 72;

export function mountTrialsTable(root: HTMLElement, store: DashboardStore, host: HostApi): void {
  root.textContent = '';
  root.classList.add('trials-table');
  const saved = host.getUiState<TableUiState>(UI_KEY);
  const hidden = new Set(saved?.hidden ?? []);
  let sort: { key: string; dir: 1 | -1 } = saved?.sort ?? { key: 'number', dir: 1 };
  let varyOnly = saved?.varyOnly ?? false;
  let showFilters = saved?.showFilters ?? false;
  let allColumns: Column[] = buildColumns(null);
  let shown: Column[] = [];
  /** Parameters with at least two different values (a missing conditional counts as a value). */
  const varying = new Set<string>();
  const firstValue = new Map<string, CellValue | undefined>();
  /** The sorted, filtered rows the body shows. */
  let view: TrialRow[] = [];

  const persist = (): void =>
    host.setUiState(UI_KEY, { hidden: [...hidden], sort, varyOnly, showFilters } satisfies TableUiState);

  // ── toolbar: status chips, text filter, filter-row / vary / columns buttons, row count
  const toolbar = document.createElement('div');
  toolbar.className = 'table-toolbar';
  const chips = document.createElement('div');
  chips.className = 'status-chips';
  chips.setAttribute('role', 'group');
  chips.setAttribute('aria-label', 'Show trials by status');
  const search = document.createElement('vscode-textfield');
  search.className = 'table-search';
  search.placeholder = 'Filter: number, status, reason, lr=0.01…';
  search.setAttribute('aria-label', 'Filter trials by text');
  search.value = store.filters.text;
  const filterToggle = toolButton('filter', 'Show the filter row (ranges and values per column)', showFilters);
  filterToggle.classList.add('table-filter-toggle');
  const varyToggle = toolButton('symbol-ruler', 'Only parameters that vary', varyOnly);
  varyToggle.classList.add('table-vary-toggle');
  const columnsButton = toolButton('list-selection', 'Choose columns');
  columnsButton.classList.add('table-columns-button');
  const clearButton = toolButton('clear-all', 'Clear the table filters');
  clearButton.classList.add('table-clear');
  const count = document.createElement('span');
  count.className = 'table-count';
  count.setAttribute('aria-live', 'polite');
  toolbar.append(chips, search, filterToggle, varyToggle, columnsButton, clearButton, count);

  // ── grid: one scroller with the sticky header and filter rows above the virtual body
  const scroller = document.createElement('div');
  scroller.className = 'table-scroll';
  scroller.tabIndex = 0;
  scroller.setAttribute('role', 'grid');
  scroller.setAttribute('aria-label', 'Trials');
  const inner = document.createElement('div');
  inner.className = 'table-inner';
  const head = document.createElement('div');
  head.className = 'table-head';
  head.setAttribute('role', 'row');
  const filterRow = document.createElement('div');
  filterRow.className = 'table-filters';
  filterRow.setAttribute('role', 'row');
  filterRow.hidden = !showFilters;
  const body = new VirtualBody(scroller, () => HEAD_HEIGHT + (showFilters ? FILTER_HEIGHT : 0));
  const empty = document.createElement('div');
  empty.className = 'table-empty';
  inner.append(head, filterRow, body.element, empty);
  scroller.append(inner);
  root.append(toolbar, scroller);
  const menu = new Popover(root, 'table-menu');
  menu.element.setAttribute('role', 'menu');
  const panel = new Popover(root, 'table-panel');

  // ── columns
  function sortColumn(): Column {
    return allColumns.find((c) => c.key === sort.key) ?? allColumns[0]!;
  }

  /** Recomputes the shown columns; rebuilds header, filter row and row cells only when they changed. */
  function updateColumns(force = false): void {
    const next = allColumns.filter((c) => !hidden.has(c.key) && !(varyOnly && c.param && !varying.has(c.param.name)));
    if (!force && next.length === shown.length && next.every((c, i) => c.key === shown[i]!.key)) return;
    shown = next;
    root.style.setProperty('--table-columns', `${shown.map((c) => c.width).join(' ')} ${ACTIONS_WIDTH}px`);
    // Each track's minimum (the first px figure of "88px" or "minmax(200px, 1fr)") sums to the scroll width.
    const width = shown.reduce((sum, c) => sum + Number(/(\d+)px/.exec(c.width)?.[1] ?? 0), ACTIONS_WIDTH);
    root.style.setProperty('--table-width', `${width}px`);
    buildHead();
    buildFilterRow();
    body.setColumns(shown);
    scheduleRender();
  }

  function buildHead(): void {
    head.replaceChildren();
    for (const col of shown) {
      const cell = document.createElement('div');
      cell.className = `th${col.numeric ? ' num' : ''}`;
      cell.setAttribute('role', 'columnheader');
      cell.dataset.key = col.key;
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'th-button';
      button.title = columnTitle(col);
      const label = document.createElement('span');
      label.className = 'th-label';
      label.textContent = col.label;
      const arrow = document.createElement('i');
      arrow.setAttribute('aria-hidden', 'true');
      button.append(label, arrow);
      button.addEventListener('click', () => sortBy(col));
      cell.append(button);
      head.append(cell);
    }
    const actions = document.createElement('div');
    actions.className = 'th row-actions-head';
    head.append(actions);
    updateSortMarks();
  }

  function columnTitle(col: Column): string {
    const p = col.param;
    if (!p) return `Sort by ${col.label}`;
    const range = p.kind === 'categorical' ? (p.choices ?? []).map(String).join(', ') : `${formatCell(p.low)}..${formatCell(p.high)}`;
    return `${p.name}: ${p.log ? 'log ' : ''}${p.kind} (${range})${p.conditional ? ', conditional' : ''}. Click to sort.`;
  }

  function updateSortMarks(): void {
    for (const cell of head.querySelectorAll<HTMLElement>('.th[data-key]')) {
      const active = cell.dataset.key === sort.key;
      cell.setAttribute('aria-sort', active ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none');
      const arrow = cell.querySelector('i')!;
      arrow.className = active ? `codicon codicon-arrow-small-${sort.dir === 1 ? 'up' : 'down'} sort-mark` : 'sort-mark';
    }
  }

  function sortBy(col: Column): void {
    if (sort.key === col.key) sort = { key: col.key, dir: sort.dir === 1 ? -1 : 1 };
    // The objective's columns sort best first on the first click.
    else sort = { key: col.key, dir: (col.key === 'value' || col.key === 'bestValue') && store.header?.goal === 'maximize' ? -1 : 1 };
    persist();
    updateSortMarks();
    view = sortRows(view);
    body.setRows(view);
    scheduleRender();
  }

  // ── filter row
  const rangeInputs = new Map<string, HTMLInputElement>();
  const pickButtons = new Map<string, HTMLButtonElement>();
  function buildFilterRow(): void {
    filterRow.replaceChildren();
    rangeInputs.clear();
    pickButtons.clear();
    for (const col of shown) {
      const cell = document.createElement('div');
      cell.className = 'tf';
      if (col.filter === 'range') {
        const input = document.createElement('input');
        input.className = 'filter-input';
        input.placeholder = 'min..max';
        input.spellcheck = false;
        input.setAttribute('aria-label', `Filter ${col.label}: a range like 0.1..0.5, >=2 or <=10`);
        input.title = 'A range: 0.1..0.5, >=2, <=10 or a number';
        input.dataset.key = col.key;
        let timer = 0;
        input.addEventListener('input', () => {
          clearTimeout(timer);
          timer = window.setTimeout(() => applyRangeText(col, input), 200);
        });
        input.addEventListener('keydown', (e) => {
          if (e.key === 'Enter') applyRangeText(col, input);
        });
        rangeInputs.set(col.key, input);
        cell.append(input);
      } else if (col.filter === 'pick') {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'filter-pick';
        button.dataset.key = col.key;
        button.setAttribute('aria-haspopup', 'true');
        button.addEventListener('click', () => openPick(col, button));
        pickButtons.set(col.key, button);
        cell.append(button);
      }
      filterRow.append(cell);
    }
    filterRow.append(document.createElement('div'));
    syncFilterInputs();
  }

  function applyRangeText(col: Column, input: HTMLInputElement): void {
    const range = parseRange(input.value);
    input.classList.toggle('invalid', range === null);
    if (range === null) return;
    const current = store.filters.ranges.get(col.key);
    if (formatRange(current) === formatRange(range) && (current === undefined) === (range === undefined)) return;
    store.setRanges({ [col.key]: range });
  }

  function openPick(col: Column, anchor: HTMLElement): void {
    const choices = col.choices ?? [];
    const kept = new Set(store.filters.ranges.get(col.key)?.values ?? choices);
    const lines = choices.map((choice) =>
      checkItem(
        String(choice),
        kept.has(choice),
        (on) => {
          if (on) kept.add(choice);
          else kept.delete(choice);
          // All choices kept = no filter.
          store.setRanges({ [col.key]: kept.size === choices.length ? undefined : { values: choices.filter((c) => kept.has(c)) } });
        },
        String(choice),
      ),
    );
    const box = anchor.getBoundingClientRect();
    panel.show(lines, box.left, box.bottom, () => anchor.focus());
  }

  /** Shows the store's filters in the filter row (another view, e.g. the decisions' rung pick, may set them). */
  function syncFilterInputs(): void {
    for (const [key, input] of rangeInputs) {
      if (document.activeElement === input) continue;
      input.value = formatRange(store.filters.ranges.get(key));
      input.classList.remove('invalid');
    }
    for (const [key, button] of pickButtons) {
      const col = allColumns.find((c) => c.key === key);
      const values = store.filters.ranges.get(key)?.values;
      button.textContent = values ? (values.length === 1 ? String(values[0]) : `${values.length} of ${col?.choices?.length ?? '?'}`) : 'all';
      button.classList.toggle('active', values !== undefined);
    }
    // A range on a hidden column still filters: keep the filter row visible as a reminder.
    filterToggle.classList.toggle('has-filters', store.filters.ranges.size > 0);
  }

  // ── status chips
  let chipStatuses = '';
  function updateChips(): void {
    const counts = store.header?.counts ?? {};
    const statuses = statusOrder.filter((s) => (counts[s] ?? 0) > 0 || store.filters.statuses.has(s));
    const keyNow = statuses.join(',');
    if (keyNow !== chipStatuses) {
      chipStatuses = keyNow;
      chips.replaceChildren(
        ...statuses.map((s) => {
          const chip = document.createElement('button');
          chip.type = 'button';
          chip.className = 'status-chip';
          chip.dataset.status = s;
          const label = document.createElement('span');
          label.textContent = s;
          const n = document.createElement('span');
          n.className = 'chip-count';
          chip.append(statusIcon(s), label, n);
          chip.addEventListener('click', () => toggleStatus(s));
          return chip;
        }),
      );
    }
    for (const chip of chips.querySelectorAll<HTMLElement>('.status-chip')) {
      const s = chip.dataset.status as TrialStatus;
      chip.setAttribute('aria-pressed', String(store.filters.statuses.has(s)));
      chip.querySelector('.chip-count')!.textContent = String(counts[s] ?? 0);
      chip.title = `Show only ${s} trials (click again to show all; several can be picked)`;
    }
  }

  function toggleStatus(s: TrialStatus): void {
    const statuses = new Set(store.filters.statuses);
    if (statuses.has(s)) statuses.delete(s);
    else statuses.add(s);
    store.setFilters({ statuses });
  }

  // ── rows: filter, sort, incremental patch
  function sortRows(rows: TrialRow[]): TrialRow[] {
    const col = sortColumn();
    const dir = sort.dir;
    // trialOrder is already by number; other columns sort on precomputed keys (one read per row).
    if (col.key === 'number') return dir === 1 ? rows.sort((a, b) => a.number - b.number) : rows.sort((a, b) => b.number - a.number);
    const keys = rows.map((r) => col.sortValue(r));
    const order = rows.map((_, i) => i);
    order.sort((a, b) => compareValues(keys[a], keys[b], dir) || rows[a]!.number - rows[b]!.number);
    return order.map((i) => rows[i]!);
  }

  function rebuildView(): void {
    view = sortRows(store.visibleTrials());
    body.setRows(view);
  }

  /** Re-places the changed trials: out of the list, then back in at their sorted place if they pass. */
  function patchView(ids: readonly TrialId[]): void {
    if (ids.length > INCREMENTAL_LIMIT) return rebuildView();
    const changed = new Set(ids);
    const next = view.filter((r) => !changed.has(r.id));
    const col = sortColumn();
    for (const id of ids) {
      const t = store.trials.get(id);
      if (!t || !store.passes(t)) continue;
      let lo = 0;
      let hi = next.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (compareRows(col, sort.dir, next[mid]!, t) <= 0) lo = mid + 1;
        else hi = mid;
      }
      next.splice(lo, 0, t);
    }
    view = next;
    body.setRows(view);
  }

  // ── "only parameters that vary"
  /** Trials not yet sampled have no params: they say nothing about which parameters vary. */
  function noteParams(t: TrialRow): boolean {
    let added = false;
    for (const p of store.header?.params ?? []) {
      if (varying.has(p.name)) continue;
      const v = t.params[p.name];
      if (!firstValue.has(p.name)) firstValue.set(p.name, v);
      else if (firstValue.get(p.name) !== v) {
        varying.add(p.name);
        added = true;
      }
    }
    return added;
  }

  function recomputeVarying(): void {
    varying.clear();
    firstValue.clear();
    const params = store.header?.params ?? [];
    for (const t of store.trialOrder) {
      if (varying.size === params.length) break;
      for (const _ in t.params) {
        noteParams(t);
        break;
      }
    }
  }

  // ── rendering
  const scheduleRender = rafOnce(render);

  function render(): void {
    body.setSelected(store.selected);
    body.render();
    const total = store.trials.size;
    const brushes = store.filters.brushes.size;
    count.textContent =
      (view.length === total ? `${total} trial${total === 1 ? '' : 's'}` : `${view.length} of ${total}`) +
      (brushes > 0 ? ` · ${brushes} axis brush${brushes === 1 ? '' : 'es'}` : '');
    const filtered = store.filters.statuses.size > 0 || store.filters.text !== '' || store.filters.ranges.size > 0;
    clearButton.hidden = !filtered;
    empty.hidden = view.length > 0;
    empty.textContent = store.header === null ? 'Waiting for the study…' : total === 0 ? 'No trials yet.' : 'No trial matches the filters.';
  }

  scroller.addEventListener('scroll', () => {
    // Rendering in the scroll event (once a frame) keeps rows in step with the scrollbar: no blank flash.
    menu.close();
    body.render();
  }, { passive: true });
  new ResizeObserver(() => scheduleRender()).observe(scroller);

  // ── selection and actions
  function select(id: TrialId): void {
    store.select(id, 'table');
  }

  function rowOf(target: EventTarget | null): { id: TrialId; row: HTMLElement } | null {
    const row = (target as HTMLElement | null)?.closest<HTMLElement>('.trow');
    const id = row?.dataset.trialId;
    return row && id !== undefined ? { id, row } : null;
  }

  body.element.addEventListener('mousedown', () => scroller.focus({ preventScroll: true }));
  body.element.addEventListener('click', (e) => {
    const hit = rowOf(e.target);
    if (!hit) return;
    select(hit.id);
    const action = (e.target as HTMLElement).closest<HTMLElement>('[data-action]')?.dataset.action;
    if (action === 'output') host.post('trial/showOutput', { trialId: hit.id });
    else if (action === 'stop') host.post('trial/stop', { trialId: hit.id });
    else if (action === 'menu') {
      const box = (e.target as HTMLElement).getBoundingClientRect();
      openMenu(hit.id, box.left, box.bottom);
    }
  });
  body.element.addEventListener('dblclick', (e) => {
    const hit = rowOf(e.target);
    if (hit && !(e.target as HTMLElement).closest('[data-action]')) host.post('trial/showOutput', { trialId: hit.id });
  });
  body.element.addEventListener('contextmenu', (e) => {
    const hit = rowOf(e.target);
    if (!hit) return;
    e.preventDefault();
    select(hit.id);
    openMenu(hit.id, e.clientX, e.clientY);
  });

  function openMenu(id: TrialId, x: number, y: number): void {
    const t = store.trials.get(id);
    if (!t) return;
    const run = (f: () => void) => () => {
      menu.close();
      f();
    };
    const items = [
      menuItem('terminal', 'Show output', run(() => host.post('trial/showOutput', { trialId: id })), 'output'),
      ...(t.canStop ? [menuItem('debug-stop', 'Stop trial', run(() => host.post('trial/stop', { trialId: id })), 'stop')] : []),
      menuItem('copy', 'Copy command', run(() => host.post('trial/copyCommand', { trialId: id })), 'copy'),
      menuItem('debug-rerun', 'Re-run with the same budget', run(() => host.post('trial/rerun', { trialId: id, fullBudget: false })), 'rerun'),
      menuItem('run-all', 'Re-run at full budget', run(() => host.post('trial/rerun', { trialId: id, fullBudget: true })), 'rerun-full'),
    ];
    const title = document.createElement('div');
    title.className = 'menu-title';
    title.textContent = `Trial ${t.number}`;
    menu.show([title, ...items], x, y, () => scroller.focus({ preventScroll: true }));
  }

  scroller.addEventListener('keydown', (e) => {
    if (e.target !== scroller) return;
    const at = store.selected === null ? -1 : body.indexOf(store.selected);
    const move = (to: number): void => {
      if (view.length === 0) return;
      const i = Math.max(0, Math.min(view.length - 1, to));
      select(view[i]!.id);
      body.ensureVisible(i);
      scheduleRender();
    };
    const page = body.viewportRows();
    switch (e.key) {
      case 'ArrowDown':
        move(at + 1);
        break;
      case 'ArrowUp':
        move(at < 0 ? 0 : at - 1);
        break;
      case 'PageDown':
        move(at + page);
        break;
      case 'PageUp':
        move(at - page);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(view.length - 1);
        break;
      case 'Enter':
        if (store.selected !== null) host.post('trial/showOutput', { trialId: store.selected });
        break;
      case 'ContextMenu':
      case 'F10':
        if (e.key === 'F10' && !e.shiftKey) return;
        if (store.selected !== null) {
          const row = body.rowElement(store.selected)?.getBoundingClientRect() ?? scroller.getBoundingClientRect();
          openMenu(store.selected, row.left + 40, row.bottom);
        }
        break;
      default:
        return;
    }
    e.preventDefault();
  });

  // ── toolbar wiring
  let searchTimer = 0;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = window.setTimeout(() => store.setFilters({ text: search.value.trim() }), 150);
  });
  filterToggle.addEventListener('change', () => {
    showFilters = filterToggle.checked;
    filterRow.hidden = !showFilters;
    persist();
    scheduleRender();
  });
  varyToggle.addEventListener('change', () => {
    varyOnly = varyToggle.checked;
    persist();
    updateColumns();
  });
  clearButton.addEventListener('click', () => {
    search.value = '';
    store.setFilters({ statuses: new Set(), text: '', ranges: new Map() });
  });
  columnsButton.addEventListener('click', () => {
    const lines = allColumns
      .filter((c) => c.key !== 'number')
      .map((c) =>
        checkItem(
          c.param ? `${c.label}${varyOnly && !varying.has(c.param.name) ? ' (same in every trial)' : ''}` : c.label,
          !hidden.has(c.key),
          (on) => {
            if (on) hidden.delete(c.key);
            else hidden.add(c.key);
            persist();
            updateColumns();
          },
          c.key,
        ),
      );
    const box = columnsButton.getBoundingClientRect();
    panel.show(lines, box.left - 120, box.bottom, () => columnsButton.focus());
  });

  // ── store
  /** A whole study (a snapshot, or the one the store holds at mount): columns, chips and rows from scratch. */
  const loadStudy = (): void => {
    allColumns = buildColumns(store.header);
    recomputeVarying();
    updateColumns(true);
    updateChips();
    rebuildView();
  };
  store.subscribe((change) => {
    switch (change.kind) {
      case 'snapshot':
        loadStudy();
        scheduleRender();
        return;
      case 'patch': {
        if (change.headerChanged) {
          updateChips();
          // New parameter list or metric name: new columns.
          const next = buildColumns(store.header);
          if (next.map((c) => `${c.key}:${c.label}`).join() !== allColumns.map((c) => `${c.key}:${c.label}`).join()) {
            allColumns = next;
            updateColumns(true);
          }
        }
        const ids = change.trialIds ?? [];
        if (ids.length === 0) return;
        let moreVary = false;
        for (const id of ids) {
          const t = store.trials.get(id);
          if (t && Object.keys(t.params).length > 0 && noteParams(t)) moreVary = true;
        }
        if (moreVary) updateColumns();
        patchView(ids);
        scheduleRender();
        return;
      }
      case 'filters':
        syncFilterInputs();
        updateChips();
        if (document.activeElement !== search && search.value.trim() !== store.filters.text) search.value = store.filters.text;
        rebuildView();
        scheduleRender();
        return;
      case 'selection': {
        // Not re-centred on a selection made here (a click or an arrow key already shows the row).
        if (change.source !== 'table' && store.selected !== null) body.ensureVisible(body.indexOf(store.selected), true);
        scheduleRender();
        return;
      }
      case 'curves':
        return;
    }
  });

  if (store.header) loadStudy();
  else updateColumns(true);
  scheduleRender();
}

function toolButton(icon: string, label: string, checked?: boolean): HTMLElement & { checked: boolean } {
  const b = document.createElement('vscode-toolbar-button');
  b.icon = icon;
  b.label = label;
  b.title = label;
  if (checked !== undefined) {
    b.toggleable = true;
    b.checked = checked;
  }
  return b;
}
