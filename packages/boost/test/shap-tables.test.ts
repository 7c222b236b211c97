import { fromRows } from '@leadscore/core/matrix';
import { createRng, type Rng } from '@leadscore/core/rng';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ColumnMajor } from '../src/data/matrix.js';
import { XGBOOST_DEFAULT_PARAMS } from '../src/io/xgboost-json.js';
import { treeDepth } from '../src/model/tree-shape.js';
import type { BoosterModel, TreeArrays } from '../src/model/types.js';
import {
  accumulateContributions,
  type PackShapForestOptions,
  packShapForest,
  SHAP_TABLE_MAX_DIM,
} from '../src/shap/shap-kernel.js';
import { predictContributions } from '../src/shap/tree-shap.js';

/**
 * A random tree in XGBoost's layout (children as consecutive pairs, breadth first): every split is
 * made with probability `pSplit` down to `depth`, on one of `numFeature` features (so paths repeat
 * features), with thresholds on a small grid the rows also use. Leaf covers are sometimes 0, which
 * makes a zero fraction 0.
 */
function randomTree(rng: Rng, numFeature: number, depth: number, pSplit = 0.8): TreeArrays {
  const left: number[] = [-1];
  const feature: number[] = [0];
  const threshold: number[] = [0];
  const defaultLeft: number[] = [0];
  const value: number[] = [0];
  const nodeDepth: number[] = [0];
  for (let i = 0; i < left.length; i++) {
    // the root always splits, so every tree has a path
    if (nodeDepth[i]! < depth && (i === 0 || rng.next() < pSplit)) {
      left[i] = left.length;
      feature[i] = rng.int(numFeature);
      threshold[i] = [-1, -0.5, 0, 0.5, 1][rng.int(5)]!;
      defaultLeft[i] = rng.bernoulli(0.5) ? 1 : 0;
      for (let c = 0; c < 2; c++) {
        left.push(-1);
        feature.push(0);
        threshold.push(0);
        defaultLeft.push(0);
        value.push(0);
        nodeDepth.push(nodeDepth[i]! + 1);
      }
    } else {
      value[i] = rng.uniform(-1, 1);
    }
  }
  const n = left.length;
  const cover = new Float32Array(n);
  for (let i = n - 1; i >= 0; i--) {
    const l = left[i]!;
    cover[i] = l < 0 ? (rng.bernoulli(0.05) ? 0 : rng.uniform(0.5, 4)) : cover[l]! + cover[l + 1]!;
    // a split needs a positive cover (the walk refuses 0)
    if (l >= 0 && !(cover[i]! > 0)) cover[i] = 1;
  }
  const parent = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    if (left[i]! >= 0) {
      parent[left[i]!] = i;
      parent[left[i]! + 1] = i;
    }
  }
  return {
    numNodes: n,
    left: Int32Array.from(left),
    right: Int32Array.from(left, (l) => (l < 0 ? -1 : l + 1)),
    parent,
    splitFeature: Int32Array.from(feature),
    threshold: Float32Array.from(threshold),
    defaultLeft: Uint8Array.from(defaultLeft),
    leafValue: Float32Array.from(value),
    baseWeight: new Float32Array(n),
    lossChange: new Float32Array(n),
    sumHessian: cover,
    count: new Int32Array(n),
  };
}

function randomRows(rng: Rng, nRows: number, numFeature: number): ColumnMajor {
  const values = Float32Array.from({ length: nRows * numFeature }, () =>
    rng.bernoulli(0.15) ? Number.NaN : [-1, -0.5, 0, 0.5, 1, rng.uniform(-2, 2)][rng.int(6)]!,
  );
  return fromRows(values, nRows);
}

function explain(
  trees: TreeArrays[],
  data: ColumnMajor,
  options: PackShapForestOptions,
): { phi: Float64Array; tableTrees: number } {
  const maxDepth = trees.reduce((d, t) => Math.max(d, treeDepth(t)), 0);
  const forest = packShapForest(trees, 0, trees.length, maxDepth, options);
  const width = data.nCols + 1;
  const phi = new Float64Array(data.nRows * width);
  accumulateContributions(forest, data, phi, width);
  let tableTrees = 0;
  for (const s of forest.orderStart) if (s >= 0) tableTrees++;
  return { phi, tableTrees };
}

/** Largest `|a - b| / (1 + |b|)`. */
function maxRelDiff(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
  return worst;
}

function modelOf(trees: TreeArrays[], numFeature: number): BoosterModel {
  return {
    trees,
    baseScore: 0.5,
    numFeature,
    featureNames: [],
    bestIteration: trees.length - 1,
    params: XGBOOST_DEFAULT_PARAMS,
  };
}

// Both algorithms sum the same Shapley weights in other orders: they agree to rounding (measured: up
// to 5e-16 relative on these cases), far below the float32 leaf values' own precision.
const TOLERANCE = 1e-13;

describe('Fast TreeSHAP v2 tables against Algorithm 2 (the fallback, Lundberg et al.)', () => {
  for (let depth = 1; depth <= 8; depth++) {
    it(`random trees of depth ${depth} with repeated features, NaNs and zero covers`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
          const rng = createRng(seed);
          const numFeature = 1 + rng.int(10);
          const trees = Array.from({ length: 4 }, () => randomTree(rng, numFeature, depth));
          const data = randomRows(rng, 40, numFeature);
          const fast = explain(trees, data, {});
          const slow = explain(trees, data, { tableBudget: 0 });
          expect(fast.tableTrees).toBe(trees.length);
          expect(slow.tableTrees).toBe(0);
          expect(maxRelDiff(fast.phi, slow.phi)).toBeLessThanOrEqual(TOLERANCE);
        }),
        { seed: 20261203 + depth, numRuns: depth <= 6 ? 25 : 8 },
      );
    });
  }

  it('mixes table and fallback trees: a dimension cap and a budget send some trees to Algorithm 2', () => {
    const rng = createRng(5);
    const numFeature = 12;
    const trees = Array.from({ length: 12 }, (_, t) => randomTree(rng, numFeature, 2 + (t % 6), 0.9));
    const data = randomRows(rng, 70, numFeature);
    const slow = explain(trees, data, { tableBudget: 0 });
    const capped = explain(trees, data, { maxTableDim: 4 });
    expect(capped.tableTrees).toBeGreaterThan(0);
    expect(capped.tableTrees).toBeLessThan(trees.length);
    expect(maxRelDiff(capped.phi, slow.phi)).toBeLessThanOrEqual(TOLERANCE);
    // room for a few trees only: the first ones that fit get tables
    const budgeted = explain(trees, data, { tableBudget: 2000 });
    expect(budgeted.tableTrees).toBeGreaterThan(0);
    expect(budgeted.tableTrees).toBeLessThan(trees.length);
    expect(maxRelDiff(budgeted.phi, slow.phi)).toBeLessThanOrEqual(TOLERANCE);
  });

  it(`a path with more than ${SHAP_TABLE_MAX_DIM} unique features falls back by default, same values`, () => {
    const rng = createRng(9);
    // a full tree of depth 12 on 40 features: most leaves see more than 10 distinct ones
    const deep = randomTree(rng, 40, 12, 0.75);
    const shallow = randomTree(rng, 40, 4);
    const data = randomRows(rng, 50, 40);
    const mixed = explain([shallow, deep], data, {});
    expect(mixed.tableTrees).toBe(1);
    const slow = explain([shallow, deep], data, { tableBudget: 0 });
    expect(maxRelDiff(mixed.phi, slow.phi)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('gives the same bits at 1, 2 and 3 threads on a model with table and fallback trees', () => {
    const rng = createRng(21);
    const numFeature = 30;
    const trees = [
      randomTree(rng, numFeature, 6),
      randomTree(rng, numFeature, 12, 0.75),
      randomTree(rng, numFeature, 8),
    ];
    const data = randomRows(rng, 300, numFeature);
    const model = modelOf(trees, numFeature);
    const one = predictContributions(model, data);
    expect(predictContributions(model, data, { nthread: 2 })).toEqual(one);
    expect(predictContributions(model, data, { nthread: 3 })).toEqual(one);
    // a second call reuses the prepared tables: same values
    expect(predictContributions(model, data)).toEqual(one);
    const slow = explain(trees, data, { tableBudget: 0 }).phi;
    const width = numFeature + 1;
    const withoutBias = one.map((v, i) => ((i + 1) % width === 0 ? 0 : v));
    expect(maxRelDiff(withoutBias, slow)).toBeLessThanOrEqual(TOLERANCE);
  });
});
