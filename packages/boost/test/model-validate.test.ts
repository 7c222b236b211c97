import { ModelFormatError } from '@leadscore/core/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFloat32, formatFloat64, nextFloat32, prevFloat32 } from '../src/io/number-format.js';
import { fromXGBoostJSON } from '../src/io/xgboost-json.js';
import { baseMargin } from '../src/model/base-margin.js';
import { treeDepth } from '../src/model/tree-shape.js';
import type { BoosterModel, TreeArrays } from '../src/model/types.js';
import { validateModel } from '../src/model/validate.js';
import { modelText } from './model-fixtures.js';

const model = fromXGBoostJSON(modelText('named'));

function withTree(edit: (t: { -readonly [K in keyof TreeArrays]: TreeArrays[K] }) => void): BoosterModel {
  const t0 = model.trees[0]!;
  const copy = {
    ...t0,
    left: t0.left.slice(),
    right: t0.right.slice(),
    parent: t0.parent.slice(),
    splitFeature: t0.splitFeature.slice(),
    threshold: t0.threshold.slice(),
    leafValue: t0.leafValue.slice(),
    sumHessian: t0.sumHessian.slice(),
  };
  edit(copy);
  return { ...model, trees: [copy, ...model.trees.slice(1)] };
}

function message(m: BoosterModel): string {
  try {
    validateModel(m);
  } catch (error) {
    expect(error).toBeInstanceOf(ModelFormatError);
    return (error as Error).message;
  }
  throw new Error('expected validateModel to refuse the model');
}

describe('validateModel', () => {
  it('accepts models loaded from XGBoost', () => {
    expect(() => validateModel(model)).not.toThrow();
    expect(treeDepth(model.trees[0]!)).toBe(2);
  });

  it('refuses broken trees and model fields, naming them', () => {
    expect(message({ ...model, baseScore: 1 })).toMatchInlineSnapshot(
      `"model.baseScore must be in (0, 1), found 1"`,
    );
    expect(message({ ...model, featureNames: ['a'] })).toMatchInlineSnapshot(
      `"model.featureNames must be empty or have numFeature = 6 names, found 1"`,
    );
    expect(message({ ...model, featureNames: ['a', 'b', 'c', 'a', 'e', 'f'] })).toMatchInlineSnapshot(
      `"model.featureNames[3] must be a non-empty name used by no other feature, found "a""`,
    );
    expect(message({ ...model, bestIteration: 10 })).toMatchInlineSnapshot(
      `"model.bestIteration must be an integer in [-1, 9], found 10"`,
    );
    expect(message(withTree((t) => (t.right[0] = 3)))).toMatchInlineSnapshot(
      `"model.trees[0].right[0] must be left[0] + 1 = 2 (XGBoost reads the right child as left + 1), found 3"`,
    );
    expect(message(withTree((t) => (t.parent[0] = 0)))).toMatchInlineSnapshot(
      `"model.trees[0].parent[0] must be -1 (the root), found 0"`,
    );
    expect(message(withTree((t) => (t.splitFeature[1] = 6)))).toMatchInlineSnapshot(
      `"model.trees[0].splitFeature[1] must be in [0, 5], found 6"`,
    );
    expect(message(withTree((t) => (t.threshold[1] = Number.NaN)))).toMatchInlineSnapshot(
      `"model.trees[0].threshold[1] must not be NaN"`,
    );
    expect(message(withTree((t) => (t.leafValue[3] = Number.POSITIVE_INFINITY)))).toMatchInlineSnapshot(
      `"model.trees[0].leafValue[3] must be finite, found Infinity"`,
    );
    expect(message(withTree((t) => (t.sumHessian[3] = -1)))).toMatchInlineSnapshot(
      `"model.trees[0].sumHessian[3] must be finite and >= 0, found -1"`,
    );
    expect(message(withTree((t) => (t.count = new Int32Array(3))))).toMatchInlineSnapshot(
      `"model.trees[0].count must have numNodes = 7 entries, found 3"`,
    );
    expect(
      message(
        withTree((t) => {
          t.left[2] = 1;
          t.right[2] = 2;
        }),
      ),
    ).toMatchInlineSnapshot(
      `"model.trees[0].left[2] points to node 1, which is already in the tree (cycle or shared node)"`,
    );
  });
});

describe('baseMargin', () => {
  it('is logit in float32, as XGBoost computes it', () => {
    expect(baseMargin(0.5)).toBe(0);
    expect(baseMargin(0.25)).toBe(Math.fround(-Math.log(3)));
    expect(baseMargin(0.9)).toBeCloseTo(Math.log(9), 6);
  });
});

describe('number formatting for model files', () => {
  it('formatFloat32 writes the shortest float32 decimal with "." or an exponent', () => {
    expect([0, -0, 0.5, 1, 0.1, 1e-7, 123456789, -2.5e-40, 3e38].map((v) => formatFloat32(v, 'v'))).toEqual([
      '0.0',
      '-0.0',
      '0.5',
      '1.0',
      '0.1',
      '1e-7',
      '1.2345679e8',
      '-2.5e-40',
      '3e38',
    ]);
    expect(() => formatFloat32(Number.NaN, 'model.trees[0].threshold[1]')).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: model.trees[0].threshold[1] must be finite, found NaN]`,
    );
  });

  it('formatFloat32 round-trips every float32 within 9 significant digits (fast-check)', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const s = formatFloat32(x, 'x');
        expect(s).toMatch(/[.e]/);
        expect(Object.is(Math.fround(Number(s)), x === 0 ? x : Math.fround(x))).toBe(true);
        expect(
          s
            .replace(/e.*$/, '')
            .replace(/[-.]/g, '')
            .replace(/^0+|0+$/g, '').length,
        ).toBeLessThanOrEqual(9);
      }),
      { seed: 7, numRuns: 2000 },
    );
  });

  it('formatFloat64 is the shortest round-trip decimal with C-style exponents', () => {
    expect([0.1, 1e-7, 1.5e300, -0, 42].map((v) => formatFloat64(v, 'v'))).toEqual([
      '0.1',
      '1e-07',
      '1.5e+300',
      '-0',
      '42',
    ]);
  });

  it('prevFloat32 / nextFloat32 are the float32 neighbours (fast-check)', () => {
    expect(prevFloat32(0)).toBe(-(2 ** -149));
    expect(nextFloat32(0)).toBe(2 ** -149);
    expect(prevFloat32(1)).toBe(1 - 2 ** -24);
    expect(nextFloat32(1)).toBe(1 + 2 ** -23);
    fc.assert(
      fc.property(
        fc.float({ noNaN: true, noDefaultInfinity: true, min: Math.fround(-1e37), max: Math.fround(1e37) }),
        (x) => {
          const p = prevFloat32(x);
          const n = nextFloat32(x);
          expect(Math.fround(p)).toBe(p);
          expect(p).toBeLessThan(x);
          expect(n).toBeGreaterThan(x);
          // No float32 strictly between: the midpoint rounds to one of the ends.
          expect([p, x === 0 ? 0 : x]).toContain(Math.fround((p + x) / 2) + 0);
          expect(nextFloat32(p) + 0).toBe(x + 0);
        },
      ),
      { seed: 11, numRuns: 2000 },
    );
  });
});
