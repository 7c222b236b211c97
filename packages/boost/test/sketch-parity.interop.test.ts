/**
 * The sketch-parity checks against a live XGBoost 1.7.4 (`npm run test:interop`): the fixture script
 * runs into a temp folder with 60k rows, so the sketch merges queue loads over several levels
 * (limit_size 8193 for 54k non-missing values) rather than the two of the committed 20k fixture.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from './model-fixtures.js';
import {
  expectSameTrees,
  expectThresholdsAreCuts,
  loadSketchFixture,
  SKETCH_CASES,
  type SketchFixture,
} from './sketch-parity.js';
import { requireXGBoost } from './xgboost-bridge.js';

describe('training parity with a live XGBoost 1.7.4 on 60k rows of skewed, many-valued columns', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leadscore-sketch-'));
  let fx: SketchFixture;
  beforeAll(() => {
    const python = requireXGBoost();
    const run = spawnSync(python, [join(FIXTURES, 'make_sketch_parity.py'), dir, '60000'], {
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    fx = loadSketchFixture(dir);
    expect(fx.n).toBe(60000);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const name of SKETCH_CASES) {
    it(`${name}: XGBoost's split thresholds are our cuts, and the first three trees are XGBoost's`, async () => {
      expectThresholdsAreCuts(fx, name);
      await expectSameTrees(fx, name);
    });
  }
});
