import type { DenseMatrix } from '@leadscore/boost';
import type { Matrix } from '@leadscore/core';

/** A core Matrix as boost's DenseMatrix, without a copy (boost is learning to take a Matrix directly). */
export function denseView(m: Matrix): DenseMatrix {
  return { data: m.values, nRows: m.nRows, nCols: m.nCols, layout: 'col', names: m.names };
}
