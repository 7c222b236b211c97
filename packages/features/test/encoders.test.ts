import { ArtifactError } from '@leadscore/core/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encoderFromJSON, fitOneHotEncoder, fitOrdinalEncoder, fitTargetEncoder } from '../src/index.js';

const roundTrip = <T extends { toJSON(): unknown }>(e: T) =>
  encoderFromJSON(JSON.parse(JSON.stringify(e.toJSON())));

describe('one-hot encoder', () => {
  const values = ['CA', 'NY', 'CA', null, 'TX', 'NY', 'CA', '__missing__', 'WA'];
  const enc = fitOneHotEncoder(values, { name: 'state', topK: 2 });

  it('keeps the top-k levels (ties by level) plus __other__ and __missing__', () => {
    expect(enc.levels).toEqual(['CA', 'NY']);
    expect(enc.columns).toEqual(['state=CA', 'state=NY', 'state=__other__', 'state=__missing__']);
    const tie = fitOneHotEncoder(['b', 'a', 'c', 'c'], { topK: 2 });
    expect(tie.levels).toEqual(['c', 'a']);
  });

  it('transforms to column-major 0/1 columns; unseen levels go to __other__', () => {
    const out = enc.transform(['NY', 'FL', null, 'CA']);
    expect(out.nRows).toBe(4);
    expect(out.nCols).toBe(4);
    expect([...out.data]).toEqual([0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]);
  });

  it('honours minCount and serialises to JSON and back', () => {
    expect(fitOneHotEncoder(values, { minCount: 2 }).levels).toEqual(['CA', 'NY']);
    const back = roundTrip(enc);
    expect(back.toJSON()).toEqual({ type: 'one_hot', version: 1, name: 'state', levels: ['CA', 'NY'] });
    expect([...back.transform(['NY', 'FL']).data]).toEqual([...enc.transform(['NY', 'FL']).data]);
  });

  it('sets exactly one column per row (property, seeded)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.constantFrom('a', 'b', 'c', 'd', '__missing__'), { nil: null }), {
          maxLength: 40,
        }),
        fc.array(fc.option(fc.string({ maxLength: 2 }), { nil: null }), { maxLength: 40 }),
        fc.nat({ max: 5 }),
        (train, test, topK) => {
          const e = fitOneHotEncoder(train, { topK });
          const out = e.transform(test);
          for (let i = 0; i < test.length; i++) {
            let ones = 0;
            for (let j = 0; j < out.nCols; j++) ones += out.data[j * out.nRows + i]!;
            expect(ones).toBe(1);
          }
          expect(e.levels.length).toBeLessThanOrEqual(topK);
        },
      ),
      { seed: 20261126, numRuns: 200 },
    );
  });

  it('validates its input', () => {
    expect(() => fitOneHotEncoder(['a', 3 as never])).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: values[1] must be a string or null, found 3]`,
    );
    expect(() => fitOneHotEncoder(['a'], { topK: -1 })).toThrowErrorMatchingInlineSnapshot(
      `[ValidationError: options.topK: must be an integer >= 0, found -1]`,
    );
  });
});

describe('ordinal encoder', () => {
  it('codes sorted levels; missing and unseen give NaN', () => {
    const enc = fitOrdinalEncoder(['NY', 'CA', null, 'TX', 'CA'], { name: 'state' });
    expect(enc.levels).toEqual(['CA', 'NY', 'TX']);
    expect([...enc.transform(['TX', 'CA', 'FL', null, '__missing__']).data]).toEqual([
      2,
      0,
      Number.NaN,
      Number.NaN,
      Number.NaN,
    ]);
    expect(roundTrip(enc).toJSON()).toEqual(enc.toJSON());
  });
});

describe('target encoder', () => {
  // Hand-computed example: 2 folds given.
  // rows:   a  a  a  b  b  null
  // labels: 1  0  1  0  1  1
  // folds:  0  1  0  1  0  1
  const values = ['a', 'a', 'a', 'b', 'b', null];
  const labels = [1, 0, 1, 0, 1, 1];
  const foldIds = [0, 1, 0, 1, 0, 1];

  it('encodes training rows out of fold with m-estimate smoothing (hand-computed)', () => {
    const { encoder, encoded } = fitTargetEncoder(values, labels, {
      name: 'x',
      folds: 2,
      foldIds,
      smoothing: 2,
    });
    // Fold 0 rows (0, 2, 4) use fold 1 = {a:0, b:0, missing:1}: prior 1/3.
    //   a: (0 + 2/3) / (1 + 2) = 2/9; b: (0 + 2/3) / 3 = 2/9
    // Fold 1 rows (1, 3, 5) use fold 0 = {a:1, a:1, b:1}: prior 1.
    //   a: (2 + 2) / (2 + 2) = 1; b: (1 + 2) / 3 = 1; missing unseen: (0 + 2) / 2 = 1
    const expected = [2 / 9, 1, 2 / 9, 1, 2 / 9, 1];
    [...encoded.data].forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i]!, 6);
    });
    // Full-data encoder: prior 4/6; a: (2 + 2 x 2/3) / 5 = 2/3; b: (1 + 4/3) / 4 = 7/12; missing: (1 + 4/3) / 3 = 7/9
    expect(encoder.prior).toBeCloseTo(2 / 3, 12);
    const t = encoder.transform(['a', 'b', null, 'zzz']).data;
    expect(t[0]).toBeCloseTo(2 / 3, 6);
    expect(t[1]).toBeCloseTo(7 / 12, 6);
    expect(t[2]).toBeCloseTo(7 / 9, 6);
    expect(t[3]).toBeCloseTo(2 / 3, 6);
    expect(encoder.toJSON()).toEqual({
      type: 'target',
      version: 1,
      name: 'x',
      smoothing: 2,
      prior: 4 / 6,
      levels: ['__missing__', 'a', 'b'],
      counts: [1, 3, 2],
      positives: [1, 2, 1],
    });
    expect([...roundTrip(encoder).transform(['a', 'b', null]).data]).toEqual([...t.subarray(0, 3)]);
  });

  it("never lets a row's own label influence its own encoding (property, seeded)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', null), fc.constantFrom(0, 1)), {
          minLength: 6,
          maxLength: 60,
        }),
        fc.nat({ max: 1000 }),
        fc.integer({ min: 2, max: 5 }),
        (rows, seed, folds) => {
          const vals = rows.map((r) => r[0]);
          const ys = rows.map((r) => r[1]);
          const fit = fitTargetEncoder(vals, ys, { seed, folds, smoothing: 3 });
          const i = seed % rows.length;
          const flipped: number[] = ys.slice();
          flipped[i] = 1 - flipped[i]!;
          const refit = fitTargetEncoder(vals, flipped, { foldIds: fit.foldIds, folds, smoothing: 3 });
          expect(refit.encoded.data[i]).toBe(fit.encoded.data[i]);
          // Rows of the same fold never see it; rows of every other fold do (the check is not vacuous).
          for (let r = 0; r < rows.length; r++) {
            if (fit.foldIds[r] === fit.foldIds[i]) expect(refit.encoded.data[r]).toBe(fit.encoded.data[r]);
            else expect(refit.encoded.data[r]).not.toBe(fit.encoded.data[r]);
          }
        },
      ),
      { seed: 20261126, numRuns: 200 },
    );
  });

  it('draws balanced folds from the seed, deterministically', () => {
    const vals = Array.from({ length: 103 }, (_, i) => `l${i % 7}`);
    const ys = vals.map((_, i) => (i % 5 === 0 ? 1 : 0));
    const a = fitTargetEncoder(vals, ys, { seed: 9, folds: 4 });
    const b = fitTargetEncoder(vals, ys, { seed: 9, folds: 4 });
    expect([...a.encoded.data]).toEqual([...b.encoded.data]);
    const sizes = [0, 0, 0, 0];
    for (const f of a.foldIds) sizes[f]! += 1;
    expect(sizes.sort()).toEqual([25, 26, 26, 26]);
    expect([...fitTargetEncoder(vals, ys, { seed: 10, folds: 4 }).foldIds]).not.toEqual([...a.foldIds]);
  });

  it('validates labels, folds and lengths', () => {
    expect(() => fitTargetEncoder(['a', 'b'], [0, 2])).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: labels[1] must be 0 or 1, found 2]`,
    );
    expect(() => fitTargetEncoder(['a', 'b'], [0])).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: labels must have the same length as values (2), found 1]`,
    );
    expect(() =>
      fitTargetEncoder(['a', 'b'], [0, 1], { folds: 2, foldIds: [0, 2] }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: foldIds[1] must be an integer in [0, 1], found 2]`,
    );
    expect(() =>
      fitTargetEncoder(['a', 'b'], [0, 1], { folds: 2, foldIds: [1, 1] }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[DataError: foldIds must use at least 2 folds, found every row in fold 1]`,
    );
  });
});

describe('encoderFromJSON', () => {
  it('refuses invalid state with the path of the first problem', () => {
    expect(() => encoderFromJSON({ type: 'one_hot', version: 1, name: 'x', levels: ['a', 'a'] })).toThrow(
      ArtifactError,
    );
    expect(() =>
      encoderFromJSON({ type: 'one_hot', version: 1, name: 'x', levels: ['a', 'a'] }),
    ).toThrowErrorMatchingInlineSnapshot(`[ArtifactError: encoder.levels: levels must be unique]`);
    expect(() =>
      encoderFromJSON({
        type: 'target',
        version: 1,
        name: 'x',
        smoothing: 1,
        prior: 0.5,
        levels: ['a'],
        counts: [1],
        positives: [2],
      }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[ArtifactError: encoder.positives.0: positives must not exceed counts]`,
    );
    expect(() => encoderFromJSON({ type: 'woe', version: 1 })).toThrow(ArtifactError);
    expect(() => encoderFromJSON({ type: 'ordinal', version: 2, name: 'x', levels: [] })).toThrow(
      ArtifactError,
    );
  });
});
