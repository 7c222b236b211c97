/**
 * XGBoost 1.7's streaming weighted quantile sketch (`WQSummary`, `WQuantileSketch<float, float>` of
 * `src/common/quantile.h`), reimplemented so that `hist` cuts equal XGBoost's on any data: summaries
 * of (value, rmin, rmax, wmin) entries with float32 ranks, `SetPrune`, `SetCombine` (with `FixError`),
 * the input queue that merges consecutive equal values and is summarised exactly when full, and the
 * level-merging `PushTemp`. Every rank operation rounds to float32 where XGBoost's `float` does.
 * @module
 */

/** A weighted quantile summary: `size` entries, value ascending; ranks are float32, as XGBoost's. */
export interface QuantileSummary {
  readonly value: Float32Array;
  readonly rmin: Float32Array;
  readonly rmax: Float32Array;
  readonly wmin: Float32Array;
  size: number;
}

/** A streaming sketch of one column (XGBoost's `WQuantileSketch`): `init`, then `push`, then `getSummary`. */
export interface QuantileSketch {
  /** `WQuantileSketch::Init(maxn, eps)`; `eagerQueue` sizes the queue at once, as `HostSketchContainer` does. */
  init(maxn: number, eps: number, eagerQueue: boolean): void;
  /** `Push(x, w)`: zero weights are ignored; weights are rounded to float32. */
  push(x: number, w: number): void;
  /** `GetSummary`: the final summary, valid until the next `init`. */
  getSummary(): QuantileSummary;
  /** Entries per level (`limit_size`), set by `init`. */
  readonly limitSize: number;
  /** Number of levels (`nlevel`), set by `init`. */
  readonly nlevel: number;
}

/** The operations of {@link quantileSketchKernel}. */
export interface QuantileSketchKernel {
  /** An empty summary with room for `capacity` entries. */
  newSummary(capacity: number): QuantileSummary;
  /** `WQSummary::SetPrune`: `dst` gets at most `maxSize` entries of `src` chosen by rank (`src` when it fits). */
  setPrune(dst: QuantileSummary, src: QuantileSummary, maxSize: number): QuantileSummary;
  /** `WQSummary::SetCombine` followed by its `FixError`: `dst` (capacity `a.size + b.size`) gets the merge. */
  setCombine(dst: QuantileSummary, a: QuantileSummary, b: QuantileSummary): void;
  /** `LimitSizeLevel(maxn, eps)`: `[nlevel, limitSize]`. */
  limitSizeLevel(maxn: number, eps: number): [number, number];
  /** A new streaming sketch; buffers are reused across `init` calls. */
  createSketch(): QuantileSketch;
  /**
   * Stable LSD radix sort of `n` order-preserving float32 keys (see `floatKey`) carrying an Int32
   * payload, three passes of 11 bits with `counts` (2048 entries) as scratch: the sorted keys and
   * payload end in `keys2` and `idx2`.
   */
  radixSort(
    n: number,
    keys: Uint32Array,
    idx: Int32Array,
    keys2: Uint32Array,
    idx2: Int32Array,
    counts: Int32Array,
  ): void;
  /** The sort key of float32 bits `u`: unsigned order equals float order, and -0 and +0 get one key. */
  floatKey(u: number): number;
}

/**
 * Builds the sketch operations. Self-contained (helpers nested, no imports, no module constants):
 * worker threads receive its source next to `fitBinColumns`, which gets it as an argument.
 * @example const k = quantileSketchKernel(); const s = k.createSketch(); s.init(n, 1 / 2048, true);
 */
export function quantileSketchKernel(): QuantileSketchKernel {
  const f32 = Math.fround;

  function newSummary(capacity: number): QuantileSummary {
    return {
      value: new Float32Array(capacity),
      rmin: new Float32Array(capacity),
      rmax: new Float32Array(capacity),
      wmin: new Float32Array(capacity),
      size: 0,
    };
  }

  // grows a summary's buffers (contents are not kept: every caller overwrites them)
  function reserve(s: QuantileSummary, capacity: number): QuantileSummary {
    return s.value.length >= capacity ? s : newSummary(Math.max(capacity, 2 * s.value.length));
  }

  function copyFrom(dst: QuantileSummary, src: QuantileSummary): void {
    const n = src.size;
    dst.value.set(src.value.subarray(0, n));
    dst.rmin.set(src.rmin.subarray(0, n));
    dst.rmax.set(src.rmax.subarray(0, n));
    dst.wmin.set(src.wmin.subarray(0, n));
    dst.size = n;
  }

  function copyEntry(dst: QuantileSummary, src: QuantileSummary, i: number): void {
    const k = dst.size++;
    dst.value[k] = src.value[i] as number;
    dst.rmin[k] = src.rmin[i] as number;
    dst.rmax[k] = src.rmax[i] as number;
    dst.wmin[k] = src.wmin[i] as number;
  }

  function setPrune(dst: QuantileSummary, src: QuantileSummary, maxSize: number): QuantileSummary {
    if (src.size <= maxSize) {
      if (dst !== src) copyFrom(dst, src);
      return dst;
    }
    const { rmin, rmax, wmin } = src;
    const last = src.size - 1;
    const begin = rmax[0] as number;
    const range = f32((rmin[last] as number) - begin);
    const n = maxSize - 1;
    dst.size = 0;
    copyEntry(dst, src, 0);
    let i = 1;
    let lastIdx = 0;
    for (let k = 1; k < n; k++) {
      const dx2 = f32(2 * f32(f32(f32(k * range) / n) + begin));
      // first i with dx2 < rmax[i + 1] + rmin[i + 1]
      while (i < last && dx2 >= f32((rmax[i + 1] as number) + (rmin[i + 1] as number))) i++;
      if (i === last) break;
      const rminNext = f32((rmin[i] as number) + (wmin[i] as number));
      const rmaxPrev = f32((rmax[i + 1] as number) - (wmin[i + 1] as number));
      if (dx2 < f32(rminNext + rmaxPrev)) {
        if (i !== lastIdx) {
          copyEntry(dst, src, i);
          lastIdx = i;
        }
      } else if (i + 1 !== lastIdx) {
        copyEntry(dst, src, i + 1);
        lastIdx = i + 1;
      }
    }
    if (lastIdx !== last) copyEntry(dst, src, last);
    return dst;
  }

  function appendTail(
    dst: QuantileSummary,
    d: number,
    src: QuantileSummary,
    from: number,
    prevRmin: number,
    otherRmax: number,
  ): number {
    for (let i = from; i < src.size; i++, d++) {
      dst.value[d] = src.value[i] as number;
      dst.rmin[d] = (src.rmin[i] as number) + prevRmin;
      dst.rmax[d] = (src.rmax[i] as number) + otherRmax;
      dst.wmin[d] = src.wmin[i] as number;
    }
    return d;
  }

  function setCombine(dst: QuantileSummary, sa: QuantileSummary, sb: QuantileSummary): void {
    if (sa.size === 0) {
      copyFrom(dst, sb);
      return;
    }
    if (sb.size === 0) {
      copyFrom(dst, sa);
      return;
    }
    const { value, rmin, rmax, wmin } = dst;
    let a = 0;
    let b = 0;
    let d = 0;
    let aPrevRmin = 0;
    let bPrevRmin = 0;
    while (a < sa.size && b < sb.size) {
      const va = sa.value[a] as number;
      const vb = sb.value[b] as number;
      if (va === vb) {
        value[d] = va;
        rmin[d] = (sa.rmin[a] as number) + (sb.rmin[b] as number);
        rmax[d] = (sa.rmax[a] as number) + (sb.rmax[b] as number);
        wmin[d] = (sa.wmin[a] as number) + (sb.wmin[b] as number);
        aPrevRmin = f32((sa.rmin[a] as number) + (sa.wmin[a] as number));
        bPrevRmin = f32((sb.rmin[b] as number) + (sb.wmin[b] as number));
        a++;
        b++;
      } else if (va < vb) {
        value[d] = va;
        rmin[d] = (sa.rmin[a] as number) + bPrevRmin;
        rmax[d] = (sa.rmax[a] as number) + f32((sb.rmax[b] as number) - (sb.wmin[b] as number));
        wmin[d] = sa.wmin[a] as number;
        aPrevRmin = f32((sa.rmin[a] as number) + (sa.wmin[a] as number));
        a++;
      } else {
        value[d] = vb;
        rmin[d] = (sb.rmin[b] as number) + aPrevRmin;
        rmax[d] = (sb.rmax[b] as number) + f32((sa.rmax[a] as number) - (sa.wmin[a] as number));
        wmin[d] = sb.wmin[b] as number;
        bPrevRmin = f32((sb.rmin[b] as number) + (sb.wmin[b] as number));
        b++;
      }
      d++;
    }
    // the rest of one side: every value above the other side's, whose whole weight lies below
    if (a < sa.size) d = appendTail(dst, d, sa, a, bPrevRmin, sb.rmax[sb.size - 1] as number);
    if (b < sb.size) d = appendTail(dst, d, sb, b, aPrevRmin, sa.rmax[sa.size - 1] as number);
    dst.size = d;
    // FixError: re-establish rmin/rmax monotonicity and rmax >= rmin + wmin after float rounding
    let prevRmin = 0;
    let prevRmax = 0;
    for (let i = 0; i < d; i++) {
      if ((rmin[i] as number) < prevRmin) rmin[i] = prevRmin;
      else prevRmin = rmin[i] as number;
      if ((rmax[i] as number) < prevRmax) rmax[i] = prevRmax;
      const rminNext = f32((rmin[i] as number) + (wmin[i] as number));
      if ((rmax[i] as number) < rminNext) rmax[i] = rminNext;
      prevRmax = rmax[i] as number;
    }
  }

  function limitSizeLevel(maxn: number, eps: number): [number, number] {
    let nlevel = 1;
    let limit: number;
    for (;;) {
      limit = Math.min(maxn, Math.ceil(nlevel / eps) + 1);
      if (2 ** nlevel * limit >= maxn) break;
      nlevel++;
    }
    return [nlevel, limit];
  }

  function floatKey(bits: number): number {
    const u = bits === 0x80000000 ? 0 : bits;
    return u & 0x80000000 ? ~u >>> 0 : (u | 0x80000000) >>> 0;
  }

  function radixSort(
    n: number,
    keys: Uint32Array,
    idx: Int32Array,
    keys2: Uint32Array,
    idx2: Int32Array,
    counts: Int32Array,
  ): void {
    let k1 = keys;
    let k2 = keys2;
    let i1 = idx;
    let i2 = idx2;
    for (let shift = 0; shift < 33; shift += 11) {
      counts.fill(0);
      for (let q = 0; q < n; q++) {
        const dg = ((k1[q] as number) >>> shift) & 2047;
        counts[dg] = (counts[dg] as number) + 1;
      }
      let sum = 0;
      for (let dg = 0; dg < 2048; dg++) {
        const c = counts[dg] as number;
        counts[dg] = sum;
        sum += c;
      }
      for (let q = 0; q < n; q++) {
        const key = k1[q] as number;
        const dg = (key >>> shift) & 2047;
        const to = counts[dg] as number;
        counts[dg] = to + 1;
        k2[to] = key;
        i2[to] = i1[q] as number;
      }
      [k1, k2] = [k2, k1];
      [i1, i2] = [i2, i1];
    }
  }

  function createSketch(): QuantileSketch {
    let limitSize = 0;
    let nlevel = 0;
    // the input queue: consecutive equal values merged, summarised exactly when full
    let qValue = new Float32Array(1);
    let qWeight = new Float32Array(1);
    let qSize = 1;
    let qTail = 0;
    let temp = newSummary(0);
    let out = newSummary(0);
    // levels[0] is scratch space; levels[l] for l >= 1 hold summaries of 2^(l-1) queue loads or more
    const levels: QuantileSummary[] = [];
    let nLevels = 0;
    // radix-sort scratch for the queue
    let keys = new Uint32Array(0);
    let keys2 = new Uint32Array(0);
    let order = new Int32Array(0);
    let order2 = new Int32Array(0);
    const counts = new Int32Array(2048);

    function resizeQueue(n: number): void {
      if (qValue.length < n) {
        const v = new Float32Array(n);
        const w = new Float32Array(n);
        v.set(qValue.subarray(0, qTail));
        w.set(qWeight.subarray(0, qTail));
        qValue = v;
        qWeight = w;
      }
      qSize = n;
    }

    // Queue::MakeSummary: sort by value (a stable LSD radix sort on order-preserving keys) and sum the
    // weights of equal values
    function makeSummary(dst: QuantileSummary): QuantileSummary {
      const n = qTail;
      const s = reserve(dst, n);
      if (keys.length < n) {
        keys = new Uint32Array(n);
        keys2 = new Uint32Array(n);
        order = new Int32Array(n);
        order2 = new Int32Array(n);
      }
      const qBits = new Uint32Array(qValue.buffer, 0, n);
      for (let q = 0; q < n; q++) {
        keys[q] = floatKey(qBits[q] as number);
        order[q] = q;
      }
      radixSort(n, keys, order, keys2, order2, counts);
      s.size = 0;
      let wsum = 0;
      for (let i = 0; i < n; ) {
        let j = i + 1;
        const vi = qValue[order2[i] as number] as number;
        let w = qWeight[order2[i] as number] as number;
        while (j < n && qValue[order2[j] as number] === vi) {
          w = f32(w + (qWeight[order2[j] as number] as number));
          j++;
        }
        const e = s.size++;
        s.value[e] = vi;
        s.rmin[e] = wsum;
        s.rmax[e] = f32(wsum + w);
        s.wmin[e] = w;
        wsum = f32(wsum + w);
        i = j;
      }
      return s;
    }

    function initLevel(n: number): void {
      while (nLevels < n) {
        if (levels.length <= nLevels || (levels[nLevels] as QuantileSummary).value.length < limitSize) {
          levels[nLevels] = newSummary(limitSize);
        }
        (levels[nLevels] as QuantileSummary).size = 0;
        nLevels++;
      }
    }

    function pushTemp(): void {
      temp = reserve(temp, 2 * limitSize);
      for (let l = 1; ; l++) {
        initLevel(l + 1);
        const level = levels[l] as QuantileSummary;
        const level0 = levels[0] as QuantileSummary;
        if (level.size === 0) {
          setPrune(level, temp, limitSize);
          break;
        }
        setPrune(level0, temp, limitSize);
        setCombine(temp, level0, level);
        if (temp.size > limitSize) {
          level.size = 0;
        } else {
          copyFrom(level, temp);
          break;
        }
      }
    }

    const sketch: QuantileSketch = {
      get limitSize() {
        return limitSize;
      },
      get nlevel() {
        return nlevel;
      },
      init(maxn: number, eps: number, eagerQueue: boolean): void {
        [nlevel, limitSize] = limitSizeLevel(maxn, eps);
        qTail = 0;
        // lazy: with one distinct value no queue is needed
        resizeQueue(1);
        if (eagerQueue) resizeQueue(2 * limitSize);
        for (let l = 0; l < nLevels; l++) (levels[l] as QuantileSummary).size = 0;
        nLevels = 0;
      },
      push(x: number, weight: number): void {
        const w = f32(weight);
        if (w === 0) return;
        const v = f32(x);
        if (qTail === qSize && qValue[qTail - 1] !== v) {
          if (qSize === 1) {
            resizeQueue(2 * limitSize);
          } else {
            temp = makeSummary(reserve(temp, 2 * limitSize));
            qTail = 0;
            pushTemp();
          }
        }
        if (qTail === 0 || qValue[qTail - 1] !== v) {
          qValue[qTail] = v;
          qWeight[qTail] = w;
          qTail++;
        } else {
          qWeight[qTail - 1] = (qWeight[qTail - 1] as number) + w;
        }
      },
      getSummary(): QuantileSummary {
        out = makeSummary(reserve(out, nLevels !== 0 ? 2 * limitSize : qSize));
        if (nLevels !== 0) {
          const level0 = levels[0] as QuantileSummary;
          setPrune(level0, out, limitSize);
          for (let l = 1; l < nLevels; l++) {
            const level = levels[l] as QuantileSummary;
            if (level.size === 0) continue;
            if (level0.size === 0) {
              copyFrom(level0, level);
            } else {
              out = reserve(out, level0.size + level.size);
              setCombine(out, level0, level);
              setPrune(level0, out, limitSize);
            }
          }
          out = reserve(out, level0.size);
          copyFrom(out, level0);
        } else if (out.size > limitSize) {
          temp = reserve(temp, limitSize);
          setPrune(temp, out, limitSize);
          copyFrom(out, temp);
        }
        return out;
      },
    };
    return sketch;
  }

  return { newSummary, setPrune, setCombine, limitSizeLevel, createSketch, radixSort, floatKey };
}
