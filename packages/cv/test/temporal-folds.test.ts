import { readFoldList } from '@leadscore/core';
import { describe, expect, it } from 'vitest';
import { FoldError, foldSummary, temporalFolds } from '../src/index.js';

const DAY = 86_400_000;
/** One row per day of 2024 (a leap year, 366 days), at noon UTC. */
const daily = Array.from({ length: 366 }, (_, i) => Date.UTC(2024, 0, 1, 12) + i * DAY);

describe('temporalFolds boundaries (hand-computed)', () => {
  it('cuts 2024 into five 56-day test blocks after a 30-day gap', () => {
    // testDays = floor((366 - 30) / 6) = 56; the last block ends 2025-01-01 (exclusive);
    // fold 0 starts 5 * 56 = 280 days earlier: 2024-03-27; training ends 30 days before: 2024-02-26 (exclusive).
    const f = temporalFolds(daily);
    expect(f.options.testDays).toBe(56);
    expect(f.folds.map((x) => [x.trainStart, x.trainEnd, x.testStart, x.testEnd])).toEqual([
      ['2024-01-01', '2024-02-25', '2024-03-27', '2024-05-21'],
      ['2024-01-01', '2024-04-21', '2024-05-22', '2024-07-16'],
      ['2024-01-01', '2024-06-16', '2024-07-17', '2024-09-10'],
      ['2024-01-01', '2024-08-11', '2024-09-11', '2024-11-05'],
      ['2024-01-01', '2024-10-06', '2024-11-06', '2024-12-31'],
    ]);
    const c = f.folds[0]!.counts;
    expect([c.train, c.gap, c.test, c.purged]).toEqual([56, 30, 56, 0]);
    expect(f.folds[4]!.counts.train).toBe(56 + 4 * 56);
    expect(readFoldList(JSON.parse(JSON.stringify(f)))).toEqual(f);
  });

  it('rolls a window of the first fold training duration', () => {
    const f = temporalFolds(daily, { window: 'rolling' });
    expect(f.folds.map((x) => x.counts.train)).toEqual([56, 56, 56, 56, 56]);
    expect(f.folds[1]!.trainStart).toBe('2024-02-26');
  });

  it('purges rows whose label window reaches the test block when the horizon exceeds the gap', () => {
    // horizon 45 > gap 30: rows on 2024-02-11 .. 2024-02-25 (t + 45 days >= 2024-03-27 noon) are purged
    const f = temporalFolds(daily, { labelHorizonDays: 45 });
    const c = f.folds[0]!.counts;
    expect([c.train, c.gap, c.purged]).toEqual([41, 30, 15]);
  });

  it('keeps a holdout block out of every fold', () => {
    const f = temporalFolds(daily, { holdoutDays: 66 });
    // cv span 300 days: testDays = floor(270 / 6) = 45; holdout [2024-10-27, 2025-01-01)
    expect(f.holdout?.testStart).toBe('2024-10-27');
    expect(f.holdout?.counts.test).toBe(66);
    expect(f.holdout?.counts.train).toBe(300 - 30);
    const cutoff = Date.UTC(2024, 9, 27);
    for (const fold of f.folds)
      for (const i of [...fold.train, ...fold.test]) expect(daily[i]!).toBeLessThan(cutoff);
  });

  it('sorts internally: a shuffled input gives the same folds in input indices', () => {
    const perm = daily.map((_, i) => (i * 97) % 366);
    const shuffled = perm.map((i) => daily[i]!);
    const a = temporalFolds(daily).folds[2]!;
    const b = temporalFolds(shuffled).folds[2]!;
    expect(b.test.map((i) => perm[i]!).sort((x, y) => x - y)).toEqual(a.test);
  });

  it('accepts Dates', () => {
    expect(temporalFolds(daily.map((t) => new Date(t))).folds).toEqual(temporalFolds(daily).folds);
  });

  it('prints a summary table', () => {
    const lines = foldSummary(temporalFolds(daily, { holdoutDays: 66 })).split('\n');
    expect(lines).toHaveLength(7);
    expect(lines[1]).toMatch(/^0 +2024-01-01 +2024-\d\d-\d\d/);
    expect(lines[6]).toMatch(/^holdout/);
  });
});

describe('temporalFolds errors', () => {
  it('refuses an invalid time naming its index', () => {
    expect(() => temporalFolds([1, Number.NaN, 3])).toThrowErrorMatchingInlineSnapshot(
      `[DataError: times[1] must be a valid time (epoch ms or Date), found NaN]`,
    );
  });

  it('names the fold whose test block has no positives', () => {
    const labels = daily.map((_, i) => (i < 200 ? i % 2 : 0));
    const err = (() => {
      try {
        temporalFolds(daily, { labels });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(FoldError);
    expect((err as FoldError).fold).toBe(3);
    expect((err as Error).message).toMatchInlineSnapshot(
      `"fold 3: test block [2024-09-11, 2024-11-06) has 0 positives, needs minPositives = 1"`,
    );
  });

  it('refuses a span too short for the folds', () => {
    expect(() => temporalFolds(daily.slice(0, 35))).toThrow(/spans 35 days, too short for 5 test blocks/);
  });

  it('names a bad option and quotes it', () => {
    expect(() => temporalFolds(daily, { nFolds: 0 })).toThrow(/options.nFolds.*found 0/);
    expect(() => temporalFolds(daily, { labels: [1, 0] })).toThrow(
      /options.labels must have one entry per row \(366\), found 2/,
    );
  });
});
