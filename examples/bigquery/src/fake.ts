/**
 * Starts the loopback fake BigQuery server that @leadscore/core's tests use (a DuckDB-backed
 * implementation of the REST subset the official client speaks), for `--fake` runs without Google
 * credentials. Imported by path at run time: it is test infrastructure, not part of the SDK.
 */
import { pathToFileURL } from 'node:url';

/** The parts of the fake this example uses. */
export interface FakeServer {
  readonly url: string;
  readonly projectId: string;
  readonly requests: readonly { method: string; path: string }[];
  /** Runs SQL on the fake's DuckDB, where the tables the client wrote live. */
  duckdb(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** Starts the fake on 127.0.0.1 (random port) with `projectId` and one `dataset`. */
export async function startFake(projectId: string, dataset: string): Promise<FakeServer> {
  const url = new URL('../../../packages/dataset/test/helpers/fake-bigquery-server.ts', import.meta.url);
  const module = (await import(pathToFileURL(url.pathname).href)) as {
    startFakeBigQuery(options: { projectId: string; datasets: string[] }): Promise<FakeServer>;
  };
  return module.startFakeBigQuery({ projectId, datasets: [dataset] });
}

/**
 * A config for the fake: `config` (a parsed `leadscore.config.json`) with the warehouse pointed at
 * `fake` (its project, endpoint, no credentials) and everything else kept.
 */
export function configForFake(config: Record<string, unknown>, fake: FakeServer): Record<string, unknown> {
  const warehouse = config.warehouse as Record<string, unknown>;
  return {
    ...config,
    warehouse: { ...warehouse, projectId: fake.projectId, apiEndpoint: fake.url, anonymous: true },
  };
}
