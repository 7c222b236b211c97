/**
 * Boost fits on worker threads, so cross-validation can run several folds' fits at once (each at fewer
 * threads: at 30k rows two one-thread fits beat one two-thread fit, whose per-step hand-offs dominate).
 * A process-wide pool started on first use; idle workers are unref'd and never keep the process alive.
 * A fit on a worker is the same code on the same data as on the main thread, so the model is identical.
 * @module
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type {
  BinnedMatrix,
  BoosterModel,
  TrainingMargins,
  TrainOptions,
  TrainParams,
} from '@leadscore/boost';
import { CancelledError, createMatrix, type Matrix } from '@leadscore/core';

/** What a worker fits: `train(data, labels, params, options)` without callbacks or signals. */
export interface FitTask {
  readonly data: Matrix | BinnedMatrix;
  readonly labels: Float64Array;
  readonly params: TrainParams;
  readonly options: Omit<TrainOptions, 'signal' | 'onRound' | 'binMapper'>;
  /** Matrices to predict with the fitted model (probabilities, default iteration range). */
  readonly predictOn: readonly Matrix[];
}

/** A worker's fit: the plain model, the probabilities of `predictOn`, in order, and the margins train kept. */
export interface WorkerFit {
  readonly model: BoosterModel;
  readonly predictions: readonly Float64Array[];
  /** `trainingLog.margins` of the fit (null unless `options.keepMargins`). */
  readonly margins: TrainingMargins | null;
}

interface Reply {
  readonly id: number;
  readonly fit?: WorkerFit;
  readonly failed?: string;
}

interface PooledWorker {
  readonly worker: Worker;
  /** Set when the worker errored, exited or was stopped: it is not handed out again. */
  broken: boolean;
}

const idle: PooledWorker[] = [];
let nextId = 1;

/**
 * The worker script next to this module: the built `.js`, or under a TypeScript runner (tsx, vitest)
 * the `.ts` source, loaded through tsx's loader registered inside the worker (a worker's `--import` is
 * not applied) and with the source export condition.
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./fit-worker.js', import.meta.url));
  const script = new URL('./fit-worker.ts', import.meta.url).href;
  // tsx's ESM API (its CommonJS twin fails to register inside a worker of a tsx-loaded process)
  const api = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  const tsx = pathToFileURL(api).href;
  const execArgv = process.execArgv.some((a) => a.includes('@leadscore/source'))
    ? [...process.execArgv]
    : [...process.execArgv, '--conditions=@leadscore/source'];
  const boot = `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(script)}); });`;
  return new Worker(boot, { eval: true, execArgv });
}

function acquire(): PooledWorker {
  const w = idle.pop();
  if (w !== undefined) {
    w.worker.ref();
    return w;
  }
  const pooled: PooledWorker = { worker: startWorker(), broken: false };
  pooled.worker.on('error', () => {
    pooled.broken = true;
  });
  pooled.worker.on('exit', () => {
    pooled.broken = true;
  });
  return pooled;
}

function release(w: PooledWorker): void {
  if (w.broken) return;
  w.worker.unref();
  idle.push(w);
}

/**
 * Fits `task` on a pooled worker thread; resolves to the model and predictions, or to null when the worker failed (the
 * caller fits on its own thread then, which raises the fit's own error). Aborting `signal` rejects
 * with a CancelledError and stops that worker.
 */
export function fitOnWorker(task: FitTask, signal?: AbortSignal): Promise<WorkerFit | null> {
  if (signal?.aborted) {
    return Promise.reject(
      new CancelledError('the fit was aborted before it started', { cause: signal.reason }),
    );
  }
  let w: PooledWorker;
  try {
    w = acquire();
  } catch {
    // no worker (no loader for the source, no threads): the caller fits in place
    return Promise.resolve(null);
  }
  const id = nextId++;
  return new Promise<WorkerFit | null>((resolve, reject) => {
    const done = (): void => {
      w.worker.off('message', onMessage);
      w.worker.off('error', onFail);
      w.worker.off('exit', onFail);
      signal?.removeEventListener('abort', onAbort);
    };
    const onMessage = (reply: Reply): void => {
      if (reply.id !== id) return;
      done();
      release(w);
      resolve(reply.fit ?? null);
    };
    const onFail = (): void => {
      done();
      w.broken = true;
      resolve(null);
    };
    const onAbort = (): void => {
      done();
      w.broken = true;
      void w.worker.terminate();
      reject(new CancelledError('the fit was aborted', { cause: signal?.reason }));
    };
    w.worker.on('message', onMessage);
    w.worker.once('error', onFail);
    w.worker.once('exit', onFail);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      w.worker.postMessage({ ...task, id });
    } catch {
      onFail();
    }
  });
}

/**
 * Starts `count` pooled workers and waits until each has loaded boost (one tiny fit each), so a timed
 * section does not include their start-up (benchmarks, as a Python script's imports precede its clock).
 */
export async function startFitWorkers(count: number): Promise<void> {
  const n = 8;
  const values = new Float32Array(n);
  const labels = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    values[i] = i;
    labels[i] = i % 2;
  }
  const task: FitTask = {
    data: createMatrix(values, n, ['x']),
    labels,
    params: { numRounds: 1 },
    options: {},
    predictOn: [],
  };
  await Promise.all(Array.from({ length: count }, () => fitOnWorker(task)));
}
