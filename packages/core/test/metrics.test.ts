import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataError, InvalidArgumentError } from '../src/errors/index.js';
import * as metrics from '../src/metrics/index.js';
import {
  averagePrecision,
  brierScore,
  calibrationCurve,
  expectedCalibrationError,
  liftAt,
  logLoss,
  precisionAt,
  psi,
  psiTable,
  rocAuc,
} from '../src/metrics/index.js';
import { argsortAscending } from '../src/metrics/rank.js';
import { selectInPlace } from '../src/metrics/select.js';

const FC = { seed: 20261126, numRuns: 200 };

/** O(n^2) Mann-Whitney count: the definition, independent of the grouped walk. */
function bruteAuc(y: number[], s: number[], w?: number[]): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < y.length; i++) {
    for (let j = 0; j < y.length; j++) {
      if (y[i] !== 1 || y[j] !== 0) continue;
      const ww = (w?.[i] ?? 1) * (w?.[j] ?? 1);
      den += ww;
      num += ww * (s[i]! > s[j]! ? 1 : s[i] === s[j] ? 0.5 : 0);
    }
  }
  return num / den;
}

/** AP from the definition: for each distinct threshold t (descending), predict 1 for s >= t. */
function bruteAp(y: number[], s: number[]): number {
  const thresholds = [...new Set(s)].sort((a, b) => b - a);
  const P = y.filter((v) => v === 1).length;
  let prevRecall = 0;
  let ap = 0;
  for (const t of thresholds) {
    let tp = 0;
    let fp = 0;
    for (let i = 0; i < y.length; i++) {
      if (s[i]! >= t) {
        if (y[i] === 1) tp++;
        else fp++;
      }
    }
    const recall = tp / P;
    ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
  }
  return ap;
}

/** Exact expectation of precision@k over all orderings of the rows, each stably sorted by score. */
function bruteExpectedPrecision(y: number[], s: number[], k: number): number {
  const n = y.length;
  const idx = Array.from({ length: n }, (_, i) => i);
  let sum = 0;
  let count = 0;
  const permute = (arr: number[], start: number): void => {
    if (start === arr.length) {
      const ranked = [...arr].sort((a, b) => s[b]! - s[a]!);
      let tp = 0;
      for (let r = 0; r < k; r++) tp += y[ranked[r]!]!;
      sum += tp / k;
      count++;
      return;
    }
    for (let i = start; i < arr.length; i++) {
      [arr[start], arr[i]] = [arr[i]!, arr[start]!];
      permute(arr, start + 1);
      [arr[start], arr[i]] = [arr[i]!, arr[start]!];
    }
  };
  permute(idx, 0);
  return sum / count;
}

const labelled = (minLength: number, maxLength: number) =>
  fc
    .array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 6 })), { minLength, maxLength })
    .map((rows) => ({ y: rows.map((r) => r[0]), s: rows.map((r) => r[1] / 6) }));

describe('averagePrecision', () => {
  it('matches the DESIGN example and hand-computed tie cases', () => {
    // Ranked: 0.8(+) P=1 R=1/2; 0.4(-); 0.35(+) P=2/3 R=1 -> 1/2 + 1/2 * 2/3.
    expect(averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(5 / 6, 15);
    // Ranked: 0.9(-); {0.5+, 0.5-} P=1/3 R=1/2; 0.2(+) P=1/2 R=1 -> 1/6 + 1/4.
    expect(averagePrecision([1, 0, 1, 0], [0.5, 0.5, 0.2, 0.9])).toBeCloseTo(5 / 12, 15);
    // One threshold holding everything: precision = base rate.
    expect(averagePrecision([1, 0, 0, 0], [0.3, 0.3, 0.3, 0.3])).toBeCloseTo(0.25, 15);
  });

  it('returns 0 without positives and 1 without negatives (sklearn 1.2)', () => {
    expect(averagePrecision([0, 0, 0], [0.1, 0.5, 0.2])).toBe(0);
    expect(averagePrecision([1, 1], [0.1, 0.5])).toBe(1);
  });

  it('equals the threshold-by-threshold definition', () => {
    fc.assert(
      fc.property(labelled(1, 40), ({ y, s }) => {
        fc.pre(y.includes(1));
        expect(averagePrecision(y, s)).toBeCloseTo(bruteAp(y, s), 12);
      }),
      FC,
    );
  });

  it('with integer weights equals the unweighted metric on repeated rows', () => {
    fc.assert(
      fc.property(
        labelled(1, 30),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 30 }),
        ({ y, s }, w) => {
          const weights = w.slice(0, y.length);
          const ry: number[] = [];
          const rs: number[] = [];
          y.forEach((v, i) => {
            for (let r = 0; r < weights[i]!; r++) {
              ry.push(v);
              rs.push(s[i]!);
            }
          });
          fc.pre(ry.includes(1) && ry.includes(0));
          expect(averagePrecision(y, s, { sampleWeight: weights })).toBeCloseTo(averagePrecision(ry, rs), 12);
          expect(rocAuc(y, s, { sampleWeight: weights })).toBeCloseTo(rocAuc(ry, rs), 12);
          expect(brierScore(y, s, { sampleWeight: weights })).toBeCloseTo(brierScore(ry, rs), 12);
          expect(logLoss(y, s, { sampleWeight: weights })).toBeCloseTo(logLoss(ry, rs), 12);
        },
      ),
      FC,
    );
  });

  it('accepts number[], Float32Array and Float64Array alike and never mutates them', () => {
    const y = [0, 1, 1, 0, 1, 0, 0];
    const s = [0.25, 0.5, 0.75, 0.5, 0.125, 0.875, 0.5];
    const sCopy = [...s];
    const ap = averagePrecision(y, s);
    expect(averagePrecision(Uint8Array.from(y), Float32Array.from(s))).toBe(ap);
    expect(averagePrecision(Float64Array.from(y), Float64Array.from(s))).toBe(ap);
    // Options may be forwarded as explicit undefined (exactOptionalPropertyTypes callers).
    expect(averagePrecision(y, s, { sampleWeight: undefined })).toBe(ap);
    expect(precisionAt(y, s, { k: undefined, fraction: 0.5 })).toBe(precisionAt(y, s, { k: 4 }));
    const w = Float64Array.from([1, 2, 1, 1, 3, 1, 1]);
    averagePrecision(y, s, { sampleWeight: w });
    expect(s).toEqual(sCopy);
    expect(Array.from(w)).toEqual([1, 2, 1, 1, 3, 1, 1]);
  });

  it('treats -0 and +0 as one threshold', () => {
    expect(averagePrecision([1, 0], [-0, 0])).toBe(0.5);
    expect(averagePrecision([1, 0], [-0, 0], { sampleWeight: [1, 1] })).toBe(0.5);
    expect(rocAuc([1, 0], [0, -0])).toBe(0.5);
  });
});

describe('rocAuc', () => {
  it('matches hand-computed Mann-Whitney values with half credit for ties', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    // Positives 0.5 and 0.2 against negatives 0.9 and 0.5: only the 0.5/0.5 pair scores, half.
    expect(rocAuc([1, 0, 1, 0], [0.5, 0.5, 0.2, 0.9])).toBe(0.125);
    expect(rocAuc([1, 0, 1, 0], [0.7, 0.7, 0.7, 0.7])).toBe(0.5);
    // Weighted: pairs (0.8, 0.4) w=2, (0.8, 0.1) w=1, (0.35, 0.1) w=1, (0.35, 0.4) w=0 -> 4/6.
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], { sampleWeight: [1, 2, 1, 1] })).toBeCloseTo(
      4 / 6,
      15,
    );
  });

  it('equals the O(n^2) pair count, weighted or not, and flips under score negation', () => {
    fc.assert(
      fc.property(
        labelled(2, 40),
        fc.array(fc.double({ min: 0.5, max: 4, noNaN: true }), { minLength: 40 }),
        ({ y, s }, w) => {
          fc.pre(y.includes(1) && y.includes(0));
          const weights = w.slice(0, y.length);
          expect(rocAuc(y, s)).toBeCloseTo(bruteAuc(y, s), 12);
          expect(rocAuc(y, s, { sampleWeight: weights })).toBeCloseTo(bruteAuc(y, s, weights), 12);
          expect(
            rocAuc(
              y,
              s.map((v) => -v),
            ),
          ).toBeCloseTo(1 - rocAuc(y, s), 12);
        },
      ),
      FC,
    );
  });

  it('throws when only one class is present, as sklearn does', () => {
    expect(() => rocAuc([0, 0, 0], [0.1, 0.2, 0.3])).toThrowErrorMatchingInlineSnapshot(
      `[DataError: labels must contain both classes 0 and 1 (with positive weight) for rocAuc, found only 0]`,
    );
    expect(() => rocAuc([1, 1], [0.1, 0.2])).toThrow(DataError);
    expect(() => rocAuc([1, 0], [0.1, 0.2], { sampleWeight: [1, 0] })).toThrow(DataError);
  });
});

describe('precisionAt and liftAt', () => {
  const y = [1, 0, 1, 0, 1, 0];
  const s = [0.9, 0.8, 0.8, 0.8, 0.1, 0.1];

  it('average the tie group at the k-th score (hand-computed)', () => {
    expect(precisionAt(y, s, { k: 1 })).toBe(1);
    // 0.9(+) and one of the three 0.8 rows, which hold one positive: (1 + 1/3) / 2.
    expect(precisionAt(y, s, { k: 2 })).toBeCloseTo(2 / 3, 15);
    expect(precisionAt(y, s, { k: 4 })).toBe(0.5);
    // Four rows above, one of the two 0.1 rows (one positive): (2 + 1/2) / 5.
    expect(precisionAt(y, s, { k: 5 })).toBeCloseTo(0.5, 15);
    // fraction 0.5 of 6 rows -> k = 3: (1 + 2/3) / 3.
    expect(precisionAt(y, s, { fraction: 0.5 })).toBeCloseTo(5 / 9, 15);
    expect(liftAt(y, s, { fraction: 0.5 })).toBeCloseTo(5 / 9 / 0.5, 15);
    // Default fraction 0.1 of 6 rows rounds to k = 1.
    expect(precisionAt(y, s)).toBe(1);
    expect(liftAt(y, s)).toBe(2);
  });

  it('rounds fraction * n half up, with at least one row', () => {
    const yy = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const ss = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0];
    expect(precisionAt(yy, ss, { fraction: 0.25 })).toBeCloseTo(1 / 3, 15); // 2.5 -> 3
    expect(precisionAt(yy, ss, { fraction: 0.01 })).toBe(1); // 0.1 -> 1
    expect(precisionAt(yy, ss, { fraction: 1 })).toBeCloseTo(0.1, 15);
  });

  it('give a constant scorer the base rate at every k', () => {
    const yy = [0, 1, 0, 0, 1, 0, 0, 0];
    const ss = new Float64Array(8).fill(0.42);
    for (let k = 1; k <= 8; k++) expect(precisionAt(yy, ss, { k })).toBeCloseTo(0.25, 15);
    expect(liftAt(yy, ss, { fraction: 0.3 })).toBeCloseTo(1, 15);
  });

  it('equal the expectation over every ordering of tied rows', () => {
    fc.assert(
      fc.property(labelled(1, 6), fc.integer({ min: 1, max: 6 }), ({ y: yy, s: ss }, k) => {
        fc.pre(k <= yy.length);
        expect(precisionAt(yy, ss, { k })).toBeCloseTo(bruteExpectedPrecision(yy, ss, k), 12);
      }),
      { ...FC, numRuns: 60 },
    );
  });

  it('find the k-th score by selection exactly as a full sort would, on long tied inputs', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: -20, max: 20 })), {
          minLength: 1,
          maxLength: 300,
        }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (rows, f) => {
          const yy = rows.map((r) => r[0]);
          const ss = rows.map((r) => r[1]);
          const k = Math.max(1, Math.ceil(f * yy.length));
          const t = [...ss].sort((a, b) => b - a)[k - 1]!;
          let above = 0;
          let posAbove = 0;
          let tied = 0;
          let posTied = 0;
          yy.forEach((v, i) => {
            if (ss[i]! > t) {
              above++;
              posAbove += v;
            } else if (ss[i] === t) {
              tied++;
              posTied += v;
            }
          });
          expect(precisionAt(yy, ss, { k })).toBeCloseTo((posAbove + ((k - above) * posTied) / tied) / k, 12);
        },
      ),
      FC,
    );
  });

  it('handle presorted and reversed inputs (the selection worst cases) exactly', () => {
    const n = 100_000;
    const asc = Float64Array.from({ length: n }, (_, i) => i / n);
    const top = Uint8Array.from({ length: n }, (_, i) => (i >= 0.9 * n ? 1 : 0));
    expect(precisionAt(top, asc, { k: n / 10 })).toBe(1);
    expect(precisionAt(top, asc, { k: n / 5 })).toBe(0.5);
    expect(liftAt(top.slice().reverse(), asc.slice().reverse(), { fraction: 0.1 })).toBe(10);
  });

  it('return 0 (precision) and NaN (lift) without positives', () => {
    expect(precisionAt([0, 0, 0], [0.1, 0.2, 0.3], { k: 2 })).toBe(0);
    expect(liftAt([0, 0, 0], [0.1, 0.2, 0.3])).toBeNaN();
  });

  it('validate k and fraction', () => {
    expect(() => precisionAt(y, s, { k: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: k must be an integer in [1, 6], found 0]`,
    );
    expect(() => precisionAt(y, s, { k: 7 })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: k must be an integer in [1, 6], found 7]`,
    );
    expect(() => precisionAt(y, s, { k: 2.5 })).toThrow(InvalidArgumentError);
    expect(() => precisionAt(y, s, { k: 2, fraction: 0.1 })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: fraction must be undefined when k is given, found 0.1]`,
    );
    expect(() => liftAt(y, s, { fraction: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: fraction must be a number in (0, 1], found 0]`,
    );
    expect(() => liftAt(y, s, { fraction: 1.5 })).toThrow(InvalidArgumentError);
  });
});

describe('brierScore and logLoss', () => {
  it('match hand-computed values', () => {
    expect(brierScore([0, 1], [0.2, 0.6])).toBeCloseTo((0.04 + 0.16) / 2, 15);
    expect(brierScore([0, 1], [0.2, 0.6], { sampleWeight: [3, 1] })).toBeCloseTo((3 * 0.04 + 0.16) / 4, 15);
    expect(brierScore([0, 0], [0, 0])).toBe(0);
    expect(logLoss([0, 1], [0.2, 0.6])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 15);
    expect(logLoss([0, 1], [0.2, 0.6], { sampleWeight: [3, 1] })).toBeCloseTo(
      -(3 * Math.log(0.8) + Math.log(0.6)) / 4,
      15,
    );
  });

  it('clip at the input type epsilon like sklearn 1.2 (eps="auto")', () => {
    expect(logLoss([1], [0])).toBeCloseTo(52 * Math.LN2, 12);
    expect(logLoss([1], Float32Array.of(0))).toBeCloseTo(23 * Math.LN2, 12);
    expect(logLoss([0], [1], { eps: 1e-3 })).toBeCloseTo(-Math.log(1e-3), 12);
    expect(() => logLoss([0], [1], { eps: 0.7 })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: eps must be 'auto' or a number in [0, 0.5), found 0.7]`,
    );
  });
});

describe('calibrationCurve and expectedCalibrationError', () => {
  it('bin right-closed, drop empty bins and report counts (hand-computed)', () => {
    const curve = calibrationCurve([0, 1, 1, 0, 1], [0.1, 0.5, 0.55, 0.3, 0.9], { nBins: 4 });
    // Edges 0, .25, .5, .75, 1: {0.1}, {0.3, 0.5}, {0.55}, {0.9}; 0.5 sits on an edge and goes left.
    expect(curve.bins).toEqual([0, 1, 2, 3]);
    expect(curve.counts).toEqual([1, 2, 1, 1]);
    expect(curve.probTrue).toEqual([0, 0.5, 1, 1]);
    expect(curve.probPred[1]).toBeCloseTo(0.4, 15);
    const sparse = calibrationCurve([0, 1, 1], [0.05, 0.06, 0.95], { nBins: 10 });
    expect(sparse.bins).toEqual([0, 9]);
    expect(sparse.counts).toEqual([2, 1]);
    expect(sparse.probTrue).toEqual([0.5, 1]);
  });

  it('collapse quantile bins on tied scores', () => {
    const curve = calibrationCurve([0, 1, 0, 1, 1], [0.2, 0.2, 0.2, 0.2, 0.8], {
      nBins: 4,
      strategy: 'quantile',
    });
    // Quantile edges 0.2, 0.2, 0.2, 0.2, 0.8: every 0.2 lands in bin 0, 0.8 in the last bin.
    expect(curve.edges).toEqual([0.2, 0.2, 0.2, 0.2, 0.8]);
    expect(curve.bins).toEqual([0, 3]);
    expect(curve.counts).toEqual([4, 1]);
  });

  it('compute ECE as the count-weighted gap per bin', () => {
    // Bins [0, .5]: {0.2 -> 0}, (.5, 1]: {0.6 -> 1, 0.9 -> 1}: 1/3 * 0.2 + 2/3 * |1 - 0.75|.
    expect(expectedCalibrationError([0, 1, 1], [0.2, 0.6, 0.9], { nBins: 2 })).toBeCloseTo(0.7 / 3, 15);
    expect(expectedCalibrationError([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])).toBe(0);
  });

  it('validate options', () => {
    expect(() => calibrationCurve([0], [0.5], { nBins: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: nBins must be an integer >= 1, found 0]`,
    );
    expect(() =>
      calibrationCurve([0], [0.5], { strategy: 'kmeans' as 'uniform' }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: strategy must be 'uniform' or 'quantile', found "kmeans"]`,
    );
  });
});

describe('psi', () => {
  it('matches a hand-computed two-bin case', () => {
    // Edges 1, 2.5, 4: expected shares (.5, .5), actual (.75, .25) -> .25 ln 1.5 - .25 ln .5 = .25 ln 3.
    expect(psi([1, 2, 3, 4], [1, 1, 1, 4], { nBins: 2 })).toBeCloseTo(0.25 * Math.log(3), 15);
    expect(psi([1, 2, 3, 4], [4, 3, 2, 1], { nBins: 2 })).toBe(0);
  });

  it('substitutes epsilon for an empty bin and sends out-of-range values to the end bins', () => {
    const t = psiTable([1, 2, 3, 4], [-10, 0, 1, 2], { nBins: 2, epsilon: 0.01 });
    expect(t.edges).toEqual([1, 2.5, 4]);
    expect(t.expectedShare).toEqual([0.5, 0.5]);
    expect(t.actualShare).toEqual([1, 0]);
    expect(t.contributions[1]).toBeCloseTo((0.01 - 0.5) * Math.log(0.01 / 0.5), 15);
    expect(t.psi).toBeCloseTo(0.5 * Math.log(2) + (0.01 - 0.5) * Math.log(0.02), 15);
  });

  it('validates its inputs', () => {
    expect(() => psi([1, Number.NaN], [1])).toThrowErrorMatchingInlineSnapshot(
      `[DataError: expected[1] must be finite, found NaN]`,
    );
    expect(() => psi([1, 2], [])).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: actual must not be empty, found length 0]`,
    );
    expect(() => psi([1, 2], [1], { epsilon: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: epsilon must be a number in (0, 1), found 0]`,
    );
  });
});

describe('input validation', () => {
  it('names the parameter and quotes the value', () => {
    expect(() => averagePrecision([0, 1], [0.1])).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: scores must have the same length as labels (2), found 1]`,
    );
    expect(() => averagePrecision([], [])).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: labels must not be empty, found length 0]`,
    );
    expect(() => averagePrecision([0, 1, 2], [0.1, 0.2, 0.3])).toThrowErrorMatchingInlineSnapshot(
      `[DataError: labels[2] must be 0 or 1, found 2]`,
    );
    expect(() => rocAuc([0, 1, 0, 1], [0.1, 0.2, 0.3, Number.NaN])).toThrowErrorMatchingInlineSnapshot(
      `[DataError: scores[3] must be finite, found NaN]`,
    );
    expect(() => precisionAt([0, 1], [Number.POSITIVE_INFINITY, 0.2])).toThrowErrorMatchingInlineSnapshot(
      `[DataError: scores[0] must be finite, found Infinity]`,
    );
    // A misspelt option fails instead of silently computing the unweighted value.
    expect(() => averagePrecision([0, 1], [0.2, 0.1], { sampleWeights: [0, 1] } as never)).toThrow(
      /^options\.sampleWeights is not a known option/,
    );
    expect(() => precisionAt([0, 1], [0.2, 0.1], { fration: 0.5 } as never)).toThrow(/^options\.fration/);
    // A string that looks like a number is quoted, so the message shows it is a string.
    expect(() =>
      averagePrecision([1, 0], ['0.3', '0.2'] as unknown as number[]),
    ).toThrowErrorMatchingInlineSnapshot(`[DataError: scores[0] must be finite, found "0.3"]`);
    expect(() => brierScore([0, 1], [0.5, 1.2])).toThrowErrorMatchingInlineSnapshot(
      `[DataError: scores[1] must be a probability in [0, 1], found 1.2]`,
    );
    expect(() => logLoss([0, 1], [-0.1, 0.5])).toThrow(DataError);
    expect(() =>
      averagePrecision([0, 1], [0.1, 0.2], { sampleWeight: [1, -1] }),
    ).toThrowErrorMatchingInlineSnapshot(`[DataError: sampleWeight[1] must be finite and >= 0, found -1]`);
    expect(() => rocAuc([0, 1], [0.1, 0.2], { sampleWeight: [0, 0] })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: sampleWeight must have a positive sum, found 0]`,
    );
    expect(() => brierScore([0, 1], [0.1, 0.2], { sampleWeight: [1] })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: sampleWeight must have the same length as labels (2), found 1]`,
    );
  });

  it('uses DataError for bad values and InvalidArgumentError for shapes and options', () => {
    expect(() => averagePrecision([0, 1], [0.1, Number.NaN])).toThrow(DataError);
    expect(() => averagePrecision([0, 1], [0.1])).toThrow(InvalidArgumentError);
  });
});

describe('module surface', () => {
  it('exports exactly the documented functions', () => {
    expect(Object.keys(metrics).sort()).toMatchInlineSnapshot(`
      [
        "averagePrecision",
        "brierScore",
        "calibrationCurve",
        "expectedCalibrationError",
        "liftAt",
        "logLoss",
        "precisionAt",
        "psi",
        "psiTable",
        "rocAuc",
      ]
    `);
  });

  it('imports nothing outside metrics except ../errors and ../internal/assert (so the subpath stays dependency-free)', () => {
    const dir = new URL('../src/metrics/', import.meta.url);
    const specifiers = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) =>
        [...readFileSync(new URL(f, dir), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]!),
      );
    expect(specifiers.length).toBeGreaterThan(10);
    expect(
      specifiers.filter(
        (s) => !s.startsWith('./') && s !== '../errors/index.js' && s !== '../internal/assert.js',
      ),
    ).toEqual([]);
  });
});

describe('internal ordering helpers', () => {
  it('selectInPlace puts every requested order statistic where a full sort would', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -30, max: 30 }), { minLength: 1, maxLength: 400 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 12 }),
        (values, qs) => {
          const sorted = Float64Array.from(values).sort();
          const positions = [...new Set(qs.map((q) => Math.floor(q * (values.length - 1))))].sort(
            (a, b) => a - b,
          );
          const a = Float64Array.from(values);
          selectInPlace(a, positions);
          for (const p of positions) expect(a[p]).toBe(sorted[p]);
          expect(Float64Array.from(a).sort()).toEqual(sorted);
        },
      ),
      FC,
    );
  });

  it('argsortAscending (the weighted path) orders like a comparator sort, stably, negatives included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 300 }),
        (values) => {
          const expected = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]! || i - j);
          expect(Array.from(argsortAscending(Float64Array.from(values)))).toEqual(expected);
        },
      ),
      FC,
    );
  });
});
