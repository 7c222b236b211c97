/**
 * Number formatting shared by the model-file writers: deterministic, locale-free, and shaped for the
 * parsers that read them (XGBoost's JSON reader wants a `.` or an exponent on every float).
 * @module
 */
import { InvalidArgumentError } from '@leadscore/core/errors';

/**
 * Shortest decimal that reads back as the same float32 (at most 9 significant digits), always with a
 * `.` or an exponent so XGBoost parses it as a float: `0.0`, `-0.0`, `0.5`, `1.2340241e-7`.
 */
export function formatFloat32(value: number, name: string): string {
  const x = Math.fround(value);
  if (!Number.isFinite(x)) {
    throw new InvalidArgumentError(`${name} must be finite, found ${value}`, {
      details: { parameter: name, value },
    });
  }
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  let s = x.toPrecision(9);
  for (let p = 1; p < 9; p++) {
    const candidate = x.toPrecision(p);
    if (Math.fround(Number(candidate)) === x) {
      s = candidate;
      break;
    }
  }
  if (s.includes('e')) return s.replace('e+', 'e');
  return s.includes('.') ? s : `${s}.0`;
}

/**
 * Shortest decimal that reads back as the same double (JavaScript's own shortest form), with C-style
 * exponents (`1e-07`) as LightGBM's `%g` writes them. Non-finite values throw.
 */
export function formatFloat64(value: number, name: string): string {
  if (!Number.isFinite(value)) {
    throw new InvalidArgumentError(`${name} must be finite, found ${value}`, {
      details: { parameter: name, value },
    });
  }
  if (Object.is(value, -0)) return '-0';
  const s = String(value);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const mantissa = s.slice(0, e);
  const sign = s[e + 1] === '-' ? '-' : '+';
  const digits = s.slice(e + 2);
  return `${mantissa}e${sign}${digits.length < 2 ? `0${digits}` : digits}`;
}

/** The largest float32 strictly below `x` (a float32), as a double. */
export function prevFloat32(x: number): number {
  const buf = new Float32Array(1);
  const bits = new Int32Array(buf.buffer);
  if (x === 0) {
    bits[0] = 0x80000001; // -min subnormal
    return buf[0]!;
  }
  buf[0] = x;
  bits[0] = x > 0 ? bits[0]! - 1 : bits[0]! + 1;
  return buf[0]!;
}

/** The smallest float32 strictly above `x` (a float32), as a double. */
export function nextFloat32(x: number): number {
  const buf = new Float32Array(1);
  const bits = new Int32Array(buf.buffer);
  if (x === 0) {
    bits[0] = 1; // min subnormal
    return buf[0]!;
  }
  buf[0] = x;
  bits[0] = x > 0 ? bits[0]! + 1 : bits[0]! - 1;
  return buf[0]!;
}
