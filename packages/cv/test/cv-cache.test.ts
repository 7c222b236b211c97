import { createMatrix, type Matrix } from '@leadscore/core';
import { createRng } from '@leadscore/core/rng';
import { describe, expect, it } from 'vitest';
import {
  createCvCache,
  crossValidate,
  type Learner,
  lgbmLearner,
  targetOrderedLevels,
  temporalFolds,
  xgbLearner,
} from '../src/index.js';

const DAY = 86_400_000;

/** 900 rows over 900 days, three features (one with missing values); label from a noisy x0 + x2. */
function data() {
  const rng = createRng(11);
  const n = 900;
  const x = new Float32Array(n * 3);
  const labels = new Uint8Array(n);
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng.normal();
    x[n + i] = rng.normal();
    x[2 * n + i] = rng.next() < 0.2 ? Number.NaN : rng.normal();
    const x2 = Number.isNaN(x[2 * n + i]!) ? 0 : x[2 * n + i]!;
    labels[i] = x[i]! + 0.5 * x2 + 0.7 * rng.normal() > 1.2 ? 1 : 0;
    times[i] = Date.UTC(2024, 0, 1) + i * DAY;
  }
  return { matrix: createMatrix(x, n, ['x0', 'x1', 'x2']), labels, times };
}

/** `learner` without the shared memo: it bins inside boost's train, as a fit on its own does. */
function withoutMemo(learner: Learner): Learner {
  return {
    ...learner,
    fit: (m, y, options = {}) => {
      const { memo: _memo, ...rest } = options;
      return learner.fit(m, y, rest);
    },
  };
}

describe('createCvCache', () => {
  it('gives the same out-of-fold predictions, bit for bit, as fits without a shared cache', async () => {
    const { matrix, labels, times } = data();
    const folds = temporalFolds(times, { nFolds: 3, labels });
    const cache = createCvCache();
    for (const learner of [
      xgbLearner({ numRounds: 30, subsample: 0.8, seed: 3 }),
      lgbmLearner({ numRounds: 30 }),
    ]) {
      const alone = await crossValidate({ learner: withoutMemo(learner), matrix, labels, folds, times });
      const shared = await crossValidate({ learner, matrix, labels, folds, times, cache });
      const again = await crossValidate({ learner, matrix, labels, folds, times, cache });
      expect(shared.oof).toEqual(alone.oof);
      expect(again.oof).toEqual(alone.oof);
      expect(shared.folds.map((f) => f.bestIteration)).toEqual(alone.folds.map((f) => f.bestIteration));
    }
  });

  it('copies equal row lists once and bins a matrix once per maxBin', () => {
    const { matrix } = data();
    const cache = createCvCache();
    const a = cache.rows(matrix, [5, 1, 7]);
    expect(cache.rows(matrix, [5, 1, 7])).toBe(a);
    expect(cache.rows(matrix, [5, 1, 8])).not.toBe(a);
    expect(Array.from(a.values.subarray(0, 3))).toEqual([
      matrix.values[5],
      matrix.values[1],
      matrix.values[7],
    ]);
    const sub = cache.rows(
      matrix,
      Array.from({ length: 400 }, (_, i) => i),
    );
    const b = cache.bins(sub, 256);
    expect(cache.bins(sub, 256)).toBe(b);
    expect(cache.bins(sub, 16)).not.toBe(b);
    expect(cache.bins(sub, 16).mapper.maxBin).toBe(16);
    const evalRows = cache.rows(matrix, [600, 601, 602]);
    expect(cache.binWith(evalRows, b.mapper)).toBe(cache.binWith(evalRows, b.mapper));
  });

  it('fits a fold transform once per fold rows and labels, and keeps its matrices and their bins', async () => {
    const { matrix, labels, times } = data();
    // x1 as a categorical column of 4 levels
    const n = matrix.nRows;
    const values = Float32Array.from(matrix.values);
    for (let i = 0; i < n; i++) values[n + i] = i % 4;
    const m = createMatrix(values, n, matrix.names, {
      kinds: ['numeric', 'categorical', 'numeric'],
      levels: [null, ['a', 'b', 'c', 'd'], null],
    });
    const folds = temporalFolds(times, { nFolds: 3, labels });
    const order = targetOrderedLevels();
    let fits = 0;
    const counted = {
      fit: (train: Matrix, y: ArrayLike<number>) => {
        fits++;
        return order.fit(train, y);
      },
    };
    const learner = xgbLearner({ numRounds: 20, seed: 3 });
    const alone = await crossValidate({
      learner: withoutMemo(learner),
      matrix: m,
      labels,
      folds,
      times,
      transform: order,
    });
    const cache = createCvCache();
    const viaCache = (y: ArrayLike<number>) =>
      crossValidate({ learner, matrix: m, labels: y, folds, times, transform: counted, cache });
    const first = await viaCache(labels);
    const second = await viaCache(labels);
    expect(fits).toBe(3);
    expect(first.oof).toEqual(alone.oof);
    expect(second.oof).toEqual(alone.oof);
    // other labels on the same rows are another fit (row 0 is in every fold's training rows)
    const flipped = Uint8Array.from(labels, (y, i) => (i === 0 ? 1 - y : y));
    await viaCache(flipped);
    expect(fits).toBe(6);
    const fold = folds.folds[0]!;
    const fitted = cache.fitTransform(
      counted,
      cache.rows(m, fold.train),
      Uint8Array.from(fold.train, (i) => labels[i]!),
    );
    const test = cache.rows(m, fold.test);
    expect(fitted.apply(test)).toBe(fitted.apply(test));
  });

  it('names maxBin when it is not a valid bin count', () => {
    const { matrix } = data();
    expect(() => createCvCache().bins(matrix, 1)).toThrowError(/maxBin/);
  });
});
