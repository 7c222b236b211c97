import { AssertionError } from 'node:assert';
import { formatValue } from '@leadscore/core/errors';
import { assertArg } from '@leadscore/core/internal';
import { parseWith } from '@leadscore/core/issues';
import type { AnyFeature } from '../define/feature.js';
import {
  type EvaluateFeatureOptions,
  evaluateFeature,
  type FeatureValue,
  type TestHistory,
  type TestRow,
} from './evaluate.js';
import { featureAssertionOptionsSchema } from './options-schema.js';

/** Options of the feature assertions. */
export interface FeatureAssertionOptions extends EvaluateFeatureOptions {
  /** Numbers match when `|actual - expected| <= tolerance * max(1, |expected|)`. @default 1e-9 */
  tolerance?: number;
}

/** Whether `actual` matches `expected` (NaN matches NaN and null for numbers; "__missing__" matches null). */
export function featureValuesEqual(actual: FeatureValue, expected: FeatureValue, tolerance = 1e-9): boolean {
  const missing = (v: FeatureValue) =>
    v === null || v === '__missing__' || (typeof v === 'number' && Number.isNaN(v));
  if (missing(actual) || missing(expected)) return missing(actual) && missing(expected);
  if (typeof actual === 'number' && typeof expected === 'number') {
    return Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected));
  }
  return actual === expected;
}

const show = (v: FeatureValue) => (v === null ? 'missing (null)' : formatValue(v));

/** The chain returned by {@link expectFeature}. */
export interface FeatureExpectation {
  /** Sets the row (declared inputs; absent ones are missing) and the history (oldest first). */
  given(row: TestRow, history?: TestHistory): FeatureAssertion;
}

/** Assertions on one evaluated row. */
export interface FeatureAssertion {
  /** The computed value (numbers unrounded; NaN or null when missing). */
  readonly value: FeatureValue;
  /** Asserts the value, NaN equal to NaN, numbers within the tolerance. */
  toEqual(expected: FeatureValue, options?: FeatureAssertionOptions): void;
  /** Asserts the value is missing (NaN or null). */
  toBeMissing(): void;
}

/**
 * Fluent assertions on a feature that work in any test runner (they throw `AssertionError`). Reading an
 * undeclared input fails too.
 * @example expectFeature(aumPerClient).given({ aum: 1e6, num_clients: 0 }).toBeMissing();
 */
export function expectFeature(feature: AnyFeature, options: EvaluateFeatureOptions = {}): FeatureExpectation {
  return {
    given(row, history = {}) {
      const value = evaluateFeature(feature, row, history, options);
      const describe = () =>
        `feature ${formatValue(feature.name)} given ${formatValue(row)}${Object.keys(history).length > 0 ? ` and history ${formatValue(history)}` : ''}`;
      return {
        value,
        toEqual(expected, assertionOptions = {}) {
          const { tolerance } = parseWith(featureAssertionOptionsSchema, assertionOptions, 'options');
          if (!featureValuesEqual(value, expected, tolerance)) {
            throw new AssertionError({
              message: `${describe()}: expected ${show(expected)}, got ${show(value)}`,
              actual: value,
              expected,
              operator: 'featureEqual',
            });
          }
        },
        toBeMissing() {
          if (!featureValuesEqual(value, null)) {
            throw new AssertionError({
              message: `${describe()}: expected missing, got ${show(value)}`,
              actual: value,
              expected: null,
              operator: 'featureMissing',
            });
          }
        },
      };
    },
  };
}

/** One case of {@link testFeature}. */
export interface FeatureTestCase {
  /** Shown in failure messages. @default `case {index}` */
  name?: string;
  /** @default {} */
  row?: TestRow;
  /** @default {} */
  history?: TestHistory;
  /** Expected value; NaN or null for missing. */
  expected: FeatureValue;
  /** @default 1e-9 */
  tolerance?: number;
}

/**
 * Runs hand-computed cases against a feature and throws one AssertionError listing every failing case.
 * @example testFeature(aumPerClient, [{ row: { aum: 100, num_clients: 4 }, expected: 25 }]);
 */
export function testFeature(
  feature: AnyFeature,
  cases: readonly FeatureTestCase[],
  options: EvaluateFeatureOptions = {},
): void {
  assertArg(Array.isArray(cases) && cases.length > 0, 'cases', 'a non-empty array', cases);
  const failures: string[] = [];
  cases.forEach((c, i) => {
    const label = c.name ?? `case ${i}`;
    try {
      expectFeature(feature, options)
        .given(c.row ?? {}, c.history ?? {})
        .toEqual(c.expected, c.tolerance === undefined ? {} : { tolerance: c.tolerance });
    } catch (error) {
      failures.push(`${label}: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  if (failures.length > 0) {
    throw new AssertionError({
      message: `${failures.length} of ${cases.length} cases failed for feature ${formatValue(feature.name)}:\n${failures.join('\n')}`,
    });
  }
}
