import { ModelFormatError } from '@leadscore/core/errors';
import { fromRows, type Matrix } from '@leadscore/core/matrix';
import { describe, expect, it } from 'vitest';
import { fromLightGBMText, toLightGBMText } from '../src/io/lightgbm-text.js';
import { fromXGBoostJSON } from '../src/io/xgboost-json.js';
import type { BoosterModel, TreeArrays } from '../src/model/types.js';
import { predictContributions } from '../src/shap/tree-shap.js';
import { CASES, loadMatrix, maxAbsDiff, modelText, walkMargin } from './model-fixtures.js';

/**
 * A LightGBM predictor written from the format reference (section 2.2), independent of src: parse the
 * tree blocks, walk with `NumericalDecision` (`x <= threshold` in double, missing types None/Zero/NaN,
 * default_left bit) and `GetLeaf` (`~leaf` children), sum leaf values in double.
 */
function lightgbmRaw(text: string, m: Matrix): Float64Array {
  const blocks = text.split('\nTree=').slice(1);
  const trees = blocks.map((block) => {
    const kv = new Map<string, string>();
    for (const line of block.split('\n').slice(1)) {
      if (line === '') break;
      const eq = line.indexOf('=');
      kv.set(line.slice(0, eq), line.slice(eq + 1));
    }
    const nums = (k: string) => (kv.get(k) ?? '').split(' ').filter(Boolean).map(Number);
    return {
      numLeaves: Number(kv.get('num_leaves')),
      feature: nums('split_feature'),
      threshold: nums('threshold'),
      decision: nums('decision_type'),
      left: nums('left_child'),
      right: nums('right_child'),
      leaf: nums('leaf_value'),
    };
  });
  const out = new Float64Array(m.nRows);
  for (let r = 0; r < m.nRows; r++) {
    for (const t of trees) {
      let node = 0;
      if (t.numLeaves > 1) {
        while (node >= 0) {
          let x = m.values[t.feature[node]! * m.nRows + r]!;
          const dt = t.decision[node]!;
          const missing = (dt >> 2) & 3;
          if (Number.isNaN(x) && missing !== 2) x = 0;
          const useDefault = (missing === 1 && Math.abs(x) <= 1e-35) || (missing === 2 && Number.isNaN(x));
          const goLeft = useDefault ? (dt & 2) !== 0 : x <= t.threshold[node]!;
          node = goLeft ? t.left[node]! : t.right[node]!;
        }
        node = ~node;
      }
      out[r]! += t.leaf[node]!;
    }
  }
  return out;
}

function f32Bits(x: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, x);
  return view.getInt32(0);
}

function loadError(text: string): string {
  try {
    fromLightGBMText(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ModelFormatError);
    return (error as Error).message;
  }
  throw new Error('expected fromLightGBMText to refuse the file');
}

const matrix = loadMatrix();

describe('toLightGBMText structure (checked against the format reference; no LightGBM is installable here)', () => {
  const model = fromXGBoostJSON(modelText('lossguide'));
  const text = toLightGBMText(model);

  it('writes the header LightGBM requires, in its order', () => {
    const header = text.slice(0, text.indexOf('\n\n')).split('\n');
    expect(header.map((l) => l.split('=')[0])).toEqual([
      'tree',
      'version',
      'num_class',
      'num_tree_per_iteration',
      'label_index',
      'max_feature_idx',
      'objective',
      'feature_names',
      'feature_infos',
      'tree_sizes',
    ]);
    expect(header).toContain('objective=binary sigmoid:1');
    expect(header).toContain('max_feature_idx=5');
    expect(header).toContain('feature_names=Column_0 Column_1 Column_2 Column_3 Column_4 Column_5');
    expect(text.endsWith('end of parameters\n')).toBe(true);
    expect(text).toContain('\nend of trees\n');
  });

  it('tree_sizes equal the byte lengths of the "Tree=i" blocks', () => {
    const sizes = /\ntree_sizes=(.*)\n/.exec(text)![1]!.split(' ').map(Number);
    const body = text.slice(text.indexOf('\nTree=0\n') + 1, text.indexOf('end of trees\n'));
    const blocks = body.split(/(?=^Tree=\d+$)/m);
    expect(blocks).toHaveLength(model.trees.length);
    expect(blocks.map((b) => Buffer.byteLength(b))).toEqual(sizes);
    expect(blocks[0]!.startsWith('Tree=0\nnum_leaves=')).toBe(true);
    expect(blocks[0]!.endsWith('\n\n\n')).toBe(true);
  });

  it('counts, child encoding, decision_type bits and thresholds agree with each tree', () => {
    const blocks = text.split('\nTree=').slice(1);
    blocks.forEach((block, t) => {
      const tree = model.trees[t]!;
      const kv = new Map(
        block
          .split('\n')
          .filter((l) => l.includes('='))
          .map((l) => l.split('=') as [string, string]),
      );
      const leaves = Array.from(tree.left).filter((l) => l < 0).length;
      expect(Number(kv.get('num_leaves'))).toBe(leaves);
      const list = (k: string) => kv.get(k)!.split(' ').map(Number);
      for (const k of [
        'split_feature',
        'split_gain',
        'threshold',
        'decision_type',
        'left_child',
        'right_child',
      ]) {
        expect(list(k)).toHaveLength(leaves - 1);
      }
      for (const k of ['internal_value', 'internal_weight', 'internal_count'])
        expect(list(k)).toHaveLength(leaves - 1);
      for (const k of ['leaf_value', 'leaf_weight', 'leaf_count']) expect(list(k)).toHaveLength(leaves);
      // Every internal node but the root and every leaf is referenced exactly once.
      const refs = [...list('left_child'), ...list('right_child')].sort((a, b) => a - b);
      const wantRefs = [
        ...Array.from({ length: leaves }, (_, l) => ~l),
        ...Array.from({ length: leaves - 2 }, (_, k) => k + 1),
      ].sort((a, b) => a - b);
      expect(refs).toEqual(wantRefs);
      const internals = Array.from({ length: tree.numNodes }, (_, i) => i)
        .filter((i) => tree.left[i]! >= 0)
        .sort((a, b) => tree.left[a]! - tree.left[b]!);
      expect(list('decision_type')).toEqual(internals.map((i) => (tree.defaultLeft[i] ? 10 : 8)));
      list('threshold').forEach((thr, k) => {
        const ours = tree.threshold[internals[k]!]!;
        // t' is the float32 right below our threshold: `x <= t'` iff `x < t` for every float32 x.
        expect(Math.fround(thr)).toBe(thr);
        expect(f32Bits(ours) - f32Bits(thr)).toBe(
          ours > 0 ? 1 : ours < 0 ? -1 : f32Bits(ours) - f32Bits(thr),
        );
        expect(thr).toBeLessThan(ours);
      });
      expect(Number(kv.get('shrinkage'))).toBe(0.3);
    });
  });

  it('predicts what we predict, under LightGBM semantics, on data and on float32 neighbours of every threshold', () => {
    for (const name of CASES) {
      const m = fromXGBoostJSON(modelText(name));
      const raw = lightgbmRaw(toLightGBMText(m), matrix);
      expect(maxAbsDiff(raw, walkMargin(m, matrix, undefined, 'double'))).toBeLessThanOrEqual(1e-6);
    }
    const rows: number[] = [];
    for (const tree of model.trees) {
      for (let i = 0; i < tree.numNodes; i++) {
        if (tree.left[i]! < 0) continue;
        const t = tree.threshold[i]!;
        for (const x of [t, Math.fround(t * (1 - 2 ** -23)), Math.fround(t * (1 + 2 ** -23))]) {
          const row = new Array<number>(6).fill(Number.NaN);
          row[tree.splitFeature[i]!] = x;
          rows.push(...row);
        }
      }
    }
    const edge = fromRows(rows, rows.length / 6);
    const raw = lightgbmRaw(text, edge);
    expect(maxAbsDiff(raw, walkMargin(model, edge, undefined, 'double'))).toBeLessThanOrEqual(1e-9);
  });

  it('folds the base score into the first tree, as LightGBM does with boost_from_average', () => {
    const m = fromXGBoostJSON(modelText('base_score'));
    const out = toLightGBMText(m);
    const first = out.slice(out.indexOf('Tree=0'), out.indexOf('Tree=1'));
    expect(first).toMatch(/\nshrinkage=1\n/);
    const second = out.slice(out.indexOf('Tree=1'), out.indexOf('Tree=2'));
    expect(second).toMatch(/\nshrinkage=0.3\n/);
    const leaves0 = /\nleaf_value=(.*)\n/.exec(first)![1]!.split(' ').map(Number);
    const bias = Math.fround(Math.log(0.23 / 0.77));
    const tree0 = m.trees[0]!;
    const ourLeaves = Array.from(tree0.leafValue).filter((_, i) => tree0.left[i]! < 0);
    leaves0.forEach((v, i) => {
      expect(v).toBeCloseTo(ourLeaves[i]! + bias, 6);
    });
  });

  it('is byte-deterministic', () => {
    expect(toLightGBMText(model)).toBe(text);
  });
});

describe('fromLightGBMText(toLightGBMText(model))', () => {
  for (const name of CASES) {
    it(`${name}: identical predictions and contributions; identical trees when baseScore is 0.5`, () => {
      const model = fromXGBoostJSON(modelText(name));
      const back = fromLightGBMText(toLightGBMText(model));
      expect(back.trees.length).toBe(model.trees.length);
      expect(back.featureNames).toEqual(model.featureNames);
      expect(walkMargin(back, matrix)).toEqual(walkMargin(model, matrix));
      expect(
        maxAbsDiff(predictContributions(back, matrix), predictContributions(model, matrix)),
      ).toBeLessThan(1e-6);
      const same = model.baseScore === 0.5;
      expect(back.baseScore).toBe(0.5);
      model.trees.forEach((tree, t) => {
        const other = back.trees[t]!;
        const keys: (keyof TreeArrays)[] = [
          'numNodes',
          'left',
          'right',
          'parent',
          'splitFeature',
          'threshold',
        ];
        keys.push('defaultLeft', 'lossChange', 'sumHessian', 'count');
        for (const key of keys) expect([t, key, other[key]]).toEqual([t, key, tree[key]]);
        if (t > 0 || same) {
          expect(other.leafValue).toEqual(tree.leafValue);
          expect(other.baseWeight).toEqual(tree.baseWeight);
        }
      });
      expect(toLightGBMText(back)).toBe(
        same ? toLightGBMText({ ...model, params: back.params }) : toLightGBMText(back),
      );
    });
  }
});

describe('one-leaf trees and empty models', () => {
  const base = fromXGBoostJSON(modelText('named'));
  const stump: TreeArrays = {
    numNodes: 1,
    left: Int32Array.of(-1),
    right: Int32Array.of(-1),
    parent: Int32Array.of(-1),
    splitFeature: Int32Array.of(0),
    threshold: Float32Array.of(0),
    defaultLeft: Uint8Array.of(0),
    leafValue: Float32Array.of(-0.25),
    baseWeight: Float32Array.of(-0.25),
    lossChange: Float32Array.of(0),
    sumHessian: Float32Array.of(75),
    count: Int32Array.of(300),
  };

  it('writes a root-only tree as num_leaves=1 and reads it back', () => {
    const model: BoosterModel = { ...base, trees: [base.trees[0]!, stump], bestIteration: 1 };
    const text = toLightGBMText(model);
    const block = text.slice(text.indexOf('Tree=1'), text.indexOf('end of trees'));
    expect(block).toMatch(/^Tree=1\nnum_leaves=1\nnum_cat=0\nsplit_feature=\n/);
    expect(block).toContain('\nleaf_value=-0.25\nleaf_weight=75\nleaf_count=300\n');
    const back = fromLightGBMText(text);
    expect(back.trees[1]).toEqual(stump);
    expect(walkMargin(back, matrix)).toEqual(walkMargin(model, matrix));
  });

  it('carries the base score of a model without trees in a one-leaf tree', () => {
    const model: BoosterModel = { ...base, trees: [], bestIteration: -1, baseScore: 0.2 };
    const back = fromLightGBMText(toLightGBMText(model));
    expect(back.trees).toHaveLength(1);
    expect(back.trees[0]!.leafValue[0]).toBe(Math.fround(Math.log(0.2 / 0.8)));
    expect(walkMargin(back, matrix)).toEqual(walkMargin(model, matrix));
  });
});

// A file shaped like LightGBM's own output: split i creates internal node i, the split leaf keeps its
// id on the left and the new leaf (num_leaves) goes right; thresholds are doubles; missing types vary.
const HAND = [
  'tree',
  'version=v4',
  'num_class=1',
  'num_tree_per_iteration=1',
  'label_index=0',
  'max_feature_idx=1',
  'objective=binary sigmoid:1',
  'feature_names=age income',
  'feature_infos=[0:90] [-5:5]',
  '',
  'Tree=0',
  'num_leaves=3',
  'num_cat=0',
  'split_feature=0 1',
  'split_gain=10 2.5',
  'threshold=30.5 1.0000000000000001e-35',
  'decision_type=2 10',
  'left_child=1 -1',
  'right_child=-2 -3',
  'leaf_value=-0.5 0.25 0.75',
  'leaf_weight=4 3 2',
  'leaf_count=40 30 20',
  'internal_value=0 -0.1',
  'internal_weight=9 6',
  'internal_count=90 60',
  'is_linear=0',
  'shrinkage=0.1',
  '',
  '',
  'end of trees',
  '',
].join('\n');

describe('fromLightGBMText on a LightGBM-style file', () => {
  it('lays the tree out XGBoost-style and keeps LightGBM semantics (<=, missing None and NaN)', () => {
    const model = fromLightGBMText(HAND);
    expect(model.featureNames).toEqual(['age', 'income']);
    expect(model.baseScore).toBe(0.5);
    const t = model.trees[0]!;
    expect(Array.from(t.left)).toEqual([1, 3, -1, -1, -1]);
    expect(Array.from(t.splitFeature)).toEqual([0, 1, 0, 0, 0]);
    expect(Array.from(t.count)).toEqual([90, 60, 30, 40, 20]);
    expect(Array.from(t.leafValue)).toEqual([0, 0, 0.25, -0.5, 0.75]);
    // Missing type None on age: NaN acts as 0, and 0 <= 30.5 goes left.
    expect(t.defaultLeft[0]).toBe(1);
    const rows = [30.5, 0.5, 30.500002, 0, Number.NaN, Number.NaN, 10, 1e-36, 10, 2e-35, Number.NaN, 1];
    const m = fromRows(rows, 6);
    const want = lightgbmRaw(HAND, m);
    expect(Array.from(want)).toEqual([0.75, 0.25, -0.5, -0.5, 0.75, 0.75]);
    expect(walkMargin(model, m, undefined, 'double')).toEqual(Float64Array.from(want, Math.fround));
  });

  it('reads parameters, defaulting what is absent', () => {
    const text = `${HAND}\nparameters:\n[learning_rate: 0.05]\n[num_leaves: 15]\n[lambda_l2: 2]\n\nend of parameters\n`;
    const params = fromLightGBMText(text).params;
    expect(params).toMatchObject({ learningRate: 0.05, maxLeaves: 15, lambda: 2, growPolicy: 'lossguide' });
  });
});

describe('fromLightGBMText refuses bad files', () => {
  const edit = (from: string, to: string) => {
    expect(HAND).toContain(from);
    return HAND.replace(from, to);
  };

  it('names the line or field', () => {
    expect(loadError('{"learner":{}}')).toMatchInlineSnapshot(
      `"line 1 must be "tree" (the LightGBM text model header), found "{\\"learner\\":{}}""`,
    );
    expect(loadError(edit('num_class=1', 'num_class=3'))).toMatchInlineSnapshot(
      `"num_class must be 1 (multi-class models are not supported), found "3""`,
    );
    expect(loadError(edit('objective=binary sigmoid:1', 'objective=regression'))).toMatchInlineSnapshot(
      `"objective must be "binary sigmoid:1" (the only supported objective), found "regression""`,
    );
    expect(loadError(edit('objective=binary sigmoid:1', 'objective=binary sigmoid:2'))).toMatchInlineSnapshot(
      `"objective must be "binary sigmoid:1" (the only supported objective), found "binary sigmoid:2""`,
    );
    expect(loadError(edit('feature_names=age income', 'feature_names=age'))).toMatchInlineSnapshot(
      `"feature_names must be 2 names (max_feature_idx + 1), found 1"`,
    );
    expect(loadError(edit('num_cat=0', 'num_cat=1'))).toMatchInlineSnapshot(
      `"Tree=0.num_cat must be 0 (categorical splits are not supported), found 1"`,
    );
    expect(loadError(edit('decision_type=2 10', 'decision_type=2 11'))).toMatchInlineSnapshot(
      `"Tree=0.decision_type[1] must be numerical (categorical splits are not supported), found 11"`,
    );
    expect(loadError(edit('decision_type=2 10', 'decision_type=2 6'))).toMatchInlineSnapshot(
      `"Tree=0.decision_type[1] must be missing type None or NaN (missing type Zero cannot be expressed), found 6"`,
    );
    expect(loadError(edit('split_feature=0 1', 'split_feature=0 2'))).toMatchInlineSnapshot(
      `"Tree=0.split_feature[1] must be a feature index in [0, 1], found 2"`,
    );
    expect(loadError(edit('leaf_value=-0.5 0.25 0.75', 'leaf_value=-0.5 0.25'))).toMatchInlineSnapshot(
      `"Tree=0.leaf_value must have 3 values, found 2"`,
    );
    expect(loadError(edit('leaf_value=-0.5 0.25 0.75', 'leaf_value=-0.5 x 0.75'))).toMatchInlineSnapshot(
      `"Tree=0.leaf_value[1] must be a finite number, found "x""`,
    );
    expect(loadError(edit('end of trees', 'end of tree'))).toMatchInlineSnapshot(
      `"line 30 must be "end of trees" after the last tree, found "end of tree""`,
    );
  });

  it('refuses children out of range, cycles and shared leaves', () => {
    expect(loadError(edit('left_child=1 -1', 'left_child=2 -1'))).toMatchInlineSnapshot(
      `"Tree=0.left_child[0] must be an internal node in [0, 1] or a leaf ~l with l in [0, 2], found 2"`,
    );
    expect(loadError(edit('left_child=1 -1', 'left_child=1 0'))).toMatchInlineSnapshot(
      `"Tree=0.left_child[1] must be a node not already in the tree (no cycles or shared nodes), found 0"`,
    );
    expect(loadError(edit('left_child=1 -1', 'left_child=1 1'))).toMatchInlineSnapshot(
      `"Tree=0.left_child[1] must be a node not already in the tree (no cycles or shared nodes), found 1"`,
    );
    expect(loadError(edit('left_child=1 -1', 'left_child=1 -2'))).toMatchInlineSnapshot(
      `"Tree=0.left_child[1] must be a leaf not already in the tree (no shared leaves), found -2"`,
    );
    expect(loadError(edit('left_child=1 -1', 'left_child=-1 -2'))).toMatchInlineSnapshot(
      `"Tree=0 internal node 1 is not reachable from the root"`,
    );
  });

  it('refuses tree_sizes that do not match the bytes', () => {
    const text = toLightGBMText(fromXGBoostJSON(modelText('named')));
    const sizes = /\ntree_sizes=(\S+) /.exec(text)![1]!;
    const bad = text.replace(`tree_sizes=${sizes} `, `tree_sizes=${Number(sizes) + 1} `);
    expect(loadError(bad)).toMatchInlineSnapshot(
      `"tree_sizes[0] must be 545 (the byte length of Tree=0), found "546""`,
    );
  });

  it('toLightGBMText refuses names LightGBM cannot store', () => {
    const model = fromXGBoostJSON(modelText('named'));
    const bad: BoosterModel = { ...model, featureNames: ['a b', 'c', 'd', 'e', 'f', 'g'] };
    expect(() => toLightGBMText(bad)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: model.featureNames[0] must be a name without spaces or any of = : , [ ] { } " (LightGBM cannot store those), found "a b"]`,
    );
  });
});
