import { readFileSync } from 'node:fs';
import { fromRows } from '@leadscore/core/matrix';
import { describe, expect, it } from 'vitest';
import { averagePrecision } from '../src/train/eval-metrics.js';
import { train } from '../src/train/train.js';
import { trainParamsOf, type XgbTree } from './xgboost-params.js';

// Recorded by fixtures/make_train_parity.py with XGBoost 1.7.4 (tree_method hist).
const fixtureUrl = new URL('./fixtures/train_parity.json', import.meta.url);
const dataUrl = new URL('./fixtures/train_parity_data.bin', import.meta.url);

interface Case {
  params: Record<string, number | string>;
  weighted: boolean;
  rounds: number;
  trees: XgbTree[];
  ap: number;
  margins3: number[];
  margins: number[];
}
const fixture = JSON.parse(readFileSync(fixtureUrl, 'utf8')) as {
  n: number;
  p: number;
  nTrain: number;
  cases: Record<string, Case>;
};
const raw = readFileSync(dataUrl);
const all = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
const { n, p, nTrain } = fixture;
const X = all.subarray(0, n * p);
const y = all.subarray(n * p, n * p + n);
const w = all.subarray(n * p + n, n * p + 2 * n);
const train_ = fromRows(X.slice(0, nTrain * p), nTrain);
const test = fromRows(X.slice(nTrain * p), n - nTrain);
const yTrain = Array.from(y.subarray(0, nTrain));
const yTest = y.slice(nTrain);

function maxAbsDiff(a: Float64Array, b: number[]): number {
  let d = 0;
  for (let i = 0; i < b.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

describe('training parity with XGBoost 1.7.4 hist', () => {
  for (const [name, c] of Object.entries(fixture.cases)) {
    it(`${name}: first three trees match XGBoost's splits, and the model predicts like it`, async () => {
      const booster = await train(
        train_,
        yTrain,
        trainParamsOf(c.params, c.rounds),
        c.weighted ? { weights: Array.from(w.subarray(0, nTrain)) } : {},
      );
      for (let k = 0; k < 3; k++) {
        const ours = booster.model.trees[k]!;
        const theirs = c.trees[k]!;
        expect(Array.from(ours.left)).toEqual(theirs.left_children);
        expect(Array.from(ours.splitFeature)).toEqual(theirs.split_indices);
        expect(Array.from(ours.defaultLeft)).toEqual(theirs.default_left);
        const internal = theirs.left_children.map((l) => l >= 0);
        theirs.split_conditions.forEach((v, i) => {
          if (internal[i]) expect(ours.threshold[i]).toBe(Math.fround(v));
          else expect(ours.leafValue[i]).toBeCloseTo(v, 6);
        });
        theirs.sum_hessian.forEach((v, i) => {
          expect(Math.abs(ours.sumHessian[i]! - v)).toBeLessThan(1e-4 * Math.max(1, Math.abs(v)));
        });
        theirs.loss_changes.forEach((v, i) => {
          expect(Math.abs(ours.lossChange[i]! - v)).toBeLessThan(1e-4 * Math.max(1, Math.abs(v)));
        });
        theirs.base_weights.forEach((v, i) => {
          expect(ours.baseWeight[i]).toBeCloseTo(v, 5);
        });
      }
      const m3 = booster.predictMargin(test, { iterationRange: [0, 3] });
      expect(maxAbsDiff(m3, c.margins3)).toBeLessThan(1e-5);
      // after all rounds the trees are still XGBoost's: margins agree to float32 rounding
      const m = booster.predictMargin(test);
      expect(maxAbsDiff(m, c.margins)).toBeLessThan(1e-4);
      const ap = averagePrecision(yTest, booster.predict(test), null);
      expect(Math.abs(ap - c.ap)).toBeLessThan(0.003);
    });
  }
});
