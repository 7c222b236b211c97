import { formatValue, InvalidArgumentError } from '@leadscore/core/errors';
import { assertKnownKeys } from '@leadscore/core/internal';
import type { FeatureMatrix } from './compute-features.js';

/** The shape of `@leadscore/boost`'s `DenseMatrix` (column layout), as a plain object. */
export interface DenseMatrixLike {
  readonly data: Float32Array;
  readonly nRows: number;
  readonly nCols: number;
  readonly layout: 'col';
  readonly names: readonly string[];
}

/** Options of {@link toDenseMatrix}. */
export interface ToDenseMatrixOptions {
  /**
   * What to do with categorical columns, whose codes depend on the levels seen in this matrix:
   * `'error'` refuses them (encode them with an encoder first), `'drop'` leaves them out, `'codes'`
   * keeps the sorted-level codes as numbers.
   * @default 'error'
   */
  categorical?: 'error' | 'drop' | 'codes';
}

function columnIndex(matrix: FeatureMatrix, name: string): number {
  const j = matrix.names.indexOf(name);
  if (j < 0) {
    throw new InvalidArgumentError(
      `name must be a column of the feature matrix, found ${formatValue(name)}; columns: ${matrix.names.join(', ')}`,
      { details: { parameter: 'name', value: name } },
    );
  }
  return j;
}

/** The values of one column (a view into the matrix, not a copy). */
export function featureColumn(matrix: FeatureMatrix, name: string): Float32Array {
  const j = columnIndex(matrix, name);
  return matrix.values.subarray(j * matrix.nRows, (j + 1) * matrix.nRows);
}

/**
 * The levels of a categorical column, one per row (`"__missing__"` for missing values), the input of
 * the categorical encoders.
 */
export function categoricalColumn(matrix: FeatureMatrix, name: string): string[] {
  const j = columnIndex(matrix, name);
  const levels = matrix.levels[j];
  if (levels === null || levels === undefined) {
    throw new InvalidArgumentError(
      `name must be a categorical column, found ${formatValue(name)} (${matrix.kinds[j]})`,
      {
        details: { parameter: 'name', value: name },
      },
    );
  }
  const out = new Array<string>(matrix.nRows);
  const offset = j * matrix.nRows;
  for (let i = 0; i < matrix.nRows; i++) out[i] = levels[matrix.values[offset + i]!]!;
  return out;
}

/**
 * Converts a feature matrix to the boost `DenseMatrix` shape (column layout; shares the buffer when no
 * column is dropped).
 * @example const dense = toDenseMatrix(matrix, { categorical: 'drop' });
 */
export function toDenseMatrix(matrix: FeatureMatrix, options: ToDenseMatrixOptions = {}): DenseMatrixLike {
  assertKnownKeys(options, ['categorical'], 'options');
  const mode = options.categorical ?? 'error';
  if (mode !== 'error' && mode !== 'drop' && mode !== 'codes') {
    throw new InvalidArgumentError(
      `categorical must be 'error', 'drop' or 'codes', found ${formatValue(mode)}`,
      {
        details: { parameter: 'categorical', value: mode },
      },
    );
  }
  const categorical = matrix.kinds.flatMap((k, j) => (k === 'categorical' ? [j] : []));
  if (categorical.length > 0 && mode === 'error') {
    const name = matrix.names[categorical[0]!]!;
    throw new InvalidArgumentError(
      `matrix column ${formatValue(name)} is categorical: encode it (oneHot/ordinal/target encoder) or pass categorical: 'drop' | 'codes'`,
      { details: { parameter: 'matrix', value: name } },
    );
  }
  if (categorical.length === 0 || mode === 'codes') {
    return Object.freeze({
      data: matrix.values,
      nRows: matrix.nRows,
      nCols: matrix.nCols,
      layout: 'col',
      names: matrix.names,
    });
  }
  const keep = matrix.kinds.flatMap((k, j) => (k === 'categorical' ? [] : [j]));
  const n = matrix.nRows;
  const data = new Float32Array(n * keep.length);
  keep.forEach((j, c) => {
    data.set(matrix.values.subarray(j * n, (j + 1) * n), c * n);
  });
  return Object.freeze({
    data,
    nRows: n,
    nCols: keep.length,
    layout: 'col',
    names: Object.freeze(keep.map((j) => matrix.names[j]!)),
  });
}
