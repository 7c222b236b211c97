import { averagePrecision, expectedCalibrationError, liftAt } from '@leadscore/core';
import { issue } from '@leadscore/core/issues';
import {
  calibrationGate,
  cvAveragePrecisionGate,
  cvCoefficientGate,
  defineGate,
  type Gate,
  minPositivesPerFoldGate,
  topDecileLiftGate,
  trainTestGapGate,
} from '@leadscore/gates';

/**
 * The domain-free gates of the generic tabular mode (`train --csv`, and `validate` of its models): the
 * V7 defaults minus the ones that need V7 knowledge (business signals, the dataset's leakage audit and
 * probe, the V6/m5 baselines, segments).
 */
export function tabularGates(): Gate[] {
  return [
    cvAveragePrecisionGate(),
    trainTestGapGate(),
    cvCoefficientGate(),
    minPositivesPerFoldGate(),
    topDecileLiftGate(),
    calibrationGate(),
  ];
}

interface HoldoutCheck {
  readonly id: string;
  readonly description: string;
  readonly severity: 'error' | 'warning';
  /** The figure, `null` when the labels make it undefined (no positives). */
  readonly value: number | null;
  readonly threshold: number;
  readonly higherIsBetter: boolean;
  readonly what: string;
}

function holdoutGate(c: HoldoutCheck): Gate {
  return defineGate({
    id: c.id,
    description: c.description,
    severity: c.severity,
    evaluate: () => {
      if (c.value === null || Number.isNaN(c.value)) {
        return {
          status: 'fail',
          value: null,
          threshold: c.threshold,
          reason: `${c.what} is undefined on the labelled CSV (no positive labels)`,
          issues: [issue(`${c.id}_undefined`, [c.id], 'must be defined', null)],
        };
      }
      const ok = c.higherIsBetter ? c.value >= c.threshold : c.value <= c.threshold;
      const cmp = c.higherIsBetter ? (ok ? '>=' : '<') : ok ? '<=' : '>';
      const shown = Number.isInteger(c.value) ? String(c.value) : c.value.toFixed(4);
      const reason = `${c.what} ${shown} ${cmp} ${c.threshold}`;
      if (ok) return { status: 'pass', value: c.value, threshold: c.threshold, reason };
      return {
        status: 'fail',
        value: c.value,
        threshold: c.threshold,
        reason,
        issues: [
          issue(
            `${c.id}_out_of_bounds`,
            [c.id],
            `must be ${c.higherIsBetter ? '>=' : '<='} ${c.threshold}`,
            c.value,
          ),
        ],
      };
    },
  });
}

/**
 * Gates on a labelled population the model never saw (`validate --csv F --label COL`): AUC-PR, top-decile
 * lift, positives and calibration of its scores, with the thresholds of the matching CV gates. Score
 * drift against the training scores is `score_psi`, from the gate input's `scores`.
 */
export function holdoutGates(labels: ArrayLike<number>, probability: ArrayLike<number>): Gate[] {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i]!;
  const any = positives > 0;
  return [
    holdoutGate({
      id: 'holdout_average_precision',
      description: 'AUC-PR (average precision) on the labelled CSV >= 12 %',
      severity: 'error',
      value: any ? averagePrecision(labels, probability) : null,
      threshold: 0.12,
      higherIsBetter: true,
      what: 'holdout AUC-PR',
    }),
    holdoutGate({
      id: 'holdout_top_decile_lift',
      description: 'Lift in the top 10 % by score on the labelled CSV >= 2',
      severity: 'error',
      value: any ? liftAt(labels, probability, { fraction: 0.1 }) : null,
      threshold: 2,
      higherIsBetter: true,
      what: 'holdout top-decile lift',
    }),
    holdoutGate({
      id: 'holdout_positives',
      description: 'The labelled CSV holds at least 20 positives, so its AUC-PR means something',
      severity: 'error',
      value: positives,
      threshold: 20,
      higherIsBetter: true,
      what: 'holdout positives',
    }),
    holdoutGate({
      id: 'holdout_calibration',
      description: 'Expected calibration error on the labelled CSV <= 0.05 (10 bins)',
      severity: 'warning',
      value: labels.length > 0 ? expectedCalibrationError(labels, probability, { nBins: 10 }) : null,
      threshold: 0.05,
      higherIsBetter: false,
      what: 'holdout ECE',
    }),
  ];
}
