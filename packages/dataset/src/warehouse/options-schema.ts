/**
 * The warehouses' options as strict zod schemas: one list of keys per options object, unknown keys
 * refused, every problem reported as a typed issue (`too_small`, `invalid_format`, `unrecognized_key`).
 * @module
 */
import { z } from 'zod';
import { BIGQUERY_PROJECT_ID, IDENTIFIER_SEGMENT } from './identifiers.js';
import { LOGICAL_TYPES } from './types.js';

const int = (min: number, max: number) => {
  const text = `must be an integer in [${min}, ${max}]`;
  return z.number(text).int(text).min(min, text).max(max, text);
};
const nonNegative = z.number('must be a finite number >= 0').min(0, 'must be a finite number >= 0');
const fn = <T extends (...args: never[]) => unknown>() =>
  z.custom<T>((v) => typeof v === 'function', 'must be a function');
const signal = z.custom<AbortSignal>((v) => v instanceof AbortSignal, 'must be an AbortSignal');

/** Options of `openDuckDbWarehouse`. */
export const duckDbWarehouseOptionsSchema = z
  .object({
    path: z.string("must be a file path or ':memory:'").min(1, "must be a file path or ':memory:'"),
    threads: int(1, 1024).optional(),
    memoryLimit: z
      .string("must be a size like '2GB'")
      .regex(/^\d+(\.\d+)?\s*[KMGT]i?B$/i, "must be a size like '2GB'")
      .optional(),
    batchRows: int(1, 1 << 26).optional(),
  })
  .strict();

const identifier = z
  .string(`must be an identifier matching ${IDENTIFIER_SEGMENT}`)
  .regex(IDENTIFIER_SEGMENT, `must be an identifier matching ${IDENTIFIER_SEGMENT}`)
  .max(300, 'must be at most 300 characters');

/** Options of `openBigQueryWarehouse`. */
export const bigQueryWarehouseOptionsSchema = z
  .object({
    projectId: z
      .string('must be a Google Cloud project id')
      .regex(
        BIGQUERY_PROJECT_ID,
        'must be a Google Cloud project id (6-30 lowercase letters, digits or hyphens, starting with a letter)',
      ),
    dataset: identifier,
    location: z.string('must be a string').min(1, 'must be a non-empty string').optional(),
    apiEndpoint: z.string('must be a string').min(1, 'must be a non-empty URL').optional(),
    credentials: z
      .object({ client_email: z.string('must be a string'), private_key: z.string('must be a string') })
      .loose()
      .optional(),
    keyFilename: z.string('must be a string').min(1, 'must be a non-empty path').optional(),
    authClient: z
      .custom<object>((v) => typeof v === 'object' && v !== null, 'must be an auth client object')
      .optional(),
    anonymous: z.boolean('must be a boolean').optional(),
    maxRetries: int(0, 100).optional(),
    retryBaseDelayMs: nonNegative.optional(),
    retryMaxDelayMs: nonNegative.optional(),
    retrySeed: z.number('must be an integer').int('must be an integer').optional(),
    sleep: fn().optional(),
    dryRun: z.boolean('must be a boolean').optional(),
    dryRunBytesWarning: nonNegative.optional(),
    maximumBytesBilled: z
      .number('must be a positive integer')
      .int('must be a positive integer')
      .min(1, 'must be a positive integer')
      .optional(),
    labels: z.record(z.string(), z.string('must be a string')).optional(),
    pageSize: int(1, 1_000_000).optional(),
    logger: z
      .custom<{ warn(message: string): void }>(
        (v) => typeof v === 'object' && v !== null && typeof (v as { warn?: unknown }).warn === 'function',
        'must be an object with a warn(message) method',
      )
      .optional(),
    createJobId: fn().optional(),
  })
  .strict();

/** Options of `createTableFromFile` (both warehouses). */
export const createTableFromFileOptionsSchema = z
  .object({
    replace: z.boolean('must be a boolean').optional(),
    signal: signal.optional(),
    onProgress: fn().optional(),
    format: z.enum(['csv', 'parquet'], "must be 'csv' or 'parquet'").optional(),
    columnTypes: z
      .record(
        z.string().regex(IDENTIFIER_SEGMENT, `must be a column name matching ${IDENTIFIER_SEGMENT}`),
        z.enum(LOGICAL_TYPES, `must be one of ${LOGICAL_TYPES.join(', ')}`),
      )
      .optional(),
  })
  .strict();

const record = z.custom<Record<string, unknown>>(
  (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  'must be an object',
);

/**
 * Keys of `QueryOptions` (every warehouse's `query`, `queryBatches`, `execute`, `describeTable`).
 * `params` and `labels` are records here; their names and values are checked where they are encoded.
 */
export const queryOptionsSchema = z
  .object({
    params: record.optional(),
    signal: signal.optional(),
    onProgress: fn().optional(),
    labels: record.optional(),
  })
  .strict();

/** Keys of `BigQueryQueryOptions`: the query options plus `paramTypes` and `dryRun`. */
export const bigQueryQueryOptionsSchema = queryOptionsSchema
  .extend({
    paramTypes: record.optional(),
    dryRun: z.boolean('must be a boolean').optional(),
  })
  .strict();

/** Keys of `CreateTableOptions` (`createTableFromArrow`). */
export const createTableOptionsSchema = z
  .object({
    replace: z.boolean('must be a boolean').optional(),
    signal: signal.optional(),
    onProgress: fn().optional(),
  })
  .strict();

/** Keys of `dropTable`'s options. */
export const dropTableOptionsSchema = z
  .object({ ifExists: z.boolean('must be a boolean').optional() })
  .strict();
