import { createRng } from '@leadscore/core/rng';
import { describe, expect, it } from 'vitest';
import { gradientRange } from '../src/train/gradients.js';
import { buildHistograms, buildHistogramsWasm } from '../src/train/hist-kernel.js';
import { partitionChunks, partitionCopy, partitionNodes } from '../src/train/row-partition.js';
import { evaluatePlain } from '../src/train/split-search.js';
import {
  EXP_TABLE_DOUBLES,
  expTable,
  histKernelBytes,
  instantiateKernel,
  wasmApi,
} from '../src/train/wasm-kernel.js';

/** The kernel module on a fresh (unshared) memory of `pages` pages, and a bump allocator of it. */
function wasmArena(pages: number) {
  const api = wasmApi()!;
  const memory = new api.Memory({ initial: pages });
  const kernel = instantiateKernel(api, new api.Module(histKernelBytes(false, pages, pages)), memory);
  let at = 16;
  const take = (bytes: number): number => {
    const p = at;
    at += (bytes + 15) & ~15;
    return p;
  };
  return { kernel, buf: memory.buffer, take };
}

describe('histogram kernels', () => {
  for (const wide of [false, true]) {
    it(`the wasm kernel gives bit-identical histograms to the JavaScript one (${wide ? 'u16' : 'u8'} codes)`, () => {
      const rng = createRng(wide ? 2 : 1);
      const nRows = 1000;
      const nFeat = 13;
      const nbins = Array.from({ length: nFeat }, (_, f) => (wide ? 300 : 20) + f);
      const slotPtr = new Int32Array(nFeat + 1);
      for (let f = 0; f < nFeat; f++) slotPtr[f + 1] = slotPtr[f]! + nbins[f]! + 1;
      const histSize = 2 * slotPtr[nFeat]!;
      const { kernel, buf, take } = wasmArena(64);
      const codes = wide
        ? new Uint16Array(buf, take(2 * nRows * nFeat), nRows * nFeat)
        : new Uint8Array(buf, take(nRows * nFeat), nRows * nFeat);
      for (let f = 0; f < nFeat; f++)
        for (let i = 0; i < nRows; i++) codes[f * nRows + i] = rng.int(nbins[f]! + 1);
      const rows = new Int32Array(buf, take(4 * nRows), nRows);
      let n = 0;
      for (let i = 0; i < nRows; i++) if (rng.next() < 0.6) rows[n++] = i;
      const gh = new Float64Array(buf, take(16 * nRows), 2 * nRows);
      for (let i = 0; i < 2 * nRows; i++) gh[i] = rng.normal();
      const pool = new Float64Array(buf, take(8 * 3 * histSize), 3 * histSize);
      // node 0 = parent (all sampled rows), node 1 = first 40 % of them, sibling derived into slot 2
      const features = Int32Array.from({ length: nFeat }, (_, f) => f);
      const desc = Int32Array.from([
        0,
        n,
        0,
        0,
        0,
        -1,
        0,
        0,
        0,
        0,
        Math.floor(0.4 * n),
        0,
        histSize,
        0,
        0,
        0,
        0,
        2 * histSize,
      ]);
      buildHistogramsWasm(
        kernel,
        wide,
        codes.byteOffset,
        nRows,
        rows.byteOffset,
        gh.byteOffset,
        pool.byteOffset,
        pool,
        desc,
        2,
        features,
        0,
        nFeat,
        slotPtr,
      );
      const fromWasm = Float64Array.from(pool);
      pool.fill(Number.NaN);
      buildHistograms(codes, nRows, rows, gh, desc, 2, [pool], features, 0, nFeat, slotPtr);
      expect(Array.from(pool)).toEqual(Array.from(fromWasm));
      // and the histograms are right: total gradient of feature 3 equals the sum over the node's rows
      let g = 0;
      for (let p = 0; p < Math.floor(0.4 * n); p++) g += gh[2 * p]!;
      let hg = 0;
      for (let s = slotPtr[3]!; s < slotPtr[4]!; s++) hg += pool[histSize + 2 * s]!;
      expect(hg).toBeCloseTo(g, 9);
    });
  }
});

describe('gradientRange', () => {
  it('equals the float32 logistic gradient through Math.exp on every margin, including the fallback range', () => {
    const rng = createRng(20261126);
    const bits = new Uint32Array(1);
    const asFloat = new Float32Array(bits.buffer);
    const values: number[] = [
      0, -0, 80, -80, 80.5, -80.5, 87, -87, 89, -89, 104, -104, 1e-30, -1e-30, 3e38, -3e38,
    ];
    while (values.length < 200_000) {
      if (values.length % 2 === 0) values.push(rng.uniform(-30, 30));
      else {
        bits[0] = rng.nextUint32();
        if (Number.isFinite(asFloat[0])) values.push(asFloat[0]!);
      }
    }
    const n = values.length;
    const margin = Float32Array.from(values);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) y[i] = i % 3 === 0 ? 1 : 0;
    const grad = new Float32Array(n);
    const hess = new Float32Array(n);
    const gh = new Float64Array(2 * n);
    gradientRange(margin, y, new Float32Array(0), 2.5, grad, hess, 0, n, gh);
    const f = Math.fround;
    let mismatches = 0;
    for (let i = 0; i < n; i++) {
      const p = f(1 / f(f(Math.exp(-margin[i]!)) + 1));
      const w = y[i] === 1 ? f(2.5) : 1;
      const g = f(f(p - y[i]!) * w);
      const h = f(Math.max(f(p * f(1 - p)), f(1e-16)) * w);
      if (!Object.is(grad[i], g) || !Object.is(hess[i], h) || gh[2 * i] !== g || gh[2 * i + 1] !== h)
        mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('the wasm kernels (pairs and single rows) equal it bit for bit, with weights, scale_pos_weight and odd ranges', () => {
    const rng = createRng(99);
    const bits = new Uint32Array(1);
    const asFloat = new Float32Array(bits.buffer);
    const n = 60_001;
    const { kernel, buf, take } = wasmArena(128);
    const f32 = (): Float32Array => new Float32Array(buf, take(4 * n), n);
    const margin = f32();
    const y = f32();
    const w = f32();
    const grad = f32();
    const hess = f32();
    const gh = new Float64Array(buf, take(16 * n), 2 * n);
    const tab = new Float64Array(buf, take(8 * EXP_TABLE_DOUBLES), EXP_TABLE_DOUBLES);
    expTable(tab);
    const special = [0, -0, 80, -80, 80.5, -80.5, 87, -87, 89, -89, 104, -104, 1e-30, 3e38, -3e38];
    for (let i = 0; i < n; i++) {
      if (i < special.length) margin[i] = special[i]!;
      else if (i % 3 !== 0) margin[i] = rng.uniform(-30, 30);
      else {
        bits[0] = rng.nextUint32();
        margin[i] = Number.isFinite(asFloat[0]) ? asFloat[0]! : 1;
      }
      y[i] = rng.next() < 0.3 ? 1 : 0;
      w[i] = rng.uniform(0, 3);
    }
    const want = (weights: Float32Array, spw: number, b: number, e: number) => {
      const g = new Float32Array(n);
      const h = new Float32Array(n);
      const pairs = new Float64Array(2 * n);
      gradientRange(margin, y, weights, spw, g, h, b, e, pairs);
      return { g, h, pairs };
    };
    for (const [weighted, spw, b, e] of [
      [false, 1, 0, n],
      [true, 2.5, 0, n],
      [true, 1, 7, n - 4],
      [false, 3, 1, 2],
    ] as const) {
      const ref = want(weighted ? w : new Float32Array(0), spw, b, e);
      for (const fn of ['gr', 'gr2'] as const) {
        grad.fill(Number.NaN);
        hess.fill(Number.NaN);
        gh.fill(Number.NaN);
        kernel[fn](
          margin.byteOffset,
          y.byteOffset,
          weighted ? w.byteOffset : 0,
          spw,
          grad.byteOffset,
          hess.byteOffset,
          b,
          e,
          gh.byteOffset,
          tab.byteOffset,
        );
        let mismatches = 0;
        for (let i = b; i < e; i++) {
          if (
            !Object.is(grad[i], ref.g[i]) ||
            !Object.is(hess[i], ref.h[i]) ||
            !Object.is(gh[2 * i], ref.pairs[2 * i]) ||
            !Object.is(gh[2 * i + 1], ref.pairs[2 * i + 1])
          )
            mismatches++;
        }
        expect(mismatches, `${fn} weighted=${weighted} spw=${spw} [${b}, ${e})`).toBe(0);
        // nothing outside the range is written
        expect(Number.isNaN(grad[b - 1] ?? Number.NaN) && Number.isNaN(grad[e] ?? Number.NaN)).toBe(true);
      }
    }
  });
});

describe('split search kernels', () => {
  it('the wasm split search gives the same best splits as the JavaScript one (ties, empty bins, no missing values, min_child_weight)', () => {
    const { kernel, buf, take } = wasmArena(16);
    const rng = createRng(7);
    const nFeat = 24;
    const nNodes = 12;
    const slotPtr = new Int32Array(nFeat + 1);
    for (let f = 0; f < nFeat; f++) slotPtr[f + 1] = slotPtr[f]! + (f % 5 === 0 ? 3 : 40 + 13 * f) + 1;
    const histSize = 2 * slotPtr[nFeat]!;
    const pool = new Float64Array(buf, take(8 * nNodes * histSize), nNodes * histSize);
    const scratch = new Float64Array(buf, take(64), 8);
    const nodes = new Float64Array(7 * nNodes);
    const features = new Int32Array(nNodes * nFeat);
    const f32 = Math.fround;
    let checked = 0;
    let missingLeft = 0;
    for (const lambda of [1, 0, 5]) {
      for (let k = 0; k < nNodes; k++) {
        const base = k * histSize;
        // every feature holds the same rows (the node's), binned differently
        const nRows = [3, 20, 200, 2000][k % 4]!;
        const g = Array.from({ length: nRows }, () => f32(rng.uniform(-1, 1)));
        const h = Array.from({ length: nRows }, () => (k % 3 === 0 ? 0.25 : f32(rng.uniform(0, 0.3))));
        let pG = 0;
        let pH = 0;
        for (let i = 0; i < nRows; i++) {
          pG += g[i]!;
          pH += h[i]!;
        }
        for (let f = 0; f < nFeat; f++) {
          const nb = slotPtr[f + 1]! - slotPtr[f]! - 1;
          const s0 = base + 2 * slotPtr[f]!;
          pool.fill(0, s0, s0 + 2 * (nb + 1));
          // feature 7 repeats feature 6's histogram (a tie between features); features 3 mod 4 have no missing values
          const seed = f === 7 ? 6 : f;
          const r = createRng(1000 * k + seed);
          for (let i = 0; i < nRows; i++) {
            const missing = seed % 4 !== 3 && r.next() < 0.1;
            const bin = missing ? nb : Math.min(nb - 1, Math.floor(r.next() ** 2 * nb));
            pool[s0 + 2 * bin] = pool[s0 + 2 * bin]! + g[i]!;
            pool[s0 + 2 * bin + 1] = pool[s0 + 2 * bin + 1]! + h[i]!;
          }
          features[k * nFeat + f] = f;
        }
        nodes[7 * k] = 0;
        nodes[7 * k + 1] = base;
        nodes[7 * k + 2] = pG;
        nodes[7 * k + 3] = pH;
        nodes[7 * k + 4] = f32((pG * pG) / (pH + lambda));
        nodes[7 * k + 5] = k * nFeat;
        nodes[7 * k + 6] = (k + 1) * nFeat;
      }
      for (const mcw of [0, 1, 0.5, 30]) {
        for (const T of [1, 3]) {
          const js = new Float64Array(8 * nNodes * T);
          const wasm = new Float64Array(8 * nNodes * T);
          for (let t = 0; t < T; t++) {
            evaluatePlain(nodes, nNodes, [pool], features, slotPtr, t, T, mcw, lambda, js, 0, null, scratch);
            evaluatePlain(
              nodes,
              nNodes,
              [pool],
              features,
              slotPtr,
              t,
              T,
              mcw,
              lambda,
              wasm,
              0,
              kernel,
              scratch,
            );
          }
          expect(Array.from(wasm)).toEqual(Array.from(js));
          for (let q = 0; q < js.length; q += 8) {
            if (js[q + 2] !== -2) checked++;
            if (js[q + 3] === 1) missingLeft++;
          }
        }
      }
    }
    // most nodes found a split, some with missing values to the left
    expect(checked).toBeGreaterThan(100);
    expect(missingLeft).toBeGreaterThan(10);
  });
});

describe('partition kernels', () => {
  for (const wide of [false, true]) {
    it(`the wasm partition moves and gathers the same rows as the JavaScript one (${wide ? 'u16' : 'u8'} codes)`, () => {
      const { kernel, buf, take } = wasmArena(64);
      const rng = createRng(wide ? 8 : 9);
      const nRows = 5000;
      const nFeat = 3;
      const nb = wide ? 700 : 40;
      const codes = wide
        ? new Uint16Array(buf, take(2 * nRows * nFeat), nRows * nFeat)
        : new Uint8Array(buf, take(nRows * nFeat), nRows * nFeat);
      // code nb = missing
      for (let i = 0; i < codes.length; i++) codes[i] = rng.next() < 0.1 ? nb : rng.int(nb);
      const rows = new Int32Array(buf, take(4 * nRows), nRows);
      const tmp = new Int32Array(buf, take(4 * nRows), nRows);
      const gh = new Float64Array(buf, take(16 * nRows), 2 * nRows);
      const grad = new Float32Array(buf, take(4 * nRows), nRows);
      const hess = new Float32Array(buf, take(4 * nRows), nRows);
      for (let i = 0; i < nRows; i++) {
        grad[i] = rng.normal();
        hess[i] = rng.next();
      }
      const order = Array.from({ length: nRows }, (_, i) => i);
      rng.shuffle(order);
      const start = Int32Array.from(order);
      // nodes: [begin, end, feature, split bin, missing code, default left, side to gather, order]
      const nodes = [
        [0, 2100, 0, 10, nb, 1, 0],
        [2100, 2100, 1, 5, nb, 0, 1], // empty
        [2100, 3000, 1, -1, nb, 1, 1], // only missing values go left
        [3000, 4200, 2, nb - 1, nb, 0, -1], // every non-missing value goes left, no gather
        [4200, 5000, 0, 0, nb, 0, 1],
      ];
      const desc = new Int32Array(8 * nodes.length);
      nodes.forEach((n, k) => {
        desc.set(n, 8 * k);
        desc[8 * k + 7] = nodes.length - 1 - k;
      });
      const run = (threadedShape: boolean, wasm: typeof kernel | null) => {
        rows.set(start);
        gh.fill(Number.NaN);
        const out = new Int32Array(nodes.length);
        if (!threadedShape) {
          partitionNodes(codes, nRows, rows, tmp, gh, grad, hess, desc, nodes.length, null, out, wasm);
        } else {
          // chunks of up to 700 rows per node, as the threaded partition cuts them
          const chunks: number[] = [];
          nodes.forEach(([b, e], k) => {
            for (let q = b!; q < e! || q === b; q += 700) {
              chunks.push(k, q, Math.min(q + 700, e!));
              if (e === b) break;
            }
          });
          const nChunks = chunks.length / 3;
          const ch = Int32Array.from(chunks);
          const counts = new Int32Array(nChunks);
          partitionChunks(codes, nRows, rows, tmp, desc, ch, nChunks, new Int32Array(8), true, counts, wasm);
          const dest = new Int32Array(2 * nChunks);
          for (let c = 0; c < nChunks; ) {
            const k = ch[3 * c]!;
            let end = c;
            let left = 0;
            while (end < nChunks && ch[3 * end] === k) left += counts[end++]!;
            let l = desc[8 * k]!;
            let r = l + left;
            out[k] = r;
            for (; c < end; c++) {
              dest[2 * c] = l;
              dest[2 * c + 1] = r;
              l += counts[c]!;
              r += ch[3 * c + 2]! - ch[3 * c + 1]! - counts[c]!;
            }
          }
          partitionCopy(
            rows,
            tmp,
            gh,
            grad,
            hess,
            desc,
            ch,
            nChunks,
            new Int32Array(8),
            true,
            counts,
            dest,
            wasm,
          );
        }
        return { rows: Array.from(rows), gh: Array.from(gh), out: Array.from(out) };
      };
      const reference = run(false, null);
      for (const threadedShape of [false, true]) {
        for (const wasm of [null, kernel]) {
          const got = run(threadedShape, wasm);
          expect(got.out).toEqual(reference.out);
          expect(got.rows).toEqual(reference.rows);
          expect(got.gh).toEqual(reference.gh);
        }
      }
      // and the reference is right: stable, left = code <= split or missing with default left
      // node 0: rows 0..2100, feature 0, split bin 10, missing values left
      const b = 0;
      const e = 2100;
      const want = Array.from(start.subarray(b, e));
      const goesLeft = (r: number) => {
        const c = codes[r]!;
        return c <= 10 || c === nb;
      };
      expect(reference.rows.slice(b, e)).toEqual([
        ...want.filter(goesLeft),
        ...want.filter((r) => !goesLeft(r)),
      ]);
      expect(reference.gh[2 * b]).toBe(grad[reference.rows[b]!]);
    });
  }
});
