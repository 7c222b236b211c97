import {
  hashJson,
  type Issue,
  LeadscoreError,
  parseWith,
  type SafeResult,
  ValidationError,
} from '@leadscore/core';
import { z } from 'zod';
import type { Warehouse } from '../warehouse/types.js';
import { auditDatasetLeakage } from './audit.js';
import { readDatasetMetadata } from './metadata.js';

/** One check of {@link verifyDataset}. */
export interface VerifyCheck {
  /** Stable check name, e.g. 'output.fingerprint'. */
  readonly name: string;
  /** The issue code this check reports when it fails, e.g. 'fingerprint_changed' (see {@link VERIFY_ISSUE_CODES}). */
  readonly code: string;
  readonly ok: boolean;
  readonly expected: unknown;
  readonly actual: unknown;
  readonly message: string;
}

/** Result of {@link verifyDataset}: `ok` when every check passed. */
export interface VerifyDatasetResult {
  readonly ok: boolean;
  readonly checks: readonly VerifyCheck[];
}

/** Options of {@link verifyDataset}. */
export interface VerifyDatasetOptions {
  /** Compare source table fingerprints too (sources that legitimately moved on will fail). @default true */
  checkSources?: boolean;
  /** Cancels the warehouse calls. @default undefined */
  signal?: AbortSignal;
}

/** The issue code of each check when it fails (the `sources.*` checks share `source_changed`). */
export const VERIFY_ISSUE_CODES: Readonly<Record<string, string>> = Object.freeze({
  'metadata.specHash': 'spec_hash_mismatch',
  'metadata.table': 'table_name_mismatch',
  'output.exists': 'missing_table',
  'output.rowCount': 'row_count_changed',
  'counts.consistent': 'counts_inconsistent',
  'output.fingerprint': 'fingerprint_changed',
  'output.labelRate': 'label_rate_changed',
  'sources.repSnapshots.fingerprint': 'source_changed',
  'sources.repCurrent.fingerprint': 'source_changed',
  'sources.leads.fingerprint': 'source_changed',
  'leakage.audit': 'leakage_found',
});

const verifyOptionsSchema = z
  .object({
    checkSources: z.boolean('must be a boolean').optional(),
    signal: z.custom<AbortSignal>((v) => v instanceof AbortSignal, 'must be an AbortSignal').optional(),
  })
  .strict();

/**
 * Re-checks a materialised dataset against its metadata without rebuilding (the seed's
 * `--verify-only`): metadata integrity (spec hash), output existence, row count, label rate, output and
 * source fingerprints, and the leakage audit re-run in SQL.
 * @example const { ok, checks } = await verifyDataset(wh, 'training_v7_20261126_01', 'out/training_v7_metadata_20261126_01.json')
 */
export async function verifyDataset(
  warehouse: Warehouse,
  tableName: string,
  metadataFile: string,
  options: VerifyDatasetOptions = {},
): Promise<VerifyDatasetResult> {
  parseWith(verifyOptionsSchema, options, 'options');
  const d = warehouse.dialect;
  d.quote(tableName);
  const meta = await readDatasetMetadata(metadataFile);
  const checks: VerifyCheck[] = [];
  const add = (name: string, expected: unknown, actual: unknown, message: string) => {
    const ok = JSON.stringify(expected) === JSON.stringify(actual);
    const code = codeOf(name, actual);
    checks.push({ name, code, ok, expected, actual, message: ok ? `${name} matches` : message });
  };
  const signalOpt = options.signal ? { signal: options.signal } : {};

  add(
    'metadata.specHash',
    meta.specHash,
    hashJson(meta.spec),
    'metadata spec does not hash to its recorded specHash',
  );
  add(
    'metadata.table',
    meta.output.name,
    tableName,
    `metadata describes ${meta.output.name}, not ${tableName}`,
  );
  const exists = await warehouse.tableExists(tableName);
  add('output.exists', true, exists, `${tableName} does not exist`);
  if (!exists) return { ok: false, checks };

  const description = await warehouse.describeTable(tableName, signalOpt);
  add('output.rowCount', meta.output.rowCount, description.rowCount, `${tableName} row count changed`);
  add(
    'counts.consistent',
    meta.counts.leadsIn,
    meta.counts.leadsOut + meta.counts.excludedTotal,
    'metadata counts do not add up (leadsIn != leadsOut + excludedTotal)',
  );
  add(
    'output.fingerprint',
    meta.output.fingerprint,
    description.fingerprint,
    `${tableName} content changed since it was built`,
  );
  try {
    const row = (
      await warehouse.query(
        `SELECT COUNT(*) AS n, SUM(CASE WHEN label = 1 THEN 1 ELSE 0 END) AS positives FROM ${d.quote(tableName)}`,
        signalOpt,
      )
    )
      .get(0)
      ?.toJSON();
    const n = Number(row?.n ?? 0);
    const positives = Number(row?.positives ?? 0);
    add('output.labelRate', meta.labelRate, n === 0 ? 0 : positives / n, `${tableName} label rate changed`);
  } catch (error) {
    if (!(error instanceof LeadscoreError)) throw error;
    checks.push({
      name: 'output.labelRate',
      code: codeOf('output.labelRate', null),
      ok: false,
      expected: meta.labelRate,
      actual: null,
      message: error.message,
    });
  }
  if (options.checkSources ?? true) {
    for (const key of ['repSnapshots', 'repCurrent', 'leads'] as const) {
      const src = meta.sources[key];
      if (!(await warehouse.tableExists(src.name))) {
        add(`sources.${key}.fingerprint`, src.fingerprint, null, `source ${src.name} no longer exists`);
        continue;
      }
      const now = await warehouse.describeTable(src.name, signalOpt);
      add(
        `sources.${key}.fingerprint`,
        src.fingerprint,
        now.fingerprint,
        `source ${src.name} changed since the build`,
      );
    }
  }
  try {
    const audit = await auditDatasetLeakage(warehouse, tableName, meta.spec, signalOpt);
    checks.push({
      name: 'leakage.audit',
      code: codeOf('leakage.audit', null),
      ok: audit.passed,
      expected: { violations: 0, lookbackViolations: 0, undatedValues: 0 },
      actual: {
        violations: audit.violations,
        lookbackViolations: audit.lookbackViolations,
        undatedValues: audit.undatedValues,
        offendingLeadIds: audit.offendingLeadIds,
      },
      message: audit.passed
        ? 'leakage.audit passed'
        : `leakage audit failed for lead ids ${audit.offendingLeadIds.slice(0, 10).join(', ')}`,
    });
  } catch (error) {
    if (!(error instanceof LeadscoreError)) throw error;
    checks.push({
      name: 'leakage.audit',
      code: 'audit_failed',
      ok: false,
      expected: 'audit runs',
      actual: null,
      message: error.message,
    });
  }
  return { ok: checks.every((c) => c.ok), checks };
}

function codeOf(name: string, actual: unknown): string {
  if (name.startsWith('sources.') && actual === null) return 'missing_source';
  return VERIFY_ISSUE_CODES[name] ?? 'check_failed';
}

/** The failing checks of a {@link verifyDataset} result as issues: path = the check name's parts. */
export function verifyIssues(result: VerifyDatasetResult): Issue[] {
  return result.checks
    .filter((c) => !c.ok)
    .map((c) =>
      Object.freeze({
        code: c.code,
        path: Object.freeze(c.name.split('.')),
        value: c.actual,
        message: `${c.name}: ${c.message}`,
      }),
    );
}

/**
 * {@link verifyDataset} as `{ success, data | issues }`: `success` when every check passed; otherwise one
 * typed issue per failing check (`fingerprint_changed`, `row_count_changed`, `missing_table`,
 * `source_changed`, `leakage_found`, ...) whose value is what was found. Bad arguments and unreadable
 * metadata still throw.
 * @example const r = await safeVerifyDataset(wh, table, metaFile); if (!r.success) console.log(r.issues.map((i) => i.code));
 */
export async function safeVerifyDataset(
  warehouse: Warehouse,
  tableName: string,
  metadataFile: string,
  options: VerifyDatasetOptions = {},
): Promise<SafeResult<VerifyDatasetResult>> {
  const result = await verifyDataset(warehouse, tableName, metadataFile, options);
  if (result.ok) return { success: true, data: result, issues: [] };
  return { success: false, issues: verifyIssues(result) };
}

/**
 * Like {@link safeVerifyDataset} but throws a {@link ValidationError} (code `INVALID_DATA`) whose `issues`
 * list every failing check; returns the report when all pass.
 * @example await assertDatasetVerified(wh, table, metaFile);
 */
export async function assertDatasetVerified(
  warehouse: Warehouse,
  tableName: string,
  metadataFile: string,
  options: VerifyDatasetOptions = {},
): Promise<VerifyDatasetResult> {
  const r = await safeVerifyDataset(warehouse, tableName, metadataFile, options);
  if (!r.success) {
    throw new ValidationError(r.issues, { code: 'INVALID_DATA', details: { table: tableName } });
  }
  return r.data;
}
