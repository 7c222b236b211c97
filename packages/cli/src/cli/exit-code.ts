import { LeadscoreError } from '@leadscore/core';

/** Exit codes of `leadscore`. */
export const EXIT_CODES = Object.freeze({
  /** The command did what it was asked. */
  success: 0,
  /** A gate failed: dataset verification, the leakage audit, a validation gate. */
  gateFailed: 1,
  /** Bad usage or input: unknown flag, bad config key, bad value, missing file or column. */
  badInput: 2,
  /** Anything else (warehouse failure, bug); the message says what. */
  failure: 3,
});

/** An exit code of `leadscore`. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

// A model file that fails its schema or hash is bad input too: the user passed the wrong file.
const BAD_INPUT_CODES = new Set(['INVALID_ARGUMENT', 'INVALID_DATA', 'SCHEMA_MISMATCH', 'MODEL_FORMAT']);
const GATE_CODES = new Set(['GATE_FAILED', 'LEAKAGE']);

/** The exit code an error thrown by a command maps to. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof LeadscoreError) {
    if (BAD_INPUT_CODES.has(error.code)) return EXIT_CODES.badInput;
    if (GATE_CODES.has(error.code)) return EXIT_CODES.gateFailed;
    return EXIT_CODES.failure;
  }
  const code = (error as { code?: unknown } | null)?.code;
  // node:util parseArgs reports unknown or malformed flags as TypeErrors with ERR_PARSE_ARGS_* codes.
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) return EXIT_CODES.badInput;
  if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return EXIT_CODES.badInput;
  return EXIT_CODES.failure;
}
