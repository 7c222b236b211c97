import { openWarehouse, type Warehouse } from '@leadscore/dataset';
import type { CliConfig } from '../config/config.js';

/** Opens the warehouse a config describes; the caller closes it. */
export async function openConfigWarehouse(config: CliConfig): Promise<Warehouse> {
  const w = config.warehouse;
  if (w.kind === 'duckdb') {
    return openWarehouse({
      kind: 'duckdb',
      path: w.path,
      ...(w.threads === undefined ? {} : { threads: w.threads }),
      ...(w.memoryLimit === undefined ? {} : { memoryLimit: w.memoryLimit }),
    });
  }
  // Credentials follow the Google client's usual lookup (GOOGLE_APPLICATION_CREDENTIALS, gcloud ADC)
  // unless the config names a key file.
  return openWarehouse({
    kind: 'bigquery',
    projectId: w.projectId,
    dataset: w.dataset,
    anonymous: w.anonymous,
    maximumBytesBilled: w.maximumBytesBilled,
    labels: { app: 'leadscore', tool: 'cli' },
    ...(w.location === undefined ? {} : { location: w.location }),
    ...(w.keyFilename === undefined ? {} : { keyFilename: w.keyFilename }),
    ...(w.apiEndpoint === undefined ? {} : { apiEndpoint: w.apiEndpoint }),
  });
}
