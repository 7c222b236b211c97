import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LeadscoreError, SNAPSHOT_COLUMNS, ValidationError } from '@leadscore/core';
import { averagePrecision } from '@leadscore/core/metrics';
import { makeVector, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableToCsv } from '../src/csv.js';
import { generateDiscoveryWorld, summarizeWorld, writeDiscoveryWorld } from '../src/index.js';

const DAY = 86_400_000;
const world = generateDiscoveryWorld({ reps: 500, quarters: 8, leads: 800, seed: 17 });
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'leadscore-world-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const parseCsv = (text: string): string[][] =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => line.split(','));

describe('tableToCsv', () => {
  it('quotes what needs quoting, leaves nulls empty and writes ISO dates and timestamps', () => {
    const table = new Table({
      name: vectorFromArray(['plain', 'a,b', 'say "hi"', null, 'line\nbreak', 'Zürich'], new Utf8()),
      dict: vectorFromArray(['x', 'y', 'x', 'z', null, 'y']),
      n: vectorFromArray([1.5, -2, 0.1, null, 1e21, 3]),
      ok: vectorFromArray([true, false, null, true, false, true]),
    });
    expect(new TextDecoder().decode(tableToCsv(table))).toBe(
      'name,dict,n,ok\n' +
        'plain,x,1.5,true\n' +
        '"a,b",y,-2,false\n' +
        '"say ""hi""",x,0.1,\n' +
        ',z,,true\n' +
        '"line\nbreak",,1e+21,false\n' +
        'Zürich,y,3,true\n',
    );
    const dated = world.leads.slice(0, 2);
    const lines = new TextDecoder().decode(tableToCsv(dated)).split('\n');
    expect(lines[1]).toMatch(
      /^L0000001,R\d{6},\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z,(true|false),[^,]*,[a-z_]+$/,
    );
    const snap = new TextDecoder().decode(tableToCsv(world.repSnapshots.slice(0, 1))).split('\n')[1]!;
    expect(snap.split(',')[1]).toBe('2023-03-31');
  });

  it('serialises a sliced table from its offset', () => {
    const full = new Table({
      x: makeVector(Int32Array.from([1, 2, 3, 4])),
      s: vectorFromArray(['a', 'b', null, 'd'], new Utf8()),
    });
    expect(new TextDecoder().decode(tableToCsv(full.slice(1, 4)))).toBe('x,s\n2,b\n3,\n4,d\n');
  });
});

describe('writeDiscoveryWorld', () => {
  it('writes CSV files that match the tables, plus truth and world.json, with no temp files left', async () => {
    const out = join(dir, 'csv');
    const result = await writeDiscoveryWorld(world, out);
    expect(result.format).toBe('csv');
    expect((await readdir(out)).sort()).toEqual([
      'leads.csv',
      'rep_current.csv',
      'rep_snapshots.csv',
      'truth.csv',
      'world.json',
    ]);
    const snaps = parseCsv(await readFile(result.files.repSnapshots, 'utf8'));
    expect(snaps[0]).toEqual([...SNAPSHOT_COLUMNS]);
    expect(snaps.length - 1).toBe(world.repSnapshots.numRows);
    const aum = world.repSnapshots.getChild('aum')!;
    const aumCol = SNAPSHOT_COLUMNS.indexOf('aum');
    for (let i = 0; i < world.repSnapshots.numRows; i += 97) {
      const cell = snaps[i + 1]![aumCol]!;
      expect(cell === '' ? null : Number(cell)).toBe(aum.get(i));
    }
    const current = parseCsv(await readFile(result.files.repCurrent, 'utf8'));
    expect(current.length - 1).toBe(500);
    const leads = parseCsv(await readFile(result.files.leads, 'utf8'));
    expect(leads[0]).toEqual([
      'lead_id',
      'rep_id',
      'contacted_at',
      'converted',
      'converted_at',
      'lead_source',
    ]);
    const contacted = world.leads.getChild('contacted_at')!;
    for (let i = 0; i < 800; i += 53) expect(Date.parse(leads[i + 1]![2]!)).toBe(contacted.get(i));
    const truth = parseCsv(await readFile(result.files.truth, 'utf8'));
    expect(truth[0]).toEqual(['lead_id', 'true_probability']);
    expect(truth.slice(1).map((r) => Number(r[1]))).toEqual(Array.from(world.truth.probability));
    expect(truth.slice(1).map((r) => r[0])).toEqual(leads.slice(1).map((r) => r[0]));
    expect(JSON.parse(await readFile(result.files.params, 'utf8'))).toEqual(
      JSON.parse(JSON.stringify(world.truth.params)),
    );
  });

  it('writes byte-identical CSV for the same seed', async () => {
    const hash = async (d: string) => {
      const h = createHash('sha256');
      for (const f of ['rep_snapshots.csv', 'rep_current.csv', 'leads.csv', 'truth.csv', 'world.json']) {
        h.update(await readFile(join(d, f)));
      }
      return h.digest('hex');
    };
    const again = generateDiscoveryWorld({ reps: 500, quarters: 8, leads: 800, seed: 17 });
    await writeDiscoveryWorld(again, join(dir, 'csv2'));
    expect(await hash(join(dir, 'csv2'))).toBe(await hash(join(dir, 'csv')));
  });

  it.each([
    ['format', 'xlsx', 'invalid_value'],
    ['warehouse', { query: () => 1 }, 'custom'],
    ['warehouse', null, 'custom'],
    ['sheet', 'x', 'unrecognized_key'],
  ] as const)('options.%s = %o -> %s', async (key, value, code) => {
    const error = await writeDiscoveryWorld(world, dir, { [key]: value } as never).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    const issues = (error as ValidationError).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code, path: [key] });
    expect(issues[0]!.value).toStrictEqual(code === 'unrecognized_key' ? key : value);
  });

  it('rejects a bad format or directory', async () => {
    const fail = async (p: Promise<unknown>) => {
      const error = await p.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(LeadscoreError);
      expect((error as LeadscoreError).code).toBe('INVALID_ARGUMENT');
      return (error as Error).message;
    };
    expect(await fail(writeDiscoveryWorld(world, dir, { format: 'xlsx' as 'csv' }))).toMatchInlineSnapshot(
      `"options.format: must be 'csv' or 'parquet', found "xlsx""`,
    );
    expect(
      await fail(writeDiscoveryWorld({ ...world, leads: [] } as unknown as typeof world, dir)),
    ).toMatchInlineSnapshot(`"world.leads must be an Arrow Table, found []"`);
    expect(() => summarizeWorld(null as unknown as typeof world)).toThrow(
      'world must be a DiscoveryWorld, found null',
    );
    expect(await fail(writeDiscoveryWorld(world, dir, { format: 'parquet' }))).toMatchInlineSnapshot(
      `"options.warehouse must be a warehouse (DuckDB) for format 'parquet', found undefined"`,
    );
    expect(await fail(writeDiscoveryWorld(world, dir, { warehouse: {} as never }))).toMatchInlineSnapshot(
      `"options.warehouse: must be a warehouse (DuckDB) with createTableFromArrow, found {}"`,
    );
    expect(await fail(writeDiscoveryWorld(world, ''))).toMatchInlineSnapshot(
      `"dir must be a non-empty path, found """`,
    );
  });
});

describe('summarizeWorld', () => {
  it('reports counts, dates, label rate, oracle AUC-PR, null rates and the trap consistently with the tables', () => {
    const s = summarizeWorld(world);
    expect(s.reps).toBe(500);
    expect(s.snapshotRows).toBe(world.repSnapshots.numRows);
    expect(s.snapshotRows + s.missingSnapshots).toBe(500 * 8);
    expect(s.leads).toBe(800);
    expect(s.firstSnapshotDate).toBe('2023-03-31');
    expect(s.dataEndDate).toBe('2024-12-31');
    expect(s.firstContactDate >= '2023-07-01').toBe(true);
    expect(s.lastContactDate <= '2024-12-31').toBe(true);
    // Label rate computed here from the raw columns.
    const c = world.leads.getChild('contacted_at')!;
    const conv = world.leads.getChild('converted')!;
    const at = world.leads.getChild('converted_at')!;
    const end = Date.parse('2024-12-31T00:00:00Z') + DAY - 1;
    const labels: number[] = [];
    const scores: number[] = [];
    for (let i = 0; i < 800; i++) {
      const t = c.get(i) as number;
      if (t + 30 * DAY > end) continue;
      labels.push(conv.get(i) && (at.get(i) as number) <= t + 30 * DAY ? 1 : 0);
      scores.push(world.truth.probability[i]!);
    }
    expect(s.labelledLeads).toBe(labels.length);
    expect(s.openHorizonLeads).toBe(800 - labels.length);
    expect(s.positives).toBe(labels.reduce((a, b) => a + b, 0));
    expect(s.baseRate).toBeCloseTo(s.positives / labels.length, 12);
    expect(s.oracleAucPr).toBeCloseTo(averagePrecision(labels, scores), 12);
    for (const name of SNAPSHOT_COLUMNS) {
      expect(s.nullRates[name]).toBeCloseTo(
        world.repSnapshots.getChild(name)!.nullCount / s.snapshotRows,
        12,
      );
    }
    expect(s.nullRates.rep_id).toBe(0);
    expect(s.nullRates.custodian).toBeGreaterThan(0.2);
    expect(s.leakageTrap.recruiterFirmId).toBe('F_RECRUITER');
    expect(s.leakageTrap.convertedRepsAtRecruiter).toBeGreaterThan(0.5);
    expect(s.leakageTrap.otherRepsAtRecruiter).toBe(0);
  });
});
