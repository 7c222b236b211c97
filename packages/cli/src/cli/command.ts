import type { ParseArgsConfig } from 'node:util';

/** Flag definitions in node:util parseArgs' shape. */
export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

import type { CliConfig, ConfigOverrides } from '../config/config.js';
import type { Progress } from '../progress/progress.js';
import type { CliIo } from './io.js';

/** Parsed flag values of one command line. */
export type Flags = Readonly<Record<string, string | boolean | string[] | undefined>>;

/** What a command receives: the validated config (flags applied), its flags and output helpers. */
export interface CommandContext {
  readonly config: CliConfig;
  readonly configFile: string | null;
  readonly flags: Flags;
  readonly io: CliIo;
  /** `--json`: human lines are suppressed and one JSON result is printed at the end. */
  readonly json: boolean;
  /** Prints a human line (nothing with `--json`). */
  log(line: string): void;
  /** A progress bar on a TTY, plain lines otherwise, silent with `--json`. */
  progress(label: string): Progress;
}

/** What a command returns: its exit code and its machine-readable result. */
export interface CommandOutcome {
  readonly exitCode: 0 | 1;
  readonly result: Readonly<Record<string, unknown>>;
}

/** One subcommand of `leadscore`. */
export interface CommandDefinition {
  /** The words that select it, e.g. `['dataset', 'verify']`. */
  readonly words: readonly string[];
  /** One line for the help text. */
  readonly summary: string;
  /** Flags beyond the global ones. */
  readonly options: OptionsConfig;
  /** Config keys the flags override, validated with the file by the config schema. */
  overrides?(flags: Flags): ConfigOverrides;
  run(ctx: CommandContext): Promise<CommandOutcome>;
}
