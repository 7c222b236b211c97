import type { Careers } from './careers.js';
import { REG } from './vocabulary.js';

/**
 * Coefficients (log-odds) of the planted conversion signal. Every term reads facts of the rep's
 * latest quarter end on or before the contact, and earlier quarter ends, never later ones.
 */
export const SIGNAL_COEFFICIENTS = Object.freeze({
  /** years_at_firm in [3, 7]: the classic move window. */
  tenureWindow: 1.1,
  /** Firm headcount fell by >= 10 % over the last 4 quarters (half the effect for 3-10 %). */
  firmDecline: 1.1,
  /** aum in [50M, 500M]: a book large enough to matter, small enough to move. */
  aumSweetSpot: 1.0,
  /** aum below 10M. */
  aumSmall: -0.7,
  /** Firm type effects: captive channels move more, RIAs are already independent. */
  firmType: Object.freeze({
    wirehouse: 0.6,
    regional_bd: 0.35,
    independent_bd: 0.1,
    ria: -0.6,
    insurance_bd: -0.25,
    bank: 0,
  }),
  /** registration_type DUAL. */
  dualRegistered: 0.25,
  /** AUM log-growth of the last two quarters trails the two before by more than 0.08. */
  growthSlowdown: 0.7,
  /** Lead source effects are in LEAD_SOURCES (vocabulary). */
});

const FIRM_TYPE_EFFECT = Float64Array.from([
  SIGNAL_COEFFICIENTS.firmType.wirehouse,
  SIGNAL_COEFFICIENTS.firmType.regional_bd,
  SIGNAL_COEFFICIENTS.firmType.independent_bd,
  SIGNAL_COEFFICIENTS.firmType.ria,
  SIGNAL_COEFFICIENTS.firmType.insurance_bd,
  SIGNAL_COEFFICIENTS.firmType.bank,
]);

/**
 * Log-odds contribution of the rep's point-in-time facts at quarter index `q` (the latest quarter end
 * on or before the contact), without intercept and lead source.
 */
export function repSignal(
  careers: Careers,
  firmType: Uint8Array,
  headcount: Int32Array,
  rep: number,
  q: number,
): number {
  const Q = careers.quarters;
  const i = rep * Q + q;
  let s = 0;
  const yaf = careers.yearsAtFirm[i]!;
  if (yaf >= 3 && yaf <= 7) s += SIGNAL_COEFFICIENTS.tenureWindow;
  // Headcount history as the rep's own snapshots report it (firm_rep_count 4 quarters back).
  const q4 = q >= 4 ? q - 4 : 0;
  const now = headcount[careers.firm[i]! * Q + q]!;
  const before = headcount[careers.firm[rep * Q + q4]! * Q + q4]!;
  if (q > q4) {
    const decline = 1 - now / before;
    if (decline >= 0.1) s += SIGNAL_COEFFICIENTS.firmDecline;
    else if (decline >= 0.03) s += SIGNAL_COEFFICIENTS.firmDecline / 2;
  }
  const aum = careers.aum[i]!;
  if (aum >= 50e6 && aum <= 500e6) s += SIGNAL_COEFFICIENTS.aumSweetSpot;
  else if (aum < 10e6) s += SIGNAL_COEFFICIENTS.aumSmall;
  s += FIRM_TYPE_EFFECT[firmType[careers.firm[i]!]!]!;
  if (careers.registration[i] === REG.DUAL) s += SIGNAL_COEFFICIENTS.dualRegistered;
  const q2 = q >= 2 ? q - 2 : 0;
  const recent = Math.log(aum / careers.aum[rep * Q + q2]!);
  const prior = Math.log(careers.aum[rep * Q + q2]! / careers.aum[rep * Q + q4]!);
  if (q2 > q4 && prior - recent > 0.08) s += SIGNAL_COEFFICIENTS.growthSlowdown;
  return s;
}

/** Logistic function. */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** The intercept b such that mean(sigmoid(b + scale * x)) equals `target` (bisection). */
export function calibrateIntercept(x: Float64Array, scale: number, target: number): number {
  let lo = -20;
  let hi = 20;
  for (let iter = 0; iter < 60; iter++) {
    const mid = (lo + hi) / 2;
    let sum = 0;
    for (let i = 0; i < x.length; i++) sum += sigmoid(mid + scale * x[i]!);
    if (sum / x.length > target) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
}
