/**
 * Typed errors shared by every leadscore package. Each subclass carries a stable `code` that callers may
 * switch on; messages start with the offending parameter or column and quote the bad value.
 * @module
 */

/**
 * Stable machine-readable error codes. The union stays here even for errors defined elsewhere
 * (`GATE_FAILED` by the gates package, `NOT_FITTED` by features) so every code has one home.
 */
export type LeadscoreErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_DATA'
  | 'SCHEMA_MISMATCH'
  | 'LEAKAGE'
  | 'WAREHOUSE'
  | 'ARTIFACT'
  | 'MODEL_FORMAT'
  | 'GATE_FAILED'
  | 'CANCELLED'
  | 'NOT_FITTED';

/**
 * One problem: a specific machine-readable `code`, where it is, the value found and a sentence. Defined
 * here so errors can carry issues; `@leadscore/core/issues` re-exports it.
 */
export interface Issue {
  /** Specific and stable: `'too_small'`, `'missing_column'`, `'cv_ap_below_threshold'`, ... */
  readonly code: string;
  /** Where: object keys and array indices from the validated value's root (empty for the root). */
  readonly path: readonly (string | number)[];
  /** The offending value, when there is one. */
  readonly value?: unknown;
  /** A sentence that starts with the path or column and quotes the value. */
  readonly message: string;
}

/** Base class of every error thrown by leadscore. */
export class LeadscoreError extends Error {
  /** Stable identifier of the failure kind. */
  readonly code: LeadscoreErrorCode;
  /** Structured context (parameter name, offending value, ...), safe to log. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: LeadscoreErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = Object.freeze({ ...(options.details ?? {}) });
  }
}

/** A function argument or option is invalid. */
export class InvalidArgumentError extends LeadscoreError {
  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super('INVALID_ARGUMENT', message, options);
  }
}

/** Input data (a row, a column, a file) violates the data contract. */
export class DataError extends LeadscoreError {
  /** Every problem found when the check collects them (`parseRows`); empty otherwise. */
  readonly issues: readonly Issue[];

  constructor(
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown>; issues?: readonly Issue[] } = {},
  ) {
    const { issues, ...rest } = options;
    super('INVALID_DATA', message, rest);
    this.issues = Object.freeze([...(issues ?? [])]);
  }
}

/** A table or matrix does not have the columns or types that were expected. */
export class SchemaError extends LeadscoreError {
  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super('SCHEMA_MISMATCH', message, options);
  }
}

/** A value was read from the future of its cutoff. */
export class LeakageError extends LeadscoreError {
  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super('LEAKAGE', message, options);
  }
}

/** The warehouse (DuckDB, BigQuery) failed or refused a request. */
export class WarehouseError extends LeadscoreError {
  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super('WAREHOUSE', message, options);
  }
}

/** An artifact (metadata, bundle, fixture) could not be read or written, or failed its hash. */
export class ArtifactError extends LeadscoreError {
  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super('ARTIFACT', message, options);
  }
}

/** A model file does not follow its format. */
export class ModelFormatError extends LeadscoreError {
  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super('MODEL_FORMAT', message, options);
  }
}

/** A long-running step was cancelled through its AbortSignal or callback. */
export class CancelledError extends LeadscoreError {
  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super('CANCELLED', message, options);
  }
}

/** Formats a value for an error message: strings quoted, long arrays shortened. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || value === undefined) return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (Array.isArray(value)) {
    const head = value.slice(0, 5).map(formatValue).join(', ');
    return `[${head}${value.length > 5 ? `, ... (${value.length} items)` : ''}]`;
  }
  try {
    const s = JSON.stringify(value);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
