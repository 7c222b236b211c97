/**
 * Conversions between BigQuery's REST representation (table schemas, `{ f: [{ v }] }` rows) and Arrow.
 * @module
 */

import { formatValue, SchemaError } from '@leadscore/core';
import {
  Bool,
  type Data,
  DataType,
  DateDay,
  Field,
  Float64,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  type Table,
  TimestampMillisecond,
  Type,
  Utf8,
} from 'apache-arrow';

/** One field of a BigQuery table schema (REST `TableFieldSchema`, scalar subset). */
export interface BigQueryField {
  name: string;
  type: string;
  mode?: string;
  fields?: BigQueryField[];
}

/** One row as the REST API returns it. */
export interface BigQueryRow {
  f: { v: unknown }[];
}

const MS_PER_DAY = 86_400_000;

type ScalarKind = 'string' | 'int64' | 'float64' | 'bool' | 'date' | 'timestamp' | 'datetime';

function kindOf(field: BigQueryField): ScalarKind {
  if (field.mode === 'REPEATED') {
    throw new SchemaError(
      `column ${formatValue(field.name)} is REPEATED ${field.type}; only scalar columns can be read as Arrow`,
      { details: { column: field.name, type: field.type } },
    );
  }
  switch (field.type) {
    case 'STRING':
      return 'string';
    case 'INTEGER':
    case 'INT64':
      return 'int64';
    case 'FLOAT':
    case 'FLOAT64':
    case 'NUMERIC':
    case 'BIGNUMERIC':
      return 'float64';
    case 'BOOLEAN':
    case 'BOOL':
      return 'bool';
    case 'DATE':
      return 'date';
    case 'TIMESTAMP':
      return 'timestamp';
    case 'DATETIME':
      return 'datetime';
    default:
      throw new SchemaError(
        `column ${formatValue(field.name)} has BigQuery type ${formatValue(field.type)}, which has no Arrow mapping (supported: STRING, INT64, FLOAT64, NUMERIC, BOOL, DATE, TIMESTAMP, DATETIME)`,
        { details: { column: field.name, type: field.type } },
      );
  }
}

function arrowTypeOf(kind: ScalarKind): DataType {
  switch (kind) {
    case 'string':
      return new Utf8();
    case 'int64':
      return new Int64();
    case 'float64':
      return new Float64();
    case 'bool':
      return new Bool();
    case 'date':
      return new DateDay();
    case 'timestamp':
      return new TimestampMillisecond('UTC');
    case 'datetime':
      return new TimestampMillisecond();
  }
}

/**
 * Arrow schema of a BigQuery result: STRING->Utf8, INT64->Int64, FLOAT64/NUMERIC->Float64, BOOL->Bool,
 * DATE->DateDay, TIMESTAMP->TimestampMillisecond('UTC'), DATETIME->TimestampMillisecond (no zone).
 */
export function arrowSchemaFromBigQuery(fields: readonly BigQueryField[]): Schema {
  return new Schema(fields.map((f) => new Field(f.name, arrowTypeOf(kindOf(f)), f.mode !== 'REQUIRED')));
}

/** TIMESTAMP cells are int64 microseconds (useInt64Timestamp) or float seconds ('1.5E9') from older APIs. */
function timestampMillis(v: string): bigint {
  if (/^-?\d+$/.test(v)) {
    const micros = BigInt(v);
    // Floor division so pre-1970 instants round toward the past like BigQuery does.
    return micros >= 0n ? micros / 1000n : -((-micros + 999n) / 1000n);
  }
  return BigInt(Math.floor(Number(v) * 1000));
}

/** DATETIME cells are civil 'YYYY-MM-DDTHH:MM:SS[.ffffff]'; read them as if in UTC. */
function datetimeMillis(v: string): bigint {
  const ms = Date.parse(`${v.replace(' ', 'T').slice(0, 23)}Z`);
  return BigInt(ms);
}

function dateDays(v: string, column: string): number {
  const ms = Date.parse(`${v}T00:00:00Z`);
  if (Number.isNaN(ms)) {
    throw new SchemaError(`column ${formatValue(column)} has an unreadable DATE cell ${formatValue(v)}`);
  }
  return Math.round(ms / MS_PER_DAY);
}

function columnData(
  kind: ScalarKind,
  type: DataType,
  rows: readonly BigQueryRow[],
  col: number,
  name: string,
): Data {
  const length = rows.length;
  const nullBitmap = new Uint8Array((length + 7) >> 3);
  let nullCount = 0;
  const cell = (i: number): string | null => {
    const v = (rows[i] as BigQueryRow).f[col]?.v;
    if (v === null || v === undefined) {
      nullCount++;
      return null;
    }
    nullBitmap[i >> 3] = (nullBitmap[i >> 3] as number) | (1 << (i & 7));
    return v as string;
  };
  switch (kind) {
    case 'string': {
      const values: (string | null)[] = new Array(length);
      let bytes = 0;
      for (let i = 0; i < length; i++) {
        const v = cell(i);
        values[i] = v;
        if (v !== null) bytes += Buffer.byteLength(v, 'utf8');
      }
      const data = Buffer.allocUnsafe(bytes);
      const valueOffsets = new Int32Array(length + 1);
      let offset = 0;
      for (let i = 0; i < length; i++) {
        const v = values[i];
        if (v != null) offset += data.write(v, offset, 'utf8');
        valueOffsets[i + 1] = offset;
      }
      return makeData({
        type: type as Utf8,
        length,
        nullCount,
        nullBitmap,
        valueOffsets,
        data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      });
    }
    case 'int64': {
      const data = new BigInt64Array(length);
      for (let i = 0; i < length; i++) {
        const v = cell(i);
        if (v !== null) data[i] = BigInt.asIntN(64, BigInt(v));
      }
      return makeData({ type: type as Int64, length, nullCount, nullBitmap, data });
    }
    case 'float64': {
      const data = new Float64Array(length);
      for (let i = 0; i < length; i++) {
        const v = cell(i);
        if (v !== null) data[i] = Number(v);
      }
      return makeData({ type: type as Float64, length, nullCount, nullBitmap, data });
    }
    case 'bool': {
      const data = new Uint8Array((length + 7) >> 3);
      for (let i = 0; i < length; i++) {
        const v = cell(i);
        if (v === 'true' || (v as unknown) === true) data[i >> 3] = (data[i >> 3] as number) | (1 << (i & 7));
      }
      return makeData({ type: type as Bool, length, nullCount, nullBitmap, data });
    }
    case 'date': {
      const data = new Int32Array(length);
      for (let i = 0; i < length; i++) {
        const v = cell(i);
        if (v !== null) data[i] = dateDays(v, name);
      }
      return makeData({ type: type as DateDay, length, nullCount, nullBitmap, data });
    }
    case 'timestamp':
    case 'datetime': {
      const data = new BigInt64Array(length);
      for (let i = 0; i < length; i++) {
        const v = cell(i);
        if (v !== null) data[i] = kind === 'timestamp' ? timestampMillis(v) : datetimeMillis(v);
      }
      return makeData({ type: type as TimestampMillisecond, length, nullCount, nullBitmap, data });
    }
  }
}

/** Converts one page of REST rows into a record batch of `schema` (from {@link arrowSchemaFromBigQuery}). */
export function recordBatchFromRows(
  fields: readonly BigQueryField[],
  schema: Schema,
  rows: readonly BigQueryRow[],
): RecordBatch {
  const children = fields.map((f, j) =>
    columnData(kindOf(f), (schema.fields[j] as Field).type, rows, j, f.name),
  );
  return new RecordBatch(
    schema,
    makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children }),
  );
}

/** BigQuery type name used to load an Arrow column. */
function bigQueryTypeOf(field: Field): string {
  const type = DataType.isDictionary(field.type) ? field.type.dictionary : field.type;
  switch (type.typeId) {
    case Type.Utf8:
    case Type.LargeUtf8:
      return 'STRING';
    case Type.Int:
      return 'INT64';
    case Type.Float:
      return 'FLOAT64';
    case Type.Bool:
      return 'BOOL';
    case Type.Date:
      return 'DATE';
    case Type.Timestamp:
      return (type as TimestampMillisecond).timezone ? 'TIMESTAMP' : 'DATETIME';
    default:
      throw new SchemaError(
        `column ${formatValue(field.name)} has Arrow type ${formatValue(String(field.type))}, which cannot be loaded into BigQuery (supported: Utf8, Int, Float, Bool, Date, Timestamp, dictionaries of Utf8)`,
        { details: { column: field.name, type: String(field.type) } },
      );
  }
}

/** The BigQuery load schema of an Arrow table (all columns NULLABLE). */
export function bigQueryFieldsFromArrow(schema: Schema): BigQueryField[] {
  return schema.fields.map((f) => ({ name: f.name, type: bigQueryTypeOf(f), mode: 'NULLABLE' }));
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function isoDate(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** Canonical `YYYY-MM-DD HH:MM:SS.mmm` (UTC fields) that BigQuery's loaders accept. */
function isoDateTime(ms: number): string {
  const d = new Date(ms);
  return (
    `${isoDate(d)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    `.${pad(d.getUTCMilliseconds(), 3)}`
  );
}

/** Formats one Arrow cell as a JSON value BigQuery's NEWLINE_DELIMITED_JSON loader accepts. */
type CellFormatter = (value: unknown) => string;

function formatterFor(bqType: string): CellFormatter {
  switch (bqType) {
    case 'STRING':
      return (v) => JSON.stringify(String(v));
    case 'INT64':
      return (v) => String(v);
    // JSON has no NaN/Infinity; BigQuery's JSON loader accepts them as quoted strings.
    case 'FLOAT64':
      return (v) => (Number.isFinite(v as number) ? String(v) : JSON.stringify(String(v)));
    case 'BOOL':
      return (v) => (v ? 'true' : 'false');
    case 'DATE':
      return (v) => `"${isoDate(new Date(Number(v)))}"`;
    case 'TIMESTAMP':
      return (v) => `"${isoDateTime(Number(v))}+00:00"`;
    default:
      return (v) => `"${isoDateTime(Number(v))}"`;
  }
}

/**
 * Serialises an Arrow table as newline-delimited JSON in chunks of `chunkRows` rows (nulls omitted).
 * Yields strings so callers can stream them to a file without holding the whole text.
 */
export function* ndjsonChunks(
  table: Table,
  fields: readonly BigQueryField[],
  chunkRows = 8192,
): Generator<string> {
  const keys = fields.map((f) => `${JSON.stringify(f.name)}:`);
  const formats = fields.map((f) => formatterFor(f.type));
  const lines: string[] = [];
  // Per batch, so each get() hits one chunk instead of searching the table's chunk offsets.
  for (const batch of table.batches) {
    const columns = fields.map((_, j) => batch.getChildAt(j));
    for (let i = 0; i < batch.numRows; i++) {
      let line = '{';
      let first = true;
      for (let j = 0; j < columns.length; j++) {
        const v = columns[j]?.get(i);
        if (v === null || v === undefined) continue;
        line += `${first ? '' : ','}${keys[j]}${(formats[j] as CellFormatter)(v)}`;
        first = false;
      }
      lines.push(`${line}}`);
      if (lines.length === chunkRows) {
        yield `${lines.join('\n')}\n`;
        lines.length = 0;
      }
    }
  }
  if (lines.length > 0) yield `${lines.join('\n')}\n`;
}
