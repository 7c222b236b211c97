/**
 * Experiment behind `TrainOptions.keepMargins`: on the bench's real folds (30k leads, V7 features with
 * missing values, lead_source as level codes), are the margins `train` keeps at the best iteration
 * bit-identical to `booster.predictMargin` of the same rows? Compares every fit row and eval row, per
 * fold and configuration, and counts the eval rows whose values lie outside the fit rows' bin range
 * (below `minValues` or at/above the sentinel), where bin routing and threshold routing may differ.
 * Run: npx tsx --conditions=@leadscore/source bench/cv/margins-check.ts [--leads N]
 */
import { loadavg } from 'node:os';
import { binMatrix, fitBinMapper, type TrainParams, train } from '../../packages/boost/src/index.js';
import { takeRows } from '../../packages/core/src/index.js';
import { carveEvalSet } from '../../packages/cv/src/cross-validate/eval-carve.js';
import { cvBenchData } from './bench-data.js';

const args = process.argv.slice(2);
const i = args.indexOf('--leads');
const LEADS = i >= 0 ? Number(args[i + 1]) : 30000;
const DAY_MS = 86_400_000;
const { spec, matrix, labels, times, folds } = await cvBenchData(LEADS);
let nMissing = 0;
for (const v of matrix.values) if (Number.isNaN(v)) nMissing++;
console.log(
  `data: ${matrix.nRows} x ${matrix.nCols}, ${nMissing} missing values, categorical: ${matrix.kinds.filter((k) => k === 'categorical').length}; load ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);

const configs: { name: string; params: TrainParams; evalSet: 'binned' | 'raw' | 'none' }[] = [
  { name: 'depthwise', params: { growPolicy: 'depthwise', maxDepth: 4 }, evalSet: 'binned' },
  { name: 'lossguide', params: { growPolicy: 'lossguide', maxDepth: 0, maxLeaves: 15 }, evalSet: 'binned' },
  {
    name: 'depthwise subsample 0.7 colsample 0.8',
    params: { maxDepth: 5, subsample: 0.7, colsampleByTree: 0.8, seed: 3 },
    evalSet: 'binned',
  },
  {
    name: 'lossguide subsample 0.6 raw eval',
    params: { growPolicy: 'lossguide', maxDepth: 0, maxLeaves: 31, subsample: 0.6, seed: 5 },
    evalSet: 'raw',
  },
  {
    name: 'depthwise 2 threads maxBin 64',
    params: { maxDepth: 6, nthread: 2, maxBin: 64 },
    evalSet: 'binned',
  },
  {
    name: 'no eval set, 60 rounds, subsample 0.8',
    params: { maxDepth: 4, numRounds: 60, subsample: 0.8 },
    evalSet: 'none',
  },
];
const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);
let allSame = true;
for (const c of configs) {
  for (const fold of folds.folds) {
    const carve = carveEvalSet(fold.train, times, 0.15, spec.labelHorizonDays * DAY_MS);
    const fitM = takeRows(matrix, carve.fit);
    const evalM = takeRows(matrix, carve.evalRows);
    const mapper = fitBinMapper(fitM, { maxBin: c.params.maxBin ?? 256 });
    const fitB = binMatrix(fitM, mapper);
    const evalData = c.evalSet === 'binned' ? binMatrix(evalM, mapper) : evalM;
    const y = carve.fit.map((r) => labels[r]!);
    const booster = await train(
      fitB,
      y,
      { numRounds: 400, learningRate: 0.05, ...c.params },
      {
        categoricalAsCodes: true,
        keepMargins: true,
        ...(c.evalSet === 'none'
          ? {}
          : {
              evalSet: { data: evalData, labels: carve.evalRows.map((r) => labels[r]!) },
              earlyStoppingRounds: 40,
            }),
      },
    );
    const kept = booster.trainingLog!.margins!;
    const fitP = Float32Array.from(booster.predictMargin(fitM));
    const a = bits(kept.data);
    const b = bits(fitP);
    let fitDiff = 0;
    for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) fitDiff++;
    let evalDiff = 0;
    let outOfRange = 0;
    let outDiff = 0;
    if (kept.eval !== null) {
      const e = bits(kept.eval);
      const p = bits(Float32Array.from(booster.predictMargin(evalM)));
      const { cuts, cutPtr, minValues } = mapper;
      for (let k = 0; k < e.length; k++) {
        let out = false;
        for (let f = 0; f < evalM.nCols; f++) {
          const v = evalM.values[f * evalM.nRows + k]!;
          if (v < minValues[f]! || v >= cuts[cutPtr[f + 1]! - 1]!) out = true;
        }
        if (out) outOfRange++;
        if (e[k] !== p[k]) {
          evalDiff++;
          if (out) outDiff++;
        }
      }
    }
    if (fitDiff + evalDiff > 0) allSame = false;
    console.log(
      `${c.name.padEnd(40)} fold ${fold.index}: best ${String(booster.bestIteration).padStart(3)}, fit rows ${a.length} differing ${fitDiff}; eval rows ${kept.eval?.length ?? 0} differing ${evalDiff} (out of bin range ${outOfRange}, of them differing ${outDiff})`,
    );
  }
}
console.log(allSame ? 'all margins bit-identical to predictMargin' : 'SOME MARGINS DIFFER');
