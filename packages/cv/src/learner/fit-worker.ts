/**
 * The worker-thread side of `fit-pool.ts`: runs boost's `train` on the data it is sent and posts the
 * plain model back, with the probabilities of the matrices it was asked to predict and the margins train kept. Any failure is reported as `{ failed }`; the caller then fits on its own thread,
 * where the same error is thrown with its own class.
 * @module
 */
import { parentPort } from 'node:worker_threads';
import { train } from '@leadscore/boost';
import type { FitTask } from './fit-pool.js';

const port = parentPort;
if (port !== null) {
  port.on('message', async (task: FitTask & { id: number }) => {
    try {
      const booster = await train(task.data, task.labels, task.params, task.options);
      const predictions = task.predictOn.map((m) => booster.predict(m));
      const margins = booster.trainingLog?.margins ?? null;
      const moved = predictions.map((p) => p.buffer as ArrayBuffer);
      if (margins !== null) moved.push(margins.data.buffer as ArrayBuffer);
      if (margins?.eval != null) moved.push(margins.eval.buffer as ArrayBuffer);
      port.postMessage({ id: task.id, fit: { model: booster.model, predictions, margins } }, moved);
    } catch (e) {
      port.postMessage({ id: task.id, failed: e instanceof Error ? e.message : String(e) });
    }
  });
}
