import { describe, expect, it } from 'vitest';
import { DataError, leadSchema, parseRows, repSnapshotSchema, safeParseRows } from '../src/index.js';

const lead = {
  lead_id: 'L1',
  rep_id: 'R1',
  contacted_at: '2024-02-01T10:00:00Z',
  converted: true,
  converted_at: '2024-02-10T00:00:00Z',
  lead_source: 'referral',
};

const snap = {
  rep_id: 'R1',
  snapshot_date: '2024-03-31',
  firm_id: 'F1',
  firm_type: 'ria',
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

describe('safeParseRows', () => {
  it('returns the parsed rows on success', () => {
    const r = safeParseRows(leadSchema, [lead, { ...lead, lead_id: 'L2' }], 'leads');
    expect(r.success).toBe(true);
    if (!r.success) return;
    expect(r.data).toHaveLength(2);
    expect(r.data[0]?.contacted_at).toBeInstanceOf(Date);
    expect(r.invalidCount).toBe(0);
  });

  // One bad value per kind of problem: the issue code, the path [row, column] and the value found.
  const { lead_source: _dropped, ...withoutSource } = lead;
  it.each([
    ['a missing column', leadSchema, withoutSource, 'missing_column', ['lead_source'], undefined],
    ['an unknown column', leadSchema, { ...lead, source: 'web' }, 'unrecognized_key', ['source'], 'source'],
    ['a wrong type', leadSchema, { ...lead, converted: 'yes' }, 'invalid_type', ['converted'], 'yes'],
    ['an empty id', leadSchema, { ...lead, lead_id: '' }, 'too_small', ['lead_id'], ''],
    [
      'a zone-less date-time',
      leadSchema,
      { ...lead, contacted_at: '2024-02-01 10:00' },
      'invalid_union',
      ['contacted_at'],
      '2024-02-01 10:00',
    ],
    [
      'a conversion without a date',
      leadSchema,
      { ...lead, converted_at: null },
      'missing_conversion_date',
      ['converted_at'],
      null,
    ],
    [
      'a date without a conversion',
      leadSchema,
      { ...lead, converted: false },
      'unexpected_conversion_date',
      ['converted_at'],
      lead.converted_at,
    ],
    [
      'a conversion before contact',
      leadSchema,
      { ...lead, converted_at: '2024-01-01T00:00:00Z' },
      'converted_before_contact',
      ['converted_at'],
      '2024-01-01T00:00:00Z',
    ],
    [
      'an unknown firm type',
      repSnapshotSchema,
      { ...snap, firm_type: 'hedge_fund' },
      'invalid_value',
      ['firm_type'],
      'hedge_fund',
    ],
    [
      'a fraction above 1',
      repSnapshotSchema,
      { ...snap, pct_hnw_clients: 1.5 },
      'too_big',
      ['pct_hnw_clients'],
      1.5,
    ],
    ['a negative count', repSnapshotSchema, { ...snap, num_clients: -1 }, 'too_small', ['num_clients'], -1],
  ] as const)('%s -> %s', (_what, schema, row, code, path, value) => {
    const good = schema === leadSchema ? lead : snap;
    const r = safeParseRows(schema, [good, row], 'rows');
    expect(r.success).toBe(false);
    expect(r.invalidCount).toBe(1);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ code, path: [1, ...path] });
    expect(r.issues[0]!.value).toStrictEqual(value);
    expect(r.issues[0]!.message.startsWith(`rows[1].${path[0]}`)).toBe(true);
  });

  it('collects every problem of every row, up to maxIssues, and counts all bad rows', () => {
    const bad = { ...lead, lead_id: '', converted: 'no', extra: 1 };
    const r = safeParseRows(leadSchema, [bad, lead, bad, bad], 'leads', { maxIssues: 4 });
    expect(r.success).toBe(false);
    expect(r.invalidCount).toBe(3);
    expect(r.issues.map((i) => [i.code, i.path.join('.')])).toEqual([
      ['too_small', '0.lead_id'],
      ['invalid_type', '0.converted'],
      ['unrecognized_key', '0.extra'],
      ['too_small', '2.lead_id'],
    ]);
    expect(r.issues.map((i) => i.message)).toMatchInlineSnapshot(`
      [
        "leads[0].lead_id: too small: expected string to have >=1 characters, found """,
        "leads[0].converted: invalid input: expected boolean, received string, found "no"",
        "leads[0].extra is not a contract column, found "extra"",
        "leads[2].lead_id: too small: expected string to have >=1 characters, found """,
      ]
    `);
  });

  it('parseRows throws a DataError carrying the issues', () => {
    const bad = [lead, { ...lead, converted_at: null }, { ...lead, lead_source: 7 }];
    let error: unknown;
    try {
      parseRows(leadSchema, bad, 'leads');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataError);
    const e = error as DataError;
    expect(e.code).toBe('INVALID_DATA');
    expect(e.issues.map((i) => [i.code, i.path.join('.'), i.value])).toEqual([
      ['missing_conversion_date', '1.converted_at', null],
      ['invalid_type', '2.lead_source', 7],
    ]);
    expect(e.details).toMatchObject({ table: 'leads', row: 1, column: 'converted_at', invalidCount: 2 });
  });
});
