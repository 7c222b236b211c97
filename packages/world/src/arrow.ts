/**
 * Builds Arrow columns straight from typed arrays (no builders, no row objects).
 * @module
 */
import {
  Bool,
  type Data,
  type DataType,
  DateDay,
  Field,
  Float64,
  Int32,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMillisecond,
  Utf8,
} from 'apache-arrow';

const encoder = new TextEncoder();

/** Validity bitmap from a per-row "is null" mask (1 = null); null when nothing is null. */
function validity(isNull: Uint8Array | null, n: number): { bitmap: Uint8Array | undefined; nulls: number } {
  if (isNull === null) return { bitmap: undefined, nulls: 0 };
  const bitmap = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (isNull[i] === 1) nulls++;
    else bitmap[i >> 3]! |= 1 << (i & 7);
  }
  return nulls === 0 ? { bitmap: undefined, nulls: 0 } : { bitmap, nulls };
}

/** Utf8 column from dictionary codes (-1 = null). */
export function utf8FromCodes(codes: Int32Array, dictionary: readonly string[]): Data<Utf8> {
  const n = codes.length;
  const encoded = dictionary.map((s) => encoder.encode(s));
  const offsets = new Int32Array(n + 1);
  const isNull = new Uint8Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const c = codes[i]!;
    if (c < 0) isNull[i] = 1;
    else total += encoded[c]!.length;
    offsets[i + 1] = total;
  }
  const bytes = new Uint8Array(total);
  for (let i = 0; i < n; i++) {
    const c = codes[i]!;
    if (c >= 0) bytes.set(encoded[c]!, offsets[i]!);
  }
  const { bitmap, nulls } = validity(isNull, n);
  return makeData({
    type: new Utf8(),
    length: n,
    nullCount: nulls,
    nullBitmap: bitmap,
    valueOffsets: offsets,
    data: bytes,
  });
}

/** Float64 column; `isNull` marks nulls (their value slot is zeroed). */
export function float64Column(values: Float64Array, isNull: Uint8Array | null): Data<Float64> {
  const { bitmap, nulls } = validity(isNull, values.length);
  const data = nulls === 0 ? values : values.map((v, i) => (isNull![i] === 1 ? 0 : v));
  return makeData({ type: new Float64(), length: values.length, nullCount: nulls, nullBitmap: bitmap, data });
}

/** Int32 column. */
export function int32Column(values: Int32Array, isNull: Uint8Array | null): Data<Int32> {
  const { bitmap, nulls } = validity(isNull, values.length);
  const data = nulls === 0 ? values : values.map((v, i) => (isNull![i] === 1 ? 0 : v));
  return makeData({ type: new Int32(), length: values.length, nullCount: nulls, nullBitmap: bitmap, data });
}

/** Bool column from 0/1 bytes. */
export function boolColumn(values: Uint8Array, isNull: Uint8Array | null): Data<Bool> {
  const n = values.length;
  const { bitmap, nulls } = validity(isNull, n);
  const bits = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) {
    if (values[i] === 1 && (isNull === null || isNull[i] === 0)) bits[i >> 3]! |= 1 << (i & 7);
  }
  return makeData({ type: new Bool(), length: n, nullCount: nulls, nullBitmap: bitmap, data: bits });
}

/** DateDay column from epoch days (never null here). */
export function dateDayColumn(days: Int32Array): Data<DateDay> {
  return makeData({ type: new DateDay(), length: days.length, nullCount: 0, data: days });
}

/** UTC millisecond timestamps; NaN marks null. */
export function timestampMsColumn(ms: Float64Array): Data<TimestampMillisecond> {
  const n = ms.length;
  const isNull = new Uint8Array(n);
  const data = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    const v = ms[i]!;
    if (Number.isNaN(v)) isNull[i] = 1;
    else data[i] = BigInt(v);
  }
  const { bitmap, nulls } = validity(isNull, n);
  return makeData({
    type: new TimestampMillisecond('UTC'),
    length: n,
    nullCount: nulls,
    nullBitmap: bitmap,
    data,
  });
}

/** One column of {@link tableFromColumns}. */
export interface ColumnSpec {
  readonly name: string;
  readonly data: Data<DataType>;
  readonly nullable: boolean;
}

/** A single-batch Arrow table with an explicit schema (nullability included). */
export function tableFromColumns(columns: readonly ColumnSpec[], length: number): Table {
  const fields = columns.map((c) => new Field(c.name, c.data.type, c.nullable));
  const schema = new Schema(fields);
  const struct = makeData({
    type: new Struct(fields),
    length,
    nullCount: 0,
    children: columns.map((c) => c.data),
  });
  return new Table([new RecordBatch(schema, struct)]);
}
