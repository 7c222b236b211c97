import {
  CancelledError,
  DataError,
  formatValue,
  InvalidArgumentError,
  LeadscoreError,
  SchemaError,
  sha256Hex,
  WarehouseError,
} from '@leadscore/core';
import { assertArg, assertInteger, canonicalJson } from '@leadscore/core/internal';
import {
  Bool,
  type DataType,
  DateDay,
  type Date_ as DateType,
  DateUnit,
  type Dictionary,
  Field,
  type Float,
  Float32,
  Float64,
  type Int,
  Int8,
  Int16,
  Int32,
  Int64,
  makeData,
  Precision,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMicrosecond,
  TimestampMillisecond,
  TimestampNanosecond,
  TimestampSecond,
  type Timestamp as TimestampType,
  TimeUnit,
  Type,
  Uint8,
  Uint16,
  Uint32,
  Uint64,
  Utf8,
} from 'apache-arrow';
import { duckdbDialect } from './dialect.js';
import { formatOfPath } from './file-format.js';
import { assertIdentifier, parseIdentifier, quoteIdentifier } from './identifiers.js';
import {
  type ColumnDescription,
  type CreateTableFromFileOptions,
  type CreateTableOptions,
  type FileFormat,
  LOGICAL_TYPES,
  type LogicalType,
  type QueryOptions,
  type SqlDialect,
  type TableDescription,
  type Warehouse,
} from './types.js';

/*
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
interface DuckChunkLike {
  readonly rowCount: number;
  getColumnVector(index: number): DuckVectorLike;
}

type TypedArrayCtor =
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
function planColumns(names: readonly string[], typeIds: readonly number[]): ColumnPlan[] {
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
    for (let i = 0; i < n; i++) if ((raw[i >> 3]! & (1 << (i & 7))) === 0) nulls++;
    return nulls;
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
      for (let i = 0; i < n; i++) {
        if (v.getItem(i) === true) data[(pos + i) >> 3]! |= 1 << ((pos + i) & 7);
      }
      pos += n;
    }
    return makeData({ type: new Bool(), length, nullCount, nullBitmap: nullCount ? bitmap : null, data });
  }
  const valueOffsets = new Int32Array(length + 1);
  let bytes = new Uint8Array(Math.max(64, length * 8));
  let end = 0;
  const reserve = (extra: number) => {
    if (end + extra > bytes.length) {
      const grown = new Uint8Array(Math.max(bytes.length * 2, end + extra));
      grown.set(bytes.subarray(0, end));
      bytes = grown;
    }
  };
  for (const v of vectors) {
    const n = v.itemCount;
    const raw = LITTLE_ENDIAN ? rawValidity(v) : undefined;
    const view = plan.stringify ? undefined : rawStrings(v);
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
        // DuckDB string_t: uint32 length, then up to 12 inline bytes; longer strings live behind a
        // pointer, read through getItem. Inline ones are copied as bytes with no decode/encode.
        const inlineLength = view ? view.getUint32(i * 16, true) : 13;
        if (view && inlineLength <= 12) {
          reserve(inlineLength);
          bytes.set(new Uint8Array(view.buffer, view.byteOffset + i * 16 + 4, inlineLength), end);
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
          reserve(encoded.length);
          bytes.set(encoded, end);
          end += encoded.length;
        } else {
          const item = v.getItem(i);
          const s = plan.stringify ? stringifyItem(item) : (item as string);
          // A UTF-8 encoding takes at most 3 bytes per UTF-16 code unit.
          reserve(s.length * 3);
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

function stringifyItem(item: unknown): string {
  if (typeof item === 'string') return item;
  if (typeof item === 'bigint') return item.toString();
  return String(item);
}

/** Arrow schema of planned columns. */
function planSchema(plans: readonly ColumnPlan[]): Schema {
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
function chunksToRecordBatch(
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

// ---------------------------------------------------------------------------------------------------
// The warehouse
// ---------------------------------------------------------------------------------------------------

type DuckApi = typeof import('@duckdb/node-api');
type DuckConnection = import('@duckdb/node-api').DuckDBConnection;
type DuckInstance = import('@duckdb/node-api').DuckDBInstance;
type DuckValue = import('@duckdb/node-api').DuckDBValue;
type DuckType = import('@duckdb/node-api').DuckDBType;

/** Options of {@link openDuckDbWarehouse}. */
export interface DuckDbWarehouseOptions {
  /** Database file, or `':memory:'` for an in-memory database. */
  path: string;
  /** Worker threads DuckDB may use. @default DuckDB's default (all cores) */
  threads?: number;
  /** DuckDB memory limit, e.g. `'2GB'`. @default DuckDB's default (80 % of RAM) */
  memoryLimit?: string;
  /** Rows per Arrow record batch yielded by `queryBatches` (rounded up to whole DuckDB chunks). @default 65536 */
  batchRows?: number;
}

/** Options of `createTableFromFile` on the DuckDB warehouse: the interface's. */
export type DuckDbCreateTableFromFileOptions = CreateTableFromFileOptions;

const MAX_CHUNK_ROWS = 2048;
const CONVERSION_ERROR = /Conversion Error|CSV Error|Could not convert|Invalid Input Error/i;

/**
 * Opens an embedded DuckDB warehouse (file or `':memory:'`). The native module is imported on first
 * use, so importing `@leadscore/core` does not load it.
 * @example const wh = await openDuckDbWarehouse({ path: ':memory:' })
 */
export async function openDuckDbWarehouse(options: DuckDbWarehouseOptions): Promise<DuckDbWarehouse> {
  assertArg(
    options !== null &&
      typeof options === 'object' &&
      typeof options.path === 'string' &&
      options.path.length > 0,
    'options.path',
    "a file path or ':memory:'",
    options?.path,
  );
  if (options.threads !== undefined) assertInteger(options.threads, 'options.threads', 1, 1024);
  if (options.batchRows !== undefined) assertInteger(options.batchRows, 'options.batchRows', 1, 1 << 26);
  if (options.memoryLimit !== undefined) {
    assertArg(
      /^\d+(\.\d+)?\s*[KMGT]i?B$/i.test(options.memoryLimit),
      'options.memoryLimit',
      "a size like '2GB'",
      options.memoryLimit,
    );
  }
  let api: DuckApi;
  try {
    api = await import('@duckdb/node-api');
  } catch (error) {
    throw new WarehouseError('@duckdb/node-api could not be loaded; is it installed for this platform?', {
      cause: error,
    });
  }
  const config: Record<string, string> = {};
  if (options.threads !== undefined) config.threads = String(options.threads);
  if (options.memoryLimit !== undefined) config.memory_limit = options.memoryLimit;
  try {
    const instance = await api.DuckDBInstance.create(options.path, config);
    const connection = await instance.connect();
    // UTC everywhere: TIMESTAMPTZ parsing and TIMESTAMPTZ -> DATE casts must not depend on the host.
    await connection.run("SET GLOBAL TimeZone = 'UTC'");
    return new DuckDbWarehouse(api, instance, connection, options.batchRows ?? 65536);
  } catch (error) {
    throw new WarehouseError(
      `options.path could not be opened as a DuckDB database: ${formatValue(options.path)}`,
      {
        cause: error,
        details: { path: options.path },
      },
    );
  }
}

/**
 * The embedded DuckDB {@link Warehouse}. Create it with {@link openDuckDbWarehouse}.
 *
 * Result types: BOOLEAN -> Bool, TINYINT..INTEGER -> Int8..Int32, BIGINT -> Int64 (bigint values),
 * FLOAT/DOUBLE -> Float32/Float64, DATE -> DateDay, TIMESTAMP -> Timestamp(MICROSECOND) (read as epoch
 * ms numbers), VARCHAR -> Utf8; HUGEINT and DECIMAL become Float64 (cast in SQL to keep them exact);
 * other types (lists, structs, intervals, ...) come back as their text form. Statements on the main
 * connection run one at a time; `queryBatches` streams on a connection of its own.
 */
export class DuckDbWarehouse implements Warehouse {
  readonly dialect: SqlDialect = duckdbDialect;
  readonly #api: DuckApi;
  readonly #instance: DuckInstance;
  readonly #connection: DuckConnection;
  readonly #batchRows: number;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  /** @internal use {@link openDuckDbWarehouse}. */
  constructor(api: DuckApi, instance: DuckInstance, connection: DuckConnection, batchRows: number) {
    this.#api = api;
    this.#instance = instance;
    this.#connection = connection;
    this.#batchRows = batchRows;
  }

  quoteIdentifier(name: string): string {
    return quoteIdentifier('duckdb', name, 'name');
  }

  async query(sql: string, options: QueryOptions = {}): Promise<Table> {
    return this.#exclusive(options.signal, async (conn) => {
      const result = await this.#wrap(
        sql,
        () => {
          const p = this.#params(sql, options.params);
          return conn.run(sql, p?.values, p?.types);
        },
        options.signal,
      );
      const plans = planColumns(
        result.columnNames(),
        result.columnTypes().map((t) => t.typeId),
      );
      const schema = planSchema(plans);
      const chunks: DuckChunkLike[] = [];
      let rows = 0;
      for (;;) {
        this.#throwIfAborted(options.signal);
        const chunk = await this.#wrap(sql, () => result.fetchChunk(), options.signal);
        if (!chunk || chunk.rowCount === 0) break;
        chunks.push(chunk);
        rows += chunk.rowCount;
        options.onProgress?.({ phase: 'query', rows });
      }
      if (chunks.length === 0) return new Table(schema);
      return new Table([chunksToRecordBatch(schema, plans, chunks)]);
    });
  }

  async *queryBatches(sql: string, options: QueryOptions = {}): AsyncIterable<RecordBatch> {
    this.#assertOpen();
    this.#throwIfAborted(options.signal);
    // A streaming result lives on its own connection so other calls can run while it is consumed.
    const conn = await this.#instance.connect();
    const onAbort = () => conn.interrupt();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const result = await this.#wrap(
        sql,
        () => {
          const p = this.#params(sql, options.params);
          return conn.stream(sql, p?.values, p?.types);
        },
        options.signal,
      );
      const plans = planColumns(
        result.columnNames(),
        result.columnTypes().map((t) => t.typeId),
      );
      const schema = planSchema(plans);
      let pending: DuckChunkLike[] = [];
      let pendingRows = 0;
      let rows = 0;
      for (;;) {
        this.#throwIfAborted(options.signal);
        const chunk = await this.#wrap(sql, () => result.fetchChunk(), options.signal);
        const done = !chunk || chunk.rowCount === 0;
        if (!done) {
          pending.push(chunk);
          pendingRows += chunk.rowCount;
        }
        if (pendingRows > 0 && (done || pendingRows >= this.#batchRows)) {
          const batch = chunksToRecordBatch(schema, plans, pending);
          rows += pendingRows;
          pending = [];
          pendingRows = 0;
          options.onProgress?.({ phase: 'query', rows });
          yield batch;
        }
        if (done) break;
      }
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      conn.closeSync();
    }
  }

  async execute(sql: string, options: QueryOptions = {}): Promise<void> {
    await this.#exclusive(options.signal, async (conn) => {
      await this.#wrap(
        sql,
        () => {
          const p = this.#params(sql, options.params);
          return conn.run(sql, p?.values, p?.types);
        },
        options.signal,
      );
    });
  }

  async createTableFromArrow(name: string, table: Table, options: CreateTableOptions = {}): Promise<void> {
    const ref = quoteIdentifier('duckdb', name, 'name');
    const segments = parseIdentifier(name, { name: 'name' });
    const columns = table.schema.fields.map((f) => {
      assertIdentifier(f.name, `table.schema.fields[${formatValue(f.name)}]`);
      return { name: f.name, ...arrowToDuck(this.#api, f.type, f.name) };
    });
    assertArg(columns.length > 0, 'table', 'a table with at least one column', table.numCols);
    await this.#exclusive(options.signal, async (conn) => {
      await this.#assertReplaceable(conn, name, options.replace ?? false);
      const ddl = `CREATE OR REPLACE TABLE ${ref} (${columns.map((c) => `${quoteIdentifier('duckdb', c.name, 'column')} ${c.sqlType}`).join(', ')})`;
      await this.#wrap('BEGIN TRANSACTION', () => conn.run('BEGIN TRANSACTION'));
      try {
        await this.#wrap(ddl, () => conn.run(ddl));
        const tableName = segments[segments.length - 1] as string;
        const schemaName = segments.length >= 2 ? (segments[segments.length - 2] as string) : null;
        const catalogName = segments.length === 3 ? (segments[0] as string) : null;
        const appender = await conn.createAppender(tableName, schemaName, catalogName);
        const types = columns.map((c) => c.duckType);
        let written = 0;
        for (const batch of table.batches) {
          const vectors = columns.map((c) => batch.getChild(c.name) ?? null);
          for (let start = 0; start < batch.numRows; start += MAX_CHUNK_ROWS) {
            this.#throwIfAborted(options.signal);
            const n = Math.min(MAX_CHUNK_ROWS, batch.numRows - start);
            const chunk = this.#api.DuckDBDataChunk.create(types, n);
            columns.forEach((c, ci) => {
              const target = chunk.getColumnVector(ci) as unknown as WritableVector;
              if (!writeFixed(target, c.fixed, vectors[ci] ?? null, start, n)) {
                chunk.setColumnValues(ci, c.toDuck(vectors[ci] ?? null, start, n));
              }
            });
            appender.appendDataChunk(chunk);
            written += n;
          }
          options.onProgress?.({ phase: 'load', rows: written, totalRows: table.numRows });
        }
        appender.closeSync();
        await this.#wrap('COMMIT', () => conn.run('COMMIT'));
      } catch (error) {
        await conn.run('ROLLBACK').catch(() => undefined);
        if (error instanceof LeadscoreError) throw error;
        throw new WarehouseError(
          `name ${formatValue(name)} could not be created from Arrow: ${messageOf(error)}`,
          {
            cause: error,
            details: { table: name },
          },
        );
      }
    });
  }

  async createTableFromFile(
    name: string,
    path: string,
    options: DuckDbCreateTableFromFileOptions = {},
  ): Promise<void> {
    const ref = quoteIdentifier('duckdb', name, 'name');
    assertArg(typeof path === 'string' && path.length > 0, 'path', 'a non-empty file path', path);
    const format = options.format ?? formatFromExtension(path);
    let reader: string;
    const utcColumns: string[] = [];
    if (format === 'parquet') {
      reader = 'read_parquet($path)';
    } else {
      const types = Object.entries(options.columnTypes ?? {}).map(([column, type]) => {
        assertIdentifier(column, 'options.columnTypes');
        assertArg(
          typeof type === 'string' && Object.hasOwn(DUCKDB_TYPE_NAMES, type),
          `options.columnTypes.${column}`,
          `one of ${Object.keys(DUCKDB_TYPE_NAMES).join(', ')}`,
          type,
        );
        // Timestamps parse as TIMESTAMPTZ so an explicit offset ('+02:00', 'Z') is honoured rather than
        // dropped, then are stored as naive UTC TIMESTAMPs.
        if (type === 'timestamp') utcColumns.push(column);
        return `${duckdbDialect.stringLiteral(column)}: '${type === 'timestamp' ? 'TIMESTAMPTZ' : DUCKDB_TYPE_NAMES[type]}'`;
      });
      reader = `read_csv($path, header = true, auto_detect = true${types.length ? `, types = {${types.join(', ')}}` : ''})`;
    }
    const replace = utcColumns.length
      ? ` REPLACE (${utcColumns.map((c) => `CAST(timezone('UTC', ${quoteIdentifier('duckdb', c, 'column')}) AS TIMESTAMP) AS ${quoteIdentifier('duckdb', c, 'column')}`).join(', ')})`
      : '';
    const sql = `CREATE OR REPLACE TABLE ${ref} AS SELECT *${replace} FROM ${reader}`;
    await this.#exclusive(options.signal, async (conn) => {
      await this.#assertReplaceable(conn, name, options.replace ?? false);
      try {
        await conn.run(sql, { path });
      } catch (error) {
        const message = messageOf(error);
        const Err = CONVERSION_ERROR.test(message) ? DataError : WarehouseError;
        throw new Err(
          `path ${formatValue(path)} could not be loaded into ${formatValue(name)} as ${format}: ${message}`,
          {
            cause: error,
            details: { path, table: name, format },
          },
        );
      }
      const count = await conn.runAndReadAll(`SELECT count(*) FROM ${ref}`);
      options.onProgress?.({ phase: 'load', rows: Number(count.getRows()[0]?.[0] ?? 0) });
    });
  }

  async describeTable(name: string, options: QueryOptions = {}): Promise<TableDescription> {
    quoteIdentifier('duckdb', name, 'name');
    return this.#exclusive(options.signal, async (conn) => {
      const columns = await this.#columns(conn, name);
      if (columns.length === 0) {
        throw new WarehouseError(`name ${formatValue(name)} does not exist`, { details: { table: name } });
      }
      const sql = duckdbDialect.fingerprintQuery(
        name,
        columns.map((c) => c.name),
      );
      const reader = await this.#wrap(sql, () => conn.runAndReadAll(sql), options.signal);
      const row = reader.getRows()[0] ?? [0, '0'];
      const rowCount = Number(row[0]);
      const fingerprint = sha256Hex(
        canonicalJson({ columns: columns.map((c) => [c.name, c.type]), rowCount, content: String(row[1]) }),
      );
      return { name, columns, rowCount, fingerprint };
    });
  }

  async tableExists(name: string): Promise<boolean> {
    quoteIdentifier('duckdb', name, 'name');
    return this.#exclusive(undefined, (conn) => this.#exists(conn, name));
  }

  async dropTable(name: string, options: { ifExists?: boolean } = {}): Promise<void> {
    const sql = `DROP TABLE ${options.ifExists ? 'IF EXISTS ' : ''}${quoteIdentifier('duckdb', name, 'name')}`;
    await this.#exclusive(undefined, async (conn) => {
      await this.#wrap(sql, () => conn.run(sql));
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#queue.catch(() => undefined);
    this.#closed = true;
    this.#connection.closeSync();
    this.#instance.closeSync();
  }

  async #assertReplaceable(conn: DuckConnection, name: string, replace: boolean): Promise<void> {
    if (!replace && (await this.#exists(conn, name))) {
      throw new WarehouseError(
        `name ${formatValue(name)} already exists; pass replace: true to overwrite it`,
        {
          details: { table: name },
        },
      );
    }
  }

  #where(name: string): { clause: string; params: Record<string, string> } {
    const segments = parseIdentifier(name, { name: 'name' });
    const table = segments[segments.length - 1] as string;
    const params: Record<string, string> = { t: table };
    let clause = 'lower(table_name) = lower($t)';
    if (segments.length >= 2) {
      params.s = segments[segments.length - 2] as string;
      clause += ' AND lower(table_schema) = lower($s)';
    } else {
      clause += ' AND table_schema = current_schema()';
    }
    if (segments.length === 3) {
      params.c = segments[0] as string;
      clause += ' AND lower(table_catalog) = lower($c)';
    } else {
      clause += ' AND table_catalog = current_database()';
    }
    return { clause, params };
  }

  async #exists(conn: DuckConnection, name: string): Promise<boolean> {
    const { clause, params } = this.#where(name);
    const sql = `SELECT count(*) FROM information_schema.tables WHERE ${clause}`;
    const reader = await this.#wrap(sql, () => conn.runAndReadAll(sql, params));
    return Number(reader.getRows()[0]?.[0] ?? 0) > 0;
  }

  async #columns(conn: DuckConnection, name: string): Promise<ColumnDescription[]> {
    const { clause, params } = this.#where(name);
    const sql = `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE ${clause} ORDER BY ordinal_position`;
    const reader = await this.#wrap(sql, () => conn.runAndReadAll(sql, params));
    return reader.getRows().map((r) => ({
      name: String(r[0]),
      type: String(r[1]),
      nullable: String(r[2]).toUpperCase() === 'YES',
    }));
  }

  #params(
    sql: string,
    params: QueryOptions['params'],
  ): { values: Record<string, DuckValue>; types: Record<string, DuckType> } | undefined {
    if (!params || Object.keys(params).length === 0) return undefined;
    const values: Record<string, DuckValue> = {};
    const types: Record<string, DuckType> = {};
    for (const [key, value] of Object.entries(params)) {
      assertIdentifier(key, 'options.params');
      // DuckDB refuses to bind a parameter the statement does not use; BigQuery ignores them.
      if (!new RegExp(`\\$${key}(?![A-Za-z0-9_])`).test(sql)) continue;
      if (value instanceof Date) {
        assertArg(!Number.isNaN(value.getTime()), `options.params.${key}`, 'a valid Date', value);
        values[key] = new this.#api.DuckDBTimestampValue(BigInt(value.getTime()) * 1000n);
      } else if (typeof value === 'bigint') {
        values[key] = value;
        types[key] = this.#api.BIGINT;
      } else if (typeof value === 'number' && !Number.isInteger(value)) {
        values[key] = value;
        types[key] = this.#api.DOUBLE;
      } else {
        values[key] = value;
      }
    }
    return Object.keys(values).length ? { values, types } : undefined;
  }

  #assertOpen(): void {
    if (this.#closed) throw new WarehouseError('warehouse is closed');
  }

  #throwIfAborted(signal: AbortSignal | undefined): void {
    if (signal?.aborted)
      throw new CancelledError('signal aborted the warehouse call', { cause: signal.reason });
  }

  /** Runs `fn` alone on the main connection (one statement at a time), interrupting it on abort. */
  #exclusive<R>(signal: AbortSignal | undefined, fn: (conn: DuckConnection) => Promise<R>): Promise<R> {
    this.#assertOpen();
    this.#throwIfAborted(signal);
    const run = async (): Promise<R> => {
      this.#assertOpen();
      this.#throwIfAborted(signal);
      const onAbort = () => this.#connection.interrupt();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return await fn(this.#connection);
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    };
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #wrap<R>(sql: string, fn: () => Promise<R>, signal?: AbortSignal): Promise<R> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof LeadscoreError) throw error;
      if (signal?.aborted) throw new CancelledError('signal aborted the warehouse call', { cause: error });
      throw new WarehouseError(`sql failed: ${messageOf(error)}`, {
        cause: error,
        details: { sql: sql.length > 2000 ? `${sql.slice(0, 2000)}...` : sql },
      });
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function formatFromExtension(path: string): FileFormat {
  const format = formatOfPath(path);
  if (format) return format;
  throw new InvalidArgumentError(
    `path must end in .csv, .tsv, .txt, .parquet or .pq unless options.format is given, found ${formatValue(path)}`,
    { details: { parameter: 'path', value: path } },
  );
}

const DUCKDB_TYPE_NAMES: Readonly<Record<LogicalType, string>> = Object.fromEntries(
  LOGICAL_TYPES.map((t) => [t, duckdbDialect.typeName(t)]),
) as Record<LogicalType, string>;

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

interface WritableVector {
  readonly itemCount: number;
  setItem(index: number, value: null): void;
  flush(): void;
}

/**
 * Copies a slice of a single-chunk Arrow vector straight into a DuckDB vector's typed items (then
 * marks nulls and flushes); returns false when the layouts do not allow it.
 */
function writeFixed(
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
function arrowToDuck(api: DuckApi, type: DataType, column: string): ArrowColumnWriter {
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
