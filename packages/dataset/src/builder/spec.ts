import {
  COLUMN_GROUPS,
  type ColumnMapOptions,
  columnMapOptionsSchema,
  parseWith,
  type SafeResult,
  SNAPSHOT_COLUMNS,
  type SnapshotColumn,
  safeParseWith,
  ValidationError,
} from '@leadscore/core';
import { z } from 'zod';
import { IDENTIFIER_SEGMENT } from '../warehouse/identifiers.js';

/**
 * How a feature group reads rep attributes for a lead whose cutoff is `contacted_at`:
 * - `pointInTime`: the latest snapshot with `snapshot_date + availabilityLagDays <= cutoff` and
 *   `cutoff - snapshot_date <= maxLookbackDays` (both in whole days, inclusive); otherwise null.
 * - `current`: the rep's `rep_current` row whatever its date (leakage-exposed; listed in metadata).
 * - `history`: `historyQuarters` calendar-aligned quarter-end snapshots, as `{col}_q{k}` columns.
 */
export const FEATURE_POLICIES = ['pointInTime', 'current', 'history'] as const;
/** A feature group policy. */
export type FeaturePolicy = (typeof FEATURE_POLICIES)[number];

/** Kinds of cohort (population) statistics. */
export const COHORT_STAT_KINDS = ['percentRank', 'count', 'sum', 'mean', 'share'] as const;
/** A cohort statistic kind. */
export type CohortStatKind = (typeof COHORT_STAT_KINDS)[number];

const identifier = z.string().regex(IDENTIFIER_SEGMENT, 'must be an identifier [A-Za-z_][A-Za-z0-9_]*');
const tableName = z
  .string()
  .regex(
    /^(?:[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}|[a-z][a-z0-9-]{4,28}[a-z0-9](\.[A-Za-z_][A-Za-z0-9_]*){2})$/,
    'must be a (dotted) identifier; a BigQuery project id with hyphens may lead a three-part name',
  );
const snapshotColumn = z.enum(SNAPSHOT_COLUMNS);
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be an ISO date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'must be a real calendar date');

/** A feature group: columns of the snapshot contract read under one policy. */
export const featureGroupSchema = z
  .object({
    /** Group name, for reports. */
    name: identifier,
    policy: z.enum(FEATURE_POLICIES),
    columns: z.array(snapshotColumn).min(1),
  })
  .strict();
/** A feature group. */
export type FeatureGroup = z.infer<typeof featureGroupSchema>;

/**
 * A cohort statistic, computed over the WHOLE snapshot population before the join (not over the lead
 * sample): per snapshot_date for `pointInTime` sources, over all of `rep_current` for `current` ones.
 * - `percentRank`: PERCENT_RANK of `column` within the partition (0..1; null when the value or a
 *   partition key is null).
 * - `count`: rows in the partition (e.g. reps per metro).
 * - `sum` / `mean`: of `column` within the partition (e.g. firm total aum).
 * - `share`: `column` / sum of `column` within the partition.
 */
export const cohortStatSchema = z
  .object({
    /** Output column name. */
    name: identifier,
    kind: z.enum(COHORT_STAT_KINDS),
    /** Value column; required for every kind except `count`. */
    column: snapshotColumn.optional(),
    /** Partition columns (snapshot_date is implied for point-in-time sources). */
    partitionBy: z.array(snapshotColumn).min(1),
    /**
     * Population the statistic is computed over. @default the policy of `column` (or of
     * `partitionBy[0]` for `count`): `current` when that column is under the `current` policy, else
     * `pointInTime`.
     */
    source: z.enum(['pointInTime', 'current']).optional(),
  })
  .strict();
/** A cohort statistic declaration. */
export type CohortStat = z.infer<typeof cohortStatSchema>;

const VERSION = /^\d{8}_\d{2,}$/;

/** zod schema of a {@link DatasetSpec}; `parseDatasetSpec` applies it and every default. */
export const datasetSpecSchema = z
  .object({
    /** Source table names. */
    tables: z
      .object({
        repSnapshots: tableName.default('rep_snapshots'),
        repCurrent: tableName.default('rep_current'),
        leads: tableName.default('leads'),
      })
      .strict()
      .default({ repSnapshots: 'rep_snapshots', repCurrent: 'rep_current', leads: 'leads' }),
    /** Physical column names that differ from the contract. @default {} */
    columnMap: columnMapOptionsSchema.default({}),
    featureGroups: z.array(featureGroupSchema).min(1),
    /** Days between a snapshot's date and the day it can be used. @default 0 */
    availabilityLagDays: z.number().int().min(0).max(3650).default(0),
    /** Oldest point-in-time snapshot, in days before the cutoff. @default 120 */
    maxLookbackDays: z.number().int().min(0).max(36500).default(120),
    /** Quarters of history (`{col}_q0`..`{col}_q{N-1}`). @default 8 */
    historyQuarters: z.number().int().min(1).max(40).default(8),
    /** Days after contact within which a conversion counts. @default 30 */
    labelHorizonDays: z.number().int().min(0).max(3650).default(30),
    /** Last day the data describes; later snapshots are an error, later leads are excluded. */
    dataEndDate: isoDate,
    /** Output table `{base}_{version}`. */
    output: z
      .object({
        /** Table name base (may be dataset-qualified: `analytics.training_v7`). */
        base: tableName,
        /** `YYYYMMDD_NN`. @default today (UTC) and the next free sequence number */
        version: z.string().regex(VERSION, 'must look like 20261126_01').optional(),
        /** Replace an existing table of that version. @default false */
        overwrite: z.boolean().default(false),
      })
      .strict(),
    /** Cohort statistics. @default [] */
    cohortStats: z.array(cohortStatSchema).default([]),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.maxLookbackDays < spec.availabilityLagDays) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxLookbackDays'],
        message: `must be >= availabilityLagDays (${spec.availabilityLagDays}), or no snapshot could ever qualify`,
      });
    }
    const single = new Map<string, string>();
    const outputs = new Set<string>(RESERVED_OUTPUT_COLUMNS);
    spec.featureGroups.forEach((g, gi) => {
      const seen = new Set<string>();
      g.columns.forEach((c, ci) => {
        if (c === 'rep_id' || c === 'snapshot_date') {
          ctx.addIssue({
            code: 'custom',
            path: ['featureGroups', gi, 'columns', ci],
            message: `${c} is a key, not a feature column`,
          });
        }
        if (seen.has(c)) {
          ctx.addIssue({
            code: 'custom',
            path: ['featureGroups', gi, 'columns', ci],
            message: `${c} is listed twice in group ${g.name}`,
          });
        }
        seen.add(c);
        if (g.policy === 'history') return;
        const prev = single.get(c);
        if (prev !== undefined && prev !== g.name) {
          ctx.addIssue({
            code: 'custom',
            path: ['featureGroups', gi, 'columns', ci],
            message: `${c} is already read by group ${prev}; a column has one pointInTime/current policy`,
          });
        }
        single.set(c, g.name);
        outputs.add(c);
      });
    });
    const historyGroups = spec.featureGroups.filter((g) => g.policy === 'history');
    for (const g of historyGroups) {
      for (const c of g.columns) {
        for (let k = 0; k < spec.historyQuarters; k++) outputs.add(`${c}_q${k}`);
      }
    }
    // The history dates exist whenever any history group does; the audit reads them by name.
    if (historyGroups.length > 0) {
      for (let k = 0; k < spec.historyQuarters; k++) outputs.add(`history_snapshot_date_q${k}`);
    }
    spec.cohortStats.forEach((s, si) => {
      if (s.kind !== 'count' && s.column === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['cohortStats', si, 'column'],
          message: `${s.kind} needs a column`,
        });
      }
      if (outputs.has(s.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['cohortStats', si, 'name'],
          message: `${s.name} collides with another output column`,
        });
      }
      outputs.add(s.name);
    });
  });

/** Output columns every dataset has, whatever the spec. */
export const RESERVED_OUTPUT_COLUMNS = [
  'lead_id',
  'rep_id',
  'contacted_at',
  'lead_source',
  'label',
  'pit_snapshot_date',
] as const;

/** A dataset specification with every default applied (see {@link datasetSpecSchema}). */
export type DatasetSpec = z.output<typeof datasetSpecSchema>;
/** What callers may write: defaults optional. */
export type DatasetSpecInput = z.input<typeof datasetSpecSchema>;

/**
 * Validates a spec and applies defaults, reporting every problem: `{ success: false, issues }` with one
 * typed issue per problem (zod's codes: `'too_small'`, `'invalid_type'`, `'unrecognized_key'`, ...,
 * paths under `spec`). The data is deeply frozen.
 * @example const r = safeParseDatasetSpec({ dataEndDate: '2025-12-31', historyQuarters: 0 }); // r.issues[0].code === 'too_small'
 */
export function safeParseDatasetSpec(input: unknown): SafeResult<DatasetSpec> {
  const r = safeParseWith(datasetSpecSchema, input, 'spec');
  return r.success ? { success: true, data: deepFreeze(r.data), issues: [] } : r;
}

/**
 * Validates a spec and applies defaults; throws a {@link ValidationError} whose `issues` list every bad
 * field (`spec.featureGroups.0.policy: ...`) with its code, path and value. The result is deeply frozen.
 */
export function parseDatasetSpec(input: unknown): DatasetSpec {
  const r = safeParseDatasetSpec(input);
  if (!r.success) throw new ValidationError(r.issues);
  return r.data;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The resolved policy of each single-valued (pointInTime/current) column of a spec. */
export function columnPolicies(spec: DatasetSpec): Map<SnapshotColumn, 'pointInTime' | 'current'> {
  const out = new Map<SnapshotColumn, 'pointInTime' | 'current'>();
  for (const g of spec.featureGroups) {
    if (g.policy === 'history') continue;
    for (const c of g.columns) out.set(c, g.policy);
  }
  return out;
}

/** The population a cohort statistic is computed over (see {@link cohortStatSchema}). */
export function cohortSource(spec: DatasetSpec, stat: CohortStat): 'pointInTime' | 'current' {
  if (stat.source) return stat.source;
  const policies = columnPolicies(spec);
  const anchor = stat.column ?? stat.partitionBy[0];
  return anchor !== undefined && policies.get(anchor) === 'current' ? 'current' : 'pointInTime';
}

/** Columns (and cohort statistics) whose values may come from after the cutoff: the `current` ones. */
export function leakageExposedColumns(spec: DatasetSpec): string[] {
  const out: string[] = [];
  for (const [c, p] of columnPolicies(spec)) if (p === 'current') out.push(c);
  for (const s of spec.cohortStats) if (cohortSource(spec, s) === 'current') out.push(s.name);
  return out;
}

/** Options of {@link v7DatasetSpec}. */
export interface V7DatasetSpecOptions {
  /** Last day the data describes (ISO date). */
  dataEndDate: string;
  /** Source table names. @default rep_snapshots, rep_current, leads */
  tables?: { repSnapshots?: string; repCurrent?: string; leads?: string };
  /** Physical names differing from the contract. @default {} */
  columnMap?: ColumnMapOptions;
  /** Output table base. @default 'step_3_3_training_dataset_v7' */
  outputBase?: string;
  /** Output version. @default today and the next free sequence */
  version?: string;
  /** Replace an existing version. @default false */
  overwrite?: boolean;
  /** @default 0 */
  availabilityLagDays?: number;
  /** @default 120 */
  maxLookbackDays?: number;
  /** @default 8 */
  historyQuarters?: number;
  /** @default 30 */
  labelHorizonDays?: number;
}

const specShape = datasetSpecSchema.shape;

/** The one list of {@link v7DatasetSpec}'s options, each checked as the spec field it fills. */
const v7DatasetSpecOptionsSchema = z
  .object({
    dataEndDate: specShape.dataEndDate,
    tables: specShape.tables,
    columnMap: specShape.columnMap,
    outputBase: specShape.output.shape.base.optional(),
    version: specShape.output.shape.version,
    overwrite: z.boolean().optional(),
    availabilityLagDays: specShape.availabilityLagDays,
    maxLookbackDays: specShape.maxLookbackDays,
    historyQuarters: specShape.historyQuarters,
    labelHorizonDays: specShape.labelHorizonDays,
  })
  .strict();

/**
 * The V7 reference spec (the seed's hybrid policy): financial columns from `rep_current` (to match
 * production scoring; leakage-exposed), career and market columns point-in-time, 8 quarters of history
 * of aum, num_clients, firm_id and firm_rep_count, and the market-position cohort statistics.
 * @example const spec = v7DatasetSpec({ dataEndDate: '2025-12-31' })
 */
export function v7DatasetSpec(options: V7DatasetSpecOptions): DatasetSpec {
  parseWith(v7DatasetSpecOptionsSchema, options, 'options');
  return parseDatasetSpec({
    tables: {
      repSnapshots: options.tables?.repSnapshots ?? 'rep_snapshots',
      repCurrent: options.tables?.repCurrent ?? 'rep_current',
      leads: options.tables?.leads ?? 'leads',
    },
    columnMap: options.columnMap ?? {},
    featureGroups: [
      { name: 'career', policy: 'pointInTime', columns: [...COLUMN_GROUPS.career] },
      { name: 'market', policy: 'pointInTime', columns: [...COLUMN_GROUPS.market] },
      { name: 'financial', policy: 'current', columns: [...COLUMN_GROUPS.financial] },
      { name: 'temporal', policy: 'history', columns: ['aum', 'num_clients', 'firm_id', 'firm_rep_count'] },
    ],
    availabilityLagDays: options.availabilityLagDays ?? 0,
    maxLookbackDays: options.maxLookbackDays ?? 120,
    historyQuarters: options.historyQuarters ?? 8,
    labelHorizonDays: options.labelHorizonDays ?? 30,
    dataEndDate: options.dataEndDate,
    output: {
      base: options.outputBase ?? 'step_3_3_training_dataset_v7',
      ...(options.version === undefined ? {} : { version: options.version }),
      overwrite: options.overwrite ?? false,
    },
    cohortStats: [
      { name: 'aum_pct_rank_state', kind: 'percentRank', column: 'aum', partitionBy: ['state'] },
      { name: 'aum_pct_rank_firm', kind: 'percentRank', column: 'aum', partitionBy: ['firm_id'] },
      { name: 'metro_rep_count', kind: 'count', partitionBy: ['metro'] },
      { name: 'firm_total_aum', kind: 'sum', column: 'aum', partitionBy: ['firm_id'] },
    ],
  });
}
