import { formatValue, InvalidArgumentError } from '@leadscore/core';
import { assertInteger } from '@leadscore/core/internal';
import { assertIdentifier, quoteIdentifier } from './identifiers.js';
import type { Dialect, LogicalType, SqlDialect } from './types.js';

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

/** The dialect object of a built-in warehouse kind; a warehouse exposes its own as `warehouse.dialect`. */
export function getDialect(dialect: Dialect): SqlDialect {
  if (dialect === 'duckdb') return duckdbDialect;
  if (dialect === 'bigquery') return bigqueryDialect;
  throw new InvalidArgumentError(`dialect must be 'duckdb' or 'bigquery', found ${formatValue(dialect)}`, {
    details: { parameter: 'dialect', value: dialect },
  });
}
