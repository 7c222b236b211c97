/**
 * The in-memory model representation shared by training, prediction, TreeSHAP, importance and the
 * XGBoost / LightGBM model files. Trees use XGBoost's array layout (see the format reference):
 * node 0 is the root, children are allocated as consecutive pairs (right = left + 1), and a row goes
 * left when `fround(x) < threshold`, or to the default child when x is NaN.
 * @module
 */

/** One regression tree, struct-of-arrays. Every array has `numNodes` entries. */
export interface TreeArrays {
  /** Number of nodes (internal + leaves). */
  readonly numNodes: number;
  /** Left child index, -1 at leaves. */
  readonly left: Int32Array;
  /** Right child index (= left + 1), -1 at leaves. */
  readonly right: Int32Array;
  /** Parent index, -1 at the root. */
  readonly parent: Int32Array;
  /** Split feature index; 0 at leaves. */
  readonly splitFeature: Int32Array;
  /** Split threshold (float32 value): `x < threshold` goes left. 0 at leaves. */
  readonly threshold: Float32Array;
  /** 1 when missing values go to the left child. */
  readonly defaultLeft: Uint8Array;
  /** Leaf output, already multiplied by the learning rate; 0 at internal nodes. */
  readonly leafValue: Float32Array;
  /**
   * XGBoost's `base_weights`, whose meaning depends on the node:
   * - internal node: the optimal weight w = -G/(H+lambda) of the node's own gradient sums (after
   *   alpha, max_delta_step and monotone bounds), NOT multiplied by the learning rate;
   * - leaf: the scaled weight η·w, equal to `leafValue` (XGBoost's `ExpandNode` writes the children's
   *   scaled weights, and only a later split of that child overwrites it with the unscaled one);
   * - a tree that is a single root leaf: the unscaled w, while `leafValue` is η·w (`InitRoot`).
   * Prediction ignores it; the LightGBM writer derives `internal_value` (η·w) from it.
   */
  readonly baseWeight: Float32Array;
  /** Split gain (XGBoost's `loss_changes`, no 1/2 factor, no gamma); 0 at leaves. */
  readonly lossChange: Float32Array;
  /** Sum of hessians of the training rows reaching each node (the TreeSHAP cover). */
  readonly sumHessian: Float32Array;
  /** Number of training rows reaching each node (LightGBM's counts); 0 when unknown (loaded files). */
  readonly count: Int32Array;
}

/** Training parameters recorded with a model (subset that model files carry). */
export interface ModelParams {
  readonly objective: 'binary:logistic';
  readonly learningRate: number;
  readonly maxDepth: number;
  readonly maxLeaves: number;
  readonly growPolicy: 'depthwise' | 'lossguide';
  readonly lambda: number;
  readonly alpha: number;
  readonly gamma: number;
  readonly minChildWeight: number;
  readonly maxDeltaStep: number;
  readonly scalePosWeight: number;
  readonly maxBin: number;
}

/** A trained (or loaded) boosted-tree model: plain data, no methods, safe to serialise. */
export interface BoosterModel {
  /** Trees in boosting order (one per round for binary:logistic). */
  readonly trees: readonly TreeArrays[];
  /** Global bias in probability space (XGBoost's base_score), in (0, 1). */
  readonly baseScore: number;
  /** Number of input features the model was trained on. */
  readonly numFeature: number;
  /** Feature names, or an empty array when the data had none. */
  readonly featureNames: readonly string[];
  /** Index of the best round found by early stopping (inclusive), or trees.length - 1. */
  readonly bestIteration: number;
  /** Parameters the model was trained with (defaults for loaded files where unknown). */
  readonly params: ModelParams;
}

/** Importance kinds, with XGBoost's meanings (`get_score(importance_type=...)`). */
export type ImportanceType = 'weight' | 'gain' | 'total_gain' | 'cover' | 'total_cover';
