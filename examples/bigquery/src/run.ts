/**
 * Production wiring of leadscore on BigQuery: open the warehouse with explicit project, dataset,
 * location, labels and a byte budget; build the V7 training table inside BigQuery; stream it back as
 * Arrow record batches; verify it against its metadata without rebuilding.
 */
import {
  type BigQueryWarehouseOptions,
  buildDataset,
  openWarehouse,
  v7DatasetSpec,
  verifyDataset,
  type Warehouse,
} from '@leadscore/dataset';
import { generateDiscoveryWorld } from '@leadscore/world';
import { type FakeServer, startFake } from './fake.js';

/** Options of {@link runBigQueryExample}. */
export interface RunBigQueryExampleOptions {
  /** Google Cloud project running the jobs. @default 'leadscore-demo' with `fake` */
  projectId: string;
  /** Dataset holding rep_snapshots, rep_current and leads, and receiving the output. */
  dataset: string;
  /** BigQuery location of the dataset. @default the dataset's location */
  location?: string;
  /** Service-account key file. @default Application Default Credentials */
  keyFilename?: string;
  /** Last day the data describes (ISO date). Required unless `loadDemoData`. */
  dataEndDate?: string;
  /** Generate a small synthetic world and load it first (replacing the three source tables). @default false */
  loadDemoData?: boolean;
  /** Run against the in-process fake BigQuery instead of Google (implies `loadDemoData`). @default false */
  fake?: boolean;
  /** Directory for the dataset metadata JSON. @default 'out' */
  outDir?: string;
  /** Warn when a query's dry run estimates more bytes than this. @default 10 GiB */
  dryRunBytesWarning?: number;
  /** Hard cap on bytes billed per query (BigQuery refuses bigger queries). @default 100 GiB */
  maximumBytesBilled?: number;
  /** Cancels the run (jobs in flight are cancelled in BigQuery). */
  signal?: AbortSignal;
  /** Where progress lines go. @default console.log */
  log?: (line: string) => void;
}

/** What {@link runBigQueryExample} produced. */
export interface RunBigQueryExampleResult {
  readonly tableName: string;
  readonly metadataPath: string | null;
  readonly rows: number;
  readonly batches: number;
  readonly positives: number;
  readonly verified: boolean;
}

/** Builds, streams and verifies the V7 training dataset on BigQuery (or the fake). */
export async function runBigQueryExample(
  options: RunBigQueryExampleOptions,
): Promise<RunBigQueryExampleResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  let fake: FakeServer | undefined;
  let warehouse: Warehouse | undefined;
  try {
    const connection: BigQueryWarehouseOptions = {
      projectId: options.projectId,
      dataset: options.dataset,
      labels: { app: 'leadscore', pipeline: 'v7' },
      dryRunBytesWarning: options.dryRunBytesWarning ?? 10 * 2 ** 30,
      maximumBytesBilled: options.maximumBytesBilled ?? 100 * 2 ** 30,
      logger: { warn: (m) => log(`warning: ${m}`) },
    };
    if (options.location !== undefined) connection.location = options.location;
    if (options.keyFilename !== undefined) connection.keyFilename = options.keyFilename;
    if (options.fake) {
      fake = await startFake(options.projectId, options.dataset);
      connection.apiEndpoint = fake.url;
      connection.anonymous = true;
      log(`fake BigQuery listening on ${fake.url}`);
    }
    warehouse = await openWarehouse({ kind: 'bigquery', ...connection });

    let dataEndDate = options.dataEndDate;
    if (options.loadDemoData || options.fake) {
      const world = generateDiscoveryWorld({ reps: 300, leads: 500, seed: 11 });
      dataEndDate ??= world.truth.params.dataEndDate;
      for (const [name, table] of [
        ['rep_snapshots', world.repSnapshots],
        ['rep_current', world.repCurrent],
        ['leads', world.leads],
      ] as const) {
        await warehouse.createTableFromArrow(name, table, {
          replace: true,
          ...(options.signal ? { signal: options.signal } : {}),
        });
        log(`loaded ${name}: ${table.numRows} rows`);
      }
    }
    if (dataEndDate === undefined) {
      throw new Error('dataEndDate is required (pass --data-end YYYY-MM-DD) unless demo data is loaded');
    }

    const spec = v7DatasetSpec({ dataEndDate });
    const built = await buildDataset(warehouse, spec, {
      outDir: options.outDir ?? 'out',
      // The table stays in BigQuery; it is streamed below instead of read whole.
      returnTable: false,
      onProgress: (p) => log(`build ${p.index}/${p.total}: ${p.step}`),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const m = built.metadata;
    log(
      `built ${built.tableName}: ${m.counts.leadsOut} of ${m.counts.leadsIn} leads, label rate ${(100 * m.labelRate).toFixed(2)} %, ` +
        `leakage-exposed columns: ${m.leakage.exposedColumns.join(', ')}`,
    );

    let rows = 0;
    let batches = 0;
    let positives = 0;
    for await (const batch of warehouse.queryBatches(
      `SELECT lead_id, label FROM ${warehouse.quoteIdentifier(built.tableName)}`,
      {
        labels: { step: 'stream-output' },
        onProgress: (p) => {
          if (p.phase === 'page') log(`  streamed ${p.rows} / ${p.totalRows ?? '?'} rows`);
        },
        ...(options.signal ? { signal: options.signal } : {}),
      },
    )) {
      batches++;
      rows += batch.numRows;
      const label = batch.getChild('label');
      for (let i = 0; i < batch.numRows; i++) positives += Number(label?.get(i) ?? 0);
    }

    const verification = built.metadataPath
      ? await verifyDataset(warehouse, built.tableName, built.metadataPath)
      : { ok: false, checks: [] };
    log(`verify: ${verification.ok ? 'ok' : 'FAILED'} (${verification.checks.length} checks)`);
    if (fake) log(`fake BigQuery served ${fake.requests.length} requests`);
    return {
      tableName: built.tableName,
      metadataPath: built.metadataPath,
      rows,
      batches,
      positives,
      verified: verification.ok,
    };
  } finally {
    await warehouse?.close();
    await fake?.close();
  }
}
