/**
 * The trials table's columns: the fixed ones (#, status, value, best, step, rung, duration, reason) with one
 * column per search-space parameter between duration and reason (duration first, so a study with a few
 * parameters does not push it off-screen). A column knows how to read its value
 * from a row (the store's column keys, so table filters and PCP brushes share keys), how to show it,
 * how to sort it and which kind of filter it takes.
 */
import type { CellValue, ParamColumn, StudyHeader, TrialRow } from '../../../../src/shared/dashboardProtocol';
import { columnValue } from '../../state/store';
import { formatCell, formatDuration, statusOrder } from './format';

export type FilterKind = 'range' | 'pick' | 'none';

export interface Column {
  /** Store column key: a TrialRow field, `param:<name>` or `duration`. */
  readonly key: string;
  readonly label: string;
  /** CSS grid track. */
  readonly width: string;
  readonly numeric: boolean;
  readonly filter: FilterKind;
  /** Choices of a categorical parameter (the values a pick filter offers). */
  readonly choices?: readonly CellValue[];
  /** Parameter columns can be hidden by "only parameters that vary". */
  readonly param?: ParamColumn;
  /** Value used for sorting; undefined/null sorts last in either direction. */
  sortValue(t: TrialRow): number | string | undefined | null;
  text(t: TrialRow): string;
}

const rowField = (t: TrialRow, key: string): CellValue | null | undefined => columnValue(t, key);
const plain = (key: string, label: string, width: string): Column => ({
  key,
  label,
  width,
  numeric: true,
  filter: 'range',
  sortValue: (t) => rowField(t, key) as number | null | undefined,
  text: (t) => formatCell(rowField(t, key)),
});

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const statusRank = new Map(statusOrder.map((s, i) => [s, i]));

export function buildColumns(header: StudyHeader | null): Column[] {
  const params = (header?.params ?? []).map(
    (p): Column => ({
      key: `param:${p.name}`,
      label: p.name,
      width: p.kind === 'categorical' ? '92px' : '88px',
      numeric: p.kind !== 'categorical',
      filter: p.kind === 'categorical' ? 'pick' : 'range',
      choices: p.choices,
      param: p,
      sortValue: (t) => {
        const v = t.params[p.name];
        return typeof v === 'boolean' ? String(v) : v;
      },
      text: (t) => formatCell(t.params[p.name]),
    }),
  );
  return [
    { ...plain('number', '#', '56px') },
    {
      key: 'status',
      label: 'Status',
      width: '104px',
      numeric: false,
      filter: 'none',
      sortValue: (t) => statusRank.get(t.status) ?? 99,
      text: (t) => t.status,
    },
    plain('value', header?.metric ?? 'Value', '96px'),
    plain('bestValue', 'Best', '88px'),
    plain('step', header?.stepUnit ? capitalise(header.stepUnit) : 'Step', '64px'),
    plain('rung', 'Rung', '60px'),
    {
      key: 'duration',
      label: 'Duration',
      width: '84px',
      numeric: true,
      filter: 'range',
      sortValue: (t) => columnValue(t, 'duration') as number | undefined,
      text: (t) => formatDuration((columnValue(t, 'duration') as number | undefined) ?? null),
    },
    ...params,
    {
      key: 'reason',
      label: 'Reason',
      width: 'minmax(200px, 1fr)',
      numeric: false,
      filter: 'none',
      sortValue: (t) => t.reason,
      text: (t) => t.reason ?? '',
    },
  ];
}

/**
 * Orders two rows by a column: missing values last whatever the direction, numbers before text,
 * ties by trial number so the order is stable across re-sorts and patches.
 */
export function compareRows(col: Column, dir: 1 | -1, a: TrialRow, b: TrialRow): number {
  const c = compareValues(col.sortValue(a), col.sortValue(b), dir);
  return c !== 0 ? c : a.number - b.number;
}

export function compareValues(x: number | string | undefined | null, y: number | string | undefined | null, dir: 1 | -1): number {
  const xm = x === undefined || x === null || (typeof x === 'number' && Number.isNaN(x));
  const ym = y === undefined || y === null || (typeof y === 'number' && Number.isNaN(y));
  if (xm || ym) return xm === ym ? 0 : xm ? 1 : -1;
  if (typeof x !== typeof y) return typeof x === 'number' ? -1 : 1;
  if (typeof x === 'number') return (x - (y as number)) * dir;
  return (x < (y as string) ? -1 : x > (y as string) ? 1 : 0) * dir;
}
