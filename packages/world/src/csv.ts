/**
 * Fast Arrow-to-CSV: RFC 4180, header row, ISO dates ('YYYY-MM-DD') and timestamps
 * ('YYYY-MM-DDTHH:MM:SS.sssZ'), empty cells for nulls, `true`/`false` for booleans.
 * @module
 */

import { SchemaError } from '@leadscore/core';
import { type Data, type DataType, type Table, Type } from 'apache-arrow';
import { DAY_MS } from './calendar.js';

type Cell = (i: number) => string;

const NEEDS_QUOTE = /[",\r\n]/;
const quote = (s: string): string => (NEEDS_QUOTE.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
const decoder = new TextDecoder();

function isValid(data: Data<DataType>, i: number): boolean {
  const bitmap = data.nullBitmap;
  if (data.nullCount === 0 || bitmap === undefined || bitmap.length === 0) return true;
  const j = data.offset + i;
  return (bitmap[j >> 3]! & (1 << (j & 7))) !== 0;
}

function utf8Cell(data: Data<DataType>): Cell {
  const bytes = data.values as Uint8Array;
  const offsets = data.valueOffsets as Int32Array;
  let ascii = true;
  for (let k = 0; k < bytes.length; k++) {
    if (bytes[k]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    // One decode for the whole buffer: byte offsets are character offsets, and slices share memory.
    const all = decoder.decode(bytes);
    const plain = !NEEDS_QUOTE.test(all);
    return (i) => {
      const s = all.slice(offsets[i]!, offsets[i + 1]!);
      return plain ? s : quote(s);
    };
  }
  return (i) => quote(decoder.decode(bytes.subarray(offsets[i]!, offsets[i + 1]!)));
}

function cellFormatter(data: Data<DataType>, name: string): Cell {
  const values = data.values as ArrayLike<number | bigint>;
  switch (data.type.typeId) {
    case Type.Utf8:
      return utf8Cell(data);
    case Type.Dictionary: {
      const dictionary = data.dictionary;
      if (dictionary === undefined || dictionary.data.length !== 1) break;
      const entries = cellFormatter(dictionary.data[0]!, name);
      const memo = new Map<number, string>();
      return (i) => {
        const key = Number(values[i]);
        let s = memo.get(key);
        if (s === undefined) {
          s = entries(key);
          memo.set(key, s);
        }
        return s;
      };
    }
    case Type.Float:
    case Type.Int:
      return (i) => String(values[i]);
    case Type.Bool: {
      const bits = data.values as Uint8Array;
      return (i) =>
        (bits[(data.offset + i) >> 3]! & (1 << ((data.offset + i) & 7))) !== 0 ? 'true' : 'false';
    }
    case Type.Date: {
      const days = data.values as Int32Array;
      const cache = new Map<number, string>();
      return (i) => {
        const d = days[i]!;
        let s = cache.get(d);
        if (s === undefined) {
          s = new Date(d * DAY_MS).toISOString().slice(0, 10);
          cache.set(d, s);
        }
        return s;
      };
    }
    case Type.Timestamp: {
      const unit = (data.type as unknown as { unit: number }).unit;
      const perMs = [1e-3, 1, 1e3, 1e6][unit]!;
      const raw = data.values as BigInt64Array;
      return (i) => new Date(Number(raw[i]!) / perMs).toISOString();
    }
  }
  throw new SchemaError(
    `${name} has Arrow type ${String(data.type)}, which the CSV writer does not support (Utf8, Dictionary of Utf8, Float, Int, Bool, Date, Timestamp)`,
    { details: { column: name, type: String(data.type) } },
  );
}

/** Serialises an Arrow table to CSV bytes. */
export function tableToCsv(table: Table): Uint8Array {
  const names = table.schema.fields.map((f) => f.name);
  const chunks: Uint8Array[] = [Buffer.from(`${names.map(quote).join(',')}\n`)];
  const width = names.length;
  for (const batch of table.batches) {
    const columns = names.map((name, j): Cell => {
      // Sliced Data: fixed-width values and offsets are already sliced; validity and bool bits use data.offset.
      const data = batch.getChildAt(j)!.data[0]!;
      const cell = cellFormatter(data, name);
      return data.nullCount === 0 ? cell : (i) => (isValid(data, i) ? cell(i) : '');
    });
    const first = columns[0]!;
    let s = '';
    for (let i = 0; i < batch.numRows; i++) {
      s += first(i);
      for (let j = 1; j < width; j++) s += `,${columns[j]!(i)}`;
      s += '\n';
      if (s.length > 1 << 20) {
        chunks.push(Buffer.from(s));
        s = '';
      }
    }
    if (s.length > 0) chunks.push(Buffer.from(s));
  }
  return Buffer.concat(chunks);
}
