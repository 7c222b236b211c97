import { access } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ArtifactError,
  CancelledError,
  type ColumnMap,
  type ColumnMapOptions,
  createColumnMap,
  DataError,
  formatValue,
  hashJson,
  InvalidArgumentError,
  LEAD_COLUMNS,
  type LeadColumn,
  LeakageError,
  parseWith,
  SchemaError,
  type SnapshotColumn,
  writeFileAtomic,
} from '@leadscore/core';
import type { Table } from 'apache-arrow';
import { z } from 'zod';
import { assertIdentifier } from '../warehouse/identifiers.js';
import type { SqlDialect, TableDescription, Warehouse } from '../warehouse/types.js';
import { auditDatasetLeakage } from './audit.js';
import {
  DATASET_METADATA_FORMAT,
  DATASET_METADATA_FORMAT_VERSION,
  type DatasetMetadata,
  type TableFingerprint,
} from './metadata.js';
import { type DatasetSpec, type DatasetSpecInput, leakageExposedColumns, parseDatasetSpec } from './spec.js';
import {
  compileDatasetSql,
  DATA_END_PARAM,
  EXCLUSION_REASONS,
  type ExclusionReason,
  historyColumns,
  requiredSourceColumns,
} from './sql.js';

/** Steps reported by {@link BuildDatasetOptions.onProgress}, in order. */
export const BUILD_STEPS = [
  'check-sources',
  'fingerprint-sources',
  'resolve-version',
  'materialise',
  'count-exclusions',
  'audit',
  'statistics',
  'fingerprint-output',
  'read-output',
  'write-metadata',
] as const;
/** A build step. */
export type BuildStep = (typeof BUILD_STEPS)[number];

/** Progress of {@link buildDataset}. */
export interface BuildProgress {
  readonly step: BuildStep;
  /** 1-based index of the step. */
  readonly index: number;
  readonly total: number;
}

/** Options of {@link buildDataset}. */
export interface BuildDatasetOptions {
  /** Directory the metadata JSON is written to (atomically). @default undefined (metadata only returned) */
  outDir?: string;
  /** Clock used for the default version and `createdAt`. @default new Date() */
  now?: Date;
  /** Read the output back as Arrow (set false for very large outputs; stream it with `queryBatches`). @default true */
  returnTable?: boolean;
  /** Called at the start of each step. @default undefined */
  onProgress?: (progress: BuildProgress) => void;
  /** Cancels the build between and during warehouse calls. @default undefined */
  signal?: AbortSignal;
}

/** The one list of {@link BuildDatasetOptions} keys; unknown keys are refused, not ignored. */
const buildDatasetOptionsSchema = z
  .object({
    outDir: z.string().min(1).optional(),
    now: z.date().optional(),
    returnTable: z.boolean().optional(),
    onProgress: z.custom<(progress: BuildProgress) => void>((v) => typeof v === 'function').optional(),
    signal: z.custom<AbortSignal>((v) => v instanceof AbortSignal).optional(),
  })
  .strict();

/** Result of {@link buildDataset}. */
export interface BuildDatasetResult {
  /** Fully qualified output table name `{base}_{version}`. */
  readonly tableName: string;
  readonly version: string;
  /** The output rows ordered by contacted_at, lead_id (null when `returnTable` is false). */
  readonly table: Table | null;
  readonly metadata: DatasetMetadata;
  /** Where the metadata was written (null without `outDir`). */
  readonly metadataPath: string | null;
}

/** The metadata file name of a dataset version: `{base}_metadata_{version}.json` (base's last segment). */
export function datasetMetadataFileName(base: string, version: string): string {
  // Only the table segment names the file, so a BigQuery project or dataset prefix does not matter here.
  const table = assertIdentifier(
    typeof base === 'string' ? base.slice(base.lastIndexOf('.') + 1) : base,
    'output.base',
  );
  return `${table}_metadata_${version}.json`;
}

/**
 * Builds the training table of a spec inside the warehouse and returns it with its metadata.
 *
 * Output table `{base}_{version}`, one row per included lead:
 * - `lead_id`, `rep_id`, `contacted_at` (timestamp, the cutoff), `lead_source`, `label` (int 0/1:
 *   converted with `converted_at <= contacted_at + labelHorizonDays`);
 * - every `pointInTime` and `current` column under its logical name (e.g. `years_at_firm`, `aum`);
 * - `pit_snapshot_date`: the point-in-time snapshot used: the latest with
 *   `snapshot_date + availabilityLagDays <= cutoff` and `cutoff - snapshot_date <= maxLookbackDays`
 *   (whole days, both inclusive); null, with null point-in-time columns, when none qualifies;
 * - cohort statistics under their names, computed over the whole population before the join;
 * - history as `{col}_q{k}`, k = 0..historyQuarters-1: q0 is the anchor quarter end Q, the latest
 *   quarter end with `Q + lag <= cutoff`; q_k is the snapshot dated exactly k quarter ends before Q
 *   (null when the vendor skipped that quarter: gaps stay gaps), plus `history_snapshot_date_q{k}`.
 *
 * Excluded leads are counted by reason (null/duplicate lead_id, null contacted_at, unknown rep,
 * contacted after the data end, label horizon open, null converted, converted without date). Bad
 * sources (snapshots after the data end, duplicate (rep_id, snapshot_date), null keys, wrongly typed
 * key columns) fail with a {@link DataError} or {@link SchemaError}; an audit violation drops the
 * output and fails with a {@link LeakageError} listing lead ids.
 * @example const { table, metadata } = await buildDataset(wh, v7DatasetSpec({ dataEndDate: '2025-12-31' }), { outDir: 'out' })
 */
export async function buildDataset(
  warehouse: Warehouse,
  specInput: DatasetSpec | DatasetSpecInput,
  options: BuildDatasetOptions = {},
): Promise<BuildDatasetResult> {
  parseWith(buildDatasetOptionsSchema, options, 'options');
  const spec = parseDatasetSpec(specInput);
  const d = warehouse.dialect;
  const now = options.now ?? new Date();
  if (Number.isNaN(now.getTime())) {
    throw new InvalidArgumentError(`options.now must be a valid Date, found ${formatValue(now)}`);
  }
  const signal = options.signal;
  const qopts = { params: { [DATA_END_PARAM]: spec.dataEndDate }, ...(signal ? { signal } : {}) };
  let stepIndex = 0;
  const step = (name: BuildStep) => {
    if (signal?.aborted) throw new CancelledError('signal aborted buildDataset', { cause: signal.reason });
    stepIndex++;
    options.onProgress?.({ step: name, index: stepIndex, total: BUILD_STEPS.length });
  };

  step('check-sources');
  const snapshotSource = await describeSource(
    warehouse,
    spec.tables.repSnapshots,
    'spec.tables.repSnapshots',
  );
  const currentSource = await describeSource(warehouse, spec.tables.repCurrent, 'spec.tables.repCurrent');
  const leadSource = await describeSource(warehouse, spec.tables.leads, 'spec.tables.leads');
  // The source column names come from the column map alone; the SQL is compiled once, at 'materialise'.
  const columnMap = createColumnMap(spec.columnMap as ColumnMapOptions);
  const required = requiredSourceColumns(spec);
  checkColumns(
    snapshotSource,
    required.snapshots.map((c) => [c, columnMap.snapshot[c]] as const),
    'snapshot',
  );
  checkColumns(
    currentSource,
    required.current.map((c) => [c, columnMap.snapshot[c]] as const),
    'snapshot',
  );
  checkColumns(
    leadSource,
    LEAD_COLUMNS.map((c) => [c, columnMap.lead[c]] as const),
    'lead',
  );
  const sourceStats = await checkSourceRows(warehouse, spec, d, columnMap.snapshot, qopts);

  step('fingerprint-sources');
  const sources = {
    repSnapshots: fingerprintOf(snapshotSource),
    repCurrent: fingerprintOf(currentSource),
    leads: fingerprintOf(leadSource),
  };

  step('resolve-version');
  const { version, tableName, metadataPath } = await resolveVersion(warehouse, spec, now, options.outDir);

  step('materialise');
  const compiled = compileDatasetSql(spec, d, tableName, { replace: spec.output.overwrite });
  await warehouse.execute(compiled.createOutput, qopts);

  step('count-exclusions');
  const excluded = Object.fromEntries(EXCLUSION_REASONS.map((r) => [r, 0])) as Record<
    ExclusionReason,
    number
  >;
  let leadsIn = 0;
  const reasons = await warehouse.query(compiled.exclusionCounts, qopts);
  for (const row of reasons) {
    const reason = String(row.reason);
    const n = Number(row.n);
    leadsIn += n;
    if (reason !== '__kept__') excluded[reason as ExclusionReason] = n;
  }
  const excludedTotal = EXCLUSION_REASONS.reduce((s, r) => s + excluded[r], 0);

  step('audit');
  const audit = await auditDatasetLeakage(warehouse, tableName, spec, signal ? { signal } : {});
  if (!audit.passed) {
    await warehouse.dropTable(tableName, { ifExists: true });
    throw new LeakageError(
      `${tableName} failed the leakage audit: ${audit.violations} rows read snapshots dated after cutoff - ${spec.availabilityLagDays} days, ${audit.lookbackViolations} beyond ${spec.maxLookbackDays} days, ${audit.undatedValues} with undated values; lead ids ${formatValue(audit.offendingLeadIds)}`,
      { details: { table: tableName, ...audit } },
    );
  }

  step('statistics');
  const stats = await outputStatistics(
    warehouse,
    spec,
    d,
    tableName,
    columnMap.snapshot,
    compiled.columns.map((c) => c.name),
    qopts,
  );
  if (stats.rows !== leadsIn - excludedTotal) {
    throw new DataError(
      `${tableName} has ${stats.rows} rows but ${leadsIn} leads minus ${excludedTotal} exclusions leaves ${leadsIn - excludedTotal}`,
      { details: { table: tableName } },
    );
  }

  step('fingerprint-output');
  const outputDescription = await warehouse.describeTable(tableName, signal ? { signal } : {});

  step('read-output');
  const table =
    options.returnTable === false
      ? null
      : await warehouse.query(
          `SELECT * FROM ${d.quote(tableName)} ORDER BY contacted_at, lead_id`,
          signal ? { signal } : {},
        );

  step('write-metadata');
  const metadata: DatasetMetadata = {
    format: DATASET_METADATA_FORMAT,
    formatVersion: DATASET_METADATA_FORMAT_VERSION,
    createdAt: now.toISOString(),
    warehouse: d.name,
    version,
    spec,
    specHash: hashJson(spec),
    sources,
    output: {
      ...fingerprintOf(outputDescription),
      columns: outputDescription.columns.map((c) => ({ name: c.name, type: c.type })),
    },
    counts: {
      leadsIn,
      leadsOut: stats.rows,
      excludedTotal,
      excluded,
      keptWithNulls: {
        noSnapshotWithinLookback: stats.noSnapshot,
        noCurrentRow: stats.noCurrentRow,
        incompleteHistory: stats.incompleteHistory,
      },
    },
    positives: stats.positives,
    labelRate: stats.rows === 0 ? 0 : stats.positives / stats.rows,
    dateRange: {
      contactedAtMin: stats.contactedMin,
      contactedAtMax: stats.contactedMax,
      snapshotDateMin: sourceStats.snapshotMin,
      snapshotDateMax: sourceStats.snapshotMax,
      dataEndDate: spec.dataEndDate,
    },
    nullRates: stats.nullRates,
    inputChecks: { offQuarterSnapshots: sourceStats.offQuarter },
    leakage: {
      exposedColumns: leakageExposedColumns(spec),
      currentRowsAfterCutoff: stats.currentAfterCutoff,
      audit,
    },
  };
  if (metadataPath) await writeFileAtomic(metadataPath, `${JSON.stringify(metadata, null, 2)}\n`);
  return { tableName, version, table, metadata, metadataPath };
}

function fingerprintOf(t: TableDescription): TableFingerprint {
  return { name: t.name, rowCount: t.rowCount, fingerprint: t.fingerprint };
}

async function describeSource(
  warehouse: Warehouse,
  name: string,
  parameter: string,
): Promise<TableDescription> {
  if (!(await warehouse.tableExists(name))) {
    throw new SchemaError(`${parameter} names a table that does not exist: ${formatValue(name)}`, {
      details: { parameter, table: name },
    });
  }
  return warehouse.describeTable(name);
}

/** Timestamp types (DuckDB sessions run in UTC, so TIMESTAMPTZ casts to the UTC date too). */
const TIMESTAMP_TYPE = /^(TIMESTAMP|DATETIME|TIMESTAMP_(S|MS|NS)|TIMESTAMPTZ|TIMESTAMP WITH TIME ZONE)$/i;

const TYPE_RULES: Partial<Record<SnapshotColumn | LeadColumn, { test: RegExp; expected: string }>> = {
  snapshot_date: { test: /^DATE$/i, expected: 'DATE' },
  contacted_at: { test: TIMESTAMP_TYPE, expected: 'TIMESTAMP' },
  converted_at: { test: TIMESTAMP_TYPE, expected: 'TIMESTAMP' },
  converted: { test: /^BOOL(EAN)?$/i, expected: 'BOOLEAN' },
};

function checkColumns(
  table: TableDescription,
  columns: readonly (readonly [SnapshotColumn | LeadColumn, string])[],
  kind: 'snapshot' | 'lead',
): void {
  const byName = new Map(table.columns.map((c) => [c.name.toLowerCase(), c]));
  for (const [logical, physical] of columns) {
    const found = byName.get(physical.toLowerCase());
    if (!found) {
      throw new SchemaError(
        `${table.name}.${physical} is missing (logical ${kind} column ${logical}); columns: ${table.columns.map((c) => c.name).join(', ')}`,
        { details: { table: table.name, column: physical } },
      );
    }
    const rule = TYPE_RULES[logical];
    if (rule && !rule.test.test(found.type)) {
      throw new SchemaError(
        `${table.name}.${physical} must have type ${rule.expected}, found ${formatValue(found.type)} (load CSV files with explicit column types so malformed values fail instead of turning the column into text)`,
        { details: { table: table.name, column: physical, type: found.type } },
      );
    }
  }
}

interface SourceStats {
  snapshotMin: string | null;
  snapshotMax: string | null;
  offQuarter: number;
}

async function checkSourceRows(
  warehouse: Warehouse,
  spec: DatasetSpec,
  d: SqlDialect,
  names: Readonly<Record<SnapshotColumn, string>>,
  qopts: { params: Record<string, string>; signal?: AbortSignal },
): Promise<SourceStats> {
  const rep = d.quote(names.rep_id);
  const date = d.quote(names.snapshot_date);
  const end = d.cast(d.param(DATA_END_PARAM), 'date');
  // A date is a quarter end exactly when the day after it starts a quarter.
  const quarterEndOf = d.dateAddDays(d.quarterStart(d.dateAddDays(date, 1)), -1);
  const flag = (cond: string) => `SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END)`;
  const check = async (table: string, perRep: boolean) => {
    const ref = d.quote(table);
    const summary =
      (
        await warehouse.query(
          `SELECT COUNT(*) AS n, ${flag(`${date} > ${end}`)} AS future, ${flag(`${rep} IS NULL OR ${date} IS NULL`)} AS null_keys, ${flag(`${date} <> ${quarterEndOf}`)} AS off_quarter, MIN(${date}) AS min_date, MAX(${date}) AS max_date FROM ${ref}`,
          qopts,
        )
      )
        .get(0)
        ?.toJSON() ?? {};
    const future = Number(summary.future ?? 0);
    if (future > 0) {
      const ex = (
        await warehouse.query(
          `SELECT ${rep} AS rep_id, ${d.cast(date, 'string')} AS snapshot_date FROM ${ref} WHERE ${date} > ${end} ORDER BY ${date} DESC, ${rep} LIMIT 5`,
          qopts,
        )
      )
        .toArray()
        .map((r) => `${r.rep_id}@${r.snapshot_date}`);
      throw new DataError(
        `${table} has ${future} rows dated after the data end date ${spec.dataEndDate}, e.g. ${formatValue(ex)}`,
        { details: { table, rows: future, examples: ex } },
      );
    }
    const nullKeys = Number(summary.null_keys ?? 0);
    if (nullKeys > 0) {
      throw new DataError(
        `${table} has ${nullKeys} rows with a null ${names.rep_id} or ${names.snapshot_date}`,
        {
          details: { table, rows: nullKeys },
        },
      );
    }
    const key = perRep ? rep : `${rep}, ${date}`;
    const dups = (
      await warehouse.query(
        `SELECT ${rep} AS rep_id, ${d.cast(perRep ? `MAX(${date})` : date, 'string')} AS snapshot_date, COUNT(*) AS n FROM ${ref} GROUP BY ${key} HAVING COUNT(*) > 1 ORDER BY rep_id LIMIT 5`,
        qopts,
      )
    ).toArray();
    if (dups.length > 0) {
      const ex = dups.map((r) => (perRep ? String(r.rep_id) : `${r.rep_id}@${r.snapshot_date}`));
      throw new DataError(
        `${table} has duplicate ${perRep ? names.rep_id : `(${names.rep_id}, ${names.snapshot_date})`} rows, e.g. ${formatValue(ex)}`,
        { details: { table, examples: ex } },
      );
    }
    const iso = (v: unknown) =>
      v === null || v === undefined ? null : new Date(Number(v)).toISOString().slice(0, 10);
    return {
      min: iso(summary.min_date),
      max: iso(summary.max_date),
      offQuarter: Number(summary.off_quarter ?? 0),
    };
  };
  const snaps = await check(spec.tables.repSnapshots, false);
  await check(spec.tables.repCurrent, true);
  return { snapshotMin: snaps.min, snapshotMax: snaps.max, offQuarter: snaps.offQuarter };
}

async function resolveVersion(
  warehouse: Warehouse,
  spec: DatasetSpec,
  now: Date,
  outDir: string | undefined,
): Promise<{ version: string; tableName: string; metadataPath: string | null }> {
  const candidate = async (version: string) => {
    const tableName = `${spec.output.base}_${version}`;
    quoteOutputTable(warehouse.dialect, tableName, spec.output.base);
    const metadataPath = outDir ? join(outDir, datasetMetadataFileName(spec.output.base, version)) : null;
    const tableTaken = await warehouse.tableExists(tableName);
    const fileTaken = metadataPath
      ? await access(metadataPath).then(
          () => true,
          () => false,
        )
      : false;
    return { version, tableName, metadataPath, taken: tableTaken || fileTaken };
  };
  if (spec.output.version !== undefined) {
    const c = await candidate(spec.output.version);
    if (c.taken && !spec.output.overwrite) {
      throw new ArtifactError(
        `output.version ${formatValue(c.version)} already exists (${c.tableName}${c.metadataPath ? ` or ${c.metadataPath}` : ''}); set output.overwrite: true to replace it`,
        { details: { table: c.tableName, version: c.version } },
      );
    }
    return c;
  }
  const day = now.toISOString().slice(0, 10).replaceAll('-', '');
  for (let seq = 1; seq <= 999; seq++) {
    const c = await candidate(`${day}_${String(seq).padStart(2, '0')}`);
    if (!c.taken) return c;
  }
  throw new ArtifactError(`output.base ${formatValue(spec.output.base)} has no free version left for ${day}`);
}

interface OutputStats {
  rows: number;
  positives: number;
  contactedMin: string | null;
  contactedMax: string | null;
  noSnapshot: number;
  noCurrentRow: number;
  incompleteHistory: number;
  currentAfterCutoff: number;
  nullRates: Record<string, number>;
}

async function outputStatistics(
  warehouse: Warehouse,
  spec: DatasetSpec,
  d: SqlDialect,
  table: string,
  map: ColumnMap['snapshot'],
  columns: readonly string[],
  qopts: { params: Record<string, string>; signal?: AbortSignal },
): Promise<OutputStats> {
  const flag = (cond: string) => `SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END)`;
  const history = historyColumns(spec);
  const historyDates = history.length
    ? Array.from(
        { length: spec.historyQuarters },
        (_, k) => `o.${d.quote(`history_snapshot_date_q${k}`)} IS NULL`,
      )
    : [];
  const cur = d.quote(spec.tables.repCurrent);
  const latest = d.dateAddDays(d.cast('o.contacted_at', 'date'), -spec.availabilityLagDays);
  const select = [
    'COUNT(*) AS n',
    `${flag('o.label = 1')} AS positives`,
    'MIN(o.contacted_at) AS contacted_min',
    'MAX(o.contacted_at) AS contacted_max',
    `${flag('o.pit_snapshot_date IS NULL')} AS no_snapshot`,
    `${flag('c.rep_id IS NULL')} AS no_current`,
    `${flag(`c.snapshot_date > ${latest}`)} AS current_after_cutoff`,
    `${historyDates.length ? flag(historyDates.join(' OR ')) : '0'} AS incomplete_history`,
    ...columns.map((c, i) => `${flag(`o.${d.quote(c)} IS NULL`)} AS ${d.quote(`null_${i}`)}`),
  ];
  const sql = `SELECT ${select.join(', ')} FROM ${d.quote(table)} AS o LEFT JOIN (SELECT ${d.quote(map.rep_id)} AS rep_id, ${d.quote(map.snapshot_date)} AS snapshot_date FROM ${cur}) AS c ON c.rep_id = o.rep_id`;
  const row = (await warehouse.query(sql, qopts)).get(0)?.toJSON() ?? {};
  const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
  const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(Number(v)).toISOString());
  const rows = n(row.n);
  const nullRates: Record<string, number> = {};
  columns.forEach((c, i) => {
    nullRates[c] = rows === 0 ? 0 : n(row[`null_${i}`]) / rows;
  });
  return {
    rows,
    positives: n(row.positives),
    contactedMin: iso(row.contacted_min),
    contactedMax: iso(row.contacted_max),
    noSnapshot: n(row.no_snapshot),
    noCurrentRow: n(row.no_current),
    incompleteHistory: n(row.incomplete_history),
    currentAfterCutoff: n(row.current_after_cutoff),
    nullRates,
  };
}

/** Validates the versioned output name with the warehouse's own quoting, naming `spec.output.base`. */
function quoteOutputTable(d: SqlDialect, tableName: string, base: string): string {
  try {
    return d.quote(tableName);
  } catch (error) {
    throw new InvalidArgumentError(
      `spec.output.base must give a valid ${d.name} table name, found ${formatValue(base)} (-> ${formatValue(tableName)})`,
      { cause: error, details: { parameter: 'spec.output.base', value: base } },
    );
  }
}
