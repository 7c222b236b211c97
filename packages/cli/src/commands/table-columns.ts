import { SchemaError } from '@leadscore/core';

/** The structural subset of an Arrow table read here. */
interface TableLike {
  readonly numRows: number;
  getChild(name: string): { readonly type: unknown; toArray(): ArrayLike<unknown> } | null;
}

function column(table: TableLike, name: string) {
  const c = table.getChild(name);
  if (c === null)
    throw new SchemaError(`${name} must be a column of the training table, found none`, {
      details: { column: name },
    });
  return c;
}

/** Arrow's type id of dates; apache-arrow reads both date units back as epoch milliseconds. */
const ARROW_DATE = 8;

/**
 * A timestamp or date column as epoch milliseconds, whatever its Arrow unit (DuckDB returns timestamps in
 * microseconds).
 */
export function epochMsColumn(table: TableLike, name: string): Float64Array {
  const c = column(table, name);
  const type = c.type as { unit?: number; typeId?: number };
  const unit = type.unit ?? 1;
  const perMs = type.typeId === ARROW_DATE ? 1 : ([1 / 1000, 1, 1000, 1_000_000][unit] ?? 1);
  const values = c.toArray() as ArrayLike<number | bigint>;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Number(values[i]) / perMs;
  return out;
}

/** A 0/1 column as a Uint8Array. */
export function labelColumn(table: TableLike, name: string): Uint8Array {
  const values = column(table, name).toArray() as ArrayLike<number | bigint | boolean | null>;
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Number(values[i]) === 1 ? 1 : 0;
  return out;
}
