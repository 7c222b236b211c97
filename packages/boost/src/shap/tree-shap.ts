/**
 * Exact TreeSHAP (Lundberg, Erion & Lee 2018, Algorithm 2) with XGBoost's conventions: cover is the
 * node's hessian sum, the bias column is last and holds the expected margin, values are in margin
 * space, so every row sums to the model's raw margin.
 * @module
 */
import { InvalidArgumentError } from '@leadscore/core/errors';
import { assertArg } from '@leadscore/core/internal';
import type { ColumnMajor } from '../data/matrix.js';
import { baseMargin } from '../model/base-margin.js';
import { treeDepth } from '../model/tree-shape.js';
import type { BoosterModel, TreeArrays } from '../model/types.js';
import { validateModel } from '../model/validate.js';

/** Deepest tree TreeSHAP accepts (recursion depth and an O(depth^2) path buffer). */
export const MAX_SHAP_DEPTH = 1024;

/** Options of {@link predictContributions}. */
export interface PredictContributionsOptions {
  /**
   * Trees `[start, end)` to explain (one tree per boosting round). The bias always includes the base
   * margin. The default is every tree, like XGBoost's `pred_contribs`; `Booster.predictContributions`
   * defaults to the best iteration instead, matching `Booster.predict` after early stopping.
   * @default [0, model.trees.length]
   */
  readonly iterationRange?: readonly [number, number];
}

/**
 * Mean value of every node, weighted by cover, as XGBoost's `FillNodeMeanValues`: leaves hold their
 * value, an internal node `(mean(L) * H_L + mean(R) * H_R) / H`. Computed children first.
 */
function nodeMeanValues(tree: TreeArrays, path: string): Float64Array {
  const n = tree.numNodes;
  const mean = new Float64Array(n);
  // Loaded files need not number children after their parent, so walk in post-order instead of by index.
  // Each pending level holds at most two (node, state) pairs, so 2n + 6 slots always suffice.
  const stack = new Int32Array(2 * n + 6);
  let top = 0;
  stack[top++] = 0;
  stack[top++] = 0;
  while (top > 0) {
    const state = stack[--top]!;
    const node = stack[--top]!;
    const left = tree.left[node]!;
    if (left < 0) {
      mean[node] = tree.leafValue[node]!;
    } else if (state === 0) {
      stack[top++] = node;
      stack[top++] = 1;
      stack[top++] = left;
      stack[top++] = 0;
      stack[top++] = left + 1;
      stack[top++] = 0;
    } else {
      const right = left + 1;
      const cover = tree.sumHessian[node]!;
      if (!(cover > 0)) {
        throw new InvalidArgumentError(
          `${path}.sumHessian[${node}] must be > 0 at a split for TreeSHAP (it is the cover), found ${cover}`,
          { details: { parameter: `${path}.sumHessian`, value: cover } },
        );
      }
      mean[node] =
        (mean[left]! * tree.sumHessian[left]! + mean[right]! * tree.sumHessian[right]!) /
        tree.sumHessian[node]!;
    }
  }
  return mean;
}

/**
 * The unique-path buffers of Algorithm 2. Each recursion level copies its parent's path into the next
 * segment (as XGBoost does), so one preallocation of `maxd (maxd + 1) / 2` entries serves every row.
 * The current tree's arrays are held as fields so the hot recursion reads them without indirection.
 */
class ShapWalker {
  readonly feature: Int32Array;
  readonly zero: Float64Array;
  readonly one: Float64Array;
  readonly weight: Float64Array;
  /** `inverse[k] = 1 / (k + 1)`. */
  readonly inverse: Float64Array;
  left: Int32Array = new Int32Array(0);
  splitFeature: Int32Array = new Int32Array(0);
  threshold: Float32Array = new Float32Array(0);
  defaultLeft: Uint8Array = new Uint8Array(0);
  leafValue: Float32Array = new Float32Array(0);
  cover: Float32Array = new Float32Array(0);
  data: Float32Array = new Float32Array(0);
  rowBase = 0;
  stride = 1;
  phi: Float64Array = new Float64Array(0);
  phiBase = 0;

  constructor(maxDepth: number) {
    const maxd = maxDepth + 2;
    const size = (maxd * (maxd + 1)) / 2;
    this.feature = new Int32Array(size);
    this.zero = new Float64Array(size);
    this.one = new Float64Array(size);
    this.weight = new Float64Array(size);
    this.inverse = Float64Array.from({ length: maxd + 1 }, (_, k) => 1 / (k + 1));
  }

  setTree(tree: TreeArrays): void {
    this.left = tree.left;
    this.splitFeature = tree.splitFeature;
    this.threshold = tree.threshold;
    this.defaultLeft = tree.defaultLeft;
    this.leafValue = tree.leafValue;
    this.cover = tree.sumHessian;
  }

  /**
   * UNWOUND-SUM for a path element on the hot side (one fraction `oneFraction` != 0): the total
   * permutation weight if that element were unwound.
   */
  private unwoundSumHot(at: number, depth: number, oneFraction: number, zeroFraction: number): number {
    const w = this.weight;
    const inv = this.inverse;
    let nextOnePortion = w[at + depth]!;
    let total = 0;
    // Divisions hoisted into reciprocals (inv[k] = 1 / (k + 1)): this loop is the hot spot.
    const scale = (depth + 1) / oneFraction;
    const zeroScale = zeroFraction * inv[depth]!;
    for (let i = depth - 1; i >= 0; i--) {
      const tmp = nextOnePortion * scale * inv[i]!;
      total += tmp;
      nextOnePortion = w[at + i]! - tmp * zeroScale * (depth - i);
    }
    return total;
  }

  /** RECURSE of Algorithm 2; `parentAt` is the start of the parent's path segment. */
  recurse(
    node: number,
    depth: number,
    parentAt: number,
    parentZero: number,
    parentOne: number,
    parentFeature: number,
  ): void {
    const feature = this.feature;
    const zero = this.zero;
    const one = this.one;
    const w = this.weight;
    const at = parentAt + depth + 1;
    for (let i = 0; i <= depth; i++) {
      feature[at + i] = feature[parentAt + i]!;
      zero[at + i] = zero[parentAt + i]!;
      one[at + i] = one[parentAt + i]!;
      w[at + i] = w[parentAt + i]!;
    }
    // EXTEND
    feature[at + depth] = parentFeature;
    zero[at + depth] = parentZero;
    one[at + depth] = parentOne;
    w[at + depth] = depth === 0 ? 1 : 0;
    const oneScale = parentOne * this.inverse[depth]!;
    const zeroScale = parentZero * this.inverse[depth]!;
    for (let i = depth - 1; i >= 0; i--) {
      w[at + i + 1]! += oneScale * w[at + i]! * (i + 1);
      w[at + i] = zeroScale * w[at + i]! * (depth - i);
    }

    const left = this.left[node]!;
    if (left < 0) {
      const value = this.leafValue[node]!;
      const phi = this.phi;
      const base = this.phiBase;
      // A cold element (one fraction 0, zero fraction z) has UNWOUND-SUM = S / z with
      // S = sum_j w_j (d + 1) / (d - j), independent of the element, so its contribution
      // S / z * (0 - z) * value = -S * value is shared by every cold element of the path.
      let coldShare = Number.NaN;
      for (let i = 1; i <= depth; i++) {
        const o = one[at + i]!;
        const z = zero[at + i]!;
        if (o !== 0) {
          phi[base + feature[at + i]!]! += this.unwoundSumHot(at, depth, o, z) * (o - z) * value;
        } else if (z !== 0) {
          if (Number.isNaN(coldShare)) {
            let sum = 0;
            const inv = this.inverse;
            for (let j = depth - 1; j >= 0; j--) sum += w[at + j]! * inv[depth - j - 1]!;
            coldShare = -sum * (depth + 1) * value;
          }
          phi[base + feature[at + i]!]! += coldShare;
        }
      }
      return;
    }
    const split = this.splitFeature[node]!;
    const x = this.data[this.rowBase + split * this.stride]!;
    const goLeft = Number.isNaN(x) ? this.defaultLeft[node] === 1 : x < this.threshold[node]!;
    const hot = goLeft ? left : left + 1;
    const cold = goLeft ? left + 1 : left;
    const cover = this.cover[node]!;
    const hotZero = this.cover[hot]! / cover;
    const coldZero = this.cover[cold]! / cover;
    let incomingZero = 1;
    let incomingOne = 1;
    let pathIndex = 0;
    for (; pathIndex <= depth; pathIndex++) {
      if (feature[at + pathIndex] === split) break;
    }
    if (pathIndex !== depth + 1) {
      incomingZero = zero[at + pathIndex]!;
      incomingOne = one[at + pathIndex]!;
      // UNWIND the earlier split on the same feature; it is redone here.
      let nextOnePortion = w[at + depth]!;
      for (let i = depth - 1; i >= 0; i--) {
        if (incomingOne !== 0) {
          const tmp = w[at + i]!;
          w[at + i] = (nextOnePortion * (depth + 1)) / ((i + 1) * incomingOne);
          nextOnePortion = tmp - (w[at + i]! * incomingZero * (depth - i)) / (depth + 1);
        } else {
          w[at + i] = (w[at + i]! * (depth + 1)) / (incomingZero * (depth - i));
        }
      }
      for (let i = pathIndex; i < depth; i++) {
        feature[at + i] = feature[at + i + 1]!;
        zero[at + i] = zero[at + i + 1]!;
        one[at + i] = one[at + i + 1]!;
      }
      depth -= 1;
    }
    this.recurse(hot, depth + 1, at, hotZero * incomingZero, incomingOne, split);
    this.recurse(cold, depth + 1, at, coldZero * incomingZero, 0, split);
  }
}

/**
 * SHAP contributions of every feature to the raw margin of every row (exact TreeSHAP, path-dependent,
 * cover = hessian sums), as XGBoost's `predict(pred_contribs=True)`: row-major
 * `nRows x (numFeature + 1)`, the last column is the bias (expected margin: the cover-weighted mean of
 * each tree plus `logit(baseScore)`). Each row sums to the margin of that row.
 * @example const phi = predictContributions(model, fromRows([1, 2, 3, 4, 5, 6], 2));
 */
export function predictContributions(
  model: BoosterModel,
  data: ColumnMajor,
  options: PredictContributionsOptions = {},
): Float64Array {
  // A malformed tree (a cycle, a dangling child) would make the recursion run away: check first.
  validateModel(model);
  const { nRows, nCols } = data;
  const numFeature = model.numFeature;
  assertArg(Number.isInteger(nRows) && nRows >= 0, 'data.nRows', 'a non-negative integer', nRows);
  if (nCols !== numFeature) {
    throw new InvalidArgumentError(
      `data.nCols must equal the model's numFeature = ${numFeature}, found ${nCols}`,
      { details: { parameter: 'data.nCols', value: nCols } },
    );
  }
  assertArg(
    data.values.length === nRows * nCols,
    'data.values',
    `an array of nRows * nCols = ${nRows * nCols} values`,
    data.values.length,
  );
  const [start, end] = options.iterationRange ?? [0, model.trees.length];
  assertArg(
    Number.isInteger(start) &&
      Number.isInteger(end) &&
      start >= 0 &&
      start <= end &&
      end <= model.trees.length,
    'iterationRange',
    `integers 0 <= start <= end <= ${model.trees.length}`,
    [start, end],
  );

  const width = numFeature + 1;
  const out = new Float64Array(nRows * width);
  let maxDepth = 0;
  let bias = baseMargin(model.baseScore);
  for (let t = start; t < end; t++) {
    const tree = model.trees[t]!;
    const depth = treeDepth(tree);
    // The walk recurses once per level and the path buffer grows with depth^2.
    if (depth > MAX_SHAP_DEPTH) {
      throw new InvalidArgumentError(
        `model.trees[${t}] must be at most ${MAX_SHAP_DEPTH} levels deep for TreeSHAP, found ${depth}`,
        { details: { parameter: `model.trees[${t}]`, value: depth } },
      );
    }
    maxDepth = Math.max(maxDepth, depth);
    bias += nodeMeanValues(tree, `model.trees[${t}]`)[0]!;
  }
  const walker = new ShapWalker(maxDepth);
  walker.data = data.values;
  walker.phi = out;
  walker.stride = nRows;
  for (let t = start; t < end; t++) {
    walker.setTree(model.trees[t]!);
    for (let r = 0; r < nRows; r++) {
      walker.rowBase = r;
      walker.phiBase = r * width;
      walker.recurse(0, 0, 0, 1, 1, -1);
    }
  }
  for (let r = 0; r < nRows; r++) out[r * width + numFeature] = bias;
  return out;
}
