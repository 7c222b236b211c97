import { type RankedGroups, rankedGroupsOf, type SampleWeightOptions } from './rank.js';

/** Options of {@link averagePrecision}. */
export type AveragePrecisionOptions = SampleWeightOptions;

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
  const groups = rankedGroupsOf(labels, scores, options);
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
