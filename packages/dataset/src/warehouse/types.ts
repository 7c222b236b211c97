import type { RecordBatch, Table } from 'apache-arrow';

/** SQL dialects the dataset builder compiles to. */
export type Dialect = 'duckdb' | 'bigquery';

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

/** Options of table creation. */
export interface CreateTableOptions {
  /** Replace an existing table of that name; otherwise an existing table is an error. @default false */
  replace?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: WarehouseProgress) => void;
}

/**
 * A SQL warehouse the dataset builder runs on. Implementations: embedded DuckDB and BigQuery.
 * Table names are validated identifiers (`[A-Za-z_][A-Za-z0-9_]*` segments separated by dots);
 * implementations quote them per dialect and refuse anything else before running SQL.
 */
export interface Warehouse {
  readonly dialect: Dialect;
  /** Runs a query and returns the whole result as one Arrow table. */
  query(sql: string, options?: QueryOptions): Promise<Table>;
  /** Runs a query and streams its result as Arrow record batches. */
  queryBatches(sql: string, options?: QueryOptions): AsyncIterable<RecordBatch>;
  /** Runs a statement that returns no rows (DDL, INSERT, CREATE TABLE AS). */
  execute(sql: string, options?: QueryOptions): Promise<void>;
  /** Creates a table from an Arrow table. */
  createTableFromArrow(name: string, table: Table, options?: CreateTableOptions): Promise<void>;
  /** Creates a table from a local CSV or Parquet file (format from the extension unless given). */
  createTableFromFile(
    name: string,
    path: string,
    options?: CreateTableOptions & { format?: 'csv' | 'parquet' },
  ): Promise<void>;
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
