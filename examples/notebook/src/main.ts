/**
 * leadscore as a notebook: read (and run) top to bottom, one cell per step, the tables explored with
 * danfojs between the SDK's steps.
 *
 *   pnpm --filter @leadscore/example-notebook start                       # 1500 reps, 2500 leads
 *   pnpm --filter @leadscore/example-notebook start -- --reps 300 --leads 600 --folds 2
 */
import { parseArgs } from 'node:util';
import { temporalFolds } from '@leadscore/cv';
import { buildDataset, openWarehouse, v7DatasetSpec } from '@leadscore/dataset';
import { computeFeatures, defineFeature, featureSet, v7Features } from '@leadscore/features';
import { checkGates } from '@leadscore/gates';
import { leadScoreAt, scoreLeads, trainEnsemble } from '@leadscore/model';
import { generateDiscoveryWorld } from '@leadscore/world';
import { fromDanfo, toDanfo } from './danfo.js';

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '1500' },
    leads: { type: 'string', default: '2500' },
    seed: { type: 'string', default: '7' },
    folds: { type: 'string', default: '3' },
  },
});
const size = { reps: Number(args.reps), leads: Number(args.leads), seed: Number(args.seed) };
const pct = (x: number | null | undefined) => (x == null ? '-' : `${(100 * x).toFixed(2)} %`);

// %% [1] A synthetic world: quarterly rep snapshots, the reps' current rows, the leads (and the truth).
const world = generateDiscoveryWorld(size);
console.log(
  `[1] world: ${world.repSnapshots.numRows} snapshots, ${world.leads.numRows} leads, data end ${world.truth.params.dataEndDate}`,
);

// %% [2] Into an embedded DuckDB warehouse (BigQuery takes the same calls: see examples/bigquery).
const warehouse = await openWarehouse({ kind: 'duckdb', path: ':memory:', threads: 1 });
await warehouse.createTableFromArrow('rep_snapshots', world.repSnapshots);
await warehouse.createTableFromArrow('rep_current', world.repCurrent);
await warehouse.createTableFromArrow('leads', world.leads);

// %% [3] The point-in-time training table: every column as of each lead's contact. (V7's default reads
// the financial columns from rep_current, which carries the world's leakage trap.)
const v7 = v7DatasetSpec({ dataEndDate: world.truth.params.dataEndDate });
const built = await buildDataset(warehouse, {
  ...v7,
  featureGroups: v7.featureGroups.map((g) => (g.policy === 'current' ? { ...g, policy: 'pointInTime' } : g)),
});
await warehouse.close();
const table = built.table!;
const m = built.metadata;
console.log(
  `[3] ${built.tableName}: ${m.counts.leadsOut} of ${m.counts.leadsIn} leads, label rate ${pct(m.labelRate)}, ` +
    `leakage audit ${m.leakage.audit.passed ? 'passed' : 'FAILED'}, ${m.leakage.exposedColumns.length} leakage-exposed columns`,
);

// %% [4] Explore it with danfojs, as with pandas.
const df = toDanfo(table);
const numeric = df.loc({ columns: ['aum', 'years_in_industry', 'num_clients', 'label'] });
// danfojs' describe() does not skip missing values (NaN), so describe the complete rows.
const complete = numeric.dropNa({ axis: 1 });
console.log(
  `[4] DataFrame ${df.shape[0]} x ${df.shape[1]}; describe() of the ${complete.shape[0]} complete rows:`,
);
complete.describe().print();
console.log('label rate by firm_type:');
const byFirmType = df.groupby(['firm_type']).col(['label']).mean();
byFirmType.print();
console.log('leads by lead_source:');
df.column('lead_source').valueCounts().print();

// %% [5] Derive a column in danfojs and come back to Arrow: types, nulls and column order survive.
df.addColumn('aum_musd', df.column('aum').div(1_000_000), { inplace: true });
const enriched = fromDanfo(df);
const sameTypes = table.schema.fields.every(
  (f, j) => String(enriched.schema.fields[j]!.type) === String(f.type),
);
console.log(
  `[5] back to Arrow: ${enriched.numRows} x ${enriched.numCols}, original column types kept: ${sameTypes}, ` +
    `aum_musd ${enriched.schema.fields.at(-1)!.type}, ${enriched.getChild('aum_musd')!.nullCount} nulls (aum has ${table.getChild('aum')!.nullCount})`,
);

// %% [6] Features: the V7 catalog and one of our own on the danfojs-derived column.
const features = featureSet([
  v7Features,
  defineFeature({
    name: 'aum_musd',
    description: 'Assets under management in millions of USD (derived in danfojs)',
    group: 'custom',
    kind: 'numeric',
    businessSignal: true,
    inputs: ['aum_musd'],
    inputTypes: { aum_musd: 'number' },
    compute: (row) => row.aum_musd,
  }),
]);
const matrix = computeFeatures(enriched, features);
console.log(`[6] features: ${matrix.nRows} x ${matrix.nCols}`);

// %% [7] Temporal folds on contacted_at: test blocks of equal duration, a 30-day gap, label-horizon purge.
const labels = Float64Array.from(enriched.getChild('label')!, Number);
const times = Float64Array.from(enriched.getChild('contacted_at')!, Number); // epoch ms
const folds = temporalFolds(times, { nFolds: Number(args.folds), gapDays: 30, labelHorizonDays: 30, labels });
console.log(`[7] ${folds.folds.length} temporal folds:`);
for (const f of folds.folds) {
  console.log(
    `    fold ${f.index}: train ${f.counts.train} (${f.counts.trainPositives} positives), test ${f.counts.test} ` +
      `(${f.counts.testPositives}) from ${f.testStart?.slice(0, 10)}, purged ${f.counts.purged}`,
  );
}

// %% [8] Cross-validated XGB + LGBM ensemble: blend and calibration fitted out of fold.
const trained = await trainEnsemble({
  matrix,
  features,
  labels,
  folds,
  times,
  search: { nTrials: 1 },
  seed: 7,
});
const agg = trained.cv.aggregate;
console.log(
  `[8] kept ${trained.comparison.kept}: CV AUC-PR ${pct(agg.test.averagePrecision)}, OOF AUC-PR ${pct(agg.oofAveragePrecision)}, ` +
    `base rate ${pct(m.labelRate)}`,
);

// %% [9] The validation gates (the seed's four and the production-readiness checks).
const gates = checkGates(undefined, {
  cvResult: trained.cv,
  folds,
  importance: trained.file.importance,
  metadata: m,
});
console.log(`[9] gates: ${gates.success ? 'all passed' : 'some failed'}`);
for (const o of gates.outcomes) console.log(`    ${o.status.padEnd(4)} ${o.id.padEnd(28)} ${o.reason}`);

// %% [10] Score leads with reason codes: here the training leads themselves (in-sample, so the top scores
// run high); in production, the new leads of the day (`scoreTable` scores a warehouse table).
const batch = scoreLeads(trained.model, enriched);
const ids = enriched.getChild('lead_id')!.toArray() as string[];
const order = Array.from(batch.probability.keys()).sort(
  (a, b) => batch.probability[b]! - batch.probability[a]!,
);
console.log(`[10] scored ${batch.nRows} leads; the top 3:`);
for (const i of order.slice(0, 3)) {
  const s = leadScoreAt(trained.model, batch, i);
  console.log(`    ${ids[i]} p=${s.probability.toFixed(4)} percentile ${(100 * s.percentile).toFixed(1)}`);
  for (const r of s.reasons) console.log(`      ${r.text}`);
}
