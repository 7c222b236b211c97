import { buildDataset, type DatasetSpec, openWarehouse, v7DatasetSpec } from '@leadscore/dataset';
import {
  type DiscoveryWorld,
  type GenerateDiscoveryWorldOptions,
  generateDiscoveryWorld,
} from '@leadscore/world';

/** A discovery world and its point-in-time V7 training table. */
export interface LearningWorldTable {
  readonly world: DiscoveryWorld;
  readonly table: NonNullable<Awaited<ReturnType<typeof buildDataset>>['table']>;
}

/**
 * Generates a discovery world and builds its V7 dataset on in-memory DuckDB with every feature group
 * point-in-time, since the 'current' financial columns would carry the leakage trap.
 */
export async function learningWorldTable(
  options: GenerateDiscoveryWorldOptions,
): Promise<LearningWorldTable> {
  const world = generateDiscoveryWorld(options);
  const wh = await openWarehouse({ kind: 'duckdb', path: ':memory:', threads: 1 });
  try {
    await wh.createTableFromArrow('rep_snapshots', world.repSnapshots);
    await wh.createTableFromArrow('rep_current', world.repCurrent);
    await wh.createTableFromArrow('leads', world.leads);
    const spec: DatasetSpec = v7DatasetSpec({ dataEndDate: world.truth.params.dataEndDate });
    const built = await buildDataset(wh, {
      ...spec,
      featureGroups: spec.featureGroups.map((g) =>
        g.policy === 'current' ? { ...g, policy: 'pointInTime' as const } : g,
      ),
    });
    if (built.metadata.leakage.exposedColumns.length > 0) {
      throw new Error(`leakage-exposed columns: ${built.metadata.leakage.exposedColumns.join(', ')}`);
    }
    return { world, table: built.table! };
  } finally {
    await wh.close();
  }
}
