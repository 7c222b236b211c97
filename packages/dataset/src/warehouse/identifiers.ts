import { formatValue, InvalidArgumentError } from '@leadscore/core';
import type { Dialect } from './types.js';

/** One identifier segment: a letter or underscore, then letters, digits or underscores. */
export const IDENTIFIER_SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A BigQuery project id (6-30 characters: lowercase letters, digits and hyphens, starting with a letter).
 * Accepted only as the first of three segments of a BigQuery table path; hyphens cannot break out of
 * backtick quoting.
 */
export const BIGQUERY_PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/** Longest identifier segment accepted (BigQuery's column-name limit). */
export const MAX_IDENTIFIER_LENGTH = 300;

/** Options of {@link parseIdentifier}. */
export interface ParseIdentifierOptions {
  /** Parameter name used in error messages. @default 'identifier' */
  name?: string;
  /** Most dot-separated segments allowed (3 = project.dataset.table). @default 3 */
  maxSegments?: number;
  /**
   * With 'bigquery', the first of three segments may also be a project id with hyphens
   * ({@link BIGQUERY_PROJECT_ID}), as most real project ids are.
   * @default undefined (every segment must match IDENTIFIER_SEGMENT)
   */
  dialect?: Dialect;
}

/**
 * Splits a dotted identifier into validated segments, or throws an {@link InvalidArgumentError}
 * naming the parameter and quoting the value. Nothing reaches SQL before this passes.
 * @example parseIdentifier('analytics.leads') // ['analytics', 'leads']
 */
export function parseIdentifier(value: unknown, options: ParseIdentifierOptions = {}): string[] {
  const name = options.name ?? 'identifier';
  const maxSegments = options.maxSegments ?? 3;
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidArgumentError(`${name} must be a non-empty string, found ${formatValue(value)}`, {
      details: { parameter: name, value },
    });
  }
  const segments = value.split('.');
  if (segments.length > maxSegments) {
    throw new InvalidArgumentError(
      `${name} must have at most ${maxSegments} dot-separated segments, found ${formatValue(value)}`,
      { details: { parameter: name, value } },
    );
  }
  const projectAllowed = options.dialect === 'bigquery' && segments.length === 3;
  for (const [i, segment] of segments.entries()) {
    if (i === 0 && projectAllowed && BIGQUERY_PROJECT_ID.test(segment)) continue;
    if (!IDENTIFIER_SEGMENT.test(segment) || segment.length > MAX_IDENTIFIER_LENGTH) {
      throw new InvalidArgumentError(
        `${name} must be dot-separated identifiers matching ${IDENTIFIER_SEGMENT}, found ${formatValue(value)}`,
        { details: { parameter: name, value, segment } },
      );
    }
  }
  return segments;
}

/** Validates a single (undotted) identifier such as a column name; returns it unchanged. */
export function assertIdentifier(value: unknown, name = 'identifier'): string {
  return parseIdentifier(value, { name, maxSegments: 1 })[0] as string;
}

/**
 * Validates and quotes a table or column identifier for a dialect: DuckDB `"a"."b"`, BigQuery
 * `` `project.dataset.table` `` (BigQuery accepts the whole path in one pair of backticks; the project may
 * contain hyphens).
 * @example quoteIdentifier('bigquery', 'proj.ds.leads') // '`proj.ds.leads`'
 */
export function quoteIdentifier(dialect: Dialect, value: unknown, name = 'identifier'): string {
  const segments = parseIdentifier(value, { name, maxSegments: 3, dialect });
  // Validation guarantees no quote characters, so wrapping cannot be escaped from.
  if (dialect === 'bigquery') return `\`${segments.join('.')}\``;
  return segments.map((s) => `"${s}"`).join('.');
}
