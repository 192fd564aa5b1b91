/**
 * A trial's curve (value per step) as a Chart.js line dataset: non-finite values are gaps, and a pruned
 * trial's curve ends with a cross ('crossRot') at its last point — where the scheduler stopped it.
 */
import type { ChartDataset } from 'chart.js';
import type { TrialCurve, TrialRow } from '../../../../src/shared/dashboardProtocol';
import type { Point } from './chartSetup';

export interface CurveStyle {
  readonly color: string;
  readonly width: number;
  /** Draw order: lower is drawn on top. */
  readonly order: number;
  readonly label: string;
}

export type CurveDataset = ChartDataset<'line', Point[]>;

/** Size of the "stopped here" cross on a pruned trial's last point. */
export const PRUNED_MARK_RADIUS = 6;

export function curveDataset(row: TrialRow | undefined, curve: TrialCurve, style: CurveStyle): CurveDataset {
  // NaN is a gap for Chart.js; pre-parsed points skip its parsing pass (parsing: false).
  const data: Point[] = curve.points.map(([x, y]) => ({ x, y: y ?? Number.NaN }));
  const pruned = row?.status === 'pruned';
  const last = data.length - 1;
  return {
    label: style.label,
    data,
    borderColor: style.color,
    backgroundColor: style.color,
    borderWidth: style.width,
    order: style.order,
    pointRadius: pruned ? data.map((_, i) => (i === last ? PRUNED_MARK_RADIUS : 0)) : 0,
    pointStyle: 'crossRot',
    pointBorderWidth: 2,
    pointBorderColor: style.color,
    pointHoverRadius: 3,
    pointHitRadius: 4,
    spanGaps: false,
  };
}

/** The label of a trial's curve in legends and tooltips. */
export function curveLabel(row: TrialRow | undefined, id: string): string {
  const n = row ? `#${row.number}` : id;
  return row?.status === 'pruned' ? `${n} (pruned${row.prunedAtStep !== null ? ` at ${row.prunedAtStep}` : ''})` : n;
}
