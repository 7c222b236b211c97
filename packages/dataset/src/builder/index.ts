/**
 * The dataset builder: point-in-time / current / history joins compiled to warehouse SQL, metadata,
 * verification and the leakage audit.
 * @module
 */
export { auditDatasetLeakage, MAX_OFFENDING_IDS } from './audit.js';
export type { BuildDatasetOptions, BuildDatasetResult, BuildProgress, BuildStep } from './build.js';
export { BUILD_STEPS, buildDataset, datasetMetadataFileName } from './build.js';
export type { DatasetMetadata, LeakageAuditResult, TableFingerprint } from './metadata.js';
export {
  DATASET_METADATA_FORMAT,
  DATASET_METADATA_FORMAT_VERSION,
  datasetMetadataSchema,
  readDatasetMetadata,
} from './metadata.js';
export type {
  CohortStat,
  CohortStatKind,
  DatasetSpec,
  DatasetSpecInput,
  FeatureGroup,
  FeaturePolicy,
  V7DatasetSpecOptions,
} from './spec.js';
export {
  COHORT_STAT_KINDS,
  cohortSource,
  cohortStatSchema,
  columnPolicies,
  datasetSpecSchema,
  FEATURE_POLICIES,
  featureGroupSchema,
  leakageExposedColumns,
  parseDatasetSpec,
  RESERVED_OUTPUT_COLUMNS,
  safeParseDatasetSpec,
  v7DatasetSpec,
} from './spec.js';
export type { DatasetSql, ExclusionReason, OutputColumn } from './sql.js';
export { EXCLUSION_REASONS, outputColumns } from './sql.js';
export type { VerifyCheck, VerifyDatasetOptions, VerifyDatasetResult } from './verify.js';
export {
  assertDatasetVerified,
  safeVerifyDataset,
  VERIFY_ISSUE_CODES,
  verifyDataset,
  verifyIssues,
} from './verify.js';
