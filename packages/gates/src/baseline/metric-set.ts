import { averagePrecision, brierScore, liftAt, logLoss, rocAuc } from '@leadscore/core';
import type { MetricSet } from '@leadscore/core/results';

/** The CV result's metric set of one set of predictions; rank metrics are `null` with a single class. */
export function metricSet(labels: ArrayLike<number>, scores: ArrayLike<number>): MetricSet {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i]!;
  const oneClass = positives === 0 || positives === labels.length;
  return {
    rows: labels.length,
    positives,
    averagePrecision: oneClass ? null : averagePrecision(labels, scores),
    rocAuc: oneClass ? null : rocAuc(labels, scores),
    liftAt10: oneClass ? null : liftAt(labels, scores, { fraction: 0.1 }),
    brier: brierScore(labels, scores),
    logLoss: logLoss(labels, scores),
  };
}

type Summary = Omit<MetricSet, 'rows' | 'positives'>;
const KEYS = ['averagePrecision', 'rocAuc', 'liftAt10', 'brier', 'logLoss'] as const;

/** Mean and population standard deviation per metric over folds; `null` if any fold's value is `null`. */
export function summarise(sets: readonly MetricSet[]): { mean: Summary; std: Summary } {
  const mean: Record<string, number | null> = {};
  const std: Record<string, number | null> = {};
  for (const key of KEYS) {
    const values = sets.map((s) => s[key]);
    if (values.some((v) => v === null)) {
      mean[key] = null;
      std[key] = null;
      continue;
    }
    const xs = values as number[];
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    mean[key] = m;
    std[key] = Math.sqrt(xs.reduce((a, b) => a + (b - m) * (b - m), 0) / xs.length);
  }
  return { mean: mean as Summary, std: std as Summary };
}
