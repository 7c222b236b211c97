import { readFileSync } from 'node:fs';
import { createMatrix, type FoldList } from '@leadscore/core';
import { cvResultSchema } from '@leadscore/core/results';
import { describe, expect, it } from 'vitest';
import { fitLogisticRegression, logisticBaselineCv, predictLogistic } from '../src/index.js';

interface Fixture {
  X: (number | null)[][];
  y: number[];
  means: number[];
  scales: number[];
  C: { C: number; coefficients: number[]; intercept: number; probabilities: number[] }[];
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/logistic-regression.json', import.meta.url), 'utf8'),
) as Fixture;
const n = fixture.y.length;
const p = fixture.X[0]!.length;
const values = new Float32Array(n * p);
for (let j = 0; j < p; j++) for (let i = 0; i < n; i++) values[j * n + i] = fixture.X[i]![j] ?? Number.NaN;
const matrix = createMatrix(values, n, ['a', 'b', 'c', 'd']);

describe('fitLogisticRegression', () => {
  for (const ref of fixture.C) {
    it(`matches sklearn's imputed, scaled, L2 LogisticRegression at C=${ref.C}`, () => {
      const model = fitLogisticRegression(matrix, fixture.y, { C: ref.C });
      expect(model.converged).toBe(true);
      for (let j = 0; j < p; j++) {
        expect(model.means[j]).toBeCloseTo(fixture.means[j]!, 9);
        expect(model.scales[j]).toBeCloseTo(fixture.scales[j]!, 9);
        expect(model.coefficients[j]).toBeCloseTo(ref.coefficients[j]!, 6);
      }
      expect(model.intercept).toBeCloseTo(ref.intercept, 6);
      const prob = predictLogistic(model, matrix);
      for (let i = 0; i < n; i++) expect(prob[i]).toBeCloseTo(ref.probabilities[i]!, 6);
    });
  }

  it('names the bad parameter and value', () => {
    expect(() => fitLogisticRegression(matrix, fixture.y.slice(1))).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: labels must have 600 values (one per matrix row), found 599]`,
    );
    expect(() => fitLogisticRegression(matrix, fixture.y, { C: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[ValidationError: options.C: too small: expected number to be >0, found 0]`,
    );
    const other = createMatrix(values, n, ['a', 'b', 'c', 'x']);
    expect(() =>
      predictLogistic(fitLogisticRegression(matrix, fixture.y), other),
    ).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: matrix.names must be the model's columns ["a","b","c","d"], found ["a","b","c","x"]]`,
    );
  });
});

describe('logisticBaselineCv', () => {
  it('writes a valid leadscore.cv-result on the given folds, each row out of fold once', () => {
    const rows = Array.from({ length: n }, (_, i) => i);
    const folds: FoldList = {
      format: 'leadscore.folds',
      version: 1,
      method: 'temporal',
      nRows: n,
      options: {},
      folds: [0, 1].map((k) => {
        const train = rows.slice(0, 200 + 200 * k);
        const test = rows.slice(200 + 200 * k, 400 + 200 * k);
        const pos = (r: number[]) => r.reduce((a, i) => a + fixture.y[i]!, 0);
        return {
          index: k,
          train,
          test,
          trainStart: null,
          trainEnd: null,
          testStart: null,
          testEnd: null,
          counts: {
            train: train.length,
            test: test.length,
            trainPositives: pos(train),
            testPositives: pos(test),
            gap: 0,
            purged: 0,
            embargoed: 0,
            groupExcluded: 0,
          },
        };
      }),
    };
    const cv = cvResultSchema.parse(logisticBaselineCv(matrix, fixture.y, folds));
    expect(cv.oof.rows).toEqual(rows.slice(200, 600));
    expect(cv.folds.map((f) => f.test.rows)).toEqual([200, 200]);
    // The planted signal is linear, so the baseline ranks well above the base rate.
    const baseRate = fixture.y.reduce((a, b) => a + b, 0) / n;
    expect(cv.aggregate.test.averagePrecision!).toBeGreaterThan(1.5 * baseRate);
    const first = fitLogisticRegression(matrix, fixture.y, {}, folds.folds[0]!.train);
    const expected = predictLogistic(first, matrix, folds.folds[0]!.test);
    expect(cv.oof.predictions.slice(0, 200)).toEqual(Array.from(expected));
  });
});
