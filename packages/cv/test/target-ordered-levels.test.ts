import { createMatrix, type Matrix, rocAuc } from '@leadscore/core';
import { createRng } from '@leadscore/core/rng';
import { describe, expect, it } from 'vitest';
import { crossValidate, stratifiedFolds, targetOrderedLevels, xgbLearner } from '../src/index.js';

const NA = Number.NaN;

/** A numeric column x and a categorical column c (levels a-d), row-wise values. */
function matrixOf(x: number[], c: number[], levels: string[] = ['a', 'b', 'c', 'd']): Matrix {
  return createMatrix(Float32Array.from([...x, ...c]), x.length, ['x', 'c'], {
    kinds: ['numeric', 'categorical'],
    levels: [null, levels],
  });
}

const column = (m: Matrix, j: number) => Array.from(m.values.subarray(j * m.nRows, (j + 1) * m.nRows));

describe('targetOrderedLevels', () => {
  // a: 1 of 4 positive, b: 3 of 4, c: 0 of 2, d: no rows; one missing code; base rate 4 / 11
  const c = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, NA];
  const y = [1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0];
  const x = c.map((_, i) => i * 10);

  it('orders levels by raw rate with smoothing 0, the unseen level at the base rate', () => {
    // rates: c 0, a 0.25, d (no rows) 4/11 = 0.364, b 0.75
    const fitted = targetOrderedLevels({ smoothing: 0 }).fit(matrixOf(x, c), y);
    const out = fitted.apply(matrixOf(x, c));
    expect(out.levels).toEqual([null, ['c', 'a', 'd', 'b']]);
    expect(column(out, 1)).toEqual([1, 1, 1, 1, 3, 3, 3, 3, 0, 0, NA]);
    expect(column(out, 0)).toEqual(x);
    expect(out.kinds).toEqual(['numeric', 'categorical']);
  });

  it('smooths rates toward the base rate (m-estimate)', () => {
    // a 1 of 4 positive, b 3 of 4, c 2 of 2, d no rows; base rate 6 / 11 = 0.545. Raw rates would give
    // a 0.25, d 0.545, b 0.75, c 1. Smoothing 10: a (1 + 60/11) / 14 = 0.461, b (3 + 60/11) / 14 = 0.604,
    // c (2 + 60/11) / 12 = 0.621, d 0.545
    const y2 = [1, 0, 0, 0, 1, 1, 1, 0, 1, 1, 0];
    const out = targetOrderedLevels().fit(matrixOf(x, c), y2).apply(matrixOf(x, c));
    expect(out.levels[1]).toEqual(['a', 'd', 'b', 'c']);
    // smoothing 1000: a 0.54428, d 0.54545, b 0.54627, c 0.54636, still by rate
    const heavy = targetOrderedLevels({ smoothing: 1000 }).fit(matrixOf(x, c), y2).apply(matrixOf(x, c));
    expect(heavy.levels[1]).toEqual(['a', 'd', 'b', 'c']);
  });

  it('keeps the old order for ties', () => {
    const out = targetOrderedLevels({ smoothing: 0 })
      .fit(matrixOf([1, 2, 3, 4], [3, 2, 1, 0]), [0, 0, 0, 0])
      .apply(matrixOf([1, 2, 3, 4], [3, 2, 1, 0]));
    expect(out.levels[1]).toEqual(['a', 'b', 'c', 'd']);
  });

  it('maps another level list through the level names, and names a level it was not fitted on', () => {
    const fitted = targetOrderedLevels({ smoothing: 0 }).fit(matrixOf(x, c), y);
    // the same rows coded against a reversed level list
    const reversed = matrixOf(
      x,
      c.map((v) => (Number.isNaN(v) ? v : 3 - v)),
      ['d', 'c', 'b', 'a'],
    );
    expect(column(fitted.apply(reversed), 1)).toEqual(column(fitted.apply(matrixOf(x, c)), 1));
    expect(() => fitted.apply(matrixOf([1], [0], ['zz', 'a', 'b', 'c']))).toThrowError(
      /column "c" has level "zz", which the levels were not ordered on/,
    );
    const noColumn = createMatrix(Float32Array.from([1]), 1, ['x']);
    expect(() => fitted.apply(noColumn)).toThrowError(/categorical column "c".*no such column/);
  });

  it('names bad options and labels', () => {
    expect(() => targetOrderedLevels({ smoothing: -1 })).toThrowError(/smoothing/);
    expect(() => targetOrderedLevels({ smooth: 1 } as never)).toThrowError(/smooth/);
    expect(() => targetOrderedLevels().fit(matrixOf(x, c), [1, 0])).toThrowError(
      /labels must have one entry per training row \(11\), found 2/,
    );
    expect(() => targetOrderedLevels().fit(matrixOf([1], [0]), [2])).toThrowError(
      /labels\[0\] must be 0 or 1, found 2/,
    );
  });

  it('lets one stump separate levels that alternate in the fitted order', async () => {
    // 12 levels; the odd ones convert 60 %, the even ones 5 %: no single threshold on the alphabetical
    // codes separates them, one on the rate-ordered codes does
    const rng = createRng(5);
    const n = 6000;
    const levels = Array.from({ length: 12 }, (_, k) => `level_${String(k).padStart(2, '0')}`);
    const code = new Float32Array(n);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      code[i] = Math.floor(rng.next() * 12);
      labels[i] = rng.next() < (code[i]! % 2 === 1 ? 0.6 : 0.05) ? 1 : 0;
    }
    const matrix = createMatrix(code, n, ['c'], { kinds: ['categorical'], levels: [levels] });
    const folds = stratifiedFolds(labels, { nFolds: 3, seed: 1 });
    const learner = xgbLearner({ maxDepth: 1, numRounds: 1, learningRate: 1, earlyStoppingRounds: 0 });
    const plain = await crossValidate({ learner, matrix, labels, folds });
    const ordered = await crossValidate({ learner, matrix, labels, folds, transform: targetOrderedLevels() });
    // the truth's ROC AUC: the level parity itself as the score
    const truth = rocAuc(
      labels,
      Float64Array.from(code, (v) => v % 2),
    );
    expect(ordered.aggregate.test.rocAuc!).toBeCloseTo(truth, 2);
    expect(plain.aggregate.test.rocAuc!).toBeLessThan(truth - 0.1);
  });
});
