import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliIo, runCli } from '../../src/index.js';

/** A CliIo that records what the CLI writes, rooted at `cwd`. */
export function memoryIo(
  cwd: string,
  isTTY = false,
): { io: CliIo; stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: {
        isTTY,
        write: (t: string) => {
          out += t;
          return true;
        },
      },
      stderr: {
        write: (t: string) => {
          err += t;
          return true;
        },
      },
      cwd,
    },
    stdout: () => out,
    stderr: () => err,
  };
}

/** What one in-process CLI run returned and wrote. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The parsed `--json` line (the last stdout line). */
  json(): Record<string, unknown>;
}

/** Runs the CLI in-process in `cwd`. */
export async function cli(cwd: string, ...argv: string[]): Promise<CliRun> {
  const m = memoryIo(cwd);
  const code = await runCli(argv, m.io);
  const stdout = m.stdout();
  return {
    code,
    stdout,
    stderr: m.stderr(),
    json: () => JSON.parse(stdout.trimEnd().split('\n').at(-1) ?? 'null') as Record<string, unknown>,
  };
}

/** A fresh temporary directory. */
export function tempDir(prefix = 'leadscore-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
