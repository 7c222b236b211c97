import type { Warehouse } from '@leadscore/core';
import type { LeakageProbeInput } from '@leadscore/gates';
import type { CliConfig } from '../config/config.js';
import { epochMsColumn } from './table-columns.js';

type ArrowTable = Awaited<ReturnType<Warehouse['query']>>;

/** A column's values as numbers, null and non-numeric as NaN (booleans as 0/1). */
function numbers(table: ArrowTable, name: string): Float64Array {
  const column = table.getChild(name);
  const out = new Float64Array(table.numRows).fill(Number.NaN);
  if (column === null) return out;
  let i = 0;
  for (const v of column) {
    out[i++] = v === null || v === undefined ? Number.NaN : Number(v);
  }
  return out;
}

/**
 * The leakage probe's input: each leakage-exposed (current-policy) column of the training table next to
 * the same column of a point-in-time build of the same leads, aligned by lead_id, with the date of each
 * rep's current row so the probe can count post-dated values.
 */
export async function leakageProbeInput(
  wh: Warehouse,
  config: CliConfig,
  training: ArrowTable,
  pointInTimeTable: string,
  exposedColumns: readonly string[],
  labels: ArrayLike<number>,
): Promise<LeakageProbeInput> {
  const pit = await wh.query(`SELECT * FROM ${wh.quoteIdentifier(pointInTimeTable)}`);
  const pitRow = new Map<string, number>();
  const pitIds = pit.getChild('lead_id')?.toArray() ?? [];
  for (let i = 0; i < pitIds.length; i++) pitRow.set(String(pitIds[i]), i);
  const ids = training.getChild('lead_id')?.toArray() ?? [];
  const align = Int32Array.from(ids as ArrayLike<unknown>, (id) => pitRow.get(String(id)) ?? -1);
  const current = await wh.query(
    `SELECT rep_id, snapshot_date FROM ${wh.quoteIdentifier(config.tables.repCurrent)}`,
  );
  const currentDates = epochMsColumn(current, 'snapshot_date');
  const currentReps = current.getChild('rep_id')?.toArray() ?? [];
  const asOf = new Map<string, number>();
  for (let i = 0; i < currentReps.length; i++) asOf.set(String(currentReps[i]), currentDates[i]!);
  const reps = training.getChild('rep_id')?.toArray() ?? [];
  const columns = exposedColumns
    .filter((c) => training.getChild(c) !== null && pit.getChild(c) !== null)
    .map((name) => {
      const pitValues = numbers(pit, name);
      return {
        name,
        current: numbers(training, name),
        pointInTime: Float64Array.from(align, (r) => (r < 0 ? Number.NaN : pitValues[r]!)),
      };
    });
  return {
    labels,
    columns,
    currentAsOf: Float64Array.from(reps as ArrayLike<unknown>, (id) => asOf.get(String(id)) ?? Number.NaN),
    contactedAt: epochMsColumn(training, 'contacted_at'),
  };
}
