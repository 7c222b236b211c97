/**
 * The BigQuery {@link Warehouse}: query jobs with named parameters read page by page into Arrow, load
 * jobs for writes, dry-run estimates, job labels, cancellation and retries with jittered backoff.
 * @module
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { BigQuery, Job } from '@google-cloud/bigquery';
import {
  CancelledError,
  formatValue,
  InvalidArgumentError,
  LeadscoreError,
  parseWith,
  WarehouseError,
} from '@leadscore/core';
import { createRng, type Rng } from '@leadscore/core/rng';
import { type RecordBatch, Table } from 'apache-arrow';
import {
  arrowSchemaFromBigQuery,
  type BigQueryField,
  type BigQueryRow,
  bigQueryFieldsFromArrow,
  ndjsonChunks,
  recordBatchFromRows,
} from './bigquery-arrow.js';
import type { BigQueryLogger, BigQueryWarehouseOptions } from './bigquery-options.js';
import { type BigQueryParamType, encodeQueryParameters } from './bigquery-params.js';
import { checkCsvValues } from './csv-values.js';
import { bigqueryDialect } from './dialect.js';
import { formatOfPath } from './file-format.js';
import { parseIdentifier, quoteIdentifier } from './identifiers.js';
import {
  bigQueryQueryOptionsSchema,
  createTableFromFileOptionsSchema,
  createTableOptionsSchema,
  dropTableOptionsSchema,
  queryOptionsSchema,
} from './options-schema.js';
import type {
  CreateTableFromFileOptions,
  CreateTableOptions,
  QueryOptions,
  SqlDialect,
  TableDescription,
  Warehouse,
} from './types.js';

/** Query options specific to BigQuery. */
export interface BigQueryQueryOptions extends QueryOptions {
  /** Explicit parameter types (needed for nulls, and for DATE given as a Date). @default inferred */
  paramTypes?: Readonly<Record<string, BigQueryParamType>>;
  /** Dry-run before this query (overrides the warehouse option). @default the warehouse's `dryRun` */
  dryRun?: boolean;
}

/** File-load options of the BigQuery warehouse: the interface's. */
export type BigQueryCreateTableFromFileOptions = CreateTableFromFileOptions;

/** A {@link Warehouse} on BigQuery, plus BigQuery-only operations. */
export interface BigQueryWarehouse extends Warehouse {
  readonly projectId: string;
  readonly dataset: string;
  query(sql: string, options?: BigQueryQueryOptions): Promise<Table>;
  queryBatches(sql: string, options?: BigQueryQueryOptions): AsyncIterable<RecordBatch>;
  execute(sql: string, options?: BigQueryQueryOptions): Promise<void>;
  /** Bytes the query would process, from a dry-run job (nothing is billed). */
  estimateQueryBytes(sql: string, options?: BigQueryQueryOptions): Promise<number>;
  createTableFromFile(
    name: string,
    path: string,
    options?: BigQueryCreateTableFromFileOptions,
  ): Promise<void>;
  /** Fully qualified `project.dataset.table` of a table name. */
  resolveTableName(name: string): string;
}

/** Reasons (REST `errors[].reason`) and HTTP codes that Google documents as retryable. */
const RETRYABLE_REASONS = new Set([
  'rateLimitExceeded',
  'userRateLimitExceeded',
  'backendError',
  'internalError',
]);
const RETRYABLE_HTTP = new Set([429, 500, 502, 503, 504]);
const RETRYABLE_NETWORK = new Set(['ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE']);

/** tables.get reports legacy type names; describeTable reports GoogleSQL ones. */
const STANDARD_TYPE_NAMES: Readonly<Record<string, string>> = {
  INTEGER: 'INT64',
  FLOAT: 'FLOAT64',
  BOOLEAN: 'BOOL',
  RECORD: 'STRUCT',
};

/** BigQuery job ids: letters, digits, underscores and dashes, at most 1024. */
const JOB_ID = /^[A-Za-z0-9_-]{1,1024}$/;

interface ApiErrorLike {
  code?: number | string;
  message?: string;
  errors?: { reason?: string; message?: string }[];
  response?: unknown;
}

interface JobStatus {
  state?: string;
  errorResult?: { reason?: string; message?: string; location?: string } | null;
}

interface JobResource {
  jobReference?: { jobId?: string; location?: string };
  status?: JobStatus;
  statistics?: { totalBytesProcessed?: string; query?: { totalBytesProcessed?: string } };
}

interface QueryResultsResponse {
  jobComplete?: boolean;
  schema?: { fields?: BigQueryField[] };
  rows?: BigQueryRow[];
  totalRows?: string;
  pageToken?: string;
  jobReference?: { jobId?: string; location?: string };
}

/** Thrown inside a job attempt when the job itself failed with a retryable reason. */
class RetryableJobError extends Error {
  constructor(
    readonly jobId: string,
    readonly reason: string,
    readonly detail: string,
  ) {
    super(`job ${jobId} failed: ${reason}: ${detail}`);
  }
}

function asApiError(error: unknown): ApiErrorLike {
  return typeof error === 'object' && error !== null ? (error as ApiErrorLike) : { message: String(error) };
}

function firstReason(error: ApiErrorLike): string | undefined {
  return error.errors?.find((e) => e.reason)?.reason;
}

/** Why an error is retryable, or undefined when it is not. */
function retryableCause(error: unknown): string | undefined {
  if (error instanceof RetryableJobError) return error.reason;
  if (error instanceof LeadscoreError) return undefined;
  const e = asApiError(error);
  const reason = firstReason(e);
  if (reason !== undefined && RETRYABLE_REASONS.has(reason)) return reason;
  if (typeof e.code === 'number' && RETRYABLE_HTTP.has(e.code)) return `HTTP ${e.code}`;
  if (typeof e.code === 'string' && RETRYABLE_NETWORK.has(e.code)) return e.code;
  return undefined;
}

/** `HTTP 503 backendError: Service unavailable` from a client ApiError. */
function describeApiError(error: unknown): string {
  if (error instanceof RetryableJobError) return error.message;
  const e = asApiError(error);
  const parts: string[] = [];
  if (typeof e.code === 'number') parts.push(`HTTP ${e.code}`);
  else if (typeof e.code === 'string') parts.push(e.code);
  const reason = firstReason(e);
  if (reason) parts.push(reason);
  const head = parts.join(' ');
  const message = e.message ?? e.errors?.[0]?.message ?? 'unknown error';
  return head ? `${head}: ${message}` : message;
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Settles like `promise`, or rejects as soon as `signal` aborts (the promise is then ignored). */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) {
      promise.catch(() => undefined);
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}

const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;

function checkLabels(labels: Readonly<Record<string, string>>, name: string): void {
  for (const [k, v] of Object.entries(labels)) {
    if (!LABEL_KEY.test(k)) {
      throw new InvalidArgumentError(
        `${name} keys must match ${LABEL_KEY} (BigQuery label rules), found ${formatValue(k)}`,
        { details: { parameter: name, value: k } },
      );
    }
    if (typeof v !== 'string' || !LABEL_VALUE.test(v)) {
      throw new InvalidArgumentError(
        `${name}.${k} must match ${LABEL_VALUE} (BigQuery label rules), found ${formatValue(v)}`,
        { details: { parameter: `${name}.${k}`, value: v } },
      );
    }
  }
}

interface ResolvedTable {
  projectId: string;
  datasetId: string;
  tableId: string;
}

/** Implementation of {@link BigQueryWarehouse}; construct through `openBigQueryWarehouse`. */
export class BigQueryWarehouseImpl implements BigQueryWarehouse {
  readonly dialect: SqlDialect = bigqueryDialect;
  readonly projectId: string;
  readonly dataset: string;
  readonly #client: BigQuery;
  readonly #location: string | undefined;
  readonly #maxRetries: number;
  readonly #baseDelay: number;
  readonly #maxDelay: number;
  readonly #rng: Rng;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #dryRun: boolean;
  readonly #dryRunBytesWarning: number;
  readonly #maximumBytesBilled: number | undefined;
  readonly #labels: Readonly<Record<string, string>>;
  readonly #pageSize: number;
  readonly #logger: BigQueryLogger;
  readonly #createJobId: () => string;
  #closed = false;

  constructor(
    client: BigQuery,
    options: BigQueryWarehouseOptions,
    resolved: { projectId: string; dataset: string },
  ) {
    this.#client = client;
    this.projectId = resolved.projectId;
    this.dataset = resolved.dataset;
    this.#location = options.location;
    this.#maxRetries = options.maxRetries ?? 5;
    this.#baseDelay = options.retryBaseDelayMs ?? 500;
    this.#maxDelay = options.retryMaxDelayMs ?? 32_000;
    this.#rng = createRng(options.retrySeed ?? 0);
    this.#sleep = options.sleep ?? defaultSleep;
    this.#dryRun = options.dryRun ?? true;
    this.#dryRunBytesWarning = options.dryRunBytesWarning ?? 2 ** 30;
    this.#maximumBytesBilled = options.maximumBytesBilled;
    this.#labels = { ...(options.labels ?? {}) };
    this.#pageSize = options.pageSize ?? 10_000;
    this.#logger = options.logger ?? console;
    const makeId = options.createJobId ?? (() => `leadscore_${randomUUID().replaceAll('-', '')}`);
    this.#createJobId = () => {
      const id = makeId();
      if (typeof id !== 'string' || !JOB_ID.test(id)) {
        throw new InvalidArgumentError(
          `createJobId must return 1-1024 letters, digits, '_' or '-', found ${formatValue(id)}`,
        );
      }
      return id;
    };
  }

  // ---------------------------------------------------------------------------------------------
  // identifiers

  /** Validates `table`, `dataset.table` or `project.dataset.table` and fills in the defaults. */
  #resolve(name: unknown, param = 'name'): ResolvedTable {
    const segments = parseIdentifier(name, { name: param, maxSegments: 3, dialect: 'bigquery' });
    if (segments.length === 3) {
      return {
        projectId: segments[0] as string,
        datasetId: segments[1] as string,
        tableId: segments[2] as string,
      };
    }
    if (segments.length === 2) {
      return { projectId: this.projectId, datasetId: segments[0] as string, tableId: segments[1] as string };
    }
    return { projectId: this.projectId, datasetId: this.dataset, tableId: segments[0] as string };
  }

  resolveTableName(name: string): string {
    const t = this.#resolve(name);
    return `${t.projectId}.${t.datasetId}.${t.tableId}`;
  }

  quoteIdentifier(name: string): string {
    return quoteIdentifier('bigquery', name);
  }

  #tableRef(t: ResolvedTable) {
    return this.#client.dataset(t.datasetId, { projectId: t.projectId }).table(t.tableId);
  }

  // ---------------------------------------------------------------------------------------------
  // retries and jobs

  #checkOpen(): void {
    if (this.#closed) throw new WarehouseError('warehouse is closed; open a new one');
  }

  #throwIfAborted(signal: AbortSignal | undefined, what: string): void {
    if (signal?.aborted) {
      throw new CancelledError(`${what} was cancelled`, { cause: signal.reason });
    }
  }

  /** Backoff before retry `attempt` (1-based): base * 2^(attempt-1), capped, times a jitter in [0.5, 1). */
  #backoff(attempt: number): number {
    const exp = Math.min(this.#maxDelay, this.#baseDelay * 2 ** (attempt - 1));
    return Math.round(exp * (0.5 + 0.5 * this.#rng.next()));
  }

  async #sleepOrCancel(ms: number, signal: AbortSignal | undefined, what: string): Promise<void> {
    try {
      await this.#sleep(ms, signal);
    } catch (error) {
      if (signal?.aborted) throw new CancelledError(`${what} was cancelled`, { cause: signal.reason });
      throw error;
    }
  }

  /** After failed attempt `attempt` (1-based): throws unless retryable and budget left, else backs off. */
  async #backoffOrThrow(
    what: string,
    error: unknown,
    attempt: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    if (error instanceof LeadscoreError) throw error;
    const cause = retryableCause(error);
    if (cause === undefined) {
      throw new WarehouseError(`BigQuery ${what} failed: ${describeApiError(error)}`, { cause: error });
    }
    if (attempt > this.#maxRetries) {
      throw new WarehouseError(
        `BigQuery ${what} failed after ${attempt} attempts (maxRetries ${this.#maxRetries}): ${describeApiError(error)}`,
        { cause: error, details: { attempts: attempt } },
      );
    }
    const delay = this.#backoff(attempt);
    this.#logger.warn(`BigQuery ${what}: ${cause}, retry ${attempt}/${this.#maxRetries} in ${delay} ms`);
    await this.#sleepOrCancel(delay, signal, what);
  }

  /** Runs `fn`, retrying retryable failures with jittered exponential backoff. */
  async #retry<T>(what: string, signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      this.#throwIfAborted(signal, what);
      try {
        return await fn();
      } catch (error) {
        await this.#backoffOrThrow(what, error, attempt, signal);
      }
    }
  }

  #jobFailure(jobId: string, status: JobStatus | undefined, fallback?: unknown): Error {
    const err = status?.errorResult;
    const reason = err?.reason ?? firstReason(asApiError(fallback)) ?? 'unknown';
    const message = err?.message ?? asApiError(fallback).message ?? 'no message';
    if (RETRYABLE_REASONS.has(reason)) return new RetryableJobError(jobId, reason, message);
    return new WarehouseError(`BigQuery job ${jobId} failed: ${reason}: ${message}`, {
      cause: fallback,
      details: { jobId, reason, location: err?.location },
    });
  }

  /** Inserts a job under a fixed id; HTTP retries reuse the id, so a 409 means an earlier try landed. */
  async #insertJob(
    configuration: Record<string, unknown>,
    jobId: string,
    signal: AbortSignal | undefined,
  ): Promise<{ job: Job; metadata: JobResource }> {
    const location = this.#location === undefined ? {} : { location: this.#location };
    const inserted = await this.#retry('jobs.insert', signal, async () => {
      try {
        const [job, metadata] = await this.#client.createJob({ configuration, jobId, ...location });
        return { job, metadata: metadata as JobResource, error: undefined };
      } catch (error) {
        const e = asApiError(error);
        const response = e.response as JobResource | undefined;
        // The job was created but failed at once (e.g. invalid SQL): not a transport failure.
        if (response?.status?.errorResult) return { job: undefined, metadata: response, error };
        if (e.code === 409) {
          const job = this.#client.job(jobId, location);
          const [metadata] = await job.getMetadata();
          return { job, metadata: metadata as JobResource, error: undefined };
        }
        throw error;
      }
    });
    const { job, metadata, error } = inserted;
    if (job === undefined || metadata.status?.errorResult) {
      throw this.#jobFailure(jobId, metadata.status, error);
    }
    return { job, metadata };
  }

  /** Polls jobs.get until the job is DONE; throws its error result. */
  async #waitForJob(
    job: Job,
    jobId: string,
    signal: AbortSignal | undefined,
    what: string,
  ): Promise<JobResource> {
    let delay = 50;
    for (;;) {
      await this.#checkAbort(job, jobId, signal, what);
      let metadata: JobResource;
      try {
        [metadata] = (await this.#retry('jobs.get', signal, () => job.getMetadata())) as unknown as [
          JobResource,
        ];
      } catch (error) {
        // Aborted during a retry backoff: loop back so the job is cancelled too.
        if (signal?.aborted && error instanceof CancelledError) continue;
        throw error;
      }
      if (metadata.status?.state === 'DONE') {
        if (metadata.status.errorResult) throw this.#jobFailure(jobId, metadata.status);
        return metadata;
      }
      await this.#sleepOrCancelJob(job, jobId, delay, signal, what);
      delay = Math.min(1000, delay * 2);
    }
  }

  /** On abort: cancel the job (best effort) and throw a CancelledError naming it. */
  async #checkAbort(job: Job, jobId: string, signal: AbortSignal | undefined, what: string): Promise<void> {
    if (!signal?.aborted) return;
    try {
      await job.cancel();
    } catch (error) {
      this.#logger.warn(`BigQuery jobs.cancel of ${jobId} failed: ${describeApiError(error)}`);
    }
    throw new CancelledError(`${what} was cancelled; BigQuery job ${jobId} cancelled`, {
      cause: signal.reason,
      details: { jobId },
    });
  }

  async #sleepOrCancelJob(
    job: Job,
    jobId: string,
    ms: number,
    signal: AbortSignal | undefined,
    what: string,
  ): Promise<void> {
    try {
      await this.#sleep(ms, signal);
    } catch (error) {
      if (!signal?.aborted) throw error;
    }
    await this.#checkAbort(job, jobId, signal, what);
  }

  #queryConfiguration(sql: string, options: BigQueryQueryOptions, dryRun: boolean): Record<string, unknown> {
    if (typeof sql !== 'string' || sql.trim() === '') {
      throw new InvalidArgumentError(`sql must be a non-empty string, found ${formatValue(sql)}`);
    }
    const labels = { ...this.#labels, ...(options.labels ?? {}) };
    checkLabels(labels, 'labels');
    const queryParameters = encodeQueryParameters(options.params ?? {}, options.paramTypes ?? {});
    const query: Record<string, unknown> = {
      query: sql,
      useLegacySql: false,
      parameterMode: 'NAMED',
      queryParameters,
      defaultDataset: { projectId: this.projectId, datasetId: this.dataset },
    };
    if (this.#maximumBytesBilled !== undefined) query.maximumBytesBilled = String(this.#maximumBytesBilled);
    return { query, labels, ...(dryRun ? { dryRun: true } : {}) };
  }

  async estimateQueryBytes(sql: string, options: BigQueryQueryOptions = {}): Promise<number> {
    this.#checkOpen();
    parseWith(bigQueryQueryOptionsSchema, options, 'options');
    const configuration = this.#queryConfiguration(sql, options, true);
    const jobId = this.#createJobId();
    const { metadata } = await this.#insertJob(configuration, jobId, options.signal);
    const bytes = metadata.statistics?.query?.totalBytesProcessed ?? metadata.statistics?.totalBytesProcessed;
    return bytes === undefined ? 0 : Number(bytes);
  }

  async #maybeEstimate(sql: string, options: BigQueryQueryOptions): Promise<void> {
    if (!(options.dryRun ?? this.#dryRun)) return;
    const bytes = await this.estimateQueryBytes(sql, options);
    if (bytes > this.#dryRunBytesWarning) {
      this.#logger.warn(
        `BigQuery query will process about ${formatBytes(bytes)} (dry run; warning threshold ${formatBytes(this.#dryRunBytesWarning)})`,
      );
      options.onProgress?.({ phase: 'estimate', rows: 0, bytes });
    }
  }

  /**
   * Starts a query job and waits for its first results page. A job failing with a retryable reason
   * (backendError, rateLimitExceeded) is re-run under a new id.
   */
  async #startQuery(
    sql: string,
    options: BigQueryQueryOptions,
    maxResults: number,
  ): Promise<{ job: Job; jobId: string; first: QueryResultsResponse }> {
    const configuration = this.#queryConfiguration(sql, options, false);
    return this.#retry('query job', options.signal, async () => {
      const jobId = this.#createJobId();
      const { job } = await this.#insertJob(configuration, jobId, options.signal);
      options.onProgress?.({ phase: 'query', rows: 0 });
      const first = await this.#fetchPage(job, jobId, undefined, maxResults, options.signal);
      return { job, jobId, first };
    });
  }

  /** One getQueryResults page; waits (polling) while the job runs and surfaces job failures. */
  async #fetchPage(
    job: Job,
    jobId: string,
    pageToken: string | undefined,
    maxResults: number,
    signal: AbortSignal | undefined,
  ): Promise<QueryResultsResponse> {
    let delay = 50;
    let attempt = 0;
    for (;;) {
      await this.#checkAbort(job, jobId, signal, 'query');
      let response: QueryResultsResponse;
      try {
        // BigQuery may hold getQueryResults open for seconds while the job runs; an abort must not
        // wait for it, so the call races the signal and a late answer is ignored.
        const result = await raceAbort(
          job.getQueryResults({
            autoPaginate: false,
            skipParsing: true,
            maxResults,
            ...(pageToken === undefined ? {} : { pageToken }),
          }),
          signal,
        );
        response = (result[2] ?? {}) as QueryResultsResponse;
        response.rows = (result[0] as unknown as BigQueryRow[] | null) ?? [];
      } catch (error) {
        if (signal?.aborted) continue;
        // A failed job answers getQueryResults with an HTTP error (possibly a "retryable" reason such
        // as backendError): ask jobs.get whether it is the job that failed before retrying the call.
        try {
          const [metadata] = (await this.#retry('jobs.get', signal, () => job.getMetadata())) as unknown as [
            JobResource,
          ];
          if (metadata.status?.state === 'DONE' && metadata.status.errorResult) {
            throw this.#jobFailure(jobId, metadata.status, error);
          }
          await this.#backoffOrThrow('jobs.getQueryResults', error, ++attempt, signal);
        } catch (inner) {
          if (signal?.aborted && inner instanceof CancelledError) continue;
          throw inner;
        }
        continue;
      }
      if (response.jobComplete !== false) return response;
      await this.#sleepOrCancelJob(job, jobId, delay, signal, 'query');
      delay = Math.min(1000, delay * 2);
    }
  }

  async *queryBatches(sql: string, options: BigQueryQueryOptions = {}): AsyncGenerator<RecordBatch> {
    this.#checkOpen();
    parseWith(bigQueryQueryOptionsSchema, options, 'options');
    await this.#maybeEstimate(sql, options);
    const { job, jobId, first } = await this.#startQuery(sql, options, this.#pageSize);
    const fields = first.schema?.fields ?? [];
    const schema = arrowSchemaFromBigQuery(fields);
    const totalRows = first.totalRows === undefined ? undefined : Number(first.totalRows);
    let page: QueryResultsResponse = first;
    let rows = 0;
    for (;;) {
      const pageRows = page.rows ?? [];
      rows += pageRows.length;
      options.onProgress?.({ phase: 'page', rows, ...(totalRows === undefined ? {} : { totalRows }) });
      if (pageRows.length > 0 || rows === 0) yield recordBatchFromRows(fields, schema, pageRows);
      if (!page.pageToken) return;
      page = await this.#fetchPage(job, jobId, page.pageToken, this.#pageSize, options.signal);
    }
  }

  async query(sql: string, options: BigQueryQueryOptions = {}): Promise<Table> {
    const batches: RecordBatch[] = [];
    for await (const batch of this.queryBatches(sql, options)) batches.push(batch);
    return new Table(batches);
  }

  async execute(sql: string, options: BigQueryQueryOptions = {}): Promise<void> {
    this.#checkOpen();
    parseWith(bigQueryQueryOptionsSchema, options, 'options');
    await this.#maybeEstimate(sql, options);
    await this.#startQuery(sql, options, 0);
    options.onProgress?.({ phase: 'done', rows: 0 });
  }

  // ---------------------------------------------------------------------------------------------
  // tables

  async tableExists(name: string): Promise<boolean> {
    this.#checkOpen();
    const table = this.#tableRef(this.#resolve(name));
    const [exists] = await this.#retry('tables.get', undefined, () => table.exists());
    return exists;
  }

  async dropTable(name: string, options: { ifExists?: boolean } = {}): Promise<void> {
    this.#checkOpen();
    parseWith(dropTableOptionsSchema, options, 'options');
    const ref = this.#resolve(name);
    const table = this.#tableRef(ref);
    try {
      await this.#retry('tables.delete', undefined, () => table.delete());
    } catch (error) {
      const cause = error instanceof WarehouseError ? asApiError(error.cause) : {};
      if (cause.code === 404) {
        if (options.ifExists) return;
        throw new WarehouseError(
          `name ${formatValue(name)} names no table (${ref.projectId}.${ref.datasetId}.${ref.tableId} not found)`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  async describeTable(name: string, options: QueryOptions = {}): Promise<TableDescription> {
    this.#checkOpen();
    parseWith(queryOptionsSchema, options, 'options');
    const ref = this.#resolve(name);
    const table = this.#tableRef(ref);
    let metadata: { schema?: { fields?: BigQueryField[] }; numRows?: string };
    try {
      [metadata] = await this.#retry('tables.get', options.signal, () => table.getMetadata());
    } catch (error) {
      if (error instanceof WarehouseError && asApiError(error.cause).code === 404) {
        throw new WarehouseError(`name ${formatValue(name)} names no table`, { cause: error });
      }
      throw error;
    }
    const fields = metadata.schema?.fields ?? [];
    const columns = fields.map((f) => ({
      name: f.name,
      type: STANDARD_TYPE_NAMES[f.type] ?? f.type,
      nullable: f.mode !== 'REQUIRED',
    }));
    const quoted = `\`${ref.projectId}.${ref.datasetId}.${ref.tableId}\``;
    // An exact NUMERIC sum of per-row fingerprints: order-free, and unlike BIT_XOR duplicate rows do
    // not cancel. TO_JSON_STRING(t) covers every column name and value of the row.
    const result = await this.query(
      `SELECT COUNT(*) AS n, CAST(COALESCE(SUM(CAST(FARM_FINGERPRINT(TO_JSON_STRING(t)) AS NUMERIC)), 0) AS STRING) AS s FROM ${quoted} AS t`,
      { ...options, dryRun: false },
    );
    const row = result.get(0);
    const rowCount = Number(row?.n ?? 0);
    const fingerprint = createHash('sha256')
      .update(
        JSON.stringify({ columns: columns.map((c) => [c.name, c.type]), rowCount, content: String(row?.s) }),
      )
      .digest('hex')
      .slice(0, 32);
    // The name as given (like the DuckDB warehouse), so metadata written here verifies by that name.
    return { name, columns, rowCount, fingerprint };
  }

  #exists(name: string, ref: ResolvedTable): WarehouseError {
    return new WarehouseError(
      `name ${formatValue(name)} already exists (${ref.projectId}.${ref.datasetId}.${ref.tableId}); pass replace: true to overwrite it`,
    );
  }

  async #load(
    name: string,
    file: string,
    load: Record<string, unknown>,
    options: CreateTableOptions,
  ): Promise<void> {
    const ref = this.#resolve(name);
    const replace = options.replace ?? false;
    if (!replace && (await this.tableExists(name))) throw this.#exists(name, ref);
    const table = this.#tableRef(ref);
    const metadata = {
      ...load,
      // WRITE_EMPTY still guards the race where another writer creates the table meanwhile.
      writeDisposition: replace ? 'WRITE_TRUNCATE' : 'WRITE_EMPTY',
      createDisposition: 'CREATE_IF_NEEDED',
      labels: { ...this.#labels },
      ...(this.#location === undefined ? {} : { location: this.#location }),
    };
    await this.#retry('load job', options.signal, async () => {
      const jobId = this.#createJobId();
      this.#throwIfAborted(options.signal, 'load');
      // Retried uploads keep the job id: a 409 means an earlier attempt did create the job.
      const job = await this.#retry('upload', options.signal, async () => {
        try {
          const [created] = await table.createLoadJob(file, { ...metadata, jobId });
          return created;
        } catch (error) {
          if (asApiError(error).code !== 409) throw error;
          return this.#client.job(jobId, this.#location === undefined ? {} : { location: this.#location });
        }
      });
      options.onProgress?.({ phase: 'load', rows: 0 });
      const done = await this.#waitForJob(job, jobId, options.signal, 'load');
      const statistics = (done as { statistics?: { load?: { outputRows?: string } } }).statistics;
      const rows = Number(statistics?.load?.outputRows ?? 0);
      options.onProgress?.({ phase: 'done', rows });
    });
  }

  async createTableFromArrow(name: string, table: Table, options: CreateTableOptions = {}): Promise<void> {
    this.#checkOpen();
    this.#resolve(name);
    parseWith(createTableOptionsSchema, options, 'options');
    const fields = bigQueryFieldsFromArrow(table.schema);
    if (fields.length === 0) {
      throw new InvalidArgumentError(
        `table must have at least one column, found 0 (loading ${formatValue(name)})`,
      );
    }
    const dir = await mkdtemp(join(tmpdir(), 'leadscore-bq-'));
    try {
      const file = join(dir, 'rows.json');
      const out = createWriteStream(file);
      for (const chunk of ndjsonChunks(table, fields)) {
        if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      }
      out.end();
      await finished(out);
      await this.#load(name, file, { sourceFormat: 'NEWLINE_DELIMITED_JSON', schema: { fields } }, options);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async createTableFromFile(
    name: string,
    path: string,
    options: BigQueryCreateTableFromFileOptions = {},
  ): Promise<void> {
    this.#checkOpen();
    const ref = this.#resolve(name);
    parseWith(createTableFromFileOptionsSchema, options, 'options');
    const format = options.format ?? formatOfPath(path);
    if (format !== 'csv' && format !== 'parquet') {
      throw new InvalidArgumentError(
        `format must be 'csv' or 'parquet' (or the path must end in .csv/.tsv/.txt/.parquet/.pq), found ${formatValue(options.format ?? path)}`,
      );
    }
    // The client's upload stream swallows a missing file's error and never settles; check first.
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) {
      throw new InvalidArgumentError(`path must be a readable file, found ${formatValue(path)}`, {
        details: { parameter: 'path', value: path },
      });
    }
    const columnTypes = Object.entries(options.columnTypes ?? {});
    if (columnTypes.length > 0 && format !== 'csv') {
      throw new InvalidArgumentError(
        `columnTypes applies to CSV files only, found format ${formatValue(format)}`,
      );
    }
    const load =
      format === 'csv'
        ? {
            sourceFormat: 'CSV',
            autodetect: true,
            skipLeadingRows: 1,
            ...(/\.tsv(\.gz)?$/i.test(path) && options.format === undefined ? { fieldDelimiter: '\t' } : {}),
          }
        : { sourceFormat: 'PARQUET' };
    if (columnTypes.length === 0) {
      await this.#load(name, path, load, options);
      return;
    }
    // Explicit types: the text is checked by the validator the DuckDB warehouse runs (same values
    // refused, same CsvValueError), then loaded as detected into a staging table and CAST into place.
    const replace = options.replace ?? false;
    if (!replace && (await this.tableExists(name))) throw this.#exists(name, ref);
    await checkCsvValues(path, options.columnTypes ?? {}, {
      delimiter: 'fieldDelimiter' in load ? '\t' : ',',
    });
    const stage = `${ref.projectId}.${ref.datasetId}.${ref.tableId}__leadscore_stage_${this.#createJobId()
      .slice(-12)
      .replace(/[^A-Za-z0-9_]/g, '_')}`;
    try {
      await this.#load(stage, path, load, { ...options, replace: true });
      const casts = columnTypes
        .map(([c, t]) => `${bigqueryDialect.cast(`\`${c}\``, t)} AS \`${c}\``)
        .join(', ');
      await this.execute(
        `CREATE ${replace ? 'OR REPLACE ' : ''}TABLE \`${ref.projectId}.${ref.datasetId}.${ref.tableId}\` AS ` +
          `SELECT * REPLACE (${casts}) FROM \`${stage}\``,
        { dryRun: false, ...(options.signal ? { signal: options.signal } : {}) },
      );
    } finally {
      await this.dropTable(stage, { ifExists: true }).catch((error: unknown) => {
        this.#logger.warn(`BigQuery staging table ${stage} was not dropped: ${String(error)}`);
      });
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
