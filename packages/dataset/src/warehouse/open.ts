import { formatValue, InvalidArgumentError } from '@leadscore/core';
import type { BigQueryWarehouse, BigQueryWarehouseOptions } from './bigquery.js';
import type { DuckDbWarehouse, DuckDbWarehouseOptions } from './duckdb.js';
import type { Warehouse } from './types.js';

/** Options of {@link openWarehouse} for the embedded DuckDB warehouse. */
export type OpenDuckDbOptions = { kind: 'duckdb' } & DuckDbWarehouseOptions;
/** Options of {@link openWarehouse} for BigQuery. */
export type OpenBigQueryOptions = { kind: 'bigquery' } & BigQueryWarehouseOptions;
/** Options of {@link openWarehouse}: the warehouse kind and that kind's own options. */
export type OpenWarehouseOptions = OpenDuckDbOptions | OpenBigQueryOptions;

/**
 * Opens a warehouse: embedded DuckDB (the default everywhere) or BigQuery. Each implementation is
 * imported on demand, so neither native DuckDB nor the BigQuery client loads until used.
 * @example const wh = await openWarehouse({ kind: 'duckdb', path: ':memory:' })
 * @example const wh = await openWarehouse({ kind: 'bigquery', projectId: 'my-proj', dataset: 'leads' })
 */
export async function openWarehouse(options: OpenDuckDbOptions): Promise<DuckDbWarehouse>;
export async function openWarehouse(options: OpenBigQueryOptions): Promise<BigQueryWarehouse>;
export async function openWarehouse(options: OpenWarehouseOptions): Promise<Warehouse>;
export async function openWarehouse(options: OpenWarehouseOptions): Promise<Warehouse> {
  const kind = (options as { kind?: unknown } | null)?.kind;
  if (kind === 'duckdb') {
    const { kind: _kind, ...rest } = options as OpenDuckDbOptions;
    const { openDuckDbWarehouse } = await import('./duckdb.js');
    return openDuckDbWarehouse(rest);
  }
  if (kind === 'bigquery') {
    const { kind: _kind, ...rest } = options as OpenBigQueryOptions;
    const { openBigQueryWarehouse } = await import('./bigquery.js');
    return openBigQueryWarehouse(rest);
  }
  throw new InvalidArgumentError(`options.kind must be 'duckdb' or 'bigquery', found ${formatValue(kind)}`, {
    details: { parameter: 'options.kind', value: kind },
  });
}
