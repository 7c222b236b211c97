/**
 * The artifacts of a training run, each written atomically into one folder: the model file,
 * `training_report.md`, `feature_importance.csv`, `oof_predictions.csv` and `trials.jsonl`.
 * @module
 */
import { join } from 'node:path';
import { writeFileAtomic } from '@leadscore/core/io';
import type { MetricSet } from '@leadscore/core/results';
import type { TrainEnsembleResult } from '../ensemble/train-ensemble.js';
import { serializeModel } from '../model-file/model-file.js';

/** Options of {@link writeTrainingArtifacts}. */
export interface WriteTrainingArtifactsOptions {
  /** File name of the model file inside the folder. @default 'model.json' */
  modelFileName?: string;
  /** Title of the report. @default 'Lead scoring model: training report' */
  title?: string;
}

/** Paths written by {@link writeTrainingArtifacts}. */
export interface TrainingArtifacts {
  readonly model: string;
  readonly report: string;
  readonly featureImportance: string;
  readonly oofPredictions: string;
  readonly trials: string;
}

const fmt = (v: number | null | undefined, digits = 4) =>
  v === null || v === undefined || Number.isNaN(v) ? 'n/a' : v.toFixed(digits);

function csvCell(v: string | number | boolean): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** `feature_importance.csv`: one row per model column, ranked by mean |SHAP|. */
export function featureImportanceCsv(result: TrainEnsembleResult): string {
  const lines = ['feature,group,business_signal,mean_abs_shap,total_gain,rank'];
  for (const r of result.file.importance) {
    lines.push(
      [r.feature, r.group, r.businessSignal, r.meanAbsShap, r.totalGain, r.rank].map(csvCell).join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `oof_predictions.csv`: row index, fold, label, blend score before calibration and calibrated probability. */
export function oofPredictionsCsv(result: TrainEnsembleResult): string {
  const { oof } = result;
  const lines = ['row,fold,label,raw_score,probability'];
  for (let i = 0; i < oof.rows.length; i++) {
    lines.push(`${oof.rows[i]},${oof.fold[i]},${oof.labels[i]},${oof.raw[i]},${oof.probability[i]}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `trials.jsonl`: one JSON object per evaluated parameter set. */
export function trialsJsonl(result: TrainEnsembleResult): string {
  return result.trials.map((t) => JSON.stringify(t)).join('\n') + (result.trials.length > 0 ? '\n' : '');
}

function metricRow(label: string, m: MetricSet): string {
  return `| ${label} | ${m.rows} | ${m.positives} | ${fmt(m.averagePrecision)} | ${fmt(m.rocAuc)} | ${fmt(m.liftAt10, 2)} | ${fmt(m.logLoss)} | ${fmt(m.brier)} |`;
}

/** `training_report.md`: data, folds, per-fold metrics, tuning history, blend, calibration and importance. */
export function trainingReport(
  result: TrainEnsembleResult,
  title = 'Lead scoring model: training report',
): string {
  const { file, folds, comparison } = result;
  const t = file.training as Record<string, unknown>;
  const rows = Number(t.rows);
  const positives = Number(t.positives);
  const out: string[] = [`# ${title}`, ''];
  out.push('## Data', '');
  out.push(`- rows: ${rows}, positives: ${positives} (label rate ${fmt(positives / rows)})`);
  out.push(`- out-of-fold rows: ${result.oof.rows.length}`);
  out.push(`- features: ${file.columns.length} (${file.featureSet.name} v${file.featureSet.version})`);
  out.push(`- seed: ${String(t.seed)}; model hash: \`${file.hash}\``, '');
  out.push('## Folds', '');
  out.push(
    '| fold | train rows | train positives | test rows | test positives | test start | test end | gap | purged |',
  );
  out.push('|---|---|---|---|---|---|---|---|---|');
  for (const f of folds.folds) {
    const c = f.counts;
    out.push(
      `| ${f.index} | ${c.train} | ${c.trainPositives} | ${c.test} | ${c.testPositives} | ${f.testStart ?? 'n/a'} | ${f.testEnd ?? 'n/a'} | ${c.gap} | ${c.purged} |`,
    );
  }
  out.push('', '## Per-fold test metrics', '');
  out.push('| model / fold | rows | positives | AUC-PR | ROC AUC | lift@10% | log loss | Brier |');
  out.push('|---|---|---|---|---|---|---|---|');
  for (const m of [
    ...result.members.map((x) => ({ name: x.name, cv: x.cv })),
    { name: 'kept model', cv: result.cv },
  ]) {
    for (const f of m.cv.folds) out.push(metricRow(`${m.name} / ${f.index}`, f.test));
    out.push(
      `| **${m.name} mean** | | | ${fmt(m.cv.aggregate.test.averagePrecision)} | ${fmt(m.cv.aggregate.test.rocAuc)} | ${fmt(m.cv.aggregate.test.liftAt10, 2)} | ${fmt(m.cv.aggregate.test.logLoss)} | ${fmt(m.cv.aggregate.test.brier)} |`,
    );
  }
  out.push('', '## Tuning history', '');
  out.push('| member | trial | state | mean fold AUC-PR | feasible | parameters |');
  out.push('|---|---|---|---|---|---|');
  if (result.trials.length === 0)
    out.push('| (no search: each member ran with its own parameters) | | | | | |');
  for (const tr of result.trials) {
    out.push(
      `| ${tr.member} | ${tr.number} | ${tr.state} | ${fmt(tr.value)} | ${tr.feasible ? 'yes' : 'no'} | \`${JSON.stringify(tr.params)}\` |`,
    );
  }
  for (const m of result.members) {
    out.push(`\n- ${m.name}: refit with ${m.numRounds} rounds, \`${JSON.stringify(m.params)}\``);
  }
  out.push('', '## Blend and calibration', '');
  out.push(
    `- blend: ${file.blend.method}, weights ${file.members.map((m, k) => `${m.name} ${fmt(file.blend.weights[k]!, 2)}`).join(', ')}`,
  );
  out.push(
    `- out-of-fold ${comparison.objective}: ensemble ${fmt(comparison.ensemble)}, best member ${comparison.bestMember.name} ${fmt(comparison.bestMember.value)}; ensemble beats best member: ${comparison.ensembleBeatsBestMember ? 'yes' : 'no'}; kept: ${comparison.kept}`,
  );
  out.push(
    `- calibration: ${file.calibrator.method}; out-of-fold log loss ${fmt(result.calibration.rawLogLoss)} before, ${fmt(result.calibration.calibratedLogLoss)} after`,
  );
  out.push('', '## Feature importance (top 15 by mean |SHAP|)', '');
  out.push('| rank | feature | group | business signal | mean abs SHAP | total gain |');
  out.push('|---|---|---|---|---|---|');
  for (const r of file.importance.slice(0, 15)) {
    out.push(
      `| ${r.rank} | \`${r.feature}\` | ${r.group} | ${r.businessSignal ? 'yes' : 'no'} | ${fmt(r.meanAbsShap)} | ${fmt(r.totalGain, 2)} |`,
    );
  }
  return `${out.join('\n')}\n`;
}

/**
 * Writes every artifact of a training run into `dir` (created if missing), each file atomically.
 * @example await writeTrainingArtifacts('out/v7', result);
 */
export async function writeTrainingArtifacts(
  dir: string,
  result: TrainEnsembleResult,
  options: WriteTrainingArtifactsOptions = {},
): Promise<TrainingArtifacts> {
  const paths = {
    model: join(dir, options.modelFileName ?? 'model.json'),
    report: join(dir, 'training_report.md'),
    featureImportance: join(dir, 'feature_importance.csv'),
    oofPredictions: join(dir, 'oof_predictions.csv'),
    trials: join(dir, 'trials.jsonl'),
  };
  await writeFileAtomic(paths.model, serializeModel(result.file));
  await writeFileAtomic(paths.report, trainingReport(result, options.title));
  await writeFileAtomic(paths.featureImportance, featureImportanceCsv(result));
  await writeFileAtomic(paths.oofPredictions, oofPredictionsCsv(result));
  await writeFileAtomic(paths.trials, trialsJsonl(result));
  return paths;
}
