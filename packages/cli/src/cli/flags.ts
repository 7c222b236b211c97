import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatValue, InvalidArgumentError } from '@leadscore/core';
import type { Flags } from './command.js';

/** A string flag's value, or undefined when absent. */
export function stringFlag(flags: Flags, name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

/** An integer flag's value, or undefined when absent. */
export function intFlag(flags: Flags, name: string, min = Number.MIN_SAFE_INTEGER): number | undefined {
  const v = stringFlag(flags, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(n) || n < min) {
    throw new InvalidArgumentError(
      `--${name} must be an integer${min > Number.MIN_SAFE_INTEGER ? ` >= ${min}` : ''}, found ${formatValue(v)}`,
      { details: { parameter: `--${name}`, value: v } },
    );
  }
  return n;
}

/** A string flag that must be set. */
export function requiredFlag(flags: Flags, name: string): string {
  const v = stringFlag(flags, name);
  if (v === undefined || v.length === 0) {
    throw new InvalidArgumentError(`--${name} is required, found ${formatValue(v)}`, {
      details: { parameter: `--${name}`, value: v },
    });
  }
  return v;
}

/** Resolves `path` against `cwd` and checks that it is an existing file, naming the flag otherwise. */
export function existingFile(path: string, cwd: string, flag: string): string {
  const abs = resolve(cwd, path);
  if (!existsSync(abs) || !statSync(abs).isFile()) {
    throw new InvalidArgumentError(`${flag} must be an existing file, found ${formatValue(path)}`, {
      details: { parameter: flag, value: path, file: abs },
    });
  }
  return abs;
}
