import type { Matrix } from '@leadscore/core';
import type { CvCache } from './cv-cache.js';

/** What {@link Learner.fit} may be given besides the training data. */
export interface LearnerFitOptions {
  /** Held-out rows for early stopping; cross-validation carves them from the end of the training period, never the test block. */
  evalSet?: { matrix: Matrix; labels: ArrayLike<number> };
  /** Aborts the fit. */
  signal?: AbortSignal;
  /**
   * Work shared across fits on the same fold matrices (the boost learners take their bins from it);
   * cross-validation passes its cache (a fold transform's matrices are cached too). @default none
   */
  memo?: CvCache;
  /**
   * Fit on a worker thread with this many threads (cross-validation asks for it to run several fits at
   * once); only learners with `offThread` honour it, and the model must be the one fitted in place.
   * @default on the calling thread, at the learner's own thread count
   */
  offThread?: { nthread: number };
  /**
   * Matrices the caller will pass to `predict` (a fold's training and test rows): a learner fitting
   * off-thread may predict them there, while the calling thread does other work. @default none
   */
  predictOn?: readonly Matrix[];
  /**
   * One of `predictOn`'s matrices that holds the fit's own rows (a fold's training set): `rows[j]` is
   * its row `j`'s index in the fit matrix (`0 .. nFit - 1`), in the eval set (`nFit + k` for eval row
   * `k`), or -1 for a row in neither. A learner may take these rows' probabilities from its training
   * state instead of predicting them, provided they are the ones `predict` gives. @default none
   */
  trainingRows?: { matrix: Matrix; rows: Int32Array };
}

/** A model fitted by a {@link Learner}. */
export interface FittedModel {
  /** Probability of the positive class, one per row. */
  predict(matrix: Matrix): Float64Array;
  /** Rounds kept by early stopping (0-based best round), `null` for learners without it. */
  readonly bestIteration: number | null;
}

/** Anything that fits a binary classifier on a {@link Matrix}: the boost learners, or a user object. */
export interface Learner {
  readonly name: string;
  /** Plain-JSON parameters, recorded in results. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Whether the learner uses `evalSet` (early stopping); cross-validation only carves one if so. */
  readonly usesEvalSet?: boolean;
  /** Threads one fit uses; `crossValidate`'s `parallelFits: 'auto'` runs that many fits at once instead. @default 1 */
  readonly nthread?: number;
  /** Whether `fit` honours `LearnerFitOptions.offThread` (fits on a worker thread). @default false */
  readonly offThread?: boolean;
  fit(matrix: Matrix, labels: ArrayLike<number>, options?: LearnerFitOptions): Promise<FittedModel>;
}
