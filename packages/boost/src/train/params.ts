/**
 * Training parameters, their defaults (XGBoost 1.7 `TrainParam` unless noted) and validation.
 * @module
 */
import { assertArg, assertFinite, assertInteger } from '@leadscore/core/internal';
import type { ModelParams } from '../model/types.js';

/** Parameters of {@link train}; names follow XGBoost's in camelCase. */
export interface TrainParams {
  /** Number of boosting rounds (trees). @default 100 */
  numRounds?: number;
  /** Shrinkage `eta` applied to every leaf. @default 0.3 */
  learningRate?: number;
  /** Maximum depth; 0 = unlimited (then `maxLeaves` must be > 0). @default 6 */
  maxDepth?: number;
  /** Maximum number of leaves per tree; 0 = unlimited. @default 0 */
  maxLeaves?: number;
  /** `'depthwise'` (XGBoost, level by level) or `'lossguide'` (LightGBM-style, best leaf first). @default 'depthwise' */
  growPolicy?: 'depthwise' | 'lossguide';
  /** L2 regularisation `reg_lambda`. @default 1 */
  lambda?: number;
  /** L1 regularisation `reg_alpha`. @default 0 */
  alpha?: number;
  /** Minimum loss reduction to split (`min_split_loss`), on XGBoost's gain scale (no 1/2). @default 0 */
  gamma?: number;
  /** Minimum hessian sum in each child. @default 1 */
  minChildWeight?: number;
  /** Maximum absolute leaf weight before shrinkage; 0 = no limit. @default 0 */
  maxDeltaStep?: number;
  /** Fraction of rows sampled (Bernoulli) for each tree. @default 1 */
  subsample?: number;
  /** Fraction of features sampled for each tree. @default 1 */
  colsampleByTree?: number;
  /** Fraction of the tree's features sampled at each split. @default 1 */
  colsampleByNode?: number;
  /** Weight multiplier of positive rows. @default 1 */
  scalePosWeight?: number;
  /**
   * Intercept in probability space: a number in (0, 1), or `'mean'` for the weighted label mean
   * (positives weighted by `scalePosWeight`). XGBoost 1.7 uses 0.5 unless given; pass `0.5` to match it.
   * @default 'mean'
   */
  baseScore?: 'mean' | number;
  /** Maximum bins per feature (ignored when the data is already binned). @default 256 */
  maxBin?: number;
  /** Per-feature monotone constraint: 1 increasing, -1 decreasing, 0 none. @default [] (none) */
  monotoneConstraints?: readonly number[];
  /** Seed of the row and column sampling. @default 0 */
  seed?: number;
  /** Threads for binning, gradients, histograms, split search and partition; the model does not depend on it. @default 1 */
  nthread?: number;
}

/** Parameters after defaults and validation (float parameters rounded to float32 as XGBoost stores them). */
export interface ResolvedParams extends Omit<ModelParams, 'objective'> {
  readonly numRounds: number;
  readonly subsample: number;
  readonly colsampleByTree: number;
  readonly colsampleByNode: number;
  readonly baseScore: 'mean' | number;
  readonly monotoneConstraints: readonly number[];
  readonly seed: number;
  readonly nthread: number;
}

const KNOWN = new Set([
  'numRounds',
  'learningRate',
  'maxDepth',
  'maxLeaves',
  'growPolicy',
  'lambda',
  'alpha',
  'gamma',
  'minChildWeight',
  'maxDeltaStep',
  'subsample',
  'colsampleByTree',
  'colsampleByNode',
  'scalePosWeight',
  'baseScore',
  'maxBin',
  'monotoneConstraints',
  'seed',
  'nthread',
]);

/** Applies defaults and validates; `numFeature` checks the length of `monotoneConstraints`. */
export function resolveParams(params: TrainParams, numFeature: number): ResolvedParams {
  assertArg(typeof params === 'object' && params !== null, 'params', 'an object', params);
  for (const key of Object.keys(params)) assertArg(KNOWN.has(key), `params.${key}`, 'a known parameter', key);
  const p = {
    numRounds: params.numRounds ?? 100,
    learningRate: params.learningRate ?? 0.3,
    maxDepth: params.maxDepth ?? 6,
    maxLeaves: params.maxLeaves ?? 0,
    growPolicy: params.growPolicy ?? 'depthwise',
    lambda: params.lambda ?? 1,
    alpha: params.alpha ?? 0,
    gamma: params.gamma ?? 0,
    minChildWeight: params.minChildWeight ?? 1,
    maxDeltaStep: params.maxDeltaStep ?? 0,
    subsample: params.subsample ?? 1,
    colsampleByTree: params.colsampleByTree ?? 1,
    colsampleByNode: params.colsampleByNode ?? 1,
    scalePosWeight: params.scalePosWeight ?? 1,
    baseScore: params.baseScore ?? 'mean',
    maxBin: params.maxBin ?? 256,
    monotoneConstraints: params.monotoneConstraints ?? [],
    seed: params.seed ?? 0,
    nthread: params.nthread ?? 1,
  };
  assertInteger(p.numRounds, 'params.numRounds', 1);
  assertFinite(p.learningRate, 'params.learningRate', 0);
  assertArg(p.learningRate > 0, 'params.learningRate', 'a finite number > 0', p.learningRate);
  assertInteger(p.maxDepth, 'params.maxDepth', 0, 30);
  assertInteger(p.maxLeaves, 'params.maxLeaves', 0);
  assertArg(
    p.growPolicy === 'depthwise' || p.growPolicy === 'lossguide',
    'params.growPolicy',
    "'depthwise' or 'lossguide'",
    p.growPolicy,
  );
  assertArg(p.maxDepth > 0 || p.maxLeaves > 0, 'params.maxDepth', '> 0 when maxLeaves is 0', p.maxDepth);
  assertArg(
    p.maxDepth > 0 || p.growPolicy === 'lossguide',
    'params.maxDepth',
    "> 0 when growPolicy is 'depthwise'",
    p.maxDepth,
  );
  assertFinite(p.lambda, 'params.lambda', 0);
  assertFinite(p.alpha, 'params.alpha', 0);
  assertFinite(p.gamma, 'params.gamma', 0);
  assertFinite(p.minChildWeight, 'params.minChildWeight', 0);
  assertFinite(p.maxDeltaStep, 'params.maxDeltaStep', 0);
  for (const key of ['subsample', 'colsampleByTree', 'colsampleByNode'] as const) {
    assertArg(
      typeof p[key] === 'number' && p[key] > 0 && p[key] <= 1,
      `params.${key}`,
      'a number in (0, 1]',
      p[key],
    );
  }
  assertFinite(p.scalePosWeight, 'params.scalePosWeight', 0);
  assertArg(p.scalePosWeight > 0, 'params.scalePosWeight', 'a finite number > 0', p.scalePosWeight);
  assertArg(
    p.baseScore === 'mean' || (typeof p.baseScore === 'number' && p.baseScore > 0 && p.baseScore < 1),
    'params.baseScore',
    "'mean' or a number in (0, 1)",
    p.baseScore,
  );
  assertInteger(p.maxBin, 'params.maxBin', 2, 65535);
  assertInteger(p.seed, 'params.seed');
  assertInteger(p.nthread, 'params.nthread', 1, 64);
  const mc = p.monotoneConstraints;
  assertArg(Array.isArray(mc), 'params.monotoneConstraints', 'an array', mc);
  if (mc.length > 0) {
    assertArg(
      mc.length === numFeature,
      'params.monotoneConstraints',
      `an array of ${numFeature} entries (one per feature)`,
      mc.length,
    );
    mc.forEach((c, j) => {
      assertArg(c === -1 || c === 0 || c === 1, `params.monotoneConstraints[${j}]`, '-1, 0 or 1', c);
    });
  }
  const f = Math.fround;
  return {
    ...p,
    learningRate: f(p.learningRate),
    lambda: f(p.lambda),
    alpha: f(p.alpha),
    gamma: f(p.gamma),
    minChildWeight: f(p.minChildWeight),
    maxDeltaStep: f(p.maxDeltaStep),
    scalePosWeight: f(p.scalePosWeight),
    monotoneConstraints: [...mc],
  };
}
