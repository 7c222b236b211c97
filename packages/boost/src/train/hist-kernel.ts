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

/**
 * Split search of the plain case (no L1, no max_delta_step, no monotone constraint) for several nodes,
 * over the slice `[t * len / T, (t + 1) * len / T)` of each node's feature list (see
 * {@link evaluateRange}). `nodes` holds 7 doubles per node: chunk, slot base, G, H, root gain, feature
 * list begin, end (in `features`). Writes node k's result at `out[8 * (k * T + t)]`. Nodes before
 * `kBegin` are skipped.
 */
export function evaluatePlain(
  nodes: Float64Array,
  nNodes: number,
  chunks: Float64Array[],
  features: Int32Array,
  slotPtr: Int32Array,
  t: number,
  T: number,
  mcw: number,
  lambda: number,
  out: Float64Array,
  kBegin: number,
  wasm: WasmSplitLike | null,
  scratch: Float64Array,
): void {
  for (let k = kBegin; k < nNodes; k++) {
    const lb = nodes[7 * k + 5] as number;
    const len = (nodes[7 * k + 6] as number) - lb;
    const fBegin = lb + Math.floor((t * len) / T);
    const fEnd = lb + Math.floor(((t + 1) * len) / T);
    evaluateRange(
      nodes,
      k,
      chunks,
      features,
      slotPtr,
      fBegin,
      fEnd,
      mcw,
      lambda,
      out,
      8 * (k * T + t),
      wasm,
      scratch,
    );
  }
}

/**
 * Split search of node k (plain case) over `features[fBegin..fEnd)`: XGBoost's `EnumerateSplit`
 * forward and backward passes with its float32 roundings and tie rules. `nodes` is laid out as for
 * {@link evaluatePlain} (the feature list fields are not read). Writes 8 doubles at `out[o]`: loss,
 * feature, bin (-2 = none), default left, left G, left H, right G, right H.
 * With `wasm` (histograms in its memory) each feature's two scans run in its `ev`, which writes its
 * results to `scratch` (8 doubles in the same memory, one per thread): same operations, same result.
 */
export function evaluateRange(
  nodes: Float64Array,
  k: number,
  chunks: Float64Array[],
  features: Int32Array,
  slotPtr: Int32Array,
  fBegin: number,
  fEnd: number,
  mcw: number,
  lambda: number,
  out: Float64Array,
  o: number,
  wasm: WasmSplitLike | null,
  scratch: Float64Array,
): void {
  const fround = Math.fround;
  const so = scratch.byteOffset;
  const hist = chunks[nodes[7 * k] as number] as Float64Array;
  const base = nodes[7 * k + 1] as number;
  const pG = nodes[7 * k + 2] as number;
  const pH = nodes[7 * k + 3] as number;
  const rootGain = nodes[7 * k + 4] as number;
  let bestLoss = 0;
  let bestIdx = 0;
  let bestBin = -2;
  let bestDL = 0;
  let bestLG = 0;
  let bestLH = 0;
  let bestRG = 0;
  let bestRH = 0;
  for (let fi = fBegin; fi < fEnd; fi++) {
    const f = features[fi] as number;
    const s0 = base + 2 * (slotPtr[f] as number);
    const nb = (slotPtr[f + 1] as number) - (slotPtr[f] as number) - 1;
    if (wasm !== null) {
      wasm.ev(
        hist.byteOffset + 8 * s0,
        nb,
        pG,
        pH,
        rootGain,
        mcw,
        lambda,
        bestLoss,
        bestIdx <= f ? 1 : 0,
        so,
      );
      let loss = scratch[0] as number;
      let bin = scratch[1] as number;
      if (bin !== -2 && (bestIdx <= f ? loss > bestLoss : !(bestLoss > loss))) {
        bestLoss = loss;
        bestIdx = f;
        bestBin = bin;
        bestDL = 0;
        bestLG = scratch[2] as number;
        bestLH = scratch[3] as number;
        bestRG = pG - bestLG;
        bestRH = pH - bestLH;
      }
      loss = scratch[4] as number;
      bin = scratch[5] as number;
      if (bin !== -3 && bin !== -2 && (bestIdx <= f ? loss > bestLoss : !(bestLoss > loss))) {
        bestLoss = loss;
        bestIdx = f;
        bestBin = bin;
        bestDL = 1;
        bestRG = scratch[6] as number;
        bestRH = scratch[7] as number;
        bestLG = pG - bestRG;
        bestLH = pH - bestRH;
      }
      continue;
    }
    // forward: accumulate low bins into the left child; missing values go right (threshold cut[i])
    let aG = 0;
    let aH = 0;
    let locLoss = 0;
    let locBin = -2;
    let bG = 0;
    let bH = 0;
    let i = 0;
    // the screen's bound, (max(locLoss, bestLoss) + rootGain) * (1 - 1e-6), kept up to date
    let screen = (Math.max(locLoss, bestLoss) + rootGain) * (1 - 1e-6);
    for (; i < nb; i++) {
      const hg = hist[s0 + 2 * i] as number;
      const hh = hist[s0 + 2 * i + 1] as number;
      // an empty bin repeats the previous candidate, which cannot win a strict comparison
      if (hh === 0 && hg === 0 && i !== 0) continue;
      aG += hg;
      aH += hh;
      const oH = pH - aH;
      // hessians are >= 0: the other side only shrinks, no valid candidate remains
      if (oH < mcw) break;
      if (aH < mcw) continue;
      const oG = pG - aG;
      if (aH > 0 && oH > 0) {
        // screen: the exact float32 gain is within 2^-23 of aG²/da + oG²/dn, so a candidate below
        // the best so far by more than 1e-6 (relative) cannot win and is skipped exactly
        const da = aH + lambda;
        const dn = oH + lambda;
        // compared without a division: both denominators are positive
        if (aG * aG * dn + oG * oG * da < screen * da * dn) continue;
      }
      const ga = aH > 0 ? fround((aG * aG) / (aH + lambda)) : 0;
      const go = oH > 0 ? fround((oG * oG) / (oH + lambda)) : 0;
      const loss = fround(fround(ga + go) - rootGain);
      if (loss > locLoss && loss !== Number.POSITIVE_INFINITY) {
        locLoss = loss;
        screen = (Math.max(locLoss, bestLoss) + rootGain) * (1 - 1e-6);
        locBin = i;
        bG = aG;
        bH = aH;
      }
    }
    // SplitEntry::NeedReplace: ties go to the lower feature index, then to the earlier candidate
    if (locBin !== -2 && (bestIdx <= f ? locLoss > bestLoss : !(bestLoss > locLoss))) {
      bestLoss = locLoss;
      bestIdx = f;
      bestBin = locBin;
      bestDL = 0;
      bestLG = bG;
      bestLH = bH;
      bestRG = pG - bG;
      bestRH = pH - bH;
    }
    // XGBoost runs the backward pass only when the forward total differs from the parent's
    for (i++; i < nb; i++) {
      aG += hist[s0 + 2 * i] as number;
      aH += hist[s0 + 2 * i + 1] as number;
    }
    if (aG === pG && aH === pH) continue;
    // backward: accumulate high bins into the right child; missing values go left (threshold cut[i - 1])
    aG = 0;
    aH = 0;
    locLoss = 0;
    locBin = -2;
    screen = (Math.max(locLoss, bestLoss) + rootGain) * (1 - 1e-6);
    for (i = nb - 1; i >= 0; i--) {
      const hg = hist[s0 + 2 * i] as number;
      const hh = hist[s0 + 2 * i + 1] as number;
      if (hh === 0 && hg === 0 && i !== nb - 1) continue;
      aG += hg;
      aH += hh;
      const oH = pH - aH;
      if (oH < mcw) break;
      if (aH < mcw) continue;
      const oG = pG - aG;
      if (aH > 0 && oH > 0) {
        const da = aH + lambda;
        const dn = oH + lambda;
        // compared without a division: both denominators are positive
        if (aG * aG * dn + oG * oG * da < screen * da * dn) continue;
      }
      const ga = aH > 0 ? fround((aG * aG) / (aH + lambda)) : 0;
      const go = oH > 0 ? fround((oG * oG) / (oH + lambda)) : 0;
      const loss = fround(fround(go + ga) - rootGain);
      if (loss > locLoss && loss !== Number.POSITIVE_INFINITY) {
        locLoss = loss;
        screen = (Math.max(locLoss, bestLoss) + rootGain) * (1 - 1e-6);
        locBin = i - 1;
        bG = aG;
        bH = aH;
      }
    }
    if (locBin !== -2 && (bestIdx <= f ? locLoss > bestLoss : !(bestLoss > locLoss))) {
      bestLoss = locLoss;
      bestIdx = f;
      bestBin = locBin;
      bestDL = 1;
      bestLG = pG - bG;
      bestLH = pH - bH;
      bestRG = bG;
      bestRH = bH;
    }
  }
  out[o] = bestLoss;
  out[o + 1] = bestIdx;
  out[o + 2] = bestBin;
  out[o + 3] = bestDL;
  out[o + 4] = bestLG;
  out[o + 5] = bestLH;
  out[o + 6] = bestRG;
  out[o + 7] = bestRH;
}

/**
 * Claims the next of `n` chunks, or returns -1 when none is left (`ctrl[base]` counts claims,
 * `ctrl[base + 1]` and `ctrl[base + 2]` are the front and back cursors). The main
 * thread (`front`) takes chunks from the start and the workers from the end, so with two threads
 * each keeps mostly the same features from one level to the next and their histograms stay in its
 * core's cache, while a thread that wakes late or runs slow still takes fewer.
 */
export function claimChunk(ctrl: Int32Array, n: number, front: boolean, base = 3): number {
  if (Atomics.add(ctrl, base, 1) >= n) return -1;
  return front ? Atomics.add(ctrl, base + 1, 1) : n - 1 - Atomics.add(ctrl, base + 2, 1);
}

/**
 * {@link evaluatePlain} over `S` feature slices per node, claimed with {@link claimChunk} slice-major
 * (the front thread evaluates the low feature slices of every node, the features it built). Slice s
 * of node k goes to `out[8 * (k * S + s)]`; the merge of the partial bests is order-independent, so
 * the result does not depend on who took what.
 */
export function evaluateChunks(
  counter: Int32Array,
  front: boolean,
  nodes: Float64Array,
  nNodes: number,
  chunks: Float64Array[],
  features: Int32Array,
  slotPtr: Int32Array,
  S: number,
  mcw: number,
  lambda: number,
  out: Float64Array,
  wasm: WasmSplitLike | null,
  scratch: Float64Array,
): void {
  const total = nNodes * S;
  for (;;) {
    const j = claimChunk(counter, total, front);
    if (j < 0) break;
    const s = Math.floor(j / nNodes);
    const k = j - s * nNodes;
    evaluatePlain(nodes, k + 1, chunks, features, slotPtr, s, S, mcw, lambda, out, k, wasm, scratch);
  }
}

/** The wasm split-search export {@link evaluatePlain} calls (see `wasm-kernel.ts`). */
interface WasmSplitLike {
  ev(...args: number[]): void;
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

/**
 * Stable partition of several nodes' rows (missing values to the default side, else left iff bin <=
 * split bin). `desc` holds 8 ints per node: begin, end, feature, split bin, missing code, default left,
 * side to gather (0 left, 1 right, -1 none), and in entry j the index of the j-th node to process
 * (largest first). With `counter` null one thread processes them all; otherwise every thread takes the
 * next from `counter[3]` until none is left (each node's partition is independent and stable, so the
 * result does not depend on who took it). The gathered child's gradients are copied to `gh` by
 * partition position. Writes the left child's end to `out[k]`. `tmp` is scratch at the same positions
 * as `rows`.
 */
export function partitionNodes(
  codes: Uint8Array | Uint16Array,
  nRows: number,
  rows: Int32Array,
  tmp: Int32Array,
  gh: Float64Array,
  grad: Float32Array,
  hess: Float32Array,
  desc: Int32Array,
  nNodes: number,
  counter: Int32Array | null,
  out: Int32Array,
  wasm: WasmPartitionLike | null,
): void {
  for (let j = 0; ; j++) {
    if (counter !== null) j = Atomics.add(counter, 3, 1);
    if (j >= nNodes) break;
    const k = desc[8 * j + 7] as number;
    const b = desc[8 * k] as number;
    const e = desc[8 * k + 1] as number;
    const col = (desc[8 * k + 2] as number) * nRows;
    const s = desc[8 * k + 3] as number;
    const miss = desc[8 * k + 4] as number;
    const dl = desc[8 * k + 5] as number;
    if (wasm !== null) {
      // the node as one chunk: split into tmp, then copied back (and gathered) as partitionCopy does
      const side = desc[8 * k + 6] as number;
      const n = partitionChunkWasm(wasm, codes, rows, tmp, col, b, e, s, miss, dl);
      copyChunkWasm(wasm, rows, tmp, gh, grad, hess, b, e, n, b, b + n, side);
      out[k] = b + n;
      continue;
    }
    let nl = b;
    let nr = b;
    // branch-free: the side is unpredictable, so write both candidates and advance one cursor
    for (let q = b; q < e; q++) {
      const r = rows[q] as number;
      const c = codes[col + r] as number;
      const left = +(c <= s) | (+(c === miss) & dl);
      rows[nl] = r;
      tmp[nr] = r;
      nl += left;
      nr += 1 - left;
    }
    for (let q = b, d = nl; q < nr; q++, d++) rows[d] = tmp[q] as number;
    out[k] = nl;
    const side = desc[8 * k + 6] as number;
    if (side >= 0) {
      const g0 = side === 0 ? b : nl;
      const g1 = side === 0 ? nl : e;
      for (let q = g0; q < g1; q++) {
        const r = rows[q] as number;
        gh[2 * q] = grad[r] as number;
        gh[2 * q + 1] = hess[r] as number;
      }
    }
  }
}

/** The wasm partition kernels (see `wasm-kernel.ts`); every array must be in its memory. */
interface WasmPartitionLike {
  pc8(...args: number[]): number;
  pc16(...args: number[]): number;
  cp(...args: number[]): void;
}

/**
 * One chunk `[cb, ce)` split into `tmp` by the wasm kernel (left rows in order from `cb`, right rows
 * from `ce - 1` down, as {@link partitionChunks}); returns the left count.
 */
export function partitionChunkWasm(
  wasm: WasmPartitionLike,
  codes: Uint8Array | Uint16Array,
  rows: Int32Array,
  tmp: Int32Array,
  col: number,
  cb: number,
  ce: number,
  s: number,
  miss: number,
  dl: number,
): number {
  return codes instanceof Uint16Array
    ? wasm.pc16(rows.byteOffset, tmp.byteOffset, codes.byteOffset + 2 * col, cb, ce, s, miss, dl)
    : wasm.pc8(rows.byteOffset, tmp.byteOffset, codes.byteOffset + col, cb, ce, s, miss, dl);
}

/**
 * The copy back of one chunk `[cb, ce)` split by {@link partitionChunkWasm}: its `nl` left rows to
 * `rows` from `ld` on, its right rows (un-reversed) from `rd` on, gathering the gradient pairs of the
 * side `side` (0 left, 1 right, -1 none) into `gh` by partition position.
 */
export function copyChunkWasm(
  wasm: WasmPartitionLike,
  rows: Int32Array,
  tmp: Int32Array,
  gh: Float64Array,
  grad: Float32Array,
  hess: Float32Array,
  cb: number,
  ce: number,
  nl: number,
  ld: number,
  rd: number,
  side: number,
): void {
  const r = rows.byteOffset;
  const t = tmp.byteOffset;
  const g = gh.byteOffset;
  wasm.cp(r, t, g, grad.byteOffset, hess.byteOffset, cb, 1, nl, ld, side === 0 ? 1 : 0);
  wasm.cp(r, t, g, grad.byteOffset, hess.byteOffset, ce - 1, -1, ce - cb - nl, rd, side === 1 ? 1 : 0);
}

/**
 * First phase of the threaded partition: nodes are cut into chunks of rows (`chunks` holds 3 ints per
 * chunk: node index into `desc`, begin, end) claimed with {@link claimChunk}, from the same end of the
 * list as in {@link partitionCopy} (a chunk's `tmp` rows are then mostly copied by the thread that
 * wrote them). A chunk's left rows go, in order,
 * to the front of its own range of `tmp`, its right rows to the back in reverse order; `counts[c]`
 * receives its number of left rows. `desc` is laid out as for {@link partitionNodes}.
 */
export function partitionChunks(
  codes: Uint8Array | Uint16Array,
  nRows: number,
  rows: Int32Array,
  tmp: Int32Array,
  desc: Int32Array,
  chunks: Int32Array,
  nChunks: number,
  counter: Int32Array,
  front: boolean,
  counts: Int32Array,
  wasm: WasmPartitionLike | null,
): void {
  for (;;) {
    const c = claimChunk(counter, nChunks, front);
    if (c < 0) break;
    const k = chunks[3 * c] as number;
    const cb = chunks[3 * c + 1] as number;
    const ce = chunks[3 * c + 2] as number;
    const col = (desc[8 * k + 2] as number) * nRows;
    const s = desc[8 * k + 3] as number;
    const miss = desc[8 * k + 4] as number;
    const dl = desc[8 * k + 5] as number;
    if (wasm !== null) {
      counts[c] = partitionChunkWasm(wasm, codes, rows, tmp, col, cb, ce, s, miss, dl);
      continue;
    }
    let nl = cb;
    let nr = ce - 1;
    // branch-free: every write to the wrong side lands on a slot a later row of that side overwrites
    for (let q = cb; q < ce; q++) {
      const r = rows[q] as number;
      const cd = codes[col + r] as number;
      const left = +(cd <= s) | (+(cd === miss) & dl);
      tmp[nl] = r;
      tmp[nr] = r;
      nl += left;
      nr -= 1 - left;
    }
    counts[c] = nl - cb;
  }
}

/**
 * Second phase of the threaded partition: chunk c's left rows are copied to `rows` from
 * `dest[2c]` on and its right rows (un-reversed) from `dest[2c + 1]` on, which puts every node's rows
 * in the order of the one-pass stable partition; the rows of the side to gather get their gradients
 * in `gh` by partition position, as {@link partitionNodes} does.
 */
export function partitionCopy(
  rows: Int32Array,
  tmp: Int32Array,
  gh: Float64Array,
  grad: Float32Array,
  hess: Float32Array,
  desc: Int32Array,
  chunks: Int32Array,
  nChunks: number,
  counter: Int32Array,
  front: boolean,
  counts: Int32Array,
  dest: Int32Array,
  wasm: WasmPartitionLike | null,
  base = 3,
): void {
  for (;;) {
    const c = claimChunk(counter, nChunks, front, base);
    if (c < 0) break;
    const k = chunks[3 * c] as number;
    const cb = chunks[3 * c + 1] as number;
    const ce = chunks[3 * c + 2] as number;
    const nl = counts[c] as number;
    const side = desc[8 * k + 6] as number;
    const ld = dest[2 * c] as number;
    const rd = dest[2 * c + 1] as number;
    if (wasm !== null) {
      copyChunkWasm(wasm, rows, tmp, gh, grad, hess, cb, ce, nl, ld, rd, side);
      continue;
    }
    if (side === 0) {
      for (let i = 0; i < nl; i++) {
        const r = tmp[cb + i] as number;
        rows[ld + i] = r;
        gh[2 * (ld + i)] = grad[r] as number;
        gh[2 * (ld + i) + 1] = hess[r] as number;
      }
    } else for (let i = 0; i < nl; i++) rows[ld + i] = tmp[cb + i] as number;
    const nr = ce - cb - nl;
    if (side === 1) {
      for (let i = 0; i < nr; i++) {
        const r = tmp[ce - 1 - i] as number;
        rows[rd + i] = r;
        gh[2 * (rd + i)] = grad[r] as number;
        gh[2 * (rd + i) + 1] = hess[r] as number;
      }
    } else for (let i = 0; i < nr; i++) rows[rd + i] = tmp[ce - 1 - i] as number;
  }
}

/**
 * Between the two phases of the threaded partition: from every chunk's left count, where its left
 * and right rows go (`dest[2c]`, `dest[2c + 1]`; a node's chunks are consecutive, in row order) and,
 * when `out` is given, each node's left child end `out[k]`. Every thread computes the same.
 */
export function partitionDest(
  desc: Int32Array,
  chunks: Int32Array,
  nChunks: number,
  counts: Int32Array,
  dest: Int32Array,
  out: Int32Array | null,
): void {
  for (let c = 0; c < nChunks; ) {
    const k = chunks[3 * c] as number;
    let end = c;
    let left = 0;
    while (end < nChunks && chunks[3 * end] === k) left += counts[end++] as number;
    const b = desc[8 * k] as number;
    let l = b;
    let r = b + left;
    for (; c < end; c++) {
      dest[2 * c] = l;
      dest[2 * c + 1] = r;
      l += counts[c] as number;
      r += (chunks[3 * c + 2] as number) - (chunks[3 * c + 1] as number) - (counts[c] as number);
    }
    if (out !== null) out[k] = b + left;
  }
}

/**
 * The barrier between the partition's phases inside one task: each of `threads` threads arrives
 * (`ctrl[6]`), then waits for the others (spinning briefly, then sleeping). Returns false, without
 * waiting further, once a thread has flagged an error (`ctrl[2]`).
 */
export function partitionArrive(ctrl: Int32Array, threads: number): boolean {
  if (Atomics.add(ctrl, 6, 1) + 1 === threads) {
    Atomics.notify(ctrl, 6);
    return Atomics.load(ctrl, 2) === 0;
  }
  const t0 = performance.now();
  for (;;) {
    const v = Atomics.load(ctrl, 6);
    if (v >= threads) return Atomics.load(ctrl, 2) === 0;
    if (Atomics.load(ctrl, 2) !== 0) return false;
    if (performance.now() - t0 > 0.3) Atomics.wait(ctrl, 6, v, 1);
  }
}

/**
 * Gradients of rows `[begin, end)` for binary:logistic, in XGBoost's float32 arithmetic:
 * `p = 1 / (expf(-margin) + 1)`, `g = (p - y) * w`, `h = max(p (1 - p), 1e-16) * w`, w multiplied by
 * `spw` when y = 1. `w` of length 0 means unit weights. When `gh` is not empty the pairs are also
 * stored there (the root's gradients by partition position when every row is in the tree).
 */
export function gradientRange(
  margin: Float32Array,
  y: Float32Array,
  w: Float32Array,
  spw: number,
  grad: Float32Array,
  hess: Float32Array,
  begin: number,
  end: number,
  gh: Float64Array,
): void {
  const fround = Math.fround;
  const eps = fround(1e-16);
  const unit = w.length === 0;
  const both = gh.length > 0;
  // expf through a table-and-polynomial exp in double (relative error < 3e-15, V8's Math.exp costs
  // about half the loop): its float32 rounding is taken only when everything within 1e-12 of it rounds
  // to the same float, so it equals fround(Math.exp(x)) exactly; otherwise Math.exp decides. The tables
  // are built per call because this function also runs as source text in the workers.
  const frac = new Float64Array(32);
  for (let j = 0; j < 32; j++) frac[j] = 2 ** (j / 32);
  const pow2 = new Float64Array(256);
  for (let m = 0; m < 256; m++) pow2[m] = 2 ** (m - 128);
  const inv = 32 / Math.LN2;
  // fdlibm's split of ln 2 (the high part has trailing zero bits, so k * hi is exact), over 32
  const ln2Hi = 0.6931471803691238 / 32;
  const ln2Lo = 1.9082149292705877e-10 / 32;
  const round = 6755399441055744; // 1.5 * 2^52: adding and subtracting it rounds to an integer
  for (let i = begin; i < end; i++) {
    const x = -(margin[i] as number);
    let e = -1; // exp is never negative: -1 marks "not decided"
    if (x >= -80 && x <= 80) {
      const k = (x * inv + round - round) | 0;
      const r = x - k * ln2Hi - k * ln2Lo;
      const q = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
      const v = (frac[k & 31] as number) * (pow2[(k >> 5) + 128] as number) * q;
      const a = fround(v * (1 + 1e-12));
      if (a === fround(v * (1 - 1e-12))) e = a;
    }
    if (e < 0) e = fround(Math.exp(x));
    const pr = fround(1 / fround(e + 1));
    const yi = y[i] as number;
    let wi = unit ? 1 : (w[i] as number);
    if (yi === 1) wi = fround(wi * spw);
    const g = fround(fround(pr - yi) * wi);
    const hh = fround(pr * fround(1 - pr));
    const h = fround(Math.max(hh, eps) * wi);
    grad[i] = g;
    hess[i] = h;
    if (both) {
      gh[2 * i] = g;
      gh[2 * i + 1] = h;
    }
  }
}

/** The wasm gradient export {@link gradientRangeWith} calls (see `wasm-kernel.ts`). */
interface WasmGradientLike {
  gr2(...args: number[]): void;
}

/**
 * {@link gradientRange} through the wasm kernel's `gr2` (same values) when `wasm` is given: every
 * array must then be in its memory and `tab` is the address of its exp table.
 */
export function gradientRangeWith(
  wasm: WasmGradientLike | null,
  tab: number,
  margin: Float32Array,
  y: Float32Array,
  w: Float32Array,
  spw: number,
  grad: Float32Array,
  hess: Float32Array,
  begin: number,
  end: number,
  gh: Float64Array,
): void {
  if (wasm === null) {
    gradientRange(margin, y, w, spw, grad, hess, begin, end, gh);
    return;
  }
  const wAddr = w.length === 0 ? 0 : w.byteOffset;
  const ghAddr = gh.length === 0 ? 0 : gh.byteOffset;
  wasm.gr2(
    margin.byteOffset,
    y.byteOffset,
    wAddr,
    spw,
    grad.byteOffset,
    hess.byteOffset,
    begin,
    end,
    ghAddr,
    tab,
  );
}

/** Adds leaf values to the margins of the leaves' rows (`desc`: begin, end, value per leaf); leaf k by thread k mod T. */
export function addLeafValues(
  rows: Int32Array,
  margin: Float32Array,
  desc: Float64Array,
  nLeaves: number,
  t: number,
  T: number,
): void {
  for (let k = t; k < nLeaves; k += T) {
    const e = desc[3 * k + 1] as number;
    const v = desc[3 * k + 2] as number;
    for (let q = desc[3 * k] as number; q < e; q++) {
      const r = rows[q] as number;
      margin[r] = (margin[r] as number) + v;
    }
  }
}
