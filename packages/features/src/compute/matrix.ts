import { formatValue, InvalidArgumentError } from '@leadscore/core/errors';
import type { FeatureMatrix } from './compute-features.js';

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
