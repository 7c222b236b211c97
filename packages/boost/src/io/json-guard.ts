/**
 * Reading untrusted JSON model files: parsing that refuses prototype-bearing keys, and small typed
 * accessors whose errors name the full path of the offending field.
 * @module
 */
import { formatValue, ModelFormatError } from '@leadscore/core/errors';

/** A JSON object as parsed (own keys only, never merged into other objects). */
export type JsonObject = { readonly [key: string]: unknown };

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** Throws a ModelFormatError `"<path> must be <requirement>, found <value>"`. */
export function invalid(path: string, requirement: string, value: unknown): never {
  const found = value === undefined ? 'nothing (missing)' : formatValue(value);
  throw new ModelFormatError(`${path} must be ${requirement}, found ${found}`, { details: { path, value } });
}

/**
 * `JSON.parse` that refuses `__proto__`, `constructor` and `prototype` keys anywhere (so no later copy
 * can pollute a prototype) and wraps syntax errors.
 */
export function parseJsonStrict(text: unknown, what: string): unknown {
  if (typeof text !== 'string') invalid(what, 'a string', typeof text);
  let badKey: string | undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, (key, value: unknown) => {
      if (FORBIDDEN.has(key)) badKey ??= key;
      return value;
    });
  } catch (cause) {
    throw new ModelFormatError(`${what} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  if (badKey !== undefined) {
    throw new ModelFormatError(
      `${what} must not contain the key ${JSON.stringify(badKey)} (refused as unsafe)`,
      {
        details: { key: badKey },
      },
    );
  }
  return parsed;
}

/** The value as a JSON object (not null, not an array). */
export function object(value: unknown, path: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid(path, 'an object', value);
  return value as JsonObject;
}

/** An own property of a JSON object (never an inherited one). */
export function field(obj: JsonObject, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** The value as a string. */
export function string(value: unknown, path: string): string {
  if (typeof value !== 'string') invalid(path, 'a string', value);
  return value;
}

/** A string holding a decimal integer in `[min, max]` (XGBoost stores parameters as strings). */
export function intString(value: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'string' || !/^-?\d+$/.test(value))
    invalid(path, 'a string holding an integer', value);
  const n = Number(value);
  if (n < min || n > max) invalid(path, `an integer string in [${min}, ${max}]`, value);
  return n;
}

/** A string holding a finite decimal number. */
export function numberString(value: unknown, path: string): number {
  if (typeof value !== 'string' || !/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(value)) {
    invalid(path, 'a string holding a number', value);
  }
  return Number(value);
}

function items(n: number): string {
  return n === 1 ? '1 item' : `${n} items`;
}

/** The value as an array of `length` elements (when given; `lengthSource` says where it comes from). */
export function array(
  value: unknown,
  path: string,
  length?: number,
  lengthSource?: string,
): readonly unknown[] {
  if (!Array.isArray(value)) {
    invalid(path, length === undefined ? 'an array' : `an array of ${items(length)}`, value);
  }
  if (length !== undefined && value.length !== length) {
    const source = lengthSource === undefined ? '' : ` (${lengthSource})`;
    throw new ModelFormatError(`${path} must have ${items(length)}${source}, found ${value.length}`, {
      details: { path, length: value.length },
    });
  }
  return value;
}

/** An array of integers in `[min, max]`, copied into an Int32Array. */
export function intArray(
  value: unknown,
  path: string,
  length: number,
  min: number,
  max: number,
  lengthSource?: string,
): Int32Array {
  const list = array(value, path, length, lengthSource);
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) {
    const v = list[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      invalid(`${path}[${i}]`, `an integer in [${min}, ${max}]`, v);
    }
    out[i] = v;
  }
  return out;
}

/** An array of numbers that stay finite in float32, rounded to float32. */
export function float32Array(
  value: unknown,
  path: string,
  length: number,
  lengthSource?: string,
): Float32Array {
  const list = array(value, path, length, lengthSource);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const v = list[i];
    if (typeof v !== 'number' || !Number.isFinite(Math.fround(v))) {
      invalid(`${path}[${i}]`, 'a number within float32 range', v);
    }
    out[i] = v;
  }
  return out;
}
