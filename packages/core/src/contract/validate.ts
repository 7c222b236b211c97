import type { z } from 'zod';
import { DataError, formatValue } from '../errors/index.js';

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

/** Like {@link validateRows} but throws a {@link DataError} describing the first bad row. */
export function parseRows<S extends z.ZodType>(
  schema: S,
  rows: readonly unknown[],
  table: string,
): z.infer<S>[] {
  const r = validateRows(schema, rows, { maxIssues: 1 });
  const first = r.issues[0];
  if (first) {
    throw new DataError(
      `${table}[${first.index}].${first.path}: ${first.message}, found ${formatValue(first.value)} (${r.invalidCount} invalid rows)`,
      {
        details: {
          table,
          row: first.index,
          column: first.path,
          value: first.value,
          invalidCount: r.invalidCount,
        },
      },
    );
  }
  return r.rows;
}
