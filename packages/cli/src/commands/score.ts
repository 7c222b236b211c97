import { rename, rm } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { formatValue, InvalidArgumentError, writeFileAtomic } from '@leadscore/core';
import { openWarehouse, type Warehouse } from '@leadscore/dataset';
import { REASONS_PER_LEAD, type ScoreBatch, scoreLeads } from '@leadscore/model';
import { makeVector, Table, type Vector, vectorFromArray } from 'apache-arrow';
import type { CommandDefinition } from '../cli/command.js';
import { existingFile, requiredFlag } from '../cli/flags.js';
import { openConfigWarehouse } from '../warehouse/open-config-warehouse.js';
import { loadModelFile } from './load-model-file.js';
import { readModelInputFile } from './tabular-input.js';

type ArrowTable = Awaited<ReturnType<Warehouse['query']>>;

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

/** The score columns of a batch: probability, percentile, reason_1..reason_3. */
function scoreColumns(batch: ScoreBatch): Record<string, Vector> {
  const columns: Record<string, Vector> = {
    probability: makeVector(batch.probability),
    percentile: makeVector(batch.percentile),
  };
  for (let r = 0; r < REASONS_PER_LEAD; r++) {
    columns[`reason_${r + 1}`] = vectorFromArray(
      Array.from({ length: batch.nRows }, (_, i) => batch.reasonText[i * REASONS_PER_LEAD + r]!),
    );
  }
  return columns;
}

/** A tabular model's output: every input column as it came, then the score columns. */
function withScores(input: ArrowTable, batch: ScoreBatch): Table {
  const scores = scoreColumns(batch);
  const columns: Record<string, Vector> = {};
  for (const field of input.schema.fields) {
    if (Object.hasOwn(scores, field.name)) {
      throw new InvalidArgumentError(
        `--input must not have a column named like a score column, found ${formatValue(field.name)} (the output adds ${Object.keys(scores).join(', ')})`,
        { details: { parameter: '--input', column: field.name } },
      );
    }
    columns[field.name] = input.getChild(field.name)!;
  }
  return new Table({ ...columns, ...scores });
}

/** Writes an Arrow table as CSV through an in-memory DuckDB, to a temp file renamed into place. */
async function writeCsvAtomic(path: string, table: Table): Promise<void> {
  const local = await openWarehouse({ kind: 'duckdb', path: ':memory:' });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await local.createTableFromArrow('scored', table);
    await local.execute(`COPY scored TO ${local.dialect.stringLiteral(tmp)} (HEADER, DELIMITER ',')`);
    await rename(tmp, path);
  } finally {
    await rm(tmp, { force: true });
    await local.close();
  }
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
    try {
      let table: Awaited<ReturnType<Warehouse['query']>>;
      const tabular = model.file.tabular !== undefined;
      if (isFile(input)) {
        table = await readModelInputFile(existingFile(input, ctx.io.cwd, '--input'), '--input', model);
      } else {
        wh = await openConfigWarehouse(ctx.config);
        table = await wh.query(`SELECT * FROM ${wh.quoteIdentifier(input)}`);
      }
      // Scoring throws (naming the missing column) before anything is written.
      const batch = scoreLeads(model, table);
      const leadIds = table.getChild('lead_id')?.toArray() ?? [];
      let written: string;
      if (tabular) {
        const scored = withScores(table, batch);
        if (isFile(output)) {
          written = resolve(ctx.io.cwd, output);
          await writeCsvAtomic(written, scored);
        } else {
          wh ??= await openConfigWarehouse(ctx.config);
          await wh.createTableFromArrow(output, scored, { replace: true });
          written = output;
        }
      } else if (isFile(output)) {
        written = resolve(ctx.io.cwd, output);
        await writeFileAtomic(written, scoresToCsv(leadIds, batch));
      } else {
        wh ??= await openConfigWarehouse(ctx.config);
        const ids = vectorFromArray(Array.from(leadIds as ArrayLike<unknown>, (v) => String(v)));
        await wh.createTableFromArrow(output, new Table({ lead_id: ids, ...scoreColumns(batch) }), {
          replace: true,
        });
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
      await wh?.close();
    }
  },
};
