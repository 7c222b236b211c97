import { averagePrecision, createMatrix } from '@leadscore/core';
import { computeFeatures, defineFeature, featureSet, v7Features } from '@leadscore/features';
import { learningWorldTable } from '@leadscore/test-utils';
import { describe, expect, it } from 'vitest';
import { crossValidate, targetOrderedLevels, temporalFolds, xgbLearner } from '../src/index.js';

/** lead_source is known at contact time; the catalog leaves it to each pipeline (as examples/v7-pipeline). */
const leadSource = defineFeature({
  name: 'lead_source',
  description: 'Channel the lead came from',
  group: 'custom',
  kind: 'categorical',
  businessSignal: true,
  inputs: ['lead_source'],
  inputTypes: { lead_source: 'string' },
  compute: (row) => row.lead_source as string | null,
});

const DAY_MS = 86_400_000;

/** A timestamp column as epoch ms, whatever its Arrow unit (DuckDB returns microseconds). */
function epochMs(column: { type: unknown; toArray(): unknown }): Float64Array {
  const unit = (column.type as { unit?: number }).unit ?? 1;
  const perMs = [1 / 1000, 1, 1000, 1_000_000][unit]!;
  return Float64Array.from(column.toArray() as ArrayLike<number | bigint>, (v) => Number(v) / perMs);
}

type WorldTable = Awaited<ReturnType<typeof learningWorldTable>>;

/** Each table row's true probability, looked up by lead_id (the table drops open-horizon leads). */
function truthOfRows({ world, table }: WorldTable): Float64Array {
  const truth = new Map<string, number>();
  for (const [i, id] of (world.leads.getChild('lead_id')!.toArray() as string[]).entries()) {
    truth.set(id, world.truth.probability[i]!);
  }
  return Float64Array.from(table.getChild('lead_id')!.toArray() as string[], (id) => truth.get(id)!);
}

/** The planted terms of one training-table row; NaN where an input is null. */
interface PlantedTerms {
  tenureWindow: number;
  /** 1 for a decline >= 10 %, 0.5 for 3-10 %, 0 otherwise. */
  firmDecline: number;
  /** 1 in the $50M-$500M sweet spot, -1 below $10M, 0 otherwise. */
  aumBand: number;
  /** Index in the world's firm-type list. */
  firmType: number;
  dualRegistered: number;
  growthSlowdown: number;
  /** Index in the world's lead-source list. */
  leadSource: number;
}

/**
 * Reads the world's planted terms (world README, "The planted signal") from the point-in-time table:
 * pointInTime columns at contact, history q_k the snapshot k quarter ends before the anchor. The world
 * counts quarters back from its first snapshot: a contact in quarter q < 4 compares with quarter
 * max(0, q - 4) (and max(0, q - 2)), so the terms read history q_min(4, q) and q_min(2, q).
 */
function plantedTerms({ world, table }: WorldTable): PlantedTerms[] {
  const { params } = world.truth;
  const first = new Date(`${params.firstQuarterEnd}T00:00:00Z`);
  // quarter end k (epoch day): the day before the first of month first + 3k + 1
  const quarterEnds = Array.from(
    { length: params.quarters },
    (_, k) => Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 3 * k + 1, 0) / DAY_MS,
  );
  const firmTypes = Object.keys(params.signal.firmType);
  const sources = Object.keys(params.signal.leadSource);
  const times = epochMs(table.getChild('contacted_at')!);
  const col = (name: string) => table.getChild(name)!;
  const num = (name: string, i: number): number => {
    const v = col(name).get(i) as number | null;
    return v === null ? Number.NaN : v;
  };
  const nanIfNull = (v: unknown, x: number) => (v === null ? Number.NaN : x);
  return Array.from({ length: table.numRows }, (_, i) => {
    const day = Math.floor(times[i]! / DAY_MS);
    let q = quarterEnds.length - 1;
    while (quarterEnds[q]! > day) q--;
    const k4 = Math.min(4, q);
    const k2 = Math.min(2, q);
    const yaf = num('years_at_firm', i);
    const decline = 1 - num('firm_rep_count_q0', i) / num(`firm_rep_count_q${k4}`, i);
    const aum = num('aum', i);
    const recent = Math.log(num('aum_q0', i) / num(`aum_q${k2}`, i));
    const prior = Math.log(num(`aum_q${k2}`, i) / num(`aum_q${k4}`, i));
    const type = col('firm_type').get(i) as string | null;
    const registration = col('registration_type').get(i) as string | null;
    return {
      tenureWindow: nanIfNull(Number.isNaN(yaf) ? null : yaf, yaf >= 3 && yaf <= 7 ? 1 : 0),
      firmDecline:
        k4 === 0 ? 0 : Number.isNaN(decline) ? Number.NaN : decline >= 0.1 ? 1 : decline >= 0.03 ? 0.5 : 0,
      aumBand: Number.isNaN(aum) ? Number.NaN : aum >= 50e6 && aum <= 500e6 ? 1 : aum < 10e6 ? -1 : 0,
      firmType: nanIfNull(type, firmTypes.indexOf(type!)),
      dualRegistered: nanIfNull(registration, registration === 'DUAL' ? 1 : 0),
      growthSlowdown:
        k4 <= k2 ? 0 : Number.isNaN(prior - recent) ? Number.NaN : prior - recent > 0.08 ? 1 : 0,
      leadSource: sources.indexOf(col('lead_source').get(i) as string),
    };
  });
}

describe('the point-in-time table carries the planted signal', () => {
  it('on a world without gaps and nulls, the truth recomputed from the built table is exact for every lead', async () => {
    // Answers "is the join off by a quarter?": the terms read from the table's pointInTime and history
    // columns must give back every lead's true probability.
    const wt = await learningWorldTable({
      seed: 3,
      reps: 2500,
      quarters: 10,
      leads: 3000,
      gapRate: 0,
      nullRate: 0,
    });
    const { params } = wt.world.truth;
    const s = params.signal;
    const firmTypeEffect = Object.values(s.firmType);
    const sourceEffect = Object.values(s.leadSource);
    const truth = truthOfRows(wt);
    const terms = plantedTerms(wt);
    let maxDiff = 0;
    for (const [i, t] of terms.entries()) {
      const x =
        s.tenureWindow * t.tenureWindow +
        s.firmDecline * t.firmDecline +
        (t.aumBand > 0 ? s.aumSweetSpot : t.aumBand < 0 ? s.aumSmall : 0) +
        firmTypeEffect[t.firmType]! +
        s.dualRegistered * t.dualRegistered +
        s.growthSlowdown * t.growthSlowdown +
        sourceEffect[t.leadSource]!;
      maxDiff = Math.max(maxDiff, Math.abs(1 / (1 + Math.exp(-(params.intercept + x))) - truth[i]!));
    }
    expect(terms.length).toBeGreaterThan(2800);
    // every rep has every quarter here, so the point-in-time snapshot is the anchor quarter's
    const pit = wt.table.getChild('pit_snapshot_date')!.toArray() as ArrayLike<number>;
    const anchor = wt.table.getChild('history_snapshot_date_q0')!.toArray() as ArrayLike<number>;
    expect(Array.from(pit, Number)).toEqual(Array.from(anchor, Number));
    expect(maxDiff).toBeLessThan(1e-12);
  }, 60_000);
});

describe('crossValidate on the synthetic discovery world', () => {
  it('point-in-time V7 features, 5 temporal folds: CV AUC-PR >= 0.9 x the oracle on the same folds', async () => {
    // every group point-in-time: current-policy columns would leak the label (the world's trap).
    // 100k leads: fold 1 then trains on ~17k leads (~580 positives). At 30k (~5k leads, ~140 positives)
    // the same pipeline reaches 0.88 x, at 60k 0.89-0.95 x across world seeds 1-4 and 11 (README).
    const wt = await learningWorldTable({ seed: 11, reps: 80_000, quarters: 12, leads: 100_000 });
    const { world, table } = wt;
    const matrix = computeFeatures(table, featureSet([v7Features, leadSource]));
    const labels = Uint8Array.from(table.getChild('label')!.toArray() as ArrayLike<number>);
    const times = epochMs(table.getChild('contacted_at')!);
    const truth = truthOfRows(wt);
    const folds = temporalFolds(times, {
      nFolds: 5,
      gapDays: 30,
      labelHorizonDays: world.truth.params.labelHorizonDays,
      labels,
    });
    // The planted log-odds are additive: stumps with column subsampling, fixed rounds. Early stopping on
    // the carved 15 % of a small first fold stops at noise and takes the latest rows out of the fit
    // (0.76 x with it, 0.81 x without, at 30k). The README's "The world test" has the measurements.
    const learner = xgbLearner({
      nthread: 1,
      maxDepth: 1,
      minChildWeight: 5,
      subsample: 0.8,
      colsampleByTree: 0.5,
      numRounds: 300,
      earlyStoppingRounds: 0,
    });
    // categorical levels renumbered by their positive rate on each fold's training rows, so a stump's
    // threshold on the codes separates the channels that convert (0.81 x -> 0.83 x at 30k)
    const transform = targetOrderedLevels();
    const r = await crossValidate({ learner, matrix, labels, folds, times, transform });
    // The ceiling of this learner on these folds: the planted terms themselves, read from the same table
    // (nulls and vendor gaps included), as the only features.
    const terms = plantedTerms(wt);
    const names = Object.keys(terms[0]!) as (keyof PlantedTerms)[];
    const values = new Float32Array(terms.length * names.length);
    for (const [j, name] of names.entries()) {
      for (const [i, t] of terms.entries()) values[j * terms.length + i] = t[name];
    }
    const ceiling = await crossValidate({
      learner,
      matrix: createMatrix(values, terms.length, names),
      labels,
      folds,
      times,
    });
    const oracle = folds.folds.map((f) =>
      averagePrecision(
        f.test.map((i) => labels[i]!),
        f.test.map((i) => truth[i]!),
      ),
    );
    const oracleMean = oracle.reduce((a, b) => a + b, 0) / oracle.length;
    const cvAp = r.aggregate.test.averagePrecision!;
    // Measured 0.942 x (the planted terms as the only features: 0.951 x). Without
    // firm_headcount_change_upto_4q and the level order it was 0.859 x at this size, 0.811 x at 30k.
    console.log(
      `CV AUC-PR / oracle: ${(cvAp / oracleMean).toFixed(3)}, planted terms: ${(ceiling.aggregate.test.averagePrecision! / oracleMean).toFixed(3)}, per fold ${r.folds.map((f, k) => (f.test.averagePrecision! / oracle[k]!).toFixed(2)).join(' ')}`,
    );
    expect(cvAp).toBeGreaterThanOrEqual(0.9 * oracleMean);
    expect(ceiling.aggregate.test.averagePrecision!).toBeGreaterThanOrEqual(0.9 * oracleMean);
    const baseRate = labels.reduce((a, b) => a + b, 0) / labels.length;
    expect(cvAp).toBeGreaterThan(3 * baseRate);
    // and an honest model does not beat the truth on average (it would mean a leak)
    expect(cvAp).toBeLessThan(oracleMean);
    // every fold, the first (smallest) included, gets most of the way: at least 0.8 x the oracle on its block
    for (const [k, f] of r.folds.entries())
      expect(f.test.averagePrecision!).toBeGreaterThan(0.8 * oracle[k]!);
  }, 240_000);
});
