import { describe, expect, it } from 'vitest';
import {
  createColumnMap,
  DEFAULT_COLUMN_MAP,
  leadSchema,
  parseRows,
  repSnapshotSchema,
  validateRows,
} from '../src/index.js';

describe('createColumnMap', () => {
  it('defaults to the contract names and applies overrides', () => {
    expect(DEFAULT_COLUMN_MAP.lead.contacted_at).toBe('contacted_at');
    const m = createColumnMap({ lead: { contacted_at: 'first_touch_ts' }, snapshot: { aum: 'assets_usd' } });
    expect(m.lead.contacted_at).toBe('first_touch_ts');
    expect(m.snapshot.aum).toBe('assets_usd');
    expect(m.snapshot.rep_id).toBe('rep_id');
    expect(Object.isFrozen(m.lead)).toBe(true);
  });

  it('refuses unknown, hostile and duplicate names', () => {
    expect(() => createColumnMap({ lead: { contacted: 'x' } as never })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: columnMap.lead has unknown column "contacted"; known: lead_id, rep_id, contacted_at, converted, converted_at, lead_source]`,
    );
    expect(() =>
      createColumnMap({ lead: { rep_id: 'rep; DROP TABLE x' } }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: columnMap.lead.rep_id must be an identifier matching /^[A-Za-z_][A-Za-z0-9_]*$/, found "rep; DROP TABLE x"]`,
    );
    expect(() => createColumnMap({ lead: { lead_source: 'rep_id' } })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: columnMap.lead.lead_source must be unique, found "rep_id" also used by rep_id]`,
    );
  });
});

describe('row schemas', () => {
  const lead = {
    lead_id: 'L1',
    rep_id: 'R1',
    contacted_at: '2024-02-01T10:00:00Z',
    converted: true,
    converted_at: '2024-02-10T00:00:00Z',
    lead_source: 'referral',
  };

  it('parses a valid lead and coerces dates', () => {
    const [row] = parseRows(leadSchema, [lead], 'leads');
    expect(row?.contacted_at).toBeInstanceOf(Date);
  });

  it('counts invalid rows and names the column and value', () => {
    const bad = [lead, { ...lead, converted_at: null }, { ...lead, converted_at: '2024-01-01T00:00:00Z' }];
    const r = validateRows(leadSchema, bad);
    expect(r.invalidCount).toBe(2);
    expect(r.rows).toHaveLength(1);
    expect(r.issues.map((i) => i.path)).toEqual(['converted_at', 'converted_at']);
    expect(() => parseRows(leadSchema, bad, 'leads')).toThrowErrorMatchingInlineSnapshot(
      `[DataError: leads[1].converted_at: converted_at is required when converted, found null (2 invalid rows)]`,
    );
  });

  it('rejects a snapshot with an unknown firm type', () => {
    const snap = {
      rep_id: 'R1',
      snapshot_date: '2024-03-31',
      firm_id: 'F1',
      firm_type: 'hedge_fund',
      registration_type: 'BD',
      state: 'NY',
      metro: 'NYC',
      custodian: null,
      years_in_industry: 10,
      years_at_firm: 3,
      num_prior_firms: 1,
      disclosures_count: 0,
      firm_rep_count: 500,
      has_series_7: true,
      has_series_65: false,
      has_series_66: true,
      has_cfp: false,
      aum: 1e8,
      num_clients: 120,
      num_accounts: 300,
      pct_hnw_clients: 0.3,
      fee_based_pct: 0.5,
    };
    expect(validateRows(repSnapshotSchema, [snap]).issues[0]?.path).toBe('firm_type');
    expect(validateRows(repSnapshotSchema, [{ ...snap, firm_type: 'ria' }]).invalidCount).toBe(0);
  });
});

describe('dates in row schemas', () => {
  const lead = {
    lead_id: 'L1',
    rep_id: 'R1',
    contacted_at: '2024-06-30T23:30:00Z',
    converted: false,
    converted_at: null,
    lead_source: 'web',
  };

  it('accepts Dates, ISO dates and zoned ISO date-times, all as UTC instants', () => {
    const at = (v: unknown) =>
      parseRows(leadSchema, [{ ...lead, contacted_at: v }], 'leads')[0]?.contacted_at;
    expect(at('2024-06-30T23:30:00Z')?.toISOString()).toBe('2024-06-30T23:30:00.000Z');
    expect(at('2024-06-30T23:30:00-04:00')?.toISOString()).toBe('2024-07-01T03:30:00.000Z');
    expect(at('2024-06-30')?.toISOString()).toBe('2024-06-30T00:00:00.000Z');
    expect(at(new Date(Date.UTC(2024, 5, 30)))?.toISOString()).toBe('2024-06-30T00:00:00.000Z');
  });

  it('refuses values that coercion would have turned into dates, and zone-less date-times', () => {
    for (const v of [
      null,
      true,
      [2024],
      0,
      '2024-06-30 23:30',
      '2024-06-30T23:30:00',
      'yesterday',
      new Date(Number.NaN),
    ]) {
      const r = validateRows(leadSchema, [{ ...lead, contacted_at: v }]);
      expect(r.invalidCount, String(v)).toBe(1);
      expect(r.issues[0]?.path).toBe('contacted_at');
    }
  });
});
