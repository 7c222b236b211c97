import { defineFeature } from '../define/feature.js';
import { band, ratio } from './math.js';

/** AUM percentile among reps of the same state. */
export const aumPctRankState = defineFeature({
  name: 'aum_pct_rank_state',
  description:
    'Where the rep’s AUM ranks among all reps in the same state at the snapshot date (0 = smallest, 1 = largest).',
  group: 'market_position',
  kind: 'numeric',
  inputs: ['aum_pct_rank_state'],
  businessSignal: true,
  compute: (r) => r.aum_pct_rank_state,
});

/** AUM percentile among reps of the same firm. */
export const aumPctRankFirm = defineFeature({
  name: 'aum_pct_rank_firm',
  description:
    'Where the rep’s AUM ranks among the reps of the same firm at the snapshot date (0 = smallest, 1 = largest).',
  group: 'market_position',
  kind: 'numeric',
  inputs: ['aum_pct_rank_firm'],
  businessSignal: true,
  compute: (r) => r.aum_pct_rank_firm,
});

/** Upper edges of the firm size bands (reps), lower-inclusive. */
export const FIRM_SIZE_BAND_EDGES = Object.freeze([10, 50, 250, 1000]);

/** Firm size band 0-4. */
export const firmSizeBand = defineFeature({
  name: 'firm_size_band',
  description:
    'Firm size band by number of reps (each band includes its lower edge): 0 = under 10, 1 = 10-49, 2 = 50-249, 3 = 250-999, 4 = 1,000 and more.',
  group: 'market_position',
  kind: 'numeric',
  inputs: ['firm_rep_count'],
  businessSignal: true,
  compute: (r) => band(r.firm_rep_count, FIRM_SIZE_BAND_EDGES),
});

/** Works at a wirehouse. */
export const isWirehouse = defineFeature({
  name: 'is_wirehouse',
  description: 'Yes when the rep works at a wirehouse (large national broker-dealer).',
  group: 'market_position',
  kind: 'boolean',
  inputs: ['firm_type'],
  businessSignal: true,
  compute: (r) => (r.firm_type === null ? null : r.firm_type === 'wirehouse'),
});

/** Works in the independent channel. */
export const isIndependentChannel = defineFeature({
  name: 'is_independent_channel',
  description: 'Yes when the rep works in the independent channel (independent broker-dealer or RIA).',
  group: 'market_position',
  kind: 'boolean',
  inputs: ['firm_type'],
  businessSignal: true,
  compute: (r) => (r.firm_type === null ? null : r.firm_type === 'independent_bd' || r.firm_type === 'ria'),
});

/** log10(1 + reps in the metro). */
export const metroRepDensity = defineFeature({
  name: 'metro_rep_density',
  description:
    'How crowded the rep’s local market is: log10(1 + number of reps in the same metro at the snapshot date).',
  group: 'market_position',
  kind: 'numeric',
  inputs: ['metro_rep_count'],
  businessSignal: true,
  compute: (r) => (r.metro_rep_count < 0 ? Number.NaN : Math.log10(1 + r.metro_rep_count)),
});

/** Rep AUM / firm AUM. */
export const firmAumShare = defineFeature({
  name: 'firm_aum_share',
  description:
    'The rep’s share of the firm’s total assets (rep AUM / firm total AUM): how important the rep is to the firm. Missing when the firm total is zero.',
  group: 'market_position',
  kind: 'numeric',
  inputs: ['aum', 'firm_total_aum'],
  businessSignal: true,
  compute: (r) => ratio(r.aum, r.firm_total_aum),
});

/** At least one regulatory disclosure. */
export const hasDisclosures = defineFeature({
  name: 'has_disclosures',
  description:
    'Yes when the rep has at least one regulatory disclosure (complaint, sanction, ...) on record.',
  group: 'market_position',
  kind: 'boolean',
  inputs: ['disclosures_count'],
  businessSignal: true,
  compute: (r) => (Number.isNaN(r.disclosures_count) ? null : r.disclosures_count > 0),
});

/** Custodian. */
export const custodian = defineFeature({
  name: 'custodian',
  description: 'The custodian holding the rep’s client assets (category).',
  group: 'market_position',
  kind: 'categorical',
  inputs: ['custodian'],
  businessSignal: false,
  compute: (r) => r.custodian,
});

/** State. */
export const state = defineFeature({
  name: 'state',
  description: 'The US state where the rep works (category).',
  group: 'market_position',
  kind: 'categorical',
  inputs: ['state'],
  businessSignal: false,
  compute: (r) => r.state,
});

/** Firm type. */
export const firmType = defineFeature({
  name: 'firm_type',
  description:
    'The firm’s channel: wirehouse, regional BD, independent BD, RIA, insurance BD or bank (category).',
  group: 'market_position',
  kind: 'categorical',
  inputs: ['firm_type'],
  businessSignal: false,
  compute: (r) => r.firm_type,
});

/** Registration type. */
export const registrationType = defineFeature({
  name: 'registration_type',
  description: 'How the rep is registered: BD (broker), IAR (adviser) or DUAL (both) (category).',
  group: 'market_position',
  kind: 'categorical',
  inputs: ['registration_type'],
  businessSignal: false,
  compute: (r) => r.registration_type,
});

/** The market position features. */
export const marketPositionFeatures = Object.freeze([
  aumPctRankState,
  aumPctRankFirm,
  firmSizeBand,
  isWirehouse,
  isIndependentChannel,
  metroRepDensity,
  firmAumShare,
  hasDisclosures,
  custodian,
  state,
  firmType,
  registrationType,
]);
