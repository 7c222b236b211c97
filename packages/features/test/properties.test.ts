import { toArrowTable } from '@leadscore/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertDeclaredInputs,
  computeFeatures,
  computeFeaturesForRow,
  evaluateFeature,
  historyColumnName,
  v7Features,
} from '../src/index.js';

const SEED = 20261126;
const DAY = 86_400_000;

const num = (special: number[], max: number) =>
  fc.option(fc.oneof(fc.constantFrom(...special), fc.double({ min: 0, max, noNaN: true })), { freq: 5 });
const int = (special: number[], max: number) =>
  fc.option(fc.oneof(fc.constantFrom(...special), fc.integer({ min: 0, max })), { freq: 5 });
const str = (levels: string[]) => fc.option(fc.constantFrom(...levels), { freq: 5 });
const bool = fc.option(fc.boolean(), { freq: 5 });
const day = fc.integer({ min: 18_000, max: 20_000 }).map((d) => d * DAY);

/** One training-table row with band edges, zeros and nulls over-represented. */
const rowArb = fc
  .record({
    lead_id: fc.constant('L'),
    rep_id: fc.constant('R'),
    contacted_at: day,
    lead_source: fc.constant('event'),
    label: fc.constantFrom(0, 1),
    firm_id: str(['F1', 'F2']),
    firm_type: str(['wirehouse', 'ria', 'independent_bd', 'bank']),
    registration_type: str(['BD', 'IAR', 'DUAL']),
    state: str(['CA', 'NY', 'TX']),
    metro: str(['NYC', 'LA']),
    custodian: str(['Schwab', 'Fidelity']),
    years_in_industry: num([0, 0.25, 5, 10, 20, 30], 45),
    years_at_firm: num([0, 3, 7], 45),
    aum: num([0, 10e6, 50e6, 500e6, 1e9], 5e9),
    pct_hnw_clients: num([0, 1], 1),
    fee_based_pct: num([0, 0.5, 1], 1),
    num_prior_firms: int([0], 12),
    disclosures_count: int([0, 1], 5),
    firm_rep_count: int([0, 10, 50, 250, 1000], 20_000),
    num_clients: int([0, 1], 2000),
    num_accounts: int([0], 5000),
    has_series_7: bool,
    has_series_65: bool,
    has_series_66: bool,
    has_cfp: bool,
    pit_snapshot_date: fc.option(day, { freq: 5 }),
    aum_pct_rank_state: num([0, 1], 1),
    aum_pct_rank_firm: num([0, 1], 1),
    metro_rep_count: int([0], 50_000),
    firm_total_aum: num([0], 1e11),
    aum_h: fc.array(num([0, 1e6], 1e9), { minLength: 8, maxLength: 8 }),
    clients_h: fc.array(int([0], 2000), { minLength: 8, maxLength: 8 }),
    firm_h: fc.array(str(['A', 'B', 'C']), { minLength: 8, maxLength: 8 }),
    reps_h: fc.array(int([0], 5000), { minLength: 8, maxLength: 8 }),
    dates_h: fc.array(fc.option(day, { freq: 4 }), { minLength: 8, maxLength: 8 }),
  })
  .map(({ aum_h, clients_h, firm_h, reps_h, dates_h, ...scalars }) => {
    const row: Record<string, unknown> = { ...scalars };
    for (let k = 0; k < 8; k++) {
      row[historyColumnName('aum', k)] = aum_h[k];
      row[historyColumnName('num_clients', k)] = clients_h[k];
      row[historyColumnName('firm_id', k)] = firm_h[k];
      row[historyColumnName('firm_rep_count', k)] = reps_h[k];
      row[historyColumnName('history_snapshot_date', k)] = dates_h[k];
    }
    return row;
  });

function toColumns(rows: Record<string, unknown>[]): Record<string, unknown[]> {
  const cols: Record<string, unknown[]> = {};
  for (const key of Object.keys(rows[0]!)) cols[key] = rows.map((r) => r[key]);
  return cols;
}

describe('feature engine properties (fast-check, seeded)', () => {
  it('batch results equal row results for every feature and row, and are deterministic', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { minLength: 1, maxLength: 25 }), (rows) => {
        const table = toArrowTable(toColumns(rows));
        const m = computeFeatures(table, v7Features);
        const again = computeFeatures(table, v7Features);
        expect(Buffer.from(again.values.buffer).equals(Buffer.from(m.values.buffer))).toBe(true);
        rows.forEach((record, i) => {
          const row = computeFeaturesForRow(record, v7Features);
          const fromArrow = computeFeaturesForRow(table.get(i)!.toJSON(), v7Features);
          m.names.forEach((name, j) => {
            const v = m.values[j * m.nRows + i]!;
            const batch = m.levels[j] ? m.levels[j]![v] : v;
            expect(row[name]).toStrictEqual(batch);
            expect(fromArrow[name]).toStrictEqual(batch);
          });
        });
      }),
      { seed: SEED, numRuns: 40 },
    );
  });

  it('no catalog feature reads an undeclared column (proxy rows), and the test helper agrees with the engine', () => {
    fc.assert(
      fc.property(rowArb, (record) => {
        const engine = computeFeaturesForRow(record, v7Features);
        for (const f of v7Features) {
          const row = Object.fromEntries(f.inputs.map((c) => [c, record[c]]));
          const history = Object.fromEntries(
            f.history.map((s) => [
              s,
              Array.from(
                { length: 8 },
                (_, t) => record[historyColumnName(s, 7 - t)] as number | string | null,
              ),
            ]),
          );
          // evaluateFeature runs compute on read-guarded proxies: an undeclared read throws.
          const value = evaluateFeature(f, row, history);
          const expected =
            value === null
              ? f.kind === 'categorical'
                ? '__missing__'
                : Number.NaN
              : typeof value === 'boolean'
                ? Number(value)
                : typeof value === 'number'
                  ? Math.fround(value)
                  : value;
          expect(engine[f.name]).toStrictEqual(expected);
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('every catalog feature passes assertDeclaredInputs', () => {
    for (const f of v7Features) assertDeclaredInputs(f, { samples: 128, seed: 7 });
  });
});
