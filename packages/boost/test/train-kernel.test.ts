import { createRng } from '@leadscore/core/rng';
import { describe, expect, it } from 'vitest';
import { buildHistograms, buildHistogramsWasm } from '../src/train/hist-kernel.js';
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
