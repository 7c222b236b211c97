import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDiscoveryWorld, writeDiscoveryWorld } from '@leadscore/world';
import { Int64, Table, vectorFromArray } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DuckDbWarehouse, openDuckDbWarehouse } from '../src/warehouse/duckdb.js';

const world = generateDiscoveryWorld({ reps: 500, quarters: 8, leads: 800, seed: 17 });
let dir = '';
let warehouse: DuckDbWarehouse;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'leadscore-world-parquet-test-'));
  warehouse = await openDuckDbWarehouse({ path: ':memory:' });
});
afterAll(async () => {
  await warehouse.close();
  await rm(dir, { recursive: true, force: true });
});

describe('writeDiscoveryWorld through a DuckDB warehouse', () => {
  it('writes Parquet through DuckDB with the contract types and the same content', async () => {
    const out = join(dir, 'parquet');
    const result = await writeDiscoveryWorld(world, out, { format: 'parquet', warehouse });
    expect((await readdir(out)).sort()).toEqual([
      'leads.parquet',
      'rep_current.parquet',
      'rep_snapshots.parquet',
      'truth.parquet',
      'world.json',
    ]);
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    try {
      const q = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjectsJS();
      const types = await q(`DESCRIBE SELECT * FROM '${result.files.repSnapshots}'`);
      const typeOf = Object.fromEntries(types.map((r) => [r.column_name, r.column_type]));
      expect(typeOf).toMatchObject({
        rep_id: 'VARCHAR',
        snapshot_date: 'DATE',
        custodian: 'VARCHAR',
        years_at_firm: 'DOUBLE',
        num_prior_firms: 'INTEGER',
        has_cfp: 'BOOLEAN',
        aum: 'DOUBLE',
      });
      const leadTypes = await q(`DESCRIBE SELECT * FROM '${result.files.leads}'`);
      expect(leadTypes.map((r) => `${r.column_name}:${r.column_type}`)).toEqual([
        'lead_id:VARCHAR',
        'rep_id:VARCHAR',
        'contacted_at:TIMESTAMP',
        'converted:BOOLEAN',
        'converted_at:TIMESTAMP',
        'lead_source:VARCHAR',
      ]);
      const [agg] = await q(
        `SELECT count(*)::INTEGER n, sum(aum) aum, count(aum)::INTEGER aum_n, count(custodian)::INTEGER cust_n,
                max(snapshot_date)::VARCHAR last_date FROM '${result.files.repSnapshots}'`,
      );
      const aum = world.repSnapshots.getChild('aum')!;
      let sum = 0;
      for (let i = 0; i < aum.length; i++) sum += (aum.get(i) as number | null) ?? 0;
      expect(agg!.n).toBe(world.repSnapshots.numRows);
      expect(agg!.aum as number).toBeCloseTo(sum, 0);
      expect(agg!.aum_n).toBe(world.repSnapshots.numRows - aum.nullCount);
      expect(agg!.cust_n).toBe(
        world.repSnapshots.numRows - world.repSnapshots.getChild('custodian')!.nullCount,
      );
      expect(agg!.last_date).toBe(world.truth.params.dataEndDate);
      const [first] = await q(
        `SELECT epoch_ms(contacted_at) c, converted FROM '${result.files.leads}' WHERE lead_id = 'L0000001'`,
      );
      expect(Number(first!.c)).toBe(world.leads.getChild('contacted_at')!.get(0));
      const [t] = await q(`SELECT count(*)::INTEGER n, sum(true_probability) s FROM '${result.files.truth}'`);
      expect(t!.n).toBe(800);
      expect(t!.s as number).toBeCloseTo(
        world.truth.probability.reduce((s, p) => s + p, 0),
        9,
      );
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });

  it('keeps a 64-bit integer column 64-bit (no truncation to INTEGER) and leaves no staging table', async () => {
    const big = [2n ** 40n + 1n, -(2n ** 53n) - 3n];
    const extra = new Table({
      big_count: vectorFromArray(
        Array.from({ length: world.repCurrent.numRows }, (_, i) => big[i % 2]!),
        new Int64(),
      ),
    });
    const wide = { ...world, repCurrent: world.repCurrent.assign(extra) };
    const out = join(dir, 'int64');
    const result = await writeDiscoveryWorld(wide, out, { format: 'parquet', warehouse });
    const file = result.files.repCurrent.replaceAll("'", "''");
    const types = await warehouse.query(`SELECT column_type FROM (DESCRIBE SELECT big_count FROM '${file}')`);
    expect(types.getChild('column_type')!.get(0)).toBe('BIGINT');
    const values = await warehouse.query(`SELECT big_count FROM '${file}' LIMIT 2`);
    expect([...values.getChild('big_count')!.toArray()]).toEqual(big);
    const left = await warehouse.query(
      "SELECT count(*)::INTEGER n FROM information_schema.tables WHERE table_name LIKE 'world_%'",
    );
    expect(left.getChild('n')!.get(0)).toBe(0);
  });
});
