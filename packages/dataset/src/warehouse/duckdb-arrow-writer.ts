/**
 * Arrow columns into DuckDB appender vectors (the write side of `createTableFromArrow`): fixed-width
 * columns are copied as typed arrays, the rest value by value.
 * @module
 */
import { SchemaError } from '@leadscore/core';
import {
  type DataType,
  type Date_ as DateType,
  DateUnit,
  type Dictionary,
  type Float,
  type Int,
  Precision,
  type Timestamp as TimestampType,
  TimeUnit,
  Type,
} from 'apache-arrow';

import type { TypedArrayCtor } from './duckdb-arrow-reader.js';

export type DuckApi = typeof import('@duckdb/node-api');
export type DuckValue = import('@duckdb/node-api').DuckDBValue;
export type DuckType = import('@duckdb/node-api').DuckDBType;

type ArrowVector = import('apache-arrow').Vector | null;

/** Arrow timestamp unit -> factor to DuckDB microseconds (nanoseconds need a division: slow path). */
const TIMESTAMP_SCALE: Partial<Record<TimeUnit, bigint>> = {
  [TimeUnit.SECOND]: 1_000_000n,
  [TimeUnit.MILLISECOND]: 1000n,
  [TimeUnit.MICROSECOND]: 1n,
};

interface ArrowColumnWriter {
  sqlType: string;
  duckType: DuckType;
  toDuck: (vector: ArrowVector, start: number, n: number) => DuckValue[];
  /** Typed-array copy into the DuckDB vector's items, when source and target layouts match. */
  fixed?: FixedWrite;
}

interface FixedWrite {
  /** Arrow values array type and DuckDB items array type (the same). */
  ctor: TypedArrayCtor;
  /** Multiplier turning Arrow timestamp units into DuckDB microseconds. */
  scale?: bigint;
}

export interface WritableVector {
  readonly itemCount: number;
  setItem(index: number, value: null): void;
  flush(): void;
}

/**
 * Copies a slice of a single-chunk Arrow vector straight into a DuckDB vector's typed items (then
 * marks nulls and flushes); returns false when the layouts do not allow it.
 */
export function writeFixed(
  target: WritableVector,
  fixed: FixedWrite | undefined,
  vector: ArrowVector,
  start: number,
  n: number,
): boolean {
  if (!fixed || !vector || vector.data.length !== 1) return false;
  const data = vector.data[0];
  const items = (target as unknown as { items?: unknown }).items;
  if (!data || !(data.values instanceof fixed.ctor) || !(items instanceof fixed.ctor) || items.length !== n)
    return false;
  if (data.values.length < start + n) return false;
  // Arrow JS slices fixed-width value buffers on slice(); `offset` only still applies to the bitmap.
  if (fixed.scale === undefined) {
    (items as Float64Array).set((data.values as Float64Array).subarray(start, start + n));
  } else {
    const src = data.values as BigInt64Array;
    const dst = items as BigInt64Array;
    for (let i = 0; i < n; i++) dst[i] = src[start + i]! * fixed.scale;
  }
  const nulls = data.nullBitmap;
  if (data.nullCount > 0 && nulls) {
    for (let i = 0; i < n; i++) {
      const bit = data.offset + start + i;
      if ((nulls[bit >> 3]! & (1 << (bit & 7))) === 0) target.setItem(i, null);
    }
  }
  target.flush();
  return true;
}

/** How an Arrow column becomes DuckDB values (null vectors, i.e. missing children, give nulls). */
export function arrowToDuck(api: DuckApi, type: DataType, column: string): ArrowColumnWriter {
  const plain = (
    sqlType: string,
    duckType: DuckType,
    conv: (v: unknown) => DuckValue,
    fixed?: FixedWrite,
  ): ArrowColumnWriter => ({
    sqlType,
    duckType,
    ...(fixed ? { fixed } : {}),
    toDuck: (vector: ArrowVector, start: number, n: number) => {
      const out = new Array<DuckValue>(n);
      for (let i = 0; i < n; i++) {
        const v = vector?.get(start + i);
        out[i] = v === null || v === undefined ? null : conv(v);
      }
      return out;
    },
  });
  const id = (v: unknown) => v as DuckValue;
  switch (type.typeId) {
    case Type.Bool:
      return plain('BOOLEAN', api.BOOLEAN, id);
    case Type.Int: {
      const t = type as Int;
      if (t.bitWidth === 64)
        return plain(
          t.isSigned ? 'BIGINT' : 'UBIGINT',
          t.isSigned ? api.BIGINT : api.UBIGINT,
          (v) => BigInt(v as bigint),
          { ctor: t.isSigned ? BigInt64Array : BigUint64Array },
        );
      if (!t.isSigned && t.bitWidth === 32) return plain('UINTEGER', api.UINTEGER, id);
      return plain('INTEGER', api.INTEGER, id, t.bitWidth === 32 ? { ctor: Int32Array } : undefined);
    }
    case Type.Float: {
      const t = type as Float;
      return t.precision === Precision.SINGLE
        ? plain('FLOAT', api.FLOAT, id, { ctor: Float32Array })
        : plain('DOUBLE', api.DOUBLE, id, { ctor: Float64Array });
    }
    case Type.Utf8:
    case Type.LargeUtf8:
      return plain('VARCHAR', api.VARCHAR, id);
    case Type.Dictionary: {
      const t = type as Dictionary;
      if (t.dictionary.typeId === Type.Utf8) return plain('VARCHAR', api.VARCHAR, id);
      break;
    }
    case Type.Date:
      // Arrow JS reads dates as epoch milliseconds.
      return plain(
        'DATE',
        api.DATE,
        (v) => new api.DuckDBDateValue(Math.floor(Number(v) / 86_400_000)),
        (type as DateType).unit === DateUnit.DAY ? { ctor: Int32Array } : undefined,
      );
    case Type.Timestamp:
      // Arrow JS reads timestamps of every unit as epoch milliseconds (fractional for sub-ms units).
      return plain(
        'TIMESTAMP',
        api.TIMESTAMP,
        (v) => new api.DuckDBTimestampValue(BigInt(Math.round(Number(v) * 1000))),
        TIMESTAMP_SCALE[(type as TimestampType).unit] === undefined
          ? undefined
          : { ctor: BigInt64Array, scale: TIMESTAMP_SCALE[(type as TimestampType).unit] as bigint },
      );
    default:
      break;
  }
  throw new SchemaError(`${column} has Arrow type ${String(type)}, which cannot be written to DuckDB`, {
    details: { column, type: String(type) },
  });
}
