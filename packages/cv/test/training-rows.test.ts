import { Booster, train } from '@leadscore/boost';
import { createMatrix, type Matrix, takeRows } from '@leadscore/core';
import { createRng } from '@leadscore/core/rng';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  crossValidate,
  type FittedModel,
  type Learner,
  lgbmLearner,
  temporalFolds,
  xgbLearner,
} from '../src/index.js';
import { fitOnWorker } from '../src/learner/fit-pool.js';

const DAY = 86_400_000;

/** 1500 rows over 1500 days, five features (one with missing values, one of level codes). */
function data() {
  const rng = createRng(17);
  const n = 1500;
  const x = new Float32Array(n * 5);
  const labels = new Uint8Array(n);
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 3; j++) x[j * n + i] = j === 2 && rng.next() < 0.3 ? Number.NaN : rng.normal();
    x[3 * n + i] = rng.int(4);
    x[4 * n + i] = rng.int(30);
    labels[i] = x[i]! - 0.6 * x[n + i]! + (x[3 * n + i] === 1 ? 0.7 : 0) + 0.8 * rng.normal() > 1.2 ? 1 : 0;
    times[i] = Date.UTC(2023, 0, 1) + i * DAY;
  }
  const matrix = createMatrix(x, n, ['a', 'b', 'c', 'source', 'visits'], {
    kinds: ['numeric', 'numeric', 'numeric', 'categorical', 'numeric'],
    levels: [null, null, null, ['web', 'event', 'partner', 'referral'], null],
  });
  return { matrix, labels, times };
}

/**
 * `learner`, with every probability its models return recorded (bytes, in call order); `hide` drops
 * `trainingRows` from the fit options, so the training rows are predicted by walking the trees.
 */
function recording(learner: Learner, hide: boolean) {
  const seen: { nRows: number; bytes: Buffer }[] = [];
  const purged: number[] = [];
  const wrapped: Learner = {
    ...learner,
    async fit(matrix, labels, options = {}) {
      const { trainingRows, ...rest } = options;
      if (trainingRows !== undefined) purged.push(trainingRows.rows.filter((r) => r === -1).length);
      const model = await learner.fit(matrix, labels, hide ? rest : options);
      return {
        bestIteration: model.bestIteration,
        predict(m: Matrix) {
          const p = model.predict(m);
          seen.push({ nRows: m.nRows, bytes: Buffer.from(p.buffer, p.byteOffset, p.byteLength) });
          return p;
        },
      } satisfies FittedModel;
    },
  };
  return { learner: wrapped, seen, purged };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('crossValidate trainingRows', () => {
  const { matrix, labels, times } = data();
  // a 20-day label horizon purges the fit rows whose window reaches the eval block: rows in neither set
  const folds = temporalFolds(times, { nFolds: 4, labels, labelHorizonDays: 20 });
  const learners: [string, Learner][] = [
    ['depth-wise, subsample 0.8', xgbLearner({ numRounds: 60, subsample: 0.8, seed: 4 })],
    ['loss-guided', lgbmLearner({ numRounds: 50 })],
    ['loss-guided, subsample 0.6', lgbmLearner({ numRounds: 50, subsample: 0.6, seed: 2 })],
    ['fixed rounds, no eval set', xgbLearner({ numRounds: 40, earlyStoppingRounds: 0 })],
  ];

  it.each(learners)(
    'train and test probabilities are bit-identical to predicting them: %s',
    async (_, base) => {
      for (const parallelFits of [1, 2]) {
        const fast = recording(base, false);
        const slow = recording(base, true);
        const a = await crossValidate({ learner: fast.learner, matrix, labels, folds, times, parallelFits });
        const b = await crossValidate({ learner: slow.learner, matrix, labels, folds, times, parallelFits });
        expect(fast.seen.length).toBe(2 * folds.folds.length);
        expect(fast.seen).toEqual(slow.seen);
        expect(a.folds).toEqual(b.folds.map((f, k) => ({ ...f, fitSeconds: a.folds[k]!.fitSeconds })));
        expect(a.oof).toEqual(b.oof);
        // with an eval set, the purge leaves training rows in neither the fit nor the eval rows
        if (base.usesEvalSet === true) expect(fast.purged.some((c) => c > 0)).toBe(true);
        else expect(fast.purged.every((c) => c === 0)).toBe(true);
      }
    },
  );

  it('the boost learners do not walk the trees for the training rows', async () => {
    const fitRows = Array.from({ length: 900 }, (_, i) => i);
    const evalRows = Array.from({ length: 200 }, (_, i) => 920 + i);
    const trainRows = Array.from({ length: 1120 }, (_, i) => i);
    const fit = takeRows(matrix, fitRows);
    const trainMatrix = takeRows(matrix, trainRows);
    const testMatrix = takeRows(
      matrix,
      Array.from({ length: 300 }, (_, i) => 1150 + i),
    );
    const rows = Int32Array.from(trainRows, (r) => (r < 900 ? r : r < 920 ? -1 : 900 + r - 920));
    const options = {
      evalSet: { matrix: takeRows(matrix, evalRows), labels: Uint8Array.from(evalRows, (r) => labels[r]!) },
      predictOn: [trainMatrix, testMatrix],
    };
    const y = Uint8Array.from(fitRows, (r) => labels[r]!);
    const learner = xgbLearner({ numRounds: 100 });
    const reference = (await learner.fit(fit, y, options)).predict(trainMatrix);
    const predict = vi.spyOn(Booster.prototype, 'predict');
    const model = await learner.fit(fit, y, { ...options, trainingRows: { matrix: trainMatrix, rows } });
    const p = model.predict(trainMatrix);
    expect(Buffer.from(p.buffer)).toEqual(Buffer.from(reference.buffer));
    // only the 20 rows in neither set were predicted, and the test rows
    expect(predict.mock.calls.map(([m]) => m.nRows)).toEqual([20]);
    model.predict(testMatrix);
    expect(predict.mock.calls.map(([m]) => m.nRows)).toEqual([20, 300]);
  });

  it('a worker sends back the margins train kept, those of a fit in place', async () => {
    const y = Float64Array.from(labels);
    const options = { categoricalAsCodes: true, keepMargins: true };
    const fit = await fitOnWorker({
      data: matrix,
      labels: y,
      params: { numRounds: 12 },
      options,
      predictOn: [],
    });
    const here = await train(matrix, y, { numRounds: 12 }, options);
    expect(fit).not.toBeNull();
    expect(fit!.margins).not.toBeNull();
    expect(fit!.margins).toEqual(here.trainingLog!.margins);
  });
});
