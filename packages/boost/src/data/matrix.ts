/**
 * Boost's view of the shared core {@link Matrix}: validation at the API boundary, the Arrow converter,
 * and column access for the kernels.
 * @module
 */
import { formatValue, InvalidArgumentError, SchemaError } from '@leadscore/core/errors';
import { assertArg, assertInteger } from '@leadscore/core/internal';
import { createMatrix, type Matrix } from '@leadscore/core/matrix';

/** What the kernels read of a matrix: column-major values, feature f of row i at `f * nRows + i`. */
export type ColumnMajor = Pick<Matrix, 'values' | 'nRows' | 'nCols'>;

/** The part of an Arrow `Table` (apache-arrow) that {@link fromArrowColumns} reads. */
export interface ArrowTableLike {
  readonly numRows: number;
  getChild(name: string): ArrowVectorLike | null;
}

/** The part of an Arrow `Vector` that {@link fromArrowColumns} reads. */
export interface ArrowVectorLike {
  readonly length: number;
  get(index: number): unknown;
}

/**
 * Copies numeric/boolean Arrow columns into a numeric column-major {@link Matrix} named after the
 * columns. Nulls become NaN, booleans 0/1, bigints numbers; any other value type is refused.
 * @example const m = fromArrowColumns(table, ['aum', 'years_at_firm']);
 */
export function fromArrowColumns(table: ArrowTableLike, columns: readonly string[]): Matrix {
  assertArg(columns.length > 0, 'columns', 'a non-empty list of column names', columns);
  const nRows = table.numRows;
  const nCols = columns.length;
  const data = new Float32Array(nRows * nCols);
  for (let j = 0; j < nCols; j++) {
    const name = columns[j]!;
    const vector = table.getChild(name);
    if (vector === null || vector === undefined) {
      throw new SchemaError(`columns[${j}] ${formatValue(name)} is not a column of the table`, {
        details: { column: name },
      });
    }
    const base = j * nRows;
    for (let i = 0; i < nRows; i++) {
      const v = vector.get(i);
      let x: number;
      if (v === null || v === undefined) x = Number.NaN;
      else if (typeof v === 'number') x = v;
      else if (typeof v === 'boolean') x = v ? 1 : 0;
      else if (typeof v === 'bigint') x = Number(v);
      else {
        throw new SchemaError(
          `column ${formatValue(name)} must be numeric or boolean, found ${formatValue(v)} at row ${i}`,
          {
            details: { column: name, row: i },
          },
        );
      }
      if (x === Infinity || x === -Infinity) {
        throw new SchemaError(`column ${formatValue(name)} must be finite or null, found ${x} at row ${i}`, {
          details: { column: name, row: i },
        });
      }
      data[base + i] = x;
    }
  }
  return createMatrix(data, nRows, columns);
}

/** Checks the structural invariants of a {@link Matrix}, which may have been built by hand. */
export function checkMatrix(matrix: Matrix, name = 'data'): void {
  assertArg(
    typeof matrix === 'object' && matrix !== null && matrix.values instanceof Float32Array,
    name,
    'a Matrix (from @leadscore/core) with a Float32Array `values`',
    matrix,
  );
  assertInteger(matrix.nRows, `${name}.nRows`, 0);
  assertInteger(matrix.nCols, `${name}.nCols`, 1);
  if (matrix.values.length !== matrix.nRows * matrix.nCols) {
    throw new InvalidArgumentError(
      `${name}.values must have nRows * nCols = ${matrix.nRows * matrix.nCols} values, found ${matrix.values.length}`,
      { details: { parameter: `${name}.values` } },
    );
  }
  assertArg(
    Array.isArray(matrix.names) && matrix.names.length === matrix.nCols,
    `${name}.names`,
    `an array of nCols = ${matrix.nCols} column names`,
    matrix.names,
  );
  assertArg(
    Array.isArray(matrix.kinds) && matrix.kinds.length === matrix.nCols,
    `${name}.kinds`,
    `an array of nCols = ${matrix.nCols} column kinds`,
    matrix.kinds,
  );
}

/**
 * Refuses categorical columns unless their codes may be used as ordered numbers: boost has no
 * categorical splits, and a code's order means nothing unless the caller says it does.
 */
export function checkNoCategorical(matrix: Matrix, allowCodes: boolean, name = 'data'): void {
  if (allowCodes) return;
  const j = matrix.kinds.indexOf('categorical');
  if (j >= 0) {
    throw new InvalidArgumentError(
      `${name} column ${formatValue(matrix.names[j])} is categorical: boost splits on numbers, so pass ` +
        'one-hot or target-encoded columns, or set options.categoricalAsCodes to split on the level codes',
      { details: { parameter: name, column: matrix.names[j] } },
    );
  }
}

/** Column `j` of a column-major matrix: a view, not a copy. */
export function columnOf(matrix: ColumnMajor, j: number): Float32Array {
  const { values, nRows } = matrix;
  return values.subarray(j * nRows, (j + 1) * nRows);
}
