/**
 * Histogram building on one or more threads. With `nthread > 1` the features are split into contiguous
 * groups; the main thread builds group 0 and each worker one other group, on SharedArrayBuffer-backed
 * arrays. Every feature's histogram is built by exactly one thread in the same row order, so the sums
 * (and the model) do not depend on the thread count. Workers are woken with `Atomics.notify` and read
 * their task synchronously with `receiveMessageOnPort`, which keeps the round trip in microseconds and
 * lets `train` stay synchronous inside a round.
 * @module
 */
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { buildHistograms, evaluatePlain } from './hist-kernel.js';

/** Builds node histograms; see {@link buildHistograms} for the node descriptor layout. */
export interface HistBuilder {
  /** Number of threads (1 = main thread only). */
  readonly threads: number;
  /** Allocates an array shared with the workers when there are any. */
  allocFloat64(length: number): Float64Array;
  allocInt32(length: number): Int32Array;
  /** Registers the per-training arrays (all allocated with the `alloc*` methods, except `codes` which is copied when needed). */
  setup(
    codes: Uint8Array | Uint16Array,
    nRows: number,
    rows: Int32Array,
    gh: Float64Array,
    slotPtr: Int32Array,
  ): void;
  /** Registers a histogram pool chunk (allocated with `allocFloat64`); returns its index. */
  addChunk(chunk: Float64Array): number;
  /** Builds the histograms of `nNodes` nodes over `features[0..nFeatures)`. */
  build(nodes: Int32Array, nNodes: number, features: Int32Array, nFeatures: number): void;
  /**
   * Plain-case split search of `nNodes` nodes (see {@link evaluatePlain}); `out` (from `allocFloat64`)
   * receives 8 doubles per node and thread, `threads` partial results per node.
   */
  evaluate(
    nodes: Float64Array,
    nNodes: number,
    features: Int32Array,
    mcw: number,
    lambda: number,
    out: Float64Array,
  ): void;
  /** Stops the workers. */
  close(): Promise<void>;
}

class LocalBuilder implements HistBuilder {
  readonly threads: number = 1;
  private codes: Uint8Array | Uint16Array = new Uint8Array(0);
  private nRows = 0;
  private rows: Int32Array = new Int32Array(0);
  private gh: Float64Array = new Float64Array(0);
  private slotPtr: Int32Array = new Int32Array(0);
  private readonly chunks: Float64Array[] = [];
  /** The registered pool chunks (read by the threaded builder's main-thread share). */
  get chunkList(): Float64Array[] {
    return this.chunks;
  }
  /** The histogram slot offsets. */
  get slots(): Int32Array {
    return this.slotPtr;
  }
  allocFloat64(length: number): Float64Array {
    return new Float64Array(length);
  }
  allocInt32(length: number): Int32Array {
    return new Int32Array(length);
  }
  setup(
    codes: Uint8Array | Uint16Array,
    nRows: number,
    rows: Int32Array,
    gh: Float64Array,
    slotPtr: Int32Array,
  ): void {
    this.codes = codes;
    this.nRows = nRows;
    this.rows = rows;
    this.gh = gh;
    this.slotPtr = slotPtr;
  }
  addChunk(chunk: Float64Array): number {
    this.chunks.push(chunk);
    return this.chunks.length - 1;
  }
  build(nodes: Int32Array, nNodes: number, features: Int32Array, nFeatures: number): void {
    buildHistograms(
      this.codes,
      this.nRows,
      this.rows,
      this.gh,
      nodes,
      nNodes,
      this.chunks,
      features,
      0,
      nFeatures,
      this.slotPtr,
    );
  }
  evaluate(
    nodes: Float64Array,
    nNodes: number,
    features: Int32Array,
    mcw: number,
    lambda: number,
    out: Float64Array,
  ): void {
    evaluatePlain(nodes, nNodes, this.chunks, features, this.slotPtr, 0, 1, mcw, lambda, out);
  }
  async close(): Promise<void> {}
}

const WORKER_SOURCE = (kernel: string, evaluate: string): string => `
const { receiveMessageOnPort, workerData, parentPort } = require('node:worker_threads');
const buildHistograms = (${kernel});
const evaluatePlain = (${evaluate});
const ctrl = new Int32Array(workerData.ctrl);
const port = workerData.port;
const index = workerData.index;
let codes, nRows, rows, gh, slotPtr;
const chunks = [];
let seen = 0;
parentPort.postMessage('ready');
for (;;) {
  Atomics.wait(ctrl, 0, seen);
  seen = Atomics.load(ctrl, 0);
  let stop = false;
  let m;
  while ((m = receiveMessageOnPort(port)) !== undefined) {
    const msg = m.message;
    if (msg.kind === 'setup') {
      codes = msg.codes; nRows = msg.nRows; rows = msg.rows; gh = msg.gh; slotPtr = msg.slotPtr;
    } else if (msg.kind === 'chunk') {
      chunks.push(msg.chunk);
    } else if (msg.kind === 'build') {
      const [fBegin, fEnd] = msg.ranges[index];
      try {
        buildHistograms(codes, nRows, rows, gh, msg.nodes, msg.nNodes, chunks, msg.features, fBegin, fEnd, slotPtr);
      } catch (e) {
        Atomics.store(ctrl, 2, 1);
      }
      Atomics.add(ctrl, 1, 1);
      Atomics.notify(ctrl, 1);
    } else if (msg.kind === 'eval') {
      try {
        evaluatePlain(msg.nodes, msg.nNodes, chunks, msg.features, slotPtr, index, msg.threads, msg.mcw, msg.lambda, msg.out);
      } catch (e) {
        Atomics.store(ctrl, 2, 1);
      }
      Atomics.add(ctrl, 1, 1);
      Atomics.notify(ctrl, 1);
    } else if (msg.kind === 'stop') {
      stop = true;
    }
  }
  if (stop) break;
}
`;

function shared(bytes: number): SharedArrayBuffer {
  return new SharedArrayBuffer(Math.max(8, bytes));
}

class ThreadedBuilder implements HistBuilder {
  readonly threads: number;
  private readonly ctrl = new Int32Array(shared(16));
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private local = new LocalBuilder();

  constructor(threads: number) {
    this.threads = threads;
  }

  async start(): Promise<void> {
    const source = WORKER_SOURCE(buildHistograms.toString(), evaluatePlain.toString());
    const ready: Promise<void>[] = [];
    for (let t = 1; t < this.threads; t++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(source, {
        eval: true,
        workerData: { ctrl: this.ctrl.buffer, port: port2, index: t },
        transferList: [port2],
      });
      ready.push(
        new Promise<void>((resolve, reject) => {
          worker.once('message', () => resolve());
          worker.once('error', reject);
        }),
      );
      this.workers.push(worker);
      this.ports.push(port1);
    }
    await Promise.all(ready);
  }

  allocFloat64(length: number): Float64Array {
    return new Float64Array(shared(length * 8));
  }
  allocInt32(length: number): Int32Array {
    return new Int32Array(shared(length * 4));
  }
  setup(
    codes: Uint8Array | Uint16Array,
    nRows: number,
    rows: Int32Array,
    gh: Float64Array,
    slotPtr: Int32Array,
  ): void {
    let sharedCodes = codes;
    if (!(codes.buffer instanceof SharedArrayBuffer)) {
      const buf = shared(codes.byteLength);
      sharedCodes =
        codes instanceof Uint8Array
          ? new Uint8Array(buf, 0, codes.length)
          : new Uint16Array(buf, 0, codes.length);
      sharedCodes.set(codes);
    }
    this.local.setup(sharedCodes, nRows, rows, gh, slotPtr);
    for (const port of this.ports)
      port.postMessage({ kind: 'setup', codes: sharedCodes, nRows, rows, gh, slotPtr });
  }
  addChunk(chunk: Float64Array): number {
    for (const port of this.ports) port.postMessage({ kind: 'chunk', chunk });
    return this.local.addChunk(chunk);
  }
  build(nodes: Int32Array, nNodes: number, features: Int32Array, nFeatures: number): void {
    const ranges: [number, number][] = [];
    for (let t = 0; t < this.threads; t++) {
      ranges.push([
        Math.floor((t * nFeatures) / this.threads),
        Math.floor(((t + 1) * nFeatures) / this.threads),
      ]);
    }
    const msg = {
      kind: 'build',
      nodes: nodes.slice(0, 9 * nNodes),
      nNodes,
      features: features.slice(0, nFeatures),
      ranges,
    };
    Atomics.store(this.ctrl, 1, 0);
    for (const port of this.ports) port.postMessage(msg);
    Atomics.add(this.ctrl, 0, 1);
    Atomics.notify(this.ctrl, 0);
    const [b, e] = ranges[0]!;
    const localFeatures = features.subarray(b, e);
    this.local.build(nodes, nNodes, localFeatures, e - b);
    this.waitForWorkers();
  }
  evaluate(
    nodes: Float64Array,
    nNodes: number,
    features: Int32Array,
    mcw: number,
    lambda: number,
    out: Float64Array,
  ): void {
    const msg = {
      kind: 'eval',
      nodes: nodes.slice(0, 7 * nNodes),
      nNodes,
      features,
      threads: this.threads,
      mcw,
      lambda,
      out,
    };
    Atomics.store(this.ctrl, 1, 0);
    for (const port of this.ports) port.postMessage(msg);
    Atomics.add(this.ctrl, 0, 1);
    Atomics.notify(this.ctrl, 0);
    evaluatePlain(
      nodes,
      nNodes,
      this.local.chunkList,
      features,
      this.local.slots,
      0,
      this.threads,
      mcw,
      lambda,
      out,
    );
    this.waitForWorkers();
  }
  private waitForWorkers(): void {
    const expected = this.threads - 1;
    for (;;) {
      const done = Atomics.load(this.ctrl, 1);
      if (done >= expected) break;
      Atomics.wait(this.ctrl, 1, done, 1000);
    }
    if (Atomics.load(this.ctrl, 2) !== 0) throw new Error('histogram worker failed');
  }
  async close(): Promise<void> {
    for (const port of this.ports) port.postMessage({ kind: 'stop' });
    Atomics.add(this.ctrl, 0, 1);
    Atomics.notify(this.ctrl, 0);
    await Promise.all(this.workers.map((w) => new Promise((resolve) => w.once('exit', resolve))));
    for (const port of this.ports) port.close();
  }
}

/** Creates a histogram builder with `threads` threads (the main thread counts as one). */
export async function createHistBuilder(threads: number): Promise<HistBuilder> {
  if (threads <= 1) return new LocalBuilder();
  const builder = new ThreadedBuilder(threads);
  await builder.start();
  return builder;
}
