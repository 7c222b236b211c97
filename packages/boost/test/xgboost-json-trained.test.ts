/**
 * End to end with this package's own trainer: models trained here, written with toXGBoostJSON, loaded
 * by real XGBoost 1.7.4, which must predict and explain them as we do; and through LightGBM text.
 */
import { type Matrix, takeRows } from '@leadscore/core/matrix';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Booster } from '../src/booster.js';
import { fromLightGBMText, toLightGBMText } from '../src/io/lightgbm-text.js';
import { fromXGBoostJSON, toXGBoostJSON } from '../src/io/xgboost-json.js';
import { predictContributions } from '../src/shap/tree-shap.js';
import { train } from '../src/train/train.js';
import { loadDataFile, loadMatrix, maxAbsDiff, predictWithXGBoost, walkMargin } from './model-fixtures.js';

const all = loadMatrix();
const labels = loadDataFile().labels;
const head = (m: Matrix, n: number): Matrix =>
  takeRows(
    m,
    Array.from({ length: n }, (_, i) => i),
  );
const tail = (m: Matrix, n: number): Matrix =>
  takeRows(
    m,
    Array.from({ length: m.nRows - n }, (_, i) => n + i),
  );

describe('models trained by @leadscore/boost', () => {
  const boosters: Booster[] = [];
  beforeAll(async () => {
    const x = head(all, 300);
    const y = labels.slice(0, 300);
    boosters.push(await train(x, y, { numRounds: 20, maxDepth: 4, learningRate: 0.3 }));
    boosters.push(
      await train(x, y, {
        numRounds: 15,
        growPolicy: 'lossguide',
        maxDepth: 0,
        maxLeaves: 10,
        baseScore: 0.37,
      }),
    );
    boosters.push(
      await train(
        x,
        y,
        { numRounds: 200, maxDepth: 3, learningRate: 0.3, lambda: 2, alpha: 0.5 },
        { evalSet: { data: tail(all, 300), labels: labels.slice(300) }, earlyStoppingRounds: 5 },
      ),
    );
  });

  it('XGBoost predicts what we predict (within 1e-6) and pred_contribs equals our TreeSHAP (within 1e-5)', () => {
    expect(boosters[2]!.bestIteration).toBeLessThan(boosters[2]!.numTrees - 1);
    const outputs = predictWithXGBoost(boosters.map((b) => toXGBoostJSON(b.model)));
    boosters.forEach((booster, i) => {
      const out = outputs[i]!;
      const range: [number, number] = [0, booster.numTrees];
      const margin = booster.predictMargin(all, { iterationRange: range });
      expect(walkMargin(booster.model, all)).toEqual(margin);
      expect(maxAbsDiff(out.margin, margin)).toBeLessThanOrEqual(1e-6);
      expect(
        maxAbsDiff(out.probability, booster.predict(all, { iterationRange: range })),
      ).toBeLessThanOrEqual(1e-6);
      expect(maxAbsDiff(out.contributions, predictContributions(booster.model, all))).toBeLessThanOrEqual(
        1e-5,
      );
    });
  });

  it('round-trips through XGBoost JSON and LightGBM text', () => {
    for (const booster of boosters) {
      const text = toXGBoostJSON(booster.model);
      const back = fromXGBoostJSON(text);
      expect(toXGBoostJSON(back)).toBe(text);
      expect(back.params).toEqual(booster.model.params);
      expect(back.bestIteration).toBe(booster.bestIteration);
      const viaLgb = fromLightGBMText(toLightGBMText(booster.model));
      expect(walkMargin(viaLgb, all)).toEqual(walkMargin(booster.model, all));
      viaLgb.trees.forEach((tree, t) => {
        expect(tree.count).toEqual(booster.model.trees[t]!.count);
      });
    }
  });
});
