/**
 * Evaluation metrics for early stopping. Kept here because boost has no run-time dependency on the
 * metrics module; definitions match `@leadscore/core/metrics` (average precision as sklearn's step sum
 * with tied scores grouped).
 * @module
 */

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

/** Weighted average precision (area under the precision-recall step curve), ties grouped. */
export function averagePrecision(
  labels: Float32Array,
  scores: Float64Array,
  weights: Float32Array | null,
): number {
  const n = labels.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => scores[b]! - scores[a]!);
  let totalPos = 0;
  for (let i = 0; i < n; i++) if (labels[i] === 1) totalPos += weights === null ? 1 : weights[i]!;
  if (totalPos === 0) return 0;
  let tp = 0;
  let fp = 0;
  let prevRecall = 0;
  let ap = 0;
  let k = 0;
  while (k < n) {
    const s = scores[order[k]!]!;
    while (k < n && scores[order[k]!] === s) {
      const i = order[k]!;
      const w = weights === null ? 1 : weights[i]!;
      if (labels[i] === 1) tp += w;
      else fp += w;
      k++;
    }
    const recall = tp / totalPos;
    if (tp + fp > 0) ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
  }
  return ap;
}
