/**
 * Optimisation history: each trial's value by trial number (completed, pruned and running styled apart;
 * a pruned trial's value is the one it was stopped with) and the best value so far among completed
 * trials, in the study's goal direction, as a step line. Click a point to select that trial.
 *
 * Live: patches mark the chart dirty and it is rebuilt and updated in place (`update('none')`) at most
 * 4 times a second while its tab is shown; while hidden it is only marked stale and rebuilt once when
 * the tab is shown again (visibility.ts). Large data: no animation, pre-parsed points sorted by x (`parsing: false`,
 * `normalized: true`). Chart.js's decimation plugin only thins line datasets, so it does not apply to the
 * points; the best-so-far line has a point per improvement only, so it stays short anyway.
 *
 * Test hook: data-points on the root = trial points drawn.
 */
import type { TrialId } from '../../../src/shared/ids';
import type { HostApi } from '../host';
import type { DashboardStore } from '../state/store';
import { Chart, applyTheme, chartCanvas, chartToolbar, chartUpdater, fastChartOptions, themedScale, type Point } from './charts/chartSetup';
import { onThemeChange, readChartTheme, withAlpha, type ChartTheme } from './charts/chartTheme';
import { formatNumber } from './table/format';
import { tabVisibility } from './visibility';

const UPDATE_MS = 250;

type Series = 'completed' | 'pruned' | 'running' | 'selected' | 'best';
const SERIES: readonly Series[] = ['selected', 'completed', 'running', 'pruned', 'best'];

export function mountHistory(root: HTMLElement, store: DashboardStore, host: HostApi): void {
  void host;
  root.textContent = '';
  root.classList.add('chart-view', 'history-view');
  const { toolbar, caption } = chartToolbar();
  toolbar.append(caption);
  const { box, canvas } = chartCanvas('chart-box');
  root.append(toolbar, box);

  let theme: ChartTheme = readChartTheme(root);
  const vis = tabVisibility(root);
  /** Trial ids behind each series' points, to map a click back to a trial. */
  const ids: Record<Series, TrialId[]> = { completed: [], pruned: [], running: [], selected: [], best: [] };

  const chart = new Chart<'scatter', Point[]>(canvas, {
    type: 'scatter',
    data: { datasets: SERIES.map((s) => ({ label: s, data: [] })) },
    options: {
      ...fastChartOptions,
      scales: { x: themedScale(theme, 'trial'), y: themedScale(theme, 'value') },
      plugins: {
        legend: { position: 'bottom', labels: { color: theme.foreground, boxWidth: 10, font: { size: 11 }, filter: (item) => item.text !== 'selected' } },
        tooltip: { callbacks: { label: (item) => `trial #${item.parsed.x}: ${item.parsed.y}` } },
      },
      onClick: (_event, elements) => {
        const hit = elements[0];
        const series = hit ? SERIES[hit.datasetIndex] : undefined;
        const id = series && series !== 'best' ? ids[series][hit!.index] : undefined;
        if (id !== undefined) store.select(id, 'history');
      },
    },
  });
  const draw = chartUpdater(chart, vis);

  function styleDatasets(): void {
    // Style options are set in place so the datasets keep their data arrays (mixed scatter/line types).
    const [selected, completed, running, pruned, best] = chart.data.datasets as unknown as Array<Record<string, unknown>>;
    Object.assign(selected!, { type: 'scatter', label: 'selected', order: 0, pointRadius: 6, pointStyle: 'circle', borderColor: theme.foreground, backgroundColor: 'transparent', borderWidth: 2 });
    Object.assign(completed!, { type: 'scatter', label: 'completed', order: 2, pointRadius: 2.5, pointStyle: 'circle', backgroundColor: theme.blue, borderColor: theme.blue, borderWidth: 0 });
    Object.assign(running!, { type: 'scatter', label: 'running', order: 1, pointRadius: 3.5, pointStyle: 'triangle', backgroundColor: theme.yellow, borderColor: theme.yellow, borderWidth: 0 });
    Object.assign(pruned!, { type: 'scatter', label: 'pruned', order: 3, pointRadius: 3, pointStyle: 'crossRot', borderColor: withAlpha(theme.muted, 0.6), backgroundColor: withAlpha(theme.muted, 0.6), borderWidth: 1 });
    Object.assign(best!, {
      type: 'line',
      label: 'best so far',
      order: 1,
      showLine: true,
      stepped: 'after',
      pointRadius: 0,
      borderColor: theme.green,
      backgroundColor: theme.green,
      borderWidth: 2,
    });
  }

  function rebuild(): void {
    const goal = store.header?.goal ?? 'minimize';
    const data: Record<Series, Point[]> = { completed: [], pruned: [], running: [], selected: [], best: [] };
    for (const s of SERIES) ids[s] = [];
    let best: number | null = null;
    let lastX = 0;
    for (const t of store.trialOrder) {
      lastX = t.number;
      if (t.value === null || !Number.isFinite(t.value)) continue;
      const series: Series | null = t.status === 'completed' ? 'completed' : t.status === 'pruned' ? 'pruned' : t.status === 'running' ? 'running' : null;
      if (!series) continue;
      data[series].push({ x: t.number, y: t.value });
      ids[series].push(t.id);
      if (series === 'completed' && (best === null || (goal === 'minimize' ? t.value < best : t.value > best))) {
        best = t.value;
        data.best.push({ x: t.number, y: t.value });
      }
      if (t.id === store.selected) {
        data.selected.push({ x: t.number, y: t.value });
        ids.selected.push(t.id);
      }
    }
    // Carry the best line to the last trial.
    if (best !== null && data.best[data.best.length - 1]!.x < lastX) data.best.push({ x: lastX, y: best });
    SERIES.forEach((s, i) => {
      chart.data.datasets[i]!.data = data[s];
    });
    const scales = chart.options.scales!;
    (scales.y as { title: { text: string } }).title.text = store.header?.metric ?? 'value';
    draw();
    const points = data.completed.length + data.pruned.length + data.running.length;
    root.dataset.points = String(points);
    caption.textContent = `${store.header?.metric ?? 'value'} per trial; best so far ${best === null ? '–' : formatNumber(best)} (${goal})`;
    canvas.setAttribute('aria-label', `Optimisation history: ${points} trials. ${caption.textContent}`);
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = 0;
  // Rebuilt at once when visible, else once when the tab is shown.
  const rebuildWhenVisible = vis.deferWhileHidden(() => {
    clearTimeout(timer);
    timer = undefined;
    last = performance.now();
    rebuild();
  });
  // ≤ 4 updates a second however often patches come.
  function scheduleRebuild(): void {
    if (!vis.visible) return rebuildWhenVisible();
    if (timer !== undefined) return;
    timer = setTimeout(rebuildWhenVisible, Math.max(0, last + UPDATE_MS - performance.now()));
  }

  store.subscribe((change) => {
    if (change.kind === 'snapshot' || change.kind === 'patch' || change.kind === 'selection') scheduleRebuild();
  });
  onThemeChange(() => {
    theme = readChartTheme(root);
    applyTheme(chart, theme);
    const legend = chart.options.plugins?.legend;
    if (legend?.labels) legend.labels.color = theme.foreground;
    styleDatasets();
    if (vis.visible) draw();
    else rebuildWhenVisible();
  });
  styleDatasets();
  rebuild();
}
