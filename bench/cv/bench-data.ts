/**
 * The data of bench/cv's scripts (run.ts, margins-check.ts): the synthetic world (seed 7, reps = 2/3 of
 * the leads, 12 quarters) built all point-in-time on an in-memory DuckDB, V7 features + lead_source, and
 * 5 temporal folds with 30-day gaps and the label-horizon purge.
 */
import { temporalFolds } from '../../packages/cv/src/index.js';
import { buildDataset, openWarehouse, v7DatasetSpec } from '../../packages/dataset/src/index.js';
import { computeFeatures, defineFeature, featureSet, v7Features } from '../../packages/features/src/index.js';
import { generateDiscoveryWorld } from '../../packages/world/src/index.js';

/** lead_source is known at contact time; the catalog leaves it to each pipeline. */
const leadSource = defineFeature({
  name: 'lead_source',
  description: 'Channel the lead came from',
  group: 'custom',
  kind: 'categorical',
  businessSignal: true,
  inputs: ['lead_source'],
  inputTypes: { lead_source: 'string' },
  compute: (row) => row.lead_source as string | null,
});

/** Builds the world, its point-in-time table, the feature matrix, labels, times (ms) and folds. */
export async function cvBenchData(leads: number) {
  const world = generateDiscoveryWorld({ seed: 7, reps: Math.round(leads * (2 / 3)), quarters: 12, leads });
  const wh = await openWarehouse({ kind: 'duckdb', path: ':memory:', threads: 1 });
  await wh.createTableFromArrow('rep_snapshots', world.repSnapshots);
  await wh.createTableFromArrow('rep_current', world.repCurrent);
  await wh.createTableFromArrow('leads', world.leads);
  const spec = v7DatasetSpec({ dataEndDate: world.truth.params.dataEndDate, outputBase: 'pit' });
  const built = await buildDataset(wh, {
    ...spec,
    featureGroups: spec.featureGroups.map((g) =>
      g.policy === 'current' ? { ...g, policy: 'pointInTime' as const } : g,
    ),
  });
  await wh.close();
  const table = built.table!;
  const matrix = computeFeatures(table, featureSet([v7Features, leadSource]));
  const labels = Uint8Array.from(table.getChild('label')!.toArray() as ArrayLike<number>);
  const col = table.getChild('contacted_at')!;
  const perMs = [1 / 1000, 1, 1000, 1_000_000][(col.type as { unit?: number }).unit ?? 1]!;
  const times = Float64Array.from(col.toArray() as ArrayLike<number | bigint>, (v) => Number(v) / perMs);
  const folds = temporalFolds(times, {
    nFolds: 5,
    gapDays: 30,
    labelHorizonDays: spec.labelHorizonDays,
    labels,
  });
  return { world, spec, table, matrix, labels, times, folds };
}
