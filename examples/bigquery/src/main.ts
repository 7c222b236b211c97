/**
 * `pnpm --filter @leadscore/example-bigquery start -- --project my-proj --dataset leadscore --data-end 2025-12-31`
 * `pnpm --filter @leadscore/example-bigquery start -- --fake` (no Google account needed)
 *
 * Credentials: Application Default Credentials (`gcloud auth application-default login`, or
 * GOOGLE_APPLICATION_CREDENTIALS), or `--key-file`. Ctrl-C cancels the BigQuery jobs in flight.
 */
import { parseArgs } from 'node:util';
import { runBigQueryExample } from './run.js';

const { values } = parseArgs({
  options: {
    fake: { type: 'boolean', default: false },
    'load-demo-data': { type: 'boolean', default: false },
    project: { type: 'string', default: process.env.LEADSCORE_BQ_PROJECT ?? 'leadscore-demo' },
    dataset: { type: 'string', default: process.env.LEADSCORE_BQ_DATASET ?? 'leadscore' },
    location: { type: 'string' },
    'key-file': { type: 'string' },
    'data-end': { type: 'string' },
    'out-dir': { type: 'string', default: 'out' },
  },
});

const controller = new AbortController();
process.once('SIGINT', () => controller.abort(new Error('interrupted')));

const result = await runBigQueryExample({
  projectId: values.project,
  dataset: values.dataset,
  fake: values.fake,
  loadDemoData: values['load-demo-data'],
  outDir: values['out-dir'],
  signal: controller.signal,
  ...(values.location === undefined ? {} : { location: values.location }),
  ...(values['key-file'] === undefined ? {} : { keyFilename: values['key-file'] }),
  ...(values['data-end'] === undefined ? {} : { dataEndDate: values['data-end'] }),
});
console.log(
  `${result.tableName}: ${result.rows} rows in ${result.batches} batches, ${result.positives} positives; metadata ${result.metadataPath}`,
);
process.exitCode = result.verified ? 0 : 1;
