import { createMatrix } from '@leadscore/core/matrix';
import { expectedCalibrationError, logLoss } from '@leadscore/core/metrics';
import { cvResultSchema } from '@leadscore/core/results';
import { describe, expect, it } from 'vitest';
import { scoreLeads, type TrainEnsembleOptions, trainEnsemble } from '../src/index.js';
import { scoreMatrix } from '../src/scoring/score-leads.js';
import { ensembleOptions, trainedEnsemble, trainingWorld } from './support/world.js';

describe('trainEnsemble on the discovery world', () => {
  it('keeps or improves the out-of-fold log loss of the best member, and auto calibration keeps or improves it (cross-fitted)', async () => {
    const r = await trainedEnsemble();
    const memberLogLoss = r.members.map((m) => m.cv.oof.predictions).map((p) => logLoss(r.oof.labels, p));
    const best = Math.min(...memberLogLoss);
    expect(r.calibration.rawLogLoss).toBeLessThanOrEqual(best + 1e-12);
    expect(r.calibration.calibratedLogLoss).toBeLessThanOrEqual(r.calibration.rawLogLoss);
    expect(r.comparison.kept).toBe(
      r.comparison.ensembleBeatsBestMember ? 'ensemble' : r.comparison.bestMember.name,
    );
    expect(r.model.members).toHaveLength(r.comparison.ensembleBeatsBestMember ? 2 : 1);
    // the world has signal: out-of-fold AP well above the base rate
    const rate = r.oof.labels.reduce((s, y) => s + y, 0) / r.oof.labels.length;
    expect(r.cv.aggregate.oofAveragePrecision!).toBeGreaterThan(2 * rate);
  }, 120_000);

  it('cross-fitted calibration lowers the out-of-fold ECE of a miscalibrated blend', async () => {
    // positives weighted 8x: the members' probabilities are inflated by construction. Each fold's rows are
    // calibrated by a calibrator fitted on the other folds only, so this cannot pass in-sample.
    const w = await trainingWorld();
    const inflated = (m: NonNullable<TrainEnsembleOptions['members']>[number]) => ({
      name: m.name,
      params: { ...m.params, scalePosWeight: 8 },
    });
    const base = ensembleOptions(w);
    // Platt only: cross-fitted isotonic regression overfits these small folds (steps to 0 or 1 cost
    // log loss), which is why 'auto' compares them out of fold instead of trusting isotonic
    for (const calibration of ['platt'] as const) {
      const r = await trainEnsemble({
        ...base,
        members: base.members!.map(inflated),
        calibration,
      });
      const raw = r.oof.raw.map((m) => 1 / (1 + Math.exp(-m)));
      const rawEce = expectedCalibrationError(r.oof.labels, raw);
      expect(rawEce).toBeGreaterThan(0.01);
      expect(expectedCalibrationError(r.oof.labels, r.oof.probability)).toBeLessThan(rawEce);
      expect(r.calibration.calibratedLogLoss).toBeLessThan(r.calibration.rawLogLoss);
    }
  }, 240_000);

  it('reports CV results in core’s schema and refits with the folds’ stopping rounds', async () => {
    const r = await trainedEnsemble();
    for (const cv of r.file.cv) expect(cvResultSchema.safeParse(cv).success).toBe(true);
    for (const m of r.members) {
      const rounds = m.cv.folds.map((f) => f.bestIteration! + 1);
      expect(m.numRounds).toBe(Math.round(rounds.reduce((s, x) => s + x, 0) / rounds.length));
    }
    const rounds = r.file.training.rounds as Record<string, number>;
    for (const [k, member] of r.model.members.entries()) {
      const m = r.members.find((x) => x.name === r.file.members[k]!.name)!;
      expect(member.numTrees).toBe(m.numRounds);
      expect(rounds[m.name]).toBe(m.numRounds);
    }
  }, 120_000);

  it("tunes a member with cv's tune and refits it with the tuned parameters", async () => {
    const w = await trainingWorld();
    const r = await trainEnsemble(
      ensembleOptions(w, {
        members: [{ name: 'xgb', params: { growPolicy: 'depthwise', numRounds: 60, maxDepth: 3 } }],
        search: { nTrials: 3, sampler: 'random', pruner: 'none', constraints: [] },
      }),
    );
    expect(r.trials.map((t) => [t.member, t.number, t.state])).toEqual([
      ['xgb', 0, 'complete'],
      ['xgb', 1, 'complete'],
      ['xgb', 2, 'complete'],
    ]);
    const best = r.trials.reduce((a, b) => (b.value! > a.value! ? b : a));
    expect(r.members[0]!.params).toMatchObject(best.params);
    expect(r.comparison.kept).toBe('xgb');
    expect(r.file.members[0]!.params).toMatchObject({ ...best.params, numRounds: r.members[0]!.numRounds });
  }, 300_000);

  it('gives a byte-identical model file for the same seed and data', async () => {
    const w = await trainingWorld();
    const a = await trainedEnsemble();
    // the second run gets the table and computes the same features itself
    const { matrix: _matrix, ...rest } = ensembleOptions(w);
    const b = await trainEnsemble({ ...rest, table: w.table });
    expect(b.text === a.text).toBe(true);
    await expect(trainEnsemble({ ...ensembleOptions(w), table: w.table })).rejects.toThrow(
      /^options must give exactly one of matrix and table$/,
    );
  }, 120_000);

  it('gives the same model file bytes at nthread 2 (two folds fitted at once on workers) as at 1', async () => {
    const w = await trainingWorld();
    const one = await trainedEnsemble();
    const two = await trainEnsemble(ensembleOptions(w, { nthread: 2 }));
    expect(two.text === one.text).toBe(true);
    expect(Array.from(two.oof.probability)).toEqual(Array.from(one.oof.probability));
    expect(JSON.stringify(two.file.members.map((m) => m.params))).not.toContain('nthread');
    expect(JSON.stringify(two.file.cv.map((c) => c.learner))).not.toContain('nthread');
    await expect(trainEnsemble(ensembleOptions(w, { nthread: 0 }))).rejects.toThrow(/nthread/);
  }, 120_000);

  it("orders categorical levels by positive rate (levelOrder 'target'), and scoring maps a table's levels to them", async () => {
    const w = await trainingWorld();
    const r = await trainedEnsemble();
    expect(r.file.training.levelOrder).toBe('target');
    const n = w.matrix.nRows;
    const prior = w.labels.reduce((s, y) => s + y, 0) / n;
    // the order by hand: (positives + 10 x base rate) / (rows + 10) on every row, ties in the old order
    const recoded = Float32Array.from(w.matrix.values);
    let reordered = 0;
    for (const [j, col] of r.file.columns.entries()) {
      const own = w.matrix.levels[j];
      if (own === null || own === undefined) {
        expect(col.levels).toBeNull();
        continue;
      }
      const rows = new Array<number>(own.length).fill(0);
      const pos = new Array<number>(own.length).fill(0);
      for (let i = 0; i < n; i++) {
        const v = w.matrix.values[j * n + i]!;
        if (Number.isNaN(v)) continue;
        rows[v]!++;
        pos[v]! += w.labels[i]!;
      }
      const rate = own.map((_, l) => (pos[l]! + 10 * prior) / (rows[l]! + 10));
      const order = own.map((_, l) => l).sort((a, b) => rate[a]! - rate[b]! || a - b);
      expect(col.levels).toEqual(order.map((l) => own[l]));
      if (order.some((l, k) => l !== k)) reordered++;
      const to = new Map(order.map((l, k) => [l, k]));
      for (let i = 0; i < n; i++) {
        const v = recoded[j * n + i]!;
        if (!Number.isNaN(v)) recoded[j * n + i] = to.get(v)!;
      }
    }
    // firm_type, state, custodian, registration_type: the fitted (alphabetical) order is not the rate order
    expect(reordered).toBe(4);
    const names = r.file.columns.map((c) => c.name);
    const byHand = scoreMatrix(r.model, createMatrix(recoded, n, names)).probability;
    const scored = scoreLeads(r.model, w.table).probability;
    expect(Array.from(scored)).toEqual(Array.from(byHand));
    // the codes matter: the alphabetical codes score differently
    const alphabetical = scoreMatrix(r.model, createMatrix(Float32Array.from(w.matrix.values), n, names));
    expect(Array.from(alphabetical.probability)).not.toEqual(Array.from(scored));
  }, 120_000);

  it("keeps the features' level order with levelOrder 'fitted'", async () => {
    const w = await trainingWorld();
    const r = await trainEnsemble(ensembleOptions(w, { levelOrder: 'fitted' }));
    expect(r.file.training.levelOrder).toBe('fitted');
    expect(r.file.columns.map((c) => c.levels)).toEqual(
      w.matrix.levels.map((l) => (l === null ? null : [...l])),
    );
    await expect(trainEnsemble(ensembleOptions(w, { levelOrder: 'rate' as never }))).rejects.toThrow(
      /levelOrder/,
    );
  }, 120_000);
});
