import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { combinatorialPurgedFolds, stratifiedFolds, temporalFolds } from '../src/index.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2023, 0, 1);
const RUNS = { seed: 20261202, numRuns: 60 };

/** Rows at random times over ~2 years, random groups (entities that recur) and labels, in random order. */
const dataset = fc
  .integer({ min: 40, max: 400 })
  .chain((n) =>
    fc.record({
      times: fc.array(fc.integer({ min: 0, max: 730 * DAY - 1 }), { minLength: n, maxLength: n }),
      groups: fc.array(fc.integer({ min: 0, max: Math.max(2, n >> 2) }), { minLength: n, maxLength: n }),
      labels: fc.array(fc.constantFrom(0, 0, 0, 1), { minLength: n, maxLength: n }),
    }),
  )
  .map((d) => ({ ...d, times: d.times.map((t) => T0 + t) }));

const options = fc.record({
  nFolds: fc.integer({ min: 1, max: 6 }),
  gapDays: fc.integer({ min: 0, max: 45 }),
  labelHorizonDays: fc.integer({ min: 0, max: 90 }),
  window: fc.constantFrom('expanding' as const, 'rolling' as const),
  holdoutDays: fc.constantFrom(0, 0, 60),
});

function tryFolds<T>(f: () => T): T | null {
  try {
    return f();
  } catch (e) {
    if ((e as { code?: string }).code === 'INVALID_DATA') return null;
    throw e;
  }
}

function firstAtLeast(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const dayStart = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

describe('temporalFolds invariants (fast-check, seeded)', () => {
  it('train and test never overlap; every test row is after train end + gap; test blocks are disjoint', () => {
    fc.assert(
      fc.property(dataset, options, (d, o) => {
        const f = tryFolds(() => temporalFolds(d.times, { ...o, minPositives: 0, labels: d.labels }));
        if (f === null) return;
        const seen = new Set<number>();
        for (const fold of [...f.folds, ...(f.holdout ? [f.holdout] : [])]) {
          const test = new Set(fold.test);
          expect(fold.train.some((i) => test.has(i))).toBe(false);
          const testStart = dayStart(fold.testStart!);
          const testEnd = dayStart(fold.testEnd!) + DAY;
          for (const i of fold.test) {
            expect(d.times[i]!).toBeGreaterThanOrEqual(testStart);
            expect(d.times[i]!).toBeLessThan(testEnd);
            expect(seen.has(i)).toBe(false);
            seen.add(i);
          }
          const trainEnd = Math.max(...fold.train.map((i) => d.times[i]!));
          expect(trainEnd).toBeLessThan(testStart - o.gapDays * DAY);
          expect(Math.min(...fold.test.map((i) => d.times[i]!))).toBeGreaterThanOrEqual(
            trainEnd + o.gapDays * DAY,
          );
          const sorted = [...fold.train].sort((a, b) => a - b);
          expect(fold.train).toEqual(sorted);
        }
      }),
      RUNS,
    );
  });

  it('purged rows are exactly those outside the gap whose label window reaches the test block', () => {
    fc.assert(
      fc.property(dataset, options, (d, o) => {
        const f = tryFolds(() =>
          temporalFolds(d.times, { ...o, window: 'expanding', minPositives: 0, labels: d.labels }),
        );
        if (f === null) return;
        for (const fold of f.folds) {
          const s = dayStart(fold.testStart!);
          const gapStart = s - o.gapDays * DAY;
          const expectedTrain: number[] = [];
          let gap = 0;
          let purged = 0;
          d.times.forEach((t, i) => {
            if (t >= s) return;
            if (t >= gapStart) gap++;
            else if (t + o.labelHorizonDays * DAY >= s) purged++;
            else expectedTrain.push(i);
          });
          expect(fold.train).toEqual(expectedTrain);
          expect([fold.counts.gap, fold.counts.purged]).toEqual([gap, purged]);
        }
      }),
      RUNS,
    );
  });

  it('no entity of a test block trains that fold, and the excluded rows are counted', () => {
    fc.assert(
      fc.property(dataset, options, (d, o) => {
        const f = tryFolds(() => temporalFolds(d.times, { ...o, groups: d.groups, minPositives: 0 }));
        const without = tryFolds(() => temporalFolds(d.times, { ...o, minPositives: 0 }));
        if (f === null || without === null) return;
        f.folds.forEach((fold, k) => {
          const inTest = new Set(fold.test.map((i) => d.groups[i]!));
          expect(fold.train.some((i) => inTest.has(d.groups[i]!))).toBe(false);
          const base = without.folds[k]!;
          expect(fold.counts.train + fold.counts.groupExcluded).toBe(base.counts.train);
          expect(base.train.filter((i) => !inTest.has(d.groups[i]!))).toEqual(fold.train);
        });
      }),
      RUNS,
    );
  });
});

describe('combinatorialPurgedFolds invariants', () => {
  it('every split purges, embargoes and excludes groups around each of its test blocks', () => {
    fc.assert(
      fc.property(
        dataset,
        fc.integer({ min: 3, max: 6 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 20 }),
        (d, nBlocks, horizon, embargo) => {
          const f = tryFolds(() =>
            combinatorialPurgedFolds(d.times, {
              nBlocks,
              nTestBlocks: 2,
              labelHorizonDays: horizon,
              embargoDays: embargo,
              groups: d.groups,
              minPositives: 0,
            }),
          );
          if (f === null) return;
          expect(f.folds).toHaveLength((nBlocks * (nBlocks - 1)) / 2);
          for (const fold of f.folds) {
            const test = new Set(fold.test);
            const groups = new Set(fold.test.map((i) => d.groups[i]!));
            const testTimes = fold.test.map((i) => d.times[i]!).sort((a, b) => a - b);
            for (const i of fold.train) {
              expect(test.has(i)).toBe(false);
              expect(groups.has(d.groups[i]!)).toBe(false);
              const t = d.times[i]!;
              // no test row lies inside this row's label window, nor within the embargo before it
              const k = firstAtLeast(testTimes, t);
              if (k < testTimes.length) expect(testTimes[k]!).toBeGreaterThan(t + horizon * DAY);
              if (k > 0 && embargo > 0) expect(t).toBeGreaterThanOrEqual(testTimes[k - 1]! + embargo * DAY);
            }
            const c = fold.counts;
            expect(c.train + c.test + c.gap + c.purged + c.embargoed + c.groupExcluded).toBe(d.times.length);
          }
        },
      ),
      { ...RUNS, numRuns: 30 },
    );
  });
});

describe('stratifiedFolds', () => {
  it('partitions the rows, keeps the base rate and is deterministic in the seed', () => {
    fc.assert(
      fc.property(dataset, fc.integer({ min: 2, max: 8 }), fc.integer(), (d, nFolds, seed) => {
        const a = stratifiedFolds(d.labels, { nFolds, seed });
        expect(stratifiedFolds(d.labels, { nFolds, seed })).toEqual(a);
        const all = a.folds.flatMap((f) => f.test).sort((x, y) => x - y);
        expect(all).toEqual(d.labels.map((_, i) => i));
        const pos = a.folds.map((f) => f.counts.testPositives);
        expect(Math.max(...pos) - Math.min(...pos)).toBeLessThanOrEqual(1);
      }),
      RUNS,
    );
  });

  it('a different seed gives different folds', () => {
    const labels = Array.from({ length: 200 }, (_, i) => (i % 5 === 0 ? 1 : 0));
    expect(stratifiedFolds(labels, { seed: 1 }).folds[0]!.test).not.toEqual(
      stratifiedFolds(labels, { seed: 2 }).folds[0]!.test,
    );
  });
});
