/**
 * Exact TreeSHAP (the values of Lundberg, Erion & Lee 2018, Algorithm 2) with XGBoost's conventions:
 * cover is the node's hessian sum, the bias column is last and holds the expected margin, values are in
 * margin space, so every row sums to the model's raw margin. Computed from per-leaf Fast TreeSHAP v2
 * tables where they fit, by Algorithm 2 elsewhere (`shap-kernel.ts`).
 * @module
 */
import { InvalidArgumentError } from '@leadscore/core/errors';
import { assertArg } from '@leadscore/core/internal';
import { parseWith } from '@leadscore/core/issues';
import type { ColumnMajor } from '../data/matrix.js';
import { baseMargin } from '../model/base-margin.js';
import { treeDepth } from '../model/tree-shape.js';
import type { BoosterModel, TreeArrays } from '../model/types.js';
import { validateModel } from '../model/validate.js';
import { accumulateContributionsThreaded, shareShapForest } from '../predict/predict-pool.js';
import { predictOptionsSchema } from '../predict-options.js';
import { accumulateContributions, packShapForest, type ShapForest } from './shap-kernel.js';

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
  /**
   * Threads (the calling one included) explaining blocks of rows on the prediction worker pool;
   * results are identical to one thread.
   * @default 1
   */
  readonly nthread?: number;
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

/** What an explanation of trees `[start, end)` needs besides the rows. */
interface Prepared {
  readonly bias: number;
  readonly forest: ShapForest;
  /** The forest in shared memory, made on the first threaded call. */
  shared?: ShapForest;
}

/**
 * Prepared explanations per model and tree range. Models are immutable (every field readonly, as
 * `predict`'s packed forest on the Booster assumes), so an entry is never invalidated; it goes with
 * its model. The Fast TreeSHAP v2 tables are built once, not per call: for the benchmark's 200
 * depth-6 trees they take 20 MiB and 50-180 ms to build (measured under load), the time of about 150
 * explained rows.
 */
const preparedByModel = new WeakMap<BoosterModel, Map<string, Prepared>>();

function prepare(model: BoosterModel, start: number, end: number): Prepared {
  let byRange = preparedByModel.get(model);
  const key = `${start}:${end}`;
  const hit = byRange?.get(key);
  if (hit !== undefined) return hit;
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
  const prepared: Prepared = { bias, forest: packShapForest(model.trees, start, end, maxDepth) };
  if (byRange === undefined) {
    byRange = new Map();
    preparedByModel.set(model, byRange);
  }
  byRange.set(key, prepared);
  return prepared;
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
  parseWith(predictOptionsSchema, options, 'options');
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

  const nthread = options.nthread ?? 1;
  const width = numFeature + 1;
  const out = new Float64Array(nRows * width);
  const prepared = prepare(model, start, end);
  const { bias } = prepared;
  if (nthread > 1) {
    prepared.shared ??= shareShapForest(prepared.forest);
    accumulateContributionsThreaded(prepared.shared, data, out, width, nthread);
  } else accumulateContributions(prepared.forest, data, out, width);
  for (let r = 0; r < nRows; r++) out[r * width + numFeature] = bias;
  return out;
}
