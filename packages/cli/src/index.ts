/**
 * @leadscore/cli: the `leadscore` command (one subcommand per pipeline step, a shared zod-validated
 * JSON config, exit codes 0/1/2/3) and the progress reporter the examples use.
 * @module
 */
export type {
  CommandContext,
  CommandDefinition,
  CommandOutcome,
  Flags,
  OptionsConfig,
} from './cli/command.js';
export { EXIT_CODES, type ExitCode, exitCodeFor } from './cli/exit-code.js';
export { type CliIo, processIo } from './cli/io.js';
export { COMMANDS, runCli } from './cli/run-cli.js';
export { datasetSpecFor } from './commands/dataset-build.js';
export {
  FEATURE_MANIFEST_FILE,
  type FeatureColumnSummary,
  summarizeFeatureMatrix,
} from './commands/features.js';
export { parseColumnTypes } from './commands/warehouse-import.js';
export {
  type CliConfig,
  type CliConfigInput,
  CONFIG_FILE_NAME,
  type ConfigOverrides,
  cliConfigSchema,
  type LoadedConfig,
  loadConfig,
} from './config/config.js';
export {
  type CreateProgressOptions,
  createProgress,
  type Progress,
  type ProgressStream,
} from './progress/progress.js';
