/**
 * Fixed vocabularies and distribution parameters of the discovery world. Shares are rough US
 * advisor-market proportions; they only need to be plausible, not exact.
 */
import type { FIRM_TYPES, REGISTRATION_TYPES } from '@leadscore/core';

/** States with population-like weights and their metros. */
export const STATES: readonly { code: string; weight: number; metros: readonly string[] }[] = [
  { code: 'CA', weight: 12, metros: ['Los Angeles', 'San Francisco', 'San Diego', 'Sacramento'] },
  { code: 'NY', weight: 9, metros: ['New York', 'Buffalo', 'Rochester'] },
  { code: 'TX', weight: 9, metros: ['Dallas', 'Houston', 'Austin', 'San Antonio'] },
  { code: 'FL', weight: 8, metros: ['Miami', 'Tampa', 'Orlando', 'Jacksonville'] },
  { code: 'IL', weight: 5, metros: ['Chicago', 'Springfield'] },
  { code: 'PA', weight: 5, metros: ['Philadelphia', 'Pittsburgh'] },
  { code: 'OH', weight: 4, metros: ['Columbus', 'Cleveland', 'Cincinnati'] },
  { code: 'GA', weight: 4, metros: ['Atlanta', 'Savannah'] },
  { code: 'NC', weight: 4, metros: ['Charlotte', 'Raleigh'] },
  { code: 'NJ', weight: 4, metros: ['Newark', 'Princeton'] },
  { code: 'MA', weight: 3, metros: ['Boston', 'Worcester'] },
  { code: 'WA', weight: 3, metros: ['Seattle', 'Spokane'] },
  { code: 'AZ', weight: 3, metros: ['Phoenix', 'Tucson'] },
  { code: 'CO', weight: 2, metros: ['Denver', 'Colorado Springs'] },
  { code: 'MN', weight: 2, metros: ['Minneapolis'] },
  { code: 'MI', weight: 3, metros: ['Detroit', 'Grand Rapids'] },
  { code: 'VA', weight: 3, metros: ['Richmond', 'Arlington'] },
  { code: 'MO', weight: 2, metros: ['St. Louis', 'Kansas City'] },
  { code: 'TN', weight: 2, metros: ['Nashville', 'Memphis'] },
  { code: 'WI', weight: 2, metros: ['Milwaukee', 'Madison'] },
];

/** Every metro, indexed globally (states' metros in order). */
export const METROS: readonly string[] = STATES.flatMap((s) => s.metros);
/** First global metro index of each state. */
export const STATE_FIRST_METRO: Int32Array = (() => {
  const out = new Int32Array(STATES.length);
  let k = 0;
  STATES.forEach((s, i) => {
    out[i] = k;
    k += s.metros.length;
  });
  return out;
})();

/** Custodians of RIAs and independent broker-dealers, with shares. */
export const CUSTODIANS: readonly { name: string; weight: number }[] = [
  { name: 'Schwab', weight: 40 },
  { name: 'Fidelity', weight: 30 },
  { name: 'Pershing', weight: 18 },
  { name: 'Altruist', weight: 7 },
  { name: 'Interactive Brokers', weight: 5 },
];

/** Index in FIRM_TYPES. */
export const FT = {
  wirehouse: 0,
  regional_bd: 1,
  independent_bd: 2,
  ria: 3,
  insurance_bd: 4,
  bank: 5,
} as const satisfies Record<(typeof FIRM_TYPES)[number], number>;

/** Index in REGISTRATION_TYPES. */
export const REG = { BD: 0, IAR: 1, DUAL: 2 } as const satisfies Record<
  (typeof REGISTRATION_TYPES)[number],
  number
>;

/**
 * Per firm type: share of firms, share of reps, log-mean and log-sd of a firm's relative size,
 * log-mean AUM (USD) and typical client size (USD), and registration shares [BD, IAR, DUAL].
 */
export const FIRM_TYPE_PARAMS: readonly {
  firmShare: number;
  /** Registered reps in the whole firm per sample rep: national channels are far larger than the sample shows. */
  universe: number;
  repShare: number;
  sizeLogSd: number;
  aumLogMean: number;
  clientSize: number;
  registration: readonly [number, number, number];
}[] = [
  {
    firmShare: 3,
    universe: 12,
    repShare: 18,
    sizeLogSd: 0.5,
    aumLogMean: Math.log(120e6),
    clientSize: 900e3,
    registration: [35, 0, 65],
  },
  {
    firmShare: 12,
    universe: 5,
    repShare: 14,
    sizeLogSd: 0.8,
    aumLogMean: Math.log(70e6),
    clientSize: 600e3,
    registration: [50, 0, 50],
  },
  {
    firmShare: 20,
    universe: 6,
    repShare: 26,
    sizeLogSd: 1.2,
    aumLogMean: Math.log(45e6),
    clientSize: 400e3,
    registration: [30, 0, 70],
  },
  {
    firmShare: 50,
    universe: 1.5,
    repShare: 22,
    sizeLogSd: 1.3,
    aumLogMean: Math.log(90e6),
    clientSize: 1.5e6,
    registration: [0, 85, 15],
  },
  {
    firmShare: 8,
    universe: 6,
    repShare: 12,
    sizeLogSd: 0.8,
    aumLogMean: Math.log(15e6),
    clientSize: 150e3,
    registration: [80, 0, 20],
  },
  {
    firmShare: 7,
    universe: 4,
    repShare: 8,
    sizeLogSd: 0.8,
    aumLogMean: Math.log(25e6),
    clientSize: 250e3,
    registration: [60, 0, 40],
  },
];

/** Lead sources with shares and their planted effect on the conversion log-odds. */
export const LEAD_SOURCES: readonly { name: string; weight: number; effect: number }[] = [
  { name: 'referral', weight: 10, effect: 1.1 },
  { name: 'inbound_web', weight: 15, effect: 0.6 },
  { name: 'event', weight: 10, effect: 0.35 },
  { name: 'linkedin', weight: 25, effect: 0 },
  { name: 'cold_call', weight: 25, effect: -0.6 },
  { name: 'purchased_list', weight: 15, effect: -1.0 },
];

/** Draws an index from non-negative weights given their cumulative sums. */
export function pickCumulative(cumulative: Float64Array, u: number): number {
  const target = u * cumulative[cumulative.length - 1]!;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Cumulative sums of weights. */
export function cumulate(weights: ArrayLike<number>): Float64Array {
  const out = new Float64Array(weights.length);
  let s = 0;
  for (let i = 0; i < weights.length; i++) {
    s += weights[i]!;
    out[i] = s;
  }
  return out;
}
