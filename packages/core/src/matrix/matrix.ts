/**
 * The one matrix type every package shares: column-major float32 values with column names, kinds and
 * (for categorical columns) the fitted levels their codes index. Features produce it, boost trains on
 * it, cv slices it with {@link takeRows}.
 * @module
 */
import { formatValue, InvalidArgumentError } from '../errors/index.js';

/** Column kinds: a number, a category (code into `levels`), or a yes/no flag stored as 1/0. */
export const COLUMN_KINDS = Object.freeze(['numeric', 'categorical', 'boolean'] as const);
/** A column kind. */
export type ColumnKind = (typeof COLUMN_KINDS)[number];

/** A dense column-major float32 matrix; NaN marks a missing value. */
export interface Matrix {
  readonly nRows: number;
  readonly nCols: number;
  /** Value (i, j) at `j * nRows + i`. */
  readonly values: Float32Array;
  /** Column names, distinct. */
  readonly names: readonly string[];
  /** Per column: its kind. */
  readonly kinds: readonly ColumnKind[];
  /** Per column: the levels a categorical column's codes index, `null` for numeric and boolean ones. */
  readonly levels: readonly (readonly string[] | null)[];
}

/** Options of {@link createMatrix}. */
export interface CreateMatrixOptions {
  /** Per column kind. @default every column 'numeric' */
  kinds?: readonly ColumnKind[];
  /** Per column levels (required, non-null, for categorical columns). @default null for every column */
  levels?: readonly (readonly string[] | null)[];
}

function invalid(parameter: string, message: string, value: unknown): InvalidArgumentError {
  return new InvalidArgumentError(`${parameter} ${message}, found ${formatValue(value)}`, {
    details: { parameter, value },
  });
}

/**
 * Wraps column-major values as a validated, frozen {@link Matrix} (values are used as given, not copied).
 * Infinities are refused; a categorical code must be an integer index into its levels, or NaN.
 * @example const m = createMatrix(new Float32Array([1, 2, 3, 4]), 2, ['a', 'b']);
 */
export function createMatrix(
  values: Float32Array,
  nRows: number,
  names: readonly string[],
  options: CreateMatrixOptions = {},
): Matrix {
  if (!(values instanceof Float32Array)) throw invalid('values', 'must be a Float32Array', values);
  if (!Number.isInteger(nRows) || nRows < 0) throw invalid('nRows', 'must be an integer >= 0', nRows);
  const nCols = names.length;
  if (values.length !== nRows * nCols) {
    throw invalid('values', `must have nRows * names.length = ${nRows * nCols} entries`, values.length);
  }
  const seen = new Set<string>();
  for (let j = 0; j < nCols; j++) {
    const name = names[j];
    if (typeof name !== 'string' || name.length === 0)
      throw invalid(`names[${j}]`, 'must be a non-empty string', name);
    if (seen.has(name)) throw invalid(`names[${j}]`, 'must be unique', name);
    seen.add(name);
  }
  const kinds = options.kinds ?? new Array<ColumnKind>(nCols).fill('numeric');
  const levels = options.levels ?? new Array<null>(nCols).fill(null);
  if (kinds.length !== nCols) throw invalid('kinds', `must have ${nCols} entries`, kinds.length);
  if (levels.length !== nCols) throw invalid('levels', `must have ${nCols} entries`, levels.length);
  for (let j = 0; j < nCols; j++) {
    const kind = kinds[j]!;
    if (!COLUMN_KINDS.includes(kind))
      throw invalid(`kinds[${j}]`, "must be 'numeric', 'categorical' or 'boolean'", kind);
    const lv = levels[j] ?? null;
    if (kind === 'categorical' && lv === null)
      throw invalid(
        `levels[${j}]`,
        `must list the levels of categorical column ${formatValue(names[j])}`,
        lv,
      );
    if (kind !== 'categorical' && lv !== null)
      throw invalid(`levels[${j}]`, `must be null for ${kind} column ${formatValue(names[j])}`, lv);
    const offset = j * nRows;
    for (let i = 0; i < nRows; i++) {
      const v = values[offset + i]!;
      if (v === Infinity || v === -Infinity) {
        throw invalid(`values[${i}, ${formatValue(names[j])}]`, 'must be finite or NaN (missing)', v);
      }
      if (lv !== null && !Number.isNaN(v) && (!Number.isInteger(v) || v < 0 || v >= lv.length)) {
        throw invalid(
          `values[${i}, ${formatValue(names[j])}]`,
          `must be a level code in [0, ${lv.length - 1}] or NaN`,
          v,
        );
      }
    }
  }
  return Object.freeze({
    nRows,
    nCols,
    values,
    names: Object.freeze([...names]),
    kinds: Object.freeze([...kinds]),
    levels: Object.freeze(levels.map((l) => (l === null ? null : Object.freeze([...l])))),
  });
}

/** Index of a named column; throws naming the column and listing the known ones. */
export function columnIndex(matrix: Matrix, name: string): number {
  const j = matrix.names.indexOf(name);
  if (j < 0) {
    throw new InvalidArgumentError(
      `name must be a column of the matrix, found ${formatValue(name)}; columns: ${matrix.names.join(', ')}`,
      { details: { parameter: 'name', value: name } },
    );
  }
  return j;
}

/** The values of one column: a view into the matrix, not a copy. */
export function matrixColumn(matrix: Matrix, name: string): Float32Array {
  const j = columnIndex(matrix, name);
  return matrix.values.subarray(j * matrix.nRows, (j + 1) * matrix.nRows);
}

/**
 * The rows `rows` of `matrix`, in that order (repeats allowed), as a new matrix with the same columns,
 * kinds and levels. Row indices must be integers in `[0, nRows)`.
 * @example const train = takeRows(matrix, fold.train);
 */
export function takeRows(matrix: Matrix, rows: ArrayLike<number>): Matrix {
  const n = matrix.nRows;
  const m = rows.length;
  for (let k = 0; k < m; k++) {
    const r = rows[k]!;
    if (!Number.isInteger(r) || r < 0 || r >= n)
      throw invalid(`rows[${k}]`, `must be a row index in [0, ${n - 1}]`, r);
  }
  const out = new Float32Array(m * matrix.nCols);
  const src = matrix.values;
  for (let j = 0; j < matrix.nCols; j++) {
    const from = j * n;
    const to = j * m;
    for (let k = 0; k < m; k++) out[to + k] = src[from + rows[k]!]!;
  }
  return Object.freeze({ ...matrix, nRows: m, values: out });
}

/**
 * The columns `names` of `matrix`, in that order, as a new matrix (the values are copied).
 * @example const numeric = selectColumns(matrix, ['log_aum', 'tenure_ratio']);
 */
export function selectColumns(matrix: Matrix, names: readonly string[]): Matrix {
  const idx = names.map((name) => columnIndex(matrix, name));
  const n = matrix.nRows;
  const out = new Float32Array(n * idx.length);
  idx.forEach((j, c) => {
    out.set(matrix.values.subarray(j * n, (j + 1) * n), c * n);
  });
  return Object.freeze({
    nRows: n,
    nCols: idx.length,
    values: out,
    names: Object.freeze(idx.map((j) => matrix.names[j]!)),
    kinds: Object.freeze(idx.map((j) => matrix.kinds[j]!)),
    levels: Object.freeze(idx.map((j) => matrix.levels[j] ?? null)),
  });
}

/** Options of {@link fromRows}. */
export interface FromRowsOptions extends CreateMatrixOptions {
  /** Column names. @default XGBoost's names for unnamed features: 'f0', 'f1', ... */
  names?: readonly string[];
}

/**
 * Copies row-major values (row i at `[i * nCols, (i + 1) * nCols)`) into a new column-major
 * {@link Matrix}, for data that arrives row by row.
 * @example const m = fromRows([1, 2, 3, 4, 5, 6], 2); // 2 rows, 3 columns f0, f1, f2
 */
export function fromRows(rows: ArrayLike<number>, nRows: number, options: FromRowsOptions = {}): Matrix {
  const minRows = options.names === undefined ? 1 : 0;
  if (!Number.isInteger(nRows) || nRows < minRows)
    throw invalid('nRows', `must be an integer >= ${minRows}`, nRows);
  const nCols = options.names?.length ?? rows.length / nRows;
  if (!Number.isInteger(nCols) || rows.length !== nRows * nCols) {
    throw invalid('rows', `must have nRows * nCols entries (nRows = ${nRows})`, rows.length);
  }
  const values = new Float32Array(nRows * nCols);
  for (let i = 0, k = 0; i < nRows; i++) {
    for (let j = 0; j < nCols; j++, k++) values[j * nRows + i] = rows[k]!;
  }
  const names = options.names ?? Array.from({ length: nCols }, (_, j) => `f${j}`);
  return createMatrix(values, nRows, names, options);
}
