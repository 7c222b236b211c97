import { ModelFormatError } from '@leadscore/core/errors';
import { fromRows } from '@leadscore/core/matrix';
import { describe, expect, it } from 'vitest';
import { fromXGBoostJSON, toXGBoostJSON } from '../src/io/xgboost-json.js';
import type { BoosterModel, TreeArrays } from '../src/model/types.js';
import {
  CASES,
  expected,
  loadMatrix,
  maxAbsDiff,
  modelText,
  predictWithXGBoost,
  sigmoid,
  walkMargin,
  type XGBoostOutput,
} from './model-fixtures.js';

// The minimal model of the format reference (section 1.8), which XGBoost 1.7.4 loads.
const MINIMAL = {
  version: [1, 7, 0],
  learner: {
    attributes: {},
    feature_names: [],
    feature_types: [],
    learner_model_param: { base_score: '0.25', num_class: '0', num_feature: '2' },
    objective: { name: 'binary:logistic', reg_loss_param: { scale_pos_weight: '1' } },
    gradient_booster: {
      name: 'gbtree',
      model: {
        gbtree_model_param: { num_trees: '1', num_parallel_tree: '1' },
        tree_info: [0],
        trees: [
          {
            id: 0,
            tree_param: { num_nodes: '5', num_feature: '2', size_leaf_vector: '0', num_deleted: '0' },
            left_children: [1, 3, -1, -1, -1],
            right_children: [2, 4, -1, -1, -1],
            parents: [2147483647, 0, 0, 1, 1],
            split_indices: [1, 0, 0, 0, 0],
            split_conditions: [1.0, 0.5, 0.25, -0.5, 0.75],
            default_left: [1, 0, 0, 0, 0],
            split_type: [0, 0, 0, 0, 0],
            categories: [],
            categories_nodes: [],
            categories_segments: [],
            categories_sizes: [],
            base_weights: [0.0, -0.1, 0.25, -0.5, 0.75],
            loss_changes: [1.5, 0.5, 0.0, 0.0, 0.0],
            sum_hessian: [10.0, 6.0, 4.0, 2.5, 3.5],
          },
        ],
      },
    },
  },
};

type Json = typeof MINIMAL;
type RawTree = Json['learner']['gradient_booster']['model']['trees'][number];

function variant(edit: (m: Json, tree: RawTree) => void): string {
  const m = structuredClone(MINIMAL);
  edit(m, m.learner.gradient_booster.model.trees[0]!);
  return JSON.stringify(m);
}

function loadError(text: string): string {
  try {
    fromXGBoostJSON(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ModelFormatError);
    return (error as Error).message;
  }
  throw new Error('expected fromXGBoostJSON to refuse the file');
}

describe('fromXGBoostJSON on models trained by XGBoost 1.7.4', () => {
  const matrix = loadMatrix();
  for (const name of CASES) {
    it(`${name}: predicts what XGBoost predicted`, () => {
      const exp = expected(name);
      const model = fromXGBoostJSON(modelText(name));
      expect(model.trees.length).toBe(exp.numTrees);
      expect(model.bestIteration).toBe(exp.bestIteration ?? exp.numTrees - 1);
      const margin = walkMargin(model, matrix);
      expect(maxAbsDiff(margin, exp.margin)).toBeLessThanOrEqual(1e-6);
      expect(maxAbsDiff(Array.from(margin, sigmoid), exp.probability)).toBeLessThanOrEqual(1e-6);
    });
  }

  it('reads feature names and the hand-checkable parts of the minimal reference model', () => {
    const named = fromXGBoostJSON(modelText('named'));
    expect(named.featureNames).toEqual(['feat_0', 'feat_1', 'feat_2', 'feat_3', 'feat_4', 'feat_5']);
    const m = fromXGBoostJSON(JSON.stringify(MINIMAL));
    expect(m.baseScore).toBe(0.25);
    expect(m.numFeature).toBe(2);
    const t = m.trees[0]!;
    expect(Array.from(t.parent)).toEqual([-1, 0, 0, 1, 1]);
    expect(Array.from(t.leafValue)).toEqual([0, 0, 0.25, -0.5, 0.75]);
    expect(Array.from(t.threshold)).toEqual([1, 0.5, 0, 0, 0]);
    expect(Array.from(t.defaultLeft)).toEqual([1, 0, 0, 0, 0]);
    // x1 >= 1 -> node 2 (0.25); x1 < 1, x0 < 0.5 -> node 3 (-0.5); NaN in x1 -> default left.
    const data = new Float32Array([0, 2, 0, 0, 1, 0.5, 0.7, Number.NaN]);
    const margin = walkMargin(m, fromRows(data, 4));
    const base = Math.log(0.25 / 0.75);
    expect(Array.from(margin, (v) => v - base)).toEqual([
      expect.closeTo(0.25, 6),
      expect.closeTo(-0.5, 6),
      expect.closeTo(0.75, 6),
      expect.closeTo(0.75, 6),
    ]);
  });

  it('accepts the XGBoost 2.x spellings (booleans in default_left, size_leaf_vector "1", bracketed base_score)', () => {
    const text = variant((m, t) => {
      m.version = [2, 0, 3];
      (t as { default_left: unknown[] }).default_left = [true, false, false, false, false];
      t.tree_param.size_leaf_vector = '1';
      m.learner.learner_model_param.base_score = '[2.5E-1]';
      (m.learner.gradient_booster.model as Record<string, unknown>).iteration_indptr = [0, 1];
    });
    const m = fromXGBoostJSON(text);
    expect(m.baseScore).toBe(0.25);
    expect(m.trees[0]!.defaultLeft[0]).toBe(1);
  });
});

describe('toXGBoostJSON', () => {
  it('writes the exporter checklist: string params, floats with "." or exponent, consecutive children', () => {
    const text = toXGBoostJSON(fromXGBoostJSON(modelText('lossguide')));
    expect(text.startsWith('{')).toBe(true);
    const doc = JSON.parse(text);
    const learner = doc.learner;
    for (const obj of [learner.learner_model_param, learner.gradient_booster.model.gbtree_model_param]) {
      for (const v of Object.values(obj)) expect(typeof v).toBe('string');
    }
    expect(learner.learner_model_param.base_score).toBe('0.5');
    expect(learner.objective).toEqual({
      name: 'binary:logistic',
      reg_loss_param: { scale_pos_weight: '1.0' },
    });
    for (const key of ['split_conditions', 'base_weights', 'loss_changes', 'sum_hessian']) {
      const arrays = text.match(new RegExp(`"${key}":\\[[^\\]]*\\]`, 'g'))!;
      expect(arrays).toHaveLength(20);
      for (const a of arrays) {
        for (const token of a.slice(a.indexOf('[') + 1, -1).split(',')) expect(token).toMatch(/[.e]/);
      }
    }
    for (const [i, tree] of (learner.gradient_booster.model.trees as RawTree[]).entries()) {
      expect(tree.id).toBe(i);
      tree.left_children.forEach((l, n) => {
        expect(tree.right_children[n]).toBe(l === -1 ? -1 : l + 1);
      });
    }
  });

  it('is byte-deterministic and round-trips to the same bytes and the same model', () => {
    const model = fromXGBoostJSON(modelText('deep'));
    const a = toXGBoostJSON(model);
    expect(toXGBoostJSON(model)).toBe(a);
    const again = fromXGBoostJSON(a);
    expect(toXGBoostJSON(again)).toBe(a);
    expect(again.trees.length).toBe(model.trees.length);
    for (const [t, tree] of model.trees.entries()) {
      const other = again.trees[t]!;
      for (const key of Object.keys(tree) as (keyof TreeArrays)[]) expect(other[key]).toEqual(tree[key]);
    }
  });

  it('keeps the node arrays of XGBoost files value for value', () => {
    const original = JSON.parse(modelText('base_score'));
    const ours = JSON.parse(toXGBoostJSON(fromXGBoostJSON(modelText('base_score'))));
    const a = original.learner.gradient_booster.model.trees as RawTree[];
    const b = ours.learner.gradient_booster.model.trees as RawTree[];
    expect(ours.learner.learner_model_param.base_score).toBe('0.23');
    for (const [i, tree] of a.entries()) {
      for (const key of [
        'left_children',
        'right_children',
        'parents',
        'split_indices',
        'default_left',
      ] as const) {
        expect(b[i]![key]).toEqual(tree[key]);
      }
      for (const key of ['split_conditions', 'base_weights', 'loss_changes', 'sum_hessian'] as const) {
        expect(b[i]![key].map(Math.fround)).toEqual(tree[key].map(Math.fround));
      }
    }
  });

  it('records the best iteration and parameters as attributes', () => {
    const model = fromXGBoostJSON(modelText('early_stop'));
    const doc = JSON.parse(toXGBoostJSON({ ...model, params: { ...model.params, learningRate: 0.05 } }));
    expect(doc.learner.attributes.best_iteration).toBe('4');
    expect(doc.learner.attributes.best_ntree_limit).toBe('5');
    const back = fromXGBoostJSON(JSON.stringify(doc));
    expect(back.params.learningRate).toBe(0.05);
    expect(back.params.scalePosWeight).toBe(2);
    expect(back.bestIteration).toBe(4);
  });

  it('writes [] names when asked, and refuses names XGBoost refuses', () => {
    const model = fromXGBoostJSON(modelText('named'));
    expect(JSON.parse(toXGBoostJSON(model, { featureNames: false })).learner.feature_names).toEqual([]);
    const bad: BoosterModel = { ...model, featureNames: ['a', 'b[1]', 'c', 'd', 'e', 'f'] };
    expect(() => toXGBoostJSON(bad)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: model.featureNames[1] must be a non-empty string without "[", "]" or "<" (XGBoost refuses those), found "b[1]"]`,
    );
  });
});

describe('real XGBoost loads what toXGBoostJSON writes', () => {
  // One python process for all cases, started by the first test (so a missing XGBoost fails tests).
  let cached: XGBoostOutput[] | undefined;
  const outputs = () =>
    (cached ??= predictWithXGBoost(CASES.map((name) => toXGBoostJSON(fromXGBoostJSON(modelText(name))))));
  for (const [i, name] of CASES.entries()) {
    it(`${name}: same margins, probabilities and pred_contribs as the original XGBoost model`, () => {
      const exp = expected(name);
      const out = outputs()[i]!;
      expect(out.version).toBe('1.7.4');
      expect(out.numFeature).toBe(6);
      expect(maxAbsDiff(out.margin, exp.margin)).toBeLessThanOrEqual(1e-6);
      expect(maxAbsDiff(out.probability, exp.probability)).toBeLessThanOrEqual(1e-6);
      expect(maxAbsDiff(out.contributions, exp.contributions)).toBeLessThanOrEqual(1e-6);
    });
  }
});

describe('fromXGBoostJSON refuses bad and hostile files', () => {
  it('refuses prototype-pollution keys and leaves Object.prototype alone', () => {
    const text = JSON.stringify(MINIMAL).replace(
      '"attributes":{}',
      '"attributes":{"__proto__":{"polluted":"yes"}}',
    );
    expect(loadError(text)).toMatchInlineSnapshot(
      `"model file must not contain the key "__proto__" (refused as unsafe)"`,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const ctor = JSON.stringify(MINIMAL).replace('"learner":{', '"learner":{"constructor":{"name":"x"},');
    expect(loadError(ctor)).toMatchInlineSnapshot(
      `"model file must not contain the key "constructor" (refused as unsafe)"`,
    );
  });

  it('refuses text that is not JSON or not an object', () => {
    expect(loadError('{"learner": ')).toMatchInlineSnapshot(
      `"model file is not valid JSON: Unexpected end of JSON input"`,
    );
    expect(loadError('[1,2]')).toMatchInlineSnapshot(`"model file must be an object, found [1, 2]"`);
  });

  it('names the field on wrong types', () => {
    expect(
      loadError(variant((m) => ((m.learner.learner_model_param as Record<string, unknown>).num_feature = 2))),
    ).toMatchInlineSnapshot(
      `"learner.learner_model_param.num_feature must be a string holding an integer, found 2"`,
    );
    expect(
      loadError(
        variant((_, t) => ((t as Record<string, unknown>).split_conditions = [1, 0.5, '0.25', 1, 1])),
      ),
    ).toMatchInlineSnapshot(
      `"learner.gradient_booster.model.trees[0].split_conditions[2] must be a number within float32 range, found "0.25""`,
    );
    expect(
      loadError(variant((_, t) => ((t as Record<string, unknown>).id = undefined))),
    ).toMatchInlineSnapshot(
      `"learner.gradient_booster.model.trees[0].id must be 0 (trees are stored in order), found nothing (missing)"`,
    );
    expect(loadError(variant((_, t) => (t.left_children[1] = 2.5)))).toMatchInlineSnapshot(
      `"learner.gradient_booster.model.trees[0].left_children[1] must be an integer in [-1, 4], found 2.5"`,
    );
  });

  it('refuses floats beyond float32 range', () => {
    expect(loadError(variant((_, t) => (t.sum_hessian[2] = 1e39)))).toMatchInlineSnapshot(
      `"learner.gradient_booster.model.trees[0].sum_hessian[2] must be a number within float32 range, found 1e+39"`,
    );
  });

  it('refuses child indices out of range, cycles, non-consecutive children and bad parents', () => {
    expect(loadError(variant((_, t) => (t.left_children[1] = 7)))).toMatchInlineSnapshot(
      `"learner.gradient_booster.model.trees[0].left_children[1] must be an integer in [-1, 4], found 7"`,
    );
    expect(
      loadError(
        variant((_, t) => {
          t.left_children[2] = 1;
          t.right_children[2] = 2;
        }),
      ),
    ).toMatchInlineSnapshot(
      `"learner.gradient_booster.model.trees[0].left_children[2] points to node 1, which is already in the tree (cycle or shared node)"`,
    );
    expect(
      loadError(
        variant((_, t) => {
          t.left_children[0] = 3;
          t.right_children[0] = 4;
          t.left_children[1] = 1;
          t.right_children[1] = 2;
        }),
      ),
    ).toMatchInlineSnapshot(
      `"learner.gradient_booster.model.trees[0].parents[3] must be 0 (the node whose child it is), found 1"`,
    );
    expect(loadError(variant((_, t) => (t.right_children[0] = 3)))).toMatchInlineSnapshot(
      `"learner.gradient_booster.model.trees[0].right_children[0] must be left_children[0] + 1 = 2 (XGBoost reads the right child as left + 1), found 3"`,
    );
    expect(loadError(variant((_, t) => (t.parents[4] = 0)))).toMatchInlineSnapshot(
      `"learner.gradient_booster.model.trees[0].parents[4] must be 1 (the node whose child it is), found 0"`,
    );
    expect(loadError(variant((_, t) => (t.right_children[3] = 4)))).toMatchInlineSnapshot(
      `"learner.gradient_booster.model.trees[0].right_children[3] must be -1 at a leaf (left_children[3] is -1), found 4"`,
    );
    expect(loadError(variant((_, t) => (t.split_indices[1] = 2)))).toMatchInlineSnapshot(
      `"learner.gradient_booster.model.trees[0].split_indices[1] must be a feature index below num_feature = 2, found 2"`,
    );
  });

  it('refuses inconsistent array lengths and counts', () => {
    expect(loadError(variant((_, t) => t.sum_hessian.pop()))).toMatchInlineSnapshot(
      `"learner.gradient_booster.model.trees[0].sum_hessian must have 5 items (tree_param.num_nodes), found 4"`,
    );
    expect(loadError(variant((_, t) => (t.tree_param.num_nodes = '7')))).toMatchInlineSnapshot(
      `"learner.gradient_booster.model.trees[0].left_children must have 7 items (tree_param.num_nodes), found 5"`,
    );
    expect(
      loadError(variant((m) => (m.learner.gradient_booster.model.gbtree_model_param.num_trees = '2'))),
    ).toMatchInlineSnapshot(
      `"learner.gradient_booster.model.tree_info must have 2 items (gbtree_model_param.num_trees), found 1"`,
    );
    expect(
      loadError(variant((m) => (m.learner.gradient_booster.model.tree_info = [0, 0]))),
    ).toMatchInlineSnapshot(
      `"learner.gradient_booster.model.tree_info must have 1 item (gbtree_model_param.num_trees), found 2"`,
    );
  });

  it('refuses unsupported models with a clear reason', () => {
    expect(loadError(variant((m) => (m.learner.objective.name = 'reg:squarederror')))).toMatchInlineSnapshot(
      `"learner.objective.name must be "binary:logistic" (the only supported objective), found "reg:squarederror""`,
    );
    expect(loadError(variant((m) => (m.learner.gradient_booster.name = 'dart')))).toMatchInlineSnapshot(
      `"learner.gradient_booster.name must be "gbtree" (dart and gblinear are not supported), found "dart""`,
    );
    expect(loadError(variant((m) => (m.learner.learner_model_param.num_class = '3')))).toMatchInlineSnapshot(
      `"learner.learner_model_param.num_class must be "0" (multi-class models are not supported), found "3""`,
    );
    expect(
      loadError(variant((m) => ((m.learner.learner_model_param as Record<string, string>).num_target = '2'))),
    ).toMatchInlineSnapshot(
      `"learner.learner_model_param.num_target must be "1" (multi-target models are not supported), found "2""`,
    );
    expect(loadError(variant((_, t) => (t.split_type[0] = 1)))).toMatchInlineSnapshot(
      `"learner.gradient_booster.model.trees[0].split_type[0] must be 0 (categorical splits are not supported), found 1"`,
    );
    expect(
      loadError(variant((m) => ((m.learner as Record<string, unknown>).feature_types = ['float', 'c']))),
    ).toMatchInlineSnapshot(
      `"learner.feature_types[1] must be numeric (categorical features are not supported), found "c""`,
    );
    expect(loadError(variant((_, t) => (t.tree_param.num_deleted = '1')))).toMatchInlineSnapshot(
      `"learner.gradient_booster.model.trees[0].tree_param.num_deleted must be "0" (trees with deleted nodes are not supported), found "1""`,
    );
  });

  it('refuses a base_score XGBoost would silently read as 0.5, or outside (0, 1)', () => {
    expect(
      loadError(variant((m) => (m.learner.learner_model_param.base_score = '0.30000001192092896'))),
    ).toMatchInlineSnapshot(
      `"learner.learner_model_param.base_score must be a number with at most 9 significant digits (XGBoost 1.7-3.0 silently read longer ones as 0.5), found "0.30000001192092896""`,
    );
    expect(
      loadError(variant((m) => (m.learner.learner_model_param.base_score = '1.5'))),
    ).toMatchInlineSnapshot(
      `"learner.learner_model_param.base_score must be a probability in (0, 1) for binary:logistic, found "1.5""`,
    );
  });
});
