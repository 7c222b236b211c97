import type { Warehouse } from '@leadscore/dataset';
import { type LeakageProbeInput, probeInputFromTables } from '@leadscore/gates';
import type { CliConfig } from '../config/config.js';
import { epochMsColumn } from './table-columns.js';

type ArrowTable = Awaited<ReturnType<Warehouse['query']>>;

/**
 * The leakage probe's input: each leakage-exposed (current-policy) column of the training table next to
 * the same column of a point-in-time build of the same leads (aligned by lead_id), with the date of each
 * rep's current row so the probe can count post-dated values.
 */
export async function leakageProbeInput(
  wh: Warehouse,
  config: CliConfig,
  training: ArrowTable,
  pointInTimeTable: string,
  exposedColumns: readonly string[],
): Promise<LeakageProbeInput> {
  const pit = await wh.query(`SELECT * FROM ${wh.quoteIdentifier(pointInTimeTable)}`);
  const columns = exposedColumns.filter((c) => training.getChild(c) !== null && pit.getChild(c) !== null);
  const aligned = probeInputFromTables(training, pit, { columns });
  const current = await wh.query(
    `SELECT rep_id, snapshot_date FROM ${wh.quoteIdentifier(config.tables.repCurrent)}`,
  );
  const currentDates = epochMsColumn(current, 'snapshot_date');
  const currentReps = current.getChild('rep_id')?.toArray() ?? [];
  const asOf = new Map<string, number>();
  for (let i = 0; i < currentReps.length; i++) asOf.set(String(currentReps[i]), currentDates[i]!);
  const reps = training.getChild('rep_id')?.toArray() ?? [];
  return {
    labels: aligned.labels,
    columns: aligned.columns,
    currentAsOf: Float64Array.from(reps as ArrayLike<unknown>, (id) => asOf.get(String(id)) ?? Number.NaN),
    contactedAt: epochMsColumn(training, 'contacted_at'),
  };
}
