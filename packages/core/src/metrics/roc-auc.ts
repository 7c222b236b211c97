import { DataError } from '../errors/index.js';
import { rankedGroupsOf, type SampleWeightOptions } from './rank.js';

/** Options of {@link rocAuc}. */
export type RocAucOptions = SampleWeightOptions;

/**
 * Area under the ROC curve, computed as the Mann-Whitney statistic: the (weighted) share of
 * (positive, negative) pairs where the positive scores higher, ties counting one half. Equal to sklearn's
 * `roc_auc_score` (trapezoids over grouped thresholds).
 *
 * Throws a {@link DataError} when `labels` holds only one class, as sklearn raises (AUC is undefined);
 * also throws on empty input, mismatched lengths, labels other than 0/1 and non-finite scores.
 * @example rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) // 0.75
 */
export function rocAuc(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: RocAucOptions = {},
): number {
  const groups = rankedGroupsOf(labels, scores, options);
  const { size, pos, neg, totalPos, totalNeg } = groups;
  if (totalPos === 0 || totalNeg === 0) {
    const only = totalPos === 0 ? 0 : 1;
    throw new DataError(
      `labels must contain both classes 0 and 1 (with positive weight) for rocAuc, found only ${only}`,
      { details: { parameter: 'labels', value: only } },
    );
  }
  // Unweighted, every term is a multiple of 1/2 below 2^53, so the numerator is exact.
  let above = 0;
  let pairs = 0;
  for (let g = 0; g < size; g++) {
    const p = pos[g]!;
    pairs += neg[g]! * (above + p / 2);
    above += p;
  }
  return pairs / (totalPos * totalNeg);
}
