/**
 * The generated sections of the root README.md: the CLI reference (from `leadscore --help` and the
 * commands' own flag definitions) and the config reference (from the zod schema of
 * `leadscore.config.json`). `readme.test.ts` fails when README.md differs from what this generates;
 * `pnpm readme` rewrites the sections (`tsx packages/integration/test/readme-sections.ts --write`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COMMANDS, cliConfigSchema, EXIT_CODES, runCli } from '@leadscore/cli';
import { z } from 'zod';

/** The root README. */
export const README_PATH = fileURLToPath(new URL('../../../README.md', import.meta.url));

/** What `leadscore` prints to stdout for `argv`. */
export async function cliOutput(argv: readonly string[]): Promise<string> {
  let out = '';
  await runCli(argv, {
    cwd: process.cwd(),
    stdout: {
      isTTY: false,
      write: (t: string) => {
        out += t;
        return true;
      },
    },
    stderr: { write: () => true },
  });
  return out;
}

const escapeCell = (s: string) => s.replaceAll('|', '\\|');

/** The CLI reference: `leadscore --help`, then every command with its own flags and exit codes. */
export async function cliReference(): Promise<string> {
  const help = (await cliOutput(['--help'])).trimEnd();
  const lines = [
    'Generated from the CLI itself (`pnpm readme` rewrites it; a test checks it):',
    '',
    '```text',
    '$ leadscore --help',
    help,
    '```',
    '',
    '| command | what it does (`leadscore <command> --help`) | its flags besides the global ones (`V`: takes a value) |',
    '| --- | --- | --- |',
  ];
  for (const c of COMMANDS) {
    const name = c.words.join(' ');
    const usage = (await cliOutput([...c.words, '--help'])).trim();
    const summary = usage.slice(`leadscore ${name}: `.length);
    const flags = Object.entries(c.options)
      .map(([flag, o]) => `\`--${flag}${o.type === 'string' ? ' V' : ''}\``)
      .join(' ');
    lines.push(`| \`${name}\` | ${escapeCell(summary)} | ${flags} |`);
  }
  const exitLine = help.split('\n').find((l) => l.startsWith('exit codes: '));
  if (exitLine === undefined) throw new Error('leadscore --help no longer lists the exit codes');
  lines.push('', '| exit code | meaning |', '| --- | --- |');
  for (const item of exitLine.slice('exit codes: '.length).split(', ')) {
    const [code, ...meaning] = item.split(' ');
    const name = Object.entries(EXIT_CODES).find(([, v]) => String(v) === code)?.[0];
    if (name === undefined)
      throw new Error(`leadscore --help names exit code ${code}, which EXIT_CODES lacks`);
    lines.push(`| ${code} (\`${name}\`) | ${meaning.join(' ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * What each config key means and, for keys without a schema default, what applies when it is unset.
 * The schema gives the keys, types and defaults; a key missing here (or named here but gone from the
 * schema) fails `readme.test.ts`.
 */
export const CONFIG_NOTES: Readonly<Record<string, { readonly means: string; readonly unset?: string }>> = {
  artifactsDir: { means: 'where every command writes its artifacts (relative to the config file)' },
  'warehouse.kind': { means: '`duckdb` (embedded, the default) or `bigquery`; picks the keys below' },
  'warehouse.path': { means: 'DuckDB file, relative to the config file; `:memory:` allowed (`--duckdb`)' },
  'warehouse.threads': { means: 'DuckDB worker threads', unset: "DuckDB's" },
  'warehouse.memoryLimit': { means: "DuckDB memory limit such as `'4GB'`", unset: "DuckDB's" },
  'warehouse.projectId': { means: 'Google Cloud project that runs and pays for the jobs (`--bq-project`)' },
  'warehouse.dataset': {
    means: 'BigQuery dataset of the source tables and of everything written (`--bq-dataset`)',
  },
  'warehouse.location': { means: 'BigQuery location (`--bq-location`)', unset: "the dataset's" },
  'warehouse.keyFilename': {
    means: 'service-account key file (`--bq-key-file`)',
    unset: 'Application Default Credentials',
  },
  'warehouse.apiEndpoint': { means: 'API root, for emulators and the test fake only', unset: "Google's" },
  'warehouse.anonymous': { means: 'send no credentials (emulators and the test fake only)' },
  'warehouse.maximumBytesBilled': {
    means: 'hard cap on bytes billed per query; BigQuery refuses a bigger query',
  },
  'world.reps': { means: 'reps in the synthetic world (`--reps`)' },
  'world.quarters': { means: 'quarterly snapshots per rep (`--quarters`)' },
  'world.leads': { means: 'leads (`--leads`)' },
  'world.seed': { means: 'generator seed (`--seed`)' },
  'world.out': { means: "directory of the world's files, relative to the config file (`--out`)" },
  'world.format': { means: 'file format of the world (`--format`)' },
  'tables.repSnapshots': {
    means: 'quarterly snapshots table (`dataset.table` allowed; `project-id.dataset.table` on BigQuery)',
  },
  'tables.repCurrent': { means: 'current-snapshot table' },
  'tables.leads': { means: 'leads table' },
  'dataset.policy': {
    means:
      '`hybrid` is V7 (financial columns from rep_current); `point-in-time` reads every column as of the lead (`--policy`)',
  },
  'dataset.dataEndDate': {
    means: 'last day the data describes (`--data-end`)',
    unset: "the world's `world.json`, else an error",
  },
  'dataset.outputBase': {
    means: 'training table name before `_{version}` (`--output-base`)',
    unset: '`step_3_3_training_dataset_v7` (hybrid), `training_dataset_all_point_in_time`',
  },
  'dataset.version': {
    means: 'table version suffix (`--version`)',
    unset: 'today and the next free sequence',
  },
  'dataset.overwrite': { means: 'replace an existing table of that version (`--overwrite`)' },
  'dataset.availabilityLagDays': { means: 'days after its date before a snapshot counts as known' },
  'dataset.maxLookbackDays': {
    means: 'oldest snapshot a point-in-time column may use, in days before contact',
  },
  'dataset.historyQuarters': { means: 'quarters of history columns (`_q0` ... `_q{n-1}`)' },
  'dataset.labelHorizonDays': {
    means: 'a conversion counts within this many days of contact (`--label-horizon-days`)',
  },
  'train.cvFolds': { means: 'temporal CV folds (`--cv-folds`)' },
  'train.trials': { means: 'parameter sets tried per ensemble member (`--trials`)' },
  'train.gapDays': { means: "days between a fold's training end and its test start (`--gap-days`)" },
  'train.seed': { means: 'training seed (`--seed`)' },
  'train.threads': {
    means:
      'threads of the fits, folds fitted that many at once; the model does not depend on it (`--threads`)',
  },
  'train.levelOrder': {
    means:
      "`target`: categorical levels ordered by each fold's positive rate before the trees split them; `fitted`: alphabetical",
  },
  'train.probeTable': {
    means: 'a point-in-time build of the same leads, for the leakage probe (`--probe-table`)',
    unset: 'none (the probe gate skips; `run` sets it)',
  },
  'features.table': {
    means: 'training table of `features` and `train` (`--table`)',
    unset: 'the latest dataset built into artifactsDir',
  },
};

interface JsonSchema {
  type?: string;
  const?: unknown;
  enum?: readonly unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  pattern?: string;
  format?: string;
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  anyOf?: readonly JsonSchema[];
}

// The source of the cli config's table-name regex (segments, or a hyphenated BigQuery project first).
const IDENTIFIER =
  '^(?:[a-z][a-z0-9-]{4,28}[a-z0-9]\\.[A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*|[A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)*)$';

function typeOf(s: JsonSchema): string {
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (s.enum !== undefined) return s.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' \\| ');
  if (s.type === 'integer' || s.type === 'number') {
    const lo = s.minimum ?? (s.exclusiveMinimum === undefined ? undefined : s.exclusiveMinimum + 1);
    const hi = s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER ? s.maximum : undefined;
    const range =
      lo !== undefined && hi !== undefined ? ` ${lo}..${hi}` : lo !== undefined ? ` >= ${lo}` : '';
    return `${s.type}${range}`;
  }
  if (s.type === 'string') {
    if (s.format === 'uri') return 'URL';
    if (s.pattern === IDENTIFIER) return 'table name';
    if (s.pattern === '^\\d{4}-\\d{2}-\\d{2}$') return 'date `YYYY-MM-DD`';
    if (s.pattern !== undefined) return `string \`${s.pattern.replace(/^\^|\$$/g, '')}\``;
    return 'string';
  }
  return String(s.type);
}

/** Every leaf key of the config schema: dotted path, JSON schema, whether it is required. */
export function configKeys(): { key: string; schema: JsonSchema; required: boolean; variant?: string }[] {
  const root = z.toJSONSchema(cliConfigSchema, { io: 'input' }) as JsonSchema;
  const out: { key: string; schema: JsonSchema; required: boolean; variant?: string }[] = [];
  const walk = (s: JsonSchema, prefix: string, variant?: string) => {
    for (const [name, child] of Object.entries(s.properties ?? {})) {
      const key = prefix === '' ? name : `${prefix}.${name}`;
      if (child.anyOf !== undefined) {
        // The warehouse: one object per kind; `kind` is listed once, with every kind's value.
        const kinds = child.anyOf.map((v) => v.properties?.kind?.const);
        out.push({
          key: `${key}.kind`,
          schema: { enum: kinds, default: (child.default as { kind?: unknown } | undefined)?.kind },
          required: false,
        });
        for (const v of child.anyOf) {
          const kind = String(v.properties?.kind?.const);
          const rest = { ...v, properties: { ...v.properties } };
          delete rest.properties.kind;
          walk(rest, key, kind);
        }
      } else if (child.type === 'object') {
        walk(child, key, variant);
      } else {
        out.push({
          key,
          schema: child,
          required: s.required?.includes(name) ?? false,
          ...(variant === undefined ? {} : { variant }),
        });
      }
    }
  };
  walk(root, '');
  return out;
}

/** The config reference table: every key with its type and default from the schema. */
export function configReference(): string {
  const lines = [
    'Generated from the zod schema (`cliConfigSchema` in `packages/cli/src/config`; `pnpm readme` rewrites',
    'it, a test checks it). Every key is optional unless marked required; unknown keys are errors; relative',
    "paths resolve against the config file's directory; flags override keys one by one.",
    '',
    '| key | type | default | what it is |',
    '| --- | --- | --- | --- |',
  ];
  for (const k of configKeys()) {
    const note = CONFIG_NOTES[k.key];
    if (note === undefined) throw new Error(`CONFIG_NOTES has no entry for the config key ${k.key}`);
    const fallback = k.required ? '**required**' : (note.unset ?? 'none');
    const value =
      k.schema.default === undefined
        ? fallback
        : k.key === 'warehouse.maximumBytesBilled'
          ? `\`${k.schema.default}\` (100 GiB)`
          : `\`${JSON.stringify(k.schema.default)}\``;
    const key = k.variant === undefined ? `\`${k.key}\`` : `\`${k.key}\` (${k.variant})`;
    lines.push(`| ${key} | ${typeOf(k.schema)} | ${value} | ${escapeCell(note.means)} |`);
  }
  return `${lines.join('\n')}\n`;
}

function sectionBounds(readme: string, name: string): { from: number; to: number } {
  const start = `<!-- ${name}:start -->\n`;
  const end = `<!-- ${name}:end -->`;
  const a = readme.indexOf(start);
  const b = readme.indexOf(end);
  if (a < 0 || b < a + start.length)
    throw new Error(`README.md has no ${name} section (${start.trim()} ... ${end})`);
  return { from: a + start.length, to: b };
}

/** The lines between `<!-- NAME:start -->` and `<!-- NAME:end -->` in `readme`. */
export function readSection(readme: string, name: string): string {
  const { from, to } = sectionBounds(readme, name);
  return readme.slice(from, to);
}

/** `readme` with the section `name` replaced by `content` (lines, each ending with a newline). */
export function replaceSection(readme: string, name: string, content: string): string {
  const { from, to } = sectionBounds(readme, name);
  return readme.slice(0, from) + content + readme.slice(to);
}

/** The library example: the TypeScript fenced block of the `readme-example` section. */
export function readmeExample(readme: string): string {
  const section = readSection(readme, 'readme-example');
  const match = section.match(/```ts\n([\s\S]*?)```/);
  if (match === null) throw new Error('the readme-example section holds no ```ts block');
  return match[1]!;
}

if (process.argv.includes('--write')) {
  let readme = readFileSync(README_PATH, 'utf8');
  readme = replaceSection(readme, 'cli-reference', await cliReference());
  readme = replaceSection(readme, 'config-reference', configReference());
  writeFileSync(README_PATH, readme);
  console.log(`rewrote the cli-reference and config-reference sections of ${README_PATH}`);
}
