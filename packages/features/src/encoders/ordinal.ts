import { parseWith } from '@leadscore/core/issues';
import { ordinalEncoderOptionsSchema } from './options-schema.js';
import { type CategoryValue, checkValues, compareStrings, type EncodedColumns, levelOf } from './shared.js';

/** Serialised state of an {@link OrdinalEncoder}. */
export interface OrdinalEncoderJSON {
  readonly type: 'ordinal';
  readonly version: 1;
  readonly name: string;
  readonly levels: readonly string[];
}

/**
 * Ordinal encoder: one column holding the index of the level in the sorted training levels; missing and
 * unseen values give NaN (tree models route them by their learned default direction).
 */
export interface OrdinalEncoder {
  readonly type: 'ordinal';
  readonly name: string;
  /** Training levels in code order (sorted by code unit). */
  readonly levels: readonly string[];
  transform(values: readonly CategoryValue[]): EncodedColumns;
  toJSON(): OrdinalEncoderJSON;
}

/** Options of {@link fitOrdinalEncoder}. */
export interface OrdinalEncoderOptions {
  /** Name of the encoded feature (output column name). @default 'value' */
  name?: string;
}

/**
 * Fits an ordinal encoder: codes are the ranks of the distinct non-missing levels in sorted order.
 * @example fitOrdinalEncoder(['NY', 'CA', null]).transform(['CA', 'TX']).data // [0, NaN]
 */
export function fitOrdinalEncoder(
  values: readonly CategoryValue[],
  options: OrdinalEncoderOptions = {},
): OrdinalEncoder {
  const { name } = parseWith(ordinalEncoderOptionsSchema, options, 'options');
  checkValues(values, 'values');
  const seen = new Set<string>();
  for (const v of values) {
    const level = levelOf(v);
    if (level !== null) seen.add(level);
  }
  return ordinalEncoder(name, [...seen].sort(compareStrings));
}

/** Builds the encoder from its state. */
export function ordinalEncoder(name: string, levels: readonly string[]): OrdinalEncoder {
  const kept = Object.freeze([...levels]);
  const index = new Map(kept.map((level, j) => [level, j]));
  const names = Object.freeze([name]);
  return Object.freeze({
    type: 'ordinal' as const,
    name,
    levels: kept,
    transform(values: readonly CategoryValue[]): EncodedColumns {
      checkValues(values, 'values');
      const n = values.length;
      const data = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const level = levelOf(values[i]);
        data[i] = level === null ? Number.NaN : (index.get(level) ?? Number.NaN);
      }
      return Object.freeze({ nRows: n, nCols: 1, data, names });
    },
    toJSON: (): OrdinalEncoderJSON => ({ type: 'ordinal', version: 1, name, levels: [...kept] }),
  });
}
