/**
 * Decoding of Arrow columns (and plain records) into the typed arrays features read: Float64Array with
 * NaN for numbers and dates (epoch ms), Int8Array (-1 missing) for booleans, interned Int32Array codes
 * (-1 missing) for strings. Decoding reads Arrow buffers directly; strings are interned from their UTF-8
 * bytes so a repeated value allocates nothing.
 * @module
 */
import { DataError, formatValue, SchemaError } from '@leadscore/core/errors';
import { type Data, DateUnit, TimeUnit, Type, type Vector } from 'apache-arrow';
import type { InputType } from '../define/input-types.js';

/** A decoded input column. */
export type DecodedColumn =
  | { readonly type: 'number'; readonly values: Float64Array }
  | { readonly type: 'boolean'; readonly values: Int8Array }
  | { readonly type: 'string'; readonly codes: Int32Array; readonly interner: StringInterner };

/** Largest finite Float32, the storage type of feature matrices. */
export const FLOAT32_MAX = 3.4028234663852886e38;

const decoder = new TextDecoder();

/** Assigns consecutive codes to distinct strings, from JS strings or UTF-8 byte ranges. */
export class StringInterner {
  /** Code -> string. */
  readonly levels: string[] = [];
  private readonly byString = new Map<string, number>();
  /** Open-addressing table of byte hashes: slot -> code + 1 (0 = empty). */
  private slots = new Int32Array(1024);
  /** Per code: its byte hash (valid once seen through {@link internBytes}). */
  private hashes = new Int32Array(64);
  /** Per code: its UTF-8 bytes, once seen through {@link internBytes}. */
  private readonly bytes: (Uint8Array | undefined)[] = [];
  private hashed = 0;

  /** Code of a JS string. */
  intern(value: string): number {
    let code = this.byString.get(value);
    if (code === undefined) {
      code = this.levels.length;
      this.levels.push(value);
      this.byString.set(value, code);
    }
    return code;
  }

  /** Code of the UTF-8 string `buf[start, end)`. */
  internBytes(buf: Uint8Array, start: number, end: number): number {
    let h = 0x811c9dc5 | 0;
    for (let p = start; p < end; p++) h = Math.imul(h ^ buf[p]!, 0x01000193);
    const mask = this.slots.length - 1;
    let slot = h & mask;
    for (;;) {
      const entry = this.slots[slot]!;
      if (entry === 0) break;
      const code = entry - 1;
      if (this.hashes[code] === h && sameBytes(this.bytes[code], buf, start, end)) return code;
      slot = (slot + 1) & mask;
    }
    const code = this.intern(decoder.decode(buf.subarray(start, end)));
    if (this.bytes[code] === undefined) {
      this.bytes[code] = buf.slice(start, end);
      if (code >= this.hashes.length) {
        const grown = new Int32Array(Math.max(this.hashes.length * 2, code + 1));
        grown.set(this.hashes);
        this.hashes = grown;
      }
      this.hashes[code] = h;
      this.slots[slot] = code + 1;
      if (++this.hashed * 2 > this.slots.length) this.rehash();
    }
    return code;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (const entry of this.slots) {
      if (entry === 0) continue;
      let slot = this.hashes[entry - 1]! & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = entry;
    }
    this.slots = slots;
  }
}

function sameBytes(a: Uint8Array | undefined, buf: Uint8Array, start: number, end: number): boolean {
  if (a === undefined || a.length !== end - start) return false;
  for (let p = 0; p < a.length; p++) if (a[p] !== buf[start + p]) return false;
  return true;
}

/** Whether an Arrow column type can be read as the given input type (dictionaries: of strings). */
export function arrowTypeFits(
  type: { typeId: number; dictionary?: { typeId: number } },
  expected: InputType,
): boolean {
  const typeId = type.typeId;
  switch (expected) {
    case 'number':
      return (
        typeId === Type.Int || typeId === Type.Float || typeId === Type.Date || typeId === Type.Timestamp
      );
    case 'boolean':
      return typeId === Type.Bool;
    case 'string': {
      const valueTypeId = typeId === Type.Dictionary ? type.dictionary?.typeId : typeId;
      return valueTypeId === Type.Utf8 || valueTypeId === Type.LargeUtf8;
    }
  }
}

/** The validity bitmap of a chunk, or null when the chunk has no nulls (read once: `nullCount` is a getter). */
function validity(data: Data): Uint8Array | null {
  if (data.nullCount <= 0) return null;
  const bitmap = data.nullBitmap;
  return bitmap === undefined || bitmap.length === 0 ? null : bitmap;
}

/** Decodes a numeric, date or timestamp vector into `out` (NaN = null), dates as epoch ms. */
export function decodeNumberVector(vector: Vector, name: string, out: Float64Array): void {
  let row = 0;
  for (const data of vector.data) {
    const n = data.length;
    const type = data.type as { typeId: number; unit?: number; precision?: number };
    let scale = 1;
    if (type.typeId === Type.Date && type.unit === DateUnit.DAY) scale = 86_400_000;
    else if (type.typeId === Type.Timestamp) {
      scale =
        type.unit === TimeUnit.SECOND
          ? 1000
          : type.unit === TimeUnit.MICROSECOND
            ? 1e-3
            : type.unit === TimeUnit.NANOSECOND
              ? 1e-6
              : 1;
    }
    // Half floats are stored as raw Uint16 bits: let Arrow convert them.
    const raw =
      type.typeId === Type.Float && type.precision === 0 ? null : (data.values as ArrayLike<number | bigint>);
    if (
      raw !== null &&
      !(raw instanceof BigInt64Array || raw instanceof BigUint64Array || ArrayBuffer.isView(raw))
    ) {
      throw new SchemaError(`${name}: cannot read Arrow type ${String(data.type)} as a number`, {
        details: { column: name },
      });
    }
    const stride = (data as unknown as { stride: number }).stride ?? 1;
    const valid = validity(data);
    const offset = data.offset;
    for (let i = 0; i < n; i++, row++) {
      if (valid !== null && (valid[(offset + i) >> 3]! & (1 << ((offset + i) & 7))) === 0) {
        out[row] = Number.NaN;
      } else if (raw === null) {
        out[row] = Number(vector.get(row));
      } else {
        const v = raw[i * stride]!;
        out[row] = (typeof v === 'bigint' ? Number(v) : v) * scale;
      }
    }
  }
}

/** Decodes a boolean vector into `out` (1 true, 0 false, -1 null). */
export function decodeBooleanVector(vector: Vector, out: Int8Array): void {
  let row = 0;
  for (const data of vector.data) {
    const bits = data.values as Uint8Array;
    const valid = validity(data);
    const offset = data.offset;
    for (let i = 0; i < data.length; i++, row++) {
      const bit = offset + i;
      const mask = 1 << (bit & 7);
      if (valid !== null && (valid[bit >> 3]! & mask) === 0) out[row] = -1;
      else out[row] = (bits[bit >> 3]! & mask) !== 0 ? 1 : 0;
    }
  }
}

/** Decodes a Utf8, LargeUtf8 or dictionary-of-strings vector into interned codes (-1 = null). */
export function decodeStringVector(
  vector: Vector,
  name: string,
  interner: StringInterner,
  out: Int32Array | Float64Array,
): void {
  const missing = out instanceof Float64Array ? Number.NaN : -1;
  let row = 0;
  for (const data of vector.data) {
    const n = data.length;
    const typeId = data.type.typeId as number;
    const valid = validity(data);
    const offset = data.offset;
    const isValid = (i: number) =>
      valid === null || (valid[(offset + i) >> 3]! & (1 << ((offset + i) & 7))) !== 0;
    if (typeId === Type.Dictionary) {
      const dictionary = (data as unknown as { dictionary?: Vector }).dictionary;
      const map = new Int32Array(dictionary?.length ?? 0);
      for (let k = 0; k < map.length; k++) {
        const s = dictionary!.get(k) as unknown;
        map[k] = typeof s === 'string' ? interner.intern(s) : -1;
      }
      const indices = data.values as ArrayLike<number | bigint>;
      for (let i = 0; i < n; i++, row++) {
        const code = isValid(i) ? map[Number(indices[i])]! : -1;
        out[row] = code < 0 ? missing : code;
      }
    } else if (typeId === Type.Utf8 || typeId === Type.LargeUtf8) {
      const bytes = data.values as Uint8Array;
      const offsets = data.valueOffsets as ArrayLike<number | bigint>;
      for (let i = 0; i < n; i++, row++) {
        out[row] = isValid(i)
          ? interner.internBytes(bytes, Number(offsets[i]), Number(offsets[i + 1]))
          : missing;
      }
    } else {
      throw new SchemaError(`${name}: cannot read Arrow type ${String(data.type)} as a string`, {
        details: { column: name },
      });
    }
  }
}

/**
 * Normalises one plain value (a record field) to what a row view returns: numbers (NaN = missing, Dates
 * and bigints converted), strings or booleans (null = missing).
 * @throws DataError when the value does not match `type`.
 */
export function normalizeInput(
  value: unknown,
  type: InputType,
  column: string,
): number | string | boolean | null {
  const missing = value === null || value === undefined;
  if (type === 'number') {
    if (typeof value === 'number') return value;
    if (typeof value === 'bigint') return Number(value);
    if (value instanceof Date) return value.getTime();
    if (missing) return Number.NaN;
  } else if (missing) return null;
  else if (typeof value === type) return value as string | boolean;
  throw new DataError(`${column} must be a ${type} or null, found ${formatValue(value)}`, {
    details: { column, value },
  });
}
