import {
  averagePrecision,
  CancelledError,
  type CvFoldResult,
  type CvResult,
  type FoldList,
  formatValue,
  InvalidArgumentError,
  type Matrix,
  type MetricSet,
  readFoldList,
} from '@leadscore/core';
import { FoldError } from '../folds/fold-error.js';
import { DAY_MS, readLabels, readTimes } from '../folds/time-input.js';
import { type CvCache, createCvCache } from '../learner/cv-cache.js';
import type { FoldTransform } from '../learner/fold-transform.js';
import type { Learner } from '../learner/learner.js';
import { carveEvalSet } from './eval-carve.js';
import { meanStd, metricSet } from './metric-set.js';

/** Progress of {@link crossValidate}, reported after each fold. */
export interface CvProgress {
  /** Index of the fold just finished. */
  readonly fold: number;
  readonly nFolds: number;
  /** That fold's test metrics. */
  readonly test: MetricSet;
}

/** Arguments of {@link crossValidate}. */
export interface CrossValidateOptions {
  /** What to fit in each fold. */
  learner: Learner;
  /** Features, one row per fold-list row. */
  matrix: Matrix;
  /** 0/1 labels, one per row. */
  labels: ArrayLike<number>;
  /** The folds (`temporalFolds`, `combinatorialPurgedFolds`, `stratifiedFolds`, or read from JSON). */
  folds: FoldList;
  /** Row times; when given, the early-stopping eval set is the latest rows of each training period. @default row order */
  times?: ArrayLike<number> | readonly Date[];
  /** A stateful transform fitted on each fold's training rows only. @default none */
  transform?: FoldTransform;
  /** Fraction of each fold's training rows kept for early stopping (learners with `usesEvalSet`). @default 0.15 */
  evalFraction?: number;
  /** Aborts between folds and inside the learner's fit. @default none */
  signal?: AbortSignal;
  /**
   * Folds fitted at once, each on a worker thread with `floor(nthread / parallelFits)` threads (learners
   * with `offThread`, such as the boost learners; others fit one fold at a time). Results are identical
   * to one fold at a time; memory holds that many fits. `'auto'`: the learner's `nthread` (a learner at
   * `nthread: 2` runs two one-thread fits at once, faster than one two-thread fit on tens of thousands
   * of rows), so a one-thread learner fits in place as before.
   * @default 'auto'
   */
  parallelFits?: 'auto' | number;
  /**
   * Fold matrices and bins shared with other calls on the same `matrix` (members, tuning trials); see
   * {@link createCvCache}. @default a cache for this call only
   */
  cache?: CvCache;
  /** Called after each fold; returning `false` stops (the folds so far are not reported). @default none */
  onProgress?: (progress: CvProgress) => undefined | boolean | Promise<undefined | boolean>;
}

/** Fits run at once: `parallelFits` validated, `'auto'` = the learner's thread count when it can fit off-thread. */
function parallelFitsOf(
  value: CrossValidateOptions['parallelFits'],
  learner: Learner,
  nFolds: number,
): number {
  const v = value ?? 'auto';
  if (v !== 'auto' && !(Number.isInteger(v) && v >= 1 && v <= 64)) {
    throw new InvalidArgumentError(
      `parallelFits must be 'auto' or an integer in [1, 64], found ${formatValue(v)}`,
      {
        details: { parameter: 'parallelFits', value: v },
      },
    );
  }
  if (learner.offThread !== true) return 1;
  const wanted = v === 'auto' ? (learner.nthread ?? 1) : v;
  return Math.max(1, Math.min(wanted, nFolds));
}

function checkAborted(signal: AbortSignal | undefined, fold: number): void {
  if (signal?.aborted) {
    throw new CancelledError(`crossValidate was aborted before fold ${fold}`, { cause: signal.reason });
  }
}

/** Thrown from {@link crossValidate} when `onProgress` returned `false`; carries the folds done so far. */
export class CvStoppedError extends CancelledError {
  /** Per-fold results of the folds completed. */
  readonly completed: readonly CvFoldResult[];
  constructor(completed: readonly CvFoldResult[]) {
    super(`crossValidate was stopped by onProgress after ${completed.length} folds`);
    this.completed = completed;
  }
}

/**
 * Cross-validates `learner` on `folds`: per fold, fits (transform and learner) on the training rows only,
 * with early stopping on the latest training rows, and scores train and test; aggregates means, spread,
 * CV coefficient, train-test gap and pooled out-of-fold predictions into a `leadscore.cv-result` v1.
 * @example const result = await crossValidate({ learner: xgbLearner(), matrix, labels, folds, times });
 */
export async function crossValidate(options: CrossValidateOptions): Promise<CvResult> {
  const { learner, matrix, folds: rawFolds, transform, signal, onProgress } = options;
  const folds = readFoldList(rawFolds);
  const labels = readLabels(options.labels);
  if (labels.length !== matrix.nRows || folds.nRows !== matrix.nRows) {
    throw new InvalidArgumentError(
      `labels and folds must cover the matrix rows (${matrix.nRows}), found ${labels.length} labels and folds.nRows = ${folds.nRows}`,
      { details: { parameter: 'labels' } },
    );
  }
  const times = options.times === undefined ? null : readTimes(options.times, 'times');
  if (times !== null && times.length !== matrix.nRows) {
    throw new InvalidArgumentError(
      `times must have one entry per row (${matrix.nRows}), found ${times.length}`,
      {
        details: { parameter: 'times' },
      },
    );
  }
  const evalFraction = options.evalFraction ?? 0.15;
  if (!(evalFraction > 0 && evalFraction < 1)) {
    throw new InvalidArgumentError(`evalFraction must be in (0, 1), found ${evalFraction}`, {
      details: { parameter: 'evalFraction', value: evalFraction },
    });
  }
  const horizonDays = folds.options.labelHorizonDays;
  const horizonMs = typeof horizonDays === 'number' ? horizonDays * DAY_MS : 0;
  const oofSum = new Float64Array(matrix.nRows);
  const oofCount = new Uint32Array(matrix.nRows);
  const oofFold = new Int32Array(matrix.nRows).fill(-1);
  const results: CvFoldResult[] = [];
  const cache = options.cache ?? createCvCache();
  const rowsOf = (rows: readonly number[]) => cache.rows(matrix, rows);
  const pick = (rows: readonly number[]) => {
    const y = new Uint8Array(rows.length);
    for (let k = 0; k < rows.length; k++) y[k] = labels[rows[k]!]!;
    return y;
  };
  const parallel = parallelFitsOf(options.parallelFits, learner, folds.folds.length);
  const offThread =
    parallel > 1
      ? { offThread: { nthread: Math.max(1, Math.floor((learner.nthread ?? 1) / parallel)) } }
      : {};
  const fitFold = async (fold: (typeof folds.folds)[number]) => {
    const started = performance.now();
    let fitRows = fold.train;
    let evalRows: number[] | null = null;
    if (learner.usesEvalSet === true) {
      const carve = carveEvalSet(fold.train, times, evalFraction, horizonMs);
      if (carve.fit.length === 0 || !carve.fit.some((i) => labels[i] === 1)) {
        throw new FoldError(
          fold.index,
          `keeping the latest ${evalFraction} of ${fold.train.length} training rows for early stopping leaves no positive training rows; lower evalFraction or use fixed rounds (earlyStoppingRounds: 0)`,
        );
      }
      fitRows = carve.fit;
      evalRows = carve.evalRows;
    }
    let fitMatrix = rowsOf(fitRows);
    const fitLabels = pick(fitRows);
    let apply: (m: Matrix) => Matrix = (m) => m;
    if (transform !== undefined) {
      // fitted once per fold rows in this cache; the same transformed matrices keep their bins
      const fitted = cache.fitTransform(transform, fitMatrix, fitLabels);
      apply = (m) => fitted.apply(m);
      fitMatrix = apply(fitMatrix);
    }
    const trainMatrix = apply(rowsOf(fold.train));
    const testMatrix = apply(rowsOf(fold.test));
    const model = await learner.fit(fitMatrix, fitLabels, {
      predictOn: [trainMatrix, testMatrix],
      trainingRows: {
        matrix: trainMatrix,
        rows: trainingRowsOf(matrix.nRows, fold.train, fitRows, evalRows),
      },
      ...(evalRows === null ? {} : { evalSet: { matrix: apply(rowsOf(evalRows)), labels: pick(evalRows) } }),
      ...(signal === undefined ? {} : { signal }),
      memo: cache,
      ...offThread,
    });
    return { model, trainMatrix, testMatrix, fitSeconds: (performance.now() - started) / 1000 };
  };
  // up to `parallel` fits in flight; results are taken (and reported) in fold order, so they do not
  // depend on which fit finished first
  const inFlight: ReturnType<typeof fitFold>[] = [];
  let started = 0;
  const startNext = () => {
    const fold = folds.folds[started++]!;
    checkAborted(signal, fold.index);
    const p = fitFold(fold);
    // a later fold's failure is raised when its turn comes, not as an unhandled rejection meanwhile
    p.catch(() => {});
    inFlight.push(p);
  };
  for (const fold of folds.folds) {
    while (started < folds.folds.length && inFlight.length < parallel) startNext();
    const { model, trainMatrix, testMatrix, fitSeconds } = await inFlight.shift()!;
    const trainPred = model.predict(trainMatrix);
    const testPred = model.predict(testMatrix);
    for (let k = 0; k < fold.test.length; k++) {
      const r = fold.test[k]!;
      oofSum[r]! += testPred[k]!;
      oofCount[r]!++;
      if (oofFold[r] === -1) oofFold[r] = fold.index;
    }
    const result: CvFoldResult = {
      index: fold.index,
      testStart: fold.testStart,
      testEnd: fold.testEnd,
      train: metricSet(pick(fold.train), trainPred),
      test: metricSet(pick(fold.test), testPred),
      bestIteration: model.bestIteration,
      fitSeconds,
    };
    results.push(result);
    if (onProgress !== undefined) {
      const go = await onProgress({ fold: fold.index, nFolds: folds.folds.length, test: result.test });
      if (go === false) throw new CvStoppedError(results);
    }
  }
  return summarise(learner, matrix, labels, results, { oofSum, oofCount, oofFold });
}

/**
 * Where each of a fold's training rows is among the fit rows, then the eval rows (`nFit + k`), or -1
 * (purged between the fit rows and the eval block): `LearnerFitOptions.trainingRows`.
 */
function trainingRowsOf(
  nRows: number,
  train: readonly number[],
  fitRows: readonly number[],
  evalRows: readonly number[] | null,
): Int32Array {
  const at = new Int32Array(nRows).fill(-1);
  for (let k = 0; k < fitRows.length; k++) at[fitRows[k]!] = k;
  if (evalRows !== null) for (let k = 0; k < evalRows.length; k++) at[evalRows[k]!] = fitRows.length + k;
  const rows = new Int32Array(train.length);
  for (let j = 0; j < train.length; j++) rows[j] = at[train[j]!]!;
  return rows;
}

function summarise(
  learner: Learner,
  matrix: Matrix,
  labels: Uint8Array,
  folds: CvFoldResult[],
  oof: { oofSum: Float64Array; oofCount: Uint32Array; oofFold: Int32Array },
): CvResult {
  const test = meanStd(folds.map((f) => f.test));
  const train = meanStd(folds.map((f) => f.train));
  const testAp = test.mean.averagePrecision;
  const trainAp = train.mean.averagePrecision;
  const rows: number[] = [];
  const oofLabels: (0 | 1)[] = [];
  const predictions: number[] = [];
  const fold: number[] = [];
  for (let i = 0; i < matrix.nRows; i++) {
    const c = oof.oofCount[i]!;
    if (c === 0) continue;
    rows.push(i);
    oofLabels.push(labels[i] as 0 | 1);
    predictions.push(oof.oofSum[i]! / c);
    fold.push(oof.oofFold[i]!);
  }
  const anyPositive = oofLabels.includes(1);
  return {
    format: 'leadscore.cv-result',
    version: 1,
    learner: { name: learner.name, params: JSON.parse(JSON.stringify(learner.params)) },
    features: [...matrix.names],
    folds,
    aggregate: {
      test: test.mean,
      testStd: test.std,
      train: train.mean,
      cvCoefficient: testAp !== null && testAp > 0 ? test.std.averagePrecision! / testAp : null,
      trainTestGap: trainAp !== null && testAp !== null && trainAp > 0 ? (trainAp - testAp) / trainAp : null,
      oofAveragePrecision: anyPositive ? averagePrecision(oofLabels, predictions) : null,
    },
    oof: { rows, labels: oofLabels, predictions, fold },
  };
}
