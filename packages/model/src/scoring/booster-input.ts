import type { DenseMatrix } from '@leadscore/boost';
import type { Matrix } from '@leadscore/core/matrix';

/**
 * A core {@link Matrix} as boost's `DenseMatrix`, without a copy. The only place this conversion lives:
 * once boost accepts a core `Matrix` directly, callers pass the matrix and this function goes.
 */
export function toBoosterInput(matrix: Matrix): DenseMatrix {
  return {
    data: matrix.values,
    nRows: matrix.nRows,
    nCols: matrix.nCols,
    layout: 'col',
    names: matrix.names,
  };
}
