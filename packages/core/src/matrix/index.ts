export {
  COLUMN_KINDS,
  type ColumnKind,
  type CreateMatrixOptions,
  columnIndex,
  createMatrix,
  type Matrix,
  matrixColumn,
  selectColumns,
  takeRows,
} from './matrix.js';
