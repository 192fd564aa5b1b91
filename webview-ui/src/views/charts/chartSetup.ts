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
