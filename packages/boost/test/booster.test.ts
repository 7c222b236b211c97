import { fromRows, type Matrix } from '@leadscore/core/matrix';
import { createRng } from '@leadscore/core/rng';
import { beforeAll, describe, expect, it } from 'vitest';
import { Booster } from '../src/booster.js';
import { train } from '../src/train/train.js';

function data(n: number, seed: number): { m: Matrix; y: number[] } {
  const rng = createRng(seed);
  const x = new Float32Array(n * 4);
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 4; j++) x[4 * i + j] = rng.next() < 0.1 ? Number.NaN : rng.normal();
    const a = Number.isNaN(x[4 * i]!) ? 0 : x[4 * i]!;
    const b = Number.isNaN(x[4 * i + 1]!) ? 1 : x[4 * i + 1]!;
    y.push(rng.next() < 1 / (1 + Math.exp(-(a * 1.5 - b + 0.5 * a * b))) ? 1 : 0);
  }
  return { m: fromRows(x, n, { names: ['a', 'b', 'c', 'd'] }), y };
}

describe('Booster', () => {
  const tr = data(1500, 1);
  const te = data(300, 2);
  let booster: Booster;
  beforeAll(async () => {
    booster = await train(tr.m, tr.y, { numRounds: 25, maxDepth: 4, learningRate: 0.2 });
  });

  it('exposes the plain model, tree count, best iteration and training log', () => {
    expect(booster.numTrees).toBe(25);
    expect(booster.bestIteration).toBe(24);
    expect(booster.numFeature).toBe(4);
    expect(booster.model.featureNames).toEqual(['a', 'b', 'c', 'd']);
    expect(booster.trainingLog!.binMapper.numFeature).toBe(4);
    expect(booster.trainingLog!.evalMetric).toBeNull();
    // a model is plain data: a JSON round trip of its numbers loses nothing
    expect(JSON.parse(JSON.stringify(booster.model.params))).toEqual(booster.model.params);
  });

  it('TreeSHAP contributions (bias last) sum to the margin on every row', () => {
    const phi = booster.predictContributions(te.m);
    const margin = booster.predictMargin(te.m);
    expect(phi.length).toBe(300 * 5);
    for (let i = 0; i < 300; i++) {
      let s = 0;
      for (let j = 0; j < 5; j++) s += phi[i * 5 + j]!;
      expect(Math.abs(s - margin[i]!)).toBeLessThan(1e-5);
    }
    // feature d carries no signal: its mean |phi| is far below a's
    let a = 0;
    let d = 0;
    for (let i = 0; i < 300; i++) {
      a += Math.abs(phi[i * 5]!);
      d += Math.abs(phi[i * 5 + 3]!);
    }
    expect(d).toBeLessThan(a / 3);
  });

  it('importance counts and sums what the trees hold', () => {
    const weight = booster.featureImportance('weight');
    const totalGain = booster.featureImportance('total_gain');
    const counts: Record<string, number> = {};
    const gains: Record<string, number> = {};
    for (const t of booster.model.trees) {
      for (let n = 0; n < t.numNodes; n++) {
        if (t.left[n]! < 0) continue;
        const name = booster.model.featureNames[t.splitFeature[n]!]!;
        counts[name] = (counts[name] ?? 0) + 1;
        gains[name] = (gains[name] ?? 0) + t.lossChange[n]!;
      }
    }
    expect(weight).toEqual(counts);
    for (const [k, v] of Object.entries(gains)) expect(totalGain[k]).toBeCloseTo(v, 2);
    expect(booster.featureImportance('gain').a).toBeGreaterThan(booster.featureImportance('gain').d ?? 0);
  });

  it('round-trips through XGBoost JSON and LightGBM text with the same predictions', () => {
    const fromJson = Booster.fromXGBoostJSON(booster.toXGBoostJSON());
    expect(Array.from(fromJson.predictMargin(te.m))).toEqual(Array.from(booster.predictMargin(te.m)));
    expect(fromJson.toXGBoostJSON()).toBe(booster.toXGBoostJSON());
    const fromText = Booster.fromLightGBMText(booster.toLightGBMText());
    const a = fromText.predictMargin(te.m);
    const b = booster.predictMargin(te.m);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-5);
  });

  it('slices keep the base margin and the trees in range', () => {
    const first = booster.slice(0, 10);
    expect(first.numTrees).toBe(10);
    expect(first.bestIteration).toBe(9);
    expect(Array.from(first.predict(te.m))).toEqual(
      Array.from(booster.predict(te.m, { iterationRange: [0, 10] })),
    );
    expect(() => booster.slice(5, 2)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: end must be an integer in [5, 25], found 2]`,
    );
  });
});
