import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  ArtifactError,
  formatValue,
  issue,
  parseWith,
  ValidationError,
  writeFileAtomic,
} from '@leadscore/core';
import { assertArg } from '@leadscore/core/internal';
import type { Table } from 'apache-arrow';
import { z } from 'zod';
import { float64Column, tableFromColumns } from './arrow.js';
import { tableToCsv } from './csv.js';
import { assertWorld, type DiscoveryWorld } from './generate-discovery-world.js';

/**
 * The part of a warehouse that writes Parquet: a DuckDB `Warehouse` from `@leadscore/dataset` fits it.
 * Typed structurally so the world does not depend on the package that owns the native warehouses.
 */
export interface ParquetWarehouse {
  /** Loads an Arrow table; Arrow types map to the warehouse's (Int64 stays a 64-bit integer). */
  createTableFromArrow(name: string, table: Table, options?: { replace?: boolean }): Promise<void>;
  /** Runs `COPY <table> TO '<file>' (FORMAT parquet)`. */
  execute(sql: string): Promise<void>;
  dropTable(name: string, options?: { ifExists?: boolean }): Promise<void>;
  quoteIdentifier(name: string): string;
}

/** Options of {@link writeDiscoveryWorld}. */
export interface WriteDiscoveryWorldOptions {
  /** File format of the tables. @default 'csv' */
  format?: 'csv' | 'parquet';
  /** Warehouse that writes the Parquet files (DuckDB); required for `format: 'parquet'`. @default undefined */
  warehouse?: ParquetWarehouse;
}

/** Result of {@link writeDiscoveryWorld}: absolute paths of what was written. */
export interface WriteDiscoveryWorldResult {
  readonly format: 'csv' | 'parquet';
  readonly files: {
    readonly repSnapshots: string;
    readonly repCurrent: string;
    readonly leads: string;
    /** lead_id and true_probability, aligned with leads. */
    readonly truth: string;
    /** world.json: the world's parameters (dates, horizon, recruiter firm id, signal). */
    readonly params: string;
  };
}

const WAREHOUSE = 'must be a warehouse (DuckDB) with createTableFromArrow';

/** The one list of {@link writeDiscoveryWorld}'s options: unknown keys are refused. */
const writeOptionsSchema = z
  .object({
    format: z.enum(['csv', 'parquet'], "must be 'csv' or 'parquet'").default('csv'),
    warehouse: z
      .custom<ParquetWarehouse>(
        (w) =>
          typeof w === 'object' &&
          w !== null &&
          typeof (w as ParquetWarehouse).createTableFromArrow === 'function',
        WAREHOUSE,
      )
      .optional(),
  })
  .strict();

const TABLE_FILES = {
  repSnapshots: 'rep_snapshots',
  repCurrent: 'rep_current',
  leads: 'leads',
  truth: 'truth',
} as const;

/** The truth table: lead_id with each lead's true probability. */
function truthTable(world: DiscoveryWorld): Table {
  const leadIds = world.leads.getChild('lead_id');
  assertArg(leadIds !== null, 'world.leads', 'a table with a lead_id column', null);
  const n = world.leads.numRows;
  assertArg(
    world.truth.probability.length === n,
    'world.truth.probability',
    `aligned with leads (${n} rows)`,
    world.truth.probability.length,
  );
  return tableFromColumns(
    [
      { name: 'lead_id', data: leadIds.data[0]!, nullable: false },
      { name: 'true_probability', data: float64Column(world.truth.probability, null), nullable: false },
    ],
    n,
  );
}

const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/**
 * Writes rep_snapshots, rep_current, leads and truth (lead_id, true_probability) as CSV or Parquet, plus
 * world.json, into `dir` (created if missing). Every file is written to a temp file and renamed. Parquet
 * goes through the warehouse passed in, so column types are the warehouse's mapping of the Arrow types.
 * @example await writeDiscoveryWorld(world, '/tmp/world', { format: 'parquet', warehouse: duckdb })
 */
export async function writeDiscoveryWorld(
  world: DiscoveryWorld,
  dir: string,
  options: WriteDiscoveryWorldOptions = {},
): Promise<WriteDiscoveryWorldResult> {
  assertWorld(world);
  assertArg(typeof dir === 'string' && dir.length > 0, 'dir', 'a non-empty path', dir);
  const { format, warehouse } = parseWith(writeOptionsSchema, options, 'options');
  const root = resolve(dir);
  await mkdir(root, { recursive: true });
  const tables: Record<keyof typeof TABLE_FILES, Table> = {
    repSnapshots: world.repSnapshots,
    repCurrent: world.repCurrent,
    leads: world.leads,
    truth: truthTable(world),
  };
  const paths = {} as Record<keyof typeof TABLE_FILES, string>;
  for (const key of Object.keys(TABLE_FILES) as (keyof typeof TABLE_FILES)[]) {
    paths[key] = join(root, `${TABLE_FILES[key]}.${format}`);
  }
  if (format === 'csv') {
    for (const key of Object.keys(TABLE_FILES) as (keyof typeof TABLE_FILES)[]) {
      await writeFileAtomic(paths[key], tableToCsv(tables[key]));
    }
  } else {
    if (warehouse === undefined) {
      throw new ValidationError([
        issue(
          'missing_warehouse',
          ['warehouse'],
          "must be a warehouse (DuckDB) for format 'parquet'",
          warehouse,
          'options',
        ),
      ]);
    }
    await writeParquet(warehouse, tables, paths, root);
  }
  const params = join(root, 'world.json');
  await writeFileAtomic(params, `${JSON.stringify(world.truth.params, null, 2)}\n`);
  return { format, files: { ...paths, params } };
}

async function writeParquet(
  warehouse: ParquetWarehouse,
  tables: Record<keyof typeof TABLE_FILES, Table>,
  paths: Record<keyof typeof TABLE_FILES, string>,
  root: string,
): Promise<void> {
  const tag = `${process.pid}_${randomBytes(6).toString('hex')}`;
  const temps: string[] = [];
  const staged: string[] = [];
  try {
    for (const key of Object.keys(TABLE_FILES) as (keyof typeof TABLE_FILES)[]) {
      const staging = `world_${TABLE_FILES[key]}_${tag}`;
      const tmp = join(root, `.${TABLE_FILES[key]}.${tag}.parquet`);
      temps.push(tmp);
      staged.push(staging);
      await warehouse.createTableFromArrow(staging, tables[key], { replace: true });
      await warehouse.execute(
        `COPY ${warehouse.quoteIdentifier(staging)} TO ${sqlString(tmp)} (FORMAT parquet)`,
      );
      await warehouse.dropTable(staging, { ifExists: true });
      staged.pop();
      await rename(tmp, paths[key]);
    }
  } catch (error) {
    throw new ArtifactError(`dir could not receive the Parquet files: ${formatValue(root)}`, {
      cause: error,
      details: { dir: root },
    });
  } finally {
    for (const t of temps) await rm(t, { force: true });
    for (const name of staged) await warehouse.dropTable(name, { ifExists: true }).catch(() => undefined);
  }
}
