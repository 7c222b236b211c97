import { createHash } from 'node:crypto';
import {
  FIRM_TYPES,
  LEAD_COLUMNS,
  LeadscoreError,
  leadSchema,
  repSnapshotSchema,
  SNAPSHOT_COLUMNS,
  ValidationError,
  validateRows,
} from '@leadscore/core';
import { DateDay, Type } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tableToCsv } from '../src/csv.js';
import { type DiscoveryWorld, generateDiscoveryWorld } from '../src/index.js';

const DAY = 86_400_000;
const small = generateDiscoveryWorld({ reps: 400, quarters: 8, leads: 600, seed: 11 });

/** Plain row objects with dates as Date, the shape the zod contract schemas parse. */
function rowsOf(table: DiscoveryWorld['leads'], limit = Number.POSITIVE_INFINITY): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < Math.min(limit, table.numRows); i++) {
    const row = table.get(i)!.toJSON() as Record<string, unknown>;
    for (const k of ['snapshot_date', 'contacted_at', 'converted_at']) {
      if (typeof row[k] === 'number') row[k] = new Date(row[k] as number);
    }
    out.push(row);
  }
  return out;
}

const hashWorld = (w: DiscoveryWorld): string => {
  const h = createHash('sha256');
  for (const t of [w.repSnapshots, w.repCurrent, w.leads]) h.update(tableToCsv(t));
  h.update(Buffer.from(w.truth.probability.buffer));
  return h.digest('hex');
};

const isQuarterEnd = (ms: number): boolean => {
  const d = new Date(ms);
  const md = `${d.getUTCMonth() + 1}-${d.getUTCDate()}`;
  return ['3-31', '6-30', '9-30', '12-31'].includes(md) && ms % DAY === 0;
};

describe('generateDiscoveryWorld: data contract', () => {
  it('has the contract columns, in order, with the Arrow types of the contract', () => {
    for (const t of [small.repSnapshots, small.repCurrent]) {
      expect(t.schema.fields.map((f) => f.name)).toEqual([...SNAPSHOT_COLUMNS]);
      const types = Object.fromEntries(t.schema.fields.map((f) => [f.name, f.type.typeId]));
      expect(types.rep_id).toBe(Type.Utf8);
      expect(types.custodian).toBe(Type.Utf8);
      expect(t.schema.fields[1]!.type).toBeInstanceOf(DateDay);
      expect(types.years_at_firm).toBe(Type.Float);
      expect(types.aum).toBe(Type.Float);
      expect(types.num_prior_firms).toBe(Type.Int);
      expect(types.firm_rep_count).toBe(Type.Int);
      expect(types.has_series_7).toBe(Type.Bool);
      expect(t.schema.fields.find((f) => f.name === 'rep_id')!.nullable).toBe(false);
      expect(t.schema.fields.find((f) => f.name === 'custodian')!.nullable).toBe(true);
    }
    expect(small.leads.schema.fields.map((f) => f.name)).toEqual([...LEAD_COLUMNS]);
    const contacted = small.leads.schema.fields[2]!.type as unknown as {
      typeId: Type;
      unit: number;
      timezone: string;
    };
    expect(contacted.typeId).toBe(Type.Timestamp);
    expect(contacted.unit).toBe(1); // TimeUnit.MILLISECOND
    expect(contacted.timezone).toBe('UTC');
    expect(small.leads.schema.fields[3]!.type.typeId).toBe(Type.Bool);
    expect(small.leads.schema.fields[4]!.nullable).toBe(true);
    expect(small.truth.probability).toBeInstanceOf(Float64Array);
    expect(small.truth.probability.length).toBe(small.leads.numRows);
  });

  it('every row passes the zod row schemas', () => {
    const snaps = validateRows(repSnapshotSchema, rowsOf(small.repSnapshots));
    expect(snaps.issues).toEqual([]);
    expect(validateRows(repSnapshotSchema, rowsOf(small.repCurrent)).issues).toEqual([]);
    expect(validateRows(leadSchema, rowsOf(small.leads)).issues).toEqual([]);
  });

  it('snapshots are quarter ends up to the data end, one row per rep and date, ordered', () => {
    const rows = rowsOf(small.repSnapshots);
    const dataEnd = Date.parse(`${small.truth.params.dataEndDate}T00:00:00Z`);
    expect(small.truth.params.firstQuarterEnd).toBe('2023-03-31');
    expect(small.truth.params.dataEndDate).toBe('2024-12-31'); // 8 quarters from 2023-03-31
    let maxDate = 0;
    for (let i = 0; i < rows.length; i++) {
      const t = (rows[i]!.snapshot_date as Date).getTime();
      expect(isQuarterEnd(t)).toBe(true);
      maxDate = Math.max(maxDate, t);
      if (i > 0) {
        const prev = rows[i - 1]!;
        const sameRep = prev.rep_id === rows[i]!.rep_id;
        expect(
          sameRep
            ? (prev.snapshot_date as Date).getTime() < t
            : String(prev.rep_id) < String(rows[i]!.rep_id),
        ).toBe(true);
      }
    }
    expect(maxDate).toBe(dataEnd);
  });

  it('rep_current is the latest snapshot of every rep', () => {
    const latest = new Map<string, Record<string, unknown>>();
    for (const row of rowsOf(small.repSnapshots)) latest.set(String(row.rep_id), row);
    const current = rowsOf(small.repCurrent);
    expect(current.length).toBe(400);
    expect(latest.size).toBe(400);
    for (const row of current) expect(row).toEqual(latest.get(String(row.rep_id)));
  });

  it('leads have unique ids, come in contact order after the second quarter end, and respect the data end', () => {
    const leads = rowsOf(small.leads);
    expect(new Set(leads.map((l) => l.lead_id)).size).toBe(leads.length);
    const secondQuarterEnd = Date.parse('2023-06-30T00:00:00Z') + DAY;
    const dataEnd = Date.parse('2024-12-31T00:00:00Z') + DAY;
    let prev = 0;
    for (const l of leads) {
      const t = (l.contacted_at as Date).getTime();
      expect(t).toBeGreaterThanOrEqual(prev);
      expect(t).toBeGreaterThanOrEqual(secondQuarterEnd);
      expect(t).toBeLessThan(dataEnd);
      if (l.converted) expect((l.converted_at as Date).getTime()).toBeLessThan(dataEnd);
      prev = t;
    }
    const repIds = new Set(rowsOf(small.repCurrent).map((r) => r.rep_id));
    for (const l of leads) expect(repIds.has(l.rep_id)).toBe(true);
  });
});

describe('generateDiscoveryWorld: determinism', () => {
  it('same options and seed give byte-identical output; another seed differs', () => {
    const opts = { reps: 300, quarters: 6, leads: 400, seed: 5 };
    const a = hashWorld(generateDiscoveryWorld(opts));
    expect(hashWorld(generateDiscoveryWorld(opts))).toBe(a);
    expect(hashWorld(generateDiscoveryWorld({ ...opts, seed: 6 }))).not.toBe(a);
  });

  it('does not mutate its options and returns frozen results', () => {
    const opts = Object.freeze({ reps: 50, quarters: 4, leads: 40, seed: 1 });
    const w = generateDiscoveryWorld(opts);
    expect(Object.isFrozen(w)).toBe(true);
    expect(Object.isFrozen(w.truth.params)).toBe(true);
    expect(w.truth.params).toMatchObject({ reps: 50, quarters: 4, leads: 40, seed: 1, firms: 6 });
  });
});

describe('generateDiscoveryWorld: realistic distributions', () => {
  const mid = generateDiscoveryWorld({ reps: 3000, quarters: 12, leads: 3000, seed: 3 });
  const snaps = rowsOf(mid.repSnapshots);

  it('licences match the registration type, accounts >= clients, tenure <= career, custodian only where it exists', () => {
    let checked = 0;
    const violations: string[] = [];
    for (const r of snaps) {
      const where = `${r.rep_id}@${(r.snapshot_date as Date).toISOString().slice(0, 10)}`;
      if (
        r.registration_type !== null &&
        r.has_series_7 !== null &&
        r.has_series_65 !== null &&
        r.has_series_66 !== null
      ) {
        checked++;
        if (r.registration_type !== 'IAR' && r.has_series_7 !== true)
          violations.push(`${where} BD without series 7`);
        if (r.registration_type !== 'BD' && !r.has_series_65 && !r.has_series_66) {
          violations.push(`${where} IAR without series 65/66`);
        }
      }
      if (
        r.num_accounts !== null &&
        r.num_clients !== null &&
        (r.num_accounts as number) < (r.num_clients as number)
      ) {
        violations.push(`${where} fewer accounts than clients`);
      }
      if (
        r.years_at_firm !== null &&
        r.years_in_industry !== null &&
        (r.years_at_firm as number) > (r.years_in_industry as number)
      ) {
        violations.push(`${where} years_at_firm > years_in_industry`);
      }
      if (
        r.custodian !== null &&
        r.firm_type !== null &&
        !['ria', 'independent_bd'].includes(String(r.firm_type))
      ) {
        violations.push(`${where} custodian at a ${r.firm_type}`);
      }
    }
    expect(violations.slice(0, 5)).toEqual([]);
    expect(checked).toBeGreaterThan(snaps.length * 0.9);
  });

  it('careers evolve: tenure grows by a quarter, firm moves reset years_at_firm and bump num_prior_firms', () => {
    let steps = 0;
    let moves = 0;
    const bad: string[] = [];
    for (let i = 1; i < snaps.length; i++) {
      const a = snaps[i - 1]!;
      const b = snaps[i]!;
      if (a.rep_id !== b.rep_id) continue;
      const quarters = Math.round(
        ((b.snapshot_date as Date).getTime() - (a.snapshot_date as Date).getTime()) / (91.3 * DAY),
      );
      if (a.years_in_industry !== null && b.years_in_industry !== null) {
        steps++;
        const grown = (b.years_in_industry as number) - (a.years_in_industry as number);
        if (Math.abs(grown - 0.25 * quarters) > 1e-9)
          bad.push(`${b.rep_id} years_in_industry grew by ${grown}`);
      }
      if (
        quarters === 1 &&
        a.firm_id !== b.firm_id &&
        a.num_prior_firms !== null &&
        b.num_prior_firms !== null &&
        b.years_at_firm !== null
      ) {
        moves++;
        if (b.num_prior_firms !== (a.num_prior_firms as number) + 1)
          bad.push(`${b.rep_id} prior firms not bumped`);
        if ((b.years_at_firm as number) >= 0.26) bad.push(`${b.rep_id} years_at_firm not reset`);
      }
    }
    expect(bad.slice(0, 5)).toEqual([]);
    expect(steps).toBeGreaterThan(20_000);
    expect(moves).toBeGreaterThan(100);
  });

  it('firm types have plausible shares, firm sizes are heavy-tailed and some firms shrink', () => {
    const typeCount = new Map<string, number>();
    const firmSize = new Map<string, number[]>();
    for (const r of snaps) {
      if (r.firm_type !== null)
        typeCount.set(String(r.firm_type), (typeCount.get(String(r.firm_type)) ?? 0) + 1);
      if (r.firm_rep_count === null) continue;
      const key = `${r.firm_id}`;
      const q = new Date(r.snapshot_date as Date).getTime();
      const list = firmSize.get(key) ?? [];
      list[Math.round((q - Date.parse('2023-03-31')) / (91.3 * DAY))] = r.firm_rep_count as number;
      firmSize.set(key, list);
    }
    const total = [...typeCount.values()].reduce((s, x) => s + x, 0);
    for (const t of FIRM_TYPES) {
      const share = (typeCount.get(t) ?? 0) / total;
      expect(share).toBeGreaterThan(0.03);
      expect(share).toBeLessThan(0.45);
    }
    const sizes = [...firmSize.values()].map((l) => l.find((x) => x !== undefined)!).sort((a, b) => a - b);
    const median = sizes[sizes.length >> 1]!;
    expect(sizes[sizes.length - 1]! / median).toBeGreaterThan(20);
    let shrinking = 0;
    for (const l of firmSize.values()) {
      const first = l[0];
      const last = l[11];
      if (first !== undefined && last !== undefined && last < 0.8 * first) shrinking++;
    }
    expect(shrinking / firmSize.size).toBeGreaterThan(0.05);
  });

  it('AUM is log-normal-ish and clients grow with AUM', () => {
    const aum = snaps.filter((r) => r.aum !== null).map((r) => Math.log(r.aum as number));
    const mean = aum.reduce((s, x) => s + x, 0) / aum.length;
    const sd = Math.sqrt(aum.reduce((s, x) => s + (x - mean) ** 2, 0) / aum.length);
    expect(Math.exp(mean)).toBeGreaterThan(15e6);
    expect(Math.exp(mean)).toBeLessThan(150e6);
    expect(sd).toBeGreaterThan(0.7);
    expect(sd).toBeLessThan(1.8);
    const pairs = snaps.filter((r) => r.aum !== null && r.num_clients !== null);
    const big = pairs.filter((r) => (r.aum as number) > 200e6);
    const smallBooks = pairs.filter((r) => (r.aum as number) < 20e6);
    const meanClients = (xs: typeof pairs) =>
      xs.reduce((s, r) => s + (r.num_clients as number), 0) / xs.length;
    expect(meanClients(big)).toBeGreaterThan(3 * meanClients(smallBooks));
  });
});

describe('generateDiscoveryWorld: vendor gaps', () => {
  it('some reps miss some quarters, every rep keeps at least one snapshot, some current rows are stale', () => {
    const w = generateDiscoveryWorld({ reps: 1000, quarters: 8, leads: 500, seed: 2 });
    expect(w.truth.missingSnapshots).toBeGreaterThan(0);
    expect(w.repSnapshots.numRows).toBe(1000 * 8 - w.truth.missingSnapshots);
    expect(w.repCurrent.numRows).toBe(1000);
    const dates = w.repCurrent.getChild('snapshot_date')!;
    let stale = 0;
    for (let i = 0; i < 1000; i++) if (Number(dates.get(i)) < Date.parse('2024-12-31')) stale++;
    expect(stale).toBeGreaterThan(0);
    expect(stale).toBeLessThan(100);
    for (const name of ['aum', 'metro', 'years_at_firm', 'has_cfp']) {
      expect(w.repSnapshots.getChild(name)!.nullCount).toBeGreaterThan(0);
    }
  });

  it('gapRate 0 and nullRate 0 give complete data except the structural custodian nulls', () => {
    const w = generateDiscoveryWorld({
      reps: 500,
      quarters: 6,
      leads: 300,
      seed: 2,
      gapRate: 0,
      nullRate: 0,
    });
    expect(w.truth.missingSnapshots).toBe(0);
    expect(w.repSnapshots.numRows).toBe(3000);
    for (const name of SNAPSHOT_COLUMNS) {
      if (name !== 'custodian') expect(w.repSnapshots.getChild(name)!.nullCount).toBe(0);
    }
    const type = w.repSnapshots.getChild('firm_type')!;
    const custodian = w.repSnapshots.getChild('custodian')!;
    for (let i = 0; i < w.repSnapshots.numRows; i++) {
      const hasCustodian = ['ria', 'independent_bd'].includes(String(type.get(i)));
      expect(custodian.get(i) !== null).toBe(hasCustodian);
    }
  });
});

describe('generateDiscoveryWorld: options', () => {
  const thrown = (opts: unknown): LeadscoreError => {
    try {
      generateDiscoveryWorld(opts as Parameters<typeof generateDiscoveryWorld>[0]);
    } catch (error) {
      expect(error).toBeInstanceOf(LeadscoreError);
      expect((error as LeadscoreError).code).toBe('INVALID_ARGUMENT');
      return error as LeadscoreError;
    }
    throw new Error('expected an error');
  };
  const message = (opts: unknown): string => thrown(opts).message;

  // One bad value per option: the issue's code, path and value (the value is the one passed).
  const cases: [string, unknown, string][] = [
    ['reps', 0, 'too_small'],
    ['reps', 100.5, 'invalid_type'],
    ['reps', 2_000_001, 'too_big'],
    ['quarters', 2, 'too_small'],
    ['leads', -3, 'too_small'],
    ['seed', 1.5, 'invalid_type'],
    ['firms', 3, 'too_small'],
    ['firstQuarterEnd', '2023-03-30', 'invalid_format'],
    ['labelHorizonDays', 0, 'too_small'],
    ['baseRate', 0.9, 'too_big'],
    ['signalStrength', Number.NaN, 'invalid_type'],
    ['gapRate', 1, 'too_big'],
    ['nullRate', -0.1, 'too_small'],
    ['leakageTrap', 'yes', 'invalid_type'],
    ['recruiterFirmId', 'F0001', 'reserved_firm_id'],
    ['recruiterFirmId', "x'; drop", 'invalid_format'],
    ['rep', 10, 'unrecognized_key'],
  ];
  it.each(cases)('options.%s = %o -> %s', (key, value, code) => {
    const error = thrown({ [key]: value });
    expect(error).toBeInstanceOf(ValidationError);
    const issues = (error as ValidationError).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code, path: [key] });
    expect(issues[0]!.value).toStrictEqual(code === 'unrecognized_key' ? key : value);
    expect(error.message.startsWith(`options.${key}`)).toBe(true);
  });

  it('reports every bad option at once; firms above reps is too_big', () => {
    const error = thrown({ reps: 'many', quarters: 1, colour: 'red' }) as ValidationError;
    expect(error.issues.map((i) => [i.code, i.path.join('.')])).toEqual([
      ['invalid_type', 'reps'],
      ['too_small', 'quarters'],
      ['unrecognized_key', 'colour'],
    ]);
    expect((thrown({ reps: 10, firms: 11 }) as ValidationError).issues).toMatchObject([
      { code: 'too_big', path: ['firms'], value: 11 },
    ]);
  });

  it('rejects bad options with messages naming the option and quoting the value', () => {
    expect(message({ reps: 0 })).toMatchInlineSnapshot(
      `"options.reps: must be an integer in [10, 2000000], found 0"`,
    );
    expect(message({ reps: 100.5 })).toMatchInlineSnapshot(
      `"options.reps: must be an integer in [10, 2000000], found 100.5"`,
    );
    expect(message({ quarters: 2 })).toMatchInlineSnapshot(
      `"options.quarters: must be an integer in [3, 80], found 2"`,
    );
    expect(message({ leads: -3 })).toMatchInlineSnapshot(
      `"options.leads: must be an integer in [1, 5000000], found -3"`,
    );
    expect(message({ seed: 1.5 })).toMatchInlineSnapshot(`"options.seed: must be a safe integer, found 1.5"`);
    expect(message({ firms: 3 })).toMatchInlineSnapshot(`"options.firms: must be an integer >= 6, found 3"`);
    expect(message({ reps: 10, firms: 11 })).toMatchInlineSnapshot(
      `"options.firms: must be an integer in [6, reps = 10], found 11"`,
    );
    expect(message({ firstQuarterEnd: '2023-03-30' })).toMatchInlineSnapshot(
      `"options.firstQuarterEnd: must be a quarter-end date 'YYYY-MM-DD' (03-31, 06-30, 09-30 or 12-31), found "2023-03-30""`,
    );
    expect(message({ firstQuarterEnd: new Date('2023-03-31T12:00:00Z') })).toMatchInlineSnapshot(
      `"options.firstQuarterEnd: must be a quarter-end date 'YYYY-MM-DD' (03-31, 06-30, 09-30 or 12-31), found 2023-03-31T12:00:00.000Z"`,
    );
    expect(message({ labelHorizonDays: 0 })).toMatchInlineSnapshot(
      `"options.labelHorizonDays: must be an integer in [1, 365], found 0"`,
    );
    expect(message({ baseRate: 0.9 })).toMatchInlineSnapshot(
      `"options.baseRate: must be a finite number in [0.001, 0.5], found 0.9"`,
    );
    expect(message({ signalStrength: Number.NaN })).toMatchInlineSnapshot(
      `"options.signalStrength: must be a finite number in [0, 5], found NaN"`,
    );
    expect(message({ gapRate: 1 })).toMatchInlineSnapshot(
      `"options.gapRate: must be a finite number in [0, 0.9], found 1"`,
    );
    expect(message({ nullRate: -0.1 })).toMatchInlineSnapshot(
      `"options.nullRate: must be a finite number in [0, 0.3], found -0.1"`,
    );
    expect(message({ leakageTrap: 'yes' })).toMatchInlineSnapshot(
      `"options.leakageTrap: must be a boolean, found "yes""`,
    );
    expect(message({ recruiterFirmId: 'F0001' })).toMatchInlineSnapshot(
      `"options.recruiterFirmId: must not be a generated firm id (F0001, ...), found "F0001""`,
    );
    expect(message({ recruiterFirmId: "x'; drop" })).toMatchInlineSnapshot(
      `"options.recruiterFirmId: must be a string matching /^[A-Za-z0-9_-]{1,64}$/, found "x'; drop""`,
    );
    expect(message({ rep: 10 })).toMatchInlineSnapshot(`"options.rep is not a known option, found "rep""`);
    expect(message({ reps: 10, leads: 300, baseRate: 0.2, quarters: 4 })).toMatchInlineSnapshot(
      `"leads must leave enough reps to contact: only 43 of 870 drawn contacts were usable because converted reps are not contacted again, found leads = 300; lower leads or baseRate, or raise reps"`,
    );
    expect(message(null)).toMatchInlineSnapshot(
      `"options: invalid input: expected object, received null, found null"`,
    );
  });

  it('keeps its invariants for any small option set (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          reps: fc.integer({ min: 10, max: 120 }),
          quarters: fc.integer({ min: 3, max: 10 }),
          leads: fc.integer({ min: 1, max: 60 }),
          seed: fc.integer({ min: -1000, max: 1000 }),
          gapRate: fc.double({ min: 0, max: 0.9, noNaN: true }),
          nullRate: fc.double({ min: 0, max: 0.3, noNaN: true }),
          labelHorizonDays: fc.integer({ min: 1, max: 90 }),
        }),
        (opts) => {
          const w = generateDiscoveryWorld(opts);
          expect(w.repSnapshots.numRows).toBe(opts.reps * opts.quarters - w.truth.missingSnapshots);
          expect(w.repCurrent.numRows).toBe(opts.reps);
          expect(w.leads.numRows).toBe(opts.leads);
          for (const p of w.truth.probability) {
            expect(p).toBeGreaterThan(0);
            expect(p).toBeLessThan(1);
          }
          const dates = w.repSnapshots.getChild('snapshot_date')!;
          for (let i = 0; i < w.repSnapshots.numRows; i++)
            expect(isQuarterEnd(Number(dates.get(i)))).toBe(true);
          const off = generateDiscoveryWorld({ ...opts, leakageTrap: false });
          expect(Array.from(off.truth.probability)).toEqual(Array.from(w.truth.probability));
        },
      ),
      { seed: 7, numRuns: 30 },
    );
  });

  it('accepts a quarter-end Date and other quarter ends (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1990, max: 2100 }), fc.integer({ min: 0, max: 3 }), (year, k) => {
        const md = [
          [3, 31],
          [6, 30],
          [9, 30],
          [12, 31],
        ][k]!;
        const w = generateDiscoveryWorld({
          reps: 10,
          quarters: 3,
          leads: 5,
          firstQuarterEnd: new Date(Date.UTC(year, md[0]! - 1, md[1]!)),
        });
        const ends = ['03-31', '06-30', '09-30', '12-31'];
        expect(w.truth.params.firstQuarterEnd.slice(0, 4)).toBe(String(year));
        expect(ends).toContain(w.truth.params.dataEndDate.slice(5));
        const [y2, m2] = w.truth.params.dataEndDate.split('-').map(Number);
        expect((y2! - year) * 12 + m2! - md[0]!).toBe(6);
      }),
      { seed: 42, numRuns: 25 },
    );
  });
});
