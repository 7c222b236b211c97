import { InvalidArgumentError } from '@leadscore/core';
import type { LeakageProbeColumn } from './leakage-probe.js';

/** The little of an Arrow table (or any columnar result) the probe reads: row count and columns by name. */
export interface ColumnarTable {
  readonly numRows: number;
  getChild(name: string): { get(index: number): unknown } | null;
}

/** Options of {@link probeInputFromTables}. */
export interface ProbeInputFromTablesOptions {
  /** Columns to probe (the current-policy columns, e.g. `metadata.leakage.exposedColumns`). */
  columns: readonly string[];
  /** Key joining the two tables. @default 'lead_id' */
  key?: string | undefined;
  /** 0/1 label column of the current table. @default 'label' */
  label?: string | undefined;
}

/** Row-aligned probe input of {@link probeInputFromTables}. */
export interface ProbeTablesInput {
  readonly labels: Float64Array;
  readonly columns: LeakageProbeColumn[];
  /** Key of each row, in the current table's order. */
  readonly keys: string[];
}

function child(table: ColumnarTable, name: string, which: string): { get(index: number): unknown } {
  const c = table.getChild(name);
  if (!c) throw new InvalidArgumentError(`${which} has no column ${JSON.stringify(name)}`);
  return c;
}

function toNumber(v: unknown): number {
  if (v === null || v === undefined) return Number.NaN;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint' || typeof v === 'boolean') return Number(v);
  if (v instanceof Date) return v.getTime();
  return Number.NaN;
}

/**
 * Lines up a table with current-policy columns and the same dataset built point-in-time, by key, into
 * {@link probeLeakage}'s plain arrays (a lead missing from the point-in-time table gets NaN there).
 * @example probeLeakage(probeInputFromTables(hybrid, pointInTime, { columns: metadata.leakage.exposedColumns }))
 */
export function probeInputFromTables(
  current: ColumnarTable,
  pointInTime: ColumnarTable,
  options: ProbeInputFromTablesOptions,
): ProbeTablesInput {
  const key = options.key ?? 'lead_id';
  const labelName = options.label ?? 'label';
  const pitKeys = child(pointInTime, key, 'pointInTime');
  const rowOf = new Map<string, number>();
  for (let i = 0; i < pointInTime.numRows; i++) rowOf.set(String(pitKeys.get(i)), i);
  const curKeys = child(current, key, 'current');
  const n = current.numRows;
  const keys: string[] = new Array(n);
  const align = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    keys[i] = String(curKeys.get(i));
    align[i] = rowOf.get(keys[i]!) ?? -1;
  }
  const labelColumn = child(current, labelName, 'current');
  const labels = new Float64Array(n);
  for (let i = 0; i < n; i++) labels[i] = toNumber(labelColumn.get(i));
  const columns = options.columns.map((name) => {
    const cur = child(current, name, 'current');
    const pit = child(pointInTime, name, 'pointInTime');
    const c = new Float64Array(n);
    const p = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      c[i] = toNumber(cur.get(i));
      p[i] = align[i]! < 0 ? Number.NaN : toNumber(pit.get(align[i]!));
    }
    return { name, current: c, pointInTime: p };
  });
  return { labels, columns, keys };
}
