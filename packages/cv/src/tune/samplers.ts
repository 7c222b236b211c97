import type { Rng } from '@leadscore/core/rng';
import {
  type Distribution,
  fromInternal,
  gridCell,
  internalBounds,
  sameDistribution,
  toInternal,
} from './distributions.js';
import { fitParzen, logMassParzen, logPdfParzen, type Parzen, sampleParzen } from './parzen.js';
import { type ParamValue, rankTrials, type TrialRecord } from './trial-record.js';

/** Options of the TPE sampler (Optuna `TPESampler` names and defaults). */
export interface TpeOptions {
  /** Trials sampled at random before TPE starts. @default 10 */
  nStartupTrials?: number;
  /** Candidates drawn from l(x) per parameter; the one maximising l(x) / g(x) is kept. @default 24 */
  nEiCandidates?: number;
  /** Weight of the prior component of each mixture. @default 1 */
  priorWeight?: number;
}

/** Draws a parameter uniformly (log-uniformly on a log scale). */
export function sampleRandom(d: Distribution, rng: Rng): ParamValue {
  if (d.type === 'categorical') return d.choices[Math.floor(rng.next() * d.choices.length)]!;
  const [lo, hi] = internalBounds(d);
  return fromInternal(d, lo + rng.next() * (hi - lo));
}

/** Optuna's `default_gamma`: the number of "good" trials, min(ceil(0.1 n), 25). */
export function gammaOf(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** Optuna's `default_weights`: equal for the newest 25, a ramp from 1/n up for older ones (in trial order). */
export function weightsOf(n: number): number[] {
  if (n < 25) return new Array<number>(n).fill(1);
  const ramp = n - 25;
  const out: number[] = [];
  for (let i = 0; i < ramp; i++) out.push(ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1));
  for (let i = 0; i < 25; i++) out.push(1);
  return out;
}

function byNumber(ts: TrialRecord[]): TrialRecord[] {
  return ts.sort((a, b) => a.number - b.number);
}

/**
 * Samples parameter `name` with univariate TPE: past trials with the same distribution are split into
 * the best gamma(n) (l) and the rest (g); of `nEiCandidates` draws from l the one with the largest
 * log l(x) - log g(x) wins. Falls back to random sampling during the startup trials.
 */
export function sampleTpe(
  name: string,
  d: Distribution,
  history: readonly TrialRecord[],
  direction: 'maximize' | 'minimize',
  options: Required<TpeOptions>,
  rng: Rng,
): ParamValue {
  const usable = history.filter(
    (t) => t.distributions[name] !== undefined && sameDistribution(t.distributions[name]!, d),
  );
  if (usable.length < options.nStartupTrials) return sampleRandom(d, rng);
  const ranked = rankTrials(usable, direction);
  const nBelow = gammaOf(ranked.length);
  const below = byNumber(ranked.slice(0, nBelow));
  const above = byNumber(ranked.slice(nBelow));
  if (d.type === 'categorical') {
    const probs = (ts: TrialRecord[]) => {
      const w = weightsOf(ts.length);
      const p = new Float64Array(d.choices.length).fill(options.priorWeight / d.choices.length);
      ts.forEach((t, i) => {
        const k = d.choices.indexOf(t.params[name]!);
        if (k >= 0) p[k]! += w[i]!;
      });
      const total = p.reduce((a, b) => a + b, 0);
      return p.map((x) => x / total);
    };
    const l = probs(below);
    const g = probs(above);
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < options.nEiCandidates; c++) {
      let u = rng.next();
      let k = 0;
      while (k < l.length - 1 && u >= l[k]!) {
        u -= l[k]!;
        k++;
      }
      const score = Math.log(l[k]!) - Math.log(g[k]!);
      if (score > bestScore) {
        bestScore = score;
        best = k;
      }
    }
    return d.choices[best]!;
  }
  const [lo, hi] = internalBounds(d);
  const fit = (ts: TrialRecord[]): Parzen =>
    fitParzen(
      ts.map((t) => toInternal(d, t.params[name] as number)),
      weightsOf(ts.length),
      lo,
      hi,
      options.priorWeight,
    );
  const l = fit(below);
  const g = fit(above);
  let best = Number.NaN;
  let bestScore = -Infinity;
  // int and stepped parameters are scored on their grid: a candidate is the grid value it rounds to,
  // weighed by the mass of l and g on that value's cell (two draws of one integer are one candidate)
  const scored = new Set<number>();
  for (let c = 0; c < options.nEiCandidates; c++) {
    const x = sampleParzen(l, rng);
    const v = fromInternal(d, x);
    const cell = gridCell(d, v);
    let score: number;
    if (cell === null) score = logPdfParzen(l, x) - logPdfParzen(g, x);
    else {
      if (scored.has(v)) continue;
      scored.add(v);
      score = logMassParzen(l, cell[0], cell[1]) - logMassParzen(g, cell[0], cell[1]);
    }
    if (score > bestScore || Number.isNaN(best)) {
      bestScore = score;
      best = v;
    }
  }
  return best;
}
