import { averagePrecision, brierScore, liftAt, logLoss, type MetricSet, rocAuc } from '@leadscore/core';

/** The metrics of one set of predictions; `null` where a metric is undefined (one class only). */
export function metricSet(labels: ArrayLike<number>, scores: ArrayLike<number>): MetricSet {
  const rows = labels.length;
  let positives = 0;
  for (let i = 0; i < rows; i++) positives += labels[i]!;
  const bothClasses = positives > 0 && positives < rows;
  return {
    rows,
    positives,
    averagePrecision: positives > 0 ? averagePrecision(labels, scores) : null,
    rocAuc: bothClasses ? rocAuc(labels, scores) : null,
    liftAt10: positives > 0 ? liftAt(labels, scores, { fraction: 0.1 }) : null,
    brier: brierScore(labels, scores),
    logLoss: logLoss(labels, scores),
  };
}

type Summary = Omit<MetricSet, 'rows' | 'positives'>;
const KEYS = ['averagePrecision', 'rocAuc', 'liftAt10', 'brier', 'logLoss'] as const;

/** Mean and population standard deviation over folds of each metric, over the folds where it is defined. */
export function meanStd(sets: readonly MetricSet[]): { mean: Summary; std: Summary } {
  const mean = {} as Record<(typeof KEYS)[number], number | null>;
  const std = {} as Record<(typeof KEYS)[number], number | null>;
  for (const key of KEYS) {
    const v = sets.map((s) => s[key]).filter((x): x is number => x !== null);
    if (v.length === 0) {
      mean[key] = null;
      std[key] = null;
      continue;
    }
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    mean[key] = m;
    std[key] = Math.sqrt(v.reduce((a, b) => a + (b - m) * (b - m), 0) / v.length);
  }
  return { mean, std };
}
