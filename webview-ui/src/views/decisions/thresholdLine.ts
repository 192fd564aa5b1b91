/**
 * The cutoff (or median) a decision compared the trial with, as a dashed horizontal line with a label over
 * the shared curve-comparison chart (views/charts/curveComparison.ts draws the curves and the step line).
 * A Chart.js plugin registered once through the public API; it draws only on charts whose options carry a
 * `rungThreshold` value, which `setThreshold` sets (and widens the y range to include it) on a canvas's chart.
 */
import { Chart, type ChartType, type Plugin } from 'chart.js';
import { formatNumber, readChartTheme } from '../charts/chartTheme';

export interface ThresholdOptions {
  readonly value: number | null;
  readonly label: string;
}

declare module 'chart.js' {
  // Augments Chart.js's per-plugin options (the type parameter must repeat Chart.js's declaration).
  interface PluginOptionsByType<TType extends ChartType> {
    rungThreshold?: ThresholdOptions;
  }
}

const thresholdPlugin: Plugin<'line', ThresholdOptions> = {
  id: 'rungThreshold',
  afterDatasetsDraw(chart, _args, options) {
    if (options.value === null || options.value === undefined) return;
    const y = chart.scales.y?.getPixelForValue(options.value);
    const { top, bottom, left, right } = chart.chartArea;
    if (y === undefined || y < top || y > bottom) return;
    const theme = readChartTheme(chart.canvas);
    const ctx = chart.ctx;
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
    ctx.fillText(options.label, right - 4, y - 4);
    ctx.restore();
  },
};
Chart.register(thresholdPlugin);

/** Shows (or, with null, hides) the threshold line on the chart drawn on `canvas`. */
export function setThreshold(canvas: HTMLCanvasElement, value: number | null, name: string): void {
  const chart = Chart.getChart(canvas);
  if (!chart) return;
  const options = chart.config.options ?? {};
  options.plugins = { ...options.plugins, rungThreshold: { value, label: value === null ? '' : `${name} ${formatNumber(value)}` } };
  // Keep the line in view even when every curve lies above (or below) it.
  const y = options.scales?.y;
  if (y) Object.assign(y, { suggestedMin: value ?? undefined, suggestedMax: value ?? undefined });
  chart.update('none');
}
