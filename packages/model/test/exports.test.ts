import { expect, it } from 'vitest';
import * as model from '../src/index.js';

it('exports a stable public API', () => {
  expect(Object.keys(model).sort()).toMatchInlineSnapshot(`
    [
      "blendMargins",
      "blendRanks",
      "calibrate",
      "fitBlend",
      "fitCalibrator",
      "fitIsotonic",
      "fitPlatt",
      "percentileRanks",
    ]
  `);
});
