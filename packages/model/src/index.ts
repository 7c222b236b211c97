/**
 * @leadscore/model: the XGB + LGBM ensemble, calibration, the model file, scoring with reason codes,
 * batch scoring in the warehouse and training artifacts.
 * @module
 */
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
