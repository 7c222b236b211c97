import { assertKnownKeys } from '../internal/assert.js';
import { CompensatedSum, checkLabelsScores, checkWeights } from './validate.js';

/** Options of {@link brierScore}. */
export interface BrierScoreOptions {
  /**
   * Non-negative weight per row (sklearn's `sample_weight`).
   * @default undefined (every row weighs 1)
   */
  sampleWeight?: ArrayLike<number> | undefined;
}

/**
 * Brier score, the (weighted) mean of `(score - label)^2`, as sklearn's `brier_score_loss`. Scores must be
 * probabilities in [0, 1] (sklearn raises otherwise). Defined for a single class, as in sklearn.
 * @example brierScore([0, 1], [0.2, 0.6]) // (0.04 + 0.16) / 2 = 0.1
 */
export function brierScore(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: BrierScoreOptions = {},
): number {
  assertKnownKeys(options, ['sampleWeight'], 'options');
  checkLabelsScores(labels, scores, true);
  const { sampleWeight } = options;
  const n = labels.length;
  const sum = new CompensatedSum();
  if (sampleWeight === undefined) {
    for (let i = 0; i < n; i++) {
      const d = labels[i]! - scores[i]!;
      sum.add(d * d);
    }
    return sum.value() / n;
  }
  checkWeights(sampleWeight, labels);
  const weightSum = new CompensatedSum();
  for (let i = 0; i < n; i++) {
    const d = labels[i]! - scores[i]!;
    const w = sampleWeight[i]!;
    sum.add(w * d * d);
    weightSum.add(w);
  }
  return sum.value() / weightSum.value();
}
