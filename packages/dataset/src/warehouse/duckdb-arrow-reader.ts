import {
  Bool,
  type DataType,
  DateDay,
  Field,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  TimestampMicrosecond,
  TimestampMillisecond,
  TimestampNanosecond,
  TimestampSecond,
  Uint8,
  Uint16,
  Uint32,
  Uint64,
  Utf8,
} from 'apache-arrow';

/**
 * Column-wise conversion of DuckDB result chunks to Arrow record batches. Fixed-width vectors are
 * copied as typed arrays and validity masks byte-wise (DuckDB's uint64 validity words are, on
 * little-endian machines, exactly Arrow's LSB-first bitmap); only strings and exotic types go value
 * by value.
 */

/** The structural subset of a @duckdb/node-api vector used here. */
interface DuckVectorLike {
  readonly itemCount: number;
  getItem(index: number): unknown;
}
/** The structural subset of a @duckdb/node-api data chunk used here. */
export interface DuckChunkLike {
  readonly rowCount: number;
  getColumnVector(index: number): DuckVectorLike;
}

export type TypedArrayCtor =
  | Float64ArrayConstructor
  | Float32ArrayConstructor
  | Int8ArrayConstructor
  | Int16ArrayConstructor
  | Int32ArrayConstructor
  | Uint8ArrayConstructor
  | Uint16ArrayConstructor
  | Uint32ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor;
type AnyTypedArray = ArrayLike<number | bigint>;

/** DuckDB type ids (DuckDBTypeId enum of @duckdb/node-api), kept here to avoid loading the module. */
const T = {
  BOOLEAN: 1,
  TINYINT: 2,
  SMALLINT: 3,
  INTEGER: 4,
  BIGINT: 5,
  UTINYINT: 6,
  USMALLINT: 7,
  UINTEGER: 8,
  UBIGINT: 9,
  FLOAT: 10,
  DOUBLE: 11,
  TIMESTAMP: 12,
  DATE: 13,
  HUGEINT: 16,
  VARCHAR: 17,
  DECIMAL: 19,
  TIMESTAMP_S: 20,
  TIMESTAMP_MS: 21,
  TIMESTAMP_NS: 22,
  TIMESTAMP_TZ: 31,
  UHUGEINT: 32,
} as const;

interface FixedPlan {
  kind: 'fixed';
  arrow: DataType;
  ctor: TypedArrayCtor;
  /** Converts a getItem() value when the raw items array is unavailable. */
  fromItem: (v: unknown) => number | bigint;
}
interface ColumnPlan {
  name: string;
  plan: FixedPlan | { kind: 'bool' } | { kind: 'utf8'; stringify: boolean } | { kind: 'float' };
}

const num = (v: unknown): number => {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v !== null && typeof v === 'object' && 'toDouble' in v && typeof v.toDouble === 'function') {
    return (v as { toDouble(): number }).toDouble();
  }
  return Number(v);
};
const big = (v: unknown): bigint => {
  if (typeof v === 'bigint') return v;
  if (v !== null && typeof v === 'object') {
    const o = v as { micros?: bigint; millis?: bigint; nanos?: bigint; seconds?: bigint };
    const inner = o.micros ?? o.millis ?? o.nanos ?? o.seconds;
    if (typeof inner === 'bigint') return inner;
  }
  return BigInt(v as number);
};
const days = (v: unknown): number => {
  if (v !== null && typeof v === 'object' && 'days' in v) return (v as { days: number }).days;
  return Number(v);
};

/** Plans the Arrow type of each result column from DuckDB type ids. */
export function planColumns(names: readonly string[], typeIds: readonly number[]): ColumnPlan[] {
  return names.map((name, i) => {
    const id = typeIds[i];
    const fixed = (arrow: DataType, ctor: TypedArrayCtor, fromItem: FixedPlan['fromItem']): ColumnPlan => ({
      name,
      plan: { kind: 'fixed', arrow, ctor, fromItem },
    });
    switch (id) {
      case T.BOOLEAN:
        return { name, plan: { kind: 'bool' } };
      case T.TINYINT:
        return fixed(new Int8(), Int8Array, num);
      case T.SMALLINT:
        return fixed(new Int16(), Int16Array, num);
      case T.INTEGER:
        return fixed(new Int32(), Int32Array, num);
      case T.BIGINT:
        return fixed(new Int64(), BigInt64Array, big);
      case T.UTINYINT:
        return fixed(new Uint8(), Uint8Array, num);
      case T.USMALLINT:
        return fixed(new Uint16(), Uint16Array, num);
      case T.UINTEGER:
        return fixed(new Uint32(), Uint32Array, num);
      case T.UBIGINT:
        return fixed(new Uint64(), BigUint64Array, big);
      case T.FLOAT:
        return fixed(new Float32(), Float32Array, num);
      case T.DOUBLE:
        return fixed(new Float64(), Float64Array, num);
      case T.DATE:
        return fixed(new DateDay(), Int32Array, days);
      case T.TIMESTAMP:
        return fixed(new TimestampMicrosecond(), BigInt64Array, big);
      case T.TIMESTAMP_TZ:
        return fixed(new TimestampMicrosecond('UTC'), BigInt64Array, big);
      case T.TIMESTAMP_MS:
        return fixed(new TimestampMillisecond(), BigInt64Array, big);
      case T.TIMESTAMP_S:
        return fixed(new TimestampSecond(), BigInt64Array, big);
      case T.TIMESTAMP_NS:
        return fixed(new TimestampNanosecond(), BigInt64Array, big);
      case T.HUGEINT:
      case T.UHUGEINT:
      case T.DECIMAL:
        // Arrow JS has no 128-bit integer and decimals are awkward to consume; cast in SQL to keep exactness.
        return { name, plan: { kind: 'float' } };
      case T.VARCHAR:
        return { name, plan: { kind: 'utf8', stringify: false } };
      default:
        return { name, plan: { kind: 'utf8', stringify: true } };
    }
  });
}

function rawItems(vector: DuckVectorLike, ctor: TypedArrayCtor): AnyTypedArray | undefined {
  // @duckdb/node-api keeps fixed-width data in a (private) typed-array `items`; fall back when absent.
  const items = (vector as unknown as { items?: unknown }).items;
  return items instanceof ctor && items.length === vector.itemCount ? (items as AnyTypedArray) : undefined;
}

/** The string_t array of a (private) VARCHAR vector view, when it starts at row 0. */
function rawStrings(vector: DuckVectorLike): DataView | undefined {
  const v = vector as unknown as { dataView?: unknown; itemOffset?: unknown };
  return LITTLE_ENDIAN &&
    v.dataView instanceof DataView &&
    v.itemOffset === 0 &&
    v.dataView.byteLength >= vector.itemCount * 16
    ? v.dataView
    : undefined;
}

/** The one-byte-per-row values of a (private) BOOLEAN vector view. */
function rawBools(vector: DuckVectorLike): Uint8Array | undefined {
  const v = vector as unknown as { dataView?: unknown };
  return v.dataView instanceof DataView && v.dataView.byteLength >= vector.itemCount
    ? new Uint8Array(v.dataView.buffer, v.dataView.byteOffset, vector.itemCount)
    : undefined;
}

/** Validity bytes (LSB-first bitmap) of a vector; null when all rows are valid. */
function rawValidity(vector: DuckVectorLike): Uint8Array | null | undefined {
  const validity = (vector as unknown as { validity?: { data?: unknown; offset?: unknown } }).validity;
  if (validity?.offset !== 0 || validity === undefined) return undefined;
  if (validity.data === null) return null;
  if (validity.data instanceof BigUint64Array) {
    return new Uint8Array(validity.data.buffer, validity.data.byteOffset, validity.data.byteLength);
  }
  return undefined;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Set bits of every byte value. */
const POPCOUNT = Uint8Array.from({ length: 256 }, (_, b) => {
  let c = 0;
  for (let x = b; x; x >>= 1) c += x & 1;
  return c;
});

/** Appends chunk validity to a bitmap at bit `pos`, returning the number of nulls appended. */
function appendValidity(bitmap: Uint8Array, pos: number, vector: DuckVectorLike, n: number): number {
  const raw = LITTLE_ENDIAN ? rawValidity(vector) : undefined;
  if (raw === null) {
    setBits(bitmap, pos, n);
    return 0;
  }
  let nulls = 0;
  if (raw !== undefined && pos % 8 === 0) {
    const bytes = Math.ceil(n / 8);
    bitmap.set(raw.subarray(0, bytes), pos >> 3);
    // Count valid rows a byte at a time; only the last partial byte goes bit by bit.
    const full = n >> 3;
    let valid = 0;
    for (let k = 0; k < full; k++) valid += POPCOUNT[raw[k]!]!;
    for (let i = full << 3; i < n; i++) if ((raw[i >> 3]! & (1 << (i & 7))) !== 0) valid++;
    return n - valid;
  }
  for (let i = 0; i < n; i++) {
    const valid = raw !== undefined ? (raw[i >> 3]! & (1 << (i & 7))) !== 0 : vector.getItem(i) !== null;
    const bit = pos + i;
    if (valid) bitmap[bit >> 3]! |= 1 << (bit & 7);
    else {
      bitmap[bit >> 3]! &= ~(1 << (bit & 7));
      nulls++;
    }
  }
  return nulls;
}

function setBits(bitmap: Uint8Array, pos: number, n: number): void {
  let i = pos;
  const end = pos + n;
  while (i < end && i % 8 !== 0) {
    bitmap[i >> 3]! |= 1 << (i & 7);
    i++;
  }
  const fullEnd = end - (end % 8);
  if (fullEnd > i) {
    bitmap.fill(0xff, i >> 3, fullEnd >> 3);
    i = fullEnd;
  }
  while (i < end) {
    bitmap[i >> 3]! |= 1 << (i & 7);
    i++;
  }
}

const encoder = new TextEncoder();

/** Builds one Arrow column (as Data) from the same column of several chunks. */
function buildColumn(plan: ColumnPlan['plan'], vectors: readonly DuckVectorLike[], length: number) {
  const bitmap = new Uint8Array(Math.ceil(length / 8));
  let nullCount = 0;
  let pos = 0;
  if (plan.kind === 'fixed') {
    const data = new plan.ctor(length);
    for (const v of vectors) {
      const n = v.itemCount;
      nullCount += appendValidity(bitmap, pos, v, n);
      const items = rawItems(v, plan.ctor);
      if (items) (data as Float64Array).set(items as unknown as Float64Array, pos);
      else {
        for (let i = 0; i < n; i++) {
          const item = v.getItem(i);
          if (item !== null) (data as unknown as (number | bigint)[])[pos + i] = plan.fromItem(item);
        }
      }
      pos += n;
    }
    return makeData({
      type: plan.arrow,
      length,
      nullCount,
      nullBitmap: nullCount ? bitmap : null,
      data,
    } as never);
  }
  if (plan.kind === 'float') {
    const data = new Float64Array(length);
    for (const v of vectors) {
      const n = v.itemCount;
      nullCount += appendValidity(bitmap, pos, v, n);
      for (let i = 0; i < n; i++) {
        const item = v.getItem(i);
        if (item !== null) data[pos + i] = num(item);
      }
      pos += n;
    }
    return makeData({ type: new Float64(), length, nullCount, nullBitmap: nullCount ? bitmap : null, data });
  }
  if (plan.kind === 'bool') {
    const data = new Uint8Array(Math.ceil(length / 8));
    for (const v of vectors) {
      const n = v.itemCount;
      nullCount += appendValidity(bitmap, pos, v, n);
      const raw = rawBools(v);
      for (let i = 0; i < n; i++) {
        if (raw ? raw[i] !== 0 : v.getItem(i) === true) {
          data[(pos + i) >> 3]! |= 1 << ((pos + i) & 7);
        }
      }
      pos += n;
    }
    // Under a NULL the raw byte is whatever DuckDB left there: clear those bits.
    if (nullCount) for (let k = 0; k < data.length; k++) data[k]! &= bitmap[k]!;
    return makeData({ type: new Bool(), length, nullCount, nullBitmap: nullCount ? bitmap : null, data });
  }
  return buildUtf8(plan.stringify, vectors, length, bitmap);
}

/** A Utf8 column; its own function so V8 optimises the string loop alone. */
function buildUtf8(
  stringify: boolean,
  vectors: readonly DuckVectorLike[],
  length: number,
  bitmap: Uint8Array,
) {
  let nullCount = 0;
  let pos = 0;
  const valueOffsets = new Int32Array(length + 1);
  // Most values are DuckDB inline strings (<= 12 bytes); start at that size and grow by doubling.
  let bytes = new Uint8Array(Math.max(64, length * 12));
  let end = 0;
  for (const v of vectors) {
    const n = v.itemCount;
    const raw = LITTLE_ENDIAN ? rawValidity(v) : undefined;
    const view = stringify ? undefined : rawStrings(v);
    // DuckDB string_t, 16 bytes: uint32 length, then up to 12 inline bytes, or (longer strings) a
    // 4-byte prefix and a pointer. Inline ones are copied byte by byte from one view of the vector,
    // with no per-value object; long ones are read through getItem.
    const u8 = view ? new Uint8Array(view.buffer, view.byteOffset, n * 16) : undefined;
    const u32 =
      view && view.byteOffset % 4 === 0 ? new Uint32Array(view.buffer, view.byteOffset, n * 4) : undefined;
    const longStrings = new Map<bigint, Uint8Array>();
    for (let i = 0; i < n; i++) {
      const bit = pos + i;
      const valid =
        raw === null
          ? true
          : raw !== undefined
            ? (raw[i >> 3]! & (1 << (i & 7))) !== 0
            : v.getItem(i) !== null;
      if (!valid) {
        nullCount++;
      } else {
        bitmap[bit >> 3]! |= 1 << (bit & 7);
        const inlineLength = u32 ? u32[i * 4]! : view ? view.getUint32(i * 16, true) : 13;
        if (u8 && inlineLength <= 12) {
          if (end + 12 > bytes.length) bytes = grow(bytes, end, 12);
          const from = i * 16 + 4;
          for (let k = 0; k < inlineLength; k++) bytes[end + k] = u8[from + k]!;
          end += inlineLength;
        } else if (view) {
          // Within one chunk, equal pointers mean equal strings (DuckDB dictionaries share them), so
          // each distinct long string is fetched and encoded once per chunk.
          const pointer = view.getBigUint64(i * 16 + 8, true);
          let encoded = longStrings.get(pointer);
          if (encoded === undefined || encoded.length !== inlineLength) {
            encoded = encoder.encode(v.getItem(i) as string);
            longStrings.set(pointer, encoded);
          }
          if (end + encoded.length > bytes.length) bytes = grow(bytes, end, encoded.length);
          bytes.set(encoded, end);
          end += encoded.length;
        } else {
          const item = v.getItem(i);
          const s = stringify ? stringifyItem(item) : (item as string);
          // A UTF-8 encoding takes at most 3 bytes per UTF-16 code unit.
          if (end + s.length * 3 > bytes.length) bytes = grow(bytes, end, s.length * 3);
          end += encoder.encodeInto(s, bytes.subarray(end)).written;
        }
      }
      valueOffsets[bit + 1] = end;
    }
    pos += n;
  }
  return makeData({
    type: new Utf8(),
    length,
    nullCount,
    nullBitmap: nullCount ? bitmap : null,
    valueOffsets,
    data: bytes.subarray(0, end),
  });
}

/** A copy of `bytes[0, used)` in a buffer with room for at least `extra` more bytes. */
function grow(bytes: Uint8Array, used: number, extra: number): Uint8Array<ArrayBuffer> {
  const grown = new Uint8Array(Math.max(bytes.length * 2, used + extra));
  grown.set(bytes.subarray(0, used));
  return grown;
}

function stringifyItem(item: unknown): string {
  if (typeof item === 'string') return item;
  if (typeof item === 'bigint') return item.toString();
  return String(item);
}

/** Arrow schema of planned columns. */
export function planSchema(plans: readonly ColumnPlan[]): Schema {
  return new Schema(plans.map((p) => new Field(p.name, arrowTypeOf(p.plan), true)));
}

function arrowTypeOf(plan: ColumnPlan['plan']): DataType {
  switch (plan.kind) {
    case 'fixed':
      return plan.arrow;
    case 'float':
      return new Float64();
    case 'bool':
      return new Bool();
    default:
      return new Utf8();
  }
}

/** Converts a run of DuckDB chunks (same result) into one Arrow record batch. */
export function chunksToRecordBatch(
  schema: Schema,
  plans: readonly ColumnPlan[],
  chunks: readonly DuckChunkLike[],
): RecordBatch {
  let length = 0;
  for (const c of chunks) length += c.rowCount;
  const children = plans.map((p, col) =>
    buildColumn(
      p.plan,
      chunks.map((c) => c.getColumnVector(col)),
      length,
    ),
  );
  const data = makeData({ type: new Struct(schema.fields), length, nullCount: 0, children });
  return new RecordBatch(schema, data);
}
