/**
 * Textual translation of the BigQuery (GoogleSQL) subset leadscore emits into DuckDB SQL, for the fake
 * BigQuery server. Not a parser: a tokenizer plus a rewrite of a few function calls. Rules:
 *
 * - `` `a.b.c` `` / `` `a`.`b` `` identifiers become `"a"."b"."c"` (project = DuckDB catalog,
 *   dataset = schema, table = table).
 * - '...' and "..." are both string literals in BigQuery (backslash escapes); they become '...' with
 *   quotes doubled. `#` and `--` comments become `--` comments.
 * - `@name` becomes `CAST($name AS <type>)`; the server binds every value as a string, so the declared
 *   parameter type drives the cast.
 * - Types: INT64->BIGINT, FLOAT64->DOUBLE, STRING->VARCHAR, NUMERIC/BIGNUMERIC->DECIMAL(38,9), BYTES->BLOB.
 * - Calls: DATE_ADD/DATE_SUB(d, INTERVAL n U) -> CAST(d +/- INTERVAL (n) U AS DATE);
 *   TIMESTAMP_ADD/TIMESTAMP_SUB -> t +/- INTERVAL; DATE_DIFF(a, b, U) -> date_diff('u', b, a);
 *   DATE_TRUNC(d, U) -> CAST(date_trunc('u', d) AS DATE); FARM_FINGERPRINT(x) -> hash(x) shifted into the
 *   signed INT64 range; TO_JSON_STRING(x) -> CAST(to_json(x) AS VARCHAR); STRUCT(a, b) -> row(a, b);
 *   SAFE_DIVIDE(a, b) -> NULL when b = 0; SAFE_CAST -> TRY_CAST; COUNTIF -> count_if;
 *   LOGICAL_OR/AND -> bool_or/and; CURRENT_DATE() -> current_date.
 */

/** DuckDB type for each BigQuery parameter / column type name. */
export const DUCKDB_TYPE_OF: Readonly<Record<string, string>> = {
  STRING: 'VARCHAR',
  INT64: 'BIGINT',
  INTEGER: 'BIGINT',
  FLOAT64: 'DOUBLE',
  FLOAT: 'DOUBLE',
  NUMERIC: 'DECIMAL(38,9)',
  BIGNUMERIC: 'DECIMAL(38,9)',
  BOOL: 'BOOLEAN',
  BOOLEAN: 'BOOLEAN',
  DATE: 'DATE',
  TIMESTAMP: 'TIMESTAMP',
  DATETIME: 'TIMESTAMP',
  BYTES: 'BLOB',
};

const TYPE_WORDS: Readonly<Record<string, string>> = {
  INT64: 'BIGINT',
  FLOAT64: 'DOUBLE',
  STRING: 'VARCHAR',
  NUMERIC: 'DECIMAL(38,9)',
  BIGNUMERIC: 'DECIMAL(38,9)',
  BYTES: 'BLOB',
};

interface Token {
  kind: 'word' | 'ident' | 'string' | 'param' | 'open' | 'close' | 'comma' | 'other';
  text: string;
}

/** Error in the BigQuery text itself (reported by the fake as an invalidQuery job failure). */
export class TranslationError extends Error {}

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i] as string;
    if (c === '`') {
      const end = sql.indexOf('`', i + 1);
      if (end < 0) throw new TranslationError(`Syntax error: Unclosed identifier literal at [${i}]`);
      const parts = sql.slice(i + 1, end).split('.');
      tokens.push({ kind: 'ident', text: parts.map((p) => `"${p.replaceAll('"', '""')}"`).join('.') });
      i = end + 1;
    } else if (c === "'" || c === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= n) throw new TranslationError(`Syntax error: Unclosed string literal at [${i}]`);
        const d = sql[j] as string;
        if (d === '\\') {
          const e = sql[j + 1] ?? '';
          value += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
          j += 2;
        } else if (d === c) {
          j++;
          break;
        } else {
          value += d;
          j++;
        }
      }
      tokens.push({ kind: 'string', text: `'${value.replaceAll("'", "''")}'` });
      i = j;
    } else if (c === '#' || (c === '-' && sql[i + 1] === '-')) {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? n : end;
      tokens.push({ kind: 'other', text: `--${sql.slice(i + (c === '#' ? 1 : 2), stop)}` });
      i = stop;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      tokens.push({ kind: 'other', text: sql.slice(i, stop) });
      i = stop;
    } else if (c === '@') {
      const m = /^@([A-Za-z_][A-Za-z0-9_]*)/.exec(sql.slice(i));
      if (!m) throw new TranslationError(`Syntax error: Unexpected "@" at [${i}]`);
      tokens.push({ kind: 'param', text: m[1] as string });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'word', text: m[0] });
      i += m[0].length;
    } else if (c === '(') {
      tokens.push({ kind: 'open', text: c });
      i++;
    } else if (c === ')') {
      tokens.push({ kind: 'close', text: c });
      i++;
    } else if (c === ',') {
      tokens.push({ kind: 'comma', text: c });
      i++;
    } else {
      tokens.push({ kind: 'other', text: c });
      i++;
    }
  }
  return tokens;
}

function nextSignificant(tokens: readonly Token[], from: number): number {
  let j = from;
  while (j < tokens.length && (tokens[j] as Token).kind === 'other' && /^\s$/.test((tokens[j] as Token).text))
    j++;
  return j;
}

/** Splits the arguments of the call whose '(' is at `open`; returns them and the index after ')'. */
function callArgs(tokens: readonly Token[], open: number): { args: Token[][]; end: number } {
  const args: Token[][] = [[]];
  let depth = 0;
  for (let j = open + 1; j < tokens.length; j++) {
    const t = tokens[j] as Token;
    if (t.kind === 'open') depth++;
    if (t.kind === 'close') {
      if (depth === 0) return { args: args.length === 1 && args[0]?.length === 0 ? [] : args, end: j + 1 };
      depth--;
    }
    if (t.kind === 'comma' && depth === 0) args.push([]);
    else (args[args.length - 1] as Token[]).push(t);
  }
  throw new TranslationError('Syntax error: Unclosed parenthesis');
}

interface CallRewrite {
  /** Exact argument count, when fixed. */
  arity?: number;
  rewrite: (args: string[], raw: Token[][]) => string;
}

function unitOf(raw: Token[] | undefined): string {
  const word = raw
    ?.map((t) => t.text)
    .join('')
    .trim();
  if (!word || !/^[A-Za-z]+$/.test(word)) throw new TranslationError(`Unsupported date part ${word}`);
  return word.toLowerCase();
}

/** `INTERVAL n UNIT` -> `INTERVAL (n) UNIT` so negative and expression amounts parse in DuckDB. */
function interval(arg: string | undefined): string {
  const m = /^\s*INTERVAL\s+(.+)\s+([A-Za-z]+)\s*$/is.exec(arg ?? '');
  if (!m) throw new TranslationError(`Expected INTERVAL n UNIT, found ${arg}`);
  return `INTERVAL (${m[1]}) ${m[2]}`;
}

const CALLS: Readonly<Record<string, CallRewrite>> = {
  DATE_ADD: { arity: 2, rewrite: (a) => `CAST((${a[0]}) + ${interval(a[1])} AS DATE)` },
  DATE_SUB: { arity: 2, rewrite: (a) => `CAST((${a[0]}) - ${interval(a[1])} AS DATE)` },
  TIMESTAMP_ADD: { arity: 2, rewrite: (a) => `((${a[0]}) + ${interval(a[1])})` },
  TIMESTAMP_SUB: { arity: 2, rewrite: (a) => `((${a[0]}) - ${interval(a[1])})` },
  DATE_DIFF: { arity: 3, rewrite: (a, raw) => `date_diff('${unitOf(raw[2])}', ${a[1]}, ${a[0]})` },
  DATE_TRUNC: { arity: 2, rewrite: (a, raw) => `CAST(date_trunc('${unitOf(raw[1])}', ${a[0]}) AS DATE)` },
  // hash() is UBIGINT; shifting by 2^63 lands in INT64's range like FARM_FINGERPRINT's output.
  FARM_FINGERPRINT: {
    arity: 1,
    rewrite: (a) => `CAST(CAST(hash(${a[0]}) AS HUGEINT) - 9223372036854775808 AS BIGINT)`,
  },
  TO_JSON_STRING: { arity: 1, rewrite: (a) => `CAST(to_json(${a[0]}) AS VARCHAR)` },
  STRUCT: { rewrite: (a) => `row(${a.join(', ')})` },
  SAFE_DIVIDE: {
    arity: 2,
    rewrite: (a) => `(CASE WHEN (${a[1]}) = 0 THEN NULL ELSE (${a[0]}) / (${a[1]}) END)`,
  },
  COUNTIF: { arity: 1, rewrite: (a) => `count_if(${a[0]})` },
  LOGICAL_OR: { arity: 1, rewrite: (a) => `bool_or(${a[0]})` },
  LOGICAL_AND: { arity: 1, rewrite: (a) => `bool_and(${a[0]})` },
  CURRENT_DATE: { arity: 0, rewrite: () => 'current_date' },
};

function translateTokens(tokens: readonly Token[], paramTypes: ReadonlyMap<string, string>): string {
  let out = '';
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind === 'param') {
      const type = paramTypes.get(t.text);
      if (type === undefined) throw new TranslationError(`Query parameter '${t.text}' not found`);
      out += `CAST($${t.text} AS ${DUCKDB_TYPE_OF[type] ?? 'VARCHAR'})`;
      continue;
    }
    if (t.kind === 'word') {
      const upper = t.text.toUpperCase();
      const open = nextSignificant(tokens, i + 1);
      const rewrite = CALLS[upper];
      if (rewrite !== undefined && tokens[open]?.kind === 'open') {
        const { args, end } = callArgs(tokens, open);
        if (rewrite.arity !== undefined && args.length !== rewrite.arity) {
          throw new TranslationError(
            `No matching signature for function ${upper} with ${args.length} argument(s)`,
          );
        }
        out += rewrite.rewrite(
          args.map((arg) => translateTokens(arg, paramTypes).trim()),
          args,
        );
        i = end - 1;
        continue;
      }
      if (upper === 'SAFE_CAST') {
        out += 'TRY_CAST';
        continue;
      }
      out += TYPE_WORDS[upper] ?? t.text;
      continue;
    }
    out += t.text;
  }
  return out;
}

/**
 * Translates BigQuery SQL to DuckDB SQL (see the module comment for the rules).
 * @param paramTypes BigQuery type of each named parameter.
 */
export function translateBigQuerySql(
  sql: string,
  paramTypes: ReadonlyMap<string, string> = new Map(),
): string {
  return translateTokens(tokenize(sql), paramTypes);
}

/** The leading keyword of a statement, upper-cased (`SELECT`, `WITH`, `CREATE`, ...). */
export function statementKeyword(sql: string): string {
  const tokens = tokenize(sql);
  const first = tokens.find((t) => t.kind === 'word' || t.kind === 'open');
  return first?.kind === 'open' ? 'SELECT' : (first?.text.toUpperCase() ?? '');
}
