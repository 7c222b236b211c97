import { AssertionError } from 'node:assert';
import { formatValue, InvalidArgumentError } from '@leadscore/core/errors';
import { parseWith } from '@leadscore/core/issues';
import { FLOAT32_MAX, normalizeInput } from '../compute/columns.js';
import type { AnyFeature } from '../define/feature.js';
import { historyTypeOf, inputTypeOf } from '../define/input-types.js';
import { historyOptionsSchema } from './options-schema.js';

/** Input row of a test case: declared inputs by name; absent inputs are missing. */
export type TestRow = Readonly<Record<string, unknown>>;

/**
 * History of a test case: per declared series, values OLDEST FIRST aligned to the newest quarter
 * (shorter arrays are padded with missing older quarters); null or NaN for a missing quarter.
 */
export type TestHistory = Readonly<Record<string, readonly (number | string | null)[]>>;

/** A feature's value as the test helpers report it: number (NaN = missing), string, boolean, or null. */
export type FeatureValue = number | string | boolean | null;

/** Options of {@link evaluateFeature}. */
export interface EvaluateFeatureOptions {
  /** Length of the history arrays given to the feature. @default 8 */
  historyQuarters?: number;
}

/**
 * Computes one feature on one hand-written row, like the batch path would, with a guard: reading an
 * input the feature did not declare throws an AssertionError. Numeric results are returned unrounded
 * (the matrix stores them as Float32); missing numbers are NaN, missing flags and categories null.
 * @example evaluateFeature(aumPerClient, { aum: 1e6, num_clients: 4 }) // 250000
 */
export function evaluateFeature(
  feature: AnyFeature,
  row: TestRow = {},
  history: TestHistory = {},
  options: EvaluateFeatureOptions = {},
): FeatureValue {
  const quarters = parseWith(historyOptionsSchema, options, 'options').historyQuarters;
  for (const key of Object.keys(row)) {
    if (!feature.inputs.includes(key)) {
      throw new InvalidArgumentError(
        `row.${key} is not an input of feature ${formatValue(feature.name)} (inputs: ${feature.inputs.join(', ') || 'none'})`,
        { details: { parameter: `row.${key}`, feature: feature.name } },
      );
    }
  }
  for (const key of Object.keys(history)) {
    if (!feature.history.includes(key)) {
      throw new InvalidArgumentError(
        `history.${key} is not a history series of feature ${formatValue(feature.name)} (history: ${feature.history.join(', ') || 'none'})`,
        { details: { parameter: `history.${key}`, feature: feature.name } },
      );
    }
  }
  const values: Record<string, unknown> = Object.create(null);
  for (const input of feature.inputs) {
    values[input] = normalizeInput(row[input], inputTypeOf(input, feature.inputTypes), `row.${input}`);
  }
  const series: Record<string, Float64Array> = Object.create(null);
  for (const name of feature.history) {
    series[name] = historyArray(history[name] ?? [], name, historyTypeOf(name, feature.inputTypes), quarters);
  }
  const out = feature.compute(
    guardedView(feature, values, 'input', feature.inputs) as never,
    guardedView(feature, series, 'history series', feature.history) as never,
  );
  return normalizeOutput(feature, out);
}

function historyArray(
  given: readonly (number | string | null)[],
  name: string,
  type: string,
  quarters: number,
): Float64Array {
  if (!Array.isArray(given) || given.length > quarters) {
    throw new InvalidArgumentError(
      `history.${name} must be an array of at most ${quarters} quarters (oldest first), found ${formatValue(given)}`,
      { details: { parameter: `history.${name}` } },
    );
  }
  const out = new Float64Array(quarters).fill(Number.NaN);
  const codes = new Map<string, number>();
  const pad = quarters - given.length;
  given.forEach((v, t) => {
    const at = `history.${name}[${t}]`;
    if (type === 'string') {
      const s = normalizeInput(v, 'string', at) as string | null;
      if (s !== null) {
        if (!codes.has(s)) codes.set(s, codes.size);
        out[pad + t] = codes.get(s)!;
      }
    } else out[pad + t] = normalizeInput(v, 'number', at) as number;
  });
  return out;
}

/** A read-only view whose reads of undeclared names fail the test. */
function guardedView(
  feature: AnyFeature,
  values: Record<string, unknown>,
  what: string,
  declared: readonly string[],
): object {
  return new Proxy(Object.freeze(values), {
    get(target, key) {
      if (typeof key === 'string' && !declared.includes(key)) {
        throw new AssertionError({
          message: `feature ${formatValue(feature.name)} read undeclared ${what} ${formatValue(key)}; declared: ${declared.join(', ') || 'none'}`,
        });
      }
      return Reflect.get(target, key);
    },
    has(target, key) {
      if (typeof key === 'string' && !declared.includes(key)) {
        throw new AssertionError({
          message: `feature ${formatValue(feature.name)} probed undeclared ${what} ${formatValue(key)}; declared: ${declared.join(', ') || 'none'}`,
        });
      }
      return Reflect.has(target, key);
    },
    set(_target, key) {
      throw new AssertionError({
        message: `feature ${formatValue(feature.name)} wrote ${what} ${formatValue(String(key))}; features must not modify their inputs`,
      });
    },
  });
}

function normalizeOutput(feature: AnyFeature, out: unknown): FeatureValue {
  const bad = (expected: string): never => {
    throw new AssertionError({
      message: `feature ${formatValue(feature.name)} returned ${formatValue(out)}; ${feature.kind} features return ${expected}`,
    });
  };
  if (feature.kind === 'numeric') {
    if (out === null) return Number.NaN;
    if (typeof out !== 'number' || Math.abs(out) > FLOAT32_MAX) bad('a finite Float32 number, NaN or null');
    return out as number;
  }
  if (feature.kind === 'boolean') {
    if (out !== null && typeof out !== 'boolean') bad('true, false or null');
    return out as boolean | null;
  }
  if (out !== null && typeof out !== 'string') bad('a string or null');
  return out === '__missing__' ? null : (out as string | null);
}

/** Exact equality of two results, NaN equal to NaN. */
export function featureValuesEqualForDeterminism(a: FeatureValue, b: FeatureValue): boolean {
  return (
    Object.is(a, b) || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b))
  );
}
