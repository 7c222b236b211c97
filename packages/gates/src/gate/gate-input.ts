import type { CvResult, FeatureImportance, FoldList } from '@leadscore/core/results';
import type { DatasetMetadata } from '@leadscore/dataset';
import type { LeakageProbeResult } from '../leakage/leakage-probe.js';

/** A model's result on some population: plain numbers, as a model trained elsewhere can provide them. */
export interface DeclaredResult {
  /** Shown in reasons and reports: `'V6'`, `'m5'`, `'logistic regression'`. */
  readonly name: string;
  /** Cross-validated (or held-out) average precision. */
  readonly averagePrecision: number;
}

/** The parts of dataset metadata the gates read (what `buildDataset` writes, or the same JSON from elsewhere). */
export type GateDatasetMetadata = Pick<DatasetMetadata, 'leakage'> &
  Partial<Pick<DatasetMetadata, 'nullRates' | 'labelRate' | 'positives' | 'counts'>>;

/**
 * Everything a gate may read, all optional and all plain JSON or arrays: a gate whose input is absent
 * reports `skip` with the reason, never a pass.
 */
export interface GateInput {
  /** `leadscore.cv-result` v1 of the candidate model. */
  readonly cvResult?: CvResult | undefined;
  /** `leadscore.folds` v1 the CV result was made on. */
  readonly folds?: FoldList | undefined;
  /** Per-feature importance of the candidate (mean |SHAP| and the business-signal flag). */
  readonly importance?: readonly FeatureImportance[] | undefined;
  /** Dataset metadata: leakage audit, exposed columns, null rates. */
  readonly metadata?: GateDatasetMetadata | undefined;
  /** Scores of the training population and of a scoring population, for PSI drift. */
  readonly scores?: { readonly training: ArrayLike<number>; readonly scoring: ArrayLike<number> } | undefined;
  /** Missing rate per feature on the training data and, for drift, on the scoring population. */
  readonly missingRates?:
    | {
        readonly training: Readonly<Record<string, number>>;
        readonly scoring?: Readonly<Record<string, number>> | undefined;
      }
    | undefined;
  /**
   * Segment columns (e.g. `lead_source`, `firm_type`) indexed like the dataset rows the CV result's
   * `oof.rows` point into.
   */
  readonly segments?: Readonly<Record<string, readonly (string | null)[]>> | undefined;
  /** Declared results to beat; absent means the built-in gate's defaults (the seed's V6 and m5). */
  readonly baselines?: readonly DeclaredResult[] | undefined;
  /** A logistic-regression baseline cross-validated on the same folds (see `logisticBaselineCv`). */
  readonly logisticBaseline?: CvResult | undefined;
  /** The leakage probe's result on the training table (see `probeLeakage`). */
  readonly leakageProbe?: LeakageProbeResult | undefined;
}
