import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDiscoveryWorld } from '@leadscore/world';
import type { Table } from 'apache-arrow';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buildDataset, type DatasetSpecInput, v7DatasetSpec, verifyDataset } from '../src/builder/index.js';
import { openBigQueryWarehouse } from '../src/warehouse/bigquery.js';
import { openDuckDbWarehouse } from '../src/warehouse/duckdb.js';
import type { Warehouse } from '../src/warehouse/types.js';
import { type FakeBigQuery, startFakeBigQuery } from './helpers/fake-bigquery-server.js';

let fake: FakeBigQuery;
beforeAll(async () => {
  fake = await startFakeBigQuery({ projectId: 'acme-ml', datasets: ['leadscore'] });
});
afterAll(async () => {
  await fake.close();
});

/** Rows keyed by lead_id with integers as numbers (DuckDB may type them INT32, BigQuery INT64). */
function rowsByLead(table: Table): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const row of table) {
    const json = row.toJSON() as Record<string, unknown>;
    for (const [k, v] of Object.entries(json)) if (typeof v === 'bigint') json[k] = Number(v);
    out.set(String(json.lead_id), json);
  }
  return out;
}

async function loadWorld(wh: Warehouse, world: ReturnType<typeof generateDiscoveryWorld>): Promise<void> {
  await wh.createTableFromArrow('rep_snapshots', world.repSnapshots);
  await wh.createTableFromArrow('rep_current', world.repCurrent);
  await wh.createTableFromArrow('leads', world.leads);
}

const world = generateDiscoveryWorld({ reps: 150, leads: 260, seed: 5 });
const DATA_END = world.truth.params.dataEndDate;

const SPECS: [string, DatasetSpecInput, string][] = [
  [
    // A lag and a short lookback make the point-in-time and exclusion logic do real work.
    'the V7 preset with a 15-day lag',
    v7DatasetSpec({
      dataEndDate: DATA_END,
      version: '20260101_01',
      availabilityLagDays: 15,
      maxLookbackDays: 100,
    }),
    'step_3_3_training_dataset_v7',
  ],
  [
    // Every cohort-statistic kind and source, history of string/bool/int columns, a long horizon.
    'a custom spec using every cohort statistic',
    {
      featureGroups: [
        {
          name: 'career',
          policy: 'pointInTime',
          columns: ['years_at_firm', 'has_series_7', 'state', 'metro'],
        },
        { name: 'money', policy: 'current', columns: ['aum', 'num_clients', 'fee_based_pct'] },
        { name: 'past', policy: 'history', columns: ['firm_id', 'has_cfp', 'disclosures_count'] },
      ],
      historyQuarters: 4,
      maxLookbackDays: 200,
      labelHorizonDays: 60,
      dataEndDate: DATA_END,
      output: { base: 'custom_training', version: '20260101_02' },
      cohortStats: [
        { name: 'tenure_rank_state', kind: 'percentRank', column: 'years_at_firm', partitionBy: ['state'] },
        { name: 'reps_in_metro', kind: 'count', partitionBy: ['metro'] },
        { name: 'mean_aum_state', kind: 'mean', column: 'aum', partitionBy: ['state'] },
        { name: 'aum_share_state', kind: 'share', column: 'aum', partitionBy: ['state'], source: 'current' },
        {
          name: 'firm_clients',
          kind: 'sum',
          column: 'num_clients',
          partitionBy: ['metro'],
          source: 'pointInTime',
        },
      ],
    },
    'custom_training',
  ],
];

test.each(SPECS)('%s gives the same dataset on BigQuery (fake) and DuckDB', async (_, spec, base) => {
  for (const name of ['rep_snapshots', 'rep_current', 'leads']) {
    await fake.duckdb(`DROP TABLE IF EXISTS ${name}`);
  }
  const bq = await openBigQueryWarehouse({
    projectId: 'acme-ml',
    dataset: 'leadscore',
    apiEndpoint: fake.url,
    anonymous: true,
    dryRun: false,
    pageSize: 97,
  });
  const duck = await openDuckDbWarehouse({ path: ':memory:' });
  await loadWorld(bq, world);
  await loadWorld(duck, world);
  const now = new Date('2026-01-01T00:00:00Z');
  const outDir = await mkdtemp(join(tmpdir(), 'bq-dataset-'));
  const viaDuck = await buildDataset(duck, spec, { now });
  const start = fake.requests.length;
  const viaBq = await buildDataset(bq, spec, { now, outDir });
  await duck.close();

  // The fake really received GoogleSQL (backticks, @params, DATE_ADD), not DuckDB text.
  const sent = fake.requests
    .slice(start)
    .map(
      (r) =>
        (r.body as { configuration?: { query?: { query?: string } } } | undefined)?.configuration?.query
          ?.query,
    )
    .filter((q): q is string => typeof q === 'string');
  const create = sent.find((q) => q.startsWith('CREATE TABLE'));
  expect(create).toMatch(new RegExp(`\`${base}_20260101_0\\d\``));
  expect(create).toMatch(/DATE_ADD\(/);
  expect(create).toMatch(/@data_end|@\w+/);
  expect(create).not.toMatch(/\$\w+/);

  expect(viaBq.tableName).toBe(viaDuck.tableName);
  const a = viaDuck.table as Table;
  const b = viaBq.table as Table;
  expect(b.schema.fields.map((f) => f.name)).toEqual(a.schema.fields.map((f) => f.name));
  expect(b.numRows).toBe(a.numRows);
  expect(a.numRows).toBeGreaterThan(100);

  const rowsA = rowsByLead(a);
  const rowsB = rowsByLead(b);
  expect([...rowsB.keys()].sort()).toEqual([...rowsA.keys()].sort());
  let compared = 0;
  for (const [lead, ra] of rowsA) {
    const rb = rowsB.get(lead) as Record<string, unknown>;
    for (const [column, va] of Object.entries(ra)) {
      const vb = rb[column];
      if (typeof va === 'number' && typeof vb === 'number' && !Number.isInteger(va)) {
        // Window averages and percent ranks may differ in the last bits between engines.
        expect(Math.abs(va - vb), `${lead}.${column}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(va)));
      } else {
        expect(vb, `${lead}.${column}`).toEqual(va);
      }
      compared++;
    }
  }
  expect(compared).toBe(a.numRows * a.numCols);

  const ma = viaDuck.metadata;
  const mb = viaBq.metadata;
  expect(mb.warehouse).toBe('bigquery');
  expect(mb.specHash).toBe(ma.specHash);
  expect(mb.counts).toEqual(ma.counts);
  expect(mb.positives).toBe(ma.positives);
  expect(mb.labelRate).toBeCloseTo(ma.labelRate, 12);
  expect(mb.dateRange).toEqual(ma.dateRange);
  expect(mb.leakage.exposedColumns).toEqual(ma.leakage.exposedColumns);
  expect(mb.leakage.audit).toEqual(ma.leakage.audit);
  for (const [column, rate] of Object.entries(ma.nullRates)) {
    expect(mb.nullRates[column], column).toBeCloseTo(rate as number, 12);
  }
  // Both builds did exclude leads for at least one reason, so the comparison covers exclusions.
  expect(ma.counts.excludedTotal).toBeGreaterThan(0);

  // --verify-only through BigQuery: counts, label rate, fingerprints and the audit re-checked.
  const verified = await verifyDataset(bq, viaBq.tableName, viaBq.metadataPath as string);
  expect(verified.checks.filter((c) => !c.ok)).toEqual([]);
  expect(verified.ok).toBe(true);
  await rm(outDir, { recursive: true, force: true });
});

test('fully qualified source and output names with a hyphenated project id build on BigQuery', async () => {
  for (const name of ['rep_snapshots', 'rep_current', 'leads']) {
    await fake.duckdb(`DROP TABLE IF EXISTS ${name}`);
  }
  const bq = await openBigQueryWarehouse({
    projectId: 'acme-ml',
    dataset: 'leadscore',
    apiEndpoint: fake.url,
    anonymous: true,
    dryRun: false,
  });
  await loadWorld(bq, world);
  const now = new Date('2026-01-01T00:00:00Z');
  const bare = await buildDataset(bq, v7DatasetSpec({ dataEndDate: DATA_END, version: '20260101_05' }), {
    now,
  });
  const qualified = await buildDataset(
    bq,
    v7DatasetSpec({
      dataEndDate: DATA_END,
      version: '20260101_06',
      tables: {
        repSnapshots: 'acme-ml.leadscore.rep_snapshots',
        repCurrent: 'acme-ml.leadscore.rep_current',
        leads: 'acme-ml.leadscore.leads',
      },
      outputBase: 'acme-ml.leadscore.training_v7',
    }),
    { now },
  );
  expect(qualified.tableName).toBe('acme-ml.leadscore.training_v7_20260101_06');
  expect(qualified.metadata.counts).toEqual(bare.metadata.counts);
  expect(qualified.table?.numRows).toBe(bare.table?.numRows);
  // The same names are refused on DuckDB, whose identifiers cannot hold a hyphen unquoted.
  const duck = await openDuckDbWarehouse({ path: ':memory:' });
  await loadWorld(duck, world);
  await expect(
    buildDataset(
      duck,
      v7DatasetSpec({ dataEndDate: DATA_END, tables: { leads: 'acme-ml.leadscore.leads' } }),
    ),
  ).rejects.toThrow(/acme-ml\.leadscore\.leads/);
  await duck.close();
});
