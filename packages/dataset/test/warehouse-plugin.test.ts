/**
 * A third warehouse needs no edit of the builder: a warehouse that brings its own dialect object (here
 * DuckDB under another name, counting the calls) builds, audits and verifies a dataset.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDiscoveryWorld } from '@leadscore/world';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDataset } from '../src/builder/build.js';
import { v7DatasetSpec } from '../src/builder/spec.js';
import { verifyDataset } from '../src/builder/verify.js';
import { duckdbDialect } from '../src/warehouse/dialect.js';
import { type DuckDbWarehouse, openDuckDbWarehouse } from '../src/warehouse/duckdb.js';
import type { SqlDialect, Warehouse } from '../src/warehouse/types.js';

let duck: DuckDbWarehouse;
let dir: string;
const world = generateDiscoveryWorld({ reps: 300, quarters: 8, leads: 500, seed: 5 });

beforeAll(async () => {
  duck = await openDuckDbWarehouse({ path: ':memory:', threads: 1 });
  dir = await mkdtemp(join(tmpdir(), 'leadscore-plugin-'));
  await duck.createTableFromArrow('rep_snapshots', world.repSnapshots);
  await duck.createTableFromArrow('rep_current', world.repCurrent);
  await duck.createTableFromArrow('leads', world.leads);
});
afterAll(async () => {
  await duck.close();
  await rm(dir, { recursive: true, force: true });
});

/** DuckDB's dialect renamed, counting how often the builder asks it for SQL. */
function countingDialect(calls: Map<string, number>): SqlDialect {
  const renamed: SqlDialect = { ...duckdbDialect, name: 'duck-like' };
  return new Proxy(renamed, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(key), (calls.get(String(key)) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown)(...args);
      };
    },
  });
}

/** The DuckDB warehouse behind an object of its own: only the interface, and another dialect. */
function pluggedWarehouse(dialect: SqlDialect): Warehouse {
  return {
    dialect,
    query: (sql, options) => duck.query(sql, options),
    queryBatches: (sql, options) => duck.queryBatches(sql, options),
    execute: (sql, options) => duck.execute(sql, options),
    createTableFromArrow: (name, table, options) => duck.createTableFromArrow(name, table, options),
    createTableFromFile: (name, path, options) => duck.createTableFromFile(name, path, options),
    describeTable: (name, options) => duck.describeTable(name, options),
    tableExists: (name) => duck.tableExists(name),
    dropTable: (name, options) => duck.dropTable(name, options),
    quoteIdentifier: (name) => dialect.quote(name),
    close: async () => undefined,
  };
}

describe('a warehouse with its own dialect object', () => {
  it('builds, audits and verifies the same dataset as DuckDB, recording its dialect name', async () => {
    const spec = v7DatasetSpec({ dataEndDate: world.truth.params.dataEndDate });
    const now = new Date('2026-01-02T00:00:00Z');
    const reference = await buildDataset(
      duck,
      { ...spec, output: { ...spec.output, base: 'ref', version: '20260102_01' } },
      { now },
    );
    const calls = new Map<string, number>();
    const plugged = pluggedWarehouse(countingDialect(calls));
    const built = await buildDataset(
      plugged,
      { ...spec, output: { ...spec.output, base: 'plug', version: '20260102_01' } },
      { now, outDir: dir },
    );
    expect(built.metadata.warehouse).toBe('duck-like');
    expect(reference.metadata.warehouse).toBe('duckdb');
    expect(built.metadata.counts).toEqual(reference.metadata.counts);
    expect(built.metadata.output.fingerprint).toBe(reference.metadata.output.fingerprint);
    expect(built.table!.numRows).toBe(reference.table!.numRows);
    // Every piece of dialect-specific SQL came from the plugged object.
    for (const method of ['quote', 'param', 'cast', 'dateAddDays', 'createTableAs']) {
      expect({ method, called: (calls.get(method) ?? 0) > 0 }).toEqual({ method, called: true });
    }
    const verified = await verifyDataset(plugged, built.tableName, built.metadataPath!);
    expect(verified.ok).toBe(true);
  });
});
