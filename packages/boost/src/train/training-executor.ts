/**
 * The training executor: the steps of a training (histogram build, split search, row partition,
 * gradients, binning) on one or more threads. With `nthread > 1` the work of each step
 * is cut into chunks (blocks of features, (node, feature slice) pairs, chunks of rows) that the
 * main thread and the workers take from a shared atomic counter until none is left, so a worker that
 * wakes late or a slow chunk does not leave the other thread idle. Every feature's histogram is built
 * by exactly one thread in the same row order, and partial split bests are merged order-independently,
 * so the sums (and the model) do not depend on the thread count or on who took which chunk. Workers are woken with `Atomics.notify` and read
 * their task synchronously with `receiveMessageOnPort`, which keeps the round trip in microseconds and
 * lets a round stay synchronous.
 *
 * When the arrays fit, they live in one WebAssembly memory (shared between threads) and the scatter-add
 * runs in the wasm kernel of `wasm-kernel.ts`; otherwise in the JavaScript kernel. Both add in the same
 * order and give identical histograms.
 * @module
 */
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { type BinColumnsTask, fitBinColumns } from '../data/bin-mapper.js';
import { quantileSketchKernel } from '../data/quantile-sketch.js';
import { startEvalWorker } from '../threads/eval-worker.js';
import { addLeafValues, gradientRange, gradientRangeWith } from './gradients.js';
import { buildHistograms, buildHistogramsWasm } from './hist-kernel.js';
import {
  copyChunkWasm,
  partitionArrive,
  partitionChunks,
  partitionChunkWasm,
  partitionCopy,
  partitionDest,
  partitionNodes,
} from './row-partition.js';
import { claimChunk, evaluateChunks, evaluatePlain, evaluateRange } from './split-search.js';
import {
  EXP_TABLE_DOUBLES,
  expTable,
  type HistKernel,
  histKernelBytes,
  instantiateKernel,
  type WasmMemory,
  type WasmModule,
  wasmApi,
} from './wasm-kernel.js';

/** Sizes the arena must hold (bytes of the code matrix, rows, and the histogram pool). */
export interface ArenaSpec {
  readonly codeBytes: number;
  readonly nRows: number;
  /** Doubles in the histogram pool. */
  readonly poolDoubles: number;
}

/** Builds node histograms; see {@link buildHistograms} for the node descriptor layout. */
/** The arrays of one training that every step reads, registered once with {@link TrainingExecutor.setup}. */
export interface TrainingArrays {
  /** Column-major bin codes (copied into the arena or shared memory when needed). */
  readonly codes: Uint8Array | Uint16Array;
  readonly nRows: number;
  /** Row indices in partition order. */
  readonly rows: Int32Array;
  /** Gradient/hessian pairs by partition position. */
  readonly gh: Float64Array;
  /** Start of each feature's (g, h) slots in a histogram. */
  readonly slotPtr: Int32Array;
  /** Partition scratch at the positions of `rows` (from `allocInt32`). */
  readonly tmp: Int32Array;
  /** Per-row gradients and hessians (from `allocFloat32`). */
  readonly grad: Float32Array;
  readonly hess: Float32Array;
}

/** The histograms a build step makes: `nNodes` nodes (9 ints each, see `buildHistograms`) over `features[0..nFeatures)`. */
export interface BuildStep {
  readonly nodes: Int32Array;
  readonly nNodes: number;
  readonly features: Int32Array;
  readonly nFeatures: number;
}

/** A plain-case split search: `nNodes` nodes of 7 doubles (see `evaluatePlain`), results in `out`. */
export interface SplitSearchStep {
  readonly nodes: Float64Array;
  readonly nNodes: number;
  readonly minChildWeight: number;
  readonly lambda: number;
  /** 8 doubles per node and partial result (from `allocScratch`). */
  readonly out: Float64Array;
}

/** The logistic gradients of all `n` rows from the margins (see `gradientRange`). */
export interface GradientStep {
  readonly margin: Float32Array;
  readonly y: Float32Array;
  /** Weights, or an empty array for unit weights. */
  readonly w: Float32Array;
  readonly scalePosWeight: number;
  readonly grad: Float32Array;
  readonly hess: Float32Array;
  readonly n: number;
  /** Also store the pairs in the registered `gh` by row (the unsampled root's partition order). */
  readonly root: boolean;
}

/**
 * Runs the steps of a training (binning, gradients, histogram build, split search, row partition, leaf
 * update) on the main thread or shared out over worker threads; the results do not depend on which.
 */
export interface TrainingExecutor {
  /** Number of threads (1 = main thread only). */
  readonly threads: number;
  /** Partial results per node written by {@link TrainingExecutor.evaluate}. */
  readonly evalSlices: number;
  /**
   * Reserves one WebAssembly memory for codes, rows, gradients and the histogram pool when it fits;
   * returns whether the wasm kernel is used (then `allocInt32`/`allocFloat64` must be called for rows,
   * gradients and exactly one pool chunk, in that order).
   */
  prepare(spec: ArenaSpec): boolean;
  /** Allocates an array shared with the workers when there are any (in the arena when prepared). */
  allocFloat64(length: number): Float64Array;
  /** Allocates an array shared with the workers, outside the arena (for growing scratch buffers). */
  allocScratch(length: number): Float64Array;
  /**
   * Allocates a row array shared with the workers, in the arena while it has room (up to five: margins,
   * labels, weights, gradients, hessians), where the wasm gradient kernel can read it.
   */
  allocFloat32(length: number): Float32Array;
  allocInt32(length: number): Int32Array;
  /** Registers the per-training arrays; the wasm partition runs when all of them are in the arena. */
  setup(arrays: TrainingArrays): void;
  /** Registers a histogram pool chunk (allocated with `allocFloat64`); returns its index. */
  addChunk(chunk: Float64Array): number;
  /** Feature blocks of a build over `nFeatures` features (partial results per node of a build with a search). */
  blocks(nFeatures: number): number;
  /**
   * Builds the histograms of `build`, and with `search`, as each block of features is built, the
   * plain-case split search of its nodes (every node searches all of the build's features) on that
   * block, by the thread that built it while the block's histograms are in its cache. Block j's best of
   * node k goes to `search.out[8 * (k * blocks + j)]`.
   */
  build(build: BuildStep, search?: SplitSearchStep): void;
  /** Plain-case split search over `features` (see `evaluatePlain`); `evalSlices` partial results per node. */
  evaluate(search: SplitSearchStep, features: Int32Array): void;
  /** Partitions `nNodes` nodes (see `partitionNodes`; entry j's last field is the j-th node to do). */
  partition(desc: Int32Array, nNodes: number, out: Int32Array): void;
  /** Fills `grad`/`hess` from the margins. */
  gradients(step: GradientStep): void;
  /** Adds leaf values to the margins of the leaves' rows (see `addLeafValues`). */
  leaves(margin: Float32Array, desc: Float64Array, nLeaves: number): void;
  /** Fits and bins the columns of a training matrix (see `fitBinColumns`) on all threads. */
  binColumns(task: BinColumnsTask): void;
  /** Stops the workers. */
  close(): Promise<void>;
}

const PAGE = 65536;

/** No split-search nodes: a build without a split search. */
const NO_SEARCH: SplitSearchStep = {
  nodes: new Float64Array(0),
  nNodes: 0,
  minChildWeight: 0,
  lambda: 0,
  out: new Float64Array(0),
};

/**
 * Features per build chunk: on one thread the wasm kernel's widest pass; with workers half that, so a
 * level's build-and-evaluate has about 15 chunks for 60 features to share out (measured on 100k x 60
 * at 2 threads: median 3.07 s against 3.16 s with 8).
 */
const BUILD_BLOCK = 8;
const THREADED_BUILD_BLOCK = 4;
/** Feature slices per node and thread in the threaded split search (more = finer balance, more merging). */
const SLICES_PER_THREAD = 2;
/** Rows per chunk of the threaded partition (larger measured faster: fewer chunks to copy and merge). */
const PART_CHUNK = 32768;
/** Above this the arena is not reserved and the JavaScript kernel is used. */
const MAX_ARENA_BYTES = 2 ** 31;

/** A bump allocator over one WebAssembly memory. */
class Arena {
  readonly memory: WasmMemory;
  readonly kernel: HistKernel;
  readonly module: WasmModule;
  private at = 16;
  constructor(bytes: number, shared: boolean) {
    const api = wasmApi();
    if (api === null) throw new Error('no WebAssembly');
    const pages = Math.ceil((bytes + 1024) / PAGE);
    this.module = new api.Module(histKernelBytes(shared, pages, pages));
    this.memory = shared
      ? new api.Memory({ initial: pages, maximum: pages, shared: true })
      : new api.Memory({ initial: pages });
    this.kernel = instantiateKernel(api, this.module, this.memory);
  }
  alloc(bytes: number): number {
    const p = this.at;
    if (!this.fits(bytes)) throw new Error('histogram arena exhausted');
    this.at += (bytes + 15) & ~15;
    return p;
  }
  fits(bytes: number): boolean {
    return this.at + ((bytes + 15) & ~15) <= this.memory.buffer.byteLength;
  }
}

function arenaBytes(spec: ArenaSpec): number {
  const r = (b: number): number => (b + 15) & ~15;
  // codes, rows and the partition scratch, gradient pairs, the pool, five float rows (see allocFloat32)
  // and the exp table
  return (
    r(spec.codeBytes) +
    2 * r(4 * spec.nRows) +
    r(16 * spec.nRows) +
    r(8 * spec.poolDoubles) +
    5 * r(4 * spec.nRows) +
    r(8 * EXP_TABLE_DOUBLES)
  );
}

class LocalExecutor implements TrainingExecutor {
  readonly threads: number = 1;
  readonly evalSlices: number = 1;
  /** Features per build chunk. */
  protected readonly block: number = BUILD_BLOCK;
  protected codes: Uint8Array | Uint16Array = new Uint8Array(0);
  protected nRows = 0;
  protected rows: Int32Array = new Int32Array(0);
  protected gh: Float64Array = new Float64Array(0);
  protected slotPtr: Int32Array = new Int32Array(0);
  protected readonly chunks: Float64Array[] = [];
  protected arena: Arena | null = null;
  protected tmp: Int32Array = new Int32Array(0);
  protected grad: Float32Array = new Float32Array(0);
  protected hess: Float32Array = new Float32Array(0);
  /**
   * The main thread's 8 doubles for the wasm split search's results (in the arena when there is one;
   * worker t's 8 follow at `64 t` bytes).
   */
  protected evalScratch: Float64Array<ArrayBufferLike> = new Float64Array(8);
  /** The wasm gradient kernel's exp table (in the arena), or empty. */
  protected expTab: Float64Array<ArrayBufferLike> = new Float64Array(0);

  protected sharedMemory(): boolean {
    return false;
  }
  prepare(spec: ArenaSpec): boolean {
    const bytes = arenaBytes(spec) + 64 * this.threads;
    if (bytes > MAX_ARENA_BYTES || wasmApi() === null) return false;
    try {
      this.arena = new Arena(bytes, this.sharedMemory());
      this.evalScratch = new Float64Array(this.arena.memory.buffer, this.arena.alloc(64 * this.threads), 8);
      this.expTab = new Float64Array(
        this.arena.memory.buffer,
        this.arena.alloc(8 * EXP_TABLE_DOUBLES),
        EXP_TABLE_DOUBLES,
      );
      expTable(this.expTab);
    } catch {
      this.arena = null;
    }
    return this.arena !== null;
  }
  allocFloat64(length: number): Float64Array {
    if (this.arena !== null)
      return new Float64Array(this.arena.memory.buffer, this.arena.alloc(8 * length), length);
    return new Float64Array(length);
  }
  allocInt32(length: number): Int32Array {
    if (this.arena !== null)
      return new Int32Array(this.arena.memory.buffer, this.arena.alloc(4 * length), length);
    return new Int32Array(length);
  }
  allocScratch(length: number): Float64Array {
    return new Float64Array(length);
  }
  allocFloat32(length: number): Float32Array {
    if (this.arena?.fits(4 * length))
      return new Float32Array(this.arena.memory.buffer, this.arena.alloc(4 * length), length);
    return new Float32Array(this.allocScratch(Math.ceil(length / 2) + 1).buffer, 0, length);
  }
  /** The wasm kernel when every non-empty array is in the arena (the kernel reads only its memory). */
  protected arenaKernel(...arrays: ArrayBufferView[]): HistKernel | null {
    const a = this.arena;
    if (a === null) return null;
    return arrays.every((x) => x.byteLength === 0 || x.buffer === a.memory.buffer) ? a.kernel : null;
  }
  /** The wasm kernel when the partition's arrays (rows, scratch, pairs, gradients) are all in the arena. */
  protected partitionKernel(): HistKernel | null {
    return this.arenaKernel(this.rows, this.tmp, this.gh, this.grad, this.hess);
  }
  setup(arrays: TrainingArrays): void {
    const { codes, nRows, rows, gh, slotPtr } = arrays;
    this.codes = codes;
    if (this.arena !== null) {
      const buf = this.arena.memory.buffer;
      const p = this.arena.alloc(codes.byteLength);
      const copy =
        codes instanceof Uint8Array
          ? new Uint8Array(buf, p, codes.length)
          : new Uint16Array(buf, p, codes.length);
      copy.set(codes);
      this.codes = copy;
    }
    this.nRows = nRows;
    this.rows = rows;
    this.gh = gh;
    this.slotPtr = slotPtr;
    this.tmp = arrays.tmp;
    this.grad = arrays.grad;
    this.hess = arrays.hess;
  }
  addChunk(chunk: Float64Array): number {
    this.chunks.push(chunk);
    return this.chunks.length - 1;
  }
  protected buildRange(
    nodes: Int32Array,
    nNodes: number,
    features: Int32Array,
    fBegin: number,
    fEnd: number,
  ): void {
    const a = this.arena;
    if (a !== null) {
      buildHistogramsWasm(
        a.kernel,
        this.codes instanceof Uint16Array,
        this.codes.byteOffset,
        this.nRows,
        this.rows.byteOffset,
        this.gh.byteOffset,
        this.chunks[0]!.byteOffset,
        this.chunks[0]!,
        nodes,
        nNodes,
        features,
        fBegin,
        fEnd,
        this.slotPtr,
      );
    } else {
      buildHistograms(
        this.codes,
        this.nRows,
        this.rows,
        this.gh,
        nodes,
        nNodes,
        this.chunks,
        features,
        fBegin,
        fEnd,
        this.slotPtr,
      );
    }
  }
  blocks(nFeatures: number): number {
    return Math.ceil(nFeatures / this.block);
  }
  /** Builds block j and searches it for the nodes of `search` (see `build`). */
  protected buildBlock(j: number, build: BuildStep, search: SplitSearchStep): void {
    const { features, nFeatures } = build;
    const b = j * this.block;
    const e = Math.min(b + this.block, nFeatures);
    const nBlocks = this.blocks(nFeatures);
    this.buildRange(build.nodes, build.nNodes, features, b, e);
    const kernel = this.arena?.kernel ?? null;
    const scratch = this.evalScratch;
    const { nodes, minChildWeight, lambda, out } = search;
    for (let k = 0; k < search.nNodes; k++) {
      evaluateRange(
        nodes,
        k,
        this.chunks,
        features,
        this.slotPtr,
        b,
        e,
        minChildWeight,
        lambda,
        out,
        8 * (k * nBlocks + j),
        kernel,
        scratch,
      );
    }
  }
  build(build: BuildStep, search: SplitSearchStep = NO_SEARCH): void {
    const nBlocks = this.blocks(build.nFeatures);
    for (let j = 0; j < nBlocks; j++) this.buildBlock(j, build, search);
  }
  evaluate(search: SplitSearchStep, features: Int32Array): void {
    evaluatePlain(
      search.nodes,
      search.nNodes,
      this.chunks,
      features,
      this.slotPtr,
      0,
      1,
      search.minChildWeight,
      search.lambda,
      search.out,
      0,
      this.arena?.kernel ?? null,
      this.evalScratch,
    );
  }
  partition(desc: Int32Array, nNodes: number, out: Int32Array): void {
    partitionNodes(
      this.codes,
      this.nRows,
      this.rows,
      this.tmp,
      this.gh,
      this.grad,
      this.hess,
      desc,
      nNodes,
      null,
      out,
      this.partitionKernel(),
    );
  }
  gradients(step: GradientStep): void {
    const { margin, y, w, grad, hess } = step;
    const kernel = this.arenaKernel(margin, y, w, grad, hess);
    const gh = step.root ? this.gh : new Float64Array(0);
    gradientRangeWith(
      kernel,
      this.expTab.byteOffset,
      margin,
      y,
      w,
      step.scalePosWeight,
      grad,
      hess,
      0,
      step.n,
      gh,
    );
  }
  leaves(margin: Float32Array, desc: Float64Array, nLeaves: number): void {
    addLeafValues(this.rows, margin, desc, nLeaves, 0, 1);
  }
  binColumns(task: BinColumnsTask): void {
    fitBinColumns(task, null, quantileSketchKernel);
  }
  async close(): Promise<void> {}
}

const WORKER_SOURCE = (
  kernel: string,
  wasmKernel: string,
  evaluate: string,
  range: string,
  claim: string,
  chunksEval: string,
  partition: string,
  copyChunk: string,
  partDest: string,
  partArrive: string,
  partChunks: string,
  partCopy: string,
  grads: string,
  gradsWith: string,
  leaves: string,
  fitBin: string,
  sketch: string,
): string => `
const { receiveMessageOnPort, workerData, parentPort } = require('node:worker_threads');
// source-level TypeScript runners (tsx/esbuild keepNames) wrap nested functions in __name(fn, name)
var __name = (fn) => fn;
const buildHistograms = (${kernel});
const buildHistogramsWasm = (${wasmKernel});
const evaluatePlain = (${evaluate});
const evaluateRange = (${range});
const claimChunk = (${claim});
const evaluateChunks = (${chunksEval});
const partitionChunkWasm = (${partition});
const copyChunkWasm = (${copyChunk});
const partitionDest = (${partDest});
const partitionArrive = (${partArrive});
const partitionChunks = (${partChunks});
const partitionCopy = (${partCopy});
const gradientRange = (${grads});
const gradientRangeWith = (${gradsWith});
const addLeafValues = (${leaves});
const fitBinColumns = (${fitBin});
const quantileSketchKernel = (${sketch});
let tmp, grad, hess;
const ctrl = new Int32Array(workerData.ctrl);
const port = workerData.port;
const index = workerData.index;
let codes, nRows, rows, gh, slotPtr, wasm = null, scratch = new Float64Array(8), expTab = 0;
const chunks = [];
let seen = 0;
parentPort.postMessage('ready');
for (;;) {
  // spin briefly before sleeping: the next task of a tree usually arrives within tens of microseconds and
  // a futex wake-up costs about as much; longer spins made a busy machine much worse (measured: with
  // another process on one core, 2 ms spins took 13.7 s at nthread=2, 0.3 ms spins 8.1 s)
  const t0 = performance.now();
  while (Atomics.load(ctrl, 0) === seen && performance.now() - t0 < 0.3) {}
  Atomics.wait(ctrl, 0, seen);
  seen = Atomics.load(ctrl, 0);
  let stop = false;
  let m;
  while ((m = receiveMessageOnPort(port)) !== undefined) {
    const msg = m.message;
    if (msg.kind === 'setup') {
      codes = msg.codes; nRows = msg.nRows; rows = msg.rows; gh = msg.gh; slotPtr = msg.slotPtr;
      // the JavaScript kernel reads the same views, so a failed instantiation only costs speed
      try {
        wasm = msg.module ? new WebAssembly.Instance(msg.module, { env: { mem: msg.memory, exp: Math.exp } }).exports : null;
        if (wasm !== null) scratch = new Float64Array(msg.memory.buffer, msg.scratch + 64 * index, 8);
        expTab = msg.expTab;
      } catch (e) {
        wasm = null;
      }
    } else if (msg.kind === 'chunk') {
      chunks.push(msg.chunk);
    } else if (msg.kind === 'part-setup') {
      tmp = msg.tmp; grad = msg.grad; hess = msg.hess;
    } else if (msg.kind === 'build' || msg.kind === 'eval' || msg.kind === 'part' || msg.kind === 'grad' || msg.kind === 'leaves' || msg.kind === 'bin') {
      try {
        if (msg.kind === 'bin') {
          fitBinColumns(msg.task, ctrl, quantileSketchKernel);
        } else if (msg.kind === 'grad') {
          const b = Math.floor((index * msg.n) / msg.threads);
          const e = Math.floor(((index + 1) * msg.n) / msg.threads);
          gradientRangeWith(msg.wasm ? wasm : null, expTab, msg.margin, msg.y, msg.w, msg.spw, msg.grad, msg.hess, b, e,
            msg.root ? gh : new Float64Array(0));
        } else if (msg.kind === 'leaves') {
          addLeafValues(rows, msg.margin, msg.desc, msg.nLeaves, index, msg.threads);
        } else if (msg.kind === 'part') {
          const w = msg.wasm ? wasm : null;
          partitionChunks(codes, nRows, rows, tmp, msg.desc, msg.chunks, msg.nChunks, ctrl, false, msg.counts, w);
          if (partitionArrive(ctrl, msg.threads)) {
            const dest = new Int32Array(2 * msg.nChunks);
            partitionDest(msg.desc, msg.chunks, msg.nChunks, msg.counts, dest, null);
            partitionCopy(rows, tmp, gh, grad, hess, msg.desc, msg.chunks, msg.nChunks, ctrl, false, msg.counts, dest, w, 7);
          }
        } else if (msg.kind === 'eval') {
          evaluateChunks(ctrl, false, msg.nodes, msg.nNodes, chunks, msg.features, slotPtr, msg.slices, msg.mcw, msg.lambda, msg.out, wasm, scratch);
        } else {
          const nBlocks = Math.ceil(msg.nFeatures / msg.block);
          for (;;) {
            const j = claimChunk(ctrl, nBlocks, false);
            if (j < 0) break;
            const fBegin = j * msg.block;
            const fEnd = Math.min(fBegin + msg.block, msg.nFeatures);
            if (wasm !== null) {
              buildHistogramsWasm(wasm, codes instanceof Uint16Array, codes.byteOffset, nRows, rows.byteOffset, gh.byteOffset,
                chunks[0].byteOffset, chunks[0], msg.nodes, msg.nNodes, msg.features, fBegin, fEnd, slotPtr);
            } else {
              buildHistograms(codes, nRows, rows, gh, msg.nodes, msg.nNodes, chunks, msg.features, fBegin, fEnd, slotPtr);
            }
            const ev = msg.ev;
            for (let k = 0; k < ev.nNodes; k++) {
              evaluateRange(ev.nodes, k, chunks, msg.features, slotPtr, fBegin, fEnd, ev.mcw, ev.lambda, ev.out,
                8 * (k * nBlocks + j), wasm, scratch);
            }
          }
        }
      } catch (e) {
        Atomics.store(ctrl, 2, 1);
      }
      Atomics.add(ctrl, 1, 1);
      Atomics.notify(ctrl, 1);
    } else if (msg.kind === 'reset') {
      // back in the pool: drop every reference to the last training's memory
      codes = rows = gh = slotPtr = tmp = grad = hess = undefined;
      wasm = null;
      scratch = new Float64Array(8);
      expTab = 0;
      chunks.length = 0;
    } else if (msg.kind === 'stop') {
      stop = true;
    }
  }
  if (stop) break;
}
`;

/** Workers of one executor: `threads - 1` of them sharing one control array. */
interface WorkerSet {
  readonly threads: number;
  /**
   * Task sequence, tasks done, error flag, chunk claims, front and back chunk cursors, the partition's
   * arrivals, then its second phase's claims and cursors.
   */
  readonly ctrl: Int32Array;
  readonly workers: Worker[];
  readonly ports: MessagePort[];
}

/**
 * Idle worker sets by thread count, one at most each: a training hands its workers back when it ends
 * and the next one with the same `nthread` (cross-validation folds, a parameter search) skips the
 * start-up and finds their code already optimised. Idle workers are unref'd and hold no training
 * memory, so they neither keep the process alive nor pin the last model's arrays.
 */
const idleSets = new Map<number, WorkerSet>();

async function startSet(threads: number): Promise<WorkerSet> {
  const source = WORKER_SOURCE(
    buildHistograms.toString(),
    buildHistogramsWasm.toString(),
    evaluatePlain.toString(),
    evaluateRange.toString(),
    claimChunk.toString(),
    evaluateChunks.toString(),
    partitionChunkWasm.toString(),
    copyChunkWasm.toString(),
    partitionDest.toString(),
    partitionArrive.toString(),
    partitionChunks.toString(),
    partitionCopy.toString(),
    gradientRange.toString(),
    gradientRangeWith.toString(),
    addLeafValues.toString(),
    fitBinColumns.toString(),
    quantileSketchKernel.toString(),
  );
  const set: WorkerSet = { threads, ctrl: new Int32Array(shared(64)), workers: [], ports: [] };
  const ready: Promise<void>[] = [];
  for (let t = 1; t < threads; t++) {
    const { port1, port2 } = new MessageChannel();
    const worker = startEvalWorker(source, {
      workerData: { ctrl: set.ctrl.buffer, port: port2, index: t },
      transferList: [port2],
    });
    ready.push(
      new Promise<void>((resolve, reject) => {
        worker.once('message', () => resolve());
        worker.once('error', reject);
      }),
    );
    set.workers.push(worker);
    set.ports.push(port1);
  }
  try {
    await Promise.all(ready);
  } catch (e) {
    await stopSet(set);
    throw e;
  }
  return set;
}

async function acquireSet(threads: number): Promise<WorkerSet> {
  const idle = idleSets.get(threads);
  if (idle !== undefined) {
    idleSets.delete(threads);
    for (const w of idle.workers) w.ref();
    return idle;
  }
  return startSet(threads);
}

function wake(set: WorkerSet): void {
  Atomics.add(set.ctrl, 0, 1);
  Atomics.notify(set.ctrl, 0);
}

async function stopSet(set: WorkerSet): Promise<void> {
  const exited = set.workers.map((w) => new Promise((resolve) => w.once('exit', resolve)));
  for (const port of set.ports) port.postMessage({ kind: 'stop' });
  wake(set);
  await Promise.all(exited);
  for (const port of set.ports) port.close();
}

/** Hands a set back to the pool (cleared), or stops it when it failed or one is already idle. */
async function releaseSet(set: WorkerSet): Promise<void> {
  if (Atomics.load(set.ctrl, 2) !== 0 || idleSets.has(set.threads)) {
    await stopSet(set);
    return;
  }
  for (const port of set.ports) port.postMessage({ kind: 'reset' });
  wake(set);
  for (const w of set.workers) w.unref();
  idleSets.set(set.threads, set);
}

function shared(bytes: number): SharedArrayBuffer {
  return new SharedArrayBuffer(Math.max(8, bytes));
}

class ThreadedExecutor extends LocalExecutor {
  override readonly threads: number;
  override readonly evalSlices: number;
  protected override readonly block: number = THREADED_BUILD_BLOCK;
  private readonly set: WorkerSet;
  private readonly ctrl: Int32Array;
  private readonly ports: MessagePort[];
  private partCounts: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private partChunks = new Int32Array(0);
  private partDest = new Int32Array(0);

  constructor(set: WorkerSet) {
    super();
    this.set = set;
    this.threads = set.threads;
    this.ctrl = set.ctrl;
    this.ports = set.ports;
    this.evalSlices = SLICES_PER_THREAD * this.threads;
  }

  protected override sharedMemory(): boolean {
    return true;
  }

  override allocFloat64(length: number): Float64Array {
    if (this.arena !== null) return super.allocFloat64(length);
    return new Float64Array(shared(length * 8));
  }
  override allocInt32(length: number): Int32Array {
    if (this.arena !== null) return super.allocInt32(length);
    return new Int32Array(shared(length * 4));
  }
  override allocScratch(length: number): Float64Array {
    return new Float64Array(shared(length * 8));
  }
  override setup(arrays: TrainingArrays): void {
    const { codes, nRows, rows, gh, slotPtr, tmp, grad, hess } = arrays;
    let sharedCodes = codes;
    if (this.arena === null && !(codes.buffer instanceof SharedArrayBuffer)) {
      const buf = shared(codes.byteLength);
      sharedCodes =
        codes instanceof Uint8Array
          ? new Uint8Array(buf, 0, codes.length)
          : new Uint16Array(buf, 0, codes.length);
      sharedCodes.set(codes);
    }
    super.setup({ ...arrays, codes: sharedCodes });
    const wasm =
      this.arena === null
        ? {}
        : {
            module: this.arena.module,
            memory: this.arena.memory,
            scratch: this.evalScratch.byteOffset,
            expTab: this.expTab.byteOffset,
          };
    for (const port of this.ports) {
      port.postMessage({ kind: 'setup', codes: this.codes, nRows, rows, gh, slotPtr, ...wasm });
      port.postMessage({ kind: 'part-setup', tmp, grad, hess });
    }
  }
  override addChunk(chunk: Float64Array): number {
    for (const port of this.ports) port.postMessage({ kind: 'chunk', chunk });
    return super.addChunk(chunk);
  }
  private dispatch(msg: object): void {
    // done, chunk claims and cursors, the partition's arrivals and its second claims and cursors
    for (const slot of [1, 3, 4, 5, 6, 7, 8, 9]) Atomics.store(this.ctrl, slot, 0);
    for (const port of this.ports) port.postMessage(msg);
    Atomics.add(this.ctrl, 0, 1);
    Atomics.notify(this.ctrl, 0);
  }
  override build(build: BuildStep, search: SplitSearchStep = NO_SEARCH): void {
    const { nodes, nNodes, features, nFeatures } = build;
    const { nodes: evalNodes, nNodes: nEval, minChildWeight: mcw, lambda, out } = search;
    this.dispatch({
      kind: 'build',
      nodes: nodes.slice(0, 9 * nNodes),
      nNodes,
      features: features.slice(0, nFeatures),
      nFeatures,
      block: this.block,
      ev: { nodes: evalNodes.slice(0, 7 * nEval), nNodes: nEval, mcw, lambda, out },
    });
    const nBlocks = this.blocks(nFeatures);
    for (;;) {
      const j = claimChunk(this.ctrl, nBlocks, true);
      if (j < 0) break;
      this.buildBlock(j, build, search);
    }
    this.waitForWorkers();
  }
  override evaluate(search: SplitSearchStep, features: Int32Array): void {
    const { nodes, nNodes, minChildWeight: mcw, lambda, out } = search;
    this.dispatch({
      kind: 'eval',
      nodes: nodes.slice(0, 7 * nNodes),
      nNodes,
      features,
      slices: this.evalSlices,
      mcw,
      lambda,
      out,
    });
    evaluateChunks(
      this.ctrl,
      true,
      nodes,
      nNodes,
      this.chunks,
      features,
      this.slotPtr,
      this.evalSlices,
      mcw,
      lambda,
      out,
      this.arena?.kernel ?? null,
      this.evalScratch,
    );
    this.waitForWorkers();
  }
  /**
   * Two phases in one task, so that one large node is shared too: chunks of rows are split into their
   * own left and right parts; at a barrier inside the task every thread has every chunk's left count
   * and works out the same destinations; then the chunks are copied to their final positions (with the
   * gradient gather).
   */
  override partition(desc: Int32Array, nNodes: number, out: Int32Array): void {
    let nChunks = 0;
    for (let j = 0; j < nNodes; j++) {
      const k = desc[8 * j + 7]!;
      nChunks += Math.max(1, Math.ceil((desc[8 * k + 1]! - desc[8 * k]!) / PART_CHUNK));
    }
    if (this.partCounts.length < nChunks) {
      this.partCounts = new Int32Array(shared(8 * nChunks));
      this.partChunks = new Int32Array(6 * nChunks);
      this.partDest = new Int32Array(4 * nChunks);
    }
    const chunks = this.partChunks;
    const counts = this.partCounts;
    const dest = this.partDest;
    // largest node first, a node's chunks consecutive and in row order
    let c = 0;
    for (let j = 0; j < nNodes; j++) {
      const k = desc[8 * j + 7]!;
      const b = desc[8 * k]!;
      const n = desc[8 * k + 1]! - b;
      const pieces = Math.max(1, Math.ceil(n / PART_CHUNK));
      for (let q = 0; q < pieces; q++, c++) {
        chunks[3 * c] = k;
        chunks[3 * c + 1] = b + Math.floor((q * n) / pieces);
        chunks[3 * c + 2] = b + Math.floor(((q + 1) * n) / pieces);
      }
    }
    const d = desc.slice(0, 8 * nNodes);
    const ch = chunks.slice(0, 3 * nChunks);
    const kernel = this.partitionKernel();
    // one task: every thread splits chunks, meets the others, works out the destinations, copies
    this.dispatch({
      kind: 'part',
      desc: d,
      chunks: ch,
      nChunks,
      counts,
      wasm: kernel !== null,
      threads: this.threads,
    });
    try {
      partitionChunks(
        this.codes,
        this.nRows,
        this.rows,
        this.tmp,
        desc,
        chunks,
        nChunks,
        this.ctrl,
        true,
        counts,
        kernel,
      );
      if (partitionArrive(this.ctrl, this.threads)) {
        partitionDest(desc, chunks, nChunks, counts, dest, out);
        partitionCopy(
          this.rows,
          this.tmp,
          this.gh,
          this.grad,
          this.hess,
          desc,
          chunks,
          nChunks,
          this.ctrl,
          true,
          counts,
          dest,
          kernel,
          7,
        );
      }
    } catch (e) {
      // release the workers waiting at the barrier
      Atomics.store(this.ctrl, 2, 1);
      Atomics.notify(this.ctrl, 6);
      throw e;
    }
    this.waitForWorkers();
  }
  override gradients(step: GradientStep): void {
    const { margin, y, w, scalePosWeight: spw, grad, hess, n, root } = step;
    const kernel = this.arenaKernel(margin, y, w, grad, hess);
    const wasm = kernel !== null;
    this.dispatch({ kind: 'grad', margin, y, w, spw, grad, hess, n, root, threads: this.threads, wasm });
    const gh = root ? this.gh : new Float64Array(0);
    gradientRangeWith(
      kernel,
      this.expTab.byteOffset,
      margin,
      y,
      w,
      spw,
      grad,
      hess,
      0,
      Math.floor(n / this.threads),
      gh,
    );
    this.waitForWorkers();
  }
  override leaves(margin: Float32Array, desc: Float64Array, nLeaves: number): void {
    this.dispatch({
      kind: 'leaves',
      margin,
      desc: desc.slice(0, 3 * nLeaves),
      nLeaves,
      threads: this.threads,
    });
    addLeafValues(this.rows, margin, desc, nLeaves, 0, this.threads);
    this.waitForWorkers();
  }
  override binColumns(task: BinColumnsTask): void {
    this.dispatch({ kind: 'bin', task });
    fitBinColumns(task, this.ctrl, quantileSketchKernel);
    this.waitForWorkers();
  }
  private waitForWorkers(): void {
    const expected = this.threads - 1;
    const t0 = performance.now();
    for (;;) {
      const done = Atomics.load(this.ctrl, 1);
      if (done >= expected) break;
      // the workers usually finish within microseconds of the main thread's share: spin, then sleep
      // (briefly: on a busy machine a spinning thread takes the core a descheduled worker needs)
      if (performance.now() - t0 > 0.3) Atomics.wait(this.ctrl, 1, done, 1000);
    }
    if (Atomics.load(this.ctrl, 2) !== 0) throw new Error('histogram worker failed');
  }
  private closed = false;
  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await releaseSet(this.set);
  }
}

/**
 * Creates a training executor with `threads` threads (the main thread counts as one), on an idle
 * worker set from an earlier training when there is one. `close` hands the workers back.
 */
export async function createTrainingExecutor(threads: number): Promise<TrainingExecutor> {
  if (threads <= 1) return new LocalExecutor();
  return new ThreadedExecutor(await acquireSet(threads));
}

/** Stops the idle training workers (they never keep the process alive; this is for tidy shutdowns and tests). */
export async function stopIdleWorkers(): Promise<void> {
  const sets = [...idleSets.values()];
  idleSets.clear();
  await Promise.all(sets.map(stopSet));
}
