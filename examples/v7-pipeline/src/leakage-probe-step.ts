import type { DatasetMetadata } from '@leadscore/dataset';
import {
  type ColumnarTable,
  checkGates,
  leakageProbeGate,
  probeInputFromTables,
  probeLeakage,
} from '@leadscore/gates';

/**
 * Runs the leakage probe gate on both tables: the hybrid table's current-policy columns against the same
 * columns point-in-time, then the all point-in-time table (nothing read from the current snapshot).
 */
export function leakageProbeLines(
  hybrid: { table: ColumnarTable; metadata: DatasetMetadata },
  pointInTime: { table: ColumnarTable; metadata: DatasetMetadata },
): string[] {
  const aligned = probeInputFromTables(hybrid.table, pointInTime.table, {
    columns: hybrid.metadata.leakage.exposedColumns.filter((c) => pointInTime.table.getChild(c) !== null),
  });
  const probe = probeLeakage(aligned);
  const lines: string[] = [];
  const hybridGate = checkGates([leakageProbeGate()], { leakageProbe: probe, metadata: hybrid.metadata });
  lines.push(`  leakage probe   V7 hybrid: ${hybridGate.outcomes[0]!.status.toUpperCase()}`);
  for (const c of [...probe.columns].sort((a, b) => b.lift - a.lift)) {
    lines.push(
      `    ${c.name.padEnd(20)} change AUC-PR ${(c.averagePrecision * 100).toFixed(2)} % = ${c.lift.toFixed(2)}x base rate  ${c.status}`,
    );
  }
  const pitGate = checkGates([leakageProbeGate()], { metadata: pointInTime.metadata });
  lines.push(
    `  leakage probe   all point-in-time: ${pitGate.outcomes[0]!.status.toUpperCase()} (${pitGate.outcomes[0]!.reason})`,
  );
  return lines;
}
