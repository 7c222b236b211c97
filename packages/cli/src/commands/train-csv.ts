import { join } from 'node:path';
import { DataError, formatValue, InvalidArgumentError, writeFileAtomic } from '@leadscore/core';
import { stratifiedFolds, temporalFolds } from '@leadscore/cv';
import { openWarehouse } from '@leadscore/dataset';
import {
  type AnyFeature,
  columnFeature,
  computeFeatures,
  type FeatureSet,
  featureSet,
} from '@leadscore/features';
import { checkGates } from '@leadscore/gates';
import { saveModel, trainEnsemble } from '@leadscore/model';
import type { CommandContext, CommandOutcome } from '../cli/command.js';
import { existingFile, requiredFlag, stringFlag } from '../cli/flags.js';
import { epochMsColumn, labelColumn } from './table-columns.js';
import { tabularGates } from './tabular-gates.js';
import { kindOfArrowType } from './tabular-input.js';
import { trainThreads } from './train-threads.js';

type ArrowTable = Awaited<ReturnType<Awaited<ReturnType<typeof openWarehouse>>['query']>>;

/**
 * One column feature per CSV column: numbers numeric, text categorical, booleans boolean; the other
 * columns (dates, times, ...) are returned as `unused`, with their types, to be reported.
 */
function columnFeatures(
  table: ArrowTable,
  skip: ReadonlySet<string>,
): { features: FeatureSet; unused: string[] } {
  const features: AnyFeature[] = [];
  const unused: string[] = [];
  for (const field of table.schema.fields) {
    if (skip.has(field.name)) continue;
    const kind = kindOfArrowType(field.type);
    if (kind === undefined) unused.push(`${field.name} (${String(field.type)})`);
    else features.push(columnFeature(field.name, kind, { description: `CSV column ${field.name}` }));
  }
  if (features.length === 0) {
    throw new DataError(
      `--csv must hold at least one numeric, boolean or text column besides the label, found none`,
      {
        details: { parameter: '--csv' },
      },
    );
  }
  return { features: featureSet(features), unused };
}

/** The `--label` column's 0/1 labels; any other value, or a missing column, exits 2 naming it. */
export function checkLabels(table: ArrowTable, name: string): Uint8Array {
  const column = table.getChild(name);
  if (column === null) {
    throw new InvalidArgumentError(`--label must name a column of the CSV, found ${formatValue(name)}`, {
      details: { parameter: '--label', value: name },
    });
  }
  let i = 0;
  for (const v of column) {
    const n = Number(v);
    if (v === null || (n !== 0 && n !== 1)) {
      throw new DataError(`${name} must hold 0/1 labels, found ${formatValue(v)} on data row ${i + 1}`, {
        details: { column: name, row: i, value: v },
      });
    }
    i++;
  }
  return labelColumn(table, name);
}

/**
 * `leadscore train --csv F --label COL [--time COL] [--group COL]`: the ensemble on any tabular file,
 * one feature per column, temporal folds on `--time` (stratified folds without it), and the
 * domain-free gates (CV AUC-PR, train-test gap, CV coefficient, positives per fold, lift, calibration).
 */
export async function trainCsv(ctx: CommandContext): Promise<CommandOutcome> {
  const c = ctx.config;
  const file = existingFile(requiredFlag(ctx.flags, 'csv'), ctx.io.cwd, '--csv');
  const label = requiredFlag(ctx.flags, 'label');
  const time = stringFlag(ctx.flags, 'time');
  const group = stringFlag(ctx.flags, 'group');
  const local = await openWarehouse({ kind: 'duckdb', path: ':memory:' });
  let table: ArrowTable;
  try {
    await local.createTableFromFile('train_input', file);
    table = await local.query(
      `SELECT * FROM train_input${time === undefined ? '' : ` ORDER BY ${local.quoteIdentifier(time)}`}`,
    );
  } finally {
    await local.close();
  }
  for (const [flag, column] of [
    ['--time', time],
    ['--group', group],
  ] as const) {
    if (column !== undefined && table.getChild(column) === null) {
      throw new InvalidArgumentError(`${flag} must name a column of the CSV, found ${formatValue(column)}`, {
        details: { parameter: flag, value: column },
      });
    }
  }
  const labels = checkLabels(table, label);
  const { features, unused } = columnFeatures(
    table,
    new Set([label, ...(time ? [time] : []), ...(group ? [group] : [])]),
  );
  const matrix = computeFeatures(table, features);
  const groups =
    group === undefined
      ? undefined
      : Array.from(table.getChild(group)!.toArray() as ArrayLike<unknown>, String);
  const folds =
    time === undefined
      ? stratifiedFolds(labels, { nFolds: c.train.cvFolds, seed: c.train.seed })
      : temporalFolds(epochMsColumn(table, time), {
          nFolds: c.train.cvFolds,
          gapDays: c.train.gapDays,
          labels,
          ...(groups === undefined ? {} : { groups }),
        });
  ctx.log(
    `train: ${file}, ${matrix.nRows} rows x ${matrix.nCols} features, ${folds.folds.length} ${time ? 'temporal' : 'stratified'} folds`,
  );
  if (unused.length > 0) ctx.log(`  not features (neither number, text nor boolean): ${unused.join(', ')}`);
  const progress = ctx.progress('trials');
  let done = 0;
  const total = 2 * c.train.trials;
  const trained = await trainEnsemble({
    matrix,
    features,
    labels,
    folds,
    search: { nTrials: c.train.trials },
    levelOrder: c.train.levelOrder,
    seed: c.train.seed,
    nthread: trainThreads(c),
    featureSet: { name: 'csv', version: '1' },
    tabular: { label, time: time ?? null, group: group ?? null },
    onTrial: (t) =>
      progress.update(++done, Math.max(total, done), `${t.member} trial ${t.number + 1} ${t.state}`),
    ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
  });
  progress.end();
  const gates = checkGates(tabularGates(), { cvResult: trained.cv, folds });
  const dir = c.artifactsDir;
  const paths = {
    model: join(dir, 'model.json'),
    folds: join(dir, 'folds.json'),
    cvResult: join(dir, 'cv_result.json'),
    gateReport: join(dir, 'gate_report.json'),
  };
  await saveModel(paths.model, trained.file);
  await writeFileAtomic(paths.folds, `${JSON.stringify(folds)}\n`);
  await writeFileAtomic(paths.cvResult, `${JSON.stringify(trained.cv)}\n`);
  await writeFileAtomic(paths.gateReport, `${JSON.stringify(gates.report, null, 2)}\n`);
  const agg = trained.cv.aggregate;
  ctx.log(`  CV AUC-PR       ${agg.test.averagePrecision?.toFixed(4)}, kept ${trained.comparison.kept}`);
  for (const o of gates.outcomes) ctx.log(`    ${o.status.padEnd(4)} ${o.id.padEnd(28)} ${o.reason}`);
  const failed = gates.outcomes.filter((o) => o.status === 'fail').map((o) => o.id);
  return {
    exitCode: gates.success ? 0 : 1,
    result: {
      csv: file,
      rows: matrix.nRows,
      features: matrix.nCols,
      unusedColumns: unused,
      folds: folds.folds.length,
      kept: trained.comparison.kept,
      cv: agg,
      gates: { success: gates.success, failed, outcomes: gates.outcomes },
      artifacts: paths,
    },
  };
}
