import { createMatrix, fromRows } from '@leadscore/core/matrix';
import { createRng } from '@leadscore/core/rng';
import { describe, expect, it } from 'vitest';
import { Booster } from '../src/booster.js';
import { XGBOOST_DEFAULT_PARAMS } from '../src/io/xgboost-json.js';
import { baseMargin } from '../src/model/base-margin.js';
import type { BoosterModel, TreeArrays } from '../src/model/types.js';
import { sigmoid32 } from '../src/predict/predict.js';
import { train } from '../src/train/train.js';

/** A tree from (left, feature, threshold, defaultLeft, leaf) lists; right = left + 1. */
function tree(
  left: number[],
  feature: number[],
  threshold: number[],
  defaultLeft: number[],
  leaf: number[],
): TreeArrays {
  const n = left.length;
  const parent = new Int32Array(n).fill(-1);
  left.forEach((l, i) => {
    if (l >= 0) {
      parent[l] = i;
      parent[l + 1] = i;
    }
  });
  return {
    numNodes: n,
    left: Int32Array.from(left),
    right: Int32Array.from(left, (l) => (l < 0 ? -1 : l + 1)),
    parent,
    splitFeature: Int32Array.from(feature),
    threshold: Float32Array.from(threshold),
    defaultLeft: Uint8Array.from(defaultLeft),
    leafValue: Float32Array.from(leaf),
    baseWeight: Float32Array.from(leaf),
    lossChange: new Float32Array(n),
    sumHessian: new Float32Array(n).fill(1),
    count: new Int32Array(n),
  };
}

// tree 0: x0 < 0.5 ? (x1 < 2 ? 0.1 : 0.2) : -0.3, missing x0 -> left, missing x1 -> right
// tree 1: x1 < 1 ? 0.05 : -0.05, missing -> left; tree 2: a single leaf 0.25
const t0 = tree(
  [1, 3, -1, -1, -1],
  [0, 1, 0, 0, 0],
  [0.5, 2, 0, 0, 0],
  [1, 0, 0, 0, 0],
  [0, 0, -0.3, 0.1, 0.2],
);
const t1 = tree([1, -1, -1], [1, 0, 0], [1, 0, 0], [1, 0, 0], [0, 0.05, -0.05]);
const t2 = tree([-1], [0], [0], [0], [0.25]);
const model: BoosterModel = {
  trees: [t0, t1, t2],
  baseScore: 0.2,
  numFeature: 2,
  featureNames: [],
  bestIteration: 2,
  params: XGBOOST_DEFAULT_PARAMS,
};
const rows = [
  [0.2, 1.5], // 0.1 + 0.05... x1=1.5 >= 1 -> -0.05
  [0.5, 0.0], // x0 == 0.5 goes right: -0.3; x1 < 1: 0.05
  [Number.NaN, 3], // missing x0 left, x1 >= 2: 0.2; -0.05
  [0.1, Number.NaN], // missing x1 in tree 0 right: 0.2; tree 1 left: 0.05
  [0.9, 2], // -0.3, -0.05
];
const leafSums = [0.1 - 0.05, -0.3 + 0.05, 0.2 - 0.05, 0.2 + 0.05, -0.3 - 0.05];
const m0 = Math.log(0.2 / 0.8);

describe('prediction rule', () => {
  const booster = new Booster(model);
  const flat = rows.flat();

  it('follows x < threshold, NaN to the default child, and adds the base margin', () => {
    const m = booster.predictMargin(fromRows(flat, 5));
    leafSums.forEach((s, i) => {
      expect(m[i]).toBeCloseTo(m0 + s + 0.25, 6);
    });
  });

  it('gives the same result for row- and column-major input', () => {
    const col = [0, 1].flatMap((j) => rows.map((r) => r[j]!));
    const a = booster.predictMargin(fromRows(flat, 5));
    const b = booster.predictMargin(
      createMatrix(
        Float32Array.from(col),
        5,
        Array.from({ length: 2 }, (_, j) => `f${j}`),
      ),
    );
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('accumulates in float32 like XGBoost', () => {
    const m = booster.predictMargin(fromRows(flat, 5));
    const f = Math.fround;
    const leaves = [
      [0.1, -0.05],
      [-0.3, 0.05],
      [0.2, -0.05],
      [0.2, 0.05],
      [-0.3, -0.05],
    ];
    leaves.forEach(([a, b], i) => {
      const expected = f(f(f(f(m0) + f(a!)) + f(b!)) + f(0.25));
      expect(m[i]).toBe(expected);
    });
  });

  it('probabilities are the float32 sigmoid of the margin', () => {
    const m = booster.predictMargin(fromRows(flat, 5));
    const p = booster.predict(fromRows(flat, 5));
    m.forEach((v, i) => {
      expect(p[i]).toBeCloseTo(1 / (1 + Math.exp(-v)), 7);
      expect(p[i]).toBe(sigmoid32(v));
    });
    expect(baseMargin(0.5)).toBeCloseTo(0, 12);
    expect(baseMargin(0.2)).toBeCloseTo(m0, 6);
  });

  it('iteration ranges and slices select trees', () => {
    const d = fromRows(flat, 5);
    const first = booster.predictMargin(d, { iterationRange: [0, 1] });
    [0.1, -0.3, 0.2, 0.2, -0.3].forEach((s, i) => {
      expect(first[i]).toBeCloseTo(m0 + s, 6);
    });
    const last = booster.predictMargin(d, { iterationRange: [2, 3] });
    for (const v of last) expect(v).toBeCloseTo(m0 + 0.25, 6);
    const sliced = booster.slice(1, 3);
    expect(sliced.numTrees).toBe(2);
    expect(sliced.bestIteration).toBe(1);
    expect(Array.from(sliced.predictMargin(d))).toEqual(
      Array.from(booster.predictMargin(d, { iterationRange: [1, 3] })),
    );
    expect(() => booster.predictMargin(d, { iterationRange: [2, 4] })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: iterationRange[1] must be an integer in [2, 3], found 4]`,
    );
  });

  it('refuses a matrix with another number of columns', () => {
    expect(() => booster.predict(fromRows([1, 2, 3], 1))).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: data must have the model's 2 columns, found 3]`,
    );
  });

  it('handles more rows than one block and unbalanced trees', () => {
    const n = 1000;
    const x = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      x[2 * i] = (i % 10) / 10;
      x[2 * i + 1] = i % 7 === 0 ? Number.NaN : (i % 4) * 0.9;
    }
    const m = booster.predictMargin(fromRows(x, n));
    for (let i = 0; i < n; i++) {
      const a = x[2 * i]!;
      const b = x[2 * i + 1]!;
      const l0 = a < 0.5 ? (Number.isNaN(b) || b >= 2 ? 0.2 : 0.1) : -0.3;
      const l1 = Number.isNaN(b) || b < 1 ? 0.05 : -0.05;
      expect(m[i]).toBeCloseTo(m0 + l0 + l1 + 0.25, 6);
    }
  });
});

describe('multi-threaded prediction', () => {
  // enough rows for several blocks, an uneven last block, NaN everywhere
  const n = 9001;
  const nCols = 6;
  const rng = createRng(41);
  const x = new Float32Array(n * nCols);
  for (let i = 0; i < x.length; i++) x[i] = rng.next() < 0.1 ? Number.NaN : Math.fround(rng.normal());
  const y = Float32Array.from({ length: n }, (_, i) => (x[i * nCols]! + x[i * nCols + 1]! > 0.5 ? 1 : 0));
  const colMajor = new Float32Array(n * nCols);
  for (let i = 0; i < n; i++) for (let j = 0; j < nCols; j++) colMajor[j * n + i] = x[i * nCols + j]!;

  it('gives bit-identical margins and probabilities with 1, 2 and 3 threads, either layout', async () => {
    const trained = await train(fromRows(x, n), y, { numRounds: 25, maxDepth: 4 });
    const rowM = fromRows(x, n);
    const colM = createMatrix(
      Float32Array.from(colMajor),
      n,
      Array.from({ length: nCols }, (_, j) => `f${j}`),
    );
    const one = trained.predictMargin(rowM);
    const p1 = trained.predict(rowM, { iterationRange: [3, 17] });
    for (const nthread of [2, 3]) {
      expect(trained.predictMargin(rowM, { nthread })).toEqual(one);
      expect(trained.predictMargin(colM, { nthread })).toEqual(one);
      expect(trained.predict(rowM, { nthread, iterationRange: [3, 17] })).toEqual(p1);
    }
    // the threaded path must not be the single-threaded one in disguise: margins vary across blocks
    expect(new Set(one).size).toBeGreaterThan(10);
  });

  it('calls of other sizes in a row reuse the shared copies correctly (larger, then smaller)', async () => {
    const trained = await train(fromRows(x, n), y, { numRounds: 10, maxDepth: 4 });
    const one = trained.predictMargin(fromRows(x, n));
    for (const rows of [3000, n, 5000, 2500, n]) {
      const part = fromRows(x.subarray(0, rows * nCols), rows);
      expect(trained.predictMargin(part, { nthread: 2 })).toEqual(one.subarray(0, rows));
    }
  });

  it('accepts input already in shared memory and leaves it unchanged', async () => {
    const trained = await train(fromRows(x, n), y, { numRounds: 5, maxDepth: 3 });
    const sab = new Float32Array(new SharedArrayBuffer(colMajor.byteLength));
    sab.set(colMajor);
    const names = Array.from({ length: nCols }, (_, j) => `f${j}`);
    const m = trained.predictMargin(createMatrix(sab, n, names), { nthread: 2 });
    expect(m).toEqual(trained.predictMargin(fromRows(x, n)));
    expect(sab).toEqual(colMajor);
  });

  it('refuses a bad thread count', () => {
    const b = new Booster(model);
    expect(() => b.predict(fromRows([1, 2], 1), { nthread: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[ValidationError: options.nthread: must be an integer in [1, 64], found 0]`,
    );
    expect(() => b.predict(fromRows([1, 2], 1), { nthread: 1.5 })).toThrowErrorMatchingInlineSnapshot(
      `[ValidationError: options.nthread: must be an integer in [1, 64], found 1.5]`,
    );
  });
});
