import { expect, it } from 'vitest';
import * as cv from '../src/index.js';

it('exports the public API', () => {
  expect(Object.keys(cv).sort()).toMatchInlineSnapshot(`
    [
      "CvStoppedError",
      "FoldError",
      "combinatorialPurgedFolds",
      "crossValidate",
      "foldSummary",
      "lgbmLearner",
      "stratifiedFolds",
      "temporalFolds",
      "xgbLearner",
    ]
  `);
});
