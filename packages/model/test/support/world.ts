/**
 * A small discovery world built into a training table by the real dataset builder, its V7 features,
 * labels, simple expanding-window temporal folds (a stand-in for cv's `temporalFolds`, same fold-list
 * shape) and one trained ensemble, shared by the test files.
 */

import type { FoldList } from '@leadscore/core/results';
import { buildDataset, openWarehouse, v7DatasetSpec } from '@leadscore/dataset';
import { computeFeatures, type FeatureMatrix, v7Features } from '@leadscore/features';
import { generateDiscoveryWorld } from '@leadscore/world';
import type { Table } from 'apache-arrow';
import { type TrainEnsembleOptions, type TrainEnsembleResult, trainEnsemble } from '../../src/index.js';

export interface TrainingWorld {
  readonly table: Table;
  readonly matrix: FeatureMatrix;
  readonly labels: Float64Array;
  readonly folds: FoldList;
  /** `contacted_at` in ms. */
  readonly times: Float64Array;
}

let world: Promise<TrainingWorld> | undefined;

/** Temporal blocks: rows sorted by time, `k` equal test blocks after a first training block, train = all earlier rows. */
export function blockFolds(times: Float64Array, labels: Float64Array, k: number): FoldList {
  const order = Array.from(times.keys()).sort((a, b) => times[a]! - times[b]! || a - b);
  const block = Math.floor(order.length / (k + 1));
  const folds = [];
  for (let f = 0; f < k; f++) {
    const train = order.slice(0, block * (f + 1)).sort((a, b) => a - b);
    const test = order
      .slice(block * (f + 1), f === k - 1 ? order.length : block * (f + 2))
      .sort((a, b) => a - b);
    const pos = (rows: number[]) => rows.reduce((s, r) => s + labels[r]!, 0);
    folds.push({
      index: f,
      train,
      test,
      trainStart: null,
      trainEnd: null,
      testStart: null,
      testEnd: null,
      counts: {
        train: train.length,
        test: test.length,
        trainPositives: pos(train),
        testPositives: pos(test),
        gap: 0,
        purged: 0,
        embargoed: 0,
        groupExcluded: 0,
      },
    });
  }
  return {
    format: 'leadscore.folds',
    version: 1,
    method: 'temporal',
    nRows: times.length,
    options: { k },
    folds,
  };
}

export function trainingWorld(): Promise<TrainingWorld> {
  world ??= (async () => {
    const w = generateDiscoveryWorld({ seed: 5, reps: 3000, leads: 6000 });
    const wh = await openWarehouse({ kind: 'duckdb', path: ':memory:', threads: 1 });
    try {
      await wh.createTableFromArrow('rep_snapshots', w.repSnapshots);
      await wh.createTableFromArrow('rep_current', w.repCurrent);
      await wh.createTableFromArrow('leads', w.leads);
      const { table } = await buildDataset(wh, v7DatasetSpec({ dataEndDate: w.truth.params.dataEndDate }));
      const matrix = computeFeatures(table!, v7Features);
      const labels = Float64Array.from(table!.getChild('label')!.toArray() as Int32Array);
      const times = Float64Array.from(table!.getChild('contacted_at')!.toArray() as BigInt64Array, Number);
      return { table: table!, matrix, labels, times, folds: blockFolds(times, labels, 3) };
    } finally {
      await wh.close();
    }
  })();
  return world;
}

/** Small, fast ensemble settings on the shared world. */
export function ensembleOptions(
  w: TrainingWorld,
  overrides: Partial<TrainEnsembleOptions> = {},
): TrainEnsembleOptions {
  return {
    matrix: w.matrix,
    features: v7Features,
    labels: w.labels,
    folds: w.folds,
    times: w.times,
    members: [
      { name: 'xgb', params: { growPolicy: 'depthwise', maxDepth: 3, numRounds: 80, learningRate: 0.1 } },
      {
        name: 'lgbm',
        params: { growPolicy: 'lossguide', maxLeaves: 8, maxDepth: 0, numRounds: 80, learningRate: 0.1 },
      },
    ],
    earlyStoppingRounds: 15,
    seed: 3,
    ...overrides,
  };
}

let trained: Promise<TrainEnsembleResult> | undefined;

/** The shared trained ensemble (default auto calibration). */
export async function trainedEnsemble(): Promise<TrainEnsembleResult> {
  trained ??= trainingWorld().then((w) => trainEnsemble(ensembleOptions(w)));
  return trained;
}
