import { requirePython } from '../../../scripts/python.mjs';

/** The Python that runs the sklearn/XGBoost anchors; `LEADSCORE_PYTHON` overrides it. */
export const PYTHON = process.env.LEADSCORE_PYTHON ?? '/usr/bin/python3';

/** The interpreter with xgboost and numpy; throws (the test fails, never skips) naming what to install. */
export function requireXGBoost(): string {
  return requirePython(['numpy', 'xgboost']);
}
