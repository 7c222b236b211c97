/**
 * Test-only helpers for the model-file, TreeSHAP and importance tests: the XGBoost fixtures recorded by
 * `fixtures/make_xgb_models.py`, a reference tree walker with XGBoost's float32 accumulation rule, and a
 * bridge that asks real XGBoost (Debian's python3-xgboost) to load a model file.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromRows, type Matrix } from '@leadscore/core/matrix';
import type { BoosterModel } from '../src/model/types.js';

export const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
export const PYTHON = process.env.LEADSCORE_PYTHON ?? '/usr/bin/python3';
export const CASES = ['depthwise', 'deep', 'lossguide', 'base_score', 'early_stop', 'named'] as const;
export type CaseName = (typeof CASES)[number];

export interface Expected {
  case: string;
  numTrees: number;
  bestIteration: number | null;
  margin: number[];
  probability: number[];
  contributions: number[];
  importance: Record<string, Record<string, number>>;
}

interface DataFile {
  nRows: number;
  nCols: number;
  rows: (number | null)[][];
  labels: number[];
}

export function loadDataFile(): DataFile {
  return JSON.parse(readFileSync(join(FIXTURES, 'xgb_data.json'), 'utf8')) as DataFile;
}

/** The fixture matrix (NaN for null). */
export function loadMatrix(): Matrix {
  const { nRows, nCols, rows } = loadDataFile();
  const data = new Float32Array(nRows * nCols);
  for (const [i, row] of rows.entries()) {
    for (const [j, v] of row.entries()) data[i * nCols + j] = v === null ? Number.NaN : v;
  }
  return fromRows(data, nRows);
}

export function modelText(name: CaseName): string {
  return readFileSync(join(FIXTURES, `xgb_${name}.model.json`), 'utf8');
}

export function expected(name: CaseName): Expected {
  return JSON.parse(readFileSync(join(FIXTURES, `xgb_${name}.expected.json`), 'utf8')) as Expected;
}

/** XGBoost's logistic intercept: `-logf(1/p - 1)` in float32. Written out here independently of src. */
function logitF32(p: number): number {
  const q = Math.fround(p);
  return Math.fround(-Math.log(Math.fround(Math.fround(1 / q) - 1)));
}

/**
 * Margins by walking every tree with XGBoost's CPU-predictor rules: `fround(x) < threshold` goes left,
 * NaN follows default_left, and the sum is accumulated in float32 in tree order from the base margin
 * (or in double, for exact local-accuracy checks).
 */
export function walkMargin(
  model: BoosterModel,
  m: Matrix,
  range?: readonly [number, number],
  accumulate: 'float32' | 'double' = 'float32',
): Float64Array {
  const [start, end] = range ?? [0, model.trees.length];
  const out = new Float64Array(m.nRows);
  for (let r = 0; r < m.nRows; r++) {
    let sum = logitF32(model.baseScore);
    for (let t = start; t < end; t++) {
      const tree = model.trees[t]!;
      let node = 0;
      while (tree.left[node]! >= 0) {
        const f = tree.splitFeature[node]!;
        const x = m.values[f * m.nRows + r]!;
        const goLeft = Number.isNaN(x) ? tree.defaultLeft[node] === 1 : x < tree.threshold[node]!;
        node = goLeft ? tree.left[node]! : tree.left[node]! + 1;
      }
      sum = accumulate === 'float32' ? Math.fround(sum + tree.leafValue[node]!) : sum + tree.leafValue[node]!;
    }
    out[r] = sum;
  }
  return out;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

function installHint(): string {
  return (
    `the XGBoost parity tests need Debian python3-xgboost 1.7 (import xgboost in ${PYTHON}): ` +
    'install it with `apt-get install python3-xgboost` (CI does this in .ci/run), or point LEADSCORE_PYTHON ' +
    'at a python with xgboost'
  );
}

/** Throws (the test fails, never skips) when python3-xgboost is missing. */
export function requireXGBoost(): void {
  const probe = spawnSync(PYTHON, ['-c', 'import xgboost'], { encoding: 'utf8' });
  if (probe.status !== 0) throw new Error(`${installHint()}\n${probe.stderr ?? ''}`);
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
  requireXGBoost();
  const dir = mkdtempSync(join(tmpdir(), 'leadscore-xgb-'));
  try {
    const paths = texts.map((text, i) => {
      const path = join(dir, `model_${i}.json`);
      writeFileSync(path, text);
      return path;
    });
    const script = join(FIXTURES, 'check_our_json.py');
    const run = spawnSync(PYTHON, [script, ...paths, join(FIXTURES, 'xgb_data.json')], {
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
