import { expect, it } from 'vitest';
import * as features from '../src/index.js';

it('exports a stable public API', () => {
  expect(Object.keys(features).sort()).toMatchInlineSnapshot(`
    [
      "BOOK_SIZE_BAND_EDGES",
      "FEATURE_GROUPS",
      "FEATURE_KINDS",
      "FIRM_SIZE_BAND_EDGES",
      "KNOWN_HISTORY_TYPES",
      "KNOWN_INPUT_TYPES",
      "MISSING_LEVEL",
      "NotFittedError",
      "OTHER_LEVEL",
      "assertDeclaredInputs",
      "businessModelFeatures",
      "careerStageFeatures",
      "categoricalColumn",
      "computeFeatures",
      "computeFeaturesForRow",
      "defineFeature",
      "describeFeatures",
      "encoderFromJSON",
      "encoderJsonSchema",
      "evaluateFeature",
      "expectFeature",
      "featureColumn",
      "featureManifest",
      "featureManifestSchema",
      "featureSet",
      "featureValuesEqual",
      "fitOneHotEncoder",
      "fitOrdinalEncoder",
      "fitTargetEncoder",
      "historyColumnName",
      "marketPositionFeatures",
      "oneHotEncoder",
      "ordinalEncoder",
      "resolveFeatureManifest",
      "targetEncoder",
      "temporalFeatures",
      "testFeature",
      "toDenseMatrix",
      "v7Features",
    ]
  `);
});
