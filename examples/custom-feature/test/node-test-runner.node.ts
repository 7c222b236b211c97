// The same helpers under node:test (run by node-test-runner.test.ts with `node --test`).
import { test } from 'node:test';
import { expectFeature, testFeature } from '@leadscore/features';
import { aumPerYearInIndustry } from '../src/aum-per-year-in-industry.js';

test('aum_per_year_in_industry under node:test', () => {
  expectFeature(aumPerYearInIndustry).given({ aum: 30e6, years_in_industry: 10 }).toEqual(3e6);
  testFeature(aumPerYearInIndustry, [{ row: { aum: 1e6, years_in_industry: 0.2 }, expected: 1e6 }]);
});

if (process.env.LEADSCORE_EXPECT_FAILURE === '1') {
  test('a wrong expectation fails the node:test run', () => {
    expectFeature(aumPerYearInIndustry).given({ aum: 30e6, years_in_industry: 10 }).toEqual(4e6);
  });
}
