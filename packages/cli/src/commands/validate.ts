import { join } from 'node:path';
import { writeFileAtomic } from '@leadscore/core';
import { checkGates } from '@leadscore/gates';
import { scoreLeads } from '@leadscore/model';
import type { CommandDefinition } from '../cli/command.js';
import { stringFlag } from '../cli/flags.js';
import { openConfigWarehouse } from '../warehouse/open-config-warehouse.js';
import { readModelInputs } from './model-inputs.js';

/** The gate report file `leadscore validate` writes into artifactsDir. */
export const VALIDATION_REPORT_FILE = 'validation_report.json';

/**
 * `leadscore validate`: the default gates on a model file's CV result, importance and dataset metadata,
 * plus score drift (PSI) against a scoring table when given; exit 1 when a gate fails.
 */
export const validateCommand: CommandDefinition = {
  words: ['validate'],
  summary: 'check the gates on a model (--model FILE [--scoring-table T] [--table TRAINING_TABLE])',
  options: { model: { type: 'string' }, 'scoring-table': { type: 'string' }, table: { type: 'string' } },
  async run(ctx) {
    const inputs = await readModelInputs(ctx);
    const scoringTable = stringFlag(ctx.flags, 'scoring-table');
    let scores: { training: ArrayLike<number>; scoring: ArrayLike<number> } | undefined;
    if (scoringTable !== undefined) {
      const wh = await openConfigWarehouse(ctx.config);
      try {
        const table = await wh.query(`SELECT * FROM ${wh.quoteIdentifier(scoringTable)}`);
        scores = {
          training: inputs.model.file.scoreDistribution,
          scoring: scoreLeads(inputs.model, table).probability,
        };
      } finally {
        await wh.close();
      }
    }
    const gates = checkGates(undefined, {
      cvResult: inputs.cvResult,
      folds: inputs.folds,
      importance: inputs.model.file.importance,
      metadata: inputs.metadata,
      scores,
    });
    const path = join(ctx.config.artifactsDir, VALIDATION_REPORT_FILE);
    await writeFileAtomic(path, `${JSON.stringify(gates.report, null, 2)}\n`);
    for (const o of gates.outcomes) ctx.log(`  ${o.status.padEnd(4)} ${o.id.padEnd(28)} ${o.reason}`);
    const failed = gates.outcomes.filter((o) => o.status === 'fail').map((o) => o.id);
    ctx.log(
      gates.success ? `gates passed; report ${path}` : `gates failed: ${failed.join(', ')}; report ${path}`,
    );
    return {
      exitCode: gates.success ? 0 : 1,
      result: {
        model: inputs.modelPath,
        report: path,
        success: gates.success,
        failed,
        outcomes: gates.outcomes,
      },
    };
  },
};
