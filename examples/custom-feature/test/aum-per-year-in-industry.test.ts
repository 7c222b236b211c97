import { assertDeclaredInputs, expectFeature, testFeature } from '@leadscore/features';
import { describe, it } from 'vitest';
import { aumPerYearInIndustry } from '../src/aum-per-year-in-industry.js';

describe('aum_per_year_in_industry', () => {
  it('divides AUM by the years in the industry', () => {
    expectFeature(aumPerYearInIndustry).given({ aum: 120e6, years_in_industry: 15 }).toEqual(8e6);
  });

  it('counts careers under one year as one year', () => {
    testFeature(aumPerYearInIndustry, [
      { name: 'half a year', row: { aum: 8e6, years_in_industry: 0.5 }, expected: 8e6 },
      { name: 'exactly one year', row: { aum: 8e6, years_in_industry: 1 }, expected: 8e6 },
      { name: 'zero years', row: { aum: 8e6, years_in_industry: 0 }, expected: 8e6 },
    ]);
  });

  it('is missing when an input is missing or invalid, never 0', () => {
    expectFeature(aumPerYearInIndustry).given({ aum: null, years_in_industry: 4 }).toBeMissing();
    expectFeature(aumPerYearInIndustry).given({ aum: 5e6 }).toBeMissing();
    expectFeature(aumPerYearInIndustry).given({ aum: 5e6, years_in_industry: -2 }).toBeMissing();
  });

  it('reads only its declared inputs', () => {
    assertDeclaredInputs(aumPerYearInIndustry);
  });
});
