import { train } from '@leadscore/boost';
import { createMatrix } from '@leadscore/core';
import { createRng } from '@leadscore/core/rng';
import { describe, expect, it } from 'vitest';
import {
  createCvCache,
  crossValidate,
  type Learner,
  lgbmLearner,
  temporalFolds,
  xgbLearner,
} from '../src/index.js';
import { fitOnWorker } from '../src/learner/fit-pool.js';

const DAY = 86_400_000;

/** 1200 rows over 1200 days, four features (one with missing values). */
function data() {
  const rng = createRng(5);
  const n = 1200;
  const x = new Float32Array(n * 4);
  const labels = new Uint8Array(n);
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 4; j++) x[j * n + i] = j === 3 && rng.next() < 0.3 ? Number.NaN : rng.normal();
    labels[i] = x[i]! - 0.6 * x[n + i]! + 0.8 * rng.normal() > 1.3 ? 1 : 0;
    times[i] = Date.UTC(2023, 0, 1) + i * DAY;
  }
  return { matrix: createMatrix(x, n, ['a', 'b', 'c', 'd']), labels, times };
}

describe('crossValidate parallelFits', () => {
  it('fits folds at once on worker threads with the out-of-fold predictions of one at a time, bit for bit', async () => {
    const { matrix, labels, times } = data();
    const folds = temporalFolds(times, { nFolds: 4, labels });
    for (const learner of [
      xgbLearner({ numRounds: 40, nthread: 2, subsample: 0.8, seed: 9 }),
      lgbmLearner({ numRounds: 40, nthread: 2 }),
    ]) {
      const one = await crossValidate({ learner, matrix, labels, folds, times, parallelFits: 1 });
      const auto = await crossValidate({ learner, matrix, labels, folds, times });
      const cache = createCvCache();
      const three = await crossValidate({ learner, matrix, labels, folds, times, parallelFits: 3, cache });
      for (const r of [auto, three]) {
        expect(r.oof).toEqual(one.oof);
        expect(r.folds.map((f) => [f.bestIteration, f.test, f.train])).toEqual(
          one.folds.map((f) => [f.bestIteration, f.test, f.train]),
        );
      }
    }
  });

  it('a worker fits the model, and predicts the probabilities, the calling thread does', async () => {
    const { matrix, labels } = data();
    const params = { numRounds: 15, maxDepth: 3 };
    const fit = await fitOnWorker({
      data: matrix,
      labels: Float64Array.from(labels),
      params,
      options: { categoricalAsCodes: true },
      predictOn: [matrix],
    });
    const here = await train(matrix, labels, params, { categoricalAsCodes: true });
    expect(fit).not.toBeNull();
    expect(fit!.model).toEqual(here.model);
    expect(fit!.predictions).toEqual([here.predict(matrix)]);
  });

  it('reports progress in fold order and stops like one fold at a time', async () => {
    const { matrix, labels, times } = data();
    const folds = temporalFolds(times, { nFolds: 4, labels });
    const seen: number[] = [];
    await expect(
      crossValidate({
        learner: xgbLearner({ numRounds: 20, nthread: 2 }),
        matrix,
        labels,
        folds,
        times,
        onProgress: (p) => {
          seen.push(p.fold);
          return p.fold < 1;
        },
      }),
    ).rejects.toMatchObject({ completed: [{ index: 0 }, { index: 1 }] });
    expect(seen).toEqual([0, 1]);
  });

  it('aborting stops the fits on the workers with a CancelledError', async () => {
    const { matrix, labels, times } = data();
    const folds = temporalFolds(times, { nFolds: 4, labels });
    const controller = new AbortController();
    const run = crossValidate({
      learner: xgbLearner({ numRounds: 400, earlyStoppingRounds: 0, nthread: 2 }),
      matrix,
      labels,
      folds,
      times,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('enough')), 20);
    await expect(run).rejects.toMatchObject({ name: 'CancelledError' });
    // the pool replaces the stopped workers: the next cross-validation fits as before
    const after = await crossValidate({
      learner: xgbLearner({ numRounds: 10, nthread: 2 }),
      matrix,
      labels,
      folds,
      times,
    });
    expect(after.folds).toHaveLength(4);
  });

  it('names a bad parallelFits', async () => {
    const { matrix, labels, times } = data();
    const folds = temporalFolds(times, { nFolds: 4, labels });
    const learner: Learner = xgbLearner({ numRounds: 5 });
    await expect(
      crossValidate({ learner, matrix, labels, folds, times, parallelFits: 0 }),
    ).rejects.toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: parallelFits must be 'auto' or an integer in [1, 64], found 0]`,
    );
    await expect(
      crossValidate({ learner, matrix, labels, folds, times, parallelFits: 'all' as 'auto' }),
    ).rejects.toThrowError(/parallelFits .*"all"/);
  });
});
