import { LeakageError } from '@leadscore/core';
import { averagePrecision } from '@leadscore/core/metrics';
import { generateDiscoveryWorld } from '@leadscore/world';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditDatasetLeakage } from '../src/builder/audit.js';
import { buildDataset } from '../src/builder/build.js';
import { type DatasetSpecInput, leakageExposedColumns, parseDatasetSpec } from '../src/builder/spec.js';
import { openDuckDbWarehouse } from '../src/warehouse/duckdb.js';
import type { Warehouse } from '../src/warehouse/types.js';

let wh: Warehouse;
beforeAll(async () => {
  wh = await openDuckDbWarehouse({ path: ':memory:', threads: 1 });
});
afterAll(async () => {
  await wh.close();
});

const FIRM_COLUMNS = ['firm_id', 'firm_type', 'firm_rep_count'] as const;

function firmSpec(policy: 'pointInTime' | 'current', dataEndDate: string, version: string): DatasetSpecInput {
  return {
    featureGroups: [
      { name: 'firm', policy, columns: [...FIRM_COLUMNS] },
      { name: 'career', policy: 'pointInTime', columns: ['years_at_firm'] },
    ],
    dataEndDate,
    output: { base: `trap_${policy === 'current' ? 'cur' : 'pit'}`, version, overwrite: true },
  };
}

describe('leakage-exposed columns', () => {
  it('lists every current-policy column and current-source cohort statistic', () => {
    const spec = parseDatasetSpec({
      ...firmSpec('current', '2025-12-31', '20260101_01'),
      cohortStats: [
        { name: 'firm_size_rank', kind: 'percentRank', column: 'firm_rep_count', partitionBy: ['state'] },
        { name: 'tenure_rank', kind: 'percentRank', column: 'years_at_firm', partitionBy: ['state'] },
      ],
    });
    expect(leakageExposedColumns(spec)).toEqual(['firm_id', 'firm_type', 'firm_rep_count', 'firm_size_rank']);
    expect(
      leakageExposedColumns(parseDatasetSpec(firmSpec('pointInTime', '2025-12-31', '20260101_01'))),
    ).toEqual([]);
  });
});

describe('the synthetic world leakage trap', () => {
  it('current firm columns separate converters far better than point-in-time ones', async () => {
    const world = generateDiscoveryWorld({ reps: 1500, leads: 4000, seed: 11 });
    const { dataEndDate, recruiterFirmId } = world.truth.params;
    await wh.createTableFromArrow('rep_snapshots', world.repSnapshots, { replace: true });
    await wh.createTableFromArrow('rep_current', world.repCurrent, { replace: true });
    await wh.createTableFromArrow('leads', world.leads, { replace: true });

    const ap = async (policy: 'pointInTime' | 'current') => {
      const r = await buildDataset(wh, firmSpec(policy, dataEndDate, '20260101_01'));
      const table = r.table;
      if (!table) throw new Error('no table');
      const labels = Array.from(table.getChild('label')?.toArray() ?? [], Number);
      const firm = table.getChild('firm_id');
      const scores = labels.map((_, i) => (firm?.get(i) === recruiterFirmId ? 1 : 0));
      return { ap: averagePrecision(labels, scores), rate: r.metadata.labelRate, meta: r.metadata };
    };
    const pit = await ap('pointInTime');
    const cur = await ap('current');
    expect(cur.meta.leakage.exposedColumns).toEqual([...FIRM_COLUMNS]);
    expect(pit.meta.leakage.exposedColumns).toEqual([]);
    expect(cur.meta.leakage.currentRowsAfterCutoff).toBeGreaterThan(0);
    // Point in time, "works at the recruiter" carries no information beyond the base rate...
    expect(pit.ap).toBeLessThan(pit.rate * 2);
    // ...while the current snapshot reveals who already joined: the inflated AUC-PR of a leaky spec.
    // (pit AP is the base rate here: nobody works at the recruiter before converting.)
    expect(cur.ap).toBeGreaterThan(cur.rate * 4);
    expect(cur.ap).toBeGreaterThan(pit.ap * 4);
  }, 30_000);
});

describe('leakage audit', () => {
  it('flags snapshot dates after cutoff - lag, history dates included, and undated values', async () => {
    await wh.execute(`CREATE OR REPLACE TABLE audit_t AS SELECT * FROM (VALUES
      ('ok',   TIMESTAMP '2024-04-20 08:00:00', DATE '2024-03-31', 1.0, DATE '2024-03-31', 5.0),
      ('edge', TIMESTAMP '2024-04-15 00:00:00', DATE '2024-03-31', 1.0, DATE '2024-03-31', 5.0),
      ('lag',  TIMESTAMP '2024-04-14 23:59:59', DATE '2024-03-31', 1.0, NULL, NULL),
      ('hist', TIMESTAMP '2024-05-20 00:00:00', DATE '2024-03-31', 1.0, DATE '2024-06-30', 5.0),
      ('none', TIMESTAMP '2024-05-20 00:00:00', NULL, 2.0, NULL, NULL)
    ) v(lead_id, contacted_at, pit_snapshot_date, years_at_firm, history_snapshot_date_q0, aum_q0)`);
    const spec = parseDatasetSpec({
      featureGroups: [
        { name: 'c', policy: 'pointInTime', columns: ['years_at_firm'] },
        { name: 'h', policy: 'history', columns: ['aum'] },
      ],
      availabilityLagDays: 15,
      historyQuarters: 1,
      dataEndDate: '2024-12-31',
      output: { base: 'x' },
    });
    const r = await auditDatasetLeakage(wh, 'audit_t', spec);
    expect(r).toEqual({
      passed: false,
      checkedValues: 7,
      violations: 2, // 'lag': 2024-03-31 + 15 days = 2024-04-15 > 2024-04-14; 'hist': a future quarter
      lookbackViolations: 0,
      undatedValues: 1, // 'none': a point-in-time value without a snapshot date
      offendingLeadIds: ['hist', 'lag', 'none'],
    });
  });

  it('fails the build with a LeakageError naming the leads and leaves no table behind', async () => {
    await wh.execute(`CREATE OR REPLACE TABLE rep_snapshots AS SELECT * FROM (VALUES
      ('R1', DATE '2024-03-31', 1.0), ('R1', DATE '2024-06-30', 2.0)) v(rep_id, snapshot_date, years_at_firm)`);
    await wh.execute(
      `CREATE OR REPLACE TABLE rep_current AS SELECT * FROM rep_snapshots WHERE snapshot_date = DATE '2024-06-30'`,
    );
    await wh.execute(`CREATE OR REPLACE TABLE leads AS SELECT 'L1' AS lead_id, 'R1' AS rep_id, TIMESTAMP '2024-05-01 00:00:00' AS contacted_at,
      false AS converted, CAST(NULL AS TIMESTAMP) AS converted_at, 'web' AS lead_source`);
    // A warehouse whose CREATE TABLE AS "forgets" the cutoff, as a buggy engine or dialect might.
    const buggy: Warehouse = {
      dialect: wh.dialect,
      query: (sql, options) => wh.query(sql, options),
      queryBatches: (sql, options) => wh.queryBatches(sql, options),
      execute: async (sql, options) => {
        await wh.execute(sql, options);
        const m = /^CREATE (?:OR REPLACE )?TABLE ("[^"]+")/.exec(sql);
        if (m)
          await wh.execute(`UPDATE ${m[1]} SET pit_snapshot_date = DATE '2024-06-30', years_at_firm = 2.0`);
      },
      createTableFromArrow: (name, table, options) => wh.createTableFromArrow(name, table, options),
      createTableFromFile: (name, path, options) => wh.createTableFromFile(name, path, options),
      describeTable: (name, options) => wh.describeTable(name, options),
      tableExists: (name) => wh.tableExists(name),
      dropTable: (name, options) => wh.dropTable(name, options),
      quoteIdentifier: (name) => wh.quoteIdentifier(name),
      close: () => wh.close(),
    };
    const spec = {
      featureGroups: [{ name: 'c', policy: 'pointInTime' as const, columns: ['years_at_firm' as const] }],
      dataEndDate: '2024-12-31',
      output: { base: 'leaky', version: '20250101_01' },
    };
    const err = await buildDataset(buggy, spec).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LeakageError);
    expect((err as Error).message).toMatchInlineSnapshot(
      `"leaky_20250101_01 failed the leakage audit: 1 rows read snapshots dated after cutoff - 0 days, 0 beyond 120 days, 0 with undated values; lead ids ["L1"]"`,
    );
    expect(await wh.tableExists('leaky_20250101_01')).toBe(false);
  });
});
