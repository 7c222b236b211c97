import type { RecordBatch, Table } from 'apache-arrow';

/** Names of the built-in dialects; another warehouse brings its own {@link SqlDialect} object. */
export type Dialect = 'duckdb' | 'bigquery';

/**
 * Logical column types of the data contract, mapped to warehouse types by {@link SqlDialect.typeName}
 * (`int32` is a 32-bit integer where the warehouse has one, e.g. the 0/1 label; BigQuery only has INT64).
 * The one list every warehouse validates `columnTypes` against.
 */
export const LOGICAL_TYPES = ['string', 'date', 'timestamp', 'float', 'int', 'int32', 'bool'] as const;

/** One of {@link LOGICAL_TYPES}. */
export type LogicalType = (typeof LOGICAL_TYPES)[number];

/**
 * The small per-warehouse SQL vocabulary the dataset builder's single SQL generator uses. Everything
 * dialect-specific lives here; the generator otherwise emits ANSI constructs valid in both DuckDB and
 * BigQuery (`CASE`, `COALESCE`, window functions, `UNION ALL`, `CAST`), which also lets a test server
 * run BigQuery-dialect SQL on DuckDB after a light textual rewrite.
 *
 * Every helper that takes a day or month count requires an integer and inlines it (never user text).
 */
export interface SqlDialect {
  /** Name recorded in dataset metadata, e.g. 'duckdb' or 'bigquery'; any name for another warehouse. */
  readonly name: string;
  /** Validates and quotes a table or column identifier. */
  quote(identifier: string): string;
  /** Reference to a named query parameter: `$name` (DuckDB) or `@name` (BigQuery). */
  param(name: string): string;
  /** Warehouse type name of a logical type (`DOUBLE` / `FLOAT64`, ...). */
  typeName(type: LogicalType): string;
  /** `CAST(expr AS <type>)`. */
  cast(expr: string, type: LogicalType): string;
  /** A DATE expression `days` days after `dateExpr` (negative goes back). */
  dateAddDays(dateExpr: string, days: number): string;
  /** A DATE expression `months` calendar months after `dateExpr` (negative goes back). */
  dateAddMonths(dateExpr: string, months: number): string;
  /** A TIMESTAMP expression `days` days after `timestampExpr`. */
  timestampAddDays(timestampExpr: string, days: number): string;
  /** Whole days from `fromDate` to `toDate` (positive when `toDate` is later). */
  dateDiffDays(toDate: string, fromDate: string): string;
  /** First day of the calendar quarter of a DATE, as a DATE. */
  quarterStart(dateExpr: string): string;
  /** `CREATE [OR REPLACE] TABLE name AS select`. */
  createTableAs(table: string, select: string, options?: { replace?: boolean }): string;
  /**
   * A query over `table` returning one row `{ row_count, content_hash }`: an order-independent
   * aggregate of per-row hashes over `columns` (any row, column or value change alters it).
   */
  fingerprintQuery(table: string, columns: readonly string[]): string;
  /** A string literal; only for places a dialect cannot take a parameter. */
  stringLiteral(value: string): string;
}

/** A value passed to a query as a named parameter (never spliced into SQL text). */
export type SqlValue = string | number | bigint | boolean | Date | null;

/** Progress of a long query or load. */
export interface WarehouseProgress {
  /** What is running, e.g. 'query', 'load', 'page'. */
  readonly phase: string;
  /** Rows fetched or written so far. */
  readonly rows: number;
  /** Total rows when known. */
  readonly totalRows?: number;
  /** Bytes processed, estimated (BigQuery dry run, phase 'estimate') or written, when known. */
  readonly bytes?: number;
}

/** Options accepted by every query method. */
export interface QueryOptions {
  /** Named parameters; referenced as `$name` (DuckDB) or `@name` (BigQuery). @default {} */
  params?: Readonly<Record<string, SqlValue>>;
  /** Cancels the query (BigQuery: cancels the job). */
  signal?: AbortSignal;
  /** Called as rows arrive. */
  onProgress?: (progress: WarehouseProgress) => void;
  /** Labels attached to the job where the warehouse supports them (BigQuery job labels). @default {} */
  labels?: Readonly<Record<string, string>>;
}

/** One column of a described table. */
export interface ColumnDescription {
  readonly name: string;
  /** Warehouse type name as reported by the warehouse (e.g. 'VARCHAR', 'DATE', 'STRING'). */
  readonly type: string;
  readonly nullable: boolean;
}

/** What {@link Warehouse.describeTable} returns. */
export interface TableDescription {
  readonly name: string;
  readonly columns: readonly ColumnDescription[];
  readonly rowCount: number;
  /**
   * Content fingerprint: changes when any row, column or type changes. Stable for the same content in
   * the same warehouse kind; not comparable across kinds.
   */
  readonly fingerprint: string;
}

/** Formats `createTableFromFile` reads. */
export type FileFormat = 'csv' | 'parquet';

/** Options of table creation. */
export interface CreateTableOptions {
  /** Replace an existing table of that name; otherwise an existing table is an error. @default false */
  replace?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: WarehouseProgress) => void;
}

/** Options of {@link Warehouse.createTableFromFile}. */
export interface CreateTableFromFileOptions extends CreateTableOptions {
  /** File format. @default from the extension (.csv/.tsv/.txt, optionally .gz: csv; .parquet/.pq: parquet) */
  format?: FileFormat;
  /**
   * Explicit CSV column types by column name; a value its type does not accept (see `checkCsvValues`)
   * fails the load with a `CsvValueError` naming file, line, column and value; only an empty cell is
   * NULL. @default {}
   */
  columnTypes?: Readonly<Record<string, LogicalType>>;
}

/**
 * A SQL warehouse the dataset builder runs on. Implementations: embedded DuckDB and BigQuery.
 * Table names are validated identifiers (`[A-Za-z_][A-Za-z0-9_]*` segments separated by dots);
 * implementations quote them per dialect and refuse anything else before running SQL.
 */
export interface Warehouse {
  /** The SQL vocabulary the builder compiles to for this warehouse. */
  readonly dialect: SqlDialect;
  /** Runs a query and returns the whole result as one Arrow table. */
  query(sql: string, options?: QueryOptions): Promise<Table>;
  /** Runs a query and streams its result as Arrow record batches. */
  queryBatches(sql: string, options?: QueryOptions): AsyncIterable<RecordBatch>;
  /** Runs a statement that returns no rows (DDL, INSERT, CREATE TABLE AS). */
  execute(sql: string, options?: QueryOptions): Promise<void>;
  /** Creates a table from an Arrow table. */
  createTableFromArrow(name: string, table: Table, options?: CreateTableOptions): Promise<void>;
  /** Creates a table from a local CSV or Parquet file (format from the extension unless given). */
  createTableFromFile(name: string, path: string, options?: CreateTableFromFileOptions): Promise<void>;
  /** Schema, row count and content fingerprint of a table. */
  describeTable(name: string, options?: QueryOptions): Promise<TableDescription>;
  /** Whether a table exists. */
  tableExists(name: string): Promise<boolean>;
  /** Drops a table; missing tables are an error unless `ifExists`. */
  dropTable(name: string, options?: { ifExists?: boolean }): Promise<void>;
  /** Validates and quotes a table or column identifier for this dialect. */
  quoteIdentifier(name: string): string;
  /** Releases connections. Further calls fail. */
  close(): Promise<void>;
}
