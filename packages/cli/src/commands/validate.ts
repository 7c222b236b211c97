import { join } from 'node:path';
import { writeFileAtomic } from '@leadscore/core';
import { checkGates, defaultGates, scoreDriftGate } from '@leadscore/gates';
import { scoreLeads } from '@leadscore/model';
import type { CommandDefinition } from '../cli/command.js';
import { existingFile, requiredFlag, stringFlag } from '../cli/flags.js';
import { openConfigWarehouse } from '../warehouse/open-config-warehouse.js';
import { readModelInputs } from './model-inputs.js';
import { holdoutGates, tabularGates } from './tabular-gates.js';
import { readModelInputFile } from './tabular-input.js';
import { checkLabels } from './train-csv.js';

/** The gate report file `leadscore validate` writes into artifactsDir. */
export const VALIDATION_REPORT_FILE = 'validation_report.json';

/**
 * `leadscore validate`: the gates on a model file's CV result, importance and dataset metadata (the V7
 * defaults, or the domain-free ones for a `train --csv` model), plus score drift (PSI) against a scoring
 * table, and with `--csv F` the holdout gates on that labelled file; exit 1 when a gate fails.
 */
export const validateCommand: CommandDefinition = {
  words: ['validate'],
  summary:
    'check the gates on a model (--model FILE [--scoring-table T] [--csv F.csv [--label COL]] [--table TRAINING_TABLE])',
  options: {
    model: { type: 'string' },
    'scoring-table': { type: 'string' },
    table: { type: 'string' },
    csv: { type: 'string' },
    label: { type: 'string' },
  },
  async run(ctx) {
    const inputs = await readModelInputs(ctx);
    const { model } = inputs;
    const tabular = model.file.tabular;
    const scoringTable = stringFlag(ctx.flags, 'scoring-table');
    const csv = stringFlag(ctx.flags, 'csv');
    let scoring: ArrayLike<number> | undefined;
    if (scoringTable !== undefined) {
      const wh = await openConfigWarehouse(ctx.config);
      try {
        const table = await wh.query(`SELECT * FROM ${wh.quoteIdentifier(scoringTable)}`);
        scoring = scoreLeads(model, table).probability;
        if (inputs.metadata !== undefined && scoringTable === inputs.metadata.output.name) {
          // the model's reference distribution is out-of-fold: in-sample scores are sharper than it
          ctx.log(
            `note: ${scoringTable} is the model's training table; its scores are in-sample, so score_psi against the out-of-fold reference overstates drift (score new leads to measure it)`,
          );
        }
      } finally {
        await wh.close();
      }
    }
    const gates = tabular === undefined ? defaultGates() : [...tabularGates(), scoreDriftGate()];
    let holdout: { file: string; rows: number; positives: number } | undefined;
    if (csv !== undefined) {
      const file = existingFile(csv, ctx.io.cwd, '--csv');
      const table = await readModelInputFile(file, '--csv', model);
      const labels = checkLabels(
        table,
        tabular === undefined
          ? requiredFlag(ctx.flags, 'label')
          : (stringFlag(ctx.flags, 'label') ?? tabular.label),
      );
      const probability = scoreLeads(model, table).probability;
      scoring ??= probability;
      gates.push(...holdoutGates(labels, probability));
      holdout = { file, rows: labels.length, positives: labels.reduce((s, y) => s + y, 0) };
      ctx.log(`holdout ${file}: ${holdout.rows} rows, ${holdout.positives} positives`);
    }
    const check = checkGates(gates, {
      cvResult: inputs.cvResult,
      folds: inputs.folds,
      importance: model.file.importance,
      metadata: inputs.metadata,
      scores: scoring === undefined ? undefined : { training: model.file.scoreDistribution, scoring },
    });
    const path = join(ctx.config.artifactsDir, VALIDATION_REPORT_FILE);
    await writeFileAtomic(path, `${JSON.stringify(check.report, null, 2)}\n`);
    for (const o of check.outcomes) ctx.log(`  ${o.status.padEnd(4)} ${o.id.padEnd(28)} ${o.reason}`);
    const failed = check.outcomes.filter((o) => o.status === 'fail').map((o) => o.id);
    ctx.log(
      check.success ? `gates passed; report ${path}` : `gates failed: ${failed.join(', ')}; report ${path}`,
    );
    return {
      exitCode: check.success ? 0 : 1,
      result: {
        model: inputs.modelPath,
        report: path,
        success: check.success,
        failed,
        outcomes: check.outcomes,
        ...(holdout === undefined ? {} : { holdout }),
      },
    };
  },
};
