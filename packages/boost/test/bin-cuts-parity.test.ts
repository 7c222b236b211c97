import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromRows } from '@leadscore/core/matrix';
import { describe, expect, it } from 'vitest';
import { fitBinMapper } from '../src/data/bin-mapper.js';
import { FIXTURES } from './model-fixtures.js';

// Made by fixtures/make_cut_parity.py with XGBoost 1.7.4: every split_condition of many deep hist trees
// on each column, i.e. the cut points XGBoost uses there.
const meta = JSON.parse(readFileSync(join(FIXTURES, 'cut_parity.json'), 'utf8')) as {
  nRows: number;
  nCols: number;
  columns: string[];
  distinct: number[];
  thresholds: number[][];
};
const raw = readFileSync(join(FIXTURES, 'cut_parity_data.bin'));
const x = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
const mapper = fitBinMapper(fromRows(x, meta.nRows), { maxBin: 256 });
const cutsOf = (f: number) => Array.from(mapper.cuts.subarray(mapper.cutPtr[f]!, mapper.cutPtr[f + 1]!));

describe('fitBinMapper cuts against XGBoost 1.7.4 hist on skewed and tie-heavy columns', () => {
  // the continuous log-normal has 7240 distinct values: there XGBoost's cuts come from its streaming
  // sketch (approximate quantiles), which ours reproduces
  for (const name of meta.columns) {
    it(`${name}: every threshold XGBoost split at is one of our cuts`, () => {
      const f = meta.columns.indexOf(name);
      const ours = new Set(cutsOf(f));
      const missing = meta.thresholds[f]!.filter((t) => !ours.has(t));
      expect(missing).toEqual([]);
      expect(meta.thresholds[f]!.length).toBeGreaterThan(1);
    });
  }

  it('with few distinct values the cuts are the distinct values but the minimum, plus the sentinel', () => {
    for (const name of ['halves', 'flag', 'levels_240']) {
      const f = meta.columns.indexOf(name);
      // XGBoost used every cut of these columns, the sentinel included
      // -0 and 0 split alike (which one a cut holds depends on the row order of the ties)
      expect(cutsOf(f).map((v) => v + 0)).toEqual(meta.thresholds[f]!.map((v) => v + 0));
      expect(cutsOf(f)).toHaveLength(meta.distinct[f]!);
    }
  });

  it('the sentinel above the maximum is rounded to float32 once, as XGBoost computes it (count: max 78)', () => {
    const f = meta.columns.indexOf('count');
    const cuts = cutsOf(f);
    // 78 + (78 + 1e-5f) in double, then float32: 156.0000153; rounding the inner sum first gives 156
    expect(cuts[cuts.length - 1]).toBe(156.00001525878906);
    expect(meta.thresholds[f]!.at(-1)).toBe(156.00001525878906);
  });
});
