/**
 * Parallel coordinates: one vertical axis per parameter, then the rung reached, then the objective; one
 * polyline per trial, coloured by its objective value (theme colours, worse → better), pruned trials grey
 * and dashed — their line runs through the rung where they were stopped and ends at the objective axis at
 * the value they had then. Trials filtered out (by the table or by brushes) stay as faint lines.
 *
 * Why a canvas renderer of our own and not chartjs-chart-pcp: that plugin makes every line a Chart.js
 * element (one object and one stroke per line segment, re-laid out and redrawn in full on each update), so
 * 10,000 trials take seconds per draw and block the page; it also has no brushing. Here lines are batched
 * into one path per colour, drawn in time-sliced frames into a back buffer (pcp/linePainter.ts), and a
 * patch draws only the changed lines on top until a throttled full redraw cleans up.
 *
 * Layers: the line canvas; an overlay canvas (axes, ticks, brushes, the selected trial, the brush being
 * dragged) which is cheap to redraw on every interaction; DOM axis labels above (drag to reorder, × to
 * hide). Interactions on the overlay: drag vertically on an axis → brush (store.setBrush; the table
 * filters by it), click on a brushed axis → clear that brush, click elsewhere → select the nearest line.
 * Hiding an axis clears its brush (no invisible filters). Axis order and hidden axes persist in UI state.
 *
 * Test hooks (data attributes on the view's root): data-lines (lines in the last full draw), data-passing
 * (lines passing every filter), data-draws (full draws completed), data-draw-ms (wall time of the last full
 * draw, over all its frames), data-max-slice-ms (the longest single slice of drawing work so far) and
 * data-snapshot-ms (the synchronous work on the last snapshot, before the sliced drawing).
 */
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import type { TrialRow } from '../../../src/shared/dashboardProtocol';
import type { TrialId } from '../../../src/shared/ids';
import { rafOnce } from '../frames';
import type { HostApi } from '../host';
import type { DashboardStore } from '../state/store';
import { cssColorToRgb, formatNumber, onThemeChange, readChartTheme, withAlpha, type ChartTheme } from './charts/chartTheme';
import { LinePainter, STYLE_BUCKET0, STYLE_FILTERED, STYLE_NO_VALUE, STYLE_PRUNED, type DrawInput, type LineStyle } from './pcp/linePainter';
import {
  axisPosition,
  axisTicks,
  axisValue,
  brushToRange,
  bucketColors,
  buildAxes,
  colorBucket,
  fitsAxes,
  layoutAxes,
  moveAxis,
  nearestLine,
  OBJECTIVE_KEY,
  positionAtY,
  rankGoodness,
  rangeToBrush,
  sameScales,
  visibleAxes,
  yAt,
  type PcpAxis,
  type PcpLayout,
  type Rgb,
} from './pcp/pcpModel';
import { SliceScheduler } from './pcp/sliceScheduler';

const UI_KEY = 'pcp';
interface PcpUiState {
  readonly order: readonly string[];
  readonly hidden: readonly string[];
}

/** Pixels around an axis where a drag brushes (and a click clears its brush). */
const AXIS_GRAB = 12;
/** A click selects the nearest line within this many pixels. */
const PICK_DIST = 6;
/** At least this long between two full redraws caused by live patches. */
const PATCH_REDRAW_MS = 1000;

export function mountParallelCoordinates(root: HTMLElement, store: DashboardStore, host: HostApi): void {
  root.textContent = '';
  root.classList.add('pcp');

  // ── DOM
  const toolbar = document.createElement('div');
  toolbar.className = 'pcp-toolbar';
  const title = document.createElement('span');
  title.className = 'pcp-title';
  title.textContent = 'Parallel coordinates';
  const summary = document.createElement('span');
  summary.className = 'pcp-summary';
  const legend = document.createElement('span');
  legend.className = 'pcp-legend';
  legend.innerHTML =
    '<span class="pcp-legend-item"><span>worse</span><span class="pcp-gradient"></span><span>better</span></span>' +
    '<span class="pcp-legend-item"><span class="pcp-swatch pcp-swatch-pruned"></span><span>pruned</span></span>' +
    '<span class="pcp-legend-item"><span class="pcp-swatch pcp-swatch-filtered"></span><span>filtered out</span></span>';
  const hiddenList = document.createElement('span');
  hiddenList.className = 'pcp-hidden';
  const clearBrushes = document.createElement('vscode-toolbar-button');
  clearBrushes.className = 'pcp-clear';
  clearBrushes.icon = 'clear-all';
  clearBrushes.label = 'Clear brushes';
  clearBrushes.title = 'Clear all axis brushes';
  const reset = document.createElement('vscode-toolbar-button');
  reset.className = 'pcp-reset';
  reset.icon = 'discard';
  reset.label = 'Reset axes';
  reset.title = 'Reset axis order and show hidden axes';
  toolbar.append(title, summary, legend, hiddenList, clearBrushes, reset);

  const plot = document.createElement('div');
  plot.className = 'pcp-plot';
  const labels = document.createElement('div');
  labels.className = 'pcp-labels';
  const lineCanvas = document.createElement('canvas');
  lineCanvas.className = 'pcp-lines';
  const overlay = document.createElement('canvas');
  overlay.className = 'pcp-overlay';
  overlay.setAttribute('role', 'img');
  plot.append(lineCanvas, overlay);
  const body = document.createElement('div');
  body.className = 'pcp-body';
  body.append(labels, plot);
  const empty = document.createElement('div');
  empty.className = 'pcp-empty';
  empty.textContent = 'No trials yet.';
  root.append(toolbar, body, empty);

  // ── state
  const saved = host.getUiState<PcpUiState>(UI_KEY);
  let order: string[] = [...(saved?.order ?? [])];
  const hidden = new Set<string>(saved?.hidden ?? []);
  let axes: PcpAxis[] = [];
  let shown: PcpAxis[] = [];
  let shownIdx: number[] = [];
  let layout: PcpLayout = layoutAxes(0, 0, 0);
  let size = { width: 0, height: 0, dpr: 1 };
  let theme: ChartTheme = readChartTheme(root);
  let styles: LineStyle[] = [];
  const positions = new Map<TrialId, Float32Array>();
  let draws = 0;
  /** A patch arrived during a full redraw, or changed lines left ghosts: redraw fully (throttled). */
  let lastFullAt = 0;
  let fullTimer: ReturnType<typeof setTimeout> | undefined;
  /** The brush being dragged, in normalised positions. */
  let live: { axis: PcpAxis; t0: number; t1: number } | null = null;

  const scheduler = new SliceScheduler(8);
  const painter = new LinePainter(lineCanvas, scheduler);

  function persist(): void {
    host.setUiState(UI_KEY, { order, hidden: [...hidden] } satisfies PcpUiState);
  }

  // ── model
  /** Rebuilds the axes from the header and every trial, or takes `built` when the caller already built them. */
  function rebuildAxes(built?: PcpAxis[]): void {
    axes = built ?? (store.header ? buildAxes(store.header, store.trialOrder) : []);
    positions.clear();
    relayout();
  }

  function relayout(): void {
    shown = visibleAxes(axes, order, hidden);
    const indexOf = new Map(axes.map((a, i) => [a.key, i]));
    shownIdx = shown.map((a) => indexOf.get(a.key)!);
    layout = layoutAxes(shown.length, size.width, size.height);
    renderLabels();
    renderHiddenList();
  }

  function positionsOf(row: TrialRow): Float32Array {
    let p = positions.get(row.id);
    if (!p) {
      p = new Float32Array(axes.length);
      for (let i = 0; i < axes.length; i++) p[i] = axisPosition(axes[i]!, axisValue(axes[i]!, row));
      positions.set(row.id, p);
    }
    return p;
  }

  /**
   * Colours go by rank among the trials drawn in colour (not pruned: a pruned trial's value is from an
   * early step), so they spread over the trials even when a few values are far off.
   */
  let ranked = new Float64Array(0);
  function updateColorScale(): void {
    const values: number[] = [];
    for (const t of store.trialOrder) if (t.status !== 'pruned' && t.value !== null && Number.isFinite(t.value)) values.push(t.value);
    ranked = Float64Array.from(values).sort();
  }

  function styleOf(row: TrialRow): number {
    if (!store.passes(row)) return STYLE_FILTERED;
    if (row.status === 'pruned') return STYLE_PRUNED;
    const g = rankGoodness(ranked, row.value, store.header?.goal ?? 'minimize');
    return g === null ? STYLE_NO_VALUE : STYLE_BUCKET0 + colorBucket(g);
  }

  function buildStyles(): void {
    const n = Math.max(1, store.trialOrder.length);
    // Fewer, more opaque lines for small studies; many translucent ones for large (density shows).
    const alpha = Math.min(0.9, Math.max(theme.highContrast ? 0.35 : 0.22, 22 / Math.sqrt(n)));
    const rgb = (c: string, fallback: Rgb): Rgb => cssColorToRgb(c) ?? fallback;
    const colors = bucketColors(rgb(theme.orange, [209, 134, 22]), rgb(theme.blue, [55, 148, 255]));
    styles = [];
    styles[STYLE_FILTERED] = { stroke: withAlpha(theme.muted, theme.highContrast ? 0.18 : 0.07), width: 1, dash: [] };
    styles[STYLE_NO_VALUE] = { stroke: withAlpha(theme.muted, alpha * 0.8), width: 1, dash: [] };
    styles[STYLE_PRUNED] = { stroke: withAlpha(theme.muted, alpha * 0.55), width: 1, dash: [4, 3] };
    colors.forEach((c, b) => {
      styles[STYLE_BUCKET0 + b] = { stroke: `rgba(${c[0]},${c[1]},${c[2]},${alpha})`, width: 1, dash: [] };
    });
  }

  function drawInput(rows: readonly TrialRow[]): DrawInput {
    return { rows, layout, shown: shownIdx, styles, positions: positionsOf, styleOf };
  }

  // ── drawing
  function fullRedraw(): void {
    clearTimeout(fullTimer);
    fullTimer = undefined;
    lastFullAt = performance.now();
    const rows = store.trialOrder;
    empty.hidden = rows.length > 0;
    body.hidden = rows.length === 0;
    if (size.width === 0 || size.height === 0) return;
    buildStyles();
    updateColorScale();
    const started = performance.now();
    painter.redraw(drawInput(rows), (result) => {
      draws++;
      root.dataset.drawMs = String(Math.round(performance.now() - started));
      root.dataset.maxSliceMs = String(Math.round(scheduler.maxSliceMs));
      root.dataset.lines = String(result.lines);
      root.dataset.passing = String(result.passing);
      root.dataset.draws = String(draws);
      const filtered = result.passing < result.lines;
      summary.textContent = filtered ? `${result.passing} of ${result.lines} trials pass the filters` : `${result.lines} trials`;
      overlay.setAttribute('aria-label', `Parallel coordinates of ${result.lines} trials over ${shown.length} axes; ${summary.textContent}`);
    });
    drawOverlay();
  }

  /** A full redraw no sooner than PATCH_REDRAW_MS after the last one (live studies patch often). */
  function throttledFullRedraw(): void {
    if (fullTimer !== undefined) return;
    const wait = Math.max(0, lastFullAt + PATCH_REDRAW_MS - performance.now());
    fullTimer = setTimeout(fullRedraw, wait);
  }

  const requestOverlay = rafOnce(drawOverlay);

  function drawOverlay(): void {
    const ctx = overlay.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(size.dpr, 0, 0, size.dpr, 0, 0);
    ctx.clearRect(0, 0, size.width, size.height);
    ctx.font = theme.font;
    ctx.textBaseline = 'middle';
    ctx.lineJoin = 'round';
    const haloed = (text: string, x: number, y: number, color: string): void => {
      ctx.strokeStyle = theme.background;
      ctx.lineWidth = 3;
      ctx.strokeText(text, x, y);
      ctx.fillStyle = color;
      ctx.fillText(text, x, y);
    };
    shown.forEach((axis, i) => {
      const x = layout.xs[i]!;
      ctx.strokeStyle = theme.foreground;
      ctx.lineWidth = 1;
      ctx.setLineDash([]);
      ctx.beginPath();
      ctx.moveTo(x, layout.top);
      ctx.lineTo(x, layout.bottom);
      ctx.stroke();
      // Ticks, thinned so labels do not overlap.
      const ticks = axisTicks(axis, formatNumber);
      const room = Math.max(1, Math.floor((layout.bottom - layout.top) / 13));
      const every = Math.ceil(ticks.length / room);
      ticks.forEach((tick, k) => {
        const y = yAt(layout, tick.t);
        ctx.beginPath();
        ctx.moveTo(x - 3, y);
        ctx.lineTo(x, y);
        ctx.stroke();
        if (k % every === 0) haloed(tick.label, x + 5, y, theme.foreground);
      });
      if (axis.mayBeMissing) {
        ctx.setLineDash([2, 2]);
        ctx.strokeStyle = theme.muted;
        ctx.beginPath();
        ctx.moveTo(x - 6, layout.missingY);
        ctx.lineTo(x + 6, layout.missingY);
        ctx.stroke();
        ctx.setLineDash([]);
        haloed('n/a', x + 8, layout.missingY, theme.muted);
      }
      const brush = store.filters.brushes.get(axis.key);
      const span = live?.axis.key === axis.key ? ([Math.min(live.t0, live.t1), Math.max(live.t0, live.t1)] as [number, number]) : brush ? rangeToBrush(axis, brush) : null;
      if (span) {
        const y0 = yAt(layout, Math.max(0, Math.min(1, span[1])));
        const y1 = yAt(layout, Math.max(0, Math.min(1, span[0])));
        ctx.fillStyle = withAlpha(theme.focus, 0.22);
        ctx.fillRect(x - 7, y0, 14, Math.max(2, y1 - y0));
        ctx.strokeStyle = theme.focus;
        ctx.strokeRect(x - 7 + 0.5, y0 + 0.5, 13, Math.max(1, y1 - y0 - 1));
      }
    });
    drawSelected(ctx, haloed);
  }

  function drawSelected(ctx: CanvasRenderingContext2D, haloed: (t: string, x: number, y: number, c: string) => void): void {
    const row = store.selected !== null ? store.trials.get(store.selected) : undefined;
    if (!row || shown.length === 0) return;
    const p = positionsOf(row);
    const trace = (): void => {
      ctx.beginPath();
      shown.forEach((_, i) => {
        const y = yAt(layout, p[shownIdx[i]!]!);
        if (i === 0) ctx.moveTo(layout.xs[i]!, y);
        else ctx.lineTo(layout.xs[i]!, y);
      });
    };
    ctx.setLineDash([]);
    ctx.strokeStyle = theme.background;
    ctx.lineWidth = 5;
    trace();
    ctx.stroke();
    ctx.strokeStyle = theme.foreground;
    ctx.lineWidth = 2;
    trace();
    ctx.stroke();
    ctx.fillStyle = theme.foreground;
    shown.forEach((axis, i) => {
      const x = layout.xs[i]!;
      const y = yAt(layout, p[shownIdx[i]!]!);
      if (row.status === 'pruned' && axis.key === OBJECTIVE_KEY) {
        // Where it stopped: a cross on the objective axis, labelled with the rung and step.
        ctx.beginPath();
        ctx.moveTo(x - 5, y - 5);
        ctx.lineTo(x + 5, y + 5);
        ctx.moveTo(x + 5, y - 5);
        ctx.lineTo(x - 5, y + 5);
        ctx.stroke();
        const where = `pruned${row.rung !== null ? ` at rung ${row.rung}` : ''}${row.prunedAtStep !== null ? ` (${store.header?.stepUnit ?? 'step'} ${row.prunedAtStep})` : ''}`;
        ctx.textAlign = 'right';
        haloed(where, x - 8, y + 12, theme.foreground);
        ctx.textAlign = 'left';
      } else {
        ctx.beginPath();
        ctx.arc(x, y, 3, 0, Math.PI * 2);
        ctx.fill();
      }
    });
    const last = shown.length - 1;
    if (shown[last]?.key === OBJECTIVE_KEY) haloed(`#${row.number} ${formatNumber(row.value)}`, layout.xs[last]! + 8, yAt(layout, p[shownIdx[last]!]!) - 12, theme.foreground);
  }

  // ── labels (DOM): drag to reorder, × to hide
  function renderLabels(): void {
    labels.textContent = '';
    shown.forEach((axis, i) => {
      const label = document.createElement('div');
      label.className = 'pcp-axis-label';
      label.dataset.axis = axis.key;
      label.title = `${axis.label}${axis.kind === 'log' ? ' (log scale)' : ''} — drag to reorder, drag on the axis to brush`;
      label.style.left = `${layout.xs[i]}px`;
      const name = document.createElement('span');
      name.className = 'pcp-axis-name';
      name.textContent = axis.label;
      const hide = document.createElement('button');
      hide.className = 'pcp-axis-hide codicon codicon-close';
      hide.title = `Hide ${axis.label}`;
      hide.setAttribute('aria-label', `Hide axis ${axis.label}`);
      hide.addEventListener('click', (e) => {
        e.stopPropagation();
        hideAxis(axis.key);
      });
      label.append(name, hide);
      dragToReorder(label, axis, i);
      labels.append(label);
    });
  }

  function dragToReorder(label: HTMLElement, axis: PcpAxis, index: number): void {
    label.addEventListener('pointerdown', (down) => {
      if (down.button !== 0 || (down.target as HTMLElement).closest('button')) return;
      label.setPointerCapture(down.pointerId);
      let dx = 0;
      const move = (e: PointerEvent): void => {
        dx = e.clientX - down.clientX;
        if (Math.abs(dx) > 3) label.classList.add('dragging');
        label.style.transform = `translateX(calc(-50% + ${dx}px))`;
      };
      const up = (e: PointerEvent): void => {
        label.removeEventListener('pointermove', move);
        label.removeEventListener('pointerup', up);
        label.removeEventListener('pointercancel', up);
        label.classList.remove('dragging');
        label.style.transform = '';
        if (Math.abs(dx) <= 3 || e.type === 'pointercancel') return;
        // Dropped where the pointer is: after every other axis left of it.
        const x = e.clientX - labels.getBoundingClientRect().left;
        const to = layout.xs.filter((ax, j) => j !== index && ax < x).length;
        order = moveAxis(
          shown.map((a) => a.key),
          axis.key,
          to,
        );
        persist();
        relayout();
        fullRedraw();
      };
      label.addEventListener('pointermove', move);
      label.addEventListener('pointerup', up);
      label.addEventListener('pointercancel', up);
    });
  }

  function hideAxis(key: string): void {
    hidden.add(key);
    order = shown.map((a) => a.key);
    persist();
    relayout();
    if (store.filters.brushes.has(key)) store.setBrush(key, undefined); // redraws via the filters change
    else fullRedraw();
  }

  function renderHiddenList(): void {
    hiddenList.textContent = '';
    const hiddenAxes = axes.filter((a) => hidden.has(a.key));
    hiddenList.hidden = hiddenAxes.length === 0;
    for (const axis of hiddenAxes) {
      const chip = document.createElement('button');
      chip.className = 'pcp-chip';
      chip.dataset.axis = axis.key;
      chip.title = `Show the ${axis.label} axis again`;
      chip.innerHTML = '<i class="codicon codicon-eye"></i>';
      chip.append(document.createTextNode(axis.label));
      chip.addEventListener('click', () => {
        hidden.delete(axis.key);
        persist();
        relayout();
        fullRedraw();
      });
      hiddenList.append(chip);
    }
  }

  reset.addEventListener('click', () => {
    order = [];
    hidden.clear();
    persist();
    relayout();
    fullRedraw();
  });
  clearBrushes.addEventListener('click', () => store.setFilters({ brushes: new Map() }));

  // ── pointer: brush on an axis, click to clear a brush or select a line
  const local = (e: PointerEvent | MouseEvent): { x: number; y: number } => {
    const r = overlay.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  const axisNear = (x: number, y: number): number => {
    if (y < layout.top - 8 || y > layout.missingY + 8) return -1;
    let best = -1;
    let bestD = AXIS_GRAB;
    layout.xs.forEach((ax, i) => {
      const d = Math.abs(ax - x);
      if (d <= bestD) {
        bestD = d;
        best = i;
      }
    });
    return best;
  };

  overlay.addEventListener('pointermove', (e) => {
    if (e.buttons) return;
    const { x, y } = local(e);
    overlay.classList.toggle('on-axis', axisNear(x, y) >= 0);
  });
  overlay.addEventListener('pointerdown', (down) => {
    if (down.button !== 0) return;
    overlay.setPointerCapture(down.pointerId);
    const start = local(down);
    const axisIndex = axisNear(start.x, start.y);
    let moved = false;
    const move = (e: PointerEvent): void => {
      const p = local(e);
      if (Math.abs(p.y - start.y) > 3) moved = true;
      if (moved && axisIndex >= 0) {
        live = { axis: shown[axisIndex]!, t0: positionAtY(layout, start.y), t1: positionAtY(layout, p.y) };
        requestOverlay();
      }
    };
    const up = (e: PointerEvent): void => {
      overlay.removeEventListener('pointermove', move);
      overlay.removeEventListener('pointerup', up);
      overlay.removeEventListener('pointercancel', up);
      const axis = axisIndex >= 0 ? shown[axisIndex] : undefined;
      if (moved && axis && live) {
        const range = brushToRange(axis, live.t0, live.t1);
        live = null;
        store.setBrush(axis.key, range);
        return;
      }
      live = null;
      if (e.type === 'pointercancel') return;
      if (axis && store.filters.brushes.has(axis.key)) {
        store.setBrush(axis.key, undefined);
        return;
      }
      const id = pick(start.x, start.y);
      if (id !== null) store.select(id, 'pcp');
    };
    overlay.addEventListener('pointermove', move);
    overlay.addEventListener('pointerup', up);
    overlay.addEventListener('pointercancel', up);
  });

  /** The trial whose line is nearest the point: lines passing the filters first, then any. One pass per click. */
  function pick(x: number, y: number): TrialId | null {
    const n = shown.length;
    if (n === 0) return null;
    for (const onlyPassing of [true, false]) {
      const rows = onlyPassing ? store.trialOrder.filter((t) => store.passes(t)) : store.trialOrder;
      // Newest first, so a tie goes to the line more likely drawn on top.
      const flat = new Float32Array(rows.length * n);
      rows.forEach((row, r) => {
        const p = positionsOf(row);
        const at = (rows.length - 1 - r) * n;
        for (let a = 0; a < n; a++) flat[at + a] = p[shownIdx[a]!]!;
      });
      const i = nearestLine(flat, rows.length, n, layout, x, y, PICK_DIST);
      if (i >= 0) return rows[rows.length - 1 - i]!.id;
    }
    return null;
  }

  // ── store
  store.subscribe((change) => {
    switch (change.kind) {
      case 'snapshot': {
        const t0 = performance.now();
        rebuildAxes();
        fullRedraw();
        root.dataset.snapshotMs = String(Math.round(performance.now() - t0));
        return;
      }
      case 'patch': {
        const rows = (change.trialIds ?? []).map((id) => store.trials.get(id)).filter((t): t is TrialRow => t !== undefined);
        const hadLines = rows.some((r) => positions.has(r.id));
        for (const r of rows) positions.delete(r.id);
        if (change.headerChanged && store.header) {
          const next = buildAxes(store.header, store.trialOrder);
          if (!sameScales(axes, next)) {
            rebuildAxes(next);
            throttledFullRedraw();
            return;
          }
        }
        if (!rows.every((r) => fitsAxes(axes, r))) {
          rebuildAxes();
          throttledFullRedraw();
          return;
        }
        empty.hidden = store.trialOrder.length > 0;
        body.hidden = store.trialOrder.length === 0;
        // Draw changed lines on top now; a throttled full redraw removes their old lines (and catches up
        // with a full redraw that was in progress).
        if (!painter.busy) painter.drawOnTop(drawInput(rows), rows);
        if (hadLines || painter.busy) throttledFullRedraw();
        else root.dataset.lines = String(store.trialOrder.length);
        if (rows.some((r) => r.id === store.selected)) requestOverlay();
        return;
      }
      case 'filters':
        clearBrushes.hidden = store.filters.brushes.size === 0;
        fullRedraw();
        return;
      case 'selection':
        requestOverlay();
        return;
      default:
        return;
    }
  });

  // ── size and theme
  new ResizeObserver(() => {
    const r = plot.getBoundingClientRect();
    const next = { width: Math.floor(r.width), height: Math.floor(r.height), dpr: window.devicePixelRatio || 1 };
    if (next.width === size.width && next.height === size.height && next.dpr === size.dpr) return;
    size = next;
    painter.resize(size.width, size.height, size.dpr);
    overlay.width = Math.max(1, Math.round(size.width * size.dpr));
    overlay.height = Math.max(1, Math.round(size.height * size.dpr));
    relayout();
    fullRedraw();
  }).observe(plot);
  onThemeChange(() => {
    theme = readChartTheme(root);
    fullRedraw();
  });

  body.hidden = true;
  clearBrushes.hidden = true;
}
