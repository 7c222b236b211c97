import { computeFeatures } from '@leadscore/features';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createModelFile,
  leadScoreAt,
  loadModel,
  scoreLead,
  scoreLeads,
  serializeModel,
} from '../src/index.js';
import { alignMatrix } from '../src/scoring/align.js';
import { trainedEnsemble, trainingWorld } from './support/world.js';

describe('scoreLeads', () => {
  it('reason codes come from contributions that add up to the margin (SHAP additivity)', async () => {
    const { model } = await trainedEnsemble();
    const { table } = await trainingWorld();
    const batch = scoreLeads(model, table.slice(0, 500));
    for (let i = 0; i < batch.nRows; i++) {
      expect(batch.contributionSum[i]! + batch.bias[i]!).toBeCloseTo(batch.margin[i]!, 4);
      const c = [0, 1, 2].map((r) => Math.abs(batch.reasonContribution[i * 3 + r]!));
      expect(c[0]!).toBeGreaterThanOrEqual(c[1]!);
      expect(c[1]!).toBeGreaterThanOrEqual(c[2]!);
      expect(batch.probability[i]!).toBeGreaterThanOrEqual(0);
      expect(batch.probability[i]!).toBeLessThanOrEqual(1);
      expect(batch.percentile[i]!).toBeGreaterThanOrEqual(0);
      expect(batch.percentile[i]!).toBeLessThanOrEqual(1);
    }
    const first = leadScoreAt(model, batch, 0);
    expect(first.reasons).toHaveLength(3);
    expect(first.reasons[0]!.text).toMatch(/: .+ \([+-]\d+\.\d\d\)$/);
  }, 120_000);

  it('percentile ranks order like probabilities', async () => {
    const { model } = await trainedEnsemble();
    const { table } = await trainingWorld();
    const b = scoreLeads(model, table.slice(0, 300));
    for (let i = 1; i < b.nRows; i++) {
      if (b.probability[i]! > b.probability[i - 1]!)
        expect(b.percentile[i]!).toBeGreaterThanOrEqual(b.percentile[i - 1]!);
    }
  }, 120_000);

  it('batch and single-record scoring agree (property)', async () => {
    const { model } = await trainedEnsemble();
    const { table } = await trainingWorld();
    const batch = scoreLeads(model, table);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: table.numRows - 1 }), (i) => {
        const one = scoreLead(model, table.get(i)!.toJSON());
        expect(one).toEqual(leadScoreAt(model, batch, i));
      }),
      { seed: 11, numRuns: 60 },
    );
  }, 120_000);

  it('names a missing input column', async () => {
    const { model } = await trainedEnsemble();
    const { table } = await trainingWorld();
    const record = table.get(0)!.toJSON() as Record<string, unknown>;
    delete record.aum;
    expect(() => scoreLead(model, record)).toThrow(/^aum: column is missing from the record/);
    const names = table.schema.fields.map((f) => f.name).filter((n) => n !== 'num_clients');
    expect(() => scoreLeads(model, table.select(names))).toThrow(
      /^num_clients: column is missing from the table/,
    );
  }, 120_000);
});

describe('rank-blend model files', () => {
  it('score by each member’s percentile rank against its OOF reference, then calibrate', async () => {
    const { file } = await trainedEnsemble();
    const { table } = await trainingWorld();
    const { hash: _hash, ...body } = file;
    const k = body.members.length;
    const weights = new Array<number>(k).fill(1 / k);
    const rankFile = createModelFile({
      ...body,
      blend: { method: 'rank', weights, objective: 'averagePrecision', objectiveValue: 0 },
      calibrator: { method: 'platt', a: -4, b: 2 },
    });
    const model = loadModel(serializeModel(rankFile));
    const slice = table.slice(0, 200);
    const batch = scoreLeads(model, slice);
    const x = alignMatrix(computeFeatures(slice, model.features), model.file.columns);
    const margins = model.members.map((b) => b.predictMargin(x));
    for (let i = 0; i < batch.nRows; i++) {
      let rank = 0;
      for (let m = 0; m < k; m++) {
        const ref = model.file.members[m]!.reference;
        rank += weights[m]! * (ref.filter((v) => v <= margins[m]![i]!).length / ref.length);
      }
      expect(batch.probability[i]!).toBeCloseTo(1 / (1 + Math.exp(-4 * rank + 2)), 12);
    }
  }, 120_000);
});
