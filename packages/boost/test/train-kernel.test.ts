import { createRng } from '@leadscore/core/rng';
import { describe, expect, it } from 'vitest';
import { buildHistograms, buildHistogramsWasm, gradientRange } from '../src/train/hist-kernel.js';
import { histKernelBytes, instantiateKernel, wasmApi } from '../src/train/wasm-kernel.js';

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
      const api = wasmApi()!;
      const pages = 64;
      const memory = new api.Memory({ initial: pages });
      const kernel = instantiateKernel(api, new api.Module(histKernelBytes(false, pages, pages)), memory);
      const buf = memory.buffer;
      let at = 16;
      const take = (bytes: number): number => {
        const p = at;
        at += (bytes + 15) & ~15;
        return p;
      };
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
});
