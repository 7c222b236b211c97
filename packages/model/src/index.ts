/**
 * @leadscore/model: the XGB + LGBM ensemble, calibration, the model file, scoring with reason codes,
 * batch scoring in the warehouse and training artifacts.
 * @module
 */

export {
  featureImportanceCsv,
  oofPredictionsCsv,
  type TrainingArtifacts,
  trainingReport,
  trialsJsonl,
  type WriteTrainingArtifactsOptions,
  writeTrainingArtifacts,
} from './artifacts/write-artifacts.js';
export {
  type Blend,
  type BlendObjective,
  blendMargins,
  blendRanks,
  type FitBlendOptions,
  fitBlend,
  percentileRanks,
} from './blend/blend.js';
export {
  type CalibrationMethod,
  type Calibrator,
  calibrate,
  fitCalibrator,
} from './calibration/calibrator.js';
export { fitIsotonic, type IsotonicCalibrator } from './calibration/isotonic.js';
export { fitPlatt, type PlattCalibrator } from './calibration/platt.js';
export {
  type MemberSpec,
  type OofPredictions,
  type TrainEnsembleOptions,
  type TrainEnsembleResult,
  type TrialRecord,
  trainEnsemble,
} from './ensemble/train-ensemble.js';
export { type LoadedModel, type LoadModelOptions, loadModel } from './model-file/load-model.js';
export { createModelFile, type ModelBodyInput, saveModel, serializeModel } from './model-file/model-file.js';
export {
  type ModelBody,
  type ModelColumn,
  type ModelFile,
  type ModelMember,
  type ModelTabular,
  modelBodySchema,
  modelFileSchema,
  tabularSchema,
} from './model-file/schema.js';
export {
  type LeadScore,
  leadScoreAt,
  REASONS_PER_LEAD,
  type Reason,
  type ScoreBatch,
  scoreLead,
  scoreLeads,
} from './scoring/score-leads.js';
export {
  SCORE_COLUMNS,
  type ScoreTableOptions,
  type ScoreTableProgress,
  type ScoreTableResult,
  scoresToArrow,
  scoreTable,
} from './warehouse/score-table.js';
