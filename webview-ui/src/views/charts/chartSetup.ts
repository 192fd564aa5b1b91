/**
 * Chart.js for the dashboard: only the pieces the curves, history and comparison charts use are
 * registered (tree-shaken bundle; nothing that needs eval), plus shared option builders that take colours
 * from the VS Code theme. Large data: no animations, pre-parsed {x,y} points (`parsing: false`) and
 * `normalized: true` (data sorted by x, no duplicate checks).
 */
import {
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartOptions,
} from 'chart.js';
import { formatNumber } from '../table/format';
import type { Visibility } from '../visibility';
import type { ChartTheme } from './chartTheme';

Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, Legend);

export { Chart };

export type Point = { x: number; y: number };

/** The options every dashboard chart starts from: no animation, pre-parsed sorted points, sized by its box. */
export const fastChartOptions = {
  animation: false,
  parsing: false,
  normalized: true,
  responsive: true,
  maintainAspectRatio: false,
} as const;

/** A chart's toolbar (`.chart-toolbar`) with its caption (`.chart-caption`) first. */
export function chartToolbar(): { toolbar: HTMLDivElement; caption: HTMLSpanElement } {
  const toolbar = document.createElement('div');
  toolbar.className = 'chart-toolbar';
  const caption = document.createElement('span');
  caption.className = 'chart-caption';
  return { toolbar, caption };
}

/** The box a chart draws in (class `className`) holding its canvas (an image to assistive tech). */
export function chartCanvas(className: string): { box: HTMLDivElement; canvas: HTMLCanvasElement } {
  const box = document.createElement('div');
  box.className = className;
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  box.append(canvas);
  return { box, canvas };
}

/** One axis's options as Chart.js accepts them in `options.scales`. */
export type AxisOptions = NonNullable<NonNullable<ChartOptions<'line'>['scales']>[string]>;

/** A linear (or logarithmic) axis styled from the theme, with a title. */
export function themedScale(theme: ChartTheme, title: string, log = false): AxisOptions {
  return {
    type: log ? 'logarithmic' : 'linear',
    title: { display: true, text: title, color: theme.foreground },
    ticks: { color: theme.muted, callback: (v) => formatNumber(Number(v)) },
    grid: { color: theme.lines, lineWidth: 0.5 },
    border: { color: theme.lines },
  };
}

/** Re-applies theme colours to an existing chart's axes and legend (after a theme change). */
export function applyTheme(chart: Chart, theme: ChartTheme): void {
  const scales = chart.options.scales ?? {};
  for (const scale of Object.values(scales)) {
    if (!scale) continue;
    const s = scale as { title?: { color?: string }; ticks?: { color?: string }; grid?: { color?: string }; border?: { color?: string } };
    if (s.title) s.title.color = theme.foreground;
    if (s.ticks) s.ticks.color = theme.muted;
    if (s.grid) s.grid.color = theme.lines;
    if (s.border) s.border.color = theme.lines;
  }
  const legend = chart.options.plugins?.legend;
  if (legend?.labels) legend.labels.color = theme.foreground;
}

/** A palette for the "best few" curves, in theme colours. */
export function palette(theme: ChartTheme): string[] {
  return [theme.blue, theme.green, theme.purple, theme.yellow, theme.orange, theme.red];
}

/**
 * Updates and draws a chart in place, once, at its box's current size. Chart.js follows the box with a
 * ResizeObserver that acts a frame later, and sees nothing while the tab is hidden: the first update after
 * a show would draw at the size the canvas had before (0×0 for a chart mounted in a hidden tab), then
 * Chart.js would draw again at the new size. So after each show (and when the caller changed the layout
 * around the canvas: `fit`) the box is measured first; a resize that changes the canvas is itself the
 * update and draw, and Chart.js's observer then finds the size unchanged and draws nothing.
 */
export function chartUpdater(chart: Chart, vis: Visibility): (fit?: boolean) => void {
  /** `vis.shows` when the box was last measured (-1: never, e.g. mounted hidden). */
  let measuredAt = -1;
  return (fit = false) => {
    if (vis.visible && (fit || measuredAt !== vis.shows)) {
      measuredAt = vis.shows;
      const { width, height } = chart.canvas;
      chart.resize();
      // Chart.js redraws on a resize only while its canvas is in the document (always, for these views).
      if (chart.attached && (chart.canvas.width !== width || chart.canvas.height !== height)) return;
    }
    chart.update('none');
  };
}
