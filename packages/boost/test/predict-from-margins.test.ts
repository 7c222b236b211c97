import { LeadscoreError } from '@leadscore/core/errors';
import { fromRows, type Matrix, takeRows } from '@leadscore/core/matrix';
import { createRng } from '@leadscore/core/rng';
import { describe, expect, it, vi } from 'vitest';
import { Booster } from '../src/booster.js';
import { binMatrix, fitBinMapper } from '../src/data/bin-mapper.js';
import { predictFromMargins } from '../src/predict/predict-from-margins.js';
import type { TrainParams } from '../src/train/params.js';
import { train } from '../src/train/train.js';

/**
 * Five features: two continuous, one with 30 % missing values, a categorical column (level codes, 10 %
 * missing) and a count; y depends on all of them.
 */
function leads(n: number, seed: number): { m: Matrix; y: number[] } {
  const rng = createRng(seed);
  const x = new Float32Array(n * 5);
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.uniform(-2, 2);
    const b = rng.normal();
    const c = rng.next() < 0.3 ? Number.NaN : rng.uniform(0, 10);
    const d = rng.next() < 0.1 ? Number.NaN : rng.int(4);
    const e = rng.int(20);
    x.set([a, b, c, d, e], 5 * i);
    const logit =
      Math.sin(2 * a) + 0.8 * b + (Number.isNaN(c) ? 0.7 : -0.1 * c) + (d === 2 ? 1 : 0) - 0.05 * e;
    y.push(rng.next() < 1 / (1 + Math.exp(-logit)) ? 1 : 0);
  }
  const levels = ['web', 'event', 'partner', 'referral'];
  return {
    m: fromRows(x, n, {
      names: ['a', 'b', 'c', 'source', 'visits'],
      kinds: ['numeric', 'numeric', 'numeric', 'categorical', 'numeric'],
      levels: [null, null, null, levels, null],
    }),
    y,
  };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const bits32 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/**
 * A fold's training set as cross-validation has it: fit rows 0..599, eval rows 600..799 and 40 rows in
 * neither (as purged between them), shuffled; `rows` maps each of its rows to fit row / eval row / -1.
 */
function foldTrainingSet(m: Matrix, seed: number): { train: Matrix; rows: Int32Array } {
  const order = range(0, 840);
  createRng(seed).shuffle(order);
  const rows = Int32Array.from(order, (r) => (r < 800 ? r : -1));
  return { train: takeRows(m, order), rows };
}

const configs: [string, TrainParams, 'binned' | 'raw' | 'none'][] = [
  ['depth-wise, binned eval set', { maxDepth: 4 }, 'binned'],
  ['loss-guided, binned eval set', { growPolicy: 'lossguide', maxDepth: 0, maxLeaves: 15 }, 'binned'],
  [
    'subsample 0.7, colsample 0.6, raw eval set',
    { maxDepth: 5, subsample: 0.7, colsampleByTree: 0.6 },
    'raw',
  ],
  [
    'loss-guided, subsample 0.5, 2 threads',
    { growPolicy: 'lossguide', maxDepth: 0, maxLeaves: 31, subsample: 0.5, nthread: 2, seed: 9 },
    'binned',
  ],
  ['no eval set (all rounds), subsample 0.8', { maxDepth: 3, numRounds: 25, subsample: 0.8 }, 'none'],
];

describe('predictFromMargins', () => {
  const { m, y } = leads(840, 11);
  const fit = takeRows(m, range(0, 600));
  const ev = takeRows(m, range(600, 800));
  const mapper = fitBinMapper(fit);

  it.each(configs)('is bit-identical to booster.predict: %s', async (_, params, evalKind) => {
    const evalData = evalKind === 'binned' ? binMatrix(ev, mapper) : ev;
    const booster = await train(
      binMatrix(fit, mapper),
      y.slice(0, 600),
      { numRounds: 150, learningRate: 0.1, ...params },
      {
        categoricalAsCodes: true,
        keepMargins: true,
        ...(evalKind === 'none'
          ? {}
          : { evalSet: { data: evalData, labels: y.slice(600, 800) }, earlyStoppingRounds: 10 }),
      },
    );
    const margins = booster.trainingLog!.margins!;
    expect(margins.bestIteration).toBe(booster.bestIteration);
    if (evalKind !== 'none') expect(booster.bestIteration).toBeLessThan(booster.numTrees - 1);
    // the kept margins themselves are predictMargin's float32 values
    expect(bits32(margins.data)).toEqual(bits32(Float32Array.from(booster.predictMargin(fit))));
    if (evalKind === 'none') expect(margins.eval).toBeNull();
    else expect(bits32(margins.eval!)).toEqual(bits32(Float32Array.from(booster.predictMargin(ev))));
    const { train: all, rows } = foldTrainingSet(m, 3);
    const from =
      evalKind === 'none'
        ? { margins, data: fit, rows: rows.map((r) => (r >= 600 ? -1 : r)) }
        : { margins, data: fit, evalData: ev, rows };
    expect(bytes(predictFromMargins(booster, all, from))).toEqual(bytes(booster.predict(all)));
  });

  it('predicts normally the rows whose values are not those of the row they are mapped to', async () => {
    const booster = await train(
      fit,
      y.slice(0, 600),
      { numRounds: 30, maxDepth: 3 },
      { categoricalAsCodes: true, keepMargins: true },
    );
    const margins = booster.trainingLog!.margins!;
    // every row claims to be fit row 0
    const other = takeRows(m, range(0, 600));
    const p = predictFromMargins(booster, other, { margins, data: fit, rows: new Int32Array(600) });
    expect(bytes(p)).toEqual(bytes(booster.predict(other)));
  });

  it('predicts normally eval rows outside the bins, where bin and threshold routing differ', async () => {
    // x0 = 1 on the positives, missing on the negatives: the one split is "non-missing left, missing
    // right" at the last bin, whose threshold is the sentinel 1 + (1 + 1e-5) = 2.00001; an eval value 5
    // lies in that bin once clamped (left) but is above the threshold (right)
    const n = 40;
    const x = new Float32Array(n);
    const yy: number[] = [];
    for (let i = 0; i < n; i++) {
      x[i] = i % 2 === 0 ? 1 : Number.NaN;
      yy.push(i % 2 === 0 ? 1 : 0);
    }
    const data = fromRows(x, n);
    const evalRaw = fromRows([5, 1, Number.NaN], 3);
    const map = fitBinMapper(data);
    const booster = await train(
      binMatrix(data, map),
      yy,
      { numRounds: 3, maxDepth: 1, minChildWeight: 0 },
      { keepMargins: true, evalSet: { data: binMatrix(evalRaw, map), labels: [1, 1, 0] } },
    );
    expect(booster.model.trees[0]!.threshold[0]).toBe(Math.fround(2.00001));
    const margins = booster.trainingLog!.margins!;
    const direct = Float32Array.from(booster.predictMargin(evalRaw));
    // the kept margin of the out-of-range row is not predict's: that is why predictFromMargins checks
    expect(margins.eval![0]).not.toBe(direct[0]);
    expect(margins.eval![1]).toBe(direct[1]);
    const p = predictFromMargins(booster, evalRaw, {
      margins,
      data,
      evalData: evalRaw,
      rows: Int32Array.from([40, 41, 42]),
    });
    expect(bytes(p)).toEqual(bytes(booster.predict(evalRaw)));
  });

  it('takes from the margins values beyond the bins of features without an edge split', async () => {
    // eval row 0 has a = 100 and b = -100, far outside the fit rows' bins
    const values = Float32Array.from(ev.values);
    values[0] = 100;
    values[ev.nRows] = -100;
    const far = { ...ev, values };
    const booster = await train(
      binMatrix(fit, mapper),
      y.slice(0, 600),
      { numRounds: 60, maxDepth: 3 },
      {
        categoricalAsCodes: true,
        keepMargins: true,
        evalSet: { data: binMatrix(far, mapper), labels: y.slice(600, 800) },
      },
    );
    const { cuts, cutPtr, minValues } = mapper;
    for (const t of booster.model.trees) {
      for (let k = 0; k < t.numNodes; k++) {
        if (t.left[k]! < 0 || t.splitFeature[k]! > 1) continue;
        const f = t.splitFeature[k]!;
        expect([minValues[f], cuts[cutPtr[f + 1]! - 1]]).not.toContain(t.threshold[k]);
      }
    }
    const rows = Int32Array.from(range(600, 800));
    const predict = vi.spyOn(Booster.prototype, 'predict');
    const p = predictFromMargins(booster, far, {
      margins: booster.trainingLog!.margins!,
      data: fit,
      evalData: far,
      rows,
    });
    expect(predict).not.toHaveBeenCalled();
    predict.mockRestore();
    expect(bytes(p)).toEqual(bytes(booster.predict(far)));
  });

  it('keeps no margins unless asked', async () => {
    const booster = await train(fit, y.slice(0, 600), { numRounds: 3 }, { categoricalAsCodes: true });
    expect(booster.trainingLog!.margins).toBeNull();
  });

  it('refuses margins of another round, a wrong source shape and rows out of range', async () => {
    const booster = await train(
      fit,
      y.slice(0, 600),
      { numRounds: 5 },
      { categoricalAsCodes: true, keepMargins: true },
    );
    const other = await train(
      fit,
      y.slice(0, 600),
      { numRounds: 4 },
      { categoricalAsCodes: true, keepMargins: true },
    );
    const margins = booster.trainingLog!.margins!;
    const rows = Int32Array.from(range(0, 600));
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(LeadscoreError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(
      err(() => predictFromMargins(booster, fit, { margins: other.trainingLog!.margins!, data: fit, rows })),
    ).toMatchInlineSnapshot(`"from.margins must be at the booster's best iteration 4, found 3"`);
    expect(err(() => predictFromMargins(booster, fit, { margins, data: ev, rows }))).toMatchInlineSnapshot(
      `"from.data must be 600 x 5 (the kept margins' rows, the model's columns), found 200 x 5"`,
    );
    expect(
      err(() =>
        predictFromMargins(booster, fit, { margins, data: fit, rows: rows.map((r) => (r === 7 ? 600 : r)) }),
      ),
    ).toMatchInlineSnapshot(`"from.rows[7] must be -1 or a row index below 600, found 600"`);
    expect(
      err(() => predictFromMargins(booster, fit, { margins, data: fit, rows: rows.subarray(1) })),
    ).toMatchInlineSnapshot(`"from.rows must have one entry per row of data (600), found 599"`);
  });
});
