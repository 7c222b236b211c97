import { join } from 'node:path';
import { writeFileAtomic } from '@leadscore/core';
import { temporalFolds } from '@leadscore/cv';
import { readDatasetMetadata } from '@leadscore/dataset';
import { computeFeatures, v7Features } from '@leadscore/features';
import { checkGates, type LeakageProbeResult, probeLeakage } from '@leadscore/gates';
import { saveModel, trainEnsemble } from '@leadscore/model';
import type { CommandDefinition } from '../cli/command.js';
import { intFlag, stringFlag } from '../cli/flags.js';
import { openConfigWarehouse } from '../warehouse/open-config-warehouse.js';
import { findDatasetMetadata } from './dataset-files.js';
import { leakageProbeInput } from './leakage-probe-input.js';
import { epochMsColumn, labelColumn } from './table-columns.js';
import { trainCsv } from './train-csv.js';
import { trainThreads } from './train-threads.js';

/** Artifact file names `leadscore train` writes into artifactsDir. */
export const TRAIN_ARTIFACTS = Object.freeze({
  model: 'model.json',
  folds: 'folds.json',
  cvResult: 'cv_result.json',
  gateReport: 'gate_report.json',
  importance: 'feature_importance.csv',
});

/**
 * `leadscore train`: the V7 features of a built table, temporal folds with a gap, the tuned XGB + LGBM
 * ensemble, then the gates on its CV result; exit 1 when a gate fails (the artifacts are still written).
 */
export const trainCommand: CommandDefinition = {
  words: ['train'],
  summary:
    'train the ensemble on a built table with temporal CV and check the gates (--table T --cv-folds 5 --trials N --gap-days 30 --seed S --threads N), or on any CSV (--csv F --label COL [--time COL] [--group COL])',
  options: {
    table: { type: 'string' },
    'cv-folds': { type: 'string' },
    trials: { type: 'string' },
    'gap-days': { type: 'string' },
    seed: { type: 'string' },
    threads: { type: 'string' },
    'probe-table': { type: 'string' },
    csv: { type: 'string' },
    label: { type: 'string' },
    time: { type: 'string' },
    group: { type: 'string' },
  },
  overrides: (flags) => ({
    features: { table: stringFlag(flags, 'table') },
    train: {
      cvFolds: intFlag(flags, 'cv-folds', 2),
      trials: intFlag(flags, 'trials', 1),
      gapDays: intFlag(flags, 'gap-days', 0),
      seed: intFlag(flags, 'seed', 0),
      threads: intFlag(flags, 'threads', 1),
      probeTable: stringFlag(flags, 'probe-table'),
    },
  }),
  async run(ctx) {
    if (ctx.flags.csv !== undefined) return trainCsv(ctx);
    const c = ctx.config;
    const found = findDatasetMetadata(c.artifactsDir, c.features.table);
    const metadata = await readDatasetMetadata(found.file);
    const wh = await openConfigWarehouse(c);
    let data: Awaited<ReturnType<typeof wh.query>>;
    let leakageProbe: LeakageProbeResult | undefined;
    try {
      data = await wh.query(
        `SELECT * FROM ${wh.quoteIdentifier(found.table)} ORDER BY contacted_at, lead_id`,
        ctx.io.signal ? { signal: ctx.io.signal } : {},
      );
      if (c.train.probeTable !== undefined && metadata.leakage.exposedColumns.length > 0) {
        const input = await leakageProbeInput(
          wh,
          c,
          data,
          c.train.probeTable,
          metadata.leakage.exposedColumns,
        );
        leakageProbe = probeLeakage(input);
      }
    } finally {
      await wh.close();
    }
    const historyQuarters = c.dataset.historyQuarters;
    const matrix = computeFeatures(data, v7Features, { historyQuarters });
    const labels = labelColumn(data, 'label');
    const times = epochMsColumn(data, 'contacted_at');
    const folds = temporalFolds(times, {
      nFolds: c.train.cvFolds,
      gapDays: c.train.gapDays,
      labelHorizonDays: c.dataset.labelHorizonDays,
      labels,
    });
    ctx.log(
      `train: ${found.table}, ${matrix.nRows} x ${matrix.nCols}, ${c.train.cvFolds} temporal folds (gap ${c.train.gapDays} days), ${c.train.trials} trial(s) per member${c.train.levelOrder === 'target' ? ', categorical levels ordered by each fold’s positive rate' : ''}`,
    );
    const progress = ctx.progress('trials');
    const total = 2 * c.train.trials;
    let done = 0;
    const trained = await trainEnsemble({
      matrix,
      features: v7Features,
      labels,
      folds,
      search: { nTrials: c.train.trials },
      levelOrder: c.train.levelOrder,
      seed: c.train.seed,
      nthread: trainThreads(c),
      historyQuarters,
      times,
      onTrial: (t) =>
        progress.update(
          ++done,
          Math.max(total, done),
          `${t.member} trial ${t.number + 1} ${t.state}, AUC-PR ${t.value?.toFixed(4) ?? '-'}`,
        ),
      ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
    });
    progress.end();
    const importance = trained.file.importance;
    const gates = checkGates(undefined, { cvResult: trained.cv, folds, importance, metadata, leakageProbe });
    const dir = c.artifactsDir;
    const paths = {
      model: join(dir, TRAIN_ARTIFACTS.model),
      folds: join(dir, TRAIN_ARTIFACTS.folds),
      cvResult: join(dir, TRAIN_ARTIFACTS.cvResult),
      gateReport: join(dir, TRAIN_ARTIFACTS.gateReport),
      importance: join(dir, TRAIN_ARTIFACTS.importance),
    };
    await saveModel(paths.model, trained.file);
    await writeFileAtomic(paths.folds, `${JSON.stringify(folds)}\n`);
    await writeFileAtomic(paths.cvResult, `${JSON.stringify(trained.cv)}\n`);
    await writeFileAtomic(paths.gateReport, `${JSON.stringify(gates.report, null, 2)}\n`);
    const csv = [
      'feature,group,business_signal,mean_abs_shap,total_gain,rank',
      ...importance.map((r) =>
        [r.feature, r.group, r.businessSignal, r.meanAbsShap, r.totalGain, r.rank].join(','),
      ),
    ];
    await writeFileAtomic(paths.importance, `${csv.join('\n')}\n`);
    const agg = trained.cv.aggregate;
    ctx.log(`  kept            ${trained.comparison.kept}`);
    ctx.log(
      `  CV AUC-PR       ${agg.test.averagePrecision?.toFixed(4)} (OOF ${agg.oofAveragePrecision?.toFixed(4)}), CV coefficient ${agg.cvCoefficient?.toFixed(3)}, train-test gap ${agg.trainTestGap?.toFixed(3)}`,
    );
    ctx.log('  gates:');
    for (const o of gates.outcomes) ctx.log(`    ${o.status.padEnd(4)} ${o.id.padEnd(28)} ${o.reason}`);
    ctx.log(`  model           ${paths.model}`);
    const failed = gates.outcomes.filter((o) => o.status === 'fail').map((o) => o.id);
    if (failed.length > 0) ctx.log(`gates failed: ${failed.join(', ')}`);
    return {
      exitCode: gates.success ? 0 : 1,
      result: {
        table: found.table,
        rows: matrix.nRows,
        features: matrix.nCols,
        folds: folds.folds.length,
        kept: trained.comparison.kept,
        cv: agg,
        gates: { success: gates.success, failed, outcomes: gates.outcomes },
        artifacts: paths,
      },
    };
  },
};
