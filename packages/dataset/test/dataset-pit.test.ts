import {
  Bool,
  DateDay,
  Float64,
  Int32,
  Table,
  TimestampMillisecond,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDataset } from '../src/builder/build.js';
import type { DatasetSpecInput } from '../src/builder/spec.js';
import { openDuckDbWarehouse } from '../src/warehouse/duckdb.js';
import type { Warehouse } from '../src/warehouse/types.js';

/*
 * The point-in-time join checked against an independent in-test implementation: plain loops over
 * epoch days, quarter ends found by scanning calendar candidates (no SQL, no shared helpers).
 */

const DAY = 86_400_000;
const day = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / DAY;
const QUARTER_ENDS: number[] = [];
for (const y of [2023, 2024, 2025]) {
  QUARTER_ENDS.push(day(y, 3, 31), day(y, 6, 30), day(y, 9, 30), day(y, 12, 31));
}
const DATA_END = day(2025, 12, 31);
const HORIZON = 30;

/** Latest calendar quarter end on or before `d`. */
function latestQuarterEnd(d: number): number {
  const y = new Date(d * DAY).getUTCFullYear();
  const candidates = [day(y - 1, 12, 31), day(y, 3, 31), day(y, 6, 30), day(y, 9, 30), day(y, 12, 31)];
  let best = Number.NEGATIVE_INFINITY;
  for (const c of candidates) if (c <= d && c > best) best = c;
  return best;
}

interface RepDraw {
  quarters: number[];
  offQuarter: number | null;
}
interface LeadDraw {
  rep: number;
  anchor: number;
  /** Anchor the contact on one of the rep's own snapshot dates, so boundaries hit real snapshots. */
  ownSnapshot: boolean;
  offset: 'lag-1' | 'lag' | 'lookback' | 'lookback+1' | number;
  timeMs: number;
  converted: boolean;
  /** Days from contact to conversion; negative = a conversion dated before the contact. */
  convDelayDays: number;
  /** A non-converted lead that still carries a conversion date (contradictory source row). */
  strayDate: boolean;
}
interface WorldDraw {
  lag: number;
  lookback: number;
  quarters: number;
  reps: RepDraw[];
  leads: LeadDraw[];
}

const worldArb: fc.Arbitrary<WorldDraw> = fc
  .record({
    lag: fc.constantFrom(0, 1, 15, 45),
    lookback: fc.constantFrom(0, 30, 91, 120, 400),
    quarters: fc.constantFrom(1, 4, 8),
    reps: fc.array(
      fc.record({
        quarters: fc.subarray(QUARTER_ENDS.map((_, i) => i)),
        offQuarter: fc.option(fc.integer({ min: 1, max: 80 }), { nil: null }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    leads: fc.array(
      fc.record({
        rep: fc.nat(3),
        anchor: fc.nat(QUARTER_ENDS.length - 1),
        ownSnapshot: fc.boolean(),
        offset: fc.oneof(
          {
            weight: 3,
            arbitrary: fc.constantFrom(
              'lag-1' as const,
              'lag' as const,
              'lookback' as const,
              'lookback+1' as const,
            ),
          },
          { weight: 1, arbitrary: fc.integer({ min: -5, max: 200 }) },
        ),
        timeMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: DAY - 1 })),
        converted: fc.boolean(),
        convDelayDays: fc.integer({ min: -10, max: 45 }),
        strayDate: fc.boolean(),
      }),
      { minLength: 1, maxLength: 25 },
    ),
  })
  // A lookback shorter than the lag is refused by the spec (no snapshot could qualify).
  .filter((w) => w.lookback >= w.lag);

interface Snapshot {
  rep: string;
  day: number;
  value: number;
}

function materialise(w: WorldDraw) {
  const snapshots: Snapshot[] = [];
  w.reps.forEach((r, ri) => {
    const days = r.quarters.map((qi) => QUARTER_ENDS[qi] as number);
    if (r.offQuarter !== null && r.quarters.length > 0) days.push((days[0] as number) - r.offQuarter);
    days.forEach((d, si) => {
      snapshots.push({ rep: `R${ri}`, day: d, value: ri * 1000 + si });
    });
  });
  const leads = w.leads.map((l, i) => {
    const own = snapshots.filter((s) => s.rep === `R${l.rep}`);
    const base =
      l.ownSnapshot && own.length > 0
        ? (own[l.anchor % own.length] as Snapshot).day
        : (QUARTER_ENDS[l.anchor] as number);
    const offset =
      l.offset === 'lag-1'
        ? w.lag - 1
        : l.offset === 'lag'
          ? w.lag
          : l.offset === 'lookback'
            ? w.lookback
            : l.offset === 'lookback+1'
              ? w.lookback + 1
              : l.offset;
    const contactedMs = (base + offset) * DAY + l.timeMs;
    return {
      lead_id: `L${String(i).padStart(3, '0')}`,
      rep_id: `R${l.rep}`,
      contactedMs,
      converted: l.converted,
      convertedMs: l.converted || l.strayDate ? contactedMs + l.convDelayDays * DAY : null,
    };
  });
  return { snapshots, leads };
}

function tables(w: WorldDraw) {
  const { snapshots, leads } = materialise(w);
  const snapTable = new Table({
    rep_id: vectorFromArray(
      snapshots.map((s) => s.rep),
      new Utf8(),
    ),
    snapshot_date: vectorFromArray(
      snapshots.map((s) => new Date(s.day * DAY)),
      new DateDay(),
    ),
    years_at_firm: vectorFromArray(
      snapshots.map((s) => s.value + 0.5),
      new Float64(),
    ),
    num_clients: vectorFromArray(
      snapshots.map((s) => s.value),
      new Int32(),
    ),
  });
  const current = w.reps.map((_, ri) => {
    const own = snapshots.filter((s) => s.rep === `R${ri}`);
    const latest = own.reduce((m, s) => Math.max(m, s.day), QUARTER_ENDS[0] as number);
    return { rep: `R${ri}`, day: latest, aum: ri * 10 + 1 };
  });
  const curTable = new Table({
    rep_id: vectorFromArray(
      current.map((c) => c.rep),
      new Utf8(),
    ),
    snapshot_date: vectorFromArray(
      current.map((c) => new Date(c.day * DAY)),
      new DateDay(),
    ),
    aum: vectorFromArray(
      current.map((c) => c.aum),
      new Float64(),
    ),
  });
  const leadTable = new Table({
    lead_id: vectorFromArray(
      leads.map((l) => l.lead_id),
      new Utf8(),
    ),
    rep_id: vectorFromArray(
      leads.map((l) => l.rep_id),
      new Utf8(),
    ),
    contacted_at: vectorFromArray(
      leads.map((l) => new Date(l.contactedMs)),
      new TimestampMillisecond(),
    ),
    converted: vectorFromArray(
      leads.map((l) => l.converted),
      new Bool(),
    ),
    converted_at: vectorFromArray(
      leads.map((l) => (l.convertedMs === null ? null : new Date(l.convertedMs))),
      new TimestampMillisecond(),
    ),
    lead_source: vectorFromArray(
      leads.map(() => 'web'),
      new Utf8(),
    ),
  });
  return { snapTable, curTable, leadTable, snapshots, leads, current };
}

function spec(w: WorldDraw): DatasetSpecInput {
  return {
    featureGroups: [
      { name: 'career', policy: 'pointInTime', columns: ['years_at_firm'] },
      { name: 'financial', policy: 'current', columns: ['aum'] },
      { name: 'temporal', policy: 'history', columns: ['num_clients'] },
    ],
    availabilityLagDays: w.lag,
    maxLookbackDays: w.lookback,
    historyQuarters: w.quarters,
    labelHorizonDays: HORIZON,
    dataEndDate: '2025-12-31',
    output: { base: 'pit_out', version: '20260101_01', overwrite: true },
  };
}

let wh: Warehouse;
beforeAll(async () => {
  wh = await openDuckDbWarehouse({ path: ':memory:', threads: 1 });
});
afterAll(async () => {
  await wh.close();
});

async function load(w: WorldDraw) {
  const t = tables(w);
  await wh.createTableFromArrow('rep_snapshots', t.snapTable, { replace: true });
  await wh.createTableFromArrow('rep_current', t.curTable, { replace: true });
  await wh.createTableFromArrow('leads', t.leadTable, { replace: true });
  return t;
}

describe('point-in-time join against an independent implementation', () => {
  it('picks the latest eligible snapshot, aligns history to calendar quarters and labels correctly', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (w) => {
        const t = await load(w);
        const result = await buildDataset(wh, spec(w), { now: new Date(Date.UTC(2026, 0, 1)) });
        const out = new Map<string, Record<string, unknown>>();
        for (const row of result.table ?? []) out.set(String(row.lead_id), row.toJSON());

        let expectedExcluded = { unknown: 0, after: 0, open: 0, before: 0, stray: 0 };
        for (const lead of t.leads) {
          const cutoff = Math.floor(lead.contactedMs / DAY);
          const known = Number(lead.rep_id.slice(1)) < w.reps.length;
          const row = out.get(lead.lead_id);
          if (!known) {
            expectedExcluded = { ...expectedExcluded, unknown: expectedExcluded.unknown + 1 };
            expect(row).toBeUndefined();
            continue;
          }
          if (cutoff > DATA_END) {
            expectedExcluded = { ...expectedExcluded, after: expectedExcluded.after + 1 };
            expect(row).toBeUndefined();
            continue;
          }
          if (cutoff + HORIZON > DATA_END) {
            expectedExcluded = { ...expectedExcluded, open: expectedExcluded.open + 1 };
            expect(row).toBeUndefined();
            continue;
          }
          if (lead.converted && (lead.convertedMs as number) < lead.contactedMs) {
            expectedExcluded = { ...expectedExcluded, before: expectedExcluded.before + 1 };
            expect(row).toBeUndefined();
            continue;
          }
          if (!lead.converted && lead.convertedMs !== null) {
            expectedExcluded = { ...expectedExcluded, stray: expectedExcluded.stray + 1 };
            expect(row).toBeUndefined();
            continue;
          }
          expect(row, lead.lead_id).toBeDefined();
          if (!row) continue;
          // Point in time: latest snapshot with day + lag <= cutoff and cutoff - day <= lookback.
          let best: Snapshot | null = null;
          for (const s of t.snapshots) {
            if (s.rep !== lead.rep_id) continue;
            if (s.day + w.lag <= cutoff && cutoff - s.day <= w.lookback && (!best || s.day > best.day))
              best = s;
          }
          expect(row.pit_snapshot_date, `${lead.lead_id} pit date`).toBe(best ? best.day * DAY : null);
          expect(row.years_at_firm, `${lead.lead_id} pit value`).toBe(best ? best.value + 0.5 : null);
          // History: calendar-aligned quarter ends counted back from the anchor quarter.
          let q = latestQuarterEnd(cutoff - w.lag);
          for (let k = 0; k < w.quarters; k++) {
            const hit = t.snapshots.find((s) => s.rep === lead.rep_id && s.day === q);
            expect(row[`history_snapshot_date_q${k}`], `${lead.lead_id} q${k} date`).toBe(
              hit ? q * DAY : null,
            );
            expect(row[`num_clients_q${k}`], `${lead.lead_id} q${k}`).toBe(hit ? hit.value : null);
            q = latestQuarterEnd(q - 1);
          }
          const cur = t.current.find((c) => c.rep === lead.rep_id);
          expect(row.aum).toBe(cur?.aum ?? null);
          const positive = lead.converted && (lead.convertedMs as number) <= lead.contactedMs + HORIZON * DAY;
          expect(row.label).toBe(positive ? 1 : 0);
        }
        const ex = result.metadata.counts.excluded;
        expect(ex.unknown_rep).toBe(expectedExcluded.unknown);
        expect(ex.contacted_after_data_end).toBe(expectedExcluded.after);
        expect(ex.label_horizon_open).toBe(expectedExcluded.open);
        expect(ex.converted_before_contact).toBe(expectedExcluded.before);
        expect(ex.conversion_date_without_flag).toBe(expectedExcluded.stray);
        expect(result.metadata.counts.leadsOut).toBe(out.size);
        expect(result.metadata.counts.keptWithNulls.noSnapshotWithinLookback).toBe(
          [...out.values()].filter((r) => r.pit_snapshot_date === null).length,
        );
        // Never after the cutoff, checked directly on every output row.
        for (const row of out.values()) {
          const cutoff = Math.floor(Number(row.contacted_at) / DAY);
          if (row.pit_snapshot_date !== null)
            expect(Number(row.pit_snapshot_date) / DAY + w.lag).toBeLessThanOrEqual(cutoff);
          for (let k = 0; k < w.quarters; k++) {
            const h = row[`history_snapshot_date_q${k}`];
            if (h !== null) expect(Number(h) / DAY + w.lag).toBeLessThanOrEqual(cutoff);
          }
        }
        expect(result.metadata.leakage.audit.passed).toBe(true);
      }),
      { seed: 20261126, numRuns: 30 },
    );
  }, 60_000);

  it('handles the exact boundaries: snapshot at the cutoff, lag, lookback edge, missing quarters', async () => {
    // Rep R0 has quarters 2024-03-31 and 2024-09-30 (2024-06-30 missing).
    const w: WorldDraw = {
      lag: 0,
      lookback: 120,
      quarters: 3,
      reps: [{ quarters: [4, 6], offQuarter: null }],
      leads: [],
    };
    const q1 = day(2024, 3, 31);
    const q3 = day(2024, 9, 30);
    const cases = [
      // contacted exactly on the snapshot date, midnight: the snapshot is usable (inclusive).
      { ms: q3 * DAY, lag: 0, lookback: 120, pit: q3 },
      // one millisecond before: the earlier snapshot, if within lookback (2024-09-29 - 2024-03-31 = 182 > 120).
      { ms: q3 * DAY - 1, lag: 0, lookback: 120, pit: null },
      { ms: q3 * DAY - 1, lag: 0, lookback: 182, pit: q1 },
      { ms: q3 * DAY - 1, lag: 0, lookback: 181, pit: null },
      // with a 15-day lag the snapshot becomes usable 15 days later.
      { ms: (q3 + 14) * DAY + 86_399_000, lag: 15, lookback: 400, pit: q1 },
      { ms: (q3 + 15) * DAY, lag: 15, lookback: 400, pit: q3 },
      // lookback edge: exactly maxLookbackDays after the snapshot is still in.
      { ms: (q3 + 120) * DAY + 5000, lag: 0, lookback: 120, pit: q3 },
      { ms: (q3 + 121) * DAY, lag: 0, lookback: 120, pit: null },
    ];
    for (const c of cases) {
      const t = tables(w);
      const leads = new Table({
        lead_id: vectorFromArray(['L1'], new Utf8()),
        rep_id: vectorFromArray(['R0'], new Utf8()),
        contacted_at: vectorFromArray([new Date(c.ms)], new TimestampMillisecond()),
        converted: vectorFromArray([false], new Bool()),
        converted_at: vectorFromArray([null], new TimestampMillisecond()),
        lead_source: vectorFromArray(['web'], new Utf8()),
      });
      await wh.createTableFromArrow('rep_snapshots', t.snapTable, { replace: true });
      await wh.createTableFromArrow('rep_current', t.curTable, { replace: true });
      await wh.createTableFromArrow('leads', leads, { replace: true });
      const r = await buildDataset(wh, { ...spec({ ...w, lag: c.lag, lookback: c.lookback }) });
      const row = r.table?.get(0)?.toJSON();
      expect(row?.pit_snapshot_date, JSON.stringify(c)).toBe(c.pit === null ? null : c.pit * DAY);
    }
    // History across the missing 2024-06-30 quarter: q0 = 2024-09-30, q1 missing, q2 = 2024-03-31.
    await wh.createTableFromArrow(
      'leads',
      new Table({
        lead_id: vectorFromArray(['L1'], new Utf8()),
        rep_id: vectorFromArray(['R0'], new Utf8()),
        contacted_at: vectorFromArray([new Date((q3 + 5) * DAY)], new TimestampMillisecond()),
        converted: vectorFromArray([false], new Bool()),
        converted_at: vectorFromArray([null], new TimestampMillisecond()),
        lead_source: vectorFromArray(['web'], new Utf8()),
      }),
      { replace: true },
    );
    const r = await buildDataset(wh, spec({ ...w, lag: 0, lookback: 120 }));
    const row = r.table?.get(0)?.toJSON();
    expect(row?.history_snapshot_date_q0).toBe(q3 * DAY);
    expect(row?.history_snapshot_date_q1).toBeNull();
    expect(row?.num_clients_q1).toBeNull();
    expect(row?.history_snapshot_date_q2).toBe(q1 * DAY);
    expect(r.metadata.counts.keptWithNulls.incompleteHistory).toBe(1);
  });
});
