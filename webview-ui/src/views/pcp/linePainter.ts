/**
 * Draws the plot's lines on a canvas of its own: a full redraw goes into an offscreen back buffer in
 * time-sliced animation frames (SliceScheduler: ~8 ms of work per frame, so 10,000 lines never make a long
 * task) and is copied to the visible canvas only when complete (no half-drawn flicker); lines that changed
 * meanwhile are drawn on top of the visible canvas right away.
 *
 * Lines are drawn in style order — filtered-out (faint), then no-value and pruned (grey), then by colour
 * bucket from the worst to the best — so the best trials end on top, and each run of same-style lines is
 * one path with one stroke.
 */
import type { TrialRow } from '../../../../src/shared/dashboardProtocol';
import { COLOR_BUCKETS, yAt, type PcpLayout } from './pcpModel';
import type { SliceScheduler } from './sliceScheduler';

/** Style ids: the order lines are drawn in. */
export const STYLE_FILTERED = 0;
export const STYLE_NO_VALUE = 1;
export const STYLE_PRUNED = 2;
export const STYLE_BUCKET0 = 3;
export const STYLE_COUNT = STYLE_BUCKET0 + COLOR_BUCKETS;

export interface LineStyle {
  readonly stroke: string;
  readonly width: number;
  readonly dash: readonly number[];
}

export interface DrawInput {
  readonly rows: readonly TrialRow[];
  readonly layout: PcpLayout;
  /** Index into a row's positions of each shown axis, left to right. */
  readonly shown: readonly number[];
  readonly styles: readonly LineStyle[];
  /** A row's normalised positions on all axes (cached by the caller). */
  positions(row: TrialRow): Float32Array;
  /** A row's style id (STYLE_*). */
  styleOf(row: TrialRow): number;
}

export interface DrawResult {
  readonly lines: number;
  /** Lines not drawn as filtered out. */
  readonly passing: number;
}

export class LinePainter {
  readonly #back = document.createElement('canvas');
  #width = 0;
  #height = 0;
  #dpr = 1;

  constructor(
    private readonly visible: HTMLCanvasElement,
    private readonly scheduler: SliceScheduler,
  ) {}

  resize(width: number, height: number, dpr: number): void {
    this.#width = width;
    this.#height = height;
    this.#dpr = dpr;
    for (const c of [this.visible, this.#back]) {
      c.width = Math.max(1, Math.round(width * dpr));
      c.height = Math.max(1, Math.round(height * dpr));
    }
  }

  /** Starts a full redraw (cancelling one in progress); `done` runs once it is on screen. */
  redraw(input: DrawInput, done: (result: DrawResult) => void): void {
    this.scheduler.start(this.#full(input, done));
  }

  get busy(): boolean {
    return this.scheduler.running;
  }

  /** Draws a few lines on top of what is shown (changed trials between two full redraws). */
  drawOnTop(input: DrawInput, rows: readonly TrialRow[]): void {
    const ctx = this.#context(this.visible);
    if (!ctx) return;
    const sorted = [...rows].sort((a, b) => input.styleOf(a) - input.styleOf(b));
    let style = -1;
    for (const row of sorted) {
      const s = input.styleOf(row);
      if (s !== style) {
        if (style >= 0) ctx.stroke();
        style = s;
        this.#applyStyle(ctx, input.styles[s]!);
        ctx.beginPath();
      }
      this.#trace(ctx, input, row);
    }
    if (style >= 0) ctx.stroke();
  }

  *#full(input: DrawInput, done: (result: DrawResult) => void): Generator<void> {
    // Phase 1: classify (and compute positions for) every row, bucketed by style (a counting sort).
    const byStyle: TrialRow[][] = Array.from({ length: STYLE_COUNT }, () => []);
    const rows = input.rows;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      byStyle[input.styleOf(row)]!.push(row);
      input.positions(row);
      if ((i & 255) === 255 && !this.scheduler.hasTime()) yield;
    }
    const passing = rows.length - byStyle[STYLE_FILTERED]!.length;
    // Phase 2: draw into the back buffer, one path per style run, stroked before every yield.
    const ctx = this.#context(this.#back);
    if (!ctx) return;
    ctx.clearRect(0, 0, this.#width, this.#height);
    for (let s = 0; s < STYLE_COUNT; s++) {
      const list = byStyle[s]!;
      if (list.length === 0) continue;
      this.#applyStyle(ctx, input.styles[s]!);
      ctx.beginPath();
      for (let i = 0; i < list.length; i++) {
        this.#trace(ctx, input, list[i]!);
        // Chrome records canvas strokes and rasterises them only when the canvas is read or copied, so
        // timing the strokes alone measures nothing and the final copy would do all the work in one long
        // task. Every 32 lines: stroke, force the rasterisation (a 1-pixel read), then look at the clock.
        if ((i & 31) === 31) {
          ctx.stroke();
          ctx.getImageData(0, 0, 1, 1);
          if (!this.scheduler.hasTime()) yield;
          ctx.beginPath();
        }
      }
      ctx.stroke();
    }
    ctx.getImageData(0, 0, 1, 1);
    const out = this.visible.getContext('2d', { willReadFrequently: true });
    if (out) {
      out.setTransform(1, 0, 0, 1, 0, 0);
      out.clearRect(0, 0, this.visible.width, this.visible.height);
      out.drawImage(this.#back, 0, 0);
    }
    done({ lines: rows.length, passing });
  }

  #context(canvas: HTMLCanvasElement): CanvasRenderingContext2D | null {
    // CPU-backed canvases ('willReadFrequently'): the back buffer is flushed once per slice (see #full),
    // which is cheap only for a CPU canvas, and copying it to a CPU canvas is a plain memory copy.
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx?.setTransform(this.#dpr, 0, 0, this.#dpr, 0, 0);
    return ctx;
  }

  #applyStyle(ctx: CanvasRenderingContext2D, style: LineStyle): void {
    ctx.strokeStyle = style.stroke;
    ctx.lineWidth = style.width;
    ctx.setLineDash(style.dash as number[]);
    ctx.lineJoin = 'round';
  }

  #trace(ctx: CanvasRenderingContext2D, input: DrawInput, row: TrialRow): void {
    const p = input.positions(row);
    const xs = input.layout.xs;
    for (let a = 0; a < input.shown.length; a++) {
      const y = yAt(input.layout, p[input.shown[a]!]!);
      if (a === 0) ctx.moveTo(xs[a]!, y);
      else ctx.lineTo(xs[a]!, y);
    }
  }
}
