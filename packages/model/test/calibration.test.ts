import { readFileSync } from 'node:fs';
import { expectedCalibrationError } from '@leadscore/core/metrics';
import { describe, expect, it } from 'vitest';
import { applyIsotonic } from '../src/calibration/isotonic.js';
import { applyPlatt } from '../src/calibration/platt.js';
import { calibrate, fitCalibrator, fitIsotonic, fitPlatt } from '../src/index.js';

interface Case {
  name: string;
  scores: number[];
  labels: number[];
  weights: number[];
  query: number[];
  isotonic: number[];
  isotonicWeighted: number[];
  platt: { a: number; b: number };
  plattWeighted: { a: number; b: number };
}
// Recorded with scikit-learn by fixtures/make_calibration.py.
const fixture = JSON.parse(readFileSync(new URL('./fixtures/calibration.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

describe.each(fixture.cases.map((c) => [c.name, c] as const))('sklearn case %s', (_name, c) => {
  it('isotonic matches IsotonicRegression(out_of_bounds="clip")', () => {
    const cal = fitIsotonic(c.scores, c.labels);
    for (const [i, q] of c.query.entries()) expect(applyIsotonic(cal, q)).toBeCloseTo(c.isotonic[i]!, 12);
  });
  it('weighted isotonic matches sample_weight', () => {
    const cal = fitIsotonic(c.scores, c.labels, c.weights);
    for (const [i, q] of c.query.entries())
      expect(applyIsotonic(cal, q)).toBeCloseTo(c.isotonicWeighted[i]!, 12);
  });
  it("Platt matches sklearn's _sigmoid_calibration", () => {
    const cal = fitPlatt(c.scores, c.labels);
    expect(cal.a).toBeCloseTo(c.platt.a, 4);
    expect(cal.b).toBeCloseTo(c.platt.b, 4);
    const w = fitPlatt(c.scores, c.labels, c.weights);
    expect(w.a).toBeCloseTo(c.plattWeighted.a, 4);
    expect(w.b).toBeCloseTo(c.plattWeighted.b, 4);
  });
});

describe('calibration by hand', () => {
  it('pools adjacent violators into their mean', () => {
    // x sorted: labels 1, 0, 0, 1 -> blocks {1,0,0} (mean 1/3) then {1}.
    const cal = fitIsotonic([1, 2, 3, 4], [1, 0, 0, 1]);
    expect(cal.x).toEqual([1, 3, 4]);
    expect(cal.y).toEqual([1 / 3, 1 / 3, 1]);
    expect(applyIsotonic(cal, 3.5)).toBeCloseTo(2 / 3, 12);
    expect(applyIsotonic(cal, -10)).toBeCloseTo(1 / 3, 12);
    expect(applyIsotonic(cal, 10)).toBe(1);
  });
  it('Platt of a point mass is the smoothed base rate', () => {
    // one score value: a * s + b is one number; the optimum has p = mean of the Platt targets.
    const cal = fitPlatt([0, 0, 0, 0], [1, 0, 0, 0]);
    const target = (1 * (2 / 3) + 3 * (1 / 5)) / 4;
    expect(applyPlatt(cal, 0)).toBeCloseTo(target, 8);
  });
  it('lowers the expected calibration error of miscalibrated margins', () => {
    // margins twice too confident: the true probability is sigmoid(m / 2)
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const n = 20000;
    const m = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      m[i] = (rand() - 0.7) * 10;
      y[i] = rand() < 1 / (1 + Math.exp(-m[i]! / 2)) ? 1 : 0;
    }
    // fitted on the first half, measured on the second: the calibrator never sees the rows it is judged on
    const half = n / 2;
    const [fitM, fitY, testM, testY] = [
      m.subarray(0, half),
      y.subarray(0, half),
      m.subarray(half),
      y.subarray(half),
    ];
    const rawEce = expectedCalibrationError(testY, calibrate({ method: 'none' }, testM));
    for (const method of ['isotonic', 'platt'] as const) {
      const p = calibrate(fitCalibrator(method, fitM, fitY), testM);
      expect(expectedCalibrationError(testY, p)).toBeLessThan(rawEce / 3);
    }
  });
  it('names the bad input', () => {
    expect(() => fitIsotonic([0.1, 0.2], [0, 2])).toThrowErrorMatchingInlineSnapshot(
      `[DataError: labels[1] must be 0 or 1, found 2]`,
    );
    expect(() => fitPlatt([0.1, Number.NaN], [0, 1])).toThrowErrorMatchingInlineSnapshot(
      `[DataError: scores[1] must be a finite number, found NaN]`,
    );
    expect(() => fitCalibrator('beta' as 'platt', [0], [0])).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: calibration must be 'isotonic', 'platt' or 'none', found "beta"]`,
    );
  });
});
