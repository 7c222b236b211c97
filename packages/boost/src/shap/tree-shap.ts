/**
 * Exact TreeSHAP (Lundberg, Erion & Lee 2018, Algorithm 2) with XGBoost's conventions: cover is the
 * node's hessian sum, the bias column is last and holds the expected margin, values are in margin
 * space, so every row sums to the model's raw margin.
 * @module
 */
import { assertArg, InvalidArgumentError } from '@leadscore/core/errors';
import { baseMargin } from '../model/base-margin.js';
import { treeDepth } from '../model/tree-shape.js';
import type { BoosterModel, DenseMatrix, TreeArrays } from '../model/types.js';

/** Options of {@link predictContributions}. */
export interface PredictContributionsOptions {
  /**
   * Trees `[start, end)` to explain (one tree per boosting round). The bias always includes the base
   * margin.
   * @default [0, model.trees.length]
   */
  readonly iterationRange?: readonly [number, number];
}

/**
 * Mean value of every node, weighted by cover, as XGBoost's `FillNodeMeanValues`: leaves hold their
 * value, an internal node `(mean(L) * H_L + mean(R) * H_R) / H`. Computed children first.
 */
function nodeMeanValues(tree: TreeArrays): Float64Array {
  const n = tree.numNodes;
  const mean = new Float64Array(n);
  // Loaded files need not number children after their parent, so walk in post-order instead of by index.
  const stack = new Int32Array(2 * n);
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
 */
class ShapWalker {
  readonly feature: Int32Array;
  readonly zero: Float64Array;
  readonly one: Float64Array;
  readonly weight: Float64Array;
  tree!: TreeArrays;
  data!: Float32Array;
  rowBase = 0;
  stride = 1;
  phi!: Float64Array;
  phiBase = 0;

  constructor(maxDepth: number) {
    const maxd = maxDepth + 2;
    const size = (maxd * (maxd + 1)) / 2;
    this.feature = new Int32Array(size);
    this.zero = new Float64Array(size);
    this.one = new Float64Array(size);
    this.weight = new Float64Array(size);
  }

  private extend(
    at: number,
    depth: number,
    zeroFraction: number,
    oneFraction: number,
    feature: number,
  ): void {
    const w = this.weight;
    this.feature[at + depth] = feature;
    this.zero[at + depth] = zeroFraction;
    this.one[at + depth] = oneFraction;
    w[at + depth] = depth === 0 ? 1 : 0;
    for (let i = depth - 1; i >= 0; i--) {
      w[at + i + 1]! += (oneFraction * w[at + i]! * (i + 1)) / (depth + 1);
      w[at + i] = (zeroFraction * w[at + i]! * (depth - i)) / (depth + 1);
    }
  }

  private unwind(at: number, depth: number, pathIndex: number): void {
    const w = this.weight;
    const oneFraction = this.one[at + pathIndex]!;
    const zeroFraction = this.zero[at + pathIndex]!;
    let nextOnePortion = w[at + depth]!;
    for (let i = depth - 1; i >= 0; i--) {
      if (oneFraction !== 0) {
        const tmp = w[at + i]!;
        w[at + i] = (nextOnePortion * (depth + 1)) / ((i + 1) * oneFraction);
        nextOnePortion = tmp - (w[at + i]! * zeroFraction * (depth - i)) / (depth + 1);
      } else {
        w[at + i] = (w[at + i]! * (depth + 1)) / (zeroFraction * (depth - i));
      }
    }
    for (let i = pathIndex; i < depth; i++) {
      this.feature[at + i] = this.feature[at + i + 1]!;
      this.zero[at + i] = this.zero[at + i + 1]!;
      this.one[at + i] = this.one[at + i + 1]!;
    }
  }

  private unwoundSum(at: number, depth: number, pathIndex: number): number {
    const w = this.weight;
    const oneFraction = this.one[at + pathIndex]!;
    const zeroFraction = this.zero[at + pathIndex]!;
    let nextOnePortion = w[at + depth]!;
    let total = 0;
    for (let i = depth - 1; i >= 0; i--) {
      if (oneFraction !== 0) {
        const tmp = (nextOnePortion * (depth + 1)) / ((i + 1) * oneFraction);
        total += tmp;
        nextOnePortion = w[at + i]! - tmp * zeroFraction * ((depth - i) / (depth + 1));
      } else if (zeroFraction !== 0) {
        total += w[at + i]! / zeroFraction / ((depth - i) / (depth + 1));
      }
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
    const tree = this.tree;
    const at = parentAt + depth + 1;
    this.feature.copyWithin(at, parentAt, parentAt + depth + 1);
    this.zero.copyWithin(at, parentAt, parentAt + depth + 1);
    this.one.copyWithin(at, parentAt, parentAt + depth + 1);
    this.weight.copyWithin(at, parentAt, parentAt + depth + 1);
    this.extend(at, depth, parentZero, parentOne, parentFeature);
    const left = tree.left[node]!;
    if (left < 0) {
      const value = tree.leafValue[node]!;
      for (let i = 1; i <= depth; i++) {
        const w = this.unwoundSum(at, depth, i);
        this.phi[this.phiBase + this.feature[at + i]!]! +=
          w * (this.one[at + i]! - this.zero[at + i]!) * value;
      }
      return;
    }
    const split = tree.splitFeature[node]!;
    const x = this.data[this.rowBase + split * this.stride]!;
    const goLeft = Number.isNaN(x) ? tree.defaultLeft[node] === 1 : x < tree.threshold[node]!;
    const hot = goLeft ? left : left + 1;
    const cold = goLeft ? left + 1 : left;
    const cover = tree.sumHessian[node]!;
    const hotZero = tree.sumHessian[hot]! / cover;
    const coldZero = tree.sumHessian[cold]! / cover;
    let incomingZero = 1;
    let incomingOne = 1;
    let pathIndex = 0;
    for (; pathIndex <= depth; pathIndex++) {
      if (this.feature[at + pathIndex] === split) break;
    }
    if (pathIndex !== depth + 1) {
      incomingZero = this.zero[at + pathIndex]!;
      incomingOne = this.one[at + pathIndex]!;
      this.unwind(at, depth, pathIndex);
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
 * @example const phi = predictContributions(model, { data, nRows: 2, nCols: 3, layout: 'row' });
 */
export function predictContributions(
  model: BoosterModel,
  data: DenseMatrix,
  options: PredictContributionsOptions = {},
): Float64Array {
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
    data.data.length === nRows * nCols,
    'data.data',
    `an array of nRows * nCols = ${nRows * nCols} values`,
    data.data.length,
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
    maxDepth = Math.max(maxDepth, treeDepth(tree));
    bias += nodeMeanValues(tree)[0]!;
  }
  const walker = new ShapWalker(maxDepth);
  walker.data = data.data;
  walker.phi = out;
  walker.stride = data.layout === 'row' ? 1 : nRows;
  for (let t = start; t < end; t++) {
    walker.tree = model.trees[t]!;
    for (let r = 0; r < nRows; r++) {
      walker.rowBase = data.layout === 'row' ? r * nCols : r;
      walker.phiBase = r * width;
      walker.recurse(0, 0, 0, 1, 1, -1);
    }
  }
  for (let r = 0; r < nRows; r++) out[r * width + numFeature] = bias;
  return out;
}
