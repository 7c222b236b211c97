import { spawnSync } from 'node:child_process';

/** The Python that runs the sklearn/XGBoost anchors; `LEADSCORE_PYTHON` overrides it. */
export const PYTHON = process.env.LEADSCORE_PYTHON ?? '/usr/bin/python3';

/** Throws (the test fails, never skips) when python3-xgboost is missing. */
export function requireXGBoost(): void {
  const probe = spawnSync(PYTHON, ['-c', 'import xgboost'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error(
      `this test needs Debian python3-xgboost 1.7 (import xgboost in ${PYTHON}): install it with ` +
        '`apt-get install python3-xgboost` (CI does this in .ci/run), or point LEADSCORE_PYTHON at a python ' +
        `with xgboost\n${probe.stderr ?? ''}`,
    );
  }
}
