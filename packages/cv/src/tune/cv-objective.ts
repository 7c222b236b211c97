import type { CvResult, FoldList, Matrix, MetricSet } from '@leadscore/core';
import { InvalidArgumentError } from '@leadscore/core';
import { type CrossValidateOptions, crossValidate } from '../cross-validate/cross-validate.js';
import type { Learner } from '../learner/learner.js';
import type { Trial } from './trial.js';

/** What {@link cvObjective} and {@link scoreHoldout} cross-validate on. */
export interface CvData {
  matrix: Matrix;
  labels: ArrayLike<number>;
  folds: FoldList;
  /** Row times, for the early-stopping eval set. @default row order */
  times?: CrossValidateOptions['times'];
  /** Fitted inside each fold. @default none */
  transform?: CrossValidateOptions['transform'];
  /** @default 0.15 */
  evalFraction?: number;
  /** @default none */
  signal?: AbortSignal;
  /** Shared by every trial's cross-validation (see {@link createCvCache}). @default one per call */
  cache?: CrossValidateOptions['cache'];
}

function cvArgs(data: CvData, learner: Learner, folds: FoldList): CrossValidateOptions {
  return {
    learner,
    matrix: data.matrix,
    labels: data.labels,
    folds,
    ...(data.times === undefined ? {} : { times: data.times }),
    ...(data.transform === undefined ? {} : { transform: data.transform }),
    ...(data.evalFraction === undefined ? {} : { evalFraction: data.evalFraction }),
    ...(data.signal === undefined ? {} : { signal: data.signal }),
    ...(data.cache === undefined ? {} : { cache: data.cache }),
  };
}

/**
 * An objective for {@link tune} that cross-validates `learner(params)`, reporting the running mean test
 * AUC-PR after each fold as a step so the median pruner can stop a poor trial after any fold.
 * @example objective: cvObjective((p) => xgbLearner(p), { matrix, labels, folds, times })
 */
export function cvObjective<P>(
  learner: (params: P) => Learner,
  data: CvData,
): (params: P, trial: Trial) => Promise<CvResult> {
  return (params, trial) => {
    let sum = 0;
    let n = 0;
    return crossValidate({
      ...cvArgs(data, learner(params), data.folds),
      onProgress: (p) => {
        sum += p.test.averagePrecision ?? 0;
        n++;
        trial.report(sum / n, p.fold);
        return trial.shouldPrune() ? false : undefined;
      },
    });
  };
}

/**
 * Fits `learner` once on the holdout's training rows (early stopping on their latest rows, as in CV) and
 * scores the untouched holdout block: the estimate tuning never saw.
 * @example const holdout = await scoreHoldout(xgbLearner(best), { matrix, labels, folds, times });
 */
export async function scoreHoldout(learner: Learner, data: CvData): Promise<MetricSet> {
  const h = data.folds.holdout;
  if (h === undefined || h === null) {
    throw new InvalidArgumentError(
      'folds.holdout must be a fold; make the folds with temporalFolds(times, { holdoutDays })',
      {
        details: { parameter: 'folds.holdout' },
      },
    );
  }
  const single: FoldList = { ...data.folds, folds: [{ ...h, index: 0 }], holdout: null };
  const r = await crossValidate(cvArgs(data, learner, single));
  return r.folds[0]!.test;
}
