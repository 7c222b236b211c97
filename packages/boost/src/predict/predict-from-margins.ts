/**
 * Probabilities of training and eval rows from the margins `train` kept (`keepMargins`), bit-identical
 * to `booster.predict`. Training routes a row by its bin code (`code <= splitBin`, missing to the
 * default side) and adds each tree's float32 leaf to a float32 margin that starts at the base margin,
 * tree by tree, as prediction does; prediction routes by `x < threshold` with `threshold = cuts[splitBin]`.
 * The two routings agree for every value except at the two edge splits: a value at or above the
 * sentinel (the last cut) is clamped into the last bin, which a "missing right" split at the last bin
 * (threshold = sentinel) sends left and its threshold right; a value below `minValues` is sent right by
 * bin -1 (threshold = `minValues`, "all values right") and left by its threshold. Interior splits route
 * such values alike (bins hold `[cuts[k - 1], cuts[k])`). So a row has the same leaves, hence the same
 * margin bits, unless one of its values lies beyond an edge split the model makes on that feature; such
 * rows, rows whose values are not bit-equal to the row they claim to be, and rows in neither set are
 * predicted normally.
 * @module
 */
import { InvalidArgumentError } from '@leadscore/core/errors';
import { assertArg } from '@leadscore/core/internal';
import { type Matrix, takeRows } from '@leadscore/core/matrix';
import type { Booster, TrainingMargins } from '../booster.js';
import { checkMatrix } from '../data/matrix.js';
import { sigmoid32 } from './predict.js';

/** Where the rows of a matrix come from, for {@link predictFromMargins}. */
export interface MarginRows {
  /** The margins `train` kept (`booster.trainingLog.margins`, or as sent from a worker). */
  readonly margins: TrainingMargins;
  /** The raw training matrix `train` was given, or that was binned into its training data. */
  readonly data: Matrix;
  /** The raw eval matrix (given to `train` or binned into its eval set). @default undefined (no eval rows) */
  readonly evalData?: Matrix;
  /**
   * For each row `j` of the matrix to predict: its row in `data` (`0 .. data.nRows - 1`), in `evalData`
   * (`data.nRows + k` for eval row `k`), or -1 for a row in neither. A claimed row whose values are not
   * bit-equal is predicted normally, so a wrong map costs time, never exactness.
   */
  readonly rows: Int32Array;
}

function checkSource(name: string, m: Matrix, nMargins: number, nCols: number): void {
  checkMatrix(m, name);
  if (m.nRows !== nMargins || m.nCols !== nCols) {
    throw new InvalidArgumentError(
      `${name} must be ${nMargins} x ${nCols} (the kept margins' rows, the model's columns), found ${m.nRows} x ${m.nCols}`,
      { details: { parameter: name, expected: [nMargins, nCols], value: [m.nRows, m.nCols] } },
    );
  }
}

const bitsOf = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

/**
 * `booster.predict(matrix)` (default iteration range) for rows of the training data or eval set, read
 * from the margins `train` kept instead of walking the trees; the result is bit-identical to `predict`
 * (rows whose margins might not be are predicted normally, see the module notes).
 * @example
 * const booster = await train(fit, y, params, { keepMargins: true });
 * const p = predictFromMargins(booster, all, { margins: booster.trainingLog!.margins!, data: fit, rows });
 */
export function predictFromMargins(booster: Booster, matrix: Matrix, from: MarginRows): Float64Array {
  const { margins, data, evalData, rows } = from;
  checkMatrix(matrix);
  const nCols = booster.numFeature;
  if (matrix.nCols !== nCols) {
    throw new InvalidArgumentError(`data must have the model's ${nCols} columns, found ${matrix.nCols}`, {
      details: { parameter: 'data', expected: nCols, value: matrix.nCols },
    });
  }
  assertArg(
    typeof margins === 'object' && margins !== null && margins.data instanceof Float32Array,
    'from.margins',
    'the TrainingMargins of train (keepMargins)',
    margins,
  );
  if (margins.bestIteration !== booster.bestIteration || booster.numTrees <= margins.bestIteration) {
    throw new InvalidArgumentError(
      `from.margins must be at the booster's best iteration ${booster.bestIteration}, found ${margins.bestIteration}`,
      {
        details: { parameter: 'from.margins', expected: booster.bestIteration, value: margins.bestIteration },
      },
    );
  }
  const nData = margins.data.length;
  const nEval = margins.eval === null ? 0 : margins.eval.length;
  checkSource('from.data', data, nData, nCols);
  if (nEval > 0) {
    assertArg(
      evalData !== undefined,
      'from.evalData',
      'the raw eval matrix (the margins have eval rows)',
      evalData,
    );
    checkSource('from.evalData', evalData!, nEval, nCols);
  }
  assertArg(rows instanceof Int32Array, 'from.rows', 'an Int32Array of row indices', rows);
  if (rows.length !== matrix.nRows) {
    throw new InvalidArgumentError(
      `from.rows must have one entry per row of data (${matrix.nRows}), found ${rows.length}`,
      { details: { parameter: 'from.rows', expected: matrix.nRows, value: rows.length } },
    );
  }
  const n = matrix.nRows;
  // 1 = the row's margin is known exact; settled column by column (column-major, sequential reads)
  const ok = new Uint8Array(n);
  for (let j = 0; j < n; j++) {
    const s = rows[j]!;
    if (s < -1 || s >= nData + nEval) {
      throw new InvalidArgumentError(
        `from.rows[${j}] must be -1 or a row index below ${nData + nEval}, found ${s}`,
        { details: { parameter: 'from.rows', index: j, value: s } },
      );
    }
    ok[j] = s >= 0 ? 1 : 0;
  }
  const { cuts, cutPtr, minValues } = margins.binMapper;
  // per feature, whether the kept trees split at bin -1 (threshold minValues) or at the last bin
  // (threshold the sentinel): only then can a value below or above the bins route differently
  const edgeLow = new Uint8Array(nCols);
  const edgeHigh = new Uint8Array(nCols);
  const trees = booster.model.trees;
  for (let t = 0; t <= margins.bestIteration; t++) {
    const { left, splitFeature, threshold } = trees[t]!;
    for (let k = 0; k < left.length; k++) {
      if (left[k]! < 0) continue;
      const f = splitFeature[k]!;
      if (threshold[k] === minValues[f]) edgeLow[f] = 1;
      else if (threshold[k] === cuts[cutPtr[f + 1]! - 1]) edgeHigh[f] = 1;
    }
  }
  const mBits = bitsOf(matrix.values);
  const dBits = bitsOf(data.values);
  const eBits = nEval > 0 ? bitsOf(evalData!.values) : dBits;
  const mv = matrix.values;
  for (let f = 0; f < nCols; f++) {
    // NaN compares false: missing values route by the default direction in both
    const lo = edgeLow[f] === 1 ? minValues[f]! : Number.NEGATIVE_INFINITY;
    const hi = edgeHigh[f] === 1 ? cuts[cutPtr[f + 1]! - 1]! : Number.NaN;
    const mBase = f * n;
    const dBase = f * nData;
    const eBase = f * nEval - nData;
    for (let j = 0; j < n; j++) {
      if (ok[j] === 0) continue;
      const s = rows[j]!;
      const same = s < nData ? mBits[mBase + j] === dBits[dBase + s] : mBits[mBase + j] === eBits[eBase + s];
      const v = mv[mBase + j]!;
      if (!same || v < lo || v >= hi) ok[j] = 0;
    }
  }
  const out = new Float64Array(n);
  let nRest = 0;
  for (let j = 0; j < n; j++) {
    if (ok[j] === 0) {
      nRest++;
      continue;
    }
    const s = rows[j]!;
    out[j] = sigmoid32(s < nData ? margins.data[s]! : margins.eval![s - nData]!);
  }
  if (nRest > 0) {
    const rest = new Int32Array(nRest);
    let k = 0;
    for (let j = 0; j < n; j++) if (ok[j] === 0) rest[k++] = j;
    const p = booster.predict(takeRows(matrix, rest));
    for (let q = 0; q < nRest; q++) out[rest[q]!] = p[q]!;
  }
  return out;
}
