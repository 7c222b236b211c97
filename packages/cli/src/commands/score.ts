import { extname, resolve } from 'node:path';
import { writeFileAtomic } from '@leadscore/core';
import { openWarehouse, type Warehouse } from '@leadscore/dataset';
import { REASONS_PER_LEAD, type ScoreBatch, scoreLeads } from '@leadscore/model';
import { tableFromArrays } from 'apache-arrow';
import type { CommandDefinition } from '../cli/command.js';
import { existingFile, requiredFlag } from '../cli/flags.js';
import { openConfigWarehouse } from '../warehouse/open-config-warehouse.js';
import { loadModelFile } from './load-model-file.js';

const FILE_EXTENSIONS = new Set(['.csv', '.tsv', '.txt', '.parquet', '.pq']);
const isFile = (s: string) => FILE_EXTENSIONS.has(extname(s).toLowerCase());

function csvCell(value: string | number): string {
  const s = String(value);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Scores as CSV: lead_id, probability, percentile and the reason texts, one row per lead. */
export function scoresToCsv(leadIds: ArrayLike<unknown>, batch: ScoreBatch): string {
  const reasons = Array.from({ length: REASONS_PER_LEAD }, (_, r) => `reason_${r + 1}`);
  const lines = [['lead_id', 'probability', 'percentile', ...reasons].join(',')];
  for (let i = 0; i < batch.nRows; i++) {
    const row: (string | number)[] = [String(leadIds[i] ?? ''), batch.probability[i]!, batch.percentile[i]!];
    for (let r = 0; r < REASONS_PER_LEAD; r++) row.push(batch.reasonText[i * REASONS_PER_LEAD + r]!);
    lines.push(row.map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** `leadscore score`: scores a table or a CSV/Parquet file of training-table rows with a model file. */
export const scoreCommand: CommandDefinition = {
  words: ['score'],
  summary: 'score leads with a model file (--model FILE --input T|F.csv --output T|F.csv)',
  options: { model: { type: 'string' }, input: { type: 'string' }, output: { type: 'string' } },
  async run(ctx) {
    const modelPath = existingFile(requiredFlag(ctx.flags, 'model'), ctx.io.cwd, '--model');
    const input = requiredFlag(ctx.flags, 'input');
    const output = requiredFlag(ctx.flags, 'output');
    const model = loadModelFile(modelPath);
    let wh: Warehouse | null = null;
    let local: Warehouse | null = null;
    try {
      let table: Awaited<ReturnType<Warehouse['query']>>;
      if (isFile(input)) {
        const path = existingFile(input, ctx.io.cwd, '--input');
        // A file is read through an in-memory DuckDB, so CSV types are sniffed the same way as on import.
        local = await openWarehouse({ kind: 'duckdb', path: ':memory:' });
        await local.createTableFromFile('score_input', path);
        table = await local.query('SELECT * FROM score_input');
      } else {
        wh = await openConfigWarehouse(ctx.config);
        table = await wh.query(`SELECT * FROM ${wh.quoteIdentifier(input)}`);
      }
      // Scoring throws (naming the missing column) before anything is written.
      const batch = scoreLeads(model, table);
      const leadIds = table.getChild('lead_id')?.toArray() ?? [];
      let written: string;
      if (isFile(output)) {
        written = resolve(ctx.io.cwd, output);
        await writeFileAtomic(written, scoresToCsv(leadIds, batch));
      } else {
        wh ??= await openConfigWarehouse(ctx.config);
        const columns: Record<string, ArrayLike<unknown>> = {
          lead_id: Array.from(leadIds as ArrayLike<unknown>, (v) => String(v)),
          probability: batch.probability,
          percentile: batch.percentile,
        };
        for (let r = 0; r < REASONS_PER_LEAD; r++) {
          columns[`reason_${r + 1}`] = Array.from(
            { length: batch.nRows },
            (_, i) => batch.reasonText[i * REASONS_PER_LEAD + r]!,
          );
        }
        await wh.createTableFromArrow(
          output,
          tableFromArrays(columns as Parameters<typeof tableFromArrays>[0]),
          { replace: true },
        );
        written = output;
      }
      let mean = 0;
      for (let i = 0; i < batch.nRows; i++) mean += batch.probability[i]! / batch.nRows;
      ctx.log(
        `scored ${batch.nRows} leads with ${modelPath}; mean probability ${mean.toFixed(4)}; written to ${written}`,
      );
      return {
        exitCode: 0,
        result: { model: modelPath, input, output: written, rows: batch.nRows, meanProbability: mean },
      };
    } finally {
      await local?.close();
      await wh?.close();
    }
  },
};
