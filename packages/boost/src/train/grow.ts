/**
 * Grows one regression tree on binned data the way XGBoost 1.7's `QuantileHistMaker` does
 * (`updater_quantile_hist.cc` `ExpandTree`, `driver.h`, `hist/evaluate_splits.h`): same candidate
 * order, tie rules, validity checks, node numbering, child weights and float32 roundings.
 * @module
 */
import type { ResolvedParams } from './params.js';
import { clampedWeight, gainGivenWeight, type SplitParams } from './split-gain.js';
import type { TrainingExecutor } from './training-executor.js';

const fround = Math.fround;
const RT_EPS = 1e-6;
const FLT_MAX = 3.4028234663852886e38;
const MAX_NODE_BATCH = 256;

/** Binned training data as the grower reads it. */
export interface GrowData {
  readonly codes: Uint8Array | Uint16Array;
  readonly nRows: number;
  readonly nFeat: number;
  /** Bins per feature (= its missing code). */
  readonly nbins: Int32Array;
  /** Histogram slot offset per feature (`nFeat + 1` entries; feature f owns `nbins[f] + 1` slots). */
  readonly slotPtr: Int32Array;
  readonly cuts: Float32Array;
  readonly cutPtr: Int32Array;
  readonly minValues: Float32Array;
}

/** A grown tree in growable arrays, plus where its training rows ended up. */
export interface GrownTree {
  readonly numNodes: number;
  readonly left: number[];
  readonly parent: number[];
  readonly splitFeature: number[];
  readonly splitBin: number[];
  readonly threshold: number[];
  readonly defaultLeft: number[];
  readonly leafValue: number[];
  readonly baseWeight: number[];
  readonly lossChange: number[];
  readonly sumHessian: number[];
  readonly count: number[];
  /** Partition segment of every node in `rows`. */
  readonly begin: number[];
  readonly end: number[];
  /** Sampled row ids, grouped by leaf (shared buffer, valid until the next tree). */
  readonly rows: Int32Array;
}

/** Per-tree sampling inputs. */
export interface GrowInput {
  readonly grad: Float32Array;
  readonly hess: Float32Array;
  /** Sampled row ids in ascending order, or null for all rows. */
  readonly sampledRows: Int32Array | null;
  readonly nSampled: number;
  /** Features available to this tree, ascending. */
  readonly treeFeatures: Int32Array;
  /** Picks the features of one node from the tree's features (colsample_bynode); identity when 1. */
  readonly nodeFeatures: (treeFeatures: Int32Array) => Int32Array;
}

/** Reusable tree executor: buffers are allocated once per training. */
export class TreeGrower {
  private readonly data: GrowData;
  private readonly p: ResolvedParams;
  private readonly sp: SplitParams;
  private readonly executor: TrainingExecutor;
  private readonly monotone: Int8Array | null;
  private readonly fast: boolean;
  private readonly rows: Int32Array;
  private readonly tmp: Int32Array;
  /** Gradient and hessian of every row for the next tree (shared with the workers); `train` fills them. */
  readonly grad: Float32Array;
  readonly hess: Float32Array;
  private partOut: Int32Array;
  private partDesc = new Int32Array(8 * 64);
  private readonly gh: Float64Array;
  private readonly histSize: number;
  private readonly chunks: Float64Array[] = [];
  private freeHists: number[] = [];
  private nodeDesc = new Int32Array(9 * 64);
  private readonly perChunk: number;
  private readonly fixedPool: boolean;
  private cur!: GrownTree;
  private readonly plain: boolean;
  private evalDesc = new Float64Array(0);
  private evalOut: Float64Array = new Float64Array(0);
  /** `gh` already holds the root's pairs (set by `computeGradients`, used by the next `grow`). */
  private rootReady = false;

  // per-node working state, indexed by node id
  private G: number[] = [];
  private H: number[] = [];
  private rootGain: number[] = [];
  private lower: number[] = [];
  private upper: number[] = [];
  private depth: number[] = [];
  private hist: number[] = [];
  // best split of each node
  private bLoss: number[] = [];
  private bFeat: number[] = [];
  private bBin: number[] = [];
  private bThr: number[] = [];
  private bDL: number[] = [];
  private bLG: number[] = [];
  private bLH: number[] = [];
  private bRG: number[] = [];
  private bRH: number[] = [];

  constructor(
    data: GrowData,
    params: ResolvedParams,
    executor: TrainingExecutor,
    monotone: Int8Array | null,
  ) {
    this.data = data;
    this.p = params;
    this.sp = params;
    this.executor = executor;
    this.monotone = monotone;
    this.fast = params.maxDeltaStep === 0 && monotone === null;
    this.plain = this.fast && params.alpha === 0;
    this.histSize = 2 * data.slotPtr[data.nFeat]!;
    // each node holds at most one histogram per tree: bound the pool by the nodes that can get one
    const byDepth = params.maxDepth > 0 ? 2 ** params.maxDepth - 1 : Number.POSITIVE_INFINITY;
    const byLeaves = params.maxLeaves > 0 ? 2 * params.maxLeaves - 1 : Number.POSITIVE_INFINITY;
    const capacity = Math.min(byDepth, byLeaves) + 2;
    const wasm =
      Number.isFinite(capacity) &&
      executor.prepare({
        codeBytes: data.codes.byteLength,
        nRows: data.nRows,
        poolDoubles: capacity * this.histSize,
      });
    this.rows = executor.allocInt32(data.nRows);
    const scratch = (n32: number): ArrayBufferLike => {
      const a = executor.allocScratch(Math.ceil(n32 / 2) + 1);
      return a.buffer;
    };
    this.tmp = executor.allocInt32(data.nRows);
    this.grad = executor.allocFloat32(data.nRows);
    this.hess = executor.allocFloat32(data.nRows);
    this.partOut = new Int32Array(scratch(1024), 0, 1024);
    this.gh = executor.allocFloat64(2 * data.nRows);
    this.perChunk = wasm ? capacity : 8;
    this.fixedPool = wasm;
    if (wasm) this.addPoolChunk();
    executor.setup({
      codes: data.codes,
      nRows: data.nRows,
      rows: this.rows,
      gh: this.gh,
      slotPtr: data.slotPtr,
      tmp: this.tmp,
      grad: this.grad,
      hess: this.hess,
    });
  }

  private addPoolChunk(): void {
    const chunk = this.executor.allocFloat64(this.perChunk * this.histSize);
    const c = this.executor.addChunk(chunk);
    this.chunks.push(chunk);
    for (let k = this.perChunk - 1; k >= 0; k--) this.freeHists.push(c * this.perChunk + k);
  }

  private allocHist(): number {
    if (this.freeHists.length === 0) {
      if (this.fixedPool) throw new Error('histogram pool exhausted');
      this.addPoolChunk();
    }
    return this.freeHists.pop()!;
  }

  private releaseAll(): void {
    this.freeHists = [];
    for (let c = this.chunks.length - 1; c >= 0; c--) {
      for (let k = this.perChunk - 1; k >= 0; k--) this.freeHists.push(c * this.perChunk + k);
    }
  }

  /** Allocates a margin array (and copies of labels/weights) shared with the workers. */
  sharedFloat32(values: ArrayLike<number> | number, length: number): Float32Array {
    const a = this.executor.allocFloat32(length);
    if (typeof values === 'number') a.fill(values);
    else a.set(values);
    return a;
  }

  /**
   * Fills `grad`/`hess` from the margins, on all threads. Pass `allRows` when the next tree uses every
   * row: with several threads the root's gradient pairs are then written in the same pass instead of
   * gathered serially (on one thread the separate gather measured as fast).
   */
  computeGradients(
    margin: Float32Array,
    y: Float32Array,
    w: Float32Array,
    spw: number,
    allRows = false,
  ): void {
    const root = allRows && this.executor.threads > 1;
    this.executor.gradients({
      margin,
      y,
      w,
      scalePosWeight: spw,
      grad: this.grad,
      hess: this.hess,
      n: this.data.nRows,
      root,
    });
    this.rootReady = root;
  }

  /** Adds the leaves of a grown tree to the margins of their (sampled) rows, on all threads. */
  addLeaves(t: GrownTree, margin: Float32Array): void {
    let n = 0;
    for (let k = 0; k < t.numNodes; k++) if (t.left[k]! < 0) n++;
    const desc = new Float64Array(3 * n);
    let j = 0;
    for (let k = 0; k < t.numNodes; k++) {
      if (t.left[k]! >= 0) continue;
      desc[3 * j] = t.begin[k]!;
      desc[3 * j + 1] = t.end[k]!;
      desc[3 * j + 2] = t.leafValue[k]!;
      j++;
    }
    this.executor.leaves(margin, desc, n);
  }

  /** Grows one tree. */
  grow(input: GrowInput): GrownTree {
    const { grad, hess, nSampled, treeFeatures } = input;
    const rows = this.rows;
    if (input.sampledRows === null) for (let i = 0; i < nSampled; i++) rows[i] = i;
    else rows.set(input.sampledRows.subarray(0, nSampled));
    this.releaseAll();
    const t: GrownTree = {
      numNodes: 1,
      left: [-1],
      parent: [-1],
      splitFeature: [0],
      splitBin: [0],
      threshold: [0],
      defaultLeft: [0],
      leafValue: [0],
      baseWeight: [0],
      lossChange: [0],
      sumHessian: [0],
      count: [nSampled],
      begin: [0],
      end: [nSampled],
      rows,
    };
    this.cur = t;
    this.G = [0];
    this.H = [0];
    this.rootGain = [0];
    this.lower = [-FLT_MAX];
    this.upper = [FLT_MAX];
    this.depth = [0];
    this.hist = [-1];
    this.bLoss = [0];
    this.bFeat = [0];
    this.bBin = [0];
    this.bThr = [0];
    this.bDL = [0];
    this.bLG = [0];
    this.bLH = [0];
    this.bRG = [0];
    this.bRH = [0];

    let G = 0;
    let H = 0;
    if (input.sampledRows === null) {
      for (let i = 0; i < nSampled; i++) {
        G += grad[i]!;
        H += hess[i]!;
      }
    } else {
      for (let i = 0; i < nSampled; i++) {
        const r = rows[i]!;
        G += grad[r]!;
        H += hess[r]!;
      }
    }
    this.G[0] = G;
    this.H[0] = H;
    const w0 = clampedWeight(this.sp, G, H, -FLT_MAX, FLT_MAX);
    this.rootGain[0] = gainGivenWeight(this.sp, G, H, w0, this.fast);
    t.baseWeight[0] = w0;
    t.sumHessian[0] = fround(H);
    t.leafValue[0] = fround(this.p.learningRate * w0);

    const gathered = this.rootReady && input.sampledRows === null;
    this.rootReady = false;
    const fused = this.plain && this.p.colsampleByNode >= 1;
    if (fused) this.buildHists([0], [input.sampledRows === null ? 1 : 0], input, null, null, !gathered, [0]);
    else {
      this.buildHists([0], [input.sampledRows === null ? 1 : 0], input, null, null, !gathered, null);
      this.evaluateNodes([0], [input.nodeFeatures(treeFeatures)]);
    }

    const p = this.p;
    const lossguide = p.growPolicy === 'lossguide';
    let queue: number[] = [];
    const push = (nid: number): void => {
      if (this.bLoss[nid]! > RT_EPS) queue.push(nid);
    };
    let driverLeaves = 1;
    let numLeaves = 1;
    const isValid = (nid: number, leaves: number): boolean => {
      const loss = this.bLoss[nid]!;
      if (loss <= RT_EPS) return false;
      if (this.bLH[nid] === 0 || this.bRH[nid] === 0) return false;
      if (loss < p.gamma) return false;
      if (p.maxDepth > 0 && this.depth[nid] === p.maxDepth) return false;
      if (p.maxLeaves > 0 && leaves === p.maxLeaves) return false;
      return true;
    };
    const pop = (): number[] => {
      if (queue.length === 0) return [];
      if (lossguide) {
        let best = 0;
        for (let k = 1; k < queue.length; k++) {
          const a = queue[k]!;
          const b = queue[best]!;
          const la = this.bLoss[a]!;
          const lb = this.bLoss[b]!;
          if (la > lb || (la === lb && a < b)) best = k;
        }
        const e = queue[best]!;
        queue.splice(best, 1);
        if (isValid(e, driverLeaves)) {
          driverLeaves++;
          return [e];
        }
        return [];
      }
      queue.sort((a, b) => a - b);
      const out: number[] = [];
      const level = this.depth[queue[0]!]!;
      let k = 0;
      while (k < queue.length && this.depth[queue[k]!] === level && out.length < MAX_NODE_BATCH) {
        const e = queue[k]!;
        k++;
        if (isValid(e, driverLeaves)) {
          driverLeaves++;
          out.push(e);
        }
      }
      queue = queue.slice(k);
      return out;
    };
    push(0);
    let expand = pop();
    while (expand.length > 0) {
      const valid: number[] = [];
      const applied: number[] = [];
      const depth = this.depth[expand[0]!]! + 1;
      for (const nid of expand) {
        if (!isValid(nid, numLeaves)) continue;
        this.applySplit(t, nid);
        applied.push(nid);
        numLeaves++;
        if (!(p.maxDepth > 0 && depth >= p.maxDepth) && !(p.maxLeaves > 0 && numLeaves >= p.maxLeaves))
          valid.push(nid);
      }
      const build: number[] = [];
      const other: number[] = [];
      for (const nid of valid) {
        const l = t.left[nid]!;
        const fewerRight = this.bRH[nid]! < this.bLH[nid]!;
        build.push(fewerRight ? l + 1 : l);
        other.push(fewerRight ? l : l + 1);
      }
      this.partitionLevel(t, applied, valid);
      if (valid.length > 0) {
        const children: number[] = [];
        for (const nid of valid) {
          const l = t.left[nid]!;
          children.push(l, l + 1);
        }
        if (fused) this.buildHists(build, [], input, valid, other, false, children);
        else {
          this.buildHists(build, [], input, valid, other, false, null);
          const lists: Int32Array[] = [];
          for (let k = 0; k < valid.length; k++) {
            lists.push(input.nodeFeatures(treeFeatures), input.nodeFeatures(treeFeatures));
          }
          this.evaluateNodes(children, lists);
        }
        for (const c of children) push(c);
      }
      expand = pop();
    }
    return t;
  }

  /**
   * Builds the histograms of `nodes` (gathering their gradients by partition position); for each
   * `sibling[k] >= 0` also derives the sibling's histogram as `parent[k] - built` in the same pass.
   * With `evaluate` (plain case, every node searching all the tree's features) the split search of
   * those nodes runs block by block as the histograms are built.
   */
  private buildHists(
    nodes: number[],
    contiguous: number[],
    input: GrowInput,
    parents: number[] | null,
    siblings: number[] | null,
    gather: boolean,
    evaluate: number[] | null,
  ): void {
    const { grad, hess, treeFeatures } = input;
    const rows = this.rows;
    const gh = this.gh;
    if (this.nodeDesc.length < 9 * nodes.length) this.nodeDesc = new Int32Array(18 * nodes.length);
    const desc = this.nodeDesc;
    for (let k = 0; k < nodes.length; k++) {
      const nid = nodes[k]!;
      const h = this.allocHist();
      this.hist[nid] = h;
      const b = this.cur.begin[nid]!;
      const e = this.cur.end[nid]!;
      if (gather) {
        for (let q = b; q < e; q++) {
          const r = rows[q]!;
          gh[2 * q] = grad[r]!;
          gh[2 * q + 1] = hess[r]!;
        }
      }
      desc[9 * k] = b;
      desc[9 * k + 1] = e;
      desc[9 * k + 2] = Math.floor(h / this.perChunk);
      desc[9 * k + 3] = (h % this.perChunk) * this.histSize;
      desc[9 * k + 4] = contiguous[k] ?? 0;
      desc[9 * k + 5] = -1;
      if (parents !== null && siblings !== null) {
        const hp = this.hist[parents[k]!]!;
        const ho = this.allocHist();
        this.hist[siblings[k]!] = ho;
        desc[9 * k + 5] = Math.floor(hp / this.perChunk);
        desc[9 * k + 6] = (hp % this.perChunk) * this.histSize;
        desc[9 * k + 7] = Math.floor(ho / this.perChunk);
        desc[9 * k + 8] = (ho % this.perChunk) * this.histSize;
      }
    }
    const build = {
      nodes: desc,
      nNodes: nodes.length,
      features: treeFeatures,
      nFeatures: treeFeatures.length,
    };
    if (evaluate === null) this.executor.build(build);
    else {
      const nf = treeFeatures.length;
      const T = this.executor.blocks(nf);
      this.describeEval(evaluate, null, nf, T);
      this.executor.build(build, {
        nodes: this.evalDesc,
        nNodes: evaluate.length,
        minChildWeight: this.sp.minChildWeight,
        lambda: this.sp.lambda,
        out: this.evalOut,
      });
      this.mergeBest(evaluate, T);
    }
    if (parents !== null) {
      for (const p of parents) {
        this.freeHists.push(this.hist[p]!);
        this.hist[p] = -1;
      }
    }
  }

  private splitGain(nid: number, f: number, lG: number, lH: number, rG: number, rH: number): number {
    const sp = this.sp;
    const lo = this.lower[nid]!;
    const up = this.upper[nid]!;
    const wl = clampedWeight(sp, lG, lH, lo, up);
    const wr = clampedWeight(sp, rG, rH, lo, up);
    const gain = fround(gainGivenWeight(sp, lG, lH, wl, false) + gainGivenWeight(sp, rG, rH, wr, false));
    const c = this.monotone === null ? 0 : this.monotone[f]!;
    if (c === 0) return gain;
    if (c > 0) return wl <= wr ? gain : Number.NEGATIVE_INFINITY;
    return wl >= wr ? gain : Number.NEGATIVE_INFINITY;
  }

  /**
   * Split search of several nodes: the plain case through the executor (threads split each node's
   * features, partial bests merged with XGBoost's order-independent NeedReplace), otherwise serially.
   */
  private evaluateNodes(nids: number[], lists: Int32Array[]): void {
    if (!this.plain) {
      nids.forEach((nid, k) => {
        this.evaluate(nid, lists[k]!);
      });
      return;
    }
    const T = this.executor.evalSlices;
    let total = 0;
    for (const l of lists) total += l.length;
    const features = new Int32Array(total);
    let at = 0;
    for (const l of lists) {
      features.set(l, at);
      at += l.length;
    }
    this.describeEval(nids, lists, 0, T);
    this.executor.evaluate(
      {
        nodes: this.evalDesc,
        nNodes: nids.length,
        minChildWeight: this.sp.minChildWeight,
        lambda: this.sp.lambda,
        out: this.evalOut,
      },
      features,
    );
    this.mergeBest(nids, T);
  }

  /**
   * Fills `evalDesc` for the split search of `nids` (feature lists `lists` laid end to end, or each
   * `nFeatures` long from 0) and sizes `evalOut` for `T` partial results per node.
   */
  private describeEval(nids: number[], lists: Int32Array[] | null, nFeatures: number, T: number): void {
    const n = nids.length;
    if (this.evalDesc.length < 7 * n) this.evalDesc = new Float64Array(14 * n);
    if (this.evalOut.length < 8 * n * T) this.evalOut = this.executor.allocScratch(16 * n * T);
    const desc = this.evalDesc;
    let at = 0;
    for (let k = 0; k < n; k++) {
      const nid = nids[k]!;
      const h = this.hist[nid]!;
      const len = lists === null ? nFeatures : lists[k]!.length;
      desc[7 * k] = Math.floor(h / this.perChunk);
      desc[7 * k + 1] = (h % this.perChunk) * this.histSize;
      desc[7 * k + 2] = this.G[nid]!;
      desc[7 * k + 3] = this.H[nid]!;
      desc[7 * k + 4] = this.rootGain[nid]!;
      desc[7 * k + 5] = lists === null ? 0 : at;
      desc[7 * k + 6] = lists === null ? len : at + len;
      at += len;
    }
  }

  /** Merges the `T` partial bests per node of `evalOut` into each node's best split. */
  private mergeBest(nids: number[], T: number): void {
    const n = nids.length;
    const out = this.evalOut;
    const { cuts, cutPtr, minValues } = this.data;
    for (let k = 0; k < n; k++) {
      const nid = nids[k]!;
      let bestLoss = 0;
      let bestIdx = 0;
      let o = -1;
      for (let t = 0; t < T; t++) {
        const q = 8 * (k * T + t);
        if (out[q + 2] === -2) continue;
        const loss = out[q]!;
        const f = out[q + 1]!;
        if (bestIdx <= f ? loss > bestLoss : !(bestLoss > loss)) {
          bestLoss = loss;
          bestIdx = f;
          o = q;
        }
      }
      if (o < 0) {
        this.bLoss[nid] = 0;
        this.bLH[nid] = 0;
        this.bRH[nid] = 0;
        continue;
      }
      const bin = out[o + 2]!;
      this.bLoss[nid] = bestLoss;
      this.bFeat[nid] = bestIdx;
      this.bBin[nid] = bin;
      this.bThr[nid] = bin >= 0 ? cuts[cutPtr[bestIdx]! + bin]! : minValues[bestIdx]!;
      this.bDL[nid] = out[o + 3]!;
      this.bLG[nid] = out[o + 4]!;
      this.bLH[nid] = out[o + 5]!;
      this.bRG[nid] = out[o + 6]!;
      this.bRH[nid] = out[o + 7]!;
    }
  }

  /** `HistEvaluator::EvaluateSplits` for one node: forward pass, then backward when values are missing. */
  private evaluate(nid: number, features: Int32Array): void {
    const { nbins, slotPtr, cuts, cutPtr, minValues } = this.data;
    const h = this.hist[nid]!;
    const hist = this.chunks[Math.floor(h / this.perChunk)]!;
    const base = (h % this.perChunk) * this.histSize;
    const pG = this.G[nid]!;
    const pH = this.H[nid]!;
    const rootGain = this.rootGain[nid]!;
    const mcw = this.sp.minChildWeight;
    const lambda = this.sp.lambda;
    const alpha = this.sp.alpha;
    const fast = this.fast;
    let bestLoss = 0;
    let bestIdx = 0;
    let bestBin = 0;
    let bestThr = 0;
    let bestDL = 0;
    let bestLG = 0;
    let bestLH = 0;
    let bestRG = 0;
    let bestRH = 0;
    for (let fi = 0; fi < features.length; fi++) {
      const f = features[fi]!;
      const nb = nbins[f]!;
      const s0 = base + 2 * slotPtr[f]!;
      const c0 = cutPtr[f]!;
      // dir 0: forward (missing right, threshold cut[i]); dir 1: backward (missing left, threshold cut[i - 1])
      for (let dir = 0; dir < 2; dir++) {
        let locLoss = 0;
        let locBin = -2;
        let locLG = 0;
        let locLH = 0;
        let locRG = 0;
        let locRH = 0;
        let aG = 0;
        let aH = 0;
        let i = dir === 0 ? 0 : nb - 1;
        const step = dir === 0 ? 1 : -1;
        const stop = dir === 0 ? nb : -1;
        for (; i !== stop; i += step) {
          const hg = hist[s0 + 2 * i]!;
          const hh = hist[s0 + 2 * i + 1]!;
          // an empty bin repeats the previous candidate, which cannot win a strict comparison
          if (hg === 0 && hh === 0 && i !== (dir === 0 ? 0 : nb - 1)) continue;
          aG += hg;
          aH += hh;
          const oH = pH - aH;
          // hessians are >= 0, so the other side only shrinks: no valid candidate remains
          if (oH < mcw) break;
          if (aH < mcw) continue;
          const oG = pG - aG;
          let gain: number;
          if (fast) {
            let ga = 0;
            let go = 0;
            if (aH > 0) {
              const t = alpha === 0 ? aG : aG > alpha ? aG - alpha : aG < -alpha ? aG + alpha : 0;
              ga = fround((t * t) / (aH + lambda));
            }
            if (oH > 0) {
              const t = alpha === 0 ? oG : oG > alpha ? oG - alpha : oG < -alpha ? oG + alpha : 0;
              go = fround((t * t) / (oH + lambda));
            }
            gain = dir === 0 ? fround(ga + go) : fround(go + ga);
          } else {
            gain =
              dir === 0 ? this.splitGain(nid, f, aG, aH, oG, oH) : this.splitGain(nid, f, oG, oH, aG, aH);
          }
          const loss = fround(gain - rootGain);
          if (loss > locLoss && loss !== Number.POSITIVE_INFINITY) {
            locLoss = loss;
            locBin = dir === 0 ? i : i - 1;
            if (dir === 0) {
              locLG = aG;
              locLH = aH;
              locRG = oG;
              locRH = oH;
            } else {
              locLG = oG;
              locLH = oH;
              locRG = aG;
              locRH = aH;
            }
          }
        }
        if (locBin !== -2) {
          // SplitEntry::NeedReplace: ties go to the lower feature index, then to the earlier candidate
          const replace = bestIdx <= f ? locLoss > bestLoss : !(bestLoss > locLoss);
          if (replace) {
            bestLoss = locLoss;
            bestIdx = f;
            bestBin = locBin;
            bestThr = locBin >= 0 ? cuts[c0 + locBin]! : minValues[f]!;
            bestDL = dir;
            bestLG = locLG;
            bestLH = locLH;
            bestRG = locRG;
            bestRH = locRH;
          }
        }
        if (dir === 0) {
          // finish the forward sum (XGBoost compares it with the parent to detect missing values)
          for (i += step; i < nb; i++) {
            aG += hist[s0 + 2 * i]!;
            aH += hist[s0 + 2 * i + 1]!;
          }
          if (aG === pG && aH === pH) break;
        }
      }
    }
    this.bLoss[nid] = bestLoss;
    this.bFeat[nid] = bestIdx;
    this.bBin[nid] = bestBin;
    this.bThr[nid] = bestThr;
    this.bDL[nid] = bestDL;
    this.bLG[nid] = bestLG;
    this.bLH[nid] = bestLH;
    this.bRG[nid] = bestRG;
    this.bRH[nid] = bestRH;
  }

  /** `ApplyTreeSplit` + `RegTree::ExpandNode`: children at (numNodes, numNodes + 1). */
  private applySplit(t: GrownTree, nid: number): void {
    const sp = this.sp;
    const lG = this.bLG[nid]!;
    const lH = this.bLH[nid]!;
    const rG = this.bRG[nid]!;
    const rH = this.bRH[nid]!;
    const lo = this.lower[nid]!;
    const up = this.upper[nid]!;
    const pG = lG + rG;
    const pH = lH + rH;
    const baseWeight = clampedWeight(sp, pG, pH, lo, up);
    const wl = clampedWeight(sp, lG, lH, lo, up);
    const wr = clampedWeight(sp, rG, rH, lo, up);
    const l = t.numNodes;
    const r = l + 1;
    (t as { numNodes: number }).numNodes += 2;
    const f = this.bFeat[nid]!;
    t.left[nid] = l;
    t.splitFeature[nid] = f;
    t.splitBin[nid] = this.bBin[nid]!;
    t.threshold[nid] = this.bThr[nid]!;
    t.defaultLeft[nid] = this.bDL[nid]!;
    t.leafValue[nid] = 0;
    t.baseWeight[nid] = baseWeight;
    t.lossChange[nid] = this.bLoss[nid]!;
    t.sumHessian[nid] = fround(pH);
    const eta = this.p.learningRate;
    for (const [c, w, g, h] of [
      [l, wl, lG, lH],
      [r, wr, rG, rH],
    ] as const) {
      t.left[c] = -1;
      t.parent[c] = nid;
      t.splitFeature[c] = 0;
      t.splitBin[c] = 0;
      t.threshold[c] = 0;
      t.defaultLeft[c] = 0;
      // XGBoost's ExpandNode stores the scaled weight as a leaf's base weight; a later split overwrites it
      t.leafValue[c] = fround(w * eta);
      t.baseWeight[c] = t.leafValue[c]!;
      t.lossChange[c] = 0;
      t.sumHessian[c] = fround(h);
      t.count[c] = 0;
      this.G[c] = g;
      this.H[c] = h;
      this.rootGain[c] = gainGivenWeight(sp, g, h, clampedWeight(sp, g, h, lo, up), this.fast);
      this.lower[c] = lo;
      this.upper[c] = up;
      this.depth[c] = this.depth[nid]! + 1;
      this.hist[c] = -1;
      this.bLoss[c] = 0;
      this.bLH[c] = 0;
      this.bRH[c] = 0;
    }
    const cst = this.monotone === null ? 0 : this.monotone[f]!;
    if (cst !== 0) {
      const mid = fround(fround(wl + wr) / 2);
      if (cst > 0) {
        this.upper[l] = mid;
        this.lower[r] = mid;
      } else {
        this.lower[l] = mid;
        this.upper[r] = mid;
      }
    }
  }

  /**
   * Partitions the rows of the split nodes (missing to the default side, else left iff bin <= split bin),
   * and gathers the gradients of the child whose histogram is built next; nodes are spread over the
   * threads by row count (each node's partition is stable and independent, so the result is the same).
   */
  private partitionLevel(t: GrownTree, applied: number[], valid: number[]): void {
    const n = applied.length;
    if (this.partDesc.length < 8 * n) this.partDesc = new Int32Array(16 * n);
    if (this.partOut.length < n) {
      const a = this.executor.allocScratch(n + 1);
      this.partOut = new Int32Array(a.buffer, 0, 2 * n);
    }
    const desc = this.partDesc;
    for (let k = 0; k < n; k++) {
      const nid = applied[k]!;
      const f = t.splitFeature[nid]!;
      const b = this.cur.begin[nid]!;
      const e = this.cur.end[nid]!;
      let side = -1;
      if (valid.includes(nid)) side = this.bRH[nid]! < this.bLH[nid]! ? 1 : 0;
      desc[8 * k] = b;
      desc[8 * k + 1] = e;
      desc[8 * k + 2] = f;
      desc[8 * k + 3] = t.splitBin[nid]!;
      desc[8 * k + 4] = this.data.nbins[f]!;
      desc[8 * k + 5] = t.defaultLeft[nid]!;
      desc[8 * k + 6] = side;
    }
    // largest node first: the threads take nodes in this order, so the small ones even out the end;
    // one thread walks the rows in memory order
    const order = applied.map((_, k) => k);
    if (this.executor.threads > 1) {
      order.sort((a, b) => desc[8 * b + 1]! - desc[8 * b]! - (desc[8 * a + 1]! - desc[8 * a]!) || a - b);
    }
    for (let j = 0; j < n; j++) desc[8 * j + 7] = order[j]!;
    this.executor.partition(desc, n, this.partOut);
    for (let k = 0; k < n; k++) {
      const nid = applied[k]!;
      const b = this.cur.begin[nid]!;
      const e = this.cur.end[nid]!;
      const nl = this.partOut[k]!;
      const l = t.left[nid]!;
      t.begin[l] = b;
      t.end[l] = nl;
      t.begin[l + 1] = nl;
      t.end[l + 1] = e;
      t.count[l] = nl - b;
      t.count[l + 1] = e - nl;
    }
  }
}
