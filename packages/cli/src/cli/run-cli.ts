import { parseArgs } from 'node:util';
import { formatValue, InvalidArgumentError, LeadscoreError } from '@leadscore/core';
import { datasetBuildCommand } from '../commands/dataset-build.js';
import { datasetVerifyCommand } from '../commands/dataset-verify.js';
import { docsCommand } from '../commands/docs.js';
import { featuresCommand } from '../commands/features.js';
import { runPipelineCommand } from '../commands/run-pipeline.js';
import { scoreCommand } from '../commands/score.js';
import { trainCommand } from '../commands/train.js';
import { validateCommand } from '../commands/validate.js';
import { warehouseImportCommand } from '../commands/warehouse-import.js';
import { worldGenerateCommand } from '../commands/world-generate.js';
import { type ConfigOverrides, loadConfig } from '../config/config.js';
import { createProgress, type Progress } from '../progress/progress.js';
import type { CommandContext, CommandDefinition, Flags, OptionsConfig } from './command.js';
import { EXIT_CODES, type ExitCode, exitCodeFor } from './exit-code.js';
import { stringFlag } from './flags.js';
import type { CliIo } from './io.js';

/** Every subcommand, in pipeline order. */
export const COMMANDS: readonly CommandDefinition[] = [
  worldGenerateCommand,
  warehouseImportCommand,
  datasetBuildCommand,
  datasetVerifyCommand,
  featuresCommand,
  trainCommand,
  validateCommand,
  docsCommand,
  scoreCommand,
  runPipelineCommand,
];

const GLOBAL_OPTIONS: OptionsConfig = {
  config: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  artifacts: { type: 'string' },
  duckdb: { type: 'string' },
  'bq-project': { type: 'string' },
  'bq-dataset': { type: 'string' },
  'bq-location': { type: 'string' },
  'bq-key-file': { type: 'string' },
};

const SILENT: Progress = { update() {}, end() {} };

function helpText(): string {
  const lines = ['usage: leadscore <command> [flags]', '', 'commands:'];
  for (const c of COMMANDS) lines.push(`  ${c.words.join(' ').padEnd(18)} ${c.summary}`);
  lines.push(
    '',
    'global flags:',
    '  --config FILE      config file (default ./leadscore.config.json when present)',
    '  --json             print one JSON result instead of progress lines',
    '  --artifacts DIR    artifactsDir',
    '  --duckdb FILE      use the DuckDB warehouse in FILE',
    '  --bq-project P --bq-dataset D [--bq-location L] [--bq-key-file F]   use BigQuery',
    '',
    'exit codes: 0 success, 1 a gate or verification failed, 2 bad usage or input, 3 other errors',
  );
  return `${lines.join('\n')}\n`;
}

function globalOverrides(flags: Flags): ConfigOverrides {
  const duckdb = stringFlag(flags, 'duckdb');
  const project = stringFlag(flags, 'bq-project');
  const dataset = stringFlag(flags, 'bq-dataset');
  if (duckdb !== undefined && (project !== undefined || dataset !== undefined)) {
    throw new InvalidArgumentError(
      `--duckdb cannot be combined with --bq-project/--bq-dataset, found ${formatValue(duckdb)}`,
      {
        details: { parameter: '--duckdb', value: duckdb },
      },
    );
  }
  const location = stringFlag(flags, 'bq-location');
  const keyFile = stringFlag(flags, 'bq-key-file');
  const warehouse =
    duckdb !== undefined
      ? { kind: 'duckdb', path: duckdb }
      : project !== undefined || dataset !== undefined
        ? {
            kind: 'bigquery',
            projectId: project,
            dataset,
            ...(location === undefined ? {} : { location }),
            ...(keyFile === undefined ? {} : { keyFilename: keyFile }),
          }
        : undefined;
  return { artifactsDir: stringFlag(flags, 'artifacts'), warehouse };
}

function mergeOverrides(a: ConfigOverrides, b: ConfigOverrides): ConfigOverrides {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) if (v !== undefined) out[k] = v;
  return out;
}

function selectCommand(argv: readonly string[]): { command: CommandDefinition; rest: string[] } | null {
  for (const c of COMMANDS) {
    if (c.words.every((w, i) => argv[i] === w)) return { command: c, rest: argv.slice(c.words.length) };
  }
  return null;
}

/**
 * Runs `leadscore` with `argv` (without the node and script paths) and returns the exit code: 0 success,
 * 1 a gate or verification failed, 2 bad usage or input, 3 anything else.
 * @example const code = await runCli(['world', 'generate', '--leads', '2000'], processIo());
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const json = argv.includes('--json');
  let words = argv
    .filter((a) => !a.startsWith('-'))
    .slice(0, 2)
    .join(' ');
  const fail = (code: ExitCode, error: unknown): ExitCode => {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`leadscore: ${message}\n`);
    if (json) {
      const errorCode =
        error instanceof LeadscoreError ? error.code : ((error as { code?: unknown } | null)?.code ?? null);
      io.stdout.write(
        `${JSON.stringify({ command: words, ok: false, exitCode: code, error: { code: errorCode, message } })}\n`,
      );
    }
    return code;
  };
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout.write(helpText());
    return argv.length === 0 ? EXIT_CODES.badInput : EXIT_CODES.success;
  }
  const selected = selectCommand(argv);
  if (selected === null) {
    return fail(
      EXIT_CODES.badInput,
      new InvalidArgumentError(
        `command must be one of ${COMMANDS.map((c) => c.words.join(' ')).join(', ')}, found ${formatValue(words)}`,
      ),
    );
  }
  const { command, rest } = selected;
  const name = command.words.join(' ');
  words = name;
  try {
    const { values } = parseArgs({
      args: rest,
      options: { ...GLOBAL_OPTIONS, ...command.options },
      strict: true,
      allowPositionals: false,
    });
    const flags = values as Flags;
    if (flags.help === true) {
      io.stdout.write(`leadscore ${name}: ${command.summary}\n`);
      return EXIT_CODES.success;
    }
    const overrides = mergeOverrides(globalOverrides(flags), command.overrides?.(flags) ?? {});
    const { config, file } = loadConfig(stringFlag(flags, 'config'), io.cwd, overrides);
    const ctx: CommandContext = {
      config,
      configFile: file,
      flags,
      io,
      json,
      log: (line) => {
        if (!json) io.stdout.write(`${line}\n`);
      },
      progress: (label) => (json ? SILENT : createProgress(label, { stream: io.stdout })),
    };
    const outcome = await command.run(ctx);
    if (json) {
      io.stdout.write(
        `${JSON.stringify({ command: name, ok: outcome.exitCode === 0, exitCode: outcome.exitCode, ...outcome.result })}\n`,
      );
    }
    return outcome.exitCode;
  } catch (error) {
    return fail(exitCodeFor(error), error);
  }
}
