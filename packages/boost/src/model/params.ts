import type { ModelParams } from './types.js';

/**
 * The {@link ModelParams} of anything that carries them (resolved training parameters, a loaded model),
 * as a new object with a fixed key order, so serialising it is byte-deterministic.
 */
export function pickModelParams(p: Omit<ModelParams, 'objective'>): ModelParams {
  return {
    objective: 'binary:logistic',
    learningRate: p.learningRate,
    maxDepth: p.maxDepth,
    maxLeaves: p.maxLeaves,
    growPolicy: p.growPolicy,
    lambda: p.lambda,
    alpha: p.alpha,
    gamma: p.gamma,
    minChildWeight: p.minChildWeight,
    maxDeltaStep: p.maxDeltaStep,
    scalePosWeight: p.scalePosWeight,
    maxBin: p.maxBin,
  };
}
