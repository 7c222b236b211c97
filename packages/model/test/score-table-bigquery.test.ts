import { openBigQueryWarehouse } from '@leadscore/dataset';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeBigQuery, startFakeBigQuery } from '../../dataset/test/helpers/fake-bigquery-server.js';
import { scoreLeads, scoreTable } from '../src/index.js';
import { trainedEnsemble, trainingWorld } from './support/world.js';

let fake: FakeBigQuery;
beforeAll(async () => {
  fake = await startFakeBigQuery({ projectId: 'acme-ml', datasets: ['leadscore'] });
});
afterAll(async () => {
  await fake.close();
});

describe('scoreTable on BigQuery (loopback fake)', () => {
  it('loads each batch with a load job, creates the destination once, equal to scoreLeads', async () => {
    const { model } = await trainedEnsemble();
    const { table } = await trainingWorld();
    const source = table.slice(0, 1200);
    const bq = await openBigQueryWarehouse({
      projectId: 'acme-ml',
      dataset: 'leadscore',
      apiEndpoint: fake.url,
      anonymous: true,
      dryRun: false,
    });
    try {
      await bq.createTableFromArrow('leads_today', source);
      const result = await scoreTable(bq, model, {
        source: 'leads_today',
        destination: 'lead_scores',
        batchRows: 500,
      });
      expect(result).toEqual({ destination: 'lead_scores', rows: 1200, batches: 3 });
      const out = await bq.query('SELECT * FROM lead_scores');
      expect(out.numRows).toBe(1200);
      // scored from what BigQuery returns for the source, as scoreTable saw it
      const reference = scoreLeads(model, await bq.query('SELECT * FROM leads_today'));
      const back = await bq.query('SELECT lead_id FROM leads_today');
      const rowOf = new Map<string, number>();
      for (let i = 0; i < back.numRows; i++) rowOf.set(String(back.getChild('lead_id')!.get(i)), i);
      for (let i = 0; i < out.numRows; i++) {
        const src = rowOf.get(String(out.getChild('lead_id')!.get(i)))!;
        expect(out.getChild('probability')!.get(i)).toBeCloseTo(reference.probability[src]!, 12);
        expect(out.getChild('reason_1')!.get(i)).toBe(reference.reasonText[src * 3]);
      }
      const uploads = fake.requests.filter((r) => r.path.includes('/upload/'));
      // one load job for the source, one per scored batch
      expect(uploads.length).toBe(1 + 3);
      expect(await bq.tableExists('lead_scores')).toBe(true);
    } finally {
      await bq.close();
    }
  }, 180_000);
});
