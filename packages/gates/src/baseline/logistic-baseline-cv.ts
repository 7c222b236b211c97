import { averagePrecision, InvalidArgumentError, type Matrix } from '@leadscore/core';
import type { CvFoldResult, CvResult, FoldList } from '@leadscore/core/results';
import {
  fitLogisticRegression,
  type LogisticRegressionOptions,
  predictLogistic,
} from './logistic-regression.js';
import { metricSet, summarise } from './metric-set.js';

function pick(values: ArrayLike<number>, rows: readonly number[]): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]!]!;
  return out;
}

/**
 * Cross-validates an L2 logistic regression on a fold list and returns a `leadscore.cv-result` v1, so the
 * `beats_logistic_baseline` gate compares the candidate with a simple model on exactly the same folds.
 * @example const baseline = logisticBaselineCv(matrix, labels, folds);
 */
export function logisticBaselineCv(
  matrix: Matrix,
  labels: ArrayLike<number>,
  folds: FoldList,
  options: LogisticRegressionOptions = {},
): CvResult {
  if (folds.nRows !== matrix.nRows)
    throw new InvalidArgumentError(
      `folds.nRows must equal matrix.nRows ${matrix.nRows}, found ${folds.nRows}`,
    );
  const results: CvFoldResult[] = [];
  const sum = new Float64Array(matrix.nRows);
  const count = new Int32Array(matrix.nRows);
  const lastFold = new Int32Array(matrix.nRows);
  for (const fold of folds.folds) {
    const started = performance.now();
    const model = fitLogisticRegression(matrix, labels, options, fold.train);
    const fitSeconds = (performance.now() - started) / 1000;
    const trainScores = predictLogistic(model, matrix, fold.train);
    const testScores = predictLogistic(model, matrix, fold.test);
    for (let i = 0; i < fold.test.length; i++) {
      const r = fold.test[i]!;
      sum[r]! += testScores[i]!;
      count[r]!++;
      lastFold[r] = fold.index;
    }
    results.push({
      index: fold.index,
      testStart: fold.testStart,
      testEnd: fold.testEnd,
      train: metricSet(pick(labels, fold.train), trainScores),
      test: metricSet(pick(labels, fold.test), testScores),
      bestIteration: null,
      fitSeconds,
    });
  }
  const rows: number[] = [];
  const oofLabels: (0 | 1)[] = [];
  const predictions: number[] = [];
  const fold: number[] = [];
  for (let r = 0; r < matrix.nRows; r++) {
    if (count[r] === 0) continue;
    rows.push(r);
    oofLabels.push(labels[r] === 1 ? 1 : 0);
    predictions.push(sum[r]! / count[r]!);
    fold.push(lastFold[r]!);
  }
  const test = summarise(results.map((f) => f.test));
  const train = summarise(results.map((f) => f.train));
  const ap = test.mean.averagePrecision;
  const apStd = test.std.averagePrecision;
  const trainAp = train.mean.averagePrecision;
  const hasPositive = oofLabels.some((l) => l === 1);
  return {
    format: 'leadscore.cv-result',
    version: 1,
    learner: { name: 'logistic-regression', params: { penalty: 'l2', C: options.C ?? 1 } },
    features: [...matrix.names],
    folds: results,
    aggregate: {
      test: test.mean,
      testStd: test.std,
      train: train.mean,
      cvCoefficient: ap === null || apStd === null || ap === 0 ? null : apStd / ap,
      trainTestGap: ap === null || trainAp === null || trainAp === 0 ? null : (trainAp - ap) / trainAp,
      oofAveragePrecision:
        rows.length === 0 || !hasPositive ? null : averagePrecision(oofLabels, predictions),
    },
    oof: { rows, labels: oofLabels, predictions, fold },
  };
}
