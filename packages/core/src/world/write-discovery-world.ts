import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Table, Type } from 'apache-arrow';
import { ArtifactError, assertArg, formatValue } from '../errors/index.js';
import { writeFileAtomic } from '../io/atomic.js';
import { float64Column, tableFromColumns } from './arrow.js';
import { tableToCsv } from './csv.js';
import { assertWorld, type DiscoveryWorld } from './generate-discovery-world.js';

/** Options of {@link writeDiscoveryWorld}. */
export interface WriteDiscoveryWorldOptions {
  /** File format of the tables; Parquet goes through DuckDB. @default 'csv' */
  format?: 'csv' | 'parquet';
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

function duckType(typeId: Type, name: string): string {
  switch (typeId) {
    case Type.Utf8:
      return 'VARCHAR';
    case Type.Float:
      return 'DOUBLE';
    case Type.Int:
      return 'INTEGER';
    case Type.Bool:
      return 'BOOLEAN';
    case Type.Date:
      return 'DATE';
    case Type.Timestamp:
      // Naive TIMESTAMP holding UTC wall time, as the DuckDB warehouse maps Arrow timestamps.
      return 'TIMESTAMP';
    default:
      throw new ArtifactError(`${name} has a type the Parquet writer does not support`, {
        details: { column: name },
      });
  }
}

const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/**
 * Writes rep_snapshots, rep_current, leads and truth (lead_id, true_probability) as CSV or Parquet, plus
 * world.json, into `dir` (created if missing). Every file is written to a temp file and renamed.
 * @example await writeDiscoveryWorld(world, '/tmp/world', { format: 'parquet' })
 */
export async function writeDiscoveryWorld(
  world: DiscoveryWorld,
  dir: string,
  options: WriteDiscoveryWorldOptions = {},
): Promise<WriteDiscoveryWorldResult> {
  assertWorld(world);
  assertArg(typeof dir === 'string' && dir.length > 0, 'dir', 'a non-empty path', dir);
  const format = options.format ?? 'csv';
  assertArg(format === 'csv' || format === 'parquet', 'format', "'csv' or 'parquet'", format);
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
    await writeParquet(tables, paths, root);
  }
  const params = join(root, 'world.json');
  await writeFileAtomic(params, `${JSON.stringify(world.truth.params, null, 2)}\n`);
  return { format, files: { ...paths, params } };
}

async function writeParquet(
  tables: Record<keyof typeof TABLE_FILES, Table>,
  paths: Record<keyof typeof TABLE_FILES, string>,
  root: string,
): Promise<void> {
  let duckdb: typeof import('@duckdb/node-api');
  try {
    duckdb = await import('@duckdb/node-api');
  } catch (error) {
    throw new ArtifactError('format "parquet" needs @duckdb/node-api, which could not be loaded', {
      cause: error,
    });
  }
  const instance = await duckdb.DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const tag = `${process.pid}.${randomBytes(6).toString('hex')}`;
  const temps: string[] = [];
  try {
    for (const key of Object.keys(TABLE_FILES) as (keyof typeof TABLE_FILES)[]) {
      const table = tables[key];
      const csv = join(root, `.${TABLE_FILES[key]}.${tag}.csv`);
      const tmp = join(root, `.${TABLE_FILES[key]}.${tag}.parquet`);
      temps.push(csv, tmp);
      // A staging file DuckDB reads once and that is deleted afterwards: no fsync needed.
      await writeFile(csv, tableToCsv(table), { flag: 'wx' });
      const columns = table.schema.fields
        .map((f) => `${sqlString(f.name)}: ${sqlString(duckType(f.type.typeId, f.name))}`)
        .join(', ');
      await connection.run(
        `COPY (SELECT * FROM read_csv(${sqlString(csv)}, header = true, auto_detect = false, ` +
          `delim = ',', quote = '"', escape = '"', nullstr = '', columns = {${columns}})) ` +
          `TO ${sqlString(tmp)} (FORMAT parquet)`,
      );
      await rm(csv, { force: true });
      await rename(tmp, paths[key]);
    }
  } catch (error) {
    throw new ArtifactError(`dir could not receive the Parquet files: ${formatValue(root)}`, {
      cause: error,
      details: { dir: root },
    });
  } finally {
    for (const t of temps) await rm(t, { force: true });
    connection.closeSync();
    instance.closeSync();
  }
}
