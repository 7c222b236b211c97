import { createHash } from 'node:crypto';
import { formatValue, InvalidArgumentError } from '../errors/index.js';

/** Hex SHA-256 of a string (UTF-8) or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Canonical JSON: object keys sorted recursively, no whitespace, `undefined` members dropped. Equal
 * values give equal text, so its hash identifies a spec or a metadata body.
 * @example canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }) // '{"a":[2,{"c":4,"d":3}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value, 'value'));
}

function sortKeys(value: unknown, path: string): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new InvalidArgumentError(
        `${path} must be a finite number for canonical JSON, found ${formatValue(value)}`,
        {
          details: { parameter: path, value },
        },
      );
    }
    if (typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol') {
      throw new InvalidArgumentError(
        `${path} must be a plain object, array, string, number, boolean, null or Date for canonical JSON, found a ${typeof value}`,
        { details: { parameter: path } },
      );
    }
    return value;
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v, i) => sortKeys(v, `${path}[${i}]`));
  // Maps, Sets, class instances and typed arrays would all print as {} (or lose their type) and collide.
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new InvalidArgumentError(
      `${path} must be a plain object, array, string, number, boolean, null or Date for canonical JSON, found ${Object.prototype.toString.call(value)}`,
      { details: { parameter: path } },
    );
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v, `${path}.${key}`);
  }
  return out;
}

/** SHA-256 of {@link canonicalJson}. */
export function hashJson(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
