/**
 * BigQuery implementation of {@link Warehouse}, built on the official `@google-cloud/bigquery` client.
 * @module
 */
import type { BigQueryOptions } from '@google-cloud/bigquery';
import { parseWith, WarehouseError } from '@leadscore/core';
import type { BigQueryWarehouseOptions } from './bigquery-options.js';
import type { BigQueryWarehouse } from './bigquery-warehouse.js';
import { bigQueryWarehouseOptionsSchema } from './options-schema.js';

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
  parseWith(bigQueryWarehouseOptionsSchema, options, 'options');
  const dataset = options.dataset;
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
