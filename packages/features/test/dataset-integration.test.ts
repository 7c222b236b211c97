import { buildDataset, openWarehouse, v7DatasetSpec } from '@leadscore/dataset';
import { generateDiscoveryWorld } from '@leadscore/world';
import { describe, expect, it } from 'vitest';
import { computeFeatures, computeFeaturesForRow, featureColumn, v7Features } from '../src/index.js';

// The real producer of training tables: the core dataset builder on a small discovery world in DuckDB.
describe('v7Features on the dataset builder output', () => {
  it('computes every catalog feature, batch equal to row, on a built training table', async () => {
    const world = generateDiscoveryWorld({ seed: 5, reps: 400, leads: 600 });
    const wh = await openWarehouse({ kind: 'duckdb', path: ':memory:', threads: 1 });
    try {
      await wh.createTableFromArrow('rep_snapshots', world.repSnapshots);
      await wh.createTableFromArrow('rep_current', world.repCurrent);
      await wh.createTableFromArrow('leads', world.leads);
      const { table } = await buildDataset(
        wh,
        v7DatasetSpec({ dataEndDate: world.truth.params.dataEndDate }),
      );
      expect(table).not.toBeNull();
      const m = computeFeatures(table!, v7Features);
      expect(m.nRows).toBe(table!.numRows);
      expect(m.nRows).toBeGreaterThan(100);
      const quarters = [...featureColumn(m, 'history_quarters')];
      expect(quarters.every((q) => Number.isInteger(q) && q >= 0 && q <= 8)).toBe(true);
      expect(quarters.some((q) => q === 8)).toBe(true);
      for (let i = 0; i < m.nRows; i += 13) {
        const row = computeFeaturesForRow(table!.get(i)!.toJSON(), v7Features);
        m.names.forEach((name, j) => {
          const v = m.values[j * m.nRows + i]!;
          expect(row[name]).toStrictEqual(m.levels[j] ? m.levels[j]![v] : v);
        });
      }
    } finally {
      await wh.close();
    }
  });
});
