import type { CvFoldResult, CvResult, FeatureImportance, MetricSet } from '@leadscore/core/results';

/** A metric set with the given test AP (other metrics fixed). */
export function metrics(ap: number | null, positives = 40, lift = 3): MetricSet {
  return {
    rows: 1000,
    positives,
    averagePrecision: ap,
    rocAuc: 0.8,
    liftAt10: lift,
    brier: 0.05,
    logLoss: 0.2,
  };
}

/** A CV result whose aggregate figures are exactly the ones given (the gates read them as given). */
export function makeCvResult(
  agg: { ap?: number | null; gap?: number | null; coefficient?: number | null; lift?: number | null } = {},
  oof?: { labels: (0 | 1)[]; predictions: number[] },
  foldPositives: number[] = [40, 40, 40],
): CvResult {
  const ap = agg.ap === undefined ? 0.2 : agg.ap;
  const folds: CvFoldResult[] = foldPositives.map((p, index) => ({
    index,
    testStart: null,
    testEnd: null,
    train: metrics(0.22),
    test: metrics(ap, p),
    bestIteration: null,
    fitSeconds: 0,
  }));
  const labels = oof?.labels ?? [0, 1];
  const predictions = oof?.predictions ?? [0.2, 0.8];
  const lift = agg.lift === undefined ? 3 : agg.lift;
  return {
    format: 'leadscore.cv-result',
    version: 1,
    learner: { name: 'test', params: {} },
    features: ['a'],
    folds,
    aggregate: {
      test: { averagePrecision: ap, rocAuc: 0.8, liftAt10: lift, brier: 0.05, logLoss: 0.2 },
      testStd: { averagePrecision: 0.01, rocAuc: 0.01, liftAt10: 0.1, brier: 0.001, logLoss: 0.01 },
      train: { averagePrecision: 0.22, rocAuc: 0.85, liftAt10: 3.5, brier: 0.04, logLoss: 0.18 },
      cvCoefficient: agg.coefficient === undefined ? 0.05 : agg.coefficient,
      trainTestGap: agg.gap === undefined ? 0.1 : agg.gap,
      oofAveragePrecision: ap,
    },
    oof: {
      rows: labels.map((_, i) => i),
      labels,
      predictions,
      fold: labels.map((_, i) => i % foldPositives.length),
    },
  };
}

/** Feature importance rows in the given order (rank 1 first). */
export function importance(rows: [string, number, boolean][]): FeatureImportance[] {
  return rows.map(([feature, meanAbsShap, businessSignal], i) => ({
    feature,
    group: 'g',
    businessSignal,
    meanAbsShap,
    totalGain: meanAbsShap * 10,
    rank: i + 1,
  }));
}
