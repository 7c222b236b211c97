/**
 * Computes the custom feature next to the V7 catalog on a few leads and prints it.
 * Run: `pnpm --filter @leadscore/example-custom-feature start`.
 */
import { computeFeaturesForRow, describeFeatures, featureSet, v7Features } from '@leadscore/features';
import { aumPerYearInIndustry } from './aum-per-year-in-industry.js';

const set = featureSet([aumPerYearInIndustry, v7Features.filter((f) => f.name === 'career_stage')]);

const leads = [
  { lead_id: 'L1', aum: 120_000_000, years_in_industry: 15 },
  { lead_id: 'L2', aum: 8_000_000, years_in_industry: 0.5 },
  { lead_id: 'L3', aum: 450_000_000, years_in_industry: 31 },
  { lead_id: 'L4', aum: null, years_in_industry: 4 },
];

console.log(describeFeatures(set).markdown);
console.table(leads.map((lead) => ({ lead_id: lead.lead_id, ...computeFeaturesForRow(lead, set) })));
