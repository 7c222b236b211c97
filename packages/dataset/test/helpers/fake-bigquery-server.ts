/**
 * A loopback HTTP server speaking the subset of the BigQuery REST API v2 that `@google-cloud/bigquery`
 * uses, executing SQL on an in-memory DuckDB (see fake-bigquery-sql.ts for the SQL translation).
 *
 * Endpoints: jobs.insert (query, dry run; load only via upload), jobs.get, jobs.cancel, jobs.query,
 * jobs.getQueryResults (paging with maxResults/pageToken), tables.get, tables.delete, tabledata.list,
 * datasets.get, and the multipart upload endpoint of load jobs (NEWLINE_DELIMITED_JSON, CSV, PARQUET).
 * Mapping: project = DuckDB catalog (ATTACHed in memory), dataset = schema, table = table.
 *
 * Test hooks: every request is recorded; `failNext` answers matching requests with an HTTP error;
 * `failJob` makes matching query jobs fail (at insert or when results are read); `holdJobs` keeps
 * matching jobs RUNNING until cancelled; `dryRunBytes` overrides the dry-run estimate.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import {
  DUCKDB_TYPE_OF,
  statementKeyword,
  TranslationError,
  translateBigQuerySql,
} from './fake-bigquery-sql.js';

/** A request the server received. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/bigquery/v2/projects/p/jobs`. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body; for uploads `{ metadata, bytes }`. */
  body?: unknown;
}

/** An injected HTTP failure. */
export interface InjectedFailure {
  /** HTTP method to match. @default any */
  method?: string;
  /** Pattern the path must match. @default any */
  path?: RegExp;
  status: number;
  reason: string;
  message: string;
  /** How many matching requests fail. @default 1 */
  times?: number;
}

/** An injected job failure. */
export interface InjectedJobFailure {
  /** Pattern the job's SQL must match. */
  sql: RegExp;
  reason: string;
  message: string;
  /** 'insert': jobs.insert returns the failed job; 'results': it fails when results are read. @default 'results' */
  when?: 'insert' | 'results';
  /** How many matching jobs fail. @default 1 */
  times?: number;
}

interface BqField {
  name: string;
  type: string;
  mode: string;
}

interface FakeJob {
  id: string;
  projectId: string;
  location: string;
  configuration: Record<string, unknown>;
  state: 'RUNNING' | 'DONE';
  errorResult?: { reason: string; message: string; location?: string };
  /** Failure revealed when the job is next observed (when: 'results'). */
  pendingError?: { reason: string; message: string };
  held: boolean;
  fields?: BqField[];
  rows: { f: { v: string | null }[] }[];
  statementType: string;
  statistics: Record<string, unknown>;
}

/** Handle of a running fake server. */
export interface FakeBigQuery {
  /** `http://127.0.0.1:<port>`, to pass as `apiEndpoint`. */
  readonly url: string;
  readonly projectId: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  failNext(failure: InjectedFailure): void;
  failJob(failure: InjectedJobFailure): void;
  /** Holds the next `times` (default 1) requests matching `path` for `ms` before answering. */
  stall(path: RegExp, ms: number, times?: number): void;
  /** Jobs whose SQL matches stay RUNNING (results report jobComplete: false) until cancelled. */
  holdJobs(sql: RegExp): void;
  /** Overrides the dry-run estimate (default: sum of rows x columns x 8 of tables named in the SQL). */
  dryRunBytes: ((sql: string) => number) | undefined;
  /** Runs DuckDB SQL directly (setup and checks), with `"project"."dataset"` as the search path. */
  duckdb(sql: string): Promise<Record<string, unknown>[]>;
  /** Forgets jobs, injected failures and held-job patterns (not tables or recorded requests). */
  reset(): void;
  /** Ids of the jobs created, in order. */
  readonly jobIds: string[];
  close(): Promise<void>;
}

/** Options of {@link startFakeBigQuery}. */
export interface FakeBigQueryOptions {
  /** @default 'fake-project' */
  projectId?: string;
  /** Datasets created at start. @default ['leadscore'] */
  datasets?: string[];
  /** Location reported on jobs. @default 'US' */
  location?: string;
}

function apiError(status: number, reason: string, message: string) {
  return {
    error: { code: status, message, errors: [{ domain: 'global', reason, message }], status: reason },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Splits a multipart/related body into its parts' contents. */
function multipartParts(body: Buffer, boundary: string): Buffer[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const part = body.subarray(start + delimiter.length, next);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd >= 0) {
      let content = part.subarray(headerEnd + 4);
      if (content.subarray(-2).toString() === '\r\n') content = content.subarray(0, -2);
      parts.push(content);
    }
    start = next;
  }
  return parts;
}

/** Text forms of NDJSON load values the fake accepts (a subset of what BigQuery accepts). */
const LOAD_FORMATS: Readonly<Record<string, string>> = {
  INT64: '-?[0-9]+',
  INTEGER: '-?[0-9]+',
  BOOL: 'true|false',
  BOOLEAN: 'true|false',
  DATE: '[0-9]{4}-[0-9]{2}-[0-9]{2}',
  TIMESTAMP:
    '[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?( ?UTC|Z|[+-][0-9]{2}:[0-9]{2})?',
  DATETIME: '[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?',
};

/** BigQuery REST type name of a DuckDB column type (legacy names, as the API reports them). */
function bqTypeOf(duckType: string): string {
  const t = duckType.toUpperCase();
  if (t === 'VARCHAR') return 'STRING';
  if (/^(BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT|UHUGEINT)$/.test(t))
    return 'INTEGER';
  if (t === 'DOUBLE' || t === 'FLOAT' || t.startsWith('DECIMAL')) return 'FLOAT';
  if (t === 'BOOLEAN') return 'BOOLEAN';
  if (t === 'DATE') return 'DATE';
  if (t.startsWith('TIMESTAMP')) return 'TIMESTAMP';
  return 'STRING';
}

/** Formats one DuckDB value as the REST API's string cell. */
function cellOf(value: unknown, bqType: string, int64Timestamps: boolean): string | null {
  if (value === null || value === undefined) return null;
  switch (bqType) {
    case 'INTEGER':
      return String(BigInt.asIntN(64, BigInt(String(value))));
    case 'FLOAT':
      return typeof value === 'number' ? String(value) : String(Number(String(value)));
    case 'BOOLEAN':
      return value ? 'true' : 'false';
    case 'TIMESTAMP': {
      const micros = (value as { micros: bigint }).micros;
      return int64Timestamps ? String(micros) : String(Number(micros) / 1e6);
    }
    case 'DATE':
      return String(value);
    default:
      return typeof value === 'string' ? value : String(value);
  }
}

/** Starts the fake on 127.0.0.1 with an OS-assigned port. */
export async function startFakeBigQuery(options: FakeBigQueryOptions = {}): Promise<FakeBigQuery> {
  const projectId = options.projectId ?? 'fake-project';
  const location = options.location ?? 'US';
  const { DuckDBInstance: Instance } = await import('@duckdb/node-api');
  const instance: DuckDBInstance = await Instance.create(':memory:');
  const db: DuckDBConnection = await instance.connect();
  const requests: RecordedRequest[] = [];
  const failures: (InjectedFailure & { left: number })[] = [];
  const jobFailures: (InjectedJobFailure & { left: number })[] = [];
  const held: RegExp[] = [];
  const stalls: { path: RegExp; ms: number; left: number }[] = [];
  // Stalled requests are dropped, not answered, when the server closes.
  const stallTimers = new Set<ReturnType<typeof setTimeout>>();
  const jobs = new Map<string, FakeJob>();
  const jobIds: string[] = [];
  const projects = new Set<string>();
  const tmp = await mkdtemp(join(tmpdir(), 'fake-bq-'));
  let fileCounter = 0;
  // DuckDB work is serialised: one connection, and search_path is per-connection state.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };
  const q = (s: string) => `"${s.replaceAll('"', '""')}"`;

  async function ensureProject(p: string): Promise<void> {
    if (projects.has(p)) return;
    await db.run(`ATTACH ':memory:' AS ${q(p)}`);
    projects.add(p);
  }
  await db.run(`SET TimeZone = 'UTC'`);
  await ensureProject(projectId);
  for (const d of options.datasets ?? ['leadscore']) await db.run(`CREATE SCHEMA ${q(projectId)}.${q(d)}`);

  async function rowsOf(sql: string, values?: Record<string, string | null>) {
    const result = await db.run(sql, values as never);
    const names = result.columnNames();
    const types = result.columnTypes().map((t) => bqTypeOf(String(t)));
    const rows = await result.getRows();
    return { names, types, rows };
  }

  async function datasetExists(p: string, d: string): Promise<boolean> {
    if (!projects.has(p)) return false;
    const { rows } = await rowsOf(
      `SELECT 1 FROM duckdb_schemas() WHERE database_name = $p AND schema_name = $d`,
      { p, d },
    );
    return rows.length > 0;
  }

  async function tableColumns(p: string, d: string, t: string): Promise<BqField[] | undefined> {
    if (!projects.has(p)) return undefined;
    const { rows } = await rowsOf(
      `SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = $p AND schema_name = $d AND table_name = $t ORDER BY column_index`,
      { p, d, t },
    );
    if (rows.length === 0) return undefined;
    return rows.map((r) => ({ name: String(r[0]), type: bqTypeOf(String(r[1])), mode: 'NULLABLE' }));
  }

  async function estimateBytes(duckSql: string): Promise<number> {
    const { rows } = await rowsOf(
      `SELECT table_name, estimated_size, column_count FROM duckdb_tables() WHERE NOT temporary`,
    );
    let bytes = 0;
    for (const r of rows) {
      const name = String(r[0]).replace(/[^A-Za-z0-9_]/g, '');
      if (new RegExp(`(^|[^A-Za-z0-9_])${name}($|[^A-Za-z0-9_])`, 'i').test(duckSql)) {
        bytes += Number(r[1]) * Number(r[2]) * 8;
      }
    }
    return bytes;
  }

  function jobResource(job: FakeJob, forInsert = false) {
    const status: Record<string, unknown> = { state: job.state };
    if (job.errorResult) {
      status.errorResult = job.errorResult;
      status.errors = [job.errorResult];
    }
    return {
      kind: 'bigquery#job',
      id: `${job.projectId}:${job.location}.${job.id}`,
      jobReference: { projectId: job.projectId, jobId: job.id, location: job.location },
      configuration: job.configuration,
      // Loads report RUNNING from the upload, as BigQuery does; the client must poll jobs.get.
      status:
        forInsert && job.configuration.load && job.state === 'DONE' && !job.errorResult
          ? { state: 'RUNNING' }
          : status,
      statistics: job.statistics,
    };
  }

  /** Executes a query configuration; fills the job's result or error. */
  async function runQuery(job: FakeJob, query: Record<string, unknown>, int64Ts = true): Promise<void> {
    const sql = String(query.query ?? '');
    const params = (query.queryParameters ?? []) as {
      name: string;
      parameterType: { type: string };
      parameterValue?: { value?: string | null };
    }[];
    const types = new Map(params.map((p) => [p.name, p.parameterType.type]));
    const values: Record<string, string | null> = {};
    for (const p of params) values[p.name] = p.parameterValue?.value ?? null;
    const dflt = query.defaultDataset as { projectId?: string; datasetId: string } | undefined;
    try {
      const duckSql = translateBigQuerySql(sql, types);
      const keyword = statementKeyword(sql);
      job.statementType = keyword === 'WITH' ? 'SELECT' : keyword;
      await serial(async () => {
        if (dflt) {
          const p = dflt.projectId ?? job.projectId;
          if (!(await datasetExists(p, dflt.datasetId))) {
            throw new TranslationError(`Not found: Dataset ${p}:${dflt.datasetId}`);
          }
          await db.run(`USE ${q(p)}.${q(dflt.datasetId)}`);
        } else {
          await db.run(`USE ${q(job.projectId)}`);
        }
        const used = Object.fromEntries(Object.entries(values).filter(([k]) => duckSql.includes(`$${k}`)));
        if (job.statementType === 'SELECT') {
          const { names, types: bqTypes, rows } = await rowsOf(duckSql, used);
          job.fields = names.map((name, j) => ({ name, type: bqTypes[j] as string, mode: 'NULLABLE' }));
          job.rows = rows.map((r) => ({
            f: r.map((v, j) => ({ v: cellOf(v, bqTypes[j] as string, int64Ts) })),
          }));
        } else {
          const result = await db.run(duckSql, used as never);
          const affected =
            job.statementType === 'INSERT' || job.statementType === 'DELETE' || job.statementType === 'UPDATE'
              ? await result.getRows()
              : [];
          job.statistics.query = {
            ...(job.statistics.query as object),
            numDmlAffectedRows: String(affected[0]?.[0] ?? 0),
          };
        }
      });
      job.statistics.query = {
        ...(job.statistics.query as object),
        statementType: job.statementType,
        totalBytesProcessed: String(job.rows.length * (job.fields?.length ?? 0) * 8),
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      job.errorResult = {
        reason: /Not found/.test(message) ? 'notFound' : 'invalidQuery',
        message,
        location: 'query',
      };
    }
    job.state = 'DONE';
  }

  function newJob(id: string, p: string, configuration: Record<string, unknown>): FakeJob {
    return {
      id,
      projectId: p,
      location,
      configuration,
      state: 'RUNNING',
      held: false,
      rows: [],
      statementType: '',
      statistics: { creationTime: String(Date.now()) },
    };
  }

  function applyJobFailure(job: FakeJob, sql: string): boolean {
    const failure = jobFailures.find((f) => f.left > 0 && f.sql.test(sql));
    if (!failure) return false;
    failure.left--;
    const err = { reason: failure.reason, message: failure.message };
    if ((failure.when ?? 'results') === 'insert') {
      job.errorResult = err;
      job.state = 'DONE';
    } else {
      job.pendingError = err;
    }
    return true;
  }

  /** A pending failure or a held job becomes visible when the job is observed. */
  function observe(job: FakeJob): void {
    if (job.pendingError && !job.held) {
      job.errorResult = job.pendingError;
      delete job.pendingError;
      job.state = 'DONE';
    }
  }

  async function insertQueryJob(p: string, body: Record<string, unknown>): Promise<[number, unknown]> {
    const configuration = (body.configuration ?? {}) as Record<string, unknown>;
    const query = configuration.query as Record<string, unknown> | undefined;
    if (!query) {
      return [400, apiError(400, 'invalid', 'Only query jobs can be inserted without an upload in the fake')];
    }
    const ref = (body.jobReference ?? {}) as { jobId?: string };
    const id = ref.jobId ?? `job_${jobs.size + 1}`;
    if (configuration.dryRun) {
      const sql = String(query.query ?? '');
      const job = newJob(id, p, configuration);
      try {
        const types = new Map(
          ((query.queryParameters ?? []) as { name: string; parameterType: { type: string } }[]).map((x) => [
            x.name,
            x.parameterType.type,
          ]),
        );
        const duckSql = translateBigQuerySql(sql, types);
        const bytes = fake.dryRunBytes ? fake.dryRunBytes(sql) : await serial(() => estimateBytes(duckSql));
        job.state = 'DONE';
        job.statistics = {
          totalBytesProcessed: String(bytes),
          query: { totalBytesProcessed: String(bytes) },
        };
        return [200, jobResource(job)];
      } catch (error) {
        return [400, apiError(400, 'invalidQuery', error instanceof Error ? error.message : String(error))];
      }
    }
    if (jobs.has(id)) return [409, apiError(409, 'duplicate', `Already Exists: Job ${p}:${location}.${id}`)];
    const job = newJob(id, p, configuration);
    jobs.set(id, job);
    jobIds.push(id);
    const sql = String(query.query ?? '');
    if (applyJobFailure(job, sql)) return [200, jobResource(job)];
    if (held.some((h) => h.test(sql))) {
      job.held = true;
      return [200, jobResource(job)];
    }
    await runQuery(job, query);
    return [200, jobResource(job)];
  }

  function queryResults(job: FakeJob, qs: Record<string, string>): [number, unknown] {
    observe(job);
    const reference = { projectId: job.projectId, jobId: job.id, location: job.location };
    if (job.state !== 'DONE')
      return [200, { kind: 'bigquery#getQueryResultsResponse', jobReference: reference, jobComplete: false }];
    if (job.errorResult) return [400, apiError(400, job.errorResult.reason, job.errorResult.message)];
    const start = qs.pageToken === undefined ? Number(qs.startIndex ?? 0) : Number(qs.pageToken);
    const max = qs.maxResults === undefined ? 100_000 : Number(qs.maxResults);
    const end = Math.min(job.rows.length, start + max);
    const response: Record<string, unknown> = {
      kind: 'bigquery#getQueryResultsResponse',
      jobReference: reference,
      jobComplete: true,
      totalRows: String(job.rows.length),
      cacheHit: false,
    };
    if (job.fields) response.schema = { fields: job.fields };
    if (end > start) {
      response.rows =
        qs['formatOptions.useInt64Timestamp'] === 'true' || !job.fields
          ? job.rows.slice(start, end)
          : retimestamp(job, job.rows.slice(start, end));
    }
    if (end < job.rows.length) response.pageToken = String(end);
    return [200, response];
  }

  /** Without useInt64Timestamp, TIMESTAMP cells are float seconds. */
  function retimestamp(job: FakeJob, rows: FakeJob['rows']): FakeJob['rows'] {
    const ts = (job.fields ?? []).map((f) => f.type === 'TIMESTAMP');
    return rows.map((r) => ({
      f: r.f.map((c, j) => (ts[j] && c.v !== null ? { v: String(Number(c.v) / 1e6) } : c)),
    }));
  }

  async function loadJob(
    p: string,
    metadata: Record<string, unknown>,
    data: Buffer,
  ): Promise<[number, unknown]> {
    const configuration = (metadata.configuration ?? {}) as Record<string, unknown>;
    const load = configuration.load as Record<string, unknown> | undefined;
    const ref = (metadata.jobReference ?? {}) as { jobId?: string };
    if (!load) return [400, apiError(400, 'invalid', 'Upload without configuration.load')];
    const id = ref.jobId ?? `job_${jobs.size + 1}`;
    if (jobs.has(id)) return [409, apiError(409, 'duplicate', `Already Exists: Job ${p}:${location}.${id}`)];
    const job = newJob(id, p, configuration);
    jobs.set(id, job);
    jobIds.push(id);
    const dest = load.destinationTable as { projectId: string; datasetId: string; tableId: string };
    const target = `${q(dest.projectId)}.${q(dest.datasetId)}.${q(dest.tableId)}`;
    const file = join(tmp, `load-${++fileCounter}`);
    await writeFile(file, data);
    const lit = `'${file.replaceAll("'", "''")}'`;
    try {
      await serial(async () => {
        if (!(await datasetExists(dest.projectId, dest.datasetId))) {
          throw new TranslationError(`Not found: Dataset ${dest.projectId}:${dest.datasetId}`);
        }
        const format = String(load.sourceFormat ?? 'CSV');
        let select: string;
        if (format === 'NEWLINE_DELIMITED_JSON') {
          const fields = ((load.schema as { fields?: BqField[] } | undefined)?.fields ?? []) as BqField[];
          if (fields.length === 0)
            throw new TranslationError('Schema is required for JSON loads in the fake');
          if (data.length === 0) {
            select = `SELECT ${fields.map((f) => `CAST(NULL AS ${DUCKDB_TYPE_OF[f.type] ?? 'VARCHAR'}) AS ${q(f.name)}`).join(', ')} WHERE false`;
          } else {
            const columns = fields.map((f) => `'${f.name}': 'VARCHAR'`).join(', ');
            const casts = fields
              .map((f) => `CAST(${q(f.name)} AS ${DUCKDB_TYPE_OF[f.type] ?? 'VARCHAR'}) AS ${q(f.name)}`)
              .join(', ');
            const source = `read_json(${lit}, format = 'newline_delimited', columns = {${columns}})`;
            // Reject the text formats BigQuery's JSON loader would reject, so the fake is no laxer.
            for (const f of fields) {
              const pattern = LOAD_FORMATS[f.type];
              if (!pattern) continue;
              const { rows: bad } = await rowsOf(
                `SELECT ${q(f.name)} FROM ${source} WHERE ${q(f.name)} IS NOT NULL AND NOT regexp_full_match(${q(f.name)}, '${pattern}') LIMIT 1`,
              );
              if (bad.length > 0) {
                throw new TranslationError(
                  `Could not parse '${String(bad[0]?.[0])}' as ${f.type} for field ${f.name}`,
                );
              }
            }
            select = `SELECT ${casts} FROM ${source}`;
          }
        } else if (format === 'CSV') {
          const delim = String(load.fieldDelimiter ?? ',').replaceAll("'", "''");
          select = `SELECT * FROM read_csv(${lit}, header = ${Number(load.skipLeadingRows ?? 0) > 0}, delim = '${delim}', auto_detect = true)`;
        } else if (format === 'PARQUET') {
          select = `SELECT * FROM read_parquet(${lit})`;
        } else {
          throw new TranslationError(`Unsupported sourceFormat ${format} in the fake`);
        }
        const existing = await tableColumns(dest.projectId, dest.datasetId, dest.tableId);
        const disposition = String(load.writeDisposition ?? 'WRITE_APPEND');
        if (existing && disposition === 'WRITE_EMPTY') {
          const { rows } = await rowsOf(`SELECT count(*) FROM ${target}`);
          if (Number(rows[0]?.[0]) > 0) {
            throw Object.assign(
              new Error(`Already Exists: Table ${dest.projectId}:${dest.datasetId}.${dest.tableId}`),
              {
                reason: 'duplicate',
              },
            );
          }
        }
        if (!existing || disposition === 'WRITE_TRUNCATE' || disposition === 'WRITE_EMPTY') {
          await db.run(`CREATE OR REPLACE TABLE ${target} AS ${select}`);
        } else {
          await db.run(`INSERT INTO ${target} ${select}`);
        }
        const { rows } = await rowsOf(`SELECT count(*) FROM ${target}`);
        job.statistics.load = { outputRows: String(rows[0]?.[0] ?? 0), inputFileBytes: String(data.length) };
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const reason =
        (error as { reason?: string }).reason ?? (/Not found/.test(message) ? 'notFound' : 'invalid');
      job.errorResult = { reason, message };
    } finally {
      await rm(file, { force: true });
    }
    job.state = 'DONE';
    return [200, jobResource(job, true)];
  }

  async function route(
    req: IncomingMessage,
    body: Buffer,
    url: URL,
    recorded: RecordedRequest,
  ): Promise<[number, unknown]> {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const qs = Object.fromEntries(url.searchParams);
    const json = (): Record<string, unknown> =>
      body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
    const upload = /^\/upload\/bigquery\/v2\/projects\/([^/]+)\/jobs$/.exec(path);
    if (upload && method === 'POST') {
      const boundary = /boundary=([^;]+)/.exec(req.headers['content-type'] ?? '')?.[1];
      if (!boundary) return [400, apiError(400, 'invalid', 'Expected a multipart/related upload')];
      const [meta, data] = multipartParts(body, boundary);
      const metadata = JSON.parse((meta ?? Buffer.from('{}')).toString('utf8')) as Record<string, unknown>;
      recorded.body = { metadata, bytes: data?.length ?? 0 };
      return loadJob(decodeURIComponent(upload[1] as string), metadata, data ?? Buffer.alloc(0));
    }
    const m = /^\/bigquery\/v2\/projects\/([^/]+)(\/.*)?$/.exec(path);
    if (!m) return [404, apiError(404, 'notFound', `Not found: URL ${path}`)];
    const p = decodeURIComponent(m[1] as string);
    const rest = m[2] ?? '';
    if (!projects.has(p)) return [404, apiError(404, 'notFound', `Not found: Project ${p}`)];
    if (rest === '/jobs' && method === 'POST') {
      const parsed = json();
      return insertQueryJob(p, parsed);
    }
    if (rest === '/queries' && method === 'POST') {
      const parsed = json();
      const id = `query_${jobs.size + 1}`;
      const [status, resource] = await insertQueryJob(p, {
        jobReference: { jobId: id },
        configuration: {
          query: { ...parsed, useLegacySql: parsed.useLegacySql ?? false },
          dryRun: parsed.dryRun,
          labels: parsed.labels,
        },
      });
      if (status !== 200 || parsed.dryRun) return [status, resource];
      const job = jobs.get(id) as FakeJob;
      const [s, r] = queryResults(job, {
        ...(parsed.maxResults === undefined ? {} : { maxResults: String(parsed.maxResults) }),
        'formatOptions.useInt64Timestamp': String(
          (parsed.formatOptions as { useInt64Timestamp?: boolean } | undefined)?.useInt64Timestamp ?? false,
        ),
      });
      return [s, { ...(r as object), kind: 'bigquery#queryResponse' }];
    }
    const m1 = /^\/jobs\/([^/]+)\/cancel$/.exec(rest);
    if (m1 && method === 'POST') {
      const job = jobs.get(decodeURIComponent(m1[1] as string));
      if (!job) return [404, apiError(404, 'notFound', `Not found: Job ${p}:${m1[1]}`)];
      if (job.state !== 'DONE') {
        job.held = false;
        job.state = 'DONE';
        job.errorResult = {
          reason: 'stopped',
          message: 'Job execution was cancelled: User requested cancellation',
        };
      }
      return [200, { kind: 'bigquery#jobCancelResponse', job: jobResource(job) }];
    }
    const m2 = /^\/jobs\/([^/]+)$/.exec(rest);
    if (m2 && method === 'GET') {
      const job = jobs.get(decodeURIComponent(m2[1] as string));
      if (!job) return [404, apiError(404, 'notFound', `Not found: Job ${p}:${m2[1]}`)];
      observe(job);
      return [200, jobResource(job)];
    }
    const m3 = /^\/queries\/([^/]+)$/.exec(rest);
    if (m3 && method === 'GET') {
      const job = jobs.get(decodeURIComponent(m3[1] as string));
      if (!job) return [404, apiError(404, 'notFound', `Not found: Job ${p}:${m3[1]}`)];
      return queryResults(job, qs);
    }
    const m4 = /^\/datasets\/([^/]+)$/.exec(rest);
    if (m4 && method === 'GET') {
      const d = decodeURIComponent(m4[1] as string);
      if (!(await serial(() => datasetExists(p, d))))
        return [404, apiError(404, 'notFound', `Not found: Dataset ${p}:${d}`)];
      return [
        200,
        {
          kind: 'bigquery#dataset',
          id: `${p}:${d}`,
          datasetReference: { projectId: p, datasetId: d },
          location,
        },
      ];
    }
    const m5 = /^\/datasets\/([^/]+)\/tables\/([^/]+)(\/data)?$/.exec(rest);
    if (m5) {
      const d = decodeURIComponent(m5[1] as string);
      const t = decodeURIComponent(m5[2] as string);
      const target = `${q(p)}.${q(d)}.${q(t)}`;
      const notFound = apiError(404, 'notFound', `Not found: Table ${p}:${d}.${t}`);
      return serial(async (): Promise<[number, unknown]> => {
        const fields = await tableColumns(p, d, t);
        if (!fields) return [404, notFound];
        if (method === 'DELETE' && !m5?.[3]) {
          await db.run(`DROP TABLE ${target}`);
          return [204, undefined];
        }
        if (method !== 'GET') return [405, apiError(405, 'invalid', `Method ${method} not supported`)];
        const { rows: count } = await rowsOf(`SELECT count(*) FROM ${target}`);
        const numRows = String(count[0]?.[0] ?? 0);
        if (!m5?.[3]) {
          return [
            200,
            {
              kind: 'bigquery#table',
              id: `${p}:${d}.${t}`,
              tableReference: { projectId: p, datasetId: d, tableId: t },
              schema: { fields },
              numRows,
              type: 'TABLE',
              location,
            },
          ];
        }
        const start = qs.pageToken === undefined ? Number(qs.startIndex ?? 0) : Number(qs.pageToken);
        const max = qs.maxResults === undefined ? 100_000 : Number(qs.maxResults);
        const { types, rows } = await rowsOf(`SELECT * FROM ${target} LIMIT ${max} OFFSET ${start}`);
        const page = rows.map((r) => ({
          f: r.map((v, j) => ({
            v: cellOf(v, types[j] as string, qs['formatOptions.useInt64Timestamp'] === 'true'),
          })),
        }));
        const next = start + page.length;
        return [
          200,
          {
            kind: 'bigquery#tableDataList',
            totalRows: numRows,
            rows: page,
            ...(next < Number(numRows) ? { pageToken: String(next) } : {}),
          },
        ];
      });
    }
    return [404, apiError(404, 'notFound', `Not found: ${method} ${path}`)];
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = await readBody(req);
      const method = req.method ?? 'GET';
      const recorded: RecordedRequest = {
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
      };
      if (body.length > 0 && (req.headers['content-type'] ?? '').startsWith('application/json')) {
        try {
          recorded.body = JSON.parse(body.toString('utf8'));
        } catch {
          recorded.body = body.toString('utf8');
        }
      }
      requests.push(recorded);
      const stall = stalls.find((x) => x.left > 0 && x.path.test(url.pathname));
      if (stall) {
        stall.left--;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            stallTimers.delete(timer);
            resolve();
          }, stall.ms);
          stallTimers.add(timer);
        });
      }
      const failure = failures.find(
        (f) =>
          f.left > 0 &&
          (f.method === undefined || f.method === method) &&
          (f.path === undefined || f.path.test(url.pathname)),
      );
      if (failure) {
        failure.left--;
        sendJson(res, failure.status, apiError(failure.status, failure.reason, failure.message));
        return;
      }
      try {
        const [status, payload] = await route(req, body, url, recorded);
        if (status === 204) {
          res.writeHead(204);
          res.end();
        } else {
          sendJson(res, status, payload);
        }
      } catch (error) {
        sendJson(
          res,
          500,
          apiError(
            500,
            'internalError',
            `fake server bug: ${error instanceof Error ? error.stack : String(error)}`,
          ),
        );
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const fake: FakeBigQuery = {
    url: `http://127.0.0.1:${port}`,
    projectId,
    requests,
    jobIds,
    dryRunBytes: undefined,
    failNext(failure) {
      failures.push({ ...failure, left: failure.times ?? 1 });
    },
    failJob(failure) {
      jobFailures.push({ ...failure, left: failure.times ?? 1 });
    },
    holdJobs(sql) {
      held.push(sql);
    },
    stall(path, ms, times = 1) {
      stalls.push({ path, ms, left: times });
    },
    reset() {
      failures.length = 0;
      jobFailures.length = 0;
      held.length = 0;
      stalls.length = 0;
      jobs.clear();
      jobIds.length = 0;
      fake.dryRunBytes = undefined;
    },
    duckdb(sql) {
      return serial(async () => {
        await db.run(`USE ${q(projectId)}.${q((options.datasets ?? ['leadscore'])[0] ?? 'main')}`);
        const result = await db.run(sql);
        return (await result.getRowObjectsJS()) as Record<string, unknown>[];
      });
    },
    async close() {
      for (const timer of stallTimers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      db.closeSync();
      instance.closeSync();
      await rm(tmp, { recursive: true, force: true });
    },
  };
  return fake;
}
