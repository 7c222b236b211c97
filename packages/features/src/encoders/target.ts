import { DataError, formatValue } from '@leadscore/core/errors';
import { assertArg, assertInteger, assertSameLength } from '@leadscore/core/internal';
import { parseWith } from '@leadscore/core/issues';
import { createRng } from '@leadscore/core/rng';
import { MISSING_LEVEL } from '../define/feature.js';
import { targetEncoderOptionsSchema } from './options-schema.js';
import { type CategoryValue, checkValues, compareStrings, type EncodedColumns, levelOf } from './shared.js';

/** Serialised state of a {@link TargetEncoder}. */
export interface TargetEncoderJSON {
  readonly type: 'target';
  readonly version: 1;
  readonly name: string;
  readonly smoothing: number;
  /** Label rate of the training rows. */
  readonly prior: number;
  /** Levels (`"__missing__"` included when seen), with their row and positive counts. */
  readonly levels: readonly string[];
  readonly counts: readonly number[];
  readonly positives: readonly number[];
}

/**
 * Target encoder: replaces a level with its smoothed label rate
 * `(positives + smoothing * prior) / (count + smoothing)`; unseen levels get the prior, missing values
 * are the level `"__missing__"`.
 */
export interface TargetEncoder {
  readonly type: 'target';
  readonly name: string;
  readonly smoothing: number;
  readonly prior: number;
  readonly levels: readonly string[];
  /** Encodes new (scoring) rows with the statistics of all training rows. */
  transform(values: readonly CategoryValue[]): EncodedColumns;
  toJSON(): TargetEncoderJSON;
}

/** Options of {@link fitTargetEncoder}. */
export interface TargetEncoderOptions {
  /** Name of the encoded feature (output column name). @default 'value' */
  name?: string;
  /** Weight of the prior, in rows (m-estimate). @default 10 */
  smoothing?: number;
  /** Number of folds for the out-of-fold training encoding. @default 5 */
  folds?: number;
  /**
   * Fold of each training row (integers in [0, folds)), e.g. the cross-validation folds; drawn with
   * `seed` when omitted (balanced random assignment).
   * @default undefined
   */
  foldIds?: ArrayLike<number>;
  /** Seed of the random fold assignment. @default 0 */
  seed?: number;
}

/** What {@link fitTargetEncoder} returns. */
export interface TargetEncoderFitResult {
  /** Fitted on all rows, for scoring. */
  readonly encoder: TargetEncoder;
  /** Out-of-fold encoding of the training rows: row i uses only rows of other folds. */
  readonly encoded: EncodedColumns;
  /** The fold of each training row. */
  readonly foldIds: Int32Array;
}

/**
 * Fits a target encoder and encodes the training rows out of fold, so a row's own label never
 * influences its own value.
 * @example const { encoder, encoded } = fitTargetEncoder(states, labels, { name: 'state', seed: 7 });
 */
export function fitTargetEncoder(
  values: readonly CategoryValue[],
  labels: ArrayLike<number>,
  options: TargetEncoderOptions = {},
): TargetEncoderFitResult {
  const o = parseWith(targetEncoderOptionsSchema, options, 'options');
  checkValues(values, 'values');
  assertSameLength(values, 'values', labels, 'labels');
  const { name, smoothing } = o;
  const n = values.length;
  assertArg(n >= 2, 'values', 'at least 2 rows', n);
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    assertArg(y === 0 || y === 1, `labels[${i}]`, '0 or 1', y);
  }
  const k = o.folds;
  const foldIds = new Int32Array(n);
  if (options.foldIds !== undefined) {
    assertSameLength(values, 'values', options.foldIds, 'foldIds');
    for (let i = 0; i < n; i++) {
      const f = options.foldIds[i];
      assertInteger(f, `foldIds[${i}]`, 0, k - 1);
      foldIds[i] = f;
    }
  } else {
    const order = createRng(o.seed).shuffle(Int32Array.from({ length: n }, (_, i) => i));
    for (let r = 0; r < n; r++) foldIds[order[r]!] = r % k;
  }

  const levelIndex = new Map<string, number>();
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const level = levelOf(values[i]) ?? MISSING_LEVEL;
    let c = levelIndex.get(level);
    if (c === undefined) {
      c = levelIndex.size;
      levelIndex.set(level, c);
    }
    codes[i] = c;
  }
  const L = levelIndex.size;
  // Per (fold, level) counts: the out-of-fold statistics are totals minus the row's own fold.
  const count = new Float64Array(k * L);
  const pos = new Float64Array(k * L);
  const foldRows = new Float64Array(k);
  const foldPos = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const f = foldIds[i]!;
    const y = labels[i]!;
    count[f * L + codes[i]!]! += 1;
    pos[f * L + codes[i]!]! += y;
    foldRows[f]! += 1;
    foldPos[f]! += y;
  }
  const totalCount = new Float64Array(L);
  const totalPos = new Float64Array(L);
  for (let f = 0; f < k; f++) {
    for (let c = 0; c < L; c++) {
      totalCount[c]! += count[f * L + c]!;
      totalPos[c]! += pos[f * L + c]!;
    }
  }
  let allPos = 0;
  for (let f = 0; f < k; f++) allPos += foldPos[f]!;
  const encodedData = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const f = foldIds[i]!;
    const c = codes[i]!;
    const outRows = n - foldRows[f]!;
    if (outRows === 0) {
      throw new DataError(`foldIds must use at least 2 folds, found every row in fold ${f}`, {
        details: { parameter: 'foldIds', value: f },
      });
    }
    const prior = (allPos - foldPos[f]!) / outRows;
    const cnt = totalCount[c]! - count[f * L + c]!;
    const p = totalPos[c]! - pos[f * L + c]!;
    encodedData[i] = smoothed(p, cnt, prior, smoothing);
  }
  const levels = [...levelIndex.keys()].sort(compareStrings);
  const encoder = targetEncoder({
    name,
    smoothing,
    prior: allPos / n,
    levels,
    counts: levels.map((l) => totalCount[levelIndex.get(l)!]!),
    positives: levels.map((l) => totalPos[levelIndex.get(l)!]!),
  });
  return Object.freeze({
    encoder,
    encoded: Object.freeze({ nRows: n, nCols: 1, data: encodedData, names: Object.freeze([name]) }),
    foldIds,
  });
}

function smoothed(positives: number, count: number, prior: number, m: number): number {
  const denominator = count + m;
  return denominator === 0 ? prior : (positives + m * prior) / denominator;
}

/** Builds the encoder from its state (as produced by `toJSON`). */
export function targetEncoder(state: Omit<TargetEncoderJSON, 'type' | 'version'>): TargetEncoder {
  const { name, smoothing, prior } = state;
  const levels = Object.freeze([...state.levels]);
  if (state.counts.length !== levels.length || state.positives.length !== levels.length) {
    throw new DataError(
      `counts and positives must have one entry per level (${levels.length}), found ${formatValue([state.counts.length, state.positives.length])}`,
      { details: { parameter: 'counts' } },
    );
  }
  const counts = Object.freeze([...state.counts]);
  const positives = Object.freeze([...state.positives]);
  const rate = new Map(levels.map((l, j) => [l, smoothed(positives[j]!, counts[j]!, prior, smoothing)]));
  const names = Object.freeze([name]);
  return Object.freeze({
    type: 'target' as const,
    name,
    smoothing,
    prior,
    levels,
    transform(values: readonly CategoryValue[]): EncodedColumns {
      checkValues(values, 'values');
      const n = values.length;
      const data = new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = rate.get(levelOf(values[i]) ?? MISSING_LEVEL) ?? prior;
      return Object.freeze({ nRows: n, nCols: 1, data, names });
    },
    toJSON: (): TargetEncoderJSON => ({
      type: 'target',
      version: 1,
      name,
      smoothing,
      prior,
      levels: [...levels],
      counts: [...counts],
      positives: [...positives],
    }),
  });
}
