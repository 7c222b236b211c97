import { describe, expect, it } from 'vitest';
import { type AnyFeature, testFeature, v7Features } from '../src/index.js';

const byName = new Map(v7Features.map((f) => [f.name, f]));
const feature = (name: string): AnyFeature => {
  const f = byName.get(name);
  if (!f) throw new Error(`no catalog feature ${name}`);
  return f;
};
const M = 1e6;
const NA = Number.NaN;

describe('v7Features catalog', () => {
  it('has the 40 features of DESIGN.md section 4 plus aum_growth_acceleration_4q and firm_headcount_change_upto_4q in four groups', () => {
    expect(v7Features).toHaveLength(42);
    const groups: Record<string, number> = {};
    for (const f of v7Features) groups[f.group] = (groups[f.group] ?? 0) + 1;
    expect(groups).toEqual({
      business_model: 9,
      career_stage: 9,
      market_position: 12,
      temporal_dynamics: 12,
    });
    expect(v7Features.filter((f) => f.kind === 'categorical').map((f) => f.name)).toEqual([
      'custodian',
      'state',
      'firm_type',
      'registration_type',
    ]);
    for (const f of v7Features) expect(f.description.length).toBeGreaterThan(30);
  });
});

describe('business model features', () => {
  it('aum_per_client', () =>
    testFeature(feature('aum_per_client'), [
      { row: { aum: 12 * M, num_clients: 48 }, expected: 250_000 },
      { name: 'zero clients', row: { aum: 12 * M, num_clients: 0 }, expected: NA },
      { name: 'missing aum', row: { num_clients: 10 }, expected: NA },
      { name: 'zero aum', row: { aum: 0, num_clients: 10 }, expected: 0 },
    ]));
  it('accounts_per_client', () =>
    testFeature(feature('accounts_per_client'), [
      { row: { num_accounts: 150, num_clients: 60 }, expected: 2.5 },
      { row: { num_accounts: 0, num_clients: 0 }, expected: NA },
      { row: { num_clients: 60 }, expected: NA },
    ]));
  it('log_aum', () =>
    testFeature(feature('log_aum'), [
      { row: { aum: 999_999 }, expected: 6 },
      { row: { aum: 0 }, expected: 0 },
      { row: { aum: 99 }, expected: 2 },
      { row: { aum: -5 }, expected: NA },
      { row: { aum: null }, expected: NA },
    ]));
  it('hnw_client_share and fee_based_share pass the vendor shares through', () => {
    testFeature(feature('hnw_client_share'), [
      { row: { pct_hnw_clients: 0.35 }, expected: 0.35 },
      { row: { pct_hnw_clients: null }, expected: NA },
    ]);
    testFeature(feature('fee_based_share'), [
      { row: { fee_based_pct: 0 }, expected: 0 },
      { row: { fee_based_pct: null }, expected: NA },
    ]);
  });
  it('is_fee_based_majority: strictly above 0.5', () =>
    testFeature(feature('is_fee_based_majority'), [
      { row: { fee_based_pct: 0.5 }, expected: false },
      { row: { fee_based_pct: 0.5000001 }, expected: true },
      { row: { fee_based_pct: 0.2 }, expected: false },
      { row: { fee_based_pct: null }, expected: null },
    ]));
  it('aum_sweet_spot: $50M-$500M, both edges included', () =>
    testFeature(feature('aum_sweet_spot'), [
      { row: { aum: 49_999_999 }, expected: false },
      { row: { aum: 50 * M }, expected: true },
      { row: { aum: 200 * M }, expected: true },
      { row: { aum: 500 * M }, expected: true },
      { row: { aum: 500 * M + 1 }, expected: false },
      { row: { aum: null }, expected: null },
    ]));
  it('est_annual_revenue = aum x (fee x 1% + (1 - fee) x 0.4%)', () =>
    testFeature(feature('est_annual_revenue'), [
      // 100M x (0.6 x 0.01 + 0.4 x 0.004) = 100M x 0.0076
      { row: { aum: 100 * M, fee_based_pct: 0.6 }, expected: 760_000 },
      { row: { aum: 10 * M, fee_based_pct: 1 }, expected: 100_000 },
      { row: { aum: 10 * M, fee_based_pct: 0 }, expected: 40_000 },
      { row: { aum: 10 * M }, expected: NA },
      { row: { fee_based_pct: 0.5 }, expected: NA },
    ]));
  it('book_size_band: lower edges included', () =>
    testFeature(feature('book_size_band'), [
      { row: { aum: 0 }, expected: 0 },
      { row: { aum: 9_999_999 }, expected: 0 },
      { row: { aum: 10 * M }, expected: 1 },
      { row: { aum: 50 * M }, expected: 2 },
      { row: { aum: 100 * M }, expected: 3 },
      { row: { aum: 250 * M }, expected: 4 },
      { row: { aum: 499 * M }, expected: 4 },
      { row: { aum: 500 * M }, expected: 5 },
      { row: { aum: 1e9 }, expected: 6 },
      { row: { aum: 5e10 }, expected: 6 },
      { row: { aum: -1 }, expected: NA },
      { row: {}, expected: NA },
    ]));
});

describe('career stage features', () => {
  it('years_in_industry and years_at_firm pass through', () => {
    testFeature(feature('years_in_industry'), [
      { row: { years_in_industry: 12.5 }, expected: 12.5 },
      { row: {}, expected: NA },
    ]);
    testFeature(feature('years_at_firm'), [
      { row: { years_at_firm: 0 }, expected: 0 },
      { row: { years_at_firm: null }, expected: NA },
    ]);
  });
  it('tenure_ratio = years_at_firm / max(years_in_industry, 0.25)', () =>
    testFeature(feature('tenure_ratio'), [
      { row: { years_at_firm: 5, years_in_industry: 20 }, expected: 0.25 },
      { name: 'rookie floor', row: { years_at_firm: 0.1, years_in_industry: 0.1 }, expected: 0.4 },
      { name: 'zero career', row: { years_at_firm: 0, years_in_industry: 0 }, expected: 0 },
      { row: { years_at_firm: 5 }, expected: NA },
      { row: { years_in_industry: 5 }, expected: NA },
    ]));
  it('moves_per_decade = 10 x prior firms / max(years, 1)', () =>
    testFeature(feature('moves_per_decade'), [
      { row: { num_prior_firms: 3, years_in_industry: 15 }, expected: 2 },
      { row: { num_prior_firms: 1, years_in_industry: 0.5 }, expected: 10 },
      { row: { num_prior_firms: 0, years_in_industry: 0 }, expected: 0 },
      { row: { num_prior_firms: 2 }, expected: NA },
      { row: { years_in_industry: 4 }, expected: NA },
    ]));
  it('career_stage: [0,5) [5,10) [10,20) [20,30] (30,inf)', () =>
    testFeature(feature('career_stage'), [
      { row: { years_in_industry: 0 }, expected: 0 },
      { row: { years_in_industry: 4.99 }, expected: 0 },
      { row: { years_in_industry: 5 }, expected: 1 },
      { row: { years_in_industry: 9.99 }, expected: 1 },
      { row: { years_in_industry: 10 }, expected: 2 },
      { row: { years_in_industry: 20 }, expected: 3 },
      { row: { years_in_industry: 30 }, expected: 3 },
      { row: { years_in_industry: 30.01 }, expected: 4 },
      { row: { years_in_industry: -1 }, expected: NA },
      { row: { years_in_industry: null }, expected: NA },
    ]));
  it('in_move_window: 3 to 7 years at firm, both included', () =>
    testFeature(feature('in_move_window'), [
      { row: { years_at_firm: 2.99 }, expected: false },
      { row: { years_at_firm: 3 }, expected: true },
      { row: { years_at_firm: 7 }, expected: true },
      { row: { years_at_firm: 7.01 }, expected: false },
      { row: {}, expected: null },
    ]));
  it('license_breadth counts Series 7/65/66, missing when any is unknown', () =>
    testFeature(feature('license_breadth'), [
      { row: { has_series_7: true, has_series_65: true, has_series_66: false }, expected: 2 },
      { row: { has_series_7: false, has_series_65: false, has_series_66: false }, expected: 0 },
      { row: { has_series_7: true, has_series_65: true, has_series_66: true }, expected: 3 },
      { row: { has_series_7: true, has_series_65: null, has_series_66: true }, expected: NA },
    ]));
  it('is_dually_registered and has_cfp', () => {
    testFeature(feature('is_dually_registered'), [
      { row: { registration_type: 'DUAL' }, expected: true },
      { row: { registration_type: 'IAR' }, expected: false },
      { row: { registration_type: null }, expected: null },
    ]);
    testFeature(feature('has_cfp'), [
      { row: { has_cfp: true }, expected: true },
      { row: { has_cfp: false }, expected: false },
      { row: {}, expected: null },
    ]);
  });
});

describe('market position features', () => {
  it('percent ranks pass through', () => {
    testFeature(feature('aum_pct_rank_state'), [
      { row: { aum_pct_rank_state: 0.75 }, expected: 0.75 },
      { row: {}, expected: NA },
    ]);
    testFeature(feature('aum_pct_rank_firm'), [
      { row: { aum_pct_rank_firm: 1 }, expected: 1 },
      { row: { aum_pct_rank_firm: null }, expected: NA },
    ]);
  });
  it('firm_size_band: <10, 10-49, 50-249, 250-999, >=1000', () =>
    testFeature(feature('firm_size_band'), [
      { row: { firm_rep_count: 0 }, expected: 0 },
      { row: { firm_rep_count: 9 }, expected: 0 },
      { row: { firm_rep_count: 10 }, expected: 1 },
      { row: { firm_rep_count: 49 }, expected: 1 },
      { row: { firm_rep_count: 50 }, expected: 2 },
      { row: { firm_rep_count: 250 }, expected: 3 },
      { row: { firm_rep_count: 999 }, expected: 3 },
      { row: { firm_rep_count: 1000 }, expected: 4 },
      { row: {}, expected: NA },
    ]));
  it('is_wirehouse and is_independent_channel', () => {
    testFeature(feature('is_wirehouse'), [
      { row: { firm_type: 'wirehouse' }, expected: true },
      { row: { firm_type: 'ria' }, expected: false },
      { row: { firm_type: null }, expected: null },
    ]);
    testFeature(feature('is_independent_channel'), [
      { row: { firm_type: 'independent_bd' }, expected: true },
      { row: { firm_type: 'ria' }, expected: true },
      { row: { firm_type: 'bank' }, expected: false },
      { row: {}, expected: null },
    ]);
  });
  it('metro_rep_density = log10(1 + metro reps)', () =>
    testFeature(feature('metro_rep_density'), [
      { row: { metro_rep_count: 999 }, expected: 3 },
      { row: { metro_rep_count: 0 }, expected: 0 },
      { row: {}, expected: NA },
    ]));
  it('firm_aum_share = aum / firm_total_aum', () =>
    testFeature(feature('firm_aum_share'), [
      { row: { aum: 5 * M, firm_total_aum: 200 * M }, expected: 0.025 },
      { row: { aum: 5 * M, firm_total_aum: 0 }, expected: NA },
      { name: 'overflows Float32', row: { aum: 5 * M, firm_total_aum: 1e-300 }, expected: NA },
      { row: { aum: 5 * M }, expected: NA },
    ]));
  it('has_disclosures', () =>
    testFeature(feature('has_disclosures'), [
      { row: { disclosures_count: 0 }, expected: false },
      { row: { disclosures_count: 1 }, expected: true },
      { row: {}, expected: null },
    ]));
  it('categoricals pass the level through, null for missing', () => {
    for (const name of ['custodian', 'state', 'firm_type', 'registration_type']) {
      testFeature(feature(name), [
        { row: { [name]: 'X1' }, expected: 'X1' },
        { row: { [name]: null }, expected: null },
        { row: {}, expected: '__missing__' },
      ]);
    }
  });
});

describe('temporal dynamics features (history oldest first, q0 last)', () => {
  // q7 ... q0
  const aum8 = [80, 90, 100, 104, 120, 110, 100, 125].map((x) => x * M);
  it('aum_growth_1q/4q/8q', () => {
    testFeature(feature('aum_growth_1q'), [
      { history: { aum: aum8 }, expected: 0.25 },
      { name: 'one quarter of history', history: { aum: [125 * M] }, expected: NA },
      { name: 'zero previous quarter', history: { aum: [0, 5 * M] }, expected: NA },
      { name: 'subnormal previous quarter', history: { aum: [5e-324, 5 * M] }, expected: NA },
      { name: 'missing q1', history: { aum: [1, null, 2] }, expected: NA },
    ]);
    testFeature(feature('aum_growth_4q'), [
      { history: { aum: aum8 }, expected: 125 / 104 - 1 },
      { history: { aum: [100, 1, 1, 1, 150] }, expected: 0.5 },
      { history: { aum: [1, 1, 1, 150] }, expected: NA },
    ]);
    testFeature(feature('aum_growth_8q'), [
      { history: { aum: aum8 }, expected: 0.5625 },
      { name: 'q7 missing', history: { aum: [null, 90, 100, 100, 120, 110, 100, 125] }, expected: NA },
      { history: {}, expected: NA },
    ]);
  });
  it('aum_growth_acceleration_4q: log growth of q2 -> q0 minus that of q4 -> q2', () => {
    // aum8 oldest first: q4 = 104, q2 = 110, q0 = 125
    testFeature(feature('aum_growth_acceleration_4q'), [
      { history: { aum: aum8 }, expected: Math.log(125 / 110) - Math.log(110 / 104) },
      { name: 'steady 10 % a quarter', history: { aum: [100, 110, 121, 133.1, 146.41] }, expected: 0 },
      // +21 % then +0 %: log(1) - log(1.21) = -0.1906
      { name: 'growth stalls', history: { aum: [100, 110, 121, 121, 121] }, expected: -Math.log(1.21) },
      { name: 'q1 and q3 do not matter', history: { aum: [100, null, 200, null, 400] }, expected: 0 },
      { name: 'q4 missing', history: { aum: [null, 110, 121, 121, 121] }, expected: NA },
      { name: 'q2 missing', history: { aum: [100, 110, null, 121, 121] }, expected: NA },
      { name: 'q0 missing', history: { aum: [100, 110, 121, 121, null] }, expected: NA },
      { name: 'three quarters of history', history: { aum: [121, 121, 121] }, expected: NA },
      { name: 'zero q4', history: { aum: [0, 110, 121, 121, 121] }, expected: NA },
      { name: 'negative q2', history: { aum: [100, 110, -1, 121, 121] }, expected: NA },
    ]);
  });
  it('client_growth_4q and firm_headcount_change_4q', () => {
    testFeature(feature('client_growth_4q'), [
      { history: { num_clients: [50, 0, 0, 0, 40] }, expected: -0.2 },
      { name: 'zero clients a year ago', history: { num_clients: [0, 5, 5, 5, 40] }, expected: NA },
      { history: { num_clients: [40] }, expected: NA },
    ]);
    testFeature(feature('firm_headcount_change_4q'), [
      { history: { firm_rep_count: [200, 210, 190, 180, 150] }, expected: -0.25 },
      { history: { firm_rep_count: [null, 210, 190, 180, 150] }, expected: NA },
      { name: 'half a year of history', history: { firm_rep_count: [190, 180, 150] }, expected: NA },
    ]);
  });
  it('firm_headcount_change_upto_4q: the oldest of q4-q1 with a headcount', () =>
    testFeature(feature('firm_headcount_change_upto_4q'), [
      { name: 'a year of history', history: { firm_rep_count: [200, 210, 190, 180, 150] }, expected: -0.25 },
      {
        name: 'older quarters are not read',
        history: { firm_rep_count: [999, 200, 210, 190, 180, 150] },
        expected: -0.25,
      },
      // 150 / 190 - 1: q2 is the oldest quarter there
      {
        name: 'half a year of history',
        history: { firm_rep_count: [190, 180, 150] },
        expected: 150 / 190 - 1,
      },
      {
        name: 'q4 missing, q3 there',
        history: { firm_rep_count: [null, 160, 190, 180, 120] },
        expected: -0.25,
      },
      {
        name: 'q4 and q3 missing, q2 there',
        history: { firm_rep_count: [null, null, 100, 180, 110] },
        expected: 0.1,
      },
      { name: 'q0 missing', history: { firm_rep_count: [200, 210, 190, 180, null] }, expected: NA },
      { name: 'q0 only', history: { firm_rep_count: [150] }, expected: NA },
      {
        name: 'q1-q4 missing',
        history: { firm_rep_count: [150, null, null, null, null, 150] },
        expected: NA,
      },
      {
        name: 'zero headcount at the oldest quarter',
        history: { firm_rep_count: [0, 10, 10, 10, 12] },
        expected: NA,
      },
    ]));
  it('aum_volatility_8q: sample std of adjacent q/q growth rates', () =>
    testFeature(feature('aum_volatility_8q'), [
      // rates: 0.1, -0.1 -> mean 0, sample var = (0.01 + 0.01) / 1 = 0.02
      { history: { aum: [100, 110, 99] }, expected: Math.sqrt(0.02) },
      // rates 0.5 and 0.2 (the pair around the gap is skipped): mean 0.35, var = 2 x 0.15^2 = 0.045
      { history: { aum: [100, 150, null, 200, 240] }, expected: Math.sqrt(0.045) },
      { name: 'one rate only', history: { aum: [100, 110] }, expected: NA },
      { name: 'constant growth', history: { aum: [100, 200, 400] }, expected: 0 },
      {
        name: 'zero earlier quarter skipped',
        history: { aum: [0, 100, 110, 99] },
        expected: Math.sqrt(0.02),
      },
    ]));
  it('aum_trend_slope_8q: OLS slope over quarter position / mean AUM', () =>
    testFeature(feature('aum_trend_slope_8q'), [
      // positions 5,6,7 -> y 100,110,120: slope 10, mean 110
      { history: { aum: [100, 110, 120] }, expected: 10 / 110 },
      // positions 4 and 7 (gap): slope (130 - 100) / 3 = 10, mean 115
      { history: { aum: [100, null, null, 130] }, expected: 10 / 115 },
      { name: 'one quarter of history', history: { aum: [100] }, expected: NA },
      { name: 'flat', history: { aum: [5, 5, 5, 5, 5, 5, 5, 5] }, expected: 0 },
      { name: 'zero mean', history: { aum: [0, 0] }, expected: NA },
    ]));
  it('firm_changes_8q: changes between present quarters', () =>
    testFeature(feature('firm_changes_8q'), [
      { history: { firm_id: ['A', 'A', 'B', 'B', 'C', 'C', 'C', 'C'] }, expected: 2 },
      { name: 'gap skipped', history: { firm_id: ['A', null, 'A', null, 'B'] }, expected: 1 },
      { name: 'change in the newest quarter', history: { firm_id: ['A', 'A', 'B'] }, expected: 1 },
      { name: 'back and forth', history: { firm_id: ['A', 'B', 'A'] }, expected: 2 },
      { name: 'one quarter of history', history: { firm_id: ['A'] }, expected: 0 },
      { name: 'no history', history: { firm_id: [null, null] }, expected: NA },
    ]));
  it('quarters_since_firm_change: quarter where the new firm first appears', () =>
    testFeature(feature('quarters_since_firm_change'), [
      { name: 'change in the newest quarter', history: { firm_id: ['A', 'A', 'B'] }, expected: 0 },
      { history: { firm_id: ['A', 'B', 'B', 'B'] }, expected: 2 },
      { name: 'newest of two changes', history: { firm_id: ['A', 'B', 'B', 'C', 'C'] }, expected: 1 },
      { name: 'gap before the change', history: { firm_id: ['A', null, 'B', 'B'] }, expected: 1 },
      { name: 'missing anchor quarter', history: { firm_id: ['A', 'B', null] }, expected: 1 },
      { name: 'no change', history: { firm_id: ['A', 'A', 'A'] }, expected: NA },
      { name: 'one quarter of history', history: { firm_id: ['A'] }, expected: NA },
    ]));
  it('history_quarters counts quarters with a snapshot', () =>
    testFeature(feature('history_quarters'), [
      { history: { history_snapshot_date: [1, 2, 3, 4, 5, 6, 7, 8] }, expected: 8 },
      { history: { history_snapshot_date: [1, null, 3] }, expected: 2 },
      { name: 'one quarter of history', history: { history_snapshot_date: [1] }, expected: 1 },
      { history: {}, expected: 0 },
    ]));
});
