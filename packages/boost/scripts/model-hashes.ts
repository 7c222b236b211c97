/**
 * Prints the sha256 of the XGBoost JSON of models trained like the boost tests train them, so a
 * refactoring of the trainer can show that the model bytes did not change: run before and after and diff.
 * Usage: npx tsx --conditions=@leadscore/source packages/boost/scripts/model-hashes.ts
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fromRows } from '@leadscore/core/matrix';
import { createRng } from '@leadscore/core/rng';
import type { TrainParams } from '../src/train/params.js';
import { train } from '../src/train/train.js';

function rowMajor(x: Float32Array, nRows: number, _nCols: number) {
  return fromRows(x, nRows);
}

function noisy(n: number, seed: number, nCols = 3) {
  const rng = createRng(seed);
  const x = new Float32Array(n * nCols);
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    let logit = 0;
    for (let c = 0; c < nCols; c++) {
      const v = c % 3 === 2 ? rng.int(5) : rng.normal();
      x[i * nCols + c] = c % 3 === 1 && rng.next() < 0.1 ? Number.NaN : v;
      logit += (c % 2 === 0 ? 0.6 : -0.4) * (c === 0 ? Math.sin(2 * v) : v);
    }
    y.push(rng.next() < 1 / (1 + Math.exp(-logit)) ? 1 : 0);
  }
  return { m: rowMajor(x, n, nCols), y };
}

const raw = readFileSync(new URL('../test/fixtures/train_parity_data.bin', import.meta.url));
const fixture = JSON.parse(
  readFileSync(new URL('../test/fixtures/train_parity.json', import.meta.url), 'utf8'),
) as { n: number; p: number; nTrain: number };
const all = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
const { n, p, nTrain } = fixture;
const parity = {
  m: rowMajor(all.slice(0, nTrain * p), nTrain, p),
  y: Array.from(all.subarray(n * p, n * p + nTrain)),
  w: Array.from(all.subarray(n * p + n, n * p + n + nTrain)),
};

const cases: [string, { m: ReturnType<typeof rowMajor>; y: number[] }, TrainParams, number[]?][] = [];
const small = noisy(300, 1);
const big = noisy(70_000, 2);
const wide = noisy(12_000, 11, 40);
for (const nthread of [1, 2]) {
  cases.push([`small depthwise t${nthread}`, small, { numRounds: 10, maxDepth: 3, nthread }]);
  cases.push([
    `small lossguide t${nthread}`,
    small,
    { numRounds: 5, growPolicy: 'lossguide', maxDepth: 0, maxLeaves: 5, nthread },
  ]);
  cases.push([`big t${nthread}`, big, { numRounds: 3, maxDepth: 4, maxBin: 32, nthread }]);
  cases.push([
    `wide colsample t${nthread}`,
    wide,
    { numRounds: 4, maxDepth: 5, seed: 3, colsampleByTree: 0.6, subsample: 0.8, nthread },
  ]);
  cases.push([
    `wide bynode t${nthread}`,
    wide,
    { numRounds: 4, maxDepth: 5, seed: 3, colsampleByNode: 0.5, nthread },
  ]);
  cases.push([
    `wide lossguide t${nthread}`,
    wide,
    { numRounds: 4, maxDepth: 5, seed: 3, growPolicy: 'lossguide', maxLeaves: 12, nthread },
  ]);
  cases.push([
    `parity weighted monotone t${nthread}`,
    parity,
    {
      numRounds: 20,
      maxDepth: 4,
      alpha: 0.1,
      gamma: 0.05,
      monotoneConstraints: [1, ...new Array<number>(p - 1).fill(0)],
      nthread,
    },
    parity.w,
  ]);
  cases.push([
    `parity lossguide t${nthread}`,
    parity,
    { numRounds: 20, growPolicy: 'lossguide', maxLeaves: 16, maxDepth: 0, maxDeltaStep: 0.5, nthread },
  ]);
}
for (const [name, data, params, weights] of cases) {
  const booster = await train(data.m, data.y, params, weights === undefined ? {} : { weights });
  console.log(`${createHash('sha256').update(booster.toXGBoostJSON()).digest('hex')}  ${name}`);
}
process.exit(0);
