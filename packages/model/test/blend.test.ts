import { averagePrecision } from '@leadscore/core/metrics';
import { describe, expect, it } from 'vitest';
import { blendMargins, blendRanks, fitBlend, percentileRanks } from '../src/index.js';

describe('fitBlend', () => {
  const labels = [0, 0, 1, 1, 0, 1, 0, 0];
  // member a ranks perfectly; member b is noise
  const a = [-2, -1.5, 1, 2, -1, 1.5, -3, -0.5];
  const b = [1, -1, -1, 1, 2, -2, 0.5, 0];
  it('puts all weight on the perfect ranker when maximising average precision', () => {
    const blend = fitBlend([b, a], labels, { objective: 'averagePrecision' });
    expect(averagePrecision(labels, a)).toBe(1);
    expect(blend.objectiveValue).toBe(1);
    // ties at AP 1 keep the first grid point with AP 1, which has the least weight on a
    expect(blend.weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
    expect(averagePrecision(labels, blendMargins([b, a], blend.weights))).toBe(1);
  });
  it('minimises log loss on the simplex', () => {
    const blend = fitBlend([a, b], labels, { objective: 'logLoss', steps: 10 });
    expect(blend.weights).toHaveLength(2);
    expect(blend.weights[0]!).toBeGreaterThan(blend.weights[1]!);
    for (const w of [0, 0.3, 0.5, 1]) {
      const m = blendMargins([a, b], [w, 1 - w]);
      const ll =
        -m.reduce(
          (s, v, i) =>
            s + (labels[i] ? Math.log(1 / (1 + Math.exp(-v))) : Math.log(1 - 1 / (1 + Math.exp(-v)))),
          0,
        ) / labels.length;
      expect(blend.objectiveValue).toBeLessThanOrEqual(ll + 1e-12);
    }
  });
  it('rank averages with equal weights', () => {
    const blend = fitBlend([a, b], labels, { method: 'rank' });
    expect(blend).toMatchObject({ method: 'rank', weights: [0.5, 0.5], objective: 'averagePrecision' });
  });
  it('names bad options and inputs', () => {
    expect(() => fitBlend([a], labels, { steps: 0 })).toThrow(/steps/);
    expect(() => fitBlend([a, [1]], labels)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: margins[1] must have one value per label (8), found 1]`,
    );
  });
});

describe('ranks', () => {
  it('are the fraction of the reference at or below each value', () => {
    expect(Array.from(percentileRanks([1, 2, 2, 4], [0, 1, 2, 3, 5]))).toEqual([0, 0.25, 0.75, 0.75, 1]);
    expect(
      Array.from(
        blendRanks(
          [[2], [4]],
          [
            [1, 2, 3, 4],
            [1, 2, 3, 4],
          ],
          [0.5, 0.5],
        ),
      ),
    ).toEqual([0.75]);
  });
});
