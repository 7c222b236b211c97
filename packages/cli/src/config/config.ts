import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { DataError, formatValue, InvalidArgumentError, safeParseWith } from '@leadscore/core';
import { BIGQUERY_PROJECT_ID, IDENTIFIER_SEGMENT } from '@leadscore/dataset/internal';
import { z } from 'zod';

/** The config file `leadscore` reads from the working directory unless `--config` names another. */
export const CONFIG_FILE_NAME = 'leadscore.config.json';

// built from the warehouse's own identifier rules, so the two cannot drift apart
const SEGMENT = IDENTIFIER_SEGMENT.source.slice(1, -1);
const PROJECT = BIGQUERY_PROJECT_ID.source.slice(1, -1);
const TABLE_NAME = new RegExp(`^(?:${PROJECT}\\.${SEGMENT}\\.${SEGMENT}|${SEGMENT}(?:\\.${SEGMENT})*)$`);
/**
 * A table name: `[A-Za-z_][A-Za-z0-9_]*` segments separated by dots, or `project.dataset.table` whose
 * project is a BigQuery project id with hyphens (`my-project-123.crm.leads`). The warehouse re-checks the
 * name for its dialect before it reaches SQL (DuckDB refuses the hyphen there, naming the value).
 */
const identifier = z.string().regex(TABLE_NAME, {
  message:
    'must be a table name ([A-Za-z_][A-Za-z0-9_]* segments separated by dots; a BigQuery project id with hyphens may lead project.dataset.table)',
});
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be an ISO date YYYY-MM-DD' });

const duckdbSchema = z
  .object({
    kind: z.literal('duckdb'),
    /** DuckDB file, relative to the config file. @default 'leadscore.duckdb' */
    path: z.string().min(1).default('leadscore.duckdb'),
    /** DuckDB worker threads. @default DuckDB's choice */
    threads: z.int().min(1).max(1024).optional(),
    /** DuckDB memory limit such as '4GB'. @default DuckDB's choice */
    memoryLimit: z.string().optional(),
  })
  .strict();

const bigquerySchema = z
  .object({
    kind: z.literal('bigquery'),
    projectId: z.string().min(1),
    dataset: z.string().min(1),
    /** @default the dataset's location */
    location: z.string().min(1).optional(),
    /** Service-account key file. @default Application Default Credentials */
    keyFilename: z.string().min(1).optional(),
    /** API root for an emulator or the loopback fake. @default Google's endpoint */
    apiEndpoint: z.url().optional(),
    /** Send no credentials (emulators only). @default false */
    anonymous: z.boolean().default(false),
    /** Hard cap on bytes billed per query. @default 100 GiB */
    maximumBytesBilled: z
      .int()
      .positive()
      .default(100 * 2 ** 30),
  })
  .strict();

/** zod schema of `leadscore.config.json`; every section and key is optional and strict. */
export const cliConfigSchema = z
  .object({
    /** Where every command writes its artifacts, relative to the config file. @default 'artifacts' */
    artifactsDir: z.string().min(1).default('artifacts'),
    warehouse: z.discriminatedUnion('kind', [duckdbSchema, bigquerySchema]).prefault({ kind: 'duckdb' }),
    world: z
      .object({
        reps: z.int().min(1).default(2000),
        quarters: z.int().min(3).default(12),
        leads: z.int().min(1).default(3000),
        seed: z.int().min(0).default(7),
        /** Directory of the world's files, relative to the config file. @default 'world' */
        out: z.string().min(1).default('world'),
        format: z.enum(['csv', 'parquet']).default('parquet'),
      })
      .strict()
      .prefault({}),
    tables: z
      .object({
        repSnapshots: identifier.default('rep_snapshots'),
        repCurrent: identifier.default('rep_current'),
        leads: identifier.default('leads'),
      })
      .strict()
      .prefault({}),
    dataset: z
      .object({
        /** 'hybrid' is V7 (financial columns from rep_current); 'point-in-time' reads every column as of the lead. */
        policy: z.enum(['hybrid', 'point-in-time']).default('hybrid'),
        /** @default the world's data end date when the world directory has a world.json */
        dataEndDate: isoDate.optional(),
        /** @default 'step_3_3_training_dataset_v7' (hybrid), 'training_dataset_all_point_in_time' */
        outputBase: identifier.optional(),
        /** @default today and the next free sequence */
        version: z
          .string()
          .regex(/^[A-Za-z0-9_]+$/)
          .optional(),
        overwrite: z.boolean().default(false),
        availabilityLagDays: z.int().min(0).default(0),
        maxLookbackDays: z.int().min(1).default(120),
        historyQuarters: z.int().min(1).max(64).default(8),
        labelHorizonDays: z.int().min(1).default(30),
      })
      .strict()
      .prefault({}),
    train: z
      .object({
        /** Temporal CV folds. @default 5 */
        cvFolds: z.int().min(2).max(50).default(5),
        /** Parameter sets tried per ensemble member. @default 1 */
        trials: z.int().min(1).max(1000).default(1),
        /** Days between a fold's training end and its test start. @default 30 */
        gapDays: z.int().min(0).default(30),
        seed: z.int().min(0).default(0),
        /** Threads of the fits (folds are fitted that many at once). @default the machine's available parallelism, at most 8 */
        threads: z.int().min(1).max(64).optional(),
        /** Order of the categorical levels the members split: by each fold's positive rate, or the features' own. @default 'target' */
        levelOrder: z.enum(['target', 'fitted']).default('target'),
        /** A point-in-time build of the same leads; the leakage probe compares the current-policy columns with it. @default none (the probe gate skips) */
        probeTable: identifier.optional(),
      })
      .strict()
      .prefault({}),
    features: z
      .object({
        /** Training table. @default the most recently built dataset in artifactsDir */
        table: identifier.optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** The parsed config, every default applied and paths absolute. */
export type CliConfig = z.output<typeof cliConfigSchema>;
/** The config as written in the file. */
export type CliConfigInput = z.input<typeof cliConfigSchema>;

/** A config that came from a file (or defaults) and the directory its relative paths resolve against. */
export interface LoadedConfig {
  readonly config: CliConfig;
  /** The file read, or null when none exists and defaults apply. */
  readonly file: string | null;
}

/** A plain object tree of overrides, applied key by key over the file's content. */
export type ConfigOverrides = { readonly [key: string]: unknown };

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function merge(base: unknown, overrides: ConfigOverrides): Record<string, unknown> {
  const out: Record<string, unknown> = isObject(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    out[key] = isObject(value) && !('kind' in value) ? merge(out[key], value) : value;
  }
  return out;
}

/**
 * Reads `leadscore.config.json` (or `file`), applies `overrides` (from flags) and validates the result.
 * Relative paths resolve against the config file's directory (or `cwd` without a file).
 * @throws InvalidArgumentError naming the file and every bad key, e.g. `world.reps`.
 * @example const { config } = loadConfig(undefined, process.cwd(), { world: { seed: 3 } });
 */
export function loadConfig(
  file: string | undefined,
  cwd: string,
  overrides: ConfigOverrides = {},
): LoadedConfig {
  let path: string | null = file === undefined ? resolve(cwd, CONFIG_FILE_NAME) : resolve(cwd, file);
  let raw: unknown = {};
  if (existsSync(path)) {
    const text = readFileSync(path, 'utf8');
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new DataError(`${path} is not valid JSON: ${(error as Error).message}`, {
        cause: error,
        details: { file: path },
      });
    }
    if (!isObject(raw)) {
      throw new DataError(`${path} must hold a JSON object, found ${formatValue(raw)}`, {
        details: { file: path },
      });
    }
  } else if (file !== undefined) {
    throw new InvalidArgumentError(`--config must be an existing file, found ${formatValue(file)}`, {
      details: { parameter: '--config', value: file, file: path },
    });
  } else {
    path = null;
  }
  const parsed = safeParseWith(cliConfigSchema, merge(raw, overrides));
  if (!parsed.success) {
    const where = path ?? 'config';
    const lines = parsed.issues.map((i) => `${where}: ${i.message}`);
    throw new InvalidArgumentError(lines.join('\n'), {
      details: { file: path, issues: parsed.issues, parameter: parsed.issues[0]?.path.join('.') },
    });
  }
  const root = path === null ? cwd : dirname(path);
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(root, p));
  const c = parsed.data;
  const warehouse =
    c.warehouse.kind === 'duckdb'
      ? { ...c.warehouse, path: c.warehouse.path === ':memory:' ? ':memory:' : abs(c.warehouse.path) }
      : {
          ...c.warehouse,
          ...(c.warehouse.keyFilename === undefined ? {} : { keyFilename: abs(c.warehouse.keyFilename) }),
        };
  return {
    file: path,
    config: {
      ...c,
      artifactsDir: abs(c.artifactsDir),
      warehouse,
      world: { ...c.world, out: abs(c.world.out) },
    },
  };
}
