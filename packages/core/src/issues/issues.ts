/**
 * The typed issue model, Zod-style: validation that can find more than one problem reports a list of
 * issues; `safeX()` returns `{ success, data | issues }` and `x()` throws a {@link ValidationError}
 * carrying them. Gates report their failures in exactly this shape.
 * @module
 */
import type { z } from 'zod';
import { formatValue, type Issue, LeadscoreError, type LeadscoreErrorCode } from '../errors/index.js';

export type { Issue };

/** The result of a `safeX()` call. */
export type SafeResult<T> =
  | { readonly success: true; readonly data: T; readonly issues: readonly Issue[] }
  | { readonly success: false; readonly issues: readonly Issue[] };

/** Thrown by `x()` when `safeX()` would have reported issues; `issues` lists every one. */
export class ValidationError extends LeadscoreError {
  /** Every problem found, in the order found. */
  readonly issues: readonly Issue[];

  constructor(
    issues: readonly Issue[],
    options: { code?: LeadscoreErrorCode; cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    const head = issues.map((i) => i.message);
    const message =
      head.length <= 1
        ? (head[0] ?? 'validation failed')
        : `${head.length} problems:\n- ${head.join('\n- ')}`;
    super(options.code ?? 'INVALID_ARGUMENT', message, {
      ...(options.cause === undefined ? {} : { cause: options.cause }),
      details: { ...(options.details ?? {}), issues },
    });
    this.issues = Object.freeze([...issues]);
  }
}

/** Formats an issue path the way messages name it: `options.folds[2].testDays`. */
export function formatPath(path: readonly (string | number)[], root = ''): string {
  let out = root;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out.length === 0 ? part : `.${part}`;
  }
  return out.length === 0 ? root || 'value' : out;
}

/** Builds an issue whose message follows the house style `"<path> <requirement>, found <value>"`. */
export function issue(
  code: string,
  path: readonly (string | number)[],
  requirement: string,
  value: unknown,
  root = '',
): Issue {
  return Object.freeze({
    code,
    path: Object.freeze([...path]),
    value,
    message: `${formatPath(path, root)} ${requirement}, found ${formatValue(value)}`,
  });
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/**
 * Converts zod's issues to leadscore {@link Issue}s, quoting the value found at each path of `input`.
 * Unknown keys become one `unrecognized_key` issue each; a `custom` issue takes `params.code` when set.
 */
export function issuesFromZod(error: z.ZodError, input: unknown, root = ''): Issue[] {
  const out: Issue[] = [];
  for (const zi of error.issues) {
    const path = zi.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (zi.code === 'unrecognized_keys') {
      for (const key of zi.keys) {
        const keyPath = [...path, key];
        out.push(issue('unrecognized_key', keyPath, 'is not a known option', key, root));
      }
      continue;
    }
    if (zi.code === 'invalid_key') {
      // The offending value of a bad record key is the key itself; zod's own text is generic.
      const key = path[path.length - 1];
      const inner = zi.issues[0]?.message ?? 'must be a valid key';
      const message = `${formatPath(path.slice(0, -1), root)} key ${inner}, found ${formatValue(key)}`;
      out.push(Object.freeze({ code: 'invalid_key', path: Object.freeze(path), value: key, message }));
      continue;
    }
    const value = valueAt(input, path);
    // A refinement names its specific code in params (`{ params: { code: 'reserved_firm_id' } }`).
    const code =
      zi.code === 'custom' && typeof zi.params?.code === 'string' ? (zi.params.code as string) : zi.code;
    const text = zi.message.charAt(0).toLowerCase() + zi.message.slice(1);
    out.push(
      Object.freeze({
        code,
        path: Object.freeze(path),
        value,
        message: `${formatPath(path, root)}: ${text}, found ${formatValue(value)}`,
      }),
    );
  }
  return out;
}

/**
 * Validates `input` with a zod schema; `{ success: false, issues }` names every problem under `root`.
 * @example const r = safeParseWith(optionsSchema, options, 'options');
 */
export function safeParseWith<S extends z.ZodType>(
  schema: S,
  input: unknown,
  root = '',
): SafeResult<z.output<S>> {
  const r = schema.safeParse(input);
  if (r.success) return { success: true, data: r.data, issues: [] };
  return { success: false, issues: issuesFromZod(r.error, input, root) };
}

/**
 * Validates `input` with a zod schema and returns the parsed value, or throws a {@link ValidationError}
 * listing every problem (paths under `root`, e.g. `'options'`).
 * @example const opts = parseWith(foldOptionsSchema, options, 'options');
 */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, root = ''): z.output<S> {
  const r = safeParseWith(schema, input, root);
  if (!r.success) throw new ValidationError(r.issues);
  return r.data;
}
