import { describe, expect, it } from 'vitest';
import { encodeQueryParameters } from '../src/warehouse/bigquery-params.js';

describe('BigQuery TIMESTAMP parameters', () => {
  it('encodes Dates and zoned ISO strings as the same UTC instant', () => {
    const [a, b] = encodeQueryParameters(
      { a: new Date('2024-06-30T14:00:00Z'), b: '2024-06-30T10:00:00-04:00' },
      { b: 'TIMESTAMP' },
    );
    expect(a?.parameterValue).toEqual(b?.parameterValue);
  });

  it('refuses a zone-less string, which the host time zone would otherwise shift', () => {
    expect(() => encodeQueryParameters({ t: '2024-06-30T10:00:00' }, { t: 'TIMESTAMP' })).toThrow(
      /params\.t.*zone/,
    );
  });
});
