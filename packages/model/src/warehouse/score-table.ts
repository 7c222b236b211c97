/**
 * `scoreTable`: scores a warehouse table in bounded record batches and writes the scores back. Each
 * batch is written as its own staging table (a load job on BigQuery); the destination is created in one
 * `CREATE OR REPLACE TABLE ... AS SELECT` over the staging tables at the end, and the staging tables are
 * dropped whatever happens, so a failed or cancelled run leaves no partial destination.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { CancelledError, formatValue, InvalidArgumentError, SchemaError } from '@leadscore/core/errors';
import { parseWith } from '@leadscore/core/issues';
import type { Warehouse } from '@leadscore/dataset';
import { makeVector, type RecordBatch, Table, Utf8, type Vector, vectorFromArray } from 'apache-arrow';
import { z } from 'zod';
import type { LoadedModel } from '../model-file/load-model.js';
import { REASONS_PER_LEAD, type ScoreBatch, scoreLeads } from '../scoring/score-leads.js';

/** Progress of {@link scoreTable}. */
export interface ScoreTableProgress {
  readonly rowsScored: number;
  readonly totalRows: number;
  readonly batches: number;
}

/** Options of {@link scoreTable}. */
export interface ScoreTableOptions {
  /** Table with the model's input columns. */
  source: string;
  /** Table the scores are written to. */
  destination: string;
  /** Column copied from the source to identify each lead. @default 'lead_id' */
  idColumn?: string;
  /** Rows per record batch: bounds the memory of scoring. @default 50000 */
  batchRows?: number;
  /** Replace an existing destination (only once every batch is scored). @default false */
  replace?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: ScoreTableProgress) => void;
}

/** What {@link scoreTable} returns. */
export interface ScoreTableResult {
  readonly destination: string;
  readonly rows: number;
  readonly batches: number;
}

const optionsSchema = z
  .object({
    source: z.string().min(1),
    destination: z.string().min(1),
    idColumn: z.string().min(1).default('lead_id'),
    batchRows: z.number().int().min(1).max(10_000_000).default(50_000),
    replace: z.boolean().default(false),
    signal: z.instanceof(AbortSignal).optional(),
    onProgress: z.custom<(progress: ScoreTableProgress) => void>((v) => typeof v === 'function').optional(),
  })
  .strict();

/** The columns written for every lead, after the id column. */
export const SCORE_COLUMNS = Object.freeze([
  'probability',
  'percentile',
  ...Array.from({ length: REASONS_PER_LEAD }, (_, r) => [
    `reason_${r + 1}`,
    `reason_${r + 1}_feature`,
    `reason_${r + 1}_contribution`,
  ]).flat(),
]);

/** The scores of a batch as an Arrow table: the id column, probability, percentile, then text/feature/contribution per reason. */
export function scoresToArrow(model: LoadedModel, idColumn: string, id: Vector, s: ScoreBatch): Table {
  const n = s.nRows;
  const columns: Record<string, Vector> = { [idColumn]: id };
  columns.probability = makeVector(s.probability);
  columns.percentile = makeVector(s.percentile);
  for (let r = 0; r < REASONS_PER_LEAD; r++) {
    const text = new Array<string | null>(n);
    const feature = new Array<string | null>(n);
    const contribution = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const j = s.reasonColumn[i * REASONS_PER_LEAD + r]!;
      text[i] = j < 0 ? null : s.reasonText[i * REASONS_PER_LEAD + r]!;
      feature[i] = j < 0 ? null : model.file.columns[j]!.name;
      contribution[i] = s.reasonContribution[i * REASONS_PER_LEAD + r]!;
    }
    columns[`reason_${r + 1}`] = vectorFromArray(text, new Utf8());
    columns[`reason_${r + 1}_feature`] = vectorFromArray(feature, new Utf8());
    columns[`reason_${r + 1}_contribution`] = makeVector(contribution);
  }
  return new Table(columns);
}

/**
 * Scores every row of `source` and writes id + scores + reason codes to `destination`.
 * @throws SchemaError naming a missing input column before anything is written.
 * @example await scoreTable(warehouse, model, { source: 'leads_today', destination: 'lead_scores' });
 */
export async function scoreTable(
  warehouse: Warehouse,
  model: LoadedModel,
  options: ScoreTableOptions,
): Promise<ScoreTableResult> {
  const o = parseWith(optionsSchema, options, 'options');
  const q = (name: string) => warehouse.quoteIdentifier(name);
  const source = q(o.source);
  const destination = q(o.destination);
  const described = await warehouse.describeTable(o.source);
  if (!described.columns.some((c) => c.name === o.idColumn)) {
    throw new SchemaError(
      `${o.idColumn}: idColumn is missing from the source table ${formatValue(o.source)}`,
      {
        details: { column: o.idColumn, table: o.source },
      },
    );
  }
  // An empty result has the source's Arrow schema: scoring it checks every input column up front.
  scoreLeads(model, await warehouse.query(`SELECT * FROM ${source} LIMIT 0`));
  if (!o.replace && (await warehouse.tableExists(o.destination))) {
    throw new InvalidArgumentError(
      `destination already exists and replace is false, found ${formatValue(o.destination)}`,
      { details: { parameter: 'destination', value: o.destination } },
    );
  }
  const stagingPrefix = `${o.destination}__scoring_${randomBytes(4).toString('hex')}_`;
  const staging: string[] = [];
  let rows = 0;
  try {
    let pending: RecordBatch[] = [];
    let pendingRows = 0;
    const flush = async (): Promise<void> => {
      if (pending.length === 0) return;
      if (o.signal?.aborted) throw new CancelledError('scoreTable was cancelled', { cause: o.signal.reason });
      const table = new Table(pending);
      pending = [];
      pendingRows = 0;
      const out = scoresToArrow(model, o.idColumn, table.getChild(o.idColumn)!, scoreLeads(model, table));
      const name = `${stagingPrefix}${staging.length}`;
      staging.push(name);
      await warehouse.createTableFromArrow(name, out, o.signal === undefined ? {} : { signal: o.signal });
      rows += table.numRows;
      o.onProgress?.({ rowsScored: rows, totalRows: described.rowCount, batches: staging.length });
    };
    for await (const batch of warehouse.queryBatches(`SELECT * FROM ${source}`, {
      ...(o.signal === undefined ? {} : { signal: o.signal }),
    })) {
      if (o.signal?.aborted) throw new CancelledError('scoreTable was cancelled', { cause: o.signal.reason });
      let offset = 0;
      while (offset < batch.numRows) {
        const take = Math.min(o.batchRows - pendingRows, batch.numRows - offset);
        pending.push(offset === 0 && take === batch.numRows ? batch : batch.slice(offset, offset + take));
        pendingRows += take;
        offset += take;
        if (pendingRows >= o.batchRows) await flush();
      }
    }
    await flush();
    if (o.signal?.aborted) throw new CancelledError('scoreTable was cancelled', { cause: o.signal.reason });
    if (staging.length === 0) {
      const empty = await warehouse.query(`SELECT * FROM ${source} LIMIT 0`);
      const out = scoresToArrow(model, o.idColumn, empty.getChild(o.idColumn)!, scoreLeads(model, empty));
      await warehouse.createTableFromArrow(o.destination, out, { replace: o.replace });
    } else {
      const select = staging.map((name) => `SELECT * FROM ${q(name)}`).join(' UNION ALL ');
      await warehouse.execute(`CREATE OR REPLACE TABLE ${destination} AS ${select}`);
    }
  } finally {
    for (const name of staging) await warehouse.dropTable(name, { ifExists: true }).catch(() => undefined);
  }
  return { destination: o.destination, rows, batches: staging.length };
}
