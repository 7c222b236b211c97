import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { DataError, formatValue, InvalidArgumentError, SchemaError } from '@leadscore/core';
import type { LogicalType } from './types.js';

/**
 * A typed CSV column holds a value its logical type refuses. `file`, `line` (physical line of the
 * CSV, header = line 1, of the record holding the value), `column`, `value` and `expectedType` name
 * the first one; `badValues` counts every refused value by column (the first included).
 */
export class CsvValueError extends DataError {
  /** Path of the CSV file as given. */
  readonly file: string;
  /** Physical line (1-based, header = 1) where the record with the first bad value starts. */
  readonly line: number;
  /** Column of the first bad value. */
  readonly column: string;
  /** The first bad value, unquoted. */
  readonly value: string;
  /** The logical type the column was declared as. */
  readonly expectedType: LogicalType;
  /** Refused values per column in the whole file, the first one included. */
  readonly badValues: Readonly<Record<string, number>>;

  constructor(
    fields: {
      file: string;
      line: number;
      column: string;
      value: string;
      expectedType: LogicalType;
      badValues: Record<string, number>;
    },
    options: { cause?: unknown } = {},
  ) {
    const counts = Object.entries(fields.badValues);
    const more = counts
      .map(([c, n]) => [c, c === fields.column ? n - 1 : n] as const)
      .filter(([, n]) => n > 0)
      .map(([c, n]) => `${n} ${c === fields.column ? 'more ' : ''}in column ${c}`);
    super(
      `column ${fields.column} must hold ${fields.expectedType} values, found ${formatValue(fields.value)} on line ${fields.line} of ${fields.file} (${EXPECTED[fields.expectedType]}${hint(fields.expectedType, fields.value)})${more.length ? `; also refused: ${more.join(', ')}` : ''}`,
      { ...options, details: { ...fields, path: fields.file } },
    );
    this.file = fields.file;
    this.line = fields.line;
    this.column = fields.column;
    this.value = fields.value;
    this.expectedType = fields.expectedType;
    this.badValues = Object.freeze({ ...fields.badValues });
  }
}

/** What each logical type accepts in CSV text, as said in error messages and the README. */
const EXPECTED: Readonly<Record<LogicalType, string>> = {
  string: 'any text',
  date: 'expected an ISO date like 2024-01-31',
  timestamp:
    'expected an ISO timestamp like 2024-01-31 10:00:00, optionally with T, up to 6 fractional digits and Z or +HH:MM',
  float: 'expected a finite decimal number like 1.5, -2 or 3e-4',
  int: 'expected a whole number in the 64-bit range like 42 or -7',
  int32: 'expected a whole number in the 32-bit range like 42 or -7',
  bool: 'expected true or false',
};

function hint(type: LogicalType, value: string): string {
  if ((type === 'timestamp' || type === 'date') && /^-?\d+(\.\d+)?$/.test(value))
    return '; epoch numbers are refused';
  if (type === 'float' && /^[+-]?(nan|inf|infinity)$/i.test(value))
    return '; NaN and infinity are refused, leave the cell empty for a missing value';
  if (/^(null|na|n\/a|none|nan)$/i.test(value)) return '; only an empty cell is NULL';
  return '';
}

// ---------------------------------------------------------------------------------------------------
// Value grammars, checked on the raw bytes of a field (no string per value).
// ---------------------------------------------------------------------------------------------------

const ZERO = 48;
const MINUS = 45;

function d2(b: Uint8Array, i: number): number {
  const x = (b[i] as number) - ZERO;
  const y = (b[i + 1] as number) - ZERO;
  return x >= 0 && x <= 9 && y >= 0 && y <= 9 ? x * 10 + y : -1;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `YYYY-MM-DD` at `s`, a real calendar day in years 0001..9999. */
function isDateAt(b: Uint8Array, s: number): boolean {
  const hi = d2(b, s);
  const lo = d2(b, s + 2);
  const m = d2(b, s + 5);
  const d = d2(b, s + 8);
  if (hi < 0 || lo < 0 || m < 1 || m > 12 || d < 1 || b[s + 4] !== MINUS || b[s + 7] !== MINUS) return false;
  const y = hi * 100 + lo;
  if (y === 0) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= (m === 2 && leap ? 29 : (DAYS_IN_MONTH[m - 1] as number));
}

function isDate(b: Uint8Array, s: number, e: number): boolean {
  return e - s === 10 && isDateAt(b, s);
}

/** Date, or date + (space|T) + HH:MM:SS[.f{1,6}] + optional Z / +HH / +HH:MM (offset <= 14 h). */
function isTimestamp(b: Uint8Array, s: number, e: number): boolean {
  if (e - s < 10 || !isDateAt(b, s)) return false;
  if (e - s === 10) return true;
  const sep = b[s + 10];
  if ((sep !== 32 && sep !== 84) || e - s < 19) return false;
  const hh = d2(b, s + 11);
  const mm = d2(b, s + 14);
  const ss = d2(b, s + 17);
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59 || b[s + 13] !== 58 || b[s + 16] !== 58)
    return false;
  let p = s + 19;
  if (b[p] === 46) {
    const f = ++p;
    while (p < e && (b[p] as number) >= ZERO && (b[p] as number) <= ZERO + 9) p++;
    if (p === f || p - f > 6) return false;
  }
  if (p === e) return true;
  if (b[p] === 90) return p + 1 === e;
  if (b[p] !== 43 && b[p] !== MINUS) return false;
  const oh = d2(b, p + 1);
  if (oh < 0 || oh > 14) return false;
  if (p + 3 === e) return true;
  const om = d2(b, p + 4);
  return p + 6 === e && b[p + 3] === 58 && om >= 0 && om <= 59;
}

const INT64_MAX = '9223372036854775807';
const INT32_MAX = '2147483647';

/** `-?[0-9]+` within the signed range whose largest magnitude is `max` (+1 when negative). */
function isIntIn(b: Uint8Array, s: number, e: number, max: string): boolean {
  const neg = b[s] === MINUS;
  let p = neg ? s + 1 : s;
  if (p === e) return false;
  for (let i = p; i < e; i++) {
    const c = (b[i] as number) - ZERO;
    if (c < 0 || c > 9) return false;
  }
  while (p < e - 1 && b[p] === ZERO) p++;
  const len = e - p;
  if (len !== max.length) return len < max.length;
  for (let i = 0; i < len; i++) {
    const c = b[p + i] as number;
    const m = max.charCodeAt(i) + (neg && i === len - 1 ? 1 : 0);
    if (c !== m) return c < m;
  }
  return true;
}

function isInt64(b: Uint8Array, s: number, e: number): boolean {
  return isIntIn(b, s, e, INT64_MAX);
}

function isInt32(b: Uint8Array, s: number, e: number): boolean {
  return isIntIn(b, s, e, INT32_MAX);
}

function digitsFrom(b: Uint8Array, p: number, e: number): number {
  while (p < e && (b[p] as number) >= ZERO && (b[p] as number) <= ZERO + 9) p++;
  return p;
}

/** `-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?` and finite as a double. */
function isFloat(b: Uint8Array, s: number, e: number): boolean {
  let p = b[s] === MINUS ? s + 1 : s;
  let q = digitsFrom(b, p, e);
  if (q === p) return false;
  if (b[q] === 46) {
    p = q + 1;
    q = digitsFrom(b, p, e);
    if (q === p) return false;
  }
  if (q === e) return e - s < 300 || Number.isFinite(Number(latin1(b, s, e)));
  if (b[q] !== 69 && b[q] !== 101) return false;
  p = b[q + 1] === 43 || b[q + 1] === MINUS ? q + 2 : q + 1;
  q = digitsFrom(b, p, e);
  return q > p && q === e && Number.isFinite(Number(latin1(b, s, e)));
}

/** `true` / `false`, any case. */
function isBool(b: Uint8Array, s: number, e: number): boolean {
  const n = e - s;
  if (n === 4) {
    return (
      ((b[s] as number) | 32) === 116 &&
      ((b[s + 1] as number) | 32) === 114 &&
      ((b[s + 2] as number) | 32) === 117 &&
      ((b[s + 3] as number) | 32) === 101
    );
  }
  return (
    n === 5 &&
    ((b[s] as number) | 32) === 102 &&
    ((b[s + 1] as number) | 32) === 97 &&
    ((b[s + 2] as number) | 32) === 108 &&
    ((b[s + 3] as number) | 32) === 115 &&
    ((b[s + 4] as number) | 32) === 101
  );
}

function latin1(b: Uint8Array, s: number, e: number): string {
  return Buffer.from(b.buffer, b.byteOffset + s, e - s).toString('latin1');
}

type Check = (b: Uint8Array, s: number, e: number) => boolean;

const CHECKS: Readonly<Record<LogicalType, Check | null>> = {
  string: null,
  date: isDate,
  timestamp: isTimestamp,
  float: isFloat,
  int: isInt64,
  int32: isInt32,
  bool: isBool,
};

/**
 * Whether `text` is a value of `type` in CSV text (the empty string, NULL, is not asked here).
 * @example isCsvValue('2024-02-30', 'date') // false
 */
export function isCsvValue(text: string, type: LogicalType): boolean {
  const check = CHECKS[type];
  if (check === null) return true;
  const b = Buffer.from(text, 'utf8');
  return check(b, 0, b.length);
}

// ---------------------------------------------------------------------------------------------------
// The scan: RFC 4180 records (double-quote quoting, "" escapes, quoted newlines, LF or CRLF).
// ---------------------------------------------------------------------------------------------------

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Options of {@link checkCsvValues}. */
export interface CheckCsvValuesOptions {
  /** Field delimiter. @default ',' */
  delimiter?: ',' | '\t';
  /** Bytes read at a time (records spanning two reads are carried over). @default 1048576 */
  chunkBytes?: number;
}

/** What {@link checkCsvValues} found in a file whose values all parse. */
export interface CheckCsvValuesResult {
  /** Header column names, in file order. */
  readonly columns: readonly string[];
  /** Data records (blank lines are not records). */
  readonly rows: number;
}

/**
 * Reads a CSV file (a `.gz` one decompressed) and refuses it, with a {@link CsvValueError}, when a
 * column of `columnTypes` holds a value its logical type does not accept; the empty cell (quoted or
 * not) is NULL and the only NULL. The one validator both warehouses run before loading, so they
 * accept and refuse the same text. A column of `columnTypes` missing from the header is a
 * `SchemaError`; a record with another field count than the header a `DataError`.
 * @example await checkCsvValues('leads.csv', { contacted_at: 'timestamp' })
 */
export async function checkCsvValues(
  path: string,
  columnTypes: Readonly<Record<string, LogicalType>>,
  options: CheckCsvValuesOptions = {},
): Promise<CheckCsvValuesResult> {
  const scanner = new CsvScanner(path, columnTypes, (options.delimiter ?? ',').charCodeAt(0));
  const input = createReadStream(path, { highWaterMark: options.chunkBytes ?? 1 << 20 });
  const stream = /\.gz$/i.test(path) ? input.pipe(createGunzip()) : input;
  let carry: Buffer | null = null;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const data: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
      const used = scanner.scan(data, false);
      carry = used < data.length ? data.subarray(used) : null;
    }
  } catch (error) {
    if (error instanceof DataError || error instanceof SchemaError) throw error;
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') {
      throw new InvalidArgumentError(`path must be a readable file, found ${formatValue(path)}`, {
        cause: error,
        details: { parameter: 'path', value: path },
      });
    }
    throw new DataError(`path ${formatValue(path)} could not be read as CSV: ${String(error)}`, {
      cause: error,
      details: { path },
    });
  }
  scanner.scan(carry ?? Buffer.alloc(0), true);
  return scanner.finish();
}

class CsvScanner {
  readonly #path: string;
  readonly #types: Readonly<Record<string, LogicalType>>;
  readonly #delim: number;
  #line = 1;
  #rows = 0;
  #header: string[] | null = null;
  /** Per field index: the logical type to check, or null. */
  #typeOf: (LogicalType | null)[] = [];
  #checkOf: (Check | null)[] = [];
  #first: { line: number; column: string; value: string; type: LogicalType } | null = null;
  #bad: Record<string, number> = {};
  #started = false;

  constructor(path: string, types: Readonly<Record<string, LogicalType>>, delim: number) {
    this.#path = path;
    this.#types = types;
    this.#delim = delim;
  }

  /** Scans the complete records of `b`; returns where the incomplete tail starts (b.length if none). */
  scan(b: Buffer, final: boolean): number {
    const n = b.length;
    const delim = this.#delim;
    let p = 0;
    if (!this.#started) {
      if (n < 3 && !final) return 0;
      this.#started = true;
      if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) p = 3;
    }
    const headerFields: string[] = [];
    let header = this.#header;
    let checkOf = this.#checkOf;
    let width = checkOf.length;
    while (p < n) {
      const start = p;
      let fi = 0;
      let quotedNewlines = 0;
      let pendingBad: { fi: number; s: number; e: number; escaped: boolean }[] | null = null;
      let complete = false;
      let blank = true;
      for (;;) {
        let s: number;
        let e: number;
        let escaped = false;
        if (b[p] === QUOTE) {
          blank = false;
          s = p + 1;
          let q = s;
          for (;;) {
            while (q < n && b[q] !== QUOTE) {
              if (b[q] === LF) quotedNewlines++;
              q++;
            }
            if (q >= n) break;
            if (b[q + 1] === QUOTE) {
              escaped = true;
              q += 2;
              continue;
            }
            if (q + 1 >= n && !final) q = n;
            break;
          }
          if (q >= n) {
            if (!final) return start;
            throw this.#structural(`has an unterminated quoted field`);
          }
          e = q;
          p = q + 1;
          const c = b[p];
          if (p < n && c !== delim && c !== LF && c !== CR) {
            throw this.#structural(`has text after a closing quote`);
          }
        } else {
          s = p;
          while (p < n) {
            const c = b[p];
            if (c === delim || c === LF || c === CR) break;
            p++;
          }
          e = p;
          if (e > s) blank = false;
        }
        if (p >= n && !final) return start;
        if (header === null) {
          headerFields.push(unquote(b, s, e, escaped));
        } else if (e > s && fi < width) {
          const check = checkOf[fi];
          if (check && (escaped || !check(b, s, e))) {
            pendingBad ??= [];
            pendingBad.push({ fi, s, e, escaped });
          }
        }
        fi++;
        if (p >= n) {
          complete = true;
          break;
        }
        const c = b[p];
        if (c === delim) {
          blank = false;
          p++;
          continue;
        }
        if (c === CR) {
          if (p + 1 >= n && !final) return start;
          p += b[p + 1] === LF ? 2 : 1;
        } else {
          p++;
        }
        complete = true;
        break;
      }
      if (!complete) return start;
      const line = this.#line;
      this.#line += 1 + quotedNewlines;
      if (blank) {
        headerFields.length = 0;
        continue;
      }
      if (header === null) {
        this.#setHeader([...headerFields]);
        header = this.#header as string[] | null;
        checkOf = this.#checkOf;
        width = checkOf.length;
        continue;
      }
      if (fi !== header.length) {
        this.#line = line;
        throw this.#structural(`has ${fi} fields, expected ${header.length} as in the header`);
      }
      this.#rows++;
      if (pendingBad) {
        for (const v of pendingBad) {
          const column = header[v.fi] as string;
          this.#bad[column] = (this.#bad[column] ?? 0) + 1;
          this.#first ??= {
            line,
            column,
            value: unquote(b, v.s, v.e, v.escaped),
            type: this.#typeOf[v.fi] as LogicalType,
          };
        }
      }
    }
    return n;
  }

  finish(): CheckCsvValuesResult {
    if (this.#header === null) this.#setHeader([]);
    if (this.#first) {
      throw new CsvValueError({
        file: this.#path,
        line: this.#first.line,
        column: this.#first.column,
        value: this.#first.value,
        expectedType: this.#first.type,
        badValues: this.#bad,
      });
    }
    return { columns: this.#header ?? [], rows: this.#rows };
  }

  #setHeader(header: string[]): void {
    this.#header = header;
    const index = new Map<string, number>();
    const lower = new Map<string, number | null>();
    header.forEach((h, i) => {
      if (!index.has(h)) index.set(h, i);
      const k = h.toLowerCase();
      lower.set(k, lower.has(k) ? null : i);
    });
    this.#typeOf = header.map(() => null);
    const missing: string[] = [];
    for (const [column, type] of Object.entries(this.#types)) {
      const i = index.get(column) ?? lower.get(column.toLowerCase());
      if (i === undefined || i === null) missing.push(column);
      else this.#typeOf[i] = type;
    }
    if (missing.length > 0) {
      throw new SchemaError(
        `columnTypes names columns missing from ${formatValue(this.#path)}: ${formatValue(missing)}; columns: ${header.join(', ')}`,
        { details: { path: this.#path, missing, columns: header } },
      );
    }
    this.#checkOf = this.#typeOf.map((t) => (t === null ? null : CHECKS[t]));
  }

  #structural(what: string): DataError {
    return new DataError(`line ${this.#line} of ${formatValue(this.#path)} ${what}`, {
      details: { path: this.#path, file: this.#path, line: this.#line },
    });
  }
}

function unquote(b: Uint8Array, s: number, e: number, escaped: boolean): string {
  const text = Buffer.from(b.buffer, b.byteOffset + s, e - s).toString('utf8');
  return escaped ? text.replaceAll('""', '"') : text;
}
