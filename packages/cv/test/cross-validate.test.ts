import { averagePrecision, createMatrix, type Matrix, readCvResult, rocAuc } from '@leadscore/core';
import { createRng } from '@leadscore/core/rng';
import { describe, expect, it } from 'vitest';
import { crossValidate, type Learner, stratifiedFolds, temporalFolds, xgbLearner } from '../src/index.js';

const DAY = 86_400_000;

/** 600 rows over 600 days; label = 1 when the noisy signal x0 is high. */
function data() {
  const rng = createRng(3);
  const n = 600;
  const x = new Float32Array(n * 2);
  const labels = new Uint8Array(n);
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng.normal();
    x[n + i] = rng.normal();
    labels[i] = x[i]! + 0.7 * rng.normal() > 1 ? 1 : 0;
    times[i] = Date.UTC(2024, 0, 1) + i * DAY;
  }
  return { matrix: createMatrix(x, n, ['x0', 'x1']), labels, times };
}

/** A user learner: scores each row by its first column, squashed, and records what it was fitted on. */
function firstColumnLearner(seen: number[][]): Learner {
  return {
    name: 'first-column',
    params: {},
    async fit(matrix: Matrix) {
      seen.push(Array.from(matrix.values.subarray(matrix.nRows, 2 * matrix.nRows)));
      return {
        predict: (m: Matrix) =>
          Float64Array.from(m.values.subarray(0, m.nRows), (v) => 1 / (1 + Math.exp(-v))),
        bestIteration: null,
      };
    },
  };
}

describe('crossValidate', () => {
  it('scores each fold on its own rows and aggregates as documented', async () => {
    const { matrix, labels, times } = data();
    const folds = temporalFolds(times, { nFolds: 4, labels });
    const seen: number[][] = [];
    const progress: number[] = [];
    const r = await crossValidate({
      learner: firstColumnLearner(seen),
      matrix,
      labels,
      folds,
      times,
      onProgress: (p) => {
        progress.push(p.fold);
        return undefined;
      },
    });
    expect(readCvResult(JSON.parse(JSON.stringify(r)))).toEqual(r);
    expect(progress).toEqual([0, 1, 2, 3]);
    // the learner saw exactly each fold's training rows (the user learner takes no eval set)
    expect(seen[2]).toEqual(folds.folds[2]!.train.map((i) => matrix.values[600 + i]!));
    const aps = folds.folds.map((f) => {
      const y = f.test.map((i) => labels[i]!);
      const s = f.test.map((i) => 1 / (1 + Math.exp(-matrix.values[i]!)));
      expect(r.folds[f.index]!.test.rocAuc).toBeCloseTo(rocAuc(y, s), 12);
      return averagePrecision(y, s);
    });
    const mean = aps.reduce((a, b) => a + b) / aps.length;
    const std = Math.sqrt(aps.reduce((a, b) => a + (b - mean) ** 2, 0) / aps.length);
    expect(r.aggregate.test.averagePrecision).toBeCloseTo(mean, 12);
    expect(r.aggregate.cvCoefficient).toBeCloseTo(std / mean, 12);
    const trainAp = r.aggregate.train.averagePrecision!;
    expect(r.aggregate.trainTestGap).toBeCloseTo((trainAp - mean) / trainAp, 12);
    const oofRows = folds.folds.flatMap((f) => f.test).sort((a, b) => a - b);
    expect(r.oof.rows).toEqual(oofRows);
    expect(r.oof.fold[0]).toBe(0);
  });

  it('early stopping sees only the latest training rows, never the test block', async () => {
    const { matrix, labels, times } = data();
    const folds = temporalFolds(times, { nFolds: 3, labels });
    const fitted: { fit: number; eval: number }[] = [];
    const learner: Learner = {
      name: 'spy',
      params: {},
      usesEvalSet: true,
      async fit(m, _y, options) {
        const evalFirst = options!.evalSet!.matrix;
        // the rows are identified by x1, which is unique per row
        const ids = (mm: Matrix) => Array.from(mm.values.subarray(mm.nRows, 2 * mm.nRows));
        const pos = (v: number) => Array.from(matrix.values.subarray(600, 1200)).indexOf(v);
        fitted.push({ fit: Math.max(...ids(m).map(pos)), eval: Math.min(...ids(evalFirst).map(pos)) });
        return { predict: (x) => new Float64Array(x.nRows).fill(0.5), bestIteration: 7 };
      },
    };
    const r = await crossValidate({ learner, matrix, labels, folds, times, evalFraction: 0.2 });
    folds.folds.forEach((f, k) => {
      const trainEnd = Math.max(...f.train);
      // eval rows come after every fit row, with the 30-day label horizon between them, and end with training
      expect(fitted[k]!.eval).toBeGreaterThan(fitted[k]!.fit + 30);
      expect(fitted[k]!.eval).toBeLessThanOrEqual(trainEnd);
      expect(fitted[k]!.eval).toBeLessThan(Math.min(...f.test));
    });
    expect(r.folds.map((f) => f.bestIteration)).toEqual([7, 7, 7]);
  });

  it('fits transforms inside each fold only', async () => {
    const { matrix, labels, times } = data();
    const folds = temporalFolds(times, { nFolds: 2, labels });
    const fittedOn: number[] = [];
    await crossValidate({
      learner: firstColumnLearner([]),
      matrix,
      labels,
      folds,
      times,
      transform: {
        fit(train) {
          fittedOn.push(train.nRows);
          return { apply: (m) => m };
        },
      },
    });
    expect(fittedOn).toEqual(folds.folds.map((f) => f.train.length));
  });

  it('trains the boost learner with early stopping and reports its best iteration', async () => {
    const { matrix, labels } = data();
    const folds = stratifiedFolds(labels, { nFolds: 3, seed: 1 });
    const r = await crossValidate({
      learner: xgbLearner({ numRounds: 200, learningRate: 0.1, earlyStoppingRounds: 10 }),
      matrix,
      labels,
      folds,
    });
    for (const f of r.folds) {
      expect(f.bestIteration).not.toBeNull();
      expect(f.bestIteration!).toBeLessThan(200);
      expect(f.test.rocAuc!).toBeGreaterThan(0.8);
    }
  });

  it('honours an aborted signal', async () => {
    const { matrix, labels, times } = data();
    const ac = new AbortController();
    ac.abort();
    await expect(
      crossValidate({
        learner: firstColumnLearner([]),
        matrix,
        labels,
        folds: temporalFolds(times, { labels }),
        signal: ac.signal,
      }),
    ).rejects.toThrow(/aborted before fold 0/);
  });
});
