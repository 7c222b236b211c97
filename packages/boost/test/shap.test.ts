import { fromRows, type Matrix, takeRows } from '@leadscore/core/matrix';
import { createRng, type Rng } from '@leadscore/core/rng';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromXGBoostJSON, XGBOOST_DEFAULT_PARAMS } from '../src/io/xgboost-json.js';
import type { BoosterModel, TreeArrays } from '../src/model/types.js';
import { predictContributions } from '../src/shap/tree-shap.js';
import { CASES, expected, loadMatrix, maxAbsDiff, modelText, walkMargin } from './model-fixtures.js';

interface Spec {
  feature: number;
  threshold: number;
  defaultLeft: boolean;
  value: number;
  cover: number;
  children?: [Spec, Spec];
}

/** Lays a nested tree out in XGBoost's order: children allocated as consecutive pairs, breadth first. */
function layout(root: Spec): TreeArrays {
  const order: Spec[] = [root];
  const parentOf: number[] = [-1];
  const leftOf: number[] = [];
  for (let i = 0; i < order.length; i++) {
    const spec = order[i]!;
    if (spec.children) {
      leftOf[i] = order.length;
      order.push(spec.children[0], spec.children[1]);
      parentOf.push(i, i);
    } else {
      leftOf[i] = -1;
    }
  }
  const n = order.length;
  const leaf = (i: number) => leftOf[i]! < 0;
  return {
    numNodes: n,
    left: Int32Array.from(leftOf),
    right: Int32Array.from(leftOf, (l) => (l < 0 ? -1 : l + 1)),
    parent: Int32Array.from(parentOf),
    splitFeature: Int32Array.from(order, (s, i) => (leaf(i) ? 0 : s.feature)),
    threshold: Float32Array.from(order, (s, i) => (leaf(i) ? 0 : s.threshold)),
    defaultLeft: Uint8Array.from(order, (s, i) => (!leaf(i) && s.defaultLeft ? 1 : 0)),
    leafValue: Float32Array.from(order, (s, i) => (leaf(i) ? s.value : 0)),
    baseWeight: new Float32Array(n),
    lossChange: new Float32Array(n),
    sumHessian: Float32Array.from(order, (s) => s.cover),
    count: new Int32Array(n),
  };
}

function randomSpec(rng: Rng, numFeature: number, depth: number): Spec {
  if (depth === 0 || rng.next() < 0.25) {
    return {
      feature: 0,
      threshold: 0,
      defaultLeft: false,
      value: rng.uniform(-1, 1),
      cover: rng.uniform(0.5, 4),
    };
  }
  const children: [Spec, Spec] = [
    randomSpec(rng, numFeature, depth - 1),
    randomSpec(rng, numFeature, depth - 1),
  ];
  return {
    feature: rng.int(numFeature),
    threshold: [-1, -0.5, 0, 0.5, 1][rng.int(5)]!,
    defaultLeft: rng.bernoulli(0.5),
    value: 0,
    cover: Math.fround(children[0].cover + children[1].cover),
    children,
  };
}

function modelOf(trees: TreeArrays[], numFeature: number, baseScore = 0.5): BoosterModel {
  return {
    trees,
    baseScore,
    numFeature,
    featureNames: [],
    bestIteration: trees.length - 1,
    params: XGBOOST_DEFAULT_PARAMS,
  };
}

/** E[f(x) | x_S] with cover weighting (Algorithm 1 of the paper), for brute-force Shapley values. */
function conditional(tree: TreeArrays, x: Float32Array, inS: (f: number) => boolean, node = 0): number {
  const l = tree.left[node]!;
  if (l < 0) return tree.leafValue[node]!;
  const f = tree.splitFeature[node]!;
  if (inS(f)) {
    const v = x[f]!;
    const left = Number.isNaN(v) ? tree.defaultLeft[node] === 1 : v < tree.threshold[node]!;
    return conditional(tree, x, inS, left ? l : l + 1);
  }
  const hl = tree.sumHessian[l]!;
  const hr = tree.sumHessian[l + 1]!;
  return (conditional(tree, x, inS, l) * hl + conditional(tree, x, inS, l + 1) * hr) / tree.sumHessian[node]!;
}

/** Shapley values by their definition: a weighted sum over all 2^(M-1) coalitions per feature. */
function bruteForceShap(trees: TreeArrays[], x: Float32Array, m: number): number[] {
  const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
  const v = (mask: number) =>
    trees.reduce((s, t) => s + conditional(t, x, (f) => ((mask >> f) & 1) === 1), 0);
  const phi = new Array<number>(m + 1).fill(0);
  for (let i = 0; i < m; i++) {
    for (let mask = 0; mask < 1 << m; mask++) {
      if ((mask >> i) & 1) continue;
      let size = 0;
      for (let k = 0; k < m; k++) size += (mask >> k) & 1;
      phi[i]! += ((fact(size) * fact(m - size - 1)) / fact(m)) * (v(mask | (1 << i)) - v(mask));
    }
  }
  phi[m] = v(0);
  return phi;
}

/** Rigorous bound on float32 accumulation error: half an ulp (2^-24 relative) of each partial sum. */
function float32SumBound(model: BoosterModel, m: Matrix): number {
  let bound = 0;
  for (let r = 0; r < m.nRows; r++) {
    let err = 0;
    for (let t = 1; t <= model.trees.length; t++) {
      const partial = walkMargin(model, takeRows(m, [r]), [0, t]);
      err += Math.abs(partial[0]!) * 2 ** -24;
    }
    bound = Math.max(bound, err);
  }
  return bound;
}

function rowSums(phi: Float64Array, nRows: number, width: number): Float64Array {
  const out = new Float64Array(nRows);
  for (let r = 0; r < nRows; r++) for (let j = 0; j < width; j++) out[r]! += phi[r * width + j]!;
  return out;
}

describe('predictContributions against XGBoost 1.7.4 pred_contribs', () => {
  const rows = loadMatrix();
  for (const name of CASES) {
    it(`${name}: equal to XGBoost within 1e-5, rows sum to the margin within 1e-6`, () => {
      const exp = expected(name);
      const model = fromXGBoostJSON(modelText(name));
      const phi = predictContributions(model, rows);
      expect(phi).toHaveLength(rows.nRows * 7);
      expect(maxAbsDiff(phi, exp.contributions)).toBeLessThanOrEqual(1e-5);
      const sums = rowSums(phi, rows.nRows, 7);
      // Exact local accuracy against the margin summed in double precision.
      expect(maxAbsDiff(sums, walkMargin(model, rows, undefined, 'double'))).toBeLessThanOrEqual(1e-9);
      // XGBoost's margin is accumulated in float32; the gap is that rounding (<= 1e-6 on these models).
      const f32 = walkMargin(model, rows);
      expect(maxAbsDiff(f32, exp.margin)).toBe(0);
      expect(maxAbsDiff(sums, f32)).toBeLessThanOrEqual(float32SumBound(model, rows));
    });
  }

  it('explains an iteration range: rows sum to the margin of those trees, ranges add up', () => {
    const model = fromXGBoostJSON(modelText('early_stop'));
    const best: [number, number] = [0, model.bestIteration + 1];
    const head = predictContributions(model, rows, { iterationRange: best });
    expect(maxAbsDiff(rowSums(head, rows.nRows, 7), walkMargin(model, rows, best))).toBeLessThanOrEqual(1e-6);
    const all = predictContributions(model, rows);
    const tail = predictContributions(model, rows, { iterationRange: [best[1], model.trees.length] });
    const none = predictContributions(model, rows, { iterationRange: [2, 2] });
    const base = none[6]!;
    expect(base).toBeCloseTo(Math.log(0.4 / 0.6), 6);
    expect(Array.from(none.subarray(0, 6))).toEqual([0, 0, 0, 0, 0, 0]);
    for (let i = 0; i < all.length; i++) {
      const bias = (i + 1) % 7 === 0 ? base : 0;
      expect(head[i]! + tail[i]! - bias).toBeCloseTo(all[i]!, 12);
    }
  });
});

describe('predictContributions against Shapley values by definition', () => {
  it('a hand-built stump: phi = cover-weighted deviation from the mean', () => {
    // Split on x0 < 0: left leaf -1 (cover 3), right leaf 2 (cover 1); mean = (-3 + 2) / 4 = -0.25.
    const tree = layout({
      feature: 0,
      threshold: 0,
      defaultLeft: true,
      value: 0,
      cover: 4,
      children: [
        { feature: 0, threshold: 0, defaultLeft: false, value: -1, cover: 3 },
        { feature: 0, threshold: 0, defaultLeft: false, value: 2, cover: 1 },
      ],
    });
    const data = new Float32Array([-5, 9, 0, 9, Number.NaN, 9]);
    const phi = predictContributions(modelOf([tree], 2), fromRows(data, 3));
    expect(Array.from(phi)).toEqual([-0.75, 0, -0.25, 2.25, 0, -0.25, -0.75, 0, -0.25]);
  });

  it('random trees with repeated features and NaNs (fast-check, seeded)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const rng = createRng(seed);
        const m = 4;
        const trees = [0, 1, 2].map(() => layout(randomSpec(rng, m, 5)));
        const model = modelOf(trees, m, 0.3);
        const nRows = 5;
        const data = Float32Array.from({ length: nRows * m }, () =>
          rng.bernoulli(0.15) ? Number.NaN : [-1, -0.5, 0, 0.5, 1, rng.uniform(-2, 2)][rng.int(6)]!,
        );
        const phi = predictContributions(model, fromRows(data, nRows));
        const base = Math.fround(Math.log(0.3 / 0.7));
        for (let r = 0; r < nRows; r++) {
          const x = data.subarray(r * m, (r + 1) * m);
          const want = bruteForceShap(trees, x, m);
          want[m]! += base;
          for (let j = 0; j <= m; j++) expect(phi[r * (m + 1) + j]).toBeCloseTo(want[j]!, 9);
        }
      }),
      { seed: 20240607, numRuns: 60 },
    );
  });
});

describe('predictContributions on degenerate shapes', () => {
  it('a right-leaning chain (deep stack in the mean-value walk) matches brute force', () => {
    const leaf = (value: number, cover: number): Spec => ({
      feature: 0,
      threshold: 0,
      defaultLeft: false,
      value,
      cover,
    });
    let spec = leaf(0.5, 1);
    for (let d = 0; d < 12; d++) {
      const other = leaf(d / 10 - 0.6, 1 + d);
      spec = {
        feature: d % 4,
        threshold: (d % 3) - 1,
        defaultLeft: d % 2 === 0,
        value: 0,
        cover: Math.fround(spec.cover + other.cover),
        children: [other, spec],
      };
    }
    const tree = layout(spec);
    const data = Float32Array.from([2, 2, 2, 2, -2, 0.5, Number.NaN, 1, 0, 0, 0, 0]);
    const phi = predictContributions(modelOf([tree], 4), fromRows(data, 3));
    for (let r = 0; r < 3; r++) {
      const want = bruteForceShap([tree], data.subarray(r * 4, r * 4 + 4), 4);
      for (let j = 0; j <= 4; j++) expect(phi[r * 5 + j]).toBeCloseTo(want[j]!, 9);
    }
  });

  it('refuses a split whose cover is 0 (the fractions would be NaN)', () => {
    const tree = layout(randomSpec(createRng(3), 2, 2));
    const split = tree.left.findIndex((l) => l >= 0);
    const broken = { ...tree, sumHessian: tree.sumHessian.map((h, i) => (i === split ? 0 : h)) };
    const data = { values: new Float32Array(2), nRows: 1, nCols: 2 };
    expect(() => predictContributions(modelOf([broken], 2), data)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: model.trees[0].sumHessian[0] must be > 0 at a split for TreeSHAP (it is the cover), found 0]`,
    );
  });
});

describe('predictContributions input checks', () => {
  const model = fromXGBoostJSON(modelText('depthwise'));
  const data = { values: new Float32Array(10), nRows: 2, nCols: 5 };

  it('refuses a matrix with another column count, or a bad range', () => {
    expect(() => predictContributions(model, data)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: data.nCols must equal the model's numFeature = 6, found 5]`,
    );
    const ok = { values: new Float32Array(12), nRows: 2, nCols: 6 };
    expect(() =>
      predictContributions(model, ok, { iterationRange: [3, 1] }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: iterationRange must be integers 0 <= start <= end <= 25, found [3, 1]]`,
    );
    expect(() =>
      predictContributions(model, ok, { iterationRange: [0, 26] }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: iterationRange must be integers 0 <= start <= end <= 25, found [0, 26]]`,
    );
    const chain = layout(
      Array.from({ length: 1100 }).reduce<Spec>(
        (child) => ({
          feature: 0,
          threshold: 0,
          defaultLeft: false,
          value: 0,
          cover: child.cover + 1,
          children: [child, { feature: 0, threshold: 0, defaultLeft: false, value: 1, cover: 1 }],
        }),
        { feature: 0, threshold: 0, defaultLeft: false, value: 0, cover: 1 },
      ),
    );
    const deep = modelOf([chain], 6);
    expect(() => predictContributions(deep, ok)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: model.trees[0] must be at most 1024 levels deep for TreeSHAP, found 1100]`,
    );
    const t0 = model.trees[0]!;
    const cyclic = {
      ...t0,
      left: t0.left.map((l, i) => (i === 2 ? 1 : l)),
      right: t0.right.map((r, i) => (i === 2 ? 2 : r)),
    };
    expect(() =>
      predictContributions({ ...model, trees: [cyclic], bestIteration: 0 }, ok),
    ).toThrowErrorMatchingInlineSnapshot(
      `[ModelFormatError: model.trees[0].left[2] points to node 1, which is already in the tree (cycle or shared node)]`,
    );
    const short = { values: new Float32Array(11), nRows: 2, nCols: 6 };
    expect(() => predictContributions(model, short)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: data.values must be an array of nRows * nCols = 12 values, found 11]`,
    );
  });
});
