/**
 * Evaluation metrics for early stopping. Average precision is core's (the dependency-free
 * `@leadscore/core/metrics` subpath); log loss stays here because it clips like XGBoost's `logloss`.
 * @module
 */
import { averagePrecision as coreAveragePrecision } from '@leadscore/core/metrics';

/** Weighted mean log loss of probabilities, clipped to [1e-16, 1 - 1e-16] like XGBoost's `logloss`. */
export function logLoss(labels: Float32Array, probs: Float64Array, weights: Float32Array | null): number {
  const eps = 1e-16;
  let sum = 0;
  let wsum = 0;
  for (let i = 0; i < labels.length; i++) {
    const w = weights === null ? 1 : weights[i]!;
    const p = Math.min(Math.max(probs[i]!, eps), 1 - eps);
    sum -= w * (labels[i] === 1 ? Math.log(p) : Math.log(1 - p));
    wsum += w;
  }
  return wsum > 0 ? sum / wsum : 0;
}

/**
 * Weighted average precision (sklearn's step sum, tied scores grouped): `@leadscore/core/metrics`'
 * `averagePrecision` with boost's `(labels, scores, weights | null)` calling convention.
 */
export function averagePrecision(
  labels: Float32Array,
  scores: Float64Array,
  weights: Float32Array | null,
): number {
  return coreAveragePrecision(labels, scores, weights === null ? {} : { sampleWeight: weights });
}
