import { AssertionError } from 'node:assert';
import { formatValue } from '@leadscore/core/errors';
import { parseWith } from '@leadscore/core/issues';
import { createRng, type Rng } from '@leadscore/core/rng';
import type { AnyFeature } from '../define/feature.js';
import { historyTypeOf, type InputType, inputTypeOf } from '../define/input-types.js';
import { evaluateFeature, featureValuesEqualForDeterminism } from './evaluate.js';
import { assertDeclaredInputsOptionsSchema } from './options-schema.js';

/** Options of {@link assertDeclaredInputs}. */
export interface AssertDeclaredInputsOptions {
  /** Random rows to try (missing values, zeros, band edges and large values included). @default 64 */
  samples?: number;
  /** Seed of the generated rows. @default 0 */
  seed?: number;
  /** Length of the history arrays. @default 8 */
  historyQuarters?: number;
}

const NUMBERS = [0, 0.25, 0.5, 1, 3, 5, 7, 10, 20, 30, 31, 100, 1e6, 50e6, 500e6, 2e9, Number.NaN];
const STRINGS = ['DUAL', 'BD', 'IAR', 'wirehouse', 'ria', 'independent_bd', 'CA', 'x', null];
const BOOLEANS = [true, false, null];
const FIRMS = ['A', 'B', 'C', null];

function pick<T>(rng: Rng, values: readonly T[]): T {
  return values[rng.int(values.length)]!;
}

function sampleScalar(rng: Rng, type: InputType): unknown {
  if (type === 'number') return rng.bernoulli(0.5) ? pick(rng, NUMBERS) : rng.uniform(0, 1e8);
  return type === 'string' ? pick(rng, STRINGS) : pick(rng, BOOLEANS);
}

/**
 * Runs a feature on generated rows through read guards (proxies) and throws an AssertionError when it
 * reads an input or history series it did not declare, writes to its inputs, throws, or gives different
 * results for the same row.
 * @example assertDeclaredInputs(myFeature);
 */
export function assertDeclaredInputs(feature: AnyFeature, options: AssertDeclaredInputsOptions = {}): void {
  const o = parseWith(assertDeclaredInputsOptionsSchema, options, 'options');
  const { samples, historyQuarters: quarters } = o;
  const rng = createRng(o.seed);
  for (let s = 0; s < samples; s++) {
    const row: Record<string, unknown> = {};
    for (const input of feature.inputs)
      row[input] = sampleScalar(rng, inputTypeOf(input, feature.inputTypes));
    const history: Record<string, (number | string | null)[]> = {};
    for (const series of feature.history) {
      const type = historyTypeOf(series, feature.inputTypes);
      const values: (number | string | null)[] = [];
      for (let k = 0; k < quarters; k++) {
        if (type === 'string') values.push(pick(rng, FIRMS));
        else values.push(rng.bernoulli(0.15) ? null : rng.bernoulli(0.1) ? 0 : rng.uniform(0, 1e8));
      }
      history[series] = values;
    }
    let first: ReturnType<typeof evaluateFeature>;
    try {
      first = evaluateFeature(feature, row, history, { historyQuarters: quarters });
    } catch (error) {
      if (error instanceof AssertionError) throw error;
      throw new AssertionError({
        message: `feature ${formatValue(feature.name)} threw on row ${formatValue(row)}: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
    const second = evaluateFeature(feature, row, history, { historyQuarters: quarters });
    if (!featureValuesEqualForDeterminism(first, second)) {
      throw new AssertionError({
        message: `feature ${formatValue(feature.name)} is not deterministic on row ${formatValue(row)}: ${formatValue(first)} then ${formatValue(second)}`,
      });
    }
  }
}
