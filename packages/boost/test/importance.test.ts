import { describe, expect, it } from 'vitest';
import { featureImportance } from '../src/importance/importance.js';
import { fromXGBoostJSON } from '../src/io/xgboost-json.js';
import type { BoosterModel, ImportanceType } from '../src/model/types.js';
import { CASES, expected, modelText } from './model-fixtures.js';

const TYPES: ImportanceType[] = ['weight', 'gain', 'total_gain', 'cover', 'total_cover'];

describe('featureImportance against XGBoost 1.7.4 get_score', () => {
  for (const name of CASES) {
    it(`${name}: every importance type`, () => {
      const model = fromXGBoostJSON(modelText(name));
      const exp = expected(name);
      for (const type of TYPES) {
        const ours = featureImportance(model, type);
        const theirs = exp.importance[type]!;
        expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
        for (const [key, value] of Object.entries(theirs)) {
          // Both sides sum float32 values in float32 in the same order; allow one float32 ulp.
          expect(Math.abs(ours[key]! - value)).toBeLessThanOrEqual(Math.abs(value) * 2 ** -23);
        }
      }
    });
  }
});

describe('featureImportance by hand', () => {
  // Two trees over 3 features; feature 2 is never used, so it is absent (as in XGBoost).
  const model = fromXGBoostJSON(
    JSON.stringify({
      learner: {
        attributes: {},
        learner_model_param: { base_score: '0.5', num_class: '0', num_feature: '3' },
        objective: { name: 'binary:logistic', reg_loss_param: { scale_pos_weight: '1' } },
        gradient_booster: {
          name: 'gbtree',
          model: {
            gbtree_model_param: { num_trees: '2', num_parallel_tree: '1' },
            tree_info: [0, 0],
            trees: [
              {
                id: 0,
                tree_param: { num_nodes: '5', num_feature: '3' },
                left_children: [1, 3, -1, -1, -1],
                right_children: [2, 4, -1, -1, -1],
                parents: [2147483647, 0, 0, 1, 1],
                split_indices: [0, 1, 0, 0, 0],
                split_conditions: [0.5, 1.5, 0.1, 0.2, 0.3],
                default_left: [0, 1, 0, 0, 0],
                base_weights: [0.0, 0.0, 0.1, 0.2, 0.3],
                loss_changes: [10.0, 4.0, 0.0, 0.0, 0.0],
                sum_hessian: [20.0, 12.0, 8.0, 5.0, 7.0],
              },
              {
                id: 1,
                tree_param: { num_nodes: '3', num_feature: '3' },
                left_children: [1, -1, -1],
                right_children: [2, -1, -1],
                parents: [2147483647, 0, 0],
                split_indices: [1, 0, 0],
                split_conditions: [0.0, -0.1, 0.1],
                default_left: [0, 0, 0],
                base_weights: [0.0, -0.1, 0.1],
                loss_changes: [2.0, 0.0, 0.0],
                sum_hessian: [18.0, 9.0, 9.0],
              },
            ],
          },
        },
      },
    }),
  );

  it('weight, gain, total_gain, cover, total_cover', () => {
    expect(featureImportance(model, 'weight')).toEqual({ f0: 1, f1: 2 });
    expect(featureImportance(model, 'total_gain')).toEqual({ f0: 10, f1: 6 });
    expect(featureImportance(model, 'gain')).toEqual({ f0: 10, f1: 3 });
    expect(featureImportance(model, 'total_cover')).toEqual({ f0: 20, f1: 30 });
    expect(featureImportance(model, 'cover')).toEqual({ f0: 20, f1: 15 });
  });

  it('keys by feature name when the model has names, including awkward ones', () => {
    const named: BoosterModel = { ...model, featureNames: ['__proto__', 'constructor', 'c'] };
    const weight = featureImportance(named, 'weight');
    expect(Object.keys(weight)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(weight)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(weight, '__proto__')?.value).toBe(1);
  });

  it('refuses an unknown type', () => {
    expect(() => featureImportance(model, 'split' as ImportanceType)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: type must be one of weight, gain, total_gain, cover, total_cover, found "split"]`,
    );
  });
});
