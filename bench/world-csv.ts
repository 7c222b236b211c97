/** The discovery world as CSV files, and the data contract's types to load them back, for the benchmarks. */
import { join } from 'node:path';
import { COLUMN_TYPES } from '../packages/core/src/contract/columns.js';
import type { LogicalType } from '../packages/dataset/src/warehouse/dialect.js';
import { openDuckDbWarehouse } from '../packages/dataset/src/warehouse/duckdb.js';
import type { generateDiscoveryWorld } from '../packages/world/src/index.js';

const TYPE_OF: Record<string, LogicalType> = {
  string: 'string',
  date: 'date',
  timestamp: 'timestamp',
  float: 'float',
  int: 'int32',
  bool: 'bool',
};

/** `columnTypes` for `createTableFromFile`: each contract column's logical type. */
export function contractColumnTypes(columns: readonly string[]): Record<string, LogicalType> {
  return Object.fromEntries(
    columns.map((c) => [c, TYPE_OF[COLUMN_TYPES[c as keyof typeof COLUMN_TYPES]] as LogicalType]),
  );
}

/**
 * Writes rep_snapshots, rep_current and leads as `DIR/{name}.csv` through an in-memory DuckDB, timestamps
 * as naive UTC text so pandas and DuckDB read the same instants.
 */
export async function writeWorldCsv(
  world: ReturnType<typeof generateDiscoveryWorld>,
  dir: string,
): Promise<void> {
  const writer = await openDuckDbWarehouse({ path: ':memory:' });
  try {
    for (const [name, table] of [
      ['rep_snapshots', world.repSnapshots],
      ['rep_current', world.repCurrent],
      ['leads', world.leads],
    ] as const) {
      await writer.createTableFromArrow(name, table);
      const q = (c: string) => writer.quoteIdentifier(c);
      const cols = (await writer.describeTable(name)).columns
        .map((c) =>
          c.type.startsWith('TIMESTAMP')
            ? `strftime(${q(c.name)}, '%Y-%m-%d %H:%M:%S') AS ${q(c.name)}`
            : q(c.name),
        )
        .join(', ');
      const path = writer.dialect.stringLiteral(join(dir, `${name}.csv`));
      await writer.execute(`COPY (SELECT ${cols} FROM ${q(name)}) TO ${path} (HEADER, DELIMITER ',')`);
    }
  } finally {
    await writer.close();
  }
}
