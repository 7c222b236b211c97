/**
 * Encoding of named query parameters for BigQuery's REST `queryParameters`.
 * @module
 */
import { formatValue, InvalidArgumentError } from '@leadscore/core';
import { IDENTIFIER_SEGMENT } from './identifiers.js';
import type { SqlValue } from './types.js';

/** An ISO-8601 date-time with an explicit zone. */
const ISO_ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Scalar BigQuery parameter types the warehouse sends. */
export type BigQueryParamType = 'STRING' | 'INT64' | 'FLOAT64' | 'BOOL' | 'DATE' | 'TIMESTAMP';

/** One entry of `configuration.query.queryParameters`. */
export interface BigQueryQueryParameter {
  name: string;
  parameterType: { type: BigQueryParamType };
  parameterValue: { value?: string };
}

const PARAM_TYPES: ReadonlySet<string> = new Set(['STRING', 'INT64', 'FLOAT64', 'BOOL', 'DATE', 'TIMESTAMP']);

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function inferType(value: SqlValue): BigQueryParamType | undefined {
  switch (typeof value) {
    case 'string':
      return 'STRING';
    case 'boolean':
      return 'BOOL';
    case 'bigint':
      return 'INT64';
    case 'number':
      return Number.isSafeInteger(value) ? 'INT64' : 'FLOAT64';
    default:
      return value instanceof Date ? 'TIMESTAMP' : undefined;
  }
}

function formatTimestamp(d: Date): string {
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}+00:00`
  );
}

function encodeValue(name: string, value: Exclude<SqlValue, null>, type: BigQueryParamType): string {
  const bad = (requirement: string): never => {
    throw new InvalidArgumentError(`params.${name} must be ${requirement}, found ${formatValue(value)}`, {
      details: { parameter: `params.${name}`, value },
    });
  };
  switch (type) {
    case 'STRING':
      return typeof value === 'string' ? value : bad('a string for type STRING');
    case 'BOOL':
      return typeof value === 'boolean' ? String(value) : bad('a boolean for type BOOL');
    case 'INT64':
      if (typeof value === 'bigint') {
        return BigInt.asIntN(64, value) === value ? String(value) : bad('within the INT64 range');
      }
      return typeof value === 'number' && Number.isSafeInteger(value)
        ? String(value)
        : bad('a safe integer or bigint for type INT64');
    case 'FLOAT64':
      return typeof value === 'number' ? String(value) : bad('a number for type FLOAT64');
    case 'DATE': {
      if (typeof value === 'string') {
        return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))
          ? value
          : bad("a 'YYYY-MM-DD' string or a Date for type DATE");
      }
      if (value instanceof Date && !Number.isNaN(value.getTime())) {
        return `${pad(value.getUTCFullYear(), 4)}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
      }
      return bad("a 'YYYY-MM-DD' string or a valid Date for type DATE");
    }
    case 'TIMESTAMP': {
      // Strings must carry their zone (Z or +hh:mm): without one, Date parsing would use the host's zone.
      const zoned = typeof value === 'string' && ISO_ZONED.test(value);
      const d = zoned ? new Date(value as string) : value;
      return d instanceof Date && !Number.isNaN(d.getTime())
        ? formatTimestamp(d)
        : bad('a valid Date or an ISO-8601 string with a zone (Z or +hh:mm) for type TIMESTAMP');
    }
  }
}

/**
 * Encodes named parameters. Types are inferred (string->STRING, boolean->BOOL, safe integer or bigint
 * ->INT64, other number->FLOAT64, Date->TIMESTAMP) unless `types` names one; a null needs an explicit
 * type because BigQuery cannot type an untyped NULL.
 */
export function encodeQueryParameters(
  params: Readonly<Record<string, SqlValue>>,
  types: Readonly<Record<string, BigQueryParamType>> = {},
): BigQueryQueryParameter[] {
  for (const name of Object.keys(types)) {
    if (!(name in params)) {
      throw new InvalidArgumentError(`paramTypes.${name} names no parameter in params`, {
        details: { parameter: `paramTypes.${name}` },
      });
    }
  }
  return Object.entries(params).map(([name, value]) => {
    if (!IDENTIFIER_SEGMENT.test(name)) {
      throw new InvalidArgumentError(
        `params must be keyed by names matching ${IDENTIFIER_SEGMENT}, found ${formatValue(name)}`,
        { details: { parameter: 'params', value: name } },
      );
    }
    const declared = types[name];
    if (declared !== undefined && !PARAM_TYPES.has(declared)) {
      throw new InvalidArgumentError(
        `paramTypes.${name} must be one of ${[...PARAM_TYPES].join(', ')}, found ${formatValue(declared)}`,
        { details: { parameter: `paramTypes.${name}`, value: declared } },
      );
    }
    const type = declared ?? inferType(value);
    if (type === undefined) {
      throw new InvalidArgumentError(
        value === null
          ? `params.${name} is null; give its type in paramTypes (BigQuery cannot type an untyped NULL)`
          : `params.${name} must be a string, number, bigint, boolean, Date or null, found ${formatValue(value)}`,
        { details: { parameter: `params.${name}`, value } },
      );
    }
    return {
      name,
      parameterType: { type },
      parameterValue: value === null ? {} : { value: encodeValue(name, value, type) },
    };
  });
}
