/**
 * Real XGBoost 1.7.4 loads what toXGBoostJSON writes for every fixture model and predicts and explains
 * it exactly as the model XGBoost itself saved (needs a live XGBoost: `npm run test:interop`).
 */
import { describe, expect, it } from 'vitest';
import { fromXGBoostJSON, toXGBoostJSON } from '../src/io/xgboost-json.js';
import { CASES, expected, maxAbsDiff, modelText } from './model-fixtures.js';
import { predictWithXGBoost, type XGBoostOutput } from './xgboost-bridge.js';

describe('real XGBoost loads what toXGBoostJSON writes', () => {
  // One python process for all cases, started by the first test (so a missing XGBoost fails tests).
  let cached: XGBoostOutput[] | undefined;
  const outputs = () =>
    (cached ??= predictWithXGBoost(CASES.map((name) => toXGBoostJSON(fromXGBoostJSON(modelText(name))))));
  for (const [i, name] of CASES.entries()) {
    it(`${name}: same margins, probabilities and pred_contribs as the original XGBoost model`, () => {
      const exp = expected(name);
      const out = outputs()[i]!;
      expect(out.version).toBe('1.7.4');
      expect(out.numFeature).toBe(6);
      expect(maxAbsDiff(out.margin, exp.margin)).toBeLessThanOrEqual(1e-6);
      expect(maxAbsDiff(out.probability, exp.probability)).toBeLessThanOrEqual(1e-6);
      expect(maxAbsDiff(out.contributions, exp.contributions)).toBeLessThanOrEqual(1e-6);
    });
  }
});
