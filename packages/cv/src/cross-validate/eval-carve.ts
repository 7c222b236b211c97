/** The training rows split into the rows a learner fits on and the rows early stopping watches. */
export interface EvalCarve {
  readonly fit: number[];
  readonly evalRows: number[];
}

/**
 * Carves the eval set from the END of a fold's training period (the latest `fraction` of its rows by
 * time, or by row order without times), so early stopping never sees the test block and mimics
 * forecasting forward. Fit rows whose label window `[t, t + horizon]` reaches the eval block are dropped,
 * as the folds purge their training rows.
 */
export function carveEvalSet(
  train: readonly number[],
  times: Float64Array | null,
  fraction: number,
  horizonMs: number,
): EvalCarve {
  const order = [...train];
  if (times !== null) order.sort((a, b) => times[a]! - times[b]! || a - b);
  const nEval = Math.max(1, Math.round(order.length * fraction));
  const cut = order.length - nEval;
  const evalRows = order.slice(cut).sort((a, b) => a - b);
  let fit = order.slice(0, cut);
  if (times !== null && cut < order.length) {
    const evalStart = times[order[cut]!]!;
    fit = fit.filter((i) => times[i]! + horizonMs < evalStart);
  }
  return { fit: fit.sort((a, b) => a - b), evalRows };
}
