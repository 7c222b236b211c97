import { expect, it } from 'vitest';
import * as model from '../src/index.js';

it('exports a stable public API', () => {
  expect(Object.keys(model).sort()).toMatchInlineSnapshot(`
    [
      "REASONS_PER_LEAD",
      "SCORE_COLUMNS",
      "blendMargins",
      "blendRanks",
      "calibrate",
      "createModelFile",
      "featureImportanceCsv",
      "fitBlend",
      "fitCalibrator",
      "fitIsotonic",
      "fitPlatt",
      "leadScoreAt",
      "loadModel",
      "modelBodySchema",
      "modelFileSchema",
      "oofPredictionsCsv",
      "percentileRanks",
      "saveModel",
      "scoreLead",
      "scoreLeads",
      "scoreTable",
      "scoresToArrow",
      "serializeModel",
      "tabularSchema",
      "trainEnsemble",
      "trainingReport",
      "trialsJsonl",
      "writeTrainingArtifacts",
    ]
  `);
});
