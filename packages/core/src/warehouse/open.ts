import { formatValue, InvalidArgumentError } from '../errors/index.js';
import { type DuckDbWarehouseOptions, openDuckDbWarehouse } from './duckdb.js';
import type { Warehouse } from './types.js';

/** Options of {@link openWarehouse}: the warehouse kind and that kind's own options. */
export type OpenWarehouseOptions =
  | ({ kind: 'duckdb' } & DuckDbWarehouseOptions)
  | ({ kind: 'bigquery' } & Record<string, unknown>);

/**
 * Opens a warehouse: embedded DuckDB (the default everywhere) or BigQuery. Each implementation is
 * imported on demand, so neither native DuckDB nor the BigQuery client loads until used.
 * @example const wh = await openWarehouse({ kind: 'duckdb', path: ':memory:' })
 */
export async function openWarehouse(options: OpenWarehouseOptions): Promise<Warehouse> {
  const kind = (options as { kind?: unknown } | null)?.kind;
  if (kind === 'duckdb') {
    const { kind: _kind, ...rest } = options as { kind: 'duckdb' } & DuckDbWarehouseOptions;
    return openDuckDbWarehouse(rest);
  }
  throw new InvalidArgumentError(`options.kind must be 'duckdb' or 'bigquery', found ${formatValue(kind)}`, {
    details: { parameter: 'options.kind', value: kind },
  });
}
