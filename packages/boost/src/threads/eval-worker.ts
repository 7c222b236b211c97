import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Flags that would make Node parse an eval'd worker's source as ES module. The worker sources here are
 * CommonJS (they `require('node:worker_threads')`), and a worker inherits the parent's flags, so a
 * program started as `node --input-type=module` would otherwise get workers that fail on `require`.
 */
const MODULE_TYPE_FLAGS = ['--input-type', '--experimental-default-type'];

/** The parent's execArgv without the module-type flags (both `--flag=value` and `--flag value`). */
export function evalWorkerExecArgv(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    const flag = MODULE_TYPE_FLAGS.find((f) => arg === f || arg.startsWith(`${f}=`));
    if (flag === undefined) kept.push(arg);
    else if (arg === flag) i++;
  }
  return kept;
}

/** Starts a worker thread running CommonJS `source`, whatever module type the parent was started with. */
export function startEvalWorker(source: string, options: Omit<WorkerOptions, 'eval' | 'execArgv'>): Worker {
  return new Worker(source, { ...options, eval: true, execArgv: evalWorkerExecArgv(process.execArgv) });
}
