/**
 * `pnpm --filter @leadscore/example-bigquery pipeline -- --config leadscore.config.json`
 * `pnpm --filter @leadscore/example-bigquery pipeline -- --fake` (the loopback fake, a small demo world)
 *
 * Runs every step of the production pipeline through the `leadscore` CLI with one config file. On
 * Google, the source tables must exist (or pass `--demo-data` to generate and load a synthetic world).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { configForFake, startFake } from './fake.js';
import { runBigQueryPipeline } from './pipeline.js';

const { values } = parseArgs({
  options: {
    config: { type: 'string', default: join(import.meta.dirname, '..', 'leadscore.config.json') },
    'demo-data': { type: 'boolean', default: false },
    fake: { type: 'boolean', default: false },
  },
});

const controller = new AbortController();
process.once('SIGINT', () => controller.abort(new Error('interrupted')));

let config = resolve(values.config);
let cwd = process.cwd();
const fake = values.fake
  ? await startFake(
      process.env.LEADSCORE_BQ_PROJECT ?? 'leadscore-demo',
      process.env.LEADSCORE_BQ_DATASET ?? 'leadscore',
    )
  : undefined;
try {
  if (fake !== undefined) {
    // The same file pointed at the fake, with a world small enough for a laptop.
    const production = JSON.parse(readFileSync(config, 'utf8')) as Record<string, unknown>;
    const c = configForFake(production, fake);
    const warehouse = c.warehouse as Record<string, unknown>;
    warehouse.dataset = process.env.LEADSCORE_BQ_DATASET ?? 'leadscore';
    c.world = { ...(c.world as object), reps: 300, leads: 600, quarters: 8 };
    cwd = mkdtempSync(join(tmpdir(), 'leadscore-bq-fake-'));
    config = join(cwd, 'leadscore.config.json');
    writeFileSync(config, JSON.stringify(c, null, 2));
    console.log(`fake BigQuery on ${fake.url}; artifacts in ${cwd}`);
  }
  const result = await runBigQueryPipeline({
    config,
    cwd,
    demoData: values['demo-data'] || values.fake,
    signal: controller.signal,
    ...(values.fake ? { trainFlags: ['--cv-folds', '3', '--trials', '1'] } : {}),
  });
  console.log(result.completed ? `done, exit ${result.exitCode}` : `stopped, exit ${result.exitCode}`);
  process.exitCode = result.exitCode;
} finally {
  await fake?.close();
}
