import { CancelledError, LeadscoreError } from '@leadscore/core/errors';
import { fromRows, type Matrix } from '@leadscore/core/matrix';
import { createRng } from '@leadscore/core/rng';
import { describe, expect, it } from 'vitest';
import { binMatrix, fitBinMapper } from '../src/data/bin-mapper.js';
import { train } from '../src/train/train.js';
import { createTrainingExecutor, stopIdleWorkers } from '../src/train/training-executor.js';

/** Noisy two-feature data: y depends on x0 (non-monotonically) and x1; 10 % of x1 missing. */
function noisy(n: number, seed: number): { m: Matrix; y: number[] } {
  const rng = createRng(seed);
  const x = new Float32Array(n * 3);
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.uniform(-2, 2);
    const b = rng.normal();
    const c = rng.int(5);
    x[3 * i] = a;
    x[3 * i + 1] = rng.next() < 0.1 ? Number.NaN : b;
    x[3 * i + 2] = c;
    const logit = Math.sin(2 * a) + 0.8 * b - 0.3 * c;
    y.push(rng.next() < 1 / (1 + Math.exp(-logit)) ? 1 : 0);
  }
  return { m: fromRows(x, n), y };
}

describe('train: one split on four rows, checked by hand', () => {
  // x = 1..4, y = 0 0 1 1, base score 0.5: g = p - y = (.5, .5, -.5, -.5), h = .25, root G = 0, H = 1.
  // Candidates (lambda 1): x<2: .25/1.25 + .25/1.75 = .342857; x<3: 1/1.5 + 1/1.5 = 1.333333; x<4 = x<2.
  // Root gain 0, so loss_chg = 1.333333; weights -G/(H+1) = -1/1.5, +1/1.5; leaves eta * w = -/+0.2.
  const m = fromRows([1, 2, 3, 4], 4);
  const y = [0, 0, 1, 1];
  const params = { numRounds: 1, maxDepth: 1, learningRate: 0.3, minChildWeight: 0, baseScore: 0.5 };

  it('finds the split, gain, covers, weights and leaf values', async () => {
    const b = await train(m, y, params);
    const t = b.model.trees[0]!;
    expect(t.numNodes).toBe(3);
    expect(Array.from(t.left)).toEqual([1, -1, -1]);
    expect(Array.from(t.right)).toEqual([2, -1, -1]);
    expect(Array.from(t.parent)).toEqual([-1, 0, 0]);
    expect(t.splitFeature[0]).toBe(0);
    expect(t.threshold[0]).toBe(3);
    expect(t.defaultLeft[0]).toBe(0);
    expect(t.lossChange[0]).toBeCloseTo(4 / 3, 6);
    expect(Array.from(t.sumHessian)).toEqual([1, 0.5, 0.5]);
    expect(t.baseWeight[0]).toBeCloseTo(0, 12);
    expect(t.leafValue[1]).toBeCloseTo(-0.2, 6);
    expect(t.leafValue[2]).toBeCloseTo(0.2, 6);
    expect(Array.from(t.count)).toEqual([4, 2, 2]);
    expect(b.model.baseScore).toBe(0.5);
  });

  it('predicts sigmoid(leaf) and routes x == threshold to the right', async () => {
    const b = await train(m, y, params);
    const p = b.predict(fromRows([2.999, 3, Number.NaN], 3));
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(0.2)), 6);
    expect(p[1]).toBeCloseTo(1 / (1 + Math.exp(-0.2)), 6);
    // no missing value in training: XGBoost's forward pass sends missing values right
    expect(p[2]).toBeCloseTo(1 / (1 + Math.exp(-0.2)), 6);
  });

  it("lambda and gamma follow XGBoost's scale (no 1/2): gamma above the gain prevents the split", async () => {
    const stump = await train(m, y, { ...params, gamma: 1.34 });
    expect(stump.model.trees[0]!.numNodes).toBe(1);
    const split = await train(m, y, { ...params, gamma: 1.33 });
    expect(split.model.trees[0]!.numNodes).toBe(3);
    // lambda 3: x<3 gives 1/3.5 + 1/3.5 = .571429; leaves -/+ 0.3 * 1/3.5
    const l3 = await train(m, y, { ...params, lambda: 3 });
    expect(l3.model.trees[0]!.lossChange[0]).toBeCloseTo(2 / 3.5, 6);
    expect(l3.model.trees[0]!.leafValue[2]).toBeCloseTo(0.3 / 3.5, 6);
  });

  it('alpha shrinks |G| and max_delta_step clips the weight', async () => {
    // alpha .25: T(G) = .75 on each side of x<3: .5625/1.5 * 2 = .75; weights -/+ .75/1.5 = .5
    const a = await train(m, y, { ...params, alpha: 0.25 });
    expect(a.model.trees[0]!.lossChange[0]).toBeCloseTo(0.75, 6);
    expect(a.model.trees[0]!.leafValue[2]).toBeCloseTo(0.3 * 0.5, 6);
    const d = await train(m, y, { ...params, maxDeltaStep: 0.4 });
    expect(d.model.trees[0]!.leafValue[2]).toBeCloseTo(0.3 * 0.4, 6);
  });

  it('min_child_weight above every child hessian leaves a single leaf', async () => {
    const b = await train(m, y, { ...params, minChildWeight: 0.6 });
    expect(b.model.trees[0]!.numNodes).toBe(1);
  });
});

describe('train: default direction of missing values', () => {
  const x = [1, 2, 3, 4, Number.NaN, Number.NaN];
  const params = { numRounds: 1, maxDepth: 1, minChildWeight: 0, baseScore: 0.5 };

  it('sends missing values left when they look like the low values', async () => {
    const b = await train(fromRows(x, 6), [0, 0, 1, 1, 0, 0], params);
    const t = b.model.trees[0]!;
    expect(t.defaultLeft[0]).toBe(1);
    expect(t.threshold[0]).toBe(3);
    expect(t.sumHessian[1]).toBeCloseTo(1, 6);
    expect(t.count[1]).toBe(4);
  });

  it('sends missing values right when they look like the high values', async () => {
    const b = await train(fromRows(x, 6), [0, 0, 1, 1, 1, 1], params);
    const t = b.model.trees[0]!;
    expect(t.defaultLeft[0]).toBe(0);
    expect(t.threshold[0]).toBe(3);
    expect(t.count[2]).toBe(4);
  });

  it('a constant feature splits off its missing values, the forward pass winning the mirrored tie', async () => {
    const b = await train(fromRows([1, 1, 1, Number.NaN, Number.NaN], 5), [1, 1, 1, 0, 0], params);
    const t = b.model.trees[0]!;
    expect(t.defaultLeft[0]).toBe(0);
    // the only cut is XGBoost's sentinel max + |max| + 1e-5
    expect(t.threshold[0]).toBe(Math.fround(1 + Math.fround(1 + Math.fround(1e-5))));
    expect(Array.from(t.count)).toEqual([5, 3, 2]);
  });

  it('missing rows with zero weight leave the default direction to the forward pass', async () => {
    const b = await train(fromRows(x, 6), [0, 0, 1, 1, 0, 0], params, { weights: [1, 1, 1, 1, 0, 0] });
    expect(b.model.trees[0]!.defaultLeft[0]).toBe(0);
  });
});

describe('train: determinism, threads, sampling', () => {
  const { m, y } = noisy(3000, 1);
  const params = {
    numRounds: 8,
    maxDepth: 4,
    subsample: 0.7,
    colsampleByTree: 0.67,
    colsampleByNode: 0.67,
    seed: 5,
  };

  it('same seed gives the same model bytes; another seed another model', async () => {
    const a = JSON.stringify((await train(m, y, params)).model);
    const b = JSON.stringify((await train(m, y, params)).model);
    const c = JSON.stringify((await train(m, y, { ...params, seed: 6 })).model);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('the model does not depend on the thread count', async () => {
    const one = await train(m, y, { ...params, nthread: 1 });
    const two = await train(m, y, { ...params, nthread: 2 });
    const three = await train(m, y, { ...params, nthread: 3, subsample: 1 });
    const threeRef = await train(m, y, { ...params, nthread: 1, subsample: 1 });
    expect(JSON.stringify(two.model)).toBe(JSON.stringify(one.model));
    expect(JSON.stringify(three.model)).toBe(JSON.stringify(threeRef.model));
  });

  it('the model does not depend on the thread count when nodes span several partition chunks', async () => {
    // > 2 x 32768 rows: the threaded partition splits the root and the first levels into row chunks
    const big = noisy(70_000, 2);
    const p = { numRounds: 3, maxDepth: 4, maxBin: 32 };
    const one = JSON.stringify((await train(big.m, big.y, { ...p, nthread: 1 })).model);
    expect(JSON.stringify((await train(big.m, big.y, { ...p, nthread: 2 })).model)).toBe(one);
    expect(JSON.stringify((await train(big.m, big.y, { ...p, nthread: 3 })).model)).toBe(one);
  });

  it('the model does not depend on the thread count when many feature blocks are shared out', async () => {
    // 40 features: several blocks per level, built and searched by whichever thread claims them (the
    // split search runs block by block with the build: 8 features per block on one thread, 4 with
    // workers); a per-tree subset leaves gaps between a block's features
    const rng = createRng(11);
    const n = 12_000;
    const nCols = 40;
    const x = new Float32Array(n * nCols);
    const yw: number[] = [];
    for (let i = 0; i < n; i++) {
      let logit = -1;
      for (let c = 0; c < nCols; c++) {
        const v = rng.normal();
        x[i * nCols + c] = rng.next() < 0.1 ? Number.NaN : c % 7 === 0 ? Math.round(v * 2) : v;
        if (c % 5 === 0) logit += (c % 2 === 0 ? 0.4 : -0.3) * v;
      }
      yw.push(rng.next() < 1 / (1 + Math.exp(-logit)) ? 1 : 0);
    }
    const wm = fromRows(x, n);
    for (const extra of [
      {},
      { colsampleByTree: 0.6, subsample: 0.8 },
      { colsampleByNode: 0.5 },
      { growPolicy: 'lossguide' as const, maxLeaves: 12 },
    ]) {
      const p = { numRounds: 4, maxDepth: 5, seed: 3, ...extra };
      const one = JSON.stringify((await train(wm, yw, { ...p, nthread: 1 })).model);
      expect(JSON.stringify((await train(wm, yw, { ...p, nthread: 2 })).model), JSON.stringify(extra)).toBe(
        one,
      );
      expect(JSON.stringify((await train(wm, yw, { ...p, nthread: 3 })).model), JSON.stringify(extra)).toBe(
        one,
      );
    }
  });

  it('trainings reuse idle workers, also side by side, with the same models', async () => {
    const big = noisy(20_000, 5);
    const p = { numRounds: 3, maxDepth: 4, nthread: 2 };
    await stopIdleWorkers();
    const first = JSON.stringify((await train(big.m, big.y, p)).model);
    // the second takes the first's idle workers, the third (at the same time) starts its own
    const [second, third] = await Promise.all([train(big.m, big.y, p), train(big.m, big.y, p)]);
    expect(JSON.stringify(second.model)).toBe(first);
    expect(JSON.stringify(third.model)).toBe(first);
    expect(JSON.stringify((await train(big.m, big.y, p)).model)).toBe(first);
    await stopIdleWorkers();
  });

  it('a failing worker makes the step throw instead of hanging, and the next training gets sound workers', async () => {
    const executor = await createTrainingExecutor(2);
    // nothing was set up: the worker's share of the partition reads missing arrays and throws, while
    // the main thread's reads of its empty arrays do not; the barrier inside the task must let go
    const desc = Int32Array.from([0, 10_000_000, 0, 1, 2, 0, -1, 0]);
    expect(() => executor.partition(desc, 1, new Int32Array(1))).toThrow('histogram worker failed');
    await executor.close();
    const small = noisy(5000, 6);
    const p = { numRounds: 2, maxDepth: 3 };
    expect(JSON.stringify((await train(small.m, small.y, { ...p, nthread: 2 })).model)).toBe(
      JSON.stringify((await train(small.m, small.y, { ...p, nthread: 1 })).model),
    );
  });

  it('without WebAssembly (the JavaScript kernels) the model is the same', async () => {
    const big = noisy(20_000, 4);
    const p = { numRounds: 4, maxDepth: 4, colsampleByTree: 0.67 };
    const withWasm = JSON.stringify((await train(big.m, big.y, { ...p, nthread: 2 })).model);
    const g = globalThis as { WebAssembly?: unknown };
    const saved = g.WebAssembly;
    try {
      g.WebAssembly = undefined;
      for (const nthread of [1, 2]) {
        expect(JSON.stringify((await train(big.m, big.y, { ...p, nthread })).model)).toBe(withWasm);
      }
    } finally {
      g.WebAssembly = saved;
    }
  });

  it('counts match the sampled rows and children partition their parent', async () => {
    const b = await train(m, y, params);
    for (const t of b.model.trees) {
      expect(t.count[0]).toBeGreaterThan(0.6 * 3000);
      expect(t.count[0]).toBeLessThan(0.8 * 3000);
      for (let n = 0; n < t.numNodes; n++) {
        const l = t.left[n]!;
        if (l >= 0) expect(t.count[l]! + t.count[l + 1]!).toBe(t.count[n]);
      }
    }
  });
});

describe('train: growth policies and constraints', () => {
  const { m, y } = noisy(4000, 2);

  it('lossguide respects max_leaves and uses it', async () => {
    const b = await train(m, y, { numRounds: 5, growPolicy: 'lossguide', maxDepth: 0, maxLeaves: 5 });
    const leaves = b.model.trees.map((t) => Array.from(t.left).filter((l) => l < 0).length);
    for (const k of leaves) expect(k).toBeLessThanOrEqual(5);
    expect(leaves).toContain(5);
  });

  it('depthwise respects max_depth and numbers nodes breadth-first', async () => {
    const b = await train(m, y, { numRounds: 3, maxDepth: 3 });
    for (const t of b.model.trees) {
      const depth = new Int32Array(t.numNodes);
      for (let n = 1; n < t.numNodes; n++) {
        const p = t.parent[n]!;
        expect(p).toBeLessThan(n);
        depth[n] = depth[p]! + 1;
        if (n > 1) expect(depth[n]).toBeGreaterThanOrEqual(depth[n - 1]!);
      }
      expect(Math.max(...depth)).toBeLessThanOrEqual(3);
    }
  });

  it('monotone constraints make predictions monotone along the feature', async () => {
    const grid = new Float32Array(81 * 3);
    for (let k = 0; k <= 80; k++) {
      grid[3 * k] = -2 + k * 0.05;
      grid[3 * k + 1] = 0.3;
      grid[3 * k + 2] = 2;
    }
    const g = fromRows(grid, 81);
    const diffs = (p: Float64Array): number[] => Array.from(p.subarray(1), (v, k) => v - p[k]!);
    const free = await train(m, y, { numRounds: 20, maxDepth: 4 });
    // sin(2x) rises then falls: unconstrained predictions do both
    expect(Math.min(...diffs(free.predict(g)))).toBeLessThan(0);
    expect(Math.max(...diffs(free.predict(g)))).toBeGreaterThan(0);
    const up = await train(m, y, { numRounds: 20, maxDepth: 4, monotoneConstraints: [1, 0, 0] });
    expect(Math.min(...diffs(up.predict(g)))).toBeGreaterThanOrEqual(0);
    const down = await train(m, y, { numRounds: 20, maxDepth: 4, monotoneConstraints: [-1, 0, 0] });
    expect(Math.max(...diffs(down.predict(g)))).toBeLessThanOrEqual(0);
  });

  it("baseScore 'mean' is the label mean (weighted, positives times scalePosWeight)", async () => {
    const yy = [1, 0, 0, 0];
    const mm = fromRows([1, 2, 3, 4], 4);
    expect((await train(mm, yy, { numRounds: 1 })).model.baseScore).toBe(Math.fround(0.25));
    expect((await train(mm, yy, { numRounds: 1, scalePosWeight: 3 })).model.baseScore).toBe(Math.fround(0.5));
    const w = { weights: [2, 1, 1, 0] };
    expect((await train(mm, yy, { numRounds: 1 }, w)).model.baseScore).toBe(Math.fround(0.5));
  });
});

describe('train: early stopping and callbacks', () => {
  const a = noisy(2000, 3);
  const v = noisy(1000, 4);

  it('stops after earlyStoppingRounds without improvement and keeps the best iteration', async () => {
    const b = await train(
      a.m,
      a.y,
      { numRounds: 300, maxDepth: 6, learningRate: 0.5 },
      {
        evalSet: { data: v.m, labels: v.y },
        earlyStoppingRounds: 5,
      },
    );
    const hist = b.trainingLog!.evalHistory;
    expect(b.numTrees).toBeLessThan(300);
    expect(b.numTrees).toBe(b.bestIteration + 6);
    expect(hist.length).toBe(b.numTrees);
    expect(hist[b.bestIteration]).toBe(Math.min(...hist));
    // predict defaults to the best iteration
    expect(Array.from(b.predict(v.m))).toEqual(
      Array.from(b.predict(v.m, { iterationRange: [0, b.bestIteration + 1] })),
    );
  });

  it('aucpr is maximised, and the eval set may be pre-binned with the same mapper', async () => {
    const mapper = fitBinMapper(a.m);
    const b = await train(
      binMatrix(a.m, mapper),
      a.y,
      { numRounds: 40, learningRate: 0.5 },
      {
        evalSet: { data: binMatrix(v.m, mapper), labels: v.y },
        evalMetric: 'aucpr',
        earlyStoppingRounds: 10,
      },
    );
    const hist = b.trainingLog!.evalHistory;
    expect(hist[b.bestIteration]).toBe(Math.max(...hist));
  });

  it('onRound reports progress and stops training when it returns false', async () => {
    const seen: number[] = [];
    const b = await train(
      a.m,
      a.y,
      { numRounds: 50 },
      {
        onRound: (info) => {
          seen.push(info.iteration);
          return info.iteration < 3;
        },
      },
    );
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(b.numTrees).toBe(4);
  });

  it('an aborted signal cancels training with a CancelledError', async () => {
    const ctl = new AbortController();
    const run = train(
      a.m,
      a.y,
      { numRounds: 50 },
      {
        signal: ctl.signal,
        onRound: (info) => {
          if (info.iteration === 2) ctl.abort();
          return true;
        },
      },
    );
    await expect(run).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('train: bad input', () => {
  const m = fromRows([1, 2, 3, 4], 4);
  const msg = async (p: Promise<unknown>): Promise<string> => {
    try {
      await p;
    } catch (e) {
      expect(e).toBeInstanceOf(LeadscoreError);
      return (e as Error).message;
    }
    throw new Error('expected a rejection');
  };

  it('refuses bad labels with the index and value', async () => {
    expect(await msg(train(m, [0, 1, 0, 2]))).toMatchInlineSnapshot(`"labels[3] must be 0 or 1, found 2"`);
    expect(await msg(train(m, [0, Number.NaN, 1, 1]))).toMatchInlineSnapshot(
      `"labels[1] must be 0 or 1, found NaN"`,
    );
    expect(await msg(train(m, [0, 1, Number.POSITIVE_INFINITY, 1]))).toMatchInlineSnapshot(
      `"labels[2] must be 0 or 1, found Infinity"`,
    );
    expect(await msg(train(m, [1, 1, 1, 1]))).toMatchInlineSnapshot(
      `"labels must contain both classes 0 and 1, found only 1 (4 rows)"`,
    );
    expect(await msg(train(m, [0, 1, 1]))).toMatchInlineSnapshot(
      `"labels must have one label per row (4), found 3"`,
    );
  });

  it('refuses empty data, bad weights, bad params and mismatched eval sets', async () => {
    expect(
      await msg(train(fromRows([], 0, { names: Array.from({ length: 2 }, (_, j) => `f${j}`) }), [])),
    ).toMatchInlineSnapshot(`"data must have at least one row, found 0"`);
    expect(await msg(train(m, [0, 1, 0, 1], {}, { weights: [1, -1, 1, 1] }))).toMatchInlineSnapshot(
      `"options.weights[1] must be a finite number >= 0, found -1"`,
    );
    expect(await msg(train(m, [0, 1, 0, 1], { maxDepth: -1 }))).toMatchInlineSnapshot(
      `"params.maxDepth: must be an integer in [0, 30], found -1"`,
    );
    expect(await msg(train(m, [0, 1, 0, 1], { learningRate: 0 }))).toMatchInlineSnapshot(
      `"params.learningRate: must be a finite number > 0, found 0"`,
    );
    expect(await msg(train(m, [0, 1, 0, 1], { eta: 0.1 } as never))).toMatchInlineSnapshot(
      `"params.eta is not a known option, found "eta""`,
    );
    expect(await msg(train(m, [0, 1, 0, 1], { monotoneConstraints: [1, 0] }))).toMatchInlineSnapshot(
      `"params.monotoneConstraints must be an array of 1 entries (one per feature), found 2"`,
    );
    expect(
      await msg(train(m, [0, 1, 0, 1], {}, { evalSet: { data: fromRows([1, 2], 1), labels: [1] } })),
    ).toMatchInlineSnapshot(`"options.evalSet.data must have the training data's 1 columns, found 2"`);
    const other = fitBinMapper(fromRows([5, 6, 7], 3));
    expect(
      await msg(train(m, [0, 1, 0, 1], {}, { evalSet: { data: binMatrix(m, other), labels: [0, 1, 0, 1] } })),
    ).toMatchInlineSnapshot(
      `"options.evalSet.data must be binned with the training data's bin mapper, found a different mapper"`,
    );
    expect(await msg(train(m, [0, 1, 0, 1], {}, { earlyStoppingRounds: 3 }))).toMatchInlineSnapshot(
      `"options.evalSet must be given when earlyStoppingRounds > 0, found undefined"`,
    );
  });

  it('keeps all-NaN columns, never splits on them and reports them', async () => {
    const x = new Float32Array(40);
    for (let i = 0; i < 20; i++) {
      x[2 * i] = Number.NaN;
      x[2 * i + 1] = i;
    }
    const y = Array.from({ length: 20 }, (_, i) => (i >= 10 ? 1 : 0));
    const b = await train(fromRows(x, 20), y, { numRounds: 3, minChildWeight: 0 });
    expect(b.trainingLog!.emptyFeatures).toEqual([0]);
    for (const t of b.model.trees) {
      for (let n = 0; n < t.numNodes; n++) if (t.left[n]! >= 0) expect(t.splitFeature[n]).toBe(1);
    }
  });
});
