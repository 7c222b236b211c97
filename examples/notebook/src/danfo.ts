/**
 * A bridge between Arrow tables (what every leadscore step reads and returns) and danfojs DataFrames,
 * for exploring a training table the way a pandas notebook would.
 *
 * It lives in this example, not in an SDK package, on purpose: the SDK depends on no DataFrame
 * library, and danfojs 1.2 drags TensorFlow.js (28 MB) and needs an `xlsx` override to install at all.
 * The module is self-contained (apache-arrow, danfojs, @leadscore/core's errors); copy it into a
 * project that uses danfojs.
 *
 * Types survive the round trip: `toDanfo` remembers each column's Arrow field for the DataFrame it
 * returns, and `fromDanfo` uses it for columns of that name (checking every value against it). Frames
 * danfojs derives (query, groupby, ...) carry danfojs dtypes only, which `fromDanfo` maps to Arrow:
 * string -> Utf8, float32 -> Float64, int32 -> Int32 (Int64 beyond its range), boolean -> Bool,
 * datetime (and Date values in any column) -> Timestamp(ms).
 *
 * danfojs has one missing marker per kind: null for strings, booleans and dates, NaN for numbers. A
 * numeric Arrow null becomes NaN, and a NaN comes back as null, so a Float64 column's NaN and null are
 * the same missing value after a round trip (as they are to every leadscore feature).
 */
import { formatValue, InvalidArgumentError } from '@leadscore/core';
import {
  Bool,
  type DataType,
  Field,
  Float64,
  Int32,
  Int64,
  makeData,
  makeVector,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMillisecond,
  TimeUnit,
  Type,
  Utf8,
  type Vector,
  vectorFromArray,
} from 'apache-arrow';
import { DataFrame } from 'danfojs';

/** danfojs dtypes `toDanfo` writes. */
type DanfoDtype = 'string' | 'float32' | 'int32' | 'boolean' | 'datetime';

type Cell = string | number | boolean | Date | null;

const remembered = new WeakMap<object, ReadonlyMap<string, Field>>();

/** Milliseconds per unit of Arrow's TimeUnit, indexed by TimeUnit. */
const UNITS_PER_MS = [1 / 1000, 1, 1000, 1_000_000] as const;

function unsupported(column: string, what: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `${column}: ${what}; supported are Utf8 (plain or dictionary), Float32/64, Int8/16/32/64, Uint8/16/32, Bool, Timestamp and Date columns`,
    { details: { column, type: what } },
  );
}

function danfoDtype(column: string, type: DataType): DanfoDtype {
  switch (type.typeId) {
    case Type.Utf8:
    case Type.LargeUtf8:
      return 'string';
    case Type.Dictionary: {
      const values = (type as unknown as { dictionary: DataType }).dictionary;
      if (values.typeId !== Type.Utf8) throw unsupported(column, `column type ${formatValue(String(type))}`);
      return 'string';
    }
    case Type.Float:
      return 'float32';
    case Type.Int: {
      const t = type as unknown as { bitWidth: number; isSigned: boolean };
      if (t.bitWidth === 64 && !t.isSigned)
        throw unsupported(column, `column type ${formatValue(String(type))}`);
      return 'int32';
    }
    case Type.Bool:
      return 'boolean';
    case Type.Timestamp:
    case Type.Date:
      return 'datetime';
    default:
      throw unsupported(column, `column type ${formatValue(String(type))}`);
  }
}

/** Epoch milliseconds of a Timestamp/Date vector's raw value `raw`, refusing sub-millisecond parts. */
function epochMs(column: string, type: DataType, raw: number | bigint): number {
  if (type.typeId === Type.Date) {
    // Date32 counts days, Date64 milliseconds (arrow's DateUnit: DAY = 0, MILLISECOND = 1).
    return (type as unknown as { unit: number }).unit === 0 ? Number(raw) * 86_400_000 : Number(raw);
  }
  const perMs = UNITS_PER_MS[(type as unknown as { unit: TimeUnit }).unit];
  if (perMs <= 1) return Number(raw) / perMs;
  const big = BigInt(raw);
  const step = BigInt(perMs);
  if (big % step !== 0n) {
    throw new InvalidArgumentError(
      `${column}: danfojs dates hold milliseconds, so the sub-millisecond timestamp ${formatValue(String(raw))} (${TimeUnit[(type as unknown as { unit: TimeUnit }).unit]}) would be truncated; cast the column to milliseconds first`,
      { details: { column, value: String(raw) } },
    );
  }
  return Number(big / step);
}

/**
 * A temporal vector's stored integers (days, ms, us, ns). `toArray()` is no use here: Arrow converts
 * Date32 days to milliseconds there but leaves timestamps in their unit.
 */
function rawValues(vector: Vector): (number | bigint)[] {
  const out: (number | bigint)[] = [];
  for (const chunk of vector.data) {
    const values = chunk.values as ArrayLike<number | bigint>;
    for (let i = 0; i < chunk.length; i++) out.push(values[i]!);
  }
  return out;
}

/** One column's values in danfojs' form: strings/booleans/Dates with null, numbers with NaN. */
function danfoValues(column: string, vector: Vector, dtype: DanfoDtype): Cell[] {
  const n = vector.length;
  const out = new Array<Cell>(n);
  const type = vector.type as DataType;
  const raw = dtype === 'datetime' ? rawValues(vector) : undefined;
  for (let i = 0; i < n; i++) {
    if (!vector.isValid(i)) {
      out[i] = dtype === 'float32' || dtype === 'int32' ? Number.NaN : null;
      continue;
    }
    if (raw !== undefined) {
      out[i] = new Date(epochMs(column, type, raw[i]!));
      continue;
    }
    const v = vector.get(i) as unknown;
    if (typeof v === 'bigint') {
      const x = Number(v);
      if (!Number.isSafeInteger(x)) {
        throw new InvalidArgumentError(
          `${column}: danfojs holds numbers, so the 64-bit integer ${formatValue(String(v))} (row ${i}) would lose precision`,
          { details: { column, row: i, value: String(v) } },
        );
      }
      out[i] = x;
    } else {
      out[i] = v as Cell;
    }
  }
  return out;
}

/**
 * Converts an Arrow table to a danfojs DataFrame (same columns, same order, nulls as danfojs' missing
 * markers), remembering each column's Arrow field for {@link fromDanfo}.
 * @throws InvalidArgumentError naming the column for a type danfojs cannot hold (lists, structs,
 *   dictionaries, decimals, unsigned 64-bit), an unsafe 64-bit integer or a sub-millisecond timestamp.
 * @example const df = toDanfo(built.table); df.describe().print();
 */
export function toDanfo(table: Table): DataFrame {
  const fields = table.schema.fields;
  const names = fields.map((f) => f.name);
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) {
      throw new InvalidArgumentError(
        `table: danfojs needs unique column names, found ${formatValue(name)} twice`,
        { details: { column: name } },
      );
    }
    seen.add(name);
  }
  const dtypes = fields.map((f) => danfoDtype(f.name, f.type));
  const columns = fields.map((f, j) => danfoValues(f.name, table.getChildAt(j)!, dtypes[j]!));
  // Rows, not an object of columns: danfojs orders an object's keys the JavaScript way, which moves
  // integer-like names ("2024") to the front; rows keep the table's order (and work for zero rows).
  const rows = new Array<Cell[]>(table.numRows);
  for (let i = 0; i < table.numRows; i++) {
    const row = new Array<Cell>(columns.length);
    for (let j = 0; j < columns.length; j++) row[j] = columns[j]![i]!;
    rows[i] = row;
  }
  const df = new DataFrame(rows, { columns: names, dtypes });
  remembered.set(df, new Map(fields.map((f) => [f.name, f])));
  return df;
}

/** Options of {@link fromDanfo}. */
export interface FromDanfoOptions {
  /**
   * Arrow types by column name, over what `toDanfo` remembered and what the danfojs dtype implies.
   * @default {}
   */
  types?: Readonly<Record<string, DataType>>;
}

function isMissing(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));
}

function badValue(column: string, row: number, v: unknown, type: DataType): InvalidArgumentError {
  return new InvalidArgumentError(
    `${column}: row ${row} holds ${formatValue(v instanceof Date ? v.toISOString() : v)}, which is not a ${String(type)} value`,
    { details: { column, row, value: v instanceof Date ? v.toISOString() : v, type: String(type) } },
  );
}

function inferType(column: string, dtype: string | undefined, values: readonly unknown[]): DataType {
  if (values.some((v) => v instanceof Date)) return new TimestampMillisecond();
  switch (dtype) {
    case 'string':
      return new Utf8();
    case 'float32':
      return new Float64();
    case 'int32':
      return values.every((v) => isMissing(v) || ((v as number) >= -(2 ** 31) && (v as number) < 2 ** 31))
        ? new Int32()
        : new Int64();
    case 'boolean':
      return new Bool();
    case 'datetime':
      return new TimestampMillisecond();
    default:
      throw unsupported(
        column,
        `danfojs dtype ${formatValue(dtype)} has no Arrow type; pass options.types[${formatValue(column)}]`,
      );
  }
}

function validity(values: readonly unknown[]): { bitmap: Uint8Array; nullCount: number } {
  const bitmap = new Uint8Array((values.length + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < values.length; i++) {
    if (isMissing(values[i])) nullCount++;
    else bitmap[i >> 3]! |= 1 << (i & 7);
  }
  return { bitmap, nullCount };
}

/** `values` with missing markers as null, every other value checked to be a `kind`. */
function checkedCells(
  column: string,
  type: DataType,
  values: readonly unknown[],
  kind: 'string' | 'boolean',
) {
  const out = new Array<string | boolean | null>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (isMissing(v)) out[i] = null;
    else if (typeof v === kind) out[i] = v as string | boolean;
    else throw badValue(column, i, v, type);
  }
  return out;
}

/** Builds one Arrow vector of `type` from danfojs values, checking each value. */
function arrowVector(column: string, type: DataType, values: readonly unknown[]): Vector {
  switch (type.typeId) {
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Dictionary:
      return vectorFromArray(checkedCells(column, type, values, 'string'), type);
    case Type.Bool:
      return vectorFromArray(checkedCells(column, type, values, 'boolean'), type);
    case Type.Float:
    case Type.Int:
    case Type.Timestamp:
    case Type.Date:
      return numericVector(column, type, values);
    default:
      throw unsupported(column, `column type ${formatValue(String(type))}`);
  }
}

function numericVector(column: string, type: DataType, values: readonly unknown[]): Vector {
  const n = values.length;
  const { bitmap, nullCount } = validity(values);
  // biome-ignore lint/suspicious/noExplicitAny: ArrayType differs per Arrow type; each branch fills its own.
  const data = new (type.ArrayType as any)(n) as { [i: number]: number | bigint };
  const isBig = data instanceof BigInt64Array || data instanceof BigUint64Array;
  const int = type.typeId === Type.Int ? (type as unknown as { bitWidth: number; isSigned: boolean }) : null;
  const min = int === null || int.bitWidth === 64 ? -Infinity : int.isSigned ? -(2 ** (int.bitWidth - 1)) : 0;
  const max =
    int === null || int.bitWidth === 64 ? Infinity : 2 ** (int.bitWidth - (int.isSigned ? 1 : 0)) - 1;
  const temporal = type.typeId === Type.Timestamp || type.typeId === Type.Date;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (isMissing(v) || (v instanceof Date && Number.isNaN(v.getTime()))) {
      data[i] = isBig ? 0n : 0;
      continue;
    }
    let x: number;
    if (temporal) {
      if (!(v instanceof Date)) throw badValue(column, i, v, type);
      x = toUnits(type, v.getTime());
      if (!Number.isSafeInteger(x)) throw badValue(column, i, v, type);
    } else {
      if (typeof v !== 'number') throw badValue(column, i, v, type);
      x = v;
      if (int !== null && (!Number.isSafeInteger(x) || x < min || x > max))
        throw badValue(column, i, v, type);
    }
    data[i] = isBig ? BigInt(x) : x;
  }
  return makeVector({
    type,
    length: n,
    nullCount,
    nullBitmap: nullCount > 0 ? bitmap : null,
    data: data as never,
  } as never);
}

/** Epoch milliseconds in a Timestamp/Date type's own unit. */
function toUnits(type: DataType, ms: number): number {
  if (type.typeId === Type.Date) {
    return (type as unknown as { unit: number }).unit === 0 ? Math.floor(ms / 86_400_000) : ms;
  }
  return ms * UNITS_PER_MS[(type as unknown as { unit: TimeUnit }).unit];
}

/**
 * Converts a danfojs DataFrame back to an Arrow table (same columns, same order; danfojs' missing
 * markers as nulls). Column types: `options.types`, else the field `toDanfo` remembered for this
 * frame, else the danfojs dtype's Arrow type.
 * @throws InvalidArgumentError naming the column and row of a value that does not fit its type, or a
 *   column whose danfojs dtype has no Arrow type.
 * @example const table = fromDanfo(df.query(df.label.eq(1)));
 */
export function fromDanfo(df: DataFrame, options: FromDanfoOptions = {}): Table {
  const names = df.columns as string[];
  const dtypes = df.dtypes as string[];
  const known = remembered.get(df);
  const empty = df.shape[0] === 0;
  const fields: Field[] = [];
  const vectors: Vector[] = [];
  for (const [j, name] of names.entries()) {
    const values = empty ? [] : (df.column(name).values as unknown[]);
    const given = options.types?.[name];
    const field =
      given !== undefined
        ? new Field(name, given, true)
        : (known?.get(name) ?? new Field(name, inferType(name, dtypes[j], values), true));
    const vector = arrowVector(name, field.type, values);
    if (!field.nullable && vector.nullCount > 0) {
      throw new InvalidArgumentError(
        `${name}: the column is not nullable but holds ${vector.nullCount} missing value(s)`,
        { details: { column: name, nullCount: vector.nullCount } },
      );
    }
    fields.push(field);
    vectors.push(vector);
  }
  const schema = new Schema(fields);
  const length = empty ? 0 : (df.shape[0] as number);
  const children = vectors.map((v) => v.data[0]!);
  const struct = makeData({ type: new Struct(fields), length, nullCount: 0, children });
  return new Table(schema, [new RecordBatch(schema, struct)]);
}
