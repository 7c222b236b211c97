import { defineFeature } from '@leadscore/features';

/**
 * A custom feature: how fast the rep built the book, in USD of AUM per year in the industry. Careers
 * shorter than one year count as one year so rookies do not explode the scale.
 */
export const aumPerYearInIndustry = defineFeature({
  name: 'aum_per_year_in_industry',
  description:
    'How fast the rep built the book: AUM (USD) / max(years in industry, 1). Missing when AUM or tenure is unknown.',
  group: 'custom',
  kind: 'numeric',
  inputs: ['aum', 'years_in_industry'],
  businessSignal: true,
  compute: (row) =>
    Number.isNaN(row.years_in_industry) || row.years_in_industry < 0
      ? Number.NaN
      : row.aum / Math.max(row.years_in_industry, 1),
});
