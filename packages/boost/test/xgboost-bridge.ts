/**
 * The interop tests' bridge to a live XGBoost (Debian's python3-xgboost 1.7): it has XGBoost load model
 * files we wrote, or train on matrices we built. A missing XGBoost throws, so an interop test fails
 * instead of passing without its anchor.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requirePython } from '../../../scripts/python.mjs';
import { FIXTURES } from './model-fixtures.js';

/** The interpreter with xgboost and numpy, or a thrown error naming what to install. */
export function requireXGBoost(): string {
  return requirePython(['numpy', 'xgboost']);
}

export interface XGBoostOutput {
  version: string;
  numFeature: number;
  margin: number[];
  probability: number[];
  contributions: number[];
}

/**
 * Writes each text to a temp `model_<i>.json`, has real XGBoost load them (one python process) and
 * predict on the fixture data.
 */
export function predictWithXGBoost(texts: readonly string[]): XGBoostOutput[] {
  const python = requireXGBoost();
  const dir = mkdtempSync(join(tmpdir(), 'leadscore-xgb-'));
  try {
    const paths = texts.map((text, i) => {
      const path = join(dir, `model_${i}.json`);
      writeFileSync(path, text);
      return path;
    });
    const script = join(FIXTURES, 'check_our_json.py');
    const run = spawnSync(python, [script, ...paths, join(FIXTURES, 'xgb_data.json')], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    if (run.status !== 0) throw new Error(`XGBoost could not load our model file:\n${run.stderr}`);
    return run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as XGBoostOutput);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
