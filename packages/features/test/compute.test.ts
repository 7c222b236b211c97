import { SchemaError } from '@leadscore/core/errors';
import { createMatrix, selectColumns } from '@leadscore/core/matrix';
import { makeTrainingColumns, makeTrainingTable, toArrowTable } from '@leadscore/test-utils';
import {
  Bool,
  type DataType,
  DateDay,
  Dictionary,
  Float32,
  Float64,
  Int32,
  Int64,
  makeData,
  makeVector,
  Table,
  TimestampMicrosecond,
  TimestampNanosecond,
  TimestampSecond,
  tableFromArrays,
  Uint8,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import {
  categoricalColumn,
  computeFeatures,
  computeFeaturesForRow,
  defineFeature,
  featureColumn,
  featureSet,
  v7Features,
} from '../src/index.js';

const perClient = defineFeature({
  name: 'aum_per_client_x',
  description: 'test',
  group: 'custom',
  kind: 'numeric',
  inputs: ['aum', 'num_clients'],
  businessSignal: true,
  compute: (r) => (r.num_clients === 0 ? Number.NaN : r.aum / r.num_clients),
});
const isBig = defineFeature({
  name: 'is_big',
  description: 'test',
  group: 'custom',
  kind: 'boolean',
  inputs: ['aum'],
  businessSignal: false,
  compute: (r) => (Number.isNaN(r.aum) ? null : r.aum >= 100),
});
const stateCat = defineFeature({
  name: 'state_cat',
  description: 'test',
  group: 'custom',
  kind: 'categorical',
  inputs: ['state'],
  businessSignal: false,
  compute: (r) => r.state,
});
const oldestAum = defineFeature({
  name: 'oldest_aum',
  description: 'test',
  group: 'custom',
  kind: 'numeric',
  history: ['aum'],
  businessSignal: false,
  compute: (_r, h) => h.aum[0]! * 1000 + h.aum[h.aum.length - 1]!,
});

function smallTable(): Table {
  return new Table({
    aum: vectorFromArray([100, 250, null, 0], new Float64()),
    num_clients: vectorFromArray([4, 0, 3, null], new Int32()),
    state: vectorFromArray(['NY', null, 'CA', 'NY'], new Utf8()),
  });
}

describe('computeFeatures', () => {
  it('evaluates column-wise into a column-major Float32 matrix with metadata', () => {
    const m = computeFeatures(smallTable(), featureSet([perClient, isBig, stateCat]));
    expect(m.nRows).toBe(4);
    expect(m.nCols).toBe(3);
    expect(m.values).toBeInstanceOf(Float32Array);
    expect([...featureColumn(m, 'aum_per_client_x')]).toEqual([25, Number.NaN, Number.NaN, Number.NaN]);
    expect([...featureColumn(m, 'is_big')]).toEqual([1, 1, Number.NaN, 0]);
    // Levels sorted, missing explicit.
    expect(m.levels).toEqual([null, null, ['CA', 'NY', '__missing__']]);
    expect([...featureColumn(m, 'state_cat')]).toEqual([1, 2, 0, 1]);
    expect(categoricalColumn(m, 'state_cat')).toEqual(['NY', '__missing__', 'CA', 'NY']);
    expect(m.names).toEqual(['aum_per_client_x', 'is_big', 'state_cat']);
    expect(m.kinds).toEqual(['numeric', 'boolean', 'categorical']);
    expect(m.groups).toEqual(['custom', 'custom', 'custom']);
    expect(m.businessSignal).toEqual([true, false, false]);
    expect(Object.isFrozen(m)).toBe(true);
  });

  it('gives temporal features the history oldest first (q7 first, q0 last), NaN where missing', () => {
    const cols: Record<string, unknown[]> = {};
    for (let k = 0; k < 8; k++) cols[`aum_q${k}`] = [k + 1, k === 7 ? null : k + 1];
    const table = tableFromArrays(
      Object.fromEntries(
        Object.entries(cols).map(([k, v]) => [k, v.map((x) => (x === null ? Number.NaN : x))]),
      ),
    );
    const m = computeFeatures(table, featureSet([oldestAum]));
    // row 0: q7 = 8, q0 = 1 -> 8 * 1000 + 1; row 1: q7 missing -> NaN
    expect([...m.values]).toEqual([8001, Number.NaN]);
  });

  it('reads Int64, dictionary-encoded strings, multi-chunk and sliced tables like plain columns', () => {
    const a = smallTable();
    const doubled = a.concat(a.slice(1, 3));
    const m = computeFeatures(doubled, featureSet([perClient, isBig, stateCat]));
    expect(m.nRows).toBe(6);
    expect(categoricalColumn(m, 'state_cat')).toEqual(['NY', '__missing__', 'CA', 'NY', '__missing__', 'CA']);
    expect([...featureColumn(m, 'is_big')]).toEqual([1, 1, Number.NaN, 0, 1, Number.NaN]);
    const dict = new Table({
      aum: vectorFromArray([100n, null, 7n], new Int64()),
      num_clients: vectorFromArray([4, 1, 7], new Int32()),
      state: vectorFromArray(['TX', null, 'TX'], new Dictionary(new Utf8(), new Int32())),
    });
    const md = computeFeatures(dict, featureSet([perClient, stateCat]));
    expect([...featureColumn(md, 'aum_per_client_x')]).toEqual([25, Number.NaN, 1]);
    expect(categoricalColumn(md, 'state_cat')).toEqual(['TX', '__missing__', 'TX']);
  });

  it('interns many distinct (and non-ASCII) strings exactly', () => {
    const levels = Array.from({ length: 5000 }, (_, i) => (i % 3 === 0 ? `état-${i}-é` : `s${i}`));
    const rows = [...levels, ...levels.slice(0, 100), null];
    const table = new Table({ state: vectorFromArray(rows, new Utf8()) });
    const m = computeFeatures(table, featureSet([stateCat]));
    expect(categoricalColumn(m, 'state_cat')).toEqual(rows.map((r) => r ?? '__missing__'));
    expect(m.levels[0]).toHaveLength(5001);
  });

  it('reads dates and DuckDB-style timestamps (micro/nano/second units) as epoch ms', () => {
    const echo = (name: string) =>
      defineFeature({
        name: `echo_${name}`,
        description: 'echoes an input',
        group: 'custom',
        kind: 'numeric',
        inputs: [name],
        businessSignal: false,
        compute: (r) => (r as Record<string, number>)[name]!,
      });
    const ms = Date.UTC(2024, 2, 31, 12, 30);
    // Raw buffers, as the DuckDB warehouse builds them; bit 0 set = row 0 valid.
    const raw = (type: DataType, data: ArrayLike<number | bigint>, nullBitmap = Uint8Array.of(0b11)) =>
      makeVector(
        makeData({ type, length: 2, nullCount: nullBitmap[0] === 0b11 ? 0 : 1, nullBitmap, data } as never),
      );
    const table = new Table({
      us: raw(new TimestampMicrosecond(), BigInt64Array.of(BigInt(ms) * 1000n, 5n), Uint8Array.of(0b01)),
      ns: raw(new TimestampNanosecond(), BigInt64Array.of(BigInt(ms) * 1_000_000n, 0n)),
      s: raw(new TimestampSecond(), BigInt64Array.of(BigInt(ms / 1000 - 30), 1n)),
      d: raw(new DateDay(), Int32Array.of(Date.UTC(2024, 2, 31) / 86_400_000, 3), Uint8Array.of(0b01)),
      f32: raw(new Float32(), Float32Array.of(0.5, 9), Uint8Array.of(0b01)),
      u8: raw(new Uint8(), Uint8Array.of(255, 0)),
    });
    const m = computeFeatures(table, featureSet(['us', 'ns', 's', 'd', 'f32', 'u8'].map(echo)));
    expect([...featureColumn(m, 'echo_us')]).toEqual([Math.fround(ms), Number.NaN]);
    expect([...featureColumn(m, 'echo_ns')]).toEqual([Math.fround(ms), 0]);
    expect([...featureColumn(m, 'echo_s')]).toEqual([Math.fround(ms - 30_000), 1000]);
    expect([...featureColumn(m, 'echo_d')]).toEqual([Math.fround(Date.UTC(2024, 2, 31)), Number.NaN]);
    expect([...featureColumn(m, 'echo_f32')]).toEqual([0.5, Number.NaN]);
    expect([...featureColumn(m, 'echo_u8')]).toEqual([255, 0]);
  });

  it('names the missing column and the feature that needs it', () => {
    const table = tableFromArrays({ aum: Float64Array.of(1) });
    expect(() => computeFeatures(table, featureSet([perClient]))).toThrow(SchemaError);
    expect(() => computeFeatures(table, featureSet([perClient]))).toThrowErrorMatchingInlineSnapshot(
      `[SchemaError: num_clients: column is missing from the table, required by feature "aum_per_client_x"]`,
    );
    expect(() => computeFeatures(table, featureSet([oldestAum]))).toThrowErrorMatchingInlineSnapshot(
      `[SchemaError: aum_q0: column is missing from the table, required by feature "oldest_aum"]`,
    );
  });

  it('refuses columns whose Arrow type does not fit the declared input type', () => {
    const table = new Table({ state: vectorFromArray([true], new Bool()) });
    expect(() => computeFeatures(table, featureSet([stateCat]))).toThrowErrorMatchingInlineSnapshot(
      `[SchemaError: state: column has Arrow type Bool, but feature "state_cat" reads it as a string]`,
    );
    const ints = new Table({ state: vectorFromArray([1, 2], new Dictionary(new Int32(), new Int32())) });
    expect(() => computeFeatures(ints, featureSet([stateCat]))).toThrowErrorMatchingInlineSnapshot(
      `[SchemaError: state: column has Arrow type Dictionary<Int32, Int32>, but feature "state_cat" reads it as a string]`,
    );
  });

  it('rejects values of the wrong kind from compute, and infinities', () => {
    const bad = defineFeature({
      name: 'bad',
      description: 'returns a string from a numeric feature',
      group: 'custom',
      kind: 'numeric',
      inputs: ['aum'],
      businessSignal: false,
      compute: (r) => (r.aum > 200 ? ('big' as unknown as number) : r.aum),
    });
    expect(() => computeFeatures(smallTable(), featureSet([bad]))).toThrowErrorMatchingInlineSnapshot(
      `[DataError: feature "bad" returned "big" at row 1; numeric features return a finite Float32 number, NaN or null]`,
    );
    const inf = defineFeature({
      name: 'inf',
      description: 'divides by AUM',
      group: 'custom',
      kind: 'numeric',
      inputs: ['aum'],
      businessSignal: false,
      compute: (r) => 1 / r.aum,
    });
    expect(() => computeFeatures(smallTable(), featureSet([inf]))).toThrowErrorMatchingInlineSnapshot(
      `[DataError: feature "inf" returned Infinity at row 3; numeric features return a finite Float32 number, NaN or null]`,
    );
  });

  it('computes the full catalog on the dataset builder shape, deterministically', () => {
    const table = makeTrainingTable(300, { seed: 3 });
    const a = computeFeatures(table, v7Features);
    const b = computeFeatures(makeTrainingTable(300, { seed: 3 }), v7Features);
    expect(a.nCols).toBe(42);
    expect(Buffer.from(a.values.buffer).equals(Buffer.from(b.values.buffer))).toBe(true);
    expect(a.levels).toEqual(b.levels);
    // Bands and flags only take their documented values.
    const values = (name: string) =>
      new Set([...featureColumn(a, name)].map((v) => (Number.isNaN(v) ? 'NaN' : v)));
    expect([...values('career_stage')].sort()).toEqual([0, 1, 2, 3, 4, 'NaN']);
    expect([...values('book_size_band')].every((v) => v === 'NaN' || (v >= 0 && v <= 6))).toBe(true);
    expect([...values('in_move_window')].sort()).toEqual([0, 1, 'NaN']);
    expect(a.levels[a.names.indexOf('firm_type')]).toContain('__missing__');
  });

  it('handles empty tables and shorter histories (features needing older quarters are missing)', () => {
    const empty = computeFeatures(makeTrainingTable(3).slice(0, 0), v7Features);
    expect(empty.nRows).toBe(0);
    expect(empty.values).toHaveLength(0);
    const cols = makeTrainingColumns(20, { seed: 2, quarters: 4 });
    const m = computeFeatures(toArrowTable(cols), v7Features, { historyQuarters: 4 });
    expect([...featureColumn(m, 'aum_growth_4q')].every(Number.isNaN)).toBe(true);
    // aum_growth_8q compares q0 with the oldest quarter of the window, here q3.
    const i = cols.aum_q3!.findIndex(
      (v, r) => typeof v === 'number' && v > 0 && typeof cols.aum_q0![r] === 'number',
    );
    expect(featureColumn(m, 'aum_growth_8q')[i]).toBeCloseTo(
      (cols.aum_q0![i] as number) / (cols.aum_q3![i] as number) - 1,
      5,
    );
  });

  it('validates the history length option', () => {
    expect(() =>
      computeFeatures(smallTable(), featureSet([perClient]), { historyQuarters: 0 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[ValidationError: options.historyQuarters: must be an integer in [1, 64], found 0]`,
    );
  });
});

describe('computeFeaturesForRow', () => {
  it('matches the batch row, categoricals as levels and numbers as stored Float32 values', () => {
    const cols = makeTrainingColumns(50, { seed: 11, nullRate: 0.2 });
    const table = toArrowTable(cols);
    const m = computeFeatures(table, v7Features);
    for (const i of [0, 7, 49]) {
      const record = Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, v[i]]));
      const row = computeFeaturesForRow(record, v7Features);
      m.names.forEach((name, j) => {
        const v = m.values[j * m.nRows + i]!;
        expect(row[name]).toEqual(m.levels[j] ? m.levels[j]![v] : v);
      });
    }
  });

  it('accepts Dates, bigints and undefined, and names a missing input column', () => {
    const row = computeFeaturesForRow(
      { aum: 100n, num_clients: 3, state: undefined },
      featureSet([perClient, stateCat]),
    );
    expect(row).toEqual({ aum_per_client_x: Math.fround(100 / 3), state_cat: '__missing__' });
    expect(() =>
      computeFeaturesForRow({ aum: 1 }, featureSet([perClient])),
    ).toThrowErrorMatchingInlineSnapshot(
      `[SchemaError: num_clients: column is missing from the record, required by feature "aum_per_client_x"]`,
    );
    expect(() =>
      computeFeaturesForRow({ aum: '12', num_clients: 1 }, featureSet([perClient])),
    ).toThrowErrorMatchingInlineSnapshot(`[DataError: aum must be a number or null, found "12"]`);
  });

  it('treats column names like constructor or toString as ordinary inputs, not prototype members', () => {
    const odd = defineFeature({
      name: 'odd_names',
      description: 'constructor + toString',
      group: 'custom',
      kind: 'numeric',
      businessSignal: false,
      inputs: ['constructor', 'toString'],
      compute: (row) => (row.constructor as number) + (row.toString as number),
    });
    expect(computeFeaturesForRow({ constructor: 2, toString: 3 }, featureSet([odd]))).toEqual({
      odd_names: 5,
    });
    expect(() => computeFeaturesForRow({ constructor: 2 }, featureSet([odd]))).toThrow(
      /^toString: column is missing from the record/,
    );
  });
});

describe('the feature matrix is a core Matrix', () => {
  const m = computeFeatures(smallTable(), featureSet([perClient, isBig, stateCat]));
  it('is accepted by createMatrix as is: values, names, kinds and levels agree', () => {
    const core = createMatrix(m.values, m.nRows, m.names, { kinds: m.kinds, levels: m.levels });
    expect(core.values).toBe(m.values);
    expect(core.nCols).toBe(3);
  });
  it('drops categorical columns with selectColumns, keeping the feature columns in order', () => {
    const dropped = selectColumns(m, ['aum_per_client_x', 'is_big']);
    expect(dropped).toMatchObject({
      nRows: 4,
      nCols: 2,
      names: ['aum_per_client_x', 'is_big'],
    });
    expect([...dropped.values]).toEqual([25, Number.NaN, Number.NaN, Number.NaN, 1, 1, Number.NaN, 0]);
  });
  it('rejects an unknown column name', () => {
    expect(() => featureColumn(m, 'nope')).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: name must be a column of the feature matrix, found "nope"; columns: aum_per_client_x, is_big, state_cat]`,
    );
  });
});
