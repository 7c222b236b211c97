/**
 * BigQuery implementation of {@link Warehouse}, built on the official `@google-cloud/bigquery` client.
 * @module
 */
import type { BigQueryOptions } from '@google-cloud/bigquery';
import { WarehouseError } from '@leadscore/core';
import { assertArg, assertFinite, assertInteger } from '@leadscore/core/internal';
import type { BigQueryWarehouseOptions } from './bigquery-options.js';
import type { BigQueryWarehouse } from './bigquery-warehouse.js';
import { assertIdentifier, BIGQUERY_PROJECT_ID } from './identifiers.js';

export type { BigQueryLogger, BigQueryWarehouseOptions } from './bigquery-options.js';
export type { BigQueryParamType } from './bigquery-params.js';
export type {
  BigQueryCreateTableFromFileOptions,
  BigQueryQueryOptions,
  BigQueryWarehouse,
} from './bigquery-warehouse.js';

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
