import { defineFeature } from '../define/feature.js';
import { band } from './math.js';

/** Lower edges of career stages 1-3 (years in industry); stage 4 starts above 30. */
const CAREER_STAGE_EDGES = Object.freeze([5, 10, 20]);

/** Years in the industry. */
export const yearsInIndustry = defineFeature({
  name: 'years_in_industry',
  description: 'Years since the rep entered the industry (point-in-time).',
  group: 'career_stage',
  kind: 'numeric',
  inputs: ['years_in_industry'],
  businessSignal: true,
  compute: (r) => r.years_in_industry,
});

/** Years at the current firm. */
export const yearsAtFirm = defineFeature({
  name: 'years_at_firm',
  description: 'Years the rep has been at the current firm (point-in-time).',
  group: 'career_stage',
  kind: 'numeric',
  inputs: ['years_at_firm'],
  businessSignal: true,
  compute: (r) => r.years_at_firm,
});

/** Share of the career spent at the current firm. */
export const tenureRatio = defineFeature({
  name: 'tenure_ratio',
  description:
    'Share of the career spent at the current firm: years at firm / max(years in industry, 0.25). Near 1 = career-long loyalty.',
  group: 'career_stage',
  kind: 'numeric',
  inputs: ['years_at_firm', 'years_in_industry'],
  businessSignal: true,
  compute: (r) =>
    Number.isNaN(r.years_in_industry) ? Number.NaN : r.years_at_firm / Math.max(r.years_in_industry, 0.25),
});

/** Firm changes per ten years of career. */
export const movesPerDecade = defineFeature({
  name: 'moves_per_decade',
  description:
    'How often the rep changes firm: prior firms x 10 / max(years in industry, 1), i.e. moves per decade (careers under a year count as one year).',
  group: 'career_stage',
  kind: 'numeric',
  inputs: ['num_prior_firms', 'years_in_industry'],
  businessSignal: true,
  compute: (r) =>
    Number.isNaN(r.years_in_industry)
      ? Number.NaN
      : (10 * r.num_prior_firms) / Math.max(r.years_in_industry, 1),
});

/** Career stage 0-4. */
export const careerStage = defineFeature({
  name: 'career_stage',
  description:
    'Career stage by years in industry: 0 = early (under 5), 1 = developing (5 to under 10), 2 = established (10 to under 20), 3 = late (20 to 30, 30 included), 4 = legacy (over 30).',
  group: 'career_stage',
  kind: 'numeric',
  inputs: ['years_in_industry'],
  businessSignal: true,
  compute: (r) => {
    const y = r.years_in_industry;
    return y > 30 ? 4 : band(y, CAREER_STAGE_EDGES);
  },
});

/** 3-7 years at the firm, both edges included. */
export const inMoveWindow = defineFeature({
  name: 'in_move_window',
  description:
    'Yes when the rep has been 3 to 7 years at the current firm (both edges included): past retention deals, not yet settled.',
  group: 'career_stage',
  kind: 'boolean',
  inputs: ['years_at_firm'],
  businessSignal: true,
  compute: (r) => (Number.isNaN(r.years_at_firm) ? null : r.years_at_firm >= 3 && r.years_at_firm <= 7),
});

/** Number of Series 7/65/66 licences held. */
export const licenseBreadth = defineFeature({
  name: 'license_breadth',
  description:
    'How many of the Series 7, 65 and 66 licences the rep holds (0-3). Missing when any of the three is unknown.',
  group: 'career_stage',
  kind: 'numeric',
  inputs: ['has_series_7', 'has_series_65', 'has_series_66'],
  businessSignal: true,
  compute: (r) => {
    const a = r.has_series_7;
    const b = r.has_series_65;
    const c = r.has_series_66;
    if (a === null || b === null || c === null) return Number.NaN;
    return (a ? 1 : 0) + (b ? 1 : 0) + (c ? 1 : 0);
  },
});

/** Registered both as broker (BD) and adviser (IAR). */
export const isDuallyRegistered = defineFeature({
  name: 'is_dually_registered',
  description:
    'Yes when the rep is registered both as a broker and as an investment adviser (registration type DUAL).',
  group: 'career_stage',
  kind: 'boolean',
  inputs: ['registration_type'],
  businessSignal: true,
  compute: (r) => (r.registration_type === null ? null : r.registration_type === 'DUAL'),
});

/** Holds the CFP designation. */
export const hasCfp = defineFeature({
  name: 'has_cfp',
  description: 'Yes when the rep holds the CFP (Certified Financial Planner) designation.',
  group: 'career_stage',
  kind: 'boolean',
  inputs: ['has_cfp'],
  businessSignal: true,
  compute: (r) => r.has_cfp,
});

/** The career stage features. */
export const careerStageFeatures = Object.freeze([
  yearsInIndustry,
  yearsAtFirm,
  tenureRatio,
  movesPerDecade,
  careerStage,
  inMoveWindow,
  licenseBreadth,
  isDuallyRegistered,
  hasCfp,
]);
