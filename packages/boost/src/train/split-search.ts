/**
 * The split search: for each node, the best split over its features' histograms (XGBoost's
 * enumeration order, gain arithmetic and tie rules, see `split-gain.ts` for the formulas it reproduces).
 * Self-contained functions (no imports at run time, no closure) because worker threads receive their
 * source text.
 * @module
 */

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
