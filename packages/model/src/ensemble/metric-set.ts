import { averagePrecision, brierScore, liftAt, logLoss, rocAuc } from '@leadscore/core/metrics';
import type { MetricSet } from '@leadscore/core/results';

/** The metrics of core's `MetricSet` for probabilities; `null` where undefined (one class only). */
export function metricSet(labels: ArrayLike<number>, probabilities: ArrayLike<number>): MetricSet {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i]!;
  const rows = labels.length;
  const both = positives > 0 && positives < rows;
  return {
    rows,
    positives,
    averagePrecision: positives > 0 ? averagePrecision(labels, probabilities) : null,
    rocAuc: both ? rocAuc(labels, probabilities) : null,
    liftAt10: positives > 0 ? liftAt(labels, probabilities, { fraction: 0.1 }) : null,
    brier: rows > 0 ? brierScore(labels, probabilities) : null,
    logLoss: both ? logLoss(labels, probabilities) : null,
  };
}
