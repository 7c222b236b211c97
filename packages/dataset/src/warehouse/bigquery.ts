/**
 * BigQuery implementation of {@link Warehouse}, built on the official `@google-cloud/bigquery` client.
 * @module
 */
import type { BigQueryOptions } from '@google-cloud/bigquery';
import { WarehouseError } from '@leadscore/core';
import { assertArg, assertFinite, assertInteger } from '@leadscore/core/internal';
import type { BigQueryWarehouse } from './bigquery-warehouse.js';
import { assertIdentifier, BIGQUERY_PROJECT_ID } from './identifiers.js';

export type { BigQueryParamType } from './bigquery-params.js';
export type {
  BigQueryCreateTableFromFileOptions,
  BigQueryQueryOptions,
  BigQueryWarehouse,
} from './bigquery-warehouse.js';

/** Where warnings (e.g. a large dry-run estimate) are written. */
export interface BigQueryLogger {
  warn(message: string): void;
}

/** Options of {@link openBigQueryWarehouse}. */
export interface BigQueryWarehouseOptions {
  /** Google Cloud project that runs (and is billed for) the jobs. */
  projectId: string;
  /** Dataset that bare table names resolve to and new tables are written to. */
  dataset: string;
  /** Job and dataset location, e.g. 'US', 'EU', 'europe-west3'. @default the dataset's location */
  location?: string;
  /**
   * API root, e.g. `http://127.0.0.1:9050` for an emulator or a test server.
   * @default 'https://bigquery.googleapis.com'
   */
  apiEndpoint?: string;
  /** Service-account credentials (parsed key JSON). @default Application Default Credentials */
  credentials?: { client_email: string; private_key: string };
  /** Path to a service-account key file. @default Application Default Credentials */
  keyFilename?: string;
  /** A ready auth client (google-auth-library `AuthClient` or `GoogleAuth`). @default none */
  authClient?: BigQueryOptions['authClient'];
  /**
   * Send requests without any credentials (emulators and loopback test servers). Never reaches
   * Google's token endpoint. @default false
   */
  anonymous?: boolean;
  /** Retries of a request or job failing with 5xx, rateLimitExceeded or backendError. @default 5 */
  maxRetries?: number;
  /** First backoff delay in ms; doubles on every retry, with jitter. @default 500 */
  retryBaseDelayMs?: number;
  /** Longest backoff delay in ms. @default 32000 */
  retryMaxDelayMs?: number;
  /** Seed of the backoff jitter (deterministic retries in tests). @default 0 */
  retrySeed?: number;
  /** Waits between retries and job polls; injectable so tests do not sleep. @default setTimeout-based */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Run a dry run before every query to estimate the bytes it will process. @default true */
  dryRun?: boolean;
  /** Warn (logger and onProgress phase 'estimate') when the dry-run estimate exceeds this. @default 1 GiB */
  dryRunBytesWarning?: number;
  /** Refuse (in BigQuery) queries that would bill more than this many bytes. @default no limit */
  maximumBytesBilled?: number;
  /** Labels attached to every job, merged under per-query labels. @default {} */
  labels?: Readonly<Record<string, string>>;
  /** Rows per results page (`maxResults` of jobs.getQueryResults). @default 10000 */
  pageSize?: number;
  /** Where warnings go. @default console */
  logger?: BigQueryLogger;
  /**
   * Makes the id of each new job; ids must be unique in the project. Retried requests reuse their
   * job's id, so a duplicate insert is detected instead of running twice.
   * @default () => `leadscore_${uuid without dashes}`
   */
  createJobId?: () => string;
}

/**
 * Opens a BigQuery warehouse. Options are validated here; nothing is requested until the first call.
 * Bare table names resolve against `dataset` (it is also each query's default dataset).
 * @example const wh = await openBigQueryWarehouse({ projectId: 'acme-ml', dataset: 'leadscore' })
 */
export async function openBigQueryWarehouse(options: BigQueryWarehouseOptions): Promise<BigQueryWarehouse> {
  assertArg(
    typeof options?.projectId === 'string' && BIGQUERY_PROJECT_ID.test(options.projectId),
    'projectId',
    'a Google Cloud project id (6-30 lowercase letters, digits or hyphens, starting with a letter)',
    options?.projectId,
  );
  const dataset = assertIdentifier(options.dataset, 'dataset');
  if (options.maxRetries !== undefined) assertInteger(options.maxRetries, 'maxRetries', 0, 100);
  if (options.pageSize !== undefined) assertInteger(options.pageSize, 'pageSize', 1, 1_000_000);
  if (options.dryRunBytesWarning !== undefined)
    assertFinite(options.dryRunBytesWarning, 'dryRunBytesWarning', 0);
  if (options.retryBaseDelayMs !== undefined) assertFinite(options.retryBaseDelayMs, 'retryBaseDelayMs', 0);
  if (options.retryMaxDelayMs !== undefined) assertFinite(options.retryMaxDelayMs, 'retryMaxDelayMs', 0);
  const [{ BigQuery }, { BigQueryWarehouseImpl }] = await Promise.all([
    import('@google-cloud/bigquery'),
    import('./bigquery-warehouse.js'),
  ]);
  const clientOptions: BigQueryOptions = {
    projectId: options.projectId,
    // Retries are ours (seeded jitter, job-level reruns, one budget), so the client's are off.
    retryOptions: { autoRetry: false },
  };
  if (options.location !== undefined) clientOptions.location = options.location;
  if (options.apiEndpoint !== undefined) clientOptions.apiEndpoint = options.apiEndpoint;
  if (options.credentials !== undefined) clientOptions.credentials = options.credentials;
  if (options.keyFilename !== undefined) clientOptions.keyFilename = options.keyFilename;
  if (options.authClient !== undefined) clientOptions.authClient = options.authClient;
  else if (options.anonymous) clientOptions.authClient = anonymousAuthClient();
  const client = new BigQuery(clientOptions);
  return new BigQueryWarehouseImpl(client, options, { projectId: options.projectId, dataset });
}

/**
 * An auth client that adds no credentials (like google-auth-library's PassThroughClient, which this
 * package cannot import because google-auth-library is only a transitive dependency). GoogleAuth only
 * calls `getRequestHeaders` on a supplied client.
 */
function anonymousAuthClient(): NonNullable<BigQueryOptions['authClient']> {
  const client = {
    getRequestHeaders: async () => new Headers(),
    getAccessToken: async () => ({ token: null }),
    request: () => {
      throw new WarehouseError('anonymous BigQuery auth client cannot make authenticated requests');
    },
  };
  return client as unknown as NonNullable<BigQueryOptions['authClient']>;
}
