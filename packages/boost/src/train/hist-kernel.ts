/**
 * The histogram-building kernel. It is self-contained (no imports, no closure) because worker threads
 * receive its source text: the same function runs in every thread, so a feature's histogram is summed in
 * the same order whatever the thread count.
 * @module
 */

/**
 * Builds the gradient/hessian histograms of `nodes` for features `features[fBegin..fEnd)`.
 * `nodes` holds 9 ints per node: partition begin, end, pool chunk, slot base (in doubles), contiguous
 * (1 when `rows[begin..end)` is `begin..end - 1`, i.e. the unsampled root), then the parent's chunk and
 * base and the sibling's chunk and base: when the parent chunk is >= 0 the sibling's histogram is
 * derived as parent - built for the same features (XGBoost's subtraction trick). `gh` is indexed by partition
 * position (`gh[2p]` gradient, `gh[2p + 1]` hessian). Each feature f owns `nbins[f] + 1` interleaved
 * (g, h) slots starting at `slotPtr[f]`; the last one collects missing values.
 */
export function buildHistograms(
  codes: Uint8Array | Uint16Array,
  nRows: number,
  rows: Int32Array,
  gh: Float64Array,
  nodes: Int32Array,
  nNodes: number,
  chunks: Float64Array[],
  features: Int32Array,
  fBegin: number,
  fEnd: number,
  slotPtr: Int32Array,
): void {
  for (let k = 0; k < nNodes; k++) {
    const begin = nodes[9 * k] as number;
    const end = nodes[9 * k + 1] as number;
    const hist = chunks[nodes[9 * k + 2] as number] as Float64Array;
    const base = nodes[9 * k + 3] as number;
    const contiguous = nodes[9 * k + 4] === 1;
    let fi = fBegin;
    // Several features per pass share the row index and gradient loads (8 at once is ~1.6x faster
    // than one at a time; a few more registers than that and V8 starts spilling).
    for (; fi + 7 < fEnd; fi += 8) {
      const s0 = base + 2 * (slotPtr[features[fi] as number] as number);
      const s1 = base + 2 * (slotPtr[features[fi + 1] as number] as number);
      const s2 = base + 2 * (slotPtr[features[fi + 2] as number] as number);
      const s3 = base + 2 * (slotPtr[features[fi + 3] as number] as number);
      const s4 = base + 2 * (slotPtr[features[fi + 4] as number] as number);
      const s5 = base + 2 * (slotPtr[features[fi + 5] as number] as number);
      const s6 = base + 2 * (slotPtr[features[fi + 6] as number] as number);
      const s7 = base + 2 * (slotPtr[features[fi + 7] as number] as number);
      for (let k = 0; k < 8; k++) {
        const f = features[fi + k] as number;
        hist.fill(0, base + 2 * (slotPtr[f] as number), base + 2 * (slotPtr[f + 1] as number));
      }
      const c0 = (features[fi] as number) * nRows;
      const c1 = (features[fi + 1] as number) * nRows;
      const c2 = (features[fi + 2] as number) * nRows;
      const c3 = (features[fi + 3] as number) * nRows;
      const c4 = (features[fi + 4] as number) * nRows;
      const c5 = (features[fi + 5] as number) * nRows;
      const c6 = (features[fi + 6] as number) * nRows;
      const c7 = (features[fi + 7] as number) * nRows;
      for (let p = begin; p < end; p++) {
        const r = contiguous ? p : (rows[p] as number);
        const g = gh[2 * p] as number;
        const h = gh[2 * p + 1] as number;
        let b = s0 + 2 * (codes[c0 + r] as number);
        hist[b] = (hist[b] as number) + g;
        hist[b + 1] = (hist[b + 1] as number) + h;
        b = s1 + 2 * (codes[c1 + r] as number);
        hist[b] = (hist[b] as number) + g;
        hist[b + 1] = (hist[b + 1] as number) + h;
        b = s2 + 2 * (codes[c2 + r] as number);
        hist[b] = (hist[b] as number) + g;
        hist[b + 1] = (hist[b + 1] as number) + h;
        b = s3 + 2 * (codes[c3 + r] as number);
        hist[b] = (hist[b] as number) + g;
        hist[b + 1] = (hist[b + 1] as number) + h;
        b = s4 + 2 * (codes[c4 + r] as number);
        hist[b] = (hist[b] as number) + g;
        hist[b + 1] = (hist[b + 1] as number) + h;
        b = s5 + 2 * (codes[c5 + r] as number);
        hist[b] = (hist[b] as number) + g;
        hist[b + 1] = (hist[b + 1] as number) + h;
        b = s6 + 2 * (codes[c6 + r] as number);
        hist[b] = (hist[b] as number) + g;
        hist[b + 1] = (hist[b + 1] as number) + h;
        b = s7 + 2 * (codes[c7 + r] as number);
        hist[b] = (hist[b] as number) + g;
        hist[b + 1] = (hist[b + 1] as number) + h;
      }
    }
    for (; fi + 3 < fEnd; fi += 4) {
      const f0 = features[fi] as number;
      const f1 = features[fi + 1] as number;
      const f2 = features[fi + 2] as number;
      const f3 = features[fi + 3] as number;
      const s0 = base + 2 * (slotPtr[f0] as number);
      const s1 = base + 2 * (slotPtr[f1] as number);
      const s2 = base + 2 * (slotPtr[f2] as number);
      const s3 = base + 2 * (slotPtr[f3] as number);
      hist.fill(0, s0, base + 2 * (slotPtr[f0 + 1] as number));
      hist.fill(0, s1, base + 2 * (slotPtr[f1 + 1] as number));
      hist.fill(0, s2, base + 2 * (slotPtr[f2 + 1] as number));
      hist.fill(0, s3, base + 2 * (slotPtr[f3 + 1] as number));
      const c0 = f0 * nRows;
      const c1 = f1 * nRows;
      const c2 = f2 * nRows;
      const c3 = f3 * nRows;
      for (let p = begin; p < end; p++) {
        const r = contiguous ? p : (rows[p] as number);
        const g = gh[2 * p] as number;
        const h = gh[2 * p + 1] as number;
        let b = s0 + 2 * (codes[c0 + r] as number);
        hist[b] = (hist[b] as number) + g;
        hist[b + 1] = (hist[b + 1] as number) + h;
        b = s1 + 2 * (codes[c1 + r] as number);
        hist[b] = (hist[b] as number) + g;
        hist[b + 1] = (hist[b + 1] as number) + h;
        b = s2 + 2 * (codes[c2 + r] as number);
        hist[b] = (hist[b] as number) + g;
        hist[b + 1] = (hist[b + 1] as number) + h;
        b = s3 + 2 * (codes[c3 + r] as number);
        hist[b] = (hist[b] as number) + g;
        hist[b + 1] = (hist[b + 1] as number) + h;
      }
    }
    for (; fi < fEnd; fi++) {
      const f = features[fi] as number;
      const s0 = base + 2 * (slotPtr[f] as number);
      hist.fill(0, s0, base + 2 * (slotPtr[f + 1] as number));
      const col = f * nRows;
      for (let p = begin; p < end; p++) {
        const r = contiguous ? p : (rows[p] as number);
        const b = s0 + 2 * (codes[col + r] as number);
        hist[b] = (hist[b] as number) + (gh[2 * p] as number);
        hist[b + 1] = (hist[b + 1] as number) + (gh[2 * p + 1] as number);
      }
    }
    const pc = nodes[9 * k + 5] as number;
    if (pc >= 0) {
      const P = chunks[pc] as Float64Array;
      const pb = (nodes[9 * k + 6] as number) - base;
      const O = chunks[nodes[9 * k + 7] as number] as Float64Array;
      const ob = (nodes[9 * k + 8] as number) - base;
      for (let fj = fBegin; fj < fEnd; fj++) {
        const f = features[fj] as number;
        const s1 = base + 2 * (slotPtr[f + 1] as number);
        for (let q = base + 2 * (slotPtr[f] as number); q < s1; q++) {
          O[ob + q] = (P[pb + q] as number) - (hist[q] as number);
        }
      }
    }
  }
}

/** The wasm kernel exports {@link buildHistogramsWasm} calls (see `wasm-kernel.ts`). */
interface WasmKernelLike {
  sub(dst: number, a: number, b: number, n: number): void;
  b8u8(...args: number[]): void;
  b8u16(...args: number[]): void;
  b1u8(...args: number[]): void;
  b1u16(...args: number[]): void;
  b4u8(...args: number[]): void;
  b4u16(...args: number[]): void;
}

/**
 * {@link buildHistograms} with the scatter-add in WebAssembly: same descriptors (the pool must be one
 * chunk, `hist`, at byte address `histAddr` of the kernel's memory), same addition order, same sums.
 */
export function buildHistogramsWasm(
  kernel: WasmKernelLike,
  wide: boolean,
  codesAddr: number,
  nRows: number,
  rowsAddr: number,
  ghAddr: number,
  histAddr: number,
  hist: Float64Array,
  nodes: Int32Array,
  nNodes: number,
  features: Int32Array,
  fBegin: number,
  fEnd: number,
  slotPtr: Int32Array,
): void {
  const eb = wide ? 2 : 1;
  for (let k = 0; k < nNodes; k++) {
    const begin = nodes[9 * k] as number;
    const end = nodes[9 * k + 1] as number;
    const base = nodes[9 * k + 3] as number;
    for (let fi = fBegin; fi < fEnd; fi++) {
      const f = features[fi] as number;
      hist.fill(0, base + 2 * (slotPtr[f] as number), base + 2 * (slotPtr[f + 1] as number));
    }
    let fi = fBegin;
    for (; fi + 7 < fEnd; fi += 8) {
      const args: number[] = [rowsAddr, ghAddr, begin, end];
      for (let j = 0; j < 8; j++) args.push(codesAddr + eb * (features[fi + j] as number) * nRows);
      for (let j = 0; j < 8; j++)
        args.push(histAddr + 8 * (base + 2 * (slotPtr[features[fi + j] as number] as number)));
      if (wide) kernel.b8u16(...args);
      else kernel.b8u8(...args);
    }
    for (; fi + 3 < fEnd; fi += 4) {
      const f0 = features[fi] as number;
      const f1 = features[fi + 1] as number;
      const f2 = features[fi + 2] as number;
      const f3 = features[fi + 3] as number;
      const args = [
        rowsAddr,
        ghAddr,
        begin,
        end,
        codesAddr + eb * f0 * nRows,
        codesAddr + eb * f1 * nRows,
        codesAddr + eb * f2 * nRows,
        codesAddr + eb * f3 * nRows,
        histAddr + 8 * (base + 2 * (slotPtr[f0] as number)),
        histAddr + 8 * (base + 2 * (slotPtr[f1] as number)),
        histAddr + 8 * (base + 2 * (slotPtr[f2] as number)),
        histAddr + 8 * (base + 2 * (slotPtr[f3] as number)),
      ] as const;
      if (wide) kernel.b4u16(...args);
      else kernel.b4u8(...args);
    }
    for (; fi < fEnd; fi++) {
      const f = features[fi] as number;
      const c = codesAddr + eb * f * nRows;
      const h = histAddr + 8 * (base + 2 * (slotPtr[f] as number));
      if (wide) kernel.b1u16(rowsAddr, ghAddr, begin, end, c, h);
      else kernel.b1u8(rowsAddr, ghAddr, begin, end, c, h);
    }
    if ((nodes[9 * k + 5] as number) >= 0) {
      // sibling = parent - built, over runs of adjacent features' slots
      const pb = 8 * ((nodes[9 * k + 6] as number) - base);
      const ob = 8 * ((nodes[9 * k + 8] as number) - base);
      for (let fj = fBegin; fj < fEnd; ) {
        const s0 = slotPtr[features[fj] as number] as number;
        let s1 = slotPtr[(features[fj] as number) + 1] as number;
        for (fj++; fj < fEnd && slotPtr[features[fj] as number] === s1; fj++) {
          s1 = slotPtr[(features[fj] as number) + 1] as number;
        }
        const q = histAddr + 8 * (base + 2 * s0);
        kernel.sub(q + ob, q + pb, q, s1 - s0);
      }
    }
  }
}
