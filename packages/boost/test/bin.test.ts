import { createMatrix, fromRows } from '@leadscore/core/matrix';
import { createRng } from '@leadscore/core/rng';
import { describe, expect, it } from 'vitest';
import { binMatrix, fitAndBinMatrix, fitBinMapper } from '../src/data/bin-mapper.js';

const f32 = Math.fround;
const eps = f32(1e-5);

describe('fitBinMapper: few distinct values (XGBoost: the distinct values except the minimum, plus a sentinel)', () => {
  const m = fromRows([3, Number.NaN, 1, 2, 2, 3, 1, -4, 0.1, 0.1, 0.1, 0.1], 6);
  const mapper = fitBinMapper(m);

  it('makes the cuts by hand', () => {
    // rows (3, NaN) (1, 2) (2, 3) (1, -4) (.1, .1) (.1, .1): column 0 distinct .1 1 2 3, column 1 -4 .1 2 3
    expect(Array.from(mapper.cutPtr)).toEqual([0, 4, 8]);
    // XGBoost's `cpt + (fabs(cpt) + 1e-5f)` and `mval - (fabs(mval) + 1e-5f)` run in double (C's fabs)
    // and round to float32 once
    expect(Array.from(mapper.cuts.subarray(0, 4))).toEqual([1, 2, 3, f32(3 + (3 + eps))]);
    expect(Array.from(mapper.cuts.subarray(4, 8))).toEqual([f32(0.1), 2, 3, f32(3 + (3 + eps))]);
    expect(mapper.minValues[0]).toBe(f32(f32(0.1) - (f32(0.1) + eps)));
    expect(mapper.minValues[1]).toBe(f32(-4 - (4 + eps)));
    expect(mapper.emptyFeatures).toEqual([]);
  });

  it('codes are upper_bound(cuts, x) with the missing code = number of bins, column-major', () => {
    const b = binMatrix(m, mapper);
    expect(b.codes).toBeInstanceOf(Uint8Array);
    // column 0: 3 1 2 1 .1 .1 -> bins 3 1 2 1 0 0; column 1: NaN 2 3 -4 .1 .1 -> 4 (missing) 2 3 0 1 1
    expect(Array.from(b.codes)).toEqual([3, 1, 2, 1, 0, 0, 4, 2, 3, 0, 1, 1]);
    // beyond the training range: clamped to the first/last bin
    const out = binMatrix(fromRows([-100, 100, 100, -100], 2), mapper);
    expect(Array.from(out.codes)).toEqual([0, 3, 3, 0]);
  });

  it('the fused fit-and-bin pass gives the same cuts and codes', () => {
    const fused = fitAndBinMatrix(m);
    expect(Array.from(fused.mapper.cuts)).toEqual(Array.from(mapper.cuts));
    expect(Array.from(fused.codes)).toEqual(Array.from(binMatrix(m, mapper).codes));
  });
});

describe('fitBinMapper: many distinct values', () => {
  const n = 5000;
  const rng = createRng(3);
  const x = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    x[2 * i] = rng.normal();
    x[2 * i + 1] = rng.next() < 0.2 ? Number.NaN : Math.exp(rng.normal());
  }
  const m = fromRows(x, n);

  it('keeps at most maxBin bins, strictly increasing float32 data values, near-equal counts', () => {
    for (const maxBin of [16, 64, 256]) {
      const mapper = fitBinMapper(m, { maxBin });
      const b = binMatrix(m, mapper);
      for (let f = 0; f < 2; f++) {
        const cuts = mapper.cuts.subarray(mapper.cutPtr[f]!, mapper.cutPtr[f + 1]!);
        expect(cuts.length).toBe(maxBin);
        for (let k = 1; k < cuts.length; k++) expect(cuts[k]!).toBeGreaterThan(cuts[k - 1]!);
        for (let k = 0; k < cuts.length - 1; k++) {
          let found = false;
          for (let i = 0; i < n && !found; i++) found = x[2 * i + f] === cuts[k];
          expect(found).toBe(true);
        }
        const counts = new Array(maxBin + 1).fill(0);
        for (let i = 0; i < n; i++) counts[b.codes[f * n + i]!]++;
        const nonMissing = f === 0 ? n : n - counts[maxBin];
        for (let k = 0; k < maxBin; k++) {
          expect(counts[k]).toBeGreaterThan((0.5 * nonMissing) / maxBin);
          expect(counts[k]).toBeLessThan((2 * nonMissing) / maxBin);
        }
      }
      expect(b.codes).toBeInstanceOf(maxBin === 256 ? Uint16Array : Uint8Array);
    }
  });

  it('row- and column-major input give the same mapper', () => {
    const col = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      col[i] = x[2 * i]!;
      col[n + i] = x[2 * i + 1]!;
    }
    const a = fitBinMapper(m);
    const b = fitBinMapper(
      createMatrix(
        Float32Array.from(col),
        n,
        Array.from({ length: 2 }, (_, j) => `f${j}`),
      ),
    );
    expect(Array.from(b.cuts)).toEqual(Array.from(a.cuts));
  });

  it('weights move the quantiles towards heavy rows', () => {
    const w = Array.from({ length: n }, (_, i) => (x[2 * i]! > 0 ? 9 : 1));
    const plain = fitBinMapper(m, { maxBin: 4 });
    const weighted = fitBinMapper(m, { maxBin: 4, weights: w });
    expect(weighted.cuts[1]!).toBeGreaterThan(plain.cuts[1]!);
  });
});

describe('fitBinMapper: edge cases', () => {
  it('an all-missing column gets one empty bin and is reported', () => {
    const mapper = fitBinMapper(fromRows([Number.NaN, 1, Number.NaN, 2], 2));
    expect(mapper.emptyFeatures).toEqual([0]);
    expect(mapper.cutPtr[1]).toBe(1);
    expect(Array.from(binMatrix(fromRows([Number.NaN, 1, 5, 2], 2), mapper).codes.subarray(0, 2))).toEqual([
      1, 0,
    ]);
  });

  it('-0 and +0 are one value', () => {
    const mapper = fitBinMapper(fromRows([-0, 0, 1, 0], 4));
    expect(Array.from(mapper.cuts)).toEqual([1, f32(1 + (1 + eps))]);
  });

  it('refuses bad arguments', () => {
    const m = fromRows([1, 2], 2);
    expect(() => fitBinMapper(m, { maxBin: 1 })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: maxBin must be an integer in [2, 65535], found 1]`,
    );
    expect(() => fitBinMapper(m, { weights: [1] })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: weights must have nRows = 2 entries, found 1]`,
    );
    expect(() => binMatrix(fromRows([1, 2], 1), fitBinMapper(m))).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: data must have the mapper's 1 columns, found 2]`,
    );
  });
});
