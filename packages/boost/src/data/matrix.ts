/**
 * Dense input matrices: construction with validation, Arrow conversion and element access.
 * @module
 */

import { formatValue, InvalidArgumentError, SchemaError } from '@leadscore/core/errors';
import { assertArg, assertInteger } from '@leadscore/core/internal';
import type { DenseMatrix } from '../model/types.js';

/** Options of {@link denseMatrix}. */
export interface DenseMatrixOptions {
  /**
   * Memory layout of `data`: `'row'` stores row i at `[i * nCols, (i + 1) * nCols)`, `'col'` stores
   * column j at `[j * nRows, (j + 1) * nRows)`.
   * @default 'row'
   */
  layout?: 'row' | 'col';
  /** Column names, `nCols` distinct strings. @default undefined (no names) */
  names?: readonly string[];
}

/**
 * Wraps values as a validated {@link DenseMatrix}. A Float32Array is used as is (not copied); any other
 * array-like is converted to float32. NaN marks a missing value; infinities are refused.
 * @example const m = denseMatrix([1, 2, NaN, 4], 2, 2); // 2 x 2, row-major
 */
export function denseMatrix(
  data: Float32Array | ArrayLike<number>,
  nRows: number,
  nCols: number,
  options: DenseMatrixOptions = {},
): DenseMatrix {
  assertInteger(nRows, 'nRows', 0);
  assertInteger(nCols, 'nCols', 1);
  const layout = options.layout ?? 'row';
  assertArg(layout === 'row' || layout === 'col', 'layout', "'row' or 'col'", layout);
  if (data.length !== nRows * nCols) {
    throw new InvalidArgumentError(
      `data must have nRows * nCols = ${nRows * nCols} values, found ${data.length}`,
      { details: { parameter: 'data', expected: nRows * nCols, value: data.length } },
    );
  }
  const values = data instanceof Float32Array ? data : Float32Array.from(data);
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (v === Infinity || v === -Infinity) {
      const row = layout === 'row' ? Math.floor(k / nCols) : k % nRows;
      const col = layout === 'row' ? k % nCols : Math.floor(k / nRows);
      throw new InvalidArgumentError(
        `data[${row}, ${col}] must be finite or NaN (missing), found ${formatValue(v)}`,
        { details: { parameter: 'data', row, col, value: v } },
      );
    }
  }
  if (options.names !== undefined) checkNames(options.names, nCols);
  return options.names === undefined
    ? { data: values, nRows, nCols, layout }
    : { data: values, nRows, nCols, layout, names: [...options.names] };
}

function checkNames(names: readonly string[], nCols: number): void {
  if (names.length !== nCols) {
    throw new InvalidArgumentError(`names must have nCols = ${nCols} entries, found ${names.length}`, {
      details: { parameter: 'names', value: names.length },
    });
  }
  const seen = new Set<string>();
  for (let j = 0; j < names.length; j++) {
    const name = names[j];
    assertArg(typeof name === 'string' && name.length > 0, `names[${j}]`, 'a non-empty string', name);
    assertArg(!seen.has(name), `names[${j}]`, 'unique', name);
    seen.add(name);
  }
}

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
 * Copies numeric/boolean Arrow columns into a column-major float32 {@link DenseMatrix} named after the
 * columns. Nulls become NaN, booleans 0/1, bigints numbers; any other value type is refused.
 * @example const m = fromArrowColumns(table, ['aum', 'years_at_firm']);
 */
export function fromArrowColumns(table: ArrowTableLike, columns: readonly string[]): DenseMatrix {
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
  return { data, nRows, nCols, layout: 'col', names: [...columns] };
}

/** Checks the structural invariants of a matrix built outside {@link denseMatrix}. */
export function checkMatrix(matrix: DenseMatrix, name = 'data'): void {
  assertArg(
    typeof matrix === 'object' && matrix !== null && matrix.data instanceof Float32Array,
    name,
    'a DenseMatrix with a Float32Array `data`',
    matrix,
  );
  assertInteger(matrix.nRows, `${name}.nRows`, 0);
  assertInteger(matrix.nCols, `${name}.nCols`, 1);
  assertArg(
    matrix.layout === 'row' || matrix.layout === 'col',
    `${name}.layout`,
    "'row' or 'col'",
    matrix.layout,
  );
  if (matrix.data.length !== matrix.nRows * matrix.nCols) {
    throw new InvalidArgumentError(
      `${name}.data must have nRows * nCols = ${matrix.nRows * matrix.nCols} values, found ${matrix.data.length}`,
      { details: { parameter: `${name}.data` } },
    );
  }
}

/** Returns a column-major float32 copy of column `j` (a view when the matrix is column-major). */
export function columnOf(matrix: DenseMatrix, j: number): Float32Array {
  const { data, nRows, nCols } = matrix;
  if (matrix.layout === 'col') return data.subarray(j * nRows, (j + 1) * nRows);
  const out = new Float32Array(nRows);
  for (let i = 0, k = j; i < nRows; i++, k += nCols) out[i] = data[k]!;
  return out;
}
