import { assertKnownKeys } from '../errors/index.js';
import { type RankedGroups, rankGroups, rankGroupsWeighted } from './rank.js';
import { checkLabelsScores, checkWeights } from './validate.js';

/** Options of {@link averagePrecision}. */
export interface AveragePrecisionOptions {
  /**
   * Non-negative weight per row (sklearn's `sample_weight`); zero-weight rows are ignored.
   * @default undefined (every row weighs 1)
   */
  sampleWeight?: ArrayLike<number> | undefined;
}

/**
 * Average precision (AUC-PR), sklearn's step sum `AP = sum_n (R_n - R_{n-1}) P_n` over distinct score
 * thresholds: tied scores form one threshold, and nothing is interpolated.
 *
 * With no positive label the result is 0, as sklearn 1.2 returns (it warns that recall is undefined);
 * with no negatives it is 1. Throws on empty input, mismatched lengths, labels other than 0/1 and
 * non-finite scores.
 * @example averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) // 0.8333...
 */
export function averagePrecision(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: AveragePrecisionOptions = {},
): number {
  assertKnownKeys(options, ['sampleWeight'], 'options');
  const positives = checkLabelsScores(labels, scores);
  const { sampleWeight } = options;
  if (sampleWeight !== undefined) checkWeights(sampleWeight, labels);
  const groups =
    sampleWeight === undefined
      ? rankGroups(labels, scores, positives)
      : rankGroupsWeighted(labels, scores, sampleWeight);
  return averagePrecisionOfGroups(groups);
}

/** AP over ranked groups; recall is `tp / totalPos` exactly as sklearn forms it, to agree to the last bits. */
export function averagePrecisionOfGroups(groups: RankedGroups): number {
  const { size, pos, neg, totalPos } = groups;
  if (totalPos === 0) return 0;
  let tp = 0;
  let fp = 0;
  let prevRecall = 0;
  let ap = 0;
  for (let g = 0; g < size; g++) {
    const p = pos[g]!;
    tp += p;
    fp += neg[g]!;
    if (p === 0) continue;
    const recall = tp / totalPos;
    ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
  }
  return ap;
}
