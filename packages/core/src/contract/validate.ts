import type { z } from 'zod';
import { DataError, formatValue } from '../errors/index.js';
import { formatPath, type Issue, issuesFromZod, type SafeResult } from '../issues/issues.js';

/** Result of {@link validateRows}: parsed rows and the first problems found. */
export interface ValidateRowsResult<T> {
  /** Rows that passed, parsed (date strings turned into Dates). */
  readonly rows: T[];
  /** One entry per failing row, up to `maxIssues`. */
  readonly issues: { index: number; path: string; message: string; value: unknown }[];
  /** Number of failing rows (may exceed `issues.length`). */
  readonly invalidCount: number;
}

/**
 * Validates plain row objects against a contract schema, collecting problems instead of throwing.
 * @example validateRows(leadSchema, rows).invalidCount === 0
 */
export function validateRows<S extends z.ZodType>(
  schema: S,
  rows: readonly unknown[],
  options: { maxIssues?: number } = {},
): ValidateRowsResult<z.infer<S>> {
  const maxIssues = options.maxIssues ?? 20;
  const out: z.infer<S>[] = [];
  const issues: ValidateRowsResult<z.infer<S>>['issues'] = [];
  let invalidCount = 0;
  rows.forEach((row, index) => {
    const r = schema.safeParse(row);
    if (r.success) {
      out.push(r.data);
      return;
    }
    invalidCount++;
    if (issues.length < maxIssues) {
      const first = r.error.issues[0];
      const path = first?.path.join('.') ?? '';
      const value =
        path && row && typeof row === 'object'
          ? (row as Record<string, unknown>)[String(first?.path[0])]
          : row;
      issues.push({ index, path, message: first?.message ?? 'invalid', value });
    }
  });
  return { rows: out, issues, invalidCount };
}

/** Options of {@link safeParseRows}. */
export interface SafeParseRowsOptions {
  /** Stop collecting issues after this many (rows are still all checked and counted). @default 20 */
  maxIssues?: number;
}

/** Result of {@link safeParseRows}: the Zod-style result plus how many rows failed. */
export type SafeParseRowsResult<T> = SafeResult<T[]> & {
  /** Number of failing rows (may exceed the rows named in `issues`). */
  readonly invalidCount: number;
};

function rowIssues(error: z.ZodError, row: unknown, index: number, table: string): Issue[] {
  return issuesFromZod(error, row, '').map((i) => {
    // A contract column absent from the row is a missing column, not a type error.
    const column = i.path[0];
    const missing =
      i.code === 'invalid_type' &&
      i.path.length === 1 &&
      typeof column === 'string' &&
      row !== null &&
      typeof row === 'object' &&
      !Object.hasOwn(row, column);
    const path = [index, ...i.path];
    const where = formatPath(path, table);
    let message = `${where}${i.message.slice(formatPath(i.path).length)}`;
    if (missing) message = `${where} is missing: the contract requires the column, found no such key`;
    else if (i.code === 'unrecognized_key')
      message = `${where} is not a contract column, found ${formatValue(i.value)}`;
    return Object.freeze({
      code: missing ? 'missing_column' : i.code,
      path: Object.freeze(path),
      value: i.value,
      message,
    });
  });
}

/**
 * Validates plain row objects against a contract schema, Zod-style: `{ success: true, data }` with the
 * parsed rows, or `{ success: false, issues }` with one typed issue per problem (`missing_column`,
 * `unrecognized_key`, `invalid_type`, `invalid_value`, `too_small`, `missing_conversion_date`, ...) whose
 * path is `[rowIndex, column]` and whose message names `table[row].column` and quotes the value.
 * @example const r = safeParseRows(leadSchema, rows, 'leads'); if (!r.success) console.log(r.issues[0]?.code);
 */
export function safeParseRows<S extends z.ZodType>(
  schema: S,
  rows: readonly unknown[],
  table: string,
  options: SafeParseRowsOptions = {},
): SafeParseRowsResult<z.infer<S>> {
  const maxIssues = options.maxIssues ?? 20;
  const out: z.infer<S>[] = [];
  const issues: Issue[] = [];
  let invalidCount = 0;
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index];
    const r = schema.safeParse(row);
    if (r.success) {
      out.push(r.data);
      continue;
    }
    invalidCount++;
    for (const i of rowIssues(r.error, row, index, table)) {
      if (issues.length < maxIssues) issues.push(i);
    }
  }
  if (invalidCount === 0) return { success: true, data: out, issues: [], invalidCount };
  return { success: false, issues, invalidCount };
}

/**
 * Like {@link safeParseRows} but returns the parsed rows or throws a {@link DataError} whose message
 * describes the first bad row and whose `issues` list the problems found (up to 20).
 * @example const leads = parseRows(leadSchema, rows, 'leads');
 */
export function parseRows<S extends z.ZodType>(
  schema: S,
  rows: readonly unknown[],
  table: string,
): z.infer<S>[] {
  const r = safeParseRows(schema, rows, table);
  if (r.success) return r.data;
  const first = r.issues[0]!;
  throw new DataError(`${first.message} (${r.invalidCount} invalid rows)`, {
    issues: r.issues,
    details: {
      table,
      row: first.path[0],
      column: first.path.slice(1).join('.'),
      value: first.value,
      invalidCount: r.invalidCount,
    },
  });
}
