import { formatValue, InvalidArgumentError } from '@leadscore/core';
import { assertInteger } from '@leadscore/core/internal';
import { assertIdentifier, quoteIdentifier } from './identifiers.js';
import type { Dialect } from './types.js';

/**
 * Logical column types of the data contract, mapped to warehouse types by {@link SqlDialect.typeName}
 * (`int32` is a 32-bit integer where the warehouse has one, e.g. the 0/1 label; BigQuery only has INT64).
 */
export type LogicalType = 'string' | 'date' | 'timestamp' | 'float' | 'int' | 'int32' | 'bool';

/**
 * The small per-warehouse SQL vocabulary the dataset builder's single SQL generator uses. Everything
 * dialect-specific lives here; the generator otherwise emits ANSI constructs valid in both DuckDB and
 * BigQuery (`CASE`, `COALESCE`, window functions, `UNION ALL`, `CAST`), which also lets a test server
 * run BigQuery-dialect SQL on DuckDB after a light textual rewrite.
 *
 * Every helper that takes a day or month count requires an integer and inlines it (never user text).
 */
export interface SqlDialect {
  readonly name: Dialect;
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

function assertDays(n: number, name: string): number {
  assertInteger(n, name, -1_000_000, 1_000_000);
  return n;
}

function literalChecks(value: string): void {
  if (typeof value !== 'string' || value.includes('\0')) {
    throw new InvalidArgumentError(`value must be a string without NUL, found ${formatValue(value)}`, {
      details: { value },
    });
  }
}

const DUCKDB_TYPES: Readonly<Record<LogicalType, string>> = {
  string: 'VARCHAR',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  float: 'DOUBLE',
  int: 'BIGINT',
  int32: 'INTEGER',
  bool: 'BOOLEAN',
};

const BIGQUERY_TYPES: Readonly<Record<LogicalType, string>> = {
  string: 'STRING',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  float: 'FLOAT64',
  int: 'INT64',
  int32: 'INT64',
  bool: 'BOOL',
};

/** DuckDB's dialect. */
export const duckdbDialect: SqlDialect = Object.freeze({
  name: 'duckdb' as const,
  quote: (identifier: string) => quoteIdentifier('duckdb', identifier),
  param: (name: string) => `$${assertIdentifier(name, 'param')}`,
  typeName: (type: LogicalType) => DUCKDB_TYPES[type],
  cast: (expr: string, type: LogicalType) => `CAST(${expr} AS ${DUCKDB_TYPES[type]})`,
  // DATE + INTEGER stays a DATE in DuckDB (DATE + INTERVAL would become a TIMESTAMP).
  dateAddDays: (d: string, days: number) => {
    const n = assertDays(days, 'days');
    return n === 0 ? d : n > 0 ? `(${d} + ${n})` : `(${d} - ${-n})`;
  },
  dateAddMonths: (d: string, months: number) =>
    `CAST(${d} + INTERVAL (${assertDays(months, 'months')}) MONTH AS DATE)`,
  timestampAddDays: (t: string, days: number) => `(${t} + INTERVAL (${assertDays(days, 'days')}) DAY)`,
  dateDiffDays: (to: string, from: string) => `date_diff('day', ${from}, ${to})`,
  quarterStart: (d: string) => `CAST(date_trunc('quarter', ${d}) AS DATE)`,
  createTableAs: (table: string, select: string, options: { replace?: boolean } = {}) =>
    `CREATE ${options.replace ? 'OR REPLACE ' : ''}TABLE ${quoteIdentifier('duckdb', table, 'table')} AS ${select}`,
  fingerprintQuery: (table: string, columns: readonly string[]) => {
    const cols = columns.map((c) => quoteIdentifier('duckdb', c, 'column')).join(', ');
    const hashExpr = columns.length === 0 ? '0' : `hash(${cols})`;
    // hash() is UBIGINT; the HUGEINT sum cannot overflow and, unlike XOR, duplicate rows do not cancel.
    return `SELECT count(*) AS row_count, CAST(coalesce(sum(${hashExpr}), 0) AS VARCHAR) AS content_hash FROM ${quoteIdentifier('duckdb', table, 'table')}`;
  },
  stringLiteral: (value: string) => {
    literalChecks(value);
    return `'${value.replaceAll("'", "''")}'`;
  },
});

/** BigQuery's (GoogleSQL) dialect. */
export const bigqueryDialect: SqlDialect = Object.freeze({
  name: 'bigquery' as const,
  quote: (identifier: string) => quoteIdentifier('bigquery', identifier),
  param: (name: string) => `@${assertIdentifier(name, 'param')}`,
  typeName: (type: LogicalType) => BIGQUERY_TYPES[type],
  cast: (expr: string, type: LogicalType) => `CAST(${expr} AS ${BIGQUERY_TYPES[type]})`,
  dateAddDays: (d: string, days: number) => {
    const n = assertDays(days, 'days');
    return n === 0 ? d : `DATE_ADD(${d}, INTERVAL ${n} DAY)`;
  },
  dateAddMonths: (d: string, months: number) =>
    `DATE_ADD(${d}, INTERVAL ${assertDays(months, 'months')} MONTH)`,
  timestampAddDays: (t: string, days: number) =>
    `TIMESTAMP_ADD(${t}, INTERVAL ${assertDays(days, 'days')} DAY)`,
  dateDiffDays: (to: string, from: string) => `DATE_DIFF(${to}, ${from}, DAY)`,
  quarterStart: (d: string) => `DATE_TRUNC(${d}, QUARTER)`,
  createTableAs: (table: string, select: string, options: { replace?: boolean } = {}) =>
    `CREATE ${options.replace ? 'OR REPLACE ' : ''}TABLE ${quoteIdentifier('bigquery', table, 'table')} AS ${select}`,
  fingerprintQuery: (table: string, columns: readonly string[]) => {
    const ref = quoteIdentifier('bigquery', table, 'table');
    const cols = columns.map((c) => quoteIdentifier('bigquery', c, 'column')).join(', ');
    // FARM_FINGERPRINT is INT64; summing it as NUMERIC avoids INT64 overflow (to ~1e10 rows) and keeps
    // duplicate rows from cancelling each other the way BIT_XOR would.
    const h = `FARM_FINGERPRINT(TO_JSON_STRING(STRUCT(${cols})))`;
    return `SELECT COUNT(*) AS row_count, CAST(COALESCE(SUM(CAST(${h} AS NUMERIC)), 0) AS STRING) AS content_hash FROM ${ref}`;
  },
  stringLiteral: (value: string) => {
    literalChecks(value);
    return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
  },
});

/** The dialect object of a warehouse kind. */
export function getDialect(dialect: Dialect): SqlDialect {
  if (dialect === 'duckdb') return duckdbDialect;
  if (dialect === 'bigquery') return bigqueryDialect;
  throw new InvalidArgumentError(`dialect must be 'duckdb' or 'bigquery', found ${formatValue(dialect)}`, {
    details: { parameter: 'dialect', value: dialect },
  });
}
