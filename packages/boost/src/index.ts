/**
 * @leadscore/boost: histogram gradient-boosted trees in TypeScript (XGBoost `hist` semantics), with
 * TreeSHAP, feature importance and XGBoost-JSON / LightGBM-text model files.
 * @module
 */
export { Booster, type PredictOptions, type TrainingLog, type TrainingMargins } from './booster.js';
export {
  type BinMapper,
  type BinnedMatrix,
  binMatrix,
  type FitBinMapperOptions,
  fitBinMapper,
} from './data/bin-mapper.js';
export { type ArrowTableLike, type ArrowVectorLike, fromArrowColumns } from './data/matrix.js';
export { featureImportance } from './importance/importance.js';
export { fromLightGBMText, toLightGBMText } from './io/lightgbm-text.js';
export { fromXGBoostJSON, type ToXGBoostJSONOptions, toXGBoostJSON } from './io/xgboost-json.js';
export type { BoosterModel, ImportanceType, ModelParams, TreeArrays } from './model/types.js';
export { type MarginRows, predictFromMargins } from './predict/predict-from-margins.js';
export { type PredictContributionsOptions, predictContributions } from './shap/tree-shap.js';
export { safeResolveParams, type TrainParams } from './train/params.js';
export { type EvalSet, type RoundInfo, type TrainOptions, train } from './train/train.js';
