/**
 * Intermediate values per step: the selected trial's curve (strong, theme foreground) plus the best few
 * trials' (palette colours); a pruned trial's curve ends with a cross where it was stopped. Curves are
 * fetched on demand (CurveRequests) and the chart is updated in place, at most once a frame. While the tab
 * is hidden the view still follows which trials it shows and asks for their curves (so they are there when
 * the tab opens), but the chart is updated only once, when the tab is shown (visibility.ts).
 *
 * Test hook: data-curves on the root = curves drawn.
 */
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import type { TrialRow } from '../../../src/shared/dashboardProtocol';
import type { TrialId } from '../../../src/shared/ids';
import { rafOnce } from '../frames';
import type { HostApi } from '../host';
import type { CurveRequests } from '../state/curveRequests';
import type { DashboardStore } from '../state/store';
import { Chart, applyTheme, chartCanvas, chartToolbar, chartUpdater, fastChartOptions, palette, themedScale, type Point } from './charts/chartSetup';
import { onThemeChange, readChartTheme, type ChartTheme } from './charts/chartTheme';
import { curveDataset, curveLabel, type CurveDataset } from './charts/curveDatasets';
import { tabVisibility } from './visibility';

/** How many of the best trials are drawn besides the selection. */
export const BEST_FEW = 5;
const UI_KEY = 'curves';

export function mountCurves(root: HTMLElement, store: DashboardStore, host: HostApi, curves: CurveRequests): void {
  root.textContent = '';
  root.classList.add('chart-view', 'curves-view');
  const { toolbar, caption } = chartToolbar();
  const logY = document.createElement('vscode-checkbox');
  logY.label = 'Log scale';
  logY.checked = host.getUiState<{ logY?: boolean }>(UI_KEY)?.logY ?? false;
  toolbar.append(caption, logY);
  const { box, canvas } = chartCanvas('chart-box');
  const empty = document.createElement('div');
  empty.className = 'chart-empty';
  root.append(toolbar, box, empty);

  let theme: ChartTheme = readChartTheme(root);
  const vis = tabVisibility(root);
  /** The trials the chart should show (selection first, then the best few): kept current while hidden. */
  let wanted: TrialId[] = [];
  /** The trial of each drawn dataset, by dataset index (for clicks). */
  let drawn: TrialId[] = [];
  const chart = new Chart<'line', Point[]>(canvas, {
    type: 'line',
    data: { datasets: [] },
    options: {
      ...fastChartOptions,
      interaction: { mode: 'nearest', intersect: false },
      scales: { x: themedScale(theme, 'step'), y: themedScale(theme, 'value', logY.checked) },
      plugins: {
        legend: { position: 'bottom', labels: { color: theme.foreground, boxWidth: 12, boxHeight: 2, font: { size: 11 } } },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label ?? ''}: ${item.parsed.y}` } },
      },
      onClick: (_event, elements) => {
        const hit = elements[0];
        const id = hit ? drawn[hit.datasetIndex] : undefined;
        if (id !== undefined) store.select(id, 'curves');
      },
    },
  });
  const draw = chartUpdater(chart, vis);

  /** The selection plus the best few finished trials (running ones if none finished yet), in goal order. */
  function trialsToShow(): TrialId[] {
    const goal = store.header?.goal ?? 'minimize';
    const better = (a: TrialRow, b: TrialRow): number => (goal === 'minimize' ? a.value! - b.value! : b.value! - a.value!);
    const withValue = store.trialOrder.filter((t) => t.value !== null && Number.isFinite(t.value));
    const completed = withValue.filter((t) => t.status === 'completed');
    const pool = completed.length > 0 ? completed : withValue.filter((t) => t.status === 'running');
    const best = topK(pool, BEST_FEW, better).map((t) => t.id);
    const sel = store.selected;
    return sel !== null && store.trials.has(sel) ? [sel, ...best.filter((id) => id !== sel)] : best;
  }

  /** The state part of a render: which trials to show, and asking for their curves. */
  function track(): void {
    wanted = trialsToShow();
    curves.need(wanted);
  }

  function render(): void {
    const header = store.header;
    track();
    const colors = palette(theme);
    const datasets: CurveDataset[] = [];
    const drawnIds: TrialId[] = [];
    let k = 0;
    for (const id of wanted) {
      const row = store.trials.get(id);
      const selected = id === store.selected;
      const color = selected ? theme.foreground : colors[k++ % colors.length]!;
      const c = store.curves.get(id);
      if (!c) continue;
      const label = `${curveLabel(row, id)}${selected ? ' (selected)' : ''}`;
      datasets.push(curveDataset(row, c, { color, width: selected ? 2.5 : 1.5, order: selected ? 0 : 1, label }));
      drawnIds.push(id);
    }
    drawn = drawnIds;
    chart.data.datasets = datasets;
    const scales = chart.options.scales!;
    (scales.x as { title: { text: string } }).title.text = header?.stepUnit ?? 'step';
    (scales.y as { title: { text: string } }).title.text = header?.metric ?? 'value';
    // The empty line shares the tab with the chart's box: set it first, so the chart is drawn at its final size.
    const waiting = datasets.length === 0 && store.trialOrder.length > 0;
    const layoutChanged = empty.hidden !== datasets.length > 0;
    empty.hidden = datasets.length > 0;
    empty.textContent = store.trialOrder.length === 0 ? 'No trials yet.' : waiting ? 'Loading curves…' : '';
    draw(layoutChanged);
    root.dataset.curves = String(datasets.length);
    const sel = store.selected !== null ? store.trials.get(store.selected) : undefined;
    caption.textContent = `${header?.metric ?? 'value'} per ${header?.stepUnit ?? 'step'}: ${sel ? `trial #${sel.number} and ` : ''}the best ${Math.min(BEST_FEW, datasets.length)}`;
    canvas.setAttribute('aria-label', `${caption.textContent}; ${datasets.map((d) => d.label).join(', ')}`);
  }

  /** Renders now when the tab is shown; when hidden, the chart is drawn once on the next show. */
  const renderWhenVisible = vis.deferWhileHidden(render);

  const requestRender = rafOnce(() => {
    if (!vis.visible) track();
    renderWhenVisible();
  });

  store.subscribe((change) => {
    if (change.kind === 'filters') return;
    // New curves matter only for the trials shown (a curve of another trial changes nothing drawn).
    if (change.kind === 'curves' && !change.trialIds?.some((id) => wanted.includes(id) || id === store.selected)) return;
    requestRender();
  });
  logY.addEventListener('change', () => {
    host.setUiState(UI_KEY, { logY: logY.checked });
    chart.options.scales!.y = themedScale(theme, store.header?.metric ?? 'value', logY.checked);
    renderWhenVisible();
  });
  onThemeChange(() => {
    theme = readChartTheme(root);
    applyTheme(chart, theme);
    renderWhenVisible();
  });
  render();
}

/** The k best rows by `better` (negative = first is better) without sorting all of them. */
function topK<T>(rows: readonly T[], k: number, better: (a: T, b: T) => number): T[] {
  const out: T[] = [];
  for (const r of rows) {
    if (out.length < k) {
      out.push(r);
      out.sort(better);
    } else if (better(r, out[k - 1]!) < 0) {
      out[k - 1] = r;
      out.sort(better);
    }
  }
  return out;
}
