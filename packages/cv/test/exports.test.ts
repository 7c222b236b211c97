import { expect, it } from 'vitest';
import * as cv from '../src/index.js';

it('exports the public API', () => {
  expect(Object.keys(cv).sort()).toMatchInlineSnapshot(`
    [
      "CvStoppedError",
      "FoldError",
      "TrialPruned",
      "V7_CONSTRAINTS",
      "combinatorialPurgedFolds",
      "createCvCache",
      "crossValidate",
      "cvObjective",
      "foldSummary",
      "lgbmLearner",
      "scoreHoldout",
      "stratifiedFolds",
      "targetOrderedLevels",
      "temporalFolds",
      "tune",
      "xgbLearner",
    ]
  `);
});
