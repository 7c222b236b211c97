/**
 * Training parameters, their defaults (XGBoost 1.7 `TrainParam` unless noted) and validation.
 * @module
 */
import { issue, type SafeResult, safeParseWith, ValidationError } from '@leadscore/core/issues';
import { z } from 'zod';
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

const int = (min: number, max?: number) => {
  const text = max === undefined ? `must be an integer >= ${min}` : `must be an integer in [${min}, ${max}]`;
  const base = z.number(text).int(text).min(min, text);
  return max === undefined ? base : base.max(max, text);
};
const nonNegative = z.number('must be a finite number >= 0').min(0, 'must be a finite number >= 0');
const positive = z.number('must be a finite number > 0').gt(0, 'must be a finite number > 0');
const fraction = z
  .number('must be a number in (0, 1]')
  .gt(0, 'must be a number in (0, 1]')
  .max(1, 'must be a number in (0, 1]');

const BASE_SCORE = "must be 'mean' or a number in (0, 1)";

/** The one list of {@link TrainParams}: defaults here, unknown keys refused. */
const trainParamsSchema = z
  .object({
    numRounds: int(1).default(100),
    learningRate: positive.default(0.3),
    maxDepth: int(0, 30).default(6),
    maxLeaves: int(0).default(0),
    growPolicy: z.enum(['depthwise', 'lossguide'], "must be 'depthwise' or 'lossguide'").default('depthwise'),
    lambda: nonNegative.default(1),
    alpha: nonNegative.default(0),
    gamma: nonNegative.default(0),
    minChildWeight: nonNegative.default(1),
    maxDeltaStep: nonNegative.default(0),
    subsample: fraction.default(1),
    colsampleByTree: fraction.default(1),
    colsampleByNode: fraction.default(1),
    scalePosWeight: positive.default(1),
    baseScore: z
      .union([z.literal('mean'), z.number().gt(0, BASE_SCORE).lt(1, BASE_SCORE)], BASE_SCORE)
      .default('mean'),
    maxBin: int(2, 65535).default(256),
    monotoneConstraints: z
      .array(z.union([z.literal(-1), z.literal(0), z.literal(1)], 'must be -1, 0 or 1'), 'must be an array')
      .readonly()
      .default([]),
    seed: z.number('must be an integer').int('must be an integer').default(0),
    nthread: int(1, 64).default(1),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.maxDepth === 0 && p.maxLeaves === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxDepth'],
        params: { code: 'unbounded_tree' },
        message: 'must be > 0 when maxLeaves is 0',
      });
    } else if (p.maxDepth === 0 && p.growPolicy !== 'lossguide') {
      ctx.addIssue({
        code: 'custom',
        path: ['maxDepth'],
        params: { code: 'unbounded_tree' },
        message: "must be > 0 when growPolicy is 'depthwise'",
      });
    }
  });

/**
 * Validates and applies defaults, reporting every problem as a typed issue (`too_small`,
 * `unrecognized_key`, `monotone_length_mismatch`, ...) under `params`.
 * @example safeResolveParams({ maxDepth: -1 }, 3).issues[0]?.code === 'too_small'
 */
export function safeResolveParams(params: unknown, numFeature: number): SafeResult<ResolvedParams> {
  const r = safeParseWith(trainParamsSchema, params, 'params');
  if (!r.success) return r;
  const p = r.data;
  const mc = p.monotoneConstraints;
  if (mc.length > 0 && mc.length !== numFeature) {
    return {
      success: false,
      issues: [
        issue(
          'monotone_length_mismatch',
          ['monotoneConstraints'],
          `must be an array of ${numFeature} entries (one per feature)`,
          mc.length,
          'params',
        ),
      ],
    };
  }
  const f = Math.fround;
  return {
    success: true,
    issues: [],
    data: {
      ...p,
      learningRate: f(p.learningRate),
      lambda: f(p.lambda),
      alpha: f(p.alpha),
      gamma: f(p.gamma),
      minChildWeight: f(p.minChildWeight),
      maxDeltaStep: f(p.maxDeltaStep),
      scalePosWeight: f(p.scalePosWeight),
      monotoneConstraints: [...mc],
    },
  };
}

/**
 * Applies defaults and validates; `numFeature` checks the length of `monotoneConstraints`. Throws a
 * {@link ValidationError} listing every bad parameter.
 */
export function resolveParams(params: TrainParams, numFeature: number): ResolvedParams {
  const r = safeResolveParams(params, numFeature);
  if (!r.success) throw new ValidationError(r.issues);
  return r.data;
}
