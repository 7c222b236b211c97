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

const decoder = new TextDecoder();

/** Assigns consecutive codes to distinct strings, from JS strings or UTF-8 byte ranges. */
export class StringInterner {
  /** Code -> string. */
  readonly levels: string[] = [];
  private readonly byString = new Map<string, number>();
  private readonly byHash = new Map<number, number>();
  /** Per code: the next code with the same byte hash, or -1. */
  private chain: Int32Array = new Int32Array(16).fill(-1);
  /** Per code: its UTF-8 bytes, once seen through {@link internBytes}. */
  private readonly bytes: (Uint8Array | undefined)[] = [];

  /** Code of a JS string. */
  intern(value: string): number {
    let code = this.byString.get(value);
    if (code === undefined) {
      code = this.levels.length;
      this.levels.push(value);
      this.byString.set(value, code);
      if (this.chain.length <= code) {
        const grown = new Int32Array(this.chain.length * 2).fill(-1);
        grown.set(this.chain);
        this.chain = grown;
      }
    }
    return code;
  }

  /** Code of the UTF-8 string `buf[start, end)`. */
  internBytes(buf: Uint8Array, start: number, end: number): number {
    let h = 0x811c9dc5;
    for (let p = start; p < end; p++) h = Math.imul(h ^ buf[p]!, 0x01000193);
    const head = this.byHash.get(h);
    let code = head ?? -1;
    while (code >= 0) {
      if (sameBytes(this.bytes[code], buf, start, end)) return code;
      code = this.chain[code]!;
    }
    code = this.intern(decoder.decode(buf.subarray(start, end)));
    if (this.bytes[code] === undefined) {
      this.bytes[code] = buf.slice(start, end);
      this.chain[code] = head ?? -1;
      this.byHash.set(h, code);
    }
    return code;
  }
}

function sameBytes(a: Uint8Array | undefined, buf: Uint8Array, start: number, end: number): boolean {
  if (a === undefined || a.length !== end - start) return false;
  for (let p = 0; p < a.length; p++) if (a[p] !== buf[start + p]) return false;
  return true;
}

/** Whether an Arrow column type can be read as the given input type. */
export function arrowTypeFits(typeId: number, expected: InputType): boolean {
  switch (expected) {
    case 'number':
      return (
        typeId === Type.Int || typeId === Type.Float || typeId === Type.Date || typeId === Type.Timestamp
      );
    case 'boolean':
      return typeId === Type.Bool;
    case 'string':
      return typeId === Type.Utf8 || typeId === Type.LargeUtf8 || typeId === Type.Dictionary;
  }
}

const isValidAt = (data: Data, i: number): boolean => {
  if (data.nullCount <= 0) return true;
  const bitmap = data.nullBitmap;
  if (bitmap === undefined || bitmap.length === 0) return true;
  const bit = data.offset + i;
  return (bitmap[bit >> 3]! & (1 << (bit & 7))) !== 0;
};

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
    for (let i = 0; i < n; i++, row++) {
      if (!isValidAt(data, i)) {
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
    for (let i = 0; i < data.length; i++, row++) {
      if (!isValidAt(data, i)) out[row] = -1;
      else {
        const bit = data.offset + i;
        out[row] = (bits[bit >> 3]! & (1 << (bit & 7))) !== 0 ? 1 : 0;
      }
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
    if (typeId === Type.Dictionary) {
      const dictionary = (data as unknown as { dictionary?: Vector }).dictionary;
      const map = new Int32Array(dictionary?.length ?? 0);
      for (let k = 0; k < map.length; k++) {
        const s = dictionary!.get(k) as unknown;
        map[k] = typeof s === 'string' ? interner.intern(s) : -1;
      }
      const indices = data.values as ArrayLike<number | bigint>;
      for (let i = 0; i < n; i++, row++) {
        const code = isValidAt(data, i) ? map[Number(indices[i])]! : -1;
        out[row] = code < 0 ? missing : code;
      }
    } else if (typeId === Type.Utf8 || typeId === Type.LargeUtf8) {
      const bytes = data.values as Uint8Array;
      const offsets = data.valueOffsets as ArrayLike<number | bigint>;
      for (let i = 0; i < n; i++, row++) {
        out[row] = isValidAt(data, i)
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
