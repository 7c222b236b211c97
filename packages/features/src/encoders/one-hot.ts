import { parseWith } from '@leadscore/core/issues';
import { MISSING_LEVEL } from '../define/feature.js';
import { oneHotEncoderOptionsSchema } from './options-schema.js';
import { type CategoryValue, checkValues, compareStrings, type EncodedColumns, levelOf } from './shared.js';

/** The level that collects values outside the top-k. */
export const OTHER_LEVEL = '__other__';

/** Serialised state of a {@link OneHotEncoder}. */
export interface OneHotEncoderJSON {
  readonly type: 'one_hot';
  readonly version: 1;
  readonly name: string;
  readonly levels: readonly string[];
}

/**
 * One-hot encoder: one 0/1 column per kept level, then `{name}=__other__` (levels not kept, including
 * unseen ones) and `{name}=__missing__`.
 */
export interface OneHotEncoder {
  readonly type: 'one_hot';
  readonly name: string;
  /** Kept levels, most frequent first (ties by level). */
  readonly levels: readonly string[];
  /** Output column names. */
  readonly columns: readonly string[];
  /** Encodes values (no fitting, inputs not mutated). */
  transform(values: readonly CategoryValue[]): EncodedColumns;
  /** The state, for the model bundle. */
  toJSON(): OneHotEncoderJSON;
}

/** Options of {@link fitOneHotEncoder}. */
export interface OneHotEncoderOptions {
  /** Name of the encoded feature; prefixes output columns. @default 'value' */
  name?: string;
  /** Keep at most this many most frequent levels. @default 20 */
  topK?: number;
  /** Keep only levels seen at least this many times. @default 1 */
  minCount?: number;
}

/**
 * Fits a one-hot encoder on training values: keeps the `topK` most frequent levels (ties broken by level).
 * @example fitOneHotEncoder(['CA', 'NY', null, 'CA'], { name: 'state', topK: 1 }).columns
 * // ['state=CA', 'state=__other__', 'state=__missing__']
 */
export function fitOneHotEncoder(
  values: readonly CategoryValue[],
  options: OneHotEncoderOptions = {},
): OneHotEncoder {
  const { name, topK, minCount } = parseWith(oneHotEncoderOptionsSchema, options, 'options');
  checkValues(values, 'values');
  const counts = new Map<string, number>();
  for (const v of values) {
    const level = levelOf(v);
    if (level !== null) counts.set(level, (counts.get(level) ?? 0) + 1);
  }
  const levels = [...counts.entries()]
    .filter(([, c]) => c >= minCount)
    .sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0]))
    .slice(0, topK)
    .map(([level]) => level);
  return oneHotEncoder(name, levels);
}

/** Builds the encoder from its state. */
export function oneHotEncoder(name: string, levels: readonly string[]): OneHotEncoder {
  const kept = Object.freeze([...levels]);
  const index = new Map(kept.map((level, j) => [level, j]));
  const other = kept.length;
  const missing = kept.length + 1;
  const columns = Object.freeze([...kept, OTHER_LEVEL, MISSING_LEVEL].map((l) => `${name}=${l}`));
  return Object.freeze({
    type: 'one_hot' as const,
    name,
    levels: kept,
    columns,
    transform(values: readonly CategoryValue[]): EncodedColumns {
      checkValues(values, 'values');
      const n = values.length;
      const data = new Float32Array(n * columns.length);
      for (let i = 0; i < n; i++) {
        const level = levelOf(values[i]);
        const j = level === null ? missing : (index.get(level) ?? other);
        data[j * n + i] = 1;
      }
      return Object.freeze({ nRows: n, nCols: columns.length, data, names: columns });
    },
    toJSON: (): OneHotEncoderJSON => ({ type: 'one_hot', version: 1, name, levels: [...kept] }),
  });
}
