/**
 * Pruning decisions: the scheduler's plan (brackets × rungs, with how many trials reached, were stopped
 * at and run at each rung), the early-stopping check (how well each rung ranks the trials that ran to the
 * end, with `rung show`'s hint when one ranks them poorly), the decision log with each decision's evidence
 * in words, and — for the decision clicked — the trial's curve against the peers it was ranked with, with
 * the decision step and cutoff.
 *
 * Live updates are incremental: new decisions from a patch are appended to the (virtualised) log, the
 * grid's counts are rewritten at most once a frame, and the comparison redraws when its curves arrive.
 * While the tab is hidden none of that touches the DOM: the view notes what changed (and a selection to
 * reveal) and catches up once when the tab is shown (visibility.ts).
 *
 * The open comparison outlives snapshots that still hold its decision and trial (a resync, a study re-read
 * from disk) and closes when they are gone; it is kept in the webview state too, since VS Code reloads a
 * hidden dashboard panel when it is shown again: the first snapshot after the reload reopens it.
 */
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import type { DecisionRow } from '../../../src/shared/dashboardProtocol';
import type { TrialId } from '../../../src/shared/ids';
import { rafOnce } from '../frames';
import type { HostApi } from '../host';
import type { CurveRequests } from '../state/curveRequests';
import type { Change, DashboardStore } from '../state/store';
import { DecisionLog } from './decisions/decisionLog';
import { chartCanvas } from './charts/chartSetup';
import { renderCurveComparison, type CurveComparison } from './charts/curveComparison';
import { PlanGrid, type RungPick } from './decisions/planGrid';
import { RungCheckPanel, type RungCheckState } from './decisions/rungCheck';
import { tabVisibility } from './visibility';

type KindFilter = 'all' | 'stop' | 'promote';

interface DecisionsUiState {
  readonly kind: KindFilter;
  readonly text: string;
  readonly newestFirst: boolean;
  /** The seq of the decision whose comparison is open (VS Code reloads a hidden dashboard when it is shown again). */
  readonly open?: number;
}

const UI_KEY = 'decisions';
const RUNG_CHECK_KEY = 'rungCheck';

export function mountDecisions(root: HTMLElement, store: DashboardStore, host: HostApi, curves: CurveRequests): void {
  root.textContent = '';
  root.classList.add('decisions');
  const saved = host.getUiState<DecisionsUiState>(UI_KEY);
  let kind: KindFilter = saved?.kind ?? 'all';
  let text = saved?.text ?? '';
  let pick: RungPick | null = null;
  /** The decision whose evidence is shown, and the trial ids its chart needs. */
  let shown: { decision: DecisionRow; ids: Set<TrialId> } | null = null;
  /** A comparison open before the page was reloaded: reopened by the first snapshot that still has it. */
  let reopen: number | null = saved?.open ?? null;
  const vis = tabVisibility(root);
  /** How many of store.decisions the log has taken (filtered): later ones are new (the list only grows between snapshots). */
  let logged = 0;
  /** While hidden: something changed (redraw on show), the log must be re-filtered, a selection is to be revealed. */
  let stale = false;
  let refilterOnShow = false;
  let revealOnShow = false;

  const grid = new PlanGrid(applyPick);
  function applyPick(p: RungPick | null): void {
    pick = p;
    // The table shows the same trials: those whose highest rung is the picked one (in its bracket).
    const brackets = store.header?.plan.brackets.length ?? 1;
    store.setRanges({
      rung: p ? { min: p.rung, max: p.rung } : undefined,
      bracket: p && brackets > 1 ? { min: p.bracket, max: p.bracket } : undefined,
    });
    refilter();
  }

  // Toolbar: text filter, kind filter, order, count and the rung chip.
  const toolbar = document.createElement('div');
  toolbar.className = 'decision-toolbar';
  const search = document.createElement('vscode-textfield');
  search.placeholder = 'Filter decisions';
  search.value = text;
  search.className = 'decision-search';
  search.setAttribute('aria-label', 'Filter decisions by text');
  const kinds = document.createElement('vscode-single-select');
  kinds.className = 'decision-kind';
  kinds.setAttribute('aria-label', 'Decision kind');
  for (const [value, label] of [['all', 'All'], ['stop', 'Stops'], ['promote', 'Promotions']] as const) {
    const option = document.createElement('vscode-option');
    option.value = value;
    option.textContent = label;
    if (value === kind) option.selected = true;
    kinds.append(option);
  }
  const order = document.createElement('vscode-toolbar-button');
  order.className = 'decision-order';
  const count = document.createElement('span');
  count.className = 'decision-count';
  const chip = document.createElement('vscode-toolbar-button');
  chip.className = 'decision-rung-chip';
  chip.icon = 'close';
  chip.hidden = true;
  toolbar.append(search, kinds, order, chip, count);

  const log = new DecisionLog({ open });
  log.setNewestFirst(saved?.newestFirst ?? true);
  const empty = document.createElement('div');
  empty.className = 'decision-empty';

  // The comparison pane, shown once a decision is opened.
  const compare = document.createElement('div');
  compare.className = 'decision-compare';
  compare.hidden = true;
  const compareHead = document.createElement('div');
  compareHead.className = 'decision-compare-head';
  const caption = document.createElement('span');
  caption.className = 'decision-compare-caption';
  const close = document.createElement('vscode-toolbar-button');
  close.icon = 'close';
  close.label = 'Close the comparison';
  compareHead.append(caption, close);
  const { box: chartBox, canvas } = chartCanvas('peer-chart');
  compare.append(compareHead, chartBox);
  let chart: CurveComparison | null = null;

  const rungCheck = new RungCheckPanel(host.getUiState<RungCheckState>(RUNG_CHECK_KEY), (state) => host.setUiState(RUNG_CHECK_KEY, state));

  root.append(grid.element, rungCheck.element, toolbar, log.element, empty, compare);

  const updateOrderButton = (): void => {
    order.icon = log.newestFirst ? 'arrow-down' : 'arrow-up';
    order.label = log.newestFirst ? 'Newest first (click for oldest first)' : 'Oldest first (click for newest first)';
    order.title = order.label;
  };
  updateOrderButton();
  const persist = (): void =>
    host.setUiState(UI_KEY, { kind, text, newestFirst: log.newestFirst, ...(shown ? { open: shown.decision.seq } : {}) } satisfies DecisionsUiState);

  search.addEventListener('input', () => {
    text = search.value;
    persist();
    refilter();
  });
  kinds.addEventListener('change', () => {
    kind = kinds.value as KindFilter;
    persist();
    refilter();
  });
  order.addEventListener('click', () => {
    log.setNewestFirst(!log.newestFirst);
    updateOrderButton();
    persist();
  });
  chip.addEventListener('click', () => {
    grid.setPick(null);
    applyPick(null);
  });
  close.addEventListener('click', closeComparison);
  function closeComparison(): void {
    shown = null;
    compare.hidden = true;
    log.setActive(null);
    chart?.destroy();
    chart = null;
    persist();
  }

  /** `text` lower-cased, set by refilter (once per filter change rather than once per decision). */
  let needle = text.toLowerCase();
  function passes(d: DecisionRow): boolean {
    if (kind !== 'all' && d.kind !== kind) return false;
    if (pick !== null) {
      if (d.rung !== pick.rung) return false;
      const bracket = store.trials.get(d.trialId)?.bracket ?? null;
      if (bracket !== null && bracket !== pick.bracket) return false;
    }
    if (needle && !d.text.toLowerCase().includes(needle)) return false;
    return true;
  }

  function refilter(): void {
    needle = text.toLowerCase();
    log.setItems(store.decisions.filter(passes));
    logged = store.decisions.length;
    updateCount();
  }

  /** Appends the decisions the store got since the log last took some. */
  function appendNew(): void {
    if (logged === store.decisions.length) return;
    log.append(store.decisions.slice(logged).filter(passes));
    logged = store.decisions.length;
    updateCount();
  }

  function updateCount(): void {
    const total = store.decisions.length;
    count.textContent = log.size === total ? `${total} decision${total === 1 ? '' : 's'}` : `${log.size} of ${total}`;
    chip.hidden = pick === null;
    if (pick !== null) {
      chip.label = `Showing rung ${pick.rung} only: click to show all rungs`;
      chip.title = chip.label;
      chip.textContent = `rung ${pick.rung}`;
    }
    log.element.hidden = log.size === 0;
    empty.hidden = log.size > 0;
    empty.textContent =
      total === 0
        ? store.header === null
          ? 'Waiting for the study…'
          : 'No decisions yet: the scheduler has not stopped or promoted any trial.'
        : 'No decision matches the filters.';
  }

  /** Opens the comparison for `d`; `select` false when it is reopened after a reload (the selection is the host's). */
  function open(d: DecisionRow, select = true): void {
    if (select) store.select(d.trialId, 'decisions');
    log.setActive(d.seq);
    shown = { decision: d, ids: new Set([d.trialId, ...d.peers]) };
    reopen = null;
    persist();
    compare.hidden = false;
    // The shared comparison chart asks for the curves it lacks and redraws as they arrive.
    const step = d.step ?? undefined;
    const threshold = { value: d.threshold, label: d.rule === 'median' ? 'median' : 'cutoff' };
    if (chart) chart.update(d.trialId, d.peers, step, threshold);
    else chart = renderCurveComparison(canvas, store, curves, d.trialId, d.peers, step, threshold, drawCaption);
    drawCaption();
  }

  const scheduleCaption = rafOnce(drawCaption);

  /**
   * After a snapshot: the open comparison (or the one to reopen) stays while its decision and trial are in
   * it, on the snapshot's row, and closes when either is gone.
   */
  function keepComparison(): void {
    const seq = shown?.decision.seq ?? reopen;
    if (seq === null) return;
    reopen = null;
    const d = decisionBySeq(seq);
    if (d === undefined || !store.trials.has(d.trialId)) {
      if (shown) closeComparison();
      else persist(); // forgets the one to reopen
    } else if (shown) shown = { decision: d, ids: shown.ids };
    else open(d, false);
  }

  /** store.decisions is sorted by seq. */
  function decisionBySeq(seq: number): DecisionRow | undefined {
    const list = store.decisions;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const at = list[mid]!.seq;
      if (at === seq) return list[mid];
      if (at < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** "Trial 17 against 5 peers at rung 2", with how many curves are still on their way. */
  function drawCaption(): void {
    if (!shown || !store.header) return;
    const d = shown.decision;
    let waiting = 0;
    for (const id of shown.ids) if (!store.curves.has(id)) waiting++;
    caption.textContent =
      `Trial ${d.trialId} against ${d.peers.length} peer${d.peers.length === 1 ? '' : 's'}` +
      (d.rung !== null ? ` at rung ${d.rung}` : '') +
      (waiting > 0 ? ` (loading ${waiting} curve${waiting === 1 ? '' : 's'}…)` : '');
    caption.title = d.text;
    canvas.setAttribute('aria-label', `${store.header.metric} per ${store.header.stepUnit}: ${d.text}`);
    compare.dataset.curves = String(chart?.drawnCurves ?? 0);
  }

  const scheduleGrid = rafOnce(() => {
    if (!vis.visible) stale = true; // hidden since it was asked for: counted on the next show
    else if (store.header) grid.update(store.header, store.trials.values());
  });

  store.subscribe((change) => {
    if (!vis.visible) return noteWhileHidden(change);
    switch (change.kind) {
      case 'snapshot':
        keepComparison();
        rungCheck.update(store.header, store.rungCheck);
        scheduleGrid();
        refilter();
        log.setSelectedTrial(store.selected);
        return;
      case 'patch':
        if ((change.trialIds?.length ?? 0) > 0 || change.headerChanged) scheduleGrid();
        // The step unit is in the header; the check comes only when it changed.
        if (change.rungCheckChanged || change.headerChanged) rungCheck.update(store.header, store.rungCheck);
        appendNew();
        return;
      case 'curves':
        if (shown && change.trialIds?.some((id) => shown!.ids.has(id))) scheduleCaption();
        return;
      case 'selection':
        log.setSelectedTrial(store.selected);
        if (change.source !== 'decisions' && store.selected !== null) log.reveal(store.selected);
        return;
      case 'filters':
        // The table's filter row may clear the rung range this view set.
        if (pick !== null && !store.filters.ranges.has('rung')) {
          pick = null;
          grid.setPick(null);
          refilter();
        }
        return;
    }
  });

  /** A change while the tab is hidden: only state is kept (the pick, what to redo and reveal); the DOM waits for the show. */
  function noteWhileHidden(change: Change): void {
    stale = true;
    switch (change.kind) {
      case 'snapshot':
        keepComparison();
        refilterOnShow = true;
        return;
      case 'selection':
        revealOnShow = store.selected !== null;
        return;
      case 'filters':
        if (pick !== null && !store.filters.ranges.has('rung')) {
          pick = null;
          grid.setPick(null);
          refilterOnShow = true;
        }
        return;
      default:
        return;
    }
  }

  vis.onShow(() => {
    if (!stale) return;
    stale = false;
    rungCheck.update(store.header, store.rungCheck); // keyed: nothing happens when the check is unchanged
    if (store.header) grid.update(store.header, store.trials.values());
    if (refilterOnShow) refilter();
    else appendNew(); // as the patches would have: keeps a reader's place in a newest-first log
    refilterOnShow = false;
    log.setSelectedTrial(store.selected);
    if (revealOnShow && store.selected !== null) log.reveal(store.selected);
    revealOnShow = false;
    drawCaption();
  });
  refilter();
}
