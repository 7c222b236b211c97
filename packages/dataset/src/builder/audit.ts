import type { QueryOptions, Warehouse } from '../warehouse/types.js';
import type { LeakageAuditResult } from './metadata.js';
import { columnPolicies, type DatasetSpec } from './spec.js';
import { historyColumns } from './sql.js';

/** Most offending lead ids an audit reports. */
export const MAX_OFFENDING_IDS = 50;

/**
 * Audits a materialised dataset in SQL: every point-in-time and history snapshot date must satisfy
 * `snapshot_date + availabilityLagDays <= cutoff` (whole days), point-in-time dates must be within
 * `maxLookbackDays`, and no point-in-time or history value may lack its snapshot date.
 */
export async function auditDatasetLeakage(
  warehouse: Warehouse,
  table: string,
  spec: DatasetSpec,
  options: Pick<QueryOptions, 'signal'> = {},
): Promise<LeakageAuditResult> {
  const d = warehouse.dialect;
  const q = (s: string) => d.quote(s);
  const cutoff = d.cast('contacted_at', 'date');
  const latest = d.dateAddDays(cutoff, -spec.availabilityLagDays);
  const earliest = d.dateAddDays(cutoff, -spec.maxLookbackDays);
  const history = historyColumns(spec);
  const dateCols = ['pit_snapshot_date'];
  if (history.length)
    for (let k = 0; k < spec.historyQuarters; k++) dateCols.push(`history_snapshot_date_q${k}`);

  const future = dateCols.map((c) => `${q(c)} > ${latest}`).join(' OR ');
  const lookback = `pit_snapshot_date < ${earliest}`;
  const undated: string[] = [];
  for (const [c, p] of columnPolicies(spec)) {
    if (p === 'pointInTime') undated.push(`(pit_snapshot_date IS NULL AND ${q(c)} IS NOT NULL)`);
  }
  if (history.length) {
    for (let k = 0; k < spec.historyQuarters; k++) {
      for (const c of history) {
        undated.push(`(${q(`history_snapshot_date_q${k}`)} IS NULL AND ${q(`${c}_q${k}`)} IS NOT NULL)`);
      }
    }
  }
  const undatedExpr = undated.length ? undated.join(' OR ') : 'FALSE';
  const flag = (cond: string) => `SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END)`;
  const checked = dateCols.map((c) => flag(`${q(c)} IS NOT NULL`)).join(' + ');
  const ref = d.quote(table);
  const counts = await warehouse.query(
    `SELECT ${flag(future)} AS violations, ${flag(lookback)} AS lookback_violations, ${flag(undatedExpr)} AS undated, ${checked} AS checked FROM ${ref}`,
    options.signal ? { signal: options.signal } : {},
  );
  const row = counts.get(0)?.toJSON() ?? {};
  const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
  const violations = n(row.violations);
  const lookbackViolations = n(row.lookback_violations);
  const undatedValues = n(row.undated);
  let offendingLeadIds: string[] = [];
  if (violations + lookbackViolations + undatedValues > 0) {
    const ids = await warehouse.query(
      `SELECT lead_id FROM ${ref} WHERE ${future} OR ${lookback} OR ${undatedExpr} ORDER BY lead_id LIMIT ${MAX_OFFENDING_IDS}`,
      options.signal ? { signal: options.signal } : {},
    );
    offendingLeadIds = (ids.getChild('lead_id')?.toArray() ?? []).map(String);
  }
  return {
    passed: violations === 0 && lookbackViolations === 0 && undatedValues === 0,
    checkedValues: n(row.checked),
    violations,
    lookbackViolations,
    undatedValues,
    offendingLeadIds,
  };
}
