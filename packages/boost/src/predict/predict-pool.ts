/**
 * Multi-threaded margin accumulation over row blocks. A lazily started, process-wide pool of
 * `worker_threads` (unref'd: it never keeps the process alive) runs {@link accumulateMargins} on shared
 * memory. Each call gets its own small shared counter: every thread, the calling one included, takes
 * the next block of rows until none is left, so the call is synchronous, never waits for a worker that
 * is still booting or busy, and the margins are those of the single-threaded path (each row is summed
 * by one thread, tree by tree, in the same order).
 * @module
 */
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import type { ColumnMajor } from '../data/matrix.js';
import { accumulateContributions, type ShapForest } from '../shap/shap-kernel.js';
import { startEvalWorker } from '../threads/eval-worker.js';
import { accumulateMargins, type PackedForest } from './predict.js';

/** Rows per chunk: large enough to amortise the atomic, small enough to balance 2-8 threads. */
const ROWS_PER_CHUNK = 2048;

/** A TreeSHAP row costs about as much as a hundred margin rows; the kernel's row block is 32. */
const SHAP_ROWS_PER_CHUNK = 32;

const WORKER_SOURCE = (accumulate: string, contributions: string): string => `
const { receiveMessageOnPort, workerData } = require('node:worker_threads');
// source-level TypeScript runners (tsx/esbuild keepNames) may wrap functions in __name(fn, name)
var __name = (fn) => fn;
const accumulateMargins = (${accumulate});
const accumulateContributions = (${contributions});
const ctrl = new Int32Array(workerData.ctrl);
const port = workerData.port;
for (;;) {
  const seen = Atomics.load(ctrl, 0);
  // only the newest task matters: an older one has been finished by the other threads
  let last;
  let m;
  while ((m = receiveMessageOnPort(port)) !== undefined) last = m.message;
  if (last !== undefined) {
    if (last.kind === 'stop') break;
    const c = last.counter;
    const total = Math.ceil(last.nRows / last.chunk);
    for (;;) {
      const j = Atomics.add(c, 0, 1);
      if (j >= total) break;
      const b = j * last.chunk;
      const e = Math.min(b + last.chunk, last.nRows);
      try {
        if (last.kind === 'margins') {
          accumulateMargins(last.forest, last.matrix, last.treeBegin, last.treeEnd, last.out, b, e);
        } else {
          accumulateContributions(last.forest, last.matrix, last.out, last.width, b, e);
        }
      } catch (err) {
        Atomics.store(c, 2, 1);
      }
      if (Atomics.add(c, 1, 1) + 1 === total) Atomics.notify(c, 1);
    }
    continue;
  }
  Atomics.wait(ctrl, 0, seen);
}
`;

class PredictPool {
  readonly ctrl = new Int32Array(new SharedArrayBuffer(8));
  readonly workers: Worker[] = [];
  readonly ports: MessagePort[] = [];

  constructor(nWorkers: number) {
    const source = WORKER_SOURCE(accumulateMargins.toString(), accumulateContributions.toString());
    for (let t = 0; t < nWorkers; t++) {
      const { port1, port2 } = new MessageChannel();
      const worker = startEvalWorker(source, {
        workerData: { ctrl: this.ctrl.buffer, port: port2 },
        transferList: [port2],
      });
      // a worker that fails only costs speed: the calling thread takes every chunk it leaves
      worker.on('error', () => {});
      worker.unref();
      port1.unref();
      this.workers.push(worker);
      this.ports.push(port1);
    }
  }
}

let pool: PredictPool | null = null;

function poolWith(nWorkers: number): PredictPool {
  if (pool === null || pool.workers.length < nWorkers) {
    pool?.ports.forEach((p) => {
      p.postMessage({ kind: 'stop' });
    });
    if (pool !== null) {
      Atomics.add(pool.ctrl, 0, 1);
      Atomics.notify(pool.ctrl, 0);
    }
    pool = new PredictPool(nWorkers);
  }
  return pool;
}

function sharedFloat32(a: Float32Array): Float32Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const s = new Float32Array(new SharedArrayBuffer(Math.max(4, a.byteLength)), 0, a.length);
  s.set(a);
  return s;
}

/**
 * Shared copies of each call's input rows and margins reuse the previous call's buffers while the
 * garbage collector has not taken them (weak references: nothing is kept alive on their account). A
 * fresh SharedArrayBuffer per call made V8 run a full collection every few calls once the heap was
 * large (measured: 100k rows, a model from 1M rows, 2 threads: 0.27 M rows/s instead of 0.34).
 */
const scratch: (WeakRef<SharedArrayBuffer> | null)[] = [null, null, null];

function sharedCopy<T extends Float32Array | Float64Array>(a: T, slot: number): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  let buf = scratch[slot]?.deref();
  if (buf === undefined || buf.byteLength < a.byteLength) {
    buf = new SharedArrayBuffer(Math.max(8, a.byteLength));
    scratch[slot] = new WeakRef(buf);
  }
  const s = (
    a instanceof Float64Array ? new Float64Array(buf, 0, a.length) : new Float32Array(buf, 0, a.length)
  ) as T;
  s.set(a);
  return s;
}

function sharedFloat64(a: Float64Array): Float64Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const s = new Float64Array(new SharedArrayBuffer(Math.max(8, a.byteLength)), 0, a.length);
  s.set(a);
  return s;
}

function sharedInt32(a: Int32Array): Int32Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const s = new Int32Array(new SharedArrayBuffer(Math.max(4, a.byteLength)), 0, a.length);
  s.set(a);
  return s;
}

/** A copy of a packed forest in shared memory (reused across calls by the caller). */
export function shareForest(f: PackedForest): PackedForest {
  return {
    numTrees: f.numTrees,
    root: sharedInt32(f.root),
    depth: sharedInt32(f.depth),
    left: sharedInt32(f.left),
    feature: sharedInt32(f.feature),
    threshold: sharedFloat32(f.threshold),
    missingRight: sharedInt32(f.missingRight),
    leafValue: sharedFloat32(f.leafValue),
  };
}

/** A copy of a TreeSHAP forest in shared memory. */
export function shareShapForest(f: ShapForest): ShapForest {
  return {
    numTrees: f.numTrees,
    maxDepth: f.maxDepth,
    root: sharedInt32(f.root),
    left: sharedInt32(f.left),
    feature: sharedInt32(f.feature),
    threshold: sharedFloat32(f.threshold),
    defaultLeft: sharedInt32(f.defaultLeft),
    leafValue: sharedFloat64(f.leafValue),
    leftZero: sharedFloat64(f.leftZero),
    rightZero: sharedFloat64(f.rightZero),
    maxNodes: f.maxNodes,
    orderStart: sharedInt32(f.orderStart),
    orderEnd: sharedInt32(f.orderEnd),
    order: sharedInt32(f.order),
    bit: sharedInt32(f.bit),
    leafDim: sharedInt32(f.leafDim),
    leafFeatureAt: sharedInt32(f.leafFeatureAt),
    leafTableAt: sharedInt32(f.leafTableAt),
    leafFeatures: sharedInt32(f.leafFeatures),
    table: sharedFloat64(f.table),
  };
}

/**
 * Every thread of the pool and the calling one take chunks of `nRows` rows until none is left; `run`
 * is the calling thread's share of the work. Returns when every chunk is done.
 */
function runChunks(
  task: Record<string, unknown>,
  nRows: number,
  chunk: number,
  threads: number,
  run: (begin: number, end: number) => void,
): void {
  const total = Math.ceil(nRows / chunk);
  const p = poolWith(Math.min(threads, total) - 1);
  // [next chunk, chunks done, error]
  const counter = new Int32Array(new SharedArrayBuffer(12));
  const message = { ...task, nRows, chunk, counter };
  for (const port of p.ports) port.postMessage(message);
  Atomics.add(p.ctrl, 0, 1);
  Atomics.notify(p.ctrl, 0);
  for (;;) {
    const j = Atomics.add(counter, 0, 1);
    if (j >= total) break;
    const b = j * chunk;
    run(b, Math.min(b + chunk, nRows));
    Atomics.add(counter, 1, 1);
  }
  // chunks a worker has taken are finished by that worker
  for (;;) {
    const done = Atomics.load(counter, 1);
    if (done >= total) break;
    Atomics.wait(counter, 1, done, 50);
  }
  if (Atomics.load(counter, 2) !== 0) throw new Error('prediction worker failed');
}

/**
 * {@link accumulateContributions} on `threads` threads (the calling one included) over blocks of rows;
 * `forest` should come from {@link shareShapForest}. Same result as one thread, bit for bit: each row
 * is explained by one thread.
 */
export function accumulateContributionsThreaded(
  forest: ShapForest,
  matrix: ColumnMajor,
  out: Float64Array,
  width: number,
  threads: number,
): void {
  const nRows = matrix.nRows;
  if (threads <= 1 || nRows <= SHAP_ROWS_PER_CHUNK) {
    accumulateContributions(forest, matrix, out, width);
    return;
  }
  const shared: ColumnMajor = { values: sharedCopy(matrix.values, 0), nRows, nCols: matrix.nCols };
  const phi = sharedCopy(out, 2);
  runChunks(
    { kind: 'contributions', forest, matrix: shared, out: phi, width },
    nRows,
    SHAP_ROWS_PER_CHUNK,
    threads,
    (b, e) => accumulateContributions(forest, shared, phi, width, b, e),
  );
  if (phi !== out) out.set(phi);
}

/**
 * {@link accumulateMargins} on `threads` threads (the calling one included) over blocks of rows;
 * `forest` should come from {@link shareForest}. Same result as the single-threaded call, bit for bit.
 * The matrix is copied to shared memory unless its buffer already is a SharedArrayBuffer.
 */
export function accumulateMarginsThreaded(
  forest: PackedForest,
  matrix: ColumnMajor,
  treeBegin: number,
  treeEnd: number,
  out: Float32Array,
  threads: number,
): void {
  const nRows = matrix.nRows;
  const total = Math.ceil(nRows / ROWS_PER_CHUNK);
  if (threads <= 1 || total < 2) {
    accumulateMargins(forest, matrix, treeBegin, treeEnd, out);
    return;
  }
  const shared: ColumnMajor = { values: sharedCopy(matrix.values, 0), nRows, nCols: matrix.nCols };
  const margins = sharedCopy(out, 1);
  runChunks(
    { kind: 'margins', forest, matrix: shared, treeBegin, treeEnd, out: margins },
    nRows,
    ROWS_PER_CHUNK,
    threads,
    (b, e) => accumulateMargins(forest, shared, treeBegin, treeEnd, margins, b, e),
  );
  if (margins !== out) out.set(margins);
}
