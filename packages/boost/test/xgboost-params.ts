/** XGBoost parameter objects recorded by the parity fixture scripts, as our `TrainParams`. */
import type { TrainParams } from '../src/train/params.js';

/** The per-node arrays of one tree of an XGBoost JSON model that the parity tests compare. */
export interface XgbTree {
  left_children: number[];
  split_indices: number[];
  split_conditions: number[];
  default_left: number[];
  base_weights: number[];
  loss_changes: number[];
  sum_hessian: number[];
}

/** Maps XGBoost's `eta`, `max_depth`, `max_bin`, `base_score`, regularisation and constraint keys. */
export function trainParamsOf(q: Record<string, number | string>, rounds: number): TrainParams {
  const out: TrainParams = {
    numRounds: rounds,
    learningRate: Number(q.eta),
    maxDepth: Number(q.max_depth),
    maxBin: Number(q.max_bin),
    baseScore: Number(q.base_score),
  };
  if (q.grow_policy !== undefined) out.growPolicy = q.grow_policy as 'lossguide';
  if (q.max_leaves !== undefined) out.maxLeaves = Number(q.max_leaves);
  if (q.reg_alpha !== undefined) out.alpha = Number(q.reg_alpha);
  if (q.reg_lambda !== undefined) out.lambda = Number(q.reg_lambda);
  if (q.gamma !== undefined) out.gamma = Number(q.gamma);
  if (q.min_child_weight !== undefined) out.minChildWeight = Number(q.min_child_weight);
  if (q.max_delta_step !== undefined) out.maxDeltaStep = Number(q.max_delta_step);
  if (q.scale_pos_weight !== undefined) out.scalePosWeight = Number(q.scale_pos_weight);
  if (q.monotone_constraints !== undefined) {
    out.monotoneConstraints = String(q.monotone_constraints).replace(/[()]/g, '').split(',').map(Number);
  }
  return out;
}
