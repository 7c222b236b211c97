import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { openWarehouse } from '@leadscore/dataset';
import { describe, expect, it } from 'vitest';
import { scoreLeads, scoreTable } from '../src/index.js';
import { trainedEnsemble, trainingWorld } from './support/world.js';

describe('scoreTable on DuckDB', () => {
  it('scores 200k rows in bounded batches, equal to scoreLeads row for row, and cleans up', async () => {
    const { model } = await trainedEnsemble();
    const { table } = await trainingWorld();
    const wh = await openWarehouse({ kind: 'duckdb', path: ':memory:', threads: 1 });
    try {
      await wh.createTableFromArrow('train', table);
      const copies = Math.ceil(200_000 / table.numRows);
      await wh.execute(
        `CREATE TABLE big AS SELECT * REPLACE (lead_id || '~' || CAST(k AS VARCHAR) AS lead_id) FROM train, range(${copies}) t(k)`,
      );
      const total = table.numRows * copies;
      const reference = scoreLeads(model, table);
      const rowOf = new Map<string, number>();
      for (let i = 0; i < table.numRows; i++) rowOf.set(String(table.getChild('lead_id')!.get(i)), i);

      // Node-side live memory (JS heap and ArrayBuffers) after a full collection, so the figure is what
      // the batch keeps alive, not how far the collector happened to lag; DuckDB's own buffers for the
      // staged scores are native. onProgress runs while the batch just written is still referenced.
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      const used = () => {
        gc();
        const m = process.memoryUsage();
        return m.heapUsed + m.arrayBuffers;
      };
      const baseline = used();
      let peak = baseline;
      const progress: number[] = [];
      const result = await scoreTable(wh, model, {
        source: 'big',
        destination: 'scores',
        batchRows: 20_000,
        onProgress: (p) => {
          progress.push(p.rowsScored);
          peak = Math.max(peak, used());
        },
      });
      expect(result.rows).toBe(total);
      expect(progress.at(-1)).toBe(total);
      expect(progress.length).toBe(Math.ceil(total / 20_000));
      // Measured live after a collection: 43-135 MB across the batches (the read-ahead of the DuckDB
      // stream varies), with no growth as rows are scored; scoring all 203,700 rows as one batch holds
      // 182 MB at its peak.
      expect(peak - baseline).toBeLessThan(160 * 1024 * 1024);

      const out = await wh.query('SELECT * FROM scores');
      expect(out.numRows).toBe(total);
      const ids = out.getChild('lead_id')!;
      const prob = out.getChild('probability')!;
      const pct = out.getChild('percentile')!;
      const r1 = out.getChild('reason_1')!;
      const r3c = out.getChild('reason_3_contribution')!;
      for (let i = 0; i < out.numRows; i++) {
        const id = String(ids.get(i));
        const src = rowOf.get(id.slice(0, id.lastIndexOf('~')))!;
        if (prob.get(i) !== reference.probability[src] || pct.get(i) !== reference.percentile[src]) {
          throw new Error(`row ${i} (${id}) differs from scoreLeads`);
        }
        if (
          r1.get(i) !== reference.reasonText[src * 3] ||
          r3c.get(i) !== reference.reasonContribution[src * 3 + 2]
        ) {
          throw new Error(`row ${i} (${id}) reasons differ from scoreLeads`);
        }
      }
      const leftovers = await wh.query(
        "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'scores__%'",
      );
      expect(leftovers.numRows).toBe(0);
    } finally {
      await wh.close();
    }
  }, 300_000);

  it('fails before writing when an input column is missing, and leaves no destination when cancelled', async () => {
    const { model } = await trainedEnsemble();
    const { table } = await trainingWorld();
    const wh = await openWarehouse({ kind: 'duckdb', path: ':memory:', threads: 1 });
    try {
      await wh.createTableFromArrow('train', table);
      await wh.execute('CREATE TABLE no_aum AS SELECT * EXCLUDE (aum) FROM train');
      await expect(scoreTable(wh, model, { source: 'no_aum', destination: 'scores' })).rejects.toThrow(
        /^aum: column is missing from the table/,
      );
      expect(await wh.tableExists('scores')).toBe(false);

      const controller = new AbortController();
      await expect(
        scoreTable(wh, model, {
          source: 'train',
          destination: 'scores',
          batchRows: 1000,
          signal: controller.signal,
          onProgress: (p) => {
            if (p.batches === 2) controller.abort();
          },
        }),
      ).rejects.toThrow(/cancelled/);
      expect(await wh.tableExists('scores')).toBe(false);
      const leftovers = await wh.query(
        "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'scores__%'",
      );
      expect(leftovers.numRows).toBe(0);
      await expect(scoreTable(wh, model, { source: 'train', destination: 'train' })).rejects.toThrow(
        /^destination already exists and replace is false, found "train"/,
      );
    } finally {
      await wh.close();
    }
  }, 300_000);
});
