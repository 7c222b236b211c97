/**
 * Models trained by this package round-trip through XGBoost JSON and LightGBM text unchanged (the live
 * XGBoost check of the same models is `xgboost-json-trained.interop.test.ts`).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Booster } from '../src/booster.js';
import { fromLightGBMText, toLightGBMText } from '../src/io/lightgbm-text.js';
import { fromXGBoostJSON, toXGBoostJSON } from '../src/io/xgboost-json.js';
import { walkMargin } from './model-fixtures.js';
import { fixtureMatrix as all, trainFixtureBoosters } from './trained-boosters.js';

describe('models trained by @leadscore/boost', () => {
  let boosters: Booster[] = [];
  beforeAll(async () => {
    boosters = await trainFixtureBoosters();
  });

  it('round-trips through XGBoost JSON and LightGBM text', () => {
    expect(boosters).toHaveLength(3);
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
