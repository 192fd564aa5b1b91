/**
 * Chart colours from VS Code's theme variables (never hard-coded), read with getComputedStyle, and a
 * notification when the theme changes: VS Code swaps the `vscode-light|dark|high-contrast` class on
 * <body> (and the variables on <html style>), so views observe both and re-read.
 */
import { rafOnce } from '../../frames';

export interface ChartTheme {
  readonly foreground: string;
  /** Muted text (axis ticks, captions). */
  readonly muted: string;
  readonly background: string;
  /** Grid and axis lines. */
  readonly lines: string;
  readonly blue: string;
  readonly green: string;
  readonly red: string;
  readonly yellow: string;
  readonly orange: string;
  readonly purple: string;
  /** Selection highlight (focus border: visible on every theme's background). */
  readonly focus: string;
  readonly highContrast: boolean;
  /** CSS font shorthand for canvas text. */
  readonly font: string;
}

export function readChartTheme(el: Element = document.body): ChartTheme {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback;
  const foreground = v('--vscode-charts-foreground', v('--vscode-foreground', '#888888'));
  const family = v('--vscode-font-family', 'sans-serif');
  return {
    foreground,
    muted: v('--vscode-descriptionForeground', foreground),
    background: v('--vscode-editor-background', '#1e1e1e'),
    lines: v('--vscode-charts-lines', 'rgba(128,128,128,0.5)'),
    blue: v('--vscode-charts-blue', '#3794ff'),
    green: v('--vscode-charts-green', '#89d185'),
    red: v('--vscode-charts-red', '#f14c4c'),
    yellow: v('--vscode-charts-yellow', '#cca700'),
    orange: v('--vscode-charts-orange', '#d18616'),
    purple: v('--vscode-charts-purple', '#b180d7'),
    focus: v('--vscode-focusBorder', foreground),
    highContrast: document.body.classList.contains('vscode-high-contrast'),
    font: `11px ${family}`,
  };
}

/** Calls `listener` (at most once a frame) whenever the VS Code theme changes; returns a disposer. */
export function onThemeChange(listener: () => void): () => void {
  const observer = new MutationObserver(rafOnce(listener));
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  return () => observer.disconnect();
}

/** `color` with alpha `a`, via the canvas colour parser (theme colours may be any CSS colour syntax). */
export function withAlpha(color: string, a: number): string {
  const rgb = cssColorToRgb(color);
  return rgb ? `rgba(${rgb[0]},${rgb[1]},${rgb[2]},${a})` : color;
}

let parser: CanvasRenderingContext2D | null = null;
/** [r, g, b] of any CSS colour the canvas understands (alpha dropped); null when it cannot be parsed. */
export function cssColorToRgb(color: string): [number, number, number] | null {
  parser ??= document.createElement('canvas').getContext('2d');
  if (!parser) return null;
  parser.fillStyle = '#000000';
  parser.fillStyle = color;
  const c = String(parser.fillStyle); // normalised: "#rrggbb" or "rgba(r, g, b, a)"
  if (c.startsWith('#') && c.length === 7) {
    const n = Number.parseInt(c.slice(1), 16);
    return [n >> 16, (n >> 8) & 255, n & 255];
  }
  const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(c);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/** Numbers are formatted one way everywhere (table, header, charts): see views/table/format.ts. */
export { formatNumber } from '../table/format';
