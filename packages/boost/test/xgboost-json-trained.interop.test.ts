/**
 * Models trained by this package, written with toXGBoostJSON and loaded by real XGBoost 1.7.4, which
 * must predict and explain them as we do (needs a live XGBoost: `npm run test:interop`).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Booster } from '../src/booster.js';
import { toXGBoostJSON } from '../src/io/xgboost-json.js';
import { predictContributions } from '../src/shap/tree-shap.js';
import { maxAbsDiff, walkMargin } from './model-fixtures.js';
import { fixtureMatrix as all, trainFixtureBoosters } from './trained-boosters.js';
import { predictWithXGBoost } from './xgboost-bridge.js';

describe('models trained by @leadscore/boost, loaded by XGBoost', () => {
  let boosters: Booster[] = [];
  beforeAll(async () => {
    boosters = await trainFixtureBoosters();
  });

  it('XGBoost predicts what we predict (within 1e-6) and pred_contribs equals our TreeSHAP (within 1e-5)', () => {
    expect(boosters[2]!.bestIteration).toBeLessThan(boosters[2]!.numTrees - 1);
    const outputs = predictWithXGBoost(boosters.map((b) => toXGBoostJSON(b.model)));
    expect(outputs).toHaveLength(boosters.length);
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
});
