import { readFile } from 'node:fs/promises';
import { ArtifactError, formatValue } from '@leadscore/core';
import { z } from 'zod';
import { type DatasetSpec, datasetSpecSchema } from './spec.js';
import { EXCLUSION_REASONS, type ExclusionReason } from './sql.js';

/** Identifies dataset metadata files. */
export const DATASET_METADATA_FORMAT = 'leadscore.dataset-metadata';
/** Current metadata layout version. */
export const DATASET_METADATA_FORMAT_VERSION = 1;

/** A source or output table as it was when the dataset was built. */
export interface TableFingerprint {
  readonly name: string;
  readonly rowCount: number;
  /** Content fingerprint from `Warehouse.describeTable`. */
  readonly fingerprint: string;
}

/** Result of the leakage audit on a materialised dataset. */
export interface LeakageAuditResult {
  /** No violation of any kind. */
  readonly passed: boolean;
  /** Point-in-time and history snapshot dates checked (non-null values). */
  readonly checkedValues: number;
  /** Rows with a point-in-time or history snapshot date later than cutoff - availabilityLagDays. */
  readonly violations: number;
  /** Rows whose point-in-time snapshot is older than maxLookbackDays. */
  readonly lookbackViolations: number;
  /** Rows with a point-in-time or history value but no snapshot date to vouch for it. */
  readonly undatedValues: number;
  /** Up to 50 offending lead ids, sorted. */
  readonly offendingLeadIds: readonly string[];
}

/** Everything `buildDataset` records about a dataset (written as JSON next to the output). */
export interface DatasetMetadata {
  readonly format: typeof DATASET_METADATA_FORMAT;
  readonly formatVersion: typeof DATASET_METADATA_FORMAT_VERSION;
  readonly createdAt: string;
  /** Name of the warehouse's SQL dialect ('duckdb', 'bigquery', or another warehouse's). */
  readonly warehouse: string;
  readonly version: string;
  readonly spec: DatasetSpec;
  /** sha256 of the canonical JSON of `spec`. */
  readonly specHash: string;
  readonly sources: {
    readonly repSnapshots: TableFingerprint;
    readonly repCurrent: TableFingerprint;
    readonly leads: TableFingerprint;
  };
  readonly output: TableFingerprint & { readonly columns: readonly { name: string; type: string }[] };
  readonly counts: {
    readonly leadsIn: number;
    readonly leadsOut: number;
    readonly excludedTotal: number;
    /** Excluded leads by reason (every reason listed, zeros included). */
    readonly excluded: Readonly<Record<ExclusionReason, number>>;
    /** Leads kept with null features, by cause. */
    readonly keptWithNulls: {
      /** No point-in-time snapshot within the lookback (point-in-time columns and pit_snapshot_date null). */
      readonly noSnapshotWithinLookback: number;
      /** No rep_current row (current columns null). */
      readonly noCurrentRow: number;
      /** Leads with at least one history quarter missing. */
      readonly incompleteHistory: number;
    };
  };
  readonly positives: number;
  /** positives / leadsOut (0 when no lead is kept). */
  readonly labelRate: number;
  readonly dateRange: {
    readonly contactedAtMin: string | null;
    readonly contactedAtMax: string | null;
    readonly snapshotDateMin: string | null;
    readonly snapshotDateMax: string | null;
    readonly dataEndDate: string;
  };
  /** Share of nulls per output column. */
  readonly nullRates: Readonly<Record<string, number>>;
  readonly inputChecks: {
    /** Snapshots whose date is not a calendar quarter end (history cannot align them). */
    readonly offQuarterSnapshots: number;
  };
  readonly leakage: {
    /** Current-policy columns and current-source cohort statistics. */
    readonly exposedColumns: readonly string[];
    /** Kept leads whose rep_current row is dated after their cutoff - lag (values from their future). */
    readonly currentRowsAfterCutoff: number;
    readonly audit: LeakageAuditResult;
  };
}

const fingerprintSchema = z
  .object({ name: z.string(), rowCount: z.number(), fingerprint: z.string() })
  .passthrough();

/** zod schema used to read metadata files back (unknown extra fields are kept). */
export const datasetMetadataSchema = z
  .object({
    format: z.literal(DATASET_METADATA_FORMAT),
    formatVersion: z.literal(DATASET_METADATA_FORMAT_VERSION),
    createdAt: z.string(),
    warehouse: z.string().min(1),
    version: z.string(),
    spec: z.unknown(),
    specHash: z.string(),
    sources: z.object({
      repSnapshots: fingerprintSchema,
      repCurrent: fingerprintSchema,
      leads: fingerprintSchema,
    }),
    output: fingerprintSchema.extend({ columns: z.array(z.object({ name: z.string(), type: z.string() })) }),
    counts: z
      .object({
        leadsIn: z.number(),
        leadsOut: z.number(),
        excludedTotal: z.number(),
        excluded: z.record(z.enum(EXCLUSION_REASONS), z.number()),
      })
      .passthrough(),
    positives: z.number(),
    labelRate: z.number(),
    leakage: z.object({ exposedColumns: z.array(z.string()) }).passthrough(),
  })
  .passthrough();

/** Reads and validates a metadata file; the embedded spec is re-validated. */
export async function readDatasetMetadata(path: string): Promise<DatasetMetadata> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ArtifactError(`metadataFile ${formatValue(path)} could not be read`, {
      cause: error,
      details: { path },
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ArtifactError(`metadataFile ${formatValue(path)} is not valid JSON`, {
      cause: error,
      details: { path },
    });
  }
  const r = datasetMetadataSchema.safeParse(json);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new ArtifactError(
      `metadataFile ${formatValue(path)} is not dataset metadata: ${first?.path.join('.')}: ${first?.message}`,
      { details: { path } },
    );
  }
  const spec = datasetSpecSchema.safeParse(r.data.spec);
  if (!spec.success) {
    throw new ArtifactError(
      `metadataFile ${formatValue(path)} holds an invalid spec: ${spec.error.issues[0]?.message}`,
      {
        details: { path },
      },
    );
  }
  return { ...(r.data as unknown as DatasetMetadata), spec: spec.data };
}
