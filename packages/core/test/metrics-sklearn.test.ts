import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  averagePrecision,
  brierScore,
  calibrationCurve,
  expectedCalibrationError,
  liftAt,
  logLoss,
  precisionAt,
  psi,
  rocAuc,
} from '../src/metrics/index.js';
import { lcgRows } from './fixtures/lcg-rows.js';

// Reference values from sklearn 1.2.1 / numpy (see the header of fixtures/make_metrics.py for the command).

interface Curve {
  probTrue: number[];
  probPred: number[];
  counts: number[];
}
interface Expected {
  averagePrecision: number;
  rocAuc?: number;
  rocAucError?: string;
  averagePrecisionWeighted?: number;
  rocAucWeighted?: number;
  precisionAt: { k: number; value: number }[];
  precisionAtFraction: { fraction: number; value: number }[];
  liftAt10: number | null;
  brierScore?: number;
  logLoss?: number;
  brierScoreWeighted?: number;
  logLossWeighted?: number;
  calibration?: Record<string, Curve>;
  ece?: Record<string, number>;
}
interface Fixture {
  sklearn: string;
  small: {
    name: string;
    labels: number[];
    scores: number[];
    float32: boolean;
    sampleWeight?: number[];
    expected: Expected;
  }[];
  large: { name: string; generator: { seed: number; n: number; weighted: boolean }; expected: Expected }[];
  psi: {
    name: string;
    expected?: number[];
    actual?: number[];
    generator?: {
      expectedSeed: number;
      expectedN: number;
      actualSeed: number;
      actualN: number;
      actualScale: number;
    };
    nBins: number;
    epsilon: number;
    psi: number;
  }[];
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/metrics.json', import.meta.url), 'utf8'),
) as Fixture;

const TOL = 1e-12;
// sklearn computes log loss in float32 for float32 input; we compute in float64 after float32-eps clipping.
const TOL_FLOAT32_LOGLOSS = 1e-6;
const maxDiff = new Map<string, number>();

function close(metric: string, actual: number, expected: number, tol = TOL): void {
  const d = Math.abs(actual - expected);
  maxDiff.set(metric, Math.max(maxDiff.get(metric) ?? 0, d));
  expect(d, `${metric}: ${actual} vs sklearn ${expected}`).toBeLessThanOrEqual(tol);
}

function checkAll(
  name: string,
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  weights: ArrayLike<number> | undefined,
  exp: Expected,
  float32 = false,
): void {
  close('averagePrecision', averagePrecision(labels, scores), exp.averagePrecision);
  if (exp.rocAuc !== undefined) close('rocAuc', rocAuc(labels, scores), exp.rocAuc);
  else expect(() => rocAuc(labels, scores), name).toThrow(/labels must contain both classes/);
  if (weights !== undefined) {
    close(
      'averagePrecision (weighted)',
      averagePrecision(labels, scores, { sampleWeight: weights }),
      exp.averagePrecisionWeighted!,
    );
    close('rocAuc (weighted)', rocAuc(labels, scores, { sampleWeight: weights }), exp.rocAucWeighted!);
  }
  for (const { k, value } of exp.precisionAt) close('precisionAt', precisionAt(labels, scores, { k }), value);
  for (const { fraction, value } of exp.precisionAtFraction) {
    close('precisionAt', precisionAt(labels, scores, { fraction }), value);
  }
  if (exp.liftAt10 === null) expect(liftAt(labels, scores)).toBeNaN();
  else close('liftAt', liftAt(labels, scores, { fraction: 0.1 }), exp.liftAt10);
  if (exp.brierScore === undefined) {
    expect(() => brierScore(labels, scores), name).toThrow(/must be a probability/);
    return;
  }
  close('brierScore', brierScore(labels, scores), exp.brierScore);
  if (float32) close('logLoss (float32 input)', logLoss(labels, scores), exp.logLoss!, TOL_FLOAT32_LOGLOSS);
  else close('logLoss', logLoss(labels, scores), exp.logLoss!);
  if (weights !== undefined) {
    close(
      'brierScore (weighted)',
      brierScore(labels, scores, { sampleWeight: weights }),
      exp.brierScoreWeighted!,
    );
    close('logLoss (weighted)', logLoss(labels, scores, { sampleWeight: weights }), exp.logLossWeighted!);
  }
  for (const [key, ref] of Object.entries(exp.calibration!)) {
    const strategy = key.startsWith('uniform') ? 'uniform' : 'quantile';
    const nBins = Number(key.replace(/\D+/, ''));
    const curve = calibrationCurve(labels, scores, { strategy, nBins });
    expect(curve.counts, `${name} ${key} counts`).toEqual(ref.counts);
    expect(curve.probTrue.length).toBe(ref.probTrue.length);
    for (let i = 0; i < curve.probTrue.length; i++) {
      close('calibrationCurve', curve.probTrue[i]!, ref.probTrue[i]!);
      close('calibrationCurve', curve.probPred[i]!, ref.probPred[i]!);
    }
  }
  close('ece (numpy)', expectedCalibrationError(labels, scores), exp.ece!.uniform10!);
  close(
    'ece (numpy)',
    expectedCalibrationError(labels, scores, { strategy: 'quantile' }),
    exp.ece!.quantile10!,
  );
  close('ece (numpy)', expectedCalibrationError(labels, scores, { nBins: 5 }), exp.ece!.uniform5!);
}

describe(`metrics vs sklearn ${fixture.sklearn}`, () => {
  for (const c of fixture.small) {
    it(c.name, () => {
      const scores = c.float32 ? Float32Array.from(c.scores) : c.scores;
      checkAll(c.name, c.labels, scores, c.sampleWeight, c.expected, c.float32);
    });
  }

  for (const c of fixture.large) {
    it(`${c.name} (generated rows)`, () => {
      const { labels, scores, weights } = lcgRows(c.generator.seed, c.generator.n);
      checkAll(c.name, labels, scores, c.generator.weighted ? weights : undefined, c.expected);
    });
  }

  for (const c of fixture.psi) {
    it(`psi: ${c.name}`, () => {
      let expected: ArrayLike<number>;
      let actual: ArrayLike<number>;
      if (c.generator) {
        const g = c.generator;
        expected = lcgRows(g.expectedSeed, g.expectedN).scores;
        actual = lcgRows(g.actualSeed, g.actualN).scores.map((v) => Math.min(v * g.actualScale, 1));
      } else {
        expected = c.expected!;
        actual = c.actual!;
      }
      close('psi (numpy)', psi(expected, actual, { nBins: c.nBins, epsilon: c.epsilon }), c.psi);
    });
  }

  afterAll(() => {
    const rows = [...maxDiff].map(([metric, d]) => `  ${metric.padEnd(28)} ${d.toExponential(2)}`);
    console.log(`max |ours - reference| per metric:\n${rows.join('\n')}`);
  });
});
