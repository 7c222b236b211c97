import { parseWith } from '@leadscore/core';
import { issue } from '@leadscore/core/issues';
import { z } from 'zod';
import { defineGate, type Gate } from '../gate/define-gate.js';
import { bounded, pct, skipped } from './gate-helpers.js';

const unit = z.number().min(0).max(1);

/** Options of {@link cvAveragePrecisionGate}. */
export interface CvAveragePrecisionGateOptions {
  /** The mean test AUC-PR over folds must exceed this. @default 0.12 (the seed) */
  min?: number | undefined;
}

/** CV AUC-PR (mean of the folds' test average precision) above a floor. */
export function cvAveragePrecisionGate(options: CvAveragePrecisionGateOptions = {}): Gate {
  const o = parseWith(z.object({ min: unit.default(0.12) }).strict(), options, 'options');
  const id = 'cv_average_precision';
  return defineGate({
    id,
    description: `Mean CV test AUC-PR (average precision) > ${pct(o.min)}`,
    severity: 'error',
    evaluate: (input) => {
      if (!input.cvResult) return skipped('no cvResult given', o.min);
      const v = input.cvResult.aggregate.test.averagePrecision;
      return bounded(id, 'cv_ap_below_threshold', 'mean CV AUC-PR', v, o.min, 'higher', true, pct);
    },
  });
}

/** Options of {@link trainTestGapGate}. */
export interface TrainTestGapGateOptions {
  /** (train AP - test AP) / train AP must be below this. @default 0.2 (the seed) */
  max?: number | undefined;
}

/** Overfitting: the relative gap between training and test AUC-PR below a ceiling. */
export function trainTestGapGate(options: TrainTestGapGateOptions = {}): Gate {
  const o = parseWith(z.object({ max: unit.default(0.2) }).strict(), options, 'options');
  const id = 'train_test_gap';
  return defineGate({
    id,
    description: `(train AUC-PR - test AUC-PR) / train AUC-PR < ${pct(o.max)}`,
    severity: 'error',
    evaluate: (input) => {
      if (!input.cvResult) return skipped('no cvResult given', o.max);
      const v = input.cvResult.aggregate.trainTestGap;
      return bounded(id, 'train_test_gap_above_threshold', 'train-test gap', v, o.max, 'lower', true, pct);
    },
  });
}

/** Options of {@link cvCoefficientGate}. */
export interface CvCoefficientGateOptions {
  /** std / mean of the folds' test AUC-PR must be below this. @default 0.15 (the seed) */
  max?: number | undefined;
}

/** Stability: the coefficient of variation of the folds' test AUC-PR below a ceiling. */
export function cvCoefficientGate(options: CvCoefficientGateOptions = {}): Gate {
  const o = parseWith(z.object({ max: z.number().min(0).default(0.15) }).strict(), options, 'options');
  const id = 'cv_coefficient';
  return defineGate({
    id,
    description: `CV coefficient (std / mean of fold test AUC-PR) < ${pct(o.max)}`,
    severity: 'error',
    evaluate: (input) => {
      if (!input.cvResult) return skipped('no cvResult given', o.max);
      const v = input.cvResult.aggregate.cvCoefficient;
      return bounded(id, 'cv_coefficient_above_threshold', 'CV coefficient', v, o.max, 'lower', true, pct);
    },
  });
}

/** Options of {@link businessSignalGate}. */
export interface BusinessSignalGateOptions {
  /** How many top features (by mean |SHAP|) are searched. @default 5 (the seed) */
  topK?: number | undefined;
  /** Business-signal features required among them. @default 1 */
  min?: number | undefined;
}

/** Explainability: at least one business-signal feature among the top features by mean |SHAP|. */
export function businessSignalGate(options: BusinessSignalGateOptions = {}): Gate {
  const o = parseWith(
    z.object({ topK: z.number().int().min(1).default(5), min: z.number().int().min(1).default(1) }).strict(),
    options,
    'options',
  );
  const id = 'business_signal_top_k';
  return defineGate({
    id,
    description: `At least ${o.min} business-signal feature(s) in the top ${o.topK} by mean |SHAP|`,
    severity: 'error',
    evaluate: (input) => {
      if (!input.importance || input.importance.length === 0)
        return skipped('no feature importance given', o.topK);
      // Ties are broken by name so the verdict does not depend on the input order.
      const top = [...input.importance]
        .sort((a, b) => b.meanAbsShap - a.meanAbsShap || (a.feature < b.feature ? -1 : 1))
        .slice(0, o.topK);
      const business = top.filter((f) => f.businessSignal).map((f) => f.feature);
      const names = top.map((f) => f.feature);
      const value = { businessSignals: business, top: names };
      const threshold = { topK: o.topK, min: o.min };
      if (business.length >= o.min)
        return {
          status: 'pass',
          value,
          threshold,
          reason: `${business.length} business-signal feature(s) in the top ${o.topK}: ${business.join(', ')}`,
        };
      return {
        status: 'fail',
        value,
        threshold,
        reason: `${business.length} business-signal feature(s) in the top ${o.topK} (${names.join(', ')}), need ${o.min}`,
        issues: [
          issue(
            'business_signal_not_in_top_k',
            [id],
            `must hold at least ${o.min} business-signal feature(s) in the top ${o.topK} by mean |SHAP|`,
            names,
          ),
        ],
      };
    },
  });
}
