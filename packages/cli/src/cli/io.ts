import type { ProgressStream } from '../progress/progress.js';

/** What {@link runCli} reads and writes instead of the process, so tests run it in-process. */
export interface CliIo {
  /** Results, progress and the JSON result. */
  readonly stdout: ProgressStream;
  /** Error messages. */
  readonly stderr: { write(text: string): unknown };
  /** Directory relative paths and the default config file resolve against. */
  readonly cwd: string;
  /** Cancels the running command (Ctrl-C in the bin). @default never */
  readonly signal?: AbortSignal;
}

/** The process's own streams and working directory. */
export function processIo(signal?: AbortSignal): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    ...(signal === undefined ? {} : { signal }),
  };
}
