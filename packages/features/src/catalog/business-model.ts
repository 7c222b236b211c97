import { defineFeature } from '../define/feature.js';
import { band, ratio } from './math.js';

/** Assets per client (USD). */
export const aumPerClient = defineFeature({
  name: 'aum_per_client',
  description:
    'Average assets managed per client, in USD (AUM / number of clients). Missing when the rep reports zero clients.',
  group: 'business_model',
  kind: 'numeric',
  inputs: ['aum', 'num_clients'],
  businessSignal: true,
  compute: (r) => ratio(r.aum, r.num_clients),
});

/** Accounts per client. */
export const accountsPerClient = defineFeature({
  name: 'accounts_per_client',
  description:
    'How many accounts each client holds on average (accounts / clients): relationship depth. Missing when the rep reports zero clients.',
  group: 'business_model',
  kind: 'numeric',
  inputs: ['num_accounts', 'num_clients'],
  businessSignal: true,
  compute: (r) => ratio(r.num_accounts, r.num_clients),
});

/** log10(1 + AUM). */
export const logAum = defineFeature({
  name: 'log_aum',
  description:
    'Book size on a log scale: log10(1 + AUM in USD), so 6 means about $1M and 8 about $100M. Missing for negative AUM.',
  group: 'business_model',
  kind: 'numeric',
  inputs: ['aum'],
  businessSignal: true,
  compute: (r) => (r.aum < 0 ? Number.NaN : Math.log10(1 + r.aum)),
});

/** Share of high-net-worth clients. */
export const hnwClientShare = defineFeature({
  name: 'hnw_client_share',
  description: 'Share of clients who are high-net-worth (0-1), as reported by the data vendor.',
  group: 'business_model',
  kind: 'numeric',
  inputs: ['pct_hnw_clients'],
  businessSignal: true,
  compute: (r) => r.pct_hnw_clients,
});

/** Share of fee-based business. */
export const feeBasedShare = defineFeature({
  name: 'fee_based_share',
  description: 'Share of the book that is fee-based (advisory) rather than commission-based (0-1).',
  group: 'business_model',
  kind: 'numeric',
  inputs: ['fee_based_pct'],
  businessSignal: true,
  compute: (r) => r.fee_based_pct,
});

/** Fee-based share strictly above one half. */
export const isFeeBasedMajority = defineFeature({
  name: 'is_fee_based_majority',
  description: 'Yes when more than half of the book is fee-based (fee_based_pct > 0.5; exactly 0.5 is no).',
  group: 'business_model',
  kind: 'boolean',
  inputs: ['fee_based_pct'],
  businessSignal: true,
  compute: (r) => (Number.isNaN(r.fee_based_pct) ? null : r.fee_based_pct > 0.5),
});

/** AUM within $50M-$500M, both edges included. */
export const aumSweetSpot = defineFeature({
  name: 'aum_sweet_spot',
  description:
    'Yes when AUM is in the recruiting sweet spot of $50M to $500M (both edges included): big enough to matter, small enough to move.',
  group: 'business_model',
  kind: 'boolean',
  inputs: ['aum'],
  businessSignal: true,
  compute: (r) => (Number.isNaN(r.aum) ? null : r.aum >= 50e6 && r.aum <= 500e6),
});

/** Estimated yearly revenue (USD). */
export const estAnnualRevenue = defineFeature({
  name: 'est_annual_revenue',
  description:
    'Estimated yearly revenue of the book in USD: AUM x (fee-based share x 1% + commission share x 0.4%).',
  group: 'business_model',
  kind: 'numeric',
  inputs: ['aum', 'fee_based_pct'],
  businessSignal: true,
  compute: (r) => r.aum * (r.fee_based_pct * 0.01 + (1 - r.fee_based_pct) * 0.004),
});

/** Upper edges of the book size bands (USD), lower-inclusive. */
export const BOOK_SIZE_BAND_EDGES = Object.freeze([10e6, 50e6, 100e6, 250e6, 500e6, 1e9]);

/** Book size band 0-6. */
export const bookSizeBand = defineFeature({
  name: 'book_size_band',
  description:
    'Book size band by AUM (each band includes its lower edge): 0 = under $10M, 1 = $10M-$50M, 2 = $50M-$100M, 3 = $100M-$250M, 4 = $250M-$500M, 5 = $500M-$1B, 6 = $1B and more.',
  group: 'business_model',
  kind: 'numeric',
  inputs: ['aum'],
  businessSignal: true,
  compute: (r) => band(r.aum, BOOK_SIZE_BAND_EDGES),
});

/** The business model / financial features. */
export const businessModelFeatures = Object.freeze([
  aumPerClient,
  accountsPerClient,
  logAum,
  hnwClientShare,
  feeBasedShare,
  isFeeBasedMajority,
  aumSweetSpot,
  estAnnualRevenue,
  bookSizeBand,
]);
