/**
 * @leadscore/gates: validation gates over plain results (CV result, fold list, importance, dataset
 * metadata), the leakage probe for current-snapshot columns, model comparison, a logistic-regression
 * baseline, HTML / Markdown reports with charts and model documentation.
 * @module
 */

export { logisticBaselineCv } from './baseline/logistic-baseline-cv.js';
export {
  fitLogisticRegression,
  type LogisticModel,
  type LogisticRegressionOptions,
  predictLogistic,
} from './baseline/logistic-regression.js';
export {
  type ComparedMetric,
  type CompareModelsOptions,
  type ComparisonRow,
  compareModels,
  type ModelBaselines,
  type ModelComparison,
} from './compare/compare-models.js';
export {
  type DeploymentNotes,
  type FeatureDescription,
  type GenerateModelDocsOptions,
  type GenerateModelDocsResult,
  generateModelDocs,
  type ModelDocsInput,
} from './docs/generate-model-docs.js';
export { assertGates, type CheckGatesResult, checkGates } from './gate/check-gates.js';
export { defineGate, type Gate, type GateEvaluation } from './gate/define-gate.js';
export { GateFailedError } from './gate/gate-failed-error.js';
export type { DeclaredResult, GateDatasetMetadata, GateInput } from './gate/gate-input.js';
export {
  type DeclaredBaselinesGateOptions,
  declaredBaselinesGate,
  type LogisticBaselineGateOptions,
  logisticBaselineGate,
  SEED_BASELINES,
} from './gates/baseline-gates.js';
export { defaultGates, readinessGates, seedGates } from './gates/default-gates.js';
export { leakageProbeGate } from './gates/leakage-probe-gate.js';
export {
  type CalibrationGateOptions,
  calibrationGate,
  leakageAuditGate,
  type MinPositivesPerFoldGateOptions,
  type MissingRateDriftGateOptions,
  type MissingRateGateOptions,
  minPositivesPerFoldGate,
  missingRateDriftGate,
  missingRateGate,
  type ScoreDriftGateOptions,
  type SegmentPerformanceGateOptions,
  scoreDriftGate,
  segmentPerformanceGate,
  type TopDecileLiftGateOptions,
  topDecileLiftGate,
} from './gates/readiness-gates.js';
export {
  type BusinessSignalGateOptions,
  businessSignalGate,
  type CvAveragePrecisionGateOptions,
  type CvCoefficientGateOptions,
  cvAveragePrecisionGate,
  cvCoefficientGate,
  type TrainTestGapGateOptions,
  trainTestGapGate,
} from './gates/seed-gates.js';
export {
  type LeakageProbeColumn,
  type LeakageProbeColumnResult,
  type LeakageProbeInput,
  type LeakageProbeOptions,
  type LeakageProbeResult,
  probeLeakage,
} from './leakage/leakage-probe.js';
export {
  type ColumnarTable,
  type ProbeInputFromTablesOptions,
  type ProbeTablesInput,
  probeInputFromTables,
} from './leakage/probe-input-from-tables.js';
export type { ShapRows } from './report/chart-specs.js';
export {
  type RenderReportOptions,
  type RenderReportResult,
  type ReportInput,
  renderReport,
} from './report/render-report.js';
