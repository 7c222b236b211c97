/**
 * Checks of training on data whose columns have many distinct values against XGBoost 1.7.4 (fixture of
 * `fixtures/make_sketch_parity.py`): XGBoost's cuts there come from its streaming quantile sketch, so
 * equal trees show that our cuts are XGBoost's. Shared by the committed-fixture test and the live one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromRows, type Matrix } from '@leadscore/core/matrix';
import { expect } from 'vitest';
import { fitBinMapper } from '../src/data/bin-mapper.js';
import { train } from '../src/train/train.js';
import { maxAbsDiff } from './model-fixtures.js';
import { trainParamsOf, type XgbTree } from './xgboost-params.js';

/** One recorded XGBoost training. */
export interface SketchCase {
  params: Record<string, number | string>;
  weighted: boolean;
  rounds: number;
  trees: XgbTree[];
  margins3: number[];
  margins: number[];
  thresholds: number[][];
}

/** The fixture: data and the recorded trainings. */
export interface SketchFixture {
  n: number;
  p: number;
  cases: Record<string, SketchCase>;
  x: Matrix;
  y: number[];
  w: number[];
  head: Matrix;
}

/** The case names the fixture script writes. */
export const SKETCH_CASES = ['depth6', 'lossguide_maxbin64', 'weighted'] as const;

/** Reads `sketch_parity.json` and `sketch_parity_data.bin` from `dir`. */
export function loadSketchFixture(dir: string): SketchFixture {
  const meta = JSON.parse(readFileSync(join(dir, 'sketch_parity.json'), 'utf8')) as {
    n: number;
    p: number;
    cases: Record<string, SketchCase>;
  };
  const raw = readFileSync(join(dir, 'sketch_parity_data.bin'));
  const all = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const { n, p } = meta;
  const nHead = meta.cases.depth6!.margins.length;
  return {
    ...meta,
    x: fromRows(all.slice(0, n * p), n),
    y: Array.from(all.subarray(n * p, n * p + n)),
    w: Array.from(all.subarray(n * p + n, n * p + 2 * n)),
    head: fromRows(all.slice(0, nHead * p), nHead),
  };
}

/** Every threshold XGBoost split at is one of our cuts (features with many distinct values included). */
export function expectThresholdsAreCuts(fx: SketchFixture, name: string): void {
  const c = fx.cases[name]!;
  const weights = c.weighted ? { weights: fx.w } : {};
  const mapper = fitBinMapper(fx.x, { maxBin: Number(c.params.max_bin), ...weights });
  for (let f = 0; f < fx.p; f++) {
    const cuts = new Set(Array.from(mapper.cuts.subarray(mapper.cutPtr[f]!, mapper.cutPtr[f + 1]!)));
    const minValue = mapper.minValues[f]!;
    const missing = c.thresholds[f]!.filter((t) => !cuts.has(t) && t !== minValue);
    expect({ feature: f, missing }).toEqual({ feature: f, missing: [] });
  }
}

/**
 * Trains ours on the case and checks the first three trees equal XGBoost's node for node and the
 * margins on the first rows agree within 1e-5 after three rounds and 1e-4 after all of them.
 */
export async function expectSameTrees(fx: SketchFixture, name: string, nthread = 1): Promise<void> {
  const c = fx.cases[name]!;
  const booster = await train(
    fx.x,
    fx.y,
    { ...trainParamsOf(c.params, c.rounds), nthread },
    c.weighted ? { weights: fx.w } : {},
  );
  for (let k = 0; k < 3; k++) {
    const ours = booster.model.trees[k]!;
    const theirs = c.trees[k]!;
    expect(Array.from(ours.left)).toEqual(theirs.left_children);
    expect(Array.from(ours.splitFeature)).toEqual(theirs.split_indices);
    expect(Array.from(ours.defaultLeft)).toEqual(theirs.default_left);
    theirs.split_conditions.forEach((v, i) => {
      // -0 and 0 split alike; which one a cut holds depends on the order of equal values
      if (theirs.left_children[i]! >= 0) expect(ours.threshold[i]! + 0).toBe(Math.fround(v) + 0);
      else expect(ours.leafValue[i]).toBeCloseTo(v, 6);
    });
    theirs.sum_hessian.forEach((v, i) => {
      expect(Math.abs(ours.sumHessian[i]! - v)).toBeLessThan(1e-4 * Math.max(1, Math.abs(v)));
    });
    // loss_change is XGBoost's float32 difference of node gains (G^2 / (H + lambda)) far larger than
    // itself: allow 4 float32 ulps of a bound on those gains (root gain plus every loss change)
    const rootGain = theirs.base_weights[0]! ** 2 * (theirs.sum_hessian[0]! + Number(c.params.lambda ?? 1));
    const gainScale = rootGain + theirs.loss_changes.reduce((a, b) => a + Math.max(0, b), 0);
    theirs.loss_changes.forEach((v, i) => {
      const tol = Math.max(1e-4 * Math.max(1, Math.abs(v)), gainScale * 2 ** -22);
      expect(Math.abs(ours.lossChange[i]! - v)).toBeLessThanOrEqual(tol);
    });
  }
  expect(maxAbsDiff(booster.predictMargin(fx.head, { iterationRange: [0, 3] }), c.margins3)).toBeLessThan(
    1e-5,
  );
  expect(maxAbsDiff(booster.predictMargin(fx.head), c.margins)).toBeLessThan(1e-4);
}
