import { defineFeature } from '../define/feature.js';
import { growth, quartersBack, ratio, storable } from './math.js';

/** AUM change over the last quarter. */
export const aumGrowth1q = defineFeature({
  name: 'aum_growth_1q',
  description:
    'AUM change over the last quarter: q0 / q1 - 1 (0.1 = +10%). Missing when either quarter is missing or q1 is zero.',
  group: 'temporal_dynamics',
  kind: 'numeric',
  history: ['aum'],
  businessSignal: true,
  compute: (_r, h) => growth(h.aum, 1),
});

/** AUM change over four quarters. */
export const aumGrowth4q = defineFeature({
  name: 'aum_growth_4q',
  description:
    'AUM change over the last year: q0 / q4 - 1 (same quarter a year earlier). Missing when either quarter is missing or q4 is zero.',
  group: 'temporal_dynamics',
  kind: 'numeric',
  history: ['aum'],
  businessSignal: true,
  compute: (_r, h) => growth(h.aum, 4),
});

/** AUM change across the whole 8-quarter window. */
export const aumGrowth8q = defineFeature({
  name: 'aum_growth_8q',
  description:
    'AUM change across the 8-quarter window: q0 / q7 - 1 (newest vs oldest quarter, 7 quarters apart). Missing when either quarter is missing or q7 is zero.',
  group: 'temporal_dynamics',
  kind: 'numeric',
  history: ['aum'],
  businessSignal: true,
  compute: (_r, h) => growth(h.aum, h.aum.length - 1),
});

/** AUM growth of the last two quarters against the two before. */
export const aumGrowthAcceleration4q = defineFeature({
  name: 'aum_growth_acceleration_4q',
  description:
    'Whether AUM growth is speeding up or slowing down: log(q0 / q2) - log(q2 / q4), the log growth of the last two quarters minus that of the two before (-0.1 = growing about 10 points slower). Missing when q0, q2 or q4 is missing or not positive.',
  group: 'temporal_dynamics',
  kind: 'numeric',
  history: ['aum'],
  businessSignal: true,
  compute: (_r, h) => {
    const a0 = quartersBack(h.aum, 0);
    const a2 = quartersBack(h.aum, 2);
    const a4 = quartersBack(h.aum, 4);
    // NaN compares false, so a missing quarter fails the test as a non-positive one does
    if (!(a0 > 0 && a2 > 0 && a4 > 0)) return Number.NaN;
    return storable(Math.log(a0) - 2 * Math.log(a2) + Math.log(a4));
  },
});

/** Client count change over four quarters. */
export const clientGrowth4q = defineFeature({
  name: 'client_growth_4q',
  description:
    'Change in the number of clients over the last year: q0 / q4 - 1. Missing when either quarter is missing or q4 has zero clients.',
  group: 'temporal_dynamics',
  kind: 'numeric',
  history: ['num_clients'],
  businessSignal: true,
  compute: (_r, h) => growth(h.num_clients, 4),
});

/** Standard deviation of quarter-over-quarter AUM growth. */
export const aumVolatility8q = defineFeature({
  name: 'aum_volatility_8q',
  description:
    'How bumpy AUM has been: sample standard deviation of the quarter-over-quarter AUM growth rates within the window, using pairs of adjacent quarters that are both present with a non-zero earlier quarter (rates that overflow are skipped). Missing with fewer than 2 such rates.',
  group: 'temporal_dynamics',
  kind: 'numeric',
  history: ['aum'],
  businessSignal: true,
  compute: (_r, h) => {
    const a = h.aum;
    let n = 0;
    let mean = 0;
    let m2 = 0;
    for (let t = 1; t < a.length; t++) {
      const prev = a[t - 1]!;
      const cur = a[t]!;
      const g = ratio(cur, prev) - 1;
      if (Number.isNaN(g)) continue;
      n++;
      const d = g - mean;
      mean += d / n;
      m2 += d * (g - mean);
    }
    return n < 2 ? Number.NaN : storable(Math.sqrt(m2 / (n - 1)));
  },
});

/** Least-squares AUM trend per quarter relative to mean AUM. */
export const aumTrendSlope8q = defineFeature({
  name: 'aum_trend_slope_8q',
  description:
    'Steady AUM trend: least-squares slope of AUM against quarter position over the present quarters, divided by their mean AUM (0.05 = growing about 5% of the average book per quarter). Missing with fewer than 2 present quarters or a zero mean.',
  group: 'temporal_dynamics',
  kind: 'numeric',
  history: ['aum'],
  businessSignal: true,
  compute: (_r, h) => {
    const a = h.aum;
    let n = 0;
    let sx = 0;
    let sy = 0;
    for (let t = 0; t < a.length; t++) {
      const y = a[t]!;
      if (Number.isNaN(y)) continue;
      n++;
      sx += t;
      sy += y;
    }
    if (n < 2) return Number.NaN;
    const mx = sx / n;
    const my = sy / n;
    let sxy = 0;
    let sxx = 0;
    for (let t = 0; t < a.length; t++) {
      const y = a[t]!;
      if (Number.isNaN(y)) continue;
      sxy += (t - mx) * (y - my);
      sxx += (t - mx) * (t - mx);
    }
    return ratio(sxy / sxx, my);
  },
});

/** Number of firm changes in the window. */
export const firmChanges8q = defineFeature({
  name: 'firm_changes_8q',
  description:
    'How many times the rep changed firm within the 8-quarter window (firm differs from the previous present quarter; missing quarters are skipped). Missing when no quarter is present.',
  group: 'temporal_dynamics',
  kind: 'numeric',
  history: ['firm_id'],
  businessSignal: true,
  compute: (_r, h) => {
    const f = h.firm_id;
    let prev = Number.NaN;
    let present = 0;
    let changes = 0;
    for (let t = 0; t < f.length; t++) {
      const id = f[t]!;
      if (Number.isNaN(id)) continue;
      if (present > 0 && id !== prev) changes++;
      present++;
      prev = id;
    }
    return present === 0 ? Number.NaN : changes;
  },
});

/** Quarters since the newest firm change. */
export const quartersSinceFirmChange = defineFeature({
  name: 'quarters_since_firm_change',
  description:
    'Quarters since the rep’s newest firm change within the window: k when the new firm first appears in quarter q{k} (0 = changed in the newest quarter). Missing when no change is seen in the window.',
  group: 'temporal_dynamics',
  kind: 'numeric',
  history: ['firm_id'],
  businessSignal: true,
  compute: (_r, h) => {
    const f = h.firm_id;
    const last = f.length - 1;
    let newer = Number.NaN;
    let newerAt = -1;
    for (let t = last; t >= 0; t--) {
      const id = f[t]!;
      if (Number.isNaN(id)) continue;
      if (newerAt >= 0 && id !== newer) return last - newerAt;
      newer = id;
      newerAt = t;
    }
    return Number.NaN;
  },
});

/** Firm headcount change over four quarters. */
export const firmHeadcountChange4q = defineFeature({
  name: 'firm_headcount_change_4q',
  description:
    'Change in the size of the rep’s firm over the last year: reps q0 / reps q4 - 1 (negative = shrinking firm). Missing when either quarter is missing or q4 is zero.',
  group: 'temporal_dynamics',
  kind: 'numeric',
  history: ['firm_rep_count'],
  businessSignal: true,
  compute: (_r, h) => growth(h.firm_rep_count, 4),
});

/** Firm headcount change over the longest window of up to four quarters the history covers. */
export const firmHeadcountChangeUpTo4q = defineFeature({
  name: 'firm_headcount_change_upto_4q',
  description:
    'Change in the size of the rep’s firm over the longest window of up to a year that the history covers: reps q0 / reps qk - 1, qk the oldest of q4, q3, q2, q1 with a headcount. Equals firm_headcount_change_4q when q4 is there; with less than a year of history (young vendor data, a new rep) it still reads the change since the oldest snapshot. Missing when q0 is missing, q1-q4 all are, or qk is zero.',
  group: 'temporal_dynamics',
  kind: 'numeric',
  history: ['firm_rep_count'],
  businessSignal: true,
  compute: (_r, h) => {
    const reps = h.firm_rep_count;
    for (let k = 4; k >= 1; k--) {
      const before = quartersBack(reps, k);
      if (!Number.isNaN(before)) return ratio(quartersBack(reps, 0), before) - 1;
    }
    return Number.NaN;
  },
});

/** Quarters of history present. */
export const historyQuarters = defineFeature({
  name: 'history_quarters',
  description:
    'How many of the last 8 quarters have a snapshot of the rep (0-8): how much history the temporal features rest on.',
  group: 'temporal_dynamics',
  kind: 'numeric',
  history: ['history_snapshot_date'],
  businessSignal: false,
  compute: (_r, h) => {
    const d = h.history_snapshot_date;
    let n = 0;
    for (let t = 0; t < d.length; t++) if (!Number.isNaN(d[t]!)) n++;
    return n;
  },
});

/** The temporal dynamics features (8-quarter history). */
export const temporalFeatures = Object.freeze([
  aumGrowth1q,
  aumGrowth4q,
  aumGrowth8q,
  aumGrowthAcceleration4q,
  clientGrowth4q,
  aumVolatility8q,
  aumTrendSlope8q,
  firmChanges8q,
  quartersSinceFirmChange,
  firmHeadcountChange4q,
  firmHeadcountChangeUpTo4q,
  historyQuarters,
]);
