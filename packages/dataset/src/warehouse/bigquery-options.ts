import type { BigQueryOptions } from '@google-cloud/bigquery';

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
