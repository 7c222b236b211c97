/**
 * @leadscore/features: define features as plain objects, compose them into sets, compute them over
 * Arrow training tables (or one record for online scoring), encode categoricals, and unit-test custom
 * features. Ships the V7 catalog (`v7Features`).
 * @module
 */
export * from './catalog/index.js';
export {
  type ComputeFeaturesOptions,
  computeFeatures,
  computeFeaturesForRow,
  type FeatureMatrix,
  type FeatureRow,
  type FittedFeatures,
  fitFeatures,
  UNSEEN_LEVEL,
} from './compute/compute-features.js';
export { categoricalColumn, featureColumn } from './compute/matrix.js';
export { type ColumnFeatureOptions, columnFeature } from './define/column-feature.js';
export {
  type AnyFeature,
  defineFeature,
  FEATURE_GROUPS,
  FEATURE_KINDS,
  type Feature,
  type FeatureGroup,
  type FeatureKind,
  type FeatureOutput,
  type FeatureSpec,
  type HistoryView,
  MISSING_LEVEL,
  type RowView,
} from './define/feature.js';
export { type FeatureSet, featureSet } from './define/feature-set.js';
export {
  historyColumnName,
  type InputType,
  KNOWN_HISTORY_TYPES,
  KNOWN_INPUT_TYPES,
  type KnownHistory,
  type KnownInput,
} from './define/input-types.js';
export * from './describe/describe-features.js';
export { type CategoricalEncoder, encoderFromJSON, encoderJsonSchema } from './encoders/json.js';
export * from './encoders/one-hot.js';
export * from './encoders/ordinal.js';
export type { CategoryValue, EncodedColumns } from './encoders/shared.js';
export * from './encoders/target.js';
export { NotFittedError } from './errors/not-fitted-error.js';
export * from './manifest/feature-manifest.js';
export * from './testing/declared-inputs.js';
export {
  type EvaluateFeatureOptions,
  evaluateFeature,
  type FeatureValue,
  type TestHistory,
  type TestRow,
} from './testing/evaluate.js';
export * from './testing/expect-feature.js';
