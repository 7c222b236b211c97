import type { Matrix } from '@leadscore/core';

/** A {@link FoldTransform} fitted on one fold's training rows. */
export interface FittedTransform {
  /** The transformed matrix (a new one; `m` is left as it is). */
  apply(m: Matrix): Matrix;
}

/**
 * A stateful feature transform (levels, encoders, scalers) fitted on a fold's training rows only.
 * `fit` must depend on nothing but its arguments: with a cache, cross-validation fits a transform once
 * per fold training matrix and labels, and reuses what it applied to (so the fold matrices keep their
 * bins across members and trials).
 */
export interface FoldTransform {
  fit(train: Matrix, labels: ArrayLike<number>): FittedTransform;
}
