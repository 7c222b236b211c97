/**
 * Test-only helpers for the model-file, TreeSHAP and importance tests: the XGBoost fixtures recorded by
 * `fixtures/make_xgb_models.py` and a reference tree walker with XGBoost's float32 accumulation rule. The
 * bridge to a live XGBoost is `xgboost-bridge.ts`, used only by the `*.interop.test.ts` files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromRows, type Matrix } from '@leadscore/core/matrix';
import type { BoosterModel } from '../src/model/types.js';

export const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
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
