import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildDataset,
  type DatasetMetadata,
  type DatasetSpec,
  openWarehouse,
  v7DatasetSpec,
} from '@leadscore/dataset';
import { generateDiscoveryWorld, writeDiscoveryWorld } from '@leadscore/world';
import { type LeakageProbeInput, probeInputFromTables } from '../src/index.js';

type ArrowTable = NonNullable<Awaited<ReturnType<typeof buildDataset>>['table']>;

/** A timestamp or date column as epoch milliseconds, whatever its Arrow unit. */
function epochMs(table: ArrowTable, name: string): Float64Array {
  const column = table.getChild(name)!;
  const type = column.type as { unit?: number; typeId?: number };
  const raw = column.toArray() as ArrayLike<number | bigint>;
  // Arrow Date (typeId 8) day unit is 0, millisecond unit is 1; Timestamp units are s/ms/us/ns (0..3).
  const perMs =
    type.typeId === 8
      ? type.unit === 0
        ? 1 / 86_400_000
        : 1
      : [1 / 1000, 1, 1000, 1_000_000][type.unit ?? 1]!;
  return Float64Array.from(raw, (v) => Number(v) / perMs);
}

/** The V7 hybrid table and the all-point-in-time table of one world, with the probe's inputs lined up by lead. */
export interface WorldTables {
  readonly hybrid: DatasetMetadata;
  readonly pointInTime: DatasetMetadata;
  /** Probe input: every current-policy column of the hybrid table against the same column point-in-time. */
  readonly probe: LeakageProbeInput;
}

/** Builds both tables of a small discovery world in a throw-away DuckDB file. */
export async function worldTables(leakageTrap: boolean): Promise<WorldTables> {
  const dir = mkdtempSync(join(tmpdir(), 'leadscore-gates-'));
  try {
    const world = generateDiscoveryWorld({ reps: 3000, quarters: 12, leads: 6000, seed: 11, leakageTrap });
    const wh = await openWarehouse({ kind: 'duckdb', path: join(dir, 'w.duckdb') });
    try {
      const written = await writeDiscoveryWorld(world, dir, { format: 'parquet', warehouse: wh });
      await wh.createTableFromFile('rep_snapshots', written.files.repSnapshots);
      await wh.createTableFromFile('rep_current', written.files.repCurrent);
      await wh.createTableFromFile('leads', written.files.leads);
      const dataEndDate = world.truth.params.dataEndDate;
      const spec = v7DatasetSpec({ dataEndDate });
      const hybrid = await buildDataset(wh, spec);
      const pitSpec: DatasetSpec = v7DatasetSpec({ dataEndDate, outputBase: 'training_all_pit' });
      const pit = await buildDataset(wh, {
        ...pitSpec,
        featureGroups: pitSpec.featureGroups.map((g) =>
          g.policy === 'current' ? { ...g, policy: 'pointInTime' as const } : g,
        ),
      });
      const h = hybrid.table!;
      const aligned = probeInputFromTables(h, pit.table!, {
        columns: hybrid.metadata.leakage.exposedColumns.filter((c) => pit.table!.getChild(c) !== null),
      });
      const currentDate = new Map<string, number>();
      const repIds = world.repCurrent.getChild('rep_id')!.toArray() as string[];
      const dates = epochMs(world.repCurrent as unknown as ArrowTable, 'snapshot_date');
      for (const [i, id] of repIds.entries()) currentDate.set(id, dates[i]!);
      const hybridReps = h.getChild('rep_id')!.toArray() as string[];
      return {
        hybrid: hybrid.metadata,
        pointInTime: pit.metadata,
        probe: {
          labels: aligned.labels,
          columns: aligned.columns,
          currentAsOf: Float64Array.from(hybridReps, (id) => currentDate.get(id) ?? Number.NaN),
          contactedAt: epochMs(h, 'contacted_at'),
        },
      };
    } finally {
      await wh.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
