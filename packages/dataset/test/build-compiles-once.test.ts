/**
 * Issue 9: `buildDataset` compiles its SQL once per build. A spy wraps the real `compileDatasetSql`
 * (the builder imports it from this module) and counts the calls of one whole build, audit included.
 */
import { generateDiscoveryWorld } from '@leadscore/world';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildDataset } from '../src/builder/build.js';
import { v7DatasetSpec } from '../src/builder/spec.js';
import * as sql from '../src/builder/sql.js';
import { type DuckDbWarehouse, openDuckDbWarehouse } from '../src/warehouse/duckdb.js';

vi.mock('../src/builder/sql.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/builder/sql.js')>();
  return { ...real, compileDatasetSql: vi.fn(real.compileDatasetSql) };
});

let wh: DuckDbWarehouse;
const world = generateDiscoveryWorld({ reps: 200, quarters: 8, leads: 300, seed: 11 });

beforeAll(async () => {
  wh = await openDuckDbWarehouse({ path: ':memory:', threads: 1 });
  await wh.createTableFromArrow('rep_snapshots', world.repSnapshots);
  await wh.createTableFromArrow('rep_current', world.repCurrent);
  await wh.createTableFromArrow('leads', world.leads);
});
afterAll(async () => {
  await wh.close();
});

describe('buildDataset', () => {
  it('compiles the dataset SQL exactly once per build', async () => {
    const compile = vi.mocked(sql.compileDatasetSql);
    compile.mockClear();
    const spec = v7DatasetSpec({ dataEndDate: world.truth.params.dataEndDate, version: '20260101_01' });
    const built = await buildDataset(wh, spec);
    expect(built.metadata.counts.leadsOut).toBeGreaterThan(0);
    expect(compile).toHaveBeenCalledTimes(1);
    expect(compile.mock.calls[0]?.[2]).toBe(built.tableName);
    // A second build compiles once more, not again per step.
    await buildDataset(wh, { ...spec, output: { ...spec.output, version: '20260101_02' } });
    expect(compile).toHaveBeenCalledTimes(2);
  });
});
