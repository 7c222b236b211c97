import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { evalWorkerExecArgv, startEvalWorker } from '../src/threads/eval-worker.js';

const SOURCE = "require('node:worker_threads').parentPort.postMessage('up');";

function firstMessage(worker: Worker): Promise<unknown> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  }).finally(() => worker.terminate());
}

describe('eval workers', () => {
  it('drop the module-type flags in both spellings and keep every other flag', () => {
    expect(
      evalWorkerExecArgv([
        '--conditions=x',
        '--input-type=module',
        '--max-old-space-size',
        '512',
        '--input-type',
        'module',
        '--experimental-default-type=module',
        '--import',
        'tsx',
      ]),
    ).toEqual(['--conditions=x', '--max-old-space-size', '512', '--import', 'tsx']);
  });

  it('an inherited --input-type=module breaks a CommonJS eval worker', async () => {
    const worker = new Worker(SOURCE, { eval: true, execArgv: ['--input-type=module'] });
    await expect(firstMessage(worker)).rejects.toThrow(/require is not defined/);
  });

  it('start under a parent flagged --input-type=module', async () => {
    process.execArgv.push('--input-type=module');
    try {
      await expect(firstMessage(startEvalWorker(SOURCE, {}))).resolves.toBe('up');
    } finally {
      process.execArgv.pop();
    }
  });
});
