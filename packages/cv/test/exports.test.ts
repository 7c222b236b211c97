import { expect, it } from 'vitest';
import * as cv from '../src/index.js';

it('exports the public API', () => {
  expect(Object.keys(cv).sort()).toMatchInlineSnapshot(`
    [
      "FoldError",
      "combinatorialPurgedFolds",
      "foldSummary",
      "stratifiedFolds",
      "temporalFolds",
    ]
  `);
});
