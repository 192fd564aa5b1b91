/**
 * "This trial against its peers": one trial's curve drawn strong over the curves of the trials it was
 * compared with (e.g. its rung cohort), with an optional dashed vertical line at the rung's step and an
 * optional dashed horizontal line, labelled, at the value the trial was compared with (cutoff or median).
 * Used by views that explain a decision; the curves are fetched on demand and the chart redraws itself
 * when they arrive, until `destroy()` (while the canvas is in a hidden tab, once when the tab is shown).
 *
 *   const cmp = renderCurveComparison(canvas, store, curves, '17', decision.peers, decision.step ?? undefined,
 *     { value: decision.threshold, label: 'cutoff' });
 *   ...later: cmp.update('18', peers, step, threshold) to show another trial on the same canvas; cmp.destroy().
 *
 * The canvas should sit in a container with a definite height (the chart is responsive, no aspect ratio).
 */
import type { Plugin } from 'chart.js';
import type { TrialId } from '../../../../src/shared/ids';
import type { CurveRequests } from '../../state/curveRequests';
import type { DashboardStore } from '../../state/store';
import { Chart, applyTheme, chartUpdater, fastChartOptions, themedScale, type Point } from './chartSetup';
import { onThemeChange, readChartTheme, withAlpha, type ChartTheme } from './chartTheme';
import { curveDataset, curveLabel, type CurveDataset } from './curveDatasets';
import { formatNumber } from '../table/format';
import { tabVisibility } from '../visibility';

/** A horizontal line at `value` (none when null), labelled "`label` value" at its right end. */
export interface ComparisonThreshold {
  readonly value: number | null;
  readonly label: string;
}

export interface CurveComparison {
  /** Shows another focus trial / peers / rung step / threshold on the same chart. */
  update(focusId: TrialId, peerIds: readonly TrialId[], rungStep?: number, threshold?: ComparisonThreshold): void;
  /** How many curves are drawn now (focus included); for captions and tests. */
  readonly drawnCurves: number;
  destroy(): void;
}

/** Peers drawn at most (a cohort can be large; the rest add nothing readable). */
export const MAX_PEERS = 60;

export function renderCurveComparison(
  canvas: HTMLCanvasElement,
  store: DashboardStore,
  curves: CurveRequests,
  focusId: TrialId,
  peerIds: readonly TrialId[],
  rungStep?: number,
  threshold?: ComparisonThreshold,
  /** Called after each redraw (a caller's caption that counts the curves drawn follows the chart). */
  onRedraw?: () => void,
): CurveComparison {
  let focus = focusId;
  let peers = peerIds.filter((p) => p !== focusId).slice(0, MAX_PEERS);
  let step = rungStep;
  let cut = threshold;
  let theme: ChartTheme = readChartTheme(canvas);

  const stepLine: Plugin<'line'> = {
    id: 'rungStepLine',
    afterDatasetsDraw(chart) {
      const { top, bottom, left, right } = chart.chartArea;
      const ctx = chart.ctx;
      if (step !== undefined) {
        const x = chart.scales.x!.getPixelForValue(step);
        if (x >= left && x <= right) {
          ctx.save();
          ctx.strokeStyle = theme.yellow;
          ctx.setLineDash([4, 3]);
          ctx.beginPath();
          ctx.moveTo(x, top);
          ctx.lineTo(x, bottom);
          ctx.stroke();
          ctx.restore();
        }
      }
      if (cut && cut.value !== null) {
        const y = chart.scales.y!.getPixelForValue(cut.value);
        if (y >= top && y <= bottom) {
          ctx.save();
          ctx.strokeStyle = theme.orange;
          ctx.lineWidth = 1;
          ctx.setLineDash([5, 3]);
          ctx.beginPath();
          ctx.moveTo(left, y);
          ctx.lineTo(right, y);
          ctx.stroke();
          ctx.fillStyle = theme.orange;
          ctx.font = theme.font;
          ctx.textAlign = 'right';
          ctx.fillText(`${cut.label} ${formatNumber(cut.value)}`, right - 4, y - 4);
          ctx.restore();
        }
      }
    },
  };

  Chart.getChart(canvas)?.destroy();
  const header = store.header;
  const chart = new Chart<'line', Point[]>(canvas, {
    type: 'line',
    data: { datasets: [] },
    plugins: [stepLine],
    options: {
      ...fastChartOptions,
      interaction: { mode: 'nearest', intersect: false },
      scales: { x: themedScale(theme, header?.stepUnit ?? 'step'), y: themedScale(theme, header?.metric ?? 'value') },
      plugins: { legend: { display: false } },
    },
  });
  const vis = tabVisibility(canvas);
  const draw = chartUpdater(chart, vis);

  function datasets(): CurveDataset[] {
    const out: CurveDataset[] = [];
    const peerColor = withAlpha(theme.blue, 0.4);
    for (const id of peers) {
      const c = store.curves.get(id);
      if (c) out.push(curveDataset(store.trials.get(id), c, { color: peerColor, width: 1, order: 2, label: curveLabel(store.trials.get(id), id) }));
    }
    const c = store.curves.get(focus);
    const row = store.trials.get(focus);
    if (c) out.push(curveDataset(row, c, { color: row?.status === 'pruned' ? theme.red : theme.green, width: 2.5, order: 1, label: curveLabel(row, focus) }));
    return out;
  }

  function redraw(): void {
    chart.data.datasets = datasets();
    // Keep the threshold line in view even when every curve lies above (or below) it.
    const bound = cut?.value ?? undefined;
    Object.assign(chart.options.scales!.y!, { suggestedMin: bound, suggestedMax: bound });
    draw();
    onRedraw?.();
  }

  const redrawWhenVisible = vis.deferWhileHidden(redraw);
  const unsubscribe = store.subscribe((change) => {
    if (change.kind === 'curves' && change.trialIds?.some((id) => id === focus || peers.includes(id))) redrawWhenVisible();
    else if (change.kind === 'snapshot') {
      curves.need([focus, ...peers]);
      redrawWhenVisible();
    }
  });
  const stopTheme = onThemeChange(() => {
    theme = readChartTheme(canvas);
    applyTheme(chart, theme);
    redrawWhenVisible();
  });

  const show = (f: TrialId, p: readonly TrialId[], s?: number, t?: ComparisonThreshold): void => {
    focus = f;
    peers = p.filter((id) => id !== f).slice(0, MAX_PEERS);
    step = s;
    cut = t;
    curves.need([focus, ...peers]);
    redrawWhenVisible();
  };
  show(focus, peers, step, cut);

  return {
    update: show,
    get drawnCurves() {
      return chart.data.datasets.length;
    },
    destroy() {
      unsubscribe();
      stopTheme();
      vis.dispose();
      chart.destroy();
    },
  };
}
