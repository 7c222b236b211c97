import { describe, it } from 'vitest';
import { FIXTURES } from './model-fixtures.js';
import {
  expectSameTrees,
  expectThresholdsAreCuts,
  loadSketchFixture,
  SKETCH_CASES,
} from './sketch-parity.js';

// Recorded by `/usr/bin/python3 packages/boost/test/fixtures/make_sketch_parity.py` (XGBoost 1.7.4):
// 20k x 8 skewed columns, most with thousands of distinct values, 10-30 % NaN.
const fx = loadSketchFixture(FIXTURES);

describe('training parity with XGBoost 1.7.4 hist on columns with many distinct values (its sketched cuts)', () => {
  for (const name of SKETCH_CASES) {
    it(`${name}: every split threshold of XGBoost's model is one of our cuts`, () => {
      expectThresholdsAreCuts(fx, name);
    });
    it(`${name}: the first three trees equal XGBoost's node for node, margins agree`, async () => {
      await expectSameTrees(fx, name);
    });
  }
  it('depth6 on two threads: the same trees', async () => {
    await expectSameTrees(fx, 'depth6', 2);
  });
});
