import { type FeatureSet, featureSet } from '../define/feature-set.js';
import { businessModelFeatures } from './business-model.js';
import { careerStageFeatures } from './career-stage.js';
import { marketPositionFeatures } from './market-position.js';
import { temporalFeatures } from './temporal.js';

export { BOOK_SIZE_BAND_EDGES, businessModelFeatures } from './business-model.js';
export { careerStageFeatures } from './career-stage.js';
export { FIRM_SIZE_BAND_EDGES, marketPositionFeatures } from './market-position.js';
export { temporalFeatures } from './temporal.js';

/**
 * The V7 catalog: 42 features, 9 business model, 9 career stage, 12 market position and 12 temporal
 * dynamics (the 40 of DESIGN.md section 4 plus `aum_growth_acceleration_4q` and
 * `firm_headcount_change_upto_4q`).
 * @example const matrix = computeFeatures(trainingTable, v7Features);
 */
export const v7Features: FeatureSet = featureSet([
  businessModelFeatures,
  careerStageFeatures,
  marketPositionFeatures,
  temporalFeatures,
]);
