import { type ColumnMap, type ColumnMapOptions, createColumnMap, type SnapshotColumn } from '@leadscore/core';
import type { SqlDialect } from '../warehouse/types.js';
import { type CohortStat, cohortSource, columnPolicies, type DatasetSpec } from './spec.js';

/*
 * The one SQL generator of the dataset builder. It emits ANSI constructs valid in DuckDB and BigQuery
 * and asks the dialect for the rest (quoting, parameters, date arithmetic, casts). All dates are
 * compared as whole days: with cutoff_date = CAST(contacted_at AS DATE),
 *   point-in-time eligible  <=>  cutoff_date - maxLookbackDays <= snapshot_date <= cutoff_date - lag
 * which is exactly "snapshot_date + lag <= cutoff" (a date at midnight is <= any time of a later-or-
 * equal day) and "cutoff - snapshot_date <= maxLookbackDays" in days.
 */

/** Lead exclusion reasons, in the order they are tested (a lead gets the first that applies). */
export const EXCLUSION_REASONS = [
  'null_lead_id',
  'duplicate_lead_id',
  'null_contacted_at',
  'unknown_rep',
  'contacted_after_data_end',
  'label_horizon_open',
  'null_converted',
  'converted_without_date',
  'converted_before_contact',
  'conversion_date_without_flag',
] as const;
/** Why a lead was excluded from the dataset. */
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

/** Parameter holding the data end date (an ISO string, cast to DATE in SQL). */
export const DATA_END_PARAM = 'data_end_date';

/** The output columns of a spec, in table order, with where each comes from. */
export interface OutputColumn {
  readonly name: string;
  readonly kind:
    | 'key'
    | 'label'
    | 'pointInTime'
    | 'current'
    | 'pitDate'
    | 'cohort'
    | 'history'
    | 'historyDate';
  /** Snapshot column for pointInTime/current/history columns. */
  readonly source?: SnapshotColumn;
  /** Quarter offset for history columns. */
  readonly quarter?: number;
}

/** Lists the output columns of a spec (the table shape documented on `buildDataset`). */
export function outputColumns(spec: DatasetSpec): OutputColumn[] {
  const cols: OutputColumn[] = [
    { name: 'lead_id', kind: 'key' },
    { name: 'rep_id', kind: 'key' },
    { name: 'contacted_at', kind: 'key' },
    { name: 'lead_source', kind: 'key' },
    { name: 'label', kind: 'label' },
  ];
  for (const [c, p] of columnPolicies(spec)) cols.push({ name: c, kind: p, source: c });
  cols.push({ name: 'pit_snapshot_date', kind: 'pitDate' });
  for (const s of spec.cohortStats) cols.push({ name: s.name, kind: 'cohort' });
  const history = historyColumns(spec);
  for (const c of history) {
    for (let k = 0; k < spec.historyQuarters; k++)
      cols.push({ name: `${c}_q${k}`, kind: 'history', source: c, quarter: k });
  }
  if (history.length > 0) {
    for (let k = 0; k < spec.historyQuarters; k++) {
      cols.push({ name: `history_snapshot_date_q${k}`, kind: 'historyDate', quarter: k });
    }
  }
  return cols;
}

/** Distinct history columns of a spec, in declaration order. */
export function historyColumns(spec: DatasetSpec): SnapshotColumn[] {
  const out: SnapshotColumn[] = [];
  for (const g of spec.featureGroups) {
    if (g.policy !== 'history') continue;
    for (const c of g.columns) if (!out.includes(c)) out.push(c);
  }
  return out;
}

/** Snapshot columns each source table must provide. */
export function requiredSourceColumns(spec: DatasetSpec): {
  snapshots: SnapshotColumn[];
  current: SnapshotColumn[];
} {
  const snapshots = new Set<SnapshotColumn>(['rep_id', 'snapshot_date']);
  const current = new Set<SnapshotColumn>(['rep_id', 'snapshot_date']);
  for (const [c, p] of columnPolicies(spec)) (p === 'current' ? current : snapshots).add(c);
  for (const c of historyColumns(spec)) snapshots.add(c);
  for (const s of spec.cohortStats) {
    const target = cohortSource(spec, s) === 'current' ? current : snapshots;
    if (s.column) target.add(s.column);
    for (const p of s.partitionBy) target.add(p);
  }
  return { snapshots: [...snapshots], current: [...current] };
}

/** The SQL pieces of a build: CTEs shared by the output and the exclusion counts. */
export interface DatasetSql {
  /** `CREATE TABLE <output> AS ...`. */
  readonly createOutput: string;
  /** One row per exclusion reason present: `reason, n`, plus the kept leads as reason `__kept__`. */
  readonly exclusionCounts: string;
  readonly columns: readonly OutputColumn[];
  readonly columnMap: ColumnMap;
}

function cohortExpr(
  d: SqlDialect,
  stat: CohortStat,
  byDate: boolean,
  col: (c: SnapshotColumn) => string,
): string {
  const parts = stat.partitionBy.map(col);
  const keyNull = parts.map((p) => `${p} IS NULL`).join(' OR ');
  const dateKey = byDate ? [col('snapshot_date')] : [];
  const partition = [...dateKey, ...parts];
  const value = stat.column ? col(stat.column) : undefined;
  switch (stat.kind) {
    case 'percentRank': {
      // Null values sit in their own partition so they neither get nor shift a rank (NULLS FIRST/LAST
      // differ between engines).
      const v = value as string;
      return `CASE WHEN ${v} IS NULL OR ${keyNull} THEN NULL ELSE PERCENT_RANK() OVER (PARTITION BY ${[...partition, `(${v} IS NULL)`].join(', ')} ORDER BY ${v}) END`;
    }
    case 'count':
      return `CASE WHEN ${keyNull} THEN NULL ELSE ${d.cast(`COUNT(*) OVER (PARTITION BY ${partition.join(', ')})`, 'int32')} END`;
    case 'sum':
      return `CASE WHEN ${keyNull} THEN NULL ELSE ${d.cast(`SUM(${value}) OVER (PARTITION BY ${partition.join(', ')})`, 'float')} END`;
    case 'mean':
      return `CASE WHEN ${keyNull} THEN NULL ELSE ${d.cast(`AVG(${value}) OVER (PARTITION BY ${partition.join(', ')})`, 'float')} END`;
    case 'share':
      return `CASE WHEN ${keyNull} THEN NULL ELSE ${d.cast(value as string, 'float')} / NULLIF(SUM(${value}) OVER (PARTITION BY ${partition.join(', ')}), 0) END`;
  }
}

/**
 * Compiles a spec to SQL for a dialect. Output shape: see `buildDataset`. Table names are validated
 * and quoted by the dialect; the data end date is the only parameter (`DATA_END_PARAM`).
 */
export function compileDatasetSql(
  spec: DatasetSpec,
  dialect: SqlDialect,
  outputTable: string,
  options: { replace?: boolean } = {},
): DatasetSql {
  const d = dialect;
  const map = createColumnMap(spec.columnMap as ColumnMapOptions);
  const q = (name: string) => d.quote(name);
  const sc = (c: SnapshotColumn) => q(map.snapshot[c]);
  const lc = (c: keyof ColumnMap['lead']) => q(map.lead[c]);
  const S = q(spec.tables.repSnapshots);
  const C = q(spec.tables.repCurrent);
  const L = q(spec.tables.leads);
  const dataEnd = d.cast(d.param(DATA_END_PARAM), 'date');
  const lag = spec.availabilityLagDays;
  const required = requiredSourceColumns(spec);
  const pointInTimeStats = spec.cohortStats.filter((s) => cohortSource(spec, s) === 'pointInTime');
  const currentStats = spec.cohortStats.filter((s) => cohortSource(spec, s) === 'current');
  const history = historyColumns(spec);
  const policies = columnPolicies(spec);

  // Snapshot and current rows under logical names, with their cohort statistics computed over the whole
  // population before any join.
  const snapCols = required.snapshots.map((c) => `${sc(c)} AS ${q(c)}`);
  const snapStats = pointInTimeStats.map((s) => `${cohortExpr(d, s, true, sc)} AS ${q(s.name)}`);
  const curCols = required.current.map((c) => `${sc(c)} AS ${q(c)}`);
  const curStats = currentStats.map((s) => `${cohortExpr(d, s, false, sc)} AS ${q(s.name)}`);

  const cutoffDate = d.cast('lr.contacted_at', 'date');
  const reason = [
    `WHEN lr.lead_id IS NULL THEN 'null_lead_id'`,
    `WHEN lr.lead_id_copies > 1 THEN 'duplicate_lead_id'`,
    `WHEN lr.contacted_at IS NULL THEN 'null_contacted_at'`,
    `WHEN kr.rep_id IS NULL THEN 'unknown_rep'`,
    `WHEN ${cutoffDate} > ${dataEnd} THEN 'contacted_after_data_end'`,
    `WHEN ${d.dateAddDays(cutoffDate, spec.labelHorizonDays)} > ${dataEnd} THEN 'label_horizon_open'`,
    `WHEN lr.converted IS NULL THEN 'null_converted'`,
    `WHEN lr.converted AND lr.converted_at IS NULL THEN 'converted_without_date'`,
    // A conversion dated before the contact is not this lead's outcome (the rep had already moved), and a
    // date without the flag contradicts itself: both are counted, never labelled.
    `WHEN lr.converted AND lr.converted_at < lr.contacted_at THEN 'converted_before_contact'`,
    `WHEN NOT lr.converted AND lr.converted_at IS NOT NULL THEN 'conversion_date_without_flag'`,
  ];
  const spineDate = d.cast('c.contacted_at', 'date');
  const anchor = d.dateAddDays(spineDate, -lag);
  // First day of the quarter after the anchor quarter end Q (Q = latest quarter end <= anchor date).
  const nextQuarterStart = d.quarterStart(d.dateAddDays(anchor, 1));
  const historyDates = history.length
    ? Array.from(
        { length: spec.historyQuarters },
        (_, k) =>
          `${d.dateAddDays(k === 0 ? nextQuarterStart : d.dateAddMonths(nextQuarterStart, -3 * k), -1)} AS ${q(`q_date_${k}`)}`,
      )
    : [];

  const ctes = [
    `lead_rows AS (SELECT ${lc('lead_id')} AS lead_id, ${lc('rep_id')} AS rep_id, ${lc('contacted_at')} AS contacted_at, ${lc('converted')} AS converted, ${lc('converted_at')} AS converted_at, ${lc('lead_source')} AS lead_source, COUNT(*) OVER (PARTITION BY ${lc('lead_id')}) AS lead_id_copies FROM ${L})`,
    `known_reps AS (SELECT DISTINCT rep_id FROM (SELECT ${sc('rep_id')} AS rep_id FROM ${S} UNION ALL SELECT ${sc('rep_id')} AS rep_id FROM ${C}) AS all_reps WHERE rep_id IS NOT NULL)`,
    `classified AS (SELECT lr.*, CASE ${reason.join(' ')} ELSE NULL END AS exclusion_reason FROM lead_rows AS lr LEFT JOIN known_reps AS kr ON kr.rep_id = lr.rep_id)`,
    `spine AS (SELECT c.lead_id, c.rep_id, c.contacted_at, c.lead_source, ${d.cast(`CASE WHEN c.converted AND c.converted_at <= ${d.timestampAddDays('c.contacted_at', spec.labelHorizonDays)} THEN 1 ELSE 0 END`, 'int32')} AS label, ${anchor} AS avail_date, ${d.dateAddDays(spineDate, -spec.maxLookbackDays)} AS min_date${historyDates.map((h) => `, ${h}`).join('')} FROM classified AS c WHERE c.exclusion_reason IS NULL)`,
    `snap AS (SELECT ${[...snapCols, ...snapStats].join(', ')} FROM ${S})`,
    `cur AS (SELECT ${[...curCols, ...curStats].join(', ')} FROM ${C})`,
    `snap_keys AS (SELECT ${sc('rep_id')} AS rep_id, ${sc('snapshot_date')} AS snapshot_date FROM ${S})`,
    `pit_pick AS (SELECT sp.lead_id, MAX(s.snapshot_date) AS pit_snapshot_date FROM spine AS sp JOIN snap_keys AS s ON s.rep_id = sp.rep_id AND s.snapshot_date <= sp.avail_date AND s.snapshot_date >= sp.min_date GROUP BY sp.lead_id)`,
  ];

  if (history.length) {
    // One range join of each lead to its rep's snapshots in the history window, pivoted to fixed-width
    // columns by exact quarter-end date (off-quarter snapshots match no q_date and drop out).
    const N = spec.historyQuarters;
    const pivot: string[] = [];
    for (const c of history) {
      for (let k = 0; k < N; k++) {
        pivot.push(
          `MAX(CASE WHEN h.snapshot_date = sp.${q(`q_date_${k}`)} THEN h.${q(c)} END) AS ${q(`${c}_q${k}`)}`,
        );
      }
    }
    for (let k = 0; k < N; k++) {
      pivot.push(
        `MAX(CASE WHEN h.snapshot_date = sp.${q(`q_date_${k}`)} THEN h.snapshot_date END) AS ${q(`history_snapshot_date_q${k}`)}`,
      );
    }
    ctes.push(
      `hist AS (SELECT ${[`${sc('rep_id')} AS rep_id`, `${sc('snapshot_date')} AS snapshot_date`, ...history.map((c) => `${sc(c)} AS ${q(c)}`)].join(', ')} FROM ${S})`,
      `hist_wide AS (SELECT sp.lead_id, ${pivot.join(', ')} FROM spine AS sp JOIN hist AS h ON h.rep_id = sp.rep_id AND h.snapshot_date <= sp.${q('q_date_0')} AND h.snapshot_date >= sp.${q(`q_date_${N - 1}`)} GROUP BY sp.lead_id)`,
    );
  }

  const select: string[] = [
    'sp.lead_id AS lead_id',
    'sp.rep_id AS rep_id',
    'sp.contacted_at AS contacted_at',
    'sp.lead_source AS lead_source',
    'sp.label AS label',
  ];
  for (const [c, p] of policies) select.push(`${p === 'current' ? 'cu' : 'p'}.${q(c)} AS ${q(c)}`);
  select.push('pp.pit_snapshot_date AS pit_snapshot_date');
  for (const s of spec.cohortStats) {
    select.push(`${cohortSource(spec, s) === 'current' ? 'cu' : 'p'}.${q(s.name)} AS ${q(s.name)}`);
  }
  const historyJoins: string[] = [];
  if (history.length) {
    for (const c of history) {
      for (let k = 0; k < spec.historyQuarters; k++)
        select.push(`hw.${q(`${c}_q${k}`)} AS ${q(`${c}_q${k}`)}`);
    }
    for (let k = 0; k < spec.historyQuarters; k++) {
      select.push(`hw.${q(`history_snapshot_date_q${k}`)} AS ${q(`history_snapshot_date_q${k}`)}`);
    }
    historyJoins.push('LEFT JOIN hist_wide AS hw ON hw.lead_id = sp.lead_id');
  }
  const body = [
    `WITH ${ctes.join(',\n')}`,
    `SELECT ${select.join(', ')}`,
    'FROM spine AS sp',
    'LEFT JOIN pit_pick AS pp ON pp.lead_id = sp.lead_id',
    'LEFT JOIN snap AS p ON p.rep_id = sp.rep_id AND p.snapshot_date = pp.pit_snapshot_date',
    'LEFT JOIN cur AS cu ON cu.rep_id = sp.rep_id',
    ...historyJoins,
  ].join('\n');

  const exclusionCounts = [
    `WITH ${ctes.slice(0, 3).join(',\n')}`,
    "SELECT COALESCE(exclusion_reason, '__kept__') AS reason, COUNT(*) AS n FROM classified GROUP BY COALESCE(exclusion_reason, '__kept__')",
  ].join('\n');

  return {
    createOutput: d.createTableAs(outputTable, body, { replace: options.replace ?? false }),
    exclusionCounts,
    columns: outputColumns(spec),
    columnMap: map,
  };
}
