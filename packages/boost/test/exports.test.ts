import { expect, it } from 'vitest';
import * as boost from '../src/index.js';

it('exports the public API', () => {
  expect(Object.keys(boost).sort()).toMatchInlineSnapshot(`
    [
      "Booster",
      "binMatrix",
      "featureImportance",
      "fitBinMapper",
      "fromArrowColumns",
      "fromLightGBMText",
      "fromXGBoostJSON",
      "predictContributions",
      "predictFromMargins",
      "safeResolveParams",
      "toLightGBMText",
      "toXGBoostJSON",
      "train",
    ]
  `);
});
