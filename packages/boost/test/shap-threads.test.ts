import { createMatrix, fromRows } from '@leadscore/core/matrix';
import { createRng } from '@leadscore/core/rng';
import { describe, expect, it } from 'vitest';
import { predictContributions } from '../src/shap/tree-shap.js';
import { train } from '../src/train/train.js';

async function trained() {
  const rng = createRng(11);
  const n = 600;
  const c = 6;
  const x = Float32Array.from({ length: n * c }, (_, k) =>
    rng.bernoulli(0.1) ? Number.NaN : k % c === 2 ? Math.round(rng.normal() * 2) : rng.normal(),
  );
  const y = Array.from({ length: n }, (_, i) => {
    const a = x[i * c]!;
    const b = x[i * c + 2]!;
    return (Number.isNaN(a) ? 1 : a) + 0.5 * (Number.isNaN(b) ? 0 : b) + rng.normal() > 0.8 ? 1 : 0;
  });
  const m = fromRows(x, n);
  const booster = await train(m, y, { numRounds: 30, maxDepth: 6, learningRate: 0.3, baseScore: 0.5 });
  return { booster, m, n, c };
}

describe('predictContributions on threads', () => {
  it('gives the one-thread values bit for bit at 2 and 3 threads, and on a copy of the matrix', async () => {
    const { booster, m, n } = await trained();
    const one = predictContributions(booster.model, m);
    expect(predictContributions(booster.model, m, { nthread: 2 })).toEqual(one);
    expect(booster.predictContributions(m, { nthread: 3 })).toEqual(one);
    // the same values in a matrix built column by column (no shared buffer with m)
    const copy = createMatrix(Float32Array.from(m.values), n, m.names);
    expect(predictContributions(booster.model, copy, { nthread: 2 })).toEqual(one);
  });

  it('rows sum to the float32 margin (additivity) within its rounding, on threads', async () => {
    const { booster, m, n, c } = await trained();
    const phi = booster.predictContributions(m, { nthread: 2 });
    const margin = booster.predictMargin(m);
    let worst = 0;
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let j = 0; j <= c; j++) s += phi[r * (c + 1) + j]!;
      worst = Math.max(worst, Math.abs(s - margin[r]!));
    }
    // 30 float32 additions of margins below 10 in size: well under 1e-4
    expect(worst).toBeLessThan(1e-4);
  });

  it('refuses a bad nthread, naming it', async () => {
    const { booster, m } = await trained();
    expect(() => predictContributions(booster.model, m, { nthread: 0 })).toThrow(/nthread/);
  });
});
