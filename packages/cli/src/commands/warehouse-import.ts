import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatValue, InvalidArgumentError } from '@leadscore/core';
import { LOGICAL_TYPES, type LogicalType } from '@leadscore/dataset';
import type { CommandDefinition, Flags } from '../cli/command.js';
import { existingFile, stringFlag } from '../cli/flags.js';
import { openConfigWarehouse } from '../warehouse/open-config-warehouse.js';

/** Parses `--column-types a=date,b=float` (repeatable) into a column -> logical type map. */
export function parseColumnTypes(values: readonly string[]): Record<string, LogicalType> {
  const out: Record<string, LogicalType> = {};
  for (const item of values.flatMap((v) => v.split(','))) {
    if (item.trim() === '') continue;
    const eq = item.indexOf('=');
    const column = item.slice(0, eq).trim();
    const type = item.slice(eq + 1).trim();
    if (eq <= 0 || !(LOGICAL_TYPES as readonly string[]).includes(type)) {
      throw new InvalidArgumentError(
        `--column-types must be column=type pairs with type one of ${LOGICAL_TYPES.join(', ')}, found ${formatValue(item)}`,
        { details: { parameter: '--column-types', value: item } },
      );
    }
    out[column] = type as LogicalType;
  }
  return out;
}

function listFlag(flags: Flags, name: string): string[] {
  const v = flags[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

/** `leadscore warehouse import`: one table from a CSV/Parquet file, or the three tables of a world directory. */
export const warehouseImportCommand: CommandDefinition = {
  words: ['warehouse', 'import'],
  summary:
    'load a table from a file (--table T --file F.csv|F.parquet [--column-types k=v]) or a world directory (--world DIR)',
  options: {
    table: { type: 'string' },
    file: { type: 'string' },
    world: { type: 'string' },
    'column-types': { type: 'string', multiple: true },
    replace: { type: 'boolean' },
  },
  async run(ctx) {
    const table = stringFlag(ctx.flags, 'table');
    const file = stringFlag(ctx.flags, 'file');
    const worldDir = stringFlag(ctx.flags, 'world');
    const columnTypes = parseColumnTypes(listFlag(ctx.flags, 'column-types'));
    const loads: { table: string; file: string }[] = [];
    if (worldDir !== undefined) {
      if (table !== undefined || file !== undefined) {
        throw new InvalidArgumentError(
          `--world cannot be combined with --table or --file, found ${formatValue(worldDir)}`,
          {
            details: { parameter: '--world', value: worldDir },
          },
        );
      }
      const dir = resolve(ctx.io.cwd, worldDir);
      const ext = existsSync(join(dir, 'leads.parquet')) ? 'parquet' : 'csv';
      const t = ctx.config.tables;
      for (const [name, base] of [
        [t.repSnapshots, 'rep_snapshots'],
        [t.repCurrent, 'rep_current'],
        [t.leads, 'leads'],
      ] as const) {
        loads.push({ table: name, file: existingFile(join(dir, `${base}.${ext}`), ctx.io.cwd, '--world') });
      }
    } else {
      if (table === undefined || file === undefined) {
        throw new InvalidArgumentError(
          `--table and --file are required (or --world DIR), found ${formatValue({ table, file })}`,
          { details: { parameter: table === undefined ? '--table' : '--file' } },
        );
      }
      loads.push({ table, file: existingFile(file, ctx.io.cwd, '--file') });
    }
    const replace = ctx.flags.replace === true || worldDir !== undefined;
    const wh = await openConfigWarehouse(ctx.config);
    try {
      const tables = [];
      for (const load of loads) {
        // Both warehouses accept columnTypes beyond the interface's options.
        const options = {
          replace,
          ...(Object.keys(columnTypes).length > 0 ? { columnTypes } : {}),
          ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
        };
        await wh.createTableFromFile(load.table, load.file, options);
        const d = await wh.describeTable(load.table);
        ctx.log(
          `${load.table.padEnd(14)} ${String(d.rowCount).padStart(8)} rows, ${d.columns.length} columns from ${load.file}`,
        );
        tables.push({
          table: load.table,
          file: load.file,
          rows: d.rowCount,
          columns: d.columns.length,
          fingerprint: d.fingerprint,
        });
      }
      return { exitCode: 0, result: { warehouse: ctx.config.warehouse.kind, tables } };
    } finally {
      await wh.close();
    }
  },
};
