/**
 * The stand-in search used until `@leadscore/cv`'s TPE `tune` is wired in: seeded random samples from a
 * small space per member kind, the first trial being the member's given parameters.
 * @module
 */
import type { TrainParams } from '@leadscore/boost';
import type { Rng } from '@leadscore/core/rng';

/** Draws one parameter set for a depth-wise ("xgb") or leaf-wise ("lgbm") member. */
export function sampleParams(base: TrainParams, rng: Rng): TrainParams {
  const logUniform = (lo: number, hi: number) => Math.exp(rng.uniform(Math.log(lo), Math.log(hi)));
  const shape =
    base.growPolicy === 'lossguide'
      ? { maxLeaves: 4 + rng.int(60), maxDepth: 0 }
      : { maxDepth: 2 + rng.int(6) };
  return {
    ...base,
    ...shape,
    learningRate: Number(logUniform(0.02, 0.3).toPrecision(4)),
    minChildWeight: Number(logUniform(0.5, 20).toPrecision(4)),
    lambda: Number(logUniform(0.1, 10).toPrecision(4)),
    subsample: Number(rng.uniform(0.6, 1).toPrecision(4)),
    colsampleByTree: Number(rng.uniform(0.5, 1).toPrecision(4)),
  };
}
