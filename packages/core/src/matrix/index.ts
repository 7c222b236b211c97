export {
  COLUMN_KINDS,
  type ColumnKind,
  type CreateMatrixOptions,
  columnIndex,
  createMatrix,
  type FromRowsOptions,
  fromRows,
  type Matrix,
  matrixColumn,
  selectColumns,
  takeRows,
} from './matrix.js';
