import { describe, expect, it } from 'vitest';
import { type QuantileSummary, quantileSketchKernel } from '../src/data/quantile-sketch.js';

// Expected values are worked by hand from XGBoost 1.7.4's src/common/quantile.h (WQSummary,
// WQuantileSketch); the steps are in the comments.
const k = quantileSketchKernel();

function summary(entries: [number, number, number, number][]): QuantileSummary {
  const s = k.newSummary(entries.length);
  for (const [value, rmin, rmax, wmin] of entries) {
    const i = s.size++;
    s.value[i] = value;
    s.rmin[i] = rmin;
    s.rmax[i] = rmax;
    s.wmin[i] = wmin;
  }
  return s;
}

function entries(s: QuantileSummary): [number, number, number, number][] {
  return Array.from({ length: s.size }, (_, i) => [s.value[i]!, s.rmin[i]!, s.rmax[i]!, s.wmin[i]!]);
}

/** Exact summary of 1..n, unit weights: (v, v - 1, v, 1). */
const ones = (n: number) => summary(Array.from({ length: n }, (_, i) => [i + 1, i, i + 1, 1]));

describe('WQSummary::SetPrune', () => {
  it('keeps the entries whose rank midpoints straddle k * range / n (1..10 to 4 entries: 1, 4, 7, 10)', () => {
    // begin 1, range 9 - 1 = 8, n = 3; k = 1: dx2 = 2 (8/3 + 1) = 7.33, i = 3, 7.33 < (3 + 1) + (5 - 1):
    // entry 3 (value 4); k = 2: dx2 = 12.67, i = 5, not < 6 + 6: entry 6 (value 7); then the last
    const out = k.setPrune(k.newSummary(4), ones(10), 4);
    expect(entries(out)).toEqual([
      [1, 0, 1, 1],
      [4, 3, 4, 1],
      [7, 6, 7, 1],
      [10, 9, 10, 1],
    ]);
  });

  it('copies a summary that fits, and ties at the midpoint take the upper entry (1..10 to 5: 1, 4, 6, 8, 10)', () => {
    const src = ones(10);
    expect(entries(k.setPrune(k.newSummary(10), src, 10))).toEqual(entries(src));
    // n = 4: dx2 = 6, 10, 14 equal (rmin + wmin) + (rmax' - wmin') exactly, so i + 1 is kept each time
    expect(entries(k.setPrune(k.newSummary(5), src, 5)).map((e) => e[0])).toEqual([1, 4, 6, 8, 10]);
  });
});

describe('WQSummary::SetCombine', () => {
  it('merges two summaries into the summary of the union (1,2,3 with 2,2,4)', () => {
    const a = summary([
      [1, 0, 1, 1],
      [2, 1, 2, 1],
      [3, 2, 3, 1],
    ]);
    const b = summary([
      [2, 0, 2, 2],
      [4, 2, 3, 1],
    ]);
    const out = k.newSummary(5);
    k.setCombine(out, a, b);
    // exact ranks of 1, 2, 2, 2, 3, 4: 1 in [0, 1], 2 in [1, 4] (weight 3), 3 in [4, 5], 4 in [5, 6]
    expect(entries(out)).toEqual([
      [1, 0, 1, 1],
      [2, 1, 4, 3],
      [3, 4, 5, 1],
      [4, 5, 6, 1],
    ]);
  });

  it('FixError raises rmax to rmin + wmin after the merge', () => {
    // 1 < 2: rmax 1 + (0.5 - 1) = 0.5, raised to 0 + 1; 2: rmin 0 + 1, rmax 0.5 + 1 = 1.5, raised to 2
    const out = k.newSummary(2);
    k.setCombine(out, summary([[1, 0, 1, 1]]), summary([[2, 0, 0.5, 1]]));
    expect(entries(out)).toEqual([
      [1, 0, 1, 1],
      [2, 1, 2, 1],
    ]);
  });

  it('adds ranks in float32', () => {
    const f = Math.fround;
    const out = k.newSummary(1);
    k.setCombine(out, summary([[1, 0.1, 0.3, 0.2]]), summary([[1, 0.2, 0.6, 0.4]]));
    // float32 0.3 + float32 0.6 is 0.90000004 in float32 (not float32(0.9) = 0.89999998)
    expect(entries(out)).toEqual([[1, f(f(0.1) + f(0.2)), f(f(0.3) + f(0.6)), f(f(0.2) + f(0.4))]]);
    expect(out.rmax[0]).toBe(0.9000000357627869);
  });
});

describe('WQuantileSketch', () => {
  it('LimitSizeLevel gives the levels and level size XGBoost computes for max_bin 256 (eps 1/2048)', () => {
    expect(k.limitSizeLevel(90_000, 1 / 2048)).toEqual([4, 8193]);
    expect(k.limitSizeLevel(5000, 1 / 2048)).toEqual([2, 4097]);
    expect(k.limitSizeLevel(300, 1 / 2048)).toEqual([1, 300]);
    expect(k.limitSizeLevel(10, 0.5)).toEqual([2, 5]);
  });

  it('Push merges equal values, ignores zero weights, and a summary that fits is exact', () => {
    const s = k.createSketch();
    s.init(10, 0.5, false);
    for (const [x, w] of [
      [3, 1],
      [3, 2],
      [1, 0],
      [2, 0.5],
      [3, 1],
    ] as const) {
      s.push(x, w);
    }
    expect(entries(s.getSummary())).toEqual([
      [2, 0, 0.5, 0.5],
      [3, 0.5, 4.5, 4],
    ]);
  });

  it('a full queue is summarised and pruned into level 1, then merged with the rest (1..12 -> 1, 4, 6, 10, 12)', () => {
    const s = k.createSketch();
    // limit_size 5, queue 10 after the lazy one-value queue grows at the second value
    s.init(10, 0.5, false);
    expect([s.nlevel, s.limitSize]).toEqual([2, 5]);
    for (const x of [5, 3, 9, 1, 7, 2, 10, 8, 4, 6, 11, 12]) s.push(x, 1);
    // at 11 the queue (1..10) becomes level 1 = SetPrune(1..10, 5) = 1, 4, 6, 8, 10; GetSummary combines
    // the queue's 11, 12 with it (ranks 0..12 exact) and prunes to 5: begin 1, range 10, n 4;
    // dx2 = 7 -> entry 1 (4), 12 -> entry 2 (6), 17 = 8 + 9 -> entry 4 (10), then the last (12)
    expect(entries(s.getSummary())).toEqual([
      [1, 0, 1, 1],
      [4, 3, 4, 1],
      [6, 5, 6, 1],
      [10, 9, 10, 1],
      [12, 11, 12, 1],
    ]);
  });

  it('the same values in any order give the exact summary while it fits in a level', () => {
    const s = k.createSketch();
    s.init(400, 1 / 80, true);
    const values = Array.from({ length: 400 }, (_, i) => (i * 37) % 50);
    for (const v of values) s.push(v, 1);
    const got = entries(s.getSummary());
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => [i, 8 * i, 8 * i + 8, 8]));
  });
});
