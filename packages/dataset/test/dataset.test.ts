import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ArtifactError,
  CancelledError,
  DataError,
  hashJson,
  SchemaError,
  sha256Hex,
  ValidationError,
  writeFileAtomic,
} from '@leadscore/core';
import { canonicalJson } from '@leadscore/core/internal';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BUILD_STEPS, buildDataset } from '../src/builder/build.js';
import { leakageExposedColumns, parseDatasetSpec, v7DatasetSpec } from '../src/builder/spec.js';
import { compileDatasetSql } from '../src/builder/sql.js';
import { bigqueryDialect } from '../src/warehouse/dialect.js';
import { openDuckDbWarehouse } from '../src/warehouse/duckdb.js';
import type { Warehouse } from '../src/warehouse/types.js';

let wh: Warehouse;
let dir: string;

/** Four reps in two states and two firms, two quarters; R4 has only the first quarter. */
const SNAPSHOTS = `
  ('R1', DATE '2024-03-31', 'F1', 'NY', 'NYC', 10.0, 100),
  ('R2', DATE '2024-03-31', 'F1', 'NY', 'NYC', 20.0, 200),
  ('R3', DATE '2024-03-31', 'F2', 'NY', NULL, 30.0, 300),
  ('R4', DATE '2024-03-31', 'F2', 'CA', 'LA', 40.0, 400),
  ('R1', DATE '2024-06-30', 'F1', 'NY', 'NYC', 15.0, 110),
  ('R2', DATE '2024-06-30', 'F2', 'NY', 'NYC', NULL, 210),
  ('R3', DATE '2024-06-30', 'F2', 'CA', 'LA', 35.0, 310)`;

async function loadSources(extraSnapshots = '', extraLeads = ''): Promise<void> {
  await wh.execute(
    `CREATE OR REPLACE TABLE rep_snapshots AS SELECT * FROM (VALUES ${SNAPSHOTS}${extraSnapshots}) v(rep_id, snapshot_date, firm_id, state, metro, aum, num_clients)`,
  );
  await wh.execute(
    `CREATE OR REPLACE TABLE rep_current AS SELECT * FROM rep_snapshots QUALIFY row_number() OVER (PARTITION BY rep_id ORDER BY snapshot_date DESC) = 1`,
  );
  await wh.execute(
    `CREATE OR REPLACE TABLE leads AS SELECT lead_id, rep_id, CAST(contacted_at AS TIMESTAMP) AS contacted_at, converted, CAST(converted_at AS TIMESTAMP) AS converted_at, lead_source FROM (VALUES
      ('A', 'R1', '2024-07-01 09:00:00', true, '2024-07-20 00:00:00', 'web'),
      ('B', 'R2', '2024-05-01 09:00:00', true, '2024-06-15 00:00:00', 'web'),
      ('C', 'R3', '2024-08-01 09:00:00', false, NULL, 'event'),
      ('D', 'R4', '2024-08-01 09:00:00', false, NULL, 'event'),
      ('E', 'R9', '2024-08-01 09:00:00', false, NULL, 'event'),
      ('F', 'R1', NULL, false, NULL, 'event'),
      ('G', 'R1', '2024-07-02 00:00:00', false, NULL, 'web'),
      ('G', 'R2', '2024-07-02 00:00:00', false, NULL, 'web'),
      ('H', 'R1', '2024-12-15 00:00:00', false, NULL, 'web'),
      ('I', 'R1', '2025-01-05 00:00:00', false, NULL, 'web'),
      ('J', 'R2', '2024-07-03 00:00:00', true, NULL, 'web')
      ${extraLeads}
    ) v(lead_id, rep_id, contacted_at, converted, converted_at, lead_source)`,
  );
}

function smallSpec(overrides: Record<string, unknown> = {}) {
  return {
    featureGroups: [
      { name: 'market', policy: 'pointInTime' as const, columns: ['firm_id', 'state', 'metro'] as const },
      { name: 'financial', policy: 'current' as const, columns: ['aum'] as const },
      { name: 'temporal', policy: 'history' as const, columns: ['num_clients'] as const },
    ].map((g) => ({ ...g, columns: [...g.columns] })),
    historyQuarters: 2,
    dataEndDate: '2024-12-31',
    output: { base: 'ds', version: '20240101_01', overwrite: true },
    cohortStats: [
      {
        name: 'aum_rank_state_pit',
        kind: 'percentRank' as const,
        column: 'aum' as const,
        partitionBy: ['state' as const],
        source: 'pointInTime' as const,
      },
      { name: 'metro_reps', kind: 'count' as const, partitionBy: ['metro' as const] },
      {
        name: 'firm_aum',
        kind: 'sum' as const,
        column: 'aum' as const,
        partitionBy: ['firm_id' as const],
        source: 'pointInTime' as const,
      },
      {
        name: 'aum_share_firm_now',
        kind: 'share' as const,
        column: 'aum' as const,
        partitionBy: ['firm_id' as const],
      },
    ],
    ...overrides,
  };
}

beforeAll(async () => {
  wh = await openDuckDbWarehouse({ path: ':memory:', threads: 1 });
  dir = await mkdtemp(join(tmpdir(), 'leadscore-ds-'));
});
afterAll(async () => {
  await wh.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await loadSources();
});

describe('DatasetSpec', () => {
  it('applies defaults and freezes', () => {
    const spec = parseDatasetSpec({
      featureGroups: [{ name: 'g', policy: 'pointInTime', columns: ['aum'] }],
      dataEndDate: '2025-12-31',
      output: { base: 'out' },
    });
    expect(spec.availabilityLagDays).toBe(0);
    expect(spec.maxLookbackDays).toBe(120);
    expect(spec.historyQuarters).toBe(8);
    expect(spec.labelHorizonDays).toBe(30);
    expect(spec.tables).toEqual({ repSnapshots: 'rep_snapshots', repCurrent: 'rep_current', leads: 'leads' });
    expect(Object.isFrozen(spec.featureGroups[0])).toBe(true);
  });

  it('refuses bad specs naming the field', () => {
    const base = {
      featureGroups: [{ name: 'g', policy: 'pointInTime', columns: ['aum'] }],
      dataEndDate: '2025-12-31',
      output: { base: 'out' },
    };
    expect(() => parseDatasetSpec({ ...base, dataEndDate: '2025-02-30' })).toThrowErrorMatchingInlineSnapshot(
      `[ValidationError: spec.dataEndDate: must be a real calendar date, found "2025-02-30"]`,
    );
    expect(() =>
      parseDatasetSpec({
        ...base,
        featureGroups: [
          { name: 'a', policy: 'pointInTime', columns: ['aum'] },
          { name: 'b', policy: 'current', columns: ['aum'] },
        ],
      }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[ValidationError: spec.featureGroups[1].columns[0]: aum is already read by group a; a column has one pointInTime/current policy, found "aum"]`,
    );
    expect(() => parseDatasetSpec({ ...base, tables: { leads: 'leads; DROP TABLE x' } })).toThrow(
      /^spec\.tables\.leads: must be a \(dotted\) identifier/,
    );
    expect(() => parseDatasetSpec({ ...base, output: { base: 'out', version: '2026-11-26' } })).toThrow(
      /^spec\.output\.version: must look like 20261126_01/,
    );
    expect(() => parseDatasetSpec({ ...base, availabilityLagDays: 30, maxLookbackDays: 20 })).toThrow(
      /^spec\.maxLookbackDays: must be >= availabilityLagDays \(30\)/,
    );
    expect(() =>
      parseDatasetSpec({ ...base, cohortStats: [{ name: 'x', kind: 'sum', partitionBy: ['state'] }] }),
    ).toThrow(/^spec\.cohortStats\[0\]\.column: sum needs a column/);
    expect(() =>
      v7DatasetSpec({ dataEndDate: '2025-12-31', outputbase: 'mine', lookbackDays: 30 } as never),
    ).toThrow(
      /^2 problems:\n- options\.outputbase is not a known option, found "outputbase"\n- options\.lookbackDays is not a known option/,
    );
    // A cohort statistic may not shadow a history date column, which the leakage audit reads by name.
    expect(() =>
      parseDatasetSpec({
        ...base,
        featureGroups: [...base.featureGroups, { name: 'h', policy: 'history', columns: ['aum'] }],
        historyQuarters: 2,
        cohortStats: [{ name: 'history_snapshot_date_q1', kind: 'count', partitionBy: ['state'] }],
      }),
    ).toThrow(/^spec\.cohortStats\[0\]\.name: history_snapshot_date_q1 collides with another output column/);
  });

  it('v7 preset: financial current, the rest point-in-time, 8 quarters of history, cohort stats', () => {
    const spec = v7DatasetSpec({ dataEndDate: '2025-12-31' });
    const byPolicy = (p: string) =>
      spec.featureGroups.filter((g) => g.policy === p).flatMap((g) => g.columns);
    expect(byPolicy('current')).toEqual([
      'aum',
      'num_clients',
      'num_accounts',
      'pct_hnw_clients',
      'fee_based_pct',
    ]);
    expect(byPolicy('history')).toEqual(['aum', 'num_clients', 'firm_id', 'firm_rep_count']);
    expect(byPolicy('pointInTime')).toContain('years_at_firm');
    expect(byPolicy('pointInTime')).toContain('firm_id');
    expect(spec.historyQuarters).toBe(8);
    expect(spec.cohortStats.map((s) => s.name)).toEqual([
      'aum_pct_rank_state',
      'aum_pct_rank_firm',
      'metro_rep_count',
      'firm_total_aum',
    ]);
    expect(leakageExposedColumns(spec)).toEqual([
      'aum',
      'num_clients',
      'num_accounts',
      'pct_hnw_clients',
      'fee_based_pct',
      'aum_pct_rank_state',
      'aum_pct_rank_firm',
      'firm_total_aum',
    ]);
  });

  it('compiles BigQuery SQL with backtick names and @ parameters only', () => {
    const spec = parseDatasetSpec({
      ...smallSpec(),
      tables: { repSnapshots: 'proj.ds.snaps', repCurrent: 'proj.ds.cur', leads: 'proj.ds.leads' },
    });
    const sql = compileDatasetSql(spec, bigqueryDialect, 'proj.ds.out_20240101_01');
    expect(sql.createOutput).toMatch(/^CREATE TABLE `proj\.ds\.out_20240101_01` AS WITH/);
    expect(sql.createOutput).toContain('FROM `proj.ds.snaps`');
    expect(sql.createOutput).toContain('CAST(@data_end_date AS DATE)');
    expect(sql.createOutput).not.toMatch(/\$data_end_date|"/);
  });
});

describe('buildDataset on hand-built tables', () => {
  it('counts every exclusion by reason and keeps leads without snapshots with nulls', async () => {
    await loadSources(
      '',
      `, (NULL, 'R1', '2024-07-01 09:00:00', false, NULL, 'web'), ('K', 'R1', '2024-07-01 09:00:00', NULL, NULL, 'web')` +
        `, ('M', 'R1', '2024-07-01 09:00:00', true, '2024-07-01 08:59:59', 'web')` +
        `, ('N', 'R1', '2024-07-01 09:00:00', false, '2024-07-05 00:00:00', 'web')`,
    );
    const r = await buildDataset(wh, smallSpec());
    expect(r.metadata.counts.excluded).toEqual({
      null_lead_id: 1,
      duplicate_lead_id: 2, // both G rows
      null_contacted_at: 1, // F
      unknown_rep: 1, // E
      contacted_after_data_end: 1, // I
      label_horizon_open: 1, // H: 2024-12-15 + 30 days > 2024-12-31
      null_converted: 1, // K
      converted_without_date: 1, // J
      converted_before_contact: 1, // M: converted one second before the contact
      conversion_date_without_flag: 1, // N: a conversion date on a non-converted lead
    });
    expect(r.metadata.counts.leadsIn).toBe(15);
    expect(r.metadata.counts.leadsOut).toBe(4);
    expect(r.metadata.counts.excludedTotal).toBe(11);
    const rows = (r.table?.toArray() ?? []).map((row) => row.toJSON());
    expect(rows.map((x) => x.lead_id)).toEqual(['B', 'A', 'C', 'D']);
    // D (R4, contacted 2024-08-01): its only snapshot 2024-03-31 is 123 days old > 120: kept with nulls.
    const d = rows.find((x) => x.lead_id === 'D');
    expect(d?.pit_snapshot_date).toBeNull();
    expect(d?.firm_id).toBeNull();
    expect(d?.aum).toBe(40); // current policy: rep_current row whatever its date
    expect(r.metadata.counts.keptWithNulls.noSnapshotWithinLookback).toBe(1);
    // Labels: A converted 19 days after contact (1); B converted 45 days after (0).
    expect(rows.find((x) => x.lead_id === 'A')?.label).toBe(1);
    expect(rows.find((x) => x.lead_id === 'B')?.label).toBe(0);
    expect(r.metadata.positives).toBe(1);
    expect(r.metadata.labelRate).toBeCloseTo(0.25, 12);
    expect(r.table?.schema.fields.find((f) => f.name === 'label')?.type.toString()).toBe('Int32');
  });

  it('computes cohort statistics over the whole population, not the lead sample', async () => {
    await loadSources('', `, ('K', 'R3', '2024-05-01 09:00:00', false, NULL, 'web')`);
    const r = await buildDataset(wh, smallSpec());
    const rows = new Map((r.table?.toArray() ?? []).map((row) => [row.lead_id as string, row.toJSON()]));
    // B reads the 2024-03-31 snapshot: NY aums 10, 20, 30 -> R2 (20) has percent rank 1/2.
    expect(rows.get('B')?.aum_rank_state_pit).toBeCloseTo(0.5, 12);
    // ...reps per metro NYC on 2024-03-31: R1, R2 -> 2; firm F1 aum 10 + 20 = 30.
    expect(rows.get('B')?.metro_reps).toBe(2);
    expect(rows.get('B')?.firm_aum).toBeCloseTo(30, 12);
    // A reads 2024-06-30: NY has R1 (15) and R2 (null aum): R1 alone among non-null -> rank 0.
    expect(rows.get('A')?.aum_rank_state_pit).toBe(0);
    expect(rows.get('A')?.firm_aum).toBeCloseTo(15, 12);
    // C reads 2024-06-30: LA on that date holds R3 only (R4's LA row is from the earlier quarter).
    expect(rows.get('C')?.metro_reps).toBe(1);
    // K reads R3's 2024-03-31 row, whose metro is null: no cohort.
    expect(rows.get('K')?.metro_reps).toBeNull();
    expect(rows.get('K')?.pit_snapshot_date).toBe(Date.UTC(2024, 2, 31));
    // Current source (aum is current): F2 in rep_current = R2 (null), R3 (35), R4 (40): R3's share 35/75.
    expect(rows.get('C')?.aum_share_firm_now).toBeCloseTo(35 / 75, 12);
    expect(r.metadata.leakage.exposedColumns).toEqual(['aum', 'aum_share_firm_now']);
  });

  it('reports progress for every step in order', async () => {
    const steps: string[] = [];
    await buildDataset(wh, smallSpec(), { onProgress: (p) => steps.push(`${p.index}/${p.total}:${p.step}`) });
    expect(steps).toEqual(BUILD_STEPS.map((s, i) => `${i + 1}/${BUILD_STEPS.length}:${s}`));
  });

  it('stops on an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(buildDataset(wh, smallSpec(), { signal: controller.signal })).rejects.toBeInstanceOf(
      CancelledError,
    );
  });

  it('follows a column map for physical names', async () => {
    await wh.execute(
      'CREATE OR REPLACE TABLE leads_x AS SELECT lead_id AS id, rep_id AS advisor, contacted_at AS first_touch, converted, converted_at, lead_source FROM leads',
    );
    const r = await buildDataset(
      wh,
      smallSpec({
        tables: { leads: 'leads_x' },
        columnMap: { lead: { lead_id: 'id', rep_id: 'advisor', contacted_at: 'first_touch' } },
      }),
    );
    expect(r.metadata.counts.leadsOut).toBe(4);
    expect(r.table?.schema.fields.slice(0, 3).map((f) => f.name)).toEqual([
      'lead_id',
      'rep_id',
      'contacted_at',
    ]);
  });
});

describe('bad input', () => {
  it('refuses snapshots dated after the data end date', async () => {
    await loadSources(`, ('R1', DATE '2025-03-31', 'F1', 'NY', 'NYC', 1.0, 1)`);
    await expect(buildDataset(wh, smallSpec())).rejects.toThrowErrorMatchingInlineSnapshot(
      `[DataError: rep_snapshots has 1 rows dated after the data end date 2024-12-31, e.g. ["R1@2025-03-31"]]`,
    );
  });

  it('refuses duplicate (rep_id, snapshot_date)', async () => {
    await loadSources(`, ('R2', DATE '2024-03-31', 'F9', 'NY', 'NYC', 1.0, 1)`);
    const err = await buildDataset(wh, smallSpec()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toBe(
      'rep_snapshots has duplicate (rep_id, snapshot_date) rows, e.g. ["R2@2024-03-31"]',
    );
  });

  it('refuses a text snapshot_date (a CSV loaded without types) with a SchemaError', async () => {
    await writeFile(
      join(dir, 'snaps.csv'),
      'rep_id,snapshot_date,firm_id,state,metro,aum,num_clients\nR1,2024-03-31,F1,NY,NYC,1,1\nR2,unknown,F1,NY,NYC,2,2\n',
    );
    await wh.createTableFromFile('rep_snapshots', join(dir, 'snaps.csv'), { replace: true });
    const err = await buildDataset(wh, smallSpec()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchemaError);
    expect((err as Error).message).toMatch(
      /^rep_snapshots\.snapshot_date must have type DATE, found "VARCHAR"/,
    );
  });

  it('refuses hostile table names before touching the warehouse', async () => {
    await expect(
      buildDataset(wh, smallSpec({ tables: { leads: 'leads"; DROP TABLE rep_snapshots; --' } })),
    ).rejects.toThrow(/^spec\.tables\.leads: must be a \(dotted\) identifier/);
    await expect(
      buildDataset(wh, smallSpec({ tables: { leads: 'leads"; DROP TABLE rep_snapshots; --' } })),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await wh.tableExists('rep_snapshots')).toBe(true);
  });

  it('reports a missing source table and a missing column', async () => {
    await expect(buildDataset(wh, smallSpec({ tables: { repCurrent: 'nope' } }))).rejects.toThrow(
      /^spec\.tables\.repCurrent names a table that does not exist: "nope"/,
    );
    await wh.execute(
      'CREATE OR REPLACE TABLE rep_current AS SELECT rep_id, snapshot_date FROM rep_snapshots LIMIT 0',
    );
    await expect(buildDataset(wh, smallSpec())).rejects.toThrow(/^rep_current\.aum is missing/);
  });
});

describe('versions and metadata files', () => {
  it('never overwrites a version silently and writes metadata atomically', async () => {
    const out = join(dir, 'versions');
    const spec = smallSpec({ output: { base: 'train_v7' } });
    const now = new Date(Date.UTC(2026, 10, 26, 12));
    const first = await buildDataset(wh, spec, { outDir: out, now });
    const second = await buildDataset(wh, spec, { outDir: out, now });
    expect(first.tableName).toBe('train_v7_20261126_01');
    expect(second.tableName).toBe('train_v7_20261126_02');
    expect((await readdir(out)).sort()).toEqual([
      'train_v7_metadata_20261126_01.json',
      'train_v7_metadata_20261126_02.json',
    ]);
    const written = JSON.parse(await readFile(join(out, 'train_v7_metadata_20261126_01.json'), 'utf8'));
    expect(written.output.name).toBe('train_v7_20261126_01');
    expect(written.specHash).toBe(first.metadata.specHash);
    const fixed = smallSpec({ output: { base: 'train_v7', version: '20261126_01' } });
    const err = await buildDataset(wh, fixed, { outDir: out }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArtifactError);
    expect((err as Error).message).toMatch(/^output\.version "20261126_01" already exists/);
    const replaced = await buildDataset(
      wh,
      smallSpec({ output: { base: 'train_v7', version: '20261126_01', overwrite: true } }),
      { outDir: out, now },
    );
    expect(replaced.tableName).toBe('train_v7_20261126_01');
  });

  it('records fingerprints, null rates and date ranges', async () => {
    const r = await buildDataset(wh, smallSpec());
    const m = r.metadata;
    expect(m.sources.repSnapshots.rowCount).toBe(7);
    expect(m.sources.leads.rowCount).toBe(11);
    expect(m.output.rowCount).toBe(4);
    expect(m.output.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(m.nullRates.firm_id).toBeCloseTo(0.25, 12); // D only
    expect(m.nullRates.lead_id).toBe(0);
    expect(m.dateRange).toEqual({
      contactedAtMin: '2024-05-01T09:00:00.000Z',
      contactedAtMax: '2024-08-01T09:00:00.000Z',
      snapshotDateMin: '2024-03-31',
      snapshotDateMax: '2024-06-30',
      dataEndDate: '2024-12-31',
    });
    // A fresh build of the same sources fingerprints the same content the same way.
    const again = await buildDataset(
      wh,
      smallSpec({ output: { base: 'ds', version: '20240101_02', overwrite: true } }),
    );
    expect(again.metadata.output.fingerprint).toBe(m.output.fingerprint);
    expect(again.metadata.specHash).not.toBe(m.specHash);
  });
});

describe('io helpers used for metadata', () => {
  it('canonical JSON sorts keys recursively so equal specs hash equally', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }], u: undefined })).toBe(
      '{"a":[2,{"c":4,"d":3}],"b":1}',
    );
    expect(hashJson({ x: 1, y: [1, 2] })).toBe(hashJson({ y: [1, 2], x: 1 }));
    // sha256("abc") from FIPS 180-2, appendix B.1.
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(() => canonicalJson({ rate: Number.NaN })).toThrow(/^value\.rate must be a finite number/);
  });

  it('writes atomically: no temp file left, exclusive refuses an existing file', async () => {
    const sub = join(dir, 'atomic', 'nested');
    const path = join(sub, 'meta.json');
    await writeFileAtomic(path, '{"v":1}');
    await writeFileAtomic(path, '{"v":2}');
    expect(await readFile(path, 'utf8')).toBe('{"v":2}');
    expect(await readdir(sub)).toEqual(['meta.json']);
    await expect(writeFileAtomic(path, 'x', { exclusive: true })).rejects.toBeInstanceOf(ArtifactError);
    expect(await readFile(path, 'utf8')).toBe('{"v":2}');
  });
});
