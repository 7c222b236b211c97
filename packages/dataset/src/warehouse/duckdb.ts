import {
  CancelledError,
  DataError,
  formatValue,
  InvalidArgumentError,
  LeadscoreError,
  parseWith,
  sha256Hex,
  WarehouseError,
} from '@leadscore/core';
import { assertArg, canonicalJson } from '@leadscore/core/internal';
import { type RecordBatch, Table } from 'apache-arrow';
import { checkCsvValues } from './csv-values.js';
import { duckdbDialect } from './dialect.js';
import { chunksToRecordBatch, type DuckChunkLike, planColumns, planSchema } from './duckdb-arrow-reader.js';
import {
  arrowToDuck,
  type DuckApi,
  type DuckType,
  type DuckValue,
  type WritableVector,
  writeFixed,
} from './duckdb-arrow-writer.js';
import { formatOfPath } from './file-format.js';
import { assertIdentifier, parseIdentifier, quoteIdentifier } from './identifiers.js';
import {
  createTableFromFileOptionsSchema,
  createTableOptionsSchema,
  dropTableOptionsSchema,
  duckDbWarehouseOptionsSchema,
  queryOptionsSchema,
} from './options-schema.js';
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

// ---------------------------------------------------------------------------------------------------
// The warehouse
// ---------------------------------------------------------------------------------------------------

type DuckConnection = import('@duckdb/node-api').DuckDBConnection;
type DuckInstance = import('@duckdb/node-api').DuckDBInstance;

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
  parseWith(duckDbWarehouseOptionsSchema, options, 'options');
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
    parseWith(queryOptionsSchema, options, 'options');
    return this.#exclusive(options.signal, async (conn) => {
      const result = await this.#wrap(
        sql,
        () => {
          const p = this.#params(sql, options.params);
          // Streamed, not materialised: DuckDB then does not copy the whole result once more before
          // its chunks are read (measured: about a third less CPU on the dataset read-back).
          return conn.stream(sql, p?.values, p?.types);
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
    parseWith(queryOptionsSchema, options, 'options');
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
    parseWith(queryOptionsSchema, options, 'options');
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
    parseWith(createTableOptionsSchema, options, 'options');
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
    parseWith(createTableFromFileOptionsSchema, options, 'options');
    const format = options.format ?? formatFromExtension(path);
    let reader: string;
    const utcColumns: string[] = [];
    const columnTypes = options.columnTypes ?? {};
    const delimiter = /\.tsv(\.gz)?$/i.test(path) && options.format === undefined ? '\t' : ',';
    if (format === 'parquet') {
      reader = 'read_parquet($path)';
    } else {
      const types = Object.entries(columnTypes).map(([column, type]) => {
        // Timestamps parse as TIMESTAMPTZ so an explicit offset ('+02:00', 'Z') is honoured rather than
        // dropped, then are stored as naive UTC TIMESTAMPs. (DuckDB's CSV reader NULLs a TIMESTAMPTZ
        // it cannot parse; checkCsvValues refuses those values first.)
        if (type === 'timestamp') utcColumns.push(column);
        return `${duckdbDialect.stringLiteral(column)}: '${type === 'timestamp' ? 'TIMESTAMPTZ' : DUCKDB_TYPE_NAMES[type]}'`;
      });
      // The dialect is fixed (not sniffed) so DuckDB splits fields exactly as checkCsvValues does.
      reader = `read_csv($path, header = true, auto_detect = true, delim = ${duckdbDialect.stringLiteral(delimiter)}, quote = '"', escape = '"'${types.length ? `, types = {${types.join(', ')}}` : ''})`;
    }
    const replace = utcColumns.length
      ? ` REPLACE (${utcColumns.map((c) => `CAST(timezone('UTC', ${quoteIdentifier('duckdb', c, 'column')}) AS TIMESTAMP) AS ${quoteIdentifier('duckdb', c, 'column')}`).join(', ')})`
      : '';
    const sql = `CREATE OR REPLACE TABLE ${ref} AS SELECT *${replace} FROM ${reader}`;
    const typed = format === 'csv' && Object.keys(columnTypes).length > 0;
    await this.#exclusive(options.signal, async (conn) => {
      await this.#assertReplaceable(conn, name, options.replace ?? false);
      // The values are checked while DuckDB loads (its threads, our one), inside a transaction that a
      // refused value rolls back, so a replaced table survives a bad file.
      if (typed) await this.#wrap('BEGIN TRANSACTION', () => conn.run('BEGIN TRANSACTION'));
      const [checked, loaded] = await Promise.allSettled([
        typed ? checkCsvValues(path, columnTypes, { delimiter }) : Promise.resolve(null),
        conn.run(sql, { path }),
      ]);
      if (checked.status === 'rejected' || loaded.status === 'rejected') {
        if (typed) await conn.run('ROLLBACK').catch(() => undefined);
        if (checked.status === 'rejected') throw checked.reason;
        const error = (loaded as PromiseRejectedResult).reason;
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
      if (typed) await this.#wrap('COMMIT', () => conn.run('COMMIT'));
      const count = await conn.runAndReadAll(`SELECT count(*) FROM ${ref}`);
      options.onProgress?.({ phase: 'load', rows: Number(count.getRows()[0]?.[0] ?? 0) });
    });
  }

  async describeTable(name: string, options: QueryOptions = {}): Promise<TableDescription> {
    quoteIdentifier('duckdb', name, 'name');
    parseWith(queryOptionsSchema, options, 'options');
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
    parseWith(dropTableOptionsSchema, options, 'options');
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
